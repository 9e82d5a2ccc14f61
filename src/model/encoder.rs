//! Sentence encoder: WordPiece tokenisation (Hugging Face `tokenizers`) and a BERT forward
//! pass (rust-bert over tch) with mean pooling, as all-MiniLM-L6-v2 was trained.

use std::path::Path;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::{require_file, ModelError};

/// Longest input, in word pieces including `[CLS]` and `[SEP]`. Longer sentences are cut at
/// the end: the start of a news sentence carries its main clause, and the sentence still gets
/// a label. The truncation is reported per sentence.
pub const MAX_TOKENS: usize = 256;

/// A BERT encoder loaded from a directory with config.json, tokenizer.json and model.safetensors.
pub struct Encoder {
    tokenizer: Tokenizer,
    model: BertModel<BertEmbeddings>,
    // Owns the weights the model's tensors point into.
    _vars: nn::VarStore,
    hidden_size: i64,
    /// Identifier written to run.json (directory name of the weights).
    pub id: String,
}

/// A tokenised sentence, ready to be batched.
pub struct Tokenized {
    encoding: Encoding,
    /// True when the sentence was longer than [`MAX_TOKENS`] and was cut.
    pub truncated: bool,
}

impl Tokenized {
    /// Number of word pieces, special tokens included: the cost of the sentence.
    pub fn len(&self) -> usize {
        self.encoding.get_ids().len()
    }

    /// True for an encoding with no tokens (never produced: `[CLS]`/`[SEP]` are always there).
    pub fn is_empty(&self) -> bool {
        self.encoding.get_ids().is_empty()
    }
}

impl Encoder {
    /// Loads the encoder from `dir`; the weights stay frozen (inference only).
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        Self::load_on(dir, Device::Cpu, false)
    }

    /// Loads the encoder on `device`; `trainable` keeps gradients on for fine-tuning.
    pub fn load_on(dir: &Path, device: Device, trainable: bool) -> Result<Self, ModelError> {
        let config_path = dir.join("config.json");
        let tokenizer_path = dir.join("tokenizer.json");
        let weights_path = dir.join("model.safetensors");
        for p in [&config_path, &tokenizer_path, &weights_path] {
            require_file(p)?;
        }
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| ModelError::Missing {
            path: config_path.clone(),
            reason: e.to_string(),
        })?;
        let config: BertConfig = serde_json::from_str(&config_text)
            .map_err(|e| ModelError::Invalid { path: config_path.clone(), reason: e.to_string() })?;

        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| ModelError::Invalid { path: tokenizer_path.clone(), reason: e.to_string() })?;
        // The shipped tokenizer.json pads every input to 128: that would cost ~5x the compute.
        // Padding is done per batch instead.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: MAX_TOKENS,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| ModelError::Invalid { path: tokenizer_path.clone(), reason: e.to_string() })?;

        let mut vars = nn::VarStore::new(device);
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(vars.root(), &config, false);
        vars.load(&weights_path)
            .map_err(|e| ModelError::Invalid { path: weights_path.clone(), reason: e.to_string() })?;
        if !trainable {
            vars.freeze();
        }
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        Ok(Encoder { tokenizer, model, _vars: vars, hidden_size: config.hidden_size, id })
    }

    /// Width of the embeddings this encoder produces.
    pub fn hidden_size(&self) -> i64 {
        self.hidden_size
    }

    /// The variable store holding the encoder weights (for fine-tuning and saving).
    pub fn vars(&self) -> &nn::VarStore {
        &self._vars
    }

    /// Tokenises one sentence.
    pub fn tokenize(&self, text: &str) -> Result<Tokenized, ModelError> {
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| ModelError::Runtime(format!("tokenizer: {e}")))?;
        let truncated = !encoding.get_overflowing().is_empty();
        Ok(Tokenized { encoding, truncated })
    }

    /// Runs the encoder over a batch and returns mean-pooled sentence embeddings `[batch, hidden]`.
    pub fn embed(&self, batch: &[&Tokenized], train: bool) -> Result<Tensor, ModelError> {
        let (hidden, mask) = self.forward(batch, train)?;
        Ok(mean_pool(&hidden, &mask))
    }

    /// Runs the encoder over a batch, padded to its longest member. Returns the last hidden
    /// states `[batch, tokens, hidden]` and the float attention mask `[batch, tokens]`.
    pub fn forward(&self, batch: &[&Tokenized], train: bool) -> Result<(Tensor, Tensor), ModelError> {
        let device = self._vars.device();
        let longest = batch.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0i64; batch.len() * longest];
        let mut mask = vec![0i64; batch.len() * longest];
        for (row, tok) in batch.iter().enumerate() {
            for (col, &id) in tok.encoding.get_ids().iter().enumerate() {
                ids[row * longest + col] = i64::from(id);
                mask[row * longest + col] = 1;
            }
        }
        let shape = [batch.len() as i64, longest as i64];
        let ids = Tensor::from_slice(&ids).view(shape).to_device(device);
        let mask = Tensor::from_slice(&mask).view(shape).to_device(device);
        let output = self
            .model
            .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, train)
            .map_err(|e| ModelError::Runtime(e.to_string()))?;
        Ok((output.hidden_state, mask.to_kind(Kind::Float)))
    }
}

/// Average of the token states, ignoring padding: the pooling all-MiniLM-L6-v2 was trained with.
pub fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Tensor {
    let weights = mask.unsqueeze(-1);
    let summed = (hidden * &weights).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
    let counts = weights.sum_dim_intlist([1i64].as_slice(), false, Kind::Float).clamp_min(1.0);
    summed / counts
}
