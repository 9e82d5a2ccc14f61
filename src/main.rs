//! Command-line entry point: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use claimscan::eval::labels::{self, EvalSplit};
use claimscan::input::{InputFormat, InputOptions};
use claimscan::model::{ClaimModel, EntityMode, LabelMode, Precision};
use claimscan::pipeline::{self, AnnotateOptions};
use claimscan::train::{self, Task, TrainOptions};

// jemalloc instead of glibc malloc, for libtorch's tensors too: the crate exports unprefixed
// `malloc`/`free`/`posix_memalign`, which the dynamic linker binds libtorch to. glibc's arenas kept
// the pages of freed activations of every batch shape (+70-80 MB per 256-document chunk until a
// trim), so peak RSS grew with corpus size; with jemalloc the benchmark corpus peaks at
// 298 MB instead of 340 MB (1 thread) and 312 MB instead of 403 MB (2 threads), the same
// at 10x the corpus, at the same speed and with byte-identical output.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Exit status when some documents could not be processed (the rest were written).
const EXIT_SOME_FAILED: u8 = 1;
/// Exit status for usage or environment errors (nothing useful was written).
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "claimscan",
    version,
    about = "News text in, checkable assertions out: sentences labelled fact / speculation / opinion, entities and attribution as CSV."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Annotate documents and write sentences.csv, entities.csv, documents.csv and run.json.
    Annotate(AnnotateArgs),
    /// Score a stage against labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Write a static HTML report (OUT_DIR/report/index.html) from a finished run's CSV files.
    Report {
        /// Output directory of `claimscan annotate`.
        out_dir: PathBuf,
    },
    /// Combine output directories into the output of one run over the final inputs: the
    /// shards of an `annotate --shard K/N` run, or successive runs, oldest first (a nightly
    /// `annotate --skip-done`: the last run's documents, each with the rows of the latest run
    /// that annotated it).
    Merge {
        /// Shard output directories, or run output directories oldest first.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Merged output directory.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Fine-tune the encoder and all heads on the labelled data (writes models/claimscan/).
    Train(TrainArgs),
    /// Fit the four-label news head (fact / speculation / opinion / none) on the team's
    /// labelled news set over the frozen encoder (writes models/claimscan/news_head.json).
    TrainNews {
        /// The labelled export (`python3 scripts/news_labels.py export`).
        file: PathBuf,
        /// CoNLL-2010 Wikipedia CSV whose non-dev rows add partial speculation labels.
        #[arg(long, value_name = "FILE")]
        weasel: Option<PathBuf>,
        /// Weight of a partial-label row against a labelled news row (default: chosen from
        /// 0, 0.1, 0.3, 1 with the rest of the settings).
        #[arg(long)]
        weasel_weight: Option<f64>,
        /// MPQA partial labels (`python3 scripts/mpqa_labels.py`; its dev fifth is not read).
        #[arg(long, value_name = "FILE")]
        mpqa: Option<PathBuf>,
        /// Weight of an MPQA row (default: chosen from 0, 0.1, 0.3, 1).
        #[arg(long)]
        mpqa_weight: Option<f64>,
        /// Unlabelled sentences, one per line (`python3 scripts/teacher_pool.py`): the head also
        /// learns the cased labeller's probabilities on them (distillation of --labels accurate).
        #[arg(long, value_name = "FILE")]
        teacher_pool: Option<PathBuf>,
        /// MPQA label rows (`python3 scripts/mpqa_labels.py`) whose dev fifth is scored after
        /// training, for the new head and the one in the models directory (never trained on).
        #[arg(long, value_name = "FILE")]
        check_mpqa: Option<PathBuf>,
        /// Report only; do not write the head.
        #[arg(long)]
        dry_run: bool,
        /// Directory holding the models.
        #[arg(long)]
        models: Option<PathBuf>,
    },
    /// Fit the source tagger (who is credited in a sentence) on MPQA's agent spans over the
    /// frozen encoder (writes models/claimscan/source_head.json and source_head.safetensors).
    TrainSource {
        /// JSONL with spans: `python3 scripts/mpqa_attribution.py`, and optionally
        /// `python3 scripts/attribution_set.py export` (dev documents are not read).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Units of the hidden layer.
        #[arg(long, default_value_t = 256)]
        inner: usize,
        /// Most epochs (the best on the calibration slice is kept).
        #[arg(long, default_value_t = 6)]
        epochs: usize,
        /// Store this confidence threshold instead of the calibration slice's choice for the
        /// tagger alone.
        #[arg(long)]
        threshold: Option<f64>,
        /// Report only; do not write the head.
        #[arg(long)]
        dry_run: bool,
        /// Directory holding the models.
        #[arg(long)]
        models: Option<PathBuf>,
    },
    /// Train the cased entity tagger of `--entities accurate`: LoRA adapters on
    /// models/distilbert-base-cased (writes models/claimscan-cased/ unless --out is given).
    TrainCased(TrainCasedArgs),
    /// Refit one sentence head's decision threshold and temperature on a labelled file
    /// (weights unchanged); prints a two-fold cross-fitted score.
    Calibrate {
        /// Which head.
        #[arg(long, value_enum)]
        task: TaskArg,
        /// The labelled file (CheckThat! TSV or CoNLL-2010 CSV).
        file: PathBuf,
        /// Rows of the file to fit on.
        #[arg(long, value_enum, default_value_t = SplitArg::All)]
        split: SplitArg,
        /// Directory holding the models (model.json there is rewritten).
        #[arg(long)]
        models: Option<PathBuf>,
        /// Calibrate the heads as they run at this precision (int8 has its own calibration).
        #[arg(long, default_value = "int8")]
        precision: Precision,
    },
}

#[derive(clap::Args)]
struct AnnotateArgs {
    /// Files, directories (read recursively) or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// How to read inputs: auto picks by extension (.txt/.md text, .jsonl, .csv, .html/.htm[.gz]
    /// web pages, .warc[.gz] archives).
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    input_format: FormatArg,
    /// JSONL/CSV field holding the document id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// JSONL/CSV field holding the document text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// Output directory (created if missing).
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Reject documents that are not valid UTF-8 instead of replacing bad bytes.
    #[arg(long)]
    strict: bool,
    /// Directory holding the models (default: models/ beside the claimscan sources).
    #[arg(long)]
    models: Option<PathBuf>,
    /// Process only shard K of N (documents partitioned by a hash of their id); combine the
    /// shard outputs with `claimscan merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<pipeline::Shard>,
    /// Continue an interrupted run in the same output directory (same inputs and options).
    #[arg(long)]
    resume: bool,
    /// Output folder of an earlier run (repeatable): documents it annotated with the same
    /// text and model are listed as `skipped` instead of annotated again (nightly runs; then
    /// `claimscan merge -o ALL EARLIER THIS` gives the cumulative result).
    #[arg(long, value_name = "PREV_OUT")]
    skip_done: Vec<PathBuf>,
    /// Prefix cells starting with =, +, - or @ with ' so spreadsheets do not run them as
    /// formulas. Off by default: such cells no longer match the source text exactly.
    #[arg(long)]
    excel_safe: bool,
    /// Distinct sentences whose results are kept to answer exact duplicates without the encoder.
    #[arg(long, default_value_t = pipeline::SCORE_CACHE_LIMIT, hide_short_help = true)]
    cache_sentences: usize,
    /// Output files: csv, jsonl, or csv,jsonl (JSONL nests each sentence's entities too).
    #[arg(long, default_value = "csv", value_name = "LIST")]
    format: claimscan::output::Formats,
    /// Also write the HTML report into OUT/report/.
    #[arg(long)]
    html: bool,
    /// Documents per processing chunk and checkpoint (memory vs. checkpoint frequency).
    #[arg(long, default_value_t = pipeline::CHUNK_DOCUMENTS, hide_short_help = true)]
    chunk_documents: usize,
    /// Arithmetic of the encoder: int8 (default, 2.2-2.7x faster) or fp32 (the reference).
    #[arg(long, default_value = "int8")]
    precision: Precision,
    /// Entity taggers: fast (default: the shared encoder's entity head, one encoder pass per
    /// sentence) or accurate (that head averaged word by word with a cased DistilBERT tagger:
    /// eng.testa span F1 0.946 instead of 0.928, about 4x the encoder work).
    #[arg(long, default_value = "fast")]
    entities: EntityMode,
    /// Label readers: fast (default: the news head on the shared encoder pass) or accurate
    /// (that head averaged with a cased DistilBERT labeller: team news dev macro-F1 0.79
    /// instead of 0.74, about 4x the encoder work).
    #[arg(long, default_value = "fast")]
    labels: LabelMode,
    /// Sentences labelled and written together (bounds the memory of a huge document).
    #[arg(long, default_value_t = pipeline::SENTENCE_WINDOW, hide = true)]
    window_sentences: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum FocusArg {
    Recall,
    Balanced,
    Precision,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Auto,
    Text,
    Lines,
    Jsonl,
    Csv,
    Html,
    Warc,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Sentence-boundary precision, recall and F1 on a Universal Dependencies .conllu file.
    Segment {
        /// The .conllu file (or, with --cases, a JSON array of {"text", "sentences"} cases).
        file: PathBuf,
        /// FILE is a JSON case file scored by exact match per case (tests/segment_cases.json).
        #[arg(long)]
        cases: bool,
        /// Also print up to N gold sentences that were not reproduced, with what was predicted.
        #[arg(long, default_value_t = 0, value_name = "N")]
        misses: usize,
    },
    /// Entity span precision, recall and F1 (conlleval, exact match) on a CoNLL-2003 file.
    Ner {
        /// The CoNLL file (e.g. ../shared/data/ner/eng.testa).
        file: PathBuf,
        /// Directory holding the models.
        #[arg(long)]
        models: Option<PathBuf>,
        /// Arithmetic of the encoder: int8 (default, 2.2-2.7x faster) or fp32 (the reference).
        #[arg(long, default_value = "int8")]
        precision: Precision,
        /// Entity taggers to score: accurate (default: the best claimscan ships, the entity head
        /// averaged with the cased tagger, as `annotate --entities accurate` runs them) or fast
        /// (the entity head alone, `annotate`'s default).
        #[arg(long, default_value = "accurate")]
        entities: EntityMode,
        /// Also write `WORD GOLD PREDICTED` per word to this file (conlleval's input format).
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// Also write each word's tag probabilities (first word piece, before decoding) to
        /// this file: the word, then nine tab-separated numbers in O, B-PER, I-PER, B-ORG,
        /// I-ORG, B-LOC, I-LOC, B-MISC, I-MISC order.
        #[arg(long, value_name = "FILE")]
        probabilities: Option<PathBuf>,
    },
    /// Main-text extraction precision, recall and F1 (the article-extraction benchmark's
    /// shingle measure) on a folder of pages and its ground truth.
    Extract {
        /// Folder of ID.html.gz (or ID.html) pages, e.g. ../shared/data/html-extraction/html.
        dir: PathBuf,
        /// JSON object ID -> {"articleBody": …}, e.g. ../shared/data/html-extraction/ground-truth.json.
        ground_truth: PathBuf,
        /// Also print the N worst pages.
        #[arg(long, default_value_t = 0, value_name = "N")]
        worst: usize,
        /// Extraction focus to score: recall (annotate's), balanced (the crate's default) or
        /// precision.
        #[arg(long, value_enum, default_value_t = FocusArg::Recall)]
        focus: FocusArg,
    },
    /// Attribution detection precision/recall and right-source F1 on labelled documents
    /// (JSONL from scripts/attribution_set.py export or scripts/mpqa_attribution.py).
    Attribution {
        /// The labelled JSONL file.
        file: PathBuf,
        /// Documents to score: dev (held out from rule writing), tune, all, calibration
        /// (the tune documents `train-source` holds out: every fifth), or fresh (the team
        /// set's unseen eng.testa documents, labelled after the rules were settled).
        #[arg(long, default_value = "dev", value_parser = ["dev", "tune", "all", "calibration", "fresh"])]
        split: String,
        /// Also print up to N wrong or missing attributions.
        #[arg(long, default_value_t = 0, value_name = "N")]
        misses: usize,
        /// Directory holding the models.
        #[arg(long)]
        models: Option<PathBuf>,
    },
    /// Score a sentence head on its labelled data.
    Labels {
        /// Which head.
        #[arg(long, value_enum)]
        task: TaskArg,
        /// The labelled file (CheckThat! TSV or CoNLL-2010 CSV).
        file: PathBuf,
        /// Rows to score: `dev` keeps only the held-out part of the Wikipedia uncertainty file.
        #[arg(long, value_enum, default_value_t = SplitArg::Dev)]
        split: SplitArg,
        /// Decide as `annotate` does: the sentence label from all heads, cue evidence and attribution.
        #[arg(long)]
        with_cues: bool,
        /// News task: annotate each document of the export whole (one sentence per line), so
        /// the labels include what the document stage adds (quotations' speakers).
        #[arg(long)]
        in_documents: bool,
        /// Also write the head's calibrated probability of the task's class, one line per
        /// scored row in file order, to this file.
        #[arg(long, value_name = "FILE")]
        probabilities: Option<PathBuf>,
        /// News task: also write each scored row's item_id, source, gold and predicted label
        /// (TSV) to this file.
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// With --labels accurate: the cased labeller's share of the average (default: the
        /// one annotate uses), to choose it on a selection slice. Not with --in-documents.
        #[arg(long, value_name = "W")]
        labeller_weight: Option<f64>,
        /// Directory holding the models.
        #[arg(long)]
        models: Option<PathBuf>,
        /// Arithmetic of the encoder: int8 (default, 2.2-2.7x faster) or fp32 (the reference).
        #[arg(long, default_value = "int8")]
        precision: Precision,
        /// Label readers, as `annotate --labels` (news task and --with-cues): fast (default)
        /// or accurate (the news head averaged with the cased labeller).
        #[arg(long, default_value = "fast")]
        labels: LabelMode,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum TaskArg {
    Opinion,
    Speculation,
    Checkworthy,
    /// The four labels on the team's news export (`scripts/news_labels.py export`).
    News,
}

#[derive(Clone, Copy, ValueEnum)]
enum SplitArg {
    All,
    Dev,
    Calibration,
}

impl From<TaskArg> for Task {
    fn from(t: TaskArg) -> Task {
        match t {
            TaskArg::Opinion => Task::Opinion,
            TaskArg::Speculation => Task::Speculation,
            TaskArg::Checkworthy => Task::Checkworthy,
            // Only `eval labels` scores the news task; it checks for it before converting.
            TaskArg::News => Task::Opinion,
        }
    }
}

impl From<SplitArg> for EvalSplit {
    fn from(s: SplitArg) -> EvalSplit {
        match s {
            SplitArg::All => EvalSplit::All,
            SplitArg::Dev => EvalSplit::Dev,
            SplitArg::Calibration => EvalSplit::Calibration,
        }
    }
}

fn calibrate_cmd(
    task: Task,
    file: &std::path::Path,
    split: EvalSplit,
    models: PathBuf,
    precision: Precision,
) -> anyhow::Result<ExitCode> {
    let examples = labels::read_examples(task, file, split).map_err(anyhow::Error::msg)?;
    let mut model = ClaimModel::load_with(&models, precision)?;
    let r = claimscan::calibrate::recalibrate(&mut model, &models, task, &examples)?;
    println!("{}", serde_json::to_string_pretty(&r)?);
    eprintln!(
        "calibrate: {} {} on {} rows: {:.4} before, {:.4} cross-fitted (two folds), {:.4} in-sample",
        r.task, r.measure, r.examples, r.score_before, r.cross_fitted_score, r.in_sample_score
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
struct TrainArgs {
    /// The shared labelled data.
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Where the base encoder is read and the trained model written.
    #[arg(long)]
    models: Option<PathBuf>,
    /// Passes over the training data.
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 1e-4)]
    lr: f64,
    /// Pang & Lee movie sentences per class to add to the opinion data.
    #[arg(long, default_value_t = 0)]
    pang_lee: usize,
    /// Cap on training examples per task, for quick experiments.
    #[arg(long)]
    max_per_task: Option<usize>,
    /// Shuffling seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Sentences per batch.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Worker threads for libtorch (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Words of document context on each side of every entity-tagging sentence.
    #[arg(long, default_value_t = 0)]
    ner_context: usize,
    /// Start from the trained model in this models directory instead of the base encoder.
    #[arg(long)]
    continue_from: Option<PathBuf>,
    /// Train the entity task only.
    #[arg(long)]
    entities_only: bool,
    /// The team's news set (`python3 scripts/news_labels.py export`): its train split is added
    /// as a four-way task that fine-tunes the encoder; retrain the news head afterwards with
    /// `train-news`.
    #[arg(long)]
    news: Option<PathBuf>,
    /// Times the news task's batches appear in each epoch.
    #[arg(long, default_value_t = 1)]
    news_repeat: usize,
}

#[derive(clap::Args)]
struct TrainCasedArgs {
    /// The shared labelled data (reads ner/eng.train; scores ner/eng.testa).
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Models directory holding distilbert-base-cased/ and the shared model (for scoring).
    #[arg(long)]
    models: Option<PathBuf>,
    /// Where adapters.safetensors and model.json go (default: MODELS/claimscan-cased).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Passes over eng.train.
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 5e-4)]
    lr: f64,
    /// Rank of the LoRA adapters.
    #[arg(long, default_value_t = 32)]
    rank: i64,
    /// Seed of initialisation, dropout and batch order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Sentences per batch.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Train on the first N sentences of eng.train only (quick checks).
    #[arg(long)]
    limit: Option<usize>,
    /// Do not score eng.testa afterwards.
    #[arg(long)]
    no_eval: bool,
    /// Learn the four news labels of each sentence from this export of the team's news set
    /// (`scripts/news_labels.py export`) instead of entity tags, and score its dev split.
    #[arg(long)]
    news: Option<PathBuf>,
    /// With --news: also learn "speculation or not" from the train part of this CoNLL-2010
    /// Wikipedia file (its dev and calibration fifths are never read).
    #[arg(long, requires = "news")]
    weasel: Option<PathBuf>,
    /// Worker threads for libtorch (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// Rust ignores SIGPIPE, so printing a table to a reader that has gone (`claimscan eval … |
/// head`) would panic. The eval commands only print, so there the default action (end
/// quietly, as Unix filters do) is restored; `annotate` keeps the Rust default, because its
/// outputs are files and a closed stdout must not end a run.
fn stop_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: `signal` with SIG_DFL installs no handler; it runs before any other thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Annotate(args) => annotate(args),
        Command::Eval(cmd) => {
            stop_quietly_on_a_closed_pipe();
            eval(cmd)
        }
        Command::Train(args) => train_cmd(args),
        Command::TrainCased(args) => train_cased_cmd(args),
        Command::TrainNews {
            file,
            weasel,
            weasel_weight,
            mpqa,
            mpqa_weight,
            teacher_pool,
            check_mpqa,
            dry_run,
            models,
        } => claimscan::train_news::train_news(&claimscan::train_news::TrainNewsOptions {
            file,
            models_dir: models_dir(models),
            weasel,
            weasel_weight,
            mpqa,
            mpqa_weight,
            teacher_pool,
            check_mpqa,
            write: !dry_run,
        })
        .map(|_| ExitCode::SUCCESS),
        Command::TrainSource {
            files,
            inner,
            epochs,
            threshold,
            dry_run,
            models,
        } => claimscan::train_source::train_source(&claimscan::train_source::TrainSourceOptions {
            files,
            models_dir: models_dir(models),
            inner,
            epochs,
            threshold,
            write: !dry_run,
        })
        .map(|_| ExitCode::SUCCESS),
        Command::Calibrate {
            task: TaskArg::News,
            ..
        } => Err(anyhow::anyhow!(
            "the news head has no threshold to calibrate: fit it with `claimscan train-news`"
        )),
        Command::Calibrate {
            task,
            file,
            split,
            models,
            precision,
        } => calibrate_cmd(
            task.into(),
            &file,
            split.into(),
            models_dir(models),
            precision,
        ),
        Command::Report { out_dir } => claimscan::report::write_report(&out_dir)
            .map(|index| {
                eprintln!("claimscan: report written to {}", index.display());
                ExitCode::SUCCESS
            })
            .map_err(anyhow::Error::from),
        Command::Merge { shards, out } => {
            claimscan::merge::merge(&shards, &out)
                .map(|s| {
                    eprintln!(
                    "claimscan: merged {} outputs: {} documents, {} sentences, {} entities -> {}",
                    s.shards, s.documents, s.sentences, s.entities, out.display()
                );
                    ExitCode::SUCCESS
                })
                .map_err(anyhow::Error::from)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("claimscan: error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn models_dir(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(claimscan::model::default_models_dir)
}

fn annotate(args: AnnotateArgs) -> anyhow::Result<ExitCode> {
    let format = match args.input_format {
        FormatArg::Auto => InputFormat::Auto,
        FormatArg::Text => InputFormat::Text,
        FormatArg::Lines => InputFormat::Lines,
        FormatArg::Jsonl => InputFormat::Jsonl,
        FormatArg::Csv => InputFormat::Csv,
        FormatArg::Html => InputFormat::Html,
        FormatArg::Warc => InputFormat::Warc,
    };
    let opts = AnnotateOptions {
        inputs: args.inputs,
        input: InputOptions {
            format,
            id_field: args.id_field,
            text_field: args.text_field,
            strict_utf8: args.strict,
            ..InputOptions::default()
        },
        out_dir: args.out,
        models_dir: models_dir(args.models),
        threads: args.threads,
        quiet: args.quiet,
        shard: args.shard,
        resume: args.resume,
        excel_safe: args.excel_safe,
        chunk_documents: args.chunk_documents,
        formats: args.format,
        cache_sentences: args.cache_sentences,
        window_sentences: args.window_sentences,
        precision: args.precision,
        entities: args.entities,
        labels: args.labels,
        skip_done: args.skip_done,
    };
    let report = pipeline::annotate(&opts)?;
    if args.html {
        let index = claimscan::report::write_report(&opts.out_dir)?;
        if !args.quiet {
            eprintln!("claimscan: report written to {}", index.display());
        }
    }
    let c = &report.counts;
    if !args.quiet {
        eprintln!(
            "claimscan: {} documents ({} ok, {} empty, {} failed, {} skipped), {} sentences ({} fact, {} speculation, {} opinion), {} entities in {:.1}s ({:.0} sentences/s) -> {}",
            c.documents, c.ok, c.empty, c.errors, c.skipped, c.sentences, c.facts, c.speculations, c.opinions, c.entities,
            report.elapsed_seconds, report.sentences_per_second, opts.out_dir.display()
        );
    }
    if c.errors > 0 {
        eprintln!(
            "claimscan: {} documents failed: see the error column of {}",
            c.errors,
            opts.out_dir.join("documents.csv").display()
        );
        return Ok(ExitCode::from(EXIT_SOME_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

fn eval(cmd: EvalCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EvalCommand::Extract {
            dir,
            ground_truth,
            worst,
            focus,
        } => {
            use claimscan::input::html::ExtractionFocus;
            let focus = match focus {
                FocusArg::Recall => ExtractionFocus::Recall,
                FocusArg::Balanced => ExtractionFocus::Balanced,
                FocusArg::Precision => ExtractionFocus::Precision,
            };
            let scores = claimscan::eval::extract::evaluate(&dir, &ground_truth, focus)
                .map_err(anyhow::Error::msg)?;
            for (id, p, r) in scores.per_page.iter().take(worst) {
                println!("WORST\t{id}\tP {p:.3}\tR {r:.3}");
            }
            for (k, h) in scores.halves.iter().enumerate() {
                println!(
                    "half {k}\t{} pages\tP {:.4}\tR {:.4}\tF1 {:.4}",
                    h.pages, h.precision, h.recall, h.f1
                );
            }
            println!("pages\tprecision\trecall\tf1\tMB\textract_s\tMB_per_s");
            let mb = scores.html_bytes as f64 / 1e6;
            println!(
                "{}\t{:.4}\t{:.4}\t{:.4}\t{mb:.1}\t{:.2}\t{:.1}",
                scores.pages,
                scores.precision,
                scores.recall,
                scores.f1,
                scores.extract_seconds,
                mb / scores.extract_seconds.max(1e-9)
            );
        }
        EvalCommand::Attribution {
            file,
            split,
            misses,
            models,
        } => {
            use claimscan::eval::attribution;
            let docs = attribution::read_gold(&file, &split).map_err(anyhow::Error::msg)?;
            let scores =
                attribution::evaluate(&docs, &models_dir(models)).map_err(anyhow::Error::msg)?;
            for [id, kind, gold, got, text] in scores.misses.iter().take(misses) {
                println!("MISS\t{id}\t{kind}\tgold: {gold:?}\tgot: {got:?}\t{text}");
            }
            println!("measure\tcorrect\tpredicted\tgold\tprecision\trecall\tf1");
            for (name, c) in [
                ("detection", scores.detection),
                ("right_source", scores.source),
                ("pronouns", scores.pronouns),
            ] {
                println!(
                    "{name}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}",
                    c.correct,
                    c.predicted,
                    c.gold,
                    c.precision(),
                    c.recall(),
                    c.f1()
                );
            }
            for (kind, c) in &scores.by_kind {
                println!(
                    "kind:{kind}\t{}\t{}\t{}\t\t{:.4}\t",
                    c.correct,
                    c.predicted,
                    c.gold,
                    c.recall()
                );
            }
            println!("sentences\t{}", scores.sentences);
        }
        EvalCommand::Segment {
            file,
            cases: true,
            misses,
        } => {
            let report =
                claimscan::eval::segment::score_cases(&file).map_err(anyhow::Error::msg)?;
            for miss in report.misses.iter().take(misses) {
                println!("MISS	[{}] {:?}", miss.case.family, miss.case.text);
                println!("	expected: {:?}", miss.case.sentences);
                println!("	predicted: {:?}", miss.predicted);
            }
            println!("file	cases	exact	score");
            println!(
                "{}	{}	{}	{:.4}",
                file.display(),
                report.cases,
                report.exact,
                report.exact as f64 / report.cases.max(1) as f64
            );
        }
        EvalCommand::Segment { file, misses, .. } => {
            let report = claimscan::eval::segment::report_conllu(&file, misses)
                .map_err(anyhow::Error::msg)?;
            for miss in &report.misses {
                println!("MISS\tgold: {:?}", miss.gold);
                for p in &miss.predicted {
                    println!("\tpredicted: {p:?}");
                }
            }
            let s = report.scores;
            println!("file\tgold\tpredicted\tcorrect\tprecision\trecall\tf1");
            println!(
                "{}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}",
                file.display(),
                s.gold,
                s.predicted,
                s.correct,
                s.precision(),
                s.recall(),
                s.f1()
            );
        }
        EvalCommand::Ner {
            file,
            models,
            precision,
            entities,
            predictions,
            probabilities,
        } => {
            let model = ClaimModel::load_for(&models_dir(models), precision, entities)?;
            // The two commands default to different modes: say which one these figures are.
            eprintln!(
                "claimscan: scoring --entities {} at --precision {precision}",
                model.entity_mode()
            );
            let outputs = claimscan::eval::ner::EvalOutputs {
                predictions: predictions.as_deref(),
                probabilities: probabilities.as_deref(),
            };
            let s = claimscan::eval::ner::evaluate_file_writing(&model, &file, &outputs)?;
            if let Some(c) = s.cased_alone {
                eprintln!(
                    "claimscan: the cased tagger alone: P {:.4} R {:.4} F1 {:.4} (the shared \
                     encoder's head alone: --entities fast)",
                    c.precision(),
                    c.recall(),
                    c.f1()
                );
            }
            println!("type\tgold\tpredicted\tcorrect\tprecision\trecall\tf1");
            for (kind, c) in s
                .per_type
                .iter()
                .map(|(k, c)| (k.as_str(), c))
                .chain([("ALL", &s.overall)])
            {
                println!(
                    "{kind}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}",
                    c.gold,
                    c.predicted,
                    c.correct,
                    c.precision(),
                    c.recall(),
                    c.f1()
                );
            }
        }
        EvalCommand::Labels {
            task: TaskArg::News,
            file,
            split,
            models,
            precision,
            in_documents,
            labels: mode,
            predictions,
            labeller_weight,
            ..
        } => {
            let all = claimscan::train_news::read_news(&file).map_err(anyhow::Error::msg)?;
            let examples: Vec<_> = match split {
                SplitArg::All => all,
                SplitArg::Dev => all.into_iter().filter(|e| e.split == "dev").collect(),
                SplitArg::Calibration => {
                    anyhow::bail!(
                        "the news export has train and dev rows only: use --split dev or all"
                    )
                }
            };
            let weight = checked_labeller_weight(labeller_weight, mode)?;
            let evaluation = if in_documents {
                anyhow::ensure!(
                    labeller_weight.is_none(),
                    "--labeller-weight applies to sentences alone: drop --in-documents"
                );
                eprintln!("eval labels --task news: annotate over whole documents");
                labels::evaluate_news_in_documents(&examples, &models_dir(models), precision, mode)?
            } else {
                let dir = models_dir(models);
                let model =
                    ClaimModel::load_with(&dir, precision)?.with_labels(&dir, precision, mode)?;
                eprintln!(
                    "eval labels --task news ({mode} labels): {}",
                    if model.news.is_some() {
                        "news head"
                    } else {
                        "no news head: task heads and cue rules"
                    }
                );
                labels::evaluate_news(&model, &examples, weight)?
            };
            for (source, scores) in &evaluation.by_source {
                claimscan::train_news::print_scores(source, scores);
                println!();
            }
            if let Some(path) = predictions {
                evaluation.write_predictions(&examples, &path)?;
            }
        }
        EvalCommand::Labels {
            task,
            file,
            split,
            with_cues,
            probabilities,
            models,
            precision,
            labels: mode,
            labeller_weight,
            predictions,
            ..
        } => {
            anyhow::ensure!(
                predictions.is_none(),
                "--predictions writes the four news labels: it needs --task news"
            );
            let (task, split) = (task.into(), split.into());
            let examples = labels::read_examples(task, &file, split).map_err(anyhow::Error::msg)?;
            let dir = models_dir(models);
            let model =
                ClaimModel::load_with(&dir, precision)?.with_labels(&dir, precision, mode)?;
            let weight = checked_labeller_weight(labeller_weight, mode)?;
            let s = labels::evaluate(
                &model,
                task,
                &examples,
                with_cues,
                probabilities.as_deref(),
                weight,
            )?;
            println!("task\texamples\tpositives\tP(pos)\tR(pos)\tF1(pos)\tF1(neg)\tmacro-F1");
            println!(
                "{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.4}",
                s.task,
                s.examples,
                s.positives,
                s.positive.precision,
                s.positive.recall,
                s.positive.f1,
                s.negative.f1,
                s.macro_f1
            );
            println!("{}: {:.4}", s.headline_name, s.headline);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--labeller-weight`, or annotate's weight when absent; refuses weights outside 0..=1, and
/// a weight without the labeller it weighs (`--labels accurate`).
fn checked_labeller_weight(weight: Option<f64>, mode: LabelMode) -> anyhow::Result<f64> {
    anyhow::ensure!(
        weight.is_none() || mode == LabelMode::Accurate,
        "--labeller-weight weighs the cased labeller: add --labels accurate"
    );
    let w = weight.unwrap_or(claimscan::classify::CASED_LABELLER_WEIGHT);
    anyhow::ensure!(
        (0.0..=1.0).contains(&w),
        "--labeller-weight {w}: give a share between 0 and 1"
    );
    Ok(w)
}

fn train_cased_cmd(args: TrainCasedArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        tch::set_num_threads(n.max(1) as i32);
    }
    let models_dir = models_dir(args.models);
    let opts = claimscan::train_cased::CasedTrainOptions {
        task: match args.news {
            Some(file) => claimscan::train_cased::CasedTask::News {
                file,
                weasel: args.weasel,
            },
            None => claimscan::train_cased::CasedTask::Entities,
        },
        out_dir: args
            .out
            .unwrap_or_else(|| models_dir.join(claimscan::model::cased::CASED_MODEL_DIR)),
        data_dir: args.data,
        models_dir,
        epochs: args.epochs,
        learning_rate: args.lr,
        rank: args.rank,
        seed: args.seed,
        batch_size: args.batch_size,
        limit: args.limit,
        skip_eval: args.no_eval,
        command: std::env::args().collect::<Vec<_>>().join(" "),
    };
    let report = claimscan::train_cased::train_cased(&opts)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}

fn train_cmd(args: TrainArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        tch::set_num_threads(n.max(1) as i32);
    }
    let opts = TrainOptions {
        data_dir: args.data,
        models_dir: models_dir(args.models),
        epochs: args.epochs,
        learning_rate: args.lr,
        pang_lee_per_class: args.pang_lee,
        max_per_task: args.max_per_task,
        seed: args.seed,
        batch_size: args.batch_size,
        ner_context_words: args.ner_context,
        continue_from: args.continue_from,
        entities_only: args.entities_only,
        news_set: args.news,
        news_repeat: args.news_repeat,
    };
    let report = train::train(&opts)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}
