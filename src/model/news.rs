//! The news head: one softmax over the four labels (fact, speculation, opinion, none) of a
//! news sentence, trained on the team's labelled news set (`claimscan train-news`).
//!
//! It is linear over three groups of inputs: the shared encoder's mean-pooled sentence
//! embedding, the raw logits of the three task heads (opinion, speculation,
//! check-worthiness, themselves trained on the larger single-task sets) and a few lexical
//! features that the label stage computes (cues, attribution, punctuation; see
//! `classify::news`). Being linear, its logits split into an encoder part, computed in the
//! model pass where the embedding lives, and a rule part added in the label stage; so the
//! model never reaches forward into the label stage and nothing is computed twice.
//!
//! The weights are a small JSON file beside the model (`news_head.json`), with the data they
//! were trained on and their dev scores.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ModelError;

/// File name of the news head inside the model directory.
pub const NEWS_HEAD_FILE: &str = "news_head.json";

/// The four labels, in the order of the head's outputs.
pub const NEWS_LABELS: [&str; 4] = ["fact", "speculation", "opinion", "none"];

/// Weights of the news head; inputs are standardised with `mean` and `scale` first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NewsHead {
    /// Width of the encoder's sentence embedding.
    pub hidden: usize,
    /// Names of the lexical features, in order (the label stage checks it knows them all).
    pub rule_features: Vec<String>,
    /// Per-input mean subtracted before the weights apply: embedding, head logits, rules.
    pub mean: Vec<f64>,
    /// Per-input scale divided by after the mean is subtracted.
    pub scale: Vec<f64>,
    /// One row of weights per label over the standardised inputs.
    pub weights: Vec<Vec<f64>>,
    /// One bias per label.
    pub bias: Vec<f64>,
    /// How it was trained: data, regularisation, scores (written by `train-news`).
    #[serde(default)]
    pub training: serde_json::Value,
}

/// Number of task-head logits the news head reads.
pub const HEAD_INPUTS: usize = 3;

impl NewsHead {
    /// Reads `dir/news_head.json`; `Ok(None)` when the file does not exist.
    pub fn load(dir: &Path) -> Result<Option<Self>, ModelError> {
        let path = dir.join(NEWS_HEAD_FILE);
        let Some(head) = super::read_optional_json::<NewsHead>(&path)? else {
            return Ok(None);
        };
        let inputs = head.inputs();
        let consistent = head.weights.len() == NEWS_LABELS.len()
            && head.bias.len() == NEWS_LABELS.len()
            && head.weights.iter().all(|w| w.len() == inputs)
            && head.mean.len() == inputs
            && head.scale.len() == inputs
            && head.scale.iter().all(|s| *s > 0.0);
        if !consistent {
            return Err(ModelError::Invalid {
                path,
                reason: format!(
                    "weights do not match {} labels over {inputs} inputs; rebuild it with \
                     `claimscan train-news`",
                    NEWS_LABELS.len()
                ),
            });
        }
        Ok(Some(head))
    }

    /// Writes the head as `dir/news_head.json`.
    pub fn save(&self, dir: &Path) -> Result<(), ModelError> {
        let path = dir.join(NEWS_HEAD_FILE);
        let text =
            serde_json::to_string_pretty(self).map_err(|e| ModelError::Runtime(e.to_string()))?;
        std::fs::write(&path, text + "\n")
            .map_err(|e| ModelError::Runtime(format!("cannot write {}: {e}", path.display())))
    }

    /// A short identifier of these weights (SHA-256 of their JSON), so that run.json and
    /// `--resume` can tell one head from another.
    pub fn id(&self) -> String {
        let json = serde_json::to_string(&(&self.weights, &self.bias, &self.mean, &self.scale))
            .unwrap_or_default();
        super::short_id("news", &json)
    }

    /// Inputs per sentence: embedding, head logits, lexical features.
    pub fn inputs(&self) -> usize {
        self.hidden + HEAD_INPUTS + self.rule_features.len()
    }

    /// The logits' share of the inputs at `offset..offset + values.len()`.
    fn partial_logits(&self, offset: usize, values: &[f64]) -> [f64; 4] {
        let mut out = [0.0; 4];
        for (label, row) in out.iter_mut().zip(&self.weights) {
            *label = values
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    let i = offset + k;
                    row[i] * (v - self.mean[i]) / self.scale[i]
                })
                .sum();
        }
        out
    }

    /// The encoder's part of the logits (bias included): from the sentence embedding and the
    /// three task heads' raw logits `[opinion, speculation, checkworthy]`.
    pub fn encoder_logits(&self, embedding: &[f64], head_logits: [f64; HEAD_INPUTS]) -> [f64; 4] {
        let from_embedding = self.partial_logits(0, embedding);
        let from_heads = self.partial_logits(self.hidden, &head_logits);
        std::array::from_fn(|k| self.bias[k] + from_embedding[k] + from_heads[k])
    }

    /// All four logits from a full input row (embedding, head logits, lexical features), as
    /// `claimscan train-news` builds it.
    pub fn logits(&self, inputs: &[f64]) -> [f64; 4] {
        let partial = self.partial_logits(0, inputs);
        std::array::from_fn(|k| self.bias[k] + partial[k])
    }

    /// The label stage's part of the logits, from the lexical features (in
    /// [`NewsHead::rule_features`] order).
    pub fn rule_logits(&self, features: &[f64]) -> [f64; 4] {
        self.partial_logits(self.hidden + HEAD_INPUTS, features)
    }
}

/// Softmax of four logits.
pub fn softmax(logits: [f64; 4]) -> [f64; 4] {
    let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let exp = logits.map(|z| (z - max).exp());
    let total: f64 = exp.iter().sum();
    exp.map(|e| e / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> NewsHead {
        NewsHead {
            hidden: 2,
            rule_features: vec!["question".into()],
            mean: vec![0.0, 1.0, 0.0, 0.0, 0.0, 0.5],
            scale: vec![1.0, 2.0, 1.0, 1.0, 1.0, 0.5],
            weights: vec![
                vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                vec![0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
                vec![0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
                vec![0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            ],
            bias: vec![0.0, 0.0, 0.0, -1.0],
            training: serde_json::Value::Null,
        }
    }

    #[test]
    fn encoder_and_rule_parts_add_up_to_the_linear_model() {
        let h = head();
        let enc = h.encoder_logits(&[2.0, 3.0], [0.5, 0.0, 4.0]);
        assert_eq!(enc, [2.0, 1.0, 0.5, 3.0]);
        assert_eq!(h.rule_logits(&[1.0]), [0.0, 1.0, 0.0, 0.0]);
        let whole = h.logits(&[2.0, 3.0, 0.5, 0.0, 4.0, 1.0]);
        assert_eq!(
            whole,
            std::array::from_fn(|k| enc[k] + [0.0, 1.0, 0.0, 0.0][k])
        );
        let p = softmax([enc[0], enc[1] + 1.0, enc[2], enc[3]]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_head_that_does_not_fit_its_inputs_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = head();
        h.weights[2].pop();
        h.save(dir.path()).unwrap();
        let err = NewsHead::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("train-news"), "{err}");
        assert!(NewsHead::load(&dir.path().join("none")).unwrap().is_none());
    }
}
