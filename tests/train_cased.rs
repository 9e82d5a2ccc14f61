//! `claimscan train-cased`: a short run writes adapters the accurate entity mode loads, with
//! the layout of the committed ones, and the same seed gives the same bytes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use claimscan::model::cased::CasedTagger;
use claimscan::model::Precision;
use tch::Tensor;

fn shapes(path: &Path) -> BTreeMap<String, Vec<i64>> {
    Tensor::read_safetensors(path)
        .unwrap()
        .into_iter()
        .map(|(name, t)| (name, t.size()))
        .collect()
}

fn short_run(out: &Path) {
    let output = common::claimscan(&[
        "train-cased",
        "--limit",
        "40",
        "--epochs",
        "1",
        "--threads",
        "1",
        "--no-eval",
        "--data",
        common::shared_data().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "train-cased failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_short_run_writes_adapters_the_accurate_mode_loads() {
    let models = common::root().join("models");
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("a"), dir.path().join("b"));
    short_run(&first);
    let adapters = first.join("adapters.safetensors");
    assert_eq!(
        shapes(&adapters),
        shapes(&models.join("claimscan-cased/adapters.safetensors")),
        "same tensors and shapes as the committed adapters"
    );
    // The up matrices start at zero: training moved them.
    let trained: BTreeMap<String, Tensor> = Tensor::read_safetensors(&adapters)
        .unwrap()
        .into_iter()
        .collect();
    let up = &trained["encoder.layer.0.attention.self.query.lora_up"];
    assert!(up.abs().sum(tch::Kind::Float).double_value(&[]) > 0.0);

    let tagger = CasedTagger::load_from(
        &models.join("distilbert-base-cased"),
        &first,
        Precision::Int8,
    )
    .unwrap();
    assert_eq!(tagger.meta.lora_rank, 32);
    let tokens = tagger.tokenize("Putin met Khatami in Moscow.").unwrap();
    let probabilities = tagger.tag_probabilities(&[&tokens], 0).unwrap();
    assert_eq!(probabilities.size(), [1, tokens.len() as i64, 9]);

    short_run(&second);
    let bytes = |dir: &Path| std::fs::read(dir.join("adapters.safetensors")).unwrap();
    assert!(bytes(&first) == bytes(&second), "same seed, same adapters");
}
