//! Dev-score regression checks: each stage is scored on (a slice of) its dev data with the
//! standard measure and must not fall below the floor recorded when the committed model was
//! trained. Floors sit a little under the measured scores (see models/README.md) so that
//! a real regression fails while numeric noise does not.

mod common;

use common::*;

/// Runs `claimscan eval ...` and returns stdout.
fn eval(args: &[&str]) -> String {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    let out = claimscan(&all);
    assert!(
        out.status.success(),
        "claimscan {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The last tab-separated field of the line that starts with `prefix`.
fn last_field(stdout: &str, prefix: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {stdout}"));
    line.rsplit(['\t', ' ']).next().unwrap().parse().unwrap()
}

#[test]
fn segmentation_f1_on_ud_dev() {
    for (file, floor) in [
        ("en_ewt-ud-dev.conllu", 0.92),
        ("en_gum-ud-dev.conllu", 0.95),
    ] {
        let path = shared_data().join("segmentation").join(file);
        let out = eval(&["segment", path.to_str().unwrap()]);
        let f1 = last_field(&out, path.to_str().unwrap());
        assert!(f1 >= floor, "{file}: sentence F1 {f1} below {floor}");
    }
}

#[test]
fn entity_span_f1_on_a_slice_of_conll_dev() {
    // The first 60 documents of eng.testa (about a quarter of it) keep the test quick.
    let full = std::fs::read_to_string(shared_data().join("ner/eng.testa")).unwrap();
    let slice: String = full
        .split("-DOCSTART-")
        .take(61)
        .collect::<Vec<_>>()
        .join("-DOCSTART-");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testa-slice.conll");
    std::fs::write(&path, slice).unwrap();
    for (entities, floor) in [("accurate", NER_FLOOR_ACCURATE), ("fast", NER_FLOOR_FAST)] {
        for precision in PRECISIONS {
            let args = ["ner", "--entities", entities, "--precision", precision];
            let out = eval(&[&args[..], &[path.to_str().unwrap()]].concat());
            let f1 = last_field(&out, "ALL");
            assert!(
                f1 >= floor,
                "entity span F1 {f1} below {floor} (--entities {entities}, {precision})\n{out}"
            );
        }
    }
}

#[test]
fn accurate_scores_also_report_the_cased_tagger_alone() {
    let dir = tempfile::tempdir().unwrap();
    let conll = dir.path().join("one.conll");
    std::fs::write(
        &conll,
        "-DOCSTART- -X- -X- O\n\nMaria NNP I-NP I-PER\nSantos NNP I-NP I-PER\nvisited VBD I-VP O\n\
         Lisbon NNP I-NP I-LOC\n. . O O\n",
    )
    .unwrap();
    let file = conll.to_str().unwrap();
    let stderr = |entities: &str| {
        let out = claimscan(&["eval", "ner", "--entities", entities, file]);
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    // Two easy names: the cased tagger alone finds both, and only accurate mode reports it.
    assert!(
        stderr("accurate").contains("the cased tagger alone: P 1.0000 R 1.0000 F1 1.0000"),
        "{}",
        stderr("accurate")
    );
    assert!(!stderr("fast").contains("cased tagger alone"));
}

#[test]
fn entity_predictions_file_has_a_line_per_word() {
    let dir = tempfile::tempdir().unwrap();
    let conll = dir.path().join("two.conll");
    std::fs::write(
        &conll,
        "-DOCSTART- -X- -X- O\n\nMaria NNP I-NP I-PER\nSantos NNP I-NP I-PER\nvisited VBD I-VP O\n\
         Lisbon NNP I-NP I-LOC\n. . O O\n\nIt PRP I-NP O\nrained VBD I-VP O\n. . O O\n",
    )
    .unwrap();
    let written = dir.path().join("predictions.txt");
    let probabilities = dir.path().join("probabilities.tsv");
    eval(&[
        "ner",
        conll.to_str().unwrap(),
        "--predictions",
        written.to_str().unwrap(),
        "--probabilities",
        probabilities.to_str().unwrap(),
    ]);
    // A word, then nine tag probabilities summing to 1, per line; sentences as in the input.
    let rows = std::fs::read_to_string(&probabilities).unwrap();
    let words: Vec<Vec<&str>> = rows
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(words.len(), 8, "{rows}");
    assert_eq!(
        rows.split("\n\n").filter(|s| !s.trim().is_empty()).count(),
        2
    );
    for word in &words {
        assert_eq!(word.len(), 10, "{word:?}");
        let total: f64 = word[1..].iter().map(|p| p.parse::<f64>().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-4, "{word:?}");
    }
    assert_eq!(words[0][0], "Maria");
    let text = std::fs::read_to_string(&written).unwrap();
    let sentences: Vec<Vec<Vec<&str>>> = text
        .split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.lines().map(|l| l.split(' ').collect()).collect())
        .collect();
    assert_eq!(sentences.len(), 2, "{text}");
    assert_eq!(sentences[0].len(), 5);
    assert_eq!(sentences[1].len(), 3);
    // Word, gold tag converted from IOB1 to BIO, then a predicted tag.
    assert_eq!(sentences[0][0][..2], ["Maria", "B-PER"]);
    assert_eq!(sentences[0][1][..2], ["Santos", "I-PER"]);
    assert!(sentences.iter().flatten().all(|w| w.len() == 3));
}

#[test]
fn label_probabilities_file_has_a_line_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("three.tsv");
    std::fs::write(
        &tsv,
        "sentence_id\tsentence\tlabel\tsolved_conflict\n\
         a\tThe council approved the budget on Monday.\tOBJ\tFalse\n\
         b\tThis is a shameful, cowardly decision.\tSUBJ\tFalse\n\
         c\tThe bridge is 40 metres long.\tOBJ\tFalse\n",
    )
    .unwrap();
    let written = dir.path().join("p.txt");
    let out = eval(&[
        "labels",
        "--task",
        "opinion",
        tsv.to_str().unwrap(),
        "--probabilities",
        written.to_str().unwrap(),
    ]);
    let probabilities: Vec<f64> = std::fs::read_to_string(&written)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(probabilities.len(), 3, "{out}");
    assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    // The evaluative sentence is the likeliest opinion of the three.
    assert!(probabilities[1] > probabilities[0] && probabilities[1] > probabilities[2]);
}

#[test]
fn sentence_heads_on_dev_data() {
    let data = shared_data();
    let cases = [
        (
            "opinion",
            data.join("subjectivity/dev_en.tsv"),
            OPINION_FLOOR,
        ),
        (
            "speculation",
            data.join("uncertainty/wiki_weasel_train.csv"),
            SPECULATION_FLOOR,
        ),
        (
            "checkworthy",
            data.join("checkworthiness/CT24_checkworthy_english_dev.tsv"),
            CHECKWORTHY_FLOOR,
        ),
    ];
    for (task, file, floor) in cases {
        for precision in PRECISIONS {
            let out = eval(&[
                "labels",
                "--task",
                task,
                "--precision",
                precision,
                file.to_str().unwrap(),
            ]);
            let score = last_field(
                &out,
                if task == "opinion" {
                    "macro-F1"
                } else {
                    "F1 (positive class)"
                },
            );
            assert!(
                score >= floor,
                "{task} ({precision}): {score} below {floor}\n{out}"
            );
        }
    }
}

/// Both precisions are held to the same floors (measured scores, int8 / fp32, below).
const PRECISIONS: [&str; 2] = ["int8", "fp32"];
/// `--entities accurate` (both taggers): 0.9445 / 0.9453 on all of eng.testa since the second
/// news fine-tune (0.9465 / 0.9470 before the first; the slice the test reads scores higher
/// than the whole file). Above what the fast path alone reaches.
const NER_FLOOR_ACCURATE: f64 = 0.945;
/// `--entities fast` (the shared encoder's entity head alone): 0.9244 / 0.9253 on all of
/// eng.testa since the second news fine-tune (0.9276 / 0.9268 before the first).
const NER_FLOOR_FAST: f64 = 0.92;
/// Measured 0.701 / 0.704 (macro-F1, dev_en.tsv; each precision's threshold is fitted on the
/// calibration slice of train_en.tsv, none on dev); 0.732 / 0.734 before the second news
/// fine-tune, which moved the shared encoder toward the news labels. On CPUs whose int8
/// products are exact only with 7-bit weights (AVX2 without VNNI, e.g. an AMD EPYC) int8
/// reads 0.685: the int8 threshold was fitted on 8-bit logits (src/model/inference.rs).
const OPINION_FLOOR: f64 = 0.68;
/// Measured 0.630 / 0.629 (F1 of the uncertain class, held-out fifth of the Wikipedia data).
const SPECULATION_FLOOR: f64 = 0.62;
/// Measured 0.936 / 0.934 (F1 of the check-worthy class, CT24 dev).
const CHECKWORTHY_FLOOR: f64 = 0.90;

/// The team's news set (references in data/news, text rebuilt from ../shared/data by
/// scripts/news_labels.py): annotate's four-way label on its dev split must stay above the
/// floor recorded when the committed news head was trained (models/README.md: 0.733 sentence
/// by sentence).
#[test]
fn four_way_labels_on_the_team_news_dev_set() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("news.tsv");
    let status = std::process::Command::new("python3")
        .arg(root().join("scripts/news_labels.py"))
        .args(["export", "--out", export.to_str().unwrap()])
        .status()
        .expect("python3 runs scripts/news_labels.py");
    assert!(status.success(), "news_labels.py export failed");
    for (labels, floor) in [("fast", NEWS_FLOOR), ("accurate", NEWS_FLOOR_ACCURATE)] {
        let out = eval(&[
            "labels",
            "--task",
            "news",
            "--labels",
            labels,
            export.to_str().unwrap(),
        ]);
        assert!(out.contains("gold \\ predicted"), "{out}");
        let macro_f1 = out
            .lines()
            .find(|l| l.starts_with("macro-F1:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no macro-F1 in {out}"));
        assert!(
            macro_f1 >= floor,
            "news dev macro-F1 {macro_f1} below {floor} (--labels {labels})\n{out}"
        );
    }
}

/// Four-way macro-F1 floor of the news head on the team's dev split (measured 0.733 with the
/// head refitted on 7,970 train rows; 0.722 before).
const NEWS_FLOOR: f64 = 0.70;
/// The same with the cased labeller averaged in (`--labels accurate`; measured 0.777).
const NEWS_FLOOR_ACCURATE: f64 = 0.76;

/// The team's splitting cases (tests/segment_cases.json: every family of the splitting issue
/// and the news families), scored by exact match per case. Measured 81 of 82 (0.988; the open
/// one is "at 8 p.m. Results …"); the floor sits under it.
#[test]
fn splitting_cases_of_the_team() {
    let path = root().join("tests/segment_cases.json");
    let out = eval(&["segment", "--cases", path.to_str().unwrap()]);
    let score = last_field(&out, path.to_str().unwrap());
    assert!(score >= 0.97, "case score {score}\n{out}");
}

/// The team's attribution set (references in data/attribution, text rebuilt from
/// ../shared/data by scripts/attribution_set.py): on its dev documents, detection precision
/// and recall and the right-source F1 must stay above floors a little under the measured
/// 0.930 / 0.898 / 0.810 with the source tagger (README, Accuracy).
#[test]
fn attribution_on_the_team_dev_set() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("attribution.jsonl");
    let status = std::process::Command::new("python3")
        .arg(root().join("scripts/attribution_set.py"))
        .args(["export", "--out", export.to_str().unwrap()])
        .status()
        .expect("python3 runs scripts/attribution_set.py");
    assert!(status.success(), "attribution_set.py export failed");
    let out = eval(&["attribution", export.to_str().unwrap()]);
    let detection = attribution_scores(&out, "detection");
    let source = attribution_scores(&out, "right_source");
    assert!(
        detection[0] >= 0.90 && detection[1] >= 0.87,
        "detection P/R {detection:?}\n{out}"
    );
    assert!(source[2] >= 0.79, "right-source F1 {source:?}\n{out}");

    // The fresh split: eng.testa documents labelled after the rules were settled (measured
    // 0.904 / 0.925, right-source 0.839, pronouns 19 of 23 on the AMD EPYC).
    let out = eval(&["attribution", export.to_str().unwrap(), "--split", "fresh"]);
    let detection = attribution_scores(&out, "detection");
    let source = attribution_scores(&out, "right_source");
    let pronouns = attribution_scores(&out, "pronouns");
    assert!(
        detection[0] >= 0.88 && detection[1] >= 0.90,
        "fresh detection P/R {detection:?}\n{out}"
    );
    assert!(source[2] >= 0.81, "fresh right-source F1 {source:?}\n{out}");
    assert!(
        pronouns[1] >= 0.75,
        "fresh pronoun recall {pronouns:?}\n{out}"
    );
}

/// A reader that stops early (`claimscan eval … | head -1`) ends the command quietly, as
/// with any Unix filter: no panic message about a broken pipe.
#[test]
fn eval_output_into_a_closed_pipe_ends_quietly() {
    let path = shared_data()
        .join("segmentation")
        .join("en_gum-ud-dev.conllu");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claimscan"))
        .args(["eval", "segment", path.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("claimscan starts");
    // Close the reading end before the command prints anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("claimscan ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

/// MPQA 1.2's held-out fifth (scripts/mpqa_attribution.py; neither the rules nor the source
/// tagger learned from it): right-source F1 above a floor a little under the measured 0.630.
#[test]
fn attribution_on_the_mpqa_held_out_fifth() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("mpqa.jsonl");
    let status = std::process::Command::new("python3")
        .arg(root().join("scripts/mpqa_attribution.py"))
        .args(["--out", export.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs scripts/mpqa_attribution.py");
    assert!(status.success(), "mpqa_attribution.py failed");
    let out = eval(&["attribution", export.to_str().unwrap()]);
    let f1 = attribution_scores(&out, "right_source")[2];
    assert!(f1 >= 0.62, "MPQA right-source F1 {f1}\n{out}");
}

/// Precision, recall and F1 of one measure of `claimscan eval attribution`'s table.
fn attribution_scores(out: &str, measure: &str) -> Vec<f64> {
    out.lines()
        .find(|l| l.starts_with(&format!("{measure}\t")))
        .unwrap_or_else(|| panic!("no {measure} in {out}"))
        .split('\t')
        .skip(4)
        .map(|v| v.parse().unwrap())
        .collect()
}

/// Main-text extraction on the 91 dev pages of the article-extraction benchmark: F1 with the
/// benchmark's shingle measure above 0.95 (measured 0.961).
#[test]
fn extraction_on_the_dev_pages() {
    let data = shared_data().join("html-extraction");
    let out = eval(&[
        "extract",
        data.join("html").to_str().unwrap(),
        data.join("ground-truth.json").to_str().unwrap(),
    ]);
    let values: Vec<&str> = out.lines().last().unwrap_or("").split('\t').collect();
    let f1: f64 = values.get(3).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    assert!(f1 >= 0.95, "extraction F1 {f1}\n{out}");
}

/// `--predictions` writes one row per scored sentence with its gold and predicted label (news
/// task only), and the labeller's share is a number between 0 and 1 that only sentences read
/// alone with `--labels accurate` can take.
#[test]
fn news_predictions_and_the_labeller_share() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("news.tsv");
    std::fs::write(
        &export,
        "item_id\tsource\tdoc\tsplit\tlabel\ttext\n\
         a-00\tmine\t0\tdev\tfact\tThe ferry left Bergen at 9 a.m. on Monday with 212 passengers.\n\
         a-01\tmine\t0\tdev\tspeculation\tThe new bridge could open as early as next spring.\n\
         b-00\tmine\t1\tdev\topinion\tThe council's parking plan is a shameful waste of money.\n",
    )
    .unwrap();
    let predictions = dir.path().join("predictions.tsv");
    let file = export.to_str().unwrap();
    eval(&[
        "labels",
        "--task",
        "news",
        file,
        "--labels",
        "accurate",
        "--labeller-weight",
        "0.7",
        "--predictions",
        predictions.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&predictions).unwrap();
    let rows: Vec<Vec<&str>> = written.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0], ["item_id", "source", "gold", "predicted"]);
    assert_eq!(rows.len(), 4, "{written}");
    assert_eq!(rows[2][..3], ["a-01", "mine", "speculation"]);
    assert!(rows[1..]
        .iter()
        .all(|r| ["fact", "speculation", "opinion", "none"].contains(&r[3])));
    let opinion = shared_data().join("subjectivity/dev_en.tsv");
    let opinion = opinion.to_str().unwrap();
    let accurate = ["--labels", "accurate"];
    for (refused, named) in [
        (
            [
                &["news", file][..],
                &accurate,
                &["--labeller-weight", "1.5"],
            ]
            .concat(),
            "--labeller-weight",
        ),
        (
            [
                &["news", file][..],
                &accurate,
                &["--labeller-weight", "0.6", "--in-documents"],
            ]
            .concat(),
            "--labeller-weight",
        ),
        (
            vec!["news", file, "--labeller-weight", "0.6"],
            "--labels accurate",
        ),
        (
            vec!["opinion", opinion, "--predictions", "/tmp/p.tsv"],
            "--task news",
        ),
    ] {
        let args = [&["eval", "labels", "--task"][..], &refused].concat();
        let out = claimscan(&args);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(named),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
