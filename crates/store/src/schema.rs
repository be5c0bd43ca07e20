//! Schema migrations.
//!
//! Hand-rolled on `PRAGMA user_version` rather than a migration crate: the whole
//! mechanism is a list of SQL scripts applied in order inside one transaction each,
//! and the crates that do this pin older rusqlite versions than ours.

use rusqlite::Connection;

use crate::StoreError;

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a released
/// entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the archive.
    r#"
    CREATE TABLE blobs (
        hash  TEXT PRIMARY KEY,          -- blake3 of the raw bytes, hex
        size  INTEGER NOT NULL,          -- raw size in bytes
        zdata BLOB NOT NULL              -- zstd-compressed raw bytes
    ) WITHOUT ROWID;

    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        status        TEXT NOT NULL,     -- 'full' | 'stub' (known only from a teaser)
        title         TEXT,              -- headline of the current version (NULL: page had none)
        display_title TEXT NOT NULL,     -- title, or derived from the lede
        outlet        TEXT,
        published     TEXT,              -- ISO date
        captured      TEXT,
        url           TEXT,
        language      TEXT,
        title_key     TEXT,              -- normalised title, for teaser and revision matching
        lede_key      TEXT,              -- first normalised characters of the body (or a lede-only teaser)
        listed        TEXT,              -- stub: the date the teaser showed
        current_version INTEGER,
        changed_seq   INTEGER NOT NULL   -- store change sequence of the last change
    );
    CREATE INDEX articles_title_key ON articles(title_key);
    CREATE INDEX articles_lede_key ON articles(lede_key);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_changed ON articles(changed_seq);

    CREATE TABLE versions (
        id            INTEGER PRIMARY KEY,
        article_id    INTEGER NOT NULL REFERENCES articles(id),
        n             INTEGER NOT NULL,  -- 1-based within the article
        content_hash  TEXT NOT NULL,     -- normalised title + body (a 16-byte BLOB since schema 6)
        body_hash     TEXT NOT NULL,     -- normalised body (a 16-byte BLOB since schema 6; empty: none)
        simhash       INTEGER NOT NULL,
        title         TEXT,
        outlet        TEXT,
        published     TEXT,
        captured      TEXT,
        url           TEXT,
        language      TEXT,
        paragraphs    TEXT NOT NULL,     -- JSON array of strings
        understanding TEXT,              -- JSON (annalist_model::Understanding), NULL if not run
        created_at    TEXT NOT NULL,
        UNIQUE(article_id, n)
    );
    CREATE INDEX versions_content ON versions(content_hash);
    CREATE INDEX versions_body ON versions(body_hash);

    -- 16-bit bands of each current version's simhash, for near-duplicate candidates.
    CREATE TABLE simbands (
        band       INTEGER NOT NULL,     -- (band number << 16) | band value
        article_id INTEGER NOT NULL
    );
    CREATE INDEX simbands_band ON simbands(band);
    CREATE INDEX simbands_article ON simbands(article_id);

    CREATE TABLE sources (
        id          INTEGER PRIMARY KEY,
        blob_hash   TEXT NOT NULL REFERENCES blobs(hash),
        path        TEXT NOT NULL,
        locator     TEXT NOT NULL,       -- '' | 'line:N' | 'record:N'
        kind        TEXT NOT NULL,
        line        INTEGER,
        record      INTEGER,
        doc         TEXT NOT NULL,       -- evaluation document name
        meta        TEXT NOT NULL,       -- JSON: unit metadata (url, fetched, charset …)
        header      TEXT,                -- JSON: what this capture said (title, outlet, dates, url, language)
        article_id  INTEGER REFERENCES articles(id),
        version_id  INTEGER REFERENCES versions(id),
        outcome     TEXT NOT NULL,       -- new | duplicate | version | failed
        error       TEXT,
        ingested_at TEXT NOT NULL,
        UNIQUE(path, locator, blob_hash)
    );
    CREATE INDEX sources_article ON sources(article_id);

    CREATE TABLE teasers (
        source_id  INTEGER NOT NULL REFERENCES sources(id),
        pos        INTEGER NOT NULL,
        title      TEXT,
        lede       TEXT,
        date       TEXT,
        url        TEXT,
        article_id INTEGER NOT NULL REFERENCES articles(id),  -- the article it links to (maybe a stub)
        PRIMARY KEY(source_id, pos)
    ) WITHOUT ROWID;
    CREATE INDEX teasers_article ON teasers(article_id);

    CREATE TABLE events (
        id             INTEGER PRIMARY KEY,
        article_id     INTEGER NOT NULL REFERENCES articles(id),
        version_id     INTEGER NOT NULL REFERENCES versions(id),
        type           TEXT NOT NULL,
        actor          TEXT,
        actor_country  TEXT,
        target         TEXT,
        target_country TEXT,
        date           TEXT,
        date_end       TEXT,
        place          TEXT,
        status         TEXT NOT NULL,
        json           TEXT NOT NULL     -- the whole annalist_model::Event
    );
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_dyad ON events(actor_country, target_country);
    CREATE INDEX events_date ON events(date);

    CREATE TABLE entity_mentions (
        entity_id  TEXT NOT NULL,
        article_id INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        country    TEXT,
        count      INTEGER NOT NULL,
        surface    TEXT NOT NULL,
        PRIMARY KEY(entity_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX entity_mentions_article ON entity_mentions(article_id);

    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO meta(key, value) VALUES ('seq', '0');
    "#,
    // 2: pages followed by URL (captures of one page URL are versions of one
    //    article), and pages found gone at source.
    r#"
    CREATE TABLE page_urls (
        url        TEXT PRIMARY KEY,     -- the page's URL as captured (WARC-Target-URI)
        article_id INTEGER NOT NULL REFERENCES articles(id)
    ) WITHOUT ROWID;
    CREATE INDEX page_urls_article ON page_urls(article_id);
    ALTER TABLE articles ADD COLUMN gone_at TEXT;      -- first seen missing at source
    ALTER TABLE articles ADD COLUMN gone_reason TEXT;  -- e.g. 'HTTP 404', 'removed from listing …'
    "#,
    // 3: the sources of a version (Store::versions, every article page) without
    //    scanning every source.
    r#"
    CREATE INDEX sources_version ON sources(version_id);
    "#,
    // 4: worthless input is counted, not filed: exact repeats of a unit within one
    //    file beyond the first few (`what` = the bytes' blob hash), and failed units
    //    of one file beyond the first thousand (`what` = 'failed'). One row per
    //    (file, what), with the highest line or record counted, so that a resumed run
    //    does not count anything twice.
    r#"
    CREATE TABLE skipped (
        path  TEXT NOT NULL,
        what  TEXT NOT NULL,
        count INTEGER NOT NULL,
        last  INTEGER NOT NULL,    -- highest line or record number counted
        PRIMARY KEY(path, what)
    ) WITHOUT ROWID;
    "#,
    // 5: a lean archive.
    //  - Raw captures move to a rowid table. In a WITHOUT ROWID table a row over
    //    about 1,000 bytes spills onto an overflow page of its own: the typical
    //    1 KB compressed capture took 3.2 KB of file.
    //  - versions.paragraphs and versions.understanding of rows written from now on
    //    hold zstd-compressed JSON (BLOB values; earlier rows keep JSON text, read
    //    alike: see packed.rs).
    //  (Run with foreign keys off, as SQLite's procedure for rebuilding a table
    //  says; `migrate` checks them before committing.)
    r#"
    CREATE TABLE blobs_v5 (
        hash  TEXT PRIMARY KEY,          -- blake3 of the raw bytes, hex
        size  INTEGER NOT NULL,          -- raw size in bytes
        zdata BLOB NOT NULL              -- zstd-compressed raw bytes
    );
    INSERT INTO blobs_v5(hash, size, zdata) SELECT hash, size, zdata FROM blobs;
    DROP TABLE blobs;
    ALTER TABLE blobs_v5 RENAME TO blobs;
    "#,
    // 6: versions' content and body hashes become 16-byte keys (BLOBs: the first 128
    //    bits of the blake3 hex they held, see dedup::TextKey). The columns keep their
    //    declared type: a BLOB is stored as given in a TEXT column. A headline-only
    //    record's empty body hash becomes the empty BLOB.
    r#"
    UPDATE versions SET
        content_hash = unhex(substr(content_hash, 1, 32)),
        body_hash = CASE WHEN body_hash = '' THEN x'' ELSE unhex(substr(body_hash, 1, 32)) END;
    "#,
    // 7: zstd dictionaries for the packed columns, trained by the archive from its own
    //    rows (see packed.rs); a frame names its dictionary by `dict_id`.
    r#"
    CREATE TABLE zdicts (
        n          INTEGER PRIMARY KEY,  -- order of training: the newest per column packs new rows
        dict_id    INTEGER NOT NULL UNIQUE,  -- zstd's dictionary id, as frames name it
        col        TEXT NOT NULL,        -- 'paragraphs' | 'understanding'
        dict       BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the migrations the archive lacks. Each runs in a write transaction taken
/// up front (`BEGIN IMMEDIATE`) that reads the version again: two processes opening
/// a new archive at once apply each migration exactly once, the second finding it
/// done.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version = |c: &Connection| -> Result<i64, StoreError> {
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: v, supported: SCHEMA_VERSION });
        }
        Ok(v)
    };
    if version(conn)? >= SCHEMA_VERSION {
        return Ok(());
    }
    // A migration that rebuilds a table other tables refer to must run with foreign
    // keys off (they cannot be switched inside a transaction); each one is checked
    // before it commits instead.
    let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (|| {
        while version(conn)? < SCHEMA_VERSION {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let current = version(&tx)?;
            if let Some(script) = MIGRATIONS.get(current as usize) {
                tx.execute_batch(script)?;
                let broken: i64 =
                    tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
                if broken > 0 {
                    return Err(StoreError::Migration {
                        to: current + 1,
                        reason: format!("{broken} rows would refer to nothing"),
                    });
                }
                tx.pragma_update(None, "user_version", current + 1)?;
            }
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", fk)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive of schema 4 with a capture and a source pointing at it.
    fn schema4() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for (i, script) in MIGRATIONS[..4].iter().enumerate() {
            conn.execute_batch(script).unwrap();
            conn.pragma_update(None, "user_version", i as i64 + 1).unwrap();
        }
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO blobs VALUES ('h1', 3, x'010203')", []).unwrap();
        tx.execute(
            "INSERT INTO sources(blob_hash, path, locator, kind, doc, meta, outcome, ingested_at)
             VALUES ('h1', 'a.txt', '', 'text', 'a.txt', '{}', 'failed', 'now')",
            [],
        )
        .unwrap();
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn blobs_move_to_a_rowid_table_with_their_references() {
        let mut conn = schema4();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let sql: String =
            conn.query_row("SELECT sql FROM sqlite_schema WHERE name='blobs'", [], |r| r.get(0)).unwrap();
        assert!(!sql.contains("WITHOUT ROWID"), "{sql}");
        let (size, z): (i64, Vec<u8>) = conn
            .query_row("SELECT size, zdata FROM blobs WHERE hash='h1'", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((size, z), (3, vec![1, 2, 3]));
        // Foreign keys are back on and still guard the sources.
        let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert!(fk);
        let orphan = conn.execute(
            "INSERT INTO sources(blob_hash, path, locator, kind, doc, meta, outcome, ingested_at)
             VALUES ('nope', 'b.txt', '', 'text', 'b.txt', '{}', 'failed', 'now')",
            [],
        );
        assert!(orphan.is_err());
        let refs: String =
            conn.query_row("SELECT sql FROM sqlite_schema WHERE name='sources'", [], |r| r.get(0)).unwrap();
        assert!(refs.contains("REFERENCES blobs(hash)"), "{refs}");
    }

    #[test]
    fn version_hashes_become_sixteen_byte_keys() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (i, script) in MIGRATIONS[..5].iter().enumerate() {
            conn.execute_batch(script).unwrap();
            conn.pragma_update(None, "user_version", i as i64 + 1).unwrap();
        }
        let hex = "9df779dae5ee4f42722563927cb6dcab75b3e5443ec713f9340064dfb259215e";
        conn.execute_batch(&format!(
            "INSERT INTO articles(id, status, display_title, changed_seq) VALUES (1, 'full', 'x', 1), (2, 'full', 'y', 2);
             INSERT INTO versions(article_id, n, content_hash, body_hash, simhash, paragraphs, created_at)
             VALUES (1, 1, '{hex}', '{hex}', 0, '[]', 'now'), (2, 1, '{hex}', '', 0, '[]', 'now');"
        ))
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(Vec<u8>, Vec<u8>)> = conn
            .prepare("SELECT content_hash, body_hash FROM versions ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let key: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        assert_eq!(rows, vec![(key.clone(), key.clone()), (key, Vec::new())]);
        // The indexes answer lookups by the new keys.
        let hit: i64 = conn
            .query_row("SELECT article_id FROM versions WHERE body_hash=?1", [&rows[0].1], |r| r.get(0))
            .unwrap();
        assert_eq!(hit, 1);
    }
}
