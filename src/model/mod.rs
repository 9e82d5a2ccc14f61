//! The model stage: one transformer pass per sentence, and the trained heads on top of it.
//!
//! [`encoder::Encoder`] turns sentences into mean-pooled embeddings with rust-bert's
//! `BertModel` over local weights; [`heads::SentenceHeads`] turns embeddings into
//! opinion / speculation / check-worthiness probabilities. Nothing is ever fetched from the
//! network: every file is read from the models directory.

pub mod encoder;
pub mod heads;

use std::path::{Path, PathBuf};

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

/// Subdirectory of the models directory that holds the base encoder.
pub const ENCODER_DIR: &str = "all-MiniLM-L6-v2";
/// Subdirectory of the models directory that holds the trained sentence heads.
pub const HEADS_DIR: &str = "sentence-heads";

/// Checks that a required file exists before anything heavy is loaded.
pub(crate) fn require_file(path: &Path) -> Result<(), ModelError> {
    if path.is_file() {
        Ok(())
    } else {
        Err(ModelError::Missing { path: path.to_path_buf(), reason: "no such file".into() })
    }
}

/// Sentences per encoder call. Measured on 2 cores: 32 beats 64 (less padding per batch).
pub const BATCH_SIZE: usize = 32;

/// Embeds `texts` in length-sorted batches (padding kept small) and returns `[texts, hidden]`
/// in input order, plus which texts were truncated. `on_batch` is told how many texts each
/// finished batch held (for progress bars).
pub fn embed_all(
    encoder: &encoder::Encoder,
    texts: &[&str],
    batch_size: usize,
    mut on_batch: impl FnMut(usize),
) -> Result<(tch::Tensor, Vec<bool>), ModelError> {
    let _guard = tch::no_grad_guard();
    let tokenized = texts.iter().map(|t| encoder.tokenize(t)).collect::<Result<Vec<_>, _>>()?;
    let mut order: Vec<usize> = (0..texts.len()).collect();
    // Stable sort: ties keep input order, so batches (and results) do not depend on anything else.
    order.sort_by_key(|&i| tokenized[i].len());
    let mut rows: Vec<Option<tch::Tensor>> = (0..texts.len()).map(|_| None).collect();
    for chunk in order.chunks(batch_size.max(1)) {
        let batch: Vec<&encoder::Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
        let embedded = encoder.embed(&batch, false)?;
        for (k, &i) in chunk.iter().enumerate() {
            rows[i] = Some(embedded.get(k as i64));
        }
        on_batch(chunk.len());
    }
    let truncated = tokenized.iter().map(|t| t.truncated).collect();
    let rows: Vec<tch::Tensor> = rows.into_iter().flatten().collect();
    if rows.is_empty() {
        return Ok((tch::Tensor::zeros([0, encoder.hidden_size()], (tch::Kind::Float, tch::Device::Cpu)), truncated));
    }
    Ok((tch::Tensor::stack(&rows, 0), truncated))
}
