//! Dates and times of day. Bare years (`in 2001`) are decided by the number scanner in
//! `amounts`, which sees every number once.

use once_cell::sync::Lazy;
use regex::{Captures, Regex};

use super::lexicon::{month_number, FULL_MONTH_ALT, MONTH_ALT, WEEKDAY_ALT};
use super::numbers::{parse_ordinal, NUMBER_WORD_ALT, ORDINAL_RE};
use super::{char_after, push, re, RuleEntity};
use crate::document::EntityType;

/// Optional weekday in front of a full date (`Friday, January 24, 2019`).
fn weekday_prefix() -> String {
    format!(r"(?:(?:{WEEKDAY_ALT}),?\s+)?")
}

static MONTH_DAY_YEAR: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"\b{}(?P<mon>{MONTH_ALT})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
        weekday_prefix()
    ))
});
static DAY_MONTH_YEAR: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"\b{}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_ALT}),?\s+(?P<y>\d{{4}})\b",
        weekday_prefix()
    ))
});
static MONTH_DAY: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"\b{}(?P<mon>{MONTH_ALT})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b",
        weekday_prefix()
    ))
});
static DAY_MONTH: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"\b{}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_ALT})",
        weekday_prefix()
    ))
});
static YEAR_NEXT: Lazy<Regex> = Lazy::new(|| re(r"^,?\s+\d{4}\b"));
static MONTH_YEAR: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[- ])?(?P<mon>{MONTH_ALT}),?\s+(?:of\s+)?(?P<y>\d{{4}})\b"
    ))
});
static MONTH_ALONE: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i:\b(?P<ctx>in|since|until|till|by|from|through|during|before|after|early|late|mid|last|next|this|of|every|each|between|and|or|to))(?:\s+|-)(?P<mon>{FULL_MONTH_ALT})\b"
    ))
});
static ISO_DATE: Lazy<Regex> =
    Lazy::new(|| re(r"\b(?P<y>\d{4})(?P<s>[-/])(?P<m>\d{2})(?P<s2>[-/])(?P<d>\d{2})\b"));
static NUMERIC_DATE: Lazy<Regex> =
    Lazy::new(|| re(r"\b(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P<s2>[/.-])(?P<y>\d{4})\b"));
static YEAR_RANGE: Lazy<Regex> =
    Lazy::new(|| re(r"\b(?P<y1>(?:1[89]|20)\d{2})\s?[-–—/]\s?(?P<y2>(?:1[89]|20)\d{2}|\d{2})\b"));
static DECADE: Lazy<Regex> = Lazy::new(|| {
    re(r"(?:\b[Tt]he\s+)?(?:\b(?:[Ee]arly|[Mm]id|[Ll]ate)[- ])?\b(?P<c>1\d|20)(?P<d>\d)0['’]?s\b")
});
static SHORT_DECADE: Lazy<Regex> =
    Lazy::new(|| re(r"(?:\b[Tt]he\s+)?(?:\b(?:[Ee]arly|[Mm]id|[Ll]ate)[- ])?['’‘](?P<d>\d)0s\b"));
static CENTURY: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)(?:\bthe\s+)?(?:\b(?:early|mid|late)[- ])?\b(?P<o1>{ORDINAL_RE})(?:\s+(?:and|or|to)\s+(?:the\s+)?(?P<o2>{ORDINAL_RE})|\s*[-–]\s*(?P<o3>{ORDINAL_RE}))?\s+(?:century|centuries)\b"
    ))
});
static QUARTER_CODE: Lazy<Regex> = Lazy::new(|| {
    re(r"\b(?P<q>Q[1-4]|H[12])(?:\s+|\s*-\s*|/)?(?P<y>(?:19|20)\d{2})\b|\b(?P<qa>Q[1-4])\b")
});
static QUARTER_WORDS: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)\b(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<p>quarter|half)\b(?:\s+of\s+(?P<y>(?:19|20)\d{2})\b|,?\s+(?P<y2>(?:19|20)\d{2})\b)?",
    )
});
static FISCAL: Lazy<Regex> = Lazy::new(|| {
    re(r"\b(?:FY\s?|[Ff]iscal\s+(?:[Yy]ear\s+)?)(?:(?P<y>(?:19|20)\d{2})|(?P<yy>\d{2}))\b")
});
static SEASON_YEAR: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)\b(?:(?:early|late|mid)[- ])?(?P<s>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<y>(?:1[89]|20)\d{2})\b",
    )
});
static PART_OF_YEAR: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)\b(?:early|mid|late)[- ](?P<y>(?:1\d|20)\d{2})\b"));
static DEICTIC: Lazy<Regex> = Lazy::new(|| re(r"(?i)\b(?:yesterday|today|tomorrow)\b"));
static THIS_PERIOD: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)\b(?:(?:earlier|later)\s+)?(?:last|next|this|past|coming|previous|current)\s+(?:week|weekend|month|year|decade|century|quarter|spring|summer|autumn|fall|winter|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    )
});
/// How many of something, in the relative-date patterns (`the past two decades`).
fn how_many() -> String {
    format!(
        r"(?:a\s+few|a\s+couple\s+of|couple\s+of|few|several|many|some|\d+(?:\.\d+)?|(?:{NUMBER_WORD_ALT})(?:[- ](?:{NUMBER_WORD_ALT}))*)"
    )
}
static LAST_N: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)\b(?:past|last|next|coming|previous|following)\s+{}\s+(?:days|weeks|months|years|decades|centuries)\b",
        how_many()
    ))
});
static AGO: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:a|an|{})\s+)?(?:{})\s+(?:ago|earlier|later)\b",
        how_many(),
        super::lexicon::DURATION_ALT
    ))
});
static RECENT: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)\brecent\s+(?:days|weeks|months|years|decades)\b"));
static WEEKDAY: Lazy<Regex> = Lazy::new(|| re(&format!(r"\b(?:{WEEKDAY_ALT})s?\b")));

/// Time zones after a clock time; kept in the span, not in the value.
const TIME_ZONE_ALT: &str = r"(?:GMT|UTC|BST|CET|CEST|EET|EEST|MSK|IRST|IST|JST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|Z|(?:[Ll]ocal|Moscow|Tehran|Kyiv|Beijing|Eastern|Pacific|Central)\s+time)\b";

static CLOCK_12: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)\b(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s?(?P<ap>[ap])(?:\.\s?m\.|\.m\b|m\b)(?:\s+(?-i:{TIME_ZONE_ALT}))?"
    ))
});
static CLOCK_24: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::[0-5]\d)?\b(?:\s*{TIME_ZONE_ALT})?"
    ))
});
static MILITARY: Lazy<Regex> =
    Lazy::new(|| re(r"\b(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s?(?:GMT|UTC|Z|hrs)\b"));
static NOON: Lazy<Regex> = Lazy::new(|| re(r"(?i)\b(?P<w>noon|midday|mid-day|midnight)\b"));
static OCLOCK: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+o['’]clock\b",
    )
});
static PART_OF_DAY: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i:\b(?:this\s+(?:morning|afternoon|evening)|tonight|last\s+night))\b|\b(?:(?i:yesterday|today|tomorrow)|{WEEKDAY_ALT})\s+(?i:morning|afternoon|evening|night)\b"
    ))
});

/// Finds DATE candidates; `digits` says whether `text` has any ASCII digit.
pub(super) fn find_dates(text: &str, digits: bool, out: &mut Vec<RuleEntity>) {
    month_alone(text, out);
    // Dates that need a reference date to resolve: kept, with no value.
    for rx in [
        &*DEICTIC,
        &*THIS_PERIOD,
        &*LAST_N,
        &*AGO,
        &*RECENT,
        &*WEEKDAY,
    ] {
        for m in rx.find_iter(text) {
            push(out, m.start(), m.end(), EntityType::Date, "");
        }
    }
    // Cheap substring gates spare the costlier patterns on the many sentences without them.
    if text.contains("uarter") || text.contains("alf") {
        quarters(text, out);
    }
    if text.contains("entur") || text.contains("ENTUR") {
        centuries(text, out);
    }
    if digits {
        decades(text, out);
        dates_with_digits(text, out);
    }
}

/// The date patterns that contain digits.
fn dates_with_digits(text: &str, out: &mut Vec<RuleEntity>) {
    let date = EntityType::Date;
    for c in MONTH_DAY_YEAR
        .captures_iter(text)
        .chain(DAY_MONTH_YEAR.captures_iter(text))
    {
        if let (Some(y), Some(m), Some(d)) = (num(&c, "y"), month(&c), num(&c, "d")) {
            if valid_day(Some(y), m, d) {
                push_match(out, &c, date, format!("{y:04}-{m:02}-{d:02}"));
            }
        }
    }
    for c in MONTH_DAY
        .captures_iter(text)
        .chain(DAY_MONTH.captures_iter(text))
    {
        let Some(all) = c.get(0) else { continue };
        // `June 30,000` is a count that happens to follow a month name.
        if let Some(tail) = text.get(all.end()..) {
            let mut t = tail.chars();
            if matches!(
                (t.next(), t.next()),
                (Some(',' | '.' | ':'), Some('0'..='9'))
            ) {
                continue;
            }
            // With a year after it, the full-date patterns decide (and reject `February 29, 2023`).
            if YEAR_NEXT.is_match(tail) {
                continue;
            }
        }
        if let (Some(m), Some(d)) = (month(&c), num(&c, "d")) {
            if valid_day(None, m, d) {
                push_match(out, &c, date, format!("--{m:02}-{d:02}"));
            }
        }
    }
    for c in MONTH_YEAR.captures_iter(text) {
        if let (Some(y), Some(m)) = (num(&c, "y"), month(&c)) {
            if y >= 1000 {
                push_match(out, &c, date, format!("{y:04}-{m:02}"));
            }
        }
    }
    for c in ISO_DATE.captures_iter(text) {
        let same_sep = c.name("s").map(|m| m.as_str()) == c.name("s2").map(|m| m.as_str());
        if let (true, Some(y), Some(m), Some(d)) =
            (same_sep, num(&c, "y"), num(&c, "m"), num(&c, "d"))
        {
            if valid_day(Some(y), m, d) {
                push_match(out, &c, date, format!("{y:04}-{m:02}-{d:02}"));
            }
        }
    }
    numeric_dates(text, out);
    year_ranges(text, out);
    for c in QUARTER_CODE.captures_iter(text) {
        match (c.name("q"), num(&c, "y")) {
            (Some(q), Some(y)) => push_match(out, &c, date, format!("{y}-{}", q.as_str())),
            _ => push_match(out, &c, date, ""),
        }
    }
    for c in FISCAL.captures_iter(text) {
        // Fiscal years do not match calendar years, so the value keeps the `FY` marker.
        let year = num(&c, "y").or_else(|| num(&c, "yy").map(|yy| 2000 + yy));
        if let Some(y) = year {
            push_match(out, &c, date, format!("FY{y}"));
        }
    }
    for c in SEASON_YEAR.captures_iter(text) {
        let (Some(s), Some(y)) = (c.name("s"), num(&c, "y")) else {
            continue;
        };
        let code = match s.as_str().to_ascii_lowercase().as_str() {
            "spring" => "SP",
            "summer" => "SU",
            "winter" => "WI",
            _ => "FA",
        };
        push_match(out, &c, date, format!("{y}-{code}"));
    }
    for c in PART_OF_YEAR.captures_iter(text) {
        // `mid-2020` is inside 2020; the year is the most precise value that is still true.
        if let Some(y) = num(&c, "y") {
            push_match(out, &c, date, y.to_string());
        }
    }
}

/// `the first quarter of 2024`, `second half`: a year, if given, may be written in digits.
fn quarters(text: &str, out: &mut Vec<RuleEntity>) {
    for c in QUARTER_WORDS.captures_iter(text) {
        let (Some(o), Some(p)) = (c.name("o"), c.name("p")) else {
            continue;
        };
        let Some(n) = parse_ordinal(o.as_str()) else {
            continue;
        };
        let half = p.as_str().eq_ignore_ascii_case("half");
        if half && n > 2 {
            continue;
        }
        let code = if half {
            format!("H{n}")
        } else {
            format!("Q{n}")
        };
        match num(&c, "y").or_else(|| num(&c, "y2")) {
            Some(y) => push_match(out, &c, EntityType::Date, format!("{y}-{code}")),
            None => push_match(out, &c, EntityType::Date, ""),
        }
    }
}

/// `in January`, `mid-March`: a month name alone counts only after a word that makes it a
/// time, because `May` and `March` are also a verb, a name and a noun.
fn month_alone(text: &str, out: &mut Vec<RuleEntity>) {
    for c in MONTH_ALONE.captures_iter(text) {
        let (Some(ctx), Some(mon)) = (c.name("ctx"), c.name("mon")) else {
            continue;
        };
        let Some(m) = month_number(mon.as_str()) else {
            continue;
        };
        let ctx_word = ctx.as_str().to_ascii_lowercase();
        let weak = matches!(
            ctx_word.as_str(),
            "by" | "of" | "and" | "or" | "to" | "from" | "before" | "after" | "between"
        );
        if m == 5 && weak {
            continue;
        }
        let modifier = matches!(ctx_word.as_str(), "early" | "late" | "mid");
        let start = if modifier { ctx.start() } else { mon.start() };
        push(out, start, mon.end(), EntityType::Date, format!("--{m:02}"));
    }
}

/// `01/02/2003`, `24.01.2019`. Dotted dates are day-first (European usage); slashed and
/// dashed dates are read whichever way is unambiguous, and get no value when both are
/// possible, because a wrong value is worse than none for a fact-checker.
fn numeric_dates(text: &str, out: &mut Vec<RuleEntity>) {
    for c in NUMERIC_DATE.captures_iter(text) {
        let (Some(s), Some(s2)) = (c.name("s"), c.name("s2")) else {
            continue;
        };
        if s.as_str() != s2.as_str() {
            continue;
        }
        let (Some(a), Some(b), Some(y)) = (num(&c, "a"), num(&c, "b"), num(&c, "y")) else {
            continue;
        };
        let day_first = valid_day(Some(y), b, a);
        let month_first = valid_day(Some(y), a, b);
        let value = if s.as_str() == "." {
            day_first.then(|| format!("{y:04}-{b:02}-{a:02}"))
        } else if day_first && month_first {
            Some(if a == b {
                format!("{y:04}-{a:02}-{a:02}")
            } else {
                String::new()
            })
        } else if day_first {
            Some(format!("{y:04}-{b:02}-{a:02}"))
        } else if month_first {
            Some(format!("{y:04}-{a:02}-{b:02}"))
        } else {
            None
        };
        if let Some(v) = value {
            push_match(out, &c, EntityType::Date, v);
        }
    }
}

/// `2001-2005`, `1998/99`: an ISO 8601 interval of years.
fn year_ranges(text: &str, out: &mut Vec<RuleEntity>) {
    for c in YEAR_RANGE.captures_iter(text) {
        let (Some(all), Some(y1), Some(y2m)) = (c.get(0), num(&c, "y1"), c.name("y2")) else {
            continue;
        };
        // Part of a longer numeric run (`2001-05-06`, `2001-2005-2010`): not a plain range.
        let mut tail = text[all.end()..].chars();
        if matches!(
            (tail.next(), tail.next()),
            (Some('-' | '/' | '–'), Some('0'..='9'))
        ) {
            continue;
        }
        let Ok(mut y2) = y2m.as_str().parse::<u32>() else {
            continue;
        };
        if y2m.as_str().len() == 2 {
            y2 += y1 / 100 * 100;
            if y2 <= y1 {
                y2 += 100;
            }
        }
        if y2 > y1 && y2 - y1 <= 100 {
            push_match(out, &c, EntityType::Date, format!("{y1}/{y2}"));
        }
    }
}

/// `the 1990s` (`199X`), `the '80s`, `the 1800s` (a century, `18XX`).
fn decades(text: &str, out: &mut Vec<RuleEntity>) {
    for c in DECADE.captures_iter(text) {
        let (Some(cent), Some(d)) = (c.name("c"), c.name("d")) else {
            continue;
        };
        let value = if d.as_str() == "0" && cent.as_str() != "20" {
            format!("{}XX", cent.as_str())
        } else {
            format!("{}{}X", cent.as_str(), d.as_str())
        };
        push_match(out, &c, EntityType::Date, value);
    }
    for c in SHORT_DECADE.captures_iter(text) {
        // `'20s` could be the 1920s or the 2020s; from `'30s` on, the 1900s are meant.
        let value = match num(&c, "d") {
            Some(d @ 3..=9) => format!("19{d}X"),
            _ => String::new(),
        };
        push_match(out, &c, EntityType::Date, value);
    }
}

/// `the 21st century` (`20XX`), `the 19th and 20th centuries` (`18XX/19XX`).
fn centuries(text: &str, out: &mut Vec<RuleEntity>) {
    for c in CENTURY.captures_iter(text) {
        let century = |name: &str| {
            c.name(name)
                .and_then(|o| parse_ordinal(o.as_str()))
                .filter(|n| (1..=30).contains(n))
        };
        let Some(first) = century("o1") else { continue };
        let value = match c
            .name("o2")
            .or(c.name("o3"))
            .map(|_| century("o2").or_else(|| century("o3")))
        {
            None => format!("{:02}XX", first - 1),
            Some(Some(last)) if last > first => format!("{:02}XX/{:02}XX", first - 1, last - 1),
            Some(_) => continue,
        };
        push_match(out, &c, EntityType::Date, value);
    }
}

/// Finds TIME candidates; `digits` says whether `text` has any ASCII digit.
pub(super) fn find_times(text: &str, digits: bool, out: &mut Vec<RuleEntity>) {
    let time = EntityType::Time;
    for c in NOON.captures_iter(text) {
        let noon = c
            .name("w")
            .is_some_and(|w| !w.as_str().eq_ignore_ascii_case("midnight"));
        push_match(out, &c, time, if noon { "12:00" } else { "00:00" });
    }
    // Clock times without a.m./p.m. and parts of a day: kept, with no value.
    for rx in [&*OCLOCK, &*PART_OF_DAY] {
        for m in rx.find_iter(text) {
            push(out, m.start(), m.end(), time, "");
        }
    }
    if !digits {
        return;
    }
    for c in CLOCK_12.captures_iter(text) {
        let (Some(h), Some(ap)) = (num(&c, "h"), c.name("ap")) else {
            continue;
        };
        let m = num(&c, "m").unwrap_or(0);
        let pm = ap.as_str().eq_ignore_ascii_case("p");
        let h24 = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        push_match(out, &c, time, format!("{h24:02}:{m:02}"));
    }
    for c in CLOCK_24
        .captures_iter(text)
        .chain(MILITARY.captures_iter(text))
    {
        let Some(all) = c.get(0) else { continue };
        // A digit or colon before means a longer numeric run (`1:12:30:00`), not a clock.
        if matches!(super::char_before(text, all.start()), Some(':' | '0'..='9')) {
            continue;
        }
        if matches!(char_after(text, all.end()), Some(':')) {
            continue;
        }
        if let (Some(h), Some(m)) = (num(&c, "h"), num(&c, "m")) {
            push_match(out, &c, time, format!("{h:02}:{m:02}"));
        }
    }
}

/// Pushes the whole match of `c`.
fn push_match(
    out: &mut Vec<RuleEntity>,
    c: &Captures<'_>,
    kind: EntityType,
    normalized: impl Into<String>,
) {
    if let Some(m) = c.get(0) {
        push(out, m.start(), m.end(), kind, normalized);
    }
}

/// A captured group as a number.
fn num(c: &Captures<'_>, name: &str) -> Option<u32> {
    c.name(name)?.as_str().parse().ok()
}

/// The month number of the `mon` group.
fn month(c: &Captures<'_>) -> Option<u32> {
    month_number(c.name("mon")?.as_str())
}

/// True when day `d` exists in month `m` (of year `y`, or of some year when unknown).
fn valid_day(y: Option<u32>, m: u32, d: u32) -> bool {
    let leap = y.is_none_or(|y| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::super::find_rule_entities;

    fn found(text: &str) -> Vec<(String, &'static str, String)> {
        find_rule_entities(text)
            .into_iter()
            .map(|e| {
                (
                    text[e.start..e.end].to_string(),
                    e.kind.as_str(),
                    e.normalized,
                )
            })
            .collect()
    }

    fn check(text: &str, span: &str, kind: &str, norm: &str) {
        let all = found(text);
        assert!(
            all.contains(&(span.to_string(), kind_static(kind), norm.to_string())),
            "want {span:?} {kind} {norm:?} in {all:?}"
        );
    }

    fn kind_static(kind: &str) -> &'static str {
        match kind {
            "DATE" => "DATE",
            _ => "TIME",
        }
    }

    #[test]
    fn full_dates() {
        check(
            "It was signed on January 24, 2019.",
            "January 24, 2019",
            "DATE",
            "2019-01-24",
        );
        check(
            "It was signed on 24 January 2019.",
            "24 January 2019",
            "DATE",
            "2019-01-24",
        );
        check(
            "Signed on the 24th of January, 2019.",
            "24th of January, 2019",
            "DATE",
            "2019-01-24",
        );
        check(
            "Talks began Jan. 24, 2019, in Geneva.",
            "Jan. 24, 2019",
            "DATE",
            "2019-01-24",
        );
        check(
            "Talks began Sept. 3 in Geneva.",
            "Sept. 3",
            "DATE",
            "--09-03",
        );
        check(
            "Ratified 2024-05-06 by parliament.",
            "2024-05-06",
            "DATE",
            "2024-05-06",
        );
        // 29 February exists only in leap years.
        assert!(!found("On February 29, 2023 nothing.")
            .iter()
            .any(|e| e.1 == "DATE" && e.2.contains("02-29")));
        check(
            "On February 29, 2024 it rained.",
            "February 29, 2024",
            "DATE",
            "2024-02-29",
        );
    }

    #[test]
    fn partial_dates() {
        check(
            "A milestone was reached in March 2001, when they met.",
            "March 2001",
            "DATE",
            "2001-03",
        );
        check(
            "The vote is on January 24 in Moscow.",
            "January 24",
            "DATE",
            "--01-24",
        );
        check(
            "Lavrov announced it in January, officials said.",
            "January",
            "DATE",
            "--01",
        );
        check("Prices peaked in mid-March.", "mid-March", "DATE", "--03");
        check("Growth slowed in Q3 2024.", "Q3 2024", "DATE", "2024-Q3");
        check(
            "Growth slowed in the first half of 2023.",
            "first half of 2023",
            "DATE",
            "2023-H1",
        );
        check(
            "Sales fell in the third quarter.",
            "third quarter",
            "DATE",
            "",
        );
        check("Output recovered by mid-2020.", "mid-2020", "DATE", "2020");
        check(
            "The drought of summer 2022 hurt crops.",
            "summer 2022",
            "DATE",
            "2022-SU",
        );
        check(
            "Profit rose in fiscal 2024.",
            "fiscal 2024",
            "DATE",
            "FY2024",
        );
        // `May` the name is not a month; `in May` is.
        assert!(found("Theresa May spoke.").is_empty());
        check("They met in May.", "May", "DATE", "--05");
    }

    #[test]
    fn numeric_dates_say_when_ambiguous() {
        check("Filed on 01/02/2003.", "01/02/2003", "DATE", "");
        check("Filed on 13/02/2003.", "13/02/2003", "DATE", "2003-02-13");
        check("Filed on 02/13/2003.", "02/13/2003", "DATE", "2003-02-13");
        check("Filed on 24.01.2019.", "24.01.2019", "DATE", "2019-01-24");
    }

    #[test]
    fn years_decades_centuries_ranges() {
        check("Relations improved after 1991.", "1991", "DATE", "1991");
        check("Since 1995, trade has grown.", "1995", "DATE", "1995");
        check("Trade boomed in the 1990s.", "the 1990s", "DATE", "199X");
        check(
            "Trade boomed in the early 1990s.",
            "the early 1990s",
            "DATE",
            "199X",
        );
        check("Music of the '80s returned.", "the '80s", "DATE", "198X");
        check("Empires of the 1800s fell.", "the 1800s", "DATE", "18XX");
        check(
            "Power dynamics of the 21st century matter.",
            "the 21st century",
            "DATE",
            "20XX",
        );
        check(
            "In the twenty-first century, it changed.",
            "the twenty-first century",
            "DATE",
            "20XX",
        );
        check(
            "For much of the 19th and 20th centuries, Russia ruled.",
            "the 19th and 20th centuries",
            "DATE",
            "18XX/19XX",
        );
        check(
            "The 2001-2005 plan failed.",
            "2001-2005",
            "DATE",
            "2001/2005",
        );
        check("The 1998/99 season ended.", "1998/99", "DATE", "1998/1999");
    }

    #[test]
    fn relative_dates_have_no_value() {
        for (text, span) in [
            ("Iran joined BRICS last year.", "last year"),
            ("They signed a treaty on Friday.", "Friday"),
            ("It happened yesterday.", "yesterday"),
            ("It happened two decades ago.", "two decades ago"),
            ("Talks resume this week.", "this week"),
            ("Talks resume next month.", "next month"),
            ("Prices rose earlier this year.", "earlier this year"),
            (
                "Over the past three years, prices rose.",
                "past three years",
            ),
            ("In recent years, ties deepened.", "recent years"),
            ("It was built a few years later.", "a few years later"),
        ] {
            check(text, span, "DATE", "");
        }
    }

    #[test]
    fn times_of_day() {
        check(
            "The vote opens at 10 a.m. sharp.",
            "10 a.m.",
            "TIME",
            "10:00",
        );
        check("The vote opens at 3:30 p.m.", "3:30 p.m.", "TIME", "15:30");
        check("Markets closed at 14:00 GMT.", "14:00 GMT", "TIME", "14:00");
        check("Markets closed at 1400 GMT.", "1400 GMT", "TIME", "14:00");
        check("The deadline is noon on Monday.", "noon", "TIME", "12:00");
        check(
            "The curfew starts at midnight.",
            "midnight",
            "TIME",
            "00:00",
        );
        check("We met at 12 am.", "12 am", "TIME", "00:00");
        check("We met at 9pm.", "9pm", "TIME", "21:00");
        check("We met at 3 o'clock.", "3 o'clock", "TIME", "");
        check(
            "Strikes hit Kyiv on Friday night.",
            "Friday night",
            "TIME",
            "",
        );
        // Not clocks: a am-word, and a hh:mm:ss run.
        assert!(found("I am 10 amendments away.")
            .iter()
            .all(|e| e.1 != "TIME"));
        assert!(found("Ratio 1:12:30:00 held.")
            .iter()
            .all(|e| e.1 != "TIME"));
    }
}
