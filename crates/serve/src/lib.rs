//! `annalist serve`: the web UI and the HTTP API over the archive.
//!
//! Everything here reads what the store and the index hold; nothing is computed that
//! the CLI could not print. The server is read-only unless started with a token, in
//! which case `POST /api/v1/ingest` files one capture through the same pipeline as
//! `annalist ingest` (the pipeline lives in the CLI crate and is handed in as an
//! [`IngestFn`], so this crate links neither the extractor nor the reader).
//!
//! Modules: [`api`] (JSON under `/api/v1/`), `pages` (server-rendered HTML),
//! `html` (SVG charts, URL encoding), `data` (shared queries: events, trends),
//! `diff` (word differences between stored versions).
//! Store and index work runs on tokio's blocking pool, at most one job per core
//! at a time (first come, first served: under load a cheap request waits in line
//! instead of sharing a core with dozens of others); SQLite connections come from
//! a small pool of read-only handles.

mod accept;
pub mod api;
mod data;
mod diff;
mod errors;
pub mod feed;
mod html;
mod pages;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use annalist_index::{Budget, Index};
use annalist_model::Layout;
use annalist_store::Store;
use annalist_understand::Kb;
use anyhow::Context;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use data::Events;
pub use pages::EVENTS_PER_PAGE;

/// The ingest pipeline, provided by the caller: file the capture named `name` with
/// these bytes and answer what it became (counts, touched article ids, errors).
pub type IngestFn = Arc<dyn Fn(&str, &[u8]) -> anyhow::Result<IngestReport> + Send + Sync>;

/// What `POST /api/v1/ingest` answers about one filed capture.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IngestReport {
    /// Where the capture is kept (the provenance path of what it became).
    pub path: String,
    /// Units read, and what became of them.
    #[serde(flatten)]
    pub tally: annalist_model::Tally,
    /// Ids of the articles it added or changed.
    pub articles: Vec<i64>,
    /// The problems met, one `location: reason` line each.
    pub errors: Vec<String>,
}

/// Brings the search index up to date with the store when no other process is
/// writing it (provided by the caller, which links the pipeline).
pub type CatchUpFn = Arc<dyn Fn() -> anyhow::Result<()> + Send + Sync>;

/// The Content-Security-Policy of every response: nothing but this origin, no
/// inline script, no plugins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// How the server runs.
pub struct Options {
    /// The data directory (archive and index).
    pub data: PathBuf,
    pub kb: Kb,
    /// Enables the write endpoint; requests must carry `Authorization: Bearer TOKEN`.
    pub token: Option<String>,
    /// The ingest pipeline behind `POST /api/v1/ingest`.
    pub ingest: Option<IngestFn>,
    /// Index catch-up, called while the index lags the store.
    pub catch_up: Option<CatchUpFn>,
    /// Rebuilds the index from the store, called when a search finds it damaged.
    pub rebuild_index: Option<CatchUpFn>,
    /// Per-request time limit (the answer is 503 past it).
    pub timeout: Duration,
    /// Time one request's searches may take (they are stopped past it).
    pub query_time: Duration,
    /// Largest request body (uploads), in bytes.
    pub max_body: usize,
    /// Open connections at most; further ones are answered 503 and closed.
    pub max_connections: usize,
    /// Requests waiting for a core at most; further ones are answered 503 at once.
    pub max_queue: usize,
    /// Connections still sending their first request head at most; when more
    /// arrive, the oldest of them is dropped (see `accept.rs`).
    pub max_heads: usize,
    /// Time a client has to send a request's headers.
    pub header_timeout: Duration,
    /// Time a client has to send an upload's body.
    pub body_timeout: Duration,
}

impl Options {
    pub fn new(data: &Path, kb: Kb) -> Options {
        Options {
            data: data.to_path_buf(),
            kb,
            token: None,
            ingest: None,
            catch_up: None,
            rebuild_index: None,
            timeout: Duration::from_secs(10),
            query_time: Duration::from_secs(1),
            max_body: 16 << 20,
            max_connections: 1024,
            max_queue: 256,
            max_heads: 4096,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
        }
    }
}

/// What every handler shares.
pub struct App {
    data: PathBuf,
    kb: Kb,
    token: Option<String>,
    ingest: Option<IngestFn>,
    catch_up: Option<CatchUpFn>,
    rebuild_index: Option<CatchUpFn>,
    /// A rebuild of the index is running.
    rebuilding: std::sync::atomic::AtomicBool,
    stores: Mutex<Vec<Store>>,
    index: RwLock<Arc<Index>>,
    events: RwLock<Arc<Events>>,
    timeout: Duration,
    query_time: Duration,
    max_body: usize,
    max_connections: usize,
    max_queue: usize,
    max_heads: usize,
    header_timeout: Duration,
    body_timeout: Duration,
    /// Requests waiting for a permit of `gate`.
    queued: std::sync::atomic::AtomicUsize,
    /// The store change sequence the index and events were loaded at.
    seen_seq: std::sync::atomic::AtomicI64,
    /// One write at a time.
    writing: Mutex<()>,
    /// Bumped after every reload of the index and events (what caches key on).
    generation: std::sync::atomic::AtomicU64,
    /// `/api/v1/stats` as of a generation (counting the archive is the slowest read).
    stats: Mutex<Option<(u64, Arc<annalist_archive::ArchiveStats>)>>,
    /// Permits for blocking work: one per core.
    gate: Arc<tokio::sync::Semaphore>,
    /// The periods and per-period totals of trends, by span, as of a generation.
    trend_periods: Mutex<(u64, HashMap<TrendSpan, Arc<data::Periods>>)>,
}

/// Granularity, `since` and `until` of a trend.
type TrendSpan = (data::By, String, String);

pub type State = Arc<App>;

impl App {
    /// Open the archive (read-only) and the index. The index must already be caught
    /// up with the store (the CLI does so before serving).
    pub fn open(opts: Options) -> anyhow::Result<State> {
        let store = Store::open_read_only(&opts.data)
            .with_context(|| format!("opening the archive in {}", opts.data.display()))?;
        let index = Index::open(&Layout::new(&opts.data).index()).context("opening the search index")?;
        let events = Events::load(&store)?;
        let seq = store.seq()?;
        Ok(Arc::new(App {
            seen_seq: std::sync::atomic::AtomicI64::new(seq),
            data: opts.data,
            kb: opts.kb,
            token: opts.token,
            ingest: opts.ingest,
            catch_up: opts.catch_up,
            rebuild_index: opts.rebuild_index,
            rebuilding: std::sync::atomic::AtomicBool::new(false),
            timeout: opts.timeout,
            query_time: opts.query_time,
            max_body: opts.max_body,
            max_connections: opts.max_connections.max(1),
            max_queue: opts.max_queue,
            max_heads: opts.max_heads,
            header_timeout: opts.header_timeout,
            body_timeout: opts.body_timeout,
            queued: std::sync::atomic::AtomicUsize::new(0),
            stores: Mutex::new(vec![store]),
            index: RwLock::new(Arc::new(index)),
            events: RwLock::new(Arc::new(events)),
            writing: Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
            stats: Mutex::new(None),
            gate: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            )),
            trend_periods: Mutex::new((0, HashMap::new())),
        }))
    }

    /// Run `f` with a read-only store handle from the pool.
    fn with_store<T>(&self, f: impl FnOnce(&Store) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let store = self.stores.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let store = match store {
            Some(s) => s,
            None => Store::open_read_only(&self.data)?,
        };
        let out = f(&store);
        let mut pool = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < 16 {
            pool.push(store);
        }
        out
    }

    fn index(&self) -> Arc<Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn events(&self) -> Arc<Events> {
        self.events.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    /// After a write: see the new index commit and, when the store changed, the new
    /// events.
    fn refresh(&self) -> anyhow::Result<()> {
        let seq = self.with_store(|s| Ok(s.seq()?))?;
        let moved = self.seen_seq.swap(seq, std::sync::atomic::Ordering::Relaxed) != seq;
        let index = Index::open(&Layout::new(&self.data).index())?;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        if moved {
            let events = self.with_store(|s| Ok(Events::load(s)?))?;
            *self.events.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(events);
        }
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Pooled connections see the new data at their next read transaction.
        Ok(())
    }

    /// Trends of `terms` ([`annalist_archive::trends`]). The periods and their totals are the
    /// same for every request over the same span, so they are kept until the server
    /// loads a new state of the archive (at most 64 spans).
    fn trends(
        &self,
        terms: &[String],
        by: data::By,
        since: Option<&str>,
        until: Option<&str>,
        budget: &Arc<Budget>,
    ) -> Result<data::Trends, api::ApiError> {
        annalist_archive::check_terms(terms)?;
        // The generation before the index: what is kept is never older than its key.
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let index = self.index();
        let key = (by, since.unwrap_or("").to_string(), until.unwrap_or("").to_string());
        let kept = {
            let c = self.trend_periods.lock().unwrap_or_else(|e| e.into_inner());
            if c.0 == generation { c.1.get(&key).cloned() } else { None }
        };
        let span = match kept {
            Some(span) => span,
            None => {
                let span = Arc::new(annalist_archive::periods(&index, by, since, until, budget)?);
                let mut c = self.trend_periods.lock().unwrap_or_else(|e| e.into_inner());
                if c.0 != generation || c.1.len() >= 64 {
                    *c = (generation, HashMap::new());
                }
                c.1.insert(key, span.clone());
                span
            }
        };
        Ok(annalist_archive::trends(&index, terms, by, &span, budget)?)
    }

    /// `compute()`, or its value from earlier in this generation (the archive as the
    /// server last loaded it).
    fn cached_stats(
        &self,
        compute: impl FnOnce() -> Result<annalist_archive::ArchiveStats, api::ApiError>,
    ) -> Result<Arc<annalist_archive::ArchiveStats>, api::ApiError> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        if let Some((g, v)) = &*self.stats.lock().unwrap_or_else(|e| e.into_inner())
            && *g == generation
        {
            return Ok(v.clone());
        }
        let v = Arc::new(compute()?);
        *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, v.clone()));
        Ok(v)
    }
}

/// Follow writes by other processes (`annalist ingest` beside the server): when the
/// store's change sequence moved, or the index has not caught up with it yet, load
/// the index's newest commit and the events again.
/// Answers whether it reloaded (the server calls it every 5 seconds).
pub fn follow_writes(app: &App) -> anyhow::Result<bool> {
    let seq = app.with_store(|s| Ok(s.seq()?))?;
    let seen = app.seen_seq.load(std::sync::atomic::Ordering::Relaxed);
    let indexed = app.index().watermark();
    if seq == seen && indexed >= seq {
        return Ok(false);
    }
    if indexed < seq
        && let Some(catch_up) = &app.catch_up
    {
        // Nobody may be left to index what another process filed (an ingest that
        // found the writer taken): do it here. A writer elsewhere makes this a no-op.
        catch_up()?;
    }
    app.refresh()?;
    Ok(true)
}

/// The whole application: API, pages, static assets, and the security layers.
pub fn router(app: State) -> Router {
    let (max_body, timeout) = (app.max_body, app.timeout);
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(feed::routes())
        .with_state(app)
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(header("content-security-policy", CSP))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(axum::middleware::from_fn(errors::uniform))
}

/// Serve until interrupted (Ctrl-C).
pub async fn serve(opts: Options, addr: SocketAddr) -> anyhow::Result<()> {
    let app = tokio::task::spawn_blocking(move || App::open(opts)).await??;
    let (data, writable) = (app.data.display().to_string(), app.token.is_some());
    // Damage that still lets the index open (a flipped byte in a postings file) shows
    // only in its checksums: read them once in the background, and rebuild when they
    // fail, instead of answering from damaged data.
    tokio::task::spawn_blocking({
        let app = app.clone();
        move || match app.index().damaged_files() {
            Ok(files) if !files.is_empty() => {
                tracing::warn!("search index files fail their checksums: {}", files.join(", "));
                start_index_rebuild(&app);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("verifying the search index: {e}"),
        }
    });
    tokio::spawn({
        let app = app.clone();
        async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                let app = app.clone();
                let r = tokio::task::spawn_blocking(move || {
                    let _one = app.writing.lock().unwrap_or_else(|e| e.into_inner());
                    let r = follow_writes(&app);
                    // Give memory freed by the last requests back to the system.
                    trim_heap();
                    r
                })
                .await;
                if let Ok(Err(e)) = r {
                    tracing::warn!("following the archive: {e:#}");
                }
            }
        }
    });
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    eprintln!(
        "annalist: serving {} on http://{local}/ ({})",
        data,
        if writable { "read-write with token" } else { "read-only" }
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve_listener(listener, app, shutdown).await
}

/// Serve `app` on a bound listener until `shutdown` completes: the connection cap,
/// the header-read timeout and every layer of [`router`].
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    app: State,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    accept::run(listener, app, shutdown).await
}

/// Returns freed heap pages to the system (glibc keeps them otherwise, so the RSS
/// after a burst of large requests would stay at its peak).
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; no pointers are handed over.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Cancels the budget of a request when its handler is dropped: when the timeout
/// layer answers 503 (or the client goes away), the search stops too.
struct CancelOnDrop(Arc<Budget>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Run blocking work (store, index) off the async threads, once a core is free:
/// requests are served in the order they came, each on a core of its own. The work
/// gets a [`Budget`] of the server's query time, cancelled if the request is
/// abandoned; the core is held until the work has really ended. When more than
/// `max_queue` requests already wait, or none gets a core within the request
/// timeout, the answer is 503 with Retry-After.
async fn blocking<T: Send + 'static>(
    app: &State,
    f: impl FnOnce(&App, &Arc<Budget>) -> Result<T, api::ApiError> + Send + 'static,
) -> Result<T, api::ApiError> {
    use std::sync::atomic::Ordering;
    struct Queued<'a>(&'a std::sync::atomic::AtomicUsize);
    impl Drop for Queued<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    if app.queued.fetch_add(1, Ordering::SeqCst) >= app.max_queue {
        app.queued.fetch_sub(1, Ordering::SeqCst);
        return Err(api::ApiError::busy("the server is busy; try again in a moment"));
    }
    let permit = {
        let _queued = Queued(&app.queued);
        app.gate
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| api::ApiError::internal(format!("worker gate: {e}")))?
    };
    let budget = Arc::new(Budget::with_time(app.query_time));
    let _cancel = CancelOnDrop(budget.clone());
    let app = app.clone();
    let worker = app.clone();
    let out = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f(&worker, &budget)
    })
    .await
    .map_err(|e| api::ApiError::internal(format!("worker failed: {e}")))?;
    if let Err(e) = &out
        && e.index_damaged
    {
        start_index_rebuild(&app);
    }
    out
}

/// Rebuilds a damaged index from the store in the background (one rebuild at a
/// time), then serves the new one. Searches answer 503 meanwhile.
fn start_index_rebuild(app: &State) {
    use std::sync::atomic::Ordering;
    let Some(rebuild) = app.rebuild_index.clone() else { return };
    if app.rebuilding.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        tracing::warn!("the search index is damaged: rebuilding it from the archive");
        let _one = app.writing.lock().unwrap_or_else(|e| e.into_inner());
        let r = rebuild().and_then(|()| app.refresh());
        match r {
            Ok(()) => tracing::warn!("the search index was rebuilt"),
            Err(e) => tracing::error!("rebuilding the search index: {e:#}"),
        }
        app.rebuilding.store(false, Ordering::SeqCst);
    });
}

/// Run blocking work off the async threads without waiting for a core (writes,
/// which may take seconds and must not hold readers up).
async fn unbounded_blocking<T: Send + 'static>(
    app: &State,
    f: impl FnOnce(&App) -> Result<T, api::ApiError> + Send + 'static,
) -> Result<T, api::ApiError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| api::ApiError::internal(format!("worker failed: {e}")))?
}

/// [`serve`] on a runtime of its own, for callers that are not async.
pub fn run(opts: Options, addr: SocketAddr) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(serve(opts, addr))
}
