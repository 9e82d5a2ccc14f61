//! Readers for the labelled data sets under ../shared/data, used by `claimscan train` and
//! `claimscan eval labels`. Each returns `(text, label)` examples; errors name file and line.

use std::path::Path;

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The sentence.
    pub text: String,
    /// True for the positive class (SUBJ, uncertain, check-worthy).
    pub positive: bool,
}

/// Which split of a file without an official dev split an example belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Used to fit the model.
    Train,
    /// Used to calibrate and choose the decision threshold.
    Calibration,
    /// Held out for reporting.
    Dev,
}

/// Deterministic split of the CoNLL-2010 Wikipedia file (no official dev split exists):
/// every 5th example (index % 5 == 0) is dev, index % 5 == 1 calibration, the rest train.
pub fn weasel_split(index: usize) -> Split {
    match index % 5 {
        0 => Split::Dev,
        1 => Split::Calibration,
        _ => Split::Train,
    }
}

/// Deterministic calibration split of a training file that has its own dev file:
/// every 5th example (index % 5 == 0) calibrates, the rest train.
pub fn calibration_split(index: usize) -> Split {
    if index.is_multiple_of(5) {
        Split::Calibration
    } else {
        Split::Train
    }
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Splits tab-separated lines without quote handling (the CheckThat! files have bare `"`).
/// `text_col` and `label_col` are found by header name; `positive` is the label value of the
/// positive class.
pub fn read_tsv(
    path: &Path,
    text_col: &str,
    label_col: &str,
    positive: &str,
) -> Result<Vec<Example>, String> {
    let content = read(path)?;
    let mut lines = content.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| format!("{}: empty file", path.display()))?
        .split('\t')
        .collect();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!(
                    "{}:1: no column `{name}` (columns: {})",
                    path.display(),
                    header.join(", ")
                )
            })
    };
    let (ti, li) = (find(text_col)?, find(label_col)?);
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(text), Some(label)) = (fields.get(ti), fields.get(li)) else {
            return Err(format!(
                "{}:{}: expected {} tab-separated fields",
                path.display(),
                n + 2,
                header.len()
            ));
        };
        out.push(Example {
            text: text.trim().to_string(),
            positive: label.trim() == positive,
        });
    }
    Ok(out)
}

/// CheckThat! 2025 subjectivity TSV (`sentence`, `label` = SUBJ/OBJ): positive = SUBJ.
pub fn read_subjectivity(path: &Path) -> Result<Vec<Example>, String> {
    read_tsv(path, "sentence", "label", "SUBJ")
}

/// CheckThat! 2024 check-worthiness TSV (`Text`, `class_label` = Yes/No): positive = Yes.
pub fn read_checkworthy(path: &Path) -> Result<Vec<Example>, String> {
    read_tsv(path, "Text", "class_label", "Yes")
}

/// Undoes the Penn Treebank escapes used in the CoNLL-2010 sentences.
fn unescape_ptb(text: &str) -> String {
    text.replace("-LRB-", "(")
        .replace("-RRB-", ")")
        .replace("-LSB-", "[")
        .replace("-RSB-", "]")
        .replace("-LCB-", "{")
        .replace("-RCB-", "}")
        .replace("( ", "(")
        .replace(" )", ")")
}

/// CoNLL-2010 Wikipedia weasel CSV (`text,label`, 1 = uncertain): positive = uncertain.
pub fn read_weasel(path: &Path) -> Result<Vec<Example>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let (Some(text), Some(label)) = (record.get(0), record.get(1)) else {
            return Err(format!("{}:{line}: expected `text,label`", path.display()));
        };
        out.push(Example {
            text: unescape_ptb(text.trim()),
            positive: label.trim() == "1",
        });
    }
    Ok(out)
}

/// Pang & Lee subjectivity sentences (Latin-1, one per line): every line gets `positive`.
pub fn read_pang_lee(path: &Path, positive: bool) -> Result<Vec<Example>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Latin-1 maps each byte to the code point of the same value.
    let text: String = bytes.iter().map(|&b| b as char).collect();
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Example {
            text: l.trim().to_string(),
            positive,
        })
        .collect())
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ClassScores {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// Scores of the class `class` given gold and predicted booleans.
pub fn class_scores(gold: &[bool], predicted: &[bool], class: bool) -> ClassScores {
    let mut tp = 0usize;
    let mut fp = 0usize;
    let mut fn_ = 0usize;
    for (&g, &p) in gold.iter().zip(predicted) {
        match (g == class, p == class) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            _ => {}
        }
    }
    let precision = crate::eval::ratio(tp, tp + fp);
    let recall = crate::eval::ratio(tp, tp + fn_);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    ClassScores {
        precision,
        recall,
        f1,
    }
}

/// Mean of the F1 of both classes.
pub fn macro_f1(gold: &[bool], predicted: &[bool]) -> f64 {
    (class_scores(gold, predicted, true).f1 + class_scores(gold, predicted, false).f1) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computation() {
        let gold = [true, true, false, false];
        let pred = [true, false, true, false];
        let s = class_scores(&gold, &pred, true);
        assert!((s.precision - 0.5).abs() < 1e-12 && (s.recall - 0.5).abs() < 1e-12);
        assert!((macro_f1(&gold, &pred) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn ptb_escapes_are_undone() {
        assert_eq!(
            unescape_ptb("QJ -LRB- 2-10-2 -RRB- engines"),
            "QJ (2-10-2) engines"
        );
    }

    const TWO_DOCUMENTS: &str = "-DOCSTART- -X- O O\n\nRain O\nfell O\nin O\nOslo I-LOC\n\n\
        It O\nstopped O\n\n-DOCSTART- -X- O O\n\nKent I-ORG\nwon O\n";

    #[test]
    fn conll_sentences_know_their_document() {
        let sentences = parse_conll(TWO_DOCUMENTS, "t.conll").expect("parses");
        let documents: Vec<usize> = sentences.iter().map(|s| s.document).collect();
        assert_eq!(documents, [0, 0, 1]);
        assert_eq!(sentences[0].tags, ["O", "O", "O", "B-LOC"]);
        let bad = parse_conll("Rain\n", "t.conll").expect_err("one column");
        assert!(bad.starts_with("t.conll:1:"), "{bad}");
    }

    #[test]
    fn context_stays_inside_the_document() {
        let sentences = parse_conll(TWO_DOCUMENTS, "t.conll").expect("parses");
        assert_eq!(
            words_in_context(&sentences, 1, 2),
            (vec!["in", "Oslo", "It", "stopped"], 2)
        );
        assert_eq!(
            words_in_context(&sentences, 0, 5),
            (vec!["Rain", "fell", "in", "Oslo", "It", "stopped"], 0)
        );
        assert_eq!(words_in_context(&sentences, 2, 5), (vec!["Kent", "won"], 0));
        assert_eq!(
            words_in_context(&sentences, 1, 0),
            (vec!["It", "stopped"], 0)
        );
    }

    #[test]
    fn splits_are_deterministic_and_disjoint() {
        let dev = (0..100).filter(|&i| weasel_split(i) == Split::Dev).count();
        let cal = (0..100)
            .filter(|&i| weasel_split(i) == Split::Calibration)
            .count();
        assert_eq!((dev, cal), (20, 20));
    }
}

/// One CoNLL-2003 sentence: words and their BIO tags (converted from the file's IOB1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedSentence {
    /// Words as tokenised in the file.
    pub words: Vec<String>,
    /// BIO tags, one per word.
    pub tags: Vec<String>,
    /// Index of the `-DOCSTART-` document the sentence belongs to (0 before the first marker).
    pub document: usize,
}

/// Reads a CoNLL-2003 file (`WORD POS CHUNK NER`, blank lines between sentences,
/// `-DOCSTART-` between documents) and converts IOB1 tags to BIO.
pub fn read_conll(path: &Path) -> Result<Vec<TaggedSentence>, String> {
    parse_conll(&read(path)?, &path.display().to_string())
}

/// Parses CoNLL-2003 text; `name` names the source in errors.
fn parse_conll(content: &str, name: &str) -> Result<Vec<TaggedSentence>, String> {
    let mut out = Vec::new();
    let mut document = 0;
    let mut current = TaggedSentence {
        words: Vec::new(),
        tags: Vec::new(),
        document,
    };
    for (n, line) in content.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with("-DOCSTART-") {
            if !current.words.is_empty() {
                out.push(std::mem::replace(
                    &mut current,
                    TaggedSentence {
                        words: Vec::new(),
                        tags: Vec::new(),
                        document,
                    },
                ));
            }
            // Sentences are flushed above, so `out` is empty only before the first text line.
            if line.starts_with("-DOCSTART-") && !out.is_empty() {
                document += 1;
                current.document = document;
            }
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (Some(word), Some(tag)) = (fields.first(), fields.last()) else {
            continue;
        };
        if fields.len() < 2 {
            return Err(format!("{name}:{}: expected `WORD ... TAG`", n + 1));
        }
        current.words.push((*word).to_string());
        current.tags.push((*tag).to_string());
    }
    if !current.words.is_empty() {
        out.push(current);
    }
    for s in &mut out {
        s.tags = iob1_to_bio(&s.tags);
    }
    Ok(out)
}

/// IOB1 uses `B-` only between two adjacent entities of one type; BIO starts every entity
/// with `B-`. Also repairs an `I-X` that follows `O` or another type in predicted sequences.
pub fn iob1_to_bio(tags: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tags.len());
    let mut prev = "O".to_string();
    for tag in tags {
        let fixed = match tag.strip_prefix("I-") {
            Some(kind) if prev == "O" || prev[2..] != *kind => format!("B-{kind}"),
            _ => tag.clone(),
        };
        prev = fixed.clone();
        out.push(fixed);
    }
    out
}

/// Entity spans `(start word, end word exclusive, type)` of a BIO sequence.
pub fn bio_spans(tags: &[String]) -> Vec<(usize, usize, String)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let continues =
            matches!((&open, tag.strip_prefix("I-")), (Some((_, k)), Some(t)) if k == t);
        if continues {
            continue;
        }
        if let Some((s, k)) = open.take() {
            spans.push((s, i, k));
        }
        if let Some(k) = tag.strip_prefix("B-").or_else(|| tag.strip_prefix("I-")) {
            open = Some((i, k.to_string()));
        }
    }
    if let Some((s, k)) = open {
        spans.push((s, tags.len(), k));
    }
    spans
}

/// The words of sentence `index` with up to `each_side` words of its own document before and
/// after it (document-level context for the entity tagger), and where the sentence starts in
/// that list. With `each_side` 0 this is the sentence alone at offset 0.
pub fn words_in_context(
    sentences: &[TaggedSentence],
    index: usize,
    each_side: usize,
) -> (Vec<&str>, usize) {
    let Some(sentence) = sentences.get(index) else {
        return (Vec::new(), 0);
    };
    let same_document = |s: &&TaggedSentence| s.document == sentence.document;
    let mut before: Vec<&str> = sentences[..index]
        .iter()
        .rev()
        .take_while(same_document)
        .flat_map(|s| s.words.iter().rev())
        .take(each_side)
        .map(String::as_str)
        .collect();
    before.reverse();
    let offset = before.len();
    let mut words = before;
    words.extend(sentence.words.iter().map(String::as_str));
    words.extend(
        sentences[index + 1..]
            .iter()
            .take_while(same_document)
            .flat_map(|s| s.words.iter())
            .take(each_side)
            .map(String::as_str),
    );
    (words, offset)
}

#[cfg(test)]
mod conll_tests {
    use super::*;

    fn v(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn iob1_becomes_bio() {
        assert_eq!(
            iob1_to_bio(&v(&["I-PER", "I-PER", "B-PER", "O", "I-LOC"])),
            v(&["B-PER", "I-PER", "B-PER", "O", "B-LOC"])
        );
    }

    #[test]
    fn spans_from_bio() {
        let spans = bio_spans(&v(&["B-PER", "I-PER", "B-PER", "O", "B-LOC"]));
        assert_eq!(
            spans,
            vec![
                (0, 2, "PER".into()),
                (2, 3, "PER".into()),
                (4, 5, "LOC".into())
            ]
        );
    }
}
