//! The types every stage shares: documents, sentence spans, blocks and entity types.
//!
//! Offsets inside the pipeline are byte offsets into `Document::text` (cheap to slice);
//! the output stage turns them into character offsets (Unicode scalar values), which is what
//! the CSV contract promises. [`CharOffsets`] does that conversion.

use std::fmt;

/// One input document, as decoded from its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Stable identifier: relative path for text files, the id field for jsonl/csv.
    pub id: String,
    /// Where it came from, for error messages: `path` or `path:line`.
    pub source: String,
    /// The decoded text. Every offset in the output points into this string.
    pub text: String,
    /// True when each non-empty line is already one sentence (`--input-format lines`).
    pub presplit: bool,
    /// Problems that did not stop processing (e.g. invalid UTF-8 replaced).
    pub warnings: Vec<String>,
}

/// What kind of text block a sentence belongs to. Checkers skip everything but `Body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Block {
    /// Running prose.
    Body,
    /// A title or section heading.
    Heading,
    /// An item of a bulleted or numbered list.
    ListItem,
    /// Navigation, link lists, share buttons, calls to action.
    Boilerplate,
}

impl Block {
    /// The name used in the CSV `block` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Block::Body => "body",
            Block::Heading => "heading",
            Block::ListItem => "list_item",
            Block::Boilerplate => "boilerplate",
        }
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sentence found by the segmenter: byte offsets into the document text, end exclusive.
/// Spans are non-empty, trimmed of whitespace and markup, in order and never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// The block the sentence belongs to.
    pub block: Block,
}

/// Entity types: the first four come from the NER model, the rest from rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    /// Person.
    Per,
    /// Organisation.
    Org,
    /// Location.
    Loc,
    /// Other named entity (nationalities, events, titles).
    Misc,
    /// Calendar date or period (`March 2001`, `last year`).
    Date,
    /// Time of day (`10 a.m.`).
    Time,
    /// Amount of money (`$3.5 million`).
    Money,
    /// Percentage (`12%`).
    Percent,
    /// Measured amount with a unit (`300 km`).
    Quantity,
    /// Count (`47 articles`).
    Cardinal,
    /// Rank (`first`, `3rd`).
    Ordinal,
}

impl EntityType {
    /// The name used in the CSV `type` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Misc => "MISC",
            EntityType::Date => "DATE",
            EntityType::Time => "TIME",
            EntityType::Money => "MONEY",
            EntityType::Percent => "PERCENT",
            EntityType::Quantity => "QUANTITY",
            EntityType::Cardinal => "CARDINAL",
            EntityType::Ordinal => "ORDINAL",
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Converts byte offsets of one text into character offsets, in O(log n) per lookup.
#[derive(Debug, Clone)]
pub struct CharOffsets {
    /// Byte offset of every char boundary that is not also an ASCII position, with its char index.
    /// Empty for pure ASCII text, where byte and char offsets agree.
    multibyte: Vec<(usize, usize)>,
    ascii: bool,
}

impl CharOffsets {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharOffsets {
                multibyte: Vec::new(),
                ascii: true,
            };
        }
        let multibyte = text
            .char_indices()
            .enumerate()
            .map(|(ci, (bi, _))| (bi, ci))
            .collect();
        CharOffsets {
            multibyte,
            ascii: false,
        }
    }

    /// Character index of the char boundary at byte offset `byte` (or the char count at the end).
    pub fn char_of(&self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        match self.multibyte.binary_search_by_key(&byte, |&(b, _)| b) {
            Ok(i) => self.multibyte[i].1,
            // Past the last char: the end of the text.
            Err(i) => self
                .multibyte
                .get(i)
                .map(|&(_, c)| c)
                .unwrap_or(self.multibyte.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_ascii_and_multibyte() {
        let ascii = CharOffsets::new("abc");
        assert_eq!(ascii.char_of(2), 2);
        let text = "Zürich — Tehran";
        let idx = CharOffsets::new(text);
        let t = text.find("Tehran").unwrap();
        assert_eq!(idx.char_of(t), 9);
        assert_eq!(idx.char_of(text.len()), text.chars().count());
    }
}
