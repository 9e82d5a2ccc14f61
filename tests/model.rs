//! The inference pass claimscan owns (src/model/inference.rs) against rust-bert's forward
//! pass on the same weights: they must compute the same function.

mod common;

use claimscan::model::{ClaimModel, Precision};

#[test]
fn own_inference_pass_matches_rust_bert() {
    let models = common::root().join("models");
    let fast = ClaimModel::load_with(&models, Precision::Fp32).unwrap();
    let mut reference = ClaimModel::load_with(&models, Precision::Fp32).unwrap();
    reference.encoder.drop_inference();
    let text = std::fs::read_to_string(common::sample_article()).unwrap();
    let sentences: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(40)
        .collect();
    let a = fast.analyse(&sentences).unwrap();
    let b = reference.analyse(&sentences).unwrap();
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        for (p, q) in [
            (x.scores.p_fact, y.scores.p_fact),
            (x.scores.p_opinion, y.scores.p_opinion),
            (x.scores.checkworthy, y.scores.checkworthy),
        ] {
            assert!((p - q).abs() < 1e-4, "sentence {i}: {p} vs {q}");
        }
        assert_eq!(x.entities.len(), y.entities.len(), "sentence {i}");
        for (e, f) in x.entities.iter().zip(&y.entities) {
            assert_eq!(
                (e.start, e.end, e.kind),
                (f.start, f.end, f.kind),
                "sentence {i}"
            );
            assert!((e.confidence - f.confidence).abs() < 1e-4, "sentence {i}");
        }
    }
}
