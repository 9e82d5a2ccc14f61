//! Sentence-boundary evaluation against Universal Dependencies `.conllu` files.
//!
//! Each `# newdoc` document is rebuilt as running text (gold sentences joined by one space,
//! a newline where `# newpar` starts a paragraph), segmented with [`segment`], and scored by
//! exact span match: a predicted sentence is correct only if both its ends equal a gold
//! sentence's ends. Scores are micro-averaged over all sentences of the file.

use crate::segment::segment;
use std::path::Path;

/// Counts behind precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SegmentScores {
    /// Gold sentences.
    pub gold: usize,
    /// Predicted sentences.
    pub predicted: usize,
    /// Predicted sentences whose span equals a gold span.
    pub correct: usize,
}

impl SegmentScores {
    /// Correct / predicted (1 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    /// Correct / gold (1 when there is no gold sentence).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        super::f1(self.precision(), self.recall())
    }

    fn add(&mut self, other: SegmentScores) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// A gold sentence the segmenter did not reproduce, with what it produced there instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentMiss {
    /// The gold sentence.
    pub gold: String,
    /// Predicted sentences overlapping it.
    pub predicted: Vec<String>,
}

/// Scores plus a few misses for debugging.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SegmentReport {
    /// The counts.
    pub scores: SegmentScores,
    /// Up to the requested number of misses, in file order.
    pub misses: Vec<SegmentMiss>,
}

/// One rebuilt document: its text and the gold sentence spans in it.
#[derive(Debug, Default)]
struct GoldDoc {
    text: String,
    gold: Vec<(usize, usize)>,
    new_paragraph: bool,
}

impl GoldDoc {
    fn push_sentence(&mut self, sentence: &str) {
        if !self.gold.is_empty() {
            self.text.push(if self.new_paragraph { '\n' } else { ' ' });
        }
        self.new_paragraph = false;
        let start = self.text.len();
        self.text.push_str(sentence);
        if let Some(span) = gold_span(&self.text, start, self.text.len()) {
            self.gold.push(span);
        }
    }
}

/// The gold span as the segmenter's contract defines spans: trimmed, and without a leading
/// list bullet (EWT keeps `- ` in a few e-mail attachment lists; spans never include markup).
fn gold_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let raw = &text[start..end];
    let lead = raw.len() - raw.trim_start().len();
    let mut body = raw.trim();
    if let Some(rest) = body.strip_prefix(['-', '*', '•']) {
        if rest.starts_with(' ') && !rest.trim().is_empty() {
            body = rest.trim_start();
        }
    }
    if body.is_empty() {
        return None;
    }
    let s = start + lead + (raw.trim().len() - body.len());
    Some((s, s + body.len()))
}

/// Parses conllu text into documents. `name` is used in error messages.
fn parse_docs(name: &str, conllu: &str) -> Result<Vec<GoldDoc>, String> {
    let mut docs = vec![GoldDoc::default()];
    let mut sentence_has_text = false;
    for (index, line) in conllu.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let Some(doc) = docs.last_mut() else { break };
        if line.starts_with("# newdoc") {
            if !doc.gold.is_empty() {
                docs.push(GoldDoc::default());
            }
        } else if line == "# newpar" || line.starts_with("# newpar ") {
            doc.new_paragraph = true;
        } else if let Some(text) = line.strip_prefix("# text =") {
            doc.push_sentence(text.trim());
            sentence_has_text = true;
        } else if line.trim().is_empty() {
            sentence_has_text = false;
        } else if !line.starts_with('#') && !sentence_has_text {
            return Err(format!(
                "{name}:{}: token line in a sentence without `# text =`",
                index + 1
            ));
        }
    }
    docs.retain(|d| !d.gold.is_empty());
    Ok(docs)
}

/// Scores one document, appending up to `max_misses` misses in total.
fn score_doc(doc: &GoldDoc, max_misses: usize, misses: &mut Vec<SegmentMiss>) -> SegmentScores {
    let predicted: Vec<(usize, usize)> = segment(&doc.text)
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    // Both lists are sorted and non-overlapping, so one merge pass finds the matches.
    let mut correct = 0;
    let mut p = 0;
    for &(gs, ge) in &doc.gold {
        while p < predicted.len() && predicted[p].0 < gs {
            p += 1;
        }
        if predicted.get(p) == Some(&(gs, ge)) {
            correct += 1;
        } else if misses.len() < max_misses {
            let overlapping = predicted
                .iter()
                .filter(|&&(ps, pe)| ps < ge && pe > gs)
                .map(|&(ps, pe)| doc.text[ps..pe].to_string())
                .collect();
            misses.push(SegmentMiss {
                gold: doc.text[gs..ge].to_string(),
                predicted: overlapping,
            });
        }
    }
    SegmentScores {
        gold: doc.gold.len(),
        predicted: predicted.len(),
        correct,
    }
}

/// Scores conllu content held in memory; `name` labels errors. Keeps up to `max_misses`
/// example misses.
pub fn score_text(name: &str, conllu: &str, max_misses: usize) -> Result<SegmentReport, String> {
    let mut report = SegmentReport::default();
    for doc in parse_docs(name, conllu)? {
        let scores = score_doc(&doc, max_misses, &mut report.misses);
        report.scores.add(scores);
    }
    Ok(report)
}

/// Scores a `.conllu` file and keeps up to `max_misses` example misses.
pub fn report_conllu(path: &Path, max_misses: usize) -> Result<SegmentReport, String> {
    let conllu = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    score_text(&path.display().to_string(), &conllu, max_misses)
}

/// Scores a `.conllu` file.
pub fn score_conllu(path: &Path) -> Result<SegmentScores, String> {
    report_conllu(path, 0).map(|r| r.scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "# newdoc id = a\n# newpar\n# text = The dock opened.\n1\tThe\n\n\
        # text = Ships came.\n1\tShips\n\n# newpar\n# text = Short heading line\n1\tShort\n\n\
        # newdoc id = b\n# text = Dr. Ito spoke at 9 a.m. Tuesday.\n1\tDr.\n\n";

    #[test]
    fn rebuilds_documents_and_paragraphs() {
        let docs = parse_docs("mem", SMALL).unwrap_or_default();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].text,
            "The dock opened. Ships came.\nShort heading line"
        );
        assert_eq!(docs[0].gold.len(), 3);
    }

    #[test]
    fn perfect_segmentation_scores_one() {
        let report = score_text("mem", SMALL, 5).unwrap_or_default();
        assert_eq!(
            report.scores,
            SegmentScores {
                gold: 4,
                predicted: 4,
                correct: 4
            }
        );
        assert!((report.scores.f1() - 1.0).abs() < 1e-9);
        assert!(report.misses.is_empty());
    }

    #[test]
    fn misses_are_reported() {
        let conllu =
            "# newdoc\n# text = It ended\n1\tIt\n\n# text = without a stop.\n1\twithout\n\n";
        let report = score_text("mem", conllu, 5).unwrap_or_default();
        assert_eq!(report.scores.correct, 0);
        assert_eq!(report.misses.len(), 2);
        assert_eq!(
            report.misses[0].predicted,
            vec!["It ended without a stop.".to_string()]
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = score_text("bad.conllu", "# newdoc\n1\tWord\n", 0)
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("bad.conllu:2:"), "{err}");
        let err = score_conllu(Path::new("/no/such/file.conllu"))
            .err()
            .unwrap_or_default();
        assert!(err.contains("/no/such/file.conllu"));
    }

    #[test]
    fn bullets_are_not_part_of_gold_spans() {
        assert_eq!(gold_span("- report.pdf", 0, 12), Some((2, 12)));
        assert_eq!(gold_span(" - ", 0, 3), Some((1, 2)));
    }

    fn dev_file(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/segmentation")
            .join(name)
    }

    /// Dev-set scores; run with `cargo test --release dev_f1 -- --ignored --nocapture`
    /// (set `SEG_MISSES=40` to print that many misses per file).
    #[test]
    #[ignore]
    fn dev_f1() {
        let misses: usize = std::env::var("SEG_MISSES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut failed = Vec::new();
        for name in ["en_ewt-ud-dev.conllu", "en_gum-ud-dev.conllu"] {
            let report = report_conllu(&dev_file(name), misses).unwrap_or_default();
            for miss in &report.misses {
                println!("GOLD {:?}\n  GOT {:?}", miss.gold, miss.predicted);
            }
            let s = report.scores;
            println!(
                "{name}: gold {} predicted {} correct {} P {:.4} R {:.4} F1 {:.4}",
                s.gold,
                s.predicted,
                s.correct,
                s.precision(),
                s.recall(),
                s.f1()
            );
            if s.f1() < 0.95 {
                failed.push(format!("{name} F1 {:.4}", s.f1()));
            }
        }
        assert!(failed.is_empty(), "{failed:?}");
    }
}

/// One splitting case: a text and the sentences it should split into, in order.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SplitCase {
    /// The input text.
    pub text: String,
    /// The expected sentences, each exactly as it appears in the text.
    pub sentences: Vec<String>,
    /// What the case tests (shown with a miss).
    #[serde(default)]
    pub family: String,
}

/// A case the splitter got wrong.
#[derive(Debug, Clone)]
pub struct CaseMiss {
    /// The case.
    pub case: SplitCase,
    /// What the splitter gave.
    pub predicted: Vec<String>,
}

/// Scores of `eval segment --cases`.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// Cases in the file.
    pub cases: usize,
    /// Cases split exactly as expected.
    pub exact: usize,
    /// The cases missed, in file order.
    pub misses: Vec<CaseMiss>,
}

/// Scores the splitter on a JSON array of `{"text", "sentences"[, "family"]}` cases: a case
/// counts when the sentences found are exactly the expected ones, in order.
pub fn score_cases(path: &Path) -> Result<CaseReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let cases: Vec<SplitCase> = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: {e} (expected a JSON array of {{\"text\": …, \"sentences\": [...]}})",
            path.display()
        )
    })?;
    let mut report = CaseReport {
        cases: cases.len(),
        exact: 0,
        misses: Vec::new(),
    };
    for case in cases {
        let predicted: Vec<String> = crate::segment::segment(&case.text)
            .iter()
            .map(|s| case.text[s.start..s.end].to_string())
            .collect();
        if predicted == case.sentences {
            report.exact += 1;
        } else {
            report.misses.push(CaseMiss { case, predicted });
        }
    }
    Ok(report)
}
