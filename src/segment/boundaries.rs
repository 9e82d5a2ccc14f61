//! Sentence boundaries inside one unit (a paragraph, list item or heading line).
//!
//! The scanner walks the unit once, stopping only at characters that can end a sentence
//! (`.`, `!`, `?`, `…`), at inline markdown headings (` ### `) and at the characters where
//! [`super::mail`] looks for layout-marked ends (`@`, `:`, `>`, `,`, digits, rule characters,
//! line breaks), and decides each stop from the few characters around it. Nothing is allocated
//! per character.

use super::abbreviations::{
    classify_token, is_clock_suffix, is_known_abbreviation, is_sentence_starter, is_title,
    precedes_number, TokenKind,
};
use super::enumerations::{enumeration_cut, is_item_number};
use super::lines::{is_bullet_char, line_markup, Marker};
use super::mail::{
    address_once, closing_cut, emoticon_cut, is_rule_char, is_url, opening_cut, separator_cut,
    timestamp_cut, EMOTICONS,
};

/// A raw sentence candidate: byte range in the text, not yet trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The markup that opened the piece.
    pub hint: Marker,
}

/// A decision to end the current piece at `at`, with the kind of the next piece.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cut {
    /// Byte offset where the current piece ends and the next starts.
    pub(super) at: usize,
    /// How the next piece opens.
    pub(super) next: Marker,
}

pub(super) fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‽' | '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '}' | '»' | '›')
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '(' | '[' | '{' | '«' | '‹' | '¿' | '¡' | '*' | '_'
    )
}

/// End of the run of characters starting at `from` that satisfy `pred`.
pub(super) fn run_end(s: &str, from: usize, pred: impl Fn(char) -> bool) -> usize {
    s[from..]
        .find(|c: char| !pred(c))
        .map_or(s.len(), |n| from + n)
}

/// Start of the whitespace-delimited token that ends at `end`.
pub(super) fn token_start(s: &str, floor: usize, end: usize) -> usize {
    // Everything up to and including the last whitespace character, however many bytes wide
    // it is (a no-break space is two).
    floor
        + s[floor..end]
            .trim_end_matches(|c: char| !c.is_whitespace())
            .len()
}

fn looks_like_address(token: &str) -> bool {
    token.contains("://")
        || token.contains('@')
        || token.contains("www.")
        || has_domain_suffix(token)
}

/// `Newsfeed.Com`, `example.org/about`: a host name without scheme or `www.`.
fn has_domain_suffix(token: &str) -> bool {
    let host = token.split('/').next().unwrap_or(token);
    let host = host.trim_end_matches(|c: char| !c.is_alphanumeric());
    host.rsplit_once('.').is_some_and(|(name, tld)| {
        !name.is_empty()
            && ["com", "net", "org", "gov", "edu", "info"]
                .iter()
                .any(|known| tld.eq_ignore_ascii_case(known))
    })
}

/// `alliance.The New Treaty`: a lowercase word, terminal punctuation and a capitalised word
/// with no space between, which scraped pages produce when a heading loses its line break.
fn is_glued_capital(s: &str, floor: usize, at: usize, after: usize) -> bool {
    let mut before = s[floor..at].chars().rev();
    let mut next = s[after..].chars();
    let glued = before.next().is_some_and(char::is_lowercase)
        && before.next().is_some_and(char::is_lowercase)
        && next.next().is_some_and(char::is_uppercase)
        && next.next().is_some_and(char::is_lowercase);
    if !glued {
        return false;
    }
    let start = token_start(s, floor, at);
    let end = run_end(s, after, |c| !c.is_whitespace());
    !looks_like_address(&s[start..end])
}

/// `developments.- Phil`: a bullet glued to the end of the previous sentence.
fn is_glued_bullet(s: &str, after: usize) -> bool {
    let mut next = s[after..].chars();
    next.next().is_some_and(is_bullet_char) && next.next().is_some_and(|c| c == ' ')
}

/// The next word with leading quotes and brackets removed, and whether there were any.
pub(super) fn bare_word(word: &str) -> (&str, bool) {
    let bare = word.trim_start_matches(is_opener);
    (bare, bare.len() < word.len())
}

/// Decides a single `.` followed by whitespace and `next` (the following word).
fn period_ends(prev_token: &str, next: &str) -> bool {
    let (bare, opened) = bare_word(next);
    let first = bare.chars().next();
    let digit = first.is_some_and(|c| c.is_ascii_digit());
    let upper = first.is_some_and(char::is_uppercase);
    // A quote may open a new sentence; a bracket after `a.m.` or `Inc.` rarely does.
    let quoted = opened && next.starts_with(['"', '\'', '“', '‘']);
    let ambiguous = || is_sentence_starter(bare) || (quoted && upper);
    if digit && precedes_number(prev_token) {
        return false;
    }
    let lower = first.is_some_and(char::is_lowercase);
    if lower && is_known_abbreviation(prev_token) {
        // `Tom and co. at the game`: a shorthand before lowercase goes on.
        return false;
    }
    if prev_token.chars().all(|c| c == '.') {
        // A dot standing alone, the last of a spaced ellipsis (`well . . . not sure`): it
        // trails off unless a capital follows, like `…`.
        return upper;
    }
    if is_clock_suffix(prev_token) && is_title(bare) {
        // `At 7 a.m. Dr. Lee left.`
        return false;
    }
    match classify_token(prev_token) {
        // Informal text starts sentences in lowercase; known abbreviations are handled above.
        TokenKind::Ordinary => true,
        TokenKind::NeverEnds => false,
        TokenKind::BeforeNumber => !digit && ambiguous(),
        TokenKind::Ambiguous => ambiguous(),
        TokenKind::EndsBeforeCapital => upper,
    }
}

/// A capitalised word that is not an interjection: `Jeopardy!`, `Yahoo!`, `Oklahoma!` (the
/// caller checks that a lowercase word follows).
fn is_exclaimed_name(token: &str) -> bool {
    let mut chars = token.chars();
    let capital = chars.next().is_some_and(char::is_uppercase);
    let rest_lower = chars.clone().next().is_some() && chars.all(char::is_lowercase);
    capital && rest_lower && !is_sentence_starter(token)
}

/// Decides whether the terminal run `run`, optionally closed by quotes or brackets, ends a
/// sentence before `next`.
fn run_ends(run: &str, closed: bool, prev_token: &str, next: &str) -> bool {
    let (bare, _) = bare_word(next);
    let first = bare.chars().next();
    let lower = first.is_some_and(char::is_lowercase);
    if next.starts_with('.') {
        // A spaced ellipsis (`. . .`) is still going.
        return false;
    }
    if next.starts_with([',', ';']) {
        // No sentence starts with a comma (`Ala. , Birmingham`: tokenised text).
        return false;
    }
    if EMOTICONS.contains(&next) {
        // `I love her. :)` — the smiley belongs to the sentence it comments on.
        return false;
    }
    if run == "!" && !closed && lower && is_exclaimed_name(prev_token) {
        // `He worked at Jeopardy! for years.`: a title with `!` inside a sentence.
        return false;
    }
    if run.contains(['?', '!', '‽']) {
        // `"Why?" he asked` goes on; an unquoted `why? india?` in mail does not.
        return !(closed && lower);
    }
    if run != "." {
        // An ellipsis trails off inside a sentence unless a capital or a link follows.
        return first.is_some_and(char::is_uppercase) || is_url(next);
    }
    if closed {
        return !lower;
    }
    period_ends(prev_token, next)
}

/// Looks at the terminal punctuation starting at `at` and decides whether to cut.
fn terminal_cut(s: &str, floor: usize, at: usize) -> Option<Cut> {
    if s[floor..at].ends_with(':') {
        // `Direct Dial:? 203…`: a `?` glued to a colon is a mangled character, not a question.
        return None;
    }
    let run_stop = run_end(s, at, is_terminal);
    if is_glued_bullet(s, run_stop) {
        return Some(Cut {
            at: run_stop,
            next: Marker::Bullet,
        });
    }
    if is_glued_capital(s, floor, at, run_stop) {
        return Some(Cut {
            at: run_stop,
            next: Marker::Plain,
        });
    }
    let close_stop = run_end(s, run_stop, is_closer);
    let close_stop = citation_end(s, close_stop).unwrap_or(close_stop);
    let close_stop = detached_closer_end(s, close_stop).unwrap_or(close_stop);
    let gap_stop = run_end(s, close_stop, char::is_whitespace);
    let ideographic = s[at..run_stop]
        .chars()
        .all(|c| matches!(c, '。' | '！' | '？'));
    if ideographic && gap_stop == close_stop && close_stop < s.len() {
        // `会议结束了。记者离开了。`: CJK text puts no space after its full stops.
        return Some(Cut {
            at: close_stop,
            next: Marker::Plain,
        });
    }
    if gap_stop == close_stop || gap_stop >= s.len() {
        return None;
    }
    let next_stop = run_end(s, gap_stop, |c| !c.is_whitespace());
    let next = &s[gap_stop..next_stop];
    let token = &s[token_start(s, floor, at)..at];
    let prev_token = token.trim_start_matches(is_opener);
    let ends = if &s[at..run_stop] == "." && close_stop == run_stop && is_clock_suffix(prev_token) {
        clock_time_ends(s, next, next_stop)
    } else {
        run_ends(&s[at..run_stop], close_stop > run_stop, prev_token, next)
    };
    if !ends {
        return None;
    }
    Some(Cut {
        at: close_stop,
        next: Marker::Plain,
    })
}

/// After `a.m.`/`p.m.`: a capitalised word opens a new sentence (`at 8 p.m. Results follow`)
/// unless it is a title or the first of a capitalised name (`At 7 a.m. Dr. Lee left`, `at 7 a.m.
/// John Smith arrived`); a lowercase word or a number goes on.
fn clock_time_ends(s: &str, next: &str, next_stop: usize) -> bool {
    let (bare, opened) = bare_word(next);
    if !bare.starts_with(char::is_uppercase) || is_title(bare) || (opened && next.starts_with('('))
    {
        return false;
    }
    // `at 6 a.m. Monday`, `at 9 p.m. EST`: a day, a month or a time zone belongs to the time.
    let word = bare.trim_end_matches(|c: char| !c.is_alphanumeric());
    let calendar = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
    ];
    let zone = (2..=4).contains(&word.len()) && word.chars().all(|c| c.is_ascii_uppercase());
    if calendar.contains(&word) || zone {
        return false;
    }
    if is_sentence_starter(bare) {
        return true;
    }
    let after_start = run_end(s, next_stop, char::is_whitespace);
    let after = &s[after_start..run_end(s, after_start, |c| !c.is_whitespace())];
    // Nothing after the word (the unit ends): no sign either way, and the sentence goes on, so
    // that a span read again on its own splits the same way.
    let name_goes_on = after.is_empty()
        || (after.starts_with(char::is_uppercase) && !next.ends_with(['.', ',', ':']));
    !name_goes_on
}

/// `… next day. ) Hop on …`: a closing bracket typed with a space before it still closes the
/// sentence it follows; no sentence starts with one. A lone quote does too when nothing follows
/// it in the paragraph (`… a steady trickle. "`); elsewhere it could open the next quotation
/// (`… he said. " No one …`). Returns the end of the closer.
fn detached_closer_end(s: &str, from: usize) -> Option<usize> {
    let gap = run_end(s, from, |c| c == ' ');
    let brackets = run_end(s, gap, |c| matches!(c, ')' | ']'));
    let quotes = run_end(s, gap, |c| matches!(c, '"' | '\'' | '”' | '’'));
    let stop = if quotes > gap && s[quotes..].trim().is_empty() {
        quotes
    } else {
        brackets
    };
    let alone =
        gap > from && stop > gap && s[stop..].chars().next().is_none_or(char::is_whitespace);
    alone.then_some(stop)
}

/// `… in Dulwich. [17] Placed …`: a numeric reference (or an omission mark, `[…]`) after the
/// full stop belongs to the sentence it annotates. Returns the end of the bracket.
fn citation_end(s: &str, from: usize) -> Option<usize> {
    let rest = &s[from..];
    let lead = rest.len() - rest.trim_start_matches(' ').len();
    let body = rest[lead..].strip_prefix('[')?;
    let inner = body.find(']')?;
    let refs = &body[..inner];
    let numeric = !refs.is_empty()
        && refs.len() <= 12
        && refs.starts_with(|c: char| c.is_ascii_digit())
        && refs
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '–' | ' '));
    // `… for all! […] What can …`: an omission mark closes the quoted sentence it cuts.
    let omission = matches!(refs, "..." | "…");
    let stop = from + lead + 1 + inner + 1;
    let spaced = s[stop..].chars().next().is_none_or(char::is_whitespace);
    ((numeric || omission) && spaced).then_some(stop)
}

/// An inline markdown heading marker (`… sanctions. ### Military and Security …`).
fn heading_cut(s: &str, floor: usize, at: usize) -> Option<Cut> {
    let hashes = run_end(s, at, |c| c == '#') - at;
    let after_space = s[at + hashes..].starts_with([' ', '\t']);
    let before = s[floor..at].chars().next_back();
    if !(1..=6).contains(&hashes) || !after_space || !before.is_some_and(char::is_whitespace) {
        return None;
    }
    let prev_visible = s[floor..at].trim_end().chars().next_back();
    let after_sentence = prev_visible.is_none_or(|c| is_terminal(c) || is_closer(c));
    (hashes >= 2 || after_sentence).then_some(Cut {
        at,
        next: Marker::Heading,
    })
}

/// Splits `text[start..end]` into raw pieces, appending them to `out`. `first` is the hint of
/// the first piece (from the unit's line markup). Pieces that are only whitespace are dropped.
pub(crate) fn split_unit(
    text: &str,
    start: usize,
    end: usize,
    first: Marker,
    out: &mut Vec<Piece>,
) {
    // Looking ahead never crosses the unit's end.
    let s = &text[..end];
    let mut piece = Piece {
        start,
        end,
        hint: first,
    };
    let mut i = start;
    // A cut known in advance from how the piece or line opens, taken when `i` reaches it.
    let mut pending = opening_cut(s, start);
    // End of the last token judged as a possible address: each token is judged once.
    let mut judged = start;
    while let Some(c) = s[i..].chars().next() {
        if pending.is_some_and(|cut| cut.at <= i) {
            // An earlier cut already passed it.
            pending = None;
        }
        let cut = match c {
            _ if pending.is_some_and(|cut| cut.at == i + c.len_utf8()) => pending.take(),
            '\n' => {
                pending = pending.or_else(|| opening_cut(s, i + 1));
                None
            }
            // A run of terminal punctuation is judged once, at its first character.
            // The period of an item number (`1. Buy bread`) belongs to the number.
            '.' if is_item_number(&s[piece.start..i]) => None,
            c if is_terminal(c) && !s[..i].ends_with(is_terminal) => terminal_cut(s, start, i),
            '#' => heading_cut(s, start, i),
            ':' => emoticon_cut(s, start, i).or_else(|| address_once(s, start, i, &mut judged)),
            ';' => emoticon_cut(s, start, i),
            '@' | '>' => address_once(s, start, i, &mut judged),
            'w' if s[i..].starts_with("www.") => address_once(s, start, i, &mut judged),
            ',' => closing_cut(s, piece.start, i),
            '0'..='9' => {
                timestamp_cut(s, piece.start, i).or_else(|| enumeration_cut(s, piece.start, i))
            }
            'a'..='z' => enumeration_cut(s, piece.start, i),
            c if is_rule_char(c) => separator_cut(s, piece.start, i),
            _ => None,
        };
        match cut {
            // A cut at the piece start would make an empty piece and loop forever.
            Some(cut) if cut.at > piece.start => {
                push_piece(
                    s,
                    Piece {
                        end: cut.at,
                        ..piece
                    },
                    out,
                );
                piece = Piece {
                    start: cut.at,
                    end,
                    hint: next_hint(s, cut),
                };
                // A cut in front of `i` (before a timestamp or rule) re-reads `i`.
                i = if cut.at > i { cut.at } else { i };
                pending = opening_cut(s, cut.at);
            }
            _ => i += c.len_utf8(),
        }
    }
    push_piece(s, piece, out);
}

/// A bullet or list number right after a sentence is a list flattened into the paragraph;
/// a `#` there is a heading.
fn next_hint(s: &str, cut: Cut) -> Marker {
    if cut.next != Marker::Plain {
        return cut.next;
    }
    // Same reading as at the start of a line, so a span re-segmented on its own is stable.
    line_markup(s[cut.at..].trim_start()).map_or(Marker::Plain, |(marker, _)| marker)
}

fn push_piece(s: &str, piece: Piece, out: &mut Vec<Piece>) {
    if !s[piece.start..piece.end].trim().is_empty() {
        out.push(piece);
    }
}

/// The trimmed pieces [`split_unit`] makes of `text` read as one plain unit (for tests here
/// and in [`super::mail`]).
#[cfg(test)]
pub(super) fn piece_texts(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    split_unit(text, 0, text.len(), Marker::Plain, &mut out);
    out.iter().map(|p| text[p.start..p.end].trim()).collect()
}

#[cfg(test)]
mod tests {
    use super::piece_texts as pieces;
    use super::*;

    #[test]
    fn plain_periods_split() {
        assert_eq!(
            pieces("The port closed. Ships waited."),
            vec!["The port closed.", "Ships waited."]
        );
    }

    #[test]
    fn titles_and_initials_do_not_split() {
        let text = "Mr. Oduya met Dr. Haas and J. R. R. Tolkien fans.";
        assert_eq!(pieces(text).len(), 1);
    }

    #[test]
    fn acronym_splits_only_before_a_starter() {
        assert_eq!(pieces("Aid came from the U.S. Army base.").len(), 1);
        assert_eq!(
            pieces("Aid came from the U.S. The rest came later.").len(),
            2
        );
    }

    #[test]
    fn quotes_and_brackets_close_the_sentence() {
        let got = pieces(
            "She called it \"a turning point.\" Others disagreed. (Few noticed.) Then rain.",
        );
        assert_eq!(
            got,
            vec![
                "She called it \"a turning point.\"",
                "Others disagreed.",
                "(Few noticed.)",
                "Then rain."
            ]
        );
    }

    #[test]
    fn question_in_quotes_before_lowercase_goes_on() {
        assert_eq!(pieces("\"Why now?\" she asked. Nobody knew.").len(), 2);
    }

    #[test]
    fn glued_heading_and_bullet_split() {
        let got = pieces("the deal held.Border Talks Resume\n");
        assert_eq!(got, vec!["the deal held.", "Border Talks Resume"]);
        let mut out = Vec::new();
        let text = "more to come.- Weather Today";
        split_unit(text, 0, text.len(), Marker::Plain, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].hint, Marker::Bullet);
    }

    #[test]
    fn inline_heading_marker_cuts() {
        let mut out = Vec::new();
        let text = "Prices rose. ### Market Outlook Analysts expect calm.";
        split_unit(text, 0, text.len(), Marker::Plain, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].hint, Marker::Heading);
    }

    #[test]
    fn citations_stay_with_their_sentence() {
        assert_eq!(
            pieces("It sank in 1805. [6] Few survived. [7, 9]"),
            vec!["It sank in 1805. [6]", "Few survived. [7, 9]"]
        );
    }

    #[test]
    fn no_and_art_before_a_word_end_the_sentence() {
        assert_eq!(pieces("No. Not really."), vec!["No.", "Not really."]);
        assert_eq!(pieces("She loves art. Music too.").len(), 2);
        assert_eq!(pieces("He lives at No. 10 Downing Street.").len(), 1);
        assert_eq!(pieces("See Art. 5 of the treaty.").len(), 1);
        assert_eq!(pieces("Ode et al. against Lenz et al. was heard.").len(), 1);
        assert_eq!(pieces("See Ode et al. The case was heard.").len(), 2);
    }

    #[test]
    fn a_host_name_is_no_glued_heading() {
        assert_eq!(pieces("Posted via Newsfeed.Com today.").len(), 1);
    }

    #[test]
    fn a_bracket_after_a_shorthand_goes_on() {
        assert_eq!(pieces("The call is at 10 a.m. (CDT) in Room 4.").len(), 1);
        assert_eq!(pieces("Vesta Inc. (\"Vesta\") signed.").len(), 1);
    }

    #[test]
    fn a_detached_closer_stays_with_its_sentence() {
        assert_eq!(
            pieces("We fly the next day. ) Take the bus."),
            vec!["We fly the next day. )", "Take the bus."]
        );
    }

    #[test]
    fn a_detached_quote_ending_the_paragraph_closes_its_sentence() {
        assert_eq!(
            pieces("It came in a steady trickle. \""),
            vec!["It came in a steady trickle. \""]
        );
        assert_eq!(
            pieces("It was slow, he said. \" No one knew why.\""),
            vec!["It was slow, he said.", "\" No one knew why.\""]
        );
    }

    #[test]
    fn an_omission_mark_closes_the_sentence_before() {
        assert_eq!(
            pieces("Back surgery for all! [...] What can we do?"),
            vec!["Back surgery for all! [...]", "What can we do?"]
        );
        // No sentence starts with a comma, so a stray one never ends the sentence before it.
        assert_eq!(
            pieces("It came from Birmingham, Ala. , and from Mobile.").len(),
            1
        );
    }

    #[test]
    fn a_question_mark_glued_to_a_colon_is_no_question() {
        assert_eq!(
            pieces("Direct Dial:? 203.961.7523 Fax:? 203.674.7723").len(),
            1
        );
    }

    #[test]
    fn an_ellipsis_before_a_link_ends_the_sentence() {
        assert_eq!(
            pieces("Look at these... http://a.example.com/1.jpg").len(),
            2
        );
    }
}
