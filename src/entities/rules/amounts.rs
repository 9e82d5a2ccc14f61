//! Numbers and what they count: money, percentages, quantities with units, durations,
//! bare years, plain counts, fractions and ranks.
//!
//! Every number in the text (digits, or number words) is read once, then classified by
//! what stands around it: a currency sign before, `%` or a unit or a currency word after,
//! a preposition that makes a 4-digit number a year, a label word that makes it a name.

use once_cell::sync::Lazy;
use regex::{Captures, Regex};

use super::lexicon::{
    currency_with_adjective, currency_word, duration_unit, rate_suffix, COUNT_CONTEXT,
    CURRENCY_ADJECTIVE_ALT, CURRENCY_PREFIXES, CURRENCY_WORD_ALT, DURATION_ALT, EARLY_YEAR_CONTEXT,
    ISO_CODES, LABEL_WORDS, UNIT_SYMBOLS, UNIT_WORDS,
};
use super::numbers::{
    parse_number_words, parse_ordinal, scale_value, Dec, NUMBER_WORD_ALT, ORDINAL_RE,
};
use super::{char_after, char_before, push, re, word_after, word_before, RuleEntity};
use crate::document::EntityType;

static DIGITS: Lazy<Regex> = Lazy::new(|| re(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"));
static WORD_NUMBER: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)\b(?:(?P<art>half\s+an?|an?)\s+)?(?P<num>(?:{NUMBER_WORD_ALT})(?:(?:\s+and\s+|\s+|-)(?:{NUMBER_WORD_ALT}))*)\b"
    ))
});
static SCALE_SPACED: Lazy<Regex> = Lazy::new(|| {
    re(r"(?i)^(?:\s+|-)(?P<s>hundred|thousand|million|billion|trillion|crore|lakh)\b")
});
static SCALE_GLUED: Lazy<Regex> = Lazy::new(|| re(r"(?i)^(?P<s>bn|mn|tn|m|k|b)\b"));
static CURRENCY_BEFORE: Lazy<Regex> = Lazy::new(|| {
    let alts: Vec<String> = CURRENCY_PREFIXES
        .iter()
        .map(|(p, _)| p)
        .chain(ISO_CODES.iter())
        .map(|p| regex::escape(p))
        .collect();
    re(&format!(r"(?P<cur>{})\s?$", alts.join("|")))
});
static PERCENT_AFTER: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)^(?:\s?[%％]|[\s-]*(?:percentage\s+points?|per\s?cent|percent|pct)\b)"));
static CURRENCY_AFTER: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"^\s+(?:(?P<adj>{CURRENCY_ADJECTIVE_ALT})\s+)?(?:(?P<word>(?i:{CURRENCY_WORD_ALT}))\b|(?P<iso>{})\b)",
        ISO_CODES.join("|")
    ))
});
static UNIT_WORD_AFTER: Lazy<Regex> = Lazy::new(|| {
    let alts: Vec<String> = UNIT_WORDS
        .iter()
        .map(|(w, _)| regex::escape(w).replace(' ', r"\s+"))
        .collect();
    re(&format!(r"(?i)^(?:\s+|-)(?P<u>{})\b", alts.join("|")))
});
static UNIT_SYMBOL_AFTER: Lazy<Regex> = Lazy::new(|| {
    let alts: Vec<String> = UNIT_SYMBOLS
        .iter()
        .map(|(s, _)| regex::escape(s).replace(' ', r"\s"))
        .collect();
    re(&format!(r"^(?:\s|-)?(?P<u>{})", alts.join("|")))
});
static RATE_AFTER: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)^\s+(?:a|an|per)\s+(?P<p>day|week|month|year|hour|second)\b"));
static DURATION_AFTER: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)^(?:\s+|-)(?P<u>{DURATION_ALT})(?:-old)?\b(?P<rel>\s+(?:ago|earlier|later|from\s+now))?"
    ))
});
static VAGUE_COUNT: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)\b(?P<v>(?:(?:tens|hundreds)\s+of\s+)?(?:dozens|hundreds|thousands|millions|billions|trillions))\s+of\b",
    )
});
static VAGUE_MONEY_TAIL: Lazy<Regex> = Lazy::new(|| {
    re(&format!(
        r"(?i)^\s+of\s+(?:(?:{CURRENCY_ADJECTIVE_ALT})\s+)?(?:dollars|euros|pounds|rubles|roubles|rupees|rials|yuan|yen)\b"
    ))
});
static ARTICLE_DURATION: Lazy<Regex> =
    Lazy::new(|| re(r"(?i)\b(?P<half>half\s+)?an?\s+(?P<u>decade|century|millennium)\b"));
static ORDINAL: Lazy<Regex> = Lazy::new(|| re(&format!(r"(?i)\b(?P<o>{ORDINAL_RE})\b")));
static FRACTION: Lazy<Regex> = Lazy::new(|| {
    re(
        r"(?i)\b(?P<n>a|one|two|three|four|five|six|seven|eight|nine|ten)(?P<sep>-|\s+)(?P<d>halves|half|thirds|third|quarters|quarter|fifths|fifth|sixths|sixth|sevenths|seventh|eighths|eighth|ninths|ninth|tenths|tenth)\b",
    )
});
static OF_AFTER: Lazy<Regex> = Lazy::new(|| re(r"(?i)^\s+of\b"));

/// Words before `one` that make it a pronoun (`no one`, `the one`).
const ONE_PRONOUN_BEFORE: &[&str] = &[
    "no", "any", "every", "each", "this", "that", "which", "the", "someone", "anyone",
];
/// Words after `one` that make it a pronoun or an indefinite (`one of`, `one day`).
const ONE_PRONOUN_AFTER: &[&str] = &[
    "of", "another", "who", "whom", "which", "that", "is", "was", "does", "did", "has", "had",
    "can", "could", "would", "should", "must", "may", "might", "will", "and", "or", "but", "day",
    "time", "s",
];
/// Lowercase words that may follow a year (`in 1453 the city fell`); any other lowercase
/// word after a number below 1900 makes it a count (`in 1500 cases`).
const AFTER_YEAR_WORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "when", "while", "as", "after", "before", "by", "to",
    "in", "on", "at", "for", "of", "with", "he", "she", "it", "they", "we", "was", "were", "is",
    "had", "has", "that", "which", "until", "during", "saw",
];

/// A number read from the text, before classification.
struct Num {
    start: usize,
    end: usize,
    value: Dec,
    /// Written with a scale word (`3 million`): matters for `pounds` and `won`.
    scaled: bool,
    /// Four plain digits, so possibly a year.
    year_shaped: bool,
    /// The word `one` on its own, possibly a pronoun.
    lone_one: bool,
    /// Letters glued to the digits (`5km`, `$5m`): only a unit or a money scale may explain them.
    glued: Glued,
    /// A minus sign written straight before the digits (`-5%`), at the start of a word.
    negative: bool,
}

impl Num {
    /// The value as written in normalised output, with its sign.
    fn signed(&self) -> String {
        if self.negative {
            format!("-{}", self.value)
        } else {
            self.value.to_string()
        }
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Glued {
    None,
    /// `m`, `k` or `b` right after the digits: a scale only when money is written.
    MoneyScale,
    /// Some other letters: only a unit symbol can make this a number.
    Letters,
}

/// Finds MONEY, PERCENT, QUANTITY, CARDINAL candidates, bare years (DATE) and durations;
/// `digits` says whether `text` has any ASCII digit.
pub(super) fn find_numbers(text: &str, digits: bool, out: &mut Vec<RuleEntity>) {
    if digits {
        for m in DIGITS.find_iter(text) {
            if let Some(n) = digit_number(text, m.start(), m.end()) {
                classify(text, &n, out);
            }
        }
    }
    for c in WORD_NUMBER.captures_iter(text) {
        for n in word_numbers(&c) {
            classify(text, &n, out);
        }
    }
    for c in VAGUE_COUNT.captures_iter(text) {
        let Some(v) = c.name("v") else { continue };
        match VAGUE_MONEY_TAIL.find(&text[v.end()..]) {
            Some(t) => push(out, v.start(), v.end() + t.end(), EntityType::Money, ""),
            None => push(out, v.start(), v.end(), EntityType::Cardinal, ""),
        }
    }
    for c in ARTICLE_DURATION.captures_iter(text) {
        let (Some(all), Some(u)) = (c.get(0), c.name("u")) else {
            continue;
        };
        let Some((unit, mult)) = duration_unit(u.as_str()) else {
            continue;
        };
        let value = if c.name("half").is_some() {
            Dec::int(mult * 5).shifted_down(1)
        } else {
            Dec::int(mult)
        };
        push(
            out,
            all.start(),
            all.end(),
            EntityType::Cardinal,
            duration_text(value, unit),
        );
    }
}

/// Reads the digits at `start..end` with any scale after them; `None` when they are part of
/// something else (an identifier, a time, a fraction, a number with a leading zero).
fn digit_number(text: &str, start: usize, end: usize) -> Option<Num> {
    let raw = &text[start..end];
    let digit_at = |i: usize| text.as_bytes().get(i).is_some_and(u8::is_ascii_digit);
    match char_before(text, start) {
        Some(c) if c.is_alphanumeric() || c == '_' || c == '#' => return None,
        // `3,5`, `1.2.3`, `3:30`, `3/4`: the digits continue a longer numeric run.
        Some(',' | '.' | ':' | '/') if start >= 2 && digit_at(start - 2) => return None,
        _ => {}
    }
    match char_after(text, end) {
        Some(',' | '.' | ':' | '/') if digit_at(end + 1) => return None,
        _ => {}
    }
    // `007` and `05` are codes, not amounts; `0.5` is fine.
    if raw.len() > 1 && raw.starts_with('0') && !raw.starts_with("0.") {
        return None;
    }
    // Long unbroken digit runs are identifiers (`20240506`, account numbers): news writes
    // large amounts with separators or scale words.
    if raw.len() >= 8 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value = Dec::parse_digits(raw)?;
    let mut num_end = end;
    let mut scaled = false;
    let mut glued = Glued::None;
    let rest = &text[end..];
    if let Some(c) = SCALE_SPACED.captures(rest) {
        let (all, s) = (c.get(0)?, c.name("s")?);
        value = value.times(scale_value(s.as_str())?)?;
        num_end = end + all.end();
        scaled = true;
    } else if char_after(text, end).is_some_and(char::is_alphabetic) {
        match SCALE_GLUED.captures(rest).and_then(|c| c.name("s")) {
            Some(s) => {
                value = value.times(scale_value(s.as_str())?)?;
                num_end = end + s.end();
                scaled = true;
                if s.as_str().len() == 1 {
                    glued = Glued::MoneyScale;
                }
            }
            None => glued = Glued::Letters,
        }
    }
    // `-5%`, `(−3.2)`: a sign only when nothing but space or an opening bracket precedes it,
    // so ranges (`2001-05`) and compounds (`x-5`) keep their digits unsigned.
    let sign_len = match char_before(text, start) {
        Some(c @ ('-' | '−')) => c.len_utf8(),
        _ => 0,
    };
    let negative = sign_len > 0
        && char_before(text, start - sign_len).is_none_or(|c| c.is_whitespace() || c == '(');
    let sign_len = if negative { sign_len } else { 0 };
    Some(Num {
        start: start - sign_len,
        end: num_end,
        value,
        scaled,
        year_shaped: raw.len() == 4 && !scaled && glued == Glued::None && !negative,
        lone_one: false,
        glued,
        negative,
    })
}

/// Splits one run of number words into numbers (`two hundred and five` is one number,
/// `one, two` two), with `a`/`an`/`half a` joined to a scale word (`a dozen`, `half a million`).
fn word_numbers(c: &Captures<'_>) -> Vec<Num> {
    let Some(run) = c.name("num") else {
        return Vec::new();
    };
    let mut tokens: Vec<(usize, usize, String)> = Vec::new();
    let mut pos = run.start();
    for piece in run
        .as_str()
        .split(|ch: char| ch.is_whitespace() || ch == '-')
    {
        if !piece.is_empty() {
            let s = pos + run.as_str()[pos - run.start()..].find(piece).unwrap_or(0);
            tokens.push((s, s + piece.len(), piece.to_ascii_lowercase()));
            pos = s + piece.len();
        }
    }
    let words: Vec<&str> = tokens.iter().map(|t| t.2.as_str()).collect();
    let mut nums = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((value, used)) = parse_number_words(&words[i..]) else {
            i += 1;
            continue;
        };
        let first = words[i];
        let is_scale = matches!(
            first,
            "hundred" | "thousand" | "million" | "billion" | "trillion" | "dozen"
        );
        let article = c.name("art").filter(|_| i == 0 && is_scale);
        // A bare scale word (`million` after `1.5`) belongs to the digits before it.
        if is_scale && article.is_none() {
            i += used;
            continue;
        }
        let half = article.is_some_and(|a| a.as_str().to_ascii_lowercase().starts_with("half"));
        let value = if half {
            Dec::int(value).times(5).map(|v| v.shifted_down(1))
        } else {
            Some(Dec::int(value))
        };
        if let Some(value) = value {
            let last = &tokens[i + used - 1];
            nums.push(Num {
                start: article.map_or(tokens[i].0, |a| a.start()),
                end: last.1,
                value,
                scaled: words[i..i + used]
                    .iter()
                    .any(|w| scale_value(w).is_some_and(|s| s >= 1_000)),
                year_shaped: false,
                lone_one: used == 1 && first == "one",
                glued: Glued::None,
                negative: false,
            });
        }
        i += used;
    }
    nums
}

/// Decides what one number is, from the words around it, and records it.
fn classify(text: &str, n: &Num, out: &mut Vec<RuleEntity>) {
    if let Some((start, code)) = currency_before(text, n.start) {
        push(
            out,
            start,
            n.end,
            EntityType::Money,
            format!("{} {code}", n.value),
        );
        return;
    }
    if n.glued == Glued::MoneyScale {
        return;
    }
    let rest = &text[n.end..];
    if n.glued == Glued::Letters {
        // Only a glued unit symbol explains letters straight after digits (`5km`, `30°C`).
        if let Some((len, unit)) = unit_after(rest, true) {
            push(
                out,
                n.start,
                n.end + len,
                EntityType::Quantity,
                format!("{} {unit}", n.signed()),
            );
        }
        return;
    }
    if let Some(m) = PERCENT_AFTER.find(rest) {
        push(
            out,
            n.start,
            n.end + m.end(),
            EntityType::Percent,
            n.signed(),
        );
        return;
    }
    if let Some((len, value)) = currency_after(rest, n) {
        push(out, n.start, n.end + len, EntityType::Money, value);
        return;
    }
    if let Some((len, unit)) = unit_after(rest, false) {
        push(
            out,
            n.start,
            n.end + len,
            EntityType::Quantity,
            format!("{} {unit}", n.signed()),
        );
        return;
    }
    if let Some(c) = DURATION_AFTER.captures(rest) {
        let (Some(all), Some(u)) = (c.get(0), c.name("u")) else {
            return;
        };
        let Some((unit, mult)) = duration_unit(u.as_str()) else {
            return;
        };
        let end = n.end + all.end();
        if c.name("rel").is_some() {
            push(out, n.start, end, EntityType::Date, "");
        } else if let Some(v) = n.value.times(mult) {
            push(
                out,
                n.start,
                end,
                EntityType::Cardinal,
                duration_text(v, unit),
            );
        }
        return;
    }
    let before = word_before(text, n.start);
    let before = before.as_deref();
    if n.year_shaped {
        if let Some(year) = n.value.as_u32() {
            if is_year(text, n, year, before) {
                push(out, n.start, n.end, EntityType::Date, year.to_string());
                return;
            }
        }
    }
    if before.is_some_and(|w| LABEL_WORDS.contains(&w)) {
        return;
    }
    if n.lone_one && one_is_pronoun(text, n, before) {
        return;
    }
    push(out, n.start, n.end, EntityType::Cardinal, n.signed());
}

/// A 4-digit number is a year from 1900 to 2099 unless a count word precedes it
/// (`some 2000 troops`); earlier years need a word such as `in` or `since` before, and no
/// noun straight after (`in 1500 cases` is a count).
fn is_year(text: &str, n: &Num, year: u32, before: Option<&str>) -> bool {
    if before.is_some_and(|w| COUNT_CONTEXT.contains(&w)) {
        return false;
    }
    if (1900..=2099).contains(&year) {
        return true;
    }
    if !(1000..1900).contains(&year) || !before.is_some_and(|w| EARLY_YEAR_CONTEXT.contains(&w)) {
        return false;
    }
    let next_is_lower = text[n.end..]
        .trim_start()
        .starts_with(|c: char| c.is_lowercase());
    !next_is_lower
        || word_after(text, n.end).is_some_and(|w| AFTER_YEAR_WORDS.contains(&w.as_str()))
}

/// `one` is a count only when it reads as one (`one country`), not in `one of them`,
/// `no one`, `the one that`, or at the end of a clause.
fn one_is_pronoun(text: &str, n: &Num, before: Option<&str>) -> bool {
    if before.is_some_and(|w| ONE_PRONOUN_BEFORE.contains(&w)) {
        return true;
    }
    match word_after(text, n.end) {
        None => true,
        Some(w) => {
            ONE_PRONOUN_AFTER.contains(&w.as_str()) || text[n.end..].starts_with(['\'', '’'])
        }
    }
}

/// A currency sign or code written just before `start`: the span start and the ISO code.
fn currency_before(text: &str, start: usize) -> Option<(usize, &'static str)> {
    let mut from = start.saturating_sub(8);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let c = CURRENCY_BEFORE.captures(&text[from..start])?;
    let cur = c.name("cur")?;
    let at = from + cur.start();
    // Codes and `Rs` must be whole words (`Mrs 5` is not rupees).
    if cur.as_str().starts_with(char::is_alphabetic)
        && char_before(text, at).is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let code = CURRENCY_PREFIXES
        .iter()
        .find(|(p, _)| *p == cur.as_str())
        .map(|(_, code)| *code)
        .or_else(|| ISO_CODES.iter().find(|c| **c == cur.as_str()).copied())?;
    Some((at, code))
}

/// A currency word or code after the number (`500 million euros`, `40 USD`): the length it
/// covers and the normalised value. `pounds` is money only with a scale word (`5 million
/// pounds`); otherwise it is left to the units (`200 pounds` of weight).
fn currency_after(rest: &str, n: &Num) -> Option<(usize, String)> {
    let c = CURRENCY_AFTER.captures(rest)?;
    let all = c.get(0)?;
    if let Some(iso) = c.name("iso") {
        return Some((all.end(), format!("{} {}", n.value, iso.as_str())));
    }
    let word = c.name("word")?.as_str();
    let adj = c.name("adj").map(|a| a.as_str());
    let lower = word.to_ascii_lowercase();
    let head = lower.trim_end_matches('s');
    let ambiguous = matches!(head, "pound" | "won") || lower == "rand";
    if ambiguous && adj.is_none() && !n.scaled {
        return None;
    }
    let code = adj
        .and_then(|a| currency_with_adjective(a, word))
        .or_else(|| currency_word(word).flatten());
    let value = if matches!(head, "cent" | "pence") {
        n.value.shifted_down(2)
    } else {
        n.value
    };
    Some((
        all.end(),
        code.map_or_else(String::new, |code| format!("{value} {code}")),
    ))
}

/// A unit after the number: the length it covers and the unit symbol, with a rate
/// (`20 barrels a day` is `bbl/d`). `glued` asks for a symbol written without a space.
fn unit_after(rest: &str, glued: bool) -> Option<(usize, String)> {
    let (len, unit) = if glued {
        symbol_after(rest, glued)?
    } else if let Some(c) = UNIT_WORD_AFTER.captures(rest) {
        let u = c.name("u")?;
        let spelled = u
            .as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
        let unit = UNIT_WORDS
            .iter()
            .find(|(w, _)| *w == spelled)
            .map(|(_, s)| *s)?;
        (c.get(0)?.end(), unit)
    } else {
        symbol_after(rest, glued)?
    };
    let mut unit = unit.to_string();
    let mut len = len;
    if !unit.contains('/') && unit != "mph" {
        if let Some(c) = RATE_AFTER.captures(&rest[len..]) {
            if let (Some(all), Some(suffix)) =
                (c.get(0), c.name("p").and_then(|p| rate_suffix(p.as_str())))
            {
                unit.push_str(suffix);
                len += all.end();
            }
        }
    }
    Some((len, unit))
}

/// A unit symbol after the number that is not the start of a longer word (`5 km`, `5km`,
/// not `5 kmers`).
fn symbol_after(rest: &str, glued: bool) -> Option<(usize, &'static str)> {
    // A bare `C` is Celsius only when glued to the number (`48.5C`); spaced, it is a letter.
    if glued && rest.starts_with('C') && !rest[1..].starts_with(char::is_alphanumeric) {
        return Some((1, "°C"));
    }
    let c = UNIT_SYMBOL_AFTER.captures(rest)?;
    let (all, u) = (c.get(0)?, c.name("u")?);
    if rest[all.end()..].starts_with(char::is_alphanumeric) {
        return None;
    }
    let spelled = u.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
    let unit = UNIT_SYMBOLS
        .iter()
        .find(|(s, _)| *s == spelled)
        .map(|(_, c)| *c)?;
    Some((all.end(), unit))
}

/// `20 years`, `1 day`: a duration in its base unit.
fn duration_text(value: Dec, unit: &str) -> String {
    let plural = if value == Dec::int(1) { "" } else { "s" };
    format!("{value} {unit}{plural}")
}

/// Finds ORDINAL candidates, and fractions (`two-thirds`, `a third of`) as CARDINAL `n/d`
/// so that their denominators are not read as ranks.
pub(super) fn find_ordinals_and_fractions(text: &str, out: &mut Vec<RuleEntity>) {
    for c in ORDINAL.captures_iter(text) {
        let Some(o) = c.name("o") else { continue };
        let Some(n) = parse_ordinal(o.as_str()) else {
            continue;
        };
        if o.as_str().eq_ignore_ascii_case("second") && second_is_time(text, o.start(), o.end()) {
            continue;
        }
        push(out, o.start(), o.end(), EntityType::Ordinal, n.to_string());
    }
    for c in FRACTION.captures_iter(text) {
        let (Some(all), Some(n), Some(sep), Some(d)) =
            (c.get(0), c.name("n"), c.name("sep"), c.name("d"))
        else {
            continue;
        };
        // `two thirds of` and `two-thirds` are fractions; `a quarter` alone is often a period.
        if sep.as_str() != "-" && !OF_AFTER.is_match(&text[all.end()..]) {
            continue;
        }
        let num = match n.as_str().to_ascii_lowercase().as_str() {
            "a" | "one" => Some(1),
            other => parse_number_words(&[other]).map(|(v, _)| v),
        };
        let den = match d.as_str().to_ascii_lowercase().trim_end_matches('s') {
            "half" | "halve" => 2,
            "quarter" => 4,
            other => parse_ordinal(other).unwrap_or(0),
        };
        if let (Some(num), 2..) = (num, den) {
            push(
                out,
                all.start(),
                all.end(),
                EntityType::Cardinal,
                format!("{num}/{den}"),
            );
        }
    }
}

/// `a second`, `per second`, `split second`: the unit of time, not the rank.
fn second_is_time(text: &str, start: usize, end: usize) -> bool {
    match word_before(text, start).as_deref() {
        Some("per" | "split") => true,
        Some("a" | "one" | "every" | "each") => {
            matches!(
                word_after(text, end).as_deref(),
                None | Some("ago" | "later" | "earlier" | "or" | "and" | "to" | "of" | "longer")
            )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::find_rule_entities;

    fn found(text: &str) -> Vec<(String, String, String)> {
        find_rule_entities(text)
            .into_iter()
            .map(|e| {
                (
                    text[e.start..e.end].to_string(),
                    e.kind.as_str().to_string(),
                    e.normalized,
                )
            })
            .collect()
    }

    fn check(text: &str, span: &str, kind: &str, norm: &str) {
        let all = found(text);
        let want = (span.to_string(), kind.to_string(), norm.to_string());
        assert!(
            all.contains(&want),
            "want {want:?} in {text:?}, got {all:?}"
        );
    }

    #[test]
    fn money() {
        check(
            "The deal is worth $3.5 million.",
            "$3.5 million",
            "MONEY",
            "3500000 USD",
        );
        check(
            "The EU pledged €20bn in aid.",
            "€20bn",
            "MONEY",
            "20000000000 EUR",
        );
        check("A ticket costs £1,200 now.", "£1,200", "MONEY", "1200 GBP");
        check(
            "It raised 500 million euros.",
            "500 million euros",
            "MONEY",
            "500000000 EUR",
        );
        check(
            "Exports reached 1.2 trillion rubles.",
            "1.2 trillion rubles",
            "MONEY",
            "1200000000000 RUB",
        );
        check("Shares hit US$40 today.", "US$40", "MONEY", "40 USD");
        check(
            "The project costs Rs 100 crore.",
            "Rs 100 crore",
            "MONEY",
            "1000000000 INR",
        );
        check("He paid $5m in fines.", "$5m", "MONEY", "5000000 USD");
        check(
            "They lent 40 Canadian dollars.",
            "40 Canadian dollars",
            "MONEY",
            "40 CAD",
        );
        check("It cost 50 cents.", "50 cents", "MONEY", "0.5 USD");
        check(
            "Fines of 3 million pounds were paid.",
            "3 million pounds",
            "MONEY",
            "3000000 GBP",
        );
        check(
            "The fund lost two billion dollars.",
            "two billion dollars",
            "MONEY",
            "2000000000 USD",
        );
        check(
            "Sanctions cost millions of dollars.",
            "millions of dollars",
            "MONEY",
            "",
        );
        check("It was priced at USD 40.", "USD 40", "MONEY", "40 USD");
        // `Mrs 5` is not rupees.
        assert!(found("Mrs 5 left.").iter().all(|e| e.1 != "MONEY"));
    }

    #[test]
    fn percents() {
        check("Inflation hit 12% in May.", "12%", "PERCENT", "12");
        check("Inflation hit 12 percent.", "12 percent", "PERCENT", "12");
        check(
            "Inflation hit 12.5 per cent.",
            "12.5 per cent",
            "PERCENT",
            "12.5",
        );
        check("Growth was two percent.", "two percent", "PERCENT", "2");
        check(
            "Rates rose 0.25 percentage points.",
            "0.25 percentage points",
            "PERCENT",
            "0.25",
        );
        check("Output fell -5% in March.", "-5%", "PERCENT", "-5");
        check(
            "It reached −12.5°C overnight.",
            "−12.5°C",
            "QUANTITY",
            "-12.5 °C",
        );
        // A hyphen between numbers is a range, not a sign.
        check("Ages 18-25 voted.", "25", "CARDINAL", "25");
        check("Ages 18−25 voted.", "25", "CARDINAL", "25");
        check(
            "Turnout was twenty-five per cent.",
            "twenty-five per cent",
            "PERCENT",
            "25",
        );
    }

    #[test]
    fn quantities() {
        check(
            "The pipeline runs 300 km east.",
            "300 km",
            "QUANTITY",
            "300 km",
        );
        check(
            "They shipped 5,000 tonnes of grain.",
            "5,000 tonnes",
            "QUANTITY",
            "5000 t",
        );
        check(
            "Output is 1.5 million barrels.",
            "1.5 million barrels",
            "QUANTITY",
            "1500000 bbl",
        );
        check(
            "Output is 20 barrels a day.",
            "20 barrels a day",
            "QUANTITY",
            "20 bbl/d",
        );
        check(
            "Seized 40 kilograms of cocaine.",
            "40 kilograms",
            "QUANTITY",
            "40 kg",
        );
        check("They marched 10 miles.", "10 miles", "QUANTITY", "10 mi");
        check("A 5km race.", "5km", "QUANTITY", "5 km");
        check("Temperatures hit 45°C.", "45°C", "QUANTITY", "45 °C");
        check(
            "It reached 48.5C in Jacobabad.",
            "48.5C",
            "QUANTITY",
            "48.5 °C",
        );
        check(
            "A 300-kilometre range.",
            "300-kilometre",
            "QUANTITY",
            "300 km",
        );
        check("He lifted 200 pounds.", "200 pounds", "QUANTITY", "200 lb");
        check(
            "Reserves of 50 billion cubic metres.",
            "50 billion cubic metres",
            "QUANTITY",
            "50000000000 m3",
        );
    }

    #[test]
    fn cardinals() {
        check(
            "The treaty consists of 47 articles.",
            "47",
            "CARDINAL",
            "47",
        );
        check("Some 143,000 people fled.", "143,000", "CARDINAL", "143000");
        check(
            "About 3.5 million people voted.",
            "3.5 million",
            "CARDINAL",
            "3500000",
        );
        check("The two countries agreed.", "two", "CARDINAL", "2");
        check(
            "There were twenty-five delegates.",
            "twenty-five",
            "CARDINAL",
            "25",
        );
        check("He bought a dozen eggs.", "a dozen", "CARDINAL", "12");
        check(
            "They lost two hundred and fifty tanks.",
            "two hundred and fifty",
            "CARDINAL",
            "250",
        );
        check(
            "Half a million people marched.",
            "Half a million",
            "CARDINAL",
            "500000",
        );
        check("Hundreds of people protested.", "Hundreds", "CARDINAL", "");
        check(
            "Tens of thousands of people protested.",
            "Tens of thousands",
            "CARDINAL",
            "",
        );
        // A number below 1900 is a count unless the words around it make it a year.
        check(
            "Police counted 1500 protesters.",
            "1500",
            "CARDINAL",
            "1500",
        );
        check("Constantinople fell in 1453.", "1453", "DATE", "1453");
        check("It happened in 1500 cases.", "1500", "CARDINAL", "1500");
        check("Some 2000 troops arrived.", "2000", "CARDINAL", "2000");
    }

    #[test]
    fn durations_and_fractions() {
        check(
            "Over the subsequent two decades, ties grew.",
            "two decades",
            "CARDINAL",
            "20 years",
        );
        check(
            "It was nearly a decade in the making.",
            "a decade",
            "CARDINAL",
            "10 years",
        );
        check(
            "The war lasted 48 hours.",
            "48 hours",
            "CARDINAL",
            "48 hours",
        );
        check(
            "A 20-year-old man was held.",
            "20-year-old",
            "CARDINAL",
            "20 years",
        );
        check("It took one year.", "one year", "CARDINAL", "1 year");
        check(
            "Two-thirds of voters agreed.",
            "Two-thirds",
            "CARDINAL",
            "2/3",
        );
        check("A third of voters agreed.", "A third", "CARDINAL", "1/3");
    }

    #[test]
    fn ordinals() {
        check("It was the first visit.", "first", "ORDINAL", "1");
        check("It came 3rd overall.", "3rd", "ORDINAL", "3");
        check(
            "The twenty-first summit opened.",
            "twenty-first",
            "ORDINAL",
            "21",
        );
        check("The 21st summit opened.", "21st", "ORDINAL", "21");
        check("Iran's second city.", "second", "ORDINAL", "2");
        assert!(found("Wait a second.").is_empty());
        assert!(found("Ten metres per second.")
            .iter()
            .all(|e| e.1 != "ORDINAL"));
    }

    #[test]
    fn labels_and_identifiers_are_not_counts() {
        assert!(found("It breaks Article 5 of the charter.").is_empty());
        assert!(found("Like article five of the NATO treaty.").is_empty());
        assert!(found("Flight 370 vanished.").is_empty());
        assert!(found("The 007 code and room 12.").is_empty());
        assert!(found("Apollo 11 and build 20240506 and ticket 12345678.").is_empty());
        assert!(found("The score was 3:2 and 2/3 came.").is_empty());
    }
}
