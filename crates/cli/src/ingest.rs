//! `annalist ingest` and `annalist reprocess`: command-line arguments and the
//! summary printed at the end; the pipeline itself is `annalist-pipeline`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use annalist_ingest::ReadOptions;
use annalist_pipeline::{
    Indexer, Observer, Options, Progress, Tally, extract_options, ingest_paths, open_store,
};
use indicatif::{ProgressBar, ProgressStyle};

/// Problem lines shown per input file; the rest are counted in one closing line.
const PROBLEMS_SHOWN_PER_FILE: u64 = 20;

/// The terminal side of a run: a progress bar over the input bytes (hidden when
/// quiet or when stderr is not a terminal) and problem lines above it, at most
/// [`PROBLEMS_SHOWN_PER_FILE`] per file.
pub struct Console {
    bar: ProgressBar,
    problems: Mutex<BTreeMap<String, u64>>,
}

impl Console {
    pub fn new(quiet: bool) -> Console {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        };
        Console { bar, problems: Mutex::new(BTreeMap::new()) }
    }

    /// Clears the bar and says how many problems of each file were not shown.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        let problems = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        for (path, &n) in problems.iter().filter(|(_, n)| **n > PROBLEMS_SHOWN_PER_FILE) {
            eprintln!(
                "{}: … and {} more problems in this file, not shown",
                annalist_model::escape_controls(path),
                n - PROBLEMS_SHOWN_PER_FILE
            );
        }
    }
}

impl Observer for Console {
    fn problem(&self, path: &str, location: &str, reason: &str) {
        let n = {
            let mut m = self.problems.lock().unwrap_or_else(|e| e.into_inner());
            let n = m.entry(path.to_string()).or_insert(0);
            *n += 1;
            *n
        };
        if n <= PROBLEMS_SHOWN_PER_FILE {
            let line = format!("{}: {reason}", annalist_model::escape_controls(location));
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    fn progress(&self, p: &Progress) {
        self.bar.set_length(p.total_bytes);
        self.bar.set_position(p.bytes);
        self.bar.set_message(format!("{} units · {:.0}/s", p.units, p.per_second));
    }
}

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
    /// Stop cleanly (resumable) when the disk holding the archive has less free
    /// space than this, in MiB.
    #[arg(long, default_value_t = 256)]
    min_free_mib: u64,
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
        min_free_bytes: args.min_free_mib << 20,
    };
    let console = Console::new(quiet);
    let run = ingest_paths(&mut store, kb.as_ref(), Some(&mut index), &args.paths, &opts, &console);
    console.finish();
    let report = run?;
    let (tally, touched) = (report.tally, report.touched);
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
    if t.repeats > 0 {
        println!(
            "repeats: {} exact copies of units already read from the same file, counted, not filed",
            t.repeats
        );
    }
    if t.dropped > 0 {
        println!(
            "{} failed units beyond the first {} of a file counted, not kept",
            t.dropped,
            annalist_pipeline::KEPT_FAILURES
        );
    }
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
    let console = Console::new(quiet);
    let run = annalist_pipeline::reprocess(&mut store, &kb, &mut index, &console);
    console.finish();
    let tally = run?;
    if !quiet {
        print_summary(&tally, started.elapsed());
    }
    Ok(if tally.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
