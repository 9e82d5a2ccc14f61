//! Calibration of the sentence heads: the decision offset (chosen for the task's F1) and the
//! temperature (fitted by log-loss) that turn a head's logit into a probability deciding at 0.5.
//!
//! `claimscan train` calibrates each head on a held-out slice of its training file.
//! `claimscan calibrate` refits one head on any labelled file (for the opinion head: the
//! CheckThat! dev file, whose label balance differs from the training file's) without touching
//! the weights, and reports a two-fold cross-fitted score so the figure is not measured on the
//! rows the threshold was chosen on.

use std::path::Path;

use serde::Serialize;

use crate::datasets::{self, Example};
use crate::model::heads::Calibration;
use crate::model::ClaimModel;
use crate::train::{head_logits, Task};

/// The offset that maximises the task's measure (macro-F1 for opinion, F1 of the positive
/// class otherwise) on `logits` against `gold`.
pub fn best_offset(logits: &[f64], gold: &[bool], macro_average: bool) -> f64 {
    let mut candidates: Vec<f64> = logits.to_vec();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let mut best = (f64::MIN, 0.0);
    for &c in candidates.iter().step_by((candidates.len() / 400).max(1)) {
        let pred: Vec<bool> = logits.iter().map(|&z| z >= c).collect();
        let score = if macro_average {
            datasets::macro_f1(gold, &pred)
        } else {
            datasets::class_scores(gold, &pred, true).f1
        };
        if score > best.0 {
            best = (score, c);
        }
    }
    best.1
}

/// The temperature in 0.1..=10 with the lowest log-loss at decision offset `offset`.
pub fn best_temperature(logits: &[f64], gold: &[bool], offset: f64) -> f64 {
    let nll = |t: f64| -> f64 {
        let c = Calibration {
            offset,
            temperature: t,
        };
        logits
            .iter()
            .zip(gold)
            .map(|(&z, &g)| {
                let p = c.probability(z).clamp(1e-7, 1.0 - 1e-7);
                if g {
                    -p.ln()
                } else {
                    -(1.0 - p).ln()
                }
            })
            .sum()
    };
    (1..=100)
        .map(|i| 0.1 * i as f64)
        .min_by(|a, b| nll(*a).total_cmp(&nll(*b)))
        .unwrap_or(1.0)
}

/// Fits offset and temperature of `task`'s head on `logits` against `gold`.
pub fn fit(task: Task, logits: &[f64], gold: &[bool]) -> Calibration {
    let offset = best_offset(logits, gold, task == Task::Opinion);
    Calibration {
        offset,
        temperature: best_temperature(logits, gold, offset),
    }
}

/// What `claimscan calibrate` did.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    /// Head recalibrated.
    pub task: &'static str,
    /// Rows it was fitted on.
    pub examples: usize,
    /// Calibration before.
    pub previous: Calibration,
    /// Calibration now in model.json.
    pub fitted: Calibration,
    /// The task's measure on the file with the previous calibration.
    pub score_before: f64,
    /// Two-fold cross-fitted measure: offset fitted on the odd rows scored on the even rows and
    /// the other way round, averaged. The honest estimate for a threshold fitted on this file.
    pub cross_fitted_score: f64,
    /// The measure on the file with the new calibration (in-sample for the threshold).
    pub in_sample_score: f64,
    /// Name of the measure.
    pub measure: &'static str,
}

fn measure(task: Task, cal: Calibration, logits: &[f64], gold: &[bool]) -> f64 {
    let pred: Vec<bool> = logits.iter().map(|&z| cal.probability(z) >= 0.5).collect();
    crate::eval::labels::score(task, gold, &pred).headline
}

/// Refits `task`'s calibration (for the precision `model` runs at) on `examples` and stores
/// it in the model's model.json under `models_dir`. The weights are not touched.
pub fn recalibrate(
    model: &mut ClaimModel,
    models_dir: &Path,
    task: Task,
    examples: &[Example],
) -> anyhow::Result<CalibrationReport> {
    if task == Task::Entities {
        anyhow::bail!("the entity head has no calibration");
    }
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let gold: Vec<bool> = examples.iter().map(|e| e.positive).collect();
    let logits = head_logits(model, task, &texts)?;
    let heads = model.calibration_mut();
    let slot = match task {
        Task::Opinion => &mut heads.opinion,
        Task::Speculation => &mut heads.speculation,
        _ => &mut heads.checkworthy,
    };
    let previous = *slot;
    let fold = |parity: usize| -> (Vec<f64>, Vec<bool>) {
        logits
            .iter()
            .zip(&gold)
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, (&z, &g))| (z, g))
            .unzip()
    };
    let (even, odd) = (fold(0), fold(1));
    let cross_fitted_score = (measure(task, fit(task, &odd.0, &odd.1), &even.0, &even.1)
        + measure(task, fit(task, &even.0, &even.1), &odd.0, &odd.1))
        / 2.0;
    let fitted = fit(task, &logits, &gold);
    *slot = fitted;
    model.save_meta(models_dir)?;
    Ok(CalibrationReport {
        task: task.name(),
        examples: examples.len(),
        previous,
        fitted,
        score_before: measure(task, previous, &logits, &gold),
        cross_fitted_score,
        in_sample_score: measure(task, fitted, &logits, &gold),
        measure: if task == Task::Opinion {
            "macro-F1"
        } else {
            "F1 (positive class)"
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_separates_classes_and_temperature_is_in_range() {
        let logits = [-3.0, -2.0, -1.5, 0.5, 1.0, 2.0];
        let gold = [false, false, false, true, true, true];
        let cal = fit(Task::Speculation, &logits, &gold);
        assert!(cal.offset > -1.5 && cal.offset <= 0.5, "{cal:?}");
        assert!((0.1..=10.0).contains(&cal.temperature));
        for (&z, &g) in logits.iter().zip(&gold) {
            assert_eq!(cal.probability(z) >= 0.5, g);
        }
    }
}
