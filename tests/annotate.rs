//! End-to-end tests of `claimscan annotate` on the sample corpus and the brief's article.

mod common;

use std::collections::HashMap;
use std::fs;

use common::*;

const SENTENCE_COLUMNS: &str =
    "doc_id,sentence_id,start,end,text,label,confidence,p_fact,p_speculation,p_opinion,p_none,cues,attribution,attribution_start,attribution_end,checkworthy,block";
const ENTITY_COLUMNS: &str = "doc_id,sentence_id,start,end,text,type,confidence,source,normalized";

/// Checks every contract DESIGN.md states about one run's output. `texts` maps doc_id to
/// the document text as decoded.
fn check_contract(out: &std::path::Path, texts: &HashMap<String, String>) {
    for f in ["sentences.csv", "entities.csv", "documents.csv", "run.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    #[cfg(unix)]
    {
        // Written through different temporary files, readable alike (run.json was 0600).
        use std::os::unix::fs::PermissionsExt;
        let mode = |f: &str| fs::metadata(out.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("run.json"), mode("sentences.csv"), "run.json mode");
    }
    let sentences = read_csv(&out.join("sentences.csv"));
    assert_eq!(sentences.header.join(","), SENTENCE_COLUMNS);
    assert!(!sentences.rows.is_empty());
    let mut last: HashMap<String, (usize, usize)> = HashMap::new();
    for row in &sentences.rows {
        let text = &texts[&row["doc_id"]];
        let (start, end): (usize, usize) = (num(row, "start"), num(row, "end"));
        assert!(start < end, "empty span {row:?}");
        assert_eq!(
            char_slice(text, start, end),
            row["text"],
            "offsets do not match text"
        );
        assert_eq!(row["text"].trim(), row["text"], "span not trimmed");
        let id: usize = num(row, "sentence_id");
        if let Some(&(prev_id, prev_end)) = last.get(&row["doc_id"]) {
            assert_eq!(id, prev_id + 1, "sentence ids must count up");
            assert!(start >= prev_end, "spans overlap or go backwards");
        } else {
            assert_eq!(id, 0);
        }
        last.insert(row["doc_id"].clone(), (id, end));
        assert!(["fact", "speculation", "opinion", "none"].contains(&row["label"].as_str()));
        assert!(["body", "heading", "list_item", "boilerplate"].contains(&row["block"].as_str()));
        let p: Vec<f64> = ["p_fact", "p_speculation", "p_opinion"]
            .iter()
            .map(|f| num(row, f))
            .collect();
        assert!(
            (p.iter().sum::<f64>() - 1.0).abs() < 2e-4,
            "probabilities must sum to 1: {p:?}"
        );
        // The three claim probabilities describe the row read as a claim; confidence is the
        // probability of the label among all four.
        let confidence: f64 = num(row, "confidence");
        let p_none: f64 = num(row, "p_none");
        let claim = 1.0 - p_none;
        let four = [p[0] * claim, p[1] * claim, p[2] * claim, p_none];
        let label_p = match row["label"].as_str() {
            "fact" => four[0],
            "speculation" => four[1],
            "opinion" => four[2],
            _ => four[3],
        };
        assert!(
            (confidence - label_p).abs() < 2e-4,
            "confidence {confidence} vs {four:?}"
        );
        assert!(
            four.iter().all(|&x| x <= label_p + 2e-4),
            "label must be the most probable: {four:?}"
        );
        let cw: f64 = num(row, "checkworthy");
        assert!((0.0..=1.0).contains(&cw));
        for cue in row["cues"].split(';').filter(|c| !c.is_empty()) {
            assert!(
                row["text"].contains(cue),
                "cue {cue:?} not in {:?}",
                row["text"]
            );
        }
        // The source is where the credit came from: this sentence, a pronoun's antecedent or
        // a quotation's speaker, and its offsets index the document.
        if row["attribution"].is_empty() {
            assert!(row["attribution_start"].is_empty() && row["attribution_end"].is_empty());
        } else {
            let (a, b): (usize, usize) =
                (num(row, "attribution_start"), num(row, "attribution_end"));
            assert_eq!(
                char_slice(text, a, b),
                row["attribution"],
                "attribution offsets"
            );
        }
    }
    let entities = read_csv(&out.join("entities.csv"));
    assert_eq!(entities.header.join(","), ENTITY_COLUMNS);
    for row in &entities.rows {
        let text = &texts[&row["doc_id"]];
        assert_eq!(
            char_slice(text, num(row, "start"), num(row, "end")),
            row["text"]
        );
        assert!(["model", "rule"].contains(&row["source"].as_str()));
    }
    let documents = read_csv(&out.join("documents.csv"));
    let ids: Vec<&String> = documents.rows.iter().map(|r| &r["doc_id"]).collect();
    for id in texts.keys() {
        assert_eq!(
            ids.iter().filter(|i| **i == id).count(),
            1,
            "{id} must appear once in documents.csv"
        );
    }
    for row in &documents.rows {
        let n = sentences
            .rows
            .iter()
            .filter(|s| s["doc_id"] == row["doc_id"])
            .count();
        assert_eq!(num::<usize>(row, "sentences"), n);
        let by_label: usize = ["facts", "speculations", "opinions", "nones"]
            .iter()
            .map(|f| num::<usize>(row, f))
            .sum();
        assert_eq!(by_label, n);
    }
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        run["counts"]["sentences"].as_u64(),
        Some(sentences.rows.len() as u64)
    );
    assert!(run["sentences_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn sample_corpus_end_to_end() {
    let out = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    annotate(out.path(), &[corpus.to_str().unwrap()], 0);
    let mut texts = HashMap::new();
    for name in [
        "port-expansion.txt",
        "central-bank-rates.txt",
        "city-council-transit.md",
    ] {
        texts.insert(
            name.to_string(),
            fs::read_to_string(corpus.join(name)).unwrap(),
        );
    }
    check_contract(out.path(), &texts);
    // The corpus README has no extension: it is documentation, not a document.
    let documents = read_csv(&out.path().join("documents.csv"));
    assert_eq!(documents.rows.len(), 3);
    assert!(documents.rows.iter().all(|r| r["status"] == "ok"));
}

#[test]
fn brief_article_headings_entities_and_attribution() {
    let out = tempfile::tempdir().unwrap();
    let article = sample_article();
    annotate(out.path(), &[article.to_str().unwrap()], 0);
    let text = fs::read_to_string(&article).unwrap();
    let doc_id = read_csv(&out.path().join("documents.csv")).rows[0]["doc_id"].clone();
    check_contract(out.path(), &HashMap::from([(doc_id, text)]));

    let sentences = read_csv(&out.path().join("sentences.csv")).rows;
    let find = |needle: &str| {
        sentences
            .iter()
            .find(|r| r["text"].contains(needle))
            .unwrap_or_else(|| panic!("no sentence with {needle:?}"))
    };
    assert_eq!(
        find("Economic Cooperation and Sanctions Mitigation")["block"],
        "heading"
    );
    assert_eq!(find("The New Treaty: A Comprehensive")["block"], "heading");
    assert!(
        sentences.iter().all(|r| !r["text"].ends_with("U.S.")),
        "U.S. must not end a sentence"
    );
    let tass = find("the state TASS news agency reported");
    assert_eq!(tass["attribution"], "TASS");
    assert_eq!(tass["label"], "fact");
    assert_eq!(
        find("Sergei Lavrov said on Thursday")["attribution"],
        "Sergei Lavrov"
    );
    // The labels issue's examples, as a checker reads them (DESIGN.md), and rows that assert
    // nothing: a call to action, a question to the reader, link-list items.
    for (needle, label) in [
        ("Share your perspectives in the comments below", "none"),
        ("What are your thoughts on this emerging alliance", "none"),
        ("Iran War With Usa", "none"),
        ("Map of Russia - Guide of the World", "none"),
        ("The treaty consists of 47 articles", "fact"),
        ("is likely to result in", "speculation"),
        (
            "could facilitate the transfer of more sophisticated weaponry",
            "speculation",
        ),
        (
            "will undoubtedly have profound regional implications",
            "speculation",
        ),
        (
            "This emerging axis represents a significant challenge",
            "opinion",
        ),
        // Section subheadings assert nothing (docs/labelling.md example 96): the layout head
        // reads them so.
        ("Economic Cooperation and Sanctions Mitigation", "none"),
        (
            "Conclusion: A Pivotal Moment in International Relations",
            "none",
        ),
    ] {
        assert_eq!(find(needle)["label"], label, "{needle}");
    }
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("run.json")).unwrap()).unwrap();
    assert!(
        run["models"]["layout_head"]
            .as_str()
            .is_some_and(|id| id.starts_with("layout-")),
        "run.json names the layout head: {run}"
    );
    assert!(find("is likely to result in")["cues"]
        .split(';')
        .any(|c| c == "likely"));

    let entities = read_csv(&out.path().join("entities.csv")).rows;
    let has = |text: &str, kind: &str| {
        entities
            .iter()
            .any(|e| e["text"] == text && e["type"] == kind)
    };
    assert!(entities
        .iter()
        .any(|e| e["text"] == "March 2001" && e["type"] == "DATE" && e["normalized"] == "2001-03"));
    assert!(entities
        .iter()
        .any(|e| e["text"] == "47" && e["type"] == "CARDINAL" && e["normalized"] == "47"));
    assert!(
        has("Moscow", "LOC") || !read_model_has_ner(),
        "model entities expected"
    );
}

#[test]
fn accurate_labels_read_plain_cases_right_and_the_same_at_any_thread_count() {
    // Sentences of our own, one of each label, through `--labels accurate` (the news head
    // averaged with the cased labeller); the call to action is a paragraph of its own, as
    // on a page, so the layout rule makes it NONE.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    let cases = [
        (
            "The council approved the budget on Tuesday, the mayor said.",
            "fact",
        ),
        (
            "The storm could reach the coast by Friday, forecasters warned.",
            "speculation",
        ),
        (
            "This is a disgraceful and cowardly decision by a failing government.",
            "opinion",
        ),
        ("Share this story with your friends!", "none"),
    ];
    let text = format!(
        "{} {} {}\n\n{}\n",
        cases[0].0, cases[1].0, cases[2].0, cases[3].0
    );
    fs::write(&input, text).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out-{threads}"));
        annotate(
            &out,
            &[
                "--labels",
                "accurate",
                "--threads",
                threads,
                input.to_str().unwrap(),
            ],
            0,
        );
        outputs.push(out);
    }
    let rows = read_csv(&outputs[0].join("sentences.csv")).rows;
    assert_eq!(rows.len(), cases.len());
    for (row, (text, label)) in rows.iter().zip(cases) {
        assert_eq!(row["label"], label, "{text}");
    }
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(outputs[0].join("run.json")).unwrap()).unwrap();
    assert_eq!(run["models"]["label_readers"], "accurate");
    assert!(run["models"]["cased_news_model"]
        .as_str()
        .is_some_and(|id| id.starts_with("claimscan-cased-news")));
    assert_eq!(
        fs::read(outputs[0].join("sentences.csv")).unwrap(),
        fs::read(outputs[1].join("sentences.csv")).unwrap(),
        "sentences.csv differs between 1 and 2 threads (--labels accurate)"
    );
}

#[test]
fn accurate_entities_on_the_brief_article() {
    // The entities issue's list, from both taggers averaged (`--entities accurate`), at both
    // precisions, and the same bytes at 1 and 2 threads.
    let dir = tempfile::tempdir().unwrap();
    let article = sample_article();
    for precision in ["int8", "fp32"] {
        let mut outputs = Vec::new();
        for threads in ["1", "2"] {
            let out = dir.path().join(format!("{precision}-{threads}"));
            annotate(
                &out,
                &[
                    "--entities",
                    "accurate",
                    "--precision",
                    precision,
                    "--threads",
                    threads,
                    article.to_str().unwrap(),
                ],
                0,
            );
            outputs.push(out);
        }
        let entities = read_csv(&outputs[0].join("entities.csv")).rows;
        for (text, kind) in [
            ("Vladimir Putin", "PER"),
            ("Mohammad Khatami", "PER"),
            ("Moscow", "LOC"),
            ("Tehran", "LOC"),
            ("Kazan", "LOC"),
            ("TASS", "ORG"),
            ("NATO", "ORG"),
            ("BRICS", "ORG"),
        ] {
            assert!(
                entities
                    .iter()
                    .any(|e| e["text"] == text && e["type"] == kind && e["source"] == "model"),
                "{text} ({kind}) missing with --entities accurate, {precision}"
            );
        }
        let run: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(outputs[0].join("run.json")).unwrap())
                .unwrap();
        assert_eq!(run["models"]["entity_taggers"], "accurate");
        for f in ["sentences.csv", "entities.csv", "documents.csv"] {
            assert!(
                fs::read(outputs[0].join(f)).unwrap() == fs::read(outputs[1].join(f)).unwrap(),
                "{f} differs between 1 and 2 threads (--entities accurate, {precision})"
            );
        }
    }
}

/// True when the committed model has a trained entity head.
fn read_model_has_ner() -> bool {
    let meta = fs::read_to_string(root().join("models/claimscan/model.json")).unwrap_or_default();
    meta.contains("\"ner_trained\": true")
}

/// The source tagger (models/claimscan/source_head.json) credits agents the reporting frames
/// do not know ("is worried", "criticised"), and leaves a sentence about an event alone.
#[test]
fn the_source_tagger_credits_beliefs_and_stances_the_frames_miss() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("stances.txt");
    let text = "Lopez is worried that the deficit will widen next year.\n\
                The opposition bitterly criticised the new budget.\n\
                Storms flooded three villages in the north.\n";
    fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    annotate(
        &out,
        &["--input-format", "lines", input.to_str().unwrap()],
        0,
    );
    let rows = read_csv(&out.join("sentences.csv")).rows;
    let credited: Vec<&str> = rows.iter().map(|r| r["attribution"].as_str()).collect();
    assert_eq!(credited, vec!["Lopez", "The opposition", ""]);
    check_contract(
        &out,
        &HashMap::from([(rows[0]["doc_id"].clone(), text.to_string())]),
    );
}

#[test]
fn lines_mode_keeps_one_sentence_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("presplit.txt");
    let lines = "Prices rose 3% in March.\n\n  The minister said the talks could fail. Nobody knows.\r\nIs this the end?\n";
    fs::write(&input, lines).unwrap();
    let out = dir.path().join("out");
    annotate(
        &out,
        &["--input-format", "lines", input.to_str().unwrap()],
        0,
    );
    let rows = read_csv(&out.join("sentences.csv")).rows;
    let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "Prices rose 3% in March.",
            "The minister said the talks could fail. Nobody knows.",
            "Is this the end?"
        ]
    );
    check_contract(
        &out,
        &HashMap::from([(rows[0]["doc_id"].clone(), lines.to_string())]),
    );
}

#[test]
fn jsonl_and_csv_inputs_use_their_id_fields() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("feed.jsonl");
    fs::write(
        &jsonl,
        "{\"id\": \"a1\", \"text\": \"Lisbon raised rates by 0.25% on Friday.\"}\n{\"id\": 7, \"text\": \"Ministers may meet again in May.\"}\n",
    )
    .unwrap();
    let csv_in = dir.path().join("feed.csv");
    fs::write(
        &csv_in,
        "key,body\nk9,\"The port handled 143,000 containers, officials said.\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    annotate(&out, &[jsonl.to_str().unwrap()], 0);
    let docs = read_csv(&out.join("documents.csv")).rows;
    assert_eq!(
        docs.iter()
            .map(|r| r["doc_id"].as_str())
            .collect::<Vec<_>>(),
        vec!["a1", "7"]
    );
    let out2 = dir.path().join("out2");
    annotate(
        &out2,
        &[
            "--id-field",
            "key",
            "--text-field",
            "body",
            csv_in.to_str().unwrap(),
        ],
        0,
    );
    let sentences = read_csv(&out2.join("sentences.csv")).rows;
    assert_eq!(sentences[0]["doc_id"], "k9");
    let entities = read_csv(&out2.join("entities.csv")).rows;
    assert!(entities.iter().any(|e| e["normalized"] == "143000"));
}

#[test]
fn same_output_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    for precision in ["fp32", "int8"] {
        let one = dir.path().join(format!("one-{precision}"));
        let two = dir.path().join(format!("two-{precision}"));
        for (out, threads) in [(&one, "1"), (&two, "2")] {
            annotate(
                out,
                &[
                    "--threads",
                    threads,
                    "--precision",
                    precision,
                    corpus.to_str().unwrap(),
                    sample_article().to_str().unwrap(),
                ],
                0,
            );
        }
        for f in ["sentences.csv", "entities.csv", "documents.csv"] {
            assert!(
                fs::read(one.join(f)).unwrap() == fs::read(two.join(f)).unwrap(),
                "{f} differs between 1 and 2 threads ({precision})"
            );
        }
    }
}

#[test]
fn jsonl_output_has_the_csv_fields_and_nested_entities() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    fs::write(
        &input,
        "The ministry in Lisbon said prices rose 2.5% in March 2024. Rates may fall next year.",
    )
    .unwrap();
    let out = dir.path().join("out");
    annotate(&out, &["--format", "csv,jsonl", input.to_str().unwrap()], 0);
    let csv_rows = read_csv(&out.join("sentences.csv")).rows;
    let lines: Vec<serde_json::Value> = fs::read_to_string(out.join("sentences.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), csv_rows.len());
    for (json, row) in lines.iter().zip(&csv_rows) {
        for field in SENTENCE_COLUMNS.split(',') {
            let value = match &json[field] {
                serde_json::Value::String(s) => s.clone(),
                // No source: null in JSON, an empty cell in CSV.
                serde_json::Value::Null => String::new(),
                serde_json::Value::Number(n) if row[field].contains('.') => {
                    format!("{:.4}", n.as_f64().unwrap())
                }
                other => other.to_string(),
            };
            assert_eq!(value, row[field], "field {field}");
        }
    }
    let nested: usize = lines
        .iter()
        .map(|l| l["entities"].as_array().unwrap().len())
        .sum();
    let entity_lines = fs::read_to_string(out.join("entities.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(nested, entity_lines);
    assert_eq!(entity_lines, read_csv(&out.join("entities.csv")).rows.len());
    assert!(lines[0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["normalized"] == "2024-03"));
    assert_eq!(
        fs::read_to_string(out.join("documents.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );

    let only = dir.path().join("only-jsonl");
    annotate(&only, &["--format", "jsonl", input.to_str().unwrap()], 0);
    assert!(only.join("sentences.jsonl").is_file() && !only.join("sentences.csv").exists());
}
