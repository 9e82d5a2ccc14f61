//! claimscan: news text in, checkable assertions out.
//!
//! A batch pipeline of named stages over one document model (see DESIGN.md):
//! [`input`] reads documents, [`segment`] splits them into sentences, [`model`] runs one
//! transformer pass per sentence feeding every head, [`classify`] turns head scores, cues and
//! attribution into labels, [`entities`] adds rule-based dates and numbers to the model's
//! names, and [`output`] writes the CSV files. [`pipeline`] wires them together.
#![warn(missing_docs)]

pub mod calibrate;
pub mod classify;
pub mod datasets;
pub mod document;
pub mod entities;
pub mod eval;
pub mod input;
pub mod isolate;
pub mod lock;
pub mod merge;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod segment;
pub mod skip;
pub mod train;
pub mod train_cased;
pub mod train_news;
pub mod train_source;
