//! `annalist-archive`: the front door over the archive, in the spirit of
//! rust-analyzer's `AnalysisHost`/`Analysis`. It owns
//! - opening an archive with one meaning ([`Archive::open`] refuses a directory
//!   without one and says what to do; writers create it through the store),
//! - the parsing of what users ask for: event filters, pairs of states, dates and
//!   state codes, one grammar for the CLI, the server and the watcher's alerts
//!   ([`filter`], [`states`]),
//! - the typed queries every front end renders: merged events and their one JSON
//!   shape ([`events`]), timelines, entity profiles ([`entity`]), trends
//!   ([`trends`]), searches with the search form's filters ([`search`]) and counts
//!   ([`stats`]).
//!
//! The CLI, the server and the watcher only render what these return; none of them
//! merges, filters or sorts events itself.

pub mod entities;
pub mod entity;
pub mod events;
pub mod filter;
pub mod search;
pub mod states;
pub mod stats;
pub mod trends;

use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use annalist_model::Layout;
use annalist_store::Store;
use annalist_understand::Kb;

pub use entities::{EntityHit, EntityList, entities, resolve_entity};
pub use entity::{EntityProfile, MentionYear, RoleView, entity};
pub use events::{EventPage, EventView, MergedEvents, ReportView, Timeline, timeline};
pub use filter::{EventQuery, parse_date, parse_event_type};
pub use search::{SearchQuery, search};
pub use states::{name, parse_dyad, resolve_state};
pub use stats::ArchiveStats;
pub use trends::{By, MAX_PERIODS, MAX_TERMS, Periods, Series, Trends, check_terms, periods, trends};

/// Why a query was not answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A malformed value or an unknown code: the message names it and says what is
    /// expected (the CLI exits 2, the server answers 400).
    #[error("{0}")]
    Invalid(String),
    /// Nothing by that name or id (exit 1, 404).
    #[error("{0}")]
    NotFound(String),
    /// The search index refused or stopped a query (syntax, budget, deadline).
    #[error("{0}")]
    Search(#[from] annalist_index::QueryError),
    #[error(transparent)]
    Store(#[from] annalist_store::StoreError),
}

impl QueryError {
    pub fn invalid(msg: impl Into<String>) -> QueryError {
        QueryError::Invalid(msg.into())
    }
}

/// Why an archive could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no archive in {0} (run `annalist ingest PATH` first, or pass --data DIR)")]
    Missing(String),
    #[error("opening the archive in {dir}: {source}")]
    Store { dir: String, source: annalist_store::StoreError },
}

/// An open archive with its knowledge base: the store connection and, loaded on
/// first use, the snapshot of merged events that event queries read.
pub struct Archive {
    layout: Layout,
    store: Store,
    kb: Arc<Kb>,
    events: OnceLock<MergedEvents>,
}

impl Archive {
    /// Open the archive in `dir` for reading and for the writes the store makes
    /// (migrations included). A directory without an archive is an error that says
    /// how to make one: readers never create an empty archive by mistake.
    pub fn open(dir: &Path, kb: Arc<Kb>) -> Result<Archive, OpenError> {
        let store = open_existing_store(dir)?;
        Ok(Archive { layout: Layout::new(dir), store, kb, events: OnceLock::new() })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    /// Every asserted event merged (one per real event), oldest first; loaded once.
    pub fn events(&self) -> Result<&MergedEvents, QueryError> {
        if let Some(e) = self.events.get() {
            return Ok(e);
        }
        let loaded = MergedEvents::load(&self.store)?;
        Ok(self.events.get_or_init(|| loaded))
    }

    /// The timeline of two states ([`timeline`]).
    pub fn timeline(
        &self,
        a: &str,
        b: &str,
        q: &EventQuery,
        limit: usize,
        offset: usize,
    ) -> Result<Timeline<'_>, QueryError> {
        timeline(&self.kb, self.events()?, a, b, q, limit, offset)
    }

    /// An entity's profile ([`entity`]).
    pub fn entity(&self, id: &str, limit: usize, offset: usize) -> Result<EntityProfile<'_>, QueryError> {
        entity(&self.kb, &self.store, self.events()?, id, limit, offset)
    }

    /// Counts of the archive ([`ArchiveStats`]); `indexed` from the caller's index.
    pub fn stats(&self, indexed: Option<u64>) -> Result<ArchiveStats, QueryError> {
        ArchiveStats::compute(&self.store, self.events()?, indexed)
    }
}

/// Open an existing store for a reader: refuses a directory without an archive.
/// Writers (`ingest`, the watcher, uploads) create it with
/// `annalist_pipeline::open_store`.
pub fn open_existing_store(dir: &Path) -> Result<Store, OpenError> {
    if !has_archive(&Layout::new(dir)) {
        return Err(OpenError::Missing(dir.display().to_string()));
    }
    Store::open(dir).map_err(|source| OpenError::Store { dir: dir.display().to_string(), source })
}

/// Whether an archive exists in `layout` (its database file does).
pub fn has_archive(layout: &Layout) -> bool {
    layout.db().exists()
}
