//! `claimscan eval attribution FILE`: scores the `attribution` column against sentences whose
//! sources were labelled by hand.
//!
//! FILE is JSONL, one document per line, as `scripts/attribution_set.py export` (the team's
//! set) and `scripts/mpqa_attribution.py` (MPQA 1.2) write it:
//! `{"doc", "split", "sentences": [{"id", "text", "kind", "source"?, "referent"?, "sources"?}]}`
//! where `kind` is named, pronoun, role, continuation, vague or none. The documents run
//! through the same pipeline as `claimscan annotate` (one sentence per line, so splitting
//! errors do not blur the score), and each sentence's `attribution` is compared with gold:
//! - detection: does the sentence credit anyone (gold kind other than none) and did claimscan
//!   fill the column;
//! - right source: the column names one of the gold sources, the same span or the same head
//!   word ("Sergei Lavrov" for "Lavrov", "the European Commission" for "European Commission");
//!   a pronoun, role or continuation is right only when resolved to its referent. Sentences
//!   whose gold source has no name to compare (a pronoun for an unnamed group) count for
//!   detection only.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{f1, ratio};
use crate::model::Precision;

/// One labelled sentence.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldSentence {
    /// Item id (for the misses listing).
    pub id: String,
    /// The sentence.
    pub text: String,
    /// named, pronoun, role, continuation, vague or none.
    pub kind: String,
    /// The source as written (team set).
    #[serde(default)]
    pub source: String,
    /// What a pronoun, role or continuation refers to (team set).
    #[serde(default)]
    pub referent: String,
    /// Every acceptable source (MPQA: the agent's mentions).
    #[serde(default)]
    pub sources: Vec<String>,
}

impl GoldSentence {
    /// The strings a right answer may match; empty when there is nothing to compare.
    fn acceptable(&self) -> Vec<&str> {
        if !self.sources.is_empty() {
            return self.sources.iter().map(String::as_str).collect();
        }
        let answer = match self.kind.as_str() {
            "pronoun" | "role" | "continuation" => self.referent.as_str(),
            "named" | "vague" => self.source.as_str(),
            _ => "",
        };
        if answer.is_empty() {
            Vec::new()
        } else {
            vec![answer]
        }
    }
}

/// One labelled document.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldDocument {
    /// Document key.
    pub doc: String,
    /// `dev` (scored) or `tune` (the rules were written on it).
    pub split: String,
    /// Its sentences in order.
    pub sentences: Vec<GoldSentence>,
}

/// Reads FILE, keeping the documents of `split` (every document for `all`; `calibration`:
/// the tune documents `claimscan train-source` holds out to choose its epoch and threshold).
pub fn read_gold(file: &Path, split: &str) -> Result<Vec<GoldDocument>, String> {
    let f = fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut docs = Vec::new();
    let mut tune_documents = 0usize;
    for (n, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| format!("{}:{}: {e}", file.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: GoldDocument = serde_json::from_str(&line).map_err(|e| {
            format!(
                "{}:{}: not an attribution record: {e}",
                file.display(),
                n + 1
            )
        })?;
        let calibration = doc.split == "tune" && {
            tune_documents += 1;
            crate::train_source::is_calibration_document(tune_documents - 1)
        };
        if split == "all" || doc.split == split || (split == "calibration" && calibration) {
            docs.push(doc);
        }
    }
    if docs.is_empty() {
        return Err(format!(
            "{}: no documents of split {split:?} (use --split all, dev, tune, calibration or fresh)",
            file.display()
        ));
    }
    Ok(docs)
}

/// Counts behind a precision/recall pair.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    /// Right answers.
    pub correct: usize,
    /// Answers given.
    pub predicted: usize,
    /// Answers expected.
    pub gold: usize,
}

impl Counts {
    /// correct / predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    /// correct / gold.
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    /// Harmonic mean.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

/// The scores of one evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AttributionScores {
    /// Sentences scored.
    pub sentences: usize,
    /// Does the sentence credit anyone.
    pub detection: Counts,
    /// Is the credited source right.
    pub source: Counts,
    /// Pronoun sources resolved to the right referent.
    pub pronouns: Counts,
    /// Right-source recall per gold kind.
    pub by_kind: BTreeMap<String, Counts>,
    /// Wrong or missing answers: (item id, gold kind, gold answer, claimscan's, sentence).
    #[serde(skip)]
    pub misses: Vec<[String; 5]>,
}

/// Head word of a source: its last word, lower-cased, without a possessive ending.
fn head_word(source: &str) -> String {
    source
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .rfind(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| {
            w.trim_end_matches("'s")
                .trim_end_matches("’s")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .unwrap_or_default()
}

/// Same span (ignoring case and surrounding space), same head word, or the head of one is a
/// name word of the other: "Wang" for "Wang Yi" (family name first), "Sgt. Matt Lampert of
/// Montana" for "Sgt. Matt Lampert", "Mittal" for "Mr Sunil Mittal, Chairman, Bharti
/// Enterprises" (overlap matching of source spans, as MPQA source evaluations use). Only
/// capitalised words count as name words: "the president" does not match "President Bush".
pub fn same_source(predicted: &str, gold: &str) -> bool {
    let (p, g) = (predicted.trim(), gold.trim());
    if p.is_empty() || g.is_empty() {
        return false;
    }
    let name_words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .map(str::to_lowercase)
            .collect()
    };
    let (hp, hg) = (head_word(p), head_word(g));
    let head_is_name_in = |head: &str, of: &str, other: &str| {
        name_words(of).iter().any(|w| w == head) && name_words(other).iter().any(|w| w == head)
    };
    p.eq_ignore_ascii_case(g)
        || hp == hg
        || head_is_name_in(&hp, p, g)
        || head_is_name_in(&hg, g, p)
}

/// Scores one sentence's predicted attribution into `scores`.
fn score_sentence(scores: &mut AttributionScores, gold: &GoldSentence, predicted: &str) {
    scores.sentences += 1;
    let credited = gold.kind != "none";
    let answered = !predicted.trim().is_empty();
    scores.detection.gold += usize::from(credited);
    scores.detection.predicted += usize::from(answered);
    scores.detection.correct += usize::from(credited && answered);
    let acceptable = gold.acceptable();
    // A credited sentence with no name to compare counts for detection only.
    if credited && acceptable.is_empty() {
        return;
    }
    let right = answered && acceptable.iter().any(|g| same_source(predicted, g));
    scores.source.gold += usize::from(credited);
    scores.source.predicted += usize::from(answered);
    scores.source.correct += usize::from(right);
    let kind = scores.by_kind.entry(gold.kind.clone()).or_default();
    kind.gold += 1;
    kind.predicted += usize::from(answered);
    kind.correct += usize::from(right || (!credited && !answered));
    if gold.kind == "pronoun" {
        scores.pronouns.gold += 1;
        scores.pronouns.predicted += usize::from(answered);
        scores.pronouns.correct += usize::from(right);
    }
    if right != credited || (!credited && answered) {
        scores.misses.push([
            gold.id.clone(),
            gold.kind.clone(),
            acceptable.join(" | "),
            predicted.to_string(),
            gold.text.clone(),
        ]);
    }
}

/// Runs the pipeline over `docs` (one sentence per line) with the models in `models_dir` and
/// scores the `attribution` column.
pub fn evaluate(docs: &[GoldDocument], models_dir: &Path) -> Result<AttributionScores, String> {
    let lines: Vec<Vec<&str>> = docs
        .iter()
        .map(|d| d.sentences.iter().map(|s| s.text.as_str()).collect())
        .collect();
    let predicted = super::documents::annotate_lines(
        &lines,
        models_dir,
        (Precision::default(), crate::model::LabelMode::default()),
        "attribution",
        "attribution",
    )?;
    let mut scores = AttributionScores::default();
    for (doc, got) in docs.iter().zip(&predicted) {
        for (gold, attribution) in doc.sentences.iter().zip(got) {
            score_sentence(&mut scores, gold, attribution);
        }
    }
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_match_by_span_or_head_word() {
        assert!(same_source("Sergei Lavrov", "Lavrov"));
        assert!(same_source(
            "European Commission",
            "The European Commission"
        ));
        assert!(same_source("the ministry's", "Ministry"));
        assert!(!same_source("Lavrov", "TASS"));
        assert!(same_source("Wang", "Wang Yi"));
        assert!(same_source(
            "Sgt. Matt Lampert of Montana",
            "Sgt. Matt Lampert"
        ));
        assert!(!same_source("the president", "President Bush"));
        assert!(!same_source("", "TASS"));
    }

    #[test]
    fn a_pronoun_is_right_only_when_resolved_to_its_referent() {
        let gold = GoldSentence {
            id: "x".into(),
            text: "\"No,\" he said.".into(),
            kind: "pronoun".into(),
            source: "he".into(),
            referent: "Tomas Berg".into(),
            sources: Vec::new(),
        };
        let mut scores = AttributionScores::default();
        score_sentence(&mut scores, &gold, "he");
        score_sentence(&mut scores, &gold, "Berg");
        assert_eq!(scores.pronouns.gold, 2);
        assert_eq!(scores.pronouns.correct, 1);
        assert_eq!(scores.detection.correct, 2);
    }
}
