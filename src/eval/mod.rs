//! Evaluation of each stage against labelled data with the standard measure.
pub mod attribution;
pub mod extract;
pub mod labels;
pub mod ner;
pub mod segment;

/// F1: the harmonic mean of precision and recall (0 when both are 0).
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}
