//! The annotate pipeline: read → segment → encode → label / entities → write.
//!
//! Documents stream through in bounded chunks, so memory does not grow with corpus size.
//! Inside a chunk the CPU-only stages (segmentation, rules, cues, attribution) run in parallel
//! with rayon, then every sentence of the chunk goes through the encoder in length-sorted
//! batches (one transformer pass per distinct sentence text, across documents). Output order
//! is input order, whatever the thread count.

use std::collections::{HashMap, VecDeque};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::classify::discourse::{self, DocumentSources, SentenceView};
use crate::classify::{self, Label, NewsEvidence, SentenceLabel};
use crate::document::{Block, CharOffsets, Document, SentenceSpan};
use crate::entities::{self, EntityMention};
use crate::input::{self, InputItem, InputOptions};
use crate::isolate::{self, Stage};
use crate::lock::OutputLock;
use crate::model::layout::LayoutHead;
use crate::model::news::NewsHead;
use crate::model::{
    ClaimModel, EntityMode, LabelMode, ModelError, Precision, SentenceAnalysis, META_FILE,
    MODEL_DIR,
};
use crate::output::{self, CsvOutputs, DocStatus, DocumentRow, EntityRow, SentenceRow};
use crate::segment;
use crate::skip::DoneDocuments;

/// Documents read before a chunk is processed (and a checkpoint written), by default.
/// Bounded so memory stays flat; the output does not depend on it.
pub const CHUNK_DOCUMENTS: usize = 256;
/// Bytes of text read before the chunk is processed, whatever the document count.
const CHUNK_BYTES: usize = 4 << 20;
/// Sentences tokenised and encoded together at most.
const ANALYSIS_SLICE: usize = 4096;
/// Sentences labelled and written together, by default: bounds the memory a huge document
/// needs. The output does not depend on it.
pub const SENTENCE_WINDOW: usize = 16_384;
/// Distinct sentences whose scores are remembered, by default across chunks (duplicate boilerplate,
/// repeated wire copy). Cleared when full so memory stays bounded.
pub const SCORE_CACHE_LIMIT: usize = 20_000;

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
    /// Process only shard `k` of `n` (1-based `k`): documents whose id hashes to it.
    pub shard: Option<Shard>,
    /// Continue an interrupted run in the same output directory.
    pub resume: bool,
    /// Prefix cells that start with `=`, `+`, `-` or `@` with `'` (see [`output::excel_safe`]).
    pub excel_safe: bool,
    /// Documents per chunk (and per checkpoint).
    pub chunk_documents: usize,
    /// Which files to write.
    pub formats: output::Formats,
    /// Distinct sentences whose model results are kept for duplicates (bounded memory).
    pub cache_sentences: usize,
    /// Sentences labelled and written together (see [`SENTENCE_WINDOW`]).
    pub window_sentences: usize,
    /// Arithmetic of the encoder.
    pub precision: Precision,
    /// Which entity taggers run.
    pub entities: EntityMode,
    /// Which label readers run.
    pub labels: LabelMode,
    /// Output folders of earlier runs: documents they annotated (same id, text and model)
    /// are listed as `skipped` instead of annotated again.
    pub skip_done: Vec<PathBuf>,
}

impl AnnotateOptions {
    /// The options of a plain `claimscan annotate INPUTS -o OUT_DIR` run.
    pub fn defaults(inputs: Vec<PathBuf>, out_dir: PathBuf, models_dir: PathBuf) -> Self {
        AnnotateOptions {
            inputs,
            input: InputOptions::default(),
            out_dir,
            models_dir,
            threads: None,
            quiet: true,
            shard: None,
            resume: false,
            excel_safe: false,
            chunk_documents: CHUNK_DOCUMENTS,
            formats: output::Formats::default(),
            cache_sentences: SCORE_CACHE_LIMIT,
            window_sentences: SENTENCE_WINDOW,
            precision: Precision::default(),
            entities: EntityMode::default(),
            labels: LabelMode::default(),
            skip_done: Vec::new(),
        }
    }
}

/// One of `n` deterministic partitions of the documents, by a hash of the document id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with 1 <= K <= N.
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("shard `{s}` must look like K/N, e.g. 3/8"))?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("shard `{s}`: K is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("shard `{s}`: N is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard `{s}`: need 1 <= K <= N"));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// True when the document `id` belongs to this shard. The hash is SHA-256, so the split
    /// is the same on every machine and for every run.
    pub fn contains(&self, id: &str) -> bool {
        let digest = Sha256::digest(id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % self.count as u64) as usize == self.index - 1
    }
}

/// Name of the checkpoint file an interrupted run leaves in its output directory.
pub const CHECKPOINT_FILE: &str = ".claimscan-checkpoint.json";

/// What `--resume` needs to continue a run: written after every chunk.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct Checkpoint {
    /// Model id and every option that changes the output: resuming with others is refused.
    fingerprint: String,
    /// Input items consumed so far (all shards).
    items_done: usize,
    /// SHA-256 over the consumed items (ids and contents): proves the input did not change.
    input_digest: String,
    /// Lengths of the partial CSV files at this checkpoint.
    lengths: output::PartialLengths,
    /// Counts so far.
    counts: RunCounts,
}

fn fingerprint(opts: &AnnotateOptions, model: &str) -> String {
    format!(
        "model={model};precision={};entities={};version={};format={};id={};text={};strict={};shard={:?};excel={};out={:?};skip_done={:?}",
        opts.precision,
        opts.entities,
        env!("CARGO_PKG_VERSION"),
        opts.input.format,
        opts.input.id_field,
        opts.input.text_field,
        opts.input.strict_utf8,
        opts.shard,
        opts.excel_safe,
        opts.formats,
        opts.skip_done
    )
}

/// Feeds one input item into the running input digest.
fn digest_item(hasher: &mut Sha256, item: &InputItem) {
    let (id, source, body) = match item {
        InputItem::Document(d) => (&d.id, &d.source, &d.text),
        InputItem::Failed(f) => (&f.id, &f.source, &f.error),
    };
    for part in [id.as_bytes(), source.as_bytes(), body.as_bytes()] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a run could not complete (as opposed to a document that failed).
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// Bad command-line inputs.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// Models missing or broken.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Output could not be written (`main` prints the I/O error after it, as the cause).
    #[error("cannot write output in {dir}")]
    Output {
        /// Output directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Thread pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// `--skip-done` could not read an earlier run.
    #[error(transparent)]
    SkipDone(#[from] crate::skip::SkipDoneError),
    /// Another run holds the output folder.
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    /// `--resume` found a state it cannot continue.
    #[error("cannot resume in {dir}: {reason}")]
    Resume {
        /// Output directory.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Counts written to run.json and reported to the caller.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct RunCounts {
    /// Documents seen (ok + empty + error).
    pub documents: usize,
    /// Documents processed.
    pub ok: usize,
    /// Documents with no text.
    pub empty: usize,
    /// Documents that could not be read.
    pub errors: usize,
    /// Documents an earlier run annotated (`--skip-done`).
    #[serde(default)]
    pub skipped: usize,
    /// WARC records that are no HTML page (requests, metadata, images …), not documents.
    #[serde(default)]
    pub skipped_records: usize,
    /// Sentences written.
    pub sentences: usize,
    /// Sentences per label.
    pub facts: usize,
    /// Sentences labelled speculation.
    pub speculations: usize,
    /// Sentences labelled opinion.
    pub opinions: usize,
    /// Sentences that assert nothing (label `none`).
    #[serde(default)]
    pub nones: usize,
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
    /// Peak resident memory of the process in MB (from getrusage), when the OS reports it.
    pub peak_memory_mb: Option<f64>,
}

/// A document after segmentation, waiting for its sentences to be analysed.
struct Segmented {
    doc: Document,
    spans: Vec<SentenceSpan>,
    /// SHA-256 of the text (hex).
    sha256: String,
}

/// An input item after segmentation.
enum Pending {
    Doc(Segmented),
    Failed(input::FailedInput),
    /// Annotated by an earlier run (`--skip-done`): only its documents.csv row is written.
    Skipped(DocumentRow),
}

/// Segments one document unless an earlier run annotated it.
fn prepare_document(doc: Document, done: &DoneDocuments, model_id: &str) -> Pending {
    let sha256 = hex(&Sha256::digest(doc.text.as_bytes()));
    if done.contains(&doc.id, &sha256) {
        return Pending::Skipped(DocumentRow {
            sha256,
            model: model_id.to_string(),
            ..uncounted_row(0, doc.id, doc.source, DocStatus::Skipped)
        });
    }
    segment_document(doc, sha256)
}

/// Segments one document; a panic in the segmenter fails this document only.
fn segment_document(doc: Document, sha256: String) -> Pending {
    let spans = isolate::run_isolated(|| {
        isolate::fault_point(Stage::Segment, &doc.text);
        if doc.presplit {
            segment::split_lines(&doc.text)
        } else {
            segment::segment(&doc.text)
        }
    });
    match spans {
        Ok(spans) => Pending::Doc(Segmented { doc, spans, sha256 }),
        Err(msg) => Pending::Failed(input::FailedInput::new(
            doc.id,
            doc.source,
            format_args!("segmentation failed: {msg} {BUG_HINT}"),
        )),
    }
}

/// Appended to the message of a document that failed through a panic.
const BUG_HINT: &str = "(a bug in claimscan: please report it with this document)";

/// One sentence after every stage: its label and its merged entities (byte offsets into the
/// sentence).
struct LabelledSentence {
    label: SentenceLabel,
    entities: Vec<EntityMention>,
    /// The source tagger's credit where the reporting frames found none (see
    /// `model::source`): it goes to the document stage, not into the label.
    learned_credit: Option<classify::attribution::Attribution>,
}

/// What happened to one sentence: its results, or why its document fails.
type SentenceOutcome = Result<LabelledSentence, String>;

/// Labels one sentence from its model analysis and finds its entities; a panic in these
/// stages (or a failed analysis) becomes the message its document fails with.
fn label_and_extract(
    text: &str,
    block: Block,
    analysis: Result<SentenceAnalysis, String>,
    news: Option<&NewsHead>,
) -> SentenceOutcome {
    let analysis = analysis?;
    let evidence = news
        .zip(analysis.news)
        .map(|(head, encoder_logits)| NewsEvidence {
            head,
            encoder_logits,
            cased: analysis.cased_news,
            cased_weight: classify::CASED_LABELLER_WEIGHT,
        });
    isolate::run_isolated(|| {
        isolate::fault_point(Stage::Label, text);
        let label =
            classify::label_with(text, analysis.scores, evidence, block == Block::Boilerplate);
        let learned_credit = match (&label.credit, analysis.sources.first()) {
            // A heading credits nobody (docs/attribution-guide.md), whatever its verb.
            (None, Some(found)) if matches!(block, Block::Body | Block::ListItem) => {
                classify::attribution::credit_of_span(text, found.start, found.end)
            }
            _ => None,
        };
        LabelledSentence {
            label,
            learned_credit,
            entities: entities::merge(
                text,
                entities::from_model(analysis.entities),
                entities::rule_entities(text),
            ),
        }
    })
    .map_err(|msg| format!("labelling failed: {msg} {BUG_HINT}"))
}

/// Remembers the model's analysis of sentence texts already seen in this run.
struct AnalysisCache {
    scores: HashMap<String, SentenceAnalysis>,
    limit: usize,
}

impl AnalysisCache {
    /// Analyses every sentence of the chunk, encoding only texts not seen before. A batch
    /// whose encoding fails (an error or a panic) is encoded again one sentence at a time, so
    /// only the sentences that fail alone come back as `Err`, with the reason.
    fn resolve(
        &mut self,
        model: &ClaimModel,
        texts: &[&str],
        counts: &mut RunCounts,
    ) -> Vec<Result<SentenceAnalysis, String>> {
        // Make room first: everything this chunk needs must stay in the cache until it is read.
        if self.scores.len() + texts.len() > self.limit {
            self.scores.clear();
        }
        let mut missing: Vec<&str> = Vec::new();
        let mut seen_in_chunk: HashMap<&str, ()> = HashMap::new();
        for &t in texts {
            if !self.scores.contains_key(t) && seen_in_chunk.insert(t, ()).is_none() {
                missing.push(t);
            }
        }
        counts.cached_sentences += texts.len() - missing.len();
        // Slices bound the memory of tokenised text when one document holds a huge number of
        // sentences; the results do not depend on the slicing (see `bucketed_batches`).
        let mut failed: HashMap<&str, String> = HashMap::new();
        for slice in missing.chunks(ANALYSIS_SLICE) {
            match encode_isolated(model, slice) {
                Ok(analysed) => {
                    for (t, a) in slice.iter().zip(analysed) {
                        self.scores.insert((*t).to_string(), a);
                    }
                }
                // Results do not depend on batch mates, so a sentence encoded alone gets the
                // bits it would have had in the batch.
                Err(_) => {
                    for &t in slice {
                        match encode_isolated(model, &[t]) {
                            Ok(mut alone) if alone.len() == 1 => {
                                self.scores.insert(t.to_string(), alone.remove(0));
                            }
                            Ok(_) => {
                                failed.insert(t, "the encoder returned no analysis".into());
                            }
                            Err(msg) => {
                                failed.insert(t, msg);
                            }
                        }
                    }
                }
            }
        }
        texts
            .iter()
            .map(|t| match self.scores.get(*t) {
                Some(a) => Ok(a.clone()),
                None => Err(failed
                    .get(*t)
                    .cloned()
                    .unwrap_or_else(|| "no analysis for this sentence (cache bug)".into())),
            })
            .collect()
    }
}

/// One encoder call with its failures (errors and panics) as a message.
fn encode_isolated(model: &ClaimModel, texts: &[&str]) -> Result<Vec<SentenceAnalysis>, String> {
    isolate::run_isolated(|| {
        for t in texts {
            isolate::fault_point(Stage::Encode, t);
        }
        model.analyse(texts)
    })
    .map_err(|msg| format!("encoding failed: {msg} {BUG_HINT}"))?
    .map_err(|e| format!("encoding failed: {e}"))
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
    // Parallelism comes from rayon (documents, then encoder batches, see
    // `ClaimModel::analyse`); libtorch runs each batch on the worker's own thread. Measured
    // faster than libtorch's intra-op threads for these small matrices, and it keeps each
    // batch's arithmetic independent of the thread count.
    tch::set_num_threads(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| AnnotateError::Threads(e.to_string()))?;

    let sources = input::discover(&opts.inputs, &opts.input)?;
    let model = ClaimModel::load_for(&opts.models_dir, opts.precision, opts.entities)?
        .with_labels(&opts.models_dir, opts.precision, opts.labels)?;
    if model.meta.ner_context_words > 0 {
        // Such a model reads each sentence with its neighbours; annotate encodes sentences
        // alone, so its entities would silently differ from what `eval ner` measured.
        return Err(ModelError::Invalid {
            path: opts.models_dir.join(MODEL_DIR).join(META_FILE),
            reason: format!(
                "the entity head was trained with {} words of document context \
                 (`train --ner-context`), which annotate does not support; \
                 use a model trained without it",
                model.meta.ner_context_words
            ),
        }
        .into());
    }
    let out_err = |source: std::io::Error| AnnotateError::Output {
        dir: opts.out_dir.clone(),
        source,
    };
    let checkpoint_path = opts.out_dir.join(CHECKPOINT_FILE);
    // The news head decides labels and the source tagger attributions too: a run is only
    // resumed with the same ones.
    let mut model_id = match &model.news {
        Some(head) => format!("{}+{}", model.meta.id, head.id()),
        None => model.meta.id.clone(),
    };
    if let Some(tagger) = &model.source {
        model_id = format!("{model_id}+{}", tagger.head.id());
    }
    if let Some(labeller) = &model.labeller {
        model_id = format!("{model_id}+{}", labeller.meta.id);
    }
    if let Some(layout) = &model.layout {
        model_id = format!("{model_id}+{}", layout.id());
    }
    let print = fingerprint(opts, &model_id);
    let _lock = OutputLock::acquire(&opts.out_dir)?;
    let done = DoneDocuments::load(&opts.skip_done, &model_id)?;
    let resume_from = if opts.resume {
        read_checkpoint(&checkpoint_path, &print, &opts.out_dir)?
    } else {
        None
    };
    let mut outputs = CsvOutputs::create(
        &opts.out_dir,
        resume_from.as_ref().map(|c| c.lengths),
        opts.excel_safe,
        opts.formats,
    )
    .map_err(out_err)?;

    let bar = progress_bar(opts.quiet);
    let mut counts = resume_from
        .as_ref()
        .map(|c| c.counts.clone())
        .unwrap_or_default();
    let sentences_before = counts.sentences;
    let mut cache = AnalysisCache {
        scores: HashMap::new(),
        limit: opts.cache_sentences,
    };
    let mut digest = Sha256::new();
    let skipped_records = Arc::new(AtomicUsize::new(0));
    let mut items = input::read_documents_counted(sources, &opts.input, skipped_records.clone())
        .enumerate()
        .peekable();
    let mut items_done = 0usize;
    if let Some(c) = &resume_from {
        for (_, item) in items.by_ref().take(c.items_done) {
            digest_item(&mut digest, &item);
            items_done += 1;
        }
        if items_done != c.items_done || hex(&digest.clone().finalize()) != c.input_digest {
            return Err(AnnotateError::Resume {
                dir: opts.out_dir.clone(),
                reason: "the inputs changed since the interrupted run; run again without --resume"
                    .into(),
            });
        }
    }
    while items.peek().is_some() {
        let mut chunk = Vec::new();
        let mut bytes = 0usize;
        while chunk.len() < opts.chunk_documents.max(1) && bytes < CHUNK_BYTES {
            let Some((seq, item)) = items.next() else {
                break;
            };
            digest_item(&mut digest, &item);
            items_done += 1;
            let id = match &item {
                InputItem::Document(d) => &d.id,
                InputItem::Failed(f) => &f.id,
            };
            if opts.shard.is_some_and(|sh| !sh.contains(id)) {
                continue;
            }
            if let InputItem::Document(d) = &item {
                bytes += d.text.len();
            }
            chunk.push((seq, item));
        }
        let pending: Vec<(usize, Pending)> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|(seq, item)| match item {
                    InputItem::Document(doc) => (seq, prepare_document(doc, &done, &model_id)),
                    InputItem::Failed(f) => (seq, Pending::Failed(f)),
                })
                .collect()
        });
        // Sentences go through the model and out to the files in windows, so that one huge
        // document costs the memory of a window of sentences, not of all its sentences.
        let sentence_refs: Vec<(usize, usize)> = pending
            .iter()
            .enumerate()
            .filter_map(|(d, (_, p))| match p {
                Pending::Doc(s) => Some((d, s.spans.len())),
                Pending::Failed(_) | Pending::Skipped(_) => None,
            })
            .flat_map(|(d, n)| (0..n).map(move |i| (d, i)))
            .collect();
        let mut writer = ChunkWriter::new(&pending, &model_id, model.layout_head());
        for window in sentence_refs.chunks(opts.window_sentences.max(1)) {
            let texts: Vec<&str> = window.iter().map(|&(d, i)| writer.text(d, i)).collect();
            let analysed = pool.install(|| cache.resolve(&model, &texts, &mut counts));
            counts.truncated_sentences += analysed
                .iter()
                .filter(|a| a.as_ref().is_ok_and(|a| a.truncated))
                .count();
            let labelled: Vec<SentenceOutcome> = pool.install(|| {
                texts
                    .par_iter()
                    .zip(analysed)
                    .zip(window)
                    .map(|((t, a), &(d, i))| {
                        label_and_extract(t, writer.block(d, i), a, model.news.as_ref())
                    })
                    .collect()
            });
            for (&(d, i), sentence) in window.iter().zip(labelled) {
                writer
                    .sentence(&mut outputs, &mut counts, d, i, sentence)
                    .map_err(out_err)?;
            }
        }
        writer.finish(&mut outputs, &mut counts).map_err(out_err)?;
        counts.skipped_records += skipped_records.swap(0, Ordering::Relaxed);
        let checkpoint = Checkpoint {
            fingerprint: print.clone(),
            items_done,
            input_digest: hex(&digest.clone().finalize()),
            lengths: outputs.checkpoint().map_err(out_err)?,
            counts: counts.clone(),
        };
        output::write_json_atomic(&checkpoint_path, &checkpoint).map_err(out_err)?;
        bar.set_message(format!(
            "{} documents, {} sentences, {:.0} sentences/s",
            counts.documents,
            counts.sentences,
            (counts.sentences - sentences_before) as f64
                / started.elapsed().as_secs_f64().max(1e-9)
        ));
    }
    bar.finish_and_clear();
    outputs.finish().map_err(out_err)?;
    if checkpoint_path.exists() {
        std::fs::remove_file(&checkpoint_path).map_err(out_err)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let report = RunReport {
        version: env!("CARGO_PKG_VERSION"),
        models: serde_json::json!({
            "model": model.meta.id,
            "base_encoder": model.meta.base,
            "entities": if model.meta.ner_trained { "model+rules" } else { "rules" },
            "entity_taggers": model.entity_mode().to_string(),
            "cased_entity_model": model.cased.as_ref().map(|c| c.meta.id.clone()),
            "news_head": model.news.as_ref().map(|h| h.id()),
            "source_tagger": model.source.as_ref().map(|t| t.head.id()),
            "label_readers": model.label_mode().to_string(),
            "cased_news_model": model.labeller.as_ref().map(|l| l.meta.id.clone()),
            "layout_head": model.layout.as_ref().map(|l| l.id()),
        }),
        inputs: opts
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        input_format: opts.input.format.to_string(),
        threads,
        sentences_per_second: (counts.sentences - sentences_before) as f64 / elapsed.max(1e-9),
        counts,
        elapsed_seconds: elapsed,
        peak_memory_mb: peak_memory_mb(),
    };
    output::write_json_atomic(&opts.out_dir.join("run.json"), &report).map_err(out_err)?;
    Ok(report)
}

/// Peak resident set size of this process so far, in MB.
fn peak_memory_mb() -> Option<f64> {
    #[cfg(target_os = "linux")]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
        let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
        if rc == 0 {
            // SAFETY: rc == 0 means the kernel wrote the whole struct.
            let usage = unsafe { usage.assume_init() };
            // Linux reports ru_maxrss in kilobytes.
            return Some(usage.ru_maxrss as f64 / 1024.0);
        }
        None
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Reads the checkpoint of an interrupted run, if there is one that matches this run.
fn read_checkpoint(
    path: &std::path::Path,
    print: &str,
    dir: &std::path::Path,
) -> Result<Option<Checkpoint>, AnnotateError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(AnnotateError::Output {
                dir: dir.to_path_buf(),
                source: e,
            })
        }
    };
    let checkpoint: Checkpoint =
        serde_json::from_str(&text).map_err(|e| AnnotateError::Resume {
            dir: dir.to_path_buf(),
            reason: format!(
                "{} is damaged ({e}); run again without --resume",
                path.display()
            ),
        })?;
    if checkpoint.fingerprint != print {
        return Err(AnnotateError::Resume {
            dir: dir.to_path_buf(),
            reason: format!(
                "the interrupted run used other options or another model ({}); run again without --resume",
                checkpoint.fingerprint
            ),
        });
    }
    Ok(Some(checkpoint))
}

/// Writes a chunk's rows in input order as its sentences come back from the model: each
/// sentence as it arrives, each document's row once its last sentence is out.
struct ChunkWriter<'a> {
    pending: &'a [(usize, Pending)],
    /// Documents before this position have their rows written.
    next_document: usize,
    /// The document whose sentences are being written.
    open: Option<OpenDocument<'a>>,
    /// Id of the model annotating, for documents.csv.
    model_id: &'a str,
    /// The layout head of the run's label mode, when the model has one.
    layout: Option<&'a LayoutHead>,
}

/// The document whose sentences are coming back from the model. Its rows are written as its
/// sentences' sources become final ([`DocumentSources`]: at once, or when a quotation closes),
/// so a huge document costs a bounded number of waiting sentences.
struct OpenDocument<'a> {
    position: usize,
    row: DocumentRow,
    chars: CharOffsets<'a>,
    /// The output files' lengths before the document's first row: where its rows are cut
    /// back to if one of its sentences fails.
    mark: output::PartialLengths,
    sources: DocumentSources,
    /// Sentences whose source is not final yet, with their index.
    waiting: VecDeque<(usize, LabelledSentence)>,
}

impl<'a> ChunkWriter<'a> {
    fn new(
        pending: &'a [(usize, Pending)],
        model_id: &'a str,
        layout: Option<&'a LayoutHead>,
    ) -> Self {
        ChunkWriter {
            pending,
            next_document: 0,
            open: None,
            model_id,
            layout,
        }
    }

    /// Text of sentence `i` of the document at `position` in the chunk.
    fn text(&self, position: usize, i: usize) -> &'a str {
        match &self.pending[position].1 {
            Pending::Doc(s) => &s.doc.text[s.spans[i].start..s.spans[i].end],
            Pending::Failed(_) | Pending::Skipped(_) => "",
        }
    }

    /// Block of sentence `i` of the document at `position` in the chunk.
    fn block(&self, position: usize, i: usize) -> Block {
        match &self.pending[position].1 {
            Pending::Doc(s) => s.spans[i].block,
            Pending::Failed(_) | Pending::Skipped(_) => Block::Body,
        }
    }

    /// Takes sentence `i` of the document at `position` (sentences come in order), first
    /// closing every document before it, and writes the rows whose sources are final. A
    /// failed sentence fails its document: the rows it already has are cut from the files
    /// and its row in documents.csv says why.
    fn sentence(
        &mut self,
        out: &mut CsvOutputs,
        counts: &mut RunCounts,
        position: usize,
        i: usize,
        sentence: SentenceOutcome,
    ) -> std::io::Result<()> {
        self.close_before(out, counts, position)?;
        let (input_index, Pending::Doc(seg)) = &self.pending[position] else {
            return Ok(());
        };
        let open = match &mut self.open {
            Some(open) if open.position == position => open,
            slot => slot.insert(OpenDocument {
                position,
                row: document_row(*input_index, seg, self.model_id),
                chars: CharOffsets::new(&seg.doc.text),
                mark: out.mark()?,
                sources: DocumentSources::default(),
                waiting: VecDeque::new(),
            }),
        };
        if open.row.status == DocStatus::Error {
            return Ok(());
        }
        let released = sentence.and_then(|sentence| {
            let span = seg.spans[i];
            let released = isolate::run_isolated(|| {
                open.sources.push(&SentenceView {
                    text: &seg.doc.text[span.start..span.end],
                    start: span.start,
                    credit: sentence
                        .label
                        .credit
                        .as_ref()
                        .or(sentence.learned_credit.as_ref()),
                    entities: &sentence.entities,
                })
            })
            .map_err(|msg| format!("attribution failed: {msg} {BUG_HINT}"))?;
            open.waiting.push_back((i, sentence));
            Ok(released)
        });
        let written = match released {
            Ok(sources) => write_released(out, seg, open, sources, self.layout)?,
            Err(msg) => Err(msg),
        };
        if let Err(msg) = written {
            out.rollback(&open.mark)?;
            open.waiting.clear();
            open.row = segmented_failed_row(*input_index, seg, &format!("sentence {i}: {msg}"));
        }
        Ok(())
    }

    /// Writes the rows of every document before `position` not yet written.
    fn close_before(
        &mut self,
        out: &mut CsvOutputs,
        counts: &mut RunCounts,
        position: usize,
    ) -> std::io::Result<()> {
        while self.next_document < position {
            let pending = &self.pending[self.next_document];
            let row = match (self.open.take(), pending) {
                (Some(mut open), (input_index, Pending::Doc(seg)))
                    if open.position == self.next_document =>
                {
                    if open.row.status != DocStatus::Error {
                        let rest = open.sources.finish();
                        if let Err(msg) = write_released(out, seg, &mut open, rest, self.layout)? {
                            out.rollback(&open.mark)?;
                            open.row = segmented_failed_row(*input_index, seg, &msg);
                        }
                    }
                    if open.row.status != DocStatus::Error {
                        if let Some(page) = &seg.doc.page {
                            out.page_text(&seg.doc.id, &seg.doc.text, page)?;
                        }
                    }
                    open.row
                }
                (other, _) => {
                    self.open = other;
                    match pending {
                        (input_index, Pending::Doc(seg)) => {
                            // A document with no sentence (an empty page) still has its text.
                            if let Some(page) = &seg.doc.page {
                                out.page_text(&seg.doc.id, &seg.doc.text, page)?;
                            }
                            document_row(*input_index, seg, self.model_id)
                        }
                        (input_index, Pending::Skipped(row)) => DocumentRow {
                            input_index: *input_index,
                            ..row.clone()
                        },
                        (input_index, Pending::Failed(f)) => failed_row(
                            *input_index,
                            f.id.clone(),
                            f.source.clone(),
                            f.error.clone(),
                        ),
                    }
                }
            };
            count_document(counts, &row);
            out.document(&row)?;
            self.next_document += 1;
        }
        Ok(())
    }

    /// Writes the rows of the documents left.
    fn finish(mut self, out: &mut CsvOutputs, counts: &mut RunCounts) -> std::io::Result<()> {
        self.close_before(out, counts, self.pending.len())
    }
}

/// Writes the rows of the first `sources.len()` waiting sentences of `open`, counting them in
/// its documents.csv row. The outer error is the files'; the inner one fails the document.
fn write_released(
    out: &mut CsvOutputs,
    seg: &Segmented,
    open: &mut OpenDocument<'_>,
    sources: Vec<Option<discourse::Source>>,
    layout: Option<&LayoutHead>,
) -> std::io::Result<Result<(), String>> {
    for source in sources {
        let Some((i, sentence)) = open.waiting.pop_front() else {
            break;
        };
        let chars = &open.chars;
        let rows = isolate::run_isolated(|| {
            let span = seg.spans[i];
            let text = &seg.doc.text[span.start..span.end];
            let mut label = classify::with_document_source(text, sentence.label, source.as_ref());
            if let Some(head) = layout {
                label = classify::with_layout(text, label, span.block, i == 0, head);
            }
            let sentence = LabelledSentence { label, ..sentence };
            sentence_rows(seg, chars, i, &sentence, source)
        });
        let (sentence_row, entity_rows, label) = match rows {
            Ok(rows) => rows,
            Err(msg) => return Ok(Err(format!("writing failed: {msg} {BUG_HINT}"))),
        };
        match label {
            Label::Fact => open.row.facts += 1,
            Label::Speculation => open.row.speculations += 1,
            Label::Opinion => open.row.opinions += 1,
            Label::None => open.row.nones += 1,
        }
        out.sentence(&sentence_row, &entity_rows)?;
        for e in &entity_rows {
            out.entity(e)?;
        }
        open.row.entities += entity_rows.len();
    }
    Ok(Ok(()))
}

/// The rows of sentence `i` of a segmented document: offsets turned into characters.
fn sentence_rows(
    seg: &Segmented,
    chars: &CharOffsets<'_>,
    i: usize,
    sentence: &LabelledSentence,
    source: Option<discourse::Source>,
) -> (SentenceRow, Vec<EntityRow>, Label) {
    let span = seg.spans[i];
    let text = &seg.doc.text;
    let label = &sentence.label;
    let entity_rows: Vec<EntityRow> = sentence
        .entities
        .iter()
        .filter_map(|e| {
            let (start, end) = (span.start + e.start, span.start + e.end);
            // Stages promise char-boundary offsets inside the sentence; a row that broke
            // that promise is dropped rather than allowed to take the run down.
            let entity_text = text.get(start..end).filter(|_| end <= span.end)?;
            Some(EntityRow {
                doc_id: seg.doc.id.clone(),
                sentence_id: i,
                start: chars.char_of(start),
                end: chars.char_of(end),
                text: entity_text.to_string(),
                kind: e.kind.as_str(),
                confidence: e.confidence,
                source: e.source.as_str(),
                normalized: e.normalized.clone(),
            })
        })
        .collect();
    let attribution = source.and_then(|s| Some((s, text.get(s.start..s.end)?)));
    let s = &label.scores;
    let sentence_row = SentenceRow {
        doc_id: seg.doc.id.clone(),
        sentence_id: i,
        start: chars.char_of(span.start),
        end: chars.char_of(span.end),
        text: text[span.start..span.end].to_string(),
        label: label.label.as_str(),
        confidence: label.confidence(),
        p_fact: s.p_fact,
        p_speculation: s.p_speculation,
        p_opinion: s.p_opinion,
        p_none: label.p_none,
        cues: label.cues.clone(),
        attribution: attribution.map_or_else(String::new, |(_, t)| t.to_string()),
        attribution_span: attribution.map(|(s, _)| (chars.char_of(s.start), chars.char_of(s.end))),
        checkworthy: s.checkworthy,
        block: span.block.as_str(),
    };
    (sentence_row, entity_rows, label.label)
}

/// The row of a segmented document that failed after it was read: its text hash is known.
fn segmented_failed_row(input_index: usize, seg: &Segmented, msg: &str) -> DocumentRow {
    DocumentRow {
        sha256: seg.sha256.clone(),
        ..failed_row(
            input_index,
            seg.doc.id.clone(),
            seg.doc.source.clone(),
            format!("{}: {msg}", seg.doc.source),
        )
    }
}

/// The row of a document that failed: no sentences, the error that stopped it.
fn failed_row(input_index: usize, doc_id: String, source: String, error: String) -> DocumentRow {
    DocumentRow {
        error,
        ..uncounted_row(input_index, doc_id, source, DocStatus::Error)
    }
}

/// The row of a segmented document before its sentences are counted.
fn document_row(input_index: usize, seg: &Segmented, model_id: &str) -> DocumentRow {
    let status = if seg.doc.text.trim().is_empty() {
        DocStatus::Empty
    } else {
        DocStatus::Ok
    };
    DocumentRow {
        warning: seg.doc.warnings.join("; "),
        sentences: seg.spans.len(),
        sha256: seg.sha256.clone(),
        model: model_id.to_string(),
        ..uncounted_row(
            input_index,
            seg.doc.id.clone(),
            seg.doc.source.clone(),
            status,
        )
    }
}

/// A document row with every count at zero and no message.
fn uncounted_row(
    input_index: usize,
    doc_id: String,
    source: String,
    status: DocStatus,
) -> DocumentRow {
    DocumentRow {
        doc_id,
        source,
        status,
        error: String::new(),
        warning: String::new(),
        sentences: 0,
        facts: 0,
        speculations: 0,
        opinions: 0,
        nones: 0,
        entities: 0,
        sha256: String::new(),
        model: String::new(),
        input_index,
    }
}

/// Adds a finished document row to the run counts.
fn count_document(counts: &mut RunCounts, row: &DocumentRow) {
    counts.documents += 1;
    match row.status {
        DocStatus::Ok => counts.ok += 1,
        DocStatus::Empty => counts.empty += 1,
        DocStatus::Error => counts.errors += 1,
        DocStatus::Skipped => counts.skipped += 1,
    }
    counts.sentences += row.sentences;
    counts.facts += row.facts;
    counts.speculations += row.speculations;
    counts.opinions += row.opinions;
    counts.nones += row.nones;
    counts.entities += row.entities;
}
