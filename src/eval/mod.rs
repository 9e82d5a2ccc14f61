//! Evaluation of each stage against labelled data with the standard measure.
pub mod attribution;
pub mod documents;
pub mod extract;
pub mod labels;
pub mod ner;
pub mod segment;

/// `part / whole` as a fraction, 0 when `whole` is 0 (a precision with nothing predicted).
pub fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// F1: the harmonic mean of precision and recall (0 when both are 0).
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}
