//! Rule-based entities with normalised values: dates, times, money, percentages,
//! quantities, counts and ranks.
//!
//! Each recogniser proposes candidate spans; [`find_rule_entities`] drops candidates that
//! touch something that is not prose (URLs, identifiers such as `COVID-19`, version
//! strings, phone numbers), then keeps the longest span wherever candidates overlap, and
//! on equal length prefers DATE/TIME/MONEY/PERCENT/QUANTITY over ORDINAL over CARDINAL.
//!
//! Normalised values (the `normalized` column):
//! - DATE: ISO 8601 where the text fixes it (`2019-01-24`, `2001-03`, `2001`), XML Schema
//!   style for a month or day without a year (`--01-24`, `--03`), `X` for unknown digits of
//!   decades and centuries (`199X`, `20XX`), `/` between the ends of a range (`2001/2005`),
//!   `2024-Q3`, `2024-H1`, `2020-SU` for quarters, halves and seasons. Empty when the date
//!   only makes sense against a reference date (`last year`, `on Friday`, `two decades ago`)
//!   or when `01/02/2003` could be either day/month order.
//! - TIME: `HH:MM` on a 24-hour clock; empty when a.m./p.m. is unknown (`3 o'clock`).
//! - MONEY: `<amount> <ISO 4217 code>`, e.g. `3500000 USD`.
//! - PERCENT: the number, e.g. `12.5` (percentage points are given the same way).
//! - QUANTITY: `<amount> <unit symbol>`, e.g. `300 km`, `1500000 bbl`, `20 bbl/d`.
//! - CARDINAL: the number (`143000`); a duration is `<amount> <unit>` in years, months,
//!   weeks, days, hours, minutes or seconds (`two decades` is `20 years`); a fraction is
//!   `n/d`; vague counts (`hundreds of`) are empty.
//! - ORDINAL: the rank as a number (`21st` is `21`).
//!
//! Decisions worth knowing: `21st century` is a DATE (`20XX`) because it names a period;
//! durations are CARDINAL, not DATE; spans leave out approximators (`nearly a decade` is
//! tagged `a decade`), so the value is what the text says, not what it means.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use once_cell::sync::Lazy;
use regex::Regex;

use crate::document::EntityType;

mod amounts;
mod calendar;
mod lexicon;
mod numbers;

/// One entity found by the rules, with byte offsets into the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEntity {
    /// Byte offset of the first character (a char boundary).
    pub start: usize,
    /// Byte offset one past the last character (a char boundary).
    pub end: usize,
    /// One of the rule types: DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL, ORDINAL.
    pub kind: EntityType,
    /// The value in the canonical form described in the module docs; may be empty.
    pub normalized: String,
}

/// Finds dates, times, money, percentages, quantities, cardinals and ordinals in `text`
/// (normally one sentence). Offsets are byte offsets into `text`, on char boundaries, with
/// no surrounding whitespace; the result is sorted by position and spans never overlap.
pub fn find_rule_entities(text: &str) -> Vec<RuleEntity> {
    // Every recogniser needs a digit or a letter to start from.
    if !text.bytes().any(|b| b.is_ascii_alphanumeric()) {
        return Vec::new();
    }
    // Most news sentences have no digit; the patterns that need one are skipped for them.
    let digits = text.bytes().any(|b| b.is_ascii_digit());
    let mut found = Vec::new();
    calendar::find_dates(text, digits, &mut found);
    calendar::find_times(text, digits, &mut found);
    amounts::find_numbers(text, digits, &mut found);
    amounts::find_ordinals_and_fractions(text, &mut found);
    if found.is_empty() {
        return found;
    }
    resolve(text, found)
}

/// Drops candidates inside non-prose spans and resolves overlaps (see module docs).
fn resolve(text: &str, mut found: Vec<RuleEntity>) -> Vec<RuleEntity> {
    let guarded = disjoint(guarded_spans(text));
    found.retain(|e| {
        e.start < e.end
            && text.is_char_boundary(e.start)
            && text.is_char_boundary(e.end)
            && !overlaps_sorted(&guarded, e.start, e.end)
    });
    let chars = |e: &RuleEntity| text[e.start..e.end].chars().count();
    found.sort_by_key(|e| (Reverse(chars(e)), priority(e.kind), e.start));
    // Kept spans never overlap, so the one starting last before a candidate's end is the only
    // one that can overlap it: a map keyed by start answers in O(log n), which keeps a long
    // line full of numbers linear (scripts/pathological.py).
    let mut kept: BTreeMap<usize, RuleEntity> = BTreeMap::new();
    for e in found {
        let clash = kept
            .range(..e.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > e.start);
        if !clash {
            kept.insert(e.start, e);
        }
    }
    kept.into_values().collect()
}

/// Spans sorted by start with overlapping ones merged.
fn disjoint(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, t) in spans {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(t),
            _ => out.push((s, t)),
        }
    }
    out
}

/// Whether `start..end` overlaps any of the disjoint, sorted `spans`.
fn overlaps_sorted(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let before_end = spans.partition_point(|&(s, _)| s < end);
    before_end > 0 && spans[before_end - 1].1 > start
}

/// Tie-break between equally long candidates: specific types beat bare numbers.
fn priority(kind: EntityType) -> u8 {
    match kind {
        EntityType::Date => 0,
        EntityType::Time => 1,
        EntityType::Money => 2,
        EntityType::Percent => 3,
        EntityType::Quantity => 4,
        EntityType::Ordinal => 5,
        EntityType::Cardinal => 6,
        // Model types never come from here; rank them last for completeness.
        EntityType::Per | EntityType::Org | EntityType::Loc | EntityType::Misc => 7,
    }
}

/// Hyphenated prefixes that may stand before a number in prose (`mid-2020`, `top-10`);
/// any other `word-123` is taken as an identifier (`COVID-19`, `F-16`, `S-400`).
const PROSE_PREFIXES: &[&str] = &[
    "mid", "early", "late", "pre", "post", "circa", "top", "over", "under", "end", "start",
];

static URL: Lazy<Regex> = Lazy::new(|| re(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>]+"));
static EMAIL: Lazy<Regex> = Lazy::new(|| re(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"));
// Lowercase TLDs only, so glued sentences (`alliance.The`) are not read as domains.
static DOMAIN: Lazy<Regex> = Lazy::new(|| {
    re(
        r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|int|mil|info|io|ru|ir|uk|de|fr|cn|eu)\b(?:/[^\s]*)?",
    )
});
static HANDLE: Lazy<Regex> = Lazy::new(|| re(r"[#@]\w+"));
static HYPHEN_ID: Lazy<Regex> = Lazy::new(|| re(r"\b(?P<p>[A-Za-z]+)-\d[\w.-]*"));
static VERSION: Lazy<Regex> = Lazy::new(|| re(r"\b[vV]\d+(?:\.\d+)+\b|\b\d+(?:\.\d+){2,}\b"));
static DOTTED_DATE: Lazy<Regex> = Lazy::new(|| re(r"^\d{1,2}\.\d{1,2}\.\d{4}$"));
static PHONE: Lazy<Regex> = Lazy::new(|| {
    re(
        r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,}|\(\d{3}\)\s?\d{3}[\s.-]\d{4}\b|\b\d{3}([.-])\d{3}[.-]\d{4}\b|\b0\d{2,4}\s\d{3,4}\s\d{3,4}\b",
    )
});

/// Spans that are not prose: nothing inside them is a date, amount or count.
fn guarded_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for rx in [&*URL, &*EMAIL, &*DOMAIN, &*HANDLE, &*PHONE] {
        spans.extend(rx.find_iter(text).map(|m| (m.start(), m.end())));
    }
    for c in HYPHEN_ID.captures_iter(text) {
        let (Some(all), Some(p)) = (c.get(0), c.name("p")) else {
            continue;
        };
        if !PROSE_PREFIXES.contains(&p.as_str().to_ascii_lowercase().as_str()) {
            spans.push((all.start(), all.end()));
        }
    }
    for m in VERSION.find_iter(text) {
        if !DOTTED_DATE.is_match(m.as_str()) {
            spans.push((m.start(), m.end()));
        }
    }
    spans
}

/// Compiles a pattern written in this module. ASCII word boundaries keep the regex engine
/// on its fast path for non-ASCII text (curly quotes, accented names), where Unicode `\b`
/// would force the slow one; non-ASCII letters never start an entity here anyway.
pub(super) fn re(pattern: &str) -> Regex {
    let ascii_bounds = pattern.replace(r"\b", r"(?-u:\b)");
    // Patterns are constants of this module, covered by the tests: a typo fails every test.
    Regex::new(&ascii_bounds).expect("rule pattern compiles")
}

/// Appends a candidate.
pub(super) fn push(
    out: &mut Vec<RuleEntity>,
    start: usize,
    end: usize,
    kind: EntityType,
    normalized: impl Into<String>,
) {
    out.push(RuleEntity {
        start,
        end,
        kind,
        normalized: normalized.into(),
    });
}

/// The character just before byte offset `i`, if any.
pub(super) fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The character at byte offset `i`, if any.
pub(super) fn char_after(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// The word that ends just before `i` (spaces skipped), lowercased; `None` when punctuation
/// other than `.` or `'` comes first. Keeps a trailing `.` so `No.` and `c.` are recognisable.
pub(super) fn word_before(text: &str, i: usize) -> Option<String> {
    let head = text.get(..i)?.trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '.' || c == '\'')
        .last()
        .map(|(j, _)| j)?;
    let word = head[start..].trim_start_matches(['.', '\'']);
    (!word.is_empty()).then(|| word.to_lowercase())
}

/// The word that starts at or after `i` (spaces skipped), lowercased; `None` when the next
/// non-space character is not a letter.
pub(super) fn word_after(text: &str, i: usize) -> Option<String> {
    let tail = text.get(i..)?.trim_start();
    let end = tail
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(tail.len());
    (end > 0).then(|| tail[..end].to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(text, type, normalized)` of every entity, for compact assertions.
    fn found(text: &str) -> Vec<(&str, &'static str, String)> {
        find_rule_entities(text)
            .into_iter()
            .map(|e| (&text[e.start..e.end], e.kind.as_str(), e.normalized))
            .collect()
    }

    /// The single entity whose text is `span`.
    fn one<'a>(text: &'a str, span: &str) -> (&'a str, &'static str, String) {
        let all = found(text);
        let hits: Vec<_> = all.iter().filter(|(t, _, _)| *t == span).cloned().collect();
        assert_eq!(hits.len(), 1, "expected `{span}` once in {all:?}");
        hits[0].clone()
    }

    fn assert_entity(text: &str, span: &str, kind: &str, norm: &str) {
        let (_, k, n) = one(text, span);
        assert_eq!((k, n.as_str()), (kind, norm), "{span} in {text:?}");
    }

    #[test]
    fn sample_article_dates_and_counts() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/corpus/russia-iran-treaty.txt"
        );
        let article = std::fs::read_to_string(path).expect("sample article is readable");
        let all = found(&article);
        assert!(
            all.contains(&("March 2001", "DATE", "2001-03".into())),
            "{all:?}"
        );
        assert!(
            all.iter()
                .filter(|e| *e == &("47", "CARDINAL", "47".into()))
                .count()
                == 2,
            "{all:?}"
        );
        assert!(all.contains(&("1991", "DATE", "1991".into())));
        assert!(all.contains(&("the 21st century", "DATE", "20XX".into())));
        assert!(all.contains(&("two decades", "CARDINAL", "20 years".into())));
        // `One of the most crucial aspects` is a pronoun, `Article 5` a label, `COVID`-like
        // identifiers absent: none of them may show up.
        assert!(
            !all.iter()
                .any(|(t, _, _)| t.eq_ignore_ascii_case("one") || *t == "5" || *t == "five"),
            "{all:?}"
        );
        if std::env::var_os("CLAIMSCAN_PRINT_RULES").is_some() {
            for e in find_rule_entities(&article) {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    e.start,
                    e.end,
                    e.kind,
                    &article[e.start..e.end],
                    e.normalized
                );
            }
        }
    }

    #[test]
    fn overlaps_keep_longest_then_specific_type() {
        // The day number and the year are candidates on their own; the full date wins.
        assert_eq!(
            found("Signed on 24 January 2019 in Moscow."),
            vec![("24 January 2019", "DATE", "2019-01-24".into())]
        );
        // `$40` beats the bare `40`.
        assert_eq!(
            found("It cost $40."),
            vec![("$40", "MONEY", "40 USD".into())]
        );
    }

    #[test]
    fn offsets_are_char_boundaries_in_multibyte_text() {
        let text = "Во вторник — «Zürich» reported 12 % growth, €20bn… and 3,5 ruble coins on 5 März 2020 ✓ 47";
        let ents = find_rule_entities(text);
        assert!(!ents.is_empty());
        for e in &ents {
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            let s = &text[e.start..e.end];
            assert_eq!(s, s.trim(), "untrimmed span {s:?}");
        }
        let all = found(text);
        assert!(all.contains(&("12 %", "PERCENT", "12".into())), "{all:?}");
        assert!(
            all.contains(&("€20bn", "MONEY", "20000000000 EUR".into())),
            "{all:?}"
        );
        // The very last characters of the text.
        assert_eq!(all.last(), Some(&("47", "CARDINAL", "47".into())));
    }

    #[test]
    fn every_prefix_and_suffix_keeps_the_invariants() {
        // Cutting text anywhere must never panic or yield a span off a char boundary.
        let text = "Am 5. März — «US$40» at 3:30 p.m.; 1,200 km², €20bn, the ’90s, mid-2020, \
                    12 % and 2.5°C on 24 January 2019 … one of 47 ✓ Q3 2024, Rs 100 crore.";
        let cuts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for &cut in &cuts {
            for piece in [&text[..cut], &text[cut..]] {
                let ents = find_rule_entities(piece);
                for w in ents.windows(2) {
                    assert!(w[0].end <= w[1].start);
                }
                for e in &ents {
                    assert!(e.start < e.end && e.end <= piece.len());
                    assert!(piece.is_char_boundary(e.start) && piece.is_char_boundary(e.end));
                    let s = &piece[e.start..e.end];
                    assert_eq!(s, s.trim());
                }
            }
        }
    }

    #[test]
    fn entity_at_very_end_and_start() {
        assert_eq!(found("2001"), vec![("2001", "DATE", "2001".into())]);
        assert_eq!(
            found("Prices rose 12%"),
            vec![("12%", "PERCENT", "12".into())]
        );
        assert_eq!(found("Noon"), vec![("Noon", "TIME", "12:00".into())]);
    }

    #[test]
    fn sorted_and_disjoint() {
        let text =
            "On Friday, January 24, 2019 at 3:30 p.m. GMT, 3 of the 47 firms paid $3.5 million, \
                    up 12.5 per cent from the first quarter of 2018, for 300 km of pipe.";
        let ents = find_rule_entities(text);
        for w in ents.windows(2) {
            assert!(w[0].end <= w[1].start, "{w:?}");
        }
        assert_eq!(
            found(text),
            vec![
                ("Friday, January 24, 2019", "DATE", "2019-01-24".into()),
                ("3:30 p.m. GMT", "TIME", "15:30".into()),
                ("3", "CARDINAL", "3".into()),
                ("47", "CARDINAL", "47".into()),
                ("$3.5 million", "MONEY", "3500000 USD".into()),
                ("12.5 per cent", "PERCENT", "12.5".into()),
                ("first quarter of 2018", "DATE", "2018-Q1".into()),
                ("300 km", "QUANTITY", "300 km".into()),
            ]
        );
    }

    #[test]
    fn no_entities_in_urls_identifiers_versions_phones() {
        assert!(found("See https://example.com/2024/05/06/story-47 for more.").is_empty());
        assert!(found("Visit www.news24.com today?")
            .iter()
            .all(|(t, _, _)| *t == "today"));
        assert!(found("The COVID-19 wave and the F-16 and S-400 deals.").is_empty());
        assert!(found("The A320 and the G7 met.").is_empty());
        assert!(found("Upgrade to v2.3.1 or 10.4.2 now.").is_empty());
        assert!(found("Call +44 20 7946 0958 or 555-123-4567.").is_empty());
        assert!(found("Write to desk@news2024.org please.").is_empty());
        assert!(found("Trending: #Election2024 and @user99.").is_empty());
    }

    #[test]
    fn one_as_pronoun_is_not_a_count() {
        assert!(found("One of them left, and no one stayed.").is_empty());
        assert!(found("It is the one that matters; one another.").is_empty());
        assert_entity("Only one country signed.", "one", "CARDINAL", "1");
    }

    #[test]
    fn empty_and_punctuation_only_text() {
        assert!(found("").is_empty());
        assert!(found(" — … «» ").is_empty());
    }

    #[test]
    fn word_helpers_read_neighbours() {
        assert_eq!(word_before("in 2001", 3).as_deref(), Some("in"));
        assert_eq!(word_before("No. 5", 4).as_deref(), Some("no."));
        assert_eq!(word_before("(5", 1), None);
        assert_eq!(word_after("5 Articles.", 1).as_deref(), Some("articles"));
        assert_eq!(word_after("5.", 1), None);
    }
}
