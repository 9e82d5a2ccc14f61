//! Sentence heads: three small classifiers over the shared sentence embedding.
//!
//! Each head gives one logit: opinion vs not, speculation vs not, check-worthy vs not. A
//! calibration per head (offset and temperature, fitted on held-out training data) turns the
//! logit into a probability whose decision point is 0.5. The three-way label distribution is
//! built from the two label heads so that it always sums to 1:
//! `p_opinion = o`, `p_speculation = (1 - o) * s`, `p_fact = (1 - o) * (1 - s)`.

use serde::{Deserialize, Serialize};
use tch::{nn, nn::Module, Device, Kind, Tensor};

use super::ModelError;

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
        Calibration {
            offset: 0.0,
            temperature: 1.0,
        }
    }
}

impl Calibration {
    /// Calibrated probability of one logit.
    pub fn probability(&self, logit: f64) -> f64 {
        1.0 / (1.0 + (-(logit - self.offset) / self.temperature).exp())
    }
}

/// Calibration of the three sentence heads (stored in the model's meta file).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct HeadCalibration {
    /// Calibration of the opinion head.
    pub opinion: Calibration,
    /// Calibration of the speculation head.
    pub speculation: Calibration,
    /// Calibration of the check-worthiness head.
    pub checkworthy: Calibration,
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

/// The three linear heads over the mean-pooled sentence embedding.
pub struct SentenceHeads {
    opinion: nn::Linear,
    speculation: nn::Linear,
    checkworthy: nn::Linear,
}

impl SentenceHeads {
    /// Creates the heads' variables under `path`.
    pub fn new(path: nn::Path, hidden_size: i64) -> Self {
        let cfg = nn::LinearConfig::default();
        SentenceHeads {
            opinion: nn::linear(&path / "opinion", hidden_size, 1, cfg),
            speculation: nn::linear(&path / "speculation", hidden_size, 1, cfg),
            checkworthy: nn::linear(&path / "checkworthy", hidden_size, 1, cfg),
        }
    }

    /// Raw logits for a batch of embeddings `[batch, hidden]`.
    pub fn logits(&self, embeddings: &Tensor) -> HeadLogits {
        HeadLogits {
            opinion: self.opinion.forward(embeddings).squeeze_dim(-1),
            speculation: self.speculation.forward(embeddings).squeeze_dim(-1),
            checkworthy: self.checkworthy.forward(embeddings).squeeze_dim(-1),
        }
    }

    /// Like [`SentenceHeads::logits`], computed so that a row's logits do not depend on the
    /// other rows of the batch (see `linear_per_item` in the model module): for inference.
    pub fn logits_per_item(&self, embeddings: &Tensor) -> HeadLogits {
        let rows = embeddings.unsqueeze(1);
        let head = |linear: &nn::Linear| super::linear_per_item(&rows, linear).view([-1]);
        HeadLogits {
            opinion: head(&self.opinion),
            speculation: head(&self.speculation),
            checkworthy: head(&self.checkworthy),
        }
    }

    /// Calibrated probability of each head on its own task: `[opinion, speculation,
    /// checkworthy]`, one value per embedding row.
    pub fn task_probabilities(
        &self,
        embeddings: &Tensor,
        cal: &HeadCalibration,
    ) -> Result<[Vec<f64>; 3], ModelError> {
        Ok(calibrated(&self.logits_per_item(embeddings).rows()?, cal))
    }
}

impl HeadLogits {
    /// The raw logits as `[opinion, speculation, checkworthy]`, one value per row.
    pub fn rows(&self) -> Result<[Vec<f64>; 3], ModelError> {
        Ok([
            to_vec(&self.opinion)?,
            to_vec(&self.speculation)?,
            to_vec(&self.checkworthy)?,
        ])
    }
}

/// Each head's raw logits (`[opinion, speculation, checkworthy]`) as calibrated
/// probabilities.
pub fn calibrated(logits: &[Vec<f64>; 3], cal: &HeadCalibration) -> [Vec<f64>; 3] {
    let calibrate = |z: &Vec<f64>, c: Calibration| z.iter().map(|&z| c.probability(z)).collect();
    [
        calibrate(&logits[0], cal.opinion),
        calibrate(&logits[1], cal.speculation),
        calibrate(&logits[2], cal.checkworthy),
    ]
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

/// Copies a 1-D tensor to a `Vec<f64>`.
pub fn to_vec(t: &Tensor) -> Result<Vec<f64>, ModelError> {
    Ok(Vec::<f64>::try_from(
        t.to_kind(Kind::Double).to_device(Device::Cpu).contiguous(),
    )?)
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
        let c = Calibration {
            offset: -0.7,
            temperature: 2.0,
        };
        assert!((c.probability(-0.7) - 0.5).abs() < 1e-12);
        assert!(c.probability(0.0) > 0.5);
    }
}
