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
    /// How many reports the merged events have (the check that merging joins reports
    /// of one real event and no more: a long tail deserves a look).
    pub reports_per_event: Vec<ReportBucket>,
    /// The merged events with the most reports, most first.
    pub largest_events: Vec<LargeEvent>,
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
        Ok(ArchiveStats {
            store: store.stats()?,
            merged_events: events.all.len(),
            reports_per_event: buckets(events.all.iter().map(|e| e.reports.len())),
            largest_events: largest(&events.all, 5),
            indexed,
        })
    }
}

/// Merged events with `min..=max` reports (`max` absent: no upper bound).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportBucket {
    pub min: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    pub events: usize,
}

/// One of the merged events with the most reports, with the span of the dates its
/// reports state.
#[derive(Debug, Clone, Serialize)]
pub struct LargeEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub reports: usize,
    /// The earliest and latest dates the reports state (as written: `2011`,
    /// `2011-08`, `2011-08-24`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

const BUCKETS: [(usize, Option<usize>); 6] =
    [(1, Some(1)), (2, Some(2)), (3, Some(5)), (6, Some(10)), (11, Some(20)), (21, None)];

fn buckets(sizes: impl Iterator<Item = usize>) -> Vec<ReportBucket> {
    let mut out: Vec<ReportBucket> =
        BUCKETS.iter().map(|&(min, max)| ReportBucket { min, max, events: 0 }).collect();
    for n in sizes {
        if let Some(b) = out.iter_mut().find(|b| n >= b.min && b.max.is_none_or(|m| n <= m)) {
            b.events += 1;
        }
    }
    out
}

fn largest(all: &[annalist_understand::CanonicalEvent], k: usize) -> Vec<LargeEvent> {
    let mut by_size: Vec<&annalist_understand::CanonicalEvent> =
        all.iter().filter(|e| e.reports.len() > 1).collect();
    by_size.sort_by(|a, b| b.reports.len().cmp(&a.reports.len()).then_with(|| a.id.cmp(&b.id)));
    by_size
        .into_iter()
        .take(k)
        .map(|e| {
            let dates: Vec<String> = e.reports.iter().filter_map(|r| r.date.map(|d| d.to_string())).collect();
            LargeEvent {
                id: e.id.clone(),
                kind: e.event.kind.as_str().to_string(),
                reports: e.reports.len(),
                first: dates.iter().min().cloned(),
                last: dates.iter().max().cloned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_falls_in_one_bucket() {
        let b = buckets([1, 1, 2, 3, 5, 6, 10, 11, 20, 21, 97].into_iter());
        let counts: Vec<usize> = b.iter().map(|b| b.events).collect();
        assert_eq!(counts, vec![2, 1, 2, 2, 2, 2]);
        assert_eq!(b.last().unwrap().max, None);
    }
}
