//! Counts of the archive, saying what each counts: the store's rows and, beside
//! them, the merged events (one per real event) and the articles the index holds.

use annalist_store::{Stats, Store};
use serde::Serialize;

use crate::QueryError;
use crate::events::MergedEvents;

/// `annalist stats` and `/api/v1/stats`.
#[derive(Debug, Serialize)]
pub struct ArchiveStats {
    /// The store's counts. Its `events` are event reports: each asserted event as
    /// one article reports it (many reports can tell of one real event).
    #[serde(flatten)]
    pub store: Stats,
    /// Merged events: one per real event, asserted reports only (what `annalist
    /// events` lists).
    pub merged_events: usize,
    /// Articles in the search index, when the caller has it open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexed: Option<u64>,
}

impl ArchiveStats {
    pub fn compute(
        store: &Store,
        events: &MergedEvents,
        indexed: Option<u64>,
    ) -> Result<ArchiveStats, QueryError> {
        Ok(ArchiveStats { store: store.stats()?, merged_events: events.all.len(), indexed })
    }
}
