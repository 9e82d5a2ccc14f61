//! The write stage: sentences.csv, entities.csv, documents.csv and run.json.
//!
//! Rows stream into temporary files inside the output directory; [`CsvOutputs::finish`]
//! renames them into place only after everything was written, so an interrupted run never
//! leaves a truncated CSV under a final name.

use crate::document::Page;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Columns of sentences.csv, in order.
pub const SENTENCE_COLUMNS: &[&str] = &[
    "doc_id",
    "sentence_id",
    "start",
    "end",
    "text",
    "label",
    "confidence",
    "p_fact",
    "p_speculation",
    "p_opinion",
    "p_none",
    "cues",
    "attribution",
    "attribution_start",
    "attribution_end",
    "checkworthy",
    "block",
];

/// Columns of entities.csv, in order.
pub const ENTITY_COLUMNS: &[&str] = &[
    "doc_id",
    "sentence_id",
    "start",
    "end",
    "text",
    "type",
    "confidence",
    "source",
    "normalized",
];

/// Columns of documents.csv, in order.
pub const DOCUMENT_COLUMNS: &[&str] = &[
    "doc_id",
    "source",
    "status",
    "error",
    "warning",
    "sentences",
    "facts",
    "speculations",
    "opinions",
    "nones",
    "entities",
    "sha256",
    "model",
    "input_index",
];

/// One row of sentences.csv. Offsets are character offsets into the document text.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceRow {
    /// Document id.
    pub doc_id: String,
    /// 0-based index in the document.
    pub sentence_id: usize,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The sentence text, exactly `doc_text[start..end]`.
    pub text: String,
    /// `fact`, `speculation` or `opinion`.
    pub label: &'static str,
    /// Probability of the label.
    pub confidence: f64,
    /// Probability of fact.
    pub p_fact: f64,
    /// Probability of speculation.
    pub p_speculation: f64,
    /// Probability of opinion.
    pub p_opinion: f64,
    /// Probability that the row asserts nothing (0 without the news head).
    pub p_none: f64,
    /// `;`-separated cue words.
    pub cues: String,
    /// Credited source as written, empty if none.
    pub attribution: String,
    /// Character offsets of `attribution` in the document (where the credit came from: the
    /// sentence's own source, a pronoun's antecedent, a quotation's speaker).
    pub attribution_span: Option<(usize, usize)>,
    /// Check-worthiness 0..1.
    pub checkworthy: f64,
    /// `body`, `heading`, `list_item` or `boilerplate`.
    pub block: &'static str,
}

/// One row of entities.csv. Offsets are character offsets into the document text.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    /// Document id.
    pub doc_id: String,
    /// Sentence the entity lies in.
    pub sentence_id: usize,
    /// First character (document offset).
    pub start: usize,
    /// One past the last character (document offset).
    pub end: usize,
    /// The mention text.
    pub text: String,
    /// Entity type (`PER`, `DATE`, ...).
    pub kind: &'static str,
    /// Confidence 0..1.
    pub confidence: f64,
    /// `model` or `rule`.
    pub source: &'static str,
    /// Normalised value, may be empty.
    pub normalized: String,
}

/// Processing status of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocStatus {
    /// Processed.
    Ok,
    /// Read, but holds no text.
    Empty,
    /// Could not be read or parsed.
    Error,
    /// Annotated by an earlier run with the same text and model (`annotate --skip-done`):
    /// its rows are in that run's output.
    Skipped,
}

impl DocStatus {
    /// The name used in the CSV `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Empty => "empty",
            DocStatus::Error => "error",
            DocStatus::Skipped => "skipped",
        }
    }
}

/// One row of documents.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    /// Document id.
    pub doc_id: String,
    /// File, or file:line.
    pub source: String,
    /// ok, empty or error.
    pub status: DocStatus,
    /// Why the document failed; empty otherwise.
    pub error: String,
    /// Problems that did not stop processing, `; `-joined.
    pub warning: String,
    /// Number of sentences.
    pub sentences: usize,
    /// Sentences labelled fact.
    pub facts: usize,
    /// Sentences labelled speculation.
    pub speculations: usize,
    /// Sentences labelled opinion.
    pub opinions: usize,
    /// Rows labelled none (assert nothing).
    pub nones: usize,
    /// Number of entity mentions.
    pub entities: usize,
    /// SHA-256 of the document text as decoded (hex); empty when it could not be read.
    pub sha256: String,
    /// Id of the model that annotated the document (for a skipped one, the model of the run
    /// that did).
    pub model: String,
    /// 0-based position of the document in the input stream (orders merged shards).
    pub input_index: usize,
}

/// Formats a probability with fixed precision, so output is byte-stable and compact.
pub fn prob(p: f64) -> String {
    format!("{:.4}", p.clamp(0.0, 1.0))
}

/// Opens `dir/.NAME.partial` afresh, or cut back to `resume_at` bytes and positioned at its
/// end. Returns the file, its temporary path and the final path it is renamed to.
fn open_partial(
    dir: &Path,
    name: &str,
    resume_at: Option<u64>,
) -> std::io::Result<(File, PathBuf, PathBuf)> {
    let partial = dir.join(format!(".{name}.partial"));
    let file = match resume_at {
        Some(len) => {
            let mut f = OpenOptions::new().read(true).write(true).open(&partial)?;
            f.set_len(len)?;
            f.seek(SeekFrom::End(0))?;
            f
        }
        None => File::create(&partial)?,
    };
    Ok((file, partial, dir.join(name)))
}

/// Syncs a flushed partial file to disk and returns its length (what a checkpoint records).
fn durable_len(file: &File) -> std::io::Result<u64> {
    file.sync_data()?;
    Ok(file.metadata()?.len())
}

/// A CSV file being written under a fixed temporary name (`.NAME.partial`) in its final
/// directory. The fixed name lets `--resume` find and continue it after a crash.
struct PendingCsv {
    writer: csv::Writer<File>,
    partial: PathBuf,
    final_path: PathBuf,
}

impl PendingCsv {
    /// Starts the file afresh, or, with `resume_at`, cuts it back to the length recorded in
    /// the last checkpoint and continues after it.
    fn open(
        dir: &Path,
        name: &str,
        header: &[&str],
        resume_at: Option<u64>,
    ) -> std::io::Result<Self> {
        let (file, partial, final_path) = open_partial(dir, name, resume_at)?;
        let mut writer = csv::WriterBuilder::new().from_writer(file);
        if resume_at.is_none() {
            writer.write_record(header).map_err(std::io::Error::other)?;
        }
        Ok(PendingCsv {
            writer,
            partial,
            final_path,
        })
    }

    fn row<I, S>(&mut self, fields: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .map_err(std::io::Error::other)
    }

    /// Makes everything written so far durable and returns the file length.
    fn checkpoint(&mut self) -> std::io::Result<u64> {
        self.writer.flush()?;
        durable_len(self.writer.get_ref())
    }

    /// Hands everything written so far to the file and returns its length (not synced).
    fn mark(&mut self) -> std::io::Result<u64> {
        self.writer.flush()?;
        // The csv writer lends its file only by reference; `&File` seeks as well.
        let mut file: &File = self.writer.get_ref();
        file.stream_position()
    }

    /// Drops everything written after `mark` returned `len`.
    fn rollback(&mut self, len: u64) -> std::io::Result<()> {
        self.writer.flush()?;
        cut_back(self.writer.get_ref(), len)
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.checkpoint()?;
        std::fs::rename(&self.partial, &self.final_path)
    }
}

/// Truncates a partial file to `len` bytes and continues writing at its new end.
fn cut_back(mut file: &File, len: u64) -> std::io::Result<()> {
    file.set_len(len)?;
    file.seek(SeekFrom::Start(len))?;
    Ok(())
}

/// Prefixes cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) with `'`.
pub fn excel_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Which output files a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// sentences.csv, entities.csv, documents.csv
    pub csv: bool,
    /// sentences.jsonl (entities nested per sentence as well), entities.jsonl, documents.jsonl
    pub jsonl: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            csv: true,
            jsonl: false,
        }
    }
}

impl std::str::FromStr for Formats {
    type Err = String;

    /// Parses a comma-separated list of `csv` and `jsonl`.
    fn from_str(s: &str) -> Result<Self, String> {
        let mut f = Formats {
            csv: false,
            jsonl: false,
        };
        for part in s.split(',').map(str::trim) {
            match part {
                "csv" => f.csv = true,
                "jsonl" => f.jsonl = true,
                other => {
                    return Err(format!(
                        "unknown output format `{other}` (use csv, jsonl or csv,jsonl)"
                    ))
                }
            }
        }
        if !f.csv && !f.jsonl {
            return Err("no output format given (use csv, jsonl or csv,jsonl)".into());
        }
        Ok(f)
    }
}

/// A JSON Lines file being written under a fixed temporary name, like [`PendingCsv`].
struct PendingJsonl {
    writer: std::io::BufWriter<File>,
    partial: PathBuf,
    final_path: PathBuf,
}

impl PendingJsonl {
    fn open(dir: &Path, name: &str, resume_at: Option<u64>) -> std::io::Result<Self> {
        let (file, partial, final_path) = open_partial(dir, name, resume_at)?;
        Ok(PendingJsonl {
            writer: std::io::BufWriter::new(file),
            partial,
            final_path,
        })
    }

    fn line(&mut self, value: &serde_json::Value) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.writer, value).map_err(std::io::Error::other)?;
        self.writer.write_all(b"\n")
    }

    fn checkpoint(&mut self) -> std::io::Result<u64> {
        self.writer.flush()?;
        durable_len(self.writer.get_ref())
    }

    fn mark(&mut self) -> std::io::Result<u64> {
        self.writer.flush()?;
        self.writer.get_mut().stream_position()
    }

    fn rollback(&mut self, len: u64) -> std::io::Result<()> {
        self.writer.flush()?;
        cut_back(self.writer.get_mut(), len)
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.checkpoint()?;
        std::fs::rename(&self.partial, &self.final_path)
    }
}

/// Name of the web pages' text file.
pub const TEXTS_FILE: &str = "texts.jsonl";

/// JSON number of a probability with the same precision as the CSV.
fn prob_json(p: f64) -> serde_json::Value {
    serde_json::json!((p.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0)
}

fn entity_json(r: &EntityRow) -> serde_json::Value {
    serde_json::json!({
        "doc_id": r.doc_id, "sentence_id": r.sentence_id, "start": r.start, "end": r.end, "text": r.text,
        "type": r.kind, "confidence": prob_json(r.confidence), "source": r.source, "normalized": r.normalized,
    })
}

/// The three CSV outputs, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFile {
    /// sentences.csv
    Sentences,
    /// entities.csv
    Entities,
    /// documents.csv
    Documents,
}

impl OutputFile {
    /// File name.
    pub fn name(self) -> &'static str {
        match self {
            OutputFile::Sentences => "sentences.csv",
            OutputFile::Entities => "entities.csv",
            OutputFile::Documents => "documents.csv",
        }
    }

    /// Expected header.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            OutputFile::Sentences => SENTENCE_COLUMNS,
            OutputFile::Entities => ENTITY_COLUMNS,
            OutputFile::Documents => DOCUMENT_COLUMNS,
        }
    }
}

/// Byte lengths of the three partial CSV files at a checkpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PartialLengths {
    /// sentences.csv
    pub sentences: u64,
    /// entities.csv
    pub entities: u64,
    /// documents.csv
    pub documents: u64,
    /// sentences.jsonl, entities.jsonl, documents.jsonl (when written)
    #[serde(default)]
    pub jsonl: [u64; 3],
    /// texts.jsonl
    #[serde(default)]
    pub texts: u64,
}

/// The output files of a run (CSV, and JSONL when asked), written atomically.
pub struct CsvOutputs {
    csv: Option<[PendingCsv; 3]>,
    jsonl: Option<[PendingJsonl; 3]>,
    /// texts.jsonl: the text of documents that are not their file's own text (web pages);
    /// kept only when something was written to it.
    texts: PendingJsonl,
    dir: PathBuf,
    excel_safe: bool,
}

impl CsvOutputs {
    /// Creates `dir` if needed and opens the temporary files: fresh, or continued from
    /// `resume` (the lengths recorded by the last checkpoint of an interrupted run).
    pub fn create(
        dir: &Path,
        resume: Option<PartialLengths>,
        excel_safe: bool,
        formats: Formats,
    ) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let csv = if formats.csv {
            Some([
                PendingCsv::open(
                    dir,
                    "sentences.csv",
                    SENTENCE_COLUMNS,
                    resume.map(|r| r.sentences),
                )?,
                PendingCsv::open(
                    dir,
                    "entities.csv",
                    ENTITY_COLUMNS,
                    resume.map(|r| r.entities),
                )?,
                PendingCsv::open(
                    dir,
                    "documents.csv",
                    DOCUMENT_COLUMNS,
                    resume.map(|r| r.documents),
                )?,
            ])
        } else {
            None
        };
        let jsonl = if formats.jsonl {
            let at = |i: usize| resume.map(|r| r.jsonl[i]);
            Some([
                PendingJsonl::open(dir, "sentences.jsonl", at(0))?,
                PendingJsonl::open(dir, "entities.jsonl", at(1))?,
                PendingJsonl::open(dir, "documents.jsonl", at(2))?,
            ])
        } else {
            None
        };
        let texts = PendingJsonl::open(dir, TEXTS_FILE, resume.map(|r| r.texts))?;
        Ok(CsvOutputs {
            csv,
            jsonl,
            texts,
            dir: dir.to_path_buf(),
            excel_safe,
        })
    }

    fn cell<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if self.excel_safe {
            excel_safe(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    /// Appends one sentence row; `entities` are the sentence's entities, nested in JSONL.
    pub fn sentence(&mut self, r: &SentenceRow, entities: &[EntityRow]) -> std::io::Result<()> {
        if self.csv.is_some() {
            let fields = [
                self.cell(&r.doc_id).into_owned(),
                r.sentence_id.to_string(),
                r.start.to_string(),
                r.end.to_string(),
                self.cell(&r.text).into_owned(),
                r.label.to_string(),
                prob(r.confidence),
                prob(r.p_fact),
                prob(r.p_speculation),
                prob(r.p_opinion),
                prob(r.p_none),
                self.cell(&r.cues).into_owned(),
                self.cell(&r.attribution).into_owned(),
                r.attribution_span
                    .map_or_else(String::new, |(s, _)| s.to_string()),
                r.attribution_span
                    .map_or_else(String::new, |(_, e)| e.to_string()),
                prob(r.checkworthy),
                r.block.to_string(),
            ];
            if let Some(files) = self.csv.as_mut() {
                files[0].row(fields)?;
            }
        }
        if let Some(files) = self.jsonl.as_mut() {
            files[0].line(&serde_json::json!({
                "doc_id": r.doc_id, "sentence_id": r.sentence_id, "start": r.start, "end": r.end, "text": r.text,
                "label": r.label, "confidence": prob_json(r.confidence), "p_fact": prob_json(r.p_fact),
                "p_speculation": prob_json(r.p_speculation), "p_opinion": prob_json(r.p_opinion), "p_none": prob_json(r.p_none), "cues": r.cues,
                "attribution": r.attribution, "attribution_start": r.attribution_span.map(|(s, _)| s),
                "attribution_end": r.attribution_span.map(|(_, e)| e), "checkworthy": prob_json(r.checkworthy), "block": r.block,
                "entities": entities.iter().map(entity_json).collect::<Vec<_>>(),
            }))?;
        }
        Ok(())
    }

    /// Appends one entity row.
    pub fn entity(&mut self, r: &EntityRow) -> std::io::Result<()> {
        if self.csv.is_some() {
            let fields = [
                self.cell(&r.doc_id).into_owned(),
                r.sentence_id.to_string(),
                r.start.to_string(),
                r.end.to_string(),
                self.cell(&r.text).into_owned(),
                r.kind.to_string(),
                prob(r.confidence),
                r.source.to_string(),
                self.cell(&r.normalized).into_owned(),
            ];
            if let Some(files) = self.csv.as_mut() {
                files[1].row(fields)?;
            }
        }
        if let Some(files) = self.jsonl.as_mut() {
            files[1].line(&entity_json(r))?;
        }
        Ok(())
    }

    /// Appends one document row.
    pub fn document(&mut self, r: &DocumentRow) -> std::io::Result<()> {
        if self.csv.is_some() {
            let fields = [
                self.cell(&r.doc_id).into_owned(),
                self.cell(&r.source).into_owned(),
                r.status.as_str().to_string(),
                self.cell(&r.error).into_owned(),
                self.cell(&r.warning).into_owned(),
                r.sentences.to_string(),
                r.facts.to_string(),
                r.speculations.to_string(),
                r.opinions.to_string(),
                r.nones.to_string(),
                r.entities.to_string(),
                r.sha256.clone(),
                self.cell(&r.model).into_owned(),
                r.input_index.to_string(),
            ];
            if let Some(files) = self.csv.as_mut() {
                files[2].row(fields)?;
            }
        }
        if let Some(files) = self.jsonl.as_mut() {
            files[2].line(&serde_json::json!({
                "doc_id": r.doc_id, "source": r.source, "status": r.status.as_str(), "error": r.error,
                "warning": r.warning, "sentences": r.sentences, "facts": r.facts, "speculations": r.speculations,
                "opinions": r.opinions, "nones": r.nones, "entities": r.entities, "sha256": r.sha256,
                "model": r.model, "input_index": r.input_index,
            }))?;
        }
        Ok(())
    }

    /// Appends a CSV row copied verbatim from another run's output (used by `claimscan merge`).
    pub fn raw(&mut self, file: OutputFile, record: &csv::StringRecord) -> std::io::Result<()> {
        let Some(files) = self.csv.as_mut() else {
            return Ok(());
        };
        match file {
            OutputFile::Sentences => files[0].row(record),
            OutputFile::Entities => files[1].row(record),
            OutputFile::Documents => files[2].row(record),
        }
    }

    /// Appends a web page's texts.jsonl line: where it came from and how its document text
    /// (which every offset indexes) is made of the title and the body.
    pub fn page_text(&mut self, doc_id: &str, text: &str, page: &Page) -> std::io::Result<()> {
        let body = text.get(page.body_start..).unwrap_or("");
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
        self.texts.line(&serde_json::json!({
            "doc_id": doc_id, "url": optional(&page.url), "title": page.title,
            "published": optional(&page.published), "author": optional(&page.author),
            "body": body, "text": text, "warc_record_id": optional(&page.warc_record_id),
        }))
    }

    /// Appends a texts.jsonl line copied verbatim from another run's output (`merge`).
    pub fn raw_text_line(&mut self, line: &str) -> std::io::Result<()> {
        self.texts
            .writer
            .write_all(line.trim_end_matches(['\n', '\r']).as_bytes())?;
        self.texts.writer.write_all(b"\n")
    }

    /// Makes everything written so far durable; returns the lengths to resume from.
    pub fn checkpoint(&mut self) -> std::io::Result<PartialLengths> {
        let mut lengths = PartialLengths {
            texts: self.texts.checkpoint()?,
            ..PartialLengths::default()
        };
        if let Some(files) = self.csv.as_mut() {
            lengths.sentences = files[0].checkpoint()?;
            lengths.entities = files[1].checkpoint()?;
            lengths.documents = files[2].checkpoint()?;
        }
        if let Some(files) = self.jsonl.as_mut() {
            for (slot, file) in lengths.jsonl.iter_mut().zip(files.iter_mut()) {
                *slot = file.checkpoint()?;
            }
        }
        Ok(lengths)
    }

    /// The current lengths of the partial files (flushed, not synced): a point that
    /// [`CsvOutputs::rollback`] can return to when the document written after it fails.
    pub fn mark(&mut self) -> std::io::Result<PartialLengths> {
        let mut lengths = PartialLengths {
            texts: self.texts.mark()?,
            ..PartialLengths::default()
        };
        if let Some(files) = self.csv.as_mut() {
            lengths.sentences = files[0].mark()?;
            lengths.entities = files[1].mark()?;
            lengths.documents = files[2].mark()?;
        }
        if let Some(files) = self.jsonl.as_mut() {
            for (slot, file) in lengths.jsonl.iter_mut().zip(files.iter_mut()) {
                *slot = file.mark()?;
            }
        }
        Ok(lengths)
    }

    /// Drops every row written since `mark` returned `lengths`.
    pub fn rollback(&mut self, lengths: &PartialLengths) -> std::io::Result<()> {
        self.texts.rollback(lengths.texts)?;
        if let Some(files) = self.csv.as_mut() {
            files[0].rollback(lengths.sentences)?;
            files[1].rollback(lengths.entities)?;
            files[2].rollback(lengths.documents)?;
        }
        if let Some(files) = self.jsonl.as_mut() {
            for (len, file) in lengths.jsonl.iter().zip(files.iter_mut()) {
                file.rollback(*len)?;
            }
        }
        Ok(())
    }

    /// Flushes everything and moves the files to their final names.
    pub fn finish(mut self) -> std::io::Result<PathBuf> {
        if self.texts.checkpoint()? == 0 {
            // No web page in this run: no texts.jsonl, and none left from an earlier run.
            std::fs::remove_file(&self.texts.partial)?;
            match std::fs::remove_file(&self.texts.final_path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        } else {
            self.texts.finish()?;
        }
        if let Some(files) = self.csv {
            for f in files {
                f.finish()?;
            }
        }
        if let Some(files) = self.jsonl {
            for f in files {
                f.finish()?;
            }
        }
        Ok(self.dir)
    }
}

/// A temporary file in `dir` that becomes an output file when persisted: created with the mode
/// `File::create` gives (0666 less the umask), not tempfile's private 0600, so that every file
/// a run writes can be read by whoever may read the CSV files beside it.
pub fn output_tempfile(
    dir: &Path,
    prefix: &str,
    suffix: &str,
) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Writes `value` as pretty JSON to `path` atomically.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| format!(".{}.", n.to_string_lossy()))
        .unwrap_or_else(|| ".json.".into());
    let mut tmp = output_tempfile(dir, &name, ".partial")?;
    serde_json::to_writer_pretty(&mut tmp, value).map_err(std::io::Error::other)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
