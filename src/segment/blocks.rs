//! Which block a sentence belongs to, where an inline heading ends, and which markup
//! characters to leave out of a span.

use crate::document::{Block, SentenceSpan};
use once_cell::sync::Lazy;
use regex::{Regex, RegexSet};

use super::abbreviations::{is_determiner, is_sentence_starter};
use super::lines::{leading_markup, quote_markup, Marker};
use super::mail::is_rule_char;

/// Lowercase words that title-case headings keep lowercase.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to", "for", "with", "by",
    "from", "as", "vs", "via", "into", "onto", "over", "per", "up", "out", "off", "amid", "about",
    "after", "under", "is", "are", "its", "than", "&",
];

fn is_small_word(word: &str) -> bool {
    SMALL_WORDS.contains(&word)
}

/// Calls to action, navigation, legal lines and similar page furniture.
static BOILERPLATE: Lazy<RegexSet> = Lazy::new(|| {
    RegexSet::new([
        r"(?i)^(?:©|\(c\)\s|copyright\b)",
        r"(?i)\ball rights reserved\b",
        r"(?i)\b(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b|\bcookie (?:policy|settings|preferences|notice)\b|\baccept (?:all )?cookies\b",
        r"(?i)^(?:read more|read next|continue reading|click here|see also|advertisement|sponsored content|skip to (?:main )?content|back to top|share (?:this|on)\b|follow us|sign up|subscribe\b|log ?in\b|sign in\b|newsletter\b|filed under|more from|most (?:read|popular)|trending now|related (?:articles|stories|posts|content|coverage|reading|topics))",
        r"(?i)\b(?:share your (?:thoughts|perspectives|views|opinions|comments|experiences?)|in the comments (?:below|section)|leave (?:a|your) comments?|(?:subscribe|sign up) (?:to|for) (?:our|the) newsletter|what are your thoughts|let us know (?:what you think|in the comments)|follow us on|like us on facebook)\b",
        r"(?i)^tags?\s*:",
    ])
    .unwrap_or_else(|_| RegexSet::empty())
});

/// A byline or credit line: `By Jane Roe`, `Reporting by …`, `Posted by …`.
static BYLINE: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(r"^(?:[Bb]y|(?:[Pp]osted|[Ww]ritten|[Rr]eporting|[Ee]diting|[Aa]dditional reporting|[Pp]hotos?) by)\s+\S").ok()
});

/// True when `sentence` is page furniture rather than article text.
pub(crate) fn is_boilerplate(sentence: &str) -> bool {
    if BOILERPLATE.is_match(sentence) {
        return true;
    }
    let short = sentence.split_whitespace().count() <= 12;
    let byline = BYLINE.as_ref().is_some_and(|re| re.is_match(sentence));
    let separators = sentence
        .chars()
        .filter(|c| matches!(c, '|' | '»' | '›'))
        .count();
    (short && byline && !ends_with_terminal(sentence)) || separators >= 2
}

/// True when the last visible character (after closing quotes/brackets) ends a sentence.
pub(crate) fn ends_with_terminal(sentence: &str) -> bool {
    sentence
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '*'])
        .ends_with(['.', '!', '?', '…'])
}

/// What a word contributes to title case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordCase {
    /// Starts with a capital or a digit.
    Capital,
    /// A lowercase small word (`of`, `and`, `the`).
    Small,
    /// No letters or digits (`-`, `&`, `:`).
    Punct,
    /// Any other lowercase word: not part of a title.
    Lower,
}

fn word_case(word: &str) -> WordCase {
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
    match bare.chars().next() {
        None => WordCase::Punct,
        Some(c) if c.is_uppercase() || c.is_ascii_digit() => WordCase::Capital,
        Some(_) if is_small_word(bare) => WordCase::Small,
        Some(_) => WordCase::Lower,
    }
}

/// Short, capitalised like a title, and without closing punctuation.
pub(crate) fn looks_like_heading(sentence: &str) -> bool {
    if ends_with_terminal(sentence) || sentence.ends_with([',', ';']) {
        return false;
    }
    let mut words = 0;
    let mut content = 0;
    let mut capital = 0;
    for word in sentence.split_whitespace() {
        let case = word_case(word);
        words += 1;
        if words == 1 && case != WordCase::Capital {
            return false;
        }
        match case {
            WordCase::Capital => {
                content += 1;
                capital += 1;
            }
            WordCase::Lower => content += 1,
            WordCase::Small | WordCase::Punct => {}
        }
    }
    words <= 20 && content > 0 && capital * 4 >= content * 3
}

/// Words of `text[start..end]` with their byte ranges.
fn words(text: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let slice = &text[start..end];
    slice.split_whitespace().map(move |w| {
        let offset = w.as_ptr() as usize - slice.as_ptr() as usize;
        (start + offset, start + offset + w.len())
    })
}

/// In `Economic Cooperation and Sanctions Mitigation A primary driver …`, finds where the
/// heading stops and the sentence starts: the title-case run ends at the first ordinary
/// lowercase word; the sentence starts at the last capitalised word before it, moved back to
/// a capitalised determiner when a name precedes (`The European Union said`). Returns the
/// byte offset of the sentence start, or `None` when the whole piece is the heading.
pub(crate) fn inline_heading_split(text: &str, start: usize, end: usize) -> Option<usize> {
    if !ends_with_terminal(&text[start..end]) {
        return None;
    }
    let mut run: Vec<(usize, WordCase, &str)> = Vec::new();
    for (ws, we) in words(text, start, end) {
        let word = &text[ws..we];
        let case = word_case(word);
        if case == WordCase::Lower {
            break;
        }
        // A word with closing punctuation ends the heading on its own.
        if ends_with_terminal(word) {
            return None;
        }
        run.push((ws, case, word));
    }
    let last_capital = run
        .iter()
        .rposition(|&(_, case, _)| case == WordCase::Capital)?;
    if last_capital == 0 {
        return None;
    }
    let mut pick = last_capital;
    if !is_sentence_starter(run[pick].2) {
        let mut i = pick;
        while i > 1 && run[i - 1].1 == WordCase::Capital {
            i -= 1;
            if is_determiner(run[i].2) {
                pick = i;
                break;
            }
        }
    }
    Some(run[pick].0)
}

/// Trims whitespace and the markup that `opened_by` says opens the piece; returns the content
/// range, or `None` if nothing is left.
pub(crate) fn strip_markup(
    text: &str,
    start: usize,
    end: usize,
    opened_by: Marker,
) -> Option<(usize, usize)> {
    let (mut s, mut e) = trim(text, start, end)?;
    if opened_by == Marker::Plain {
        // A quote prefix is read the same after a cut as at the start of a line.
        if let Some(skip) = quote_markup(&text[s..e]) {
            s += skip;
        }
    } else {
        // Nested markers (`- - item`, `- ## Title`, `> - item`) all go, so re-segmenting a
        // span is stable.
        while let Some((_, skip)) = leading_markup(&text[s..e]).filter(|&(_, n)| n > 0) {
            s += skip;
        }
    }
    if opened_by == Marker::Heading {
        // Closing hashes of an ATX heading (`## Title ##`).
        let body = text[s..e].trim_end_matches('#');
        if body.len() < e - s && body.ends_with(char::is_whitespace) {
            e = s + body.trim_end().len();
        }
    }
    let inner = &text[s..e];
    for wrap in ["**", "__"] {
        if inner.len() > 2 * wrap.len() && inner.starts_with(wrap) && inner.ends_with(wrap) {
            let core = inner[wrap.len()..inner.len() - wrap.len()].trim();
            // Unwrap only once and only plain text, so the result reads the same on its own.
            // `_____` is a rule line, not emphasis around `_`; nor is `**----== (BBC) ***` a
            // banner in emphasis: its stars are part of its rules, which re-segmenting reads.
            let plain = leading_markup(core).is_none()
                && !core.starts_with(is_rule_char)
                && !core.ends_with(is_rule_char);
            if plain {
                s += wrap.len();
                e -= wrap.len();
            }
            break;
        }
    }
    trim(text, s, e)
}

fn trim(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let slice = &text[start..end];
    let body = slice.trim();
    if body.is_empty() {
        return None;
    }
    let s = start + (slice.len() - slice.trim_start().len());
    Some((s, s + body.len()))
}

/// The block of a plain sentence, by its own text.
pub(crate) fn classify_plain(sentence: &str) -> Block {
    if is_boilerplate(sentence) {
        Block::Boilerplate
    } else if looks_like_heading(sentence) {
        Block::Heading
    } else if sentence.chars().any(char::is_alphanumeric) {
        Block::Body
    } else {
        // Rules and separators (`* * *`, `---`).
        Block::Boilerplate
    }
}

/// Headings after the last body sentence lead to nothing: they are link titles and
/// navigation, not section heads. So are list items there that read as titles ("Iran War
/// With Usa" under a closing "Share your thoughts …"): a link list, whose items assert
/// nothing (docs/labelling.md, example 75).
pub(crate) fn demote_trailing_headings(text: &str, spans: &mut [SentenceSpan]) {
    let Some(last_body) = spans.iter().rposition(|s| s.block == Block::Body) else {
        return;
    };
    // A list is a link list only after the article has closed with furniture (a call to
    // action, a share line): a closing "Key points" list is content.
    let mut after_furniture = false;
    for span in &mut spans[last_body + 1..] {
        let title_item = after_furniture
            && span.block == Block::ListItem
            && text
                .get(span.start..span.end)
                .is_some_and(looks_like_heading);
        if span.block == Block::Heading || title_item {
            span.block = Block::Boilerplate;
        }
        after_furniture |= span.block == Block::Boilerplate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_lines_are_headings() {
        assert!(looks_like_heading(
            "The New Treaty: A Comprehensive Strategic Partnership"
        ));
        assert!(looks_like_heading("Map of Russia - Guide of the World"));
        assert!(!looks_like_heading("Let me know"));
        assert!(!looks_like_heading("The Talks Resumed."));
    }

    #[test]
    fn calls_to_action_are_boilerplate() {
        assert!(is_boilerplate("Share your thoughts in the comments below."));
        assert!(is_boilerplate("© 2024 Example Media. All rights reserved."));
        assert!(is_boilerplate("Home | World | Business | Sport"));
        assert!(is_boilerplate("By Maria Lindqvist"));
        assert!(!is_boilerplate("By noon the river had risen two metres."));
        assert!(!is_boilerplate(
            "Subscribers were angry about the price rise."
        ));
    }

    fn split(text: &str) -> Option<(&str, &str)> {
        inline_heading_split(text, 0, text.len()).map(|at| (text[..at].trim(), &text[at..]))
    }

    #[test]
    fn inline_heading_ends_before_the_sentence() {
        assert_eq!(
            split("Trade Links and Tariff Relief A key reason is cheap fuel."),
            Some((
                "Trade Links and Tariff Relief",
                "A key reason is cheap fuel."
            ))
        );
        assert_eq!(
            split("Security Matters Despite the snow, talks went on."),
            Some(("Security Matters", "Despite the snow, talks went on."))
        );
        assert_eq!(
            split("Energy Outlook The European Union said supplies were fine."),
            Some((
                "Energy Outlook",
                "The European Union said supplies were fine."
            ))
        );
        assert_eq!(
            split("Quiet Harbour Ferries sailed late."),
            Some(("Quiet Harbour", "Ferries sailed late."))
        );
        assert_eq!(split("How the deal was made."), None);
        assert_eq!(split("Regional Outlook"), None);
    }

    #[test]
    fn markup_is_left_out() {
        let text = "  ## Border Talks ##  ";
        let (s, e) = strip_markup(text, 0, text.len(), Marker::Heading).unwrap_or((0, 0));
        assert_eq!(&text[s..e], "Border Talks");
        let text = "**Key Dates**";
        let (s, e) = strip_markup(text, 0, text.len(), Marker::Plain).unwrap_or((0, 0));
        assert_eq!(&text[s..e], "Key Dates");
    }

    #[test]
    fn trailing_headings_and_title_list_items_become_boilerplate() {
        let rows = [
            ("Harbour Talks Resume", Block::Heading),
            ("The ferry link reopened on Monday.", Block::Body),
            ("Ferry Times", Block::ListItem),
            ("Share this story with a friend.", Block::Boilerplate),
            ("ferries sail twice a day", Block::ListItem),
            ("Storm Closes Northern Ports", Block::ListItem),
            ("More Coverage", Block::Heading),
        ];
        let mut text = String::new();
        let mut spans = Vec::new();
        for (row, block) in rows {
            let start = text.len();
            text.push_str(row);
            spans.push(SentenceSpan {
                start,
                end: text.len(),
                block,
            });
            text.push('\n');
        }
        demote_trailing_headings(&text, &mut spans);
        let got: Vec<Block> = spans.iter().map(|s| s.block).collect();
        assert_eq!(
            got,
            vec![
                Block::Heading,
                Block::Body,
                Block::ListItem,
                Block::Boilerplate,
                Block::ListItem,
                Block::Boilerplate,
                Block::Boilerplate
            ]
        );
    }
}
