//! Exact decimal arithmetic and English number words.
//!
//! Normalised values must be exact (`3.5 million` is `3500000`, never `3499999.9999`), so
//! amounts are kept as an integer mantissa with a decimal scale instead of floats.

use std::fmt;

/// A non-negative decimal number: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dec {
    mantissa: u128,
    scale: u32,
}

impl Dec {
    /// A whole number.
    pub(super) fn int(n: u128) -> Self {
        Dec {
            mantissa: n,
            scale: 0,
        }
    }

    /// Parses `143,000`, `3.5` or `1,200.75`; `None` when it does not fit or is not a number.
    pub(super) fn parse_digits(s: &str) -> Option<Self> {
        let mut mantissa: u128 = 0;
        let mut scale = 0u32;
        let mut seen_point = false;
        let mut digits = 0;
        for c in s.chars() {
            match c {
                ',' if !seen_point => {}
                '.' if !seen_point => seen_point = true,
                '0'..='9' => {
                    mantissa = mantissa
                        .checked_mul(10)?
                        .checked_add(u128::from(c as u8 - b'0'))?;
                    digits += 1;
                    if seen_point {
                        scale += 1;
                    }
                }
                _ => return None,
            }
        }
        (digits > 0).then_some(Dec { mantissa, scale })
    }

    /// Multiplies by a whole number; `None` on overflow.
    pub(super) fn times(self, n: u128) -> Option<Self> {
        Some(
            Dec {
                mantissa: self.mantissa.checked_mul(n)?,
                scale: self.scale,
            }
            .reduced(),
        )
    }

    /// Divides by `10^k` without losing precision.
    pub(super) fn shifted_down(self, k: u32) -> Self {
        Dec {
            mantissa: self.mantissa,
            scale: self.scale + k,
        }
    }

    /// The value as an integer when it is one and fits.
    pub(super) fn as_u32(self) -> Option<u32> {
        let r = self.reduced();
        if r.scale == 0 {
            u32::try_from(r.mantissa).ok()
        } else {
            None
        }
    }

    /// Drops trailing fractional zeros so that equal values print the same way.
    fn reduced(mut self) -> Self {
        while self.scale > 0 && self.mantissa.is_multiple_of(10) {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reduced();
        if r.scale == 0 {
            return write!(f, "{}", r.mantissa);
        }
        // Scales beyond 38 digits cannot come from real text; print them plainly via strings.
        let digits = r.mantissa.to_string();
        let scale = r.scale as usize;
        if digits.len() > scale {
            let (whole, frac) = digits.split_at(digits.len() - scale);
            write!(f, "{whole}.{frac}")
        } else {
            write!(f, "0.{}{}", "0".repeat(scale - digits.len()), digits)
        }
    }
}

/// Multiplier of a scale word (`million`, `bn`, `crore`), matched case-insensitively.
pub(super) fn scale_value(word: &str) -> Option<u128> {
    Some(match word.to_ascii_lowercase().as_str() {
        "hundred" => 100,
        "thousand" | "k" => 1_000,
        "lakh" => 100_000,
        "million" | "mn" | "m" => 1_000_000,
        "crore" => 10_000_000,
        "billion" | "bn" | "b" => 1_000_000_000,
        "trillion" | "tn" => 1_000_000_000_000,
        _ => return None,
    })
}

/// Value of a single number word below one hundred (`seven`, `nineteen`, `forty`).
fn small_word(word: &str) -> Option<u128> {
    Some(match word {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Regex alternation of every word [`parse_number_words`] understands, longest first so that
/// `seventeen` is not read as `seven`.
pub(super) const NUMBER_WORD_ALT: &str = "seventeen|thirteen|fourteen|eighteen|nineteen|\
fifteen|sixteen|thousand|trillion|hundred|million|billion|seventy|twenty|thirty|eleven|\
twelve|eighty|ninety|forty|fifty|sixty|seven|eight|three|dozen|zero|four|five|nine|ten|\
one|two|six";

/// Reads the longest valid number at the start of `words` (lowercase tokens, `and` allowed
/// between parts): `["two", "hundred", "and", "five"]` is 205. Returns the value and how many
/// tokens it used, or `None` when the first token is not a number.
///
/// A token that cannot continue the number (`one two`) ends it, so a list of numbers is
/// read as separate numbers rather than rejected.
pub(super) fn parse_number_words(words: &[&str]) -> Option<(u128, usize)> {
    let mut total: u128 = 0;
    let mut current: u128 = 0;
    // What the previous token allows next: after `twenty` only a unit word or a scale.
    #[derive(PartialEq, Clone, Copy)]
    enum Last {
        Start,
        Unit,
        Teen,
        Tens,
        Hundred,
        Big(u128),
    }
    let mut last = Last::Start;
    let mut best: Option<(u128, usize)> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "and" {
            // `and` only joins a larger part to a smaller one (`two hundred and five`).
            if matches!(last, Last::Hundred | Last::Big(_)) && i + 1 < words.len() {
                i += 1;
                continue;
            }
            break;
        }
        if let Some(v) = small_word(w) {
            let ok = match last {
                Last::Start | Last::Hundred | Last::Big(_) => true,
                Last::Tens => v < 10 && v > 0,
                Last::Unit | Last::Teen => false,
            };
            if !ok {
                break;
            }
            current = current.checked_add(v)?;
            last = if v >= 20 {
                Last::Tens
            } else if v >= 10 {
                Last::Teen
            } else {
                Last::Unit
            };
        } else if w == "dozen" {
            if matches!(last, Last::Hundred | Last::Big(_)) {
                break;
            }
            current = current.max(1).checked_mul(12)?;
            last = Last::Unit;
        } else if w == "hundred" {
            if matches!(last, Last::Hundred) || current >= 100 {
                break;
            }
            current = current.max(1).checked_mul(100)?;
            last = Last::Hundred;
        } else if let Some(scale) = scale_value(w).filter(|&s| s >= 1_000) {
            if let Last::Big(prev) = last {
                if scale >= prev {
                    break;
                }
            }
            total = total.checked_add(current.max(1).checked_mul(scale)?)?;
            current = 0;
            last = Last::Big(scale);
        } else {
            break;
        }
        i += 1;
        best = Some((total.checked_add(current)?, i));
    }
    best
}

/// Value of an ordinal word or numeral: `first`, `twenty-first`, `21st`, `3rd`.
/// Numerals must carry the right suffix (`21th` is not an ordinal).
pub(super) fn parse_ordinal(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with(|c: char| c.is_ascii_digit()) {
        let split = lower.find(|c: char| !c.is_ascii_digit())?;
        let (num, suffix) = lower.split_at(split);
        let n: u32 = num.parse().ok()?;
        let expected = match (n % 100, n % 10) {
            (11..=13, _) => "th",
            (_, 1) => "st",
            (_, 2) => "nd",
            (_, 3) => "rd",
            _ => "th",
        };
        return (suffix == expected).then_some(n);
    }
    if let Some((tens, unit)) = lower.split_once('-') {
        let t = u32::try_from(small_word(tens)?).ok()?;
        let u = ordinal_word(unit)?;
        return (t >= 20 && t % 10 == 0 && u < 10).then_some(t + u);
    }
    ordinal_word(&lower)
}

/// Value of a one-word ordinal.
fn ordinal_word(w: &str) -> Option<u32> {
    Some(match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        "fortieth" => 40,
        "fiftieth" => 50,
        "sixtieth" => 60,
        "seventieth" => 70,
        "eightieth" => 80,
        "ninetieth" => 90,
        "hundredth" => 100,
        "thousandth" => 1000,
        "millionth" => 1_000_000,
        _ => return None,
    })
}

/// Regex for an ordinal word or numeral, as accepted by [`parse_ordinal`].
pub(super) const ORDINAL_RE: &str = r"(?:\d+(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth|thousandth|millionth)";

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        s.split([' ', '-']).collect()
    }

    #[test]
    fn decimals_print_exactly() {
        let d = Dec::parse_digits("3.5").and_then(|d| d.times(1_000_000));
        assert_eq!(d.map(|d| d.to_string()), Some("3500000".into()));
        assert_eq!(
            Dec::parse_digits("143,000").map(|d| d.to_string()),
            Some("143000".into())
        );
        assert_eq!(
            Dec::parse_digits("12.50").map(|d| d.to_string()),
            Some("12.5".into())
        );
        assert_eq!(Dec::int(5).shifted_down(2).to_string(), "0.05");
        assert_eq!(
            Dec::parse_digits("1.2")
                .and_then(|d| d.times(1_000_000_000_000))
                .map(|d| d.to_string()),
            Some("1200000000000".into())
        );
        assert_eq!(
            Dec::parse_digits("99999999999999999999999999999999999999999"),
            None
        );
    }

    #[test]
    fn number_words_compose() {
        assert_eq!(parse_number_words(&words("twenty-five")), Some((25, 2)));
        assert_eq!(
            parse_number_words(&words("two hundred and five")),
            Some((205, 4))
        );
        assert_eq!(
            parse_number_words(&words("three million four hundred thousand")),
            Some((3_400_000, 5))
        );
        assert_eq!(parse_number_words(&words("dozen")), Some((12, 1)));
        // A list of numbers is read one at a time.
        assert_eq!(parse_number_words(&words("one two")), Some((1, 1)));
        // A dangling `and` is not part of the number.
        assert_eq!(parse_number_words(&words("hundred and")), Some((100, 1)));
        assert_eq!(parse_number_words(&words("articles")), None);
    }

    #[test]
    fn ordinals_check_their_suffix() {
        assert_eq!(parse_ordinal("21st"), Some(21));
        assert_eq!(parse_ordinal("3rd"), Some(3));
        assert_eq!(parse_ordinal("11th"), Some(11));
        assert_eq!(parse_ordinal("21th"), None);
        assert_eq!(parse_ordinal("Twenty-First"), Some(21));
        assert_eq!(parse_ordinal("first"), Some(1));
    }
}
