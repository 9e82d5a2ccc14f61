//! `claimscan train heads`: fits the sentence heads on the labelled data in ../shared/data.
//!
//! The encoder stays frozen: every training sentence is embedded once (cached on disk, keyed
//! by the encoder and the texts), then three logistic heads are fitted jointly with Adam.
//! Each head is calibrated on a held-out slice of its training file (decision offset chosen
//! for F1, temperature for log-loss) and scored on dev data it never saw.

use std::path::{Path, PathBuf};

use serde_json::json;
use sha2::{Digest, Sha256};
use tch::{nn::OptimizerConfig, Tensor};

use crate::datasets::{self, Example, Split};
use crate::model::heads::{to_vec, Calibration, SentenceHeads};
use crate::model::{self, encoder::Encoder, ModelError, ENCODER_DIR};

/// What `claimscan train heads` needs.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// ../shared/data
    pub data_dir: PathBuf,
    /// Where the encoder is read and the heads are written.
    pub models_dir: PathBuf,
    /// Embedding cache (safe to delete).
    pub cache_dir: PathBuf,
    /// How many Pang & Lee movie sentences of each class to add to the opinion training data.
    pub pang_lee_per_class: usize,
    /// Optimisation steps (full batch).
    pub steps: usize,
}

/// The three tasks and their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Opinion vs not (CheckThat! subjectivity).
    Opinion,
    /// Speculation vs not (CoNLL-2010 Wikipedia weasel).
    Speculation,
    /// Check-worthy vs not (CheckThat! 2024 / ClaimBuster).
    Checkworthy,
}

impl Task {
    /// Name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Task::Opinion => "opinion",
            Task::Speculation => "speculation",
            Task::Checkworthy => "checkworthy",
        }
    }
}

/// Training data of all tasks, as (task, split, example).
pub struct TrainingData {
    /// Every example with its task and split.
    pub rows: Vec<(Task, Split, Example)>,
}

/// Loads the training, calibration and dev data of the three tasks from `data_dir`.
pub fn load_training_data(data_dir: &Path, pang_lee_per_class: usize) -> Result<TrainingData, String> {
    let mut rows = Vec::new();
    let subj = data_dir.join("subjectivity");
    for (i, ex) in datasets::read_subjectivity(&subj.join("train_en.tsv"))?.into_iter().enumerate() {
        rows.push((Task::Opinion, datasets::calibration_split(i), ex));
    }
    if pang_lee_per_class > 0 {
        let pl = subj.join("pang-lee");
        for (file, positive) in [("subj.subjective", true), ("subj.objective", false)] {
            let examples = datasets::read_pang_lee(&pl.join(file), positive)?;
            rows.extend(examples.into_iter().take(pang_lee_per_class).map(|ex| (Task::Opinion, Split::Train, ex)));
        }
    }
    for ex in datasets::read_subjectivity(&subj.join("dev_en.tsv"))? {
        rows.push((Task::Opinion, Split::Dev, ex));
    }
    let weasel = data_dir.join("uncertainty/wiki_weasel_train.csv");
    for (i, ex) in datasets::read_weasel(&weasel)?.into_iter().enumerate() {
        rows.push((Task::Speculation, datasets::weasel_split(i), ex));
    }
    let cw = data_dir.join("checkworthiness");
    for (i, ex) in datasets::read_checkworthy(&cw.join("CT24_checkworthy_english_train.tsv"))?.into_iter().enumerate() {
        rows.push((Task::Checkworthy, datasets::calibration_split(i), ex));
    }
    for ex in datasets::read_checkworthy(&cw.join("CT24_checkworthy_english_dev.tsv"))? {
        rows.push((Task::Checkworthy, Split::Dev, ex));
    }
    Ok(TrainingData { rows })
}

/// Embeds `texts`, reusing a cached result for the same encoder and texts.
pub fn embed_cached(encoder: &Encoder, texts: &[&str], cache_dir: &Path, show: bool) -> Result<Tensor, ModelError> {
    let mut hasher = Sha256::new();
    hasher.update(encoder.id.as_bytes());
    for t in texts {
        hasher.update(t.as_bytes());
        hasher.update([0u8]);
    }
    let key: String = hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect();
    let path = cache_dir.join(format!("embeddings-{key}.pt"));
    if let Ok(t) = Tensor::load(&path) {
        return Ok(t);
    }
    let started = std::time::Instant::now();
    let mut done = 0usize;
    let (embedded, _) = model::embed_all(encoder, texts, model::BATCH_SIZE, |n| {
        done += n;
        if show && (done % 2048 < n) {
            eprintln!("train: embedded {done}/{} sentences ({:.0}/s)", texts.len(), done as f64 / started.elapsed().as_secs_f64());
        }
    })?;
    std::fs::create_dir_all(cache_dir).map_err(|e| ModelError::Runtime(format!("{}: {e}", cache_dir.display())))?;
    embedded.save(&path)?;
    Ok(embedded)
}

/// Picks the logit threshold that maximises F1 (or macro-F1) on calibration data.
fn best_offset(logits: &[f64], gold: &[bool], macro_average: bool) -> f64 {
    let mut candidates: Vec<f64> = logits.to_vec();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let mut best = (f64::MIN, 0.0);
    for &c in candidates.iter().step_by((candidates.len() / 400).max(1)) {
        let pred: Vec<bool> = logits.iter().map(|&z| z >= c).collect();
        let score = if macro_average { datasets::macro_f1(gold, &pred) } else { datasets::class_scores(gold, &pred, true).f1 };
        if score > best.0 {
            best = (score, c);
        }
    }
    best.1
}

/// Picks the temperature that minimises log-loss around a fixed offset.
fn best_temperature(logits: &[f64], gold: &[bool], offset: f64) -> f64 {
    let nll = |t: f64| -> f64 {
        let c = Calibration { offset, temperature: t };
        logits
            .iter()
            .zip(gold)
            .map(|(&z, &g)| {
                let p = c.probability(z).clamp(1e-7, 1.0 - 1e-7);
                if g { -p.ln() } else { -(1.0 - p).ln() }
            })
            .sum()
    };
    (1..=80).map(|i| 0.1 * i as f64).min_by(|a, b| nll(*a).total_cmp(&nll(*b))).unwrap_or(1.0)
}

/// Trains, calibrates, scores and saves the heads. Returns the training report.
pub fn train_heads(opts: &TrainOptions) -> anyhow::Result<serde_json::Value> {
    let data = load_training_data(&opts.data_dir, opts.pang_lee_per_class).map_err(anyhow::Error::msg)?;
    let encoder = Encoder::load(&opts.models_dir.join(ENCODER_DIR))?;
    let texts: Vec<&str> = data.rows.iter().map(|(_, _, ex)| ex.text.as_str()).collect();
    eprintln!("train: {} labelled sentences", texts.len());
    let embeddings = embed_cached(&encoder, &texts, &opts.cache_dir, true)?;

    let heads = SentenceHeads::new(&encoder.id, encoder.hidden_size(), tch::Device::Cpu);
    let select = |task: Task, split: Split| -> (Tensor, Vec<bool>) {
        let idx: Vec<i64> =
            data.rows.iter().enumerate().filter(|(_, r)| r.0 == task && r.1 == split).map(|(i, _)| i as i64).collect();
        let gold = idx.iter().map(|&i| data.rows[i as usize].2.positive).collect();
        (embeddings.index_select(0, &Tensor::from_slice(&idx)), gold)
    };
    let tasks = [Task::Opinion, Task::Speculation, Task::Checkworthy];
    let train_sets: Vec<(Tensor, Tensor)> = tasks
        .iter()
        .map(|&t| {
            let (x, gold) = select(t, Split::Train);
            let y = Tensor::from_slice(&gold.iter().map(|&g| f32::from(u8::from(g))).collect::<Vec<_>>());
            (x, y)
        })
        .collect();

    let mut optimizer = tch::nn::AdamW::default().wd(1e-2).build(heads.vars(), 1e-2)?;
    for step in 0..opts.steps {
        let logits = heads.logits(&train_sets[0].0);
        let mut loss = logits.opinion.binary_cross_entropy_with_logits::<Tensor>(&train_sets[0].1, None, None, tch::Reduction::Mean);
        let logits = heads.logits(&train_sets[1].0);
        loss += logits.speculation.binary_cross_entropy_with_logits::<Tensor>(&train_sets[1].1, None, None, tch::Reduction::Mean);
        let logits = heads.logits(&train_sets[2].0);
        loss += logits.checkworthy.binary_cross_entropy_with_logits::<Tensor>(&train_sets[2].1, None, None, tch::Reduction::Mean);
        optimizer.backward_step(&loss);
        if step % 100 == 0 {
            eprintln!("train: step {step} loss {:.4}", loss.double_value(&[]));
        }
    }

    let mut heads = heads;
    let mut report = serde_json::Map::new();
    for &task in &tasks {
        let head_logits = |x: &Tensor| -> Result<Vec<f64>, ModelError> {
            let _g = tch::no_grad_guard();
            let l = heads.logits(x);
            to_vec(match task {
                Task::Opinion => &l.opinion,
                Task::Speculation => &l.speculation,
                Task::Checkworthy => &l.checkworthy,
            })
        };
        let macro_average = task == Task::Opinion;
        let (cal_x, cal_gold) = select(task, Split::Calibration);
        let cal_logits = head_logits(&cal_x)?;
        let offset = best_offset(&cal_logits, &cal_gold, macro_average);
        let temperature = best_temperature(&cal_logits, &cal_gold, offset);
        let calibration = Calibration { offset, temperature };
        let (dev_x, dev_gold) = select(task, Split::Dev);
        let dev_pred: Vec<bool> = head_logits(&dev_x)?.iter().map(|&z| calibration.probability(z) >= 0.5).collect();
        let positive = datasets::class_scores(&dev_gold, &dev_pred, true);
        let macro_f1 = datasets::macro_f1(&dev_gold, &dev_pred);
        eprintln!(
            "train: {:<11} dev n={} F1(pos)={:.4} macro-F1={:.4} (offset {offset:.3}, T {temperature:.2})",
            task.name(),
            dev_gold.len(),
            positive.f1,
            macro_f1
        );
        report.insert(
            task.name().into(),
            json!({"train": select(task, Split::Train).1.len(), "calibration": cal_gold.len(), "dev": dev_gold.len(),
                   "dev_f1_positive": positive.f1, "dev_macro_f1": macro_f1}),
        );
        match task {
            Task::Opinion => heads.meta.opinion = calibration,
            Task::Speculation => heads.meta.speculation = calibration,
            Task::Checkworthy => heads.meta.checkworthy = calibration,
        }
    }
    report.insert("pang_lee_per_class".into(), json!(opts.pang_lee_per_class));
    report.insert("steps".into(), json!(opts.steps));
    let report = serde_json::Value::Object(report);
    heads.meta.training = report.clone();
    heads.save(&opts.models_dir)?;
    Ok(report)
}
