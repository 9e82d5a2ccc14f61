//! `claimscan eval labels`: scores a sentence head on a labelled file with the task's
//! standard measure (macro-F1 for opinion, F1 of the positive class otherwise).

use std::path::Path;

use serde::Serialize;

use crate::classify::Label;
use crate::datasets::{self, ClassScores, Example, Split};
use crate::model::ClaimModel;
use crate::train::Task;

/// Which rows of the file to score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalSplit {
    /// Every row.
    All,
    /// Only the held-out dev rows of a file that has no official dev split (the Wikipedia
    /// uncertainty file: see [`datasets::weasel_split`]).
    Dev,
    /// Only the calibration rows of a training file (used to choose decision settings): the
    /// rows `claimscan train` held out of training for that purpose.
    Calibration,
}

/// Scores of one evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct LabelScores {
    /// Task name.
    pub task: &'static str,
    /// Rows scored.
    pub examples: usize,
    /// Positive rows in gold.
    pub positives: usize,
    /// Positive class (SUBJ / uncertain / check-worthy).
    pub positive: ClassScores,
    /// Negative class.
    pub negative: ClassScores,
    /// Mean F1 of both classes.
    pub macro_f1: f64,
    /// The task's standard measure.
    pub headline: f64,
    /// Name of the standard measure.
    pub headline_name: &'static str,
}

/// Reads the examples of `task` from `file`.
pub fn read_examples(task: Task, file: &Path, split: EvalSplit) -> Result<Vec<Example>, String> {
    let all = match task {
        Task::Opinion => datasets::read_subjectivity(file)?,
        Task::Checkworthy => datasets::read_checkworthy(file)?,
        Task::Speculation => datasets::read_weasel(file)?,
        Task::Entities => {
            return Err("entities are scored with `claimscan eval ner FILE.conll`".into())
        }
        Task::News => {
            return Err(
                "the news labels are scored with `claimscan eval labels --task news`".into(),
            )
        }
    };
    Ok(match (task, split) {
        (Task::Speculation, EvalSplit::Dev) => all
            .into_iter()
            .enumerate()
            .filter(|(i, _)| datasets::weasel_split(*i) == Split::Dev)
            .map(|(_, e)| e)
            .collect(),
        (_, EvalSplit::Calibration) => all
            .into_iter()
            .enumerate()
            .filter(|(i, _)| {
                let split = if task == Task::Speculation {
                    datasets::weasel_split(*i)
                } else {
                    datasets::calibration_split(*i)
                };
                split == Split::Calibration
            })
            .map(|(_, e)| e)
            .collect(),
        _ => all,
    })
}

/// Scores predictions against gold for `task`.
pub fn score(task: Task, gold: &[bool], predicted: &[bool]) -> LabelScores {
    let positive = datasets::class_scores(gold, predicted, true);
    let negative = datasets::class_scores(gold, predicted, false);
    let macro_f1 = (positive.f1 + negative.f1) / 2.0;
    let (headline, headline_name) = if task == Task::Opinion {
        (macro_f1, "macro-F1")
    } else {
        (positive.f1, "F1 (positive class)")
    };
    LabelScores {
        task: task.name(),
        examples: gold.len(),
        positives: gold.iter().filter(|&&g| g).count(),
        positive,
        negative,
        macro_f1,
        headline,
        headline_name,
    }
}

/// Runs the model over `examples` and scores the head of `task`. With `with_cues`, the
/// decision is the annotate pipeline's label (all three heads, cue evidence and attribution,
/// see [`crate::classify::label_sentence`]): a sentence counts as positive when its label is
/// the task's class. Without, the head's own probability at 0.5. Check-worthiness has no cue
/// evidence and is scored from its head either way. With `probabilities`, each example's
/// calibrated head probability of the task's class is written there, one per line.
/// `labeller_weight` is the cased labeller's share of the accurate average.
pub fn evaluate(
    model: &ClaimModel,
    task: Task,
    examples: &[Example],
    with_cues: bool,
    probabilities: Option<&Path>,
    labeller_weight: f64,
) -> anyhow::Result<LabelScores> {
    // Created before the model runs, so a bad path fails at once.
    let file = probabilities
        .map(|out| {
            std::fs::File::create(out)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
        })
        .transpose()?;
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let embeddings = model.embed(&texts)?;
    let _guard = tch::no_grad_guard();
    let [opinion, speculation, checkworthy] = model
        .heads
        .task_probabilities(&embeddings, model.calibration())?;
    // The annotate decision needs the news head's encoder logits, from annotate's own pass.
    // Per row: the news head's encoder logits and the cased labeller's probabilities.
    type Rows = Vec<Option<[f64; 4]>>;
    let (news_logits, cased_news): (Rows, Rows) = if with_cues && model.news.is_some() {
        model
            .analyse(&texts)?
            .into_iter()
            .map(|a| (a.news, a.cased_news))
            .unzip()
    } else {
        (vec![None; texts.len()], vec![None; texts.len()])
    };
    let predicted: Vec<bool> =
        (0..examples.len())
            .map(|i| {
                let label =
                    || {
                        let scores = crate::model::heads::combine(opinion[i], speculation[i], 0.0);
                        let evidence = model.news.as_ref().zip(news_logits[i]).map(
                            |(head, encoder_logits)| crate::classify::NewsEvidence {
                                head,
                                encoder_logits,
                                cased: cased_news[i],
                                cased_weight: labeller_weight,
                            },
                        );
                        crate::classify::label_with(texts[i], scores, evidence, false).label
                    };
                match (task, with_cues) {
                    (Task::Opinion, false) => opinion[i] >= 0.5,
                    (Task::Speculation, false) => speculation[i] >= 0.5,
                    (Task::Opinion, true) => label() == Label::Opinion,
                    (Task::Speculation, true) => label() == Label::Speculation,
                    _ => checkworthy[i] >= 0.5,
                }
            })
            .collect();
    if let (Some(mut file), Some(out)) = (file, probabilities) {
        let head = match task {
            Task::Opinion => &opinion,
            Task::Speculation => &speculation,
            _ => &checkworthy,
        };
        let text: String = head.iter().map(|p| format!("{p:.6}\n")).collect();
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    }
    let gold: Vec<bool> = examples.iter().map(|e| e.positive).collect();
    Ok(score(task, &gold, &predicted))
}

/// `eval labels --task news`: the annotate decision (news head, cues and attribution; the
/// three task heads and cue rules when no news head is trained) on the team's labelled news
/// export, scored 4-way; `labeller_weight` is the cased labeller's share of the accurate
/// average.
pub fn evaluate_news(
    model: &ClaimModel,
    examples: &[crate::train_news::NewsExample],
    labeller_weight: f64,
) -> anyhow::Result<NewsEvaluation> {
    use crate::model::news::NEWS_LABELS;
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let analysed = model.analyse(&texts)?;
    let predicted: Vec<usize> = texts
        .iter()
        .zip(analysed)
        .map(|(t, a)| {
            let evidence = model
                .news
                .as_ref()
                .zip(a.news)
                .map(|(head, encoder_logits)| crate::classify::NewsEvidence {
                    head,
                    encoder_logits,
                    cased: a.cased_news,
                    cased_weight: labeller_weight,
                });
            let label = crate::classify::label_with(t, a.scores, evidence, false).label;
            NEWS_LABELS
                .iter()
                .position(|l| *l == label.as_str())
                .unwrap_or(0)
        })
        .collect();
    Ok(NewsEvaluation::of(examples, predicted))
}

/// `eval labels --task news --in-documents`: the labels `claimscan annotate` writes when each
/// document of the export (its rows of one source and document, in order; a CheckThat! or
/// debate row is a document of one line) is annotated whole, one sentence per line. Unlike
/// [`evaluate_news`], this includes what the document stage adds: the speaker of a quotation
/// that runs over sentences, the paper heading a press digest's items, the layout classes.
pub fn evaluate_news_in_documents(
    examples: &[crate::train_news::NewsExample],
    models_dir: &std::path::Path,
    precision: crate::model::Precision,
    mode: crate::model::LabelMode,
) -> anyhow::Result<NewsEvaluation> {
    use crate::model::news::NEWS_LABELS;
    // Consecutive rows of one document form one input file.
    let mut documents: Vec<Vec<usize>> = Vec::new();
    for (i, e) in examples.iter().enumerate() {
        match documents.last_mut() {
            Some(d) if examples[d[0]].source == e.source && examples[d[0]].doc == e.doc => {
                d.push(i)
            }
            _ => documents.push(vec![i]),
        }
    }
    let lines: Vec<Vec<&str>> = documents
        .iter()
        .map(|rows| rows.iter().map(|&i| examples[i].text.as_str()).collect())
        .collect();
    let labels =
        super::documents::annotate_lines(&lines, models_dir, (precision, mode), "label", "news")
            .map_err(anyhow::Error::msg)?;
    let mut predicted = vec![0usize; examples.len()];
    for (rows, got) in documents.iter().zip(&labels) {
        for (&i, l) in rows.iter().zip(got) {
            predicted[i] = NEWS_LABELS.iter().position(|x| x == l).unwrap_or(0);
        }
    }
    Ok(NewsEvaluation::of(examples, predicted))
}

/// The outcome of a news evaluation: each row's predicted label (an index into
/// `NEWS_LABELS`, in the export's order) and the scores of all rows, then of each source.
pub struct NewsEvaluation {
    /// Each row's predicted label, an index into `NEWS_LABELS`.
    pub predicted: Vec<usize>,
    /// Scores of all rows (named "all"), then of each source.
    pub by_source: Vec<(String, crate::train_news::NewsScores)>,
}

impl NewsEvaluation {
    fn of(examples: &[crate::train_news::NewsExample], predicted: Vec<usize>) -> Self {
        let by_source = scores_by_source(examples, &predicted);
        NewsEvaluation {
            predicted,
            by_source,
        }
    }

    /// Writes `item_id, source, gold, predicted` for every scored row (TSV, with a header),
    /// so a reader can see which sentences a mode gets wrong.
    pub fn write_predictions(
        &self,
        examples: &[crate::train_news::NewsExample],
        path: &Path,
    ) -> anyhow::Result<()> {
        use crate::model::news::NEWS_LABELS;
        use anyhow::Context;
        let mut text = String::from("item_id\tsource\tgold\tpredicted\n");
        for (e, &p) in examples.iter().zip(&self.predicted) {
            text += &format!(
                "{}\t{}\t{}\t{}\n",
                e.item_id, e.source, NEWS_LABELS[e.label], NEWS_LABELS[p]
            );
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Scores of all rows, then of each source.
fn scores_by_source(
    examples: &[crate::train_news::NewsExample],
    predicted: &[usize],
) -> Vec<(String, crate::train_news::NewsScores)> {
    let gold: Vec<usize> = examples.iter().map(|e| e.label).collect();
    let mut out = vec![(
        "all".to_string(),
        crate::train_news::news_scores(&gold, predicted),
    )];
    let mut sources: Vec<&str> = examples.iter().map(|e| e.source.as_str()).collect();
    sources.sort();
    sources.dedup();
    for source in sources {
        let idx: Vec<usize> = (0..examples.len())
            .filter(|&i| examples[i].source == source)
            .collect();
        let g: Vec<usize> = idx.iter().map(|&i| gold[i]).collect();
        let p: Vec<usize> = idx.iter().map(|&i| predicted[i]).collect();
        out.push((source.to_string(), crate::train_news::news_scores(&g, &p)));
    }
    out
}
