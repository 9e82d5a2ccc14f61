//! `claimscan eval extract DIR GROUND_TRUTH.json`: main-text extraction scored with the
//! article-extraction benchmark's own measure (../shared/data/html-extraction/README.md):
//! both texts split into `\w+` tokens, 4-token shingles counted as multisets, per page
//! precision and recall of the extracted shingles, averaged over pages, F1 of the averages.
//!
//! Each page is read as `annotate --input-format html` reads it (gzip and charset handled), and
//! the body claimscan would annotate (without the title line) is compared with the ground
//! truth's `articleBody`.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{f1, ratio};
use crate::input::html::ExtractionFocus;
use crate::input::{self, InputFormat, InputItem, InputOptions};

/// Scores of one evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExtractScores {
    /// Pages scored.
    pub pages: usize,
    /// Mean precision over pages.
    pub precision: f64,
    /// Mean recall over pages.
    pub recall: f64,
    /// F1 of the two means.
    pub f1: f64,
    /// HTML bytes read (uncompressed).
    pub html_bytes: usize,
    /// Seconds spent decoding and extracting, single-threaded (gunzip excluded).
    pub extract_seconds: f64,
    /// The same scores on each half of the pages (an id whose first byte is even, odd): a
    /// choice made on the pages should win on both halves.
    pub halves: [Half; 2],
    /// Per page: id, precision, recall (worst pages first when printed).
    #[serde(skip)]
    pub per_page: Vec<(String, f64, f64)>,
}

/// Scores on one half of the pages.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Half {
    /// Pages in the half.
    pub pages: usize,
    /// Mean precision.
    pub precision: f64,
    /// Mean recall.
    pub recall: f64,
    /// F1 of the two means.
    pub f1: f64,
}

/// `\w+` tokens (Unicode letters, digits and `_`).
fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The multiset of 4-token shingles (a text shorter than 4 tokens is one shingle).
fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let words = tokens(text);
    let mut out = HashMap::new();
    if words.len() < 4 {
        if !words.is_empty() {
            out.insert(words, 1);
        }
        return out;
    }
    for window in words.windows(4) {
        *out.entry(window.to_vec()).or_insert(0) += 1;
    }
    out
}

/// Precision and recall of `extracted` against `truth` (1, 1 when both are empty).
pub fn page_scores(extracted: &str, truth: &str) -> (f64, f64) {
    let (got, want) = (shingles(extracted), shingles(truth));
    let tp: usize = got
        .iter()
        .map(|(k, n)| (*n).min(want.get(k).copied().unwrap_or(0)))
        .sum();
    let (got_n, want_n): (usize, usize) = (got.values().sum(), want.values().sum());
    let (fp, fn_) = (got_n - tp, want_n - tp);
    if tp + fp + fn_ == 0 {
        return (1.0, 1.0);
    }
    (ratio(tp, tp + fp), ratio(tp, tp + fn_))
}

/// Scores the pages of `dir` (`ID.html.gz` or `ID.html`) listed in `ground_truth`.
pub fn evaluate(
    dir: &Path,
    ground_truth: &Path,
    focus: ExtractionFocus,
) -> Result<ExtractScores, String> {
    let text =
        fs::read_to_string(ground_truth).map_err(|e| format!("{}: {e}", ground_truth.display()))?;
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a JSON object of pages: {e}",
                ground_truth.display()
            )
        })?;
    let opts = InputOptions {
        format: InputFormat::Html,
        extraction_focus: focus,
        ..InputOptions::default()
    };
    let mut scores = ExtractScores::default();
    let (mut precision, mut recall) = (0.0, 0.0);
    for (id, page) in &truth {
        let body_truth = page["articleBody"].as_str().unwrap_or("");
        let path = ["html.gz", "html", "htm"]
            .iter()
            .map(|ext| dir.join(format!("{id}.{ext}")))
            .find(|p| p.exists())
            .ok_or_else(|| format!("{}: no {id}.html.gz or {id}.html", dir.display()))?;
        let bytes = read_page_bytes(&path)?;
        scores.html_bytes += bytes.len();
        let started = Instant::now();
        let item = input::read_page_bytes(id, &path.display().to_string(), bytes, &opts);
        scores.extract_seconds += started.elapsed().as_secs_f64();
        let body = match &item {
            InputItem::Document(doc) => {
                let start = doc.page.as_ref().map_or(0, |p| p.body_start);
                doc.text.get(start..).unwrap_or("").to_string()
            }
            InputItem::Failed(_) => String::new(),
        };
        let (p, r) = page_scores(&body, body_truth);
        precision += p;
        recall += r;
        scores.per_page.push((id.clone(), p, r));
    }
    scores.pages = truth.len();
    if scores.pages > 0 {
        scores.precision = precision / scores.pages as f64;
        scores.recall = recall / scores.pages as f64;
        scores.f1 = f1(scores.precision, scores.recall);
    }
    for (k, half) in scores.halves.iter_mut().enumerate() {
        let pages: Vec<&(String, f64, f64)> = scores
            .per_page
            .iter()
            .filter(|(id, _, _)| id.bytes().next().map_or(0, |b| usize::from(b % 2)) == k)
            .collect();
        if pages.is_empty() {
            continue;
        }
        let n = pages.len() as f64;
        let p = pages.iter().map(|x| x.1).sum::<f64>() / n;
        let r = pages.iter().map(|x| x.2).sum::<f64>() / n;
        *half = Half {
            pages: pages.len(),
            precision: p,
            recall: r,
            f1: f1(p, r),
        };
    }
    scores
        .per_page
        .sort_by(|a, b| f1(a.1, a.2).total_cmp(&f1(b.1, b.2)));
    Ok(scores)
}

/// A page file's bytes, gunzipped when they are gzip.
fn read_page_bytes(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let raw = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .map_err(|e| format!("{}: cannot decompress: {e}", path.display()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_measure() {
        let truth = "one two three four five six";
        assert_eq!(page_scores(truth, truth), (1.0, 1.0));
        // Half the shingles extracted, plus as many wrong ones.
        let (p, r) = page_scores("one two three four five x y z w", truth);
        assert!((r - 2.0 / 3.0).abs() < 1e-9, "{r}");
        assert!((p - 2.0 / 6.0).abs() < 1e-9, "{p}");
        assert_eq!(page_scores("", ""), (1.0, 1.0));
        assert_eq!(page_scores("", truth), (0.0, 0.0));
    }
}
