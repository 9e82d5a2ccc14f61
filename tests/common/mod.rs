//! Helpers shared by the integration tests: run the built binary, read its CSV output.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// ../shared/data beside the crate.
pub fn shared_data() -> PathBuf {
    root().join("../shared/data")
}

/// The sample article the brief came with.
pub fn sample_article() -> PathBuf {
    shared_data().join("corpus/russia-iran-treaty.txt")
}

/// Runs `claimscan ARGS` and returns its output.
pub fn claimscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimscan"))
        .args(args)
        .output()
        .expect("claimscan binary runs")
}

/// Runs `claimscan annotate --quiet -o OUT ARGS` and asserts the exit code.
pub fn annotate(out: &Path, args: &[&str], expect_code: i32) -> Output {
    let mut all = vec![
        "annotate",
        "--quiet",
        "-o",
        out.to_str().expect("utf-8 temp path"),
    ];
    all.extend_from_slice(args);
    let output = claimscan(&all);
    assert_eq!(
        output.status.code(),
        Some(expect_code),
        "claimscan {all:?} exited with {:?}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A CSV file as header + rows of named fields.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<HashMap<String, String>>,
}

/// Reads a CSV output file.
pub fn read_csv(path: &Path) -> Table {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    Table { header, rows }
}

/// The `[start, end)` character slice of `text`.
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Parses a field as a number.
pub fn num<T: std::str::FromStr>(row: &HashMap<String, String>, field: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    row[field]
        .parse()
        .unwrap_or_else(|e| panic!("field {field}={:?}: {e:?}", row[field]))
}
