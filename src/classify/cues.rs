//! Lexical cues: the words in a sentence that signal speculation or opinion.
//!
//! The trained classifier decides a sentence's label; this module finds the words a
//! fact-checker can point at to see *why* (the `cues` column of `sentences.csv`), and gives a
//! small lexical score that the label step may blend with the model's probabilities.
//!
//! Matching is on lower-cased words at word boundaries, longest phrase first, so
//! "will likely" is one cue rather than two and "no doubt" is a booster rather than a hedge.
//! A handful of words are ambiguous in news text and are checked against their neighbours
//! before they count (see [`find_cues`]): "will" and "might" as nouns, "May" as a month or a
//! name, sentence-initial "Should" as a condition, "need to" after a determiner.
//!
//! The word lists are the team's own and kept deliberately moderate: a cue list is evidence
//! shown to a reader, not a classifier, so precision matters more than recall here.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What kind of evidence a cue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CueKind {
    /// Epistemic hedge: adverbs, verbs and adjectives of doubt or hearsay
    /// ("reportedly", "appears to", "unclear", "whether").
    Hedge,
    /// Modal verb. Found in [`Cues::speculation`] it is epistemic ("may", "could", "would",
    /// "must have"); found in [`Cues::opinion`] it is deontic ("the West should", "must",
    /// "need to"): a statement of what ought to happen is the writer's (or speaker's) stance.
    Modal,
    /// Reference to the future ("will", "is set to", "is poised to", "is going to").
    Future,
    /// Condition or hypothesis ("if", "unless", "Should tensions escalate, …", "were Iran to").
    Conditional,
    /// Open question: a `?`, or an interrogative opening on a sentence without final punctuation
    /// (scraped headings such as "How Will the Port Pay for It").
    Question,
    /// Evaluative adjective or adverb, or a stance phrase ("unprecedented", "troubling",
    /// "poses a threat").
    Evaluative,
    /// Booster or intensifier: the writer insisting ("undoubtedly", "clearly", "deeply").
    Booster,
}

impl CueKind {
    /// How much one cue of this kind counts towards a score (see the scale on [`Cues`]).
    /// Questions and conditionals rarely occur in a plain factual sentence, so they weigh
    /// most; single evaluative adjectives often decorate a factual core ("a significant
    /// milestone was reached in March 2001"), so they weigh least.
    fn weight(self) -> f32 {
        match self {
            CueKind::Question => 0.6,
            CueKind::Conditional => 0.55,
            CueKind::Modal => 0.5,
            CueKind::Future => 0.5,
            CueKind::Hedge => 0.45,
            CueKind::Booster => 0.45,
            CueKind::Evaluative => 0.35,
        }
    }
}

/// One cue found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Byte offset of the cue's first byte in the sentence.
    pub start: usize,
    /// Byte offset one past the cue's last byte.
    pub end: usize,
    /// The cue as written: always `&sentence[start..end]`.
    pub text: String,
    /// What kind of evidence this is.
    pub kind: CueKind,
}

/// All cues of one sentence, split by the label they support, each list in text order.
///
/// # Score scale
///
/// [`Cues::speculation_score`] and [`Cues::opinion_score`] combine the cue weights of one
/// side as a noisy-OR, `1 - Π(1 - w)`, over distinct cue texts (case-insensitive, so
/// "could … could" counts once). 0.0 means no lexical evidence at all; one cue gives its
/// kind's weight (0.35 for an evaluative word, 0.45 for a hedge or booster, 0.5 for a modal
/// or future, 0.55 for a conditional, 0.6 for a question); two cues give roughly 0.6–0.8;
/// the value approaches but never reaches 1.0. It is monotone in the evidence but *not* a
/// calibrated probability: whoever blends it with the classifier should fit the mix on dev
/// data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cues {
    /// Cues for SPECULATION: hedges, epistemic modals, future, conditionals, questions.
    pub speculation: Vec<Cue>,
    /// Cues for OPINION: evaluative words, stance phrases, boosters, deontic modals.
    pub opinion: Vec<Cue>,
}

impl Cues {
    /// Lexical evidence for SPECULATION on a 0..1 scale (see the score scale on [`Cues`]).
    #[must_use]
    pub fn speculation_score(&self) -> f32 {
        noisy_or(&self.speculation)
    }

    /// Lexical evidence for OPINION on a 0..1 scale (see the score scale on [`Cues`]).
    #[must_use]
    pub fn opinion_score(&self) -> f32 {
        noisy_or(&self.opinion)
    }

    /// The cue texts for `label` (`"speculation"` or `"opinion"`, any case) joined with `;`,
    /// in text order, keeping the first of any case-insensitive repeats. Any other label
    /// (e.g. `"fact"`) has no cues of its own and gives an empty string.
    #[must_use]
    pub fn joined(&self, label: &str) -> String {
        let list = if label.eq_ignore_ascii_case("speculation") {
            &self.speculation
        } else if label.eq_ignore_ascii_case("opinion") {
            &self.opinion
        } else {
            return String::new();
        };
        let mut seen: Vec<String> = Vec::new();
        let mut out: Vec<&str> = Vec::new();
        for cue in list {
            let key = cue.text.to_lowercase();
            if !seen.contains(&key) {
                seen.push(key);
                out.push(&cue.text);
            }
        }
        out.join(";")
    }
}

/// Noisy-OR of the weights of distinct cue texts (the scale is described on [`Cues`]).
fn noisy_or(cues: &[Cue]) -> f32 {
    let mut seen: Vec<String> = Vec::new();
    let mut none = 1.0_f32;
    for cue in cues {
        let key = cue.text.to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        none *= 1.0 - cue.kind.weight();
    }
    1.0 - none
}

// ---------------------------------------------------------------------------------------------
// Word lists. Lower-case; a space separates the words of a phrase.

/// Hedges: doubt, hearsay, approximation of certainty.
const HEDGES: &[&str] = &[
    "possibly",
    "possible",
    "likely",
    "unlikely",
    "probably",
    "probable",
    "perhaps",
    "maybe",
    "apparently",
    "presumably",
    "conceivably",
    "seemingly",
    "reportedly",
    "allegedly",
    "alleged",
    "purportedly",
    "supposedly",
    "potential",
    "potentially",
    "uncertain",
    "uncertainty",
    "unclear",
    "unknown",
    "not clear",
    "not yet clear",
    "remains to be seen",
    "remain to be seen",
    "whether",
    "appear to",
    "appears to",
    "appeared to",
    "seem",
    "seems",
    "seemed",
    "suggest",
    "suggests",
    "suggested",
    "suggesting",
    "expected to",
    "believed to",
    "thought to",
    "rumoured",
    "rumored",
    "speculation",
    "speculate",
    "speculated",
    "doubt",
    "doubts",
    "doubtful",
    "open question",
    "question remains",
    "hinted",
    "hints",
    "in theory",
    "no guarantee",
    "cannot be ruled out",
    "can't be ruled out",
];

/// Epistemic modals. "must have" is epistemic ("they must have known"); bare "must" is
/// deontic and lives in [`DEONTIC`].
const EPISTEMIC_MODALS: &[&str] = &[
    "may",
    "might",
    "could",
    "would",
    "couldn't",
    "wouldn't",
    "mightn't",
    "must have",
];

/// Future reference.
const FUTURE: &[&str] = &[
    "will",
    "won't",
    "shall",
    "will likely",
    "will probably",
    "is going to",
    "are going to",
    "was going to",
    "were going to",
    "is set to",
    "are set to",
    "was set to",
    "were set to",
    "is poised to",
    "are poised to",
    "was poised to",
    "is about to",
    "are about to",
    "is slated to",
    "are slated to",
    "is scheduled to",
    "are scheduled to",
    // Intentions (docs/labelling.md lists them with the future). Not "plan to": "a plan to"
    // is a noun whose sentence usually reports the act of planning. "plans to" also matches
    // the plural noun ("its plans to expand"), which speaks of the future too.
    "plans to",
    "intends to",
    "intend to",
    "aims to",
    "aim to",
];

/// Conditionals found by word; inversions ("Should …", "Were X to", "Had …") are found by
/// [`inversion_at`].
const CONDITIONALS: &[&str] = &["if", "unless", "provided that", "in the event"];

/// Evaluative adjectives and adverbs, and stance phrases, that carry the writer's judgement.
const EVALUATIVE: &[&str] = &[
    "significant",
    "significantly",
    "crucial",
    "crucially",
    "critical",
    "remarkable",
    "remarkably",
    "alarming",
    "alarmingly",
    "dangerous",
    "unprecedented",
    "profound",
    "troubling",
    "worrying",
    "welcome",
    "disastrous",
    "catastrophic",
    "bold",
    "pivotal",
    "paramount",
    "essential",
    "vital",
    "important",
    "importantly",
    "powerful",
    "robust",
    "serious",
    "grave",
    "dire",
    "bleak",
    "controversial",
    "misguided",
    "reckless",
    "shameful",
    "outrageous",
    "absurd",
    "excellent",
    "impressive",
    "brilliant",
    "terrible",
    "appalling",
    "deplorable",
    "admirable",
    "commendable",
    "fortunate",
    "fortunately",
    "unfortunate",
    "unfortunately",
    "sadly",
    "regrettably",
    "tragic",
    "historic",
    "striking",
    "strikingly",
    "stunning",
    "shocking",
    "dubious",
    "questionable",
    "flawed",
    "ill-advised",
    "naive",
    "short-sighted",
    "unwise",
    "foolish",
    "sensible",
    "unfair",
    "unjust",
    "promising",
    "encouraging",
    "disappointing",
    "volatile",
    "fragile",
    "far-reaching",
    "so-called",
    "surprising",
    "surprisingly",
    "unsurprising",
    "unsurprisingly",
    "mere",
    "merely",
    "arguably",
    "cornerstone",
    "in our view",
    "in my view",
    "a relief",
    "game-changer",
    "turning point",
    "wake-up call",
    "clear signal",
    "represents a challenge",
    "poses a threat",
    "poses a challenge",
    "poses a risk",
    "step in the right direction",
    "a step backwards",
];

/// Boosters and intensifiers.
const BOOSTERS: &[&str] = &[
    "undoubtedly",
    "clearly",
    "certainly",
    "indeed",
    "obviously",
    "of course",
    "no doubt",
    "without doubt",
    "beyond doubt",
    "surely",
    "definitely",
    "unquestionably",
    "undeniably",
    "evidently",
    "plainly",
    "frankly",
    "evident",
    "well-established",
    "in fact",
    "it is clear",
    "deeply",
    "extremely",
    "highly",
    "incredibly",
    "truly",
    "utterly",
    "hugely",
    "immensely",
    "vastly",
    "absolutely",
];

/// Deontic modals: what ought to happen. Non-inverted "should" is added by [`gate`].
const DEONTIC: &[&str] = &[
    "must",
    "must not",
    "mustn't",
    "ought to",
    "need to",
    "needs to",
    "have a duty to",
];

/// Phrases that contain a cue word but are plain reporting in news text; they are skipped
/// whole so that "could not be reached for comment" does not read as speculation.
const NOT_CUES: &[&str] = &[
    "could not be reached",
    "could not immediately be reached",
    "would not comment",
    "would not say",
    "would not elaborate",
    "as expected",
];

/// Which list a lexicon entry feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Speculation,
    Opinion,
}

/// One lexicon phrase, split into lower-case words.
struct Entry {
    words: Vec<&'static str>,
    kind: CueKind,
    side: Side,
}

/// [`NOT_CUES`] split into words once.
static NOT_CUE_WORDS: LazyLock<Vec<Vec<&'static str>>> =
    LazyLock::new(|| NOT_CUES.iter().map(|p| p.split(' ').collect()).collect());

/// Lexicon indexed by first word, each bucket longest phrase first.
static LEXICON: LazyLock<HashMap<&'static str, Vec<Entry>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<Entry>> = HashMap::new();
    let lists: [(&[&'static str], CueKind, Side); 7] = [
        (HEDGES, CueKind::Hedge, Side::Speculation),
        (EPISTEMIC_MODALS, CueKind::Modal, Side::Speculation),
        (FUTURE, CueKind::Future, Side::Speculation),
        (CONDITIONALS, CueKind::Conditional, Side::Speculation),
        (EVALUATIVE, CueKind::Evaluative, Side::Opinion),
        (BOOSTERS, CueKind::Booster, Side::Opinion),
        (DEONTIC, CueKind::Modal, Side::Opinion),
    ];
    for (list, kind, side) in lists {
        for phrase in list {
            let words: Vec<&'static str> = phrase.split(' ').collect();
            if let Some(first) = words.first().copied() {
                map.entry(first)
                    .or_default()
                    .push(Entry { words, kind, side });
            }
        }
    }
    for bucket in map.values_mut() {
        bucket.sort_by_key(|e| std::cmp::Reverse(e.words.len()));
    }
    map
});

/// Words that, just before "will" or "might", make it a noun ("the will of the people",
/// "against their will", "with all its might").
const NOUN_BEFORE: &[&str] = &[
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "whose",
    "of",
    "at",
    "with",
    "all",
    "free",
    "good",
    "ill",
    "political",
    "popular",
    "public",
    "strong",
    "own",
    "iron",
    "sheer",
    "common",
    "general",
    "last",
    "full",
];

/// Adjectives that, before "might", make it the noun ("military might").
const MIGHT_ADJECTIVES: &[&str] = &[
    "military",
    "economic",
    "naval",
    "industrial",
    "nuclear",
    "financial",
    "great",
    "technological",
];

/// Words after "might" that show it is a noun ("might is right", "might and money").
const AFTER_MIGHT_NOUN: &[&str] = &["of", "and", "or", "is", "was", "has"];

/// Words before "May" that make it the month ("in May", "since May", "early May").
const MONTH_CONTEXT: &[&str] = &[
    "in", "on", "since", "until", "till", "by", "from", "through", "during", "before", "after",
    "early", "late", "mid", "last", "next", "this", "of", "between",
];

/// Month names, for "April and May" (and attribution's time phrases).
pub(crate) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words before "need to" that make "need" a noun ("the need to bolster").
const NEED_NOUN_BEFORE: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "no", "any", "urgent", "shared",
    "pressing", "growing", "real", "this",
];

/// Determiners and pronouns that can start the subject of an inverted "should"
/// mid-sentence ("…, should the talks fail, …").
const SUBJECT_START: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "it", "they", "he", "she", "we", "you",
    "i", "any", "either", "both",
];

/// Opening words of a question.
const WH_WORDS: &[&str] = &[
    "what", "why", "how", "who", "whom", "whose", "where", "when", "which",
];

/// Auxiliaries that follow a question word in a question ("How will", "What does").
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "will", "would", "can", "could", "should", "does", "do", "did",
    "has", "have", "had", "might", "may",
];

// ---------------------------------------------------------------------------------------------
// Words.

/// A word of a sentence with its byte span; shared with the attribution finder so both see
/// the same word boundaries.
#[derive(Debug, Clone)]
pub(crate) struct Word<'a> {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The word as written.
    pub text: &'a str,
    /// Lower-cased, with typographic apostrophes folded to `'`.
    pub lower: String,
}

impl Word<'_> {
    /// Whether the word starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Whether the word starts with a digit.
    pub fn starts_with_digit(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_ascii_digit())
    }
}

/// Splits a sentence into words: runs of letters and digits, with `'`, `’`, `-`, `.` and `&`
/// kept when they sit between two letters or digits ("Russia-Iran", "won't", "U.S", "3.5").
pub(crate) fn words(sentence: &str) -> Vec<Word<'_>> {
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let joins = matches!(c, '\'' | '’' | '-' | '.' | '&')
                && chars.get(j + 1).is_some_and(|(_, n)| n.is_alphanumeric());
            if c.is_alphanumeric() || joins {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(sentence.len(), |(b, _)| *b);
        let text = &sentence[start..end];
        out.push(Word {
            start,
            end,
            text,
            lower: text.to_lowercase().replace('’', "'"),
        });
        i = j;
    }
    out
}

/// True when only whitespace separates words `a` and `b`, so they may form one phrase.
fn adjacent(sentence: &str, a: &Word, b: &Word) -> bool {
    sentence
        .get(a.end..b.start)
        .is_some_and(|gap| gap.chars().all(char::is_whitespace))
}

/// Length (in words) of `phrase` if it starts at word `i`.
fn phrase_at(sentence: &str, words: &[Word], i: usize, phrase: &[&str]) -> Option<usize> {
    if i + phrase.len() > words.len() {
        return None;
    }
    for (k, want) in phrase.iter().enumerate() {
        if words[i + k].lower != *want {
            return None;
        }
        if k > 0 && !adjacent(sentence, &words[i + k - 1], &words[i + k]) {
            return None;
        }
    }
    Some(phrase.len())
}

/// The sentence with trailing whitespace, quotes and closing brackets removed, so its final
/// punctuation can be read.
fn trimmed_end(sentence: &str) -> &str {
    sentence.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '*')
    })
}

/// Scraped headings are often in title case, where a capitalised "May" or "Will" is still the
/// modal ("Russia May Sign Pact Friday"). True when at least three words are capitalised and
/// no word of four or more letters is lower-case (title case leaves only short function
/// words such as "the" and "for" in lower case).
fn is_title_case(words: &[Word]) -> bool {
    let lower_long = words.iter().any(|w| {
        w.text.chars().count() >= 4 && w.text.chars().next().is_some_and(char::is_lowercase)
    });
    !lower_long && words.iter().filter(|w| w.is_capitalised()).count() >= 3
}

// ---------------------------------------------------------------------------------------------
// Finding cues.

/// What to do with an ambiguous word before the lexicon sees it.
enum Gate {
    /// Not a cue here (a noun, a month, a name).
    Skip,
    /// Let the lexicon decide.
    Lexicon,
    /// A one-word cue of this kind, decided by context.
    Cue(CueKind, Side),
}

/// Context facts about the whole sentence that the gates need.
struct Context {
    title_case: bool,
    question: bool,
}

/// Decides ambiguous words from their neighbours.
fn gate(sentence: &str, words: &[Word], i: usize, ctx: &Context) -> Gate {
    let w = &words[i];
    let prev = i.checked_sub(1).map(|p| words[p].lower.as_str());
    let next = words.get(i + 1);
    let prev_possessive = i
        .checked_sub(1)
        .is_some_and(|p| words[p].lower.ends_with("'s") || words[p].text.ends_with('\''));
    // A capitalised word inside running text is a name ("Will Smith", "Theresa May"), except
    // in title-case headings where every word is capitalised.
    let name_like = w.is_capitalised() && i > 0 && !ctx.title_case;
    match w.lower.as_str() {
        "will" => {
            let noun = prev.is_some_and(|p| NOUN_BEFORE.contains(&p)) || prev_possessive;
            let initial_name = i == 0 && !ctx.question && next.is_some_and(Word::is_capitalised);
            if noun || name_like || initial_name {
                Gate::Skip
            } else {
                Gate::Lexicon
            }
        }
        "might" => {
            let noun = prev
                .is_some_and(|p| NOUN_BEFORE.contains(&p) || MIGHT_ADJECTIVES.contains(&p))
                || prev_possessive
                || next.is_none_or(|n| AFTER_MIGHT_NOUN.contains(&n.lower.as_str()));
            if noun || name_like {
                Gate::Skip
            } else {
                Gate::Lexicon
            }
        }
        "may" if w.is_capitalised() => {
            let month = next.is_some_and(Word::starts_with_digit)
                || prev.is_some_and(|p| MONTH_CONTEXT.contains(&p) || MONTHS.contains(&p))
                || (matches!(prev, Some("and" | "or" | "to"))
                    && i >= 2
                    && MONTHS.contains(&words[i - 2].lower.as_str()));
            if month || name_like {
                Gate::Skip
            } else {
                Gate::Lexicon
            }
        }
        // "If anything, …" and "Unless otherwise stated, …" set no condition.
        "if" if next.is_some_and(|n| n.lower == "anything") => Gate::Skip,
        "unless" if next.is_some_and(|n| n.lower == "otherwise") => Gate::Skip,
        "should" => should_gate(sentence, words, i, ctx),
        "need" | "needs" => {
            if prev.is_some_and(|p| NEED_NOUN_BEFORE.contains(&p)) {
                Gate::Skip
            } else {
                Gate::Lexicon
            }
        }
        _ => Gate::Lexicon,
    }
}

/// "Should" is a condition when inverted ("Should tensions escalate, …", "…, should the
/// talks fail, …"); a sentence-initial "Should" in a question is left to the `?` cue; any
/// other "should" is deontic ("the West should act") and counts as opinion. The epistemic
/// "should" ("the ship should arrive Friday") is rarer in news and not separated out.
fn should_gate(sentence: &str, words: &[Word], i: usize, ctx: &Context) -> Gate {
    if i == 0 {
        return if ctx.question {
            Gate::Skip
        } else {
            Gate::Cue(CueKind::Conditional, Side::Speculation)
        };
    }
    let after_comma = sentence
        .get(..words[i].start)
        .is_some_and(|before| before.trim_end().ends_with(','));
    let subject_follows = words
        .get(i + 1)
        .is_some_and(|n| n.is_capitalised() || SUBJECT_START.contains(&n.lower.as_str()));
    if after_comma && subject_follows {
        Gate::Cue(CueKind::Conditional, Side::Speculation)
    } else {
        Gate::Cue(CueKind::Modal, Side::Opinion)
    }
}

/// Inverted conditionals without "if": "Were Iran to join, …" (span "Were Iran to") and a
/// sentence-initial "Had the talks failed, …" (span "Had"). Returns the number of words.
fn inversion_at(sentence: &str, words: &[Word], i: usize, ctx: &Context) -> Option<usize> {
    let w = &words[i];
    let clause_start = i == 0
        || sentence
            .get(..w.start)
            .is_some_and(|before| before.trim_end().ends_with(','));
    if !clause_start || ctx.question {
        return None;
    }
    match w.lower.as_str() {
        "were" => (i + 2..words.len().min(i + 6))
            .find(|&j| words[j].lower == "to")
            .filter(|&j| {
                // The subject between "were" and "to" must not cross a clause boundary.
                sentence
                    .get(w.end..words[j].start)
                    .is_some_and(|gap| !gap.contains([',', ';', ':']))
            })
            .map(|j| j - i + 1),
        "had" if i == 0 && sentence.contains(',') => Some(1),
        _ => None,
    }
}

/// Finds the speculation and opinion cues of one sentence. Every cue is a verbatim slice of
/// `sentence`; each list is in text order and no two cues overlap.
#[must_use]
pub fn find_cues(sentence: &str) -> Cues {
    let words = words(sentence);
    let ends = trimmed_end(sentence);
    let ctx = Context {
        title_case: is_title_case(&words),
        question: ends.ends_with('?'),
    };
    let mut cues = Cues::default();
    let mut push = |start: usize, end: usize, kind: CueKind, side: Side| {
        let Some(text) = sentence.get(start..end) else {
            return;
        };
        let cue = Cue {
            start,
            end,
            text: text.to_string(),
            kind,
        };
        match side {
            Side::Speculation => cues.speculation.push(cue),
            Side::Opinion => cues.opinion.push(cue),
        }
    };

    let mut i = 0;
    'words: while i < words.len() {
        for phrase in NOT_CUE_WORDS.iter() {
            if let Some(n) = phrase_at(sentence, &words, i, phrase) {
                i += n;
                continue 'words;
            }
        }
        if let Some(n) = inversion_at(sentence, &words, i, &ctx) {
            push(
                words[i].start,
                words[i + n - 1].end,
                CueKind::Conditional,
                Side::Speculation,
            );
            i += n;
            continue;
        }
        match gate(sentence, &words, i, &ctx) {
            Gate::Skip => {
                i += 1;
                continue;
            }
            Gate::Cue(kind, side) => {
                push(words[i].start, words[i].end, kind, side);
                i += 1;
                continue;
            }
            Gate::Lexicon => {}
        }
        let matched = LEXICON.get(words[i].lower.as_str()).and_then(|bucket| {
            bucket.iter().find_map(|entry| {
                phrase_at(sentence, &words, i, &entry.words).map(|n| (n, entry.kind, entry.side))
            })
        });
        if let Some((n, kind, side)) = matched {
            push(words[i].start, words[i + n - 1].end, kind, side);
            i += n;
        } else {
            i += 1;
        }
    }

    push_questions(sentence, &words, &mut cues);
    cues.speculation.sort_by_key(|c| c.start);
    cues
}

/// Adds question cues: each `?` that ends a clause (so a `?` inside a URL does not count),
/// or, on a sentence with no final punctuation (a scraped heading), an opening question word
/// followed by an auxiliary ("How Will the Port Pay").
fn push_questions(sentence: &str, words: &[Word], cues: &mut Cues) {
    let mut found = false;
    for (at, c) in sentence.char_indices() {
        if c != '?' {
            continue;
        }
        let closes = sentence[at + 1..].chars().next().is_none_or(|n| {
            n.is_whitespace() || matches!(n, '"' | '\'' | '”' | '’' | ')' | ']' | '?' | '!')
        });
        if closes {
            found = true;
            cues.speculation.push(Cue {
                start: at,
                end: at + 1,
                text: "?".to_string(),
                kind: CueKind::Question,
            });
        }
    }
    let unpunctuated = !trimmed_end(sentence).ends_with(['.', '!', '?']);
    if !found && unpunctuated {
        if let (Some(first), Some(second)) = (words.first(), words.get(1)) {
            if WH_WORDS.contains(&first.lower.as_str())
                && AUXILIARIES.contains(&second.lower.as_str())
            {
                cues.speculation.push(Cue {
                    start: first.start,
                    end: first.end,
                    text: first.text.to_string(),
                    kind: CueKind::Question,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cue texts of one side, in order.
    fn texts(list: &[Cue]) -> Vec<&str> {
        list.iter().map(|c| c.text.as_str()).collect()
    }

    fn spec(s: &str) -> Vec<String> {
        texts(&find_cues(s).speculation)
            .into_iter()
            .map(String::from)
            .collect()
    }

    fn opin(s: &str) -> Vec<String> {
        texts(&find_cues(s).opinion)
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn every_cue_is_a_slice_of_its_sentence() {
        let s = "Should the ferry strike drag on, the port could lose an estimated $3.5 million, which is clearly alarming.";
        let cues = find_cues(s);
        for cue in cues.speculation.iter().chain(&cues.opinion) {
            assert_eq!(&s[cue.start..cue.end], cue.text);
        }
        assert_eq!(spec(s), ["Should", "could"]);
        assert_eq!(opin(s), ["clearly", "alarming"]);
    }

    #[test]
    fn plain_fact_has_no_cues() {
        let cues =
            find_cues("The harbour board approved the budget on January 24 by seven votes to two.");
        assert!(cues.speculation.is_empty());
        assert!(cues.opinion.is_empty());
        assert_eq!(cues.speculation_score(), 0.0);
        assert_eq!(cues.opinion_score(), 0.0);
    }

    #[test]
    fn hedges_and_modals() {
        assert_eq!(
            spec("The mayor reportedly met the contractor, and the deal may be signed soon."),
            ["reportedly", "may"]
        );
        assert_eq!(
            spec("The new line appears to be running late and is expected to open in spring."),
            ["appears to", "expected to"]
        );
        assert_eq!(
            spec("It is unclear whether the vote will pass."),
            ["unclear", "whether", "will"]
        );
        let kinds: Vec<CueKind> = find_cues("Prices could rise.")
            .speculation
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(kinds, [CueKind::Modal]);
    }

    #[test]
    fn future_phrases_are_one_cue() {
        assert_eq!(spec("The bank will likely hold rates."), ["will likely"]);
        assert_eq!(
            spec("The union is going to strike next week."),
            ["is going to"]
        );
        assert_eq!(spec("Both firms are set to merge."), ["are set to"]);
        assert_eq!(
            spec("The council is poised to approve the plan."),
            ["is poised to"]
        );
        assert_eq!(
            find_cues("Ministers won't attend.").speculation[0].kind,
            CueKind::Future
        );
    }

    #[test]
    fn intentions_are_future_but_a_plan_is_not() {
        assert_eq!(
            spec("The port authority plans to dredge the channel."),
            ["plans to"]
        );
        assert_eq!(spec("The accord aims to double grain trade."), ["aims to"]);
        assert_eq!(spec("We intend to appeal the ruling."), ["intend to"]);
        let cues = find_cues("The cabinet approved a plan to dredge the channel.");
        assert!(cues.speculation.is_empty(), "{:?}", cues.speculation);
    }

    #[test]
    fn will_as_a_noun_is_not_a_cue() {
        assert!(spec("The vote reflected the will of the people.").is_empty());
        assert!(spec("Philosophers still argue about free will.").is_empty());
        assert!(spec("She was held against her will.").is_empty());
        assert!(spec("The council's will was clear.").is_empty());
        assert!(spec("Will Okafor chaired the meeting.").is_empty());
        assert_eq!(spec("The ferry will of course run on Sundays."), ["will"]);
    }

    #[test]
    fn may_as_month_or_name_is_not_a_cue() {
        assert!(spec("The two leaders met in May 2001.").is_empty());
        assert!(spec("May 5 was a public holiday.").is_empty());
        assert!(spec("Prices fell between April and May.").is_empty());
        assert!(spec("Former minister Theresa May spoke first.").is_empty());
        assert_eq!(spec("The plant may close."), ["may"]);
        assert_eq!(spec("May the best bid win."), ["May"]);
        // A title-case heading keeps its modal.
        assert_eq!(spec("Harbour Board May Delay Terminal Vote"), ["May"]);
    }

    #[test]
    fn might_as_a_noun_is_not_a_cue() {
        assert!(spec("The parade showed off the country's military might.").is_empty());
        assert!(spec("They pushed with all their might.").is_empty());
        assert!(spec("Economic might is not the same as influence.").is_empty());
        assert_eq!(spec("The talks might collapse."), ["might"]);
    }

    #[test]
    fn should_inverted_is_conditional_else_deontic() {
        let c = find_cues("Should tensions escalate, shipping could suffer.");
        assert_eq!(texts(&c.speculation), ["Should", "could"]);
        assert_eq!(c.speculation[0].kind, CueKind::Conditional);
        assert!(c.opinion.is_empty());

        let c = find_cues("The plan, should the council back it, would cost $2 million.");
        assert_eq!(c.speculation[0].kind, CueKind::Conditional);

        let c = find_cues("The West should respond firmly.");
        assert!(c.speculation.is_empty());
        assert_eq!(texts(&c.opinion), ["should"]);
        assert_eq!(c.opinion[0].kind, CueKind::Modal);

        // A question about obligation is a question; "should" adds nothing beyond the `?`.
        assert_eq!(spec("Should the city raise fares?"), ["?"]);
    }

    #[test]
    fn inverted_were_and_had() {
        assert_eq!(
            spec("Were the bank to cut rates, lending would rise."),
            ["Were the bank to", "would"]
        );
        assert_eq!(
            spec("Had the dam failed, the town would have flooded."),
            ["Had", "would"]
        );
        assert!(spec("Had the board known? Nobody says.").contains(&"?".to_string()));
        assert!(spec("Ticket sales were up 4% this year.").is_empty());
    }

    #[test]
    fn conditionals() {
        assert_eq!(
            spec("If the strike spreads, ports unless reopened face losses."),
            ["If", "unless"]
        );
        assert!(spec("If anything, the treaty ties the two closer.").is_empty());
        assert!(spec("Unless otherwise stated, figures are in dollars.").is_empty());
    }

    #[test]
    fn questions() {
        let c = find_cues("Will the merger survive scrutiny?");
        assert_eq!(texts(&c.speculation), ["Will", "?"]);
        assert_eq!(c.speculation[1].kind, CueKind::Question);
        assert_eq!(spec("How Will the Port Pay for It"), ["How", "Will"]);
        assert!(spec("What is known is that the bridge closed at noon.").is_empty());
        assert!(spec("See example.org/?page=2 for the timetable.").is_empty());
        assert_eq!(spec("\"Why now?\" a resident asked."), ["?"]);
    }

    #[test]
    fn opinion_cues() {
        let c = find_cues("This undoubtedly represents a challenge to the council, and the result is deeply troubling.");
        assert_eq!(
            texts(&c.opinion),
            [
                "undoubtedly",
                "represents a challenge",
                "deeply",
                "troubling"
            ]
        );
        assert_eq!(c.opinion[0].kind, CueKind::Booster);
        assert_eq!(c.opinion[1].kind, CueKind::Evaluative);
        assert_eq!(
            opin("It is clear that the reform was a bold step."),
            ["It is clear", "bold"]
        );
        assert_eq!(
            opin("There is no doubt the vote was historic."),
            ["no doubt", "historic"]
        );
    }

    #[test]
    fn must_and_need_to() {
        assert_eq!(
            opin("Regulators must act and the city needs to listen."),
            ["must", "needs to"]
        );
        assert!(opin("The shared need to cut costs drove the merger.").is_empty());
        let c = find_cues("The crew must have seen the warning.");
        assert_eq!(texts(&c.speculation), ["must have"]);
        assert!(c.opinion.is_empty());
    }

    #[test]
    fn reporting_idioms_are_not_cues() {
        assert!(spec("The company could not be reached for comment.").is_empty());
        assert!(spec("Sales rose as expected.").is_empty());
    }

    #[test]
    fn phrases_need_adjacent_words() {
        assert_eq!(spec("It is, going to plan, fine."), Vec::<String>::new());
    }

    #[test]
    fn joined_dedups_case_insensitively_in_order() {
        let c = find_cues("Could the vote fail? It could, and it could happen if turnout falls. Clearly, clearly.");
        assert_eq!(c.joined("speculation"), "Could;?;if");
        assert_eq!(c.joined("OPINION"), "Clearly");
        assert_eq!(c.joined("fact"), "");
    }

    #[test]
    fn scores_follow_the_documented_scale() {
        let one = find_cues("Prices may rise.");
        assert!((one.speculation_score() - 0.5).abs() < 1e-6);
        let two = find_cues("Prices may possibly rise.");
        assert!((two.speculation_score() - (1.0 - 0.5 * 0.55)).abs() < 1e-6);
        let repeated = find_cues("Prices may rise, or may not.");
        assert!((repeated.speculation_score() - 0.5).abs() < 1e-6);
        let many = find_cues("If prices may possibly, perhaps, reportedly rise, will they?");
        let s = many.speculation_score();
        assert!(s > 0.9 && s < 1.0);
        assert!((find_cues("A remarkable result.").opinion_score() - 0.35).abs() < 1e-6);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "",
            " ",
            "?",
            "’’",
            "Will",
            "may",
            "Should",
            "Were to",
            "ünïcödé wîll — might?",
            "if\u{0}",
        ] {
            let c = find_cues(s);
            for cue in c.speculation.iter().chain(&c.opinion) {
                assert_eq!(&s[cue.start..cue.end], cue.text);
            }
        }
    }

    #[test]
    fn words_keep_internal_joiners() {
        let w = words("The U.S. port's $3.5m Russia-Iran deal won’t close.");
        let t: Vec<&str> = w.iter().map(|w| w.text).collect();
        assert_eq!(
            t,
            [
                "The",
                "U.S",
                "port's",
                "3.5m",
                "Russia-Iran",
                "deal",
                "won’t",
                "close"
            ]
        );
        assert_eq!(w[6].lower, "won't");
    }
}
