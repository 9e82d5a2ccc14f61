//! `claimscan merge`: combines the outputs of `--shard K/N` runs into one set of files,
//! identical to what a single run over all inputs writes.
//!
//! Each shard's files are in input order, so a streaming k-way merge on documents.csv's
//! `input_index` restores the global order with memory bounded by the number of shards.

use std::path::{Path, PathBuf};

use csv::StringRecord;

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

/// Merges the shard output directories into `out_dir`.
pub fn merge(shards: &[PathBuf], out_dir: &Path) -> Result<MergeSummary, MergeError> {
    let mut files = Vec::with_capacity(shards.len());
    for dir in shards {
        files.push(ShardFiles {
            documents: Cursor::open(dir, OutputFile::Documents)?,
            sentences: Cursor::open(dir, OutputFile::Sentences)?,
            entities: Cursor::open(dir, OutputFile::Entities)?,
        });
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
        summary.documents += 1;
        f.documents.advance()?;
        for (cursor, file, count) in [
            (
                &mut f.sentences,
                OutputFile::Sentences,
                &mut summary.sentences,
            ),
            (&mut f.entities, OutputFile::Entities, &mut summary.entities),
        ] {
            while cursor
                .next
                .as_ref()
                .is_some_and(|r| r.get(0) == Some(doc_id.as_str()))
            {
                if let Some(row) = cursor.next.take() {
                    out.raw(file, &row).map_err(out_err)?;
                    *count += 1;
                }
                cursor.advance()?;
            }
        }
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
