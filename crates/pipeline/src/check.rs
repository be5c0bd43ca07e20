//! `annalist check`: is the archive sound, does the index agree with it, and what
//! can be repaired.
//!
//! - the SQLite database: `integrity_check` (or `quick_check`);
//! - every raw blob read back against its hash; a damaged blob is restored from the
//!   file its source was read from when that file still holds the same bytes;
//! - the search index: tantivy's per-file checksums, and agreement with the store
//!   (as many documents as full articles, the watermark at the store's sequence, a
//!   sample of articles present); a damaged or disagreeing index is rebuilt from the
//!   store (it is derived data).
//!
//! Damage to the SQLite file itself cannot be repaired here: the report says so and
//! what to do.

use std::ops::ControlFlow;
use std::path::Path;

use annalist_ingest::{ReadOptions, read_file};
use annalist_model::Layout;
use annalist_store::{SourceRecord, Store};
use anyhow::Context;

use crate::Indexer;

/// What to check and whether to repair.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// SQLite's `quick_check` instead of the full `integrity_check`.
    pub quick: bool,
    /// Restore damaged blobs from their source files and rebuild a damaged index.
    pub repair: bool,
}

/// A damaged blob and what became of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlobFinding {
    pub hash: String,
    pub problem: String,
    /// `path[:line]` of each source with these bytes.
    pub sources: Vec<String>,
    pub restored: bool,
}

/// What `annalist check` found (and did).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CheckReport {
    /// SQLite's own findings; empty when the database is sound.
    pub database: Vec<String>,
    pub blobs_checked: u64,
    pub damaged_blobs: Vec<BlobFinding>,
    /// Index files whose checksums fail.
    pub index_damaged_files: Vec<String>,
    /// The index could not be opened at all (it was recreated empty, or could not be).
    pub index_unreadable: bool,
    /// Why the index could not be opened, when it could not be recreated either
    /// (another process rebuilding it, say).
    pub index_error: Option<String>,
    pub articles: u64,
    pub indexed: u64,
    pub watermark: i64,
    pub seq: i64,
    pub sampled: usize,
    /// Sampled articles the index does not hold.
    pub missing_from_index: Vec<i64>,
    /// The index was rebuilt from the store.
    pub index_rebuilt: bool,
}

impl CheckReport {
    /// Whether the index disagrees with the store or is damaged.
    pub fn index_unsound(&self) -> bool {
        self.index_unreadable
            || !self.index_damaged_files.is_empty()
            || !self.missing_from_index.is_empty()
            || self.indexed != self.articles
            || self.watermark < self.seq
    }

    /// Whether anything is still wrong (after the repairs made).
    pub fn ok(&self) -> bool {
        self.database.is_empty()
            && self.damaged_blobs.iter().all(|b| b.restored)
            && (self.index_rebuilt || !self.index_unsound())
    }

    /// What a person should do about what is still wrong, one sentence each.
    pub fn advice(&self, data: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if !self.database.is_empty() {
            out.push(format!(
                "the archive database {} is damaged: restore it from a backup, or build a new archive from \
                 the original inputs (`annalist --data NEW ingest PATH…`); SQLite's `.recover` command \
                 (sqlite3 {} .recover) can save what is readable",
                Layout::new(data).db().display(),
                Layout::new(data).db().display()
            ));
        }
        let lost: Vec<&BlobFinding> = self.damaged_blobs.iter().filter(|b| !b.restored).collect();
        if !lost.is_empty() {
            out.push(format!(
                "{} raw captures are damaged and their source files no longer hold them: ingest those files \
                 again if you still have them ({}); `reprocess` keeps their sources as failed",
                lost.len(),
                lost.iter()
                    .flat_map(|b| b.sources.iter().take(2))
                    .take(6)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.index_unsound() && !self.index_rebuilt {
            out.push(
                "the search index is damaged or behind the archive: run `annalist check --repair` to rebuild \
                 it from the archive (nothing is lost: the index is derived data)"
                    .to_string(),
            );
        }
        out
    }
}

/// Check (and with `repair`, mend) the archive in `data`. `on_blob` is told how
/// many blobs have been read back so far.
pub fn check(data: &Path, opts: CheckOptions, on_blob: &mut dyn FnMut(u64)) -> anyhow::Result<CheckReport> {
    let mut store = match Store::open(data) {
        Ok(s) => s,
        Err(e) => {
            // Damaged beyond opening: say what SQLite can still tell, and stop here.
            let mut database = vec![format!("the archive cannot be opened: {e}")];
            if let Ok(Ok(more)) = Store::open_read_only(data).map(|s| s.integrity_problems(opts.quick)) {
                database.extend(more);
            }
            return Ok(CheckReport { database, ..CheckReport::default() });
        }
    };
    let database = store.integrity_problems(opts.quick).unwrap_or_else(|e| vec![format!("{e}")]);
    if !database.is_empty() {
        // The other checks read the same damaged file; say what is wrong with it first.
        return Ok(CheckReport { database, ..CheckReport::default() });
    }
    let mut r = CheckReport::default();

    // Raw blobs.
    let mut n = 0;
    let damaged = store.damaged_blobs(&mut |i| {
        n = i;
        on_blob(i)
    })?;
    r.blobs_checked = n;
    for d in damaged {
        let sources = store.sources_of_blob(&d.hash)?;
        let restored = opts.repair && restore_from_sources(&mut store, &d.hash, &sources)?;
        r.damaged_blobs.push(BlobFinding {
            hash: d.hash,
            problem: d.problem,
            sources: sources.iter().map(location).collect(),
            restored,
        });
    }

    // The index and its agreement with the store.
    let dir = Layout::new(data).index();
    let index = match annalist_index::Index::open(&dir) {
        Ok(ix) => {
            r.index_unreadable = ix.needs_rebuild();
            Some(ix)
        }
        Err(e) => {
            r.index_unreadable = true;
            r.index_error = Some(e.to_string());
            None
        }
    };
    r.seq = store.seq()?;
    let ids = store.article_ids()?;
    r.articles = ids.len() as u64;
    if let Some(ix) = &index {
        r.index_damaged_files = ix.damaged_files()?;
        r.indexed = ix.num_docs();
        r.watermark = ix.watermark();
        let step = (ids.len() / 200).max(1);
        let sample: Vec<i64> = ids.iter().step_by(step).copied().collect();
        r.sampled = sample.len();
        // A damaged segment can fail (or panic) right here: that is a finding too.
        let present = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ix.present(&sample)));
        match present {
            Ok(Ok(p)) => {
                r.missing_from_index =
                    sample.iter().filter(|a| p.binary_search(a).is_err()).copied().collect()
            }
            _ => r.missing_from_index = sample,
        }
    }
    drop(index);
    if opts.repair && r.index_unsound() {
        rebuild_index(data, &store)?;
        r.index_rebuilt = true;
    }
    Ok(r)
}

fn location(s: &SourceRecord) -> String {
    match (s.line, s.record) {
        (Some(l), _) => format!("{}:{l}", s.path),
        (None, Some(rec)) => format!("{}#{rec}", s.path),
        _ => s.path.clone(),
    }
}

/// Looks for the damaged bytes in the files their sources were read from (same
/// line or record, same hash) and puts them back. Answers whether it did.
fn restore_from_sources(store: &mut Store, hash: &str, sources: &[SourceRecord]) -> anyhow::Result<bool> {
    for s in sources {
        let path = Path::new(&s.path);
        if !path.is_file() {
            continue;
        }
        let mut found: Option<Vec<u8>> = None;
        let _ = read_file(path, &ReadOptions::default(), &mut |u| {
            if let Ok(u) = u
                && u.provenance.line.map(|v| v as i64) == s.line
                && u.provenance.record.map(|v| v as i64) == s.record
            {
                if annalist_store::blob_hash(&u.raw) == hash {
                    found = Some(u.raw);
                }
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        if let Some(raw) = found {
            store.restore_blob(hash, &raw)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Throws the index away and builds it again from the store. Refused while another
/// process holds the index writer.
pub fn rebuild_index(data: &Path, store: &Store) -> anyhow::Result<()> {
    let dir = Layout::new(data).index();
    // One rebuild at a time, across processes (a server and `check --repair`, say).
    let _rebuilding = match annalist_index::RebuildLock::acquire(&dir) {
        Err(annalist_index::IndexError::Busy) => {
            anyhow::bail!(
                "another process is rebuilding the search index right now: try again when it is done"
            )
        }
        r => r?,
    };
    // Take the writer lock first: never pull the directory from under another
    // writer. (A damaged index may fail to give a writer for other reasons, or panic:
    // it is thrown away all the same.)
    let busy = std::panic::catch_unwind(|| {
        let mut ix = annalist_index::Index::open(&dir).ok()?;
        let busy = matches!(ix.acquire_writer(), Err(annalist_index::IndexError::Busy));
        let _ = ix.close_writer();
        Some(busy)
    });
    if let Ok(Some(true)) = busy {
        anyhow::bail!(
            "the search index is in use by another process (an ingest or a server?): stop it and run again"
        );
    }
    std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    let mut ix = Indexer::open(data, store)?;
    ix.catch_up(store)?;
    ix.index.close_writer()?;
    Ok(())
}
