//! Unit tests for the report: escaping, offset placement with multi-byte text, pagination,
//! rebuilt paragraphs and error messages.

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

const SENT_HEADER: &str = "doc_id,sentence_id,start,end,text,label,confidence,p_fact,p_speculation,p_opinion,cues,attribution,checkworthy,block\n";
const ENT_HEADER: &str = "doc_id,sentence_id,start,end,text,type,confidence,source,normalized\n";
const DOC_HEADER: &str =
    "doc_id,source,status,error,warning,sentences,facts,speculations,opinions,entities\n";

/// A fresh scratch folder per test (tests run in parallel in one process).
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "claimscan-report-test-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        name
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write_run(dir: &std::path::Path, docs: &str, sents: &str, ents: &str) {
    fs::write(dir.join("documents.csv"), format!("{DOC_HEADER}{docs}")).expect("write");
    fs::write(dir.join("sentences.csv"), format!("{SENT_HEADER}{sents}")).expect("write");
    fs::write(dir.join("entities.csv"), format!("{ENT_HEADER}{ents}")).expect("write");
}

fn read(p: PathBuf) -> String {
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Document text (char offsets):
/// `Ünïcödé café: Zoë Škoda met <script>alert(1)</script> in Köln.` then heading + body.
fn tricky_run(dir: &std::path::Path) {
    // Sentence 0 starts at char 0; "Zoë Škoda" starts at char 14 and is 9 chars long,
    // while it starts at byte 21 — a byte/char mix-up would misplace it.
    let s0 = "Ünïcödé café: Zoë Škoda met <script>alert(1)</script> in Köln.";
    let n0 = s0.chars().count();
    let s1 = "It \"could\" rain & 'pour' 🌧 tomorrow.";
    let s2 = "## Heading";
    let s3 = "Ölpreis stieg um 5 %.";
    let (st1, en1) = (n0 + 1, n0 + 1 + s1.chars().count());
    let (st2, en2) = (en1 + 2, en1 + 2 + s2.chars().count());
    let (st3, en3) = (en2 + 2, en2 + 2 + s3.chars().count());
    let sents = format!(
        "a/b?x=<i>,0,0,{n0},\"{s0}\",fact,0.9,0.9,0.05,0.05,,TASS <b>,0.8,body\n\
         a/b?x=<i>,1,{st1},{en1},\"{}\",speculation,0.7,0.2,0.7,0.1,could;<img src=x>,,0.3,body\n\
         a/b?x=<i>,2,{st2},{en2},{s2},opinion,0.5,0.2,0.3,0.5,,,0.1,heading\n\
         a/b?x=<i>,3,{st3},{en3},{s3},fact,0.6,0.6,0.2,0.2,,,0.55,body\n",
        s1.replace('"', "\"\"")
    );
    let koeln = s0.chars().count() - "Köln.".chars().count();
    let pct_start = st3 + s3.chars().position(|c| c == '5').expect("5");
    let ents = format!(
        "a/b?x=<i>,0,14,23,Zoë Škoda,PER,0.9,model,\n\
         a/b?x=<i>,0,18,23,Škoda,ORG,0.5,model,\n\
         a/b?x=<i>,0,{koeln},{},Köln,\"LOC\"\"><x\",0.9,model,\n\
         a/b?x=<i>,3,{pct_start},{},5 %,PERCENT,1.0,rule,5\n",
        koeln + 4,
        pct_start + 3
    );
    let docs =
        "a/b?x=<i>,in/a.txt,ok,,,4,2,1,1,4\nbroken,in/b.txt,error,cannot <read>,,0,0,0,0,0\n";
    write_run(dir, docs, &sents, &ents);
}

#[test]
fn escapes_and_places_multibyte_entities() {
    let dir = scratch("tricky");
    tricky_run(&dir);
    let index = write_report(&dir).expect("report");
    assert_eq!(index, dir.join("report/index.html"));
    let page = read(dir.join("report/doc-000001.html"));

    // Markup in the text renders as text; only our own script element exists.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(
        page.matches("<script>").count(),
        1,
        "only the report's own script"
    );
    assert!(!page.contains("<img"));
    assert!(page.contains("data-cues=\"could;&lt;img src=x&gt;\""));
    assert!(page.contains("data-attr=\"TASS &lt;b&gt;\""));
    assert!(page.contains("<h1>a/b?x=&lt;i&gt;</h1>"));

    // The multi-byte entity lands on exactly its characters; the overlapping one is counted.
    assert!(
        page.contains("<span class=\"e t-PER\" data-t=\"PER\">Zoë Škoda</span> met"),
        "{page}"
    );
    assert!(page.contains("data-more=\"1\""));
    assert!(page.contains("<span class=\"e t-LOCx\" data-t=\"LOC&quot;&gt;&lt;x\">Köln</span>."));
    assert!(page.contains(
        "<span class=\"e t-PERCENT src-rule\" data-t=\"PERCENT\" data-n=\"5\">5 %</span>"
    ));

    // Four highlighted sentences; sentences 0 and 1 share a paragraph, the heading is its own block.
    assert_eq!(page.matches("class=\"s l-").count(), 4);
    assert!(page.contains("Köln</span>.</span> <span class=\"s l-speculation\""));
    assert!(page.contains("<h3 class=\"blk b-heading\"><span class=\"s l-opinion\""));
    assert!(page.contains("class=\"s l-fact cw\" id=\"s-0\""));
    assert!(page.contains("class=\"s l-fact cw\" id=\"s-3\""));

    // The failed document has a page and shows its escaped error.
    let broken = read(dir.join("report/doc-000002.html"));
    assert!(broken.contains("Not processed: cannot &lt;read&gt;"));

    let index = read(index);
    assert!(
        index.contains("href=\"doc-000001.html#s-0\""),
        "top facts link into the document"
    );
    assert!(index.contains("<svg class=\"chart\""));
    assert!(!index.contains("<i>,"), "doc id escaped in the index");
    // Nothing may point outside the report.
    for html in [&page, &broken, &index] {
        assert!(
            !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(")
        );
    }
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn paginates_large_runs() {
    let dir = scratch("many");
    let n = DOCS_PER_INDEX_PAGE * 2 + 5;
    let mut docs = String::new();
    let mut sents = String::new();
    for i in 0..n {
        docs.push_str(&format!("d{i},d{i},ok,,,1,1,0,0,0\n"));
        sents.push_str(&format!(
            "d{i},0,0,5,Hello,fact,0.9,0.9,0.05,0.05,,,{:.4},body\n",
            (i % 97) as f64 / 97.0
        ));
    }
    write_run(&dir, &docs, &sents, "");
    write_report(&dir).expect("report");
    let r = dir.join("report");
    assert!(
        r.join("index.html").exists()
            && r.join("index-2.html").exists()
            && r.join("index-3.html").exists()
    );
    assert!(!r.join("index-4.html").exists());
    assert!(r.join(doc_file_name(n)).exists());
    let p3 = read(r.join("index-3.html"));
    assert_eq!(p3.matches("<tr><td class=\"num\">").count(), 5);
    assert!(p3.contains("Documents 2001–2005"));
    let p1 = read(r.join("index.html"));
    assert_eq!(
        p1.matches("<tr><td class=\"num\">").count(),
        DOCS_PER_INDEX_PAGE
    );
    assert_eq!(p1.matches("<span class=\"score\"").count(), TOP_FACTS);
    // The best score (96/97) comes first and from the earliest document holding it.
    assert!(p1.contains("0.99</span><div><a href=\"doc-000097.html#s-0\">"));
    // The last document's page links back to the third index page.
    assert!(read(r.join(doc_file_name(n))).contains("href=\"index-3.html\""));

    // A rerun on a smaller run replaces the whole report: no stale pages.
    write_run(
        &dir,
        "only,only,ok,,,1,1,0,0,0\n",
        "only,0,0,5,Hello,fact,0.9,0.9,0.05,0.05,,,0.9,body\n",
        "",
    );
    write_report(&dir).expect("report");
    assert!(!r.join("index-2.html").exists() && !r.join("doc-000002.html").exists());
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn duplicate_doc_ids_stay_apart() {
    let dir = scratch("dups");
    write_run(
        &dir,
        "x,f:1,ok,,,1,1,0,0,1\nx,f:2,ok,,,1,0,0,1,1\n",
        "x,0,0,3,One,fact,0.9,0.9,0.05,0.05,,,0.9,body\nx,0,0,3,Two,opinion,0.9,0.05,0.05,0.9,,,0.1,body\n",
        "x,0,0,3,One,ORG,0.9,model,\nx,0,0,3,Two,PER,0.9,model,\n",
    );
    write_report(&dir).expect("report");
    let a = read(dir.join("report/doc-000001.html"));
    let b = read(dir.join("report/doc-000002.html"));
    assert!(a.contains("data-t=\"ORG\">One</span>") && !a.contains("Two"));
    assert!(b.contains("data-t=\"PER\">Two</span>") && !b.contains(">One<"));
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn errors_name_file_and_line() {
    let dir = scratch("bad");
    write_run(
        &dir,
        "a,a,ok,,,2,2,0,0,0\n",
        "a,0,0,3,One,fact,0.9,0.9,0.05,0.05,,,0.9,body\na,1,x,7,Two,fact,,,,,,,,body\n",
        "",
    );
    let err = write_report(&dir).expect_err("bad start").to_string();
    assert!(err.contains("sentences.csv, line 3"), "{err}");

    write_run(
        &dir,
        "a,a,ok,,,1,1,0,0,0\n",
        "zzz,0,0,3,One,fact,0.9,0.9,0.05,0.05,,,0.9,body\n",
        "",
    );
    let err = write_report(&dir).expect_err("orphan").to_string();
    assert!(
        err.contains("sentences.csv, line 2") && err.contains("\"zzz\""),
        "{err}"
    );

    fs::write(dir.join("entities.csv"), "doc_id,start\n").expect("write");
    let err = write_report(&dir).expect_err("columns").to_string();
    assert!(
        err.contains("entities.csv, line 1: missing column `sentence_id`"),
        "{err}"
    );

    fs::remove_file(dir.join("documents.csv")).expect("rm");
    let err = write_report(&dir).expect_err("missing").to_string();
    assert!(err.contains("documents.csv"), "{err}");
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn old_runs_without_optional_columns_render() {
    let dir = scratch("old");
    fs::write(dir.join("documents.csv"), "doc_id,source,status\na,a,ok\n").expect("write");
    fs::write(
        dir.join("sentences.csv"),
        "doc_id,sentence_id,start,end,text,label\na,0,0,3,One,fact\na,1,10,13,Two,opinion\n",
    )
    .expect("write");
    fs::write(
        dir.join("entities.csv"),
        "doc_id,sentence_id,start,end,text,type\n",
    )
    .expect("write");
    write_report(&dir).expect("report");
    let a = read(dir.join("report/doc-000001.html"));
    // A gap of more than one character starts a new paragraph.
    assert_eq!(a.matches("<p class=\"blk b-body\">").count(), 2);
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn escape_and_truncate() {
    assert_eq!(
        html::escape("a<b>&\"'\0"),
        "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}"
    );
    assert_eq!(html::truncate_chars("ééééé", 3), "ééé…");
    assert_eq!(html::truncate_chars("éé", 3), "éé");
}

#[test]
fn excel_safe_quotes_are_undone() {
    let dir = scratch("excel");
    write_run(
        &dir,
        "'=d,'=d,ok,,,1,1,0,0,1\n",
        "'=d,0,0,10,'=SUM(A1) x,fact,0.9,0.9,0.05,0.05,,,0.9,body\n",
        "'=d,0,0,8,'=SUM(A1),MISC,0.9,model,\n",
    );
    write_report(&dir).expect("report");
    let a = read(dir.join("report/doc-000001.html"));
    assert!(
        a.contains("data-t=\"MISC\">=SUM(A1)</span> x</span>"),
        "{a}"
    );
    // A quote that belongs to the text stays.
    let mut t = "'=x".to_string();
    undo_excel_safe(&mut t, 3);
    assert_eq!(t, "'=x");
    fs::remove_dir_all(&dir).ok();
}
