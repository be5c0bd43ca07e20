//! The pipeline driver: units read by `annalist-ingest` are extracted and
//! understood in parallel, filed by the store in one transaction per batch, and the
//! search index is kept in step. `annalist ingest`, `annalist reprocess`, the
//! server's upload endpoint and the watcher all file captures through here, so
//! that a capture becomes the same archive whichever way it arrives.
//!
//! Units are read one file at a time (streaming), gathered into batches, and a unit
//! whose exact bytes are already stored at the same place is skipped before
//! extraction, which makes a second run cheap and a run after a crash resume where
//! the last committed batch ended.

mod indexing;

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use annalist_extract::{ExtractOptions, extract};
use annalist_ingest::{InputError, ReadOptions, Unit, discover, read_bytes, read_file_counted};
use annalist_model::InputKind;
use annalist_store::{Gone, Incoming, Outcome, Prepared, Store, blob_hash, locator};
use annalist_understand::{Kb, understand};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

pub use indexing::Indexer;

/// How units are read and extracted, and how many go into one transaction.
#[derive(Debug, Clone)]
pub struct Options {
    pub extract: ExtractOptions,
    pub read: ReadOptions,
    /// Units per transaction.
    pub batch: usize,
    /// Show a progress bar on a terminal.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            extract: ExtractOptions::default(),
            read: ReadOptions::default(),
            batch: 1000,
            progress: false,
        }
    }
}

/// Counts shown in the summary.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Tally {
    pub read: u64,
    pub new: u64,
    pub duplicates: u64,
    pub versions: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Pages newly marked gone at source.
    pub gone: u64,
}

/// The reading side of the pipeline: gathers units into batches, drops those
/// already stored, extracts and understands the rest in parallel and hands them to
/// the writer thread, which files them while the next batch is being prepared.
impl Tally {
    /// Add another run's counts to these.
    pub fn add(&mut self, t: &Tally) {
        self.read += t.read;
        self.new += t.new;
        self.duplicates += t.duplicates;
        self.versions += t.versions;
        self.unchanged += t.unchanged;
        self.failed += t.failed;
        self.gone += t.gone;
    }

    /// Count one outcome of the store; articles created or changed go to `touched`.
    /// Returns the `path[:line]: reason` line of a failure.
    pub fn count(&mut self, outcome: Outcome, inc: &Incoming, touched: &mut Vec<i64>) -> Option<String> {
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
            Outcome::Gone { article, marked } => {
                if marked {
                    self.gone += 1;
                    touched.extend(article);
                }
            }
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
        ix.catch_up(store)?;
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
            // A WARC response is one capture of one page: its URL identifies the article.
            let page_url = match u.provenance.kind {
                InputKind::Warc => u.meta.url.clone(),
                _ => None,
            };
            let gone = u.meta.gone.clone().map(|reason| Gone {
                reason,
                at: u.meta.fetched.clone().unwrap_or_else(|| jiff::Timestamp::now().to_string()),
            });
            let result = if gone.is_some() {
                Err("a gone-at-source note, not a page".to_string())
            } else {
                extract(&u, opts)
                    .map(|a| {
                        let und = kb.map(|kb| understand(kb, &a));
                        (a, und)
                    })
                    .map_err(|e| e.to_string())
            };
            let inc = Incoming {
                meta: serde_json::to_value(&u.meta).unwrap_or_default(),
                provenance: u.provenance,
                raw: u.raw,
                result,
                page_url,
                gone,
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

/// Read `paths` into the store (and the index, when given); failures are
/// reported on stderr, one `path[:line]: reason` line each, as they happen.
/// Returns the counts and the articles created or changed.
pub fn ingest_paths(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    paths: &[PathBuf],
    opts: &Options,
) -> anyhow::Result<(Tally, Vec<i64>)> {
    let (files, discover_errors) = discover(paths);
    let total_bytes = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = progress(!opts.progress, total_bytes);
    let reader = Store::open_read_only(store.dir())?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(Incoming, Prepared)>>(2);
    let writer_bar = bar.clone();
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || writer(store, index, rx, writer_bar));
        let mut p = Pipeline {
            reader: &reader,
            opts: opts.extract.clone(),
            kb,
            pending: Vec::new(),
            batch: opts.batch.max(1),
            tally: Tally::default(),
            bar: bar.clone(),
            to_writer: tx,
            consumed: Default::default(),
            done_bytes: 0,
            units: 0,
            started: Instant::now(),
        };
        let read_result = read_all(&mut p, &files, discover_errors, &opts.read);
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
            gone: w.gone,
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

/// Extraction options from `--map FIELD=COLUMN` overrides.
pub fn extract_options(map: &[String]) -> anyhow::Result<ExtractOptions> {
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

/// File the units of one in-memory capture (named `label`: its provenance path)
/// through the same stages as [`ingest_paths`]. Read errors are returned as
/// `label[:line]: reason` lines alongside the counts.
pub fn ingest_bytes(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    label: &str,
    bytes: &[u8],
    opts: &Options,
) -> anyhow::Result<(Tally, Vec<i64>, Vec<String>)> {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    let read = read_bytes(label, bytes, &opts.read, &mut |u| {
        match u {
            Ok(u) => units.push(u),
            Err(e) => errors.push(e.to_string()),
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = read {
        errors.push(e.to_string());
    }
    let (mut tally, touched) = file_units(store, kb, index, units, &opts.extract)?;
    tally.failed += errors.len() as u64;
    Ok((tally, touched, errors))
}

/// File units already read: extract and understand them in parallel, store them in
/// one transaction, then bring the index up to date and commit it. Extraction
/// failures are counted (the raw bytes are kept for `reprocess`) and reported on
/// stderr.
pub fn file_units(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    units: Vec<Unit>,
    opts: &ExtractOptions,
) -> anyhow::Result<(Tally, Vec<i64>)> {
    let mut tally = Tally { read: units.len() as u64, ..Tally::default() };
    let mut touched = Vec::new();
    let incoming = prepare(units, opts, kb)?;
    {
        let mut b = store.batch()?;
        for (inc, prep) in &incoming {
            let outcome = b.put_prepared(inc, prep)?;
            if let Some(e) = tally.count(outcome, inc, &mut touched) {
                eprintln!("{e}");
            }
        }
        b.commit()?;
    }
    if let Some(ix) = index {
        ix.sync(store)?;
        ix.commit()?;
    }
    Ok((tally, touched))
}

/// Replay every stored source through the current extractor and understanding, in
/// one transaction (a crash midway leaves the previous archive untouched), then
/// rebuild the index from the result.
pub fn reprocess(store: &mut Store, kb: &Kb, index: &mut Indexer) -> anyhow::Result<Tally> {
    let sources = store.sources_for_replay()?;
    let mut units = Vec::with_capacity(sources.len());
    for s in &sources {
        let raw = store.blob(&s.blob_hash)?;
        let meta = serde_json::from_value(s.meta.clone()).unwrap_or_default();
        let kind = InputKind::parse(&s.kind).unwrap_or(InputKind::TextPage);
        let provenance = annalist_model::Provenance {
            path: s.path.clone(),
            line: s.line.map(|v| v as u64),
            record: s.record.map(|v| v as u64),
            kind,
        };
        units.push(Unit { provenance, raw, meta });
    }
    let incoming = prepare(units, &ExtractOptions::default(), Some(kb))?;
    let mut tally = Tally::default();
    {
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
    index.rebuild(store)?;
    Ok(tally)
}

/// Open the store in `data`, with a message naming the directory on failure.
pub fn open_store(data: &std::path::Path) -> anyhow::Result<Store> {
    Store::open(data).with_context(|| format!("opening the archive in {}", data.display()))
}
