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

/// Batches hold only as many rows as they have sentences, so a sentence meets different batch
/// mates and row counts depending on the rest of the run: its analysis must not change.
#[test]
fn a_sentence_analysed_alone_matches_it_in_a_batch() {
    let models = common::root().join("models");
    let text = std::fs::read_to_string(common::sample_article()).unwrap();
    // Sentences of one padded length share batches, so repeat a few sentences in a large
    // batch of varied company; each must come out exactly as when analysed on its own.
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut batch: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        batch.push(line);
        if i % 3 == 0 {
            for chars in [4, 9, 17] {
                let end = line
                    .char_indices()
                    .nth(chars)
                    .map_or(line.len(), |(b, _)| b);
                batch.push(&line[..end]);
            }
        }
    }
    for precision in [Precision::Int8, Precision::Fp32] {
        let model = ClaimModel::load_with(&models, precision).unwrap();
        let together = model.analyse(&batch).unwrap();
        for (i, sentence) in batch.iter().enumerate().step_by(7) {
            let alone = model.analyse(&[sentence]).unwrap();
            let (a, b) = (&alone[0], &together[i]);
            assert_eq!(
                (a.scores.p_fact.to_bits(), a.scores.p_speculation.to_bits()),
                (b.scores.p_fact.to_bits(), b.scores.p_speculation.to_bits()),
                "{precision:?}: sentence {i} {sentence:?}"
            );
            assert_eq!(
                (a.scores.p_opinion.to_bits(), a.scores.checkworthy.to_bits()),
                (b.scores.p_opinion.to_bits(), b.scores.checkworthy.to_bits()),
                "{precision:?}: sentence {i} {sentence:?}"
            );
            let spans = |v: &claimscan::model::SentenceAnalysis| -> Vec<(usize, usize, u64)> {
                v.entities
                    .iter()
                    .map(|e| (e.start, e.end, e.confidence.to_bits()))
                    .collect()
            };
            assert_eq!(
                spans(a),
                spans(b),
                "{precision:?}: sentence {i} {sentence:?}"
            );
        }
    }
}
