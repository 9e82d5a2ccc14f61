//! Single-threaded speed of the CPU-only stages (segmentation, rule entities, cues and
//! attribution) on the brief's article repeated to ~20 MB, and of segmentation on degenerate
//! 1 MB inputs. Run: `cargo bench --bench segment`.

use std::time::Instant;

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/corpus/russia-iran-treaty.txt"
    );
    let Ok(article) = std::fs::read_to_string(path) else {
        eprintln!("segment bench: {path} not found (needs ../shared/data); skipped");
        return;
    };
    let copies = (20 << 20) / article.len().max(1);
    let text = vec![article.as_str(); copies].join("\n\n");
    let mb = text.len() as f64 / 1e6;

    let started = Instant::now();
    let spans = claimscan::segment::segment(&text);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "segment: {mb:.1} MB, {} sentences in {seconds:.2} s = {:.1} MB/s",
        spans.len(),
        mb / seconds
    );

    let sentences: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
    let started = Instant::now();
    let entities: usize = sentences
        .iter()
        .map(|s| claimscan::entities::rule_entities(s).len())
        .sum();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "rule entities: {} found in {seconds:.2} s = {:.1} MB/s",
        entities,
        mb / seconds
    );

    let started = Instant::now();
    let cues: usize = sentences
        .iter()
        .map(|s| {
            let c = claimscan::classify::cues::find_cues(s);
            c.speculation.len()
                + c.opinion.len()
                + usize::from(claimscan::classify::attribution::find_attribution(s).is_some())
        })
        .sum();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "cues + attribution: {cues} found in {seconds:.2} s = {:.1} MB/s",
        mb / seconds
    );

    // Degenerate input the rules must not slow down on: each pattern repeated to 1 MB with no
    // sentence end. A rule that rescans a token or line per character shows up here as a rate
    // hundreds of times lower than the article's.
    for pattern in [
        "a@",
        "x:",
        ">",
        "www.",
        "-- ",
        "(a ",
        "Dear X, ",
        "----== a ",
    ] {
        let text = pattern.repeat((1 << 20) / pattern.len());
        let started = Instant::now();
        let spans = claimscan::segment::segment(&text);
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "segment, {pattern:?} x {}: {} spans, {:.1} MB/s",
            text.len() / pattern.len(),
            spans.len(),
            text.len() as f64 / 1e6 / seconds
        );
    }
}
