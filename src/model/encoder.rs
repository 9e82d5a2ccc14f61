//! Sentence encoder: WordPiece tokenisation (Hugging Face `tokenizers`) and a BERT forward
//! pass (rust-bert over tch). The base files (config.json, tokenizer.json) come from the
//! all-MiniLM-L6-v2 directory; the weights are whatever the owning variable store loads.

use std::path::Path;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, Kind, Tensor};
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::inference::{EncoderShape, InferenceEncoder, Precision};
use super::{read_json, require_file, ModelError};

/// Longest input, in word pieces including `[CLS]` and `[SEP]`. Longer sentences are cut at
/// the end: the start of a news sentence carries its main clause, and the sentence still gets
/// a label (entities past the cut are left to the rules). The count of truncated sentences
/// is reported in run.json.
pub const MAX_TOKENS: usize = 256;

/// Casing classes fed to the entity head: the encoder is uncased, and capitalisation is the
/// strongest single cue for names. 0 is reserved for special and padding tokens.
pub const SHAPE_CLASSES: i64 = 6;

/// A BERT encoder with its tokenizer.
pub struct Encoder {
    tokenizer: Tokenizer,
    /// rust-bert's model over the owner's variable store: training and the reference
    /// forward pass. `None` for an encoder built [`Encoder::for_inference`].
    model: Option<BertModel<BertEmbeddings>>,
    hidden_size: i64,
    shape: EncoderShape,
    /// The inference pass, once weights are loaded (see [`Encoder::prepare_inference`]).
    inference: Option<InferenceEncoder>,
}

/// A tokenised sentence, ready to be batched.
pub struct Tokenized {
    encoding: Encoding,
    /// Casing class of the word each token belongs to (see [`SHAPE_CLASSES`]).
    shapes: Vec<i64>,
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

    /// Byte offsets of each token in the input text (`(0, 0)` for special tokens).
    pub fn offsets(&self) -> &[(usize, usize)] {
        self.encoding.get_offsets()
    }

    /// Vocabulary id of each token.
    pub fn ids(&self) -> &[u32] {
        self.encoding.get_ids()
    }

    /// Index of the input word each token belongs to (None for special tokens).
    pub fn word_ids(&self) -> &[Option<u32>] {
        self.encoding.get_word_ids()
    }
}

/// Casing class of a word: 1 lower, 2 Capitalised, 3 ALL CAPS, 4 number, 5 other.
pub fn word_shape(word: &str) -> i64 {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return if word.chars().any(|c| c.is_numeric()) {
            4
        } else {
            5
        };
    }
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if upper == 0 {
        1
    } else if upper == letters.len() && letters.len() > 1 {
        3
    } else if letters[0].is_uppercase() {
        2
    } else {
        1
    }
}

impl Encoder {
    /// Builds the encoder's variables under `path` (weights are loaded by the caller's store)
    /// and reads config.json and tokenizer.json from `base_dir`.
    pub fn new(path: nn::Path, base_dir: &Path) -> Result<Self, ModelError> {
        let (config, tokenizer) = read_base(base_dir)?;
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(path, &config, false);
        Ok(Self::assemble(tokenizer, Some(model), &config))
    }

    /// An encoder that only runs frozen: config.json and tokenizer.json from `base_dir`, and
    /// the inference pass built from `weight(name)` (Hugging Face BERT names). No variable
    /// store or rust-bert model is built, so the weights are never held twice.
    pub fn for_inference(
        base_dir: &Path,
        weight: impl Fn(&str) -> Result<Tensor, ModelError>,
        precision: Precision,
    ) -> Result<Self, ModelError> {
        let (config, tokenizer) = read_base(base_dir)?;
        let mut encoder = Self::assemble(tokenizer, None, &config);
        encoder.inference = Some(InferenceEncoder::from_weights(
            weight,
            encoder.shape,
            precision,
        )?);
        Ok(encoder)
    }

    /// An encoder that only tokenises (config.json and tokenizer.json of `base_dir`): for
    /// trainers that run their own forward pass.
    pub fn for_tokenizing(base_dir: &Path) -> Result<Self, ModelError> {
        let (config, tokenizer) = read_base(base_dir)?;
        Ok(Self::assemble(tokenizer, None, &config))
    }

    fn assemble(
        tokenizer: Tokenizer,
        model: Option<BertModel<BertEmbeddings>>,
        config: &BertConfig,
    ) -> Self {
        Encoder {
            tokenizer,
            model,
            hidden_size: config.hidden_size,
            shape: EncoderShape {
                heads: config.num_attention_heads,
                layers: config.num_hidden_layers as usize,
                // rust-bert builds every BERT layer norm with this epsilon.
                layer_norm_eps: 1e-12,
            },
            inference: None,
        }
    }

    /// Switches frozen forward passes to claimscan's own inference path (see
    /// [`super::inference`]) with the weights now in `vars`. Call again after the weights change.
    pub fn prepare_inference(
        &mut self,
        vars: &nn::VarStore,
        precision: Precision,
    ) -> Result<(), ModelError> {
        self.inference = Some(InferenceEncoder::from_vars(vars, self.shape, precision)?);
        Ok(())
    }

    /// Goes back to rust-bert's forward pass for every call (reference for tests).
    pub fn drop_inference(&mut self) {
        self.inference = None;
    }

    /// Layers and attention heads, from config.json.
    pub fn shape(&self) -> EncoderShape {
        self.shape
    }

    /// Width of the hidden states.
    pub fn hidden_size(&self) -> i64 {
        self.hidden_size
    }

    /// Tokenises one raw sentence.
    pub fn tokenize(&self, text: &str) -> Result<Tokenized, ModelError> {
        let (text, cut) = tokenizer_prefix(text);
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| ModelError::Runtime(format!("tokenizer: {e}")))?;
        let truncated = cut || !encoding.get_overflowing().is_empty();
        let shapes = token_shapes(&encoding, |w| {
            let spans = encoding
                .get_offsets()
                .iter()
                .zip(encoding.get_word_ids())
                .filter(|(_, id)| **id == Some(w));
            let (mut lo, mut hi) = (usize::MAX, 0);
            for (&(s, e), _) in spans {
                lo = lo.min(s);
                hi = hi.max(e);
            }
            text.get(lo..hi).map(word_shape).unwrap_or(5)
        });
        Ok(Tokenized {
            encoding,
            shapes,
            truncated,
        })
    }

    /// Tokenises a sentence given as words (CoNLL training data).
    pub fn tokenize_words(&self, words: &[&str]) -> Result<Tokenized, ModelError> {
        let encoding = self
            .tokenizer
            .encode(words.to_vec(), true)
            .map_err(|e| ModelError::Runtime(format!("tokenizer: {e}")))?;
        let truncated = !encoding.get_overflowing().is_empty();
        let shapes = token_shapes(&encoding, |w| {
            words.get(w as usize).map(|s| word_shape(s)).unwrap_or(5)
        });
        Ok(Tokenized {
            encoding,
            shapes,
            truncated,
        })
    }

    /// Runs the encoder over a batch, padded to its longest member. Returns the last hidden
    /// states `[batch, tokens, hidden]`, the float attention mask `[batch, tokens]` and the
    /// casing classes `[batch, tokens]`.
    pub fn forward(
        &self,
        batch: &[&Tokenized],
        device: tch::Device,
        train: bool,
    ) -> Result<EncodedBatch, ModelError> {
        let longest = batch.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        self.forward_padded(batch, longest, device, train)
    }

    /// Like [`Encoder::forward`], but pads every sentence to `tokens` word pieces (or to the
    /// longest, if longer), so that a sentence's padded length can depend on the sentence
    /// alone rather than on its batch.
    pub fn forward_padded(
        &self,
        batch: &[&Tokenized],
        tokens: usize,
        device: tch::Device,
        train: bool,
    ) -> Result<EncodedBatch, ModelError> {
        let longest = tokens
            .max(batch.iter().map(|t| t.len()).max().unwrap_or(0))
            .max(1);
        if batch.is_empty() {
            return Err(ModelError::Runtime("empty batch".into()));
        }
        let mut ids = vec![0i64; batch.len() * longest];
        let mut mask = vec![0i64; batch.len() * longest];
        let mut shapes = vec![0i64; batch.len() * longest];
        for (row, tok) in batch.iter().enumerate() {
            for (col, &id) in tok.encoding.get_ids().iter().enumerate() {
                ids[row * longest + col] = i64::from(id);
                mask[row * longest + col] = 1;
                shapes[row * longest + col] = tok.shapes[col];
            }
        }
        let shape = [batch.len() as i64, longest as i64];
        let ids = Tensor::from_slice(&ids).view(shape).to_device(device);
        let mask = Tensor::from_slice(&mask).view(shape).to_device(device);
        let shapes = Tensor::from_slice(&shapes).view(shape).to_device(device);
        let hidden = match &self.inference {
            Some(fast) if !train => fast.forward(&ids, &mask),
            _ => {
                let model = self.model.as_ref().ok_or_else(|| {
                    ModelError::Runtime(
                        "this encoder was built for inference only: it cannot train".into(),
                    )
                })?;
                model
                    .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, train)
                    .map_err(|e| ModelError::Runtime(e.to_string()))?
                    .hidden_state
            }
        };
        Ok(EncodedBatch {
            hidden,
            mask: mask.to_kind(Kind::Float),
            shapes,
        })
    }
}

/// Output of one encoder pass.
pub struct EncodedBatch {
    /// Last hidden states `[batch, tokens, hidden]`.
    pub hidden: Tensor,
    /// 1 for real tokens, 0 for padding `[batch, tokens]`.
    pub mask: Tensor,
    /// Casing class per token `[batch, tokens]`.
    pub shapes: Tensor,
}

impl EncodedBatch {
    /// Mean of the token states, ignoring padding: the pooling all-MiniLM-L6-v2 was trained with.
    pub fn mean_pooled(&self) -> Tensor {
        let weights = self.mask.unsqueeze(-1);
        let summed =
            (&self.hidden * &weights).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
        let counts = weights
            .sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
            .clamp_min(1.0);
        summed / counts
    }
}

/// config.json and tokenizer.json of a base encoder directory, the tokenizer set up the way
/// claimscan batches (no fixed padding, truncation at [`MAX_TOKENS`]).
fn read_base(base_dir: &Path) -> Result<(BertConfig, Tokenizer), ModelError> {
    let config: BertConfig = read_json(&base_dir.join("config.json"))?;
    let tokenizer_path = base_dir.join("tokenizer.json");
    require_file(&tokenizer_path)?;
    let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| ModelError::Invalid {
        path: tokenizer_path.clone(),
        reason: e.to_string(),
    })?;
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
        .map_err(|e| ModelError::Invalid {
            path: tokenizer_path.clone(),
            reason: e.to_string(),
        })?;
    Ok((config, tokenizer))
}

fn token_shapes(encoding: &Encoding, shape_of_word: impl Fn(u32) -> i64) -> Vec<i64> {
    let mut cache: Vec<(u32, i64)> = Vec::new();
    encoding
        .get_word_ids()
        .iter()
        .map(|w| match w {
            None => 0,
            Some(w) => {
                if let Some(&(_, s)) = cache.iter().rev().find(|(id, _)| id == w) {
                    s
                } else {
                    let s = shape_of_word(*w);
                    cache.push((*w, s));
                    s
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::word_shape;

    #[test]
    fn shapes() {
        assert_eq!(word_shape("moscow"), 1);
        assert_eq!(word_shape("Moscow"), 2);
        assert_eq!(word_shape("NATO"), 3);
        assert_eq!(word_shape("U.S."), 3);
        assert_eq!(word_shape("2001"), 4);
        assert_eq!(word_shape(","), 5);
    }
}

/// Bytes of a sentence the tokenizer reads at most. The encoder keeps a sentence's first 256
/// word pieces; a word gives at least one piece and a word over 100 characters is one unknown
/// piece, so 32 KB cut at a space always hold those 256 pieces. Tokenizing only them keeps a
/// multi-megabyte "sentence" (an unpunctuated page) from costing hundreds of bytes of tokenizer
/// state per byte (scripts/pathological.py, one_sentence).
const TOKENIZER_PREFIX_BYTES: usize = 32 * 1024;

/// The part of `text` the tokenizer reads, and whether it was cut.
fn tokenizer_prefix(text: &str) -> (&str, bool) {
    if text.len() <= TOKENIZER_PREFIX_BYTES {
        return (text, false);
    }
    let mut end = TOKENIZER_PREFIX_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Cut at the last space so no word is split; a 32 KB stretch without one is a single
    // unknown piece however it is cut.
    let end = text[..end].rfind(char::is_whitespace).unwrap_or(end);
    (&text[..end], true)
}

#[cfg(test)]
mod prefix_tests {
    use super::*;

    #[test]
    fn long_sentences_are_cut_at_a_space_on_a_char_boundary() {
        let short = "a b c";
        assert_eq!(tokenizer_prefix(short), (short, false));
        let long = "é word ".repeat(10_000);
        let (cut, was_cut) = tokenizer_prefix(&long);
        assert!(was_cut && cut.len() <= TOKENIZER_PREFIX_BYTES);
        assert!(long[cut.len()..].starts_with(char::is_whitespace));
    }
}
