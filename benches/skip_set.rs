//! Memory and speed of `annotate --skip-done` at a million documents: writes a documents.csv
//! of 1,000,000 `ok` rows, loads it as the skip set and looks every document up.
//! Run: `cargo bench --bench skip_set`.

use std::io::Write;
use std::time::Instant;

use sha2::{Digest, Sha256};

/// Resident memory of this process now, in MB (Linux /proc), if known.
fn resident_mb() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1e6)
}

fn main() {
    const DOCUMENTS: usize = 1_000_000;
    let dir = std::env::temp_dir().join(format!("claimscan-skip-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("documents.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(file, "{}", claimscan::output::DOCUMENT_COLUMNS.join(",")).expect("write");
    let sha = |i: usize| format!("{:x}", Sha256::digest(format!("text {i}").as_bytes()));
    for i in 0..DOCUMENTS {
        writeln!(
            file,
            "/data/news/2026/12/article-{i:07}.html,/data/news/2026/12/article-{i:07}.html,ok,,,20,12,4,3,1,35,{},mini-v3+news-1a2b3c4d,{i}",
            sha(i)
        )
        .expect("write");
    }
    drop(file);
    let before = resident_mb();
    let started = Instant::now();
    let done =
        claimscan::skip::DoneDocuments::load(std::slice::from_ref(&dir), "mini-v3+news-1a2b3c4d")
            .expect("load");
    let load_s = started.elapsed().as_secs_f64();
    let after = resident_mb();
    let started = Instant::now();
    let hits = (0..DOCUMENTS)
        .filter(|&i| done.contains(&format!("/data/news/2026/12/article-{i:07}.html"), &sha(i)))
        .count();
    let lookup_s = started.elapsed().as_secs_f64();
    println!(
        "skip set: {} documents loaded in {load_s:.2} s, resident memory +{:.1} MB; {hits} found in {lookup_s:.2} s ({:.2} us per lookup incl. hashing)",
        done.len(),
        after.zip(before).map_or(f64::NAN, |(a, b)| a - b),
        1e6 * lookup_s / DOCUMENTS as f64
    );
    assert_eq!(hits, DOCUMENTS);
    let _ = std::fs::remove_dir_all(&dir);
}
