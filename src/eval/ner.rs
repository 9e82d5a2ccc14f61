//! `claimscan eval ner`: conlleval-style entity span precision, recall and F1 (exact match),
//! overall and per type, on a CoNLL-2003 file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use tch::Kind;

use crate::datasets::{self, TaggedSentence};
use crate::model::cased::{average_into, confident_word_entities, CasedTagger};
use crate::model::encoder::Tokenized;
use crate::model::ner::{
    constrained_tags, sentence_word_ids, tag_index, type_probability, MIN_ENTITY_CONFIDENCE, TAGS,
};
use crate::model::{length_sorted_batches, piece_rows, ClaimModel, ModelError, BATCH_SIZE};

/// Counts for one entity type (or all).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct SpanCounts {
    /// Gold spans.
    pub gold: usize,
    /// Predicted spans.
    pub predicted: usize,
    /// Exact matches (same boundaries and type).
    pub correct: usize,
}

impl SpanCounts {
    /// Precision.
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    /// Recall.
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.correct as f64 / self.gold as f64
        }
    }
    /// F1.
    pub fn f1(&self) -> f64 {
        super::f1(self.precision(), self.recall())
    }
}

/// Scores overall and per type.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NerScores {
    /// All types together.
    pub overall: SpanCounts,
    /// Per type.
    pub per_type: BTreeMap<String, SpanCounts>,
    /// With `--entities accurate`: the cased tagger alone, its word rows decoded the way the
    /// average is decoded (the shared encoder's head alone is what `--entities fast` scores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cased_alone: Option<SpanCounts>,
}

/// Scores predicted BIO sequences against gold ones.
pub fn score(gold: &[Vec<String>], predicted: &[Vec<String>]) -> NerScores {
    let mut s = NerScores::default();
    for (g, p) in gold.iter().zip(predicted) {
        let gs = datasets::bio_spans(g);
        let ps = datasets::bio_spans(&datasets::iob1_to_bio(p));
        for span in &gs {
            s.overall.gold += 1;
            s.per_type.entry(span.2.clone()).or_default().gold += 1;
        }
        for span in &ps {
            s.overall.predicted += 1;
            let entry = s.per_type.entry(span.2.clone()).or_default();
            entry.predicted += 1;
            if gs.contains(span) {
                s.overall.correct += 1;
                entry.correct += 1;
            }
        }
    }
    s
}

/// What the entity head predicts for a CoNLL file, word by word.
pub struct WordPredictions {
    /// Per sentence, the BIO tag of each word (the tag of its first word piece after
    /// BIO-constrained decoding, entities under the confidence threshold cleared).
    pub tags: Vec<Vec<String>>,
    /// Per sentence, the tag probabilities (in [`TAGS`] order) of each word's first piece,
    /// before decoding (with the cased tagger loaded: the mean of both taggers' rows, which is
    /// what was decoded).
    pub probabilities: Vec<Vec<Vec<f64>>>,
    /// With the cased tagger loaded: its tags alone (word rows decoded like the average).
    pub cased_tags: Option<Vec<Vec<String>>>,
}

/// Predicts a tag per word (the tag of the word's first word piece).
pub fn predict_tags(
    model: &ClaimModel,
    sentences: &[TaggedSentence],
) -> Result<WordPredictions, ModelError> {
    let _guard = tch::no_grad_guard();
    let context = model.meta.ner_context_words;
    let mut word_ids: Vec<Vec<Option<u32>>> = Vec::with_capacity(sentences.len());
    let mut tokenized: Vec<Tokenized> = Vec::with_capacity(sentences.len());
    for (i, sentence) in sentences.iter().enumerate() {
        let (words, offset) = datasets::words_in_context(sentences, i, context);
        let tokens = model.encoder.tokenize_words(&words)?;
        word_ids.push(sentence_word_ids(
            tokens.word_ids(),
            offset,
            sentence.words.len(),
        ));
        tokenized.push(tokens);
    }
    let mut out = per_word(sentences, "O".to_string());
    let mut probabilities = per_word(sentences, Vec::new());
    for chunk in length_sorted_batches(&tokenized, BATCH_SIZE) {
        let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
        let encoded = model.encoder.forward(&batch, model.device(), false)?;
        let probs = model
            .ner
            .logits(&encoded.hidden, &encoded.shapes, false)
            .softmax(-1, Kind::Double);
        for (k, &i) in chunk.iter().enumerate() {
            // The same BIO-constrained decoding as `annotate`, read at each word's first piece.
            let rows = piece_rows(&tokenized[i], &probs.get(k as i64))?;
            let word_ids = &word_ids[i];
            let real: Vec<bool> = word_ids.iter().map(Option::is_some).collect();
            let row = constrained_tags(&rows, &real);
            for (t, w) in first_pieces(word_ids) {
                if let (Some(slot), Some(&tag)) = (out[i].get_mut(w), row.get(t)) {
                    *slot = TAGS.get(tag as usize).unwrap_or(&"O").to_string();
                }
                if let (Some(slot), Some(piece)) = (probabilities[i].get_mut(w), rows.get(t)) {
                    slot.clone_from(piece);
                }
            }
            drop_unsure_entities(&mut out[i], word_ids, &rows);
        }
    }
    let mut cased_tags = None;
    if let Some(tagger) = &model.cased {
        let cased = cased_word_probabilities(tagger, sentences)?;
        cased_tags = Some(cased.iter().map(|rows| decoded_word_tags(rows)).collect());
        for ((tags, rows), other) in out.iter_mut().zip(&mut probabilities).zip(cased) {
            for (row, other) in rows.iter_mut().zip(&other) {
                average_into(row, other);
            }
            *tags = decoded_word_tags(rows);
        }
    }
    Ok(WordPredictions {
        tags: out,
        probabilities,
        cased_tags,
    })
}

/// Per sentence and word, the cased tagger's tag probabilities at the word's first piece
/// (empty for a word past its length limit).
fn cased_word_probabilities(
    tagger: &CasedTagger,
    sentences: &[TaggedSentence],
) -> Result<Vec<Vec<Vec<f64>>>, ModelError> {
    let tokenized = sentences
        .iter()
        .map(|s| {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            tagger.tokenize_words(&words)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = per_word(sentences, Vec::new());
    for chunk in length_sorted_batches(&tokenized, BATCH_SIZE) {
        let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
        let probs = tagger.tag_probabilities(&batch, 0)?;
        for (k, &i) in chunk.iter().enumerate() {
            let rows = piece_rows(&tokenized[i], &probs.get(k as i64))?;
            for (t, w) in first_pieces(tokenized[i].word_ids()) {
                if let (Some(slot), Some(row)) = (out[i].get_mut(w), rows.get(t)) {
                    slot.clone_from(row);
                }
            }
        }
    }
    Ok(out)
}

/// One `value` per word of every sentence.
fn per_word<T: Clone>(sentences: &[TaggedSentence], value: T) -> Vec<Vec<T>> {
    sentences
        .iter()
        .map(|s| vec![value.clone(); s.words.len()])
        .collect()
}

/// `(piece, word)` for the first piece of every word (special tokens have no word).
fn first_pieces(word_ids: &[Option<u32>]) -> impl Iterator<Item = (usize, usize)> + '_ {
    word_ids.iter().enumerate().filter_map(|(t, w)| {
        let w = (*w)?;
        let first = t == 0 || word_ids[t - 1] != Some(w);
        first.then_some((t, w as usize))
    })
}

/// BIO tags per word from word rows (averaged, or one tagger's), as `annotate --entities
/// accurate` decodes them (a word no tagger saw is `O`).
fn decoded_word_tags(rows: &[Vec<f64>]) -> Vec<String> {
    let mut outside = vec![0.0; TAGS.len()];
    outside[0] = 1.0;
    let rows: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| {
            if r.is_empty() {
                outside.clone()
            } else {
                r.clone()
            }
        })
        .collect();
    let mut tags = vec!["O".to_string(); rows.len()];
    for (first, last, begin, _) in confident_word_entities(&rows) {
        tags[first] = TAGS[begin].to_string();
        for tag in &mut tags[first + 1..last] {
            *tag = TAGS[begin + 1].to_string();
        }
    }
    tags
}

/// Clears the word tags of entities whose confidence is below [`MIN_ENTITY_CONFIDENCE`], as
/// `annotate` drops them: confidence is the mean type probability over all the word pieces of
/// the entity's words.
fn drop_unsure_entities(tags: &mut [String], word_ids: &[Option<u32>], rows: &[Vec<f64>]) {
    for (start, end, kind) in datasets::bio_spans(tags) {
        let begin_tag = tag_index(&format!("B-{kind}")).unwrap_or(0) as usize;
        let pieces: Vec<f64> = word_ids
            .iter()
            .enumerate()
            .filter(|(_, w)| w.is_some_and(|w| (start..end).contains(&(w as usize))))
            .filter_map(|(t, _)| rows.get(t).map(|row| type_probability(row, begin_tag)))
            .collect();
        let confidence = pieces.iter().sum::<f64>() / pieces.len().max(1) as f64;
        if confidence < MIN_ENTITY_CONFIDENCE {
            for tag in &mut tags[start..end] {
                *tag = "O".to_string();
            }
        }
    }
}

/// Scores the model on a CoNLL file.
pub fn evaluate_file(model: &ClaimModel, path: &Path) -> anyhow::Result<NerScores> {
    evaluate_file_writing(model, path, &EvalOutputs::default())
}

/// Optional files `eval ner` writes beside its scores, for error analysis.
#[derive(Debug, Default)]
pub struct EvalOutputs<'a> {
    /// One `WORD GOLD PREDICTED` line per word (BIO tags, a blank line after each sentence:
    /// the input conlleval reads).
    pub predictions: Option<&'a Path>,
    /// One line per word: the word, then the nine tag probabilities of its first piece in
    /// [`TAGS`] order, tab-separated (a blank line after each sentence).
    pub probabilities: Option<&'a Path>,
}

/// Scores the model on a CoNLL file and writes the files `outputs` names.
pub fn evaluate_file_writing(
    model: &ClaimModel,
    path: &Path,
    outputs: &EvalOutputs,
) -> anyhow::Result<NerScores> {
    let cannot_write =
        |out: &Path, e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", out.display());
    // Opened before the model runs, so a bad path fails at once rather than after the pass.
    let create = |out: Option<&Path>| {
        out.map(|out| std::fs::File::create(out).map_err(|e| cannot_write(out, e)))
            .transpose()
    };
    let predictions_file = create(outputs.predictions)?;
    let probabilities_file = create(outputs.probabilities)?;
    let sentences = datasets::read_conll(path).map_err(anyhow::Error::msg)?;
    let predicted = predict_tags(model, &sentences)?;
    if let (Some(mut file), Some(out)) = (predictions_file, outputs.predictions) {
        let mut text = String::new();
        for (sentence, tags) in sentences.iter().zip(&predicted.tags) {
            for ((word, gold), tag) in sentence.words.iter().zip(&sentence.tags).zip(tags) {
                text.push_str(&format!("{word} {gold} {tag}\n"));
            }
            text.push('\n');
        }
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| cannot_write(out, e))?;
    }
    if let (Some(mut file), Some(out)) = (probabilities_file, outputs.probabilities) {
        let mut text = String::new();
        for (sentence, rows) in sentences.iter().zip(&predicted.probabilities) {
            for (word, row) in sentence.words.iter().zip(rows) {
                text.push_str(word);
                for p in row {
                    text.push_str(&format!("\t{p:.6}"));
                }
                text.push('\n');
            }
            text.push('\n');
        }
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| cannot_write(out, e))?;
    }
    let gold: Vec<Vec<String>> = sentences.into_iter().map(|s| s.tags).collect();
    let mut scores = score(&gold, &predicted.tags);
    scores.cased_alone = predicted.cased_tags.map(|tags| score(&gold, &tags).overall);
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unsure_entities_are_cleared() {
        let mut tags = v(&["B-PER", "I-PER", "O", "B-LOC"]);
        // One piece per word; the second word's piece is split in two.
        let word_ids = [None, Some(0), Some(1), Some(1), Some(2), Some(3), None];
        let o = |p: f64| vec![p, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let per = |p: f64| vec![1.0 - p, p, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let loc = |p: f64| vec![1.0 - p, 0.0, 0.0, 0.0, 0.0, p, 0.0, 0.0, 0.0];
        let rows = vec![
            o(1.0),
            per(0.9),
            per(0.8),
            per(0.7),
            o(1.0),
            loc(0.2),
            o(1.0),
        ];
        drop_unsure_entities(&mut tags, &word_ids, &rows);
        assert_eq!(tags, v(&["B-PER", "I-PER", "O", "O"]));
    }

    #[test]
    fn exact_span_scoring() {
        let gold = vec![v(&["B-PER", "I-PER", "O", "B-LOC"])];
        let pred = vec![v(&["B-PER", "O", "O", "B-LOC"])];
        let s = score(&gold, &pred);
        assert_eq!(
            s.overall,
            SpanCounts {
                gold: 2,
                predicted: 2,
                correct: 1
            }
        );
        assert_eq!(s.per_type["LOC"].correct, 1);
        assert!((s.overall.f1() - 0.5).abs() < 1e-12);
    }
}
