//! `annalist serve`: the web UI and the HTTP API over the archive.
//!
//! Everything here reads what the store and the index hold; nothing is computed that
//! the CLI could not print. The server is read-only unless started with a token, in
//! which case `POST /api/v1/ingest` files one capture through the same pipeline as
//! `annalist ingest` (the pipeline lives in the CLI crate and is handed in as an
//! [`IngestFn`], so this crate links neither the extractor nor the reader).
//!
//! Modules: [`api`] (JSON under `/api/v1/`), `pages` (server-rendered HTML),
//! `html` (escaping and SVG charts), `data` (shared queries: events, trends),
//! `diff` (word differences between stored versions).
//! Store and index work runs on tokio's blocking pool, at most one job per core
//! at a time (first come, first served: under load a cheap request waits in line
//! instead of sharing a core with dozens of others); SQLite connections come from
//! a small pool of read-only handles.

pub mod api;
mod data;
mod diff;
pub mod feed;
mod html;
mod pages;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use annalist_index::Index;
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
/// these bytes and answer a JSON summary (counts, touched article ids, errors).
pub type IngestFn = Arc<dyn Fn(&str, &[u8]) -> anyhow::Result<serde_json::Value> + Send + Sync>;

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
    /// Per-request time limit.
    pub timeout: Duration,
    /// Largest request body (uploads), in bytes.
    pub max_body: usize,
}

impl Options {
    pub fn new(data: &Path, kb: Kb) -> Options {
        Options {
            data: data.to_path_buf(),
            kb,
            token: None,
            ingest: None,
            timeout: Duration::from_secs(10),
            max_body: 16 << 20,
        }
    }
}

/// What every handler shares.
pub struct App {
    data: PathBuf,
    kb: Kb,
    token: Option<String>,
    ingest: Option<IngestFn>,
    stores: Mutex<Vec<Store>>,
    index: RwLock<Arc<Index>>,
    events: RwLock<Arc<Events>>,
    timeout: Duration,
    max_body: usize,
    /// The store change sequence the index and events were loaded at.
    seen_seq: std::sync::atomic::AtomicI64,
    /// One write at a time.
    writing: Mutex<()>,
    /// Bumped after every reload of the index and events (what caches key on).
    generation: std::sync::atomic::AtomicU64,
    /// `/api/v1/stats` as of a generation (counting the archive is the slowest read).
    stats: Mutex<Option<(u64, serde_json::Value)>>,
    /// Permits for blocking work: one per core.
    gate: tokio::sync::Semaphore,
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
        let index = Index::open(&opts.data.join("index")).context("opening the search index")?;
        let events = Events::load(&store)?;
        let seq = store.seq()?;
        Ok(Arc::new(App {
            seen_seq: std::sync::atomic::AtomicI64::new(seq),
            data: opts.data,
            kb: opts.kb,
            token: opts.token,
            ingest: opts.ingest,
            timeout: opts.timeout,
            max_body: opts.max_body,
            stores: Mutex::new(vec![store]),
            index: RwLock::new(Arc::new(index)),
            events: RwLock::new(Arc::new(events)),
            writing: Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
            stats: Mutex::new(None),
            gate: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            ),
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

    /// After a write: see the new index commit and the new events.
    fn refresh(&self) -> anyhow::Result<()> {
        let seq = self.with_store(|s| Ok(s.seq()?))?;
        self.seen_seq.store(seq, std::sync::atomic::Ordering::Relaxed);
        let index = Index::open(&self.data.join("index"))?;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        let events = self.with_store(Events::load)?;
        *self.events.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(events);
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Pooled connections see the new data at their next read transaction.
        Ok(())
    }

    /// Trends of `terms` ([`data::trends`]). The periods and their totals are the
    /// same for every request over the same span, so they are kept until the server
    /// loads a new state of the archive (at most 64 spans).
    fn trends(
        &self,
        terms: &[String],
        by: data::By,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<serde_json::Value, api::ApiError> {
        data::check_terms(terms)?;
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
                let span = Arc::new(data::periods(&index, by, since, until)?);
                let mut c = self.trend_periods.lock().unwrap_or_else(|e| e.into_inner());
                if c.0 != generation || c.1.len() >= 64 {
                    *c = (generation, HashMap::new());
                }
                c.1.insert(key, span.clone());
                span
            }
        };
        data::trends(&index, terms, by, &span)
    }

    /// `compute()`, or its value from earlier in this generation (the archive as the
    /// server last loaded it).
    fn cached_stats(
        &self,
        compute: impl FnOnce() -> Result<serde_json::Value, api::ApiError>,
    ) -> Result<serde_json::Value, api::ApiError> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        if let Some((g, v)) = &*self.stats.lock().unwrap_or_else(|e| e.into_inner())
            && *g == generation
        {
            return Ok(v.clone());
        }
        let v = compute()?;
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
    if seq == seen && app.index().watermark() >= seq {
        return Ok(false);
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
}

/// Serve until interrupted (Ctrl-C).
pub async fn serve(opts: Options, addr: SocketAddr) -> anyhow::Result<()> {
    let app = tokio::task::spawn_blocking(move || App::open(opts)).await??;
    let (data, writable) = (app.data.display().to_string(), app.token.is_some());
    tokio::spawn({
        let app = app.clone();
        async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                let app = app.clone();
                let r = tokio::task::spawn_blocking(move || {
                    let _one = app.writing.lock().unwrap_or_else(|e| e.into_inner());
                    follow_writes(&app)
                })
                .await;
                if let Ok(Err(e)) = r {
                    tracing::warn!("following the archive: {e:#}");
                }
            }
        }
    });
    let router = router(app);
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    eprintln!(
        "annalist: serving {} on http://{local}/ ({})",
        data,
        if writable { "read-write with token" } else { "read-only" }
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Run blocking work (store, index) off the async threads, once a core is free:
/// requests are served in the order they came, each on a core of its own.
async fn blocking<T: Send + 'static>(
    app: &State,
    f: impl FnOnce(&App) -> Result<T, api::ApiError> + Send + 'static,
) -> Result<T, api::ApiError> {
    let _permit =
        app.gate.acquire().await.map_err(|e| api::ApiError::internal(format!("worker gate: {e}")))?;
    unbounded_blocking(app, f).await
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
