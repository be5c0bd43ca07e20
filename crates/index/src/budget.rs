//! What one request may spend: a cost ceiling checked before a query runs, and a
//! deadline (or a cancel flag raised by another thread) checked while it runs.
//!
//! Every query is compiled into tantivy queries whose work is linear in the postings
//! they read, so the cost model counts postings: the document frequency of every
//! term the query reads (each expansion of a prefix counts), weighted by how much of
//! each posting is decoded (positions for phrases and proximity). A query over that
//! ceiling is refused before it starts, with an error saying why.
//!
//! The deadline is the second line: the scorers and collectors of a running search
//! check it every few hundred documents (see [`Cancellable`] and `near`), so a
//! request that runs out of time stops within milliseconds and frees its memory,
//! instead of running on after its caller has answered "timed out".

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Cost units (postings read) a query may cost by default: about a second of work
/// on one core. At a million articles, a single very common word costs ~1 M, a
/// proximity query of six very common words ~50 M (refused), a word pair ~2 M.
pub const DEFAULT_MAX_COST: u64 = 40_000_000;

/// The time one request's searches may take, unless configured otherwise: the CLI,
/// the server, feeds, trends and watch lists all use it.
pub const QUERY_TIME: Duration = Duration::from_secs(1);

/// How often (in documents) running scorers look at the clock.
const CHECK_EVERY: u32 = 256;

/// The limits of one request. Shared (`Arc`) between the compiled query, which
/// checks it while running, and the caller, which may cancel it from another thread.
#[derive(Debug)]
pub struct Budget {
    deadline: Option<Instant>,
    max_cost: u64,
    cancelled: AtomicBool,
    ticks: AtomicU32,
}

impl Default for Budget {
    /// The default cost ceiling, no deadline.
    fn default() -> Self {
        Budget::new(None, DEFAULT_MAX_COST)
    }
}

impl Budget {
    pub fn new(time: Option<Duration>, max_cost: u64) -> Budget {
        Budget {
            deadline: time.map(|t| Instant::now() + t),
            max_cost,
            cancelled: AtomicBool::new(false),
            ticks: AtomicU32::new(0),
        }
    }

    /// The default cost ceiling and [`QUERY_TIME`].
    pub fn standard() -> Budget {
        Budget::with_time(QUERY_TIME)
    }

    /// The default cost ceiling and `time` to run.
    pub fn with_time(time: Duration) -> Budget {
        Budget::new(Some(time), DEFAULT_MAX_COST)
    }

    /// No limits at all (index maintenance, tests).
    pub fn unlimited() -> Budget {
        Budget::new(None, u64::MAX)
    }

    pub fn max_cost(&self) -> u64 {
        self.max_cost
    }

    /// How long the deadline allowed (for messages).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// Stop the work using this budget as soon as it next looks (from any thread).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the work must stop now: cancelled, or past the deadline.
    pub fn exhausted(&self) -> bool {
        if self.cancelled.load(Ordering::Relaxed) {
            return true;
        }
        match self.deadline {
            Some(d) if Instant::now() >= d => {
                self.cancelled.store(true, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    /// Cheap check for hot loops: looks at the clock every [`CHECK_EVERY`] calls.
    #[inline]
    pub fn tick(&self) -> bool {
        let n = self.ticks.fetch_add(1, Ordering::Relaxed);
        if n.is_multiple_of(CHECK_EVERY) { self.exhausted() } else { self.cancelled.load(Ordering::Relaxed) }
    }
}

/// A query that stops matching when its budget is exhausted. The search notices
/// (`Budget::exhausted`) and reports a timeout instead of a partial result.
#[derive(Debug)]
pub struct Cancellable {
    inner: Box<dyn Query>,
    budget: Arc<Budget>,
}

impl Clone for Cancellable {
    fn clone(&self) -> Self {
        Cancellable { inner: self.inner.box_clone(), budget: self.budget.clone() }
    }
}

impl Cancellable {
    pub fn new(inner: Box<dyn Query>, budget: Arc<Budget>) -> Self {
        Cancellable { inner, budget }
    }
}

impl Query for Cancellable {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CancellableWeight {
            inner: self.inner.weight(enable_scoring)?,
            budget: self.budget.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor)
    }
}

struct CancellableWeight {
    inner: Box<dyn Weight>,
    budget: Arc<Budget>,
}

impl Weight for CancellableWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.budget.exhausted() {
            return Ok(Box::new(tantivy::query::EmptyScorer));
        }
        Ok(Box::new(CancellableScorer {
            inner: self.inner.scorer(reader, boost)?,
            budget: self.budget.clone(),
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let mut scorer = self.scorer(reader, 1.0)?;
        Ok(match reader.alive_bitset() {
            Some(alive) => scorer.count(alive),
            None => scorer.count_including_deleted(),
        })
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        // Keep the inner weight's block-max pruning; when time is up, raise the
        // threshold out of reach so that it skips every remaining block.
        let budget = &self.budget;
        self.inner.for_each_pruning(threshold, reader, &mut |doc, score| {
            if budget.tick() { Score::MAX } else { callback(doc, score) }
        })
    }
}

struct CancellableScorer {
    inner: Box<dyn Scorer>,
    budget: Arc<Budget>,
    stopped: bool,
}

impl DocSet for CancellableScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped || self.budget.tick() {
            self.stopped = true;
            return TERMINATED;
        }
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped || self.budget.tick() {
            self.stopped = true;
            return TERMINATED;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.stopped { TERMINATED } else { self.inner.doc() }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for CancellableScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_and_cancel_exhaust() {
        let b = Budget::with_time(Duration::from_millis(0));
        assert!(b.exhausted());
        let b = Budget::default();
        assert!(!b.exhausted());
        b.cancel();
        assert!(b.exhausted() && b.tick());
        let b = Budget::with_time(Duration::from_secs(60));
        assert!(!(0..10_000).any(|_| b.tick()));
    }
}
