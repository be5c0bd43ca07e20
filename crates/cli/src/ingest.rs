//! `annalist ingest` and `annalist reprocess`: command-line arguments and the
//! summary printed at the end; the pipeline itself is `annalist-pipeline`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use annalist_ingest::ReadOptions;
use annalist_pipeline::{Indexer, Options, Tally, extract_options, ingest_paths, open_store};

#[derive(clap::Args, Debug)]
pub struct IngestArgs {
    /// Files or directories (searched recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Override a dataset field mapping, e.g. `--map title=headline_en` (fields:
    /// title, date, body, paragraphs, url, language, outlet); repeatable.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// Units per transaction.
    #[arg(long, default_value_t = 1000, hide = true)]
    batch: usize,
    /// Largest single unit (line, record, page) accepted, in MiB.
    #[arg(long, default_value_t = 16)]
    max_unit_mib: usize,
    /// Skip understanding (entities, dates, events); extraction and storage only.
    #[arg(long)]
    no_understand: bool,
}

#[derive(clap::Args, Debug)]
pub struct ReprocessArgs {}

pub fn ingest(data: &Path, kb_files: &[PathBuf], quiet: bool, args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut store = open_store(data)?;
    let kb = if args.no_understand { None } else { Some(crate::events::load_kb(kb_files)?) };
    let mut index = Indexer::open(data, &store)?;
    let opts = Options {
        extract: extract_options(&args.map)?,
        read: ReadOptions { max_unit_bytes: args.max_unit_mib << 20, ..ReadOptions::default() },
        batch: args.batch,
        progress: !quiet,
    };
    let (tally, touched) = ingest_paths(&mut store, kb.as_ref(), Some(&mut index), &args.paths, &opts)?;
    if !quiet {
        print_summary(&tally, started.elapsed());
        if let Some(kb) = &kb {
            crate::events::print_understood(&store, kb, &touched)?;
        }
    }
    Ok(if tally.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn print_summary(t: &Tally, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { t.read as f64 / secs } else { 0.0 };
    println!(
        "read {}, new {}, duplicates {}, new versions {}, unchanged {}, failed {}, elapsed {:.2}s ({:.0}/s)",
        t.read, t.new, t.duplicates, t.versions, t.unchanged, t.failed, secs, rate
    );
    if t.gone > 0 {
        println!("gone at source: {} article(s) newly marked", t.gone);
    }
    if t.read > 0 && t.read == t.unchanged {
        println!("nothing new: all {} units were already in the archive", t.read);
    }
}

pub fn reprocess(
    data: &Path,
    kb_files: &[PathBuf],
    quiet: bool,
    _args: ReprocessArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut store = open_store(data)?;
    let kb = crate::events::load_kb(kb_files)?;
    let mut index = Indexer::open(data, &store)?;
    let tally = annalist_pipeline::reprocess(&mut store, &kb, &mut index)?;
    if !quiet {
        print_summary(&tally, started.elapsed());
    }
    Ok(if tally.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
