//! The entity stage: mentions of people, organisations, places, dates, numbers and amounts,
//! with offsets into the sentence and a normalised value where one exists.

pub mod rules;

use crate::document::EntityType;

/// Where an entity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntitySource {
    /// The trained token-classification model.
    Model,
    /// A hand-written pattern with normalisation.
    Rule,
}

impl EntitySource {
    /// The name used in the CSV `source` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntitySource::Model => "model",
            EntitySource::Rule => "rule",
        }
    }
}

/// One entity mention. Offsets are bytes into the sentence text, end exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityMention {
    /// Byte offset of the first character in the sentence.
    pub start: usize,
    /// Byte offset one past the last character in the sentence.
    pub end: usize,
    /// Entity type.
    pub kind: EntityType,
    /// Confidence 0..1 (1 for rules, which either match or do not).
    pub confidence: f64,
    /// Model or rule.
    pub source: EntitySource,
    /// Normalised value (`2001-03`, `47`, `3500000 USD`), empty when none can be given.
    pub normalized: String,
}

/// Rule-based entities of one sentence.
pub fn rule_entities(sentence: &str) -> Vec<EntityMention> {
    rules::find_rule_entities(sentence)
        .into_iter()
        .map(|r| EntityMention {
            start: r.start,
            end: r.end,
            kind: r.kind,
            confidence: 1.0,
            source: EntitySource::Rule,
            normalized: r.normalized,
        })
        .collect()
}

/// Converts the model's entities of one sentence.
pub fn from_model(found: Vec<crate::model::ner::ModelEntity>) -> Vec<EntityMention> {
    found
        .into_iter()
        .map(|m| EntityMention {
            start: m.start,
            end: m.end,
            kind: m.kind,
            confidence: m.confidence,
            source: EntitySource::Model,
            normalized: String::new(),
        })
        .collect()
}

/// Combines model and rule entities of one sentence into one non-overlapping list in text
/// order. Model entities (names) win over overlapping rule entities, except that a rule
/// entity with a normalised value (a date, an amount) wins over a MISC guess: the checker
/// needs the value.
pub fn merge(model: Vec<EntityMention>, rules: Vec<EntityMention>) -> Vec<EntityMention> {
    let overlaps = |a: &EntityMention, b: &EntityMention| a.start < b.end && b.start < a.end;
    let mut kept: Vec<EntityMention> = Vec::with_capacity(model.len() + rules.len());
    let rule_beats = |m: &EntityMention, r: &EntityMention| {
        m.kind == EntityType::Misc && !r.normalized.is_empty()
    };
    for m in model {
        if !rules.iter().any(|r| overlaps(&m, r) && rule_beats(&m, r)) {
            kept.push(m);
        }
    }
    for r in rules {
        if !kept.iter().any(|k| overlaps(k, &r)) {
            kept.push(r);
        }
    }
    kept.sort_by_key(|e| (e.start, e.end));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(
        start: usize,
        end: usize,
        kind: EntityType,
        source: EntitySource,
        normalized: &str,
    ) -> EntityMention {
        EntityMention {
            start,
            end,
            kind,
            confidence: 1.0,
            source,
            normalized: normalized.into(),
        }
    }

    #[test]
    fn merge_prefers_names_but_keeps_dated_values_over_misc() {
        let model = vec![
            ent(0, 6, EntityType::Loc, EntitySource::Model, ""),
            ent(10, 20, EntityType::Misc, EntitySource::Model, ""),
        ];
        let rules = vec![
            ent(2, 4, EntityType::Cardinal, EntitySource::Rule, "12"),
            ent(10, 20, EntityType::Date, EntitySource::Rule, "2001-03"),
            ent(30, 32, EntityType::Cardinal, EntitySource::Rule, "47"),
        ];
        let merged = merge(model, rules);
        let kinds: Vec<_> = merged.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![EntityType::Loc, EntityType::Date, EntityType::Cardinal]
        );
    }
}
