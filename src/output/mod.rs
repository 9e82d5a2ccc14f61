//! The write stage: sentences.csv, entities.csv, documents.csv and run.json.
//!
//! Rows stream into temporary files inside the output directory; [`CsvOutputs::finish`]
//! renames them into place only after everything was written, so an interrupted run never
//! leaves a truncated CSV under a final name.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::NamedTempFile;

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
    "cues",
    "attribution",
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
    "entities",
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
    /// `;`-separated cue words.
    pub cues: String,
    /// Credited source, empty if none.
    pub attribution: String,
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
}

impl DocStatus {
    /// The name used in the CSV `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Empty => "empty",
            DocStatus::Error => "error",
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
    /// Number of entity mentions.
    pub entities: usize,
}

/// Formats a probability with fixed precision, so output is byte-stable and compact.
pub fn prob(p: f64) -> String {
    format!("{:.4}", p.clamp(0.0, 1.0))
}

/// A CSV file being written under a temporary name in its final directory.
struct PendingCsv {
    writer: csv::Writer<BufWriter<NamedTempFile>>,
    final_path: PathBuf,
}

impl PendingCsv {
    fn create(dir: &Path, name: &str, header: &[&str]) -> std::io::Result<Self> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(dir)?;
        let mut writer = csv::WriterBuilder::new().from_writer(BufWriter::new(tmp));
        writer.write_record(header).map_err(std::io::Error::other)?;
        Ok(PendingCsv {
            writer,
            final_path: dir.join(name),
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

    fn finish(self) -> std::io::Result<()> {
        let buffered = self
            .writer
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let tmp = buffered
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.final_path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The three CSV outputs of a run, written atomically.
pub struct CsvOutputs {
    sentences: PendingCsv,
    entities: PendingCsv,
    documents: PendingCsv,
    dir: PathBuf,
}

impl CsvOutputs {
    /// Creates `dir` if needed and opens the temporary files.
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(CsvOutputs {
            sentences: PendingCsv::create(dir, "sentences.csv", SENTENCE_COLUMNS)?,
            entities: PendingCsv::create(dir, "entities.csv", ENTITY_COLUMNS)?,
            documents: PendingCsv::create(dir, "documents.csv", DOCUMENT_COLUMNS)?,
            dir: dir.to_path_buf(),
        })
    }

    /// Appends one sentence row.
    pub fn sentence(&mut self, r: &SentenceRow) -> std::io::Result<()> {
        self.sentences.row([
            r.doc_id.as_str(),
            &r.sentence_id.to_string(),
            &r.start.to_string(),
            &r.end.to_string(),
            &r.text,
            r.label,
            &prob(r.confidence),
            &prob(r.p_fact),
            &prob(r.p_speculation),
            &prob(r.p_opinion),
            &r.cues,
            &r.attribution,
            &prob(r.checkworthy),
            r.block,
        ])
    }

    /// Appends one entity row.
    pub fn entity(&mut self, r: &EntityRow) -> std::io::Result<()> {
        self.entities.row([
            r.doc_id.as_str(),
            &r.sentence_id.to_string(),
            &r.start.to_string(),
            &r.end.to_string(),
            &r.text,
            r.kind,
            &prob(r.confidence),
            r.source,
            &r.normalized,
        ])
    }

    /// Appends one document row.
    pub fn document(&mut self, r: &DocumentRow) -> std::io::Result<()> {
        self.documents.row([
            r.doc_id.as_str(),
            &r.source,
            r.status.as_str(),
            &r.error,
            &r.warning,
            &r.sentences.to_string(),
            &r.facts.to_string(),
            &r.speculations.to_string(),
            &r.opinions.to_string(),
            &r.entities.to_string(),
        ])
    }

    /// Flushes everything and moves the files to their final names.
    pub fn finish(self) -> std::io::Result<PathBuf> {
        self.sentences.finish()?;
        self.entities.finish()?;
        self.documents.finish()?;
        Ok(self.dir)
    }
}

/// Writes `value` as pretty JSON to `path` atomically.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".run.json.")
        .suffix(".partial")
        .tempfile_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, value).map_err(std::io::Error::other)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
