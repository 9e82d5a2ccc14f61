//! `annotate --skip-done PREV_OUT...`: the documents earlier runs already annotated.
//!
//! A document is done when a previous run's documents.csv lists its id with status `ok`, the
//! SHA-256 of the same text and the same model id. The set keeps 16-byte prefixes of the
//! hashes of the id and of the text, sorted, so a million documents cost 32 MB and a lookup
//! is a binary search (`cargo bench --bench skip_set` measures it).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::output::DOCUMENT_COLUMNS;

/// Why the previous runs could not be read.
#[derive(Debug, thiserror::Error)]
#[error("--skip-done {path}: {reason}")]
pub struct SkipDoneError {
    /// The documents.csv (or folder) at fault.
    pub path: PathBuf,
    /// What is wrong.
    pub reason: String,
}

/// The (document id, text) pairs earlier runs annotated with this model.
#[derive(Debug, Default)]
pub struct DoneDocuments {
    pairs: Vec<(u128, u128)>,
}

/// First 16 bytes of a SHA-256, as a number.
fn prefix(digest: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(bytes)
}

/// The key of a document id.
fn id_key(id: &str) -> u128 {
    prefix(&Sha256::digest(id.as_bytes()))
}

/// The 16-byte prefix of a hex SHA-256 as written in documents.csv.
fn hex_prefix(hex: &str) -> Option<u128> {
    u128::from_str_radix(hex.get(..32)?, 16).ok()
}

impl DoneDocuments {
    /// Reads the documents.csv of every folder in `runs`, keeping the documents annotated
    /// (`ok`) by `model`.
    pub fn load(runs: &[PathBuf], model: &str) -> Result<Self, SkipDoneError> {
        let mut pairs = Vec::new();
        for dir in runs {
            read_run(&dir.join("documents.csv"), model, &mut pairs)?;
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs.shrink_to_fit();
        Ok(DoneDocuments { pairs })
    }

    /// Whether the document `id` with text hash `sha256_hex` was annotated before.
    pub fn contains(&self, id: &str, sha256_hex: &str) -> bool {
        let Some(text) = hex_prefix(sha256_hex) else {
            return false;
        };
        self.pairs.binary_search(&(id_key(id), text)).is_ok()
    }

    /// Number of (id, text) pairs known.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when no earlier run annotated anything with this model.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

fn read_run(path: &Path, model: &str, pairs: &mut Vec<(u128, u128)>) -> Result<(), SkipDoneError> {
    let fail = |reason: String| SkipDoneError {
        path: path.to_path_buf(),
        reason,
    };
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| fail(format!("{e} (give the output folder of an earlier run)")))?;
    let header = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            fail(format!(
                "no {name} column: written by an older claimscan (columns now: {})",
                DOCUMENT_COLUMNS.join(",")
            ))
        })
    };
    let (id, status, sha, run_model) = (
        column("doc_id")?,
        column("status")?,
        column("sha256")?,
        column("model")?,
    );
    for record in reader.records() {
        let record = record.map_err(|e| fail(e.to_string()))?;
        if &record[status] != "ok" || &record[run_model] != model {
            continue;
        }
        if let Some(text) = hex_prefix(&record[sha]) {
            pairs.push((id_key(&record[id]), text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ok_rows_of_the_same_model_and_text_count() {
        let dir = std::env::temp_dir().join(format!("claimscan-skip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let sha_a = format!("{:x}", Sha256::digest(b"text a"));
        let sha_b = format!("{:x}", Sha256::digest(b"text b"));
        let header = DOCUMENT_COLUMNS.join(",");
        let row = |id: &str, status: &str, sha: &str, model: &str| {
            format!("{id},{id}.txt,{status},,,1,1,0,0,0,0,{sha},{model},0")
        };
        let csv = [
            header,
            row("a", "ok", &sha_a, "m1"),
            row("b", "error", &sha_b, "m1"),
            row("c", "ok", &sha_b, "m2"),
        ]
        .join("\n");
        std::fs::write(dir.join("documents.csv"), csv + "\n").expect("write");
        let done = DoneDocuments::load(std::slice::from_ref(&dir), "m1").expect("load");
        assert!(done.contains("a", &sha_a));
        assert!(!done.contains("a", &sha_b), "changed text");
        assert!(!done.contains("b", &sha_b), "failed before");
        assert!(!done.contains("c", &sha_b), "other model");
        assert_eq!(done.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
