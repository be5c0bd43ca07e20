//! The embedded archive: the single source of truth of annalist.
//!
//! This crate owns the SQLite database (WAL mode) in the data directory: its schema
//! and migrations, the raw capture bytes (zstd-compressed, addressed by their blake3
//! hash), articles, their versions, the sources (provenance: which file, line or
//! record, when) that report them, teaser links and stub articles, and the stored
//! results of understanding. It decides what is a duplicate, a new version or a new
//! article. Everything else (the search index, exports, the web UI) is derived from
//! what is stored here.
//!
//! Writes happen in [`Batch`]es, one SQLite transaction each: a crash loses at most
//! the batch in flight, and the next run redoes it because sources already stored
//! are recognised and skipped.

mod check;
mod dedup;
mod packed;
mod read;
mod schema;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use check::DamagedBlob;
pub use dedup::{blob_hash, jaccard, shingles, simhash};
pub use read::{
    ArticleRecord, ArticleSummary, CaptureHeader, Citation, EntityCount, EntitySurface, EvalRow, EventRow,
    IndexRow, ListFilter, SourceRecord, Stats, TeaserRecord, VersionRecord,
};
pub use schema::SCHEMA_VERSION;
pub use write::{Batch, Gone, Incoming, Outcome, Packer, Prepared, filing_keys};

/// Errors of the store. Bad *input* never surfaces here; these are I/O, corruption
/// or schema problems.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the store was written by a newer annalist (schema {found}, this build knows {supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("upgrading the archive to schema {to}: {reason}")]
    Migration { to: i64, reason: String },
    #[error("blob {0} is missing or damaged")]
    Blob(String),
    #[error("the stored metadata of source {id} ({location}) cannot be read: {error}")]
    Meta { id: i64, location: String, error: serde_json::Error },
    #[error("what source {id} ({location}) said of its article, as stored, cannot be read: {error}")]
    Header { id: i64, location: String, error: serde_json::Error },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How long an open waits for another process's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// An open archive.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    dicts: packed::Dicts,
}

impl Store {
    /// Open (creating if needed) the archive in `dir`, applying pending migrations.
    ///
    /// Where waiting could deadlock, SQLite answers "database is locked" at once
    /// instead of calling its busy handler: two processes creating one archive at the
    /// same moment meet that while one switches the new file to WAL or migrates it.
    /// Opening is all-or-nothing (the pragmas are idempotent, a failed migration rolls
    /// back), so a busy open is tried again, with a short pause, for as long as the
    /// busy timeout would have waited.
    pub fn open(dir: &Path) -> Result<Store> {
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(10);
        loop {
            match Self::open_once(dir) {
                Err(StoreError::Sql(e)) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    fn open_once(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)?;
        let mut conn = Connection::open_with_flags(
            annalist_model::Layout::new(dir).db(),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Before anything that may wait for another process (a second `annalist ingest`
        // creating the same archive at the same moment).
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode: a power loss may drop the last commits but never corrupts;
        // a process crash (kill -9) loses nothing that was committed.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -65536)?;
        // Checkpoint the WAL every 64 MiB instead of every 4 MiB: a batch dirties pages
        // of every index (hashes, keys, bands are random keys), and a page changed by
        // several batches between checkpoints is copied into the database once.
        conn.pragma_update(None, "wal_autocheckpoint", 16384)?;
        // Room for every statement the writer and readers use, so none is re-parsed
        // per row (the default of 16 is smaller than the writer's set).
        conn.set_prepared_statement_cache_capacity(128);
        stable_plans(&conn)?;
        schema::migrate(&mut conn)?;
        let dicts = packed::Dicts::load(&conn)?;
        Ok(Store { conn, dir: dir.to_path_buf(), dicts })
    }

    /// Open read-only (for servers and exports running beside a writer).
    pub fn open_read_only(dir: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            annalist_model::Layout::new(dir).db(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(128);
        stable_plans(&conn)?;
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: v, supported: SCHEMA_VERSION });
        }
        let dicts = packed::Dicts::load(&conn)?;
        Ok(Store { conn, dir: dir.to_path_buf(), dicts })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store's change sequence: it grows with every change to an article, so a
    /// derived index that remembers the last sequence it saw can catch up.
    pub fn seq(&self) -> Result<i64> {
        let v: String = self.conn.query_row("SELECT value FROM meta WHERE key='seq'", [], |r| r.get(0))?;
        Ok(v.parse().unwrap_or(0))
    }

    /// Start a write batch (one transaction). Once the archive holds enough versions,
    /// the first batch after that trains the packed columns' dictionaries (in a
    /// transaction of its own, before this one).
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        self.dicts.train_if_due(&mut self.conn)?;
        let packer = self.packer();
        Batch::begin(&mut self.conn, packer)
    }

    /// What packs rows for this archive, for threads that prepare units
    /// ([`Incoming::prepare`]) before a batch files them.
    pub fn packer(&self) -> Packer {
        Packer(self.dicts.clone())
    }

    /// The archive's dictionaries, to read packed columns.
    pub(crate) fn dicts(&self) -> &packed::Dicts {
        &self.dicts
    }

    /// Whether this exact unit (same path, same place in it, same bytes) is already
    /// stored successfully, so that it can be skipped before extraction.
    pub fn has_source(&self, path: &str, locator: &str, blob: &str) -> Result<bool> {
        let mut st = self.conn.prepare_cached(
            "SELECT 1 FROM sources WHERE path=?1 AND locator=?2 AND blob_hash=?3 AND outcome!='failed'",
        )?;
        Ok(st.exists((path, locator, blob))?)
    }

    /// The raw bytes stored under `hash`.
    pub fn blob(&self, hash: &str) -> Result<Vec<u8>> {
        let mut st = self.conn.prepare_cached("SELECT size, zdata FROM blobs WHERE hash=?1")?;
        let (size, z): (i64, Vec<u8>) = st
            .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|_| StoreError::Blob(hash.to_string()))?;
        let raw = write::decompress(&z, size as usize).map_err(|_| StoreError::Blob(hash.to_string()))?;
        if dedup::blob_hash(&raw) != hash {
            return Err(StoreError::Blob(hash.to_string()));
        }
        Ok(raw)
    }

    /// Remove everything derived from the blobs (articles, versions, teasers,
    /// events, mentions) while keeping blobs and the list of sources, so that
    /// `reprocess` can replay every source in order through a newer extractor.
    /// Returns the sources to replay, oldest first. Runs inside the caller's batch.
    pub fn sources_for_replay(&self) -> Result<Vec<SourceRecord>> {
        read::all_sources(&self.conn)
    }

    /// Up to `limit` sources with ids above `after`, in id order (read a page at a
    /// time: `after` = the last id of the previous page). An error names a source
    /// whose stored metadata cannot be read.
    pub fn sources_after(&self, after: i64, limit: usize) -> Result<Vec<SourceRecord>> {
        read::sources_after(&self.conn, after, limit)?.into_iter().map(SourceRecord::parsed).collect()
    }

    /// [`Store::sources_after`] with each source's metadata as the JSON text stored,
    /// unread: `reprocess` replays them, and keeps one whose metadata cannot be read
    /// ([`SourceRecord::read_meta`]) as a failed source, that text unchanged.
    pub fn stored_sources_after(&self, after: i64, limit: usize) -> Result<Vec<SourceRecord<String>>> {
        read::sources_after(&self.conn, after, limit)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// The locator string of a provenance: `''`, `line:N` or `record:N`.
pub fn locator(p: &annalist_model::Provenance) -> String {
    match (p.line, p.record) {
        (Some(l), _) => format!("line:{l}"),
        (None, Some(r)) => format!("record:{r}"),
        _ => String::new(),
    }
}

/// Plans are made once per statement. The bundled SQLite is built with STAT4, and
/// without the query planner stability guarantee a cached statement whose bound
/// value *might* change its plan is re-compiled on the next step after every new
/// binding: the writer's lookups by path, hash and key were re-parsed for every
/// unit (about a tenth of an ingest's CPU, measured with perf on kcna_2011). Our
/// statements are all equality and range lookups on indexes whose best plan does
/// not depend on the value.
fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use annalist_model::{Article, InputKind, Provenance, Teaser};

    fn prov(path: &str, line: Option<u64>) -> Provenance {
        Provenance {
            path: path.into(),
            line,
            record: None,
            kind: if line.is_some() { InputKind::JsonLines } else { InputKind::TextPage },
        }
    }

    fn art(title: &str, date: &str, body: &[&str]) -> Article {
        Article {
            title: Some(title.into()),
            outlet: Some("KCNA".into()),
            published: Some(date.parse().unwrap()),
            paragraphs: body.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn inc(p: Provenance, raw: &str, a: Article) -> Incoming {
        Incoming {
            provenance: p,
            raw: raw.as_bytes().to_vec(),
            meta: annalist_model::UnitMeta::default(),
            result: Ok((a, None)),
            page_url: None,
            gone: None,
        }
    }

    const BODY: &[&str] = &[
        "Kim Yong Nam, president of the Presidium of the DPRK Supreme People's Assembly, sent a message of greeting to the president of Singapore on its 46th national day.",
        "Kim in the message wished for the prosperity of Singapore, expressing the belief that the relations of friendship and cooperation between the two countries would continue to develop.",
    ];

    #[test]
    fn new_duplicate_version_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let mut b = s.batch().unwrap();
        let a = art("Greetings to President of Singapore", "2011-08-08", BODY);
        let o1 = b.put(&inc(prov("a.jsonl", Some(1)), "raw1", a.clone())).unwrap();
        let Outcome::New { article } = o1 else { panic!("{o1:?}") };
        // Same text from another mirror, typography differing: a duplicate source.
        let mut a2 = a.clone();
        a2.paragraphs[0] = a2.paragraphs[0].replace('\'', "\u{2019}");
        assert_eq!(b.put(&inc(prov("b.txt", None), "raw2", a2)).unwrap(), Outcome::Duplicate { article });
        // The very same unit again: unchanged.
        assert_eq!(b.put(&inc(prov("a.jsonl", Some(1)), "raw1", a.clone())).unwrap(), Outcome::Unchanged);
        // A changed re-publication: a new version.
        let mut a3 = a.clone();
        a3.paragraphs.push("The message was delivered by the DPRK embassy.".into());
        assert_eq!(b.put(&inc(prov("c.txt", None), "raw3", a3)).unwrap(), Outcome::Version { article, n: 2 });
        // The same formula a year later is another article.
        let mut a4 = art("Greetings to President of Singapore", "2012-08-09", BODY);
        a4.paragraphs[0] = a4.paragraphs[0].replace("46th", "47th");
        assert!(matches!(b.put(&inc(prov("d.txt", None), "raw4", a4)).unwrap(), Outcome::New { .. }));
        b.commit().unwrap();
        let rec = s.article(article).unwrap().unwrap();
        assert_eq!(rec.versions, 2);
        assert_eq!(rec.sources.len(), 3);
        assert_eq!(rec.paragraphs.len(), 3);
        let v = s.versions(article).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].sources, vec!["a.jsonl:1".to_string(), "b.txt".to_string()]);
        let st = s.stats().unwrap();
        assert_eq!((st.articles, st.versions, st.sources, st.blobs), (2, 3, 4, 4));
        assert!(s.seq().unwrap() > 0);
    }

    #[test]
    fn teasers_become_stubs_that_articles_fill() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let mut b = s.batch().unwrap();
        let mut page = art("Big Day", "2024-01-02", BODY);
        page.teasers = vec![
            Teaser {
                title: Some("Other News".into()),
                date: Some("2024-01-01".parse().unwrap()),
                ..Default::default()
            },
            Teaser {
                lede: Some("The Russian Ambassador to the DPRK hosted a reception at the club on".into()),
                ..Default::default()
            },
        ];
        let Outcome::New { article: page_id } = b.put(&inc(prov("p.txt", None), "p", page)).unwrap() else {
            panic!()
        };
        let other = art(
            "Other news",
            "2024-01-01",
            &["Something else entirely happened in Pyongyang on that day, the agency said."],
        );
        let Outcome::New { article: other_id } = b.put(&inc(prov("o.txt", None), "o", other)).unwrap() else {
            panic!()
        };
        let mut lede = art(
            "x",
            "2024-10-12",
            &[
                "The Russian Ambassador to the DPRK hosted a reception at the club on October 11 for the anniversary.",
            ],
        );
        lede.title = None;
        let Outcome::New { article: lede_id } = b.put(&inc(prov("l.txt", None), "l", lede)).unwrap() else {
            panic!()
        };
        b.commit().unwrap();
        let rec = s.article(page_id).unwrap().unwrap();
        assert_eq!(rec.teasers.iter().map(|t| t.article_id).collect::<Vec<_>>(), vec![other_id, lede_id]);
        assert_eq!(s.article(other_id).unwrap().unwrap().linked_from, vec![page_id]);
        assert_eq!(s.stats().unwrap().stubs, 0);
    }

    #[test]
    fn failures_keep_the_bytes_and_retry() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let mut b = s.batch().unwrap();
        let bad = Incoming {
            provenance: prov("x.bin", None),
            raw: b"\x00\x01".to_vec(),
            meta: annalist_model::UnitMeta::default(),
            result: Err("binary".into()),
            page_url: None,
            gone: None,
        };
        assert!(matches!(b.put(&bad).unwrap(), Outcome::Failed { .. }));
        assert!(matches!(b.put(&bad).unwrap(), Outcome::Failed { .. }));
        let good = Incoming { result: Ok((art("T", "2020-01-01", BODY), None)), ..bad };
        assert!(matches!(b.put(&good).unwrap(), Outcome::New { .. }));
        b.commit().unwrap();
        let st = s.stats().unwrap();
        assert_eq!((st.sources, st.failed_sources), (1, 0));
        assert_eq!(s.blob(&blob_hash(b"\x00\x01")).unwrap(), b"\x00\x01");
    }

    #[test]
    fn captures_of_one_page_url_are_versions_and_gone_marks_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let url = "http://example.test/article/1.html";
        let page = |rec: u64, raw: &str, a: Article| Incoming {
            page_url: Some(url.into()),
            ..inc(Provenance { record: Some(rec), ..prov("w.warc", None) }, raw, a)
        };
        let mut b = s.batch().unwrap();
        let first = b.put(&page(1, "v1", art("Talks Held", "2024-06-19", BODY))).unwrap();
        let Outcome::New { article } = first else { panic!("{first:?}") };
        // A wholly rewritten body at the same URL is still the same article.
        let other = &["An entirely different text now stands where the talks were reported, long enough."];
        assert_eq!(
            b.put(&page(2, "v2", art("Talks Held", "2024-06-19", other))).unwrap(),
            Outcome::Version { article, n: 2 }
        );
        // Back to the first text: a duplicate source of the same article.
        assert_eq!(
            b.put(&page(3, "v1 again", art("Talks Held", "2024-06-19", BODY))).unwrap(),
            Outcome::Duplicate { article }
        );
        // Another URL with the first article's text is a duplicate too (content wins).
        let elsewhere = Incoming {
            page_url: Some("http://mirror.test/x".into()),
            ..inc(
                Provenance { record: Some(4), ..prov("w.warc", None) },
                "m",
                art("Talks Held", "2024-06-19", BODY),
            )
        };
        assert_eq!(b.put(&elsewhere).unwrap(), Outcome::Duplicate { article });
        let note = |rec: u64, at: &str| Incoming {
            result: Err("gone note".into()),
            gone: Some(Gone { reason: "HTTP 404".into(), at: at.into() }),
            ..page(rec, &format!("note {rec}"), Article::default())
        };
        assert_eq!(
            b.put(&note(5, "2025-01-01T00:00:00Z")).unwrap(),
            Outcome::Gone { article: Some(article), marked: true }
        );
        // Seen missing again later: the first time stays.
        assert_eq!(
            b.put(&note(6, "2025-02-01T00:00:00Z")).unwrap(),
            Outcome::Gone { article: Some(article), marked: false }
        );
        b.commit().unwrap();
        let a = s.article(article).unwrap().unwrap();
        assert_eq!(a.gone_at.as_deref(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(a.gone_reason.as_deref(), Some("HTTP 404"));
        assert_eq!(a.versions, 2, "its versions stay");
        // A gone note for a page never captured is kept, against no article.
        let mut b = s.batch().unwrap();
        let stray = Incoming {
            page_url: Some("http://example.test/never".into()),
            ..note(7, "2025-03-01T00:00:00Z")
        };
        assert_eq!(b.put(&stray).unwrap(), Outcome::Gone { article: None, marked: false });
        // The page answers again: no longer gone.
        b.put(&page(
            8,
            "v3",
            art("Talks Held", "2024-06-19", &["Yet another text, back at the source again, long enough."]),
        ))
        .unwrap();
        b.commit().unwrap();
        assert_eq!(s.article(article).unwrap().unwrap().gone_at, None);
    }

    #[test]
    fn metadata_and_headers_are_stored_as_before_and_read_typed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let meta = annalist_model::UnitMeta {
            url: Some("http://x.test/a".into()),
            charset: Some("utf-8".into()),
            feed_title: Some("T".into()),
            ..Default::default()
        };
        let mut b = s.batch().unwrap();
        let one = Incoming {
            meta: meta.clone(),
            ..inc(prov("a.jsonl", Some(2)), "raw", art("T", "2011-08-08", BODY))
        };
        let Outcome::New { article } = b.put(&one).unwrap() else { panic!() };
        b.commit().unwrap();
        // The columns hold the JSON they always held (keys in order), so archives
        // written before and after read alike.
        let (m, h): (String, String) =
            s.conn.query_row("SELECT meta, header FROM sources", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!(
            m,
            r#"{"charset":"utf-8","content_type":null,"feed_title":"T","fetched":null,"url":"http://x.test/a"}"#
        );
        assert_eq!(
            h,
            r#"{"captured":null,"language":null,"language_label":null,"outlet":"KCNA","published":"2011-08-08","published_by":null,"title":"T","url":null}"#
        );
        let a = s.article(article).unwrap().unwrap();
        assert_eq!(a.status, annalist_model::ArticleStatus::Full);
        assert_eq!(a.published, Some("2011-08-08".parse().unwrap()));
        assert_eq!(a.sources[0].meta, meta);
        // … and serialise as the strings they were.
        let json = serde_json::to_string(&a).unwrap();
        assert!(
            json.contains(r#""status":"full""#) && json.contains(r#""published":"2011-08-08""#),
            "{json}"
        );
        assert!(json.contains(&format!(r#""meta":{m}"#)), "{json}");
        let listed = serde_json::to_value(s.list(&ListFilter::default()).unwrap()).unwrap();
        assert_eq!(listed[0]["status"], "full");
        assert_eq!(listed[0]["published"], "2011-08-08");
        let mut headers = Vec::new();
        s.eval_rows(|r| {
            headers.push(r.header);
            Ok(())
        })
        .unwrap();
        assert_eq!(headers[0].published, Some("2011-08-08".parse().unwrap()));
        assert_eq!(headers[0].outlet.as_deref(), Some("KCNA"));
    }

    #[test]
    fn unreadable_metadata_is_an_error_naming_its_source_and_kept_as_stored_for_replay() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let mut b = s.batch().unwrap();
        let Outcome::New { article } =
            b.put(&inc(prov("a.jsonl", Some(3)), "raw", art("T", "2020-01-01", BODY))).unwrap()
        else {
            panic!()
        };
        b.commit().unwrap();
        let broken = r#"{"url": 5"#;
        s.conn.execute("UPDATE sources SET meta=?1", [broken]).unwrap();
        let err = s.article(article).unwrap_err().to_string();
        assert!(err.contains("metadata") && err.contains("a.jsonl:3"), "{err}");
        let err = s.sources_after(0, 10).unwrap_err().to_string();
        assert!(err.contains("a.jsonl:3"), "{err}");
        let stored = s.stored_sources_after(0, 10).unwrap();
        assert_eq!(stored[0].meta, broken);
        assert!(stored[0].read_meta().is_err());
        // What `reprocess` does with it: kept as a failed source, its metadata as it was.
        let mut b = s.batch().unwrap();
        b.clear_derived().unwrap();
        b.keep_damaged_source(&stored[0], "unreadable metadata").unwrap();
        b.commit().unwrap();
        let kept = s.stored_sources_after(0, 10).unwrap();
        assert_eq!((kept[0].meta.as_str(), kept[0].outcome.as_str()), (broken, "failed"));
        assert_eq!(kept[0].error.as_deref(), Some("unreadable metadata"));
    }

    #[test]
    fn uncommitted_batches_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        {
            let mut b = s.batch().unwrap();
            b.put(&inc(prov("a", None), "a", art("T", "2020-01-01", BODY))).unwrap();
            // dropped without commit
        }
        assert_eq!(s.stats().unwrap().sources, 0);
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.stats().unwrap().articles, 0);
    }
}
