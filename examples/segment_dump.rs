//! Probe helper: reads one JSON string (a document's text) per stdin line and prints the
//! segmenter's spans for it as one JSON array of [start, end] byte offsets per line.
use std::io::{BufRead, Write};

fn main() -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let text: String = serde_json::from_str(&line?)?;
        let spans: Vec<(usize, usize)> = claimscan::segment::segment(&text)
            .iter()
            .map(|s| (s.start, s.end))
            .collect();
        writeln!(out, "{}", serde_json::to_string(&spans)?)?;
    }
    Ok(())
}
