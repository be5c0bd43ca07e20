//! Reading: articles with their versions and sources, listings, statistics,
//! events, the evaluation export, and change feeds for derived indexes.

use annalist_model::{ArticleStatus, Date, DateEvidence, Event, Understanding, UnitMeta};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize, Serializer};

use crate::packed::Json;
use crate::{Result, Store, StoreError};

/// One article as stored, with its current text.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRecord {
    pub id: i64,
    /// `full`, or `stub` when known only from another page's teaser.
    pub status: ArticleStatus,
    pub title: Option<String>,
    pub display_title: String,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    /// Which evidence of a capture gave `published` (the line, tag, field or URL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_by: Option<DateEvidence>,
    pub captured: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// The date a teaser showed, for stubs.
    pub listed: Option<String>,
    pub paragraphs: Vec<String>,
    pub version: Option<i64>,
    pub versions: i64,
    pub understanding: Option<Understanding>,
    pub sources: Vec<SourceRecord>,
    /// Teasers this article's pages list (links to other articles).
    pub teasers: Vec<TeaserRecord>,
    /// Articles whose pages list this one as a teaser.
    pub linked_from: Vec<i64>,
    pub changed_seq: i64,
    /// When the page was first seen missing at its source (404/410, or removed from
    /// its listing), and why; its archived versions stay.
    pub gone_at: Option<String>,
    pub gone_reason: Option<String>,
}

/// A one-line view of an article, for listings.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub status: ArticleStatus,
    pub display_title: String,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    pub language: Option<String>,
    pub versions: i64,
    pub sources: i64,
}

/// One capture that reported an article.
///
/// `M` is its unit metadata: read ([`UnitMeta`], everywhere but `reprocess`), or
/// the JSON text as stored (`String`, [`Store::stored_sources_after`]), so that
/// `reprocess` can keep a source whose metadata cannot be read as a failed source,
/// that text unchanged.
#[derive(Debug, Clone, Serialize)]
#[serde(bound(serialize = "M: Serialize"))]
pub struct SourceRecord<M = UnitMeta> {
    pub id: i64,
    pub blob_hash: String,
    pub path: String,
    pub locator: String,
    pub kind: String,
    pub line: Option<i64>,
    pub record: Option<i64>,
    pub doc: String,
    /// What the container said about the unit (URL, fetch date, charset …).
    #[serde(serialize_with = "keys_sorted")]
    pub meta: M,
    pub article_id: Option<i64>,
    pub version_id: Option<i64>,
    pub outcome: String,
    pub error: Option<String>,
    pub ingested_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeaserRecord {
    pub title: Option<String>,
    pub lede: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub article_id: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    pub id: i64,
    pub n: i64,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    pub captured: Option<String>,
    pub paragraphs: Vec<String>,
    pub created_at: String,
    /// Sources that carried exactly this version.
    pub sources: Vec<String>,
}

/// Filters for [`Store::list`].
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub outlet: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub include_stubs: bool,
    pub limit: Option<usize>,
    pub offset: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub articles: i64,
    pub stubs: i64,
    pub versions: i64,
    pub sources: i64,
    pub failed_sources: i64,
    /// Exact repeats of units within a file, counted but not filed as sources.
    pub repeats: i64,
    /// Failed units beyond the first thousand of a file, counted but not kept.
    pub dropped_failures: i64,
    pub blobs: i64,
    pub blob_bytes: i64,
    pub blob_stored_bytes: i64,
    pub events: i64,
    pub entities: i64,
    pub by_outlet: Vec<(String, i64)>,
    pub by_year: Vec<(String, i64)>,
    pub by_language: Vec<(String, i64)>,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub db_bytes: u64,
}

/// One source document as the evaluation export needs it.
#[derive(Debug, Clone)]
pub struct EvalRow {
    pub doc: String,
    /// What the capture itself said (title, outlet, published, captured, url, language).
    pub header: CaptureHeader,
    pub paragraphs: Vec<String>,
    pub teasers: Vec<TeaserRecord>,
    pub understanding: Option<Understanding>,
    pub article_id: i64,
}

/// How to cite an article ([`Store::citations`]).
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    pub id: i64,
    /// The headline (or, when the page has none, its first words).
    pub title: String,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    pub url: Option<String>,
}

impl std::fmt::Display for Citation {
    /// `#ID “Headline”, Outlet, 2011-05-20, URL`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{} “{}”", self.id, self.title)?;
        if let Some(o) = &self.outlet {
            write!(f, ", {o}")?;
        }
        if let Some(d) = &self.published {
            write!(f, ", {d}")?;
        }
        if let Some(u) = &self.url {
            write!(f, ", {u}")?;
        }
        Ok(())
    }
}

/// One entity mentioned in the archive ([`Store::entity_counts`]).
#[derive(Debug, Clone, Serialize)]
pub struct EntityCount {
    pub id: String,
    pub kind: String,
    pub country: Option<String>,
    /// Articles mentioning it.
    pub articles: i64,
    /// How one of them writes it.
    pub surface: String,
}

/// One way an entity is written in the archive.
#[derive(Debug, Clone, Serialize)]
pub struct EntitySurface {
    pub surface: String,
    pub country: Option<String>,
    pub kind: String,
    /// Articles that write it so.
    pub articles: i64,
}

/// A stored event with the article that states it.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub id: i64,
    pub article_id: i64,
    pub doc: String,
    pub url: Option<String>,
    pub published: Option<Date>,
    pub event: Event,
}

/// What one capture itself said about its article, kept with its source (the
/// `header` column, as this JSON): before any merging with other captures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaptureHeader {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    /// Which evidence gave `published` (absent from headers stored before evidence was).
    pub published_by: Option<DateEvidence>,
    pub captured: Option<Date>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub language_label: Option<String>,
}

impl CaptureHeader {
    pub(crate) fn of(a: &annalist_model::Article) -> CaptureHeader {
        CaptureHeader {
            title: a.title.clone(),
            outlet: a.outlet.clone(),
            published: a.published,
            published_by: a.published_evidence.clone(),
            captured: a.captured,
            url: a.url.clone(),
            language: a.language.clone(),
            language_label: a.language_label.clone(),
        }
    }
}

/// JSON of `v` with its object keys in order, as the store has always written
/// metadata and headers (and `annalist show --json` has shown them).
pub(crate) fn sorted_json<T: Serialize>(v: &T) -> serde_json::Result<String> {
    Ok(serde_json::to_value(v)?.to_string())
}

fn keys_sorted<T: Serialize, S: Serializer>(v: &T, s: S) -> std::result::Result<S::Ok, S::Error> {
    serde_json::to_value(v).map_err(serde::ser::Error::custom)?.serialize(s)
}

/// A stored date column (`YYYY-MM-DD`, as the store writes them).
fn date_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Date>> {
    r.get::<_, Option<String>>(i)?
        .map(|s| {
            s.parse::<Date>().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
            })
        })
        .transpose()
}

/// A stored article status (`full` or `stub`).
fn status_col(r: &Row<'_>, i: usize) -> rusqlite::Result<ArticleStatus> {
    let s: String = r.get(i)?;
    ArticleStatus::parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown article status {s:?}").into(),
        )
    })
}

fn source_from_row(r: &Row<'_>) -> rusqlite::Result<SourceRecord<String>> {
    Ok(SourceRecord {
        id: r.get(0)?,
        blob_hash: r.get(1)?,
        path: r.get(2)?,
        locator: r.get(3)?,
        kind: r.get(4)?,
        line: r.get(5)?,
        record: r.get(6)?,
        doc: r.get(7)?,
        meta: r.get(8)?,
        article_id: r.get(9)?,
        version_id: r.get(10)?,
        outcome: r.get(11)?,
        error: r.get(12)?,
        ingested_at: r.get(13)?,
    })
}

impl SourceRecord<String> {
    /// The stored unit metadata, read.
    pub fn read_meta(&self) -> serde_json::Result<UnitMeta> {
        serde_json::from_str(&self.meta)
    }

    /// This source with its metadata read; an error naming the source if it cannot be.
    pub fn parsed(self) -> Result<SourceRecord> {
        let meta = self.read_meta().map_err(|error| StoreError::Meta {
            id: self.id,
            location: self.location(),
            error,
        })?;
        let SourceRecord {
            id,
            blob_hash,
            path,
            locator,
            kind,
            line,
            record,
            doc,
            meta: _,
            article_id,
            version_id,
            outcome,
            error,
            ingested_at,
        } = self;
        Ok(SourceRecord {
            id,
            blob_hash,
            path,
            locator,
            kind,
            line,
            record,
            doc,
            meta,
            article_id,
            version_id,
            outcome,
            error,
            ingested_at,
        })
    }
}

impl<M> SourceRecord<M> {
    /// `path`, `path:line` or `path#record`.
    pub fn location(&self) -> String {
        location(&self.path, self.line, self.record)
    }
}

fn location(path: &str, line: Option<i64>, record: Option<i64>) -> String {
    match (line, record) {
        (Some(l), _) => format!("{path}:{l}"),
        (None, Some(r)) => format!("{path}#{r}"),
        _ => path.to_string(),
    }
}

/// The stored header of source `source`; an error naming it if it cannot be read.
fn read_header(source: i64, location: impl FnOnce() -> String, h: &str) -> Result<CaptureHeader> {
    serde_json::from_str(h).map_err(|error| StoreError::Header { id: source, location: location(), error })
}

fn parsed(sources: Vec<SourceRecord<String>>) -> Result<Vec<SourceRecord>> {
    sources.into_iter().map(SourceRecord::parsed).collect()
}

const SOURCE_COLS: &str = "id, blob_hash, path, locator, kind, line, record, doc, meta, article_id, version_id, outcome, error, ingested_at";

pub(crate) fn all_sources(conn: &Connection) -> Result<Vec<SourceRecord>> {
    let mut st = conn.prepare(&format!("SELECT {SOURCE_COLS} FROM sources ORDER BY id"))?;
    let rows = st.query_map([], source_from_row)?;
    parsed(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn sources_of_blob(conn: &Connection, hash: &str) -> Result<Vec<SourceRecord>> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {SOURCE_COLS} FROM sources WHERE blob_hash = ?1 ORDER BY id"))?;
    let rows = st.query_map([hash], source_from_row)?;
    parsed(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn sources_after(
    conn: &Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<SourceRecord<String>>> {
    let mut st = conn
        .prepare_cached(&format!("SELECT {SOURCE_COLS} FROM sources WHERE id > ?1 ORDER BY id LIMIT ?2"))?;
    let rows = st.query_map(params![after, limit as i64], source_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn teasers_of_source(conn: &Connection, source: i64) -> Result<Vec<TeaserRecord>> {
    let mut st = conn.prepare_cached(
        "SELECT title, lede, date, url, article_id FROM teasers WHERE source_id=?1 ORDER BY pos",
    )?;
    let rows = st.query_map([source], |r| {
        Ok(TeaserRecord {
            title: r.get(0)?,
            lede: r.get(1)?,
            date: r.get(2)?,
            url: r.get(3)?,
            article_id: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// An article with its current text, sources and links; `None` if no such id.
    pub fn article(&self, id: i64) -> Result<Option<ArticleRecord>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT a.id, a.status, a.title, a.display_title, a.outlet, a.published, a.captured, a.url,
                        a.language, a.listed, v.paragraphs, a.current_version, v.understanding, a.changed_seq,
                        (SELECT COUNT(*) FROM versions WHERE article_id=a.id), a.gone_at, a.gone_reason
                 FROM articles a LEFT JOIN versions v ON v.id=a.current_version WHERE a.id=?1",
                [id],
                |r| {
                    let paras: Option<Json> = r.get(10)?;
                    let und: Option<Json> = r.get(12)?;
                    Ok(ArticleRecord {
                        id: r.get(0)?,
                        status: status_col(r, 1)?,
                        title: r.get(2)?,
                        display_title: r.get(3)?,
                        outlet: r.get(4)?,
                        published: date_col(r, 5)?,
                        published_by: None,
                        captured: r.get(6)?,
                        url: r.get(7)?,
                        language: r.get(8)?,
                        listed: r.get(9)?,
                        paragraphs: paras.and_then(|p| p.parse(self.dicts(), conn).ok()).unwrap_or_default(),
                        version: r.get(11)?,
                        understanding: und.and_then(|u| u.parse(self.dicts(), conn).ok()),
                        changed_seq: r.get(13)?,
                        versions: r.get(14)?,
                        gone_at: r.get(15)?,
                        gone_reason: r.get(16)?,
                        sources: Vec::new(),
                        teasers: Vec::new(),
                        linked_from: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut rec) = row else { return Ok(None) };
        let mut st = conn
            .prepare_cached(&format!("SELECT {SOURCE_COLS} FROM sources WHERE article_id=?1 ORDER BY id"))?;
        rec.sources = parsed(st.query_map([id], source_from_row)?.collect::<rusqlite::Result<_>>()?)?;
        // The evidence of the first capture that gave the article's date.
        if let Some(published) = rec.published {
            let mut st = conn.prepare_cached(
                "SELECT id, header FROM sources WHERE article_id=?1 AND header IS NOT NULL ORDER BY id",
            )?;
            let headers = st.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for h in headers {
                let (source, h) = h?;
                // Headers stored before evidence was recorded have none: no evidence shown.
                // (A gone note's header says only which URL went, and when.)
                let at = || rec.sources.iter().find(|s| s.id == source).map(SourceRecord::location);
                if let CaptureHeader { published: Some(p), published_by: Some(e), .. } =
                    read_header(source, || at().unwrap_or_default(), &h)?
                    && p == published
                {
                    rec.published_by = Some(e);
                    break;
                }
            }
        }
        // Teasers of the newest source that has any.
        for s in rec.sources.iter().rev() {
            let t = teasers_of_source(conn, s.id)?;
            if !t.is_empty() {
                rec.teasers = t;
                break;
            }
        }
        let mut st = conn.prepare_cached(
            "SELECT DISTINCT s.article_id FROM teasers t JOIN sources s ON s.id=t.source_id WHERE t.article_id=?1 ORDER BY 1",
        )?;
        rec.linked_from = st.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(rec))
    }

    /// All versions of an article, oldest first.
    pub fn versions(&self, id: i64) -> Result<Vec<VersionRecord>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT id, n, title, outlet, published, captured, paragraphs, created_at FROM versions
             WHERE article_id=?1 ORDER BY n",
        )?;
        let mut out: Vec<VersionRecord> = st
            .query_map([id], |r| {
                let p: Json = r.get(6)?;
                Ok(VersionRecord {
                    id: r.get(0)?,
                    n: r.get(1)?,
                    title: r.get(2)?,
                    outlet: r.get(3)?,
                    published: date_col(r, 4)?,
                    captured: r.get(5)?,
                    paragraphs: p.parse(self.dicts(), conn).unwrap_or_default(),
                    created_at: r.get(7)?,
                    sources: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st =
            conn.prepare_cached("SELECT path, locator FROM sources WHERE version_id=?1 ORDER BY id")?;
        for v in &mut out {
            v.sources = st
                .query_map([v.id], |r| {
                    let (p, l): (String, String) = (r.get(0)?, r.get(1)?);
                    Ok(if l.is_empty() { p } else { format!("{p}:{}", l.split(':').nth(1).unwrap_or("")) })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(out)
    }

    /// Articles, newest publication first.
    pub fn list(&self, f: &ListFilter) -> Result<Vec<ArticleSummary>> {
        let mut sql = String::from(
            "SELECT a.id, a.status, a.display_title, a.outlet, a.published, a.language,
                    (SELECT COUNT(*) FROM versions v WHERE v.article_id=a.id),
                    (SELECT COUNT(*) FROM sources s WHERE s.article_id=a.id)
             FROM articles a WHERE 1=1",
        );
        let mut args: Vec<String> = Vec::new();
        if !f.include_stubs {
            sql.push_str(" AND a.status='full'");
        }
        if let Some(o) = &f.outlet {
            args.push(o.clone());
            sql.push_str(&format!(" AND a.outlet = ?{} COLLATE NOCASE", args.len()));
        }
        if let Some(s) = &f.since {
            args.push(s.clone());
            sql.push_str(&format!(" AND a.published >= ?{}", args.len()));
        }
        if let Some(u) = &f.until {
            args.push(u.clone());
            sql.push_str(&format!(" AND a.published <= ?{}", args.len()));
        }
        sql.push_str(" ORDER BY a.published DESC NULLS LAST, a.id");
        sql.push_str(&format!(" LIMIT {} OFFSET {}", f.limit.map(|l| l as i64).unwrap_or(-1), f.offset));
        let mut st = self.conn().prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok(ArticleSummary {
                id: r.get(0)?,
                status: status_col(r, 1)?,
                display_title: r.get(2)?,
                outlet: r.get(3)?,
                published: date_col(r, 4)?,
                language: r.get(5)?,
                versions: r.get(6)?,
                sources: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Counts for `annalist stats`.
    pub fn stats(&self) -> Result<Stats> {
        let c = self.conn();
        let one = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        let pairs = |sql: &str| -> Result<Vec<(String, i64)>> {
            let mut st = c.prepare(sql)?;
            let rows = st.query_map([], |r| {
                Ok((r.get::<_, Option<String>>(0)?.unwrap_or_else(|| "(none)".into()), r.get(1)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let layout = annalist_model::Layout::new(self.dir());
        let db_bytes = [layout.db(), layout.db_wal()]
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        Ok(Stats {
            articles: one("SELECT COUNT(*) FROM articles WHERE status='full'")?,
            stubs: one("SELECT COUNT(*) FROM articles WHERE status='stub'")?,
            versions: one("SELECT COUNT(*) FROM versions")?,
            sources: one("SELECT COUNT(*) FROM sources")?,
            failed_sources: one("SELECT COUNT(*) FROM sources WHERE outcome='failed'")?,
            repeats: one("SELECT COALESCE(SUM(count),0) FROM skipped WHERE what != 'failed'")?,
            dropped_failures: one("SELECT COALESCE(SUM(count),0) FROM skipped WHERE what = 'failed'")?,
            blobs: one("SELECT COUNT(*) FROM blobs")?,
            blob_bytes: one("SELECT COALESCE(SUM(size),0) FROM blobs")?,
            blob_stored_bytes: one("SELECT COALESCE(SUM(LENGTH(zdata)),0) FROM blobs")?,
            events: one("SELECT COUNT(*) FROM events WHERE status='asserted'")?,
            entities: one("SELECT COUNT(DISTINCT entity_id) FROM entity_mentions")?,
            by_outlet: pairs(
                "SELECT outlet, COUNT(*) FROM articles WHERE status='full' GROUP BY outlet ORDER BY 2 DESC, 1",
            )?,
            by_year: pairs(
                "SELECT substr(published,1,4), COUNT(*) FROM articles WHERE status='full' GROUP BY 1 ORDER BY 1",
            )?,
            by_language: pairs(
                "SELECT language, COUNT(*) FROM articles WHERE status='full' GROUP BY language ORDER BY 2 DESC, 1",
            )?,
            first_published: c.query_row(
                "SELECT MIN(published) FROM articles WHERE status='full'",
                [],
                |r| r.get(0),
            )?,
            last_published: c.query_row(
                "SELECT MAX(published) FROM articles WHERE status='full'",
                [],
                |r| r.get(0),
            )?,
            db_bytes,
        })
    }

    /// Every successfully extracted source, in ingestion order, one per document
    /// name (the first source of a name wins).
    pub fn eval_rows(&self, mut each: impl FnMut(EvalRow) -> Result<()>) -> Result<()> {
        let c = self.conn();
        let mut st = c.prepare(
            "SELECT s.id, s.doc, s.header, v.paragraphs, v.understanding, s.article_id, s.path, s.line, s.record
             FROM sources s
             JOIN versions v ON v.id = s.version_id
             WHERE s.outcome != 'failed' AND s.id IN (SELECT MIN(id) FROM sources WHERE outcome!='failed' GROUP BY doc)
             ORDER BY s.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let source: i64 = r.get(0)?;
            let header: Option<String> = r.get(2)?;
            let paras: Json = r.get(3)?;
            let und: Option<Json> = r.get(4)?;
            each(EvalRow {
                doc: r.get(1)?,
                // Sources filed before headers were kept have none.
                header: match header {
                    None => CaptureHeader::default(),
                    Some(h) => {
                        let (path, line, record): (String, _, _) = (r.get(6)?, r.get(7)?, r.get(8)?);
                        read_header(source, || location(&path, line, record), &h)?
                    }
                },
                paragraphs: paras.parse(self.dicts(), c)?,
                teasers: teasers_of_source(c, source)?,
                understanding: und.map(|u| u.parse(self.dicts(), c)).transpose()?,
                article_id: r.get(5)?,
            })?;
        }
        Ok(())
    }

    /// Ids of articles changed after store sequence `seq` (for index catch-up).
    pub fn changed_since(&self, seq: i64) -> Result<Vec<i64>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id FROM articles WHERE changed_seq > ?1 AND status='full' ORDER BY id")?;
        Ok(st.query_map([seq], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids of every full article.
    pub fn article_ids(&self) -> Result<Vec<i64>> {
        let mut st = self.conn().prepare_cached("SELECT id FROM articles WHERE status='full' ORDER BY id")?;
        Ok(st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    }

    /// Asserted events (or all, with `include_intents`), in article order.
    pub fn events(&self, include_intents: bool) -> Result<Vec<EventRow>> {
        let mut st = self.conn().prepare(
            "SELECT e.id, e.article_id, e.json, a.url, a.published,
                    (SELECT doc FROM sources s WHERE s.article_id=e.article_id ORDER BY s.id LIMIT 1)
             FROM events e JOIN articles a ON a.id=e.article_id
             WHERE ?1 OR e.status='asserted' ORDER BY e.article_id, e.id",
        )?;
        let rows = st.query_map(params![include_intents], |r| {
            let json: String = r.get(2)?;
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                json,
                r.get(3)?,
                date_col(r, 4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, article_id, json, url, published, doc) = row?;
            out.push(EventRow {
                id,
                article_id,
                doc: doc.unwrap_or_default(),
                url,
                published,
                event: serde_json::from_str(&json)?,
            });
        }
        Ok(out)
    }

    /// Mentions of an entity by publication year: (year, articles, mentions).
    pub fn entity_mentions_by_year(&self, entity: &str) -> Result<Vec<(String, i64, i64)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT COALESCE(substr(a.published,1,4),'?'), COUNT(*), SUM(m.count) FROM entity_mentions m
             JOIN articles a ON a.id=m.article_id WHERE m.entity_id=?1 GROUP BY 1 ORDER BY 1",
        )?;
        Ok(st
            .query_map([entity], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The article a source locator names: its evaluation document name
    /// (`kcna_2011.jsonl.gz#5535`), `path:line`, `path#record` or a page file's path.
    pub fn article_for_source(&self, locator: &str) -> Result<Option<i64>> {
        let mut st = self.conn().prepare_cached(
            "SELECT article_id FROM sources WHERE article_id IS NOT NULL AND (doc=?1 OR path=?1
               OR path || ':' || line = ?1 OR path || '#' || record = ?1) ORDER BY id LIMIT 1",
        )?;
        Ok(st.query_row([locator], |r| r.get(0)).optional()?)
    }

    /// How to cite each of `ids`: headline, outlet, publication date, original URL.
    pub fn citations(&self, ids: &[i64]) -> Result<std::collections::BTreeMap<i64, Citation>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT display_title, outlet, published, url FROM articles WHERE id=?1")?;
        let mut out = std::collections::BTreeMap::new();
        for &id in ids {
            let c = st
                .query_row([id], |r| {
                    Ok(Citation {
                        id,
                        title: r.get(0)?,
                        outlet: r.get(1)?,
                        published: date_col(r, 2)?,
                        url: r.get(3)?,
                    })
                })
                .optional()?;
            if let Some(c) = c {
                out.insert(id, c);
            }
        }
        Ok(out)
    }

    /// The original URLs of `ids` (those that have one).
    pub fn article_urls(&self, ids: &[i64]) -> Result<std::collections::BTreeMap<i64, String>> {
        let mut st =
            self.conn().prepare_cached("SELECT url FROM articles WHERE id=?1 AND url IS NOT NULL")?;
        let mut out = std::collections::BTreeMap::new();
        for &id in ids {
            if let Some(u) = st.query_row([id], |r| r.get::<_, String>(0)).optional()? {
                out.insert(id, u);
            }
        }
        Ok(out)
    }

    /// Every entity mentioned in the archive with the articles mentioning it, its
    /// kind and state as recognised, and the surface of its densest mention.
    pub fn entity_counts(&self) -> Result<Vec<EntityCount>> {
        // SQLite's bare columns beside a single max(): they come from the row holding it.
        let mut st = self.conn().prepare_cached(
            "SELECT entity_id, kind, country, COUNT(*), surface, MAX(count) FROM entity_mentions GROUP BY entity_id",
        )?;
        Ok(st
            .query_map([], |r| {
                Ok(EntityCount {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    country: r.get(2)?,
                    articles: r.get(3)?,
                    surface: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The surfaces an entity was written as, most frequent first.
    pub fn entity_surfaces(&self, entity: &str) -> Result<Vec<EntitySurface>> {
        let mut st = self.conn().prepare_cached(
            "SELECT surface, country, kind, COUNT(*) FROM entity_mentions WHERE entity_id=?1 GROUP BY surface ORDER BY 4 DESC, 1",
        )?;
        Ok(st
            .query_map([entity], |r| {
                Ok(EntitySurface {
                    surface: r.get(0)?,
                    country: r.get(1)?,
                    kind: r.get(2)?,
                    articles: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }
}

/// What the search index needs of one article.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub id: i64,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    pub published: Option<Date>,
    pub entities: Vec<String>,
    pub event_types: Vec<String>,
    pub sources: Vec<String>,
}

impl Store {
    /// The indexable view of a full article; `None` for stubs and unknown ids.
    /// One query: it runs for every article an ingest touches.
    pub fn index_row(&self, id: i64) -> Result<Option<IndexRow>> {
        let split = |s: Option<String>| -> Vec<String> {
            let mut v: Vec<String> =
                s.map(|s| s.split('\u{1f}').map(String::from).collect()).unwrap_or_default();
            v.sort();
            v.dedup();
            v
        };
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT a.display_title, v.paragraphs, a.outlet, a.language, a.published,
                    (SELECT group_concat(entity_id, char(31)) FROM entity_mentions WHERE article_id=a.id),
                    (SELECT group_concat(DISTINCT type) FROM events WHERE article_id=a.id AND status='asserted'),
                    (SELECT group_concat(doc, char(31)) FROM (SELECT doc FROM sources WHERE article_id=a.id ORDER BY id))
                 FROM articles a JOIN versions v ON v.id=a.current_version WHERE a.id=?1 AND a.status='full'",
            )?
            .query_row([id], |r| {
                let p: Json = r.get(1)?;
                let types: Option<String> = r.get(6)?;
                let sources: Option<String> = r.get(7)?;
                Ok(IndexRow {
                    id,
                    title: r.get(0)?,
                    paragraphs: p.parse(self.dicts(), self.conn()).unwrap_or_default(),
                    outlet: r.get(2)?,
                    language: r.get(3)?,
                    published: date_col(r, 4)?,
                    entities: split(r.get(5)?),
                    event_types: {
                        let mut t: Vec<String> =
                            types.map(|t| t.split(',').map(String::from).collect()).unwrap_or_default();
                        t.sort();
                        t
                    },
                    // In ingestion order, as stored.
                    sources: sources.map(|s| s.split('\u{1f}').map(String::from).collect()).unwrap_or_default(),
                })
            })
            .optional()?)
    }
}
