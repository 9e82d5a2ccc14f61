//! What attribution costs on the benchmark corpus (CoNLL-2003 eng.train as running text, the
//! corpus of scripts/bench.sh): the sentence rules (`find_attribution`) and the document stage
//! (`discourse::resolve`) single-threaded, next to `claimscan annotate --threads 1` on the same
//! files, with the share of the annotate time that attribution takes.
//! Run: `cargo build --release && cargo bench --bench attribution`.
//! The corpus is built with scripts/bench_corpus.py into $CLAIMSCAN_BENCH_CORPUS (default
//! /tmp/claimscan-bench-corpus) when it is not there yet.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use claimscan::classify::attribution::find_attribution;
use claimscan::classify::discourse::{self, SentenceView};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("CLAIMSCAN_BENCH_CORPUS").map_or_else(
        || PathBuf::from("/tmp/claimscan-bench-corpus"),
        PathBuf::from,
    );
    let files_dir = corpus.join("1x");
    if !files_dir.is_dir() {
        let conll = root.join("../shared/data/ner/eng.train");
        let built = Command::new("python3")
            .arg(root.join("scripts/bench_corpus.py"))
            .arg(&conll)
            .arg(&corpus)
            .status();
        if !built.is_ok_and(|s| s.success()) {
            eprintln!(
                "attribution bench: could not build the corpus from {}; skipped",
                conll.display()
            );
            return;
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&files_dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let documents: Vec<(String, Vec<(usize, usize)>)> = texts
        .iter()
        .map(|t| {
            let spans = claimscan::segment::segment(t);
            (t.clone(), spans.iter().map(|s| (s.start, s.end)).collect())
        })
        .collect();
    let sentences: usize = documents.iter().map(|(_, s)| s.len()).sum();

    let started = Instant::now();
    let mut credited = 0;
    let mut resolved = 0;
    for (text, spans) in &documents {
        let credits: Vec<_> = spans
            .iter()
            .map(|&(s, e)| find_attribution(&text[s..e]))
            .collect();
        credited += credits.iter().flatten().count();
        let views: Vec<SentenceView> = spans
            .iter()
            .zip(&credits)
            .map(|(&(s, e), credit)| SentenceView {
                text: &text[s..e],
                start: s,
                credit: credit.as_ref(),
                entities: &[],
            })
            .collect();
        resolved += discourse::resolve(&views).iter().flatten().count();
    }
    let attribution_s = started.elapsed().as_secs_f64();
    println!(
        "attribution: {} documents, {sentences} sentences ({credited} credited, {resolved} with a source) in {attribution_s:.3} s = {:.0} sentences/s",
        documents.len(),
        sentences as f64 / attribution_s
    );

    let bin = std::env::var_os("CLAIMSCAN_BIN")
        .map_or_else(|| root.join("target/release/claimscan"), PathBuf::from);
    if !bin.exists() {
        eprintln!(
            "attribution bench: {} not built; the annotate comparison is skipped",
            bin.display()
        );
        return;
    }
    let out = std::env::temp_dir().join(format!(
        "claimscan-attribution-bench-{}",
        std::process::id()
    ));
    let started = Instant::now();
    let status = Command::new(&bin)
        .args(["annotate", "--quiet", "--threads", "1"])
        .arg(&files_dir)
        .arg("-o")
        .arg(&out)
        .status();
    let annotate_s = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&out);
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("attribution bench: annotate failed; no comparison");
        return;
    }
    println!(
        "annotate --threads 1 (int8, fast entities): {annotate_s:.2} s; attribution is {:.2}% of it",
        100.0 * attribution_s / annotate_s
    );
}
