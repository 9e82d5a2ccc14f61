//! Sentence ends that mail, forum and wire text mark with layout rather than punctuation, found
//! again when the line breaks are lost (as in a paragraph joined into one line): addresses and
//! URLs ending a line, salutations and closings, rule lines and banners, mail timestamps,
//! smileys and bracketed source tags. [`super::boundaries`] asks these at the characters that
//! can start or end such a piece.

use super::boundaries::{bare_word, is_terminal, run_end, token_start, Cut};
use super::lines::{leading_markup, Marker};
use once_cell::sync::Lazy;
use regex::Regex;

/// The piece's text before `at`, trimmed and without its line markup (`## Regards` reads as
/// `Regards`), the way the piece reads once the markup is stripped: a span segmented again on
/// its own then splits the same way.
fn text_before(s: &str, piece_start: usize, at: usize) -> &str {
    // Markup is read on the whole rest of the piece: `# ` is a heading marker only before text.
    let from = past_markup(s, run_end(s, piece_start, char::is_whitespace));
    s.get(from..at).map_or("", str::trim)
}

/// Skips the line markup at `at` (`### `, `- `, `> - `), nested up to a few levels: deeper
/// nesting is no markup anyone writes, and a bound keeps `-- -- -- …` from costing a scan of
/// the rest of the text at every dash.
fn past_markup(s: &str, mut at: usize) -> usize {
    for _ in 0..4 {
        match leading_markup(&s[at..]) {
            Some((_, skip)) if skip > 0 => at += skip,
            _ => break,
        }
    }
    at
}

/// Characters that rule lines and banner separators are drawn with.
pub(super) fn is_rule_char(c: char) -> bool {
    matches!(c, '=' | '_' | '*' | '~' | '-' | '+')
}

/// `==========` or `*****NOTICE*****` standing between two sentences: a sentence of its own.
pub(super) fn separator_cut(s: &str, piece_start: usize, at: usize) -> Option<Cut> {
    if !s[..at].chars().next_back().is_none_or(char::is_whitespace) {
        return None;
    }
    let stop = run_end(s, at, |c| !c.is_whitespace());
    let token = &s[at..stop];
    let chars = token.chars().count();
    let lead = token.chars().take_while(|c| is_rule_char(*c)).count();
    let trail = token.chars().rev().take_while(|c| is_rule_char(*c)).count();
    let rule = (lead == chars && lead >= 4) || (lead >= 3 && trail >= 3 && lead + trail < chars);
    if !rule {
        return None;
    }
    let before_blank = text_before(s, piece_start, at).is_empty();
    if lead == chars && before_blank {
        if let Some(end) = banner_end(s, stop) {
            return Some(Cut {
                at: end,
                next: Marker::Plain,
            });
        }
    }
    let at = if before_blank { stop } else { at };
    Some(Cut {
        at,
        next: Marker::Plain,
    })
}

/// `----== Posted via Newsfeed.Com ==----`: text framed by rules on one line is one banner.
/// Given the end of the opening rule, returns the end of the closing one.
fn banner_end(s: &str, after_open: usize) -> Option<usize> {
    let mut words = 0;
    let mut at = after_open;
    // Token by token, at most 24, never past the end of the line.
    for _ in 0..24 {
        let gap_end = run_end(s, at, char::is_whitespace);
        if gap_end >= s.len() || s[at..gap_end].contains('\n') {
            return None;
        }
        let stop = run_end(s, gap_end, |c| !c.is_whitespace());
        let token = &s[gap_end..stop];
        let trail = token.chars().rev().take_while(|c| is_rule_char(*c)).count();
        if trail >= 3 && words > 0 {
            return Some(stop);
        }
        if token.contains(char::is_alphanumeric) {
            words += 1;
        }
        at = stop;
    }
    None
}

/// A mail header timestamp (`08/16/2000 03:14 PM`): it ends the header line it closes, and
/// starts a line of its own after a sender's name.
static TIMESTAMP: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(r"^\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm]\b)?").ok()
});

/// Cuts before a mail timestamp that follows a sender's name, or after one that closes a
/// header line (see [`TIMESTAMP`]).
pub(super) fn timestamp_cut(s: &str, piece_start: usize, at: usize) -> Option<Cut> {
    if !s[..at].chars().next_back().is_none_or(char::is_whitespace) {
        return None;
    }
    let found = TIMESTAMP.as_ref()?.find(&s[at..])?;
    let stop = at + found.end();
    let before = text_before(s, piece_start, at);
    // `… annotations on 04/25/01 12:42` keeps its date; `Sean Boyle 08/17/2000` does not.
    let prev_word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let joined = prev_word.chars().all(char::is_lowercase);
    let at = if before.is_empty() || joined {
        stop
    } else {
        at
    };
    let more = !s[stop..].trim().is_empty();
    (at < stop || more).then_some(Cut {
        at,
        next: Marker::Plain,
    })
}

/// Letter closings (`Thanks,` `Sincerely,`) stand alone before the signature.
const CLOSINGS: &[&str] = &[
    "thanks",
    "thank you",
    "sincerely",
    "regards",
    "best regards",
    "kind regards",
    "cheers",
    "respectfully",
    "yours truly",
    "best wishes",
    "many thanks",
    "yours sincerely",
    "warm regards",
    "warmest regards",
    "kindest regards",
    "best",
    "all the best",
    "yours",
    "warmly",
    "thanks again",
];

/// Cuts after the comma of a piece that is only a letter closing (`Regards,`), before a
/// capitalised signature.
pub(super) fn closing_cut(s: &str, piece_start: usize, at: usize) -> Option<Cut> {
    if at - piece_start > 48 {
        // Longer than any closing with its markup: most commas stop here.
        return None;
    }
    // Emphasis around a closing line (`**Regards, Crews**`) is stripped from the span, which
    // segmented again on its own must cut the same way.
    let before = text_before(s, piece_start, at)
        .trim_start_matches(['*', '_'])
        .trim_start();
    let closing = CLOSINGS.iter().any(|c| before.eq_ignore_ascii_case(c));
    let stop = at + 1;
    let spaced = s[stop..].starts_with(char::is_whitespace);
    let next = s[stop..].trim_start().chars().next();
    (closing && spaced && next.is_some_and(char::is_uppercase)).then_some(Cut {
        at: stop,
        next: Marker::Plain,
    })
}

/// Smileys that close a sentence in informal text (and stay with the sentence they follow).
pub(super) const EMOTICONS: &[&str] = &[
    ":-)", ":)", ":-(", ":(", ";-)", ";)", ":-D", ":D", ":-P", ":P",
];

/// `… with the project :-) Posted by …`: a smiley closing a sentence in informal text, before
/// a capital or not (`great! :P you get …`).
pub(super) fn emoticon_cut(s: &str, floor: usize, at: usize) -> Option<Cut> {
    let face = EMOTICONS.iter().find(|e| s[at..].starts_with(**e))?;
    let stop = at + face.len();
    let spaced_before = s[floor..at]
        .chars()
        .next_back()
        .is_some_and(char::is_whitespace);
    let gap_stop = run_end(s, stop, char::is_whitespace);
    let more_after = gap_stop < s.len();
    (spaced_before && gap_stop > stop && more_after).then_some(Cut {
        at: stop,
        next: Marker::Plain,
    })
}

/// An e-mail address or URL that a mail or forum page put on a line of its own. Lotus Notes
/// names (`Traci Warner@ENRON`) are left out: a capitalised word after them is more of the name.
fn is_standalone_address(token: &str) -> bool {
    let notes_name = token
        .split_once('@')
        .is_some_and(|(_, host)| host.starts_with(char::is_uppercase));
    (is_url(token) || token.contains('@')) && !notes_name
}

/// A web address (`http://…`, `www.…`), as opposed to an e-mail address.
pub(super) fn is_url(token: &str) -> bool {
    token.contains("://") || token.contains("www.")
}

/// `Email: ann@example.com Site made!`, `… 20050920_21big.html http://…`: an address at the end
/// of a mail header or list line whose line break the text lost. Cuts after the address when a
/// capitalised word, a bracketed or quoted capital, or (after a URL) another URL follows.
/// `>>` closing an attachment note (`<< File: notes.doc >>`) counts as an address.
fn address_cut(s: &str, floor: usize, at: usize) -> Option<Cut> {
    let start = token_start(s, floor, at);
    let stop = run_end(s, at, |c| !c.is_whitespace());
    let token = &s[start..stop];
    let address = token == ">>" || is_standalone_address(token);
    if !address || token.ends_with(is_terminal) {
        return None;
    }
    let gap_stop = run_end(s, stop, char::is_whitespace);
    if gap_stop == stop || gap_stop >= s.len() {
        return None;
    }
    let next = &s[gap_stop..run_end(s, gap_stop, |c| !c.is_whitespace())];
    let (bare, _) = bare_word(next);
    let capital = bare.starts_with(char::is_uppercase);
    let url_list = is_url(token) && is_url(next);
    (capital || url_list).then_some(Cut {
        at: stop,
        next: Marker::Plain,
    })
}

/// [`address_cut`] for the token around `at`, unless an earlier character of the same token
/// already had it judged (`a@b@c…` or `>>>>…` would otherwise cost a scan of the token per
/// character).
pub(super) fn address_once(s: &str, floor: usize, at: usize, judged: &mut usize) -> Option<Cut> {
    if at < *judged {
        return None;
    }
    *judged = run_end(s, at, |c| !c.is_whitespace());
    address_cut(s, floor, at)
}

/// Greetings that open a letter: `Dear Ms Ode,` `Hi,` `Good morning Debra -`.
static SALUTATION: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(
        r"^(?:Dear|Hi|Hello|Hey|Greetings|Good (?:[Mm]orning|[Aa]fternoon|[Ee]vening))\b[^\n,:;.!?]{0,40}?(?:[,:!]| -)\s+\p{Lu}",
    )
    .ok()
});

/// A salutation opening a line or piece stands alone before the letter's first sentence.
fn salutation_cut(s: &str, at: usize) -> Option<Cut> {
    // Every greeting starts with D, G or H: skip the regex for the other pieces.
    if !s[at..].starts_with(['D', 'G', 'H']) {
        return None;
    }
    let found = SALUTATION.as_ref()?.find(&s[at..])?;
    let matched = &s[at..at + found.end()];
    // The match ends with the capital that opens the next sentence; cut after the punctuation.
    let punct = matched
        .trim_end_matches(|c: char| !c.is_whitespace())
        .trim_end();
    Some(Cut {
        at: at + punct.len(),
        next: Marker::Plain,
    })
}

/// `(BBC) The militant group …`, `(New Scientist Space) NASA is …`: a bracketed source name
/// opening a piece, before a capital and text with lower case on its line, is a credit line
/// of its own.
fn source_tag_cut(s: &str, at: usize) -> Option<Cut> {
    let inner_start = at + s[at..].strip_prefix('(').map(|_| 1)?;
    // A source name is short: look for the bracket's end within 80 characters only.
    let close = s[inner_start..]
        .char_indices()
        .take(80)
        .find(|&(_, c)| c == ')')
        .map(|(n, _)| n)?;
    let inner = &s[inner_start..inner_start + close];
    let stop = inner_start + close + 1;
    let plain = !inner.contains(|c: char| matches!(c, '(' | '\n') || is_terminal(c));
    let named = inner.starts_with(char::is_uppercase) && inner.split_whitespace().count() <= 6;
    let gap_stop = run_end(s, stop, char::is_whitespace);
    let next = &s[gap_stop..run_end(s, gap_stop, |c| !c.is_whitespace())];
    let capital = bare_word(next).0.starts_with(char::is_uppercase);
    // A sentence follows a credit line; a row of capitals (`(Parent) FORECAST YEAR-AGO` in a
    // results table) is a table header that the bracket belongs to.
    let line_rest = s[gap_stop..].split('\n').next().unwrap_or("");
    let prose = line_rest.contains(char::is_lowercase);
    (plain && named && gap_stop > stop && capital && prose).then_some(Cut {
        at: stop,
        next: Marker::Plain,
    })
}

/// Cuts decided by how a line or piece opens (from `from`, leading spaces skipped).
pub(super) fn opening_cut(s: &str, from: usize) -> Option<Cut> {
    // Read past line markup (`### `, `- `, `> `), as a line's own start is read.
    let mut at = past_markup(s, run_end(s, from, char::is_whitespace));
    // Emphasis around the line (`**Hi, …**`) is unwrapped later: read what it wraps.
    // `** Hi, …**` too: the unwrapped span is trimmed, so the space after the stars goes.
    if s[at..].starts_with("**") || s[at..].starts_with("__") {
        at = run_end(s, at + 2, char::is_whitespace);
    }
    salutation_cut(s, at).or_else(|| source_tag_cut(s, at))
}

#[cfg(test)]
mod tests {
    use super::super::boundaries::piece_texts as pieces;

    #[test]
    fn mail_headers_split() {
        assert_eq!(
            pieces("Dana Moss 04/02/2001 10:15 AM Please send the file. ====== Thanks, Dana"),
            vec![
                "Dana Moss",
                "04/02/2001 10:15 AM",
                "Please send the file.",
                "======",
                "Thanks,",
                "Dana"
            ]
        );
        assert_eq!(pieces("sent on 04/02/2001 10:15 AM Got it.").len(), 2);
    }

    #[test]
    fn emoticon_ends_a_sentence() {
        assert_eq!(pieces("See you there :-) Bring snacks.").len(), 2);
        assert_eq!(
            pieces("The view is great! :P you can see the bay."),
            vec!["The view is great! :P", "you can see the bay."]
        );
        assert_eq!(
            pieces("We adopted her. :) She is shy."),
            vec!["We adopted her. :)", "She is shy."]
        );
    }

    #[test]
    fn an_address_ends_its_lost_line() {
        assert_eq!(
            pieces("Email: mo.ode@example.org Forum is live! Groups: alt.cats"),
            vec![
                "Email: mo.ode@example.org",
                "Forum is live!",
                "Groups: alt.cats"
            ]
        );
        assert_eq!(
            pieces("Photos: http://a.example.com/1.jpg http://a.example.com/2.jpg"),
            vec![
                "Photos: http://a.example.com/1.jpg",
                "http://a.example.com/2.jpg"
            ]
        );
        // A lowercase word goes on, and a Lotus Notes name is not an address.
        assert_eq!(pieces("Write to mo@example.org or call us.").len(), 1);
        assert_eq!(pieces("Sent by Ada Lenz@ACME SALES on Monday.").len(), 1);
        assert_eq!(
            pieces("notes.doc << File: notes.doc >> I read it."),
            vec!["notes.doc << File: notes.doc >>", "I read it."]
        );
    }

    #[test]
    fn a_dash_between_words_is_no_rule() {
        assert_eq!(
            pieces("It was cut off to CPS --- do you know why?").len(),
            1
        );
    }

    #[test]
    fn a_source_tag_opening_a_piece_stands_alone() {
        assert_eq!(
            pieces("(Harbour Post) The ferry sank. (BBC) \"We saw it,\" she said."),
            vec![
                "(Harbour Post)",
                "The ferry sank.",
                "(BBC)",
                "\"We saw it,\" she said."
            ]
        );
        assert_eq!(pieces("(Reuters) - The ferry sank.").len(), 1);
        assert_eq!(pieces("(two were found) The rest were not.").len(), 1);
        assert_eq!(pieces("(Parent) FORECAST YEAR-AGO").len(), 1);
        assert_eq!(pieces("(Space Wire) NASA will launch it.").len(), 2);
    }

    #[test]
    fn a_banner_framed_by_rules_is_one_piece() {
        assert_eq!(
            pieces("Thanks. ----== Posted via Newsfeed.Com ==---- The #1 service!"),
            vec![
                "Thanks.",
                "----== Posted via Newsfeed.Com ==----",
                "The #1 service!"
            ]
        );
    }

    #[test]
    fn a_salutation_stands_alone() {
        assert_eq!(
            pieces("Dear All, My name is Ada."),
            vec!["Dear All,", "My name is Ada."]
        );
        assert_eq!(
            pieces("Good Morning Debra - I have attached the draft."),
            vec!["Good Morning Debra -", "I have attached the draft."]
        );
        assert_eq!(pieces("Hi, yes it is.").len(), 1);
        assert_eq!(
            pieces("Call me.\nHi, Yes the room is free."),
            vec!["Call me.", "Hi,", "Yes the room is free."]
        );
        assert_eq!(pieces("Hello Kitty sales rose.").len(), 1);
    }
}
