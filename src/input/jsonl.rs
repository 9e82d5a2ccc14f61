//! JSON Lines: one JSON object per line, one document per object, read line by line.

use std::io::{self, BufRead, BufReader, Read};

use serde_json::{Map, Value};

use super::{decode, FailedInput, InputItem, InputOptions};
use crate::document::Document;

/// Iterator over the records of one JSON Lines stream.
pub(super) struct JsonlRecords<R: Read> {
    reader: BufReader<R>,
    name: String,
    location: String,
    opts: InputOptions,
    /// Physical line number of the next line to read (1-based).
    line: u64,
    /// File byte offset of the next line, for UTF-8 error messages.
    offset: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: Read> JsonlRecords<R> {
    /// Records of `reader`, which must already be past any BOM (see `decode::sniff_stream`);
    /// `start_offset` is the file offset of its first byte.
    pub(super) fn new(
        name: &str,
        location: &str,
        reader: R,
        start_offset: u64,
        opts: &InputOptions,
    ) -> Self {
        JsonlRecords {
            reader: BufReader::new(reader),
            name: name.to_string(),
            location: location.to_string(),
            opts: opts.clone(),
            line: 1,
            offset: start_offset,
            buf: Vec::new(),
            done: false,
        }
    }

    /// Turns one non-blank line into an item.
    fn record(&self, bytes: Vec<u8>, line: u64, offset: u64) -> InputItem {
        let fallback_id = format!("{}:{line}", self.name);
        let source = format!("{}:{line}", self.location);
        let fail = |msg: String| {
            InputItem::Failed(FailedInput::new(fallback_id.clone(), source.clone(), msg))
        };
        let (json, utf8_warning) =
            match decode::decode_utf8(bytes, offset, line, &self.location, self.opts.strict_utf8) {
                Ok(decoded) => decoded,
                Err(error) => {
                    return InputItem::Failed(FailedInput {
                        id: fallback_id,
                        source,
                        error,
                    })
                }
            };
        let mut object = match serde_json::from_str::<Value>(&json) {
            Ok(Value::Object(object)) => object,
            Ok(other) => {
                return fail(format!(
                    "line is {} in JSON, not an object; each line must be one object like {{\"{}\": \"…\", \"{}\": \"…\"}}",
                    kind(&other),
                    self.opts.id_field,
                    self.opts.text_field
                ))
            }
            Err(e) => return fail(invalid_json(&e)),
        };
        let mut warnings: Vec<String> = utf8_warning.into_iter().collect();
        let id = match object.get(&self.opts.id_field) {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            None | Some(Value::Null) => fallback_id.clone(),
            Some(Value::String(_)) => {
                warnings.push(format!(
                    "{source}: field \"{}\" is empty; using {fallback_id}",
                    self.opts.id_field
                ));
                fallback_id.clone()
            }
            Some(other) => {
                warnings.push(format!(
                    "{source}: field \"{}\" is {}, not a string or number; using {fallback_id}",
                    self.opts.id_field,
                    kind(other)
                ));
                fallback_id.clone()
            }
        };
        let fail =
            |msg: String| InputItem::Failed(FailedInput::new(id.clone(), source.clone(), msg));
        // Taken out of the object rather than cloned: texts are the bulk of the bytes.
        let text = match object.remove(&self.opts.text_field) {
            Some(Value::String(s)) => s,
            Some(other) => {
                return fail(format!(
                    "field \"{}\" is {}, not a string; point --text-field at a string field",
                    self.opts.text_field,
                    kind(&other)
                ))
            }
            None => return fail(missing_field(&self.opts.text_field, &object)),
        };
        InputItem::Document(Document {
            id,
            source,
            text,
            presplit: false,
            warnings,
            page: None,
        })
    }
}

impl<R: Read> Iterator for JsonlRecords<R> {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        while !self.done {
            let (line, offset) = (self.line, self.offset);
            let read = match read_line_bounded(
                &mut self.reader,
                &mut self.buf,
                self.opts.max_document_bytes,
            ) {
                Ok(Some(read)) => read,
                Ok(None) => break,
                Err(e) => {
                    // A read error leaves the stream position unknown, so the rest is reported, not guessed at.
                    self.done = true;
                    let msg = format!(
                        "cannot read past line {line}: {e}; the rest of the file was not read"
                    );
                    return Some(InputItem::Failed(FailedInput::new(
                        format!("{}:{line}", self.name),
                        format!("{}:{line}", self.location),
                        msg,
                    )));
                }
            };
            self.line += 1;
            self.offset += read.bytes;
            if read.overflow {
                let msg = format!(
                    "record is larger than the limit of {} bytes (max_document_bytes); split the document or raise the limit",
                    self.opts.max_document_bytes
                );
                return Some(InputItem::Failed(FailedInput::new(
                    format!("{}:{line}", self.name),
                    format!("{}:{line}", self.location),
                    msg,
                )));
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let bytes = std::mem::take(&mut self.buf);
            return Some(self.record(bytes, line, offset));
        }
        self.done = true;
        None
    }
}

/// What one bounded line read consumed.
#[derive(Debug, PartialEq, Eq)]
struct LineRead {
    /// Bytes consumed, newline included.
    bytes: u64,
    /// The line was longer than the limit; `buf` is left empty.
    overflow: bool,
}

/// Reads one line (without its `\n`) into `buf`, keeping at most `limit` bytes in memory:
/// a longer line is consumed and dropped. `None` at end of input.
fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<LineRead>> {
    buf.clear();
    let mut consumed = 0u64;
    let mut overflow = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let content = newline.unwrap_or(available.len());
        if !overflow {
            if buf.len() + content > limit {
                overflow = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&available[..content]);
            }
        }
        let used = newline.map_or(content, |n| n + 1);
        reader.consume(used);
        consumed += used as u64;
        if newline.is_some() {
            break;
        }
    }
    if consumed == 0 {
        return Ok(None);
    }
    Ok(Some(LineRead {
        bytes: consumed,
        overflow,
    }))
}

/// serde_json's message without its "at line 1 column N" (always line 1 here), with the column kept.
fn invalid_json(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    format!(
        "invalid JSON at column {}: {message}; each line must be one JSON object \
         (if this is not JSON Lines, use --input-format text)",
        e.column()
    )
}

fn missing_field(field: &str, object: &Map<String, Value>) -> String {
    if object.is_empty() {
        return format!("no \"{field}\" field (the object is empty)");
    }
    let mut present: Vec<&str> = object.keys().map(String::as_str).collect();
    present.sort_unstable();
    let strings = object
        .iter()
        .filter(|(_, v)| v.is_string())
        .map(|(k, _)| k.as_str());
    // Failing a usual name, the longest string is the likeliest text (ties go to the first name).
    let longest = || {
        object
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (s.len(), std::cmp::Reverse(k.as_str()))))
            .max()
            .map(|(_, std::cmp::Reverse(k))| k)
    };
    let hint = match super::suggest_text_field(field, strings).or_else(longest) {
        Some(name) => format!("; use --text-field {name}"),
        None => "; no field holds a string".to_string(),
    };
    format!(
        "no \"{field}\" field (fields present: {}){hint}",
        present.join(", ")
    )
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn items(bytes: &[u8], opts: &InputOptions) -> Vec<InputItem> {
        JsonlRecords::new(
            "news.jsonl",
            "in/news.jsonl",
            Cursor::new(bytes.to_vec()),
            0,
            opts,
        )
        .collect()
    }

    fn doc(item: &InputItem) -> &Document {
        item.expect_document()
    }

    fn failure(item: &InputItem) -> &FailedInput {
        item.expect_failure()
    }

    #[test]
    fn malformed_line_in_the_middle_fails_alone() {
        let input = b"{\"id\": \"a\", \"text\": \"First.\"}\n{\"id\": \"b\", \"text\": \"unterminated}\n\n{\"id\": \"c\", \"text\": \"Third.\"}\n";
        let got = items(input, &InputOptions::default());
        assert_eq!(got.len(), 3);
        assert_eq!(doc(&got[0]).id, "a");
        let f = failure(&got[1]);
        assert_eq!(
            (f.id.as_str(), f.source.as_str()),
            ("news.jsonl:2", "in/news.jsonl:2")
        );
        assert!(
            f.error
                .starts_with("in/news.jsonl:2: invalid JSON at column"),
            "{}",
            f.error
        );
        assert!(
            f.error.contains("EOF while parsing a string"),
            "{}",
            f.error
        );
        // The blank line 3 is skipped but still counted.
        assert_eq!(doc(&got[2]).source, "in/news.jsonl:4");
    }

    #[test]
    fn missing_text_field_lists_fields_and_suggests_one() {
        let got = items(
            b"{\"id\": 7, \"body\": \"Text here.\", \"n\": 1}\n",
            &InputOptions::default(),
        );
        let f = failure(&got[0]);
        assert_eq!(f.id, "7");
        assert!(
            f.error
                .contains("no \"text\" field (fields present: body, id, n); use --text-field body"),
            "{}",
            f.error
        );
    }

    #[test]
    fn missing_text_field_suggests_the_longest_string_without_a_usual_name() {
        let got = items(
            b"{\"title\": \"Short\", \"lede\": \"The longest string here.\"}\n",
            &InputOptions::default(),
        );
        assert!(
            failure(&got[0]).error.ends_with("use --text-field lede"),
            "{}",
            failure(&got[0]).error
        );
        let got = items(b"{\"n\": 1}\n", &InputOptions::default());
        assert!(
            failure(&got[0]).error.ends_with("no field holds a string"),
            "{}",
            failure(&got[0]).error
        );
    }

    #[test]
    fn numeric_and_missing_ids() {
        let got = items(b"{\"id\": 42, \"text\": \"a\"}\r\n{\"text\": \"b\"}\n{\"id\": null, \"text\": \"c\"}\n{\"id\": [1], \"text\": \"d\"}", &InputOptions::default());
        let ids: Vec<&str> = got.iter().map(|i| i.id()).collect();
        assert_eq!(ids, ["42", "news.jsonl:2", "news.jsonl:3", "news.jsonl:4"]);
        assert!(doc(&got[3]).warnings[0]
            .contains("field \"id\" is an array, not a string or number; using news.jsonl:4"));
        assert_eq!(doc(&got[0]).source, "in/news.jsonl:1");
    }

    #[test]
    fn custom_fields_are_used() {
        let opts = InputOptions {
            id_field: "uid".into(),
            text_field: "body".into(),
            ..InputOptions::default()
        };
        let got = items(b"{\"uid\": \"x9\", \"body\": \"Body.\"}\n", &opts);
        assert_eq!(
            (doc(&got[0]).id.as_str(), doc(&got[0]).text.as_str()),
            ("x9", "Body.")
        );
    }

    #[test]
    fn non_string_text_and_non_object_lines_fail() {
        let got = items(
            b"{\"id\": \"a\", \"text\": 3}\n[1, 2]\n",
            &InputOptions::default(),
        );
        assert!(failure(&got[0])
            .error
            .contains("field \"text\" is a number, not a string"));
        assert!(failure(&got[1])
            .error
            .contains("line is an array in JSON, not an object"));
    }

    #[test]
    fn empty_text_is_still_a_document() {
        let got = items(
            b"{\"text\": \"\"}\n{\"text\": \"  \\n \"}\n",
            &InputOptions::default(),
        );
        assert_eq!(doc(&got[0]).text, "");
        assert_eq!(doc(&got[1]).text, "  \n ");
    }

    #[test]
    fn invalid_utf8_in_a_record_warns_or_fails() {
        let input = b"{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n";
        let got = items(input, &InputOptions::default());
        assert_eq!(doc(&got[1]).text, "caf\u{FFFD}");
        assert!(
            doc(&got[1]).warnings[0].contains("invalid UTF-8 at byte 28 (line 2)"),
            "{:?}",
            doc(&got[1]).warnings
        );
        let strict = InputOptions {
            strict_utf8: true,
            ..InputOptions::default()
        };
        let got = items(input, &strict);
        assert!(failure(&got[1])
            .error
            .contains("invalid UTF-8 at byte 28 (line 2)"));
        assert_eq!(got[1].id(), "news.jsonl:2");
    }

    #[test]
    fn oversized_record_fails_and_the_next_is_read() {
        let opts = InputOptions {
            max_document_bytes: 30,
            ..InputOptions::default()
        };
        let long = format!(
            "{{\"text\": \"{}\"}}\n{{\"text\": \"short\"}}\n",
            "x".repeat(100)
        );
        let got = items(long.as_bytes(), &opts);
        assert!(failure(&got[0]).error.contains("limit of 30 bytes"));
        assert_eq!(doc(&got[1]).source, "in/news.jsonl:2");
    }

    #[test]
    fn bounded_line_reader_handles_small_buffers() {
        let mut reader = BufReader::with_capacity(2, Cursor::new(b"abcdef\ngh".to_vec()));
        let mut buf = Vec::new();
        let first = read_line_bounded(&mut reader, &mut buf, 100)
            .unwrap()
            .unwrap();
        assert_eq!(
            (buf.as_slice(), first.bytes, first.overflow),
            (&b"abcdef"[..], 7, false)
        );
        let second = read_line_bounded(&mut reader, &mut buf, 1)
            .unwrap()
            .unwrap();
        assert!(second.overflow && buf.is_empty());
        assert!(read_line_bounded(&mut reader, &mut buf, 100)
            .unwrap()
            .is_none());
    }
}
