//! The data directory's layout: where the archive, its derived index, the watcher's
//! state, its WARC files and uploaded captures live. Every crate that touches the
//! data directory asks this type for a path instead of spelling one. Paths only:
//! whether they exist is for the crates that do I/O.

use std::path::{Path, PathBuf};

/// The files and directories under one data directory (`--data DIR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    /// The data directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The archive: every source, raw capture, article, version and what was read
    /// from it (SQLite).
    pub fn db(&self) -> PathBuf {
        self.root.join(Self::DB)
    }

    /// The archive's write-ahead log, beside [`Layout::db`].
    pub fn db_wal(&self) -> PathBuf {
        self.root.join("annalist.db-wal")
    }

    /// The search index: derived from the archive, rebuilt by `annalist reindex`.
    pub fn index(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The watcher's own state: what it fetched, when, and the alert outbox.
    pub fn watch(&self) -> PathBuf {
        self.root.join("watch")
    }

    /// The watcher's state database, in [`Layout::watch`].
    pub fn watch_state(&self) -> PathBuf {
        self.watch().join(Self::WATCH_STATE_FILE)
    }

    /// The lock one running watcher holds, in [`Layout::watch`].
    pub fn watch_lock(&self) -> PathBuf {
        self.watch().join("watch.lock")
    }

    /// WARC files of every response the watcher received.
    pub fn warc(&self) -> PathBuf {
        self.root.join("warc")
    }

    /// Captures uploaded through the API, kept as files like any other input.
    pub fn uploads(&self) -> PathBuf {
        self.root.join("uploads")
    }

    /// The archive database's file name.
    pub const DB: &'static str = "annalist.db";
    /// The watcher's state database's file name, in [`Layout::watch`].
    pub const WATCH_STATE_FILE: &'static str = "state.db";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sit_under_the_root() {
        let l = Layout::new("/d");
        assert_eq!(l.db(), Path::new("/d/annalist.db"));
        assert_eq!(l.watch_state(), Path::new("/d/watch/state.db"));
        assert_eq!(l.uploads(), Path::new("/d/uploads"));
    }
}
