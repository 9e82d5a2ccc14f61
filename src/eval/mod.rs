//! Evaluation of each stage against labelled data with the standard measure.
pub mod labels;
pub mod ner;
pub mod segment;
