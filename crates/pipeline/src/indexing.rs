//! Keeping the search index in step with the store.
//!
//! The index remembers the store change sequence it last saw (in its commit
//! payload). Every command that writes the store, and every command that reads the
//! index, first catches up on what changed since; after a crash at any moment the
//! next run therefore detects the gap and closes it.

use std::path::Path;

use annalist_index::{Index, IndexDoc, IndexOptions};
use annalist_store::Store;
use anyhow::Context;

/// Articles sent to the index per upsert call.
const CHUNK: usize = 2000;

pub struct Indexer {
    pub index: Index,
    /// Store sequence up to which changes were handed to the index writer (they
    /// become durable and visible at the next [`Indexer::commit`]).
    synced: i64,
}

impl Indexer {
    /// Open (or create) the index under `data/index` and catch up with the store.
    pub fn open(data: &Path, store: &Store) -> anyhow::Result<Indexer> {
        Indexer::open_with(data, store, IndexOptions::default())
    }

    /// [`Indexer::open`] with writer settings: a long-running process that files a
    /// few pages at a time (the watcher) wants a small writer, not a bulk loader's.
    pub fn open_with(data: &Path, store: &Store, options: IndexOptions) -> anyhow::Result<Indexer> {
        let dir = data.join("index");
        let index = Index::open_with(&dir, options)
            .with_context(|| format!("opening the search index in {}", dir.display()))?;
        let synced = index.watermark();
        let mut ix = Indexer { index, synced };
        ix.catch_up(store)?;
        Ok(ix)
    }

    /// Index every article changed since the index's watermark, and commit.
    pub fn catch_up(&mut self, store: &Store) -> anyhow::Result<usize> {
        let n = self.sync(store)?;
        if self.synced > self.index.watermark() {
            self.commit()?;
        }
        Ok(n)
    }

    /// Commit what was synced: durable, visible, and the new watermark.
    pub fn commit(&mut self) -> anyhow::Result<()> {
        self.index.commit(self.synced)?;
        Ok(())
    }

    /// Hand every article changed since the last sync to the index writer.
    pub fn sync(&mut self, store: &Store) -> anyhow::Result<usize> {
        let seq = store.seq()?;
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
                        published: row.published.and_then(|p| p.parse().ok()),
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

    /// Throw the index away and build it again from the store.
    pub fn rebuild(&mut self, store: &Store) -> anyhow::Result<usize> {
        self.index.clear()?;
        self.index.commit(0)?;
        self.synced = 0;
        self.catch_up(store)
    }
}
