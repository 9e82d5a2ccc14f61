//! Enumerations written inline: `1) open the valve 2) read the gauge`, `a. Buy bread b. Call
//! Ana`, `• 3. Buy bread • 4. Call Ana`. Each item is a sentence that keeps its number (a
//! checker cites "point 2"), so the number's period never ends a sentence, and the next number
//! of the sequence starts one.

use super::boundaries::Cut;
use super::lines::{is_bullet_char, Marker};

/// How far back the previous item of a sequence is looked for, in bytes: a bound that keeps
/// a long paragraph full of lone numbers linear.
const LOOKBACK: usize = 400;

/// An enumerator read at a token start: its value (1 for `1` or `a`) and its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Enumerator {
    value: u32,
    letter: bool,
    /// `.`, `)` or `.)`.
    style: &'static str,
    /// Byte length of the enumerator (digits or letter and style).
    len: usize,
}

/// Reads an enumerator at the start of `s` (`12.`, `3)`, `1.)`, `b.`), followed by a space.
fn read(s: &str) -> Option<Enumerator> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (value, letter, head) = if (1..=2).contains(&digits) {
        (s[..digits].parse().ok()?, false, digits)
    } else if digits == 0 {
        let c = s.bytes().next()?;
        if !c.is_ascii_lowercase() {
            return None;
        }
        (u32::from(c - b'a') + 1, true, 1)
    } else {
        return None;
    };
    let rest = &s[head..];
    let style = [".)", ")", "."]
        .into_iter()
        .find(|st| rest.starts_with(st))?;
    let after = &rest[style.len()..];
    after.starts_with([' ', '\t']).then_some(Enumerator {
        value,
        letter,
        style,
        len: head + style.len(),
    })
}

/// The text of an enumerator as written for `value` in the style of `e`.
fn spelled(e: &Enumerator, value: u32) -> Option<String> {
    let head = if e.letter {
        char::from_u32(u32::from(b'a') + value.checked_sub(1)?)?.to_string()
    } else {
        value.to_string()
    };
    Some(format!("{head}{}", e.style))
}

/// Whether `text` (a piece's start up to a period) is only an item number, possibly after a
/// bullet: `1`, `12`, `b`, `• 3`. Its period belongs to the number.
pub(super) fn is_item_number(text: &str) -> bool {
    let core = text.trim_start_matches(|c: char| c.is_whitespace() || is_bullet_char(c));
    let digits = core.bytes().take_while(u8::is_ascii_digit).count();
    (1..=2).contains(&digits) && digits == core.len()
        || (core.len() == 1 && core.bytes().all(|b| b.is_ascii_lowercase()))
}

/// A cut before the enumerator at `at` when the item before it in the same sequence (the
/// previous number or letter, same style) opens an item earlier in the piece. A bullet right
/// before the enumerator goes with the new item.
pub(super) fn enumeration_cut(s: &str, piece_start: usize, at: usize) -> Option<Cut> {
    let before = s[..at].chars().next_back()?;
    let glued_bullet = is_bullet_char(before);
    if !(before.is_whitespace() || glued_bullet) {
        return None;
    }
    let e = read(&s[at..])?;
    let previous = spelled(&e, e.value.checked_sub(1)?)?;
    let mut from = piece_start.max(at.saturating_sub(LOOKBACK));
    while !s.is_char_boundary(from) {
        from += 1;
    }
    let window = &s[from..at];
    // The previous item: its enumerator at a token start, in the same style.
    let opens_item = window.match_indices(previous.as_str()).any(|(i, _)| {
        let start = from + i;
        let token_start = s[..start]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || is_bullet_char(c) || c == ':');
        token_start && read(&s[start..]).is_some_and(|p| p.style == e.style)
    });
    if !opens_item {
        return None;
    }
    // The new item starts at its bullet when one is glued or spaced right before it.
    let mut cut = at;
    let head = s[..at].trim_end_matches([' ', '\t']);
    if let Some(b) = head.chars().next_back().filter(|&c| is_bullet_char(c)) {
        cut = head.len() - b.len_utf8();
    } else if glued_bullet {
        cut = at - before.len_utf8();
    }
    (cut > piece_start).then_some(Cut {
        at: cut,
        next: Marker::Plain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerators_are_read_with_their_style() {
        assert_eq!(read("12. x").map(|e| (e.value, e.style)), Some((12, ".")));
        assert_eq!(read("3) x").map(|e| (e.value, e.style)), Some((3, ")")));
        assert_eq!(read("1.) x").map(|e| (e.value, e.style)), Some((1, ".)")));
        assert_eq!(read("b. x").map(|e| (e.value, e.letter)), Some((2, true)));
        assert_eq!(read("2005. x"), None);
        assert_eq!(read("B. x"), None);
        assert_eq!(read("3.5 x"), None);
        assert!(is_item_number("• 3") && is_item_number("12") && is_item_number("a"));
        assert!(!is_item_number("2005") && !is_item_number("Dr"));
    }
}
