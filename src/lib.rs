//! claimscan: news text in, checkable assertions out.
pub mod document;
