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
/// order. Where they overlap, a rule entity that carries a value a checker compares (any
/// date, time, amount, percentage or quantity, and any number written in digits) wins; a
/// model name wins over a spelled-out count inside it ("Three Gorges Dam").
pub fn merge(
    sentence: &str,
    model: Vec<EntityMention>,
    rules: Vec<EntityMention>,
) -> Vec<EntityMention> {
    let overlaps = |a: &EntityMention, b: &EntityMention| a.start < b.end && b.start < a.end;
    let rule_wins = |r: &EntityMention| {
        let digits = sentence
            .get(r.start..r.end)
            .is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()));
        !matches!(r.kind, EntityType::Cardinal | EntityType::Ordinal) || digits
    };
    let mut kept: Vec<EntityMention> = rules.iter().filter(|r| rule_wins(r)).cloned().collect();
    for m in model {
        if !kept.iter().any(|k| overlaps(k, &m)) {
            kept.push(m);
        }
    }
    for r in rules.iter().filter(|r| !rule_wins(r)) {
        if !kept.iter().any(|k| overlaps(k, r)) {
            kept.push(r.clone());
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
    fn merge_keeps_values_and_names() {
        let sentence = "Three Gorges officials met in March 2001 and signed 47 articles.";
        let at = |s: &str| sentence.find(s).unwrap();
        let model = vec![
            ent(
                0,
                at(" officials"),
                EntityType::Loc,
                EntitySource::Model,
                "",
            ),
            ent(
                at("March"),
                at("March") + 5,
                EntityType::Misc,
                EntitySource::Model,
                "",
            ),
            ent(
                at("47"),
                at("47") + 2,
                EntityType::Per,
                EntitySource::Model,
                "",
            ),
        ];
        let rules = vec![
            ent(0, 5, EntityType::Cardinal, EntitySource::Rule, "3"),
            ent(
                at("March"),
                at("March") + 10,
                EntityType::Date,
                EntitySource::Rule,
                "2001-03",
            ),
            ent(
                at("47"),
                at("47") + 2,
                EntityType::Cardinal,
                EntitySource::Rule,
                "47",
            ),
        ];
        let merged = merge(sentence, model, rules);
        let kinds: Vec<_> = merged.iter().map(|e| (e.kind, e.source)).collect();
        assert_eq!(
            kinds,
            vec![
                (EntityType::Loc, EntitySource::Model),
                (EntityType::Date, EntitySource::Rule),
                (EntityType::Cardinal, EntitySource::Rule)
            ]
        );
    }
}
