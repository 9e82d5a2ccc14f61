//! `claimscan train-source`: fits the source tagger (see `model::source`) on MPQA's agent
//! spans over the frozen shared encoder.
//!
//! Input: JSONL whose sentences carry `spans`, character offsets of their sources:
//! `scripts/mpqa_attribution.py` (the in-sentence mentions of each agent the writer reports a
//! speech event or private state of) and `scripts/attribution_set.py export` (the team's
//! sources as written). Only `tune` documents are read (the `dev` documents of either file are
//! never used here). Every fifth tune document of each file is the calibration slice: it
//! chooses the number of epochs and the tagger's own threshold; the tagger learns from the
//! other four.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use tch::{nn, nn::Module, nn::OptimizerConfig, Kind, Tensor};

use crate::model::encoder::Tokenized;
use crate::model::source::{self, SourceHead, SourceTagger, SOURCE_TAGS, WINDOW};
use crate::model::{bucketed_batches, ClaimModel, BATCH_SIZE};

/// Whether the tune document with this ordinal (0-based, in file order, counting only tune
/// documents) belongs to the calibration slice: every fifth. `claimscan eval attribution
/// --split calibration` scores the same documents.
pub fn is_calibration_document(tune_ordinal: usize) -> bool {
    tune_ordinal.is_multiple_of(5)
}

/// Peak learning rate of Adam.
const LEARNING_RATE: f64 = 1e-3;

/// Options of `claimscan train-source`.
pub struct TrainSourceOptions {
    /// JSONL files with spans: MPQA (`python3 scripts/mpqa_attribution.py`) and the team's
    /// attribution set (`python3 scripts/attribution_set.py export`).
    pub files: Vec<PathBuf>,
    /// Directory holding the models (the head is written there).
    pub models_dir: PathBuf,
    /// Units of the hidden layer.
    pub inner: usize,
    /// Most epochs to train (the best on the calibration slice is kept).
    pub epochs: usize,
    /// The confidence threshold to store instead of the one the calibration slice chose for
    /// the tagger alone (the threshold that serves the whole attribution stage best is
    /// measured with `claimscan eval attribution`; models/README.md).
    pub threshold: Option<f64>,
    /// Write `source_head.json` and `source_head.safetensors` (false: report only).
    pub write: bool,
}

#[derive(Deserialize)]
struct Doc {
    split: String,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    text: String,
    #[serde(default)]
    spans: Vec<(usize, usize)>,
}

/// One sentence ready for training: its text, gold byte spans and piece tags.
struct Example {
    text: String,
    gold: Vec<(usize, usize)>,
    tags: Vec<i64>,
}

/// Sentences with their tokens (kept apart: the batching helpers take a token slice).
#[derive(Default)]
struct Examples {
    sentences: Vec<Example>,
    tokens: Vec<Tokenized>,
}

impl Examples {
    fn len(&self) -> usize {
        self.sentences.len()
    }
}

/// Byte offset of character `c` in `text` (its length past the end).
fn byte_of(text: &str, c: usize) -> usize {
    text.char_indices().nth(c).map_or(text.len(), |(b, _)| b)
}

/// Piece tags (0 O, 1 B, 2 I) for gold byte spans: a span's first piece B, its others I.
fn piece_tags(tokens: &Tokenized, gold: &[(usize, usize)]) -> Vec<i64> {
    let word_ids = tokens.word_ids();
    let mut tags = vec![0i64; tokens.len()];
    for &(start, end) in gold {
        let mut first = true;
        for (t, &(s, e)) in tokens.offsets().iter().enumerate() {
            if word_ids[t].is_none() || e <= start || s >= end {
                continue;
            }
            tags[t] = if first { 1 } else { 2 };
            first = false;
        }
    }
    tags
}

/// Adds the tune documents of `path` to `learn`, every fifth to `calibration`.
fn read(
    path: &Path,
    model: &ClaimModel,
    learn: &mut Examples,
    calibration: &mut Examples,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut tune_docs = 0usize;
    for (n, line) in text.lines().enumerate() {
        let doc: Doc = serde_json::from_str(line)
            .with_context(|| format!("{} line {}: not a document", path.display(), n + 1))?;
        if doc.split != "tune" {
            continue;
        }
        let to_calibration = is_calibration_document(tune_docs);
        tune_docs += 1;
        for s in doc.sentences {
            let gold: Vec<(usize, usize)> = s
                .spans
                .iter()
                .map(|&(a, b)| (byte_of(&s.text, a), byte_of(&s.text, b)))
                .collect();
            let tokens = model.encoder.tokenize(&s.text)?;
            let tags = piece_tags(&tokens, &gold);
            let target = if to_calibration {
                &mut *calibration
            } else {
                &mut *learn
            };
            target.sentences.push(Example {
                text: s.text,
                gold,
                tags,
            });
            target.tokens.push(tokens);
        }
    }
    Ok(())
}

/// Windowed token states of every example, `[tokens, inputs]` per example.
fn states(model: &ClaimModel, examples: &Examples) -> anyhow::Result<Vec<Tensor>> {
    let _guard = tch::no_grad_guard();
    let tokenized = &examples.tokens;
    let mut out: Vec<Option<Tensor>> = (0..examples.len()).map(|_| None).collect();
    for (padded, chunk) in bucketed_batches(tokenized, BATCH_SIZE) {
        let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
        let encoded = model
            .encoder
            .forward_padded(&batch, padded, model.device(), false)?;
        let x = source::windowed(
            &source::masked(&encoded.hidden.to_kind(Kind::Float), &encoded.mask),
            WINDOW,
        );
        for (k, &i) in chunk.iter().enumerate() {
            out[i] = Some(
                x.get(k as i64)
                    .narrow(0, 0, tokenized[i].len() as i64)
                    .copy(),
            );
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// Sentence-level scores at one threshold: the most confident span counts as right when it
/// is a gold span or ends in the same word as one.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
struct SpanScores {
    threshold: f64,
    precision: f64,
    recall: f64,
    f1: f64,
}

fn last_word(s: &str) -> String {
    s.split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn score(found: &[Vec<source::TaggedSource>], examples: &Examples, threshold: f64) -> SpanScores {
    let (mut predicted, mut correct, mut gold) = (0usize, 0usize, 0usize);
    for (spans, e) in found.iter().zip(&examples.sentences) {
        gold += usize::from(!e.gold.is_empty());
        let Some(best) = spans.iter().find(|s| s.confidence >= threshold) else {
            continue;
        };
        predicted += 1;
        let text = &e.text[best.start..best.end];
        correct += usize::from(e.gold.iter().any(|&(a, b)| {
            (a, b) == (best.start, best.end) || last_word(&e.text[a..b]) == last_word(text)
        }));
    }
    let precision = correct as f64 / predicted.max(1) as f64;
    let recall = correct as f64 / gold.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(1e-12);
    SpanScores {
        threshold,
        precision,
        recall,
        f1,
    }
}

/// Runs `claimscan train-source`.
pub fn train_source(opts: &TrainSourceOptions) -> anyhow::Result<SourceHead> {
    tch::set_num_threads(2);
    tch::manual_seed(1);
    let model = ClaimModel::load(&opts.models_dir)?;
    let (mut learn, mut calibration) = (Examples::default(), Examples::default());
    for file in &opts.files {
        read(file, &model, &mut learn, &mut calibration)?;
    }
    anyhow::ensure!(
        learn.len() > 0 && calibration.len() > 0,
        "no tune documents with spans in the files given"
    );
    eprintln!(
        "train-source: encoding {} + {} sentences (learn / calibration)",
        learn.len(),
        calibration.len()
    );
    let learn_x = Tensor::cat(&states(&model, &learn)?, 0);
    let learn_y = Tensor::from_slice(
        &learn
            .sentences
            .iter()
            .flat_map(|e| e.tags.iter().copied())
            .collect::<Vec<_>>(),
    );
    let calibration_x = states(&model, &calibration)?;
    let hidden = model.encoder.hidden_size() as usize;
    let inputs = hidden * (2 * WINDOW + 1);

    let vs = nn::VarStore::new(tch::Device::Cpu);
    let net = nn::seq()
        .add(nn::linear(
            vs.root() / "l1",
            inputs as i64,
            opts.inner as i64,
            Default::default(),
        ))
        .add_fn(|x| x.relu())
        .add(nn::linear(
            vs.root() / "l2",
            opts.inner as i64,
            SOURCE_TAGS.len() as i64,
            Default::default(),
        ));
    let mut opt = nn::Adam::default().build(&vs, LEARNING_RATE)?;
    opt.set_weight_decay(1e-4);
    let rows = learn_x.size()[0];
    let thresholds: Vec<f64> = (0..10).map(|k| 0.4 + 0.05 * k as f64).collect();
    let mut best: Option<(SpanScores, usize, SourceHead)> = None;
    for epoch in 1..=opts.epochs {
        // Linear decay to a tenth: the last epochs settle instead of jumping between minima.
        let progress = (epoch - 1) as f64 / opts.epochs.max(1) as f64;
        opt.set_lr(LEARNING_RATE * (1.0 - 0.9 * progress));
        let order = Tensor::randperm(rows, (Kind::Int64, tch::Device::Cpu));
        let mut total = 0.0;
        for start in (0..rows).step_by(256) {
            let idx = order.narrow(0, start, 256.min(rows - start));
            let x = learn_x.index_select(0, &idx);
            let y = learn_y.index_select(0, &idx);
            let loss = net.forward(&x).cross_entropy_for_logits(&y);
            opt.backward_step(&loss);
            total += loss.double_value(&[]) * idx.size()[0] as f64;
        }
        let head = head_of(&vs, hidden, opts.inner, 0.5)?;
        let tagger = SourceTagger::new(head.clone(), crate::model::Precision::Fp32);
        let found: Vec<Vec<source::TaggedSource>> = {
            let _guard = tch::no_grad_guard();
            calibration
                .sentences
                .iter()
                .zip(&calibration.tokens)
                .zip(&calibration_x)
                .map(|((e, tokens), x)| {
                    let probs = tagger.probabilities_of_states(x);
                    let rows: Vec<Vec<f64>> =
                        Vec::try_from(probs.to_kind(Kind::Double)).unwrap_or_default();
                    let mut spans = source::spans(tokens, &rows, &e.text);
                    spans.sort_by(|a, b| {
                        b.confidence
                            .total_cmp(&a.confidence)
                            .then(a.start.cmp(&b.start))
                    });
                    spans
                })
                .collect()
        };
        let epoch_best = thresholds
            .iter()
            .map(|&t| score(&found, &calibration, t))
            .max_by(|a, b| a.f1.total_cmp(&b.f1))
            .unwrap_or_default();
        eprintln!(
            "train-source: epoch {epoch}: loss {:.4}; calibration best threshold {:.2}: P {:.3} R {:.3} F1 {:.3}",
            total / rows as f64,
            epoch_best.threshold,
            epoch_best.precision,
            epoch_best.recall,
            epoch_best.f1
        );
        if best.as_ref().is_none_or(|(s, _, _)| epoch_best.f1 > s.f1) {
            let mut head = head;
            head.threshold = epoch_best.threshold;
            best = Some((epoch_best, epoch, head));
        }
    }
    let (scores, epoch, mut head) = best.context("no epoch trained")?;
    let chosen_alone = head.threshold;
    if let Some(t) = opts.threshold {
        head.threshold = t;
    }
    head.training = serde_json::json!({
        "data": "tune documents of: MPQA 1.2 (scripts/mpqa_attribution.py spans: agent mentions of the writer's reported speech events and private states) and the team's attribution set (scripts/attribution_set.py export: sources as written); dev documents of neither are read",
        "files": opts.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "learn_sentences": learn.len(),
        "calibration_sentences": calibration.len(),
        "calibration": "every fifth tune document; chose the epoch and the threshold",
        "inner": opts.inner,
        "window": WINDOW,
        "epochs_tried": opts.epochs,
        "epoch_kept": epoch,
        "calibration_scores": scores,
        "threshold_for_the_tagger_alone": chosen_alone,
        "threshold_stored": head.threshold,
        "optimiser": "Adam lr 1e-3 decaying linearly to 1e-4, weight decay 1e-4, batches of 256 pieces, seed 1",
    });
    eprintln!(
        "train-source: kept epoch {epoch}, threshold {:.2} (calibration F1 {:.3})",
        head.threshold, scores.f1
    );
    if opts.write {
        head.save(&opts.models_dir.join(crate::model::MODEL_DIR))?;
        eprintln!(
            "train-source: wrote {}",
            opts.models_dir
                .join(crate::model::MODEL_DIR)
                .join(source::SOURCE_HEAD_FILE)
                .display()
        );
    }
    Ok(head)
}

fn head_of(
    vs: &nn::VarStore,
    hidden: usize,
    inner: usize,
    threshold: f64,
) -> anyhow::Result<SourceHead> {
    let vars = vs.variables();
    let get = |name: &str| -> anyhow::Result<Tensor> {
        vars.get(name)
            .map(|t| t.detach().to_kind(Kind::Float))
            .with_context(|| format!("missing variable {name}"))
    };
    let rows = |t: Tensor| -> anyhow::Result<Vec<Vec<f32>>> { Ok(Vec::try_from(t)?) };
    let vector = |t: Tensor| -> anyhow::Result<Vec<f32>> { Ok(Vec::try_from(t)?) };
    let head = SourceHead {
        hidden,
        window: WINDOW,
        w1: rows(get("l1.weight")?)?,
        b1: vector(get("l1.bias")?)?,
        w2: rows(get("l2.weight")?)?,
        b2: vector(get("l2.bias")?)?,
        threshold,
        training: serde_json::Value::Null,
    };
    anyhow::ensure!(head.b1.len() == inner, "hidden layer has the wrong width");
    Ok(head)
}
