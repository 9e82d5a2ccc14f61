//! CSV and TSV: a header row names the columns, then one document per row, read row by row.
//!
//! The csv crate is lenient: it never reports unequal row lengths (we read with
//! `flexible(true)` and check them here, to name the line) nor broken quoting (it silently
//! glues rows together). To report quoting faults with line numbers, the raw bytes of each
//! record are kept (a [`Tee`] under the csv reader) and checked against RFC 4180 quoting.
//!
//! TSV is read without quoting (IANA tab-separated values): `"` is an ordinary character.

use std::io::Read;

use csv::{ByteRecord, ReaderBuilder};

use super::decode::Utf8Problem;
use super::{FailedInput, InputItem, InputOptions};
use crate::document::Document;

/// A reader that keeps a copy of everything read through it, until the caller drains it.
struct Tee<R> {
    inner: R,
    seen: Vec<u8>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.seen.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

/// The columns chosen from the header row.
struct Columns {
    count: usize,
    id: Option<usize>,
    text: usize,
}

/// Iterator over the rows of one CSV or TSV stream.
pub(super) struct DelimitedRecords<R: Read> {
    reader: csv::Reader<Tee<R>>,
    name: String,
    location: String,
    opts: InputOptions,
    delimiter: u8,
    quoting: bool,
    /// Bytes before what the csv reader sees (a BOM), so messages give file offsets.
    start_offset: u64,
    /// Offset, as the csv reader counts, where the previous record ended (and `Tee::seen` starts).
    consumed: u64,
    /// Physical line at `consumed`.
    line: u64,
    columns: Option<Columns>,
    record: ByteRecord,
    done: bool,
}

/// Where one record's raw bytes lie, and whether their quoting is sound.
struct RawRecord {
    start_line: u64,
    end_line: u64,
    utf8: Option<Utf8Problem>,
    quoting: Option<String>,
}

impl<R: Read> DelimitedRecords<R> {
    /// Rows of `reader` (already past any BOM, which took `start_offset` bytes); `tsv` selects
    /// tabs and no quoting.
    pub(super) fn new(
        name: &str,
        location: &str,
        reader: R,
        start_offset: u64,
        tsv: bool,
        opts: &InputOptions,
    ) -> Self {
        let delimiter = if tsv { b'\t' } else { b',' };
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .quoting(!tsv)
            .from_reader(Tee {
                inner: reader,
                seen: Vec::new(),
            });
        DelimitedRecords {
            reader,
            name: name.to_string(),
            location: location.to_string(),
            opts: opts.clone(),
            delimiter,
            quoting: !tsv,
            start_offset,
            consumed: 0,
            line: 1,
            columns: None,
            record: ByteRecord::new(),
            done: false,
        }
    }

    /// Measures and checks the raw bytes of the record just read, then forgets them.
    fn take_raw(&mut self) -> RawRecord {
        let end = self.reader.position().byte();
        let seen = &mut self.reader.get_mut().seen;
        let len = (end.saturating_sub(self.consumed) as usize).min(seen.len());
        let raw = &seen[..len];
        // Blank lines before a record are skipped by the parser but still count as lines.
        let lead = raw
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        let start_line = self.line + raw[..lead].iter().filter(|&&b| b == b'\n').count() as u64;
        let body = raw[lead..].strip_suffix(b"\n").unwrap_or(&raw[lead..]);
        let end_line = start_line + body.iter().filter(|&&b| b == b'\n').count() as u64;
        let utf8 = Utf8Problem::find(
            &raw[lead..],
            self.start_offset + self.consumed + lead as u64,
            start_line,
        );
        let quoting = if self.quoting {
            check_quoting(&raw[lead..], self.delimiter, start_line)
        } else {
            None
        };
        self.line += raw.iter().filter(|&&b| b == b'\n').count() as u64;
        self.consumed += len as u64;
        seen.drain(..len);
        RawRecord {
            start_line,
            end_line,
            utf8,
            quoting,
        }
    }

    fn failed(&self, id: String, line: u64, msg: impl std::fmt::Display) -> InputItem {
        InputItem::Failed(FailedInput::new(
            id,
            format!("{}:{line}", self.location),
            msg,
        ))
    }

    /// Picks the columns from the header row, or says why the file cannot be read.
    fn header(&self, raw: &RawRecord) -> Result<Columns, String> {
        if let Some(problem) = &raw.quoting {
            return Err(format!(
                "bad quoting in the header row: {problem}; no rows were read"
            ));
        }
        let names: Vec<String> = self
            .record
            .iter()
            .map(|field| String::from_utf8_lossy(field).trim().to_string())
            .collect();
        let find = |wanted: &str| names.iter().position(|n| n == wanted);
        let Some(text) = find(&self.opts.text_field) else {
            return Err(self.missing_text_column(&names));
        };
        Ok(Columns {
            count: names.len(),
            id: find(&self.opts.id_field),
            text,
        })
    }

    fn missing_text_column(&self, names: &[String]) -> String {
        let wanted = &self.opts.text_field;
        let mut msg = format!(
            "no column \"{wanted}\" in the header row (columns: {}); no rows were read",
            names.join(", ")
        );
        if let Some(close) = super::suggest_text_field(wanted, names.iter().map(String::as_str)) {
            msg.push_str(&format!("; use --text-field {close}"));
        } else if names.len() == 1 && self.delimiter == b',' && names[0].contains('\t') {
            msg.push_str("; the file looks tab-separated: give it a .tsv extension");
        } else if names.len() == 1 && self.delimiter == b'\t' && names[0].contains(',') {
            msg.push_str("; the file looks comma-separated: give it a .csv extension");
        } else {
            msg.push_str("; use --text-field with one of these columns");
        }
        msg
    }

    /// Turns one data row into an item.
    fn row(&self, columns: &Columns, raw: &RawRecord) -> InputItem {
        let line = raw.start_line;
        let fallback_id = format!("{}:{line}", self.name);
        let source = format!("{}:{line}", self.location);
        if let Some(problem) = &raw.quoting {
            let extent = if raw.end_line > line {
                format!(
                    "the rows on lines {line}-{} could not be read",
                    raw.end_line
                )
            } else {
                "the row was not read".to_string()
            };
            return self.failed(
                fallback_id,
                line,
                format_args!("bad quoting: {problem}; {extent}"),
            );
        }
        if self.record.len() != columns.count {
            let hint = if self.quoting {
                "quote fields that contain commas, quotes or line breaks"
            } else {
                "fields of a .tsv file cannot contain tabs"
            };
            let msg = format!(
                "row has {} fields but the header has {}; {hint}",
                self.record.len(),
                columns.count
            );
            return self.failed(fallback_id, line, msg);
        }
        let id = columns
            .id
            .and_then(|i| self.record.get(i))
            .map(|field| String::from_utf8_lossy(field).trim().to_string())
            .filter(|id| !id.is_empty())
            .unwrap_or(fallback_id);
        let text = self.record.get(columns.text).unwrap_or_default();
        if text.len() > self.opts.max_document_bytes {
            let msg = format!(
                "text is {} bytes, over the limit of {} bytes (max_document_bytes); split the document or raise the limit",
                text.len(),
                self.opts.max_document_bytes
            );
            return self.failed(id, line, msg);
        }
        let mut warnings = Vec::new();
        if let Some(problem) = raw.utf8 {
            if self.opts.strict_utf8 {
                return InputItem::Failed(FailedInput {
                    id,
                    source,
                    error: problem.error(&self.location),
                });
            }
            warnings.push(problem.warning(&self.location));
        }
        let text = String::from_utf8_lossy(text).into_owned();
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

impl<R: Read> Iterator for DelimitedRecords<R> {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        while !self.done {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    if self.columns.is_none() {
                        let msg = "empty file: no header row (the first row must name the columns, e.g. id,text)";
                        return Some(InputItem::Failed(FailedInput::new(
                            &self.name,
                            &self.location,
                            msg,
                        )));
                    }
                    break;
                }
                Err(e) => {
                    // The parser's state after an I/O error is unknown: report the rest, don't guess.
                    self.done = true;
                    let line = self.line;
                    let msg = format!(
                        "cannot read past line {line}: {e}; the rest of the file was not read"
                    );
                    return Some(self.failed(format!("{}:{line}", self.name), line, msg));
                }
            }
            let raw = self.take_raw();
            let Some(columns) = &self.columns else {
                match self.header(&raw) {
                    Ok(columns) => self.columns = Some(columns),
                    Err(msg) => {
                        self.done = true;
                        return Some(InputItem::Failed(FailedInput::new(
                            &self.name,
                            &self.location,
                            msg,
                        )));
                    }
                }
                continue;
            };
            // A line of spaces is a blank line to a reader, not a one-field row.
            if self.record.len() == 1
                && self.record[0].iter().all(u8::is_ascii_whitespace)
                && columns.count > 1
            {
                continue;
            }
            return Some(self.row(columns, &raw));
        }
        None
    }
}

/// Checks one record's raw bytes against RFC 4180 quoting, as far as the csv crate's own
/// reading would silently go wrong: text after a closing quote, or a quote never closed
/// (which swallows the rows after it). A quote inside an unquoted field is accepted, as the
/// csv crate reads it literally.
fn check_quoting(raw: &[u8], delimiter: u8, first_line: u64) -> Option<String> {
    #[derive(Clone, Copy)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted { opened: u64 },
        AfterQuote { opened: u64 },
    }
    let mut state = State::FieldStart;
    let mut line = first_line;
    for &b in raw {
        let ends_field = b == delimiter || b == b'\n' || b == b'\r';
        state = match state {
            State::FieldStart if b == b'"' => State::Quoted { opened: line },
            State::FieldStart | State::Unquoted if ends_field => State::FieldStart,
            State::FieldStart | State::Unquoted => State::Unquoted,
            State::Quoted { opened } if b == b'"' => State::AfterQuote { opened },
            State::Quoted { opened } => State::Quoted { opened },
            State::AfterQuote { opened } if b == b'"' => State::Quoted { opened },
            State::AfterQuote { .. } if ends_field => State::FieldStart,
            State::AfterQuote { opened } => {
                let where_ = if opened == line {
                    format!("line {line}")
                } else {
                    format!("lines {opened}-{line}")
                };
                return Some(format!(
                    "text follows the closing quote of a quoted field ({where_}); \
                     a quote inside a quoted field must be doubled (\"\")"
                ));
            }
        };
        if b == b'\n' {
            line += 1;
        }
    }
    match state {
        State::Quoted { opened } => {
            Some(format!("the quote opened on line {opened} is never closed; a quote inside a field must be doubled (\"\")"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn items(bytes: &[u8], tsv: bool, opts: &InputOptions) -> Vec<InputItem> {
        let name = if tsv { "t.tsv" } else { "t.csv" };
        DelimitedRecords::new(
            name,
            &format!("in/{name}"),
            Cursor::new(bytes.to_vec()),
            0,
            tsv,
            opts,
        )
        .collect()
    }

    fn csv(bytes: &[u8]) -> Vec<InputItem> {
        items(bytes, false, &InputOptions::default())
    }

    fn doc(item: &InputItem) -> &Document {
        item.expect_document()
    }

    fn failure(item: &InputItem) -> &FailedInput {
        item.expect_failure()
    }

    #[test]
    fn rows_become_documents_with_ids_and_lines() {
        let got = csv(
            b"id,title,text\na1,T,\"Lavrov said, \"\"yes\"\".\"\n,U,\"Two\nlines\"\n\na3,V,Last.",
        );
        assert_eq!(got.len(), 3);
        assert_eq!(
            (doc(&got[0]).id.as_str(), doc(&got[0]).text.as_str()),
            ("a1", "Lavrov said, \"yes\".")
        );
        assert_eq!(doc(&got[0]).source, "in/t.csv:2");
        // Empty id falls back to file:line.
        assert_eq!(
            (doc(&got[1]).id.as_str(), doc(&got[1]).text.as_str()),
            ("t.csv:3", "Two\nlines")
        );
        // The multi-line field and the blank line are counted as physical lines.
        assert_eq!(doc(&got[2]).source, "in/t.csv:6");
    }

    #[test]
    fn crlf_rows_keep_line_numbers_and_text() {
        let got = csv(b"id,text\r\na,\"One.\r\nTwo.\"\r\nb,Three.\r\n");
        assert_eq!(doc(&got[0]).text, "One.\r\nTwo.");
        assert_eq!(doc(&got[1]).source, "in/t.csv:4");
    }

    #[test]
    fn unequal_row_fails_alone_with_its_line() {
        let got = csv(b"id,text\na,One.\nb,Two, with a comma\nc,Three.\n");
        assert_eq!(got.len(), 3);
        let f = failure(&got[1]);
        assert_eq!(
            (f.id.as_str(), f.source.as_str()),
            ("t.csv:3", "in/t.csv:3")
        );
        assert!(
            f.error
                .contains("row has 3 fields but the header has 2; quote fields"),
            "{}",
            f.error
        );
        assert_eq!(doc(&got[2]).id, "c");
    }

    #[test]
    fn text_after_closing_quote_fails_and_the_rest_is_read() {
        let got = csv(b"id,text\na,\"Quoted\" tail\nb,Fine.\n");
        assert!(
            failure(&got[0])
                .error
                .contains("text follows the closing quote"),
            "{}",
            failure(&got[0]).error
        );
        assert_eq!(doc(&got[1]).id, "b");
    }

    #[test]
    fn unclosed_quote_names_the_lines_it_swallowed() {
        let got = csv(b"id,text\na,One.\nb,\"Never closed\nc,Three.\nd,Four.\n");
        assert_eq!(got.len(), 2);
        assert_eq!(doc(&got[0]).id, "a");
        let f = failure(&got[1]);
        assert_eq!(f.source, "in/t.csv:3");
        assert!(
            f.error.contains("quote opened on line 3 is never closed"),
            "{}",
            f.error
        );
        assert!(
            f.error.contains("lines 3-5 could not be read"),
            "{}",
            f.error
        );
    }

    #[test]
    fn missing_text_column_fails_once_for_the_file() {
        let got = csv(b"id,Body\na,One.\nb,Two.\n");
        assert_eq!(got.len(), 1);
        let f = failure(&got[0]);
        assert_eq!((f.id.as_str(), f.source.as_str()), ("t.csv", "in/t.csv"));
        assert!(
            f.error
                .contains("no column \"text\" in the header row (columns: id, Body)"),
            "{}",
            f.error
        );
        assert!(f.error.contains("use --text-field Body"), "{}", f.error);
        let got = csv(b"Text,x\nOne.,1\n");
        assert!(
            failure(&got[0]).error.ends_with("use --text-field Text"),
            "{}",
            failure(&got[0]).error
        );
        let got = csv(b"a,b\n1,2\n");
        assert!(failure(&got[0])
            .error
            .ends_with("use --text-field with one of these columns"));
    }

    #[test]
    fn custom_columns_and_missing_id_column() {
        let opts = InputOptions {
            id_field: "uid".into(),
            text_field: "body".into(),
            ..InputOptions::default()
        };
        let got = items(b"body,other\nHello.,x\n", false, &opts);
        assert_eq!(
            (doc(&got[0]).id.as_str(), doc(&got[0]).text.as_str()),
            ("t.csv:2", "Hello.")
        );
    }

    #[test]
    fn empty_file_and_header_only() {
        assert!(failure(&csv(b"")[0]).error.contains("no header row"));
        assert!(csv(b"id,text\n").is_empty());
    }

    #[test]
    fn empty_text_cells_are_documents_and_space_lines_are_skipped() {
        let got = csv(b"id,text\na,\n   \nb,\"  \"\n");
        assert_eq!(got.len(), 2);
        assert_eq!(doc(&got[0]).text, "");
        assert_eq!(doc(&got[1]).text, "  ");
    }

    #[test]
    fn tsv_uses_tabs_and_literal_quotes() {
        let got = items(
            b"id\ttext\nn1\t\"We will,\" he said.\nn2\tTwo\n",
            true,
            &InputOptions::default(),
        );
        assert_eq!(doc(&got[0]).text, "\"We will,\" he said.");
        assert_eq!(doc(&got[1]).source, "in/t.tsv:3");
        let bad = items(b"id\ttext\nn1\ta\tb\n", true, &InputOptions::default());
        assert!(failure(&bad[0]).error.contains("cannot contain tabs"));
    }

    #[test]
    fn tab_separated_file_named_csv_gets_a_hint() {
        let f = csv(b"id\ttext\na\tb\n");
        assert!(
            failure(&f[0]).error.contains("looks tab-separated"),
            "{}",
            failure(&f[0]).error
        );
    }

    #[test]
    fn invalid_utf8_in_a_row_warns_or_fails() {
        let input = b"id,text\na,caf\xe9\n";
        let got = csv(input);
        assert_eq!(doc(&got[0]).text, "caf\u{FFFD}");
        assert!(
            doc(&got[0]).warnings[0].contains("invalid UTF-8 at byte 13 (line 2)"),
            "{:?}",
            doc(&got[0]).warnings
        );
        let strict = InputOptions {
            strict_utf8: true,
            ..InputOptions::default()
        };
        let got = items(input, false, &strict);
        assert_eq!(got[0].id(), "a");
        assert!(failure(&got[0])
            .error
            .contains("invalid UTF-8 at byte 13 (line 2)"));
    }

    #[test]
    fn oversized_text_cell_fails_alone() {
        let opts = InputOptions {
            max_document_bytes: 5,
            ..InputOptions::default()
        };
        let got = items(b"id,text\na,toolongtext\nb,ok\n", false, &opts);
        assert!(failure(&got[0]).error.contains("over the limit of 5 bytes"));
        assert_eq!(doc(&got[1]).text, "ok");
    }

    #[test]
    fn many_rows_across_reader_buffers_keep_exact_lines() {
        let mut input = b"id,text\n".to_vec();
        for i in 0..3000 {
            input.extend_from_slice(
                format!("r{i},\"Row {i}, with \"\"quotes\"\"\nand a second line.\"\n").as_bytes(),
            );
        }
        let got = csv(&input);
        assert_eq!(got.len(), 3000);
        assert_eq!(doc(&got[2999]).source, format!("in/t.csv:{}", 2 + 2 * 2999));
        assert_eq!(
            doc(&got[2999]).text,
            "Row 2999, with \"quotes\"\nand a second line."
        );
    }
}
