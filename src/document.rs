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
    /// For a web page (HTML file or WARC record): where it came from and how `text` was
    /// assembled (written to texts.jsonl). `None` for documents that are their file's text.
    pub page: Option<Box<Page>>,
}

/// A web page's metadata and the layout of its document text (the title, a blank line, the
/// body).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The page's address, if known.
    pub url: String,
    /// The article's title (empty if none was found).
    pub title: String,
    /// Publication date from the page's metadata (`YYYY-MM-DD`), empty if none.
    pub published: String,
    /// Author from the page's metadata, empty if none.
    pub author: String,
    /// Byte offset of the body in the document text.
    pub body_start: usize,
    /// The WARC-Record-ID of a record, empty for files.
    pub warc_record_id: String,
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

/// Converts byte offsets of one text into character offsets.
///
/// Keeps the char count at every [`CharOffsets::STRIDE`]-th byte, so the index costs
/// 8 bytes per 256 bytes of text (a 50 MB document needs 1.6 MB, not a table per char) and
/// a lookup counts at most one stride of bytes.
#[derive(Debug, Clone)]
pub struct CharOffsets<'a> {
    text: &'a [u8],
    /// Chars that start before byte `k * STRIDE`, for every k. Empty for ASCII text.
    chars_before_stride: Vec<usize>,
}

impl<'a> CharOffsets<'a> {
    /// Bytes between two stored counts.
    pub const STRIDE: usize = 256;

    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        if text.is_ascii() {
            return CharOffsets {
                text: bytes,
                chars_before_stride: Vec::new(),
            };
        }
        let mut chars_before_stride = Vec::with_capacity(bytes.len() / Self::STRIDE + 1);
        let mut count = 0;
        for block in bytes.chunks(Self::STRIDE) {
            chars_before_stride.push(count);
            count += count_char_starts(block);
        }
        CharOffsets {
            text: bytes,
            chars_before_stride,
        }
    }

    /// Character index of the char boundary at byte offset `byte` (or the char count at the end).
    pub fn char_of(&self, byte: usize) -> usize {
        if self.chars_before_stride.is_empty() {
            return byte;
        }
        let byte = byte.min(self.text.len());
        let block = byte / Self::STRIDE;
        let Some(&before) = self.chars_before_stride.get(block) else {
            // `byte` is the end of a text whose length is a multiple of STRIDE.
            let last = self.chars_before_stride.len() - 1;
            return self.chars_before_stride[last]
                + count_char_starts(&self.text[last * Self::STRIDE..]);
        };
        before + count_char_starts(&self.text[block * Self::STRIDE..byte])
    }
}

/// Chars that start in `bytes` (every byte that is not a UTF-8 continuation byte).
fn count_char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
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

    proptest::proptest! {
        #[test]
        fn char_offsets_agree_with_char_indices_on_any_text(text in "\\PC{0,700}") {
            let idx = CharOffsets::new(&text);
            for (ci, (bi, _)) in text.char_indices().enumerate() {
                proptest::prop_assert_eq!(idx.char_of(bi), ci);
            }
            proptest::prop_assert_eq!(idx.char_of(text.len()), text.chars().count());
        }
    }

    #[test]
    fn char_offsets_agree_with_char_indices_across_strides() {
        // Mixed widths so that stride boundaries fall inside multi-byte chars too.
        let unit = "aé€😀 b";
        for repeats in [1, 37, 64, 300] {
            let text = unit.repeat(repeats);
            let idx = CharOffsets::new(&text);
            for (ci, (bi, _)) in text.char_indices().enumerate() {
                assert_eq!(idx.char_of(bi), ci, "byte {bi} of {repeats} repeats");
            }
            assert_eq!(idx.char_of(text.len()), text.chars().count());
        }
    }
}
