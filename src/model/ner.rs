//! Entity head: a BIO tagger over every word piece of the shared encoder pass, with a casing
//! embedding added to each token state (the encoder is uncased).

use tch::{nn, nn::Module, Kind, Tensor};

use super::encoder::{Tokenized, SHAPE_CLASSES};
use crate::document::EntityType;

/// Tag set, in the order of the head's outputs.
pub const TAGS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// Index of a tag name in [`TAGS`].
pub fn tag_index(tag: &str) -> Option<i64> {
    TAGS.iter().position(|t| *t == tag).map(|i| i as i64)
}

/// Entity type of tag index `i` (None for `O`).
pub(crate) fn tag_type(i: usize) -> Option<(bool, EntityType)> {
    let kind = match i {
        1 | 2 => EntityType::Per,
        3 | 4 => EntityType::Org,
        5 | 6 => EntityType::Loc,
        7 | 8 => EntityType::Misc,
        _ => return None,
    };
    Some((i % 2 == 1, kind))
}

/// An entity the model found. Offsets are bytes into the sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelEntity {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// PER, ORG, LOC or MISC.
    pub kind: EntityType,
    /// Mean probability of the chosen tags over the entity's tokens.
    pub confidence: f64,
}

/// The tagging head.
pub struct NerHead {
    shape_embedding: nn::Embedding,
    classifier: nn::Linear,
}

impl NerHead {
    /// Creates the head's variables under `path`.
    pub fn new(path: nn::Path, hidden_size: i64) -> Self {
        NerHead {
            shape_embedding: nn::embedding(
                &path / "shape",
                SHAPE_CLASSES,
                hidden_size,
                Default::default(),
            ),
            classifier: nn::linear(
                &path / "classifier",
                hidden_size,
                TAGS.len() as i64,
                Default::default(),
            ),
        }
    }

    /// Tag logits `[batch, tokens, tags]` for hidden states and casing classes.
    pub fn logits(&self, hidden: &Tensor, shapes: &Tensor, train: bool) -> Tensor {
        let x = (hidden + self.shape_embedding.forward(shapes)).dropout(0.1, train);
        self.classifier.forward(&x)
    }

    /// Like [`NerHead::logits`] without dropout, computed so that a sentence's logits do not
    /// depend on the other sentences of the batch (see `linear_per_item` in the model module): for
    /// inference.
    pub fn logits_per_item(&self, hidden: &Tensor, shapes: &Tensor) -> Tensor {
        let x = hidden + self.shape_embedding.forward(shapes);
        super::linear_per_item(&x, &self.classifier)
    }
}

/// Turns per-token tag probabilities `[tokens, tags]` (one sentence, padding included) into
/// entities. An `I-` tag that does not continue an entity of its type starts one, and spans
/// are widened to whole words so an entity never ends inside a word.
pub fn decode(tokens: &Tokenized, probs: &Tensor, sentence: &str) -> Vec<ModelEntity> {
    let n = tokens.len() as i64;
    let probs = probs.narrow(0, 0, n).to_kind(Kind::Double);
    let rows: Vec<Vec<f64>> = Vec::try_from(probs).unwrap_or_default();
    let offsets = tokens.offsets();
    let word_ids = tokens.word_ids();
    let real: Vec<bool> = (0..rows.len())
        .map(|t| word_ids.get(t).copied().flatten().is_some())
        .collect();
    let best_i = constrained_tags(&rows, &real);
    let best_p: Vec<f64> = best_i
        .iter()
        .zip(&rows)
        .map(|(&i, row)| type_probability(row, i as usize))
        .collect();
    let mut out: Vec<ModelEntity> = Vec::new();
    let mut current: Option<(ModelEntity, usize)> = None; // entity, token count
    for t in 0..best_i.len() {
        if !real[t] {
            continue; // special tokens
        }
        let tag = tag_type(best_i[t] as usize);
        let (s, e) = offsets[t];
        let continues = matches!((&current, tag), (Some((cur, _)), Some((false, k))) if cur.kind == k)
            // A word piece inside the current word always belongs to the entity it started.
            || matches!(&current, Some((cur, _)) if s == cur.end && s > 0 && is_word_char(sentence, s));
        if continues {
            if let Some((cur, count)) = current.as_mut() {
                cur.end = e.max(cur.end);
                cur.confidence += best_p[t];
                *count += 1;
            }
            continue;
        }
        if let Some((cur, count)) = current.take() {
            out.push(finish(cur, count));
        }
        if let Some((_, kind)) = tag {
            current = Some((
                ModelEntity {
                    start: s,
                    end: e,
                    kind,
                    confidence: best_p[t],
                },
                1,
            ));
        }
    }
    if let Some((cur, count)) = current.take() {
        out.push(finish(cur, count));
    }
    out.retain(|e| e.confidence >= MIN_ENTITY_CONFIDENCE);
    let mut cleaned: Vec<ModelEntity> = Vec::with_capacity(out.len());
    for mut ent in out {
        widen_to_word(sentence, &mut ent);
        if !trim_punctuation(sentence, &mut ent) {
            continue;
        }
        // Widening can make neighbours overlap: keep the more confident one.
        match cleaned.last_mut() {
            Some(prev) if prev.end > ent.start => {
                if ent.confidence > prev.confidence {
                    *prev = ent;
                }
            }
            _ => cleaned.push(ent),
        }
    }
    cleaned
}

/// Entities whose confidence (the mean [`type_probability`] over their word pieces) falls below
/// this are dropped. On CoNLL-2003 eng.testa (int8; set this, rebuild, run `claimscan eval ner
/// ../shared/data/ner/eng.testa`) span F1 was 0.9252 at 0 and 0.2, 0.9254 at 0.3, 0.9263 at
/// 0.4, 0.9276 at 0.5, 0.9275 at 0.6, 0.9265 at 0.7: precision rises, recall falls. It also
/// removes junk such as `Guide` (ORG, 0.15) in a page's link list.
pub const MIN_ENTITY_CONFIDENCE: f64 = 0.5;

/// The word ids of a tokenized word list in which the sentence of interest occupies words
/// `offset..offset + len` (the rest is context): ids relative to the sentence, `None` for
/// special tokens and context pieces.
pub fn sentence_word_ids(word_ids: &[Option<u32>], offset: usize, len: usize) -> Vec<Option<u32>> {
    word_ids
        .iter()
        .map(|w| {
            let w = (*w)? as usize;
            (offset..offset + len)
                .contains(&w)
                .then(|| (w - offset) as u32)
        })
        .collect()
}

/// How sure the model is of what tag `tag` says about a piece: for an entity tag, the
/// probability of its type in either position (`B-` plus `I-`), so that a piece the model reads
/// as the continuation of an entity, decoded as its start because BIO requires it, still
/// counts as confidently typed; for `O`, the probability of `O`.
pub fn type_probability(row: &[f64], tag: usize) -> f64 {
    let p = |i: usize| row.get(i).copied().unwrap_or(0.0);
    match tag {
        0 => p(0),
        // Tags come in pairs: B- at an odd index, its I- right after.
        t if t % 2 == 1 => p(t) + p(t + 1),
        t => p(t - 1) + p(t),
    }
}

/// Whether tag `next` may follow tag `previous` (`None`: sentence start) in BIO: an `I-`
/// tag only continues a `B-` or `I-` of its own type.
fn may_follow(previous: Option<usize>, next: usize) -> bool {
    match tag_type(next) {
        Some((false, kind)) => {
            matches!(previous.and_then(tag_type), Some((_, before)) if before == kind)
        }
        _ => true,
    }
}

/// The most probable tag sequence over the real word pieces (Viterbi on log probabilities)
/// that obeys BIO (`may_follow`); special tokens get tag 0 (`O`) and are skipped. Greedy
/// per-piece argmax can emit `I-ORG` after `B-PER`, which splits or mistypes an entity.
pub fn constrained_tags(rows: &[Vec<f64>], real: &[bool]) -> Vec<i64> {
    let mut tags = vec![0i64; rows.len()];
    let positions: Vec<usize> = (0..rows.len()).filter(|&t| real[t]).collect();
    let Some(&first) = positions.first() else {
        return tags;
    };
    let width = rows[first].len();
    let log = |p: f64| p.max(1e-12).ln();
    let mut score: Vec<f64> = (0..width)
        .map(|k| {
            if may_follow(None, k) {
                log(rows[first][k])
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(positions.len());
    for &t in &positions[1..] {
        let mut next = vec![f64::NEG_INFINITY; width];
        let mut from = vec![0usize; width];
        for k in 0..width {
            for (j, &prev) in score.iter().enumerate() {
                if prev > next[k] && may_follow(Some(j), k) {
                    next[k] = prev;
                    from[k] = j;
                }
            }
            next[k] += log(rows[t][k]);
        }
        back.push(from);
        score = next;
    }
    let mut best = (0..width)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    for (step, &t) in positions.iter().enumerate().rev() {
        tags[t] = best as i64;
        if step > 0 {
            best = back[step - 1][best];
        }
    }
    tags
}

/// Drops punctuation the tokenizer attached to the edges of an entity (`texts,` `"Moscow`),
/// keeping the final dot of abbreviations (`U.S.`, `Inc.`). Returns false if nothing is left.
pub(crate) fn trim_punctuation(text: &str, e: &mut ModelEntity) -> bool {
    while let Some(c) = text.get(e.start..e.end).and_then(|s| s.chars().next()) {
        if c.is_alphanumeric() {
            break;
        }
        e.start += c.len_utf8();
    }
    while let Some(c) = text.get(e.start..e.end).and_then(|s| s.chars().next_back()) {
        if c.is_alphanumeric() {
            break;
        }
        if c == '.' && is_abbreviation_dot(&text[e.start..e.end - 1]) {
            break;
        }
        e.end -= c.len_utf8();
    }
    e.start < e.end
}

/// True when a `.` after `before` closes an abbreviation: a single capital letter (`U.S`), or a
/// name suffix (`Inc`, `Corp`, `Jr`).
fn is_abbreviation_dot(before: &str) -> bool {
    const SUFFIXES: [&str; 9] = ["Inc", "Corp", "Co", "Ltd", "Jr", "Sr", "Bros", "St", "Mt"];
    let start = before
        .rfind(|c: char| !c.is_alphabetic())
        .map(|i| i + 1)
        .unwrap_or(0);
    let word = &before[start..];
    let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    single_capital || SUFFIXES.contains(&word)
}

fn finish(mut e: ModelEntity, count: usize) -> ModelEntity {
    e.confidence /= count.max(1) as f64;
    e
}

fn is_word_char(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .is_some_and(|c| c.is_alphanumeric())
}

fn widen_to_word(text: &str, e: &mut ModelEntity) {
    while e.start > 0 {
        let Some(prev) = text.get(..e.start).and_then(|s| s.chars().next_back()) else {
            break;
        };
        if !prev.is_alphanumeric() {
            break;
        }
        e.start -= prev.len_utf8();
    }
    while let Some(next) = text.get(e.end..).and_then(|s| s.chars().next()) {
        if !next.is_alphanumeric() {
            break;
        }
        e.end += next.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One probability row per piece, putting `p` on `tag` and the rest spread evenly.
    fn row(tag: usize, p: f64) -> Vec<f64> {
        (0..TAGS.len())
            .map(|k| {
                if k == tag {
                    p
                } else {
                    (1.0 - p) / (TAGS.len() - 1) as f64
                }
            })
            .collect()
    }

    #[test]
    fn context_pieces_have_no_sentence_word() {
        // [CLS] ctx ctx | w0 w0 w1 | ctx [SEP], the sentence being words 2..4.
        let ids = [
            None,
            Some(0),
            Some(1),
            Some(2),
            Some(2),
            Some(3),
            Some(4),
            None,
        ];
        assert_eq!(
            sentence_word_ids(&ids, 2, 2),
            [None, None, None, Some(0), Some(0), Some(1), None, None]
        );
        assert_eq!(sentence_word_ids(&ids, 0, 5)[1..7], ids[1..7]);
    }

    #[test]
    fn constrained_tags_never_continue_another_type() {
        // Greedy argmax would read B-PER, I-ORG, O: an I-ORG continuing a person.
        let rows = vec![row(0, 0.9), row(1, 0.6), row(4, 0.5), row(0, 0.9)];
        let real = [false, true, true, false];
        let tags = constrained_tags(&rows, &real);
        assert_eq!(tags[0], 0);
        assert_eq!(tags[3], 0);
        for w in tags[1..3].windows(2) {
            assert!(may_follow(Some(w[0] as usize), w[1] as usize), "{tags:?}");
        }
        // A sentence cannot open with an I- tag either.
        let tags = constrained_tags(&[row(2, 0.8)], &[true]);
        assert!(may_follow(None, tags[0] as usize));
        // Confident, valid sequences are left alone.
        let tags = constrained_tags(&[row(3, 0.9), row(4, 0.9), row(0, 0.9)], &[true; 3]);
        assert_eq!(tags, vec![3, 4, 0]);
    }

    #[test]
    fn type_probability_adds_both_positions_of_the_type() {
        // O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC, B-MISC, I-MISC
        let row = [0.02, 0.0, 0.0, 0.01, 0.95, 0.01, 0.01, 0.0, 0.0];
        // Decoded as B-ORG (BIO forbids I-ORG after O), the piece is still surely an ORG.
        assert!((type_probability(&row, 3) - 0.96).abs() < 1e-12);
        assert!((type_probability(&row, 4) - 0.96).abs() < 1e-12);
        assert!((type_probability(&row, 0) - 0.02).abs() < 1e-12);
    }

    #[test]
    fn tag_indices_round_trip() {
        for (i, t) in TAGS.iter().enumerate() {
            assert_eq!(tag_index(t), Some(i as i64));
        }
        assert_eq!(tag_type(3), Some((true, EntityType::Org)));
        assert_eq!(tag_type(0), None);
    }

    #[test]
    fn punctuation_is_trimmed_but_abbreviations_kept() {
        let text = "\"Moscow, U.S. and Acme Inc. met.";
        let mut e = ModelEntity {
            start: 0,
            end: 8,
            kind: EntityType::Loc,
            confidence: 1.0,
        };
        assert!(trim_punctuation(text, &mut e));
        assert_eq!(&text[e.start..e.end], "Moscow");
        let inc = text.find("Acme Inc.").unwrap();
        let mut e = ModelEntity {
            start: inc,
            end: inc + 9,
            kind: EntityType::Org,
            confidence: 1.0,
        };
        assert!(trim_punctuation(text, &mut e));
        assert_eq!(&text[e.start..e.end], "Acme Inc.");
        let us = text.find("U.S.").unwrap();
        let mut e = ModelEntity {
            start: us,
            end: us + 4,
            kind: EntityType::Loc,
            confidence: 1.0,
        };
        assert!(trim_punctuation(text, &mut e));
        assert_eq!(&text[e.start..e.end], "U.S.");
        let mut e = ModelEntity {
            start: 1,
            end: 1 + "Moscow,".len(),
            kind: EntityType::Loc,
            confidence: 1.0,
        };
        trim_punctuation(text, &mut e);
        assert_eq!(&text[e.start..e.end], "Moscow");
    }

    #[test]
    fn widening_keeps_char_boundaries() {
        let text = "Zürichs Bank";
        let mut e = ModelEntity {
            start: 1,
            end: 3,
            kind: EntityType::Loc,
            confidence: 1.0,
        };
        widen_to_word(text, &mut e);
        assert_eq!(&text[e.start..e.end], "Zürichs");
    }
}
