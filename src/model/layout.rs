//! The layout head: a small multinomial logistic regression that reads the four label
//! probabilities a row ends up with (after the document stage) together with where and how
//! the row sits on its page (its block, whether it opens the document, its length, its final
//! punctuation, its capitals), and gives the row its final four probabilities.
//!
//! The label models read sentences; scraped pages are also made of fragments a splitter cut,
//! subheadings, list rows and promotional copy, which they read as claims. The head was fitted
//! by `scripts/layout_stacker.py` on rows whose probabilities come from models never trained
//! on them (the team's selection slices and two web slices), one head per label mode, and
//! shipped by a rule fixed before the slice that decided it was labelled (models/README.md).
//!
//! The weights are a small JSON file beside the model (`layout_head.json`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ModelError;
use crate::document::Block;

/// The blocks, in the order of the head's block indicators.
const BLOCKS: [Block; 4] = [
    Block::Body,
    Block::Heading,
    Block::ListItem,
    Block::Boilerplate,
];

/// File name of the layout heads inside the model directory.
pub const LAYOUT_HEAD_FILE: &str = "layout_head.json";

/// The inputs, in order, as `scripts/layout_stacker.py` names them.
pub const LAYOUT_FEATURES: [&str; 12] = [
    "log_p_fact",
    "log_p_speculation",
    "log_p_opinion",
    "log_p_none",
    "block_body",
    "block_heading",
    "block_list_item",
    "block_boilerplate",
    "first_row",
    "log_words",
    "sentence_end",
    "capitalised_share",
];

/// One head: inputs are standardised with `mean` and `scale`, then one row of `weights` and
/// one `bias` per label (fact, speculation, opinion, none).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LayoutHead {
    /// Input names, in order (checked against [`LAYOUT_FEATURES`]).
    pub features: Vec<String>,
    /// Per-input mean.
    pub mean: Vec<f64>,
    /// Per-input scale.
    pub scale: Vec<f64>,
    /// One row of weights per label.
    pub weights: Vec<Vec<f64>>,
    /// One bias per label.
    pub bias: Vec<f64>,
    /// The blocks whose rows it reads (`heading`, `list_item`, …); every row when empty.
    #[serde(default)]
    pub blocks: Vec<String>,
}

/// The heads of `layout_head.json`: one for each label mode, whose probabilities differ; a
/// mode without one keeps the labels the document stage gave.
#[derive(Debug, Clone, Deserialize)]
pub struct LayoutHeads {
    /// For the fast labels (the news head alone).
    #[serde(default)]
    pub fast: Option<LayoutHead>,
    /// For `--labels accurate` (the news head averaged with the cased labeller).
    #[serde(default)]
    pub accurate: Option<LayoutHead>,
    /// How they were fitted (data, rows, regularisation).
    #[serde(default)]
    pub training: serde_json::Value,
}

impl LayoutHeads {
    /// Reads `dir/layout_head.json`; `Ok(None)` when the file does not exist.
    pub fn load(dir: &Path) -> Result<Option<Self>, ModelError> {
        let path = dir.join(LAYOUT_HEAD_FILE);
        let Some(heads) = super::read_optional_json::<LayoutHeads>(&path)? else {
            return Ok(None);
        };
        for head in [&heads.fast, &heads.accurate].into_iter().flatten() {
            let n = LAYOUT_FEATURES.len();
            let consistent = head.features.iter().map(String::as_str).eq(LAYOUT_FEATURES)
                && head.mean.len() == n
                && head.scale.len() == n
                && head.scale.iter().all(|s| *s > 0.0)
                && head.weights.len() == 4
                && head.weights.iter().all(|w| w.len() == n)
                && head.bias.len() == 4
                && head
                    .blocks
                    .iter()
                    .all(|b| BLOCKS.iter().any(|known| known.as_str() == b));
            if !consistent {
                return Err(ModelError::Invalid {
                    path,
                    reason: format!(
                        "each head needs the inputs {LAYOUT_FEATURES:?}, four labels and blocks \
                         among {:?}; rebuild it with scripts/layout_stacker.py",
                        BLOCKS.map(Block::as_str)
                    ),
                });
            }
        }
        Ok(Some(heads))
    }

    /// A short identifier of these weights, for run.json and `--resume`.
    pub fn id(&self) -> String {
        let json = serde_json::to_string(&(&self.fast, &self.accurate)).unwrap_or_default();
        super::short_id("layout", &json)
    }
}

/// Where and how a row sits on its page: the inputs of the head besides the probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowLayout {
    /// The segmenter's block.
    pub block: Block,
    /// Whether the row is its document's first.
    pub first_row: bool,
    /// Words (whitespace-separated).
    pub words: usize,
    /// Whether it ends with `.`, `!`, `?` or `…` (closing quotes and brackets aside).
    pub sentence_end: bool,
    /// Share of its words that start with a capital.
    pub capitalised_share: f64,
}

impl RowLayout {
    /// The layout of `text`, in block `block`, first in its document or not.
    pub fn of(text: &str, block: Block, first_row: bool) -> Self {
        let words: Vec<&str> = text.split_whitespace().collect();
        let capitalised = words
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        let closers =
            |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | ']');
        let last = text.trim_end_matches(closers).chars().next_back();
        RowLayout {
            block,
            first_row,
            words: words.len(),
            sentence_end: matches!(last, Some('.' | '!' | '?' | '…')),
            capitalised_share: capitalised as f64 / words.len().max(1) as f64,
        }
    }
}

impl LayoutHead {
    /// Whether the head reads rows of `block`.
    pub fn reads(&self, block: Block) -> bool {
        self.blocks.is_empty() || self.blocks.iter().any(|b| b == block.as_str())
    }

    /// The row's final probabilities of fact, speculation, opinion and none, from those it
    /// had (`p`, summing to 1) and its layout.
    pub fn probabilities(&self, p: [f64; 4], layout: &RowLayout) -> [f64; 4] {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let in_block = |k: usize| flag(layout.block == BLOCKS[k]);
        let inputs = [
            p[0].max(1e-6).ln(),
            p[1].max(1e-6).ln(),
            p[2].max(1e-6).ln(),
            p[3].max(1e-6).ln(),
            in_block(0),
            in_block(1),
            in_block(2),
            in_block(3),
            flag(layout.first_row),
            (1.0 + layout.words as f64).ln(),
            flag(layout.sentence_end),
            layout.capitalised_share,
        ];
        let standardised: Vec<f64> = inputs
            .iter()
            .zip(self.mean.iter().zip(&self.scale))
            .map(|(x, (m, s))| (x - m) / s)
            .collect();
        let logits: [f64; 4] = std::array::from_fn(|k| {
            self.bias[k]
                + self.weights[k]
                    .iter()
                    .zip(&standardised)
                    .map(|(w, x)| w * x)
                    .sum::<f64>()
        });
        let top = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exp = logits.map(|l| (l - top).exp());
        let total: f64 = exp.iter().sum();
        exp.map(|e| e / total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> LayoutHead {
        LayoutHead {
            features: LAYOUT_FEATURES.iter().map(|s| s.to_string()).collect(),
            mean: vec![0.0; 12],
            scale: vec![1.0; 12],
            weights: vec![vec![0.0; 12]; 4],
            bias: vec![0.0; 4],
            blocks: Vec::new(),
        }
    }

    #[test]
    fn an_identity_head_keeps_the_probabilities() {
        // Weight 1 on each label's own log-probability: the softmax gives p back.
        let mut h = head();
        for k in 0..4 {
            h.weights[k][k] = 1.0;
        }
        let p = [0.5, 0.2, 0.2, 0.1];
        let layout = RowLayout::of("Prices rose 4% last year.", Block::Body, false);
        let got = h.probabilities(p, &layout);
        for k in 0..4 {
            assert!((got[k] - p[k]).abs() < 1e-9, "{got:?}");
        }
    }

    #[test]
    fn a_head_with_blocks_reads_only_their_rows() {
        let mut h = head();
        assert!(h.reads(Block::Body) && h.reads(Block::Heading));
        h.blocks = vec!["heading".into(), "list_item".into()];
        assert!(h.reads(Block::Heading) && !h.reads(Block::Body));
    }

    #[test]
    fn the_layout_of_a_row_reads_its_words_end_and_capitals() {
        let l = RowLayout::of("Range and Charging", Block::Heading, false);
        assert_eq!((l.words, l.sentence_end), (3, false));
        assert!((l.capitalised_share - 2.0 / 3.0).abs() < 1e-9);
        let l = RowLayout::of("\"We will appeal,\" she said.\u{201d}", Block::Body, true);
        assert!(l.sentence_end && l.first_row);
    }

    #[test]
    fn a_head_with_other_inputs_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = serde_json::json!({"features": ["x"], "mean": [0.0], "scale": [1.0],
            "weights": [[0.0], [0.0], [0.0], [0.0]], "bias": [0.0, 0.0, 0.0, 0.0]});
        let doc = serde_json::json!({"fast": h.clone(), "accurate": h.take()});
        std::fs::write(dir.path().join(LAYOUT_HEAD_FILE), doc.to_string()).unwrap();
        let err = LayoutHeads::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(LAYOUT_HEAD_FILE) && err.contains("layout_stacker.py"),
            "{err}"
        );
        assert!(LayoutHeads::load(&dir.path().join("none"))
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_head_naming_an_unknown_block_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let h = head();
        let mut fast = serde_json::json!({"features": h.features, "mean": h.mean,
            "scale": h.scale, "weights": h.weights, "bias": h.bias});
        fast["blocks"] = serde_json::json!(["headings"]);
        let doc = serde_json::json!({ "fast": fast });
        std::fs::write(dir.path().join(LAYOUT_HEAD_FILE), doc.to_string()).unwrap();
        let err = LayoutHeads::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("list_item"), "{err}");
        fast["blocks"] = serde_json::json!(["heading", "list_item"]);
        let doc = serde_json::json!({ "fast": fast });
        std::fs::write(dir.path().join(LAYOUT_HEAD_FILE), doc.to_string()).unwrap();
        assert!(LayoutHeads::load(dir.path()).unwrap().is_some());
    }
}
