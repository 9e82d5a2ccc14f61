//! Word lists: currencies, units of measure, month names, and the contexts that decide
//! whether a bare number is a year, a label or a count.

/// Currency signs and codes written before an amount, with their ISO 4217 code.
/// Longer forms come first so `US$` is not read as `$`.
pub(super) const CURRENCY_PREFIXES: &[(&str, &str)] = &[
    ("U.S. $", "USD"),
    ("U.S.$", "USD"),
    ("US$", "USD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
    ("R$", "BRL"),
    // A bare dollar sign in English-language news is the US dollar far more often than not.
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    // `¥` is also the yuan's sign; Japanese yen is the usual reading in English news.
    ("¥", "JPY"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₩", "KRW"),
    ("₺", "TRY"),
    ("₴", "UAH"),
    ("₪", "ILS"),
    ("Rs.", "INR"),
    ("Rs", "INR"),
    ("RMB", "CNY"),
];

/// ISO 4217 codes recognised when written next to an amount (`USD 40`, `40 EUR`).
pub(super) const ISO_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "RUB", "INR", "IRR", "SAR", "AED", "CHF", "CAD", "AUD",
    "TRY", "ILS", "UAH", "KRW", "BRL", "MXN", "ZAR", "HKD", "SGD", "NZD", "EGP", "PKR", "QAR",
    "KWD", "IQD", "SEK", "NOK", "DKK", "PLN",
];

/// Currency words written after an amount, with the code they mean when no country
/// adjective says otherwise. `None` means the word alone is too ambiguous.
pub(super) fn currency_word(word: &str) -> Option<Option<&'static str>> {
    let w = word.to_ascii_lowercase();
    if w.ends_with("sterling") {
        return Some(Some("GBP"));
    }
    Some(match w.trim_end_matches('s') {
        "dollar" => Some("USD"),
        "euro" => Some("EUR"),
        "pound" => Some("GBP"),
        "yen" => Some("JPY"),
        "yuan" | "renminbi" => Some("CNY"),
        "ruble" | "rouble" => Some("RUB"),
        "rupee" => Some("INR"),
        "rial" => Some("IRR"),
        "riyal" => Some("SAR"),
        "dinar" => None,
        "dirham" => Some("AED"),
        "lira" => Some("TRY"),
        "franc" => Some("CHF"),
        "peso" => Some("MXN"),
        "won" => Some("KRW"),
        "shekel" => Some("ILS"),
        "hryvnia" => Some("UAH"),
        "rand" => Some("ZAR"),
        "naira" => Some("NGN"),
        "cent" => Some("USD"),
        "pence" => Some("GBP"),
        _ => return None,
    })
}

/// Regex alternation of the currency words handled by [`currency_word`].
pub(super) const CURRENCY_WORD_ALT: &str = r"pounds?\s+sterling|sterling|dollars?|euros?|pounds?|yen|yuan|renminbi|rubles?|roubles?|rupees?|rials?|riyals?|dinars?|dirhams?|liras?|francs?|pesos?|won|shekels?|hryvnias?|rand|naira|cents?|pence";

/// The code for a currency word qualified by a country adjective (`Canadian dollars`).
pub(super) fn currency_with_adjective(adjective: &str, word: &str) -> Option<&'static str> {
    let a = adjective.to_ascii_lowercase().replace('.', "");
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('s');
    Some(
        match (
            a.split_whitespace().collect::<Vec<_>>().join(" ").as_str(),
            w,
        ) {
            ("us" | "american", "dollar") => "USD",
            ("canadian", "dollar") => "CAD",
            ("australian", "dollar") => "AUD",
            ("new zealand", "dollar") => "NZD",
            ("hong kong", "dollar") => "HKD",
            ("singapore", "dollar") => "SGD",
            ("taiwan", "dollar") => "TWD",
            ("british", "pound") => "GBP",
            ("egyptian", "pound") => "EGP",
            ("indian", "rupee") => "INR",
            ("pakistani", "rupee") => "PKR",
            ("iranian", "rial") => "IRR",
            ("saudi", "riyal") => "SAR",
            ("qatari", "riyal") => "QAR",
            ("iraqi", "dinar") => "IQD",
            ("kuwaiti", "dinar") => "KWD",
            ("swiss", "franc") => "CHF",
            ("mexican", "peso") => "MXN",
            ("south korean", "won") => "KRW",
            ("turkish", "lira") => "TRY",
            ("russian", "ruble" | "rouble") => "RUB",
            ("chinese", "yuan") => "CNY",
            ("japanese", "yen") => "JPY",
            ("israeli", "shekel") => "ILS",
            ("ukrainian", "hryvnia") => "UAH",
            ("south african", "rand") => "ZAR",
            ("nigerian", "naira") => "NGN",
            ("emirati", "dirham") => "AED",
            _ => return None,
        },
    )
}

/// Regex alternation of the adjectives [`currency_with_adjective`] knows.
pub(super) const CURRENCY_ADJECTIVE_ALT: &str = r"U\.S\.|US|American|Canadian|Australian|New\s+Zealand|Hong\s+Kong|Singapore|Taiwan|British|Egyptian|Indian|Pakistani|Iranian|Saudi|Qatari|Iraqi|Kuwaiti|Swiss|Mexican|South\s+Korean|Turkish|Russian|Chinese|Japanese|Israeli|Ukrainian|South\s+African|Nigerian|Emirati";

/// Units spelled out, case-insensitive, with their symbol. Compound forms come before their
/// heads so `square kilometres` is not read as `kilometres`.
pub(super) const UNIT_WORDS: &[(&str, &str)] = &[
    ("square kilometres", "km2"),
    ("square kilometers", "km2"),
    ("square kilometre", "km2"),
    ("square kilometer", "km2"),
    ("square miles", "mi2"),
    ("square mile", "mi2"),
    ("square metres", "m2"),
    ("square meters", "m2"),
    ("square metre", "m2"),
    ("square meter", "m2"),
    ("square feet", "ft2"),
    ("square foot", "ft2"),
    ("cubic metres", "m3"),
    ("cubic meters", "m3"),
    ("cubic metre", "m3"),
    ("cubic meter", "m3"),
    ("cubic feet", "ft3"),
    ("kilometres per hour", "km/h"),
    ("kilometers per hour", "km/h"),
    ("miles per hour", "mph"),
    ("nautical miles", "nmi"),
    ("nautical mile", "nmi"),
    ("barrels per day", "bbl/d"),
    ("barrels a day", "bbl/d"),
    ("megawatt-hours", "MWh"),
    ("megawatt hours", "MWh"),
    ("kilowatt-hours", "kWh"),
    ("kilowatt hours", "kWh"),
    ("gigawatt-hours", "GWh"),
    ("gigawatt hours", "GWh"),
    ("terawatt-hours", "TWh"),
    ("terawatt hours", "TWh"),
    ("degrees celsius", "°C"),
    ("degrees centigrade", "°C"),
    ("degrees fahrenheit", "°F"),
    ("degree celsius", "°C"),
    ("metric tonnes", "t"),
    ("metric tons", "t"),
    ("metric ton", "t"),
    ("kilometres", "km"),
    ("kilometers", "km"),
    ("kilometre", "km"),
    ("kilometer", "km"),
    ("centimetres", "cm"),
    ("centimeters", "cm"),
    ("centimetre", "cm"),
    ("centimeter", "cm"),
    ("millimetres", "mm"),
    ("millimeters", "mm"),
    ("millimetre", "mm"),
    ("millimeter", "mm"),
    ("metres", "m"),
    ("meters", "m"),
    ("metre", "m"),
    ("meter", "m"),
    ("miles", "mi"),
    ("mile", "mi"),
    ("feet", "ft"),
    ("foot", "ft"),
    ("inches", "in"),
    ("inch", "in"),
    ("yards", "yd"),
    ("yard", "yd"),
    ("hectares", "ha"),
    ("hectare", "ha"),
    ("acres", "acre"),
    ("acre", "acre"),
    ("kilogrammes", "kg"),
    ("kilogramme", "kg"),
    ("kilograms", "kg"),
    ("kilogram", "kg"),
    ("kilos", "kg"),
    ("kilo", "kg"),
    ("milligrams", "mg"),
    ("milligram", "mg"),
    ("grammes", "g"),
    ("gramme", "g"),
    ("grams", "g"),
    ("gram", "g"),
    ("tonnes", "t"),
    ("tonne", "t"),
    ("tons", "ton"),
    ("ton", "ton"),
    ("pounds", "lb"),
    ("pound", "lb"),
    ("ounces", "oz"),
    ("ounce", "oz"),
    ("millilitres", "mL"),
    ("milliliters", "mL"),
    ("litres", "L"),
    ("liters", "L"),
    ("litre", "L"),
    ("liter", "L"),
    ("gallons", "gal"),
    ("gallon", "gal"),
    ("barrels", "bbl"),
    ("barrel", "bbl"),
    ("megawatts", "MW"),
    ("megawatt", "MW"),
    ("gigawatts", "GW"),
    ("gigawatt", "GW"),
    ("kilowatts", "kW"),
    ("kilowatt", "kW"),
    ("watts", "W"),
    ("watt", "W"),
    ("megatonnes", "Mt"),
    ("megatons", "Mt"),
    ("kilotonnes", "kt"),
    ("kilotons", "kt"),
    ("knots", "kn"),
    ("knot", "kn"),
    ("degrees", "°"),
    ("degree", "°"),
    ("gigabytes", "GB"),
    ("megabytes", "MB"),
    ("terabytes", "TB"),
];

/// Unit symbols, case-sensitive (`MW` is not `mW`), with their canonical symbol. They may
/// be glued to the number (`5km`). One-letter symbols other than `C` are left out: `5m`
/// is more often five million than five metres, and `in` is a preposition.
pub(super) const UNIT_SYMBOLS: &[(&str, &str)] = &[
    ("km²", "km2"),
    ("km2", "km2"),
    ("sq km", "km2"),
    ("sq mi", "mi2"),
    ("sq ft", "ft2"),
    ("km/h", "km/h"),
    ("kph", "km/h"),
    ("mph", "mph"),
    ("kWh", "kWh"),
    ("MWh", "MWh"),
    ("GWh", "GWh"),
    ("TWh", "TWh"),
    ("b/d", "bbl/d"),
    ("bpd", "bbl/d"),
    ("bbl", "bbl"),
    ("km", "km"),
    ("cm", "cm"),
    ("mm", "mm"),
    ("mi", "mi"),
    ("ft", "ft"),
    ("kg", "kg"),
    ("mg", "mg"),
    ("lbs", "lb"),
    ("lb", "lb"),
    ("oz", "oz"),
    ("ml", "mL"),
    ("mL", "mL"),
    ("gal", "gal"),
    ("MW", "MW"),
    ("GW", "GW"),
    ("kW", "kW"),
    ("kt", "kt"),
    ("Mt", "Mt"),
    ("GB", "GB"),
    ("MB", "MB"),
    ("TB", "TB"),
    ("ha", "ha"),
    ("°C", "°C"),
    ("ºC", "°C"),
    ("°F", "°F"),
    ("ºF", "°F"),
    ("°", "°"),
];

/// Suffix for a rate after a unit (`20 barrels a day`).
pub(super) fn rate_suffix(period: &str) -> Option<&'static str> {
    Some(match period.to_ascii_lowercase().as_str() {
        "day" => "/d",
        "week" => "/wk",
        "month" => "/mo",
        "year" => "/yr",
        "hour" => "/h",
        "second" => "/s",
        _ => return None,
    })
}

/// A time unit after a number, as a duration unit and how many of it one word is worth
/// (`decade` is ten years).
pub(super) fn duration_unit(word: &str) -> Option<(&'static str, u128)> {
    let w = word.to_ascii_lowercase();
    Some(match w.as_str() {
        "second" | "seconds" => ("second", 1),
        "minute" | "minutes" => ("minute", 1),
        "hour" | "hours" => ("hour", 1),
        "day" | "days" => ("day", 1),
        "week" | "weeks" => ("week", 1),
        "month" | "months" => ("month", 1),
        "year" | "years" => ("year", 1),
        "decade" | "decades" => ("year", 10),
        "century" | "centuries" => ("year", 100),
        "millennium" | "millennia" => ("year", 1000),
        _ => return None,
    })
}

/// Regex alternation of the words [`duration_unit`] accepts.
pub(super) const DURATION_ALT: &str = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century|millennia|millennium";

/// Month number of a month name or abbreviation (`Sept.`, `jan`), if it is one.
pub(super) fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let key = lower.get(..3)?;
    let m = match key {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    // `Mayday` or `Junk` must not pass as months: the rest must be the real spelling.
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][m as usize - 1];
    (full.starts_with(&lower) || lower == "sept").then_some(m)
}

/// Month names and abbreviations, capitalised as in prose; an abbreviation may carry its dot.
pub(super) const MONTH_ALT: &str = r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b))";

/// Full month names only, for a month standing alone (`in January`).
pub(super) const FULL_MONTH_ALT: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

/// Weekday names, capitalised.
pub(super) const WEEKDAY_ALT: &str = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";

/// Words before a number that make it a label, not a count (`Article 5`, `Flight 370`).
pub(super) const LABEL_WORDS: &[&str] = &[
    "article",
    "articles",
    "section",
    "chapter",
    "clause",
    "paragraph",
    "resolution",
    "amendment",
    "flight",
    "route",
    "highway",
    "page",
    "pages",
    "p.",
    "pp.",
    "vol.",
    "volume",
    "no.",
    "nos.",
    "number",
    "room",
    "gate",
    "platform",
    "terminal",
    "channel",
    "episode",
    "season",
    "stage",
    "phase",
    "level",
    "grade",
    "category",
    "type",
    "model",
    "version",
    "v.",
    "war",
    "boeing",
    "airbus",
    "iphone",
    "windows",
    "unit",
    "block",
    "sector",
    "district",
    "zone",
    "line",
    "row",
    "seat",
    "table",
    "figure",
    "fig.",
    "item",
    "step",
    "rule",
    "act",
    "bus",
    "tier",
    "exit",
    "apollo",
    "build",
    "code",
    "id",
    "ref",
];

/// Words before a 4-digit number that make it a count rather than a year (`some 2000`).
pub(super) const COUNT_CONTEXT: &[&str] = &[
    "about",
    "some",
    "nearly",
    "almost",
    "over",
    "than",
    "least",
    "approximately",
    "roughly",
    "estimated",
    "only",
    "just",
    "total",
    "additional",
    "another",
    "extra",
    "all",
    "around",
    "exactly",
    "under",
    "below",
    "above",
];

/// Words before a number below 1900 that make it a year (`in 1453`, `since 1648`).
pub(super) const EARLY_YEAR_CONTEXT: &[&str] = &[
    "in", "since", "until", "till", "during", "circa", "c.", "year", "before", "after", "from",
    "by", "of",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_need_their_real_spelling() {
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("September"), Some(9));
        assert_eq!(month_number("Jan"), Some(1));
        assert_eq!(month_number("Junk"), None);
        assert_eq!(month_number("Ma"), None);
    }

    #[test]
    fn currency_words_and_adjectives() {
        assert_eq!(currency_word("euros"), Some(Some("EUR")));
        assert_eq!(currency_word("Roubles"), Some(Some("RUB")));
        assert_eq!(currency_word("dinars"), Some(None));
        assert_eq!(currency_word("pounds  sterling"), Some(Some("GBP")));
        assert_eq!(currency_word("articles"), None);
        assert_eq!(currency_with_adjective("Canadian", "dollars"), Some("CAD"));
        assert_eq!(currency_with_adjective("U.S.", "dollars"), Some("USD"));
        assert_eq!(currency_with_adjective("South  Korean", "won"), Some("KRW"));
    }

    #[test]
    fn durations_scale_to_base_units() {
        assert_eq!(duration_unit("decades"), Some(("year", 10)));
        assert_eq!(duration_unit("Hours"), Some(("hour", 1)));
        assert_eq!(duration_unit("articles"), None);
    }
}
