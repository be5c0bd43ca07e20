//! Checking the archive itself: SQLite's own integrity check, and every raw blob
//! read back against its hash. Both read the whole database: `annalist check` runs
//! them on request, nothing runs them on the hot path.

use rusqlite::params;

use crate::write::compress;
use crate::{Result, SourceRecord, Store, StoreError, dedup};

/// A blob whose bytes do not read back as what was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedBlob {
    pub hash: String,
    /// What is wrong ("does not decompress", "hash differs").
    pub problem: String,
}

impl Store {
    /// SQLite's `integrity_check` (or the faster `quick_check`, which skips the
    /// index-to-table consistency checks): the problems it lists, empty when none.
    pub fn integrity_problems(&self, quick: bool) -> Result<Vec<String>> {
        let pragma = if quick { "PRAGMA quick_check(100)" } else { "PRAGMA integrity_check(100)" };
        let mut st = self.conn().prepare(pragma)?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        let out: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(if out == ["ok"] { Vec::new() } else { out })
    }

    /// Reads every blob back (decompress, blake3) and lists those that do not match
    /// their hash; `on_blob` is called after each one (progress).
    pub fn damaged_blobs(&self, on_blob: &mut dyn FnMut(u64)) -> Result<Vec<DamagedBlob>> {
        let mut st = self.conn().prepare("SELECT hash, size, zdata FROM blobs")?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let hash: String = r.get(0)?;
            let size: i64 = r.get(1)?;
            let z: Vec<u8> = r.get(2)?;
            let problem = match zstd::bulk::decompress(&z, size.max(0) as usize) {
                Err(_) => Some("the stored bytes do not decompress"),
                Ok(raw) if raw.len() as i64 != size => Some("the stored bytes have the wrong length"),
                Ok(raw) if dedup::blob_hash(&raw) != hash => Some("the stored bytes do not match their hash"),
                Ok(_) => None,
            };
            if let Some(p) = problem {
                out.push(DamagedBlob { hash, problem: p.to_string() });
            }
            n += 1;
            on_blob(n);
        }
        Ok(out)
    }

    /// The sources whose raw bytes are the blob `hash`.
    pub fn sources_of_blob(&self, hash: &str) -> Result<Vec<SourceRecord>> {
        crate::read::sources_of_blob(self.conn(), hash)
    }

    /// Puts back the bytes of a damaged blob (found again, e.g. in the file its
    /// source was read from). Refused unless `raw` hashes to `hash`.
    pub fn restore_blob(&mut self, hash: &str, raw: &[u8]) -> Result<()> {
        if dedup::blob_hash(raw) != hash {
            return Err(StoreError::Blob(hash.to_string()));
        }
        let z = compress(raw)?;
        self.conn().execute(
            "UPDATE blobs SET size=?2, zdata=?3 WHERE hash=?1",
            params![hash, raw.len() as i64, z],
        )?;
        Ok(())
    }
}
