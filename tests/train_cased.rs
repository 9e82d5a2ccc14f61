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

#[test]
fn a_short_news_run_writes_a_labeller_the_accurate_labels_load() {
    let models = common::root().join("models");
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("news.tsv");
    let status = std::process::Command::new("python3")
        .arg(common::root().join("scripts/news_labels.py"))
        .args(["export", "--out", export.to_str().unwrap()])
        .status()
        .expect("python3 runs scripts/news_labels.py");
    assert!(status.success(), "news_labels.py export failed");
    // A models folder whose labeller is the one this run writes.
    let run_models = dir.path().join("models");
    std::fs::create_dir_all(&run_models).unwrap();
    for linked in ["claimscan", "all-MiniLM-L6-v2", "distilbert-base-cased"] {
        std::os::unix::fs::symlink(models.join(linked), run_models.join(linked)).unwrap();
    }
    let out = run_models.join("claimscan-cased-news");
    let output = common::claimscan(&[
        "train-cased",
        "--news",
        export.to_str().unwrap(),
        "--limit",
        "32",
        "--epochs",
        "1",
        "--threads",
        "1",
        "--models",
        run_models.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "train-cased --news failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        shapes(&out.join("adapters.safetensors")),
        shapes(&models.join("claimscan-cased-news/adapters.safetensors")),
        "same tensors and shapes as the committed labeller"
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
    assert_eq!(
        meta["labels"],
        serde_json::json!(["fact", "speculation", "opinion", "none"])
    );
    // Every dev row scored, each row a distribution.
    let probabilities = std::fs::read_to_string(out.join("dev_probabilities.tsv")).unwrap();
    let rows: Vec<&str> = probabilities.lines().skip(1).collect();
    assert!(rows.len() > 900, "{} dev rows", rows.len());
    for row in rows {
        let total: f64 = row
            .split('\t')
            .skip(1)
            .map(|v| v.parse::<f64>().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-4, "{row}");
    }
    let input = dir.path().join("a.txt");
    std::fs::write(&input, "The port will reopen on Monday, officials said.\n").unwrap();
    let annotated = common::claimscan(&[
        "annotate",
        "--labels",
        "accurate",
        "--models",
        run_models.to_str().unwrap(),
        "--quiet",
        "-o",
        dir.path().join("out").to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        annotated.status.success(),
        "annotate --labels accurate with the new labeller: {}",
        String::from_utf8_lossy(&annotated.stderr)
    );
}
