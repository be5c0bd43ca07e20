//! The full-text index: a tantivy index derived from the store, the query language,
//! search with snippets and facets, and the search benchmark kit.
//!
//! This crate owns the on-disk tantivy index (one directory, derived data: it can be
//! wiped and rebuilt from the store at any time) and nothing upstream of it. It indexes
//! one document per article — the store has already merged near-duplicate captures into
//! one article with several sources — and remembers, in each commit, the store's change
//! sequence number it is consistent with ([`Index::watermark`]), so that after a crash
//! the caller catches up from the store.
//!
//! Modules, one job each:
//! - [`schema`]: fields, analysers, `IndexDoc` → tantivy document;
//! - [`query`]: the query language (lexer, parser, positioned [`QueryError`]s);
//! - `compile`: parsed query → tantivy queries (analysis, bounded prefix expansion);
//! - [`search`]: count, page of hits, sorting;
//! - [`facets`], [`snippet`]: facet collector and highlighted, escaped snippets;
//! - [`bench`]: synthetic corpus, fixed query mix, latency measurement.

pub mod bench;
pub mod budget;
pub mod common_words;
mod compile;
mod date_filter;
pub mod facets;
mod filtered;
mod guard;
mod near;
pub mod query;
mod rank;
mod rebuild_lock;
pub mod schema;
pub mod search;
pub mod snippet;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::NoMergePolicy;
use tantivy::store::Compressor;
use tantivy::{IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument};

use annalist_model::Date;

pub use budget::Budget;
pub use facets::{Facets, Period};
pub use query::{QueryError, QueryErrorKind};
pub use rebuild_lock::RebuildLock;
pub use search::{Hit, SearchRequest, SearchResults, Sort};

use schema::{FORMAT_VERSION, Fields};

/// One article as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IndexDoc {
    /// The store's article id (the key: upserting the same id replaces the document).
    pub article: i64,
    pub title: String,
    pub body: String,
    pub outlet: Option<String>,
    /// ISO 639-1.
    pub language: Option<String>,
    pub published: Option<Date>,
    /// Entity ids (`vladimir-putin`, `rus`).
    pub entities: Vec<String>,
    /// Event type names (`message`, `visit`, …).
    pub event_types: Vec<String>,
    /// Where the article was captured (one per merged near-duplicate capture).
    pub sources: Vec<String>,
}

/// What went wrong with the index itself (not with a query).
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0} is not empty and does not hold an annalist index; refusing to touch it")]
    NotAnIndex(PathBuf),
    /// Another process holds the index writer (an ingest is running): readers go on
    /// with the last commit, writers leave the indexing to it.
    #[error("the search index is being written by another process")]
    Busy,
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// Writer settings.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Indexing memory budget shared by the writer threads (each thread flushes a segment
    /// when its share is used up).
    pub writer_heap_bytes: usize,
    pub writer_threads: usize,
    /// Merge segments in the background (off only for measurements).
    pub merge: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions { writer_heap_bytes: 512 << 20, writer_threads: 2, merge: true }
    }
}

/// File in the index directory saying "this directory is an annalist index, format N".
const MARKER: &str = "annalist-index.json";

#[derive(Serialize, Deserialize)]
struct Marker {
    format: u32,
}

/// The commit payload: the store sequence number the index is consistent with.
#[derive(Serialize, Deserialize)]
struct Payload {
    format: u32,
    watermark: i64,
}

/// The full-text index: a tantivy index, a reader, and (created on first write, so that
/// read-only users take no lock) a single writer.
pub struct Index {
    dir: PathBuf,
    index: tantivy::Index,
    fields: Fields,
    reader: IndexReader,
    writer: Option<IndexWriter<TantivyDocument>>,
    options: IndexOptions,
    watermark: i64,
    rebuilt: bool,
}

/// The marker of an annalist index in `dir`, when it is there and reads.
fn read_marker(dir: &Path) -> Option<Marker> {
    fs::read(dir.join(MARKER)).ok().and_then(|b| serde_json::from_slice::<Marker>(&b).ok())
}

impl Index {
    /// Opens the index in `dir` with default writer settings, creating it if missing.
    ///
    /// An index written in another format, or one that cannot be opened (corrupt), is
    /// wiped and recreated empty; [`Index::needs_rebuild`] then says so (and the
    /// watermark is 0). A non-empty directory that is not an annalist index is refused.
    pub fn open(dir: &Path) -> Result<Index> {
        Index::open_with(dir, IndexOptions::default())
    }

    /// [`Index::open`] with explicit writer settings.
    pub fn open_with(dir: &Path, options: IndexOptions) -> Result<Index> {
        fs::create_dir_all(dir)?;
        // A marker being written (or left half-written by a crash) counts as ours.
        let has_marker = dir.join(MARKER).exists() || dir.join(format!("{MARKER}.tmp")).exists();
        let has_meta = dir.join("meta.json").exists();
        let empty = fs::read_dir(dir)?.next().is_none();
        if !empty && !has_marker && !has_meta {
            // Perhaps another process is wiping or creating it right now: look again
            // once nobody holds the rebuild lock, and refuse only what is still not ours.
            match RebuildLock::acquire_unless_held(dir) {
                Err(IndexError::Busy) => {
                    RebuildLock::wait_for(dir, std::time::Duration::from_secs(60))?;
                    return Index::open_with(dir, options);
                }
                r => drop(r?),
            }
            if !dir.join(MARKER).exists()
                && !dir.join("meta.json").exists()
                && fs::read_dir(dir)?.next().is_some()
            {
                return Err(IndexError::NotAnIndex(dir.to_path_buf()));
            }
            return Index::open_with(dir, options);
        }
        let marker_ok = has_marker && read_marker(dir).is_some_and(|m| m.format == FORMAT_VERSION);
        if empty || !has_meta {
            // Creating it: whoever holds the lock first does; the others wait for it
            // (a moment, unless it is a rebuild) and open what it made.
            let _lock = match RebuildLock::acquire_unless_held(dir) {
                Err(IndexError::Busy) => {
                    RebuildLock::wait_for(dir, std::time::Duration::from_secs(60))?;
                    return Index::open_with(dir, options);
                }
                r => r?,
            };
            if fs::read_dir(dir)?.next().is_some() && dir.join("meta.json").exists() {
                // Made by another process meanwhile.
                drop(_lock);
                return Index::open_with(dir, options);
            }
            if !empty {
                // Only our marker: a crash between writing it and creating the tantivy index.
                fs::remove_dir_all(dir)?;
                fs::create_dir_all(dir)?;
            }
            return Index::create(dir, options, false);
        }
        if marker_ok && let Ok(ix) = Index::try_open(dir, options) {
            return Ok(ix);
        }
        // Another format, or corrupt: the index is derived data, start again — unless
        // another process is rebuilding it right now (never pull the directory from
        // under it), or has just finished creating it (look again under the lock).
        let _lock = RebuildLock::acquire_unless_held(dir)?;
        if read_marker(dir).is_some_and(|m| m.format == FORMAT_VERSION)
            && let Ok(ix) = Index::try_open(dir, options)
        {
            return Ok(ix);
        }
        fs::remove_dir_all(dir)?;
        fs::create_dir_all(dir)?;
        Index::create(dir, options, true)
    }

    fn create(dir: &Path, options: IndexOptions, rebuilt: bool) -> Result<Index> {
        let (schema, fields) = schema::build_schema();
        let settings = IndexSettings {
            docstore_compression: Compressor::Lz4,
            docstore_blocksize: 16 * 1024,
            ..IndexSettings::default()
        };
        // The marker first: a directory with tantivy files but no marker is not ours.
        // Written beside and renamed into place, so that another process never reads
        // it half-written (and takes a fresh index for a damaged one).
        let tmp = dir.join(format!("{MARKER}.tmp"));
        fs::write(
            &tmp,
            serde_json::to_vec(&Marker { format: FORMAT_VERSION })
                .map_err(|e| IndexError::Other(e.to_string()))?,
        )?;
        fs::rename(&tmp, dir.join(MARKER))?;
        let index = tantivy::Index::builder().schema(schema).settings(settings).create_in_dir(dir)?;
        Index::finish_open(dir, index, fields, options, 0, rebuilt)
    }

    fn try_open(dir: &Path, options: IndexOptions) -> Result<Index> {
        let (schema, fields) = schema::build_schema();
        let index = tantivy::Index::open(
            MmapDirectory::open(dir)
                .map_err(|e| IndexError::Other(format!("cannot open {}: {e}", dir.display())))?,
        )?;
        let same = serde_json::to_string(&index.schema()).ok() == serde_json::to_string(&schema).ok();
        if !same {
            return Err(IndexError::Other("schema differs".into()));
        }
        let metas = index.load_metas()?;
        let watermark = match &metas.payload {
            None => {
                if metas.segments.is_empty() {
                    0
                } else {
                    return Err(IndexError::Other("commit without payload".into()));
                }
            }
            Some(p) => {
                let p: Payload =
                    serde_json::from_str(p).map_err(|e| IndexError::Other(format!("bad payload: {e}")))?;
                if p.format != FORMAT_VERSION {
                    return Err(IndexError::Other("old format".into()));
                }
                p.watermark
            }
        };
        Index::finish_open(dir, index, fields, options, watermark, false)
    }

    fn finish_open(
        dir: &Path,
        index: tantivy::Index,
        fields: Fields,
        options: IndexOptions,
        watermark: i64,
        rebuilt: bool,
    ) -> Result<Index> {
        schema::register_analyzers(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        // Open every segment now so that a corrupt index fails here, not at search time.
        let _ = reader.searcher().num_docs();
        Ok(Index { dir: dir.to_path_buf(), index, fields, reader, writer: None, options, watermark, rebuilt })
    }

    /// Whether `open` found an unusable index and replaced it with an empty one: the
    /// caller should reindex everything from the store.
    pub fn needs_rebuild(&self) -> bool {
        self.rebuilt
    }

    /// The directory of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The field handles (for callers that need lower-level tantivy access).
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    fn writer(&mut self) -> Result<&mut IndexWriter<TantivyDocument>> {
        if self.writer.is_none() {
            let w = match self
                .index
                .writer_with_num_threads(self.options.writer_threads, self.options.writer_heap_bytes)
            {
                Err(tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                )) => {
                    return Err(IndexError::Busy);
                }
                r => r?,
            };
            if !self.options.merge {
                w.set_merge_policy(Box::new(NoMergePolicy));
            }
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().expect("just created"))
    }

    /// Adds or replaces documents (delete by article id, then add): an article's newest
    /// version replaces the old one. Visible to searches after [`Index::commit`].
    pub fn upsert(&mut self, docs: &[IndexDoc]) -> Result<()> {
        let fields = self.fields.clone();
        let w = self.writer()?;
        for d in docs {
            w.delete_term(schema::article_term(&fields, d.article));
            w.add_document(schema::to_document(&fields, d))?;
        }
        Ok(())
    }

    /// Removes an article. Visible after [`Index::commit`].
    pub fn delete(&mut self, article: i64) -> Result<()> {
        let term = schema::article_term(&self.fields, article);
        self.writer()?.delete_term(term);
        Ok(())
    }

    /// Makes every change since the last commit durable and visible, atomically, together
    /// with `watermark` (the store's change sequence number these changes bring the
    /// index up to).
    pub fn commit(&mut self, watermark: i64) -> Result<()> {
        let payload = serde_json::to_string(&Payload { format: FORMAT_VERSION, watermark })
            .map_err(|e| IndexError::Other(e.to_string()))?;
        let w = self.writer()?;
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        self.watermark = watermark;
        Ok(())
    }

    /// The store sequence number of the last commit (0 if none): resume from there.
    pub fn watermark(&self) -> i64 {
        self.watermark
    }

    /// Whether this handle holds the index writer (and its lock).
    pub fn has_writer(&self) -> bool {
        self.writer.is_some()
    }

    /// Takes the writer lock now, if no other process holds it ([`IndexError::Busy`]
    /// otherwise). Then sees the newest commit, which another writer may have made.
    pub fn acquire_writer(&mut self) -> Result<()> {
        if self.writer.is_some() {
            return Ok(());
        }
        self.writer()?;
        self.reload()
    }

    /// Sees the newest commit (made by this handle or by another process) and its
    /// watermark.
    pub fn reload(&mut self) -> Result<()> {
        self.reader.reload()?;
        let metas = self.index.load_metas()?;
        if let Some(p) = &metas.payload {
            let p: Payload =
                serde_json::from_str(p).map_err(|e| IndexError::Other(format!("bad payload: {e}")))?;
            self.watermark = p.watermark;
        }
        Ok(())
    }

    /// Removes every document and commits with watermark 0 (for `annalist reindex`).
    pub fn clear(&mut self) -> Result<()> {
        self.writer()?.delete_all_documents()?;
        self.commit(0)
    }

    /// Waits for background merges to finish and releases the writer (and its lock).
    /// Uncommitted changes are dropped: commit first.
    pub fn close_writer(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Runs a query within the default budget (a cost ceiling, no deadline). See
    /// [`query`] for the language.
    pub fn search(&self, q: &SearchRequest) -> Result<SearchResults, QueryError> {
        self.search_within(q, &Arc::new(Budget::default()))
    }

    /// Runs a query within `budget`: refused if it would cost more, stopped (an error
    /// of kind `TimedOut`) when the budget's deadline passes or it is cancelled.
    pub fn search_within(
        &self,
        q: &SearchRequest,
        budget: &Arc<Budget>,
    ) -> Result<SearchResults, QueryError> {
        guard_panics(|| search::run(&self.reader.searcher(), &self.fields, q, budget))
    }

    /// How many articles match `query`, per publication month or year (keys `yyyymm`
    /// or `yyyy`), within `budget`.
    pub fn count_by_period(
        &self,
        query: &str,
        by: Period,
        budget: &Arc<Budget>,
    ) -> Result<BTreeMap<i64, u64>, QueryError> {
        guard_panics(|| search::count_by_period(&self.reader.searcher(), &self.fields, query, by, budget))
    }

    /// Which of `articles` match `query` (committed documents only), within the
    /// default budget.
    pub fn matching(&self, query: &str, articles: &[i64]) -> Result<Vec<i64>, QueryError> {
        self.matching_within(query, articles, &Arc::new(Budget::default()))
    }

    /// [`Index::matching`] within `budget`.
    pub fn matching_within(
        &self,
        query: &str,
        articles: &[i64],
        budget: &Arc<Budget>,
    ) -> Result<Vec<i64>, QueryError> {
        guard_panics(|| search::matching(&self.reader.searcher(), &self.fields, query, articles, budget))
    }

    /// Committed, live documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Bytes on disk taken by the index directory.
    pub fn size_bytes(&self) -> u64 {
        fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Files of the committed index whose checksums do not match their contents
    /// (garbage written over a segment, a torn copy), by name; empty when sound.
    /// Reads the whole index.
    pub fn damaged_files(&self) -> Result<Vec<String>> {
        let bad = self.index.validate_checksum()?;
        let mut names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
        names.sort();
        Ok(names)
    }

    /// Which of `articles` the committed index holds (live documents).
    pub fn present(&self, articles: &[i64]) -> Result<Vec<i64>> {
        use tantivy::collector::DocSetCollector;
        use tantivy::query::TermSetQuery;
        let searcher = self.reader.searcher();
        let q = TermSetQuery::new(articles.iter().map(|&a| schema::article_term(&self.fields, a)));
        let docs = searcher.search(&q, &DocSetCollector)?;
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            use tantivy::schema::Value;
            if let Some(v) = doc.get_first(self.fields.article).and_then(|v| v.as_i64()) {
                out.push(v);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Number of segments in the committed index.
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }
}

/// tantivy panics on some damaged index files (e.g. garbage where a bit-packed block
/// is expected) instead of returning an error. A search must not take its caller down
/// with it: the panic becomes an error of kind `Index` (the index is derived data, and
/// the caller can rebuild it).
fn guard_panics<T>(f: impl FnOnce() -> Result<T, QueryError>) -> Result<T, QueryError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".into());
            Err(QueryError::index(format!("the index is damaged ({what}); run `annalist check --repair`")))
        }
    }
}
