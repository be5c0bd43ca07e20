//! Keeping the search index in step with the store.
//!
//! The index remembers the store change sequence it last saw (in its commit
//! payload). Every command that writes the store, and every command that reads the
//! index, first catches up on what changed since; after a crash at any moment the
//! next run therefore detects the gap and closes it.
//!
//! Only one process at a time can hold the index writer. Nobody waits for it: when
//! another process holds it (an `annalist ingest` running beside a server, a search
//! or an upload), this indexer *defers* — readers answer from the last commit, writers
//! file into the store only — and tries again every few seconds. Whoever holds the
//! writer indexes every change of the store since its watermark, the other
//! processes' included, so deferred changes are indexed by the running writer or, at
//! the latest, by the next command that opens the index.

use std::path::Path;
use std::time::{Duration, Instant};

use annalist_index::{Index, IndexDoc, IndexError, IndexOptions};
use annalist_store::Store;
use anyhow::Context;

/// Articles sent to the index per upsert call.
const CHUNK: usize = 2000;

/// How often a deferred indexer tries to take the writer again.
const RETRY: Duration = Duration::from_secs(2);

pub struct Indexer {
    pub index: Index,
    /// Store sequence up to which changes were handed to the index writer (they
    /// become durable and visible at the next [`Indexer::commit`]).
    synced: i64,
    /// When another process held the writer at the last try (`None`: not deferred).
    deferred_since: Option<Instant>,
}

impl Indexer {
    /// Open (or create) the index under `data/index` and catch up with the store.
    pub fn open(data: &Path, store: &Store) -> anyhow::Result<Indexer> {
        Indexer::open_with(data, store, IndexOptions::default())
    }

    /// [`Indexer::open`] with writer settings: a long-running process that files a
    /// few pages at a time (the watcher) wants a small writer, not a bulk loader's.
    pub fn open_with(data: &Path, store: &Store, options: IndexOptions) -> anyhow::Result<Indexer> {
        let dir = annalist_model::Layout::new(data).index();
        let index = Index::open_with(&dir, options)
            .with_context(|| format!("opening the search index in {}", dir.display()))?;
        let synced = index.watermark();
        let mut ix = Indexer { index, synced, deferred_since: None };
        ix.catch_up(store)?;
        Ok(ix)
    }

    /// Whether another process holds the index writer, so that this one leaves the
    /// indexing to it (see the module documentation).
    pub fn deferred(&self) -> bool {
        self.deferred_since.is_some()
    }

    /// Store changes the committed index does not reflect yet.
    pub fn lag(&self, store: &Store) -> anyhow::Result<i64> {
        Ok((store.seq()? - self.index.watermark()).max(0))
    }

    /// `Ok(true)` when this indexer may write: it holds the writer, or just took it.
    fn may_write(&mut self) -> anyhow::Result<bool> {
        if self.index.has_writer() {
            return Ok(true);
        }
        if let Some(t) = self.deferred_since
            && t.elapsed() < RETRY
        {
            return Ok(false);
        }
        match self.index.acquire_writer() {
            Ok(()) => {
                // Another writer may have indexed (and committed) past our mark.
                self.synced = self.synced.max(self.index.watermark());
                self.deferred_since = None;
                Ok(true)
            }
            Err(IndexError::Busy) => {
                self.deferred_since = Some(Instant::now());
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Index every article changed since the index's watermark, and commit.
    /// (Tries to take the writer again at once if it was deferred.)
    pub fn catch_up(&mut self, store: &Store) -> anyhow::Result<usize> {
        self.deferred_since = None;
        let n = self.sync(store)?;
        if self.synced > self.index.watermark() {
            self.commit()?;
        }
        Ok(n)
    }

    /// Commit what was synced: durable, visible, and the new watermark. (Nothing,
    /// while deferred.)
    pub fn commit(&mut self) -> anyhow::Result<()> {
        if !self.index.has_writer() {
            return Ok(());
        }
        self.index.commit(self.synced)?;
        Ok(())
    }

    /// Hand every article changed since the last sync to the index writer. (Nothing,
    /// while another process holds the writer.)
    pub fn sync(&mut self, store: &Store) -> anyhow::Result<usize> {
        let seq = store.seq()?;
        let mark = self.synced;
        if seq <= mark || !self.may_write()? {
            return Ok(0);
        }
        let mark = self.synced;
        if seq <= mark {
            return Ok(0);
        }
        let ids = store.changed_since(mark)?;
        for chunk in ids.chunks(CHUNK) {
            let mut docs = Vec::with_capacity(chunk.len());
            for &id in chunk {
                if let Some(row) = store.index_row(id)? {
                    docs.push(IndexDoc {
                        article: row.id,
                        title: row.title,
                        body: row.paragraphs.join("\n\n"),
                        outlet: row.outlet,
                        language: row.language,
                        published: row.published,
                        entities: row.entities,
                        event_types: row.event_types,
                        sources: row.sources,
                    });
                }
            }
            self.index.upsert(&docs)?;
        }
        self.synced = seq;
        Ok(ids.len())
    }

    /// Throw the index away and build it again from the store. Needs the writer: an
    /// error when another process holds it.
    pub fn rebuild(&mut self, store: &Store) -> anyhow::Result<usize> {
        self.index.acquire_writer().context("rebuilding the search index")?;
        self.deferred_since = None;
        self.index.clear()?;
        self.index.commit(0)?;
        self.synced = 0;
        self.catch_up(store)
    }
}
