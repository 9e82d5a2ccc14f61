//! Scheduled runs: `annotate --skip-done` over a growing corpus, `merge` of successive runs,
//! and the output-folder lock.

mod common;

use std::fs;
use std::path::Path;

use common::{annotate, claimscan, read_csv};

const CSVS: [&str; 3] = ["sentences.csv", "entities.csv", "documents.csv"];

fn write_doc(corpus: &Path, name: &str, topic: &str, n: usize) {
    let text = format!(
        "{topic} bulletin {n}\nThe council approved {} new berths on May {}, 2025. Officials said \
         the work could start next year. \"It is a good day for the port,\" Mayor Ines Duarte \
         said. She added that costs would be published in June.\n",
        n + 3,
        n % 27 + 1
    );
    fs::write(corpus.join(name), text).unwrap();
}

fn statuses(out: &Path) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = read_csv(&out.join("documents.csv"))
        .rows
        .into_iter()
        .map(|r| {
            let name = Path::new(&r["doc_id"])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, r["status"].clone())
        })
        .collect();
    rows.sort();
    rows
}

fn assert_same_outputs(a: &Path, b: &Path) {
    for f in CSVS {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(
            x == y,
            "{f} differs between {} and {}:\n{}\n---\n{}",
            a.display(),
            b.display(),
            String::from_utf8_lossy(&x),
            String::from_utf8_lossy(&y)
        );
    }
}

fn merge(out: &Path, runs: &[&Path]) {
    let mut args = vec!["merge", "-o", out.to_str().unwrap()];
    args.extend(runs.iter().map(|p| p.to_str().unwrap()));
    let output = claimscan(&args);
    assert!(
        output.status.success(),
        "merge failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn pair(name: &str, status: &str) -> (String, String) {
    (name.to_string(), status.to_string())
}

#[test]
fn three_days_of_a_growing_corpus_equal_one_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    let c = corpus.to_str().unwrap();
    for (i, name) in ["a.txt", "b.txt", "c.txt"].iter().enumerate() {
        write_doc(&corpus, name, "Harbour", i);
    }
    // Day 1: everything is new.
    let day1 = dir.path().join("day1");
    annotate(&day1, &[c], 0);
    assert!(statuses(&day1).iter().all(|(_, s)| s == "ok"));

    // Day 2: one new file, one changed file.
    write_doc(&corpus, "d.txt", "Harbour", 3);
    write_doc(&corpus, "b.txt", "Railway", 1);
    let day2 = dir.path().join("day2");
    let d1 = day1.to_str().unwrap();
    let out = annotate(&day2, &["--skip-done", d1, c], 0);
    let _ = out;
    assert_eq!(
        statuses(&day2),
        [
            pair("a.txt", "skipped"),
            pair("b.txt", "ok"),
            pair("c.txt", "skipped"),
            pair("d.txt", "ok")
        ]
    );
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(day2.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["skipped"], 2);
    let all2 = dir.path().join("all2");
    merge(&all2, &[&day1, &day2]);
    let full2 = dir.path().join("full2");
    annotate(&full2, &[c], 0);
    assert_same_outputs(&full2, &all2);

    // Day 3: one file deleted, one new; the cumulative result of day 2 is the only history.
    fs::remove_file(corpus.join("c.txt")).unwrap();
    write_doc(&corpus, "e.txt", "Airport", 4);
    let day3 = dir.path().join("day3");
    annotate(&day3, &["--skip-done", all2.to_str().unwrap(), c], 0);
    assert_eq!(
        statuses(&day3),
        [
            pair("a.txt", "skipped"),
            pair("b.txt", "skipped"),
            pair("d.txt", "skipped"),
            pair("e.txt", "ok")
        ]
    );
    let all3 = dir.path().join("all3");
    merge(&all3, &[&all2, &day3]);
    let full3 = dir.path().join("full3");
    annotate(&full3, &[c], 0);
    assert_same_outputs(&full3, &all3);
}

#[test]
fn skipping_works_with_shards_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    for i in 0..6 {
        write_doc(&corpus, &format!("doc{i}.txt"), "Harbour", i);
    }
    let c = corpus.to_str().unwrap();
    let day1 = dir.path().join("day1");
    annotate(&day1, &[c], 0);
    write_doc(&corpus, "doc6.txt", "Harbour", 6);
    // Day 2 as two shards, each skipping what day 1 did, then merged into one run.
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = dir.path().join(format!("day2-shard{k}"));
        let shard = format!("{k}/2");
        annotate(
            &out,
            &[
                "--skip-done",
                day1.to_str().unwrap(),
                "--shard",
                &shard,
                "--resume",
                c,
            ],
            0,
        );
        shards.push(out);
    }
    let day2 = dir.path().join("day2");
    let shard_refs: Vec<&Path> = shards.iter().map(|p| p.as_path()).collect();
    merge(&day2, &shard_refs);
    let skipped = statuses(&day2)
        .iter()
        .filter(|(_, s)| s == "skipped")
        .count();
    assert_eq!(skipped, 6);
    let all = dir.path().join("all");
    merge(&all, &[&day1, &day2]);
    let full = dir.path().join("full");
    annotate(&full, &[c], 0);
    assert_same_outputs(&full, &all);
}

#[test]
fn a_busy_output_folder_is_refused_and_a_stale_lock_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    write_doc(&corpus, "a.txt", "Harbour", 0);
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    // A live process (this test) holds the folder.
    fs::write(
        out.join(".claimscan.lock"),
        format!("{} {host}\n", std::process::id()),
    )
    .unwrap();
    let refused = annotate(&out, &[corpus.to_str().unwrap()], 2);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("in use by another claimscan run"),
        "{stderr}"
    );
    assert!(!out.join("documents.csv").exists(), "nothing written");
    // A dead one left its lock behind: reported, taken over, released at the end.
    fs::write(out.join(".claimscan.lock"), format!("4194303 {host}\n")).unwrap();
    let taken = annotate(&out, &[corpus.to_str().unwrap()], 0);
    let stderr = String::from_utf8_lossy(&taken.stderr);
    assert!(stderr.contains("taking it over"), "{stderr}");
    assert!(out.join("documents.csv").exists());
    assert!(!out.join(".claimscan.lock").exists(), "lock released");
}
