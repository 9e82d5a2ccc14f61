//! Property tests over text shaped like scraped web news: real words, names, abbreviations,
//! numbers and reporting phrases, glued together by the characters web pages actually carry
//! (no-break and other Unicode spaces, zero-width characters, BOMs, soft hyphens, line and
//! paragraph separators, CR, curly quotes, ellipses, full-width punctuation, emoji sequences,
//! right-to-left text, leftover HTML entities, mojibake, control characters).
//!
//! Plain random strings rarely reach the rules that look at a word before a full stop or a
//! quote after a comma; these strings do, with a multi-byte character on every side of them.
//! Every stage that takes text (segmenter, cues, attribution, rule entities, label stage) must
//! not panic and must keep its offsets on character boundaries inside its input.

use claimscan::classify::{self, attribution, cues};
use claimscan::entities;
use claimscan::model::heads::SentenceScores;
use claimscan::segment;
use proptest::prelude::*;

/// Pieces of news text: the words the rules look at.
const WORDS: &[&str] = &[
    "He",
    "moved",
    "to",
    "Crimea",
    "The",
    "Admiral",
    "spoke",
    "said",
    "told",
    "according",
    "Reuters",
    "TASS",
    "Lavrov",
    "Dr",
    "Mr",
    "U.S",
    "St",
    "No",
    "Inc",
    "a.m",
    "p.m",
    "Jan",
    "March",
    "2001",
    "47",
    "3.5",
    "million",
    "$",
    "€",
    "%",
    "percent",
    "km",
    "could",
    "may",
    "will",
    "likely",
    "critics",
    "argue",
    "some",
    "experts",
    "believe",
    "officials",
    "reported",
    "poll",
    "showed",
    "he",
    "she",
    "they",
    "it",
    "is",
    "was",
    "not",
    "on",
    "Monday",
    "last",
    "year",
    "first",
    "3rd",
    "10",
    "1,000",
    "1996-08-22",
    "http://example.com",
    "www.a.org",
    "a@b.com",
    "#",
    "###",
    "*",
    "-",
    "--",
    "1.",
    "2)",
    "(",
    ")",
    "[",
    "]",
    "[1]",
    "[…]",
    "Q",
    "Москва",
    "Пу́тин",
    "東京",
    "北京",
    "שלום",
    "مرحبا",
    "e\u{301}",
    "n\u{303}o",
    "café",
];

/// Characters and short sequences found in scraped web text, most of them more than one byte.
const WEB_PIECES: &[&str] = &[
    " ",
    " ",
    " ",
    "\u{a0}",
    "\u{202f}",
    "\u{2000}",
    "\u{2002}",
    "\u{2003}",
    "\u{2007}",
    "\u{2009}",
    "\u{200a}",
    "\u{3000}",
    "\u{200b}",
    "\u{200c}",
    "\u{200d}",
    "\u{2060}",
    "\u{feff}",
    "\u{ad}",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "\t",
    "\u{c}",
    "\u{1}",
    "\u{7f}",
    "\u{9f}",
    ".",
    ".",
    ". ",
    ".\u{a0}",
    "?",
    "!",
    ",",
    ";",
    ":",
    "\u{2026}",
    "...",
    ". . .",
    "\u{3002}",
    "\u{ff01}",
    "\u{ff1f}",
    "\u{ff0e}",
    "\"",
    "'",
    "\u{201c}",
    "\u{201d}",
    "\u{2018}",
    "\u{2019}",
    "\u{2032}",
    "\u{2033}",
    "\u{ab}",
    "\u{bb}",
    "\u{2013}",
    "\u{2014}",
    "&nbsp;",
    "&amp;",
    "&#8217;",
    "&quot;",
    "\u{e2}\u{20ac}\u{2122}",
    "\u{c3}\u{a9}",
    "\u{fffd}",
    "👍",
    "👍🏽",
    "👩\u{200d}👩\u{200d}👧",
    "🇺🇦",
    "\u{200f}",
    "\u{202e}",
    "\u{5d0}\u{5d1}",
    "\u{627}\u{644}",
    "\u{301}",
    "\u{308}",
    "•",
    "·",
    "⁃",
    "→",
    "°",
    "½",
    "²",
    "Ⅻ",
];

/// A string of words and web characters in any order.
fn web_text(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(WORDS).prop_map(str::to_string),
        3 => proptest::sample::select(WEB_PIECES).prop_map(str::to_string),
        1 => "\\PC{1,3}",
    ];
    proptest::collection::vec(piece, 0..max_pieces).prop_map(|pieces| pieces.concat())
}

/// 3,000 cases by default; `PROPTEST_CASES` overrides.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

fn some_scores() -> SentenceScores {
    SentenceScores {
        p_fact: 0.5,
        p_speculation: 0.3,
        p_opinion: 0.2,
        checkworthy: 0.5,
    }
}

fn check_span(text: &str, start: usize, end: usize, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        start <= end && end <= text.len(),
        "{what} {start}..{end} out of {text:?}"
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} {start}..{end} not on char boundaries of {text:?}"
    );
    Ok(())
}

proptest! {
    // PROPTEST_CASES raises the count for a long run (scripts/fuzz.sh does).
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn segmenter_keeps_its_contract_on_web_text(text in web_text(80)) {
        let mut last_end = 0;
        for span in segment::segment(&text) {
            check_span(&text, span.start, span.end, "sentence")?;
            prop_assert!(span.start < span.end && span.start >= last_end, "order/overlap in {text:?}");
            let body = &text[span.start..span.end];
            prop_assert_eq!(body, body.trim());
            last_end = span.end;
        }
        let mut last_end = 0;
        for span in segment::split_lines(&text) {
            check_span(&text, span.start, span.end, "line")?;
            prop_assert!(span.start < span.end && span.start >= last_end);
            last_end = span.end;
        }
    }

    #[test]
    fn sentence_stages_keep_offsets_inside_the_sentence(text in web_text(40)) {
        let found = cues::find_cues(&text);
        for cue in found.speculation.iter().chain(&found.opinion) {
            check_span(&text, cue.start, cue.end, "cue")?;
        }
        if let Some(a) = attribution::find_attribution(&text) {
            check_span(&text, a.start, a.end, "attribution")?;
            prop_assert_eq!(&text[a.start..a.end], a.source.as_str());
        }
        for e in entities::rule_entities(&text) {
            check_span(&text, e.start, e.end, "rule entity")?;
            prop_assert!(e.start < e.end);
        }
        let label = classify::label_sentence(&text, some_scores());
        let s = label.scores;
        prop_assert!((s.p_fact + s.p_speculation + s.p_opinion - 1.0).abs() < 1e-6);
    }

    #[test]
    fn every_segmented_sentence_goes_through_the_sentence_stages(text in web_text(120)) {
        for span in segment::segment(&text) {
            let sentence = &text[span.start..span.end];
            for e in entities::rule_entities(sentence) {
                check_span(sentence, e.start, e.end, "rule entity")?;
            }
            let _ = classify::label_sentence(sentence, some_scores());
        }
    }
}
