//! Bad input costs nothing else: clear errors naming the file and line, every document
//! accounted for in documents.csv, documented exit codes.

mod common;

use std::fs;

use common::*;

#[test]
fn missing_input_is_a_usage_error_naming_the_path() {
    let out = tempfile::tempdir().unwrap();
    let output = annotate(out.path(), &["/nonexistent/claimscan-input.txt"], 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/nonexistent/claimscan-input.txt"),
        "stderr: {stderr}"
    );
    assert!(
        !out.path().join("sentences.csv").exists(),
        "no output on a usage error"
    );
}

#[test]
fn missing_models_are_an_environment_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    fs::write(&input, "One sentence.").unwrap();
    let output = annotate(
        &dir.path().join("out"),
        &["--models", "/nonexistent-models", input.to_str().unwrap()],
        2,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nonexistent-models") && stderr.contains("setup.sh"),
        "stderr: {stderr}"
    );
}

#[test]
fn a_model_trained_with_document_context_is_refused_by_annotate() {
    let dir = tempfile::tempdir().unwrap();
    let models = root().join("models");
    let meta =
        fs::read_to_string(models.join("claimscan/model.json")).expect("the committed model.json");
    let copy = dir.path().join("models");
    fs::create_dir_all(copy.join("claimscan")).unwrap();
    let mut meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    meta["ner_context_words"] = serde_json::json!(16);
    fs::write(copy.join("claimscan/model.json"), meta.to_string()).unwrap();
    for linked in ["claimscan/model.safetensors", "all-MiniLM-L6-v2"] {
        std::os::unix::fs::symlink(models.join(linked), copy.join(linked)).unwrap();
    }
    let input = dir.path().join("a.txt");
    fs::write(&input, "One sentence.").unwrap();
    let output = annotate(
        &dir.path().join("out"),
        &["--models", copy.to_str().unwrap(), input.to_str().unwrap()],
        2,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("model.json") && stderr.contains("--ner-context"),
        "stderr: {stderr}"
    );
}

/// A folder with a models directory holding only `linked` (links into models/) and a
/// one-sentence input, and `annotate --models COPY MODE_ARGS INPUT` run on it, expecting
/// `expect_code`. Returns the folder, the models copy, the input and stderr.
fn annotate_with_only(
    linked: &[&str],
    mode_args: &[&str],
    expect_code: i32,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    let models = root().join("models");
    let copy = dir.path().join("models");
    fs::create_dir_all(&copy).unwrap();
    for name in linked {
        std::os::unix::fs::symlink(models.join(name), copy.join(name)).unwrap();
    }
    let input = dir.path().join("a.txt");
    fs::write(&input, "Maria Santos visited Lisbon.").unwrap();
    let output = annotate(
        &dir.path().join("out"),
        &[
            &["--models", copy.to_str().unwrap()][..],
            mode_args,
            &[input.to_str().unwrap()],
        ]
        .concat(),
        expect_code,
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (dir, copy, input, stderr)
}

#[test]
fn accurate_entities_without_the_cased_tagger_name_the_file_and_the_way_out() {
    // The fast model is all there; the cased base encoder is not.
    let (dir, copy, input, stderr) = annotate_with_only(
        &["claimscan", "all-MiniLM-L6-v2", "claimscan-cased"],
        &["--entities", "accurate"],
        2,
    );
    assert!(
        stderr.contains("distilbert-base-cased")
            && stderr.contains("setup.sh")
            && stderr.contains("--entities fast"),
        "stderr: {stderr}"
    );
    // The default (fast) needs nothing more.
    annotate(
        &dir.path().join("out-fast"),
        &["--models", copy.to_str().unwrap(), input.to_str().unwrap()],
        0,
    );
}

#[test]
fn accurate_labels_without_the_cased_labeller_name_the_file_and_the_way_out() {
    // Everything but the labeller's adapters.
    let (_dir, _, _, stderr) = annotate_with_only(
        &[
            "claimscan",
            "all-MiniLM-L6-v2",
            "claimscan-cased",
            "distilbert-base-cased",
        ],
        &["--labels", "accurate"],
        2,
    );
    assert!(
        stderr.contains("claimscan-cased-news") && stderr.contains("--labels fast"),
        "stderr: {stderr}"
    );
}

#[test]
fn every_bad_document_is_accounted_for_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    fs::create_dir(&inputs).unwrap();
    fs::write(
        inputs.join("good.txt"),
        "The council approved the budget on Monday.",
    )
    .unwrap();
    fs::write(inputs.join("empty.txt"), "").unwrap();
    fs::write(inputs.join("blank.md"), "  \n\n\t ").unwrap();
    fs::write(
        inputs.join("binary.txt"),
        [0u8, 159, 146, 150, 0, 0, 1, 2, 3],
    )
    .unwrap();
    fs::write(inputs.join("latin1.txt"), b"The caf\xe9 opened in 2019.\n").unwrap();
    fs::write(
        inputs.join("bom.txt"),
        "\u{feff}Prices fell 2%.\r\nThey may rise again.\r\n",
    )
    .unwrap();
    fs::write(
        inputs.join("feed.jsonl"),
        "{\"id\": \"ok1\", \"text\": \"Rates rose.\"}\n{not json\n{\"id\": \"x\", \"body\": \"no text field\"}\n{\"id\": \"ok2\", \"text\": \"Rates fell.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = annotate(&out, &[inputs.to_str().unwrap()], 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains("documents.csv"));

    let docs = read_csv(&out.join("documents.csv")).rows;
    let status = |id: &str| -> (String, String, String) {
        let r = docs
            .iter()
            .find(|r| r["doc_id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from documents.csv"));
        (
            r["status"].clone(),
            r["error"].clone(),
            r["warning"].clone(),
        )
    };
    assert_eq!(status("good.txt").0, "ok");
    assert_eq!(status("empty.txt").0, "empty");
    assert_eq!(status("blank.md").0, "empty");
    let (s, e, _) = status("binary.txt");
    assert_eq!(s, "error");
    assert!(e.contains("binary.txt") && e.contains("binary"), "{e}");
    let (s, _, w) = status("latin1.txt");
    assert_eq!(s, "ok");
    assert!(w.contains("UTF-8"), "lossy decoding must be reported: {w}");
    assert_eq!(status("bom.txt").0, "ok");
    assert_eq!(status("ok1").0, "ok");
    assert_eq!(status("ok2").0, "ok");
    let broken: Vec<_> = docs
        .iter()
        .filter(|r| {
            r["status"] == "error"
                && r["source"].starts_with(&*inputs.join("feed.jsonl").to_string_lossy())
        })
        .collect();
    assert_eq!(broken.len(), 2, "two malformed JSONL lines: {docs:#?}");
    assert!(broken.iter().any(|r| r["source"].ends_with(":2")));
    assert!(broken.iter().any(|r| r["error"].contains("text")));
    assert_eq!(docs.len(), 10);

    // The BOM is not part of the text and CRLF does not end up inside a sentence.
    let sentences = read_csv(&out.join("sentences.csv")).rows;
    let bom: Vec<_> = sentences
        .iter()
        .filter(|r| r["doc_id"] == "bom.txt")
        .map(|r| r["text"].clone())
        .collect();
    assert_eq!(bom, vec!["Prices fell 2%.", "They may rise again."]);
}

#[test]
fn strict_mode_rejects_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("latin1.txt");
    fs::write(&input, b"The caf\xe9 opened.").unwrap();
    let out = dir.path().join("out");
    annotate(&out, &["--strict", input.to_str().unwrap()], 1);
    let docs = read_csv(&out.join("documents.csv")).rows;
    assert_eq!(docs[0]["status"], "error");
    assert!(docs[0]["error"].contains("UTF-8"));
}

#[test]
fn a_labeller_ensemble_reads_its_members_and_names_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let models = root().join("models");
    let copy = dir.path().join("models");
    fs::create_dir_all(copy.join("claimscan-cased-news")).unwrap();
    for name in [
        "claimscan",
        "all-MiniLM-L6-v2",
        "claimscan-cased",
        "distilbert-base-cased",
    ] {
        std::os::unix::fs::symlink(models.join(name), copy.join(name)).unwrap();
    }
    let labeller = models.join("claimscan-cased-news");
    let ensemble = copy.join("claimscan-cased-news");
    std::os::unix::fs::symlink(
        labeller.join("adapters.safetensors"),
        ensemble.join("adapters.safetensors"),
    )
    .unwrap();
    let meta = fs::read_to_string(labeller.join("model.json")).expect("the labeller's model.json");
    let mut meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    meta["members"] = serde_json::json!(["adapters-twin.safetensors"]);
    fs::write(ensemble.join("model.json"), meta.to_string()).unwrap();
    let input = dir.path().join("a.txt");
    fs::write(
        &input,
        "The council approved the budget on Monday. Prices could rise next year. \
         It was a reckless decision.",
    )
    .unwrap();
    let run = |out: &str, models: &std::path::Path, code: i32| {
        annotate(
            &dir.path().join(out),
            &[
                "--models",
                models.to_str().unwrap(),
                "--labels",
                "accurate",
                input.to_str().unwrap(),
            ],
            code,
        )
    };

    // The member model.json names is not there: refused, naming it.
    let output = run("out-missing", &copy, 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("adapters-twin.safetensors") && stderr.contains("members"),
        "stderr: {stderr}"
    );

    // Two identical members average to the single labeller's probabilities, bit for bit.
    std::os::unix::fs::symlink(
        labeller.join("adapters.safetensors"),
        ensemble.join("adapters-twin.safetensors"),
    )
    .unwrap();
    run("out-ensemble", &copy, 0);
    run("out-single", &models, 0);
    let read = |out: &str| fs::read_to_string(dir.path().join(out).join("sentences.csv")).unwrap();
    assert_eq!(read("out-ensemble"), read("out-single"));
}
