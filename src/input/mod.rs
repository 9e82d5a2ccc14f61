//! Input stage: turns command-line inputs into a stream of [`Document`]s, and accounts for
//! every input that could not become one.
//!
//! Two steps, so that usage mistakes stop the run before any work starts while bad data never
//! does:
//!
//! 1. [`discover`] expands the arguments (files, directories, `-` for standard input) into
//!    [`InputSource`]s. Its only errors are usage errors ([`InputError`]): a named path that
//!    does not exist, `-` given twice, an empty option. Paths that exist but cannot be used
//!    (a directory that cannot be listed, a symbolic-link loop) become sources that read as
//!    one [`InputItem::Failed`].
//! 2. [`read_documents`] streams [`InputItem`]s from the sources in order, lazily: jsonl and
//!    csv are read record by record, so memory does not grow with corpus size.
//!
//! # Formats
//!
//! With `--input-format auto` the extension decides: `.txt`, `.md`, `.text` are text;
//! `.jsonl`, `.ndjson` are JSON Lines; `.csv` is CSV; `.tsv` is tab-separated. In a directory
//! walk, files with any other extension are skipped, and so are hidden files and directories
//! (names starting with `.`); [`discover_report`] lists what was skipped. A file named
//! explicitly with an unknown extension is read as text. An explicit format applies to every
//! source, but directory walks still take only files with the extensions above (name other
//! files explicitly). `.tsv` is read as IANA tab-separated values: no quoting, `"` is an
//! ordinary character, because pre-split NLP data routinely starts fields with quotes.
//!
//! # Document ids
//!
//! - text and lines files: the path relative to the directory given, `/`-separated; a file
//!   given directly: its path as given (without a leading `./`); standard input: `-`.
//! - jsonl and csv records: the id field (string or number), else `file:line` where `file` is
//!   the id the whole file would have had and `line` the 1-based physical line where the
//!   record starts.
//! - Ids are made unique across the run in stream order: later duplicates get `#2`, `#3`, …
//!   and a warning (failed items too, since every input appears once in `documents.csv`).
//!
//! `source` is the path on disk (or `-`) for whole files and `path:line` for records.
//!
//! # Bad input
//!
//! Every message starts with the source (`path` or `path:line`) and, where it helps, says
//! what to do. See [`read_documents`] for what each kind of bad input produces.

mod decode;
mod delimited;
mod discover;
pub mod html;
mod ids;
mod jsonl;
mod text;
mod warc;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use crate::document::Document;

pub use discover::{discover, discover_report, Discovery};

/// Default for [`InputOptions::max_document_bytes`]: 64 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// The `--input-format` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InputFormat {
    /// By extension (see the module docs).
    #[default]
    Auto,
    /// A file is one document.
    Text,
    /// A file is one document whose non-empty lines are already sentences.
    Lines,
    /// One JSON object per line, one document per object.
    Jsonl,
    /// Comma-separated with a header row (tab-separated for `.tsv` files), one document per row.
    Csv,
    /// A web page (`.html`, `.htm`, gzipped or not): its article is the document.
    Html,
    /// A WARC archive (`.warc`, `.warc.gz`): every HTML response record is a document.
    Warc,
}

impl InputFormat {
    /// Every format, in the order the help text lists them.
    pub const ALL: [InputFormat; 7] = [
        InputFormat::Auto,
        InputFormat::Text,
        InputFormat::Lines,
        InputFormat::Jsonl,
        InputFormat::Csv,
        InputFormat::Html,
        InputFormat::Warc,
    ];

    /// The command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
            InputFormat::Lines => "lines",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Csv => "csv",
            InputFormat::Html => "html",
            InputFormat::Warc => "warc",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        InputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| InputError::UnknownFormat(s.to_string()))
    }
}

/// Options of the input stage, filled from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputOptions {
    /// `--input-format`.
    pub format: InputFormat,
    /// `--id-field`: the jsonl field / csv column holding the document id.
    pub id_field: String,
    /// `--text-field`: the jsonl field / csv column holding the document text.
    pub text_field: String,
    /// Invalid UTF-8 fails the document instead of being replaced by U+FFFD with a warning.
    pub strict_utf8: bool,
    /// Documents (and jsonl/csv records) larger than this many bytes fail.
    pub max_document_bytes: usize,
    /// How web pages' main text is extracted (`claimscan eval extract --focus` compares them).
    pub extraction_focus: html::ExtractionFocus,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            format: InputFormat::Auto,
            id_field: "id".to_string(),
            text_field: "text".to_string(),
            strict_utf8: false,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            extraction_focus: html::ExtractionFocus::default(),
        }
    }
}

/// One item of the stream: a document, or an input that could not become one (still accounted for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputItem {
    /// A decoded document, possibly with warnings.
    Document(Document),
    /// An input that could not become a document.
    Failed(FailedInput),
}

impl InputItem {
    /// The document, or a panic naming the failure (tests only).
    #[cfg(test)]
    pub(crate) fn expect_document(&self) -> &Document {
        match self {
            InputItem::Document(d) => d,
            InputItem::Failed(f) => panic!("unexpected failure: {f}"),
        }
    }

    /// The failure, or a panic naming the document (tests only).
    #[cfg(test)]
    pub(crate) fn expect_failure(&self) -> &FailedInput {
        match self {
            InputItem::Failed(f) => f,
            InputItem::Document(d) => panic!("expected a failure, got {:?}", d.id),
        }
    }

    /// The document id (unique across a run once it has come through [`read_documents`]).
    pub fn id(&self) -> &str {
        match self {
            InputItem::Document(d) => &d.id,
            InputItem::Failed(f) => &f.id,
        }
    }

    /// Where the item came from: `path` or `path:line`.
    pub fn source(&self) -> &str {
        match self {
            InputItem::Document(d) => &d.source,
            InputItem::Failed(f) => &f.source,
        }
    }
}

/// An input that could not become a document; it goes to `documents.csv` with status `error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedInput {
    /// The doc id it would have had (`file:line` for records without a usable id).
    pub id: String,
    /// `path`, `path:line`, or the directory that could not be listed.
    pub source: String,
    /// What went wrong, starting with the source, and what to do about it where that helps.
    pub error: String,
}

impl FailedInput {
    /// A failure whose message is `msg` prefixed with the source, so it reads alone in a log.
    pub(crate) fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        msg: impl fmt::Display,
    ) -> Self {
        let source = source.into();
        let error = format!("{source}: {msg}");
        FailedInput {
            id: id.into(),
            source,
            error,
        }
    }
}

impl fmt::Display for FailedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)
    }
}

/// Usage errors: the run should stop and tell the user what to change.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// No input arguments at all.
    #[error("no inputs given: name files, directories, or - for standard input")]
    NoInputs,
    /// A named path does not exist.
    #[error("input {} does not exist: check the path (directories are read recursively; use - for standard input)", .path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// `-` was given more than once.
    #[error("- (standard input) is given more than once: standard input can be read only once")]
    StdinTwice,
    /// `--input-format` got an unknown value.
    #[error("unknown input format {0:?}: use auto, text, lines, jsonl, csv, html or warc")]
    UnknownFormat(String),
    /// An option value cannot work (empty field name, zero size limit).
    #[error("{0}")]
    InvalidOption(String),
}

/// How the bytes of one source become documents, resolved from `--input-format` and the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// The whole file is one document.
    Text,
    /// The whole file is one document with `presplit = true`.
    Lines,
    /// JSON Lines: one document per non-blank line.
    Jsonl,
    /// Comma-separated with RFC 4180 quoting and a header row.
    Csv,
    /// Tab-separated with a header row and no quoting.
    Tsv,
    /// One web page (gzip undone when the bytes are gzip).
    Html,
    /// A WARC archive (gzip per record or whole-file undone).
    Warc,
}

impl SourceFormat {
    /// A short name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Lines => "lines",
            SourceFormat::Jsonl => "jsonl",
            SourceFormat::Csv => "csv",
            SourceFormat::Tsv => "tsv",
            SourceFormat::Html => "html",
            SourceFormat::Warc => "warc",
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the bytes of a source come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Standard input (`-`).
    Stdin,
    /// A file on disk (or a directory that could not be walked, see [`InputSource::error`]).
    File(PathBuf),
}

/// One thing to read: a file or standard input, with its resolved format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSource {
    /// Where the bytes come from.
    pub origin: Origin,
    /// The input argument this source was found under (the directory walked, or the file
    /// itself); `None` for standard input.
    pub root: Option<PathBuf>,
    /// The id a whole-file document gets, and the `file` part of `file:line` record ids.
    pub name: String,
    /// The path on disk as the user can find it (root joined with the relative path), or `-`.
    pub location: String,
    /// How to read it.
    pub format: SourceFormat,
    /// Set when discovery found this path but cannot use it; reading yields one failed item.
    pub error: Option<String>,
}

impl InputSource {
    /// Standard input, read with `format` (the pipeline passes [`SourceFormat::Text`] for auto).
    pub fn stdin(format: SourceFormat) -> Self {
        InputSource {
            origin: Origin::Stdin,
            root: None,
            name: "-".to_string(),
            location: "-".to_string(),
            format,
            error: None,
        }
    }
}

/// Streams documents from the sources in order, lazily.
///
/// What bad input produces (all as [`InputItem::Failed`] unless said otherwise; the stream
/// always goes on with the next record or source):
/// - unreadable file or directory, symbolic-link loop: one failed item naming the path and
///   the OS error;
/// - binary file (NUL bytes or mostly control characters in the first 8 KiB): failed,
///   "binary file";
/// - invalid UTF-8: replaced by U+FFFD and a warning with the byte offset and line of the
///   first bad sequence; with `strict_utf8`, failed with that message;
/// - larger than `max_document_bytes`: failed;
/// - empty or whitespace-only text: still a document (the pipeline marks it `empty`);
/// - jsonl: malformed line, non-object line, missing or non-string text field: failed for
///   that line; a missing or null id falls back to `file:line`;
/// - csv: missing text column: failed once for the whole file; row with a different number
///   of fields than the header, or broken quoting: failed for that row (lines named);
/// - duplicate id: renamed `id#2`, `id#3`, … with a warning.
pub fn read_documents(
    sources: Vec<InputSource>,
    opts: &InputOptions,
) -> impl Iterator<Item = InputItem> + Send {
    read_documents_counted(sources, opts, Arc::new(AtomicUsize::new(0)))
}

/// [`read_documents`], adding the WARC records that are no HTML page (requests, metadata,
/// images …) to `skipped_records`.
pub fn read_documents_counted(
    sources: Vec<InputSource>,
    opts: &InputOptions,
    skipped_records: Arc<AtomicUsize>,
) -> impl Iterator<Item = InputItem> + Send {
    let opts = opts.clone();
    let items = sources.into_iter().flat_map(move |source| {
        let (name, location) = (source.name.clone(), source.location.clone());
        Guarded {
            inner: read_source(source, &opts, &skipped_records),
            name,
            location,
            records: 0,
            stopped: false,
        }
    });
    ids::UniqueIds::new(items)
}

/// One source's records with panics contained: a reader that panics costs the rest of its own
/// source (reported as one failed item naming the record it stopped at), never the run.
struct Guarded {
    inner: Box<dyn Iterator<Item = InputItem> + Send>,
    name: String,
    location: String,
    /// Records read so far, to name where a panicking reader stopped.
    records: usize,
    stopped: bool,
}

impl Iterator for Guarded {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if self.stopped {
            return None;
        }
        let inner = &mut self.inner;
        match crate::isolate::run_isolated(|| inner.next()) {
            Ok(Some(InputItem::Document(doc))) => {
                self.records += 1;
                let hook = crate::isolate::run_isolated(|| {
                    crate::isolate::fault_point(crate::isolate::Stage::Read, &doc.text)
                });
                Some(match hook {
                    Ok(()) => InputItem::Document(doc),
                    Err(msg) => InputItem::Failed(FailedInput::new(
                        doc.id,
                        doc.source,
                        format_args!("reading failed: {msg} (a bug: please report it)"),
                    )),
                })
            }
            Ok(item) => {
                self.records += item.is_some() as usize;
                item
            }
            Err(msg) => {
                self.stopped = true;
                Some(InputItem::Failed(FailedInput::new(
                    format!("{}:record {}", self.name, self.records + 1),
                    self.location.clone(),
                    format_args!(
                        "the reader failed at record {} ({msg}); the rest of this file was \
                         skipped (a bug: please report it with the file)",
                        self.records + 1
                    ),
                )))
            }
        }
    }
}

/// Reads documents from any reader, as if it were a source named `name` at `location`.
/// Ids are not made unique across calls (that is [`read_documents`]' job).
/// This is how standard input is read, and how tests feed bytes in.
pub fn read_reader<R: Read + Send + 'static>(
    name: &str,
    location: &str,
    reader: R,
    format: SourceFormat,
    opts: &InputOptions,
) -> Box<dyn Iterator<Item = InputItem> + Send> {
    read_reader_counted(
        name,
        location,
        reader,
        format,
        opts,
        &Arc::new(AtomicUsize::new(0)),
    )
}

/// [`read_reader`] with the skipped-records counter of [`read_documents_counted`].
fn read_reader_counted<R: Read + Send + 'static>(
    name: &str,
    location: &str,
    reader: R,
    format: SourceFormat,
    opts: &InputOptions,
    skipped_records: &Arc<AtomicUsize>,
) -> Box<dyn Iterator<Item = InputItem> + Send> {
    match format {
        SourceFormat::Html => Box::new(std::iter::once(read_page(name, location, reader, opts))),
        SourceFormat::Warc => Box::new(warc::WarcRecords::new(
            name,
            location,
            reader,
            opts,
            skipped_records.clone(),
        )),
        SourceFormat::Text | SourceFormat::Lines => {
            let presplit = format == SourceFormat::Lines;
            Box::new(std::iter::once(text::read_whole(
                name, location, reader, presplit, opts,
            )))
        }
        SourceFormat::Jsonl | SourceFormat::Csv | SourceFormat::Tsv => {
            let (reader, bom) = match decode::sniff_stream(reader) {
                Ok(sniffed) => sniffed,
                Err(problem) => return one_failed(name, location, problem),
            };
            if format == SourceFormat::Jsonl {
                Box::new(jsonl::JsonlRecords::new(name, location, reader, bom, opts))
            } else {
                Box::new(delimited::DelimitedRecords::new(
                    name,
                    location,
                    reader,
                    bom,
                    format == SourceFormat::Tsv,
                    opts,
                ))
            }
        }
    }
}

/// Opens one source and reads it; every failure becomes an item.
fn read_source(
    source: InputSource,
    opts: &InputOptions,
    skipped_records: &Arc<AtomicUsize>,
) -> Box<dyn Iterator<Item = InputItem> + Send> {
    if let Some(error) = &source.error {
        return one_failed(&source.name, &source.location, error);
    }
    let path = match &source.origin {
        Origin::Stdin => {
            return read_reader_counted(
                &source.name,
                &source.location,
                io::stdin(),
                source.format,
                opts,
                skipped_records,
            );
        }
        Origin::File(path) => path,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => {
            return one_failed(
                &source.name,
                &source.location,
                format_args!("cannot open: {e}"),
            )
        }
    };
    // Whole-file documents are refused before reading them, so a stray disk image costs nothing;
    // pipes report size 0 and are bounded while reading instead.
    if matches!(source.format, SourceFormat::Text | SourceFormat::Lines) {
        if let Ok(meta) = file.metadata() {
            if meta.len() > opts.max_document_bytes as u64 {
                return one_failed(
                    &source.name,
                    &source.location,
                    text::too_large(meta.len(), opts.max_document_bytes),
                );
            }
        }
    }
    read_reader_counted(
        &source.name,
        &source.location,
        file,
        source.format,
        opts,
        skipped_records,
    )
}

/// One web page from its (uncompressed) bytes, as `--input-format html` reads a file; for
/// `claimscan eval extract`.
pub fn read_page_bytes(
    name: &str,
    location: &str,
    bytes: Vec<u8>,
    opts: &InputOptions,
) -> InputItem {
    read_page(name, location, io::Cursor::new(bytes), opts)
}

/// One web page file (gzip undone when its bytes are gzip), read whole up to the page limit.
fn read_page<R: Read>(name: &str, location: &str, reader: R, opts: &InputOptions) -> InputItem {
    let fail = |msg: String| InputItem::Failed(FailedInput::new(name, location, msg));
    let limit = html::MAX_PAGE_BYTES.min(opts.max_document_bytes) as u64 + 1;
    let mut raw = Vec::new();
    if let Err(e) = reader.take(limit).read_to_end(&mut raw) {
        return fail(format!("cannot read: {e}"));
    }
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return html::page_document(name, location, &raw, html::PageContext::default(), opts);
    }
    let mut bytes = Vec::new();
    if let Err(e) = flate2::read::MultiGzDecoder::new(&raw[..])
        .take(limit)
        .read_to_end(&mut bytes)
    {
        return fail(format!(
            "cannot decompress: {e} (truncated or damaged gzip?)"
        ));
    }
    // The decoder ends quietly where a cut file ends; gzip's size trailer (the last four
    // bytes: the length mod 2^32) tells a complete page from a cut one.
    let trailer = raw
        .len()
        .checked_sub(4)
        .map(|at| u32::from_le_bytes([raw[at], raw[at + 1], raw[at + 2], raw[at + 3]]));
    if (bytes.len() as u64) < limit && trailer != Some(bytes.len() as u32) {
        return fail(
            "cannot decompress: the gzip data ends early (truncated or damaged file)".to_string(),
        );
    }
    html::page_document(name, location, &bytes, html::PageContext::default(), opts)
}

/// Field names that usually hold the text, for "use --text-field …" hints.
const TEXT_LIKE_FIELDS: [&str; 12] = [
    "text",
    "body",
    "content",
    "article",
    "story",
    "full_text",
    "fulltext",
    "sentence",
    "document",
    "message",
    "description",
    "abstract",
];

/// Picks the field a user most likely meant by `wanted` among `names`: the same name in another
/// case, else a usual name for text. Independent of field order, so hints are stable.
fn suggest_text_field<'a>(
    wanted: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let names: Vec<&str> = names.into_iter().filter(|n| *n != wanted).collect();
    let find = |target: &str| {
        names
            .iter()
            .copied()
            .find(|n| n.eq_ignore_ascii_case(target))
    };
    find(wanted).or_else(|| TEXT_LIKE_FIELDS.iter().find_map(|usual| find(usual)))
}

fn one_failed(
    name: &str,
    location: &str,
    msg: impl fmt::Display,
) -> Box<dyn Iterator<Item = InputItem> + Send> {
    Box::new(std::iter::once(InputItem::Failed(FailedInput::new(
        name, location, msg,
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    fn run(inputs: &[PathBuf], opts: &InputOptions) -> Vec<InputItem> {
        let sources = discover(inputs, opts).unwrap();
        read_documents(sources, opts).collect()
    }

    fn doc(item: &InputItem) -> &Document {
        match item {
            InputItem::Document(d) => d,
            InputItem::Failed(f) => panic!("expected a document, got failure: {f}"),
        }
    }

    fn failure(item: &InputItem) -> &FailedInput {
        match item {
            InputItem::Failed(f) => f,
            InputItem::Document(d) => panic!("expected a failure, got document {:?}", d.id),
        }
    }

    #[test]
    fn format_names_round_trip() {
        for f in InputFormat::ALL {
            assert_eq!(f.to_string().parse::<InputFormat>().unwrap(), f);
        }
        assert_eq!("JSONL".parse::<InputFormat>().unwrap(), InputFormat::Jsonl);
        let err = "xml".parse::<InputFormat>().unwrap_err().to_string();
        assert!(err.contains("\"xml\"") && err.contains("jsonl"), "{err}");
    }

    #[test]
    fn mixed_directory_streams_every_format_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b/story.md", b"# Title\n\nBody.");
        write(
            dir.path(),
            "a.jsonl",
            b"{\"id\": \"j1\", \"text\": \"One.\"}\n{\"text\": \"Two.\"}\n",
        );
        write(dir.path(), "c.csv", b"id,text\nc1,Three.\n");
        write(dir.path(), "d.tsv", b"id\ttext\nt1\t\"Four,\" he said.\n");
        let items = run(&[dir.path().to_path_buf()], &InputOptions::default());
        let ids: Vec<&str> = items.iter().map(|i| i.id()).collect();
        assert_eq!(ids, ["j1", "a.jsonl:2", "b/story.md", "c1", "t1"]);
        assert_eq!(
            doc(&items[1]).source,
            format!("{}:2", dir.path().join("a.jsonl").display())
        );
        assert_eq!(
            doc(&items[2]).source,
            dir.path().join("b/story.md").display().to_string()
        );
        assert_eq!(doc(&items[4]).text, "\"Four,\" he said.");
    }

    #[test]
    fn lines_format_marks_documents_presplit() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "pre.txt", b"One sentence.\n\nAnother one.\n");
        let opts = InputOptions {
            format: InputFormat::Lines,
            ..InputOptions::default()
        };
        let items = run(&[file], &opts);
        let d = doc(&items[0]);
        assert!(d.presplit);
        assert_eq!(d.text, "One sentence.\n\nAnother one.\n");
    }

    #[test]
    fn explicit_format_overrides_extension() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "records.txt", b"{\"id\": 1, \"text\": \"x\"}\n");
        let opts = InputOptions {
            format: InputFormat::Jsonl,
            ..InputOptions::default()
        };
        let items = run(&[file], &opts);
        assert_eq!(doc(&items[0]).id, "1");
    }

    #[test]
    fn csv_format_on_tsv_file_uses_tabs() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "x.tsv", b"id\ttext\nr1\tHello, world.\n");
        let opts = InputOptions {
            format: InputFormat::Csv,
            ..InputOptions::default()
        };
        let items = run(&[file], &opts);
        assert_eq!(doc(&items[0]).text, "Hello, world.");
    }

    #[test]
    fn duplicate_ids_across_sources_are_renamed_in_stream_order() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.jsonl",
            b"{\"id\": \"x\", \"text\": \"1\"}\n{\"id\": \"x\", \"text\": \"2\"}\n",
        );
        write(dir.path(), "b.csv", b"id,text\nx,3\nx#2,4\n");
        let items = run(&[dir.path().to_path_buf()], &InputOptions::default());
        let ids: Vec<&str> = items.iter().map(|i| i.id()).collect();
        assert_eq!(ids, ["x", "x#2", "x#3", "x#2#2"]);
        assert!(doc(&items[0]).warnings.is_empty());
        assert!(
            doc(&items[1]).warnings[0].contains("duplicate doc_id \"x\""),
            "{:?}",
            doc(&items[1]).warnings
        );
    }

    #[test]
    fn same_file_twice_gets_distinct_ids() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "a.txt", b"Same.");
        let items = run(&[file.clone(), file], &InputOptions::default());
        assert_ne!(items[0].id(), items[1].id());
        assert!(items[1].id().ends_with("#2"));
    }

    #[test]
    fn unreadable_file_is_a_failed_item() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "gone.txt", b"x");
        let sources = discover(std::slice::from_ref(&file), &InputOptions::default()).unwrap();
        fs::remove_file(&file).unwrap();
        let items: Vec<_> = read_documents(sources, &InputOptions::default()).collect();
        let f = failure(&items[0]);
        assert!(
            f.error.contains("cannot open") && f.error.contains("gone.txt"),
            "{}",
            f.error
        );
    }

    #[test]
    fn oversized_file_fails_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "big.txt", &[b'a'; 100]);
        let opts = InputOptions {
            max_document_bytes: 10,
            ..InputOptions::default()
        };
        let f = run(&[file], &opts).remove(0);
        let err = &failure(&f).error;
        assert!(
            err.contains("100 bytes") && err.contains("limit of 10 bytes"),
            "{err}"
        );
    }

    #[test]
    fn record_formats_skip_a_bom_but_count_it_in_offsets() {
        let opts = InputOptions::default();
        let read = |bytes: &[u8], format| -> Vec<InputItem> {
            read_reader("f", "f", io::Cursor::new(bytes.to_vec()), format, &opts).collect()
        };
        let got = read(b"\xEF\xBB\xBFid,text\na,caf\xe9\n", SourceFormat::Csv);
        assert_eq!(doc(&got[0]).id, "a");
        assert!(
            doc(&got[0]).warnings[0].contains("at byte 16 (line 2)"),
            "{:?}",
            doc(&got[0]).warnings
        );
        let got = read(b"\xEF\xBB\xBF{\"text\": \"\xe9\"}\n", SourceFormat::Jsonl);
        assert!(
            doc(&got[0]).warnings[0].contains("at byte 13 (line 1)"),
            "{:?}",
            doc(&got[0]).warnings
        );
        let got = read(b"\x7fELF\x02\x01\x01\x00\x00", SourceFormat::Jsonl);
        assert!(
            failure(&got[0]).error.starts_with("f: binary file"),
            "{}",
            failure(&got[0]).error
        );
    }

    #[test]
    fn reads_any_reader_as_stdin_would() {
        let opts = InputOptions::default();
        let items: Vec<_> = read_reader(
            "-",
            "-",
            io::Cursor::new(b"From a pipe.".to_vec()),
            SourceFormat::Text,
            &opts,
        )
        .collect();
        let d = doc(&items[0]);
        assert_eq!(
            (d.id.as_str(), d.source.as_str(), d.text.as_str()),
            ("-", "-", "From a pipe.")
        );
        let items: Vec<_> = read_reader(
            "-",
            "-",
            io::Cursor::new(b"{\"text\": \"a\"}\n".to_vec()),
            SourceFormat::Jsonl,
            &opts,
        )
        .collect();
        assert_eq!(doc(&items[0]).id, "-:1");
    }
}
