//! `annalist watch`: follow outlets live.
//!
//! A poll of a source fetches its feed or listing page (conditional GET), finds the
//! article URLs on it, fetches the new ones and the ones due for a re-fetch (the
//! interval grows with the article's age), and notices pages that answer 404/410 or
//! were taken off the listing. Every response goes first into a WARC file
//! ([`warc`]); the records are then filed into the archive through
//! `annalist-pipeline`, exactly as `annalist ingest` would file the WARC files, so
//! replaying them builds the same archive. Watch lists are evaluated on what
//! changed in the store ([`alerts`]) and alerts leave through an outbox.
//!
//! Crash safety, in order: a WARC record is synced before anything refers to it;
//! records not yet filed are filed at the next start; the alert watermark (a store
//! change sequence) and the queued alerts are written in one transaction; an alert
//! is marked delivered per sink after the sink took it.

pub mod alerts;
pub mod config;
pub mod fetch;
pub mod links;
pub mod state;
pub mod warc;

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use annalist_ingest::{ReadOptions, read_bytes};
use annalist_pipeline::{Indexer, Tally};
use annalist_understand::Kb;
use anyhow::Context;
use jiff::Timestamp;
use url::Url;

pub use config::{Config, WatchSpec};
use fetch::{FetchError, Fetcher, Response, Role, Validators};
use state::State;
use warc::{Tags, WarcWriter, Written};

// An idle watcher should hold little memory (issue #6: ≤ 50 MB polling 50 sources).
// Filing runs on many threads (extraction's, the index writer's and merger's), and
// glibc gives each its own malloc arena, where what a poll freed stays scattered
// among long-lived objects (the regex caches each thread built). Measured with 50
// feeds and 250 articles: 113 MB resident while idle with glibc's defaults, 78 MB
// with two arenas, 43 MB with two arenas and a trim after every round.
/// At most two malloc arenas for the whole process (before threads are started).
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: a malloc tuning parameter; threads that already have an arena keep it.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// Hand the memory a round freed back to the system before sleeping.
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the malloc heaps to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Captures that could not be extracted go to the log (`ANNALIST_LOG`), with the
/// record they were read from: the watcher runs unattended.
fn log_problems(problems: annalist_pipeline::Collect) {
    for line in problems.lines() {
        tracing::warn!("{line}");
    }
}

/// How soon alerts that a webhook did not take are offered again.
const RETRY_ALERTS: Duration = Duration::from_secs(60);

/// A feed or listing read in full: its article URLs and validators.
struct Listing {
    urls: Vec<String>,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// What one round of polling did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Round {
    pub sources: usize,
    pub fetched: usize,
    pub not_modified: usize,
    pub errors: usize,
    pub new: u64,
    pub versions: u64,
    pub gone: u64,
    pub alerts: usize,
}

impl Round {
    fn add(&mut self, r: &Round) {
        self.sources += r.sources;
        self.fetched += r.fetched;
        self.not_modified += r.not_modified;
        self.errors += r.errors;
        self.new += r.new;
        self.versions += r.versions;
        self.gone += r.gone;
        self.alerts += r.alerts;
    }
}

pub struct Watcher {
    data: PathBuf,
    cfg: Config,
    state: State,
    fetcher: Fetcher,
    kb: Kb,
    warc: Mutex<WarcWriter>,
    /// Records written since they were last filed, in order.
    pending: Mutex<Vec<Written>>,
    /// A failure to archive (disk full …): the round stops with it.
    archive_error: Mutex<Option<String>>,
    webhook: reqwest::Client,
    /// The webhook failed: not tried again before this.
    webhook_retry_at: Mutex<Option<std::time::Instant>>,
    /// Held while this watcher runs: one watcher per archive.
    _lock: std::fs::File,
}

/// The index writer of a watcher: a poll files a handful of pages, so a small
/// budget on one thread (a bulk ingest uses 512 MB on two) keeps the peak low.
fn small_writer() -> annalist_index::IndexOptions {
    annalist_index::IndexOptions { writer_heap_bytes: 32 << 20, writer_threads: 1, merge: true }
}

fn now_str(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn later(t: Timestamp, d: Duration) -> Timestamp {
    t.checked_add(jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX)
}

/// Take the watcher's lock (released by the system when the process ends, however).
fn lock(path: &Path, data: &Path) -> anyhow::Result<std::fs::File> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => {
            anyhow::bail!("another `annalist watch` is already running on {}", data.display())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", path.display())),
    }
}

impl Watcher {
    /// Open the watcher's state under `DATA/watch/` and the archive in `DATA`, and
    /// finish what a previous run left half done (records written but not filed,
    /// alerts not evaluated or not delivered).
    pub fn open(data: &Path, cfg: Config, kb: Kb) -> anyhow::Result<Watcher> {
        few_malloc_arenas();
        let layout = annalist_model::Layout::new(data);
        let state = State::open(&layout.watch())?;
        // Two watchers on one archive (a cron run overlapping the last one, or one
        // left running) would fetch everything twice and deliver alerts twice.
        let lock = lock(&layout.watch_lock(), data)?;
        let warc = WarcWriter::open(&layout.warc(), cfg.fetch.warc_max_mib << 20)?;
        let fetcher = Fetcher::new(&cfg.fetch)?;
        let webhook = reqwest::Client::builder()
            .timeout(cfg.alerts.webhook_timeout.0)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        for s in &cfg.sources {
            state.ensure_source(&s.name)?;
        }
        for w in &cfg.watches {
            w.state_pairs(&kb)?;
        }
        let w = Watcher {
            data: data.to_path_buf(),
            cfg,
            state,
            fetcher,
            kb,
            warc: Mutex::new(warc),
            pending: Mutex::new(Vec::new()),
            archive_error: Mutex::new(None),
            webhook,
            webhook_retry_at: Mutex::new(None),
            _lock: lock,
        };
        {
            let store = annalist_pipeline::open_store(data)?;
            if w.state.meta("alert_seq")?.is_none() {
                // Alerts are about what arrives from now on, not the archive so far.
                w.state.set_meta("alert_seq", &store.seq()?.to_string())?;
            }
        }
        w.recover()?;
        Ok(w)
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// The watch lists in force: the configuration's and those saved with
    /// `annalist alert add` (a saved list of the same name wins).
    pub fn watches(&self) -> anyhow::Result<Vec<WatchSpec>> {
        let saved = self.state.watches()?;
        let mut all: Vec<WatchSpec> =
            self.cfg.watches.iter().filter(|w| !saved.iter().any(|s| s.name == w.name)).cloned().collect();
        all.extend(saved);
        Ok(all)
    }

    fn recover(&self) -> anyhow::Result<()> {
        let dir = annalist_model::Layout::new(&self.data).warc();
        let files = warc::warc_files(&dir)?;
        let mut todo: Vec<PathBuf> = Vec::new();
        for (path, _) in self.state.warc_unfiled()? {
            todo.push(PathBuf::from(path));
        }
        // The newest file may hold a record synced just before a kill, before the
        // state heard of it.
        if let Some(last) = files.last()
            && !todo.contains(last)
        {
            let n = warc::repair(last)?;
            if self.state.warc_known(&last.display().to_string())? != Some(n) {
                todo.push(last.clone());
            }
        }
        if todo.is_empty() {
            self.alert_and_deliver_blocking()?;
            return Ok(());
        }
        let mut store = annalist_pipeline::open_store(&self.data)?;
        let mut index = Indexer::open_with(&self.data, &store, small_writer())?;
        for path in &todo {
            if !path.exists() {
                continue;
            }
            let problems = annalist_pipeline::Collect::default();
            let report = annalist_pipeline::ingest_paths(
                &mut store,
                Some(&self.kb),
                Some(&mut index),
                std::slice::from_ref(path),
                &annalist_pipeline::Options::default(),
                &problems,
            )?;
            log_problems(problems);
            tracing::info!(file = %path.display(), new = report.tally.new, "filed records left by the last run");
            let n = warc::repair(path)?;
            self.state.warc_filed(&path.display().to_string(), n)?;
        }
        index.index.close_writer()?;
        drop(index);
        drop(store);
        self.alert_and_deliver_blocking()?;
        Ok(())
    }

    fn alert_and_deliver_blocking(&self) -> anyhow::Result<()> {
        self.evaluate_alerts()?;
        // Delivery needs the async client: a small runtime of its own here.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(self.deliver())?;
        Ok(())
    }

    fn archive(&self, r: &Response, role: Role, tags: &Tags) {
        let res = self.warc.lock().expect("warc lock").response(r, role, tags);
        self.note_written(res);
    }

    fn note_written(&self, res: anyhow::Result<Written>) {
        match res {
            Ok(w) => {
                let _ = self.state.warc_written(&w.path.display().to_string(), w.record);
                self.pending.lock().expect("pending lock").push(w);
            }
            Err(e) => {
                tracing::error!("archiving a response failed: {e:#}");
                *self.archive_error.lock().expect("error lock") = Some(format!("{e:#}"));
            }
        }
    }

    /// Poll every source now (cron mode), or only those due (`only_due`).
    pub async fn round(&self, only_due: bool) -> anyhow::Result<Round> {
        let mut round = Round::default();
        for src in &self.cfg.sources {
            let now_s = now_str(Timestamp::now());
            // The feed or listing is read when its interval is up (always, for cron);
            // pages due before that are fetched without reading it again.
            let poll_listing = !only_due
                || self.state.source_next_poll(&src.name)?.is_none_or(|t| t.as_str() <= now_s.as_str());
            let pages_due =
                self.state.next_page_due(&src.name)?.is_some_and(|t| t.as_str() <= now_s.as_str());
            if !poll_listing && !pages_due {
                continue;
            }
            round.sources += 1;
            self.poll_source(src, poll_listing, &mut round).await?;
            let tally = self.file_pending()?;
            if tally.new > 0 {
                self.state.source_found_new(&src.name, &now_str(Timestamp::now()))?;
            }
            round.new += tally.new;
            round.versions += tally.versions;
            round.gone += tally.gone;
            // Alert as soon as a source's news is filed (not after the whole round).
            if tally.read > 0 {
                round.alerts += self.evaluate_alerts()?;
                self.deliver().await?;
            }
            if let Some(e) = self.archive_error.lock().expect("error lock").take() {
                anyhow::bail!("archiving failed: {e}");
            }
        }
        // What others filed meanwhile (`annalist ingest`, uploads), and alerts a
        // webhook did not take last time: once a round, even when no source was due.
        round.alerts += self.evaluate_alerts()?;
        self.deliver().await?;
        Ok(round)
    }

    /// Poll one source: its feed or listing when `poll_listing` (its interval is up,
    /// or cron mode), the pages taken off the listing or put back on it, then the
    /// pages due for a fetch.
    async fn poll_source(
        &self,
        src: &config::SourceConfig,
        poll_listing: bool,
        round: &mut Round,
    ) -> anyhow::Result<()> {
        let tags = Tags { source: Some(&src.name), outlet: src.outlet.as_deref(), ..Tags::default() };
        let mut done: HashSet<String> = HashSet::new();
        let seen = if poll_listing { self.poll_listing(src, &tags, round).await? } else { None };
        if let Some(seen) = seen {
            let previous = self.state.source_listing(&src.name)?;
            // Taken off the listing while older ones stay: gone, even if it still answers.
            for u in links::removed(&previous, &seen.urls) {
                if self.state.page(&u)?.is_some_and(|p| p.gone_at.is_none()) {
                    self.fetch_page(src, &u, true, &tags, round).await?;
                    done.insert(u);
                }
            }
            // Back on the listing after it was found gone: fetched (in full) to see
            // whether it answers again.
            let before: HashSet<&str> = previous.iter().map(String::as_str).collect();
            for u in &seen.urls {
                if !before.contains(u.as_str()) && self.state.page(u)?.is_some_and(|p| p.gone_at.is_some()) {
                    self.fetch_page(src, u, false, &tags, round).await?;
                    done.insert(u.clone());
                }
            }
            // Only now: a crash before this reads the listing in full again next
            // time and compares it with the previous one again.
            self.state.source_listing_seen(
                &src.name,
                seen.etag.as_deref(),
                seen.last_modified.as_deref(),
                &seen.urls,
            )?;
        }
        // Due pages, up to `per_host_concurrency` at a time (the fetcher's per-host
        // gate spaces them; a source's pages are mostly on one host).
        let due: Vec<String> = self
            .state
            .due_pages(&src.name, &now_str(Timestamp::now()), src.max_new_per_poll)?
            .into_iter()
            .filter(|u| !done.contains(u))
            .collect();
        let tags = &tags;
        for chunk in due.chunks(self.cfg.fetch.per_host_concurrency.max(1)) {
            let fetches = chunk.iter().map(|u| async move {
                let mut r = Round::default();
                let res = self.fetch_page(src, u, false, tags, &mut r).await;
                (r, res)
            });
            for (r, res) in futures_util::future::join_all(fetches).await {
                round.add(&r);
                res?;
            }
        }
        Ok(())
    }

    /// Fetch a source's feed or listing (conditional GET) and record the poll. The
    /// article URLs found are recorded at once; when it answered in full, returns
    /// them with the response's validators (saved by the caller once it has dealt
    /// with what the listing took off).
    async fn poll_listing(
        &self,
        src: &config::SourceConfig,
        tags: &Tags<'_>,
        round: &mut Round,
    ) -> anyhow::Result<Option<Listing>> {
        let now = Timestamp::now();
        let archive = |r: &Response, role: Role| self.archive(r, role, tags);
        let role = if src.feed.is_some() { Role::Feed } else { Role::Listing };
        let list_url = Url::parse(src.url()).context("source URL")?;
        let (etag, lm) = self.state.source_validators(&src.name)?;
        let validators = Validators { etag, last_modified: lm };
        let next_poll = now_str(later(now, src.interval.0));
        let failed = |msg: String, round: &mut Round| -> anyhow::Result<Option<Listing>> {
            round.errors += 1;
            tracing::warn!(source = %src.name, "{msg}");
            self.state.source_polled(&src.name, &now_str(now), &next_poll, Some(&msg))?;
            Ok(None)
        };
        let r = match self.fetcher.get(&list_url, role, &validators, &archive).await {
            Ok(r) => r,
            Err(e) => return failed(format!("{list_url}: {e}"), round),
        };
        if r.status == 304 {
            round.not_modified += 1;
            self.state.source_polled(&src.name, &now_str(now), &next_poll, None)?;
            return Ok(None);
        }
        if !(200..300).contains(&r.status) {
            return failed(format!("{}: HTTP {}", r.url, r.status), round);
        }
        round.fetched += 1;
        let items = match role {
            Role::Feed => links::from_feed(&r.body, &r.url),
            _ => links::from_listing(&r.body, r.header("content-type"), &r.url, src.link_pattern.as_ref())
                .map(|urls| {
                    urls.into_iter().map(|url| links::FeedItem { url, ..Default::default() }).collect()
                }),
        };
        let items: Vec<links::FeedItem> = match items {
            Ok(items) => items.into_iter().filter(|i| src.wants(&i.url)).collect(),
            Err(e) => return failed(format!("{}: {e}", r.url), round),
        };
        // Recorded before the poll is: once a later poll may answer 304, these URLs
        // are known from here only.
        for i in &items {
            self.state.add_page(&i.url, &src.name, &now_str(now))?;
            if i.published.is_some() || i.title.is_some() {
                self.state.page_feed_item(&i.url, i.published.as_deref(), i.title.as_deref())?;
            }
        }
        let urls: Vec<String> = items.into_iter().map(|i| i.url).collect();
        self.state.source_polled(&src.name, &now_str(now), &next_poll, None)?;
        Ok(Some(Listing {
            urls,
            etag: r.header("etag").map(str::to_string),
            last_modified: r.header("last-modified").map(str::to_string),
        }))
    }

    async fn fetch_page(
        &self,
        src: &config::SourceConfig,
        url: &str,
        taken_off: bool,
        tags: &Tags<'_>,
        round: &mut Round,
    ) -> anyhow::Result<()> {
        let Some(page) = self.state.page(url)? else { return Ok(()) };
        let Ok(parsed) = Url::parse(url) else { return Ok(()) };
        let now = Timestamp::now();
        // The page's response carries what its feed item said; robots.txt does not.
        let page_tags = Tags {
            feed_published: page.feed_published.as_deref(),
            feed_title: page.feed_title.as_deref(),
            ..tags.clone()
        };
        let archive = |r: &Response, role: Role| {
            self.archive(r, role, if role == Role::Article { &page_tags } else { tags })
        };
        // A page found gone is asked for in full: if it answers, the answer is archived
        // and filed, which tells the archive that it is back.
        let validators = match page.gone_at {
            Some(_) => Validators::default(),
            None => Validators { etag: page.etag.clone(), last_modified: page.last_modified.clone() },
        };
        let f = &self.cfg.fetch;
        let first_seen: Timestamp = page.first_seen.parse().unwrap_or(now);
        let age = now.duration_since(first_seen).unsigned_abs();
        let refetch = (age / 2).clamp(f.refetch_min.0, f.refetch_max.0.max(f.refetch_min.0));
        let next_ok = now_str(later(now, refetch));
        let next_err = now_str(later(now, f.refetch_min.0.min(src.interval.0)));
        match self.fetcher.get(&parsed, Role::Article, &validators, &archive).await {
            Ok(r) if r.status == 304 => {
                round.not_modified += 1;
                self.state.page_fetched(url, &now_str(now), Some(304), None, None, None, &next_ok)?;
                // Unchanged, but taken off its listing all the same.
                if taken_off {
                    let reason = format!("removed from listing {}", src.url());
                    self.mark_gone(url, &reason, tags)?;
                }
            }
            Ok(r) if (200..300).contains(&r.status) => {
                round.fetched += 1;
                self.state.page_fetched(
                    url,
                    &now_str(now),
                    Some(r.status),
                    None,
                    r.header("etag"),
                    r.header("last-modified"),
                    &next_ok,
                )?;
                let answered = (r.url.as_str() != parsed.as_str()).then_some(r.url.as_str());
                if answered != page.answered_url.as_deref() {
                    self.state.page_answered(url, answered)?;
                }
                if page.gone_at.is_some() {
                    self.state.page_back(url)?;
                }
                if taken_off {
                    let reason = format!("removed from listing {}", src.url());
                    self.mark_gone(url, &reason, tags)?;
                }
            }
            Ok(r) if r.status == 404 || r.status == 410 => {
                round.fetched += 1;
                self.state.page_fetched(url, &now_str(now), Some(r.status), None, None, None, &next_ok)?;
                self.mark_gone(url, &format!("HTTP {}", r.status), tags)?;
            }
            Ok(r) => {
                round.errors += 1;
                let msg = format!("HTTP {}", r.status);
                tracing::warn!(%url, "{msg}");
                self.state.page_fetched(
                    url,
                    &now_str(now),
                    Some(r.status),
                    Some(&msg),
                    None,
                    None,
                    &next_err,
                )?;
            }
            Err(e) => {
                round.errors += 1;
                tracing::warn!(%url, "{e}");
                // A page robots.txt forbids is not asked for again soon.
                let next = match e {
                    FetchError::Disallowed { .. } => now_str(later(now, f.refetch_max.0)),
                    _ => next_err,
                };
                self.state.page_fetched(url, &now_str(now), None, Some(&e.to_string()), None, None, &next)?;
            }
        }
        Ok(())
    }

    fn mark_gone(&self, url: &str, reason: &str, tags: &Tags) -> anyhow::Result<()> {
        let Some(page) = self.state.page(url)? else { return Ok(()) };
        if page.gone_at.is_some() {
            return Ok(());
        }
        let at = Timestamp::now();
        // The note names the page as the archive knows it: by the URL that answered
        // (after redirects), which is the one its captures were filed under.
        let target = page.answered_url.as_deref().unwrap_or(url);
        let res = self.warc.lock().expect("warc lock").gone(target, reason, at, tags);
        self.note_written(res);
        self.state.page_gone(url, &now_str(at), reason)?;
        Ok(())
    }

    /// File the records written since the last call into the archive.
    fn file_pending(&self) -> anyhow::Result<Tally> {
        let pending = std::mem::take(&mut *self.pending.lock().expect("pending lock"));
        let mut total = Tally::default();
        if pending.is_empty() {
            return Ok(total);
        }
        // Contiguous runs of one file: read them as `annalist ingest` reads the file,
        // numbering records as they are numbered there.
        let mut runs: Vec<(String, u64, Vec<annalist_ingest::Unit>)> = Vec::new();
        let mut i = 0;
        while i < pending.len() {
            let path = pending[i].path.clone();
            let first = pending[i].record;
            let mut bytes = Vec::new();
            let mut last = first;
            while i < pending.len() && pending[i].path == path {
                bytes.extend_from_slice(&pending[i].member);
                last = pending[i].record;
                i += 1;
            }
            let label = path.display().to_string();
            let mut units = Vec::new();
            let _ = read_bytes(&label, &bytes, &ReadOptions::default(), &mut |u| {
                match u {
                    Ok(mut u) => {
                        u.provenance.record = u.provenance.record.map(|r| r + first - 1);
                        units.push(u);
                    }
                    Err(e) => tracing::warn!("{e}"),
                }
                ControlFlow::Continue(())
            });
            runs.push((label, last, units));
        }
        // A poll where nothing changed archived only 304s, feeds and robots.txt, none
        // of which is filed: the store and the index are not even opened.
        if runs.iter().all(|(_, _, units)| units.is_empty()) {
            for (label, last, _) in &runs {
                self.state.warc_filed(label, *last)?;
            }
            return Ok(total);
        }
        let mut store = annalist_pipeline::open_store(&self.data)?;
        let mut index = Indexer::open_with(&self.data, &store, small_writer())?;
        for (label, last, units) in runs {
            if !units.is_empty() {
                let problems = annalist_pipeline::Collect::default();
                let report = annalist_pipeline::file_units(
                    &mut store,
                    Some(&self.kb),
                    Some(&mut index),
                    units,
                    &Default::default(),
                    &problems,
                )?;
                log_problems(problems);
                total.add(&report.tally);
            }
            self.state.warc_filed(&label, last)?;
        }
        // Release the index writer's memory between polls.
        index.index.close_writer()?;
        Ok(total)
    }

    /// Evaluate the watch lists on everything the store changed since the alert
    /// watermark, and queue the alerts. Returns how many were new.
    fn evaluate_alerts(&self) -> anyhow::Result<usize> {
        let watches = self.watches()?;
        let store = annalist_pipeline::open_store(&self.data)?;
        let seq = store.seq()?;
        let mark: i64 = self.state.meta("alert_seq")?.and_then(|s| s.parse().ok()).unwrap_or(seq);
        if seq <= mark {
            return Ok(0);
        }
        let changed = store.changed_since(mark)?;
        let queued = if watches.is_empty() {
            Vec::new()
        } else {
            let index = annalist_index::Index::open(&annalist_model::Layout::new(&self.data).index())?;
            alerts::evaluate(&store, &index, &self.kb, &watches, &changed)?
        };
        self.state.queue_alerts(&queued, seq, &now_str(Timestamp::now()))
    }

    /// Hand queued alerts to every configured sink.
    pub async fn deliver(&self) -> anyhow::Result<()> {
        let now = std::time::Instant::now();
        let webhook_ok = self.webhook_retry_at.lock().expect("webhook lock").is_none_or(|t| now >= t);
        let failed =
            alerts::deliver(&self.state, &self.cfg.alerts, &self.data, &self.webhook, webhook_ok).await?;
        if webhook_ok {
            *self.webhook_retry_at.lock().expect("webhook lock") = failed.then(|| now + RETRY_ALERTS);
        }
        Ok(())
    }

    /// Poll until `stop` resolves (or once, for cron), sleeping until the next
    /// source or page is due.
    pub async fn run(
        &self,
        once: bool,
        stop: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<Round> {
        if once {
            return self.round(false).await;
        }
        tokio::pin!(stop);
        let mut total = Round::default();
        loop {
            let r = self.round(true).await?;
            total.add(&r);
            release_memory();
            let wait = self.until_next()?;
            tracing::debug!(secs = wait.as_secs_f64(), "sleeping until the next poll");
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = &mut stop => return Ok(total),
            }
        }
    }

    /// Time until the soonest source poll or page re-fetch (at least 1 s).
    fn until_next(&self) -> anyhow::Result<Duration> {
        let now = Timestamp::now();
        let mut soonest: Option<Timestamp> = None;
        for s in &self.cfg.sources {
            for t in [self.state.source_next_poll(&s.name)?, self.state.next_page_due(&s.name)?]
                .into_iter()
                .flatten()
            {
                if let Ok(t) = t.parse::<Timestamp>() {
                    soonest = Some(soonest.map_or(t, |s| s.min(t)));
                }
            }
        }
        let wait = soonest.map(|t| t.duration_since(now).unsigned_abs()).unwrap_or(Duration::from_secs(60));
        let wait = if soonest.is_some_and(|t| t <= now) { Duration::ZERO } else { wait };
        // Alerts waiting for a webhook are tried again within a minute.
        let cap = if self.state.alert_count()?.1 > 0 { RETRY_ALERTS } else { Duration::from_secs(3600) };
        Ok(wait.max(Duration::from_secs(1)).min(cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_watcher_per_archive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watch.lock");
        let first = lock(&path, dir.path()).unwrap();
        let e = lock(&path, dir.path()).unwrap_err().to_string();
        assert!(e.contains("already running"), "{e}");
        drop(first);
        lock(&path, dir.path()).unwrap();
    }
}
