//! Whole-file documents (`text` and `lines` formats): the file is the document.

use std::io::Read;

use super::{decode, FailedInput, InputItem, InputOptions};
use crate::document::Document;

/// Reads all of `reader` as one document named `name`. Never fails the stream: problems
/// become a failed item or warnings.
pub(super) fn read_whole<R: Read>(
    name: &str,
    location: &str,
    reader: R,
    presplit: bool,
    opts: &InputOptions,
) -> InputItem {
    let bytes = match decode::read_bounded(reader, opts.max_document_bytes) {
        Ok(bytes) => bytes,
        Err(e) => {
            return InputItem::Failed(FailedInput::new(
                name,
                location,
                format_args!("cannot read: {e}"),
            ))
        }
    };
    if bytes.len() > opts.max_document_bytes {
        let msg = too_large_stream(opts.max_document_bytes);
        return InputItem::Failed(FailedInput::new(name, location, msg));
    }
    match decode::decode_whole(bytes, location, opts.strict_utf8) {
        Ok(decoded) => InputItem::Document(Document {
            id: name.to_string(),
            source: location.to_string(),
            text: decoded.text,
            presplit,
            warnings: decoded.warnings,
            page: None,
        }),
        Err(error) => InputItem::Failed(FailedInput {
            id: name.to_string(),
            source: location.to_string(),
            error,
        }),
    }
}

/// The message for a document of known size over the limit.
pub(super) fn too_large(size: u64, limit: usize) -> String {
    format!(
        "document is {size} bytes, over the limit of {limit} bytes (max_document_bytes); \
         split it into smaller files or raise the limit"
    )
}

/// The message for a stream (e.g. a pipe) found to be over the limit while reading.
fn too_large_stream(limit: usize) -> String {
    format!(
        "document is larger than the limit of {limit} bytes (max_document_bytes); \
         split it into smaller files or raise the limit"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(bytes: &[u8], opts: &InputOptions) -> InputItem {
        read_whole(
            "doc.txt",
            "in/doc.txt",
            Cursor::new(bytes.to_vec()),
            false,
            opts,
        )
    }

    fn document(item: InputItem) -> Document {
        match item {
            InputItem::Document(d) => d,
            InputItem::Failed(f) => panic!("unexpected failure: {f}"),
        }
    }

    #[test]
    fn bom_is_stripped_and_crlf_kept() {
        let d = document(read(
            b"\xEF\xBB\xBFHeadline\r\n\r\nBody text.\r\n",
            &InputOptions::default(),
        ));
        assert_eq!(d.text, "Headline\r\n\r\nBody text.\r\n");
        assert_eq!(
            (d.id.as_str(), d.source.as_str()),
            ("doc.txt", "in/doc.txt")
        );
        assert!(!d.presplit && d.warnings.is_empty());
    }

    #[test]
    fn empty_and_whitespace_only_are_documents() {
        assert_eq!(document(read(b"", &InputOptions::default())).text, "");
        assert_eq!(
            document(read(b" \n\t\r\n", &InputOptions::default())).text,
            " \n\t\r\n"
        );
    }

    #[test]
    fn invalid_utf8_lossy_then_strict() {
        let d = document(read(b"The caf\xe9 opened.", &InputOptions::default()));
        assert_eq!(d.text, "The caf\u{FFFD} opened.");
        assert!(
            d.warnings[0].contains("in/doc.txt: invalid UTF-8 at byte 7 (line 1)"),
            "{:?}",
            d.warnings
        );
        let strict = InputOptions {
            strict_utf8: true,
            ..InputOptions::default()
        };
        match read(b"The caf\xe9 opened.", &strict) {
            InputItem::Failed(f) => {
                assert_eq!(f.id, "doc.txt");
                assert!(
                    f.error.starts_with("in/doc.txt: invalid UTF-8 at byte 7"),
                    "{}",
                    f.error
                );
            }
            InputItem::Document(_) => panic!("strict UTF-8 should fail"),
        }
    }

    #[test]
    fn binary_is_a_failure_naming_the_file() {
        match read(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            &InputOptions::default(),
        ) {
            InputItem::Failed(f) => {
                assert!(
                    f.error.starts_with("in/doc.txt: binary file"),
                    "{}",
                    f.error
                )
            }
            InputItem::Document(_) => panic!("binary should fail"),
        }
    }

    #[test]
    fn stream_over_the_limit_fails_and_at_the_limit_passes() {
        let opts = InputOptions {
            max_document_bytes: 4,
            ..InputOptions::default()
        };
        assert_eq!(document(read(b"abcd", &opts)).text, "abcd");
        match read(b"abcde", &opts) {
            InputItem::Failed(f) => assert!(f.error.contains("limit of 4 bytes"), "{}", f.error),
            InputItem::Document(_) => panic!("over the limit should fail"),
        }
    }
}
