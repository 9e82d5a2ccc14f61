//! The annotate pipeline: read → segment → encode → label / entities → write.
//!
//! Documents stream through in bounded chunks, so memory does not grow with corpus size.
//! Inside a chunk the CPU-only stages (segmentation, rules, cues, attribution) run in parallel
//! with rayon, then every sentence of the chunk goes through the encoder in length-sorted
//! batches (one transformer pass per distinct sentence text, across documents). Output order
//! is input order, whatever the thread count.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::classify::{self, Label, SentenceLabel};
use crate::document::{CharOffsets, Document, SentenceSpan};
use crate::entities::{self, EntityMention};
use crate::input::{self, InputItem, InputOptions};
use crate::model::{ClaimModel, ModelError, SentenceAnalysis};
use crate::output::{self, CsvOutputs, DocStatus, DocumentRow, EntityRow, SentenceRow};
use crate::segment;

/// Documents read before the chunk is processed. Bounded so memory stays flat.
const CHUNK_DOCUMENTS: usize = 256;
/// Bytes of text read before the chunk is processed, whatever the document count.
const CHUNK_BYTES: usize = 4 << 20;
/// Distinct sentences whose scores are remembered across chunks (duplicate boilerplate,
/// repeated wire copy). Cleared when full so memory stays bounded.
const SCORE_CACHE_LIMIT: usize = 200_000;

/// Everything `claimscan annotate` needs.
#[derive(Debug, Clone)]
pub struct AnnotateOptions {
    /// Files, directories or `-`.
    pub inputs: Vec<PathBuf>,
    /// How to read them.
    pub input: InputOptions,
    /// Output directory.
    pub out_dir: PathBuf,
    /// Directory holding the models.
    pub models_dir: PathBuf,
    /// Worker threads for rayon and libtorch; all cores when None.
    pub threads: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
}

/// Why a run could not complete (as opposed to a document that failed).
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// Bad command-line inputs.
    #[error("{0}")]
    Input(#[from] input::InputError),
    /// Models missing or broken.
    #[error("{0}")]
    Model(#[from] ModelError),
    /// Output could not be written.
    #[error("cannot write output in {dir}: {source}")]
    Output {
        /// Output directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Thread pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Counts written to run.json and reported to the caller.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunCounts {
    /// Documents seen (ok + empty + error).
    pub documents: usize,
    /// Documents processed.
    pub ok: usize,
    /// Documents with no text.
    pub empty: usize,
    /// Documents that could not be read.
    pub errors: usize,
    /// Sentences written.
    pub sentences: usize,
    /// Sentences per label.
    pub facts: usize,
    /// Sentences labelled speculation.
    pub speculations: usize,
    /// Sentences labelled opinion.
    pub opinions: usize,
    /// Entities written.
    pub entities: usize,
    /// Sentences longer than the encoder's limit (labelled from their first tokens).
    pub truncated_sentences: usize,
    /// Sentences answered from the duplicate cache instead of the encoder.
    pub cached_sentences: usize,
}

/// run.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// claimscan version.
    pub version: &'static str,
    /// Model identifiers.
    pub models: serde_json::Value,
    /// Inputs as given.
    pub inputs: Vec<String>,
    /// Input format requested.
    pub input_format: String,
    /// Worker threads used.
    pub threads: usize,
    /// Counts.
    pub counts: RunCounts,
    /// Wall-clock seconds for the whole run, model loading included.
    pub elapsed_seconds: f64,
    /// Sentences per second over the whole run.
    pub sentences_per_second: f64,
}

/// A document after the CPU stages, waiting for its model scores.
struct Analysed {
    doc: Document,
    spans: Vec<SentenceSpan>,
    entities: Vec<Vec<EntityMention>>,
}

/// An input item after the CPU stages.
enum Pending {
    Doc(Analysed),
    Failed(input::FailedInput),
}

fn analyse(doc: Document) -> Analysed {
    let spans = if doc.presplit {
        segment::split_lines(&doc.text)
    } else {
        segment::segment(&doc.text)
    };
    let entities = spans
        .iter()
        .map(|s| entities::rule_entities(&doc.text[s.start..s.end]))
        .collect();
    Analysed {
        doc,
        spans,
        entities,
    }
}

/// Remembers the model's analysis of sentence texts already seen in this run.
#[derive(Default)]
struct AnalysisCache {
    scores: HashMap<String, SentenceAnalysis>,
}

impl AnalysisCache {
    /// Analyses every sentence of the chunk, encoding only texts not seen before.
    fn resolve(
        &mut self,
        model: &ClaimModel,
        texts: &[&str],
        counts: &mut RunCounts,
    ) -> Result<Vec<SentenceAnalysis>, ModelError> {
        let mut missing: Vec<&str> = Vec::new();
        let mut seen_in_chunk: HashMap<&str, ()> = HashMap::new();
        for &t in texts {
            if !self.scores.contains_key(t) && seen_in_chunk.insert(t, ()).is_none() {
                missing.push(t);
            }
        }
        counts.cached_sentences += texts.len() - missing.len();
        if self.scores.len() + missing.len() > SCORE_CACHE_LIMIT {
            self.scores.clear();
        }
        let analysed = model.analyse(&missing)?;
        for (t, a) in missing.iter().zip(analysed) {
            self.scores.insert((*t).to_string(), a);
        }
        Ok(texts
            .iter()
            .filter_map(|t| self.scores.get(*t).cloned())
            .collect())
    }
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Runs `claimscan annotate`. Returns the run report; documents that failed are counted in it.
pub fn annotate(opts: &AnnotateOptions) -> Result<RunReport, AnnotateError> {
    let started = Instant::now();
    let threads = opts
        .threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    tch::set_num_threads(threads as i32);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| AnnotateError::Threads(e.to_string()))?;

    let sources = input::discover(&opts.inputs, &opts.input)?;
    let model = ClaimModel::load(&opts.models_dir)?;
    let out_err = |source: std::io::Error| AnnotateError::Output {
        dir: opts.out_dir.clone(),
        source,
    };
    let mut outputs = CsvOutputs::create(&opts.out_dir).map_err(out_err)?;

    let bar = progress_bar(opts.quiet);
    let mut counts = RunCounts::default();
    let mut cache = AnalysisCache::default();
    let mut items = input::read_documents(sources, &opts.input).peekable();
    while items.peek().is_some() {
        let mut chunk = Vec::new();
        let mut bytes = 0usize;
        while chunk.len() < CHUNK_DOCUMENTS && bytes < CHUNK_BYTES {
            let Some(item) = items.next() else { break };
            if let InputItem::Document(d) = &item {
                bytes += d.text.len();
            }
            chunk.push(item);
        }
        let pending: Vec<Pending> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|item| match item {
                    InputItem::Document(doc) => Pending::Doc(analyse(doc)),
                    InputItem::Failed(f) => Pending::Failed(f),
                })
                .collect()
        });
        let texts: Vec<&str> = pending
            .iter()
            .filter_map(|p| match p {
                Pending::Doc(a) => Some(a),
                Pending::Failed(_) => None,
            })
            .flat_map(|a| a.spans.iter().map(|s| &a.doc.text[s.start..s.end]))
            .collect();
        let analysed = cache.resolve(&model, &texts, &mut counts)?;
        counts.truncated_sentences += analysed.iter().filter(|a| a.truncated).count();
        let labelled: Vec<(SentenceLabel, Vec<EntityMention>)> = pool.install(|| {
            texts
                .par_iter()
                .zip(analysed)
                .map(|(t, a)| {
                    (
                        classify::label_sentence(t, a.scores),
                        entities::from_model(a.entities),
                    )
                })
                .collect()
        });
        let mut next = labelled.into_iter();
        for p in pending {
            write_item(&mut outputs, p, &mut next, &mut counts).map_err(out_err)?;
        }
        bar.set_message(format!(
            "{} documents, {} sentences, {:.0} sentences/s",
            counts.documents,
            counts.sentences,
            counts.sentences as f64 / started.elapsed().as_secs_f64().max(1e-9)
        ));
    }
    bar.finish_and_clear();
    outputs.finish().map_err(out_err)?;
    let elapsed = started.elapsed().as_secs_f64();
    let report = RunReport {
        version: env!("CARGO_PKG_VERSION"),
        models: serde_json::json!({
            "model": model.meta.id,
            "base_encoder": model.meta.base,
            "entities": if model.meta.ner_trained { "model+rules" } else { "rules" },
        }),
        inputs: opts
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        input_format: opts.input.format.to_string(),
        threads,
        sentences_per_second: counts.sentences as f64 / elapsed.max(1e-9),
        counts,
        elapsed_seconds: elapsed,
    };
    output::write_json_atomic(&opts.out_dir.join("run.json"), &report).map_err(out_err)?;
    Ok(report)
}

fn write_item(
    out: &mut CsvOutputs,
    item: Pending,
    labels: &mut impl Iterator<Item = (SentenceLabel, Vec<EntityMention>)>,
    counts: &mut RunCounts,
) -> std::io::Result<()> {
    counts.documents += 1;
    let a = match item {
        Pending::Failed(f) => {
            counts.errors += 1;
            return out.document(&DocumentRow {
                doc_id: f.id,
                source: f.source,
                status: DocStatus::Error,
                error: f.error,
                warning: String::new(),
                sentences: 0,
                facts: 0,
                speculations: 0,
                opinions: 0,
                entities: 0,
            });
        }
        Pending::Doc(a) => a,
    };
    let chars = CharOffsets::new(&a.doc.text);
    let mut row = DocumentRow {
        doc_id: a.doc.id.clone(),
        source: a.doc.source.clone(),
        status: if a.doc.text.trim().is_empty() {
            DocStatus::Empty
        } else {
            DocStatus::Ok
        },
        error: String::new(),
        warning: a.doc.warnings.join("; "),
        sentences: a.spans.len(),
        facts: 0,
        speculations: 0,
        opinions: 0,
        entities: 0,
    };
    for (i, (span, rule_ents)) in a.spans.iter().zip(a.entities).enumerate() {
        let Some((label, model_ents)) = labels.next() else {
            break;
        };
        let ents = entities::merge(&a.doc.text[span.start..span.end], model_ents, rule_ents);
        match label.label {
            Label::Fact => row.facts += 1,
            Label::Speculation => row.speculations += 1,
            Label::Opinion => row.opinions += 1,
        }
        let s = &label.scores;
        out.sentence(&SentenceRow {
            doc_id: a.doc.id.clone(),
            sentence_id: i,
            start: chars.char_of(span.start),
            end: chars.char_of(span.end),
            text: a.doc.text[span.start..span.end].to_string(),
            label: label.label.as_str(),
            confidence: label.confidence(),
            p_fact: s.p_fact,
            p_speculation: s.p_speculation,
            p_opinion: s.p_opinion,
            cues: label.cues.clone(),
            attribution: label.attribution.clone(),
            checkworthy: s.checkworthy,
            block: span.block.as_str(),
        })?;
        for e in &ents {
            let (start, end) = (span.start + e.start, span.start + e.end);
            out.entity(&EntityRow {
                doc_id: a.doc.id.clone(),
                sentence_id: i,
                start: chars.char_of(start),
                end: chars.char_of(end),
                text: a.doc.text[start..end].to_string(),
                kind: e.kind.as_str(),
                confidence: e.confidence,
                source: e.source.as_str(),
                normalized: e.normalized.clone(),
            })?;
        }
        row.entities += ents.len();
    }
    match row.status {
        DocStatus::Ok => counts.ok += 1,
        DocStatus::Empty => counts.empty += 1,
        DocStatus::Error => counts.errors += 1,
    }
    counts.sentences += row.sentences;
    counts.facts += row.facts;
    counts.speculations += row.speculations;
    counts.opinions += row.opinions;
    counts.entities += row.entities;
    out.document(&row)
}
