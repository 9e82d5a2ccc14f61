//! From raw text to units: runs of lines that form one paragraph, list item or heading,
//! with their leading markup (`### `, `- `, `1. `, `> `) already stepped over.
//!
//! Scraped news usually puts one paragraph on a line, so by default every newline ends a
//! sentence. Plain-text mail and archives wrap paragraphs at a fixed width instead; when a
//! document looks like that, newlines inside a paragraph are read as spaces.

/// Markup found at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// No markup: running text.
    Plain,
    /// A markdown heading (`#` … `######`).
    Heading,
    /// A bulleted or numbered list item.
    Bullet,
}

/// A paragraph-like run of text to split into sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Byte offset of the first character after leading whitespace and markup.
    pub start: usize,
    /// Byte offset one past the last non-whitespace character.
    pub end: usize,
    /// The markup the unit's first line carried.
    pub marker: Marker,
}

/// One line of the input, already measured.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// After leading whitespace and markup.
    content: usize,
    /// One past the last non-whitespace character (so `\r` is dropped).
    end: usize,
    marker: Marker,
}

impl Line {
    fn len(&self) -> usize {
        self.end.saturating_sub(self.content)
    }
}

/// Characters that introduce a bulleted list item when followed by a space.
pub(crate) fn is_bullet_char(c: char) -> bool {
    matches!(c, '-' | '*' | '+' | '•' | '◦' | '▪' | '‣' | '·' | '⁃')
}

/// Length in bytes of the markup (and the spaces after it) at the start of `s`, with its kind.
pub(crate) fn leading_markup(s: &str) -> Option<(Marker, usize)> {
    let bytes = s.as_bytes();
    let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
    if (1..=6).contains(&hashes) {
        return spaced(s, hashes).map(|n| (Marker::Heading, n));
    }
    // `-- The analyst set …`, `-- Posted by …`: wire copy and mail mark items and sign-offs
    // with a double dash.
    let dashes = bytes.iter().take_while(|&&b| b == b'-').count();
    if (2..=3).contains(&dashes) {
        return spaced(s, dashes).map(|n| (Marker::Bullet, n));
    }
    let first = s.chars().next()?;
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = |t: &str| {
        let n = digits(t);
        (1..=3).contains(&n)
            && matches!(t.as_bytes().get(n), Some(b'.' | b')'))
            && spaced(t, n + 1).is_some()
    };
    if is_bullet_char(first) {
        // `⁃3. Buy bread`: a bullet glued to an item number is still a bullet.
        let rest = &s[first.len_utf8()..];
        if numbered(rest) {
            return Some((Marker::Bullet, first.len_utf8()));
        }
        return spaced(s, first.len_utf8()).map(|n| (Marker::Bullet, n));
    }
    // A numbered item keeps its number (a checker cites "point 2"): the line is a list item
    // and nothing is stepped over.
    if numbered(s) {
        return Some((Marker::Bullet, 0));
    }
    quote_markup(s).map(|n| (Marker::Plain, n))
}

/// The markup that opens a line: [`leading_markup`], and for a quoted line (`> ## Title`,
/// `> - item`) the markup inside the quote too, with the combined length.
pub(crate) fn line_markup(s: &str) -> Option<(Marker, usize)> {
    let (marker, skip) = leading_markup(s)?;
    if marker == Marker::Plain {
        if let Some((inner, more)) = leading_markup(&s[skip..]) {
            return Some((inner, skip + more));
        }
    }
    Some((marker, skip))
}

/// Length of a mail quote prefix (`> `, `>> `, `> > `) and the spaces after it, when text
/// follows; `>>` on its own (as in `<< File: a.doc >>`) is no quote.
pub(crate) fn quote_markup(s: &str) -> Option<usize> {
    let rest = s.trim_start_matches(['>', ' ', '\t']);
    let marks = &s[..s.len() - rest.len()];
    let spaced = marks.ends_with([' ', '\t']);
    (s.starts_with('>') && spaced && !rest.is_empty()).then_some(marks.len())
}

/// `marker_len` plus the whitespace after it, if there is at least one whitespace char and
/// some text after it.
fn spaced(s: &str, marker_len: usize) -> Option<usize> {
    let rest = s.get(marker_len..)?;
    let trimmed = rest.trim_start();
    let gap = rest.len() - trimmed.len();
    (gap > 0 && !trimmed.is_empty()).then_some(marker_len + gap)
}

/// Splits `text` into measured lines; blank lines are `None`.
fn measure_lines(text: &str) -> Vec<Option<Line>> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in text.split('\n') {
        let trimmed_start = raw.trim_start();
        let lead = raw.len() - trimmed_start.len();
        let body = trimmed_start.trim_end();
        if body.is_empty() {
            lines.push(None);
        } else {
            let (marker, skip) = line_markup(body).unwrap_or((Marker::Plain, 0));
            let start = offset + lead;
            lines.push(Some(Line {
                content: start + skip,
                end: start + body.len(),
                marker,
            }));
        }
        offset += raw.len() + 1;
    }
    lines
}

fn last_char(text: &str, line: &Line) -> Option<char> {
    text[line.content..line.end].chars().next_back()
}

fn first_char(text: &str, line: &Line) -> Option<char> {
    text[line.content..line.end].chars().next()
}

/// A line that stops mid-sentence and a next line that carries on in lowercase: the
/// fingerprint of fixed-width wrapping.
fn is_continuation(text: &str, line: &Line, next: &Line) -> bool {
    next.marker == Marker::Plain
        && last_char(text, line).is_some_and(|c| c.is_alphanumeric() || matches!(c, ',' | ';'))
        && first_char(text, next).is_some_and(char::is_lowercase)
}

/// Width of the wrapping when the document looks hard-wrapped, else `None`.
fn wrap_width(text: &str, lines: &[Option<Line>]) -> Option<usize> {
    let mut pairs = 0;
    let mut continued = 0;
    let mut nonblank = 0;
    let mut long = 0;
    let mut widest = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(line) = line else { continue };
        nonblank += 1;
        widest = widest.max(line.len());
        // Paragraph-per-line text has many lines far beyond any wrapping width.
        if line.len() > 120 {
            long += 1;
        }
        if let Some(Some(next)) = lines.get(i + 1) {
            pairs += 1;
            if is_continuation(text, line, next) {
                continued += 1;
            }
        }
    }
    let wrapped = continued >= 2 && continued * 4 >= pairs && long * 10 <= nonblank;
    wrapped.then_some(widest)
}

const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `ROME, Jan. 24 -` or `(ANSA) - Rome, January 24 -`: a short line that opens with a
/// capitalised place or agency, names a month or is in capitals, and ends with a dash.
fn is_dateline(line: &str) -> bool {
    let Some(head) = line.strip_suffix(['-', '–', '—']) else {
        return false;
    };
    if !head.ends_with(' ') || head.split_whitespace().count() > 8 {
        return false;
    }
    let first = head
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    let capitals = first.len() >= 2 && first.chars().all(|c| c.is_uppercase());
    let month = head
        .split_whitespace()
        .any(|w| MONTHS.iter().any(|m| w.starts_with(m)));
    capitals || (head.starts_with(|c: char| c.is_uppercase() || c == '(') && month)
}

/// True when the newline between `line` and `next` is just wrapping, not a break.
fn is_soft_break(text: &str, line: &Line, next: &Line, width: Option<usize>) -> bool {
    if next.marker != Marker::Plain || line.marker == Marker::Heading {
        return false;
    }
    let Some(width) = width else {
        // A dateline on its own line (`ROME, Jan. 24 -`) belongs to the sentence below it.
        return is_dateline(&text[line.content..line.end]);
    };
    let short = line.len() * 2 < width;
    !short || first_char(text, next).is_some_and(char::is_lowercase)
}

/// Splits `text` into units, in order.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    let lines = measure_lines(text);
    let width = wrap_width(text, &lines);
    let mut out = Vec::new();
    let mut current: Option<(Unit, Line)> = None;
    for line in &lines {
        let Some(line) = line else {
            out.extend(current.take().map(|(unit, _)| unit));
            continue;
        };
        current = match current.take() {
            Some((mut unit, prev)) if is_soft_break(text, &prev, line, width) => {
                unit.end = line.end;
                Some((unit, *line))
            }
            finished => {
                out.extend(finished.map(|(unit, _)| unit));
                Some((
                    Unit {
                        start: line.content,
                        end: line.end,
                        marker: line.marker,
                    },
                    *line,
                ))
            }
        };
    }
    out.extend(current.map(|(unit, _)| unit));
    out
}

/// Every non-empty line, trimmed, as `(start, end)`: the `lines` input format.
pub(crate) fn trimmed_lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut offset = 0;
    text.split('\n').filter_map(move |raw| {
        let start = offset;
        offset += raw.len() + 1;
        let lead = raw.len() - raw.trim_start().len();
        let body = raw.trim();
        (!body.is_empty()).then(|| (start + lead, start + lead + body.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_texts(text: &str) -> Vec<(&str, Marker)> {
        units(text)
            .iter()
            .map(|u| (&text[u.start..u.end], u.marker))
            .collect()
    }

    #[test]
    fn markup_is_recognised() {
        assert_eq!(leading_markup("## Title"), Some((Marker::Heading, 3)));
        assert_eq!(leading_markup("- item"), Some((Marker::Bullet, 2)));
        assert_eq!(leading_markup("12. item"), Some((Marker::Bullet, 0)));
        assert_eq!(leading_markup("⁃3. item"), Some((Marker::Bullet, 3)));
        assert_eq!(leading_markup("#hashtag"), None);
        assert_eq!(leading_markup("2005. A year"), None);
    }

    #[test]
    fn each_line_is_a_unit_in_unwrapped_text() {
        let text = "# Big News\nThe mayor spoke.\n- first point\n\nLast line here";
        let got = unit_texts(text);
        assert_eq!(
            got,
            vec![
                ("Big News", Marker::Heading),
                ("The mayor spoke.", Marker::Plain),
                ("first point", Marker::Bullet),
                ("Last line here", Marker::Plain),
            ]
        );
    }

    #[test]
    fn wrapped_paragraphs_are_joined() {
        let text = "The council met on a cold morning and voted to\n\
                    close the old bridge after engineers found that the\n\
                    supports had rusted through in several places, and\n\
                    repairs would cost more than a new crossing.\n\nNext paragraph.";
        let got = unit_texts(text);
        assert_eq!(got.len(), 2);
        assert!(got[0].0.ends_with("new crossing."));
    }

    #[test]
    fn dateline_line_joins_the_next() {
        let text = "LISBON, March 3 -\nThe port reopened today.";
        assert_eq!(unit_texts(text).len(), 1);
        let text = "Well, I was about to —\nNo, listen.";
        assert_eq!(unit_texts(text).len(), 2);
    }

    #[test]
    fn crlf_is_trimmed() {
        let got: Vec<_> = trimmed_lines("one\r\n\r\n two \r\n").collect();
        assert_eq!(got, vec![(0, 3), (8, 11)]);
    }
}
