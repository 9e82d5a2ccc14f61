//! Running labelled documents through the real `annotate` pipeline: the evals that score what
//! `claimscan annotate` writes (attribution, news labels over whole documents) share this.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::input::InputFormat;
use crate::model::{LabelMode, Precision};
use crate::pipeline::{self, AnnotateOptions};

/// Annotates each document of `documents` (its sentences, one per line, so splitting errors
/// do not blur a score) in a temporary folder, and returns the `column` of sentences.csv for
/// each document, one value per sentence, in order. `purpose` names the folder.
pub fn annotate_lines(
    documents: &[Vec<&str>],
    models_dir: &Path,
    (precision, labels): (Precision, LabelMode),
    column: &str,
    purpose: &str,
) -> Result<Vec<Vec<String>>, String> {
    let work =
        std::env::temp_dir().join(format!("claimscan-eval-{purpose}-{}", std::process::id()));
    let result = annotate_in(&work, documents, models_dir, (precision, labels), column);
    // The folder holds only what this run wrote; a failure to remove it is not the score's.
    let _ = fs::remove_dir_all(&work);
    result
}

fn annotate_in(
    work: &Path,
    documents: &[Vec<&str>],
    models_dir: &Path,
    (precision, labels): (Precision, LabelMode),
    column: &str,
) -> Result<Vec<Vec<String>>, String> {
    let inputs_dir = work.join("docs");
    fs::create_dir_all(&inputs_dir).map_err(|e| format!("{}: {e}", inputs_dir.display()))?;
    let mut inputs = Vec::with_capacity(documents.len());
    for (n, lines) in documents.iter().enumerate() {
        let path = inputs_dir.join(format!("{n:06}.txt"));
        fs::write(&path, lines.join("\n") + "\n")
            .map_err(|e| format!("{}: {e}", path.display()))?;
        inputs.push(path);
    }
    let mut opts = AnnotateOptions::defaults(inputs, work.join("out"), models_dir.to_path_buf());
    opts.input.format = InputFormat::Lines;
    opts.precision = precision;
    opts.labels = labels;
    opts.quiet = true;
    pipeline::annotate(&opts).map_err(|e| e.to_string())?;
    let mut by_document = read_column(&work.join("out").join("sentences.csv"), column)?;
    documents
        .iter()
        .enumerate()
        .map(|(n, lines)| {
            let got = by_document.remove(&format!("{n:06}")).unwrap_or_default();
            if got.len() == lines.len() {
                Ok(got)
            } else {
                Err(format!(
                    "document {n}: {} sentences but {} were annotated",
                    lines.len(),
                    got.len()
                ))
            }
        })
        .collect()
}

/// File stem of each document -> `column` of its sentences, in order.
fn read_column(path: &Path, column: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let position = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{}: no {name} column", path.display()))
    };
    let (doc, wanted) = (position("doc_id")?, position(column)?);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        // A text file's id is its path; the documents were written as NNNNNN.txt.
        let stem = Path::new(&record[doc])
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        out.entry(stem)
            .or_default()
            .push(record[wanted].to_string());
    }
    Ok(out)
}
