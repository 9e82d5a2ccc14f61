//! Batch-grade behaviour: sharding and merging, resuming after kill -9, spreadsheet safety.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

const CSVS: [&str; 3] = ["sentences.csv", "entities.csv", "documents.csv"];

/// A directory of `n` small distinct news-like documents.
fn make_corpus(dir: &Path, n: usize) {
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let text = format!(
            "Harbour report {i}\nThe board approved {} new berths on March {}, 2024. Officials said the work could \
             start next year. Critics called the plan a costly mistake.\n",
            i + 2,
            i % 28 + 1
        );
        fs::write(dir.join(format!("doc-{i:03}.txt")), text).unwrap();
    }
}

fn assert_same_outputs(a: &Path, b: &Path) {
    for f in CSVS {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn shards_merge_into_the_single_run_output() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    make_corpus(&corpus, 12);
    let article = sample_article();
    let inputs = [corpus.to_str().unwrap(), article.to_str().unwrap()];
    let single = dir.path().join("single");
    annotate(&single, &inputs, 0);

    let mut shard_dirs = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        let shard = format!("{k}/3");
        let mut args = vec!["--shard", shard.as_str()];
        args.extend_from_slice(&inputs);
        annotate(&out, &args, 0);
        shard_dirs.push(out);
    }
    let shard_docs: usize = shard_dirs
        .iter()
        .map(|d| read_csv(&d.join("documents.csv")).rows.len())
        .sum();
    assert_eq!(shard_docs, 13, "every document in exactly one shard");
    assert!(
        shard_dirs
            .iter()
            .filter(|d| !read_csv(&d.join("documents.csv")).rows.is_empty())
            .count()
            >= 2
    );

    let merged = dir.path().join("merged");
    let mut args = vec!["merge", "-o", merged.to_str().unwrap()];
    args.extend(shard_dirs.iter().map(|d| d.to_str().unwrap()));
    let output = claimscan(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_same_outputs(&single, &merged);
    assert!(merged.join("run.json").is_file());
}

#[test]
fn merging_the_same_shard_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    make_corpus(&corpus, 3);
    let out = dir.path().join("all");
    annotate(&out, &[corpus.to_str().unwrap()], 0);
    let merged = dir.path().join("merged");
    let output = claimscan(&[
        "merge",
        "-o",
        merged.to_str().unwrap(),
        out.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("two shards"));
}

#[test]
fn resume_after_kill_9_gives_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    make_corpus(&corpus, 80);
    let corpus_arg = corpus.to_str().unwrap();
    let reference = dir.path().join("reference");
    annotate(&reference, &["--chunk-documents", "2", corpus_arg], 0);

    let out = dir.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimscan"))
        .args([
            "annotate",
            "--quiet",
            "--chunk-documents",
            "2",
            "-o",
            out.to_str().unwrap(),
            corpus_arg,
        ])
        .spawn()
        .unwrap();
    let checkpoint = out.join(".claimscan-checkpoint.json");
    let deadline = Instant::now() + Duration::from_secs(120);
    // Let a few chunks through, then kill without warning.
    while Instant::now() < deadline {
        if let Ok(text) = fs::read_to_string(&checkpoint) {
            if text.contains("\"items_done\": 1") || text.contains("\"items_done\": 2") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        checkpoint.is_file(),
        "the run was killed before its first checkpoint or after its end"
    );
    assert!(
        !out.join("sentences.csv").exists(),
        "no final-named file from an interrupted run"
    );

    annotate(&out, &["--resume", "--chunk-documents", "2", corpus_arg], 0);
    assert_same_outputs(&reference, &out);
    assert!(
        !checkpoint.exists(),
        "a finished run removes its checkpoint"
    );
}

#[test]
fn resume_with_other_inputs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    make_corpus(&corpus, 6);
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // A checkpoint claiming other inputs were consumed.
    annotate(
        &out,
        &["--chunk-documents", "2", corpus.to_str().unwrap()],
        0,
    );
    let fake = r#"{"fingerprint":"model=other","items_done":2,"input_digest":"00","lengths":{"sentences":0,"entities":0,"documents":0},"counts":{"documents":0,"ok":0,"empty":0,"errors":0,"sentences":0,"facts":0,"speculations":0,"opinions":0,"entities":0,"truncated_sentences":0,"cached_sentences":0}}"#;
    fs::write(out.join(".claimscan-checkpoint.json"), fake).unwrap();
    let output = annotate(&out, &["--resume", corpus.to_str().unwrap()], 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("without --resume"));
}

#[test]
fn excel_safe_prefixes_formula_cells_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sheet.txt");
    fs::write(
        &input,
        "=HYPERLINK(\"x\") was typed into the form.\n\n-5 degrees were recorded on Monday.",
    )
    .unwrap();
    let plain = dir.path().join("plain");
    annotate(&plain, &[input.to_str().unwrap()], 0);
    let rows = read_csv(&plain.join("sentences.csv")).rows;
    assert!(rows[0]["text"].starts_with("=HYPERLINK"));
    let safe = dir.path().join("safe");
    annotate(&safe, &["--excel-safe", input.to_str().unwrap()], 0);
    let rows = read_csv(&safe.join("sentences.csv")).rows;
    assert!(rows[0]["text"].starts_with("'=HYPERLINK"));
    assert!(rows[1]["text"].starts_with("'-5 degrees"));
}

#[test]
fn a_small_duplicate_cache_changes_nothing_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    make_corpus(&corpus, 20);
    // Repeated wire copy: the same sentences in several documents.
    fs::write(
        corpus.join("zz-copy.txt"),
        fs::read_to_string(corpus.join("doc-003.txt")).unwrap(),
    )
    .unwrap();
    let big = dir.path().join("big-cache");
    annotate(
        &big,
        &["--chunk-documents", "3", corpus.to_str().unwrap()],
        0,
    );
    let small = dir.path().join("small-cache");
    annotate(
        &small,
        &[
            "--chunk-documents",
            "3",
            "--cache-sentences",
            "5",
            corpus.to_str().unwrap(),
        ],
        0,
    );
    assert_same_outputs(&big, &small);
}

#[test]
fn sentence_windows_change_nothing_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    make_corpus(&corpus, 9);
    // Documents without sentences and failed documents sit between windows too.
    fs::write(corpus.join("doc-004-empty.txt"), "  \n\n ").unwrap();
    fs::write(
        corpus.join("doc-005-binary.txt"),
        b"\x00\x01\x02ELF\x00\x00",
    )
    .unwrap();
    // Windows of one sentence put every sentence alone in its batch: with int8 (whose
    // activation scales are taken per token) this also shows that a sentence's result does
    // not depend on its batch mates.
    for precision in ["fp32", "int8"] {
        let reference = dir.path().join(format!("reference-{precision}"));
        let c = corpus.to_str().unwrap();
        annotate(&reference, &["--precision", precision, c], 1);
        for window in ["1", "2", "7"] {
            let out = dir.path().join(format!("window-{window}-{precision}"));
            let args = ["--precision", precision, "--window-sentences", window, c];
            annotate(&out, &args, 1);
            assert_same_outputs(&reference, &out);
        }
    }
}

/// Peak memory the run recorded in its run.json.
fn peak_memory_mb(out: &Path) -> f64 {
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    run["peak_memory_mb"]
        .as_f64()
        .expect("run.json reports peak_memory_mb on Linux")
}

#[test]
fn a_50_mb_document_is_processed_in_bounded_memory() {
    const SIZE: usize = 50 << 20;
    let dir = tempfile::tempdir().unwrap();
    // The team's sample articles, with multi-byte characters, repeated up to 50 MB as one
    // document (repeats keep the encoder's work small; segmentation, rules and output see
    // every sentence).
    let mut unit = String::new();
    for name in ["central-bank-rates.txt", "port-expansion.txt"] {
        unit.push_str(&fs::read_to_string(root().join("corpus").join(name)).unwrap());
        unit.push_str("\n\nIn Zürich, the café’s owner said the 5 € fee “could rise”.\n\n");
    }
    let mut text = String::with_capacity(SIZE + unit.len());
    while text.len() < SIZE {
        text.push_str(&unit);
    }
    let huge = dir.path().join("huge.txt");
    fs::write(&huge, &text).unwrap();
    let small = dir.path().join("small.txt");
    fs::write(&small, &unit).unwrap();

    let small_out = dir.path().join("small-out");
    annotate(&small_out, &[small.to_str().unwrap()], 0);
    let huge_out = dir.path().join("huge-out");
    annotate(&huge_out, &[huge.to_str().unwrap()], 0);

    let docs = read_csv(&huge_out.join("documents.csv"));
    assert_eq!(docs.rows.len(), 1);
    assert_eq!(docs.rows[0]["status"], "ok");
    let repeats = text.len() / unit.len();
    let per_unit: usize = num(
        &read_csv(&small_out.join("documents.csv")).rows[0],
        "sentences",
    );
    let sentences: usize = num(&docs.rows[0], "sentences");
    assert!(
        sentences >= repeats * per_unit,
        "{sentences} sentences for {repeats} copies of {per_unit}"
    );
    // Streamed, every row is there and the last one's offsets still point at its text.
    let mut reader = csv::Reader::from_path(huge_out.join("sentences.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (start, end, text_col) = (col("start"), col("end"), col("text"));
    let mut rows = 0;
    let (mut record, mut last) = (csv::StringRecord::new(), csv::StringRecord::new());
    while reader.read_record(&mut record).unwrap() {
        rows += 1;
        std::mem::swap(&mut record, &mut last);
    }
    assert_eq!(rows, sentences);
    let (s, e): (usize, usize) = (last[start].parse().unwrap(), last[end].parse().unwrap());
    let chars: String = text.chars().skip(s).take(e - s).collect();
    assert_eq!(chars, &last[text_col]);

    let growth = peak_memory_mb(&huge_out) - peak_memory_mb(&small_out);
    let document_mb = text.len() as f64 / (1 << 20) as f64;
    assert!(
        growth < 3.0 * document_mb,
        "a {document_mb:.0} MB document raised peak memory by {growth:.0} MB"
    );
}
