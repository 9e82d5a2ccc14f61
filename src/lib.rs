//! claimscan: news text in, checkable assertions out.
pub mod datasets;
pub mod document;
pub mod model;
pub mod output;
pub mod train;
