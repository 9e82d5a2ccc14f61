//! The document stage of attribution: what one sentence cannot know about its source.
//!
//! [`attribution`](super::attribution) reads each sentence alone. A checker needs more:
//! - a pronoun source ("he said") is the person it refers to: the nearest earlier person
//!   credited with a statement, else the nearest earlier person the model found ("it said":
//!   an organisation; "they said": the last source of any kind, a vague one included);
//! - a role noun ("the minister said", "the office said", "the company said") is the earlier
//!   mention it points back to, when one carries that role in its name or the words before it
//!   ("Farm Minister Franz Fischler", "the Federal office for motor vehicles"); "the company"
//!   nobody credited lately, and an "it said" with no organisation credited in the last
//!   sentences, are the organisation the last sentences name most (the story's subject);
//! - every sentence of a quotation that runs over several sentences has the quotation's
//!   speaker, whether the speaker comes before the quotation (`He said: "…`) or after it
//!   (`…," she said.`).
//!
//! Sources come back as byte spans of the document, so the `attribution` column is always
//! the text at `attribution_start..attribution_end`: the name as written where it was written.

use super::attribution::{self, Attribution, SourceKind, GROUP_ROLES, PERSON_ROLES};
use crate::document::EntityType;
use crate::entities::EntityMention;

/// One sentence as the document stage sees it.
pub struct SentenceView<'a> {
    /// The sentence text.
    pub text: &'a str,
    /// Byte offset of the sentence in the document.
    pub start: usize,
    /// The source the sentence credits on its own.
    pub credit: Option<&'a Attribution>,
    /// The sentence's entities (byte offsets into the sentence); persons and organisations
    /// are the antecedents pronouns and role nouns can take.
    pub entities: &'a [EntityMention],
}

/// How a sentence's source was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Named in the sentence itself.
    InSentence,
    /// A pronoun or role noun resolved to an earlier mention.
    Antecedent,
    /// The speaker of the quotation the sentence belongs to.
    Quotation,
    /// The outlet heading of the press digest section the sentence stands under.
    DigestHeading,
}

/// The source of one sentence: a byte span of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// Byte offset of the source's first byte in the document.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// Named or vague (a resolved pronoun takes its antecedent's kind).
    pub kind: SourceKind,
    /// How it was found.
    pub resolution: Resolution,
}

/// A person or organisation a later pronoun or role noun can point back to.
#[derive(Debug, Clone)]
struct Antecedent {
    start: usize,
    end: usize,
    class: Class,
    kind: SourceKind,
    /// Index of its sentence.
    sentence: usize,
    /// Whether the sentence credited it with a statement.
    credited: bool,
    /// Lower-cased words of the mention and up to six words before it in its sentence: the
    /// roles it carries ("farm minister franz fischler").
    descriptor: String,
    /// The mention as written.
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Person,
    Group,
}

/// How many sentences back a pronoun looks for a credited source before settling for any
/// mention.
const CREDITED_WINDOW: usize = 3;
/// How many sentences back any antecedent is looked for.
const ANTECEDENT_WINDOW: usize = 8;
/// A quotation left open for more sentences than this is a stray mark, not a quotation.
const MAX_QUOTATION: usize = 12;

/// Nouns that stand for whatever organisation the story is about ("the company said" after
/// "Statoil said").
const GENERIC_GROUPS: &[&str] = &["company", "firm", "group", "operator", "carrier", "airline"];

/// Last words of newspaper names, which look like personal names ("Mainichi Shimbun").
const NEWSPAPER_NAMES: &[&str] = &[
    "times",
    "post",
    "journal",
    "herald",
    "tribune",
    "gazette",
    "news",
    "telegraph",
    "guardian",
    "chronicle",
    "observer",
    "shimbun",
    "ilbo",
    "monitor",
    "independent",
    "mail",
    "express",
    "star",
    "sun",
];

/// Last words of company names ("Inc", "Corp.", "plc").
const CORPORATE_ENDINGS: &[&str] = &[
    "inc",
    "corp",
    "co",
    "ltd",
    "plc",
    "nv",
    "ag",
    "sa",
    "llc",
    "bhd",
    "spa",
    "holdings",
    "limited",
    "corporation",
    "incorporated",
    "gmbh",
    "ab",
    "asa",
    "oyj",
];

/// Whether a name ends like a company's ("Advanced Medical Inc.", "Metro Holdings").
fn is_corporate(name: &str) -> bool {
    name.split_whitespace().last().is_some_and(|w| {
        CORPORATE_ENDINGS.contains(&w.trim_end_matches(['.', ',']).to_lowercase().as_str())
    })
}

/// Documents that speak for whoever issued them ("the statement said" after "Gujral, in a
/// written statement, reiterated …").
const DOCUMENT_ROLES: &[&str] = &["statement", "letter", "communique", "communiqué", "article"];

/// Resolves the sources of a document's sentences, in order (all at once: see
/// [`DocumentSources`] for the streaming form the pipeline uses).
pub fn resolve(sentences: &[SentenceView<'_>]) -> Vec<Option<Source>> {
    let mut document = DocumentSources::default();
    let mut sources = Vec::with_capacity(sentences.len());
    for view in sentences {
        sources.extend(document.push(view));
    }
    sources.extend(document.finish());
    sources
}

/// The document stage over a stream of sentences: each sentence goes in once, and its source
/// comes out as soon as it is final, which is at once unless the sentence is inside a
/// quotation whose speaker may still come (then at most [`MAX_QUOTATION`] sentences wait).
/// Memory stays bounded whatever the document's length: antecedents older than
/// [`ANTECEDENT_WINDOW`] sentences are dropped.
#[derive(Debug, Default)]
pub struct DocumentSources {
    antecedents: Vec<Antecedent>,
    /// Index of the next sentence.
    next: usize,
    /// Whether a quotation is open after the last sentence.
    inside: bool,
    /// Sources of the sentences not yet released (those of the open quotation).
    waiting: Vec<Option<Source>>,
    /// Inside a press digest: the outlet heading the current items stand under.
    digest: Option<Option<Source>>,
    /// Source of the last sentence released.
    previous: Option<Source>,
    /// Recent organisation names of two or more capitalised words, by their initials
    /// ("KDP" → "Kurdistan Democratic Party"): a checker wants the fullest mention.
    full_names: std::collections::VecDeque<(String, usize, usize)>,
    /// Whether the waiting run opened with a quotation mark, and the source of the sentence
    /// before it: a new quotation paragraph continues the speaker just credited.
    run_opened_by_quote: Option<Option<Source>>,
}

impl DocumentSources {
    /// Takes the next sentence; returns the sources now final, in sentence order (the
    /// sentences after the last ones returned).
    pub fn push(&mut self, view: &SentenceView<'_>) -> Vec<Option<Source>> {
        let i = self.next;
        self.next += 1;
        let mut released = Vec::new();
        let text = view.text.trim_start();
        // A new paragraph opening with a straight quote while one is "open" is the convention
        // of a quotation running over paragraphs: the old one ended there.
        let opens_quote = text.starts_with(['"', '“']) || text.starts_with("``");
        if self.inside
            && (text.starts_with('"')
                || text.starts_with("``")
                || self.waiting.len() >= MAX_QUOTATION)
        {
            released.extend(self.release());
            self.inside = false;
        }
        if self.waiting.is_empty() {
            self.run_opened_by_quote = opens_quote.then_some(self.previous);
        }
        let mut source = view
            .credit
            .and_then(|credit| own_source(view, credit, i, &self.antecedents));
        // Inside a press digest the paper is the outermost source, whoever its story quotes.
        if let Some(paper) = self.digest_item(view) {
            source = Some(paper);
        }
        if let Some(found) = source.as_mut() {
            self.expand_acronym(found);
        }
        let before = self.antecedents.len();
        remember_mentions(&mut self.antecedents, view, i);
        self.remember_full_names(view);
        if let Some(source) = source {
            remember_source(&mut self.antecedents, before, view, source, i);
        }
        self.antecedents
            .retain(|a| a.sentence + ANTECEDENT_WINDOW >= i);
        self.waiting.push(source);
        self.inside = quote_open_after(text, self.inside);
        if !self.inside {
            released.extend(self.release());
        }
        released
    }

    /// A source resolved to an acronym ("it said" → "KDP") points at the fullest mention
    /// of the same organisation, when the document spelled it out.
    fn expand_acronym(&self, source: &mut Source) {
        if source.resolution != Resolution::Antecedent {
            return;
        }
        let Some(a) = self
            .antecedents
            .iter()
            .rev()
            .find(|a| a.start == source.start && a.end == source.end)
        else {
            return;
        };
        let acronym =
            (2..=6).contains(&a.text.len()) && a.text.chars().all(|c| c.is_ascii_uppercase());
        if !acronym {
            return;
        }
        if let Some(&(_, start, end)) = self.full_names.iter().rev().find(|(i, _, _)| *i == a.text)
        {
            source.start = start;
            source.end = end;
        }
    }

    /// Keeps the initials of the sentence's multi-word organisation names.
    fn remember_full_names(&mut self, view: &SentenceView<'_>) {
        const KEPT: usize = 64;
        for e in view.entities.iter().filter(|e| e.kind == EntityType::Org) {
            let Some(name) = view.text.get(e.start..e.end) else {
                continue;
            };
            let capitalised: String = name
                .split_whitespace()
                .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
                .collect();
            if capitalised.chars().count() >= 2 {
                if self.full_names.len() == KEPT {
                    self.full_names.pop_front();
                }
                self.full_names
                    .push_back((capitalised, view.start + e.start, view.start + e.end));
            }
        }
    }

    /// A press digest ("PRESS DIGEST - Malta - Aug 26", then each paper's name as a heading
    /// over the stories it ran) credits its items to the heading they stand under: the
    /// digest's source for a sentence with none of its own. A sign-off line ("-- Valletta
    /// Newsroom …") ends the digest.
    fn digest_item(&mut self, view: &SentenceView<'_>) -> Option<Source> {
        let text = view.text.trim();
        if text.to_lowercase().contains("press digest") {
            self.digest = Some(None);
            return None;
        }
        let outlet = self.digest.as_mut()?;
        if text.contains("Newsroom") {
            self.digest = None;
            return None;
        }
        if let Some((start, end)) = intro_outlet(view.text) {
            *outlet = Some(Source {
                start: view.start + start,
                end: view.start + end,
                kind: SourceKind::Named,
                resolution: Resolution::DigestHeading,
            });
            return None;
        }
        if is_outlet_heading(text) {
            let start = view.start + (view.text.len() - view.text.trim_start().len());
            *outlet = Some(Source {
                start,
                end: start + text.len(),
                kind: SourceKind::Named,
                resolution: Resolution::DigestHeading,
            });
            return None;
        }
        // A section heading ("FRONT PAGE") asserts nothing; the paper stays the same.
        if !text.chars().any(char::is_lowercase) {
            return None;
        }
        *outlet
    }

    /// Ends the document: the sources still waiting.
    pub fn finish(&mut self) -> Vec<Option<Source>> {
        self.inside = false;
        self.release()
    }

    /// Gives the waiting sentences their quotation's speaker and hands them out.
    fn release(&mut self) -> Vec<Option<Source>> {
        let mut run = std::mem::take(&mut self.waiting);
        carry_speaker(&mut run);
        // `Watts said the cost can be heavy.` then `"I often hear of tales …"`: a quotation
        // with no speaker of its own, opening right after a credited sentence, continues it.
        if let Some(Some(before)) = self.run_opened_by_quote.take() {
            if before.kind != SourceKind::Hearsay && run.iter().all(Option::is_none) {
                for slot in run.iter_mut() {
                    *slot = Some(Source {
                        resolution: Resolution::Quotation,
                        ..before
                    });
                }
            }
        }
        if let Some(last) = run.last() {
            self.previous = *last;
        }
        run
    }
}

/// The source of a sentence from its own credit: as written, or resolved when it is a
/// pronoun or a role noun.
fn own_source(
    view: &SentenceView<'_>,
    credit: &Attribution,
    i: usize,
    antecedents: &[Antecedent],
) -> Option<Source> {
    let as_written = Source {
        start: view.start + credit.start,
        end: view.start + credit.end,
        kind: credit.kind,
        resolution: Resolution::InSentence,
    };
    let antecedent = match credit.kind {
        SourceKind::Pronoun => {
            return pronoun_antecedent(&credit.source.to_lowercase(), i, antecedents).map(resolved);
        }
        SourceKind::Named => role_antecedent(&credit.source, i, antecedents),
        SourceKind::Vague | SourceKind::Hearsay => None,
    };
    Some(antecedent.map_or(as_written, resolved))
}

fn resolved(a: &Antecedent) -> Source {
    Source {
        start: a.start,
        end: a.end,
        kind: a.kind,
        resolution: Resolution::Antecedent,
    }
}

/// The antecedent of a pronoun source, nearest first.
fn pronoun_antecedent<'a>(
    pronoun: &str,
    i: usize,
    antecedents: &'a [Antecedent],
) -> Option<&'a Antecedent> {
    let fits = |a: &Antecedent| match pronoun {
        // "An Australian official said …" then "He said …": one unnamed person, still vague.
        "he" | "she" | "him" | "her" => {
            a.class == Class::Person
                && (a.kind == SourceKind::Named
                    || (a.kind == SourceKind::Vague
                        && a.credited
                        && a.text.split_whitespace().next().is_some_and(|w| {
                            matches!(w.to_lowercase().as_str(), "a" | "an" | "one")
                        })))
        }
        "it" => a.class == Class::Group && a.kind == SourceKind::Named,
        "they" | "them" => a.class == Class::Group,
        _ => false,
    };
    let recent = |window: usize, credited_only: bool| {
        antecedents.iter().rev().find(|a| {
            a.sentence < i && a.sentence + window >= i && (a.credited || !credited_only) && fits(a)
        })
    };
    let credited = recent(CREDITED_WINDOW, true);
    // "Fleischer added that …" then "However, George Bush is not about to change his
    // rhetoric." then "… he said": the person the sentence just before is about (its
    // subject) is nearer than a speaker further back.
    let subject_just_before = antecedents
        .iter()
        .rev()
        .find(|a| a.sentence + 1 == i && !a.credited && fits(a) && opens_its_sentence(a));
    match (credited, subject_just_before) {
        (Some(c), Some(s)) if c.sentence + 1 < i => Some(s),
        (Some(c), _) => Some(c),
        // "it said" with no organisation credited lately: the one the story keeps naming.
        (None, _) if pronoun == "it" => {
            let candidates: Vec<&Antecedent> = antecedents
                .iter()
                .rev()
                .filter(|a| a.sentence < i && a.sentence + ANTECEDENT_WINDOW >= i && fits(a))
                .collect();
            most_mentioned(&candidates, i, antecedents)
        }
        (None, _) => recent(ANTECEDENT_WINDOW, false),
    }
}

/// Of `candidates` (nearest first), the one the last sentences name most often, the nearest
/// on a tie: "The company said …" after "Shares in Metro Holdings dropped …", "357,000 Metro
/// shares …" and "… a takeover bid by First Capital Corp." is Metro, the story's subject, not
/// the bidder named last.
fn most_mentioned<'a>(
    candidates: &[&'a Antecedent],
    i: usize,
    antecedents: &[Antecedent],
) -> Option<&'a Antecedent> {
    let mentions = |c: &Antecedent| {
        antecedents
            .iter()
            .filter(|a| a.sentence < i && a.sentence + ANTECEDENT_WINDOW >= i)
            .filter(|a| same_referent(&a.text, &c.text))
            .count()
    };
    let mut best: Option<(&Antecedent, usize)> = None;
    for &c in candidates {
        let m = mentions(c);
        if best.is_none_or(|(_, most)| m > most) {
            best = Some((c, m));
        }
    }
    best.map(|(c, _)| c)
}

/// Whether two mentions name the same organisation or person as far as their words tell: the
/// same words once a leading "the" is dropped, one the first words of the other ("Metro",
/// "Metro Holdings"), or one the initials of the other's capitalised words ("RBA", "Reserve
/// Bank of Australia").
fn same_referent(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        let mut w: Vec<String> = s
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect();
        if w.first().is_some_and(|f| f == "the") {
            w.remove(0);
        }
        w
    };
    let (x, y) = (words(a), words(b));
    if x.is_empty() || y.is_empty() {
        return false;
    }
    let (short, long) = if x.len() <= y.len() {
        (&x, &y)
    } else {
        (&y, &x)
    };
    if short == long {
        return true;
    }
    // A leading part is the same name only when it is written as one ("Metro", not "the bank").
    let shorter_text = if x.len() <= y.len() { a } else { b };
    let written_as_name = shorter_text
        .split_whitespace()
        .find(|w| !w.eq_ignore_ascii_case("the"))
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    if written_as_name && long.starts_with(short) {
        return true;
    }
    let initials = |s: &str| -> String {
        s.split_whitespace()
            .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (shorter, longer) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() == 1
        && short[0].len() >= 2
        && initials(longer) == short[0]
        && shorter
            .trim_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .any(char::is_uppercase)
}

/// Whether a mention opens its sentence (only a connective before it): the sentence's
/// subject, in news prose.
fn opens_its_sentence(a: &Antecedent) -> bool {
    let mention_words = a.text.split_whitespace().count();
    let words: Vec<&str> = a.descriptor.split_whitespace().collect();
    let before = &words[..words.len().saturating_sub(mention_words)];
    before.iter().all(|w| {
        matches!(
            w.trim_end_matches(','),
            "however" | "but" | "and" | "meanwhile" | "still" | "yet" | "now" | "later"
        )
    })
}

/// The antecedent of a role-noun source ("the minister", "the office"), if the source is one.
fn role_antecedent<'a>(
    source: &str,
    i: usize,
    antecedents: &'a [Antecedent],
) -> Option<&'a Antecedent> {
    let lower = source.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    // "Peru's finance minister" is as definite as "the finance minister", its owner a modifier.
    let possessive = words
        .first()
        .is_some_and(|w| w.len() > 2 && (w.ends_with("'s") || w.ends_with("’s")));
    let definite = matches!(words.first(), Some(&"the") | Some(&"this")) || possessive;
    let role = *words.last()?;
    // "the Oxford team": a capitalised modifier must be in the mention it points back to.
    // A capitalised title is the role itself ("the Prime Minister"), not a modifier.
    let modifiers: Vec<String> = source
        .split_whitespace()
        .skip(usize::from(!possessive))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter(|w| !attribution::is_title_word(w))
        .map(|w| {
            let w = w.to_lowercase();
            w.strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .map_or(w.clone(), str::to_string)
        })
        .collect();
    if !definite || words.len() > 4 {
        return None;
    }
    let earlier = antecedents
        .iter()
        .rev()
        .filter(|a| a.sentence < i && a.sentence + ANTECEDENT_WINDOW >= i);
    // "the papers" → "official Iraqi newspapers", "the researchers" → "researcher".
    let singular = role.strip_suffix('s').unwrap_or(role);
    let listed = |list: &[&str]| list.contains(&role) || list.contains(&singular);
    if listed(PERSON_ROLES) || listed(GROUP_ROLES) {
        let class = if listed(PERSON_ROLES) {
            Class::Person
        } else {
            Class::Group
        };
        let carries = |w: &str| {
            w == role
                || w == singular
                || (singular.len() >= 5 && w.ends_with(singular))
                || (role.len() >= 5 && w.ends_with(role))
        };
        let mut found = None;
        let mut credited_of_class = None;
        let mut modified_of_class = None;
        for a in earlier {
            if credited_of_class.is_none()
                && a.credited
                && a.class == class
                && a.kind == SourceKind::Named
            {
                credited_of_class = Some(a);
            }
            if modified_of_class.is_none()
                && !modifiers.is_empty()
                && a.class == class
                && a.kind == SourceKind::Named
                && modifiers.iter().all(|m| {
                    a.descriptor
                        .split_whitespace()
                        .any(|w| w.trim_end_matches("'s") == m)
                })
            {
                modified_of_class = Some(a);
            }
            let described = a.descriptor.split_whitespace().any(carries);
            let modified = modifiers
                .iter()
                .all(|m| a.descriptor.split_whitespace().any(|w| w == m));
            if a.class == class && described && modified {
                found = Some(a);
                break;
            }
        }
        // Nobody carries the role in words: the last source of its class credited before
        // ("Franz Fischler said …" then "the minister said …").
        // "The Chinese leader" after "Chinese President Jiang Zemin": with a modifier, the
        // last mention of its class that carries the modifier.
        // "the President", capitalised, is an office: only a mention that holds it will do.
        let office = source
            .split_whitespace()
            .last()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
        return found.or(if office {
            None
        } else if modifiers.is_empty() {
            credited_of_class
        } else {
            modified_of_class
        });
    }
    if !modifiers.is_empty() {
        return None;
    }
    if DOCUMENT_ROLES.contains(&role) {
        // "the statement said": whoever issued it, the last source credited.
        return earlier
            .clone()
            .find(|a| a.credited && a.kind == SourceKind::Named);
    }
    if GENERIC_GROUPS.contains(&role) {
        let mut candidates =
            earlier.filter(|a| a.class == Class::Group && a.kind == SourceKind::Named);
        let mut all: Vec<&Antecedent> = candidates.by_ref().collect();
        // "the company" after "the Chicago Board Options Exchange" and "MFS Communications
        // Co Inc": a name with a corporate ending is the company when there is one.
        if role != "group" && all.iter().any(|a| is_corporate(&a.text)) {
            all.retain(|a| is_corporate(&a.text));
        }
        return all
            .iter()
            .find(|a| a.credited)
            .copied()
            .or_else(|| most_mentioned(&all, i, antecedents));
    }
    None
}

/// The paper a digest's introduction names ("These are leading stories in Thursday's
/// afternoon daily Le Monde, dated Aug 23."): the capitalised words that end the phrase after
/// "stories in", as byte offsets into `text`. None for a country's press ("in the Angolan
/// press on Friday"), whose papers come as headings.
fn intro_outlet(text: &str) -> Option<(usize, usize)> {
    const MARK: &str = "stories in ";
    let from = text.find(MARK)? + MARK.len();
    let rest = &text[from..];
    let stop = [",", " on ", " dated", "."]
        .iter()
        .filter_map(|s| rest.find(s))
        .min()
        .unwrap_or(rest.len());
    let phrase = rest[..stop].trim_end();
    // Walk back over the capitalised words that end the phrase.
    let mut start = phrase.len();
    let mut end_of_word = phrase.len();
    for word in phrase.rsplit(' ') {
        let word_start = end_of_word - word.len();
        if !word.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
        start = word_start;
        end_of_word = word_start.saturating_sub(1);
    }
    (start < phrase.len()).then_some((from + start, from + phrase.len()))
}

/// A heading naming a paper inside a press digest: upper case, a few words, no digits (a
/// dateline) and no page or section word ("FRONT PAGE", "BUSINESS PAGES").
fn is_outlet_heading(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let words = text.split_whitespace().count();
    letters >= 2
        && (1..=6).contains(&words)
        && !text.chars().any(|c| c.is_lowercase() || c.is_ascii_digit())
        && !text.starts_with('-')
        && !["PAGE", "SECTION", "EDITORIAL"]
            .iter()
            .any(|w| text.contains(w))
}

/// Adds the sentence's persons and organisations as antecedents.
fn remember_mentions(antecedents: &mut Vec<Antecedent>, view: &SentenceView<'_>, i: usize) {
    for e in view.entities {
        let class = match e.kind {
            EntityType::Per => Class::Person,
            EntityType::Org => Class::Group,
            _ => continue,
        };
        let text = view.text.get(e.start..e.end).unwrap_or("");
        // The entity tagger now and then marks a common noun ("pederasty") or a bare title
        // ("President") as a person; neither is anyone a pronoun can mean.
        let names_someone = text
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
            && !(text.split_whitespace().count() == 1 && attribution::is_title_word(text));
        if !names_someone {
            continue;
        }
        antecedents.push(Antecedent {
            start: view.start + e.start,
            end: view.start + e.end,
            class,
            kind: SourceKind::Named,
            sentence: i,
            credited: false,
            descriptor: descriptor(view.text, e.start, e.end),
            text: text.to_string(),
        });
    }
}

/// Adds a sentence's source as a credited antecedent: the entity it overlaps is marked
/// credited, or it is added with a class guessed from its words.
fn remember_source(
    antecedents: &mut Vec<Antecedent>,
    from: usize,
    view: &SentenceView<'_>,
    source: Source,
    i: usize,
) {
    if source.resolution == Resolution::Antecedent {
        // "he said" after "Fischler said": Fischler stays the one credited, now in this
        // sentence (the nearest credited mention for the next pronoun).
        if let Some(a) = antecedents
            .iter()
            .rev()
            .find(|a| a.start == source.start && a.end == source.end)
            .cloned()
        {
            antecedents.push(Antecedent {
                sentence: i,
                credited: true,
                ..a
            });
        }
        return;
    }
    let overlapping = antecedents[from..]
        .iter_mut()
        .filter(|a| a.start < source.end && source.start < a.end);
    let mut marked = false;
    for a in overlapping {
        a.credited = true;
        a.kind = source.kind;
        marked = true;
    }
    if marked {
        // The credited mention goes last: it is the nearest for the next sentence.
        let mut credited: Vec<Antecedent> = Vec::new();
        antecedents.retain(|a| {
            if a.sentence == i && a.credited {
                credited.push(a.clone());
                false
            } else {
                true
            }
        });
        antecedents.extend(credited);
        return;
    }
    let (start, end) = (source.start - view.start, source.end - view.start);
    let Some(text) = view.text.get(start..end) else {
        return;
    };
    let last = text.split_whitespace().last().unwrap_or("").to_lowercase();
    // "A spokesman for the American Stock Exchange": the noun before the first preposition
    // is the head, and it says person or group.
    let head = text
        .split_whitespace()
        .take_while(|w| !matches!(*w, "for" | "of" | "at" | "in" | "with" | "from"))
        .last()
        .unwrap_or("")
        .to_lowercase();
    let class = if PERSON_ROLES.contains(&last.as_str()) || PERSON_ROLES.contains(&head.as_str()) {
        Class::Person
    } else if NEWSPAPER_NAMES.contains(&last.trim_end_matches(['.', ',']))
        || GROUP_ROLES.contains(&head.as_str())
    {
        // "Mainichi Shimbun", "The Washington Post": capitalised, yet no person.
        Class::Group
    } else if source.kind.is_vague()
        || GROUP_ROLES.contains(&last.as_str())
        || GENERIC_GROUPS.contains(&last.as_str())
    {
        Class::Group
    } else if text.split_whitespace().count() >= 2
        && text
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    {
        // Two or more capitalised words with no organisation noun: most often a person.
        Class::Person
    } else {
        Class::Group
    };
    antecedents.push(Antecedent {
        start: source.start,
        end: source.end,
        class,
        kind: source.kind,
        sentence: i,
        credited: true,
        descriptor: descriptor(view.text, start, end),
        text: view.text.get(start..end).unwrap_or("").to_string(),
    });
}

/// The mention at `start..end` of `sentence` with up to six words before it, lower-cased.
fn descriptor(sentence: &str, start: usize, end: usize) -> String {
    let before = sentence.get(..start).unwrap_or("");
    let lead: Vec<&str> = before.split_whitespace().rev().take(6).collect();
    let mention = sentence.get(start..end).unwrap_or("");
    let mut out: Vec<String> = lead.into_iter().rev().map(str::to_lowercase).collect();
    out.push(mention.to_lowercase());
    out.join(" ")
}

/// Whether a quotation is open at the end of `text`, given whether one was at its start.
fn quote_open_after(text: &str, mut inside: bool) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => inside = !inside,
            '“' | '«' => inside = true,
            '”' | '»' => inside = false,
            // The TeX way of typesetting quotations: `` opens, '' closes.
            '`' | '\'' if chars.peek() == Some(&c) => {
                chars.next();
                inside = c == '`';
            }
            _ => {}
        }
    }
    inside
}

/// Gives every sentence of a quotation (`run`, one or more sentences) that has no source of
/// its own the quotation's speaker: the source of its last sentence (`…," she said.`), else of
/// its first (`She said: "…`), else of any sentence in it.
fn carry_speaker(run: &mut [Option<Source>]) {
    if run.len() < 2 {
        return;
    }
    // Hearsay ("reportedly") names no speaker a quotation could continue.
    let speaker_of = |s: &Option<Source>| s.filter(|s| s.kind != SourceKind::Hearsay);
    let speaker = speaker_of(&run[run.len() - 1])
        .or_else(|| speaker_of(&run[0]))
        .or_else(|| run.iter().find_map(speaker_of));
    let Some(speaker) = speaker else {
        return;
    };
    for slot in run.iter_mut() {
        if slot.is_none() {
            *slot = Some(Source {
                resolution: Resolution::Quotation,
                ..speaker
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::attribution::find_attribution;
    use crate::entities::EntitySource;

    /// A person or organisation the model would find, by its text in the sentence.
    fn entity(sentence: &str, name: &str, kind: EntityType) -> EntityMention {
        let start = sentence.find(name).expect("entity in sentence");
        EntityMention {
            start,
            end: start + name.len(),
            kind,
            confidence: 1.0,
            source: EntitySource::Model,
            normalized: String::new(),
        }
    }

    /// The attribution column of each sentence of a document made of `sentences` joined by
    /// spaces, with the given entities per sentence.
    fn sources_of(sentences: &[(&str, Vec<(&str, EntityType)>)]) -> Vec<String> {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (s, _) in sentences {
            starts.push(text.len());
            text.push_str(s);
            text.push(' ');
        }
        let credits: Vec<Option<Attribution>> =
            sentences.iter().map(|(s, _)| find_attribution(s)).collect();
        let entities: Vec<Vec<EntityMention>> = sentences
            .iter()
            .map(|(s, es)| es.iter().map(|(n, k)| entity(s, n, *k)).collect())
            .collect();
        let views: Vec<SentenceView> = sentences
            .iter()
            .enumerate()
            .map(|(i, (s, _))| SentenceView {
                text: s,
                start: starts[i],
                credit: credits[i].as_ref(),
                entities: &entities[i],
            })
            .collect();
        resolve(&views)
            .into_iter()
            .map(|s| s.map_or(String::new(), |s| text[s.start..s.end].to_string()))
            .collect()
    }

    #[test]
    fn a_pronoun_never_means_a_common_noun_or_a_bare_title_the_tagger_took_for_a_person() {
        let got = sources_of(&[
            (
                "Dana Ortiz chaired the hearing on the charge of perjury.",
                vec![
                    ("Dana Ortiz", EntityType::Per),
                    ("perjury", EntityType::Per),
                ],
            ),
            (
                "The President sent no one.",
                vec![("President", EntityType::Per)],
            ),
            ("\"That is not true,\" she said.", vec![]),
        ]);
        assert_eq!(got[2], "Dana Ortiz");
    }

    #[test]
    fn a_pronoun_source_is_the_last_person_credited() {
        let got = sources_of(&[
            (
                "Harbour chief Mira Kovac said on Monday the dredging would start in May.",
                vec![("Mira Kovac", EntityType::Per)],
            ),
            ("\"That is the wrong plan,\" he said.", vec![]),
            ("She added that the cost was not yet known.", vec![]),
        ]);
        assert_eq!(got, ["Mira Kovac", "Mira Kovac", "Mira Kovac"]);
    }

    #[test]
    fn he_prefers_the_subject_just_before_to_an_older_speaker() {
        let got = sources_of(&[
            (
                "Spokesman Ole Brandt added that the talks were friendly.",
                vec![("Ole Brandt", EntityType::Per)],
            ),
            (
                "However, Maria Lind is not about to change course.",
                vec![("Maria Lind", EntityType::Per)],
            ),
            ("\"We will hold firm,\" he said on Friday.", vec![]),
        ]);
        assert_eq!(got[2], "Maria Lind");
        // A speaker credited in the sentence just before still wins.
        let got = sources_of(&[
            (
                "Maria Lind visited the port.",
                vec![("Maria Lind", EntityType::Per)],
            ),
            (
                "Ole Brandt said the talks were friendly.",
                vec![("Ole Brandt", EntityType::Per)],
            ),
            ("\"We will hold firm,\" he said.", vec![]),
        ]);
        assert_eq!(got[2], "Ole Brandt");
    }

    #[test]
    fn he_skips_a_newspaper_named_like_a_person() {
        let got = sources_of(&[
            (
                "Prime Minister Elena Voss spoke in Osaka.",
                vec![("Elena Voss", EntityType::Per)],
            ),
            ("The talks were useful, the Kobe Shimbun reported.", vec![]),
            ("He said the ports would reopen.", vec![]),
        ]);
        assert_eq!(got[2], "Elena Voss");
    }

    #[test]
    fn he_after_a_spokesman_for_an_organisation_is_the_spokesman() {
        let got = sources_of(&[
            (
                // No entity for the board: the source's own words must say "person".
                "A spokesman for the harbour board would neither confirm nor deny the sale.",
                vec![],
            ),
            ("The board never comments on rumours, he said.", vec![]),
        ]);
        assert_eq!(got[1], got[0]);
        assert!(!got[1].is_empty());
    }

    #[test]
    fn the_company_prefers_a_name_with_a_corporate_ending() {
        let got = sources_of(&[
            (
                "Shares of Lumen Freight Co Inc surged on Friday.",
                vec![("Lumen Freight Co Inc", EntityType::Org)],
            ),
            (
                "The Pacific Stock Exchange said it was reviewing the trades.",
                vec![("Pacific Stock Exchange", EntityType::Org)],
            ),
            ("The company said it had agreed to be acquired.", vec![]),
        ]);
        assert_eq!(got[2], "Lumen Freight Co Inc");
    }

    #[test]
    fn the_company_nobody_credited_is_the_one_the_story_keeps_naming() {
        let got = sources_of(&[
            (
                "Shares in grocer Harlow Holdings fell 4 percent on Tuesday.",
                vec![("Harlow Holdings", EntityType::Org)],
            ),
            (
                "About 200,000 Harlow shares changed hands in the first hour.",
                vec![("Harlow", EntityType::Org)],
            ),
            (
                "Last week Harlow Holdings rose on talk of a bid from Brant Capital Corp.",
                vec![
                    ("Harlow Holdings", EntityType::Org),
                    ("Brant Capital Corp", EntityType::Org),
                ],
            ),
            (
                "The company said it knew of no reason for the fall.",
                vec![],
            ),
        ]);
        assert_eq!(got[3], "Harlow Holdings");
    }

    #[test]
    fn it_said_with_no_organisation_credited_lately_is_the_most_named_one() {
        let got = sources_of(&[
            (
                "The Reserve Bank of Australia said savings would rise.",
                vec![("Reserve Bank of Australia", EntityType::Org)],
            ),
            (
                "The RBA said the plans were sound.",
                vec![("RBA", EntityType::Org)],
            ),
            ("Wages grew slowly in the year to June.", vec![]),
            (
                "The figures follow a survey by the Westfield Institute last month.",
                vec![("Westfield Institute", EntityType::Org)],
            ),
            ("Prices were flat.", vec![]),
            ("Rents fell.", vec![]),
            ("\"Saving pays off in time,\" it said.", vec![]),
        ]);
        assert_eq!(got[6], "Reserve Bank of Australia");
    }

    #[test]
    fn same_referent_reads_articles_leading_words_and_initials() {
        assert!(same_referent("the RBA", "Reserve Bank of Australia"));
        assert!(same_referent("Metro", "Metro Holdings"));
        assert!(same_referent("The Kremlin", "Kremlin"));
        assert!(!same_referent("Metro Holdings", "First Capital Corp"));
        assert!(!same_referent("the bank", "Bank of England Holdings"));
    }

    #[test]
    fn a_pronoun_with_no_person_before_it_stays_empty() {
        let got = sources_of(&[("He said the bridge would close.", vec![])]);
        assert_eq!(got, [""]);
    }

    #[test]
    fn it_said_points_to_an_organisation() {
        let got = sources_of(&[
            (
                "Output at the Tarn field will rise, operator Nordvik Energi said on Thursday.",
                vec![("Nordvik Energi", EntityType::Org)],
            ),
            ("The wells will be reopened next month, it said.", vec![]),
        ]);
        assert_eq!(got, ["Nordvik Energi", "Nordvik Energi"]);
    }

    #[test]
    fn role_nouns_point_back_to_the_mention_carrying_the_role() {
        let got = sources_of(&[
            (
                "Fisheries Minister Tomas Berg said the quota would be cut.",
                vec![("Tomas Berg", EntityType::Per)],
            ),
            (
                "The Coastal Shipping Office said 120 vessels were registered in July.",
                vec![("Coastal Shipping Office", EntityType::Org)],
            ),
            ("The office said most of them were trawlers.", vec![]),
            (
                "The minister said the cut would be reviewed in a year.",
                vec![],
            ),
        ]);
        assert_eq!(
            got,
            [
                "Tomas Berg",
                "Coastal Shipping Office",
                "Coastal Shipping Office",
                "Tomas Berg"
            ]
        );
    }

    #[test]
    fn plural_and_modified_role_nouns_point_back() {
        let got = sources_of(&[
            (
                "Two provincial newspapers said the dam had been finished.",
                vec![],
            ),
            (
                "\"The water will reach the valley by June,\" the papers said.",
                vec![],
            ),
            (
                "A team of engineers at Lund University said the design was sound.",
                vec![("Lund University", EntityType::Org)],
            ),
            ("The Lund team said tests would continue.", vec![]),
        ]);
        assert_eq!(
            got,
            [
                "Two provincial newspapers",
                "Two provincial newspapers",
                "Lund University",
                "Lund University"
            ]
        );
    }

    #[test]
    fn press_digest_items_are_credited_to_the_paper_heading_them() {
        let got = sources_of(&[
            ("PRESS DIGEST - Ruritania - May 4.", vec![]),
            (
                "These are the leading stories in the Ruritanian press.",
                vec![],
            ),
            ("DAILY HERALD", vec![]),
            ("- Port strike enters third week.", vec![]),
            ("Dockers want a 9 percent rise.", vec![]),
            ("FRONT PAGE", vec![]),
            ("- Mayor opens the new bridge.", vec![]),
            ("THE EVENING POST", vec![]),
            ("- Transport minister said fares would rise.", vec![]),
            ("- Flood barrier finished early.", vec![]),
            ("-- Ostrava Newsroom +420 555 0100", vec![]),
            ("Weather for the weekend.", vec![]),
        ]);
        assert_eq!(
            got,
            [
                "",
                "",
                "",
                "DAILY HERALD",
                "DAILY HERALD",
                "",
                "DAILY HERALD",
                "",
                // The paper is the outermost source even of a story that quotes someone.
                "THE EVENING POST",
                "THE EVENING POST",
                "",
                ""
            ]
        );
    }

    #[test]
    fn a_role_falls_back_to_the_last_credited_source_of_its_kind() {
        let got = sources_of(&[
            (
                "Jana Novak said the talks had failed.",
                vec![("Jana Novak", EntityType::Per)],
            ),
            ("The minister said she would try again.", vec![]),
        ]);
        assert_eq!(got, ["Jana Novak", "Jana Novak"]);
    }

    #[test]
    fn a_modified_role_nobody_carries_goes_to_the_mention_with_the_modifier() {
        let czech = (
            "Czech Prime Minister Eva Dusek said the border would stay open.",
            vec![("Eva Dusek", EntityType::Per)],
        );
        let got = sources_of(&[
            (
                "Polish President Adam Lis met the envoys on Monday.",
                vec![("Adam Lis", EntityType::Per)],
            ),
            czech.clone(),
            ("The Polish leader said the talks went well.", vec![]),
        ]);
        assert_eq!(got, ["", "Eva Dusek", "Adam Lis"]);
        // A possessive makes a role as definite as "the", its owner a modifier.
        let got = sources_of(&[
            (
                "Poland's President Adam Lis met the envoys on Monday.",
                vec![("Adam Lis", EntityType::Per)],
            ),
            czech,
            ("Poland's president said more talks would follow.", vec![]),
        ]);
        assert_eq!(got, ["", "Eva Dusek", "Adam Lis"]);
    }

    #[test]
    fn a_quotation_paragraph_continues_the_speaker_just_credited() {
        let got = sources_of(&[
            (
                "Harbour master Ivo Kral said the pier was safe.",
                vec![("Ivo Kral", EntityType::Per)],
            ),
            ("\"We inspect it every week.", vec![]),
            ("Nothing has moved in ten years.\"", vec![]),
            ("The pier opened in 1911.", vec![]),
            ("\"It will outlast us all.\"", vec![]),
        ]);
        assert_eq!(got, ["Ivo Kral", "Ivo Kral", "Ivo Kral", "", ""]);
    }

    #[test]
    fn a_digest_introduction_can_name_the_paper() {
        let got = sources_of(&[
            ("PRESS DIGEST - Ruritania - Le Courrier May 4.", vec![]),
            (
                "These are leading stories in Monday's daily Le Courrier, dated May 5.",
                vec![],
            ),
            ("-- Port strike enters third week.", vec![]),
        ]);
        assert_eq!(got, ["", "", "Le Courrier"]);
    }

    #[test]
    fn an_acronym_resolves_to_the_fullest_mention() {
        let got = sources_of(&[
            (
                "Fighting broke out near the headquarters of the Coastal Workers Union.",
                vec![("Coastal Workers Union", EntityType::Org)],
            ),
            (
                "CWU said 12 people had been hurt.",
                vec![("CWU", EntityType::Org)],
            ),
            ("It said the police had been called.", vec![]),
        ]);
        assert_eq!(got, ["", "CWU", "Coastal Workers Union"]);
    }

    #[test]
    fn he_after_an_unnamed_person_stays_with_that_person() {
        let got = sources_of(&[
            (
                "An Estonian foreign ministry official said the envoy had been recalled.",
                vec![],
            ),
            ("He said talks would resume in June.", vec![]),
        ]);
        assert_eq!(
            got,
            [
                "An Estonian foreign ministry official",
                "An Estonian foreign ministry official"
            ]
        );
    }

    #[test]
    fn a_capitalised_title_is_an_office_only_its_holder_takes() {
        let got = sources_of(&[
            (
                "Harbour Minister Lena Ostrova opened the new quay on Monday.",
                vec![("Lena Ostrova", EntityType::Per)],
            ),
            (
                "Spokesman Pal Henriksen said the quay could take two ferries.",
                vec![("Pal Henriksen", EntityType::Per)],
            ),
            (
                "The Minister said the quay had cost less than planned.",
                vec![],
            ),
        ]);
        assert_eq!(got, ["", "Pal Henriksen", "Lena Ostrova"]);
        // Nobody holds the office: the title stays as written, with its article, rather
        // than going to the last person credited.
        let got = sources_of(&[
            (
                "Spokesman Pal Henriksen said the quay could take two ferries.",
                vec![("Pal Henriksen", EntityType::Per)],
            ),
            (
                "In reply, the President said the budget would not change.",
                vec![],
            ),
        ]);
        assert_eq!(got, ["Pal Henriksen", "the President"]);
    }

    #[test]
    fn a_role_nobody_carries_stays_as_written() {
        let got = sources_of(&[("The ministry said the border would reopen.", vec![])]);
        assert_eq!(got, ["The ministry"]);
    }

    #[test]
    fn every_sentence_of_a_quotation_gets_its_speaker() {
        // Credited at the end.
        let got = sources_of(&[
            (
                "Mayor Ines Duarte spoke after the vote.",
                vec![("Ines Duarte", EntityType::Per)],
            ),
            ("\"We lost tonight.", vec![]),
            ("We will be back in four years,\" she said.", vec![]),
        ]);
        assert_eq!(got, ["", "Ines Duarte", "Ines Duarte"]);
        // Credited at the start.
        let got = sources_of(&[
            (
                "Coach Pal Henriksen said: \"The pitch was poor.",
                vec![("Pal Henriksen", EntityType::Per)],
            ),
            ("Nobody could pass the ball.\"", vec![]),
            ("The league will inspect the ground.", vec![]),
        ]);
        assert_eq!(got, ["Pal Henriksen", "Pal Henriksen", ""]);
    }

    #[test]
    fn a_quotation_typeset_the_tex_way_is_followed_too() {
        let got = sources_of(&[
            (
                "Harbour master Sven Ahlberg met the crews.",
                vec![("Sven Ahlberg", EntityType::Per)],
            ),
            ("``Forty boats came in this week.", vec![]),
            ("It has become a busy port,'' he said.", vec![]),
            ("The crews left at dawn.", vec![]),
        ]);
        assert_eq!(got, ["", "Sven Ahlberg", "Sven Ahlberg", ""]);
    }

    #[test]
    fn a_stray_quote_mark_does_not_credit_the_rest_of_the_document() {
        let mut doc = vec![(
            "Analyst Jo Weir said the \"soft landing\" was over, and the \"rally",
            vec![("Jo Weir", EntityType::Per)],
        )];
        for _ in 0..20 {
            doc.push(("Prices fell.", vec![]));
        }
        let got = sources_of(&doc);
        assert_eq!(got[0], "Jo Weir");
        assert!(
            got[MAX_QUOTATION + 1..].iter().all(String::is_empty),
            "{got:?}"
        );
    }

    #[test]
    fn they_said_after_a_vague_source_stays_vague() {
        let mut text = String::from("Officials said the road would reopen. ");
        let first = find_attribution("Officials said the road would reopen.").unwrap();
        assert_eq!(first.kind, SourceKind::Vague);
        let second_text = "They said repairs would take a week.";
        let second = find_attribution(second_text).unwrap();
        let start = text.len();
        text.push_str(second_text);
        let views = [
            SentenceView {
                text: "Officials said the road would reopen.",
                start: 0,
                credit: Some(&first),
                entities: &[],
            },
            SentenceView {
                text: second_text,
                start,
                credit: Some(&second),
                entities: &[],
            },
        ];
        let got = resolve(&views);
        let s = got[1].expect("resolved");
        assert_eq!(&text[s.start..s.end], "Officials");
        assert_eq!(s.kind, SourceKind::Vague);
    }
}
