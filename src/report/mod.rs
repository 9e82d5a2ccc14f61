//! The report stage: a static, self-contained HTML view of a finished run.
//!
//! [`write_report`] reads only the CSV files of an output directory (sentences.csv,
//! entities.csv, documents.csv; run.json when present, for the header), so it works on any
//! past run. It writes `OUT_DIR/report/`: one page per document (`doc-000001.html`, numbered by
//! the document's row in documents.csv, because doc ids may hold `/` or any other character)
//! and an index paginated at [`DOCS_PER_INDEX_PAGE`] documents (`index.html`, `index-2.html`, …).
//! Every page inlines its CSS and script and loads nothing else.
//!
//! The three CSV files are read as streams in step: the pipeline writes each document's
//! sentence and entity rows contiguously and in documents.csv order, so only one document is in
//! memory at a time, plus the first index page and a bounded list of top facts.

mod html;
mod svg;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// How many documents one index page lists before the next page (`index-2.html`, …) starts.
pub const DOCS_PER_INDEX_PAGE: usize = 1000;

/// How many of the most check-worthy facts the index lists.
pub const TOP_FACTS: usize = 50;

/// Check-worthiness at or above which a fact counts as check-worthy (the positive class of
/// the check-worthiness head, as in evaluation).
pub const CHECKWORTHY_THRESHOLD: f64 = 0.5;

/// Name of the report folder inside the output directory.
pub const REPORT_DIR: &str = "report";

/// Why the report could not be written. Every message names the file and, for CSV input, the
/// line, so a broken or hand-edited run can be fixed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading or writing a file failed.
    #[error("{}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A CSV row could not be parsed (bad number, missing field, malformed quoting).
    #[error("{}, line {line}: {message}", .path.display())]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line of the row (1 is the header).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A row does not fit the run's structure, e.g. sentence rows whose document is missing
    /// from documents.csv or comes in a different order.
    #[error("{}, line {line}: {message}", .path.display())]
    Inconsistent {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line of the offending row.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

impl ReportError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        ReportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes the HTML report for the run in `out_dir` into `out_dir/report/` and returns the path
/// of `report/index.html`.
///
/// The pages are built in a temporary folder next to `report/` and swapped in at the end, so an
/// old report is replaced whole (no stale pages from a larger earlier run) and an interrupted
/// build leaves the previous report untouched.
pub fn write_report(out_dir: &Path) -> Result<PathBuf, ReportError> {
    let docs_path = out_dir.join("documents.csv");
    let sents_path = out_dir.join("sentences.csv");
    let ents_path = out_dir.join("entities.csv");

    // A first, cheap pass counts documents so that every page can link to the last index page
    // and to the next document without holding the corpus in memory.
    let total_docs = count_rows(&docs_path)?;
    let run = RunInfo::read(&out_dir.join("run.json"));

    let partial = out_dir.join(".report.partial");
    remove_dir_if_exists(&partial)?;
    fs::create_dir_all(&partial).map_err(|e| ReportError::io(&partial, e))?;

    let mut docs = Rows::<DocumentRec>::open(&docs_path, &["doc_id"])?;
    let mut sents = Rows::<SentenceRec>::open(
        &sents_path,
        &["doc_id", "sentence_id", "start", "end", "text", "label"],
    )?;
    let mut ents = Rows::<EntityRec>::open(
        &ents_path,
        &["doc_id", "sentence_id", "start", "end", "text", "type"],
    )?;

    let pages = total_docs.div_ceil(DOCS_PER_INDEX_PAGE).max(1);
    let mut totals = Totals::default();
    let mut top = TopFacts::new(TOP_FACTS);
    let mut first_page_rows: Vec<String> = Vec::new();
    let mut page_rows: Vec<String> = Vec::new();
    let mut doc_no = 0usize;

    while let Some((_, doc)) = docs.next()? {
        doc_no += 1;
        let sentences = take_sentences(&mut sents, &doc)?;
        let entities = take_entities(&mut ents, &doc, &sentences)?;
        let counts = DocCounts::of(&sentences, entities.len());
        totals.add(&doc, &sentences, entities.len());
        for s in &sentences {
            if s.is_checkworthy_fact() {
                top.offer(doc_no, &doc.doc_id, s);
            }
        }

        let page = html::DocPage {
            doc: &doc,
            doc_no,
            total_docs,
            index_page: (doc_no - 1) / DOCS_PER_INDEX_PAGE + 1,
            sentences: &sentences,
            entities: &entities,
            counts: &counts,
        };
        write_file(&partial.join(doc_file_name(doc_no)), |w| page.write(w))?;

        let row = html::index_row(doc_no, &doc, &counts);
        if doc_no <= DOCS_PER_INDEX_PAGE {
            first_page_rows.push(row);
        } else {
            page_rows.push(row);
            if page_rows.len() == DOCS_PER_INDEX_PAGE {
                let page_no = (doc_no - 1) / DOCS_PER_INDEX_PAGE + 1;
                write_index_page(&partial, page_no, pages, &page_rows, None)?;
                page_rows.clear();
            }
        }
    }
    if !page_rows.is_empty() {
        let page_no = (doc_no - 1) / DOCS_PER_INDEX_PAGE + 1;
        write_index_page(&partial, page_no, pages, &page_rows, None)?;
    }
    // Rows left over belong to no document in documents.csv (or break its order): the report
    // would silently miss them, so this is an error rather than a shrug.
    if let Some((line, s)) = sents.next()? {
        return Err(ReportError::Inconsistent {
            path: sents_path,
            line,
            message: format!(
                "sentence row for document {:?} matches no document in documents.csv order",
                s.doc_id
            ),
        });
    }
    if let Some((line, e)) = ents.next()? {
        return Err(ReportError::Inconsistent {
            path: ents_path,
            line,
            message: format!(
                "entity row for document {:?} matches no sentence in documents.csv order",
                e.doc_id
            ),
        });
    }

    let overview = html::Overview {
        run: &run,
        totals: &totals,
        top: top.into_sorted(),
        total_docs,
    };
    write_index_page(&partial, 1, pages, &first_page_rows, Some(&overview))?;

    install(&partial, &out_dir.join(REPORT_DIR))?;
    Ok(out_dir.join(REPORT_DIR).join("index.html"))
}

/// File name of a document's page; numbered because doc ids can contain any character.
pub fn doc_file_name(doc_no: usize) -> String {
    format!("doc-{doc_no:06}.html")
}

/// File name of an index page (1-based).
pub fn index_file_name(page: usize) -> String {
    if page <= 1 {
        "index.html".to_string()
    } else {
        format!("index-{page}.html")
    }
}

fn write_index_page(
    dir: &Path,
    page: usize,
    pages: usize,
    rows: &[String],
    overview: Option<&html::Overview<'_>>,
) -> Result<(), ReportError> {
    let first_doc = (page - 1) * DOCS_PER_INDEX_PAGE + 1;
    write_file(&dir.join(index_file_name(page)), |w| {
        html::write_index(w, page, pages, first_doc, rows, overview)
    })
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    let file = fs::File::create(path).map_err(|e| ReportError::io(path, e))?;
    let mut w = BufWriter::new(file);
    body(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| ReportError::io(path, e))
}

fn remove_dir_if_exists(path: &Path) -> Result<(), ReportError> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ReportError::io(path, e)),
    }
}

/// Moves the finished `partial` folder to `target`, replacing an earlier report.
fn install(partial: &Path, target: &Path) -> Result<(), ReportError> {
    let old = target.with_file_name(".report.old");
    remove_dir_if_exists(&old)?;
    if target.exists() {
        fs::rename(target, &old).map_err(|e| ReportError::io(target, e))?;
    }
    fs::rename(partial, target).map_err(|e| ReportError::io(target, e))?;
    remove_dir_if_exists(&old)
}

// ---------------------------------------------------------------------------------------------
// Input rows. Columns are matched by name and optional ones default, so output from older
// versions (e.g. documents.csv without `warning`) still renders.

/// One row of documents.csv.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DocumentRec {
    pub doc_id: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub warning: String,
    #[serde(default)]
    pub sentences: Option<usize>,
    #[serde(default)]
    pub entities: Option<usize>,
}

/// One row of sentences.csv.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SentenceRec {
    pub doc_id: String,
    pub sentence_id: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    #[serde(default)]
    pub p_fact: Option<f64>,
    #[serde(default)]
    pub p_speculation: Option<f64>,
    #[serde(default)]
    pub p_opinion: Option<f64>,
    #[serde(default)]
    pub cues: String,
    #[serde(default)]
    pub attribution: String,
    #[serde(default)]
    pub checkworthy: Option<f64>,
    #[serde(default)]
    pub block: String,
}

impl SentenceRec {
    /// The label if it is one of the three known ones; anything else renders neutrally.
    pub fn label_kind(&self) -> Option<&'static str> {
        match self.label.trim().to_ascii_lowercase().as_str() {
            "fact" => Some("fact"),
            "speculation" => Some("speculation"),
            "opinion" => Some("opinion"),
            _ => None,
        }
    }

    /// The block kind, defaulting to body when unknown or missing.
    pub fn block_kind(&self) -> &'static str {
        match self.block.trim() {
            "heading" => "heading",
            "list_item" => "list_item",
            "boilerplate" => "boilerplate",
            _ => "body",
        }
    }

    /// Check-worthiness clamped to 0..1; missing or NaN counts as 0.
    pub fn checkworthy(&self) -> f64 {
        clamp01(self.checkworthy)
    }

    /// A fact in running text (not a heading or boilerplate) at or above the threshold.
    pub fn is_checkworthy_fact(&self) -> bool {
        self.label_kind() == Some("fact")
            && matches!(self.block_kind(), "body" | "list_item")
            && self.checkworthy() >= CHECKWORTHY_THRESHOLD
    }
}

/// One row of entities.csv.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EntityRec {
    pub doc_id: String,
    pub sentence_id: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub normalized: String,
}

pub(crate) fn clamp01(p: Option<f64>) -> f64 {
    match p {
        Some(v) if v.is_finite() => v.clamp(0.0, 1.0),
        _ => 0.0,
    }
}

/// A CSV file read row by row with one row of look-ahead and the line of each row.
struct Rows<T> {
    path: PathBuf,
    reader: csv::Reader<fs::File>,
    headers: csv::StringRecord,
    record: csv::StringRecord,
    peeked: Option<(u64, T)>,
}

impl<T: DeserializeOwned> Rows<T> {
    fn open(path: &Path, required: &[&str]) -> Result<Self, ReportError> {
        let mut reader = csv::ReaderBuilder::new()
            .from_path(path)
            .map_err(|e| csv_error(path, e))?;
        let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
        // Checked up front so that a wrong file gives one clear message instead of a
        // serde error on its first data row.
        for col in required {
            if !headers.iter().any(|h| h == *col) {
                return Err(ReportError::Csv {
                    path: path.to_path_buf(),
                    line: 1,
                    message: format!("missing column `{col}`"),
                });
            }
        }
        Ok(Rows {
            path: path.to_path_buf(),
            reader,
            headers,
            record: csv::StringRecord::new(),
            peeked: None,
        })
    }

    fn peek(&mut self) -> Result<Option<&(u64, T)>, ReportError> {
        if self.peeked.is_none() {
            self.peeked = self.read()?;
        }
        Ok(self.peeked.as_ref())
    }

    fn next(&mut self) -> Result<Option<(u64, T)>, ReportError> {
        match self.peeked.take() {
            Some(row) => Ok(Some(row)),
            None => self.read(),
        }
    }

    fn read(&mut self) -> Result<Option<(u64, T)>, ReportError> {
        if !self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| csv_error(&self.path, e))?
        {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let row = self
            .record
            .deserialize(Some(&self.headers))
            .map_err(|e| ReportError::Csv {
                path: self.path.clone(),
                line,
                message: deserialize_message(&e),
            })?;
        Ok(Some((line, row)))
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ReportError {
    let line = e.position().map_or(0, |p| p.line());
    let message = deserialize_message(&e);
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ReportError::io(path, source),
        _ => ReportError::Csv {
            path: path.to_path_buf(),
            line,
            message,
        },
    }
}

/// The csv crate's own message repeats the position, which ours already names; keep the rest.
fn deserialize_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(i) => format!("field {}: {}", i + 1, err.kind()),
            None => err.kind().to_string(),
        },
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("found {len} fields, but the header has {expected_len}")
        }
        _ => e.to_string(),
    }
}

fn count_rows(path: &Path) -> Result<usize, ReportError> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| csv_error(path, e))?;
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        n += 1;
    }
    Ok(n)
}

/// Takes the next document's sentence rows: those with its doc id, with rising sentence ids
/// (a repeated id means a second document under the same id), at most as many as
/// documents.csv says when it says.
fn take_sentences(
    rows: &mut Rows<SentenceRec>,
    doc: &DocumentRec,
) -> Result<Vec<SentenceRec>, ReportError> {
    let mut out: Vec<SentenceRec> = Vec::new();
    while let Some((_, s)) = rows.peek()? {
        let rising = out
            .last()
            .is_none_or(|prev| s.sentence_id > prev.sentence_id);
        let room = doc.sentences.is_none_or(|n| out.len() < n);
        if s.doc_id != doc.doc_id || !rising || !room {
            break;
        }
        if let Some((_, mut s)) = rows.next()? {
            undo_excel_safe(&mut s.text, s.end.saturating_sub(s.start));
            out.push(s);
        }
    }
    Ok(out)
}

/// Takes the next document's entity rows: its doc id, sentence ids that belong to the
/// sentences just taken, and at most the count in documents.csv when it has one.
fn take_entities(
    rows: &mut Rows<EntityRec>,
    doc: &DocumentRec,
    sentences: &[SentenceRec],
) -> Result<Vec<EntityRec>, ReportError> {
    let (Some(first), Some(last)) = (sentences.first(), sentences.last()) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<EntityRec> = Vec::new();
    while let Some((_, e)) = rows.peek()? {
        // Without a count from documents.csv, a falling sentence id is the only sign that a
        // second document with the same id has begun; with a count, order inside is free.
        let ordered = doc.entities.is_some()
            || out
                .last()
                .is_none_or(|prev| e.sentence_id >= prev.sentence_id);
        let inside = (first.sentence_id..=last.sentence_id).contains(&e.sentence_id);
        let room = doc.entities.is_none_or(|n| out.len() < n);
        if e.doc_id != doc.doc_id || !ordered || !inside || !room {
            break;
        }
        if let Some((_, mut e)) = rows.next()? {
            undo_excel_safe(&mut e.text, e.end.saturating_sub(e.start));
            out.push(e);
        }
    }
    Ok(out)
}

/// `annotate --excel-safe` puts `'` before cells starting with `=`, `+`, `-` or `@`. The offsets
/// still count the original text, so the quote is dropped when the text is exactly one
/// character longer than its span; otherwise entity placement would shift by one.
fn undo_excel_safe(text: &mut String, span_chars: usize) {
    let mut chars = text.chars();
    let quoted = chars.next() == Some('\'')
        && chars
            .next()
            .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@'));
    if quoted && text.chars().count() == span_chars + 1 {
        text.remove(0);
    }
}

// ---------------------------------------------------------------------------------------------
// Aggregates.

/// Counts for one document, taken from its rows (not documents.csv) so that page and index agree.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocCounts {
    pub sentences: usize,
    pub fact: usize,
    pub speculation: usize,
    pub opinion: usize,
    pub checkworthy_facts: usize,
    pub entities: usize,
}

impl DocCounts {
    fn of(sentences: &[SentenceRec], entities: usize) -> Self {
        let mut c = DocCounts {
            sentences: sentences.len(),
            entities,
            ..Default::default()
        };
        for s in sentences {
            match s.label_kind() {
                Some("fact") => c.fact += 1,
                Some("speculation") => c.speculation += 1,
                Some("opinion") => c.opinion += 1,
                _ => {}
            }
            if s.is_checkworthy_fact() {
                c.checkworthy_facts += 1;
            }
        }
        c
    }
}

/// Corpus totals for the overview.
#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    pub documents: usize,
    pub ok: usize,
    pub empty: usize,
    pub errors: usize,
    pub entities: usize,
    /// Label counts over all sentences: fact, speculation, opinion, other.
    pub all: [usize; 4],
    /// Label counts over running text only (body and list items).
    pub body: [usize; 4],
    pub checkworthy_facts: usize,
}

impl Totals {
    fn add(&mut self, doc: &DocumentRec, sentences: &[SentenceRec], entities: usize) {
        self.documents += 1;
        match doc.status.as_str() {
            "error" => self.errors += 1,
            "empty" => self.empty += 1,
            _ => self.ok += 1,
        }
        self.entities += entities;
        for s in sentences {
            let i = match s.label_kind() {
                Some("fact") => 0,
                Some("speculation") => 1,
                Some("opinion") => 2,
                _ => 3,
            };
            self.all[i] += 1;
            if matches!(s.block_kind(), "body" | "list_item") {
                self.body[i] += 1;
            }
            if s.is_checkworthy_fact() {
                self.checkworthy_facts += 1;
            }
        }
    }
}

/// One entry of the corpus-wide top list.
#[derive(Debug, Clone)]
pub(crate) struct TopFact {
    pub score: f64,
    pub doc_no: usize,
    pub sentence_id: usize,
    pub doc_id: String,
    pub text: String,
    pub attribution: String,
}

/// Heap key: higher score ranks higher; on ties the earlier document and sentence win, so the
/// list does not depend on anything but the input.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TopKey(u64, Reverse<usize>, Reverse<usize>);

/// The `n` best check-worthy facts seen so far, in bounded memory.
struct TopFacts {
    n: usize,
    heap: BinaryHeap<Reverse<(TopKey, usize)>>,
    items: Vec<Option<TopFact>>,
}

impl TopFacts {
    fn new(n: usize) -> Self {
        TopFacts {
            n,
            heap: BinaryHeap::new(),
            items: Vec::new(),
        }
    }

    fn offer(&mut self, doc_no: usize, doc_id: &str, s: &SentenceRec) {
        let score = s.checkworthy();
        // Scores are in 0..1, so their bit patterns order like the numbers and give a total order.
        let key = TopKey(score.to_bits(), Reverse(doc_no), Reverse(s.sentence_id));
        if self.n == 0 {
            return;
        }
        if self.heap.len() == self.n {
            match self.heap.peek() {
                Some(Reverse((worst, _))) if key > *worst => {}
                _ => return,
            }
            if let Some(Reverse((_, slot))) = self.heap.pop() {
                self.items[slot] = None;
            }
        }
        let item = TopFact {
            score,
            doc_no,
            sentence_id: s.sentence_id,
            doc_id: doc_id.to_string(),
            text: s.text.clone(),
            attribution: s.attribution.clone(),
        };
        // Reuse a freed slot so `items` never grows past `n`.
        let slot = match self.items.iter().position(Option::is_none) {
            Some(i) => {
                self.items[i] = Some(item);
                i
            }
            None => {
                self.items.push(Some(item));
                self.items.len() - 1
            }
        };
        self.heap.push(Reverse((key, slot)));
    }

    fn into_sorted(self) -> Vec<TopFact> {
        let mut keyed: Vec<(TopKey, usize)> = self.heap.into_iter().map(|Reverse(k)| k).collect();
        keyed.sort_by(|a, b| b.0.cmp(&a.0));
        let mut items = self.items;
        keyed
            .into_iter()
            .filter_map(|(_, slot)| items.get_mut(slot).and_then(Option::take))
            .collect()
    }
}

/// What the header shows from run.json. The file is optional and informative only, so a
/// missing or unreadable one just leaves the fields empty.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunInfo {
    pub version: Option<String>,
    pub model: Option<String>,
    pub inputs: Vec<String>,
    pub elapsed_seconds: Option<f64>,
}

impl RunInfo {
    fn read(path: &Path) -> Self {
        let Ok(text) = fs::read_to_string(path) else {
            return RunInfo::default();
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            return RunInfo::default();
        };
        let s = |v: Option<&serde_json::Value>| v.and_then(|x| x.as_str()).map(str::to_string);
        RunInfo {
            version: s(v.get("version")),
            model: s(v.get("models").and_then(|m| m.get("model"))),
            inputs: v
                .get("inputs")
                .and_then(|i| i.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            elapsed_seconds: v.get("elapsed_seconds").and_then(|x| x.as_f64()),
        }
    }
}

#[cfg(test)]
mod tests;
