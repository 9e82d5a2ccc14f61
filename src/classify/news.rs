//! The lexical inputs of the four-label news head (see `model::news`): what the label stage
//! knows about a sentence that the encoder's embedding may not show plainly, such as a
//! question mark, a credited source, or a row with no sentence punctuation (a link or a
//! heading). Each feature is a number in 0..1 (the log length aside), named so that a stored
//! head can check it was trained on the same list.

use super::attribution::{self, Attribution, SourceKind};
use super::cues::{CueKind, Cues};

/// Names of the features, in the order [`features`] returns them.
pub const FEATURE_NAMES: [&str; 20] = [
    "speculation_cues",
    "opinion_cues",
    "hedge",
    "epistemic_modal",
    "future",
    "conditional",
    "question_cue",
    "deontic_modal",
    "evaluative",
    "booster",
    "attribution",
    "attribution_named",
    "attribution_vague",
    "ends_with_question",
    "no_sentence_end",
    "log_words",
    "capitalised_share",
    "has_digit",
    "first_person",
    "second_person",
];

/// The lexical features of `text`, given its cues (main clause) and attribution.
pub fn features(
    text: &str,
    cues: &Cues,
    credit: Option<&Attribution>,
) -> [f64; FEATURE_NAMES.len()] {
    let count = |list: &[super::cues::Cue], kind: CueKind| {
        (list.iter().filter(|c| c.kind == kind).count().min(2) as f64) / 2.0
    };
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let has_word = |set: &[&str]| lower.iter().any(|w| set.contains(&w.as_str()));
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let closers = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | ']');
    let last = text.trim_end_matches(closers).chars().next_back();
    // The head was trained with a bare pronoun as no source: it stays so here, whatever the
    // document stage later resolves it to.
    let credit = credit.filter(|a| a.kind != SourceKind::Pronoun);
    let (named, vague) = match credit {
        Some(a) => (a.kind == SourceKind::Named, a.kind.is_vague()),
        None => (false, false),
    };
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    [
        f64::from(cues.speculation_score()),
        f64::from(cues.opinion_score()),
        count(&cues.speculation, CueKind::Hedge),
        count(&cues.speculation, CueKind::Modal),
        count(&cues.speculation, CueKind::Future),
        count(&cues.speculation, CueKind::Conditional),
        count(&cues.speculation, CueKind::Question),
        count(&cues.opinion, CueKind::Modal),
        count(&cues.opinion, CueKind::Evaluative),
        count(&cues.opinion, CueKind::Booster),
        flag(credit.is_some()),
        flag(named),
        flag(vague),
        flag(matches!(last, Some('?' | '？'))),
        flag(!matches!(
            last,
            Some('.' | '!' | '?' | '…' | '。' | '！' | '？' | ':' | ';')
        )),
        (1.0 + words.len() as f64).ln() / 5.0,
        capitalised as f64 / words.len().max(1) as f64,
        flag(text.chars().any(|c| c.is_ascii_digit())),
        flag(has_word(&["i", "we", "my", "our", "me", "us"])),
        flag(has_word(&["you", "your"])),
    ]
}

/// The attribution the features use: the same finder as the `attribution` column.
pub fn credit(text: &str) -> Option<Attribution> {
    attribution::find_attribution(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::cues::find_cues;

    fn named(text: &str) -> [f64; 20] {
        features(text, &find_cues(text), credit(text).as_ref())
    }

    #[test]
    fn features_see_questions_sources_and_rows_without_an_end() {
        let f = named("Will the ceasefire hold?");
        assert_eq!(f[13], 1.0);
        let f = named("Prices rose 4% last year, the ministry said.");
        assert_eq!((f[10], f[17]), (1.0, 1.0));
        let f = named("Map of Russia - Guide of the World");
        assert_eq!(f[14], 1.0);
        assert!(f[16] > 0.5);
        let f = named("The talks stalled, officials said.");
        assert_eq!((f[10], f[11], f[12]), (1.0, 0.0, 1.0));
        let f = named("The talks stalled, Lavrov said.");
        assert_eq!((f[11], f[12]), (1.0, 0.0));
    }
}
