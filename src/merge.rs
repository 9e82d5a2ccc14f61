//! `claimscan merge`: combines outputs into one set of files, identical to what a single run
//! over the final inputs writes. Two kinds of input, told apart by their documents:
//!
//! - shards of one run (`--shard K/N`: no document in two of them): each shard's files are in
//!   input order, so a streaming k-way merge on documents.csv's `input_index` restores the
//!   global order with memory bounded by the number of shards;
//! - successive runs, oldest first (a nightly `annotate --skip-done`): the last run's
//!   documents.csv is the document set and order (documents deleted since drop out), and a
//!   document it lists as `skipped` takes its rows from the newest earlier run that annotated
//!   the same text. Only the skipped documents are indexed (their id and where their rows
//!   start), so memory grows with them, not with the earlier runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::StringRecord;
use sha2::{Digest, Sha256};

use crate::lock::OutputLock;
use crate::output::{self, CsvOutputs, OutputFile};

/// Why shards could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A shard file is missing, unreadable or not claimscan output.
    #[error("{path}: {reason}")]
    Shard {
        /// The offending file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Another run holds the output folder.
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    /// The merged output could not be written.
    #[error("cannot write merged output in {dir}")]
    Output {
        /// Output directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One open output file of one shard, with a one-row lookahead.
struct Cursor {
    reader: csv::Reader<std::fs::File>,
    next: Option<StringRecord>,
    path: PathBuf,
}

impl Cursor {
    fn open(dir: &Path, file: OutputFile) -> Result<Self, MergeError> {
        let path = dir.join(file.name());
        let fail = |reason: String| MergeError::Shard {
            path: path.clone(),
            reason,
        };
        let mut reader = csv::Reader::from_path(&path).map_err(|e| fail(e.to_string()))?;
        let header = reader.headers().map_err(|e| fail(e.to_string()))?;
        if header.iter().collect::<Vec<_>>() != file.columns() {
            return Err(fail(format!(
                "unexpected columns (expected {})",
                file.columns().join(",")
            )));
        }
        let mut cursor = Cursor {
            reader,
            next: None,
            path,
        };
        cursor.advance()?;
        Ok(cursor)
    }

    fn advance(&mut self) -> Result<(), MergeError> {
        let mut record = StringRecord::new();
        let more = self
            .reader
            .read_record(&mut record)
            .map_err(|e| MergeError::Shard {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        self.next = more.then_some(record);
        Ok(())
    }
}

/// A run's texts.jsonl (web pages only; absent for text input), read line by line in
/// document order alongside documents.csv.
struct TextsCursor {
    reader: Option<std::io::BufReader<std::fs::File>>,
    /// The next line and its doc_id.
    next: Option<(String, String)>,
    path: PathBuf,
}

impl TextsCursor {
    fn open(dir: &Path) -> Result<Self, MergeError> {
        let path = dir.join(output::TEXTS_FILE);
        let reader = match std::fs::File::open(&path) {
            Ok(f) => Some(std::io::BufReader::new(f)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(MergeError::Shard {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        let mut cursor = TextsCursor {
            reader,
            next: None,
            path,
        };
        cursor.advance()?;
        Ok(cursor)
    }

    fn advance(&mut self) -> Result<(), MergeError> {
        use std::io::BufRead;
        self.next = None;
        let Some(reader) = self.reader.as_mut() else {
            return Ok(());
        };
        let mut line = String::new();
        let read = reader.read_line(&mut line).map_err(|e| MergeError::Shard {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        if read > 0 {
            self.next = Some((text_line_id(&line, &self.path)?, line));
        }
        Ok(())
    }

    /// The line of `doc_id` if it is the next one.
    fn take(&mut self, doc_id: &str) -> Result<Option<String>, MergeError> {
        if self.next.as_ref().is_some_and(|(id, _)| id == doc_id) {
            let line = self.next.take().map(|(_, l)| l);
            self.advance()?;
            return Ok(line);
        }
        Ok(None)
    }
}

/// The doc_id of a texts.jsonl line.
fn text_line_id(line: &str, path: &Path) -> Result<String, MergeError> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| MergeError::Shard {
        path: path.to_path_buf(),
        reason: format!("not a texts.jsonl line: {e}"),
    })?;
    Ok(value["doc_id"].as_str().unwrap_or_default().to_string())
}

struct ShardFiles {
    documents: Cursor,
    sentences: Cursor,
    entities: Cursor,
}

/// What the merge did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MergeSummary {
    /// Shard directories merged.
    pub shards: usize,
    /// Documents written.
    pub documents: usize,
    /// Sentences written.
    pub sentences: usize,
    /// Entities written.
    pub entities: usize,
}

fn input_index(doc: &StringRecord, path: &Path) -> Result<usize, MergeError> {
    let column = output::DOCUMENT_COLUMNS
        .iter()
        .position(|c| *c == "input_index")
        .unwrap_or(0);
    doc.get(column)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| MergeError::Shard {
            path: path.to_path_buf(),
            reason: format!(
                "row {:?} has no valid input_index",
                doc.position().map(|p| p.line())
            ),
        })
}

/// Merges output directories (shards of one run, or successive runs oldest first) into
/// `out_dir`.
pub fn merge(dirs: &[PathBuf], out_dir: &Path) -> Result<MergeSummary, MergeError> {
    let _lock = OutputLock::acquire(out_dir)?;
    // The same folder twice is a mistake in either reading: two shards cannot share
    // documents, and a run cannot follow itself.
    let canonical: Vec<PathBuf> = dirs
        .iter()
        .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
        .collect();
    for (k, dir) in canonical.iter().enumerate() {
        if canonical[..k].contains(dir) {
            return Err(MergeError::Shard {
                path: dirs[k].clone(),
                reason: "given twice: the same documents would appear in two shards (or a \
                         run would follow itself)"
                    .into(),
            });
        }
    }
    if are_successive_runs(dirs)? {
        merge_runs(dirs, out_dir)
    } else {
        merge_shards(dirs, out_dir)
    }
}

/// Column of documents.csv.
fn document_column(name: &str) -> usize {
    output::DOCUMENT_COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap_or(0)
}

fn id_key(id: &str) -> u128 {
    let digest = Sha256::digest(id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(bytes)
}

/// Whether the last directory shares a document with an earlier one (successive runs) rather
/// than holding its own part of the documents (shards).
fn are_successive_runs(dirs: &[PathBuf]) -> Result<bool, MergeError> {
    let Some((last, earlier)) = dirs.split_last() else {
        return Ok(false);
    };
    let mut last_ids = std::collections::HashSet::new();
    let mut cursor = Cursor::open(last, OutputFile::Documents)?;
    while let Some(doc) = cursor.next.take() {
        last_ids.insert(id_key(doc.get(0).unwrap_or_default()));
        cursor.advance()?;
    }
    for dir in earlier {
        let mut cursor = Cursor::open(dir, OutputFile::Documents)?;
        while let Some(doc) = cursor.next.take() {
            if last_ids.contains(&id_key(doc.get(0).unwrap_or_default())) {
                return Ok(true);
            }
            cursor.advance()?;
        }
    }
    Ok(false)
}

/// Where an earlier run keeps a skipped document's rows.
struct EarlierRows {
    /// Index of the run in the merge's arguments.
    run: usize,
    /// Its documents.csv row.
    document: StringRecord,
    /// Position of its first sentence and entity row, and how many of each.
    sentences: Option<(csv::Position, usize)>,
    entities: Option<(csv::Position, usize)>,
    /// Byte offset of its texts.jsonl line (web pages).
    text: Option<u64>,
}

/// Merges successive runs: see the module notes.
fn merge_runs(runs: &[PathBuf], out_dir: &Path) -> Result<MergeSummary, MergeError> {
    let Some((last, earlier)) = runs.split_last() else {
        return Err(MergeError::Output {
            dir: out_dir.to_path_buf(),
            source: std::io::Error::other("nothing to merge"),
        });
    };
    let (status_col, sha_col, index_col) = (
        document_column("status"),
        document_column("sha256"),
        document_column("input_index"),
    );
    // The documents the last run skipped: id -> text hash.
    let mut wanted: HashMap<u128, String> = HashMap::new();
    let mut cursor = Cursor::open(last, OutputFile::Documents)?;
    while let Some(doc) = cursor.next.take() {
        if doc.get(status_col) == Some("skipped") {
            wanted.insert(
                id_key(doc.get(0).unwrap_or_default()),
                doc.get(sha_col).unwrap_or_default().to_string(),
            );
        }
        cursor.advance()?;
    }
    // Newest earlier run first: the latest annotation of the same text wins.
    let mut found: HashMap<u128, EarlierRows> = HashMap::new();
    for (run, dir) in earlier.iter().enumerate().rev() {
        let mut cursor = Cursor::open(dir, OutputFile::Documents)?;
        let mut here = std::collections::HashSet::new();
        while let Some(doc) = cursor.next.take() {
            let key = id_key(doc.get(0).unwrap_or_default());
            let wanted_text = wanted.get(&key).map(String::as_str);
            if !found.contains_key(&key)
                && doc.get(status_col) == Some("ok")
                && wanted_text.is_some()
                && doc.get(sha_col) == wanted_text
            {
                here.insert(key);
                found.insert(
                    key,
                    EarlierRows {
                        run,
                        document: doc,
                        sentences: None,
                        entities: None,
                        text: None,
                    },
                );
            }
            cursor.advance()?;
        }
        if !here.is_empty() {
            index_rows(dir, OutputFile::Sentences, &here, &mut found)?;
            index_rows(dir, OutputFile::Entities, &here, &mut found)?;
            index_texts(dir, &here, &mut found)?;
        }
    }
    if wanted.keys().any(|k| !found.contains_key(k)) {
        return Err(MergeError::Shard {
            path: last.join(OutputFile::Documents.name()),
            reason: "a document skipped in this run was annotated by no earlier run given to                      merge (give every earlier run, oldest first, or the last merged result)"
                .into(),
        });
    }
    let out_err = |source| MergeError::Output {
        dir: out_dir.to_path_buf(),
        source,
    };
    let mut out =
        CsvOutputs::create(out_dir, None, false, output::Formats::default()).map_err(out_err)?;
    let mut summary = MergeSummary {
        shards: runs.len(),
        ..Default::default()
    };
    let mut current = ShardFiles {
        documents: Cursor::open(last, OutputFile::Documents)?,
        sentences: Cursor::open(last, OutputFile::Sentences)?,
        entities: Cursor::open(last, OutputFile::Entities)?,
    };
    let mut readers: HashMap<(usize, OutputFile), csv::Reader<std::fs::File>> = HashMap::new();
    let mut current_texts = TextsCursor::open(last)?;
    while let Some(doc) = current.documents.next.take() {
        let doc_id = doc.get(0).unwrap_or_default().to_string();
        if doc.get(status_col) == Some("skipped") {
            let rows = &found[&id_key(&doc_id)];
            let mut copied: Vec<&str> = rows.document.iter().collect();
            if let (Some(slot), Some(index)) = (copied.get_mut(index_col), doc.get(index_col)) {
                *slot = index;
            }
            out.raw(OutputFile::Documents, &StringRecord::from(copied))
                .map_err(out_err)?;
            if let Some(offset) = rows.text {
                let line = read_line_at(&runs[rows.run].join(output::TEXTS_FILE), offset)?;
                out.raw_text_line(&line).map_err(out_err)?;
            }
            for (file, place, count) in [
                (
                    OutputFile::Sentences,
                    rows.sentences.clone(),
                    &mut summary.sentences,
                ),
                (
                    OutputFile::Entities,
                    rows.entities.clone(),
                    &mut summary.entities,
                ),
            ] {
                let Some((position, n)) = place else { continue };
                let dir = &runs[rows.run];
                let reader = match readers.entry((rows.run, file)) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(Cursor::open(dir, file)?.reader)
                    }
                };
                let path = dir.join(file.name());
                let bad = |e: csv::Error| MergeError::Shard {
                    path: path.clone(),
                    reason: e.to_string(),
                };
                reader.seek(position).map_err(bad)?;
                let mut record = StringRecord::new();
                for _ in 0..n {
                    if !reader.read_record(&mut record).map_err(bad)? {
                        break;
                    }
                    out.raw(file, &record).map_err(out_err)?;
                    *count += 1;
                }
            }
        } else {
            out.raw(OutputFile::Documents, &doc).map_err(out_err)?;
            if let Some(line) = current_texts.take(&doc_id)? {
                out.raw_text_line(&line).map_err(out_err)?;
            }
            copy_rows(&mut current, &doc_id, &mut out, &mut summary).map_err(out_err)??;
        }
        summary.documents += 1;
        current.documents.advance()?;
    }
    out.finish().map_err(out_err)?;
    write_run_json(runs, out_dir, &summary).map_err(out_err)?;
    Ok(summary)
}

/// Records where each wanted document's texts.jsonl line starts in `dir`.
fn index_texts(
    dir: &Path,
    wanted: &std::collections::HashSet<u128>,
    found: &mut HashMap<u128, EarlierRows>,
) -> Result<(), MergeError> {
    use std::io::BufRead;
    let path = dir.join(output::TEXTS_FILE);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(MergeError::Shard {
                path,
                reason: e.to_string(),
            })
        }
    };
    let mut reader = std::io::BufReader::new(file);
    let (mut offset, mut line) = (0u64, String::new());
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(|e| MergeError::Shard {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if read == 0 {
            return Ok(());
        }
        let key = id_key(&text_line_id(&line, &path)?);
        if wanted.contains(&key) {
            if let Some(rows) = found.get_mut(&key) {
                rows.text.get_or_insert(offset);
            }
        }
        offset += read as u64;
    }
}

/// The line of `path` that starts at byte `offset`.
fn read_line_at(path: &Path, offset: u64) -> Result<String, MergeError> {
    use std::io::{BufRead, Seek};
    let fail = |e: std::io::Error| MergeError::Shard {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(fail)?;
    file.seek(std::io::SeekFrom::Start(offset)).map_err(fail)?;
    let mut line = String::new();
    std::io::BufReader::new(file)
        .read_line(&mut line)
        .map_err(fail)?;
    Ok(line)
}

/// Records where each wanted document's rows of `file` start in `dir`, and how many there are.
fn index_rows(
    dir: &Path,
    file: OutputFile,
    wanted: &std::collections::HashSet<u128>,
    found: &mut HashMap<u128, EarlierRows>,
) -> Result<(), MergeError> {
    let mut cursor = Cursor::open(dir, file)?;
    // The cursor has already read the first row: its position is the start of the data.
    let mut position = cursor
        .next
        .as_ref()
        .and_then(|r| r.position().cloned())
        .unwrap_or_else(csv::Position::new);
    while let Some(row) = cursor.next.take() {
        let key = id_key(row.get(0).unwrap_or_default());
        let start = position.clone();
        cursor.advance()?;
        position = cursor
            .next
            .as_ref()
            .and_then(|r| r.position().cloned())
            .unwrap_or_else(csv::Position::new);
        if !wanted.contains(&key) {
            continue;
        }
        let Some(rows) = found.get_mut(&key) else {
            continue;
        };
        let slot = match file {
            OutputFile::Sentences => &mut rows.sentences,
            _ => &mut rows.entities,
        };
        match slot {
            Some((_, n)) => *n += 1,
            None => *slot = Some((start, 1)),
        }
    }
    Ok(())
}

/// Copies the sentence and entity rows of `doc_id` (the next rows of `files`) to `out`. The
/// outer error is the output's, the inner one a damaged input.
fn copy_rows(
    files: &mut ShardFiles,
    doc_id: &str,
    out: &mut CsvOutputs,
    summary: &mut MergeSummary,
) -> std::io::Result<Result<(), MergeError>> {
    for (cursor, file, count) in [
        (
            &mut files.sentences,
            OutputFile::Sentences,
            &mut summary.sentences,
        ),
        (
            &mut files.entities,
            OutputFile::Entities,
            &mut summary.entities,
        ),
    ] {
        while cursor
            .next
            .as_ref()
            .is_some_and(|r| r.get(0) == Some(doc_id))
        {
            if let Some(row) = cursor.next.take() {
                out.raw(file, &row)?;
                *count += 1;
            }
            if let Err(e) = cursor.advance() {
                return Ok(Err(e));
            }
        }
    }
    Ok(Ok(()))
}

/// Merges the shard output directories into `out_dir`.
fn merge_shards(shards: &[PathBuf], out_dir: &Path) -> Result<MergeSummary, MergeError> {
    let mut files = Vec::with_capacity(shards.len());
    let mut texts = Vec::with_capacity(shards.len());
    for dir in shards {
        files.push(ShardFiles {
            documents: Cursor::open(dir, OutputFile::Documents)?,
            sentences: Cursor::open(dir, OutputFile::Sentences)?,
            entities: Cursor::open(dir, OutputFile::Entities)?,
        });
        texts.push(TextsCursor::open(dir)?);
    }
    let out_err = |source| MergeError::Output {
        dir: out_dir.to_path_buf(),
        source,
    };
    let mut out =
        CsvOutputs::create(out_dir, None, false, output::Formats::default()).map_err(out_err)?;
    let mut summary = MergeSummary {
        shards: shards.len(),
        ..Default::default()
    };
    let mut last_index: Option<usize> = None;
    loop {
        let mut best: Option<(usize, usize)> = None; // (input_index, shard)
        for (k, f) in files.iter().enumerate() {
            if let Some(doc) = &f.documents.next {
                let idx = input_index(doc, &f.documents.path)?;
                if best.is_none_or(|(b, _)| idx < b) {
                    best = Some((idx, k));
                }
            }
        }
        let Some((idx, k)) = best else { break };
        if last_index == Some(idx) {
            return Err(MergeError::Shard {
                path: files[k].documents.path.clone(),
                reason: format!("document at input_index {idx} appears in two shards: were the shards made from the same inputs with distinct K?"),
            });
        }
        last_index = Some(idx);
        let f = &mut files[k];
        let Some(doc) = f.documents.next.take() else {
            break;
        };
        let doc_id = doc.get(0).unwrap_or_default().to_string();
        out.raw(OutputFile::Documents, &doc).map_err(out_err)?;
        if let Some(line) = texts[k].take(&doc_id)? {
            out.raw_text_line(&line).map_err(out_err)?;
        }
        summary.documents += 1;
        f.documents.advance()?;
        copy_rows(f, &doc_id, &mut out, &mut summary).map_err(out_err)??;
    }
    for f in &files {
        for cursor in [&f.sentences, &f.entities] {
            if cursor.next.is_some() {
                return Err(MergeError::Shard {
                    path: cursor.path.clone(),
                    reason: "rows for a document not listed in documents.csv (damaged shard?)"
                        .into(),
                });
            }
        }
    }
    out.finish().map_err(out_err)?;
    write_run_json(shards, out_dir, &summary).map_err(out_err)?;
    Ok(summary)
}

/// run.json of the merged output: the shards' counts added up.
fn write_run_json(
    shards: &[PathBuf],
    out_dir: &Path,
    summary: &MergeSummary,
) -> std::io::Result<()> {
    let mut counts = serde_json::Map::new();
    let mut elapsed = 0.0;
    let mut first: Option<serde_json::Value> = None;
    for dir in shards {
        let Ok(text) = std::fs::read_to_string(dir.join("run.json")) else {
            continue;
        };
        let Ok(run) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if let Some(c) = run["counts"].as_object() {
            for (k, v) in c {
                let sum =
                    counts.get(k).and_then(|x| x.as_u64()).unwrap_or(0) + v.as_u64().unwrap_or(0);
                counts.insert(k.clone(), sum.into());
            }
        }
        elapsed += run["elapsed_seconds"].as_f64().unwrap_or(0.0);
        first.get_or_insert(run);
    }
    let first = first.unwrap_or_default();
    let report = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "models": first["models"],
        "inputs": first["inputs"],
        "input_format": first["input_format"],
        "merged_from": shards.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "counts": counts,
        "merge": summary,
        "elapsed_seconds_all_shards": elapsed,
    });
    output::write_json_atomic(&out_dir.join("run.json"), &report)
}
