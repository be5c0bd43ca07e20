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
//!
//! Worthless input costs bounded space: beyond the first [`KEPT_REPEATS`] copies of
//! the same bytes in one file, exact repeats are counted, not filed; beyond
//! [`KEPT_FAILURES`] failed units in one file, further failures are counted, not
//! kept. Before each batch the writer checks the free disk space and stops cleanly,
//! naming the cause, below [`Options::min_free_bytes`].
//!
//! This crate prints nothing: problems and progress go to an [`Observer`] the
//! caller gives (the CLI draws a progress bar and prints problem lines; the server
//! and the watcher collect them), and every entry point returns a [`Report`].

mod check;
mod indexing;
mod upload;

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use annalist_extract::{ExtractOptions, extract};
use annalist_ingest::{InputError, ReadOptions, Unit, discover, read_bytes, read_file_counted};
use annalist_model::{InputKind, Provenance};
use annalist_store::{Gone, Incoming, Outcome, Prepared, SourceRecord, Store, blob_hash, locator};
use annalist_understand::{Kb, understand};
use anyhow::Context;
use rayon::prelude::*;

pub use check::{BlobFinding, CheckOptions, CheckReport, check, rebuild_index};
pub use indexing::Indexer;
pub use upload::{Upload, clean_upload_name, file_upload};

/// Copies of the same bytes in one file that are filed as sources; further exact
/// repeats are only counted.
pub const KEPT_REPEATS: u32 = 4;
/// Failed units of one file whose bytes are kept; further failures are only counted.
pub const KEPT_FAILURES: u64 = 1_000;
/// Distinct units per file remembered for spotting repeats (memory bound).
const TRACKED_UNITS: usize = 1 << 20;

/// How units are read and extracted, and how many go into one transaction.
#[derive(Debug, Clone)]
pub struct Options {
    pub extract: ExtractOptions,
    pub read: ReadOptions,
    /// Units per transaction.
    pub batch: usize,
    /// Stop before a batch when the disk holding the archive has less free space.
    pub min_free_bytes: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            extract: ExtractOptions::default(),
            read: ReadOptions::default(),
            batch: 1000,
            min_free_bytes: 256 << 20,
        }
    }
}

pub use annalist_model::Tally;

/// Count one outcome of the store in `t`; articles created or changed go to
/// `touched`. Returns the reason of a failure.
fn count(t: &mut Tally, outcome: Outcome, touched: &mut Vec<i64>) -> Option<String> {
    match outcome {
        Outcome::New { article } => {
            t.new += 1;
            touched.push(article);
        }
        Outcome::Duplicate { .. } => t.duplicates += 1,
        Outcome::Version { article, .. } => {
            t.versions += 1;
            touched.push(article);
        }
        Outcome::Unchanged => t.unchanged += 1,
        Outcome::Gone { article, marked } => {
            if marked {
                t.gone += 1;
                touched.extend(article);
            }
        }
        Outcome::Failed { reason } => {
            t.failed += 1;
            return Some(reason);
        }
    }
    None
}
/// What a run did: its counts and the articles it created or changed.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Report {
    pub tally: Tally,
    pub touched: Vec<i64>,
}

/// How far a run has come.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Input bytes read so far, and in all (before decompression).
    pub bytes: u64,
    pub total_bytes: u64,
    /// Units read so far, and their rate.
    pub units: u64,
    pub per_second: f64,
}

/// Where the pipeline reports what happens while it runs. Called from several
/// threads (the reading side and the writer).
pub trait Observer: Sync {
    /// One input (a file, or a unit at `path:line`) could not be read or extracted:
    /// `path` is the file it belongs to, `location` names the file and the place in
    /// it, `reason` says what is wrong.
    fn problem(&self, path: &str, location: &str, reason: &str);

    /// Progress, a few times a second at most.
    fn progress(&self, _p: &Progress) {}
}

/// An observer that ignores everything.
pub struct Quiet;

impl Observer for Quiet {
    fn problem(&self, _: &str, _: &str, _: &str) {}
}

/// An observer that keeps every problem as a `location: reason` line (for callers
/// that answer them: the upload endpoint, the watcher).
#[derive(Default)]
pub struct Collect(Mutex<Vec<String>>);

impl Collect {
    pub fn lines(self) -> Vec<String> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Observer for Collect {
    fn problem(&self, _path: &str, location: &str, reason: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{location}: {reason}"));
    }
}

/// One unit and, when reading it already failed, why (it is filed as a failed unit
/// so that its bytes are kept).
struct Pending {
    unit: Unit,
    failed: Option<String>,
}

/// What the writer files, in input order.
enum Item {
    Unit(Box<(Incoming, Prepared)>),
    /// One more exact repeat of the bytes `blob` in the file `path`, at line or
    /// record `n`.
    Repeat {
        path: String,
        blob: String,
        n: u64,
    },
}

/// The reading side of the pipeline: gathers units into batches, drops those
/// already stored, extracts and understands the rest in parallel and hands them to
/// the writer thread, which files them while the next batch is being prepared.
struct Reading<'a> {
    reader: &'a Store,
    /// The writer's archive's packer (its dictionaries, trained by the writer).
    packer: annalist_store::Packer,
    opts: ExtractOptions,
    kb: Option<&'a Kb>,
    pending: Vec<Pending>,
    batch: usize,
    /// Counts known on the reading side: units read, skipped unchanged, read errors.
    tally: Tally,
    observer: &'a dyn Observer,
    to_writer: std::sync::mpsc::SyncSender<Vec<Item>>,
    /// Copies seen of each unit's bytes in the current file (by 128 bits of hash).
    seen: HashMap<u128, u32>,
    /// Bytes read so far from the current file, and from the files before it.
    consumed: std::sync::Arc<AtomicU64>,
    done_bytes: u64,
    total_bytes: u64,
    units: u64,
    started: Instant,
    last_progress: Instant,
}

/// The writer stopped; its own error says why (see `ingest_paths`).
#[derive(Debug, thiserror::Error)]
#[error("the archive writer stopped")]
struct WriterGone;

impl Reading<'_> {
    fn problem(&mut self, e: &InputError) {
        self.tally.failed += 1;
        self.observer.problem(&file_of(&e.location), &e.location, &e.reason.replace(['\n', '\r'], " "));
    }

    fn push(&mut self, unit: Unit, failed: Option<String>) -> anyhow::Result<()> {
        self.pending.push(Pending { unit, failed });
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
        let hashed: Vec<(Pending, String)> = units
            .into_par_iter()
            .map(|p| {
                let h = blob_hash(&p.unit.raw);
                (p, h)
            })
            .collect();
        let mut todo = Vec::with_capacity(hashed.len());
        let mut items = Vec::new();
        for (p, h) in hashed {
            let key = u128::from_str_radix(&h[..32], 16).unwrap_or(0);
            let copies = if self.seen.len() < TRACKED_UNITS || self.seen.contains_key(&key) {
                let c = self.seen.entry(key).or_insert(0);
                *c += 1;
                *c
            } else {
                1
            };
            let prov = &p.unit.provenance;
            if copies > KEPT_REPEATS {
                let at = prov.line.or(prov.record).unwrap_or(0);
                items.push((todo.len(), Item::Repeat { path: prov.path.clone(), blob: h, n: at }));
            } else if self.reader.has_source(&prov.path, &locator(prov), &h)? {
                self.tally.unchanged += 1;
            } else {
                todo.push(p);
            }
        }
        self.units += n;
        self.report_progress(false);
        if todo.is_empty() && items.is_empty() {
            return Ok(());
        }
        // Repeats keep their place among the filed units (the writer counts them in
        // input order, which is what makes a resumed count exact).
        let prepared = prepare(todo, &self.opts, self.kb, &self.packer)?;
        let mut out = Vec::with_capacity(prepared.len() + items.len());
        let mut repeats = items.into_iter().peekable();
        for (i, p) in prepared.into_iter().enumerate() {
            while repeats.peek().is_some_and(|(at, _)| *at <= i) {
                out.push(repeats.next().expect("peeked").1);
            }
            out.push(Item::Unit(Box::new(p)));
        }
        out.extend(repeats.map(|(_, r)| r));
        self.to_writer.send(out).map_err(|_| WriterGone)?;
        Ok(())
    }

    fn report_progress(&mut self, force: bool) {
        if !force && self.last_progress.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last_progress = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.observer.progress(&Progress {
            bytes: self.done_bytes + self.consumed.load(Ordering::Relaxed),
            total_bytes: self.total_bytes,
            units: self.units,
            per_second: self.units as f64 / secs,
        });
    }
}

/// The file a location (`path`, `path:line`, `path#record`) is in.
fn file_of(location: &str) -> String {
    let cut = |s: &str, sep: char| match s.rsplit_once(sep) {
        Some((head, tail)) if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) => {
            head.to_string()
        }
        _ => s.to_string(),
    };
    cut(&cut(location, ':'), '#')
}

/// Free bytes on the file system holding `dir` (`None` when it cannot be told).
fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs writes into the zeroed struct we own; the path is a valid C string.
        let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
            return None;
        }
        Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

fn human(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

/// The writing side: files each prepared batch in one transaction (the index
/// follows on its own thread: [`follow_index`]).
struct Writer<'a> {
    store: &'a mut Store,
    observer: &'a dyn Observer,
    min_free: u64,
    tally: Tally,
    touched: Vec<i64>,
    /// Failed units kept per file (read from the store the first time a file fails).
    failures: HashMap<String, u64>,
}

impl Writer<'_> {
    fn check_space(&self) -> anyhow::Result<()> {
        if let Some(free) = free_bytes(self.store.dir())
            && free < self.min_free
        {
            anyhow::bail!(
                "stopping: only {} free on the disk holding {} (annalist keeps {} free); everything filed so \
                 far is kept — free some space and run the same command again to resume",
                human(free),
                self.store.dir().display(),
                human(self.min_free)
            );
        }
        Ok(())
    }

    /// Files one batch in one transaction. Problems are reported after the commit.
    fn file(&mut self, items: &[Item]) -> anyhow::Result<()> {
        self.check_space()?;
        let mut problems = Vec::new();
        {
            let mut b = self.store.batch()?;
            for item in items {
                match item {
                    Item::Repeat { path, blob, n } => {
                        if b.count_repeat(path, blob, *n)? {
                            self.tally.repeats += 1;
                        }
                    }
                    Item::Unit(u) => {
                        let (inc, prep) = &**u;
                        let path = &inc.provenance.path;
                        if inc.result.is_err() && inc.gone.is_none() {
                            let kept = match self.failures.get(path) {
                                Some(n) => *n,
                                None => b.failed_sources_of(path)?,
                            };
                            if kept >= KEPT_FAILURES {
                                let n = inc.provenance.line.or(inc.provenance.record).unwrap_or(0);
                                if b.count_dropped_failure(path, n)? {
                                    self.tally.dropped += 1;
                                    self.tally.failed += 1;
                                    let reason = inc.result.as_ref().err().cloned().unwrap_or_default();
                                    problems.push((path.clone(), inc.provenance.display(), reason));
                                }
                                continue;
                            }
                            self.failures.insert(path.clone(), kept + 1);
                        }
                        let outcome = b.put_prepared(inc, prep)?;
                        if let Some(reason) = count(&mut self.tally, outcome, &mut self.touched) {
                            problems.push((path.clone(), inc.provenance.display(), reason));
                        }
                    }
                }
            }
            b.commit().context("filing a batch into the archive")?;
        }
        for (path, location, reason) in problems {
            self.observer.problem(&path, &location, &reason.replace(['\n', '\r'], " "));
        }
        Ok(())
    }
}

fn writer(
    store: &mut Store,
    batches: std::sync::mpsc::Receiver<Vec<Item>>,
    committed: Option<std::sync::mpsc::SyncSender<()>>,
    observer: &dyn Observer,
    min_free: u64,
) -> anyhow::Result<Report> {
    let mut w = Writer {
        store,
        observer,
        min_free,
        tally: Tally::default(),
        touched: Vec::new(),
        failures: HashMap::new(),
    };
    let mut t_store = Duration::ZERO;
    for items in batches {
        let t = Instant::now();
        w.file(&items)?;
        t_store += t.elapsed();
        if let Some(tx) = &committed {
            // A wake-up, not a message: the indexer takes everything committed since
            // its last look, so a signal already waiting says enough. A gone indexer
            // reports its own error when it is joined.
            let _ = tx.try_send(());
        }
    }
    tracing::debug!(store_secs = t_store.as_secs_f64(), "writer thread");
    Ok(Report { tally: w.tally, touched: w.touched })
}

/// The index side: after each committed batch, indexes what the store committed
/// (read through its own read-only connection), so that the writer thread only
/// writes the store; at the end, catches up and commits.
fn follow_index(
    ix: &mut Indexer,
    dir: &Path,
    committed: std::sync::mpsc::Receiver<()>,
) -> anyhow::Result<()> {
    let store = Store::open_read_only(dir)?;
    let (mut t_index, mut last_commit) = (Duration::ZERO, Instant::now());
    for () in committed {
        let t = Instant::now();
        ix.sync(&store)?;
        // Committing the index is what costs; do it every few seconds. A crash in
        // between only means the next run catches up from the store.
        if last_commit.elapsed() > Duration::from_secs(10) {
            ix.commit()?;
            last_commit = Instant::now();
        }
        t_index += t.elapsed();
    }
    let t = Instant::now();
    ix.catch_up(&store)?;
    t_index += t.elapsed();
    tracing::debug!(index_secs = t_index.as_secs_f64(), "index thread");
    Ok(())
}

/// Extract, understand and prepare units for the store in parallel, keeping their
/// order: everything but the database lookups and writes happens here.
fn prepare(
    units: Vec<Pending>,
    opts: &ExtractOptions,
    kb: Option<&Kb>,
    packer: &annalist_store::Packer,
) -> anyhow::Result<Vec<(Incoming, Prepared)>> {
    units
        .into_par_iter()
        .map(|Pending { unit: u, failed }| {
            // A WARC response is one capture of one page: its URL identifies the article.
            let page_url = match u.provenance.kind {
                InputKind::Warc => u.meta.url.clone(),
                _ => None,
            };
            let gone = u.meta.gone.clone().map(|reason| Gone {
                reason,
                at: u.meta.fetched.clone().unwrap_or_else(|| jiff::Timestamp::now().to_string()),
            });
            let result = if let Some(reason) = failed {
                Err(reason)
            } else if gone.is_some() {
                Err("a gone-at-source note, not a page".to_string())
            } else {
                extract(&u, opts)
                    .map(|a| {
                        let und = kb.map(|kb| understand(kb, &a));
                        (a, und)
                    })
                    .map_err(|e| e.to_string())
            };
            let inc = Incoming { meta: u.meta, provenance: u.provenance, raw: u.raw, result, page_url, gone };
            let prep = inc.prepare(packer)?;
            Ok((inc, prep))
        })
        .collect()
}

/// Runs the reading side (`read`) against a writer thread filing into `store`; the
/// writer's own error (the real cause: a full disk, a damaged archive) wins over
/// the reading side's "the writer stopped".
fn run_pipeline(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    opts: &Options,
    observer: &dyn Observer,
    total_bytes: u64,
    read: impl FnOnce(&mut Reading<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<Report> {
    let reader = Store::open_read_only(store.dir())?;
    let packer = store.packer();
    let dir = store.dir().to_path_buf();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(2);
    let (committed_tx, committed_rx) = std::sync::mpsc::sync_channel::<()>(1);
    let min_free = opts.min_free_bytes;
    std::thread::scope(|scope| {
        let indexer = index.map(|ix| scope.spawn(move || follow_index(ix, &dir, committed_rx)));
        let committed = indexer.is_some().then_some(committed_tx);
        let writer = scope.spawn(move || writer(store, rx, committed, observer, min_free));
        let mut r = Reading {
            reader: &reader,
            packer,
            opts: opts.extract.clone(),
            kb,
            pending: Vec::new(),
            batch: opts.batch.max(1),
            tally: Tally::default(),
            observer,
            to_writer: tx,
            seen: HashMap::new(),
            consumed: Default::default(),
            done_bytes: 0,
            total_bytes,
            units: 0,
            started: Instant::now(),
            last_progress: Instant::now(),
        };
        let read_result = read(&mut r).and_then(|()| r.flush());
        r.report_progress(true);
        let Reading { tally: read_tally, to_writer, .. } = r;
        drop(to_writer);
        // The writer's own error (the real cause) wins over the reading side's "the
        // writer stopped"; the index's comes after both (the store is what counts).
        let written = writer.join().map_err(|_| anyhow::anyhow!("the archive writer panicked"))?;
        let indexed = match indexer {
            Some(h) => h.join().map_err(|_| anyhow::anyhow!("the search indexer panicked"))?,
            None => Ok(()),
        };
        let mut report = written?;
        read_result?;
        indexed?;
        let w = &mut report.tally;
        w.read = read_tally.read;
        w.unchanged += read_tally.unchanged;
        w.failed += read_tally.failed;
        Ok(report)
    })
}

/// Read `paths` into the store (and the index, when given). Problems go to
/// `observer` as they happen, one per unit or file; the batch goes on.
pub fn ingest_paths(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    paths: &[PathBuf],
    opts: &Options,
    observer: &dyn Observer,
) -> anyhow::Result<Report> {
    let (files, discover_errors) = discover(paths);
    let total_bytes = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    run_pipeline(store, kb, index, opts, observer, total_bytes, |r| {
        for e in discover_errors {
            r.problem(&e);
        }
        for file in &files {
            r.seen.clear();
            let consumed = r.consumed.clone();
            let mut fatal: Option<anyhow::Error> = None;
            let mut per_unit = |u: Result<Unit, InputError>| -> ControlFlow<()> {
                let res = match u {
                    Ok(u) => r.push(u, None),
                    Err(mut e) => match e.unit.take() {
                        // A unit that cannot be read as its kind: kept, as a failed unit.
                        Some(u) => r.push(*u, Some(e.reason)),
                        None => {
                            r.problem(&e);
                            Ok(())
                        }
                    },
                };
                match res {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(e) => {
                        fatal = Some(e);
                        ControlFlow::Break(())
                    }
                }
            };
            let outcome = read_file_counted(file, &opts.read, Some(consumed), &mut per_unit);
            if let Some(e) = fatal {
                return Err(e);
            }
            if let Err(e) = outcome {
                r.problem(&e);
            }
            // Hand over per file so that a small file is never left half-filed.
            r.flush()?;
            r.done_bytes += r.consumed.swap(0, Ordering::Relaxed);
            r.report_progress(false);
        }
        Ok(())
    })
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
/// through the same stages as [`ingest_paths`].
pub fn ingest_bytes(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    label: &str,
    bytes: &[u8],
    opts: &Options,
    observer: &dyn Observer,
) -> anyhow::Result<Report> {
    let mut units = Vec::new();
    let mut read_errors = Vec::new();
    let read = read_bytes(label, bytes, &opts.read, &mut |u| {
        match u {
            Ok(u) => units.push(Pending { unit: u, failed: None }),
            Err(mut e) => match e.unit.take() {
                Some(u) => units.push(Pending { unit: *u, failed: Some(e.reason) }),
                None => read_errors.push(e),
            },
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = read {
        read_errors.push(e);
    }
    let n = read_errors.len() as u64;
    for e in &read_errors {
        observer.problem(&file_of(&e.location), &e.location, &e.reason.replace(['\n', '\r'], " "));
    }
    let mut report = file_pending(store, kb, index, units, opts, observer)?;
    report.tally.failed += n;
    Ok(report)
}

/// File units already read: extract and understand them in parallel, store them in
/// one transaction, then bring the index up to date and commit it. Extraction
/// failures are counted (the raw bytes are kept for `reprocess`) and reported to
/// `observer`.
pub fn file_units(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    units: Vec<Unit>,
    opts: &Options,
    observer: &dyn Observer,
) -> anyhow::Result<Report> {
    let units = units.into_iter().map(|unit| Pending { unit, failed: None }).collect();
    file_pending(store, kb, index, units, opts, observer)
}

fn file_pending(
    store: &mut Store,
    kb: Option<&Kb>,
    index: Option<&mut Indexer>,
    units: Vec<Pending>,
    opts: &Options,
    observer: &dyn Observer,
) -> anyhow::Result<Report> {
    let read = units.len() as u64;
    let items: Vec<Item> = prepare(units, &opts.extract, kb, &store.packer())?
        .into_iter()
        .map(|p| Item::Unit(Box::new(p)))
        .collect();
    let mut w = Writer {
        store,
        observer,
        min_free: opts.min_free_bytes,
        tally: Tally { read, ..Tally::default() },
        touched: Vec::new(),
        failures: HashMap::new(),
    };
    w.file(&items)?;
    let Writer { store, tally, touched, .. } = w;
    if let Some(ix) = index {
        ix.sync(store)?;
        ix.commit()?;
    }
    Ok(Report { tally, touched })
}

/// Sources replayed per step of [`reprocess`] (memory bound: their raw bytes).
const REPLAY_CHUNK: usize = 1000;

/// Replay every stored source through the current extractor and understanding, in
/// one transaction (a crash midway leaves the previous archive untouched), then
/// rebuild the index from the result. Sources are read, extracted and filed a chunk
/// at a time; a source whose stored bytes are damaged is kept as a failed source
/// and reported, and the replay goes on.
pub fn reprocess(
    store: &mut Store,
    kb: &Kb,
    index: &mut Indexer,
    observer: &dyn Observer,
) -> anyhow::Result<Tally> {
    // A second connection reads the archive as it was before the transaction.
    let before = Store::open_read_only(store.dir())?;
    let mut tally = Tally::default();
    {
        let mut b = store.batch()?;
        b.clear_derived()?;
        let mut after = 0;
        loop {
            let sources = before.stored_sources_after(after, REPLAY_CHUNK)?;
            let Some(last) = sources.last() else { break };
            after = last.id;
            let mut units = Vec::with_capacity(sources.len());
            for s in &sources {
                tally.read += 1;
                match replay_unit(&before, s) {
                    Ok(u) => units.push(Pending { unit: u, failed: None }),
                    Err(reason) => {
                        tally.failed += 1;
                        b.keep_damaged_source(s, &reason)?;
                        observer.problem(&s.path, &s.location(), &reason);
                    }
                }
            }
            for (inc, prep) in prepare(units, &ExtractOptions::default(), Some(kb), &b.packer())? {
                let outcome = b.put_prepared(&inc, &prep)?;
                if let Some(reason) = count(&mut tally, outcome, &mut Vec::new()) {
                    observer.problem(&inc.provenance.path, &inc.provenance.display(), &reason);
                }
            }
        }
        b.commit()?;
    }
    index.rebuild(store)?;
    Ok(tally)
}

/// The unit a stored source was read from: its raw bytes and recorded metadata.
fn replay_unit(store: &Store, s: &SourceRecord<String>) -> Result<Unit, String> {
    let raw = store.blob(&s.blob_hash).map_err(|e| {
        format!("{e}: the stored bytes cannot be read back; kept as a failed source (run `annalist check`)")
    })?;
    let meta = s.read_meta().map_err(|e| {
        format!("the stored metadata of this source cannot be read ({e}); kept as a failed source")
    })?;
    let kind = InputKind::parse(&s.kind).ok_or_else(|| format!("unknown stored kind {:?}", s.kind))?;
    let provenance = Provenance {
        path: s.path.clone(),
        line: s.line.map(|v| v as u64),
        record: s.record.map(|v| v as u64),
        kind,
    };
    Ok(Unit { provenance, raw, meta })
}

/// Open the store in `data`, with a message naming the directory on failure.
pub fn open_store(data: &std::path::Path) -> anyhow::Result<Store> {
    Store::open(data).with_context(|| format!("opening the archive in {}", data.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_their_file() {
        assert_eq!(file_of("a/b.jsonl:12"), "a/b.jsonl");
        assert_eq!(file_of("a/b.warc#3"), "a/b.warc");
        assert_eq!(file_of("a/b.txt"), "a/b.txt");
        assert_eq!(file_of("c:/odd:name"), "c:/odd:name");
    }

    #[test]
    fn free_space_is_known_here() {
        assert!(free_bytes(Path::new(".")).is_some_and(|n| n > 0));
    }
}
