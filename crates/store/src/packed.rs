//! A version's paragraphs and understanding, stored compactly.
//!
//! Both are JSON. Since schema 5 they are written as zstd-compressed JSON: a BLOB
//! value in the same columns (an SQLite column holds the type each row was written
//! with), about a third of the bytes. Rows written before stay JSON text; both read
//! the same way through [`Json`], so an archive never has to be rewritten to be read
//! (`annalist reprocess` rewrites it in the new form).
//!
//! Since schema 7 an archive trains a zstd dictionary per column once it holds
//! [`TRAIN_AFTER`] versions, from its newest rows, and packs later rows with it.
//! Articles of one outlet repeat the same phrases, titles and JSON keys, which a
//! kilobyte-sized frame alone cannot exploit: on kcna_2011 a 64 KiB dictionary packs
//! paragraphs into 463 bytes instead of 579, understanding into 259 instead of 453.
//! The dictionaries live in the `zdicts` table of the same archive; a frame names its
//! dictionary by zstd's dictionary id, so rows packed before, without one, and after
//! read alike. [`Dicts`] holds an archive's dictionaries; it is shared with the
//! threads that pack rows before the writer files them. Rows packed while the
//! dictionaries were being trained stay packed without.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;

/// The most a packed column may inflate to (a version's text is bounded far below
/// this by extraction; a damaged or hostile database must not exhaust memory).
const MAX_INFLATED: usize = 64 << 20;

/// How many versions an archive holds before it trains its dictionaries.
/// (A thousand rows train as good a dictionary as two thousand on kcna_2011.)
pub(crate) const TRAIN_AFTER: i64 = 1_000;
/// How many of the newest rows train a dictionary: training costs in proportion (1.1
/// G instructions for two columns of a thousand rows, a quarter of a second), and
/// five hundred pack kcna_2011 within 1 % of what a thousand or two thousand do.
const TRAIN_SAMPLES: usize = 500;
/// A dictionary's size: larger ones gained little on kcna_2011 (32 KiB: −1 %, 110 KiB:
/// +1 % of the packed bytes at level 1).
const DICT_SIZE: usize = 64 << 10;

/// The packed columns, each with its own dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Column {
    Paragraphs,
    Understanding,
}

impl Column {
    const ALL: [Column; 2] = [Column::Paragraphs, Column::Understanding];

    fn name(self) -> &'static str {
        match self {
            Column::Paragraphs => "paragraphs",
            Column::Understanding => "understanding",
        }
    }
}

type Dict = Arc<[u8]>;
/// Dictionaries trained: per column, zstd's id and the dictionary.
type Trained = Vec<(Column, u32, Vec<u8>)>;

/// An archive's dictionaries: every one it holds, by zstd dictionary id (to read),
/// and the newest per column (to write). Cloning shares them.
#[derive(Clone, Default)]
pub(crate) struct Dicts {
    inner: Arc<RwLock<DictsInner>>,
}

#[derive(Default)]
struct DictsInner {
    by_id: HashMap<u32, Dict>,
    current: HashMap<Column, (u32, Dict)>,
    /// Training was tried in this process: do not try again.
    settled: bool,
    /// The training under way, on a thread of its own.
    training: Option<std::thread::JoinHandle<Trained>>,
}

impl Dicts {
    /// The dictionaries stored in the archive (none in an archive older than schema 7).
    pub(crate) fn load(conn: &Connection) -> crate::Result<Dicts> {
        let d = Dicts::default();
        d.reload(conn)?;
        Ok(d)
    }

    fn reload(&self, conn: &Connection) -> crate::Result<()> {
        let exists: bool = conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type='table' AND name='zdicts'", [], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            return Ok(());
        }
        let mut st = conn.prepare("SELECT dict_id, col, dict FROM zdicts ORDER BY n")?;
        let rows =
            st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?)))?;
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        for row in rows {
            let (id, col, dict) = row?;
            let (id, dict): (u32, Dict) = (id as u32, dict.into());
            inner.by_id.insert(id, dict.clone());
            if let Some(c) = Column::ALL.into_iter().find(|c| c.name() == col) {
                // Ordered by n: the newest of a column is the one to write with.
                inner.current.insert(c, (id, dict));
            }
        }
        Ok(())
    }

    /// Compress one JSON value for a packed column, with the column's dictionary when
    /// the archive has one.
    pub(crate) fn pack(&self, col: Column, json: &str) -> crate::Result<Vec<u8>> {
        let current = self.inner.read().unwrap_or_else(|e| e.into_inner()).current.get(&col).cloned();
        match current {
            None => crate::write::compress(json.as_bytes()),
            Some((id, dict)) => Ok(crate::write::compress_with(json.as_bytes(), id, &dict)?),
        }
    }

    /// The JSON text of a packed frame: with the dictionary it names, re-reading the
    /// archive's dictionaries once if this handle does not know it yet (a reader that
    /// opened the archive before a writer trained one).
    fn inflate(&self, z: &[u8], conn: &Connection) -> Result<Vec<u8>, String> {
        let size = zstd::zstd_safe::get_frame_content_size(z)
            .map_err(|_| "a packed column is not a zstd frame".to_string())?
            .ok_or_else(|| "a packed column does not say its size".to_string())?;
        if size > MAX_INFLATED as u64 {
            return Err(format!("a packed column would inflate to {size} bytes"));
        }
        let Some(id) = zstd::zstd_safe::get_dict_id_from_frame(z).map(|i| i.get()) else {
            return crate::write::decompress(z, size as usize)
                .map_err(|e| format!("a packed column does not decompress: {e}"));
        };
        let known = |d: &Dicts| d.inner.read().unwrap_or_else(|e| e.into_inner()).by_id.get(&id).cloned();
        let dict = match known(self) {
            Some(d) => d,
            None => {
                self.reload(conn).map_err(|e| format!("reading the archive's dictionaries: {e}"))?;
                known(self).ok_or_else(|| {
                    format!("a packed column needs dictionary {id}, which the archive lacks")
                })?
            }
        };
        crate::write::decompress_with(z, size as usize, id, &dict)
            .map_err(|e| format!("a packed column does not decompress: {e}"))
    }

    /// Train the archive's dictionaries once it holds enough versions and has none:
    /// the samples (the newest rows) are read here, the training runs on a thread of
    /// its own so that the writer goes on filing, and a later call stores what it
    /// trained in `zdicts` (one transaction) and packs with it from then on. Called by
    /// the writer before each batch; at most one training per process. A failure to
    /// train leaves the archive as it was (rows pack without dictionary). Answers
    /// whether dictionaries were stored by this call.
    pub(crate) fn train_if_due(&self, conn: &mut Connection) -> crate::Result<bool> {
        let finished = {
            let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            match inner.training.take() {
                Some(h) if h.is_finished() => Some(h),
                other => {
                    inner.training = other;
                    if inner.training.is_some() || inner.settled || !inner.current.is_empty() {
                        return Ok(false);
                    }
                    None
                }
            }
        };
        let Some(handle) = finished else {
            let newest: Option<i64> = conn.query_row("SELECT max(id) FROM versions", [], |r| r.get(0))?;
            if newest.unwrap_or(0) < TRAIN_AFTER {
                return Ok(false);
            }
            let mut sampled = Vec::new();
            for col in Column::ALL {
                let samples = self.samples(conn, col)?;
                if samples.len() >= TRAIN_SAMPLES / 2 {
                    sampled.push((col, samples));
                }
            }
            let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            inner.settled = true;
            inner.training = Some(std::thread::spawn(move || train(sampled)));
            return Ok(false);
        };
        let trained = handle.join().unwrap_or_default();
        if trained.is_empty() {
            return Ok(false);
        }
        let tx = conn.transaction()?;
        for (col, id, dict) in &trained {
            tx.execute(
                "INSERT OR IGNORE INTO zdicts(dict_id, col, dict, created_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![*id as i64, col.name(), dict, jiff::Timestamp::now().to_string()],
            )?;
        }
        tx.commit()?;
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        for (col, id, dict) in trained {
            let dict: Dict = dict.into();
            inner.by_id.insert(id, dict.clone());
            inner.current.insert(col, (id, dict));
        }
        Ok(true)
    }

    /// The newest rows of a column as JSON text, to train on.
    fn samples(&self, conn: &Connection, col: Column) -> crate::Result<Vec<Vec<u8>>> {
        let sql = format!(
            "SELECT {} FROM versions WHERE {} IS NOT NULL ORDER BY id DESC LIMIT {TRAIN_SAMPLES}",
            col.name(),
            col.name()
        );
        let mut st = conn.prepare(&sql)?;
        let rows = st.query_map([], |r| r.get::<_, Json>(0))?;
        let mut out = Vec::new();
        for j in rows {
            if let Ok(text) = j?.text(self, conn) {
                out.push(text);
            }
        }
        Ok(out)
    }

    /// Wait for a training under way to finish (tests; a writer never waits).
    #[cfg(test)]
    fn finish_training(&self) {
        let h = self.inner.write().unwrap_or_else(|e| e.into_inner()).training.take();
        if let Some(h) = h {
            while !h.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            self.inner.write().unwrap_or_else(|e| e.into_inner()).training = Some(h);
        }
    }
}

/// A dictionary per column from its samples; a column zstd refuses to train on (too
/// little or too uniform input) goes on without one.
fn train(sampled: Vec<(Column, Vec<Vec<u8>>)>) -> Trained {
    sampled
        .into_iter()
        .filter_map(|(col, samples)| {
            let dict = zstd::dict::from_samples(&samples, DICT_SIZE).ok()?;
            let id = zstd::zstd_safe::get_dict_id_from_dict(&dict)?.get();
            Some((col, id, dict))
        })
        .collect()
}

/// The JSON of a packed or plain column as stored, ready to inflate and parse with
/// the archive's [`Dicts`].
pub(crate) enum Json {
    Text(Vec<u8>),
    Packed(Vec<u8>),
}

impl Json {
    /// The JSON text.
    fn text(self, dicts: &Dicts, conn: &Connection) -> Result<Vec<u8>, String> {
        match self {
            Json::Text(t) => Ok(t),
            Json::Packed(z) => dicts.inflate(&z, conn),
        }
    }

    /// Inflate (if packed) and parse.
    pub(crate) fn parse<T: DeserializeOwned>(self, dicts: &Dicts, conn: &Connection) -> crate::Result<T> {
        let text = self.text(dicts, conn).map_err(packed_error)?;
        Ok(serde_json::from_slice(&text)?)
    }
}

/// A packed column that cannot be read, as the error reading any column is.
fn packed_error(e: String) -> crate::StoreError {
    crate::StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Blob,
        e.into(),
    ))
}

impl FromSql for Json {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v {
            ValueRef::Text(t) => Ok(Json::Text(t.to_vec())),
            ValueRef::Blob(z) => Ok(Json::Packed(z.to_vec())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (n INTEGER, v TEXT);
             CREATE TABLE versions (id INTEGER PRIMARY KEY, paragraphs TEXT NOT NULL, understanding TEXT);
             CREATE TABLE zdicts (n INTEGER PRIMARY KEY, dict_id INTEGER NOT NULL UNIQUE, col TEXT NOT NULL,
                                  dict BLOB NOT NULL, created_at TEXT NOT NULL);",
        )
        .unwrap();
        conn
    }

    fn read(conn: &Connection, dicts: &Dicts, n: i64) -> Vec<String> {
        let j: Json = conn.query_row("SELECT v FROM t WHERE n=?1", [n], |r| r.get(0)).unwrap();
        j.parse(dicts, conn).unwrap()
    }

    #[test]
    fn packed_and_plain_read_alike() {
        let conn = table();
        let dicts = Dicts::load(&conn).unwrap();
        let json = r#"["Kim Yong Nam sent a message.","It wished prosperity."]"#;
        conn.execute("INSERT INTO t VALUES (1, ?1)", [json]).unwrap();
        conn.execute("INSERT INTO t VALUES (2, ?1)", [dicts.pack(Column::Paragraphs, json).unwrap()])
            .unwrap();
        assert_eq!(read(&conn, &dicts, 1), read(&conn, &dicts, 2));
        assert_eq!(read(&conn, &dicts, 2)[1], "It wished prosperity.");
    }

    /// Paragraphs in the shape of news copy, different enough to train on.
    fn article(i: usize) -> String {
        let who = ["The delegation", "The minister", "The ambassador", "The chairman"][i % 4];
        let place = ["Pyongyang", "Beijing", "Moscow", "Hanoi", "Havana"][i % 5];
        serde_json::to_string(&vec![
            format!("{who} arrived in {place} on day {i} for a visit at the invitation of the ministry."),
            format!(
                "It was greeted at the airport by officials and by the ambassador number {}.",
                i * 7 % 13
            ),
            format!("Talks were held on matters of mutual concern, {} of them.", i % 9),
        ])
        .unwrap()
    }

    #[test]
    fn an_archive_trains_its_dictionaries_once_and_reads_rows_packed_before_and_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE versions (id INTEGER PRIMARY KEY, paragraphs BLOB NOT NULL, understanding BLOB);
             CREATE TABLE zdicts (n INTEGER PRIMARY KEY, dict_id INTEGER NOT NULL UNIQUE, col TEXT NOT NULL,
                                  dict BLOB NOT NULL, created_at TEXT NOT NULL);",
        )
        .unwrap();
        let writer = Dicts::load(&conn).unwrap();
        // A reader that opened the archive before any dictionary existed.
        let reader_conn = Connection::open(&path).unwrap();
        let reader = Dicts::load(&reader_conn).unwrap();
        let n = TRAIN_AFTER as usize;
        for i in 0..n {
            let p = writer.pack(Column::Paragraphs, &article(i)).unwrap();
            conn.execute("INSERT INTO versions(paragraphs) VALUES (?1)", [p]).unwrap();
        }
        // The first call starts the training, a later one stores its dictionaries.
        assert!(!writer.train_if_due(&mut conn).unwrap());
        writer.finish_training();
        assert!(writer.train_if_due(&mut conn).unwrap());
        assert!(!writer.train_if_due(&mut conn).unwrap(), "trained once");
        let dicts: i64 = conn.query_row("SELECT count(*) FROM zdicts", [], |r| r.get(0)).unwrap();
        assert_eq!(dicts, 1, "paragraphs only: no understanding rows to train on");
        let later = article(n + 1);
        let with = writer.pack(Column::Paragraphs, &later).unwrap();
        let without = crate::write::compress(later.as_bytes()).unwrap();
        assert!(with.len() < without.len(), "{} vs {}", with.len(), without.len());
        assert!(zstd::zstd_safe::get_dict_id_from_frame(&with).is_some());
        conn.execute("INSERT INTO versions(paragraphs) VALUES (?1)", [&with]).unwrap();
        // Both handles read a row packed before the dictionary and one packed with it.
        for (c, d) in [(&conn, &writer), (&reader_conn, &reader)] {
            for id in [1, n as i64 + 1] {
                let j: Json =
                    c.query_row("SELECT paragraphs FROM versions WHERE id=?1", [id], |r| r.get(0)).unwrap();
                let paras: Vec<String> = j.parse(d, c).unwrap();
                let want: Vec<String> =
                    serde_json::from_str(&article(if id == 1 { 0 } else { n + 1 })).unwrap();
                assert_eq!(paras, want);
            }
        }
        // A new handle on the archive writes with the stored dictionary.
        let again = Dicts::load(&conn).unwrap();
        assert_eq!(again.pack(Column::Paragraphs, &later).unwrap(), with);
    }

    #[test]
    fn a_frame_naming_a_dictionary_the_archive_lacks_is_an_error() {
        let conn = table();
        let samples: Vec<String> = (0..500).map(article).collect();
        let dict = zstd::dict::from_samples(&samples, 16 << 10).unwrap();
        let z = zstd::bulk::Compressor::with_dictionary(1, &dict)
            .unwrap()
            .compress(article(3).as_bytes())
            .unwrap();
        conn.execute("INSERT INTO t VALUES (1, ?1)", [z]).unwrap();
        let j: Json = conn.query_row("SELECT v FROM t WHERE n=1", [], |r| r.get(0)).unwrap();
        let e = j.parse::<Vec<String>>(&Dicts::load(&conn).unwrap(), &conn).unwrap_err();
        assert!(e.to_string().contains("lacks"), "{e}");
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let conn = table();
        let dicts = Dicts::load(&conn).unwrap();
        assert!(dicts.inflate(b"not zstd", &conn).is_err());
        let mut z = dicts.pack(Column::Paragraphs, "[\"a\"]").unwrap();
        let n = z.len();
        z[n - 2] ^= 0xff;
        // Either the checksum or the frame fails; nothing panics.
        let _ = dicts.inflate(&z, &conn);
    }
}
