//! `annalist ingest` and `annalist reprocess`: the pipeline driver.
//!
//! Units are read one file at a time (streaming), gathered into batches, extracted
//! (and understood) in parallel, then filed by the store in one transaction per
//! batch. A unit whose exact bytes are already stored at the same place is skipped
//! before extraction, which makes a second run cheap and a run after a crash resume
//! where the last committed batch ended.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use annalist_extract::{ExtractOptions, extract};
use annalist_ingest::{InputError, ReadOptions, Unit, discover, read_file_counted};
use annalist_store::{Incoming, Outcome, Prepared, Store, blob_hash, locator};
use annalist_understand::{Kb, understand};

use crate::indexing::Indexer;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

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

/// Counts shown in the summary.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub read: u64,
    pub new: u64,
    pub duplicates: u64,
    pub versions: u64,
    pub unchanged: u64,
    pub failed: u64,
}

/// The reading side of the pipeline: gathers units into batches, drops those
/// already stored, extracts and understands the rest in parallel and hands them to
/// the writer thread, which files them while the next batch is being prepared.
impl Tally {
    /// Count one outcome of the store; articles created or changed go to `touched`.
    /// Returns the `path[:line]: reason` line of a failure.
    fn count(&mut self, outcome: Outcome, inc: &Incoming, touched: &mut Vec<i64>) -> Option<String> {
        match outcome {
            Outcome::New { article } => {
                self.new += 1;
                touched.push(article);
            }
            Outcome::Duplicate { .. } => self.duplicates += 1,
            Outcome::Version { article, .. } => {
                self.versions += 1;
                touched.push(article);
            }
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Failed { reason } => {
                self.failed += 1;
                return Some(format!("{}: {reason}", inc.provenance.display()));
            }
        }
        None
    }
}

struct Pipeline<'a> {
    reader: &'a Store,
    opts: ExtractOptions,
    kb: Option<&'a Kb>,
    pending: Vec<Unit>,
    batch: usize,
    /// Counts known on the reading side: units read, skipped unchanged, read errors.
    tally: Tally,
    bar: ProgressBar,
    to_writer: std::sync::mpsc::SyncSender<Vec<(Incoming, Prepared)>>,
    /// Bytes read so far from the current file, and from the files before it.
    consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
    done_bytes: u64,
    units: u64,
    started: Instant,
}

impl Pipeline<'_> {
    fn error(&mut self, line: &str) {
        self.tally.failed += 1;
        // One line per failure, for people; above the progress bar when it is shown.
        self.bar.suspend(|| eprintln!("{line}"));
    }

    fn push(&mut self, unit: Unit) -> anyhow::Result<()> {
        self.pending.push(unit);
        if self.pending.len() >= self.batch {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let units = std::mem::take(&mut self.pending);
        let n = units.len() as u64;
        self.tally.read += n;
        // Skip what is already stored before doing any extraction work. (A unit
        // stored by a batch still in the writer's hands is caught by the writer.)
        let hashed: Vec<(Unit, String)> = units
            .into_par_iter()
            .map(|u| {
                let h = blob_hash(&u.raw);
                (u, h)
            })
            .collect();
        let mut todo = Vec::with_capacity(hashed.len());
        for (u, h) in hashed {
            if self.reader.has_source(&u.provenance.path, &locator(&u.provenance), &h)? {
                self.tally.unchanged += 1;
            } else {
                todo.push(u);
            }
        }
        self.units += n;
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!("{} units · {:.0}/s", self.units, self.units as f64 / secs));
        self.bar.set_position(self.done_bytes + self.consumed.load(std::sync::atomic::Ordering::Relaxed));
        if todo.is_empty() {
            return Ok(());
        }
        let incoming = prepare(todo, &self.opts, self.kb)?;
        self.to_writer.send(incoming).map_err(|_| anyhow::anyhow!("the archive writer stopped"))?;
        Ok(())
    }
}

/// The writing side: files each prepared batch in one transaction and keeps the
/// index in step. Returns its counts and the articles it created or changed.
fn writer(
    store: &mut Store,
    mut index: Option<&mut Indexer>,
    batches: std::sync::mpsc::Receiver<Vec<(Incoming, Prepared)>>,
    bar: ProgressBar,
) -> anyhow::Result<(Tally, Vec<i64>)> {
    let mut tally = Tally::default();
    let mut touched = Vec::new();
    let mut last_index_commit = Instant::now();
    let (mut t_store, mut t_index) = (Duration::ZERO, Duration::ZERO);
    for incoming in batches {
        let mut errors = Vec::new();
        let t = Instant::now();
        {
            let mut b = store.batch()?;
            for (inc, prep) in &incoming {
                let outcome = b.put_prepared(inc, prep)?;
                if let Some(e) = tally.count(outcome, inc, &mut touched) {
                    errors.push(e);
                }
            }
            b.commit()?;
        }
        t_store += t.elapsed();
        for e in errors {
            bar.suspend(|| eprintln!("{e}"));
        }
        let t = Instant::now();
        if let Some(ix) = index.as_deref_mut() {
            ix.sync(store)?;
            // Committing the index is what costs; do it every few seconds. A crash in
            // between only means the next run catches up from the store.
            if last_index_commit.elapsed() > Duration::from_secs(10) {
                ix.commit()?;
                last_index_commit = Instant::now();
            }
        }
        t_index += t.elapsed();
    }
    let t = Instant::now();
    if let Some(ix) = index {
        ix.sync(store)?;
        ix.commit()?;
    }
    t_index += t.elapsed();
    tracing::debug!(store_secs = t_store.as_secs_f64(), index_secs = t_index.as_secs_f64(), "writer thread");
    Ok((tally, touched))
}

/// Extract, understand and prepare units for the store in parallel, keeping their
/// order: everything but the database lookups and writes happens here.
fn prepare(
    units: Vec<Unit>,
    opts: &ExtractOptions,
    kb: Option<&Kb>,
) -> anyhow::Result<Vec<(Incoming, Prepared)>> {
    units
        .into_par_iter()
        .map(|u| {
            let result = extract(&u, opts)
                .map(|a| {
                    let und = kb.map(|kb| understand(kb, &a));
                    (a, und)
                })
                .map_err(|e| e.to_string());
            let inc = Incoming {
                meta: serde_json::to_value(&u.meta).unwrap_or_default(),
                provenance: u.provenance,
                raw: u.raw,
                result,
            };
            let prep = inc.prepare()?;
            Ok((inc, prep))
        })
        .collect()
}

/// A progress bar over the input bytes (so it can estimate the time left), with
/// the count and rate of units in its message; hidden when stderr is not a terminal.
fn progress(quiet: bool, total_bytes: u64) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_bytes);
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} · {msg} · ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Read `paths` into the store; failures are reported as they happen.
#[allow(clippy::too_many_arguments)]
pub fn ingest_paths(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    paths: &[PathBuf],
    opts: ExtractOptions,
    read_opts: &ReadOptions,
    batch: usize,
    quiet: bool,
) -> anyhow::Result<(Tally, Vec<i64>)> {
    let (files, discover_errors) = discover(paths);
    let total_bytes = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = progress(quiet, total_bytes);
    let reader = Store::open_read_only(store.dir())?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(Incoming, Prepared)>>(2);
    let writer_bar = bar.clone();
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || writer(store, index, rx, writer_bar));
        let mut p = Pipeline {
            reader: &reader,
            opts,
            kb,
            pending: Vec::new(),
            batch: batch.max(1),
            tally: Tally::default(),
            bar: bar.clone(),
            to_writer: tx,
            consumed: Default::default(),
            done_bytes: 0,
            units: 0,
            started: Instant::now(),
        };
        let read_result = read_all(&mut p, &files, discover_errors, read_opts);
        let Pipeline { tally: read_tally, to_writer, .. } = p;
        drop(to_writer);
        let written = writer.join().map_err(|_| anyhow::anyhow!("the archive writer panicked"))?;
        read_result?;
        let (w, touched) = written?;
        bar.finish_and_clear();
        let tally = Tally {
            read: read_tally.read,
            new: w.new,
            duplicates: w.duplicates,
            versions: w.versions,
            unchanged: read_tally.unchanged + w.unchanged,
            failed: read_tally.failed + w.failed,
        };
        Ok((tally, touched))
    })
}

fn read_all(
    p: &mut Pipeline<'_>,
    files: &[PathBuf],
    discover_errors: Vec<InputError>,
    read_opts: &ReadOptions,
) -> anyhow::Result<()> {
    for e in discover_errors {
        p.error(&e.to_string());
    }
    for file in files {
        let consumed = p.consumed.clone();
        let mut fatal: Option<anyhow::Error> = None;
        let mut per_unit = |r: Result<Unit, InputError>| -> ControlFlow<()> {
            let res = match r {
                Ok(u) => p.push(u),
                Err(e) => {
                    p.error(&e.to_string());
                    Ok(())
                }
            };
            match res {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    fatal = Some(e);
                    ControlFlow::Break(())
                }
            }
        };
        let outcome = read_file_counted(file, read_opts, Some(consumed), &mut per_unit);
        if let Some(e) = fatal {
            return Err(e);
        }
        if let Err(e) = outcome {
            p.error(&e.to_string());
        }
        // Hand over per file so that a small file is never left half-filed.
        p.flush()?;
        p.done_bytes += p.consumed.swap(0, std::sync::atomic::Ordering::Relaxed);
        p.bar.set_position(p.done_bytes);
    }
    p.flush()
}

pub fn ingest(data: &Path, kb_files: &[PathBuf], quiet: bool, args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut store =
        Store::open(data).with_context(|| format!("opening the archive in {}", data.display()))?;
    let kb = if args.no_understand { None } else { Some(crate::events::load_kb(kb_files)?) };
    let mut index = Indexer::open(data, &store)?;
    let opts = extract_options(&args.map)?;
    let read_opts = ReadOptions { max_unit_bytes: args.max_unit_mib << 20, ..ReadOptions::default() };
    let (tally, touched) = ingest_paths(
        &mut store,
        kb.as_ref(),
        Some(&mut index),
        &args.paths,
        opts,
        &read_opts,
        args.batch,
        quiet,
    )?;
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
    if t.read > 0 && t.read == t.unchanged {
        println!("nothing new: all {} units were already in the archive", t.read);
    }
}

fn extract_options(map: &[String]) -> anyhow::Result<ExtractOptions> {
    let mut opts = ExtractOptions::default();
    for spec in map {
        let (field, column) = spec
            .split_once('=')
            .with_context(|| format!("--map {spec}: expected FIELD=COLUMN, e.g. title=headline"))?;
        opts.field_map
            .insert(field.trim(), column.trim())
            .map_err(|e| anyhow::anyhow!("--map {spec}: {e}"))?;
    }
    Ok(opts)
}

pub fn reprocess(
    data: &Path,
    kb_files: &[PathBuf],
    quiet: bool,
    _args: ReprocessArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut store =
        Store::open(data).with_context(|| format!("opening the archive in {}", data.display()))?;
    let kb = crate::events::load_kb(kb_files)?;
    let sources = store.sources_for_replay()?;
    let mut units = Vec::with_capacity(sources.len());
    for s in &sources {
        let raw = store.blob(&s.blob_hash)?;
        let meta = serde_json::from_value(s.meta.clone()).unwrap_or_default();
        let kind = annalist_model::InputKind::parse(&s.kind).unwrap_or(annalist_model::InputKind::TextPage);
        let provenance = annalist_model::Provenance {
            path: s.path.clone(),
            line: s.line.map(|v| v as u64),
            record: s.record.map(|v| v as u64),
            kind,
        };
        units.push(Unit { provenance, raw, meta });
    }
    let incoming = prepare(units, &ExtractOptions::default(), Some(&kb))?;
    let mut tally = Tally::default();
    {
        // One transaction: a crash midway leaves the previous archive untouched.
        let mut b = store.batch()?;
        b.clear_derived()?;
        for (inc, prep) in &incoming {
            tally.read += 1;
            let outcome = b.put_prepared(inc, prep)?;
            if let Some(e) = tally.count(outcome, inc, &mut Vec::new()) {
                eprintln!("{e}");
            }
        }
        b.commit()?;
    }
    let mut index = Indexer::open(data, &store)?;
    index.rebuild(&store)?;
    if !quiet {
        print_summary(&tally, started.elapsed());
    }
    Ok(if tally.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
