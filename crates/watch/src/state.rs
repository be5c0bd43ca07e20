//! The watcher's own state, in `DATA/watch/state.db` (SQLite, WAL): per source and
//! per page what was fetched when, validators for conditional GET, what is due
//! next, which WARC records were filed, the alert outbox and the saved watch lists.
//! It survives restarts; the archive itself stays in the store.

use std::path::Path;

use anyhow::Context;
use rusqlite::{Connection, OptionalExtension, params};

use crate::config::WatchSpec;

/// One step of the state's schema, from version `i` to `i + 1` (`PRAGMA
/// user_version`, as the store's migrations). Never edit a released entry: append.
enum Migration {
    /// An SQL script.
    Sql(&'static str),
    /// Columns (all `TEXT`) added to a table. Before the state was versioned these
    /// were added one release at a time whenever missing, so a state.db at version
    /// 0 may have some of them already: only the missing ones are added.
    AddColumns(&'static str, &'static [&'static str]),
}

const MIGRATIONS: &[Migration] = &[
    // 1: the state as the first release created it. `IF NOT EXISTS`: a state.db
    //    from before versioning (version 0) has these tables already.
    Migration::Sql(
        r#"
CREATE TABLE IF NOT EXISTS sources (
    name        TEXT PRIMARY KEY,
    last_poll   TEXT,              -- when the feed/listing was last asked for
    last_ok     TEXT,              -- last poll that answered 2xx or 304
    last_new    TEXT,              -- when a new article was last found
    next_poll   TEXT,
    etag        TEXT,
    last_modified TEXT,
    errors      INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls
    errors_total INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    listing     TEXT               -- JSON array: article URLs of the last listing, in order
);
CREATE TABLE IF NOT EXISTS pages (
    url         TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_fetch  TEXT,
    last_status INTEGER,
    etag        TEXT,
    last_modified TEXT,
    next_fetch  TEXT NOT NULL,     -- due time (new pages: at once)
    fetches     INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    gone_at     TEXT,              -- first seen missing (a note was archived)
    gone_reason TEXT
);
CREATE INDEX IF NOT EXISTS pages_due ON pages(next_fetch);
CREATE TABLE IF NOT EXISTS warc_files (
    path     TEXT PRIMARY KEY,
    written  INTEGER NOT NULL,     -- records written (and synced)
    filed    INTEGER NOT NULL      -- records filed into the store
);
CREATE TABLE IF NOT EXISTS watches (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL             -- JSON WatchSpec, saved by `annalist alert add`
);
CREATE TABLE IF NOT EXISTS alerts (
    key        TEXT PRIMARY KEY,   -- watch + article or canonical event: one alert each, ever
    watch      TEXT NOT NULL,
    created    TEXT NOT NULL,
    payload    TEXT NOT NULL,      -- JSON, as delivered
    stdout_done  INTEGER NOT NULL DEFAULT 0,
    jsonl_done   INTEGER NOT NULL DEFAULT 0,
    webhook_done INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    ),
    // 2: the URL that answered a page last, when a redirect led there.
    Migration::AddColumns("pages", &["answered_url"]),
    // 3: what the feed item that linked a page said: its date (local time as
    //    written) and its title.
    Migration::AddColumns("pages", &["feed_published", "feed_title"]),
];

/// The state schema version this build writes.
pub const STATE_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the migrations `conn` lacks, each in a write transaction taken up front
/// (`BEGIN IMMEDIATE`) that reads the version again: two processes opening the
/// state at once apply each migration exactly once. A state written by a newer
/// annalist is an error, and is left as it is.
fn migrate(conn: &mut Connection, path: &Path) -> anyhow::Result<()> {
    let version = |c: &Connection| -> anyhow::Result<i64> {
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v > STATE_VERSION {
            anyhow::bail!(
                "{} was written by a newer annalist (state schema {v}, this build knows {STATE_VERSION})",
                path.display()
            );
        }
        Ok(v)
    };
    while version(conn)? < STATE_VERSION {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if let Some(m) = MIGRATIONS.get(current as usize) {
            match m {
                Migration::Sql(script) => tx.execute_batch(script)?,
                Migration::AddColumns(table, cols) => {
                    for col in *cols {
                        let has = tx
                            .prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name=?2")?
                            .exists([table, col])?;
                        if !has {
                            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {col} TEXT"))?;
                        }
                    }
                }
            }
            tx.pragma_update(None, "user_version", current + 1)?;
        }
        tx.commit()
            .with_context(|| format!("migrating {} to state schema {}", path.display(), current + 1))?;
    }
    Ok(())
}

pub struct State {
    conn: Connection,
}

/// What `annalist watch --status` shows per source.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceStatus {
    pub name: String,
    pub last_poll: Option<String>,
    pub last_ok: Option<String>,
    pub last_new: Option<String>,
    pub next_poll: Option<String>,
    pub errors: i64,
    pub errors_total: i64,
    pub last_error: Option<String>,
    pub pages: i64,
    pub gone: i64,
    /// Pages (not gone) whose last fetch failed.
    pub pages_failing: i64,
    /// The latest of those failures, newest first (at most [`PAGE_ERRORS_SHOWN`]):
    /// `TIME URL: error`.
    pub page_errors: Vec<String>,
}

/// Failing pages listed per source by `--status`.
pub const PAGE_ERRORS_SHOWN: usize = 10;

/// A page's row.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub url: String,
    pub source: String,
    pub first_seen: String,
    pub fetches: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub gone_at: Option<String>,
    /// The URL that answered last, when a redirect led away from `url`: the page
    /// is filed in the archive under it.
    pub answered_url: Option<String>,
    /// What the feed item that linked the page said (see [`State::page_feed_item`]).
    pub feed_published: Option<String>,
    pub feed_title: Option<String>,
}

/// One alert waiting in (or delivered from) the outbox.
#[derive(Debug, Clone)]
pub struct Alert {
    pub key: String,
    pub payload: String,
    pub stdout_done: bool,
    pub jsonl_done: bool,
    pub webhook_done: bool,
}

impl State {
    pub fn open(dir: &Path) -> anyhow::Result<State> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(annalist_model::Layout::WATCH_STATE_FILE);
        let mut conn = Connection::open(&path).with_context(|| format!("opening {}", path.display()))?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;")?;
        migrate(&mut conn, &path)?;
        Ok(State { conn })
    }

    pub fn meta(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key=?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    // --- sources ---

    pub fn ensure_source(&self, name: &str) -> anyhow::Result<()> {
        self.conn.execute("INSERT OR IGNORE INTO sources(name) VALUES (?1)", [name])?;
        Ok(())
    }

    pub fn source_next_poll(&self, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self.conn.query_row("SELECT next_poll FROM sources WHERE name=?1", [name], |r| r.get(0))?)
    }

    pub fn source_validators(&self, name: &str) -> anyhow::Result<(Option<String>, Option<String>)> {
        Ok(self.conn.query_row("SELECT etag, last_modified FROM sources WHERE name=?1", [name], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
    }

    pub fn source_listing(&self, name: &str) -> anyhow::Result<Vec<String>> {
        let s: Option<String> =
            self.conn.query_row("SELECT listing FROM sources WHERE name=?1", [name], |r| r.get(0))?;
        Ok(s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    /// Record a poll of a source's feed or listing: when, when next, and the error
    /// if it failed.
    pub fn source_polled(
        &self,
        name: &str,
        now: &str,
        next: &str,
        error: Option<&str>,
    ) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("UPDATE sources SET last_poll=?2, next_poll=?3 WHERE name=?1", params![name, now, next])?;
        match error {
            None => tx.execute("UPDATE sources SET last_ok=?2, errors=0 WHERE name=?1", params![name, now])?,
            Some(e) => tx.execute(
                "UPDATE sources SET errors=errors+1, errors_total=errors_total+1, last_error=?2 WHERE name=?1",
                params![name, format!("{now} {e}")],
            )?,
        };
        tx.commit()?;
        Ok(())
    }

    /// Remember the feed or listing last read in full and its validators (for the
    /// next conditional GET and to see what the next one takes off).
    pub fn source_listing_seen(
        &self,
        name: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        listing: &[String],
    ) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE sources SET etag=?2, last_modified=?3, listing=?4 WHERE name=?1",
            params![name, etag, last_modified, serde_json::to_string(listing)?],
        )?;
        Ok(())
    }

    pub fn source_found_new(&self, name: &str, now: &str) -> anyhow::Result<()> {
        self.conn.execute("UPDATE sources SET last_new=?2 WHERE name=?1", params![name, now])?;
        Ok(())
    }

    pub fn status(&self) -> anyhow::Result<Vec<SourceStatus>> {
        let mut st = self.conn.prepare(
            "SELECT s.name, s.last_poll, s.last_ok, s.last_new, s.next_poll, s.errors, s.errors_total, s.last_error,
                    (SELECT COUNT(*) FROM pages p WHERE p.source=s.name),
                    (SELECT COUNT(*) FROM pages p WHERE p.source=s.name AND p.gone_at IS NOT NULL)
             FROM sources s ORDER BY s.name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(SourceStatus {
                name: r.get(0)?,
                last_poll: r.get(1)?,
                last_ok: r.get(2)?,
                last_new: r.get(3)?,
                next_poll: r.get(4)?,
                errors: r.get(5)?,
                errors_total: r.get(6)?,
                last_error: r.get(7)?,
                pages: r.get(8)?,
                gone: r.get(9)?,
                pages_failing: 0,
                page_errors: Vec::new(),
            })
        })?;
        let mut out: Vec<SourceStatus> = rows.collect::<Result<_, _>>()?;
        // A page that times out or overflows the body cap is an error of its source.
        let mut failing = self.conn.prepare(
            "SELECT last_fetch, url, last_error FROM pages
             WHERE source=?1 AND errors>0 AND gone_at IS NULL ORDER BY last_fetch DESC, url",
        )?;
        for s in &mut out {
            let rows = failing.query_map([&s.name], |r| {
                Ok(format!(
                    "{} {}: {}",
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?.unwrap_or_default()
                ))
            })?;
            for (i, row) in rows.enumerate() {
                let row = row?;
                if i < PAGE_ERRORS_SHOWN {
                    s.page_errors.push(row);
                }
                s.pages_failing += 1;
            }
        }
        Ok(out)
    }

    // --- pages ---

    /// Record a newly found article URL (due at once). Returns false if known.
    pub fn add_page(&self, url: &str, source: &str, now: &str) -> anyhow::Result<bool> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO pages(url, source, first_seen, next_fetch) VALUES (?1, ?2, ?3, ?3)",
            params![url, source, now],
        )? > 0)
    }

    /// What the feed said about a page (its latest item wins; a missing field keeps
    /// what an earlier item gave).
    pub fn page_feed_item(
        &self,
        url: &str,
        published: Option<&str>,
        title: Option<&str>,
    ) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE pages SET feed_published=COALESCE(?2, feed_published), feed_title=COALESCE(?3, feed_title)
             WHERE url=?1",
            params![url, published, title],
        )?;
        Ok(())
    }

    pub fn page(&self, url: &str) -> anyhow::Result<Option<Page>> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, source, first_seen, fetches, etag, last_modified, gone_at, answered_url,
                        feed_published, feed_title
                 FROM pages WHERE url=?1",
                [url],
                |r| {
                    Ok(Page {
                        url: r.get(0)?,
                        source: r.get(1)?,
                        first_seen: r.get(2)?,
                        fetches: r.get(3)?,
                        etag: r.get(4)?,
                        last_modified: r.get(5)?,
                        gone_at: r.get(6)?,
                        answered_url: r.get(7)?,
                        feed_published: r.get(8)?,
                        feed_title: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Pages of `source` due by `now` (not gone), oldest due first.
    pub fn due_pages(&self, source: &str, now: &str, limit: usize) -> anyhow::Result<Vec<String>> {
        let mut st = self.conn.prepare(
            "SELECT url FROM pages WHERE source=?1 AND next_fetch<=?2 AND gone_at IS NULL
             ORDER BY next_fetch, url LIMIT ?3",
        )?;
        let rows = st.query_map(params![source, now, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The earliest time any page of `source` is due.
    pub fn next_page_due(&self, source: &str) -> anyhow::Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT MIN(next_fetch) FROM pages WHERE source=?1 AND gone_at IS NULL",
            [source],
            |r| r.get(0),
        )?)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn page_fetched(
        &self,
        url: &str,
        now: &str,
        status: Option<u16>,
        error: Option<&str>,
        etag: Option<&str>,
        last_modified: Option<&str>,
        next: &str,
    ) -> anyhow::Result<()> {
        match error {
            None => self.conn.execute(
                "UPDATE pages SET last_fetch=?2, last_status=?3, fetches=fetches+1, next_fetch=?4,
                 etag=COALESCE(?5, etag), last_modified=COALESCE(?6, last_modified), errors=0 WHERE url=?1",
                params![url, now, status, next, etag, last_modified],
            )?,
            Some(e) => self.conn.execute(
                "UPDATE pages SET last_fetch=?2, last_status=?3, next_fetch=?4, errors=errors+1, last_error=?5 WHERE url=?1",
                params![url, now, status, next, e],
            )?,
        };
        Ok(())
    }

    /// Remember which URL answered for `url` (`None`: `url` itself).
    pub fn page_answered(&self, url: &str, answered: Option<&str>) -> anyhow::Result<()> {
        self.conn.execute("UPDATE pages SET answered_url=?2 WHERE url=?1", params![url, answered])?;
        Ok(())
    }

    pub fn page_gone(&self, url: &str, at: &str, reason: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE pages SET gone_at=?2, gone_reason=?3 WHERE url=?1 AND gone_at IS NULL",
            params![url, at, reason],
        )?;
        Ok(())
    }

    /// The page answers again: follow it as before.
    pub fn page_back(&self, url: &str) -> anyhow::Result<()> {
        self.conn.execute("UPDATE pages SET gone_at=NULL, gone_reason=NULL WHERE url=?1", [url])?;
        Ok(())
    }

    // --- WARC bookkeeping ---

    pub fn warc_written(&self, path: &str, records: u64) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO warc_files(path, written, filed) VALUES (?1, ?2, 0)
             ON CONFLICT(path) DO UPDATE SET written=MAX(written, excluded.written)",
            params![path, records as i64],
        )?;
        Ok(())
    }

    pub fn warc_filed(&self, path: &str, records: u64) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO warc_files(path, written, filed) VALUES (?1, ?2, ?2)
             ON CONFLICT(path) DO UPDATE SET filed=MAX(filed, excluded.filed), written=MAX(written, excluded.filed)",
            params![path, records as i64],
        )?;
        Ok(())
    }

    /// Files with records written but not (known to be) filed.
    pub fn warc_unfiled(&self) -> anyhow::Result<Vec<(String, u64)>> {
        let mut st =
            self.conn.prepare("SELECT path, filed FROM warc_files WHERE filed < written ORDER BY path")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn warc_known(&self, path: &str) -> anyhow::Result<Option<u64>> {
        Ok(self
            .conn
            .query_row("SELECT filed FROM warc_files WHERE path=?1", [path], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|n| n as u64))
    }

    // --- watch lists ---

    pub fn save_watch(&self, w: &WatchSpec) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO watches(name, spec) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET spec=excluded.spec",
            params![w.name, serde_json::to_string(w)?],
        )?;
        Ok(())
    }

    pub fn remove_watch(&self, name: &str) -> anyhow::Result<bool> {
        Ok(self.conn.execute("DELETE FROM watches WHERE name=?1", [name])? > 0)
    }

    pub fn watches(&self) -> anyhow::Result<Vec<WatchSpec>> {
        let mut st = self.conn.prepare("SELECT spec FROM watches ORDER BY name")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?)?);
        }
        Ok(out)
    }

    // --- alerts ---

    /// Queue alerts and move the alert watermark in one transaction: after a crash
    /// either both happened or neither, and keys make a repeat a no-op.
    pub fn queue_alerts(
        &self,
        alerts: &[(String, String, String)],
        seq: i64,
        now: &str,
    ) -> anyhow::Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        let mut n = 0;
        for (key, watch, payload) in alerts {
            n += tx.execute(
                "INSERT OR IGNORE INTO alerts(key, watch, created, payload) VALUES (?1, ?2, ?3, ?4)",
                params![key, watch, now, payload],
            )?;
        }
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('alert_seq', ?1) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            [seq.to_string()],
        )?;
        tx.commit()?;
        Ok(n)
    }

    pub fn pending_alerts(&self) -> anyhow::Result<Vec<Alert>> {
        let mut st = self.conn.prepare(
            "SELECT key, payload, stdout_done, jsonl_done, webhook_done FROM alerts
             WHERE stdout_done=0 OR jsonl_done=0 OR webhook_done=0 ORDER BY rowid",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Alert {
                key: r.get(0)?,
                payload: r.get(1)?,
                stdout_done: r.get(2)?,
                jsonl_done: r.get(3)?,
                webhook_done: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn alert_done(&self, key: &str, sink: &str) -> anyhow::Result<()> {
        let col = match sink {
            "stdout" => "stdout_done",
            "jsonl" => "jsonl_done",
            "webhook" => "webhook_done",
            other => anyhow::bail!("unknown alert sink {other}"),
        };
        self.conn.execute(&format!("UPDATE alerts SET {col}=1 WHERE key=?1"), [key])?;
        Ok(())
    }

    pub fn alert_failed(&self, key: &str, error: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE alerts SET attempts=attempts+1, last_error=?2 WHERE key=?1",
            params![key, error],
        )?;
        Ok(())
    }

    pub fn alert_count(&self) -> anyhow::Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(stdout_done=0 OR jsonl_done=0 OR webhook_done=0), 0) FROM alerts",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_from_before_answered_url_gains_it() {
        let dir = tempfile::tempdir().unwrap();
        {
            // The pages table as the first release created it.
            let c = Connection::open(dir.path().join("state.db")).unwrap();
            c.execute_batch(
                "CREATE TABLE pages (url TEXT PRIMARY KEY, source TEXT NOT NULL, first_seen TEXT NOT NULL,
                 last_fetch TEXT, last_status INTEGER, etag TEXT, last_modified TEXT, next_fetch TEXT NOT NULL,
                 fetches INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, last_error TEXT,
                 gone_at TEXT, gone_reason TEXT);
                 INSERT INTO pages(url, source, first_seen, next_fetch) VALUES ('http://x.test/a', 's', 't', 't');",
            )
            .unwrap();
        }
        let st = State::open(dir.path()).unwrap();
        assert_eq!(st.page("http://x.test/a").unwrap().unwrap().answered_url, None);
        st.page_answered("http://x.test/a", Some("https://x.test/a")).unwrap();
        assert_eq!(
            st.page("http://x.test/a").unwrap().unwrap().answered_url.as_deref(),
            Some("https://x.test/a")
        );
        drop(st);
        State::open(dir.path()).unwrap(); // and opens again
    }

    fn version(dir: &Path) -> i64 {
        let c = Connection::open(dir.join("state.db")).unwrap();
        c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    fn page_columns(dir: &Path) -> Vec<String> {
        let c = Connection::open(dir.join("state.db")).unwrap();
        let mut st = c.prepare("SELECT name FROM pragma_table_info('pages') ORDER BY cid").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn a_fresh_state_is_at_the_latest_version_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let st = State::open(dir.path()).unwrap();
        st.ensure_source("s").unwrap();
        st.add_page("http://x.test/a", "s", "t").unwrap();
        st.page_feed_item("http://x.test/a", Some("2024-10-08T08:30:00"), Some("Title")).unwrap();
        drop(st);
        assert_eq!(version(dir.path()), STATE_VERSION);
        let cols = page_columns(dir.path());
        assert_eq!(cols[cols.len() - 3..], ["answered_url", "feed_published", "feed_title"]);
        // Opening again migrates nothing and keeps everything.
        let st = State::open(dir.path()).unwrap();
        assert_eq!(version(dir.path()), STATE_VERSION);
        assert_eq!(page_columns(dir.path()), cols);
        assert_eq!(st.page("http://x.test/a").unwrap().unwrap().feed_title.as_deref(), Some("Title"));
    }

    #[test]
    fn an_unversioned_state_of_any_release_is_upgraded_in_place() {
        // The first release's whole schema, then with the columns added since: each
        // as a state.db from before versioning (user_version 0), holding data.
        let first = match &MIGRATIONS[0] {
            Migration::Sql(s) => *s,
            _ => unreachable!("the first migration is the first release's schema"),
        };
        for added in [&[][..], &["answered_url"][..], &["answered_url", "feed_published", "feed_title"][..]] {
            let dir = tempfile::tempdir().unwrap();
            {
                let c = Connection::open(dir.path().join("state.db")).unwrap();
                c.execute_batch(first).unwrap();
                for col in added {
                    c.execute_batch(&format!("ALTER TABLE pages ADD COLUMN {col} TEXT")).unwrap();
                }
                c.execute_batch(
                    "INSERT INTO sources(name, errors_total, listing) VALUES ('s', 3, '[\"http://x.test/a\"]');
                     INSERT INTO pages(url, source, first_seen, next_fetch, etag) VALUES ('http://x.test/a', 's', 't', 't', 'e1');
                     INSERT INTO meta(key, value) VALUES ('alert_seq', '7');",
                )
                .unwrap();
                assert_eq!(version(dir.path()), 0);
            }
            let st = State::open(dir.path()).unwrap();
            assert_eq!(version(dir.path()), STATE_VERSION, "{added:?}");
            let p = st.page("http://x.test/a").unwrap().unwrap();
            assert_eq!(
                (p.etag.as_deref(), p.answered_url, p.feed_title),
                (Some("e1"), None, None),
                "{added:?}"
            );
            assert_eq!(st.source_listing("s").unwrap(), ["http://x.test/a"]);
            assert_eq!(st.status().unwrap()[0].errors_total, 3);
            assert_eq!(st.meta("alert_seq").unwrap().as_deref(), Some("7"));
            st.page_feed_item("http://x.test/a", Some("2024-10-08T08:30:00"), Some("Title")).unwrap();
            st.page_answered("http://x.test/a", Some("https://x.test/a")).unwrap();
            drop(st);
            let st = State::open(dir.path()).unwrap();
            let p = st.page("http://x.test/a").unwrap().unwrap();
            assert_eq!(p.answered_url.as_deref(), Some("https://x.test/a"));
            assert_eq!(p.feed_published.as_deref(), Some("2024-10-08T08:30:00"));
            let cols = page_columns(dir.path());
            assert_eq!(cols[cols.len() - 3..], ["answered_url", "feed_published", "feed_title"], "{added:?}");
        }
    }

    #[test]
    fn a_state_from_a_newer_annalist_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        drop(State::open(dir.path()).unwrap());
        {
            let c = Connection::open(dir.path().join("state.db")).unwrap();
            c.pragma_update(None, "user_version", STATE_VERSION + 1).unwrap();
        }
        let err = State::open(dir.path()).err().expect("a newer state is refused");
        let msg = format!("{err:#}");
        assert!(msg.contains("state.db") && msg.contains("newer annalist"), "{msg}");
        assert!(msg.contains(&format!("state schema {}", STATE_VERSION + 1)), "{msg}");
        assert_eq!(version(dir.path()), STATE_VERSION + 1);
    }

    #[test]
    fn status_names_the_failing_pages_of_a_source() {
        let dir = tempfile::tempdir().unwrap();
        let st = State::open(dir.path()).unwrap();
        st.ensure_source("s").unwrap();
        for u in ["http://x.test/1", "http://x.test/2", "http://x.test/3", "http://x.test/4"] {
            st.add_page(u, "s", "2026-01-01T00:00:00Z").unwrap();
        }
        let next = "2026-01-01T01:00:00Z";
        st.page_fetched("http://x.test/1", "2026-01-01T00:00:01Z", None, Some("timed out"), None, None, next)
            .unwrap();
        st.page_fetched(
            "http://x.test/2",
            "2026-01-01T00:00:02Z",
            Some(500),
            Some("HTTP 500"),
            None,
            None,
            next,
        )
        .unwrap();
        st.page_fetched("http://x.test/3", "2026-01-01T00:00:03Z", Some(200), None, None, None, next)
            .unwrap();
        // A failure that was followed by a success is over; a gone page is counted as gone.
        st.page_fetched("http://x.test/4", "2026-01-01T00:00:04Z", None, Some("timed out"), None, None, next)
            .unwrap();
        st.page_gone("http://x.test/4", "2026-01-01T00:00:05Z", "HTTP 404").unwrap();
        let s = &st.status().unwrap()[0];
        assert_eq!((s.pages, s.gone, s.pages_failing), (4, 1, 2));
        assert_eq!(
            s.page_errors,
            vec![
                "2026-01-01T00:00:02Z http://x.test/2: HTTP 500".to_string(),
                "2026-01-01T00:00:01Z http://x.test/1: timed out".to_string()
            ]
        );
        st.page_fetched("http://x.test/1", "2026-01-01T00:00:06Z", Some(200), None, None, None, next)
            .unwrap();
        assert_eq!(st.status().unwrap()[0].pages_failing, 1);
    }
}
