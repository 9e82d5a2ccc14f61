//! Sentence heads: three small classifiers over the shared sentence embedding.
//!
//! Each head gives one logit: opinion vs not, speculation vs not, check-worthy vs not. A
//! calibration per head (offset and temperature, fitted on held-out training data) turns the
//! logit into a probability whose decision point is 0.5. The three-way label distribution is
//! built from the two label heads so that it always sums to 1:
//! `p_opinion = o`, `p_speculation = (1 - o) * s`, `p_fact = (1 - o) * (1 - s)`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::{nn, nn::Module, Device, Kind, Tensor};

use super::{require_file, ModelError, HEADS_DIR};

/// File names inside the heads directory.
pub const WEIGHTS_FILE: &str = "heads.safetensors";
/// Metadata and calibration file inside the heads directory.
pub const META_FILE: &str = "heads.json";

/// Maps a raw logit `z` to a probability `sigmoid((z - offset) / temperature)`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    /// Logit at which the head decides "yes" (tuned for F1 on the calibration split).
    pub offset: f64,
    /// Temperature fitted by log-loss on the calibration split.
    pub temperature: f64,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration { offset: 0.0, temperature: 1.0 }
    }
}

impl Calibration {
    /// Calibrated probability of one logit.
    pub fn probability(&self, logit: f64) -> f64 {
        1.0 / (1.0 + (-(logit - self.offset) / self.temperature).exp())
    }
}

/// heads.json: what the heads were trained on and how they are calibrated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeadsMeta {
    /// Identifier of the encoder the heads were trained on (must match at load time).
    pub encoder: String,
    /// Embedding width.
    pub hidden_size: i64,
    /// Calibration of the opinion head.
    pub opinion: Calibration,
    /// Calibration of the speculation head.
    pub speculation: Calibration,
    /// Calibration of the check-worthiness head.
    pub checkworthy: Calibration,
    /// Free-form training record: data, sizes, scores (written by `claimscan train`).
    #[serde(default)]
    pub training: serde_json::Value,
}

/// Probabilities for one sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentenceScores {
    /// Probability the main assertion is a checkable fact.
    pub p_fact: f64,
    /// Probability it is uncertain, predicted or hypothetical.
    pub p_speculation: f64,
    /// Probability it is the writer's evaluation.
    pub p_opinion: f64,
    /// How worth checking the claim is, 0..1.
    pub checkworthy: f64,
}

/// Raw logits of the three heads for a batch, each `[batch]`.
pub struct HeadLogits {
    /// Opinion logits.
    pub opinion: Tensor,
    /// Speculation logits.
    pub speculation: Tensor,
    /// Check-worthiness logits.
    pub checkworthy: Tensor,
}

/// The three linear heads and their calibration.
pub struct SentenceHeads {
    vars: nn::VarStore,
    opinion: nn::Linear,
    speculation: nn::Linear,
    checkworthy: nn::Linear,
    /// Calibration and provenance.
    pub meta: HeadsMeta,
}

impl SentenceHeads {
    /// Fresh, untrained heads for an encoder of width `hidden_size`.
    pub fn new(encoder: &str, hidden_size: i64, device: Device) -> Self {
        let vars = nn::VarStore::new(device);
        let root = vars.root();
        let cfg = nn::LinearConfig::default();
        let opinion = nn::linear(&root / "opinion", hidden_size, 1, cfg);
        let speculation = nn::linear(&root / "speculation", hidden_size, 1, cfg);
        let checkworthy = nn::linear(&root / "checkworthy", hidden_size, 1, cfg);
        let meta = HeadsMeta {
            encoder: encoder.to_string(),
            hidden_size,
            opinion: Calibration::default(),
            speculation: Calibration::default(),
            checkworthy: Calibration::default(),
            training: serde_json::Value::Null,
        };
        SentenceHeads { vars, opinion, speculation, checkworthy, meta }
    }

    /// Loads trained heads from `models_dir/sentence-heads/`.
    pub fn load(models_dir: &Path) -> Result<Self, ModelError> {
        let dir = models_dir.join(HEADS_DIR);
        let meta_path = dir.join(META_FILE);
        let weights_path = dir.join(WEIGHTS_FILE);
        require_file(&meta_path)?;
        require_file(&weights_path)?;
        let meta_text = std::fs::read_to_string(&meta_path)
            .map_err(|e| ModelError::Missing { path: meta_path.clone(), reason: e.to_string() })?;
        let meta: HeadsMeta = serde_json::from_str(&meta_text)
            .map_err(|e| ModelError::Invalid { path: meta_path.clone(), reason: e.to_string() })?;
        let mut heads = SentenceHeads::new(&meta.encoder, meta.hidden_size, Device::Cpu);
        heads
            .vars
            .load(&weights_path)
            .map_err(|e| ModelError::Invalid { path: weights_path.clone(), reason: e.to_string() })?;
        heads.vars.freeze();
        heads.meta = meta;
        Ok(heads)
    }

    /// Writes weights and metadata into `models_dir/sentence-heads/`.
    pub fn save(&self, models_dir: &Path) -> Result<(), ModelError> {
        let dir = models_dir.join(HEADS_DIR);
        std::fs::create_dir_all(&dir)
            .map_err(|e| ModelError::Runtime(format!("cannot create {}: {e}", dir.display())))?;
        self.vars.save(dir.join(WEIGHTS_FILE))?;
        let meta = serde_json::to_string_pretty(&self.meta)
            .map_err(|e| ModelError::Runtime(e.to_string()))?;
        std::fs::write(dir.join(META_FILE), meta + "\n")
            .map_err(|e| ModelError::Runtime(format!("cannot write heads.json: {e}")))?;
        Ok(())
    }

    /// The trainable variables.
    pub fn vars(&self) -> &nn::VarStore {
        &self.vars
    }

    /// Raw logits for a batch of embeddings `[batch, hidden]`.
    pub fn logits(&self, embeddings: &Tensor) -> HeadLogits {
        HeadLogits {
            opinion: self.opinion.forward(embeddings).squeeze_dim(-1),
            speculation: self.speculation.forward(embeddings).squeeze_dim(-1),
            checkworthy: self.checkworthy.forward(embeddings).squeeze_dim(-1),
        }
    }

    /// Calibrated scores for a batch of embeddings.
    pub fn scores(&self, embeddings: &Tensor) -> Result<Vec<SentenceScores>, ModelError> {
        let logits = self.logits(embeddings);
        let opinion = to_vec(&logits.opinion)?;
        let speculation = to_vec(&logits.speculation)?;
        let checkworthy = to_vec(&logits.checkworthy)?;
        Ok(opinion
            .iter()
            .zip(&speculation)
            .zip(&checkworthy)
            .map(|((&o, &s), &c)| {
                combine(
                    self.meta.opinion.probability(o),
                    self.meta.speculation.probability(s),
                    self.meta.checkworthy.probability(c),
                )
            })
            .collect())
    }
}

/// Builds the three-way distribution from the two binary label probabilities.
pub fn combine(opinion: f64, speculation: f64, checkworthy: f64) -> SentenceScores {
    SentenceScores {
        p_fact: (1.0 - opinion) * (1.0 - speculation),
        p_speculation: (1.0 - opinion) * speculation,
        p_opinion: opinion,
        checkworthy,
    }
}

/// Copies a 1-D tensor to a Vec<f64>.
pub fn to_vec(t: &Tensor) -> Result<Vec<f64>, ModelError> {
    Ok(Vec::<f64>::try_from(t.to_kind(Kind::Double).to_device(Device::Cpu).contiguous())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_scores_sum_to_one() {
        for &(o, s) in &[(0.0, 0.0), (0.3, 0.9), (1.0, 0.5), (0.51, 0.49)] {
            let sc = combine(o, s, 0.2);
            assert!((sc.p_fact + sc.p_speculation + sc.p_opinion - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn calibration_decides_at_offset() {
        let c = Calibration { offset: -0.7, temperature: 2.0 };
        assert!((c.probability(-0.7) - 0.5).abs() < 1e-12);
        assert!(c.probability(0.0) > 0.5);
    }
}
