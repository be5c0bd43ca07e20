//! Who may throw the index directory away and create it again.
//!
//! An index that does not open is derived data: the first process to notice wipes
//! it and starts again. Two processes must not do that at once (one would pull the
//! directory from under the other's rebuild), so wiping or creating the directory
//! takes an exclusive lock on a file beside it (`index.rebuild-lock`; tantivy's own
//! lock files live inside the directory and go with it). A process that finds the
//! lock taken gets [`IndexError::Busy`] and answers from what it has, or later.
//!
//! A rebuild holds the lock for its whole length and then opens the new index in
//! the same process: the lock remembers that this process holds it, so that open
//! does not wait for itself.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{IndexError, Result};

/// Locks held by this process (a rebuild in progress).
static HELD: AtomicUsize = AtomicUsize::new(0);

/// The exclusive right to wipe and recreate one index directory, held until drop.
#[derive(Debug)]
pub struct RebuildLock {
    file: Option<File>,
}

fn lock_path(dir: &Path) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "index".into());
    dir.with_file_name(format!("{name}.rebuild-lock"))
}

impl RebuildLock {
    /// Takes the lock for `dir`, or [`IndexError::Busy`] when another process holds it.
    pub fn acquire(dir: &Path) -> Result<RebuildLock> {
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(lock_path(dir))?;
        match file.try_lock() {
            Ok(()) => {
                HELD.fetch_add(1, Ordering::SeqCst);
                Ok(RebuildLock { file: Some(file) })
            }
            Err(TryLockError::WouldBlock) => Err(IndexError::Busy),
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// Waits until nobody holds the lock (at most `limit`, then [`IndexError::Busy`]).
    pub(crate) fn wait_for(dir: &Path, limit: std::time::Duration) -> Result<()> {
        let start = std::time::Instant::now();
        loop {
            match RebuildLock::acquire(dir) {
                Ok(lock) => {
                    drop(lock);
                    return Ok(());
                }
                Err(IndexError::Busy) if start.elapsed() < limit => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// [`RebuildLock::acquire`], or nothing to take when this process already holds
    /// a rebuild lock (it is the one rebuilding).
    pub(crate) fn acquire_unless_held(dir: &Path) -> Result<RebuildLock> {
        if HELD.load(Ordering::SeqCst) > 0 {
            return Ok(RebuildLock { file: None });
        }
        RebuildLock::acquire(dir)
    }
}

impl Drop for RebuildLock {
    fn drop(&mut self) {
        if self.file.is_some() {
            HELD.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_lives_beside_the_directory_and_excludes_other_holders() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("index");
        assert_eq!(lock_path(&dir), tmp.path().join("index.rebuild-lock"));
        let held = RebuildLock::acquire(&dir).unwrap();
        // Another open file description (as another process would have) is refused.
        let other = OpenOptions::new().write(true).open(lock_path(&dir)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        // This process may go on creating the directory it is rebuilding.
        assert!(RebuildLock::acquire_unless_held(&dir).is_ok());
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
