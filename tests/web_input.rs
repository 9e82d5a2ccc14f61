//! HTML pages and WARC archives as input: the same pages read from files and from a `.warc.gz`
//! built here give the same texts; every kind of bad web input costs one error row.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use common::{annotate, read_csv, shared_data};

/// The first `n` pages of the extraction dev set: (id, url, html bytes).
fn dev_pages(n: usize) -> Vec<(String, String, Vec<u8>)> {
    let dir = shared_data().join("html-extraction");
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap();
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    ids.into_iter()
        .take(n)
        .map(|id| {
            let mut html = Vec::new();
            flate2::read::GzDecoder::new(
                fs::File::open(dir.join(format!("html/{id}.html.gz"))).unwrap(),
            )
            .read_to_end(&mut html)
            .unwrap();
            let url = truth[id]["url"].as_str().unwrap_or("").to_string();
            (id.clone(), url, html)
        })
        .collect()
}

/// One WARC response record for `url` holding `html`, gzipped as its own member.
fn warc_record(url: &str, html: &[u8], n: usize) -> Vec<u8> {
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
    block.extend_from_slice(html);
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2026-12-01T00:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012}>\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    record.extend_from_slice(&block);
    record.extend_from_slice(b"\r\n\r\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&record).unwrap();
    gz.finish().unwrap()
}

fn texts(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join("texts.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_warc_of_the_pages_gives_the_texts_of_the_html_files() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    let sample = dev_pages(12);
    let mut archive = Vec::new();
    for (n, (id, url, html)) in sample.iter().enumerate() {
        // Files named in URL order so that both inputs list the pages alike.
        fs::write(pages.join(format!("{n:02}-{}.html", &id[..8])), html).unwrap();
        archive.extend(warc_record(url, html, n));
    }
    let warc = dir.path().join("crawl.warc.gz");
    fs::write(&warc, archive).unwrap();

    let from_files = dir.path().join("from-files");
    annotate(&from_files, &[pages.to_str().unwrap()], 0);
    let from_warc = dir.path().join("from-warc");
    annotate(&from_warc, &[warc.to_str().unwrap()], 0);

    let (a, b) = (texts(&from_files), texts(&from_warc));
    assert_eq!(a.len(), sample.len());
    assert_eq!(b.len(), sample.len());
    for ((fa, fb), (_, url, _)) in a.iter().zip(&b).zip(&sample) {
        assert_eq!(fa["text"], fb["text"], "text of {url}");
        assert_eq!(fb["doc_id"], url.as_str(), "WARC doc ids are target URIs");
        assert_eq!(fb["url"], url.as_str());
        assert!(fb["warc_record_id"]
            .as_str()
            .unwrap()
            .starts_with("<urn:uuid:"));
        let text = fa["text"].as_str().unwrap();
        let body = fa["body"].as_str().unwrap();
        assert!(
            text.ends_with(body),
            "text is the title, a blank line, the body"
        );
    }
    // Offsets index the texts: every sentence is found at its offsets.
    let by_id: std::collections::HashMap<String, String> = b
        .iter()
        .map(|t| {
            (
                t["doc_id"].as_str().unwrap().to_string(),
                t["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let sentences = read_csv(&from_warc.join("sentences.csv"));
    assert!(!sentences.rows.is_empty());
    for row in &sentences.rows {
        let text = &by_id[&row["doc_id"]];
        let (s, e): (usize, usize) = (row["start"].parse().unwrap(), row["end"].parse().unwrap());
        let got: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(got, row["text"]);
    }
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(from_warc.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["documents"], sample.len());
}

#[test]
fn bad_web_input_costs_one_row_each() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    let (_, url, html) = dev_pages(1).remove(0);
    fs::write(input.join("a-good.html"), &html).unwrap();
    // A truncated gzip page.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&html).unwrap();
    let zipped = gz.finish().unwrap();
    fs::write(input.join("b-cut.html.gz"), &zipped[..zipped.len() / 2]).unwrap();
    // A page that is not HTML.
    fs::write(
        input.join("c-plain.html"),
        "Just a line of text, no markup.\n",
    )
    .unwrap();
    // An unknown charset: detection takes over and the page is read.
    let unknown = String::from_utf8_lossy(&html).replacen(
        "<head>",
        "<head><meta charset=\"x-no-such-charset\">",
        1,
    );
    fs::write(input.join("d-charset.html"), unknown.as_bytes()).unwrap();
    // A 20 MB page.
    let huge = format!(
        "<html><body><p>{}</p></body></html>",
        "filler words ".repeat(20 << 20 >> 4)
    );
    fs::write(input.join("e-huge.html"), huge).unwrap();
    // A WARC whose second record is cut short.
    let mut warc = warc_record(&url, &html, 1);
    let second = warc_record("https://example.org/second", &html, 2);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&second[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    warc.extend_from_slice(&unzipped[..unzipped.len() / 2]);
    fs::write(input.join("f-cut.warc"), &warc).unwrap();

    let out = dir.path().join("out");
    annotate(&out, &[input.to_str().unwrap()], 1);
    let docs = read_csv(&out.join("documents.csv")).rows;
    let status = |name: &str| {
        docs.iter()
            .find(|r| r["source"].contains(name))
            .map(|r| (r["status"].clone(), r["error"].clone()))
            .unwrap_or_else(|| panic!("{name} not in documents.csv: {docs:?}"))
    };
    assert_eq!(status("a-good.html").0, "ok");
    let (s, e) = status("b-cut.html.gz");
    assert_eq!(s, "error");
    assert!(
        e.contains("b-cut.html.gz") && e.contains("decompress"),
        "{e}"
    );
    let (s, e) = status("c-plain.html");
    assert_eq!(s, "error");
    assert!(e.contains("not an HTML page"), "{e}");
    assert_eq!(status("d-charset.html").0, "ok");
    let (s, e) = status("e-huge.html");
    assert_eq!(s, "error");
    assert!(e.contains("larger than"), "{e}");
    // The WARC: its first record is a document, the cut one an error naming the record.
    assert!(docs
        .iter()
        .any(|r| r["doc_id"] == url && r["status"] == "ok"));
    let (s, e) = status("f-cut.warc:record 2");
    assert_eq!(s, "error");
    assert!(e.contains("record 2") && e.contains("truncated"), "{e}");
}

fn same_files(a: &Path, b: &Path) {
    for f in [
        "sentences.csv",
        "entities.csv",
        "documents.csv",
        "texts.jsonl",
    ] {
        assert!(
            fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn merge(out: &Path, dirs: &[&Path]) {
    let mut args = vec!["merge", "-o", out.to_str().unwrap()];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    let output = common::claimscan(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn web_pages_shard_skip_and_merge_like_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    let sample = dev_pages(8);
    for (n, (_, _, html)) in sample.iter().take(6).enumerate() {
        fs::write(pages.join(format!("p{n}.html")), html).unwrap();
    }
    let p = pages.to_str().unwrap();
    let single = dir.path().join("single");
    annotate(&single, &[p], 0);
    // Shards merged.
    let mut shards = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        annotate(&out, &["--shard", &format!("{k}/3"), p], 0);
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    merge(
        &merged,
        &shards.iter().map(|s| s.as_path()).collect::<Vec<_>>(),
    );
    same_files(&single, &merged);
    // A second day with two new pages: skipped pages keep their texts through merge.
    for (n, (_, _, html)) in sample.iter().enumerate().skip(6) {
        fs::write(pages.join(format!("p{n}.html")), html).unwrap();
    }
    let day2 = dir.path().join("day2");
    annotate(&day2, &["--skip-done", single.to_str().unwrap(), p], 0);
    let all = dir.path().join("all");
    merge(&all, &[&single, &day2]);
    let full = dir.path().join("full");
    annotate(&full, &[p], 0);
    same_files(&full, &all);
}

#[test]
fn a_killed_web_run_resumes_to_the_uninterrupted_output() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    let sample = dev_pages(24);
    let mut archive = Vec::new();
    for (n, (_, url, html)) in sample.iter().enumerate() {
        if n % 2 == 0 {
            fs::write(pages.join(format!("p{n:02}.html")), html).unwrap();
        } else {
            archive.extend(warc_record(url, html, n));
        }
    }
    fs::write(pages.join("crawl.warc.gz"), archive).unwrap();
    let p = pages.to_str().unwrap();
    let reference = dir.path().join("reference");
    annotate(&reference, &["--chunk-documents", "2", p], 0);

    let out = dir.path().join("killed");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claimscan"))
        .args([
            "annotate",
            "--quiet",
            "--chunk-documents",
            "2",
            "-o",
            out.to_str().unwrap(),
            p,
        ])
        .spawn()
        .unwrap();
    let checkpoint = out.join(".claimscan-checkpoint.json");
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline && !checkpoint.is_file() {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        checkpoint.is_file(),
        "killed before the first checkpoint or after the end"
    );
    annotate(&out, &["--resume", "--chunk-documents", "2", p], 0);
    same_files(&reference, &out);
}
