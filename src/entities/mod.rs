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
