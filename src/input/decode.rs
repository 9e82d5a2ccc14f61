//! Bytes to text: byte-order marks, UTF-16, binary detection and invalid UTF-8.
//!
//! Offsets downstream point into the text as decoded here, so decoding never normalises
//! anything else (CRLF stays CRLF; later stages treat `\r` as whitespace).

use std::io::{self, Cursor, Read};

/// How many leading bytes are inspected to tell binary from text.
pub(super) const SNIFF_BYTES: usize = 8192;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Text decoded from a whole file, with problems that did not stop it.
#[derive(Debug)]
pub(super) struct Decoded {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Why the leading bytes look binary, if they do.
pub(super) fn binary_reason(prefix: &[u8]) -> Option<&'static str> {
    let prefix = &prefix[..prefix.len().min(SNIFF_BYTES)];
    if prefix.contains(&0) {
        return Some("binary file (it contains NUL bytes; if it is UTF-16 without a byte-order mark, convert it to UTF-8)");
    }
    // Text may hold the odd stray control character; a file that is mostly control bytes is not text.
    let control = prefix.iter().filter(|&&b| is_binary_control(b)).count();
    if control > 0 && control * 10 > prefix.len() {
        return Some("binary file (more than 10% of its first bytes are control characters)");
    }
    None
}

fn is_binary_control(b: u8) -> bool {
    // Tab, newlines, vertical tab, form feed and escape (ANSI colour codes) occur in real text.
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1b)) || b == 0x7f
}

/// Decodes a whole document: BOM-aware (UTF-8, UTF-16LE/BE), binary-checked, lossy unless `strict`.
/// `source` names the file in messages. An `Err` is the message of a failed item.
pub(super) fn decode_whole(bytes: Vec<u8>, source: &str, strict: bool) -> Result<Decoded, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, u16::from_le_bytes, "UTF-16LE", source, strict);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, u16::from_be_bytes, "UTF-16BE", source, strict);
    }
    if let Some(reason) = binary_reason(&bytes) {
        return Err(format!("{source}: {reason}"));
    }
    let bom = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let mut bytes = bytes;
    bytes.drain(..bom);
    let (text, problem) = decode_utf8(bytes, bom as u64, 1, source, strict)?;
    Ok(Decoded {
        text,
        warnings: problem.into_iter().collect(),
    })
}

/// Decodes UTF-8 that starts at file byte `base_offset` on physical line `base_line`.
/// Returns the text and a warning when bad sequences were replaced; in `strict` mode they
/// are an error. Messages name the file offset and line of the first bad sequence.
pub(super) fn decode_utf8(
    bytes: Vec<u8>,
    base_offset: u64,
    base_line: u64,
    source: &str,
    strict: bool,
) -> Result<(String, Option<String>), String> {
    // The common case costs no copy.
    let err = match String::from_utf8(bytes) {
        Ok(text) => return Ok((text, None)),
        Err(err) => err,
    };
    let bytes = err.into_bytes();
    let Some(bad) = Utf8Problem::find(&bytes, base_offset, base_line) else {
        return Ok((String::from_utf8_lossy(&bytes).into_owned(), None));
    };
    if strict {
        return Err(bad.error(source));
    }
    Ok((
        String::from_utf8_lossy(&bytes).into_owned(),
        Some(bad.warning(source)),
    ))
}

/// Where the first invalid UTF-8 sequence of some bytes is, and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Utf8Problem {
    /// File byte offset of the first bad sequence.
    pub offset: u64,
    /// Physical line of the first bad sequence.
    pub line: u64,
    /// Number of bad sequences (each becomes one U+FFFD).
    pub count: usize,
}

impl Utf8Problem {
    /// Looks for invalid UTF-8 in `bytes`, which start at file byte `base_offset` on line `base_line`.
    pub(super) fn find(bytes: &[u8], base_offset: u64, base_line: u64) -> Option<Self> {
        let first_bad = match std::str::from_utf8(bytes) {
            Ok(_) => return None,
            Err(e) => e.valid_up_to(),
        };
        let line = base_line + bytes[..first_bad].iter().filter(|&&b| b == b'\n').count() as u64;
        let count = bytes[first_bad..]
            .utf8_chunks()
            .filter(|c| !c.invalid().is_empty())
            .count();
        Some(Utf8Problem {
            offset: base_offset + first_bad as u64,
            line,
            count,
        })
    }

    /// The message of a failed item under strict UTF-8.
    pub(super) fn error(&self, source: &str) -> String {
        format!(
            "{source}: invalid UTF-8 at byte {} (line {}); convert the file to UTF-8 \
             (e.g. iconv -f windows-1252 -t utf-8), or turn off strict UTF-8 to replace bad bytes with U+FFFD",
            self.offset, self.line
        )
    }

    /// The warning on a document whose bad bytes were replaced.
    pub(super) fn warning(&self, source: &str) -> String {
        format!(
            "{source}: invalid UTF-8 at byte {} (line {}); {} bad sequence{} replaced with U+FFFD \
             (convert the file to UTF-8 to keep the original characters)",
            self.offset,
            self.line,
            self.count,
            if self.count == 1 { "" } else { "s" }
        )
    }
}

fn decode_utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    name: &str,
    source: &str,
    strict: bool,
) -> Result<Decoded, String> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    // Byte offset in the file (BOM included) of the first unit that did not decode.
    let mut first_bad: Option<usize> = None;
    let mut unit_index = 0usize;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                unit_index += c.len_utf16();
                text.push(c);
            }
            Err(_) => {
                first_bad.get_or_insert(2 + unit_index * 2);
                unit_index += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if bytes.len() % 2 == 1 {
        first_bad.get_or_insert(1 + bytes.len());
        text.push(char::REPLACEMENT_CHARACTER);
    }
    let Some(offset) = first_bad else {
        return Ok(Decoded {
            text,
            warnings: Vec::new(),
        });
    };
    if strict {
        return Err(format!(
            "{source}: invalid {name} at byte {offset}; convert the file to UTF-8"
        ));
    }
    let warning =
        format!("{source}: invalid {name} at byte {offset}; bad code units replaced with U+FFFD");
    Ok(Decoded {
        text,
        warnings: vec![warning],
    })
}

/// Prepares a record stream (jsonl, csv): refuses binary and UTF-16 input (records are
/// decoded line by line as UTF-8) and drops a UTF-8 BOM. The reader it returns yields the
/// same bytes otherwise, with the number of BOM bytes dropped (so messages can give file
/// offsets). An `Err` is the message (without the source) for one failed item.
pub(super) fn sniff_stream<R: Read + Send + 'static>(
    mut reader: R,
) -> Result<(Box<dyn Read + Send>, u64), String> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    if let Err(e) = (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
    {
        return Err(format!("cannot read: {e}"));
    }
    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        return Err(
            "file is UTF-16; records are read as UTF-8: convert it (e.g. iconv -f utf-16 -t utf-8)"
                .into(),
        );
    }
    if let Some(reason) = binary_reason(&prefix) {
        return Err(reason.to_string());
    }
    let bom = if prefix.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    prefix.drain(..bom);
    Ok((Box::new(Cursor::new(prefix).chain(reader)), bom as u64))
}

/// Reads at most `limit + 1` bytes, so the caller can tell "exactly at the limit" from "over it".
pub(super) fn read_bounded<R: Read>(reader: R, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom_and_keeps_crlf() {
        let d = decode_whole(b"\xEF\xBB\xBFOne.\r\nTwo.\r\n".to_vec(), "f.txt", false).unwrap();
        assert_eq!(d.text, "One.\r\nTwo.\r\n");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning_naming_offset_and_line() {
        let d = decode_whole(b"ok\nCaf\xe9 and na\xefve\n".to_vec(), "f.txt", false).unwrap();
        assert_eq!(d.text, "ok\nCaf\u{FFFD} and na\u{FFFD}ve\n");
        let w = &d.warnings[0];
        assert!(
            w.starts_with("f.txt: invalid UTF-8 at byte 6 (line 2); 2 bad sequences"),
            "{w}"
        );
    }

    #[test]
    fn invalid_utf8_offset_counts_the_bom() {
        let d = decode_whole(b"\xEF\xBB\xBFab\xff".to_vec(), "f.txt", false).unwrap();
        assert!(
            d.warnings[0].contains("at byte 5 (line 1)"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn strict_utf8_fails() {
        let err = decode_whole(b"abc\n\xc3(".to_vec(), "f.txt", true).unwrap_err();
        assert!(
            err.starts_with("f.txt: invalid UTF-8 at byte 4 (line 2)"),
            "{err}"
        );
    }

    #[test]
    fn nul_bytes_and_control_noise_are_binary() {
        let err = decode_whole(b"PK\x03\x04\x00\x00zip".to_vec(), "a.txt", false).unwrap_err();
        assert!(err.starts_with("a.txt: binary file"), "{err}");
        let noise: Vec<u8> = (0..100u8)
            .map(|i| if i % 3 == 0 { 0x01 } else { b'a' })
            .collect();
        assert!(binary_reason(&noise)
            .unwrap()
            .contains("control characters"));
        // A stray control character in real text is not enough.
        let mut text = b"A line of ordinary text. ".repeat(10);
        text.push(0x07);
        assert!(binary_reason(&text).is_none());
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Zürich\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_whole(le, "f.txt", false).unwrap().text, "Zürich\r\n");
        let mut be = vec![0xFE, 0xFF];
        be.extend("Tehran".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode_whole(be, "f.txt", false).unwrap().text, "Tehran");
    }

    #[test]
    fn broken_utf16_is_lossy_or_strict() {
        // A lone high surrogate, then an odd trailing byte.
        let bytes = vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c'];
        let d = decode_whole(bytes.clone(), "f.txt", false).unwrap();
        assert_eq!(d.text, "a\u{FFFD}b\u{FFFD}");
        assert!(
            d.warnings[0].contains("invalid UTF-16LE at byte 4"),
            "{:?}",
            d.warnings
        );
        assert!(decode_whole(bytes, "f.txt", true).is_err());
    }

    #[test]
    fn stream_sniffing_drops_bom_and_refuses_binary() {
        let mut out = String::new();
        let (mut reader, bom) = sniff_stream(Cursor::new(b"\xEF\xBB\xBF{}\n".to_vec())).unwrap();
        assert_eq!(bom, 3);
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, "{}\n");
        assert!(sniff_stream(Cursor::new(b"\x00\x01".to_vec())).is_err());
        let utf16 = sniff_stream(Cursor::new(b"\xFF\xFEa\x00".to_vec()));
        assert!(matches!(utf16, Err(msg) if msg.contains("UTF-16")));
    }
}
