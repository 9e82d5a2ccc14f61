use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "claimscan")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Train {
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        #[arg(long)]
        models: Option<PathBuf>,
        #[arg(long, default_value = "target/claimscan-train-cache")]
        cache: PathBuf,
        #[arg(long, default_value_t = 0)]
        pang_lee: usize,
        #[arg(long, default_value_t = 600)]
        steps: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Train { data, models, cache, pang_lee, steps } => {
            let opts = claimscan::train::TrainOptions {
                data_dir: data,
                models_dir: models.unwrap_or_else(claimscan::model::default_models_dir),
                cache_dir: cache,
                pang_lee_per_class: pang_lee,
                steps,
            };
            let report = claimscan::train::train_heads(&opts)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(())
}
