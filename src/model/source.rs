//! The source tagger: which words of a sentence name the agent whose statement or belief the
//! writer reports ("*Bush* told reporters …", "*the EU* criticised …", "*he* fears …").
//!
//! A small network over the shared encoder's token states (each word piece with its two
//! neighbours, one hidden layer, three tags O / B / I), trained on MPQA's agent spans by
//! `claimscan train-source`. The attribution rules know the reporting frames; MPQA marks far
//! more ways of crediting an agent (private states: "X fears", "X rejected", "X is worried")
//! than rules can list, and this tagger learns them. It costs one small matrix product per
//! token on states the encoder pass has already computed.
//!
//! Beside the model: the weights in `source_head.safetensors` (fp16, as every committed
//! weight), and in `source_head.json` the sizes, the confidence threshold (fitted on a
//! calibration slice), the data it was trained on and its scores.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

use super::encoder::Tokenized;
use super::inference::{Linear, Precision};
use super::ModelError;

/// File name of the source tagger's description inside the model directory.
pub const SOURCE_HEAD_FILE: &str = "source_head.json";
/// File name of its weights (tensors `w1`, `b1`, `w2`, `b2`).
pub const SOURCE_WEIGHTS_FILE: &str = "source_head.safetensors";

/// Tags of the tagger's outputs, in order.
pub const SOURCE_TAGS: [&str; 3] = ["O", "B", "I"];

/// Word pieces of context on each side of a piece that the tagger reads.
pub const WINDOW: usize = 2;

/// Weights of the source tagger.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceHead {
    /// Width of the encoder's token states.
    pub hidden: usize,
    /// Pieces of context on each side (inputs are `hidden * (2 * window + 1)` wide).
    pub window: usize,
    /// Hidden layer weights `[inner][inputs]` (stored in [`SOURCE_WEIGHTS_FILE`]).
    #[serde(skip)]
    pub w1: Vec<Vec<f32>>,
    /// Hidden layer bias `[inner]`.
    #[serde(skip)]
    pub b1: Vec<f32>,
    /// Output weights `[3][inner]`.
    #[serde(skip)]
    pub w2: Vec<Vec<f32>>,
    /// Output bias `[3]`.
    #[serde(skip)]
    pub b2: Vec<f32>,
    /// Spans whose confidence (mean probability of not-O over their pieces) is below this are
    /// dropped.
    pub threshold: f64,
    /// How it was trained: data, sizes, scores (written by `train-source`).
    #[serde(default)]
    pub training: serde_json::Value,
}

/// A source span found by the tagger: byte offsets into the sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaggedSource {
    /// First byte of the span.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// Mean probability of not-O over its word pieces.
    pub confidence: f64,
}

/// The tagger's weights as tensors, ready for the inference pass.
pub struct SourceTagger {
    /// The stored head (threshold and provenance).
    pub head: SourceHead,
    w1: Tensor,
    b1: Tensor,
    w2: Tensor,
    b2: Tensor,
    /// The hidden layer's blocks, one per window offset, stacked `[(2w+1) * inner, hidden]`
    /// at the encoder's precision: each token state is projected once for every offset, and a
    /// piece's hidden layer is the sum of its neighbours' projections (the same function as
    /// the windowed product, without building the `(2w+1) * hidden` wide input).
    projection: Linear,
}

impl SourceHead {
    /// Reads `dir/source_head.json` and its weights; `Ok(None)` when the description does
    /// not exist.
    pub fn load(dir: &Path) -> Result<Option<Self>, ModelError> {
        let Some(mut head) = super::read_optional_json::<SourceHead>(&dir.join(SOURCE_HEAD_FILE))?
        else {
            return Ok(None);
        };
        let path = dir.join(SOURCE_WEIGHTS_FILE);
        let unreadable = |reason: String| ModelError::Invalid {
            path: path.clone(),
            reason: format!("{reason}; rebuild the source tagger with `claimscan train-source`"),
        };
        super::require_file(&path)?;
        let tensors = Tensor::read_safetensors(&path).map_err(|e| unreadable(e.to_string()))?;
        for (name, tensor) in tensors {
            let tensor = tensor.to_kind(Kind::Float);
            let rows =
                |t: &Tensor| Vec::<Vec<f32>>::try_from(t).map_err(|e| unreadable(e.to_string()));
            let row = |t: &Tensor| Vec::<f32>::try_from(t).map_err(|e| unreadable(e.to_string()));
            match name.as_str() {
                "w1" => head.w1 = rows(&tensor)?,
                "b1" => head.b1 = row(&tensor)?,
                "w2" => head.w2 = rows(&tensor)?,
                "b2" => head.b2 = row(&tensor)?,
                other => return Err(unreadable(format!("unexpected tensor {other}"))),
            }
        }
        let inputs = head.hidden * (2 * head.window + 1);
        let inner = head.b1.len();
        let shapes_ok = head.w1.len() == inner
            && head.w1.iter().all(|r| r.len() == inputs)
            && head.w2.len() == SOURCE_TAGS.len()
            && head.w2.iter().all(|r| r.len() == inner)
            && head.b2.len() == SOURCE_TAGS.len();
        if !shapes_ok {
            return Err(ModelError::Invalid {
                path,
                reason: "weights do not match the declared sizes; rebuild it with `claimscan \
                         train-source`"
                    .into(),
            });
        }
        Ok(Some(head))
    }

    /// A short id of the weights and threshold ("source-1a2b3c4d5e6f"): a run records it and
    /// resumes only with the same tagger, since it changes the `attribution` column.
    pub fn id(&self) -> String {
        let json = serde_json::to_string(&(&self.w1, &self.b1, &self.w2, &self.b2, self.threshold))
            .unwrap_or_default();
        super::short_id("source", &json)
    }

    /// Writes `dir/source_head.safetensors` (fp16) and `dir/source_head.json`.
    pub fn save(&self, dir: &Path) -> Result<(), ModelError> {
        let weights = dir.join(SOURCE_WEIGHTS_FILE);
        let half = |t: Tensor| t.to_kind(Kind::Half).contiguous();
        let named = [
            ("b1", half(Tensor::from_slice(&self.b1))),
            ("b2", half(Tensor::from_slice(&self.b2))),
            ("w1", half(matrix(&self.w1))),
            ("w2", half(matrix(&self.w2))),
        ];
        Tensor::write_safetensors(&named, &weights).map_err(|e| ModelError::Invalid {
            path: weights.clone(),
            reason: e.to_string(),
        })?;
        let path = dir.join(SOURCE_HEAD_FILE);
        let text = serde_json::to_string(self).map_err(|e| ModelError::Invalid {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        std::fs::write(&path, text).map_err(|e| ModelError::Invalid {
            path,
            reason: e.to_string(),
        })
    }
}

fn matrix(rows: &[Vec<f32>]) -> Tensor {
    let width = rows.first().map_or(0, Vec::len) as i64;
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    Tensor::from_slice(&flat).view([rows.len() as i64, width])
}

impl SourceTagger {
    /// The tagger for `head`'s weights, its hidden layer computed at `precision`.
    pub fn new(head: SourceHead, precision: Precision) -> Self {
        let w1 = matrix(&head.w1);
        let (inner, hidden) = (head.b1.len() as i64, head.hidden as i64);
        let offsets = (2 * head.window + 1) as i64;
        let blocks: Vec<Tensor> = (0..offsets)
            .map(|k| w1.narrow(1, k * hidden, hidden))
            .collect();
        let projection = Linear::new(
            &Tensor::cat(&blocks, 0),
            &Tensor::zeros([offsets * inner], (Kind::Float, tch::Device::Cpu)),
            precision,
        );
        SourceTagger {
            b1: Tensor::from_slice(&head.b1),
            w2: matrix(&head.w2),
            b2: Tensor::from_slice(&head.b2),
            w1,
            head,
            projection,
        }
    }

    /// Tag probabilities `[batch, tokens, 3]` for the encoder's last hidden states
    /// `[batch, tokens, hidden]` and its mask `[batch, tokens]` (padding reads as zeros, as
    /// in training). Every product is per row or per item, so a sentence's result never
    /// depends on its batch.
    pub fn probabilities(&self, hidden: &Tensor, mask: &Tensor) -> Tensor {
        let hidden = masked(hidden, mask);
        let size = hidden.size();
        let (batch, tokens) = (size[0], size[1]);
        let inner = self.head.b1.len() as i64;
        let window = self.head.window as i64;
        let projected =
            self.projection
                .forward(&hidden)
                .view([batch, tokens, 2 * window + 1, inner]);
        let sum = self
            .b1
            .view([1, 1, inner])
            .expand([batch, tokens, inner], false)
            .copy();
        for k in 0..=(2 * window) {
            // Block k reads the piece `k - window` away: shift its projections into place.
            let offset = k - window;
            let kept = tokens - offset.abs().min(tokens);
            if kept == 0 {
                continue;
            }
            let (from, to) = if offset < 0 {
                (0, -offset)
            } else {
                (offset, 0)
            };
            let mut target = sum.narrow(1, to, kept);
            target += projected.select(2, k).narrow(1, from, kept);
        }
        let h = sum.relu();
        let items: Vec<Tensor> = (0..batch)
            .map(|i| h.get(i).linear(&self.w2, Some(&self.b2)))
            .collect();
        Tensor::stack(&items, 0).softmax(-1, Kind::Float)
    }

    /// Tag probabilities `[tokens, 3]` for one sentence's windowed states `[tokens, inputs]`
    /// (as [`windowed`] builds them).
    pub fn probabilities_of_states(&self, x: &Tensor) -> Tensor {
        let h = (x.matmul(&self.w1.transpose(0, 1)) + &self.b1).relu();
        (h.matmul(&self.w2.transpose(0, 1)) + &self.b2).softmax(-1, Kind::Float)
    }

    /// The sources of one sentence from its rows of [`Self::probabilities`] (padding
    /// included), most confident first; only those at or above the threshold.
    pub fn decode(&self, tokens: &Tokenized, probs: &Tensor, sentence: &str) -> Vec<TaggedSource> {
        let n = tokens.len() as i64;
        let rows: Vec<Vec<f64>> =
            Vec::try_from(probs.narrow(0, 0, n).to_kind(Kind::Double)).unwrap_or_default();
        let mut found = spans(tokens, &rows, sentence);
        found.retain(|s| s.confidence >= self.head.threshold);
        found.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.start.cmp(&b.start))
        });
        found
    }
}

/// `hidden` with the rows of padding set to zero.
pub fn masked(hidden: &Tensor, mask: &Tensor) -> Tensor {
    hidden * mask.unsqueeze(-1).to_kind(hidden.kind())
}

/// Each piece's state with its `window` neighbours on each side (zeros past the ends):
/// `[batch, tokens, hidden * (2 * window + 1)]`.
pub fn windowed(hidden: &Tensor, window: usize) -> Tensor {
    let size = hidden.size();
    let (batch, tokens, width) = (size[0], size[1], size[2]);
    let mut parts = Vec::with_capacity(2 * window + 1);
    for shift in -(window as i64)..=(window as i64) {
        if shift == 0 {
            parts.push(hidden.shallow_clone());
            continue;
        }
        let pad = Tensor::zeros(
            [batch, shift.abs().min(tokens), width],
            (hidden.kind(), hidden.device()),
        );
        let kept = tokens - shift.abs().min(tokens);
        let part = if shift < 0 {
            // The piece `|shift|` before: zeros, then the states shifted right.
            Tensor::cat(&[pad, hidden.narrow(1, 0, kept)], 1)
        } else {
            Tensor::cat(&[hidden.narrow(1, tokens - kept, kept), pad], 1)
        };
        parts.push(part);
    }
    Tensor::cat(&parts, 2)
}

/// Spans from per-piece tag probabilities (greedy: a piece is in a span unless O is its most
/// probable tag; B, or a piece after O, opens one), widened to whole words.
pub fn spans(tokens: &Tokenized, rows: &[Vec<f64>], sentence: &str) -> Vec<TaggedSource> {
    let offsets = tokens.offsets();
    let word_ids = tokens.word_ids();
    let mut out = Vec::new();
    let mut current: Option<(TaggedSource, usize, Option<u32>)> = None;
    for (t, row) in rows.iter().enumerate() {
        let word = word_ids.get(t).copied().flatten();
        let tag = argmax(row);
        let inside = word.is_some() && tag != 0;
        // A piece of the word the span already holds stays in it, whatever its tag.
        let same_word = matches!(&current, Some((_, _, w)) if word.is_some() && *w == word);
        if inside || same_word {
            let (s, e) = offsets[t];
            let p = 1.0 - row[0];
            match current.as_mut() {
                Some((span, count, w)) if tag == 2 || same_word => {
                    span.end = e.max(span.end);
                    span.confidence += p;
                    *count += 1;
                    *w = word;
                }
                _ => {
                    if let Some((span, count, _)) = current.take() {
                        out.push(finished(span, count));
                    }
                    current = Some((
                        TaggedSource {
                            start: s,
                            end: e,
                            confidence: p,
                        },
                        1,
                        word,
                    ));
                }
            }
        } else if let Some((span, count, _)) = current.take() {
            out.push(finished(span, count));
        }
    }
    if let Some((span, count, _)) = current.take() {
        out.push(finished(span, count));
    }
    out.into_iter()
        .filter_map(|s| trimmed(s, sentence))
        .collect()
}

fn argmax(row: &[f64]) -> usize {
    (0..row.len())
        .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

fn finished(mut span: TaggedSource, count: usize) -> TaggedSource {
    span.confidence /= count.max(1) as f64;
    span
}

/// The span widened to whole words (a piece tagged alone inside "Svetlana" takes the whole
/// name), without punctuation at its ends ("Bush," → "Bush"); `None` when nothing is left.
fn trimmed(mut span: TaggedSource, sentence: &str) -> Option<TaggedSource> {
    sentence.get(span.start..span.end)?;
    span.start = sentence[..span.start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(span.start, |(b, _)| b);
    span.end += sentence[span.end..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(sentence.len() - span.end, |(b, _)| b);
    let text = &sentence[span.start..span.end];
    let keep = |c: char| c.is_alphanumeric() || c == '.' || c == '&';
    let lead = text.len()
        - text
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    let body = &text[lead..];
    let kept = body.trim_end_matches(|c: char| !keep(c));
    if kept.is_empty() {
        return None;
    }
    span.start += lead;
    span.end = span.start + kept.len();
    Some(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windowed_states_put_each_neighbour_beside_its_piece() {
        // One sentence of three pieces with one-wide states 1, 2, 3.
        let hidden = Tensor::from_slice(&[1.0f32, 2.0, 3.0]).view([1, 3, 1]);
        let x = windowed(&hidden, 1);
        assert_eq!(x.size(), vec![1, 3, 3]);
        let rows: Vec<Vec<f32>> = Vec::try_from(x.get(0)).unwrap_or_default();
        assert_eq!(
            rows,
            vec![
                vec![0.0, 1.0, 2.0],
                vec![1.0, 2.0, 3.0],
                vec![2.0, 3.0, 0.0]
            ]
        );
        // A window wider than the sentence is all padding past the ends.
        let x = windowed(&hidden, 4);
        assert_eq!(x.size(), vec![1, 3, 9]);
    }

    #[test]
    fn spans_are_widened_to_words_and_trimmed_of_punctuation() {
        let sentence = "Ms Svetlana, the minister, said so.";
        // A piece tagged inside "Svetlana" takes the whole word; the comma goes.
        let span = TaggedSource {
            start: 7,
            end: 12,
            confidence: 0.9,
        };
        let got = trimmed(span, sentence).map(|s| &sentence[s.start..s.end]);
        assert_eq!(got, Some("Svetlana"));
        // Abbreviations keep their dots.
        let sentence = "The U.S. said no.";
        let span = TaggedSource {
            start: 4,
            end: 8,
            confidence: 0.9,
        };
        let got = trimmed(span, sentence).map(|s| &sentence[s.start..s.end]);
        assert_eq!(got, Some("U.S."));
        // Punctuation alone is no span.
        let span = TaggedSource {
            start: 2,
            end: 3,
            confidence: 0.9,
        };
        assert_eq!(trimmed(span, "a , b"), None);
    }

    #[test]
    fn the_id_changes_with_the_weights_or_the_threshold() {
        let head = SourceHead {
            hidden: 1,
            window: 0,
            w1: vec![vec![0.5]],
            b1: vec![0.0],
            w2: vec![vec![1.0], vec![0.0], vec![-1.0]],
            b2: vec![0.0; 3],
            threshold: 0.8,
            training: serde_json::Value::Null,
        };
        let mut other = head.clone();
        other.threshold = 0.7;
        assert_ne!(head.id(), other.id());
        other.threshold = 0.8;
        other.training = serde_json::json!({"note": "provenance only"});
        assert_eq!(head.id(), other.id());
        other.b1 = vec![0.1];
        assert_ne!(head.id(), other.id());
        assert!(head.id().starts_with("source-"));
    }

    #[test]
    fn a_saved_head_loads_back_with_its_weights_in_fp16_and_needs_both_files() {
        let head = SourceHead {
            hidden: 2,
            window: 0,
            w1: vec![vec![0.5, -0.25], vec![1.0 / 3.0, 2.0]],
            b1: vec![0.125, -1.0],
            w2: vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![-1.0, 0.5]],
            b2: vec![0.0, 0.1, -0.1],
            threshold: 0.8,
            training: serde_json::json!({"note": "test"}),
        };
        let dir = tempfile::tempdir().unwrap();
        head.save(dir.path()).unwrap();
        let json = std::fs::read_to_string(dir.path().join(SOURCE_HEAD_FILE)).unwrap();
        assert!(!json.contains("w1"), "weights stay out of the JSON: {json}");
        let loaded = SourceHead::load(dir.path()).unwrap().unwrap();
        assert_eq!(
            (loaded.hidden, loaded.window, loaded.threshold),
            (2, 0, 0.8)
        );
        assert_eq!(loaded.w1[0], vec![0.5, -0.25]);
        assert!((loaded.w1[1][0] - 1.0 / 3.0).abs() < 1e-3);
        assert_eq!(loaded.b2.len(), 3);
        std::fs::remove_file(dir.path().join(SOURCE_WEIGHTS_FILE)).unwrap();
        let err = SourceHead::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(SOURCE_WEIGHTS_FILE), "{err}");
    }

    #[test]
    fn shifted_projections_compute_the_windowed_product() {
        tch::manual_seed(3);
        let (hidden, inner, window) = (6usize, 4usize, 2usize);
        let inputs = hidden * (2 * window + 1);
        let rows = |n: usize, m: usize| -> Vec<Vec<f32>> {
            Vec::try_from(Tensor::randn(
                [n as i64, m as i64],
                (Kind::Float, tch::Device::Cpu),
            ))
            .unwrap_or_default()
        };
        let head = SourceHead {
            hidden,
            window,
            w1: rows(inner, inputs),
            b1: rows(1, inner).remove(0),
            w2: rows(3, inner),
            b2: rows(1, 3).remove(0),
            threshold: 0.5,
            training: serde_json::Value::Null,
        };
        let tagger = SourceTagger::new(head, Precision::Fp32);
        let states = Tensor::randn([2, 5, hidden as i64], (Kind::Float, tch::Device::Cpu));
        // The second sentence has three real pieces and two of padding.
        let mask = Tensor::from_slice(&[1i64, 1, 1, 1, 1, 1, 1, 1, 0, 0]).view([2, 5]);
        let fast = tagger.probabilities(&states, &mask);
        let windows = windowed(&masked(&states, &mask), window);
        for item in 0..2 {
            let slow = tagger.probabilities_of_states(&windows.get(item));
            let gap = (fast.get(item) - slow).abs().max().double_value(&[]);
            assert!(gap < 1e-5, "item {item}: {gap}");
        }
    }
}
