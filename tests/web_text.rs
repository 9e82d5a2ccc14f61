//! Real web text never takes a run down: each family of characters that scraped news brings
//! goes through the whole CLI, and the output keeps the contract (text == doc[start:end] in
//! characters, sentences in order and not overlapping, entities inside their sentence).
//! One document that fails in any stage costs only itself (the fault hook of
//! `claimscan::isolate`).

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

/// One document per family of web characters; every sentence is the team's own.
const FAMILIES: &[(&str, &str)] = &[
    ("nbsp", "He moved to\u{a0}Crimea. The Admiral spoke.\u{a0}It rained on 3\u{a0}May 2021."),
    ("narrow_nbsp", "Prices rose 5\u{202f}% in June.\u{202f}The bank said so.\u{202f} Markets fell."),
    (
        "unicode_spaces",
        "One\u{2000}two\u{2001}three.\u{2002}Four\u{2003}five.\u{2004}Six\u{2005}seven.\u{2006}Eight\u{2007}nine.\u{2008}Ten\u{2009}eleven.\u{200a}Twelve ended.",
    ),
    ("ideographic_space", "The port reopened.\u{3000}Ships returned on Monday.\u{3000}"),
    (
        "zero_width",
        "The mayor\u{200b} resigned.\u{200b} Her deputy\u{200c}took over.\u{200d} Voters\u{2060}were told on Friday.",
    ),
    ("bom", "\u{feff}The council met. It voted\u{feff} twice.\u{feff} The motion passed."),
    ("soft_hyphen", "The inter\u{ad}national panel met in Gen\u{ad}eva. It issued a re\u{ad}port."),
    (
        "line_separators",
        "The river flooded.\u{2028}Roads closed.\u{2029}Schools stayed shut.\u{85}Power returned at noon.",
    ),
    ("crlf", "The strike ended.\r\nWorkers returned on Tuesday.\r\n\r\nTalks resume in May.\r\n"),
    ("lone_cr", "The strike ended.\rWorkers returned.\r\rTalks resume in May.\r"),
    ("tabs_formfeed", "Exports\tfell 4% in March.\tImports rose.\u{c}A new page began. Sales grew."),
    (
        "combining",
        "Jose\u{301} Nu\u{303}nez spoke in Sa\u{303}o Paulo. He said the cafe\u{301} had closed.",
    ),
    (
        "emoji",
        "Fans cheered 👍🏽. The team won 3-1 👩\u{200d}👩\u{200d}👧! The coach 🇺🇦 said it was earned.",
    ),
    (
        "rtl",
        "The sign read \u{5e9}\u{5dc}\u{5d5}\u{5dd}. Officials in \u{627}\u{644}\u{642}\u{62f}\u{633} said talks went well.\u{200f} They met on Sunday.\u{202e}",
    ),
    ("cjk", "东京的会议结束了。记者问了问题！为什么？The minister left Tokyo. 他说：好。"),
    ("fullwidth", "The talks ended．The envoy left！Will they return？Nobody knows。"),
    (
        "curly_quotes",
        "\u{201c}We will not sign,\u{201d} she said. \u{2018}Never,\u{2019} he added. The 5\u{2032}11\u{2033} guard agreed.",
    ),
    ("ellipsis", "The vote was close\u{2026} The count took hours\u{2026}and then it ended. Wait\u{2026}"),
    (
        "html_entities",
        "Smith&nbsp;&amp;&nbsp;Sons closed.&nbsp;The owner&#8217;s son said so. Prices rose 3&#37;.",
    ),
    ("mojibake", "The minister\u{e2}\u{20ac}\u{2122}s aide left. He said it was \u{c3}\u{a9}trange. Talks ended."),
    (
        "control",
        "The court\u{1} ruled on Monday.\u{7} The appeal\u{1b}[0m failed.\u{7f} Costs rose\u{9f} by $3 million.",
    ),
];

/// Reads the output of a run into (sentences, entities, documents) tables.
fn outputs(out: &Path) -> (Table, Table, Table) {
    (
        read_csv(&out.join("sentences.csv")),
        read_csv(&out.join("entities.csv")),
        read_csv(&out.join("documents.csv")),
    )
}

/// Checks the offset contract of every row against the documents' texts.
fn assert_contract(texts: &HashMap<String, String>, sentences: &Table, entities: &Table) {
    let mut last: HashMap<&str, usize> = HashMap::new();
    let mut spans: HashMap<(String, String), (usize, usize)> = HashMap::new();
    for row in &sentences.rows {
        let doc = &texts[&row["doc_id"]];
        let (start, end): (usize, usize) = (num(row, "start"), num(row, "end"));
        assert!(start < end && end <= doc.chars().count(), "{row:?}");
        assert_eq!(char_slice(doc, start, end), row["text"], "{row:?}");
        let prev = last.entry(row["doc_id"].as_str()).or_insert(0);
        assert!(start >= *prev, "sentences overlap or go back: {row:?}");
        *prev = end;
        spans.insert(
            (row["doc_id"].clone(), row["sentence_id"].clone()),
            (start, end),
        );
    }
    for row in &entities.rows {
        let doc = &texts[&row["doc_id"]];
        let (start, end): (usize, usize) = (num(row, "start"), num(row, "end"));
        assert_eq!(char_slice(doc, start, end), row["text"], "{row:?}");
        let (s, e) = spans[&(row["doc_id"].clone(), row["sentence_id"].clone())];
        assert!(
            s <= start && end <= e,
            "entity outside its sentence: {row:?}"
        );
    }
}

/// Decodes a file the way `annotate` does for these inputs (UTF-8, a leading BOM dropped).
fn decoded(text: &str) -> String {
    text.strip_prefix('\u{feff}').unwrap_or(text).to_string()
}

#[test]
fn every_family_of_web_characters_goes_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let mut texts = HashMap::new();
    for (name, text) in FAMILIES {
        fs::write(input.join(format!("{name}.txt")), text).unwrap();
        texts.insert(format!("{name}.txt"), decoded(text));
    }
    let out = dir.path().join("out");
    annotate(&out, &[input.to_str().unwrap()], 0);
    let (sentences, entities, documents) = outputs(&out);
    assert_eq!(documents.rows.len(), FAMILIES.len());
    for row in &documents.rows {
        assert_eq!(row["status"], "ok", "{row:?}");
        assert!(num::<usize>(row, "sentences") >= 1, "{row:?}");
    }
    assert_contract(&texts, &sentences, &entities);
    // The issue's reproduction: a no-break space before a sentence end splits as a space does.
    let nbsp: Vec<&str> = sentences
        .rows
        .iter()
        .filter(|r| r["doc_id"] == "nbsp.txt")
        .map(|r| r["text"].as_str())
        .collect();
    assert_eq!(nbsp[0], "He moved to\u{a0}Crimea.");
    assert_eq!(nbsp[1], "The Admiral spoke.");
}

#[test]
fn the_same_families_go_through_as_jsonl_records() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut lines = String::new();
    let mut texts = HashMap::new();
    for (name, text) in FAMILIES {
        let record = serde_json::json!({"id": name, "text": text});
        lines.push_str(&record.to_string());
        lines.push('\n');
        texts.insert(name.to_string(), text.to_string());
    }
    fs::write(&input, lines).unwrap();
    let out = dir.path().join("out");
    annotate(&out, &[input.to_str().unwrap()], 0);
    let (sentences, entities, documents) = outputs(&out);
    assert_eq!(documents.rows.len(), FAMILIES.len());
    assert_contract(&texts, &sentences, &entities);
}

/// Three documents; the middle one holds the fault marker in its second sentence.
fn isolation_inputs(dir: &Path, with_marker: bool) -> std::path::PathBuf {
    let input = dir.join(if with_marker { "marked" } else { "clean" });
    fs::create_dir_all(&input).unwrap();
    fs::write(
        input.join("a.txt"),
        "The port of Odessa reopened on Monday. Grain ships left for Istanbul.",
    )
    .unwrap();
    let middle = if with_marker {
        "The mayor spoke on Friday. FAULTMARK appears here. The vote is set for June."
    } else {
        "The mayor spoke on Friday."
    };
    fs::write(input.join("b.txt"), middle).unwrap();
    fs::write(
        input.join("c.txt"),
        "Lavrov met Khatami in Moscow in March 2001. The treaty has 47 articles.",
    )
    .unwrap();
    input
}

/// Runs annotate into `dir/NAME` with the fault hook set for `stage`; returns the output
/// directory and the exit status.
fn run_faulty(
    dir: &Path,
    name: &str,
    input: &Path,
    stage: &str,
    extra: &[&str],
) -> (std::path::PathBuf, Option<i32>) {
    let out = dir.join(name);
    let mut args = vec!["annotate", "--quiet", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(input.to_str().unwrap());
    let output = Command::new(env!("CARGO_BIN_EXE_claimscan"))
        .args(&args)
        .env(claimscan::isolate::FAULT_ENV, format!("{stage}:FAULTMARK"))
        .output()
        .unwrap();
    (out, output.status.code())
}

/// Runs annotate with the fault hook set for `stage`, expecting exit status 1 (a document
/// failed); returns the output directory.
fn run_with_fault(dir: &Path, input: &Path, stage: &str, extra: &[&str]) -> std::path::PathBuf {
    let name = format!("out-{stage}-{}", extra.join("-").replace('/', "_"));
    let (out, code) = run_faulty(dir, &name, input, stage, extra);
    assert_eq!(
        code,
        Some(1),
        "stage {stage}: exit 1 when a document failed"
    );
    out
}

/// The rows of every document but `b.txt`, as raw CSV lines.
fn lines_without_b(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("b.txt,"))
        .map(String::from)
        .collect()
}

#[test]
fn a_document_that_fails_in_any_stage_costs_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let clean = isolation_inputs(dir.path(), false);
    let marked = isolation_inputs(dir.path(), true);
    let reference = dir.path().join("reference");
    annotate(&reference, &[clean.to_str().unwrap()], 0);
    for stage in ["read", "segment", "encode", "label"] {
        for extra in [
            &[][..],
            &["--threads", "1"][..],
            &["--format", "csv,jsonl"][..],
        ] {
            let out = run_with_fault(dir.path(), &marked, stage, extra);
            for file in ["sentences.csv", "entities.csv"] {
                assert_eq!(
                    lines_without_b(&out.join(file)),
                    lines_without_b(&reference.join(file)),
                    "stage {stage} {extra:?}: {file} of the other documents changed"
                );
                let b_rows = fs::read_to_string(out.join(file))
                    .unwrap()
                    .lines()
                    .filter(|l| l.starts_with("b.txt,"))
                    .count();
                assert_eq!(
                    b_rows, 0,
                    "stage {stage}: the failed document left rows in {file}"
                );
            }
            let documents = read_csv(&out.join("documents.csv"));
            let ids: Vec<&str> = documents
                .rows
                .iter()
                .map(|r| r["doc_id"].as_str())
                .collect();
            assert_eq!(ids, ["a.txt", "b.txt", "c.txt"], "stage {stage}");
            let b = &documents.rows[1];
            assert_eq!(b["status"], "error", "stage {stage}");
            assert!(
                b["error"].contains("b.txt") && b["error"].contains("injected fault"),
                "stage {stage}: the error names the file and the cause: {:?}",
                b["error"]
            );
            assert_eq!(b["sentences"], "0");
            if extra.contains(&"csv,jsonl") {
                let jsonl = fs::read_to_string(out.join("sentences.jsonl")).unwrap();
                assert!(
                    !jsonl.contains("\"b.txt\""),
                    "stage {stage}: b.txt rows in JSONL"
                );
            }
            let run: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
            assert_eq!(run["counts"]["errors"], 1, "stage {stage}");
        }
    }
}

#[test]
fn failed_documents_survive_shards_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let marked = isolation_inputs(dir.path(), true);
    let whole = run_with_fault(dir.path(), &marked, "label", &[]);
    let mut shard_dirs = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        shard_dirs.push(run_with_fault_any_code(
            dir.path(),
            &marked,
            &["--shard", &shard],
        ));
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge", "-o", merged.to_str().unwrap()];
    args.extend(shard_dirs.iter().map(|p| p.to_str().unwrap()));
    let output = claimscan(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in ["sentences.csv", "entities.csv", "documents.csv"] {
        assert_eq!(
            fs::read(whole.join(file)).unwrap(),
            fs::read(merged.join(file)).unwrap(),
            "{file}: shards + merge differ from one run"
        );
    }
    // --resume over a finished run's directory starts again and gives the same bytes.
    let resumed = run_with_fault(dir.path(), &marked, "label", &["--resume"]);
    let again = run_with_fault(dir.path(), &marked, "label", &["--resume"]);
    assert_eq!(resumed, again);
    for file in ["sentences.csv", "documents.csv"] {
        assert_eq!(
            fs::read(whole.join(file)).unwrap(),
            fs::read(resumed.join(file)).unwrap()
        );
    }
}

/// Like [`run_with_fault`] for a shard, which may or may not hold the failing document.
fn run_with_fault_any_code(dir: &Path, input: &Path, extra: &[&str]) -> std::path::PathBuf {
    let name = format!("shard-{}", extra.join("-").replace('/', "_"));
    let (out, code) = run_faulty(dir, &name, input, "label", extra);
    assert!(matches!(code, Some(0 | 1)), "exit status {code:?}");
    out
}
