//! What a word in front of a period says about whether the period ends a sentence.
//!
//! The splitter asks two questions here: "what kind of token is this, given that a period
//! follows it?" ([`classify_token`]) and "is this word one that is capitalised only because it
//! opens a sentence?" ([`is_sentence_starter`]).

use once_cell::sync::Lazy;
use std::collections::HashSet;

/// How a token followed by `.` behaves at a possible sentence boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A normal word or number: the period ends the sentence unless a lowercase word follows.
    Ordinary,
    /// A title or Latin shorthand (`Mr.`, `Dr.`, `e.g.`) that always leads into more text.
    NeverEnds,
    /// Usually precedes a number (`No. 5`, `Jan. 24`, `p. 12`); otherwise ambiguous.
    BeforeNumber,
    /// May end a sentence or not (`U.S.`, `Inc.`, `a.m.`, initials): ends it only before a
    /// word that is capitalised because it starts a sentence.
    Ambiguous,
    /// Ends a sentence before any capital, never before lowercase (`etc.`).
    EndsBeforeCapital,
}

/// Titles and shorthands that are followed by the rest of their phrase.
const NEVER_ENDS: &[&str] = &[
    "mr", "mrs", "ms", "mssrs", "messrs", "dr", "prof", "gen", "sen", "rep", "reps", "gov", "lt",
    "col", "sgt", "capt", "cpt", "cmdr", "adm", "maj", "rev", "hon", "pres", "supt", "insp", "amb",
    "atty", "brig", "cpl", "pvt", "fr", "mt", "ft", "vs", "v", "cf", "viz", "eg", "ie", "approx",
    "dept", "est", "fig", "figs", "ca", "mme", "mlle", "esq", "st", "ste", "pp", "ed", "eds",
    "trans", "govt", "assn", "rt", "drs", "ps",
];

/// Shorthands that normally introduce a number or a day.
const BEFORE_NUMBER: &[&str] = &[
    "no", "nos", "nr", "art", "p", "vol", "vols", "ch", "chap", "sec", "sect", "para", "tel",
    "ext", "op", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "ref", "pt", "ver", "rev", "ed", "rm", "ste", "apt", "hwy", "rte", "ex",
];

/// Shorthands that may close a sentence (`…sold to Acme Inc. The deal…`).
const AMBIGUOUS: &[&str] = &[
    "inc", "corp", "ltd", "co", "jr", "sr", "bros", "llc", "plc", "lp", "llp", "al", "ave", "blvd",
    "rd", "hwy", "mfg", "dist", "intl", "univ", "assoc", "min", "max", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "ala", "ariz", "ark", "calif", "colo", "conn",
    "del", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss",
    "mo", "mont", "neb", "nev", "okla", "ore", "pa", "penn", "tenn", "tex", "va", "vt", "wash",
    "wis", "wyo", "dak",
];

/// Words capitalised in running text mainly because they open a sentence.
const STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "there",
    "here",
    "in",
    "on",
    "at",
    "for",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "however",
    "meanwhile",
    "also",
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "although",
    "though",
    "because",
    "since",
    "despite",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "then",
    "now",
    "still",
    "later",
    "earlier",
    "today",
    "yesterday",
    "tomorrow",
    "according",
    "under",
    "with",
    "by",
    "from",
    "instead",
    "indeed",
    "thus",
    "therefore",
    "moreover",
    "furthermore",
    "overall",
    "other",
    "such",
    "one",
    "several",
    "more",
    "no",
    "not",
    "only",
    "officials",
    "mr",
    "mrs",
    "ms",
    "dr",
    "during",
    "until",
    "unlike",
    "among",
    "last",
    "next",
    "first",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "can",
    "could",
    "should",
    "please",
    "thanks",
    "thank",
    "let",
    "let's",
    "it's",
    "i'm",
    "we're",
    "they're",
    "he's",
    "she's",
];

/// Determiners and possessives: a capitalised one inside a title-case run marks where a
/// sentence begins (`… Mitigation The European Union said …`).
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "its", "our", "their", "his", "her", "my",
    "some", "many", "most", "several", "both", "each", "every", "all", "no", "such",
];

fn set_of(words: &'static [&'static str]) -> HashSet<&'static str> {
    words.iter().copied().collect()
}

static NEVER_ENDS_SET: Lazy<HashSet<&'static str>> = Lazy::new(|| set_of(NEVER_ENDS));
static BEFORE_NUMBER_SET: Lazy<HashSet<&'static str>> = Lazy::new(|| set_of(BEFORE_NUMBER));
static AMBIGUOUS_SET: Lazy<HashSet<&'static str>> = Lazy::new(|| set_of(AMBIGUOUS));
static STARTERS_SET: Lazy<HashSet<&'static str>> = Lazy::new(|| set_of(STARTERS));
static DETERMINERS_SET: Lazy<HashSet<&'static str>> = Lazy::new(|| set_of(DETERMINERS));

/// Longest word the tables hold, plus slack; longer tokens are never abbreviations.
const MAX_ABBREV: usize = 12;

/// Lowercases a short ASCII word into `buf` without allocating; `None` when it cannot be a
/// table entry (too long or not ASCII).
fn lower_ascii<'b>(word: &str, buf: &'b mut [u8; MAX_ABBREV]) -> Option<&'b str> {
    if word.is_empty() || word.len() > MAX_ABBREV || !word.is_ascii() {
        return None;
    }
    let out = &mut buf[..word.len()];
    out.copy_from_slice(word.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

/// `U.S`, `a.m`, `Ph.D`, `e.g`: letters in groups of one or two separated by periods
/// (the final period is not part of `token`).
fn is_dotted_acronym(token: &str) -> bool {
    let mut groups = 0;
    for part in token.split('.') {
        let n = part.chars().count();
        if n == 0 || n > 2 || !part.chars().all(char::is_alphabetic) {
            return false;
        }
        groups += 1;
    }
    groups >= 2
}

/// Classifies the token in front of a period (`token` excludes that period and any opening
/// punctuation).
pub(crate) fn classify_token(token: &str) -> TokenKind {
    if token.contains('.') {
        if !is_dotted_acronym(token) {
            // Numbers (`2.0`), domains and file names end sentences like words do.
            return TokenKind::Ordinary;
        }
        let compact: String = token.chars().filter(|c| *c != '.').collect();
        let mut buf = [0u8; MAX_ABBREV];
        return match lower_ascii(&compact, &mut buf) {
            Some("eg" | "ie" | "cf" | "viz" | "ps" | "pps") => TokenKind::NeverEnds,
            _ => TokenKind::Ambiguous,
        };
    }
    let mut chars = token.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        // A lone capital is an initial (`J. R. R. Tolkien`, `George W. Bush`).
        return if c.is_uppercase() {
            TokenKind::Ambiguous
        } else {
            TokenKind::Ordinary
        };
    }
    let mut buf = [0u8; MAX_ABBREV];
    let Some(lower) = lower_ascii(token, &mut buf) else {
        return TokenKind::Ordinary;
    };
    if lower == "etc" || lower == "al" {
        // `etc.` and `et al.` close a sentence before a capital, never before lowercase.
        return TokenKind::EndsBeforeCapital;
    }
    // `no.` / `p.` in lowercase are just words ending a sentence (`I said no.`).
    let capitalised = token.starts_with(|c: char| c.is_ascii_uppercase());
    if BEFORE_NUMBER_SET.contains(lower) && (capitalised || lower.len() > 2) {
        // `No. Not really.`, `… loves art. Music too.`: these are everyday words as well, so
        // before a capitalised word they end the sentence (before a number they still lead on:
        // `No. 10`, see [`precedes_number`]).
        return if matches!(lower, "no" | "art" | "ex") {
            TokenKind::EndsBeforeCapital
        } else {
            TokenKind::BeforeNumber
        };
    }
    if NEVER_ENDS_SET.contains(lower) && (capitalised || lower.len() > 3) {
        return TokenKind::NeverEnds;
    }
    if AMBIGUOUS_SET.contains(lower) && capitalised {
        return TokenKind::Ambiguous;
    }
    TokenKind::Ordinary
}

/// True when `token` (any case) is a shorthand normally followed by a number
/// (`c. 1818`, `pp. 4`, `No. 10`), so a digit after it does not open a sentence.
pub(crate) fn precedes_number(token: &str) -> bool {
    if matches!(token, "N°" | "n°" | "Nº" | "nº") {
        return true;
    }
    let mut buf = [0u8; MAX_ABBREV];
    lower_ascii(token, &mut buf).is_some_and(|w| {
        BEFORE_NUMBER_SET.contains(w) || matches!(w, "c" | "ca" | "approx" | "pp" | "fig" | "figs")
    })
}

/// True when `token` (the word before a period, any case) is a known shorthand of any kind:
/// before a lowercase word its period is part of the abbreviation (`Tom and co. at the game`,
/// `on 3rd ave. near`, `see fig. below`), not a sentence end.
pub(crate) fn is_known_abbreviation(token: &str) -> bool {
    let mut buf = [0u8; MAX_ABBREV];
    lower_ascii(token, &mut buf).is_some_and(|w| {
        NEVER_ENDS_SET.contains(w) || BEFORE_NUMBER_SET.contains(w) || AMBIGUOUS_SET.contains(w)
    })
}

/// True for `a.m` / `p.m` (any case; the final period excluded).
pub(crate) fn is_clock_suffix(token: &str) -> bool {
    matches!(token.to_ascii_lowercase().as_str(), "a.m" | "p.m")
}

/// Titles are capitalised inside sentences too: after a time (`At 7 a.m. Dr. Lee left`) they
/// do not show that a new sentence starts, as they do after `U.S.`.
pub(crate) fn is_title(word: &str) -> bool {
    let bare = word.trim_end_matches('.');
    let mut buf = [0u8; MAX_ABBREV];
    lower_ascii(bare, &mut buf).is_some_and(|w| matches!(w, "mr" | "mrs" | "ms" | "dr"))
}

/// True when `word` (with any leading quote or bracket already removed) is capitalised and
/// is one of the words that are capitalised mostly because they open a sentence.
pub(crate) fn is_sentence_starter(word: &str) -> bool {
    if !word.starts_with(|c: char| c.is_uppercase()) {
        return false;
    }
    // Only the word itself counts, not what punctuation glues to it (`The…Next`).
    let stop = word
        .find(|c: char| !(c.is_alphanumeric() || c == '\''))
        .unwrap_or(word.len());
    let bare = &word[..stop];
    let mut buf = [0u8; MAX_ABBREV];
    lower_ascii(bare, &mut buf).is_some_and(|w| STARTERS_SET.contains(w))
}

/// True when `word` is a determiner or possessive (any case).
pub(crate) fn is_determiner(word: &str) -> bool {
    let mut buf = [0u8; MAX_ABBREV];
    lower_ascii(word, &mut buf).is_some_and(|w| DETERMINERS_SET.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_never_end() {
        assert_eq!(classify_token("Mr"), TokenKind::NeverEnds);
        assert_eq!(classify_token("Gen"), TokenKind::NeverEnds);
        assert_eq!(classify_token("e.g"), TokenKind::NeverEnds);
    }

    #[test]
    fn dotted_acronyms_and_initials_are_ambiguous() {
        assert_eq!(classify_token("U.S"), TokenKind::Ambiguous);
        assert_eq!(classify_token("a.m"), TokenKind::Ambiguous);
        assert_eq!(classify_token("R"), TokenKind::Ambiguous);
        assert_eq!(classify_token("Inc"), TokenKind::Ambiguous);
    }

    #[test]
    fn numbers_words_and_domains_are_ordinary() {
        assert_eq!(classify_token("2.0"), TokenKind::Ordinary);
        assert_eq!(classify_token("treaty"), TokenKind::Ordinary);
        assert_eq!(classify_token("example.com"), TokenKind::Ordinary);
        assert_eq!(classify_token("no"), TokenKind::Ordinary);
    }

    #[test]
    fn month_and_number_shorthands() {
        assert!(precedes_number("c"));
        assert!(!precedes_number("cat"));
        assert_eq!(classify_token("Jan"), TokenKind::BeforeNumber);
        assert_eq!(classify_token("Vol"), TokenKind::BeforeNumber);
        // `No.` is a word too: it ends a sentence before a capital, and still leads a number.
        assert_eq!(classify_token("No"), TokenKind::EndsBeforeCapital);
        assert!(precedes_number("No"));
    }

    #[test]
    fn starters_need_a_capital() {
        assert!(is_sentence_starter("The"));
        assert!(is_sentence_starter("However,"));
        assert!(!is_sentence_starter("the"));
        assert!(!is_sentence_starter("Army"));
    }
}
