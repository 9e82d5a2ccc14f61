//! `claimscan train`: fine-tunes the shared encoder and all heads on ../shared/data.
//!
//! Multi-task: each batch comes from one task (opinion, speculation, check-worthiness,
//! entities), batches of all tasks are shuffled together, and every step updates the encoder
//! with the loss of its batch. Afterwards each sentence head is calibrated on a held-out
//! slice of its training file (decision offset chosen for F1, temperature for log-loss) and
//! every task is scored on dev data it never saw. Deterministic for a given seed and thread
//! count.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;
use tch::{nn::OptimizerConfig, Device, Tensor};

use crate::calibrate;
use crate::datasets::{self, Example, Split};
use crate::model::encoder::Tokenized;
use crate::model::ner::{sentence_word_ids, tag_index};
use crate::model::{ClaimModel, ModelError};

/// What `claimscan train` needs.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// ../shared/data
    pub data_dir: PathBuf,
    /// Where the base encoder is read and the trained model written.
    pub models_dir: PathBuf,
    /// Passes over the training data.
    pub epochs: usize,
    /// Peak learning rate (AdamW, 10% warm-up, linear decay).
    pub learning_rate: f64,
    /// Pang & Lee movie sentences per class added to the opinion data.
    pub pang_lee_per_class: usize,
    /// Cap on training examples per task (quick experiments); None uses everything.
    pub max_per_task: Option<usize>,
    /// Shuffling seed.
    pub seed: u64,
    /// Sentences per batch.
    pub batch_size: usize,
    /// Words of document context on each side of every entity-tagging sentence (0: none).
    pub ner_context_words: usize,
    /// A models directory whose trained `claimscan/` weights training starts from, instead of
    /// the base encoder and fresh heads.
    pub continue_from: Option<PathBuf>,
    /// Train the entity task only (the sentence heads keep their weights; they are still
    /// recalibrated and scored, since the shared encoder moves).
    pub entities_only: bool,
    /// The team's news set export (`scripts/news_labels.py export`): its train split becomes
    /// a four-way task (fact, speculation, opinion, none) that moves the encoder. Its
    /// softmax layer is only a training aid and is not saved: the shipped four-way head is
    /// `train-news`'s, fitted afterwards on the moved encoder.
    pub news_set: Option<PathBuf>,
    /// Times the news task's batches appear in each epoch (it is small next to the others).
    pub news_repeat: usize,
}

/// The tasks the model learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    /// Opinion vs not (CheckThat! 2025 subjectivity).
    Opinion,
    /// Speculation vs not (CoNLL-2010 Wikipedia weasel).
    Speculation,
    /// Check-worthy vs not (CheckThat! 2024 / ClaimBuster).
    Checkworthy,
    /// Entity tagging (CoNLL-2003).
    Entities,
    /// Four-way news label (the team's news set, train split).
    News,
}

impl Task {
    /// Name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Task::Opinion => "opinion",
            Task::Speculation => "speculation",
            Task::Checkworthy => "checkworthy",
            Task::Entities => "entities",
            Task::News => "news",
        }
    }
}

/// Sentence-task data as (task, split, example).
pub type SentenceRows = Vec<(Task, Split, Example)>;

/// Loads the sentence-task data (train, calibration and dev splits) from `data_dir`.
pub fn load_sentence_data(
    data_dir: &Path,
    pang_lee_per_class: usize,
) -> Result<SentenceRows, String> {
    let mut rows = Vec::new();
    let subj = data_dir.join("subjectivity");
    for (i, ex) in datasets::read_subjectivity(&subj.join("train_en.tsv"))?
        .into_iter()
        .enumerate()
    {
        rows.push((Task::Opinion, datasets::calibration_split(i), ex));
    }
    if pang_lee_per_class > 0 {
        let pl = subj.join("pang-lee");
        for (file, positive) in [("subj.subjective", true), ("subj.objective", false)] {
            let examples = datasets::read_pang_lee(&pl.join(file), positive)?;
            rows.extend(
                examples
                    .into_iter()
                    .take(pang_lee_per_class)
                    .map(|ex| (Task::Opinion, Split::Train, ex)),
            );
        }
    }
    for ex in datasets::read_subjectivity(&subj.join("dev_en.tsv"))? {
        rows.push((Task::Opinion, Split::Dev, ex));
    }
    for (i, ex) in datasets::read_weasel(&data_dir.join("uncertainty/wiki_weasel_train.csv"))?
        .into_iter()
        .enumerate()
    {
        rows.push((Task::Speculation, datasets::weasel_split(i), ex));
    }
    let cw = data_dir.join("checkworthiness");
    for (i, ex) in datasets::read_checkworthy(&cw.join("CT24_checkworthy_english_train.tsv"))?
        .into_iter()
        .enumerate()
    {
        rows.push((Task::Checkworthy, datasets::calibration_split(i), ex));
    }
    for ex in datasets::read_checkworthy(&cw.join("CT24_checkworthy_english_dev.tsv"))? {
        rows.push((Task::Checkworthy, Split::Dev, ex));
    }
    Ok(rows)
}

/// Small deterministic generator for shuffling (SplitMix64).
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// A training item: its tokens and its target.
struct Item {
    tokens: Tokenized,
    target: Target,
}

enum Target {
    Binary(bool),
    Tags(Vec<i64>),
    /// Index into [`crate::model::news::NEWS_LABELS`].
    Class(i64),
}

/// Word-piece targets for a tagged sentence: the word's tag on its first piece, the matching
/// `I-` tag on the other pieces, -100 (ignored) on special tokens.
pub(crate) fn piece_targets(word_ids: &[Option<u32>], tags: &[String]) -> Vec<i64> {
    let mut prev_word = None;
    word_ids
        .iter()
        .map(|w| {
            let Some(w) = *w else { return -100 };
            let tag = tags.get(w as usize).map(String::as_str).unwrap_or("O");
            let first = prev_word != Some(w);
            prev_word = Some(w);
            let tag = if first {
                tag.to_string()
            } else {
                tag.replacen("B-", "I-", 1)
            };
            tag_index(&tag).unwrap_or(0)
        })
        .collect()
}

/// Batches of one task, of similar lengths, in a shuffled order.
fn make_batches(
    items: &[usize],
    lengths: &[usize],
    batch_size: usize,
    rng: &mut SplitMix,
) -> Vec<Vec<usize>> {
    let mut shuffled = items.to_vec();
    rng.shuffle(&mut shuffled);
    let mut batches = Vec::new();
    // Sort within windows of 50 batches: little padding, yet every epoch mixes differently.
    for window in shuffled.chunks(batch_size * 50) {
        let mut w = window.to_vec();
        w.sort_by_key(|&i| lengths[i]);
        batches.extend(w.chunks(batch_size).map(|c| c.to_vec()));
    }
    batches
}

/// Raw logits of one sentence head for `texts`.
pub(crate) fn head_logits(
    model: &ClaimModel,
    task: Task,
    texts: &[&str],
) -> Result<Vec<f64>, ModelError> {
    let embeddings = model.embed(texts)?;
    let _g = tch::no_grad_guard();
    let l = model.heads.logits(&embeddings);
    crate::model::heads::to_vec(match task {
        Task::Opinion => &l.opinion,
        Task::Speculation => &l.speculation,
        _ => &l.checkworthy,
    })
}

/// Fine-tunes, calibrates, scores and saves the model. Returns the training report.
pub fn train(opts: &TrainOptions) -> anyhow::Result<serde_json::Value> {
    let rows =
        load_sentence_data(&opts.data_dir, opts.pang_lee_per_class).map_err(anyhow::Error::msg)?;
    let ner_train =
        datasets::read_conll(&opts.data_dir.join("ner/eng.train")).map_err(anyhow::Error::msg)?;
    let ner_dev_path = opts.data_dir.join("ner/eng.testa");
    let mut model = ClaimModel::for_training(&opts.models_dir, Device::Cpu)?;
    if let Some(start) = &opts.continue_from {
        model.continue_from(start)?;
    }
    let mut rng = SplitMix(opts.seed);

    // Training items, per task.
    let mut items: Vec<Item> = Vec::new();
    let mut per_task: Vec<(Task, Vec<usize>)> = Vec::new();
    let sentence_tasks: &[Task] = if opts.entities_only {
        &[]
    } else {
        &[Task::Opinion, Task::Speculation, Task::Checkworthy]
    };
    for &task in sentence_tasks {
        let mut idx = Vec::new();
        for (t, split, ex) in &rows {
            if *t == task && *split == Split::Train {
                idx.push(items.len());
                items.push(Item {
                    tokens: model.encoder.tokenize(&ex.text)?,
                    target: Target::Binary(ex.positive),
                });
            }
        }
        per_task.push((task, idx));
    }
    let mut ner_idx = Vec::new();
    for (i, s) in ner_train.iter().enumerate() {
        let (words, offset) = datasets::words_in_context(&ner_train, i, opts.ner_context_words);
        let tokens = model.encoder.tokenize_words(&words)?;
        let word_ids = sentence_word_ids(tokens.word_ids(), offset, s.words.len());
        let targets = piece_targets(&word_ids, &s.tags);
        ner_idx.push(items.len());
        items.push(Item {
            tokens,
            target: Target::Tags(targets),
        });
    }
    per_task.push((Task::Entities, ner_idx));
    if let Some(path) = &opts.news_set {
        let mut idx = Vec::new();
        for ex in crate::train_news::read_news(path).map_err(anyhow::Error::msg)? {
            if ex.split == "train" {
                idx.push(items.len());
                items.push(Item {
                    tokens: model.encoder.tokenize(&ex.text)?,
                    target: Target::Class(ex.label as i64),
                });
            }
        }
        per_task.push((Task::News, idx));
    }
    if let Some(cap) = opts.max_per_task {
        for (_, idx) in &mut per_task {
            rng.shuffle(idx);
            idx.truncate(cap);
        }
    }
    let lengths: Vec<usize> = items.iter().map(|i| i.tokens.len()).collect();
    let repeats = |task: Task| {
        if task == Task::News {
            opts.news_repeat.max(1)
        } else {
            1
        }
    };
    let batches_per_epoch: usize = per_task
        .iter()
        .map(|(t, idx)| idx.len().div_ceil(opts.batch_size) * repeats(*t))
        .sum();
    let total_steps = batches_per_epoch * opts.epochs;
    let warmup = (total_steps / 10).max(1);
    eprintln!(
        "train: {} training items ({}), {} steps over {} epochs",
        items.len(),
        per_task
            .iter()
            .map(|(t, i)| format!("{} {}", t.name(), i.len()))
            .collect::<Vec<_>>()
            .join(", "),
        total_steps,
        opts.epochs
    );

    let mut optimizer = tch::nn::AdamW::default()
        .wd(0.01)
        .build(model.vars(), opts.learning_rate)?;
    // The news task's softmax layer lives in its own store so that the saved model (and
    // every reader of it) stays as it was.
    let news_vars = tch::nn::VarStore::new(model.device());
    let news_layer = tch::nn::linear(
        news_vars.root() / "news",
        model.encoder.hidden_size(),
        crate::model::news::NEWS_LABELS.len() as i64,
        Default::default(),
    );
    let mut news_optimizer = tch::nn::AdamW::default()
        .wd(0.01)
        .build(&news_vars, opts.learning_rate)?;
    let started = Instant::now();
    let mut step = 0usize;
    for epoch in 0..opts.epochs {
        let mut schedule: Vec<(Task, Vec<usize>)> = Vec::new();
        for (task, idx) in &per_task {
            for _ in 0..repeats(*task) {
                schedule.extend(
                    make_batches(idx, &lengths, opts.batch_size, &mut rng)
                        .into_iter()
                        .map(|b| (*task, b)),
                );
            }
        }
        rng.shuffle(&mut schedule);
        let mut running = 0.0;
        for (task, batch) in schedule {
            let lr = if step < warmup {
                opts.learning_rate * (step + 1) as f64 / warmup as f64
            } else {
                opts.learning_rate * (total_steps - step) as f64
                    / (total_steps - warmup).max(1) as f64
            };
            optimizer.set_lr(lr);
            news_optimizer.set_lr(lr);
            let toks: Vec<&Tokenized> = batch.iter().map(|&i| &items[i].tokens).collect();
            let encoded = model.encoder.forward(&toks, model.device(), true)?;
            let loss = match task {
                Task::Entities => {
                    let longest = encoded.mask.size()[1] as usize;
                    let mut targets = vec![-100i64; batch.len() * longest];
                    for (r, &i) in batch.iter().enumerate() {
                        if let Target::Tags(t) = &items[i].target {
                            targets[r * longest..r * longest + t.len()].copy_from_slice(t);
                        }
                    }
                    let logits = model.ner.logits(&encoded.hidden, &encoded.shapes, true);
                    let n_tags = logits.size()[2];
                    logits.view([-1, n_tags]).cross_entropy_loss::<Tensor>(
                        &Tensor::from_slice(&targets),
                        None,
                        tch::Reduction::Mean,
                        -100,
                        0.0,
                    )
                }
                Task::News => {
                    let gold: Vec<i64> = batch
                        .iter()
                        .map(|&i| match items[i].target {
                            Target::Class(c) => c,
                            _ => -100,
                        })
                        .collect();
                    let pooled = encoded.mean_pooled().dropout(0.1, true);
                    pooled
                        .apply(&news_layer)
                        .cross_entropy_for_logits(&Tensor::from_slice(&gold))
                }
                _ => {
                    let gold: Vec<f32> = batch
                        .iter()
                        .map(|&i| match items[i].target {
                            Target::Binary(true) => 1.0,
                            _ => 0.0,
                        })
                        .collect();
                    let pooled = encoded.mean_pooled().dropout(0.1, true);
                    let l = model.heads.logits(&pooled);
                    let logit = match task {
                        Task::Opinion => l.opinion,
                        Task::Speculation => l.speculation,
                        _ => l.checkworthy,
                    };
                    logit.binary_cross_entropy_with_logits::<Tensor>(
                        &Tensor::from_slice(&gold),
                        None,
                        None,
                        tch::Reduction::Mean,
                    )
                }
            };
            if task == Task::News {
                optimizer.zero_grad();
                news_optimizer.zero_grad();
                loss.backward();
                optimizer.clip_grad_norm(1.0);
                optimizer.step();
                news_optimizer.step();
            } else {
                optimizer.backward_step_clip_norm(&loss, 1.0);
            }
            running += loss.double_value(&[]);
            step += 1;
            if step.is_multiple_of(100) {
                let rate = step as f64 / started.elapsed().as_secs_f64();
                eprintln!(
                    "train: epoch {} step {step}/{total_steps} loss {:.4} lr {lr:.2e} ({:.1} steps/s, {:.0} s left)",
                    epoch + 1,
                    running / 100.0,
                    rate,
                    (total_steps - step) as f64 / rate
                );
                running = 0.0;
            }
        }
    }

    // Calibrate and score.
    let mut report = serde_json::Map::new();
    for task in [Task::Opinion, Task::Speculation, Task::Checkworthy] {
        let pick = |split: Split| -> (Vec<&str>, Vec<bool>) {
            rows.iter()
                .filter(|(t, s, _)| *t == task && *s == split)
                .map(|(_, _, e)| (e.text.as_str(), e.positive))
                .unzip()
        };
        let (cal_texts, cal_gold) = pick(Split::Calibration);
        let cal_logits = head_logits(&model, task, &cal_texts)?;
        let calibration = calibrate::fit(task, &cal_logits, &cal_gold);
        match task {
            Task::Opinion => model.meta.calibration.opinion = calibration,
            Task::Speculation => model.meta.calibration.speculation = calibration,
            _ => model.meta.calibration.checkworthy = calibration,
        }
        let (dev_texts, dev_gold) = pick(Split::Dev);
        let dev_pred: Vec<bool> = head_logits(&model, task, &dev_texts)?
            .iter()
            .map(|&z| calibration.probability(z) >= 0.5)
            .collect();
        let scores = crate::eval::labels::score(task, &dev_gold, &dev_pred);
        eprintln!(
            "train: {:<11} dev n={} {} = {:.4}",
            task.name(),
            dev_gold.len(),
            scores.headline_name,
            scores.headline
        );
        report.insert(
            task.name().into(),
            json!({"train": per_task.iter().find(|(t, _)| *t == task).map(|(_, i)| i.len()), "calibration": cal_gold.len(),
                   "dev": dev_gold.len(), "dev_score": scores.headline, "dev_measure": scores.headline_name,
                   "offset": calibration.offset, "temperature": calibration.temperature}),
        );
    }
    model.meta.ner_trained = true;
    model.meta.ner_context_words = opts.ner_context_words;
    let ner = crate::eval::ner::evaluate_file(&model, &ner_dev_path)?;
    eprintln!(
        "train: entities    dev (eng.testa) span F1 = {:.4}",
        ner.overall.f1()
    );
    report.insert(
        "entities".into(),
        json!({"train": per_task.iter().find(|(t, _)| *t == Task::Entities).map(|(_, i)| i.len()), "dev_span_f1": ner.overall.f1(),
               "per_type_f1": ner.per_type.iter().map(|(k, v)| (k.clone(), json!(v.f1()))).collect::<serde_json::Map<_, _>>()}),
    );
    report.insert(
        "settings".into(),
        json!({"epochs": opts.epochs, "learning_rate": opts.learning_rate, "batch_size": opts.batch_size, "seed": opts.seed,
               "pang_lee_per_class": opts.pang_lee_per_class, "max_per_task": opts.max_per_task,
               "ner_context_words": opts.ner_context_words, "entities_only": opts.entities_only,
               "continued_from": opts.continue_from.as_ref().map(|p| p.display().to_string()),
               "news_set": opts.news_set.as_ref().map(|p| p.display().to_string()),
               "news_train": per_task.iter().find(|(t, _)| *t == Task::News).map(|(_, i)| i.len()),
               "news_repeat": opts.news_repeat,
               "train_seconds": started.elapsed().as_secs_f64()}),
    );
    let report = serde_json::Value::Object(report);
    model.meta.id = format!("claimscan-minilm-{}", env!("CARGO_PKG_VERSION"));
    model.meta.training = report.clone();
    model.save(&opts.models_dir)?;
    Ok(report)
}
