//! The label stage: turns head probabilities, cues and attribution into the sentence's
//! `label`, `confidence`, `cues` and `attribution` columns.

pub mod attribution;
pub mod cues;
pub mod discourse;
pub mod news;

use crate::document::Block;
use crate::model::heads::SentenceScores;
use crate::model::layout::{LayoutHead, RowLayout};
use crate::model::news::{softmax, NewsHead};

/// Status of a sentence's main assertion, as a fact-checker reads it (see DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// Asserted as true and checkable.
    Fact,
    /// Uncertain, predicted or hypothetical.
    Speculation,
    /// The writer's evaluation or interpretation.
    Opinion,
    /// Asserts nothing: navigation, link lists, calls to action, bylines, questions to the
    /// reader (only the news head gives it).
    None,
}

impl Label {
    /// The name used in the CSV `label` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Fact => "fact",
            Label::Speculation => "speculation",
            Label::Opinion => "opinion",
            Label::None => "none",
        }
    }
}

/// Weight of the "reported statement" rule: a sentence that credits a source is a FACT about
/// what the source said (DESIGN.md), so its distribution is mixed with this much certainty of
/// fact. 0.6 guarantees the label while the remaining 0.4 keeps the model's view visible.
const REPORTED_FACT_WEIGHT: f64 = 0.6;

/// Weight of the hypothetical-sentence rule: a sentence that asks an open question or opens
/// with a condition is SPECULATION (DESIGN.md: "conditionals, open questions"), whatever
/// evaluative words it holds, so its distribution is mixed with this much certainty of
/// speculation, the same way as [`REPORTED_FACT_WEIGHT`] (which still wins for a reported
/// question or condition: what was said is the fact a checker verifies). The heads alone rank
/// such sentences as opinion (the CheckThat! data marks rhetorical questions subjective), and
/// lexical evidence of any weight that keeps ordinary sentences right does not overturn that.
const HYPOTHETICAL_WEIGHT: f64 = 0.6;

/// Everything the label stage decides for one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceLabel {
    /// The label with the highest probability.
    pub label: Label,
    /// Probabilities (sum to 1) and check-worthiness.
    pub scores: SentenceScores,
    /// `;`-separated words that drove a speculation/opinion label (or hedge a reported fact).
    pub cues: String,
    /// The source the sentence credits on its own (byte offsets into the sentence). The
    /// document stage ([`discourse`]) resolves pronouns and role nouns and carries a
    /// quotation's speaker across its sentences.
    pub credit: Option<attribution::Attribution>,
    /// Probability that the row asserts nothing (0 without the news head). The three claim
    /// probabilities in `scores` are the row read as a claim and sum to 1 on their own.
    pub p_none: f64,
}

impl SentenceLabel {
    /// The four probabilities of fact, speculation, opinion and none (summing to 1).
    pub fn four_way(&self) -> [f64; 4] {
        let claim = 1.0 - self.p_none;
        let s = &self.scores;
        [
            s.p_fact * claim,
            s.p_speculation * claim,
            s.p_opinion * claim,
            self.p_none,
        ]
    }

    /// Probability of the chosen label.
    pub fn confidence(&self) -> f64 {
        let claim = 1.0 - self.p_none;
        match self.label {
            Label::Fact => self.scores.p_fact * claim,
            Label::Speculation => self.scores.p_speculation * claim,
            Label::Opinion => self.scores.p_opinion * claim,
            Label::None => self.p_none,
        }
    }
}

/// The news head's evidence for one sentence: the head, and the logits the encoder side
/// computed for it ([`crate::model::SentenceAnalysis::news`]).
#[derive(Debug, Clone, Copy)]
pub struct NewsEvidence<'a> {
    /// The head (its rule weights apply here).
    pub head: &'a NewsHead,
    /// The encoder's part of the four logits.
    pub encoder_logits: [f64; 4],
    /// The cased labeller's four probabilities (`--labels accurate`): averaged with the
    /// head's before the rules below apply.
    pub cased: Option<[f64; 4]>,
    /// The cased labeller's weight in that average ([`CASED_LABELLER_WEIGHT`] in `annotate`;
    /// `eval labels --labeller-weight` may try others).
    pub cased_weight: f64,
}

/// The cased labeller's weight in the `--labels accurate` average (the news head has the
/// rest). Chosen by the rule in models/README.md ("claimscan-cased-news/").
pub const CASED_LABELLER_WEIGHT: f64 = 0.6;

/// Weight of the lexical speculation evidence ([`cues::Cues::speculation_score`], 0..1) added to the
/// speculation logit of the three-way distribution: one modal, future or hedge cue multiplies
/// the odds of speculation against both fact and opinion by about e (2.7), two by about e^1.5.
/// Against fact this is the news usage the Wikipedia training data leaves unmarked (modal and
/// future predictions, conditionals, open questions); against opinion it is DESIGN.md's rule
/// that a hedged or future main claim is speculation even when evaluative words surround it
/// ("is likely to result in", "will undoubtedly have profound implications"). There is no
/// labelled news speculation data to fit the weight on; the figures `claimscan eval labels
/// --with-cues` gives for it are in models/README.md. Opinion cues add nothing to the opinion
/// side: an earlier version that weighted them barely moved CheckThat! macro-F1, and evaluative
/// words around a checkable core must not turn a fact into an opinion.
pub const SPECULATION_CUE_WEIGHT: f64 = 2.0;

/// The heads' distribution with the sentence's speculation cues as extra evidence: the
/// speculation probability is scaled by `exp(SPECULATION_CUE_WEIGHT × evidence)` and the
/// three renormalised, so fact and opinion keep their ratio.
pub fn with_cue_evidence(model: SentenceScores, found: &cues::Cues) -> SentenceScores {
    let boost = (SPECULATION_CUE_WEIGHT * f64::from(found.speculation_score())).exp();
    let speculation = model.p_speculation * boost;
    let total = model.p_fact + speculation + model.p_opinion;
    if total <= 0.0 {
        return model;
    }
    SentenceScores {
        p_fact: model.p_fact / total,
        p_speculation: speculation / total,
        p_opinion: model.p_opinion / total,
        checkworthy: model.checkworthy,
    }
}

/// True when the sentence as a whole is hypothetical: it ends in a question mark (an open
/// question), or its first word opens a condition ("Should tensions escalate, …", "If the deal
/// fails, …", "Were Iran to …").
fn is_hypothetical(text: &str, found: &cues::Cues) -> bool {
    let closers = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | ']');
    let body_end = text.trim_end_matches(closers).len();
    let first_word = text.len()
        - text
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    found.speculation.iter().any(|c| match c.kind {
        cues::CueKind::Question => c.text == "?" && c.end == body_end,
        cues::CueKind::Conditional => c.start == first_word,
        _ => false,
    })
}

/// Mixes `scores` with `weight` certainty of `label` (the rest keeps the model's view).
fn with_certainty(scores: SentenceScores, label: Label, weight: f64) -> SentenceScores {
    let keep = 1.0 - weight;
    let bonus = |l: Label| if l == label { weight } else { 0.0 };
    SentenceScores {
        p_fact: keep * scores.p_fact + bonus(Label::Fact),
        p_speculation: keep * scores.p_speculation + bonus(Label::Speculation),
        p_opinion: keep * scores.p_opinion + bonus(Label::Opinion),
        checkworthy: scores.checkworthy,
    }
}

/// Openings of a fronted concessive clause: what it concedes is not the sentence's claim.
const CONCESSIVE_OPENINGS: &[&str] = &[
    "while ",
    "although ",
    "though ",
    "even though ",
    "whereas ",
    "despite ",
    "in spite of ",
];

/// Byte offset where the main clause begins: after the first comma of a fronted concessive
/// clause ("While initial reports hinted at a defence pact, the final text …"), else 0.
fn main_clause_start(text: &str) -> usize {
    let lower = text.trim_start().to_lowercase();
    let lead = text.len() - text.trim_start().len();
    if !CONCESSIVE_OPENINGS.iter().any(|o| lower.starts_with(o)) {
        return 0;
    }
    // `to_lowercase` can change byte lengths, so the comma is looked up in the text itself.
    text[lead..].find(", ").map_or(0, |comma| lead + comma + 1)
}

/// The cues that count as evidence about the main claim: speculation cues inside a fronted
/// concessive clause are left out (DESIGN.md: the label is the status of the main assertion).
fn main_clause_cues(text: &str, found: &cues::Cues) -> cues::Cues {
    let start = main_clause_start(text);
    cues::Cues {
        speculation: found
            .speculation
            .iter()
            .filter(|c| c.start >= start)
            .cloned()
            .collect(),
        opinion: found.opinion.clone(),
    }
}

/// Labels one sentence from its model scores and its text, with the news head when there is
/// one ([`label_news`]), else from the three task heads and the cue rules.
///
/// `boilerplate` says the segmenter classed the row as navigation, share buttons or a call to
/// action (`block` = `boilerplate`): with the news head such a row is NONE (DESIGN.md), mixed
/// with certainty the way reported statements are, since the head reads sentences without
/// their layout.
pub fn label_with(
    text: &str,
    model: SentenceScores,
    news: Option<NewsEvidence>,
    boilerplate: bool,
) -> SentenceLabel {
    match news {
        Some(evidence) => label_news(text, model.checkworthy, evidence, boilerplate),
        None => label_sentence(text, model),
    }
}

/// Weight of the boilerplate rule of [`label_with`]: enough to decide the label, leaving the
/// head's own view visible in the probabilities.
const BOILERPLATE_NONE_WEIGHT: f64 = 0.6;

/// The news head's decision: one softmax over fact, speculation, opinion and none, from the
/// encoder's logits plus the lexical features of [`news::features`]. `p_fact`,
/// `p_speculation` and `p_opinion` are the claim labels renormalised (the row read as a claim);
/// cues and attribution explain the label as in [`label_sentence`].
pub fn label_news(
    text: &str,
    checkworthy: f64,
    evidence: NewsEvidence,
    boilerplate: bool,
) -> SentenceLabel {
    let NewsReading {
        found,
        credit,
        features,
    } = NewsReading::of(text);
    let rules = evidence.head.rule_logits(&features);
    let mut p = softmax(std::array::from_fn(|k| {
        evidence.encoder_logits[k] + rules[k]
    }));
    if let Some(cased) = evidence.cased {
        // Two encoders that err differently, averaged.
        let w = evidence.cased_weight;
        p = std::array::from_fn(|k| (1.0 - w) * p[k] + w * cased[k]);
    }
    if boilerplate {
        p = mixed_toward(p, NONE, BOILERPLATE_NONE_WEIGHT);
    }
    if credit.as_ref().is_some_and(|a| a.kind.is_vague()) && !boilerplate {
        p = mixed_toward(p, SPECULATION, VAGUE_SOURCE_WEIGHT);
    }
    let (label, scores) = decide(p, checkworthy);
    let cues = explaining_cues(label, &found, credit.as_ref());
    SentenceLabel {
        label,
        scores,
        cues,
        credit,
        p_none: p[3],
    }
}

/// Positions of the four labels in a probability array.
const FACT: usize = 0;
const SPECULATION: usize = 1;
const NONE: usize = 3;

/// `p` with `weight` of certainty of label `target` mixed in: a rule that decides the label
/// while the model's own view stays visible in the probabilities.
fn mixed_toward(p: [f64; 4], target: usize, weight: f64) -> [f64; 4] {
    let keep = 1.0 - weight;
    std::array::from_fn(|k| p[k] * keep + if k == target { weight } else { 0.0 })
}

/// The most probable of fact, speculation, opinion and none (ties go to the less severe
/// reading, as in `argmax`), and the three claim probabilities renormalised.
fn decide(p: [f64; 4], checkworthy: f64) -> (Label, SentenceScores) {
    let claim = (p[0] + p[1] + p[2]).max(f64::MIN_POSITIVE);
    let scores = SentenceScores {
        p_fact: p[0] / claim,
        p_speculation: p[1] / claim,
        p_opinion: p[2] / claim,
        checkworthy,
    };
    let mut label = (Label::Fact, p[0]);
    for candidate in [
        (Label::Speculation, p[1]),
        (Label::Opinion, p[2]),
        (Label::None, p[3]),
    ] {
        if candidate.1 > label.1 {
            label = candidate;
        }
    }
    (label.0, scores)
}

/// A sentence that credits nobody on its own but belongs to a quotation whose speaker the
/// document names, or stands under a press digest's paper heading ([`discourse`]), is a
/// reported statement: FACT from a named source, SPECULATION from a vague one (DESIGN.md),
/// mixed with the sentence's own reading as the vague-source rule is. Other sentences come
/// back unchanged.
pub fn with_document_source(
    text: &str,
    label: SentenceLabel,
    source: Option<&discourse::Source>,
) -> SentenceLabel {
    let Some(source) = source else {
        return label;
    };
    let carried = matches!(
        source.resolution,
        discourse::Resolution::Quotation | discourse::Resolution::DigestHeading
    );
    if label.credit.is_some() || !carried {
        return label;
    }
    let p = label.four_way();
    let target = if source.kind.is_vague() {
        SPECULATION
    } else {
        FACT
    };
    let p = mixed_toward(p, target, VAGUE_SOURCE_WEIGHT);
    let (chosen, scores) = decide(p, label.scores.checkworthy);
    let cues = if chosen == label.label {
        label.cues
    } else {
        explaining_cues(chosen, &cues::find_cues(text), None)
    };
    SentenceLabel {
        label: chosen,
        scores,
        cues,
        credit: None,
        p_none: p[3],
    }
}

/// The row's label after the layout head ([`crate::model::layout`]): its final probabilities
/// from those the label and document stages gave it and its place on the page (`block`,
/// whether it is the document's first row). A row whose label changes gets the cues that
/// explain its new label; a row of a block the head does not read is left as it is.
pub fn with_layout(
    text: &str,
    label: SentenceLabel,
    block: Block,
    first_row: bool,
    head: &LayoutHead,
) -> SentenceLabel {
    if !head.reads(block) {
        return label;
    }
    let p = head.probabilities(label.four_way(), &RowLayout::of(text, block, first_row));
    let (chosen, scores) = decide(p, label.scores.checkworthy);
    let cues = if chosen == label.label {
        label.cues
    } else {
        explaining_cues(chosen, &cues::find_cues(text), label.credit.as_ref())
    };
    SentenceLabel {
        label: chosen,
        scores,
        cues,
        p_none: p[3],
        ..label
    }
}

/// Weight of the vague-source rule: a claim credited to nobody in particular ("officials
/// said", "reportedly") is SPECULATION (DESIGN.md), mixed in the way the boilerplate rule is.
const VAGUE_SOURCE_WEIGHT: f64 = 0.6;

/// The `cues` column: the words that drove a speculation or opinion label, the vague source
/// of a vague claim, and for a reported fact whether its content is itself hedged.
fn explaining_cues(
    label: Label,
    found: &cues::Cues,
    credit: Option<&attribution::Attribution>,
) -> String {
    let vague = credit.filter(|a| a.kind.is_vague());
    match label {
        Label::Speculation => {
            let words = found.joined("speculation");
            match vague {
                Some(a) if words.is_empty() => a.source.clone(),
                Some(a) => format!("{};{words}", a.source),
                None => words,
            }
        }
        Label::Opinion => found.joined("opinion"),
        Label::Fact if credit.is_some() => found.joined("speculation"),
        Label::Fact | Label::None => String::new(),
    }
}

/// What the label stage reads in a sentence for the news head.
struct NewsReading {
    found: cues::Cues,
    credit: Option<attribution::Attribution>,
    features: [f64; news::FEATURE_NAMES.len()],
}

impl NewsReading {
    fn of(text: &str) -> Self {
        let found = cues::find_cues(text);
        let credit = news::credit(text);
        let features = news::features(text, &main_clause_cues(text, &found), credit.as_ref());
        NewsReading {
            found,
            credit,
            features,
        }
    }
}

/// The news head's lexical inputs for `text`, exactly as [`label_news`] computes them
/// (`claimscan train-news` fits the head on these).
pub fn news_rule_features(text: &str) -> [f64; news::FEATURE_NAMES.len()] {
    NewsReading::of(text).features
}

/// Labels one sentence from its model scores and its text (the task heads and cue rules).
pub fn label_sentence(text: &str, model: SentenceScores) -> SentenceLabel {
    let found = cues::find_cues(text);
    let mut scores = with_cue_evidence(model, &main_clause_cues(text, &found));
    if is_hypothetical(text, &found) {
        scores = with_certainty(scores, Label::Speculation, HYPOTHETICAL_WEIGHT);
    }
    let credit = attribution::find_attribution(text);
    match credit.as_ref().map(|a| a.kind) {
        Some(kind) if kind.is_vague() => {
            scores = with_certainty(scores, Label::Speculation, VAGUE_SOURCE_WEIGHT);
        }
        Some(_) => scores = with_certainty(scores, Label::Fact, REPORTED_FACT_WEIGHT),
        None => {}
    }
    let label = argmax(&scores);
    let cues = explaining_cues(label, &found, credit.as_ref());
    SentenceLabel {
        label,
        scores,
        cues,
        credit,
        p_none: 0.0,
    }
}

/// The most probable label; ties go to fact, then speculation (the less severe reading).
pub fn argmax(scores: &SentenceScores) -> Label {
    let mut best = (Label::Fact, scores.p_fact);
    for candidate in [
        (Label::Speculation, scores.p_speculation),
        (Label::Opinion, scores.p_opinion),
    ] {
        if candidate.1 > best.1 {
            best = candidate;
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::heads::combine;
    use attribution::SourceKind;

    #[test]
    fn reported_statement_is_fact_and_still_sums_to_one() {
        let model = combine(0.7, 0.2, 0.5);
        let out = label_sentence(
            "The agreement will reshape the region, the state TASS news agency reported.",
            model,
        );
        assert_eq!(out.label, Label::Fact);
        assert_eq!(out.credit.map(|a| a.source).as_deref(), Some("TASS"));
        let s = out.scores;
        assert!((s.p_fact + s.p_speculation + s.p_opinion - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_quotations_speaker_makes_its_sentences_reported_statements() {
        let text = "This ruling is a disgrace.";
        let alone = label_sentence(text, combine(0.9, 0.1, 0.5));
        assert_eq!(alone.label, Label::Opinion);
        let source = |kind, resolution| discourse::Source {
            start: 0,
            end: 3,
            kind,
            resolution,
        };
        let named = source(SourceKind::Named, discourse::Resolution::Quotation);
        let out = with_document_source(text, alone.clone(), Some(&named));
        assert_eq!(out.label, Label::Fact);
        let s = out.scores;
        assert!((s.p_fact + s.p_speculation + s.p_opinion - 1.0).abs() < 1e-9);
        let vague = source(SourceKind::Vague, discourse::Resolution::Quotation);
        assert_eq!(
            with_document_source(text, alone.clone(), Some(&vague)).label,
            Label::Speculation
        );
        // A source the sentence names itself was already weighed by the sentence's label.
        let own = source(SourceKind::Named, discourse::Resolution::InSentence);
        assert_eq!(
            with_document_source(text, alone, Some(&own)).label,
            Label::Opinion
        );
    }

    #[test]
    fn speculation_cues_take_mass_from_fact_and_opinion_alike() {
        let model = combine(0.5, 0.4, 0.3);
        let text = "A new treaty is likely to result in closer ties.";
        let out = with_cue_evidence(model, &cues::find_cues(text));
        assert!(out.p_speculation > model.p_speculation);
        assert!(out.p_fact < model.p_fact && out.p_opinion < model.p_opinion);
        let ratio = |s: &SentenceScores| s.p_fact / s.p_opinion;
        assert!((ratio(&out) - ratio(&model)).abs() < 1e-12);
        assert!((out.p_fact + out.p_speculation + out.p_opinion - 1.0).abs() < 1e-12);
        assert_eq!(out.checkworthy, model.checkworthy);
    }

    #[test]
    fn a_sentence_without_speculation_cues_keeps_the_model_scores() {
        let model = combine(0.6, 0.3, 0.5);
        let text = "The treaty consists of 47 articles.";
        assert_eq!(with_cue_evidence(model, &cues::find_cues(text)), model);
    }

    #[test]
    fn a_future_main_claim_is_speculation_despite_a_booster() {
        // DESIGN.md's example: the model leans to opinion, the future claim decides.
        let model = combine(0.5, 0.45, 0.4);
        let text = "The partnership will undoubtedly have profound regional implications.";
        let out = label_sentence(text, model);
        assert_eq!(out.label, Label::Speculation);
        assert!(out.cues.split(';').any(|c| c == "will"), "{}", out.cues);
    }

    #[test]
    fn hedges_in_a_fronted_concessive_clause_are_not_evidence() {
        let text = "While early reports hinted at a defence pact, the final text has none.";
        let found = cues::find_cues(text);
        assert!(found.speculation.iter().any(|c| c.text == "hinted"));
        assert!(main_clause_cues(text, &found).speculation.is_empty());
        let model = combine(0.1, 0.3, 0.5);
        assert_eq!(label_sentence(text, model).label, Label::Fact);
        // A hedge in the main clause still counts.
        let text = "While both sides want closer ties, they may avoid a defence clause.";
        let found = cues::find_cues(text);
        assert_eq!(main_clause_cues(text, &found).joined("speculation"), "may");
        // Without a concessive opening every cue counts.
        let text = "Reports hinted at a pact, and the text may include one.";
        let found = cues::find_cues(text);
        assert_eq!(main_clause_cues(text, &found), found);
    }

    #[test]
    fn open_questions_and_fronted_conditions_are_speculation() {
        let opinionated = combine(0.8, 0.2, 0.5);
        for text in [
            "Will it lead to a more overt military alliance, even without a formal clause?",
            "Should tensions escalate further, the practical implications could become clearer.",
            "If the talks collapse, the damage to the region would be devastating.",
            "\"Is this the end of the old order?\"",
        ] {
            let out = label_sentence(text, opinionated);
            assert_eq!(out.label, Label::Speculation, "{text}");
            let s = out.scores;
            assert!((s.p_fact + s.p_speculation + s.p_opinion - 1.0).abs() < 1e-9);
        }
        // A question inside the sentence, a condition later on, or a reported question is not.
        for (text, label) in [
            ("His \"why now?\" remark was a cheap shot.", Label::Opinion),
            ("The deal is a disaster if you ask me.", Label::Opinion),
            (
                "Will the treaty hold, the state TASS news agency asked?",
                Label::Fact,
            ),
        ] {
            assert_eq!(label_sentence(text, opinionated).label, label, "{text}");
        }
    }

    #[test]
    fn argmax_picks_highest() {
        assert_eq!(argmax(&combine(0.1, 0.8, 0.0)), Label::Speculation);
        assert_eq!(argmax(&combine(0.9, 0.0, 0.0)), Label::Opinion);
        assert_eq!(argmax(&combine(0.1, 0.1, 0.0)), Label::Fact);
    }
}
