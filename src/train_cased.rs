//! Training the cased entity tagger of `--entities accurate` (`claimscan train-cased`).
//!
//! Rank-r LoRA adapters on every linear layer of the cased DistilBERT encoder
//! (`models/distilbert-base-cased/`, frozen), trainable layer norms inside the layers and a
//! linear BIO tag head, fitted on CoNLL-2003 eng.train with the recipe of claimscan's entity
//! head: every word piece labelled (the first piece its word's tag, the others the matching
//! `I-` tag), AdamW (weight decay 0.01 on matrices), 10% warm-up then linear decay, gradient
//! clipping at 1.0, dropout 0.1, batches of similar lengths in a shuffled order. What is
//! written (`adapters.safetensors`, fp16, BERT tensor names with `.lora_down` / `.lora_up`
//! beside the weight they change, and `model.json`) is what [`CasedTagger`] loads; the
//! trained tagger is then scored on eng.testa exactly as `claimscan eval ner` scores
//! `--entities accurate`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use serde_json::json;
use tch::nn::OptimizerConfig;
use tch::{nn, Device, Kind, Tensor};

use crate::datasets;
use crate::model::cased::{CasedTagger, ADAPTERS_FILE, CASED_BASE_DIR};
use crate::model::encoder::{Encoder, Tokenized};
use crate::model::ner::TAGS;
use crate::model::news::NEWS_LABELS;
use crate::model::weights::WeightFile;
use crate::model::{ClaimModel, ModelError, Precision, META_FILE, WEIGHTS_FILE};
use crate::train::{piece_targets, SplitMix};

/// LoRA's alpha / rank: the adapters' product is added at twice its size.
pub const LORA_SCALE: f64 = 2.0;
const DROPOUT: f64 = 0.1;
const WEIGHT_DECAY: f64 = 0.01;
/// Optimiser group of the tensors without weight decay (layer norms, biases).
const NO_DECAY: usize = 1;

/// What the adapters learn.
#[derive(Debug, Clone)]
pub enum CasedTask {
    /// BIO entity tags on every word piece, from CoNLL-2003 eng.train (`--entities accurate`).
    Entities,
    /// The four news labels of a sentence (a softmax over the mean-pooled last layer), from
    /// the train split of the team's news export (`scripts/news_labels.py export`); its dev
    /// split is scored after training. `annotate --labels accurate` reads the result.
    News {
        /// The export (`/tmp/news_set/news.tsv`).
        file: PathBuf,
        /// CoNLL-2010 Wikipedia file whose train rows (outside its dev and calibration
        /// fifths, as `train-news --weasel` reads it) add partial labels: "speculation" or
        /// "not speculation", each row weighing one labelled row.
        weasel: Option<PathBuf>,
    },
}

/// Settings of one training run.
#[derive(Debug, Clone)]
pub struct CasedTrainOptions {
    /// What the adapters learn.
    pub task: CasedTask,
    /// The shared labelled data (`ner/eng.train`, `ner/eng.testa`).
    pub data_dir: PathBuf,
    /// Models directory: the cased base encoder and the shared model used to score the result.
    pub models_dir: PathBuf,
    /// Where adapters.safetensors and model.json are written.
    pub out_dir: PathBuf,
    /// Passes over eng.train.
    pub epochs: usize,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Rank of the adapters.
    pub rank: i64,
    /// Seed of initialisation, dropout and batch order.
    pub seed: u64,
    /// Sentences per batch.
    pub batch_size: usize,
    /// Train on the first N sentences only (smoke runs).
    pub limit: Option<usize>,
    /// Skip scoring eng.testa after training.
    pub skip_eval: bool,
    /// The command line, recorded in model.json.
    pub command: String,
}

/// A frozen linear layer with trainable adapters: `x Wᵀ + b + scale · (x downᵀ) upᵀ`.
struct LoraLinear {
    weight: Tensor,
    bias: Tensor,
    down: Tensor,
    up: Tensor,
}

impl LoraLinear {
    fn new(path: &nn::Path, base: &WeightFile, name: &str, rank: i64) -> Result<Self, ModelError> {
        let weight = base.tensor(&format!("{name}.weight"))?.to_kind(Kind::Float);
        let bias = base.tensor(&format!("{name}.bias"))?.to_kind(Kind::Float);
        let (outputs, inputs) = (weight.size()[0], weight.size()[1]);
        let down = path.var(
            "lora_down",
            &[rank, inputs],
            nn::Init::Randn {
                mean: 0.0,
                stdev: 1.0 / (inputs as f64).sqrt(),
            },
        );
        let up = path.var("lora_up", &[outputs, rank], nn::Init::Const(0.0));
        Ok(LoraLinear {
            weight,
            bias,
            down,
            up,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        x.linear(&self.weight, Some(&self.bias))
            + x.matmul(&self.down.tr()).matmul(&self.up.tr()) * LORA_SCALE
    }
}

/// A layer norm whose weight and bias start from the base and are trained.
struct Norm {
    weight: Tensor,
    bias: Tensor,
}

impl Norm {
    fn new(path: &nn::Path, base: &WeightFile, name: &str) -> Result<Self, ModelError> {
        let start = |end: &str| -> Result<Tensor, ModelError> {
            Ok(base.tensor(&format!("{name}.{end}"))?.to_kind(Kind::Float))
        };
        let (weight, bias) = (start("weight")?, start("bias")?);
        let width = weight.size();
        let path = path.set_group(NO_DECAY);
        let weight_var = path.var("weight", &width, nn::Init::Const(0.0));
        let bias_var = path.var("bias", &width, nn::Init::Const(0.0));
        tch::no_grad(|| {
            weight_var.shallow_clone().copy_(&weight);
            bias_var.shallow_clone().copy_(&bias);
        });
        Ok(Norm {
            weight: weight_var,
            bias: bias_var,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let width = *x.size().last().unwrap_or(&0);
        x.layer_norm([width], Some(&self.weight), Some(&self.bias), 1e-12, true)
    }
}

struct Layer {
    query: LoraLinear,
    key: LoraLinear,
    value: LoraLinear,
    attention_out: LoraLinear,
    attention_norm: Norm,
    intermediate: LoraLinear,
    output: LoraLinear,
    output_norm: Norm,
}

/// The tagger being trained: frozen embeddings and matrices, trainable adapters, layer norms
/// of the transformer layers and the tag head (all in `vars`, under BERT names).
struct LoraTagger {
    vars: nn::VarStore,
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    embedding_norm: (Tensor, Tensor),
    layers: Vec<Layer>,
    classifier: (Tensor, Tensor),
    heads: i64,
}

impl LoraTagger {
    fn new(
        base: &WeightFile,
        layers: usize,
        heads: i64,
        rank: i64,
        outputs: usize,
    ) -> Result<Self, ModelError> {
        let vars = nn::VarStore::new(Device::Cpu);
        let root = vars.root();
        let frozen = |name: &str| -> Result<Tensor, ModelError> {
            Ok(base.tensor(name)?.to_kind(Kind::Float))
        };
        let mut built = Vec::with_capacity(layers);
        for i in 0..layers {
            let p = format!("encoder.layer.{i}");
            let path = |name: &str| {
                name.split('.')
                    .fold(root.clone(), |path, part| path.sub(part))
            };
            let lora = |name: String| LoraLinear::new(&path(&name), base, &name, rank);
            let norm = |name: String| Norm::new(&path(&name), base, &name);
            built.push(Layer {
                query: lora(format!("{p}.attention.self.query"))?,
                key: lora(format!("{p}.attention.self.key"))?,
                value: lora(format!("{p}.attention.self.value"))?,
                attention_out: lora(format!("{p}.attention.output.dense"))?,
                attention_norm: norm(format!("{p}.attention.output.LayerNorm"))?,
                intermediate: lora(format!("{p}.intermediate.dense"))?,
                output: lora(format!("{p}.output.dense"))?,
                output_norm: norm(format!("{p}.output.LayerNorm"))?,
            });
        }
        let word_embeddings = frozen("embeddings.word_embeddings.weight")?;
        let width = word_embeddings.size()[1];
        let head = root.sub("classifier");
        let classifier_weight = head.var(
            "weight",
            &[outputs as i64, width],
            nn::Init::Randn {
                mean: 0.0,
                stdev: 0.02,
            },
        );
        let classifier_bias =
            head.set_group(NO_DECAY)
                .var("bias", &[outputs as i64], nn::Init::Const(0.0));
        Ok(LoraTagger {
            word_embeddings,
            position_embeddings: frozen("embeddings.position_embeddings.weight")?,
            embedding_norm: (
                frozen("embeddings.LayerNorm.weight")?,
                frozen("embeddings.LayerNorm.bias")?,
            ),
            layers: built,
            classifier: (classifier_weight, classifier_bias),
            heads,
            vars,
        })
    }

    /// Tag logits `[batch, pieces, tags]`; dropout only when `train`.
    fn forward(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let (weight, bias) = &self.classifier;
        self.encode(ids, mask, train)
            .dropout(DROPOUT, train)
            .linear(weight, Some(bias))
    }

    /// Sentence logits `[batch, labels]`: the head over the mean of each sentence's pieces.
    fn sentence_logits(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let states = self.encode(ids, mask, train);
        let weights = mask.to_kind(Kind::Float).unsqueeze(-1);
        let pooled = (states * &weights).sum_dim_intlist(1, false, Kind::Float)
            / weights
                .sum_dim_intlist(1, false, Kind::Float)
                .clamp_min(1.0);
        let (weight, bias) = &self.classifier;
        pooled.dropout(DROPOUT, train).linear(weight, Some(bias))
    }

    /// Last hidden states `[batch, pieces, width]`.
    fn encode(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let size = ids.size();
        let (batch, pieces) = (size[0], size[1]);
        let positions = Tensor::arange(pieces, (Kind::Int64, Device::Cpu));
        let embedded = self
            .word_embeddings
            .index_select(0, &ids.view([-1]))
            .view([batch, pieces, -1])
            + self
                .position_embeddings
                .index_select(0, &positions)
                .unsqueeze(0);
        let width = embedded.size()[2];
        let (norm_weight, norm_bias) = &self.embedding_norm;
        let mut x = embedded
            .layer_norm([width], Some(norm_weight), Some(norm_bias), 1e-12, true)
            .dropout(DROPOUT, train);
        let keep = mask.to_kind(Kind::Bool).view([batch, 1, 1, pieces]);
        let head_width = width / self.heads;
        let attention_dropout = if train { DROPOUT } else { 0.0 };
        for layer in &self.layers {
            let split = |t: Tensor| {
                t.view([batch, pieces, self.heads, head_width])
                    .transpose(1, 2)
            };
            let context = Tensor::scaled_dot_product_attention(
                &split(layer.query.forward(&x)),
                &split(layer.key.forward(&x)),
                &split(layer.value.forward(&x)),
                Some(&keep),
                attention_dropout,
                false,
                None::<f64>,
            )
            .transpose(1, 2)
            .reshape([batch, pieces, width]);
            let attended = layer
                .attention_out
                .forward(&context)
                .dropout(DROPOUT, train);
            x = layer.attention_norm.forward(&(x + attended));
            let hidden = layer
                .output
                .forward(&layer.intermediate.forward(&x).gelu("none"))
                .dropout(DROPOUT, train);
            x = layer.output_norm.forward(&(x + hidden));
        }
        x
    }
}

/// One training sentence: its pieces and per-piece targets (-100 on special tokens) for the
/// entity task; for the news task no per-piece targets, but the labels it allows (one for a
/// labelled row, several for a partial one) and its weight in the loss.
struct Example {
    tokens: Tokenized,
    targets: Vec<i64>,
    allowed: [f32; 4],
    weight: f32,
}

impl Example {
    /// A news row with one label; its weight is set once the class counts are known.
    fn labelled(tokens: Tokenized, label: usize) -> Self {
        let mut allowed = [0.0; 4];
        allowed[label] = 1.0;
        Example {
            tokens,
            targets: Vec::new(),
            allowed,
            weight: 1.0,
        }
    }

    /// The label of a labelled news row (None for a partial one).
    fn label(&self) -> Option<usize> {
        (self.allowed.iter().filter(|&&a| a > 0.0).count() == 1)
            .then(|| self.allowed.iter().position(|&a| a > 0.0))
            .flatten()
    }
}

/// The news export's rows of one split, as examples (the label as the only target).
fn news_examples(
    encoder: &Encoder,
    rows: &[crate::train_news::NewsExample],
) -> Result<Vec<Example>, ModelError> {
    rows.iter()
        .map(|row| Ok(Example::labelled(encoder.tokenize(&row.text)?, row.label)))
        .collect()
}

/// The Wikipedia rows of the CoNLL-2010 file's train part as partial news examples: an
/// uncertain row allows only speculation; a certain one fact, opinion or none.
fn weasel_examples(encoder: &Encoder, path: &std::path::Path) -> anyhow::Result<Vec<Example>> {
    let rows = datasets::read_weasel(path).map_err(anyhow::Error::msg)?;
    rows.iter()
        .enumerate()
        .filter(|(i, _)| datasets::weasel_split(*i) == datasets::Split::Train)
        .map(|(_, row)| {
            Ok(Example {
                tokens: encoder.tokenize(&row.text)?,
                targets: Vec::new(),
                allowed: if row.positive {
                    [0.0, 1.0, 0.0, 0.0]
                } else {
                    [1.0, 0.0, 1.0, 1.0]
                },
                weight: 1.0,
            })
        })
        .collect()
}

/// Trains, writes `out_dir/adapters.safetensors` and `out_dir/model.json`, then scores the
/// result on eng.testa as `eval ner --entities accurate` does. Returns the training record.
pub fn train_cased(opts: &CasedTrainOptions) -> anyhow::Result<serde_json::Value> {
    tch::manual_seed(opts.seed as i64);
    let base_dir = opts.models_dir.join(CASED_BASE_DIR);
    let base = WeightFile::open(&base_dir.join(WEIGHTS_FILE))?;
    let encoder = Encoder::for_tokenizing(&base_dir)?;
    let (mut examples, news_rows, outputs, train_name) = match &opts.task {
        CasedTask::Entities => {
            let train_path = opts.data_dir.join("ner/eng.train");
            let mut sentences = datasets::read_conll(&train_path).map_err(anyhow::Error::msg)?;
            if let Some(limit) = opts.limit {
                sentences.truncate(limit);
            }
            let examples = sentences
                .iter()
                .map(|s| {
                    let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
                    let tokens = encoder.tokenize_words(&words)?;
                    let targets = piece_targets(tokens.word_ids(), &s.tags);
                    Ok(Example {
                        tokens,
                        targets,
                        allowed: [0.0; 4],
                        weight: 1.0,
                    })
                })
                .collect::<Result<Vec<_>, ModelError>>()?;
            let name = format!("eng.train ({} sentences)", examples.len());
            (examples, Vec::new(), TAGS.len(), name)
        }
        CasedTask::News { file, weasel } => {
            let rows = crate::train_news::read_news(file).map_err(anyhow::Error::msg)?;
            let mut train: Vec<_> = rows
                .iter()
                .filter(|r| r.split == "train")
                .cloned()
                .collect();
            if let Some(limit) = opts.limit {
                train.truncate(limit);
            }
            let mut examples = news_examples(&encoder, &train)?;
            let mut name = format!(
                "{}: train split ({} sentences)",
                file.display(),
                train.len()
            );
            if let Some(path) = weasel {
                let mut partial = weasel_examples(&encoder, path)?;
                if let Some(limit) = opts.limit {
                    partial.truncate(limit);
                }
                name += &format!(
                    "; {}: train part ({} sentences, partial labels)",
                    path.display(),
                    partial.len()
                );
                examples.extend(partial);
            }
            let dev: Vec<_> = rows.into_iter().filter(|r| r.split == "dev").collect();
            (examples, dev, NEWS_LABELS.len(), name)
        }
    };
    let news = matches!(opts.task, CasedTask::News { .. });
    // Balanced classes for the news labels (as `train-news` fits its head): each label's
    // rows weigh in inversely to their number.
    // Partial rows keep their weight of one.
    if news {
        let mut counts = vec![0f64; outputs];
        for label in examples.iter().filter_map(Example::label) {
            counts[label] += 1.0;
        }
        let n: f64 = counts.iter().sum();
        for e in &mut examples {
            if let Some(label) = e.label() {
                e.weight = (n / (outputs as f64 * counts[label])) as f32;
            }
        }
    }
    // Batches of similar lengths, fixed once; their order is shuffled every epoch.
    let mut by_length: Vec<usize> = (0..examples.len()).collect();
    by_length.sort_by_key(|&i| examples[i].tokens.len());
    let mut batches: Vec<Vec<usize>> = by_length
        .chunks(opts.batch_size.max(1))
        .map(<[usize]>::to_vec)
        .collect();

    let shape = encoder.shape();
    let tagger = LoraTagger::new(&base, shape.layers, shape.heads, opts.rank, outputs)?;
    let trainable: usize = tagger
        .vars
        .trainable_variables()
        .iter()
        .map(|t| t.numel())
        .sum();
    let mut optimizer = nn::AdamW::default()
        .wd(WEIGHT_DECAY)
        .build(&tagger.vars, opts.learning_rate)?;
    // The optimiser creates its parameter groups when it first sees the variables: make it
    // see them before the no-decay group's setting, or that group would inherit the default.
    optimizer.zero_grad();
    optimizer.set_weight_decay_group(NO_DECAY, 0.0);
    let total_steps = batches.len() * opts.epochs;
    let warmup = total_steps / 10;
    eprintln!(
        "train-cased: {} sentences, {} trainable parameters, {total_steps} steps over {} epochs",
        examples.len(),
        trainable,
        opts.epochs
    );
    let mut rng = SplitMix(opts.seed);
    let mut record = serde_json::Map::new();
    let mut step = 0usize;
    for epoch in 1..=opts.epochs {
        let started = Instant::now();
        rng.shuffle(&mut batches);
        let mut running = 0.0;
        for batch in &batches {
            optimizer.set_lr(opts.learning_rate * schedule(step, warmup, total_steps));
            let (ids, mask, targets) = padded(&examples, batch);
            let loss = if news {
                let (allowed, weights) = news_targets(&examples, batch);
                partial_label_loss(
                    &tagger.sentence_logits(&ids, &mask, true),
                    &allowed,
                    &weights,
                )
            } else {
                tagger
                    .forward(&ids, &mask, true)
                    .view([-1, TAGS.len() as i64])
                    .cross_entropy_loss::<Tensor>(
                        &targets.view([-1]),
                        None,
                        tch::Reduction::Mean,
                        -100,
                        0.0,
                    )
            };
            optimizer.backward_step_clip_norm(&loss, 1.0);
            running += loss.double_value(&[]);
            step += 1;
            if step.is_multiple_of(100) {
                eprintln!(
                    "train-cased: epoch {epoch} step {step}/{total_steps} loss {:.4} ({:.0} s)",
                    running / 100.0,
                    started.elapsed().as_secs_f64()
                );
                running = 0.0;
            }
        }
        let seconds = started.elapsed().as_secs_f64().round();
        eprintln!("train-cased: epoch {epoch} took {seconds} s");
        record.insert(format!("epoch_{epoch}"), json!({"train_seconds": seconds}));
    }
    let meta_record = json!({
        "command": opts.command,
        "trainer": "claimscan train-cased (Rust, tch)",
        "epochs": opts.epochs,
        "lr": opts.learning_rate,
        "lora_rank": opts.rank,
        "lora_scale": LORA_SCALE,
        "seed": opts.seed,
        "batch_size": opts.batch_size,
        "threads": tch::get_num_threads(),
        "train": train_name,
        "trainable_parameters": trainable,
    });
    if let serde_json::Value::Object(fields) = meta_record {
        record.extend(fields);
    }
    export(&tagger, opts, &record)?;
    if news {
        let dev = news_examples(&encoder, &news_rows)?;
        let probabilities = sentence_probabilities(&tagger, &dev, opts.batch_size);
        let predicted: Vec<usize> = probabilities
            .iter()
            .map(|p| (0..p.len()).fold(0, |best, k| if p[k] > p[best] { k } else { best }))
            .collect();
        let gold: Vec<usize> = news_rows.iter().map(|r| r.label).collect();
        let scores = crate::train_news::news_scores(&gold, &predicted);
        crate::train_news::print_scores("the cased news classifier alone, dev (fp32)", &scores);
        record.insert(
            "dev_macro_f1_fp32".into(),
            json!((scores.macro_f1 * 1e4).round() / 1e4),
        );
        let path = opts.out_dir.join("dev_probabilities.tsv");
        let mut text = format!("item_id\t{}\n", NEWS_LABELS.join("\t"));
        for (row, p) in news_rows.iter().zip(&probabilities) {
            let cells: Vec<String> = p.iter().map(|v| format!("{v:.6}")).collect();
            text += &format!("{}\t{}\n", row.item_id, cells.join("\t"));
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        write_meta(opts, &record)?;
    } else if !opts.skip_eval {
        let mut model = ClaimModel::load_with(&opts.models_dir, Precision::Int8)?;
        model.cased = Some(CasedTagger::load_from(
            &base_dir,
            &opts.out_dir,
            Precision::Int8,
        )?);
        let scores = crate::eval::ner::evaluate_file(&model, &opts.data_dir.join("ner/eng.testa"))?;
        let f1 = scores.overall.f1();
        let alone = scores.cased_alone.map(|c| c.f1()).unwrap_or(f64::NAN);
        eprintln!(
            "train-cased: eng.testa span F1 with --entities accurate (int8): {f1:.4}; \
             the cased tagger alone: {alone:.4}"
        );
        let rounded = |x: f64| (x * 1e4).round() / 1e4;
        record.insert("testa_accurate_f1_int8".into(), json!(rounded(f1)));
        record.insert("testa_cased_alone_f1_int8".into(), json!(rounded(alone)));
        record.insert(
            "note".into(),
            json!(
                "testa_accurate_f1_int8: the average with the shared encoder's entity head, as \
                 `claimscan eval ner` scores it; testa_cased_alone_f1_int8: this tagger's word \
                 rows decoded alone the same way"
            ),
        );
        write_meta(opts, &record)?;
    }
    Ok(serde_json::Value::Object(record))
}

/// Softmax probabilities of each example's label, in order, without dropout.
fn sentence_probabilities(
    tagger: &LoraTagger,
    examples: &[Example],
    batch: usize,
) -> Vec<Vec<f64>> {
    let _no_grad = tch::no_grad_guard();
    let order: Vec<usize> = (0..examples.len()).collect();
    let mut out = Vec::with_capacity(examples.len());
    for chunk in order.chunks(batch.max(1)) {
        let (ids, mask, _) = padded(examples, chunk);
        let p = tagger
            .sentence_logits(&ids, &mask, false)
            .softmax(-1, Kind::Float);
        let rows = p.size()[0];
        for r in 0..rows {
            out.push(Vec::<f64>::try_from(p.get(r).to_kind(Kind::Double)).unwrap_or_default());
        }
    }
    out
}

/// Learning-rate factor of `step` (0-based): linear warm-up over `warmup` steps from 0, then
/// linear decay towards 0 at `total` (the schedule of scripts/train_cased_entities.py).
fn schedule(step: usize, warmup: usize, total: usize) -> f64 {
    if step < warmup {
        step as f64 / warmup.max(1) as f64
    } else {
        total.saturating_sub(step) as f64 / total.saturating_sub(warmup).max(1) as f64
    }
}

/// The allowed-label masks ([batch, 4]) and loss weights ([batch]) of one news batch.
fn news_targets(examples: &[Example], batch: &[usize]) -> (Tensor, Tensor) {
    let allowed: Vec<f32> = batch.iter().flat_map(|&i| examples[i].allowed).collect();
    let weights: Vec<f32> = batch.iter().map(|&i| examples[i].weight).collect();
    (
        Tensor::from_slice(&allowed).view([batch.len() as i64, 4]),
        Tensor::from_slice(&weights),
    )
}

/// Weighted mean of −log P(allowed labels) per row: for a labelled row (one allowed label)
/// this is the cross-entropy; for a partial row, the log of the probability its allowed
/// labels share, so it says "speculation or not" without picking among the others.
fn partial_label_loss(logits: &Tensor, allowed: &Tensor, weights: &Tensor) -> Tensor {
    let log_p = logits.log_softmax(-1, Kind::Float);
    // log 0 for labels a row does not allow, kept finite so the gradient stays defined.
    let masked = log_p + (allowed.clamp_min(1e-30)).log().clamp_min(-1e4);
    let per_row = -masked.logsumexp([-1i64].as_slice(), false);
    (per_row * weights).sum(Kind::Float) / weights.sum(Kind::Float)
}

/// Ids, attention mask and targets of one batch, padded to its longest sentence.
fn padded(examples: &[Example], batch: &[usize]) -> (Tensor, Tensor, Tensor) {
    let longest = batch
        .iter()
        .map(|&i| examples[i].tokens.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut ids = vec![0i64; batch.len() * longest];
    let mut mask = vec![0i64; batch.len() * longest];
    let mut targets = vec![-100i64; batch.len() * longest];
    for (row, &i) in batch.iter().enumerate() {
        let at = row * longest;
        for (col, &id) in examples[i].tokens.ids().iter().enumerate() {
            ids[at + col] = i64::from(id);
            mask[at + col] = 1;
        }
        let t = &examples[i].targets;
        targets[at..at + t.len()].copy_from_slice(t);
    }
    let shape = [batch.len() as i64, longest as i64];
    (
        Tensor::from_slice(&ids).view(shape),
        Tensor::from_slice(&mask).view(shape),
        Tensor::from_slice(&targets).view(shape),
    )
}

/// Writes the trained tensors (fp16) and model.json, each through a temporary file.
fn export(
    tagger: &LoraTagger,
    opts: &CasedTrainOptions,
    record: &serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("cannot create {}", opts.out_dir.display()))?;
    let mut named: Vec<(String, Tensor)> = tagger
        .vars
        .variables()
        .into_iter()
        .map(|(name, t)| (name, t.detach().to_kind(Kind::Half).contiguous()))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let target = opts.out_dir.join(ADAPTERS_FILE);
    let temporary =
        crate::output::output_tempfile(&opts.out_dir, ".adapters.", ".partial.safetensors")?;
    Tensor::write_safetensors(&named, temporary.path())?;
    temporary
        .persist(&target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    write_meta(opts, record)
}

fn write_meta(
    opts: &CasedTrainOptions,
    record: &serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    // The tagger's model.json names its outputs `tags`, the news labeller's `labels`.
    let (task, outputs_key, outputs): (&str, &str, &[&str]) = match opts.task {
        CasedTask::Entities => ("entities", "tags", &TAGS),
        CasedTask::News { .. } => ("news", "labels", &NEWS_LABELS),
    };
    // The id ends with a digest of the adapters, so that two runs of one recipe on different
    // data (which `--resume` and `--skip-done` must tell apart) never share it.
    let adapters_path = opts.out_dir.join(ADAPTERS_FILE);
    let adapters = std::fs::read(&adapters_path)
        .with_context(|| format!("cannot read {}", adapters_path.display()))?;
    let meta_id = crate::model::short_id(
        &format!("claimscan-cased-{task}-lora{}-seed{}", opts.rank, opts.seed),
        &adapters,
    );
    let mut meta = json!({
        "id": meta_id,
        "base": CASED_BASE_DIR,
        "lora_rank": opts.rank,
        "lora_scale": LORA_SCALE,
        "training": record,
    });
    meta[outputs_key] = json!(outputs);
    crate::output::write_json_atomic(&opts.out_dir.join(META_FILE), &meta)
        .with_context(|| format!("cannot write {}", opts.out_dir.join(META_FILE).display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_from_zero_then_decays_to_zero() {
        let (warmup, total) = (10, 100);
        assert_eq!(schedule(0, warmup, total), 0.0);
        assert_eq!(schedule(5, warmup, total), 0.5);
        assert_eq!(schedule(10, warmup, total), 1.0);
        assert!((schedule(55, warmup, total) - 0.5).abs() < 1e-12);
        assert!(schedule(99, warmup, total) > 0.0);
        assert_eq!(schedule(100, warmup, total), 0.0);
        // No warm-up (tiny runs): full rate from the first step.
        assert_eq!(schedule(0, 0, 5), 1.0);
    }

    #[test]
    fn the_allowed_label_loss_is_cross_entropy_for_one_label_and_shared_mass_for_several() {
        let logits = Tensor::from_slice(&[2.0f32, 0.5, -1.0, 0.0, 0.0, 1.0, 0.0, 0.0]).view([2, 4]);
        let p = logits.softmax(-1, Kind::Float);
        let prob = |r: i64, k: i64| p.double_value(&[r, k]);
        let one = |allowed: [f32; 4], weight: f32, row: usize| {
            let rows = logits.narrow(0, row as i64, 1);
            let loss = partial_label_loss(
                &rows,
                &Tensor::from_slice(&allowed).view([1, 4]),
                &Tensor::from_slice(&[weight]),
            );
            loss.double_value(&[])
        };
        // One allowed label: −log p(label), whatever the weight.
        assert!((one([1.0, 0.0, 0.0, 0.0], 3.0, 0) + prob(0, 0).ln()).abs() < 1e-5);
        // "Not speculation": −log of the mass fact, opinion and none share.
        let shared = prob(1, 0) + prob(1, 2) + prob(1, 3);
        assert!((one([1.0, 0.0, 1.0, 1.0], 1.0, 1) + shared.ln()).abs() < 1e-5);
        // Two rows: the weighted mean of the two losses.
        let both = partial_label_loss(
            &logits,
            &Tensor::from_slice(&[1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0]).view([2, 4]),
            &Tensor::from_slice(&[3.0f32, 1.0]),
        )
        .double_value(&[]);
        let expected = (3.0 * -prob(0, 0).ln() + -shared.ln()) / 4.0;
        assert!((both - expected).abs() < 1e-5);
    }
}
