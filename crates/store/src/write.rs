//! Writing: one [`Batch`] is one transaction that files incoming units as new
//! articles, duplicate sources, or new versions, links teasers and stores the
//! results of understanding.

use std::collections::HashSet;

use annalist_model::{Article, Date, EventStatus, Provenance, Understanding, UnitMeta, normalize_text};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

use crate::dedup::{self, bands, jaccard, lede_key, normalized_shingles, shingles, simhash, title_key};
use crate::packed::{Column, Dicts, Json};
use crate::read::{CaptureHeader, sorted_json};
use crate::{Result, SourceRecord, locator};

/// Minimum shingle similarity for an article with the same headline and date to be
/// taken as a revision of an existing one.
const SAME_TITLE_SIMILARITY: f64 = 0.3;
/// Minimum shingle similarity for a near-duplicate found by SimHash alone.
const NEAR_DUP_SIMILARITY: f64 = 0.7;
/// SimHash distance beyond which a band-sharing candidate is not even compared.
const MAX_HAMMING: u32 = 12;
/// Candidates examined per lookup, so one very common fingerprint band cannot make
/// ingestion quadratic.
const MAX_CANDIDATES: usize = 64;

/// One unit of input on its way into the store.
pub struct Incoming {
    pub provenance: Provenance,
    pub raw: Vec<u8>,
    /// Unit metadata (URL, fetch date, charset …), kept for re-extraction.
    pub meta: UnitMeta,
    /// What extraction (and understanding) made of it, or why it failed.
    pub result: std::result::Result<(Article, Option<Understanding>), String>,
    /// The URL this unit is a capture of, when captures are one page per URL (WARC
    /// responses): later captures of the same URL become versions of the same
    /// article. `None` for datasets, whose URL fields are often shared pages.
    pub page_url: Option<String>,
    /// This unit is a note that the page at `page_url` was found gone at source,
    /// with the reason and the time it was first seen missing.
    pub gone: Option<Gone>,
}

/// A page found missing at its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    pub reason: String,
    /// When it was first seen missing (RFC 3339), e.g. the note's WARC-Date.
    pub at: String,
}

/// Everything about an incoming unit that needs no database: content address,
/// compressed bytes, duplicate fingerprints and serialised columns. Computing it is
/// most of the CPU cost of filing a unit, so callers compute it in parallel
/// ([`Incoming::prepare`]) and leave only the lookups and writes to the serial
/// [`Batch::put_prepared`].
pub struct Prepared {
    blob: String,
    zblob: Vec<u8>,
    locator: String,
    meta_json: String,
    article: Option<PreparedArticle>,
}

struct PreparedArticle {
    fp: Fingerprint,
    title_key: Option<String>,
    lede_key: Option<String>,
    display_title: String,
    /// Packed JSON (see `packed`).
    paragraphs_z: Vec<u8>,
    understanding_z: Option<Vec<u8>>,
    header_json: String,
    events_json: Vec<String>,
}

/// zstd level of raw captures and packed columns.
const ZSTD_LEVEL: i32 = 1;

thread_local! {
    // One context per thread: creating a zstd context allocates and clears its
    // tables, which cost more than compressing a 3 KB article.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

pub(crate) fn compress(raw: &[u8]) -> Result<Vec<u8>> {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Some(zstd::bulk::Compressor::new(ZSTD_LEVEL)?);
        }
        Ok(c.as_mut().expect("compressor set above").compress(raw)?)
    })
}

thread_local! {
    // The same with each packed column's dictionary loaded (by its zstd id): loading
    // one into a context digests it, which costs far more than packing one article, and
    // the columns alternate.
    static DICT_COMPRESSORS: std::cell::RefCell<Vec<(u32, zstd::bulk::Compressor<'static>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static DICT_DECOMPRESSORS: std::cell::RefCell<Vec<(u32, zstd::bulk::Decompressor<'static>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Contexts kept per thread for dictionaries: an archive has one per packed column; a
/// process reading several archives keeps the most recent.
const DICT_CONTEXTS: usize = 4;

/// Run `work` with this thread's context for dictionary `id` from `cache`, made by
/// `make` the first time (the oldest context makes room for it).
fn with_context<C, R>(
    cache: &std::cell::RefCell<Vec<(u32, C)>>,
    id: u32,
    make: impl FnOnce() -> std::io::Result<C>,
    work: impl FnOnce(&mut C) -> std::io::Result<R>,
) -> std::io::Result<R> {
    let mut c = cache.borrow_mut();
    let i = match c.iter().position(|(have, _)| *have == id) {
        Some(i) => i,
        None => {
            if c.len() >= DICT_CONTEXTS {
                c.remove(0);
            }
            c.push((id, make()?));
            c.len() - 1
        }
    };
    work(&mut c[i].1)
}

/// Compress with dictionary `dict` (zstd id `id`), with this thread's context for it.
pub(crate) fn compress_with(raw: &[u8], id: u32, dict: &[u8]) -> Result<Vec<u8>> {
    let make = || zstd::bulk::Compressor::with_dictionary(ZSTD_LEVEL, dict);
    Ok(DICT_COMPRESSORS.with(|c| with_context(c, id, make, |z| z.compress(raw)))?)
}

/// Decompress a frame packed with dictionary `dict` (zstd id `id`).
pub(crate) fn decompress_with(z: &[u8], capacity: usize, id: u32, dict: &[u8]) -> std::io::Result<Vec<u8>> {
    let make = || zstd::bulk::Decompressor::with_dictionary(dict);
    DICT_DECOMPRESSORS.with(|d| with_context(d, id, make, |x| x.decompress(z, capacity)))
}

/// Decompress a zstd frame of at most `capacity` bytes (a raw capture or a packed
/// column), with this thread's context.
pub(crate) fn decompress(z: &[u8], capacity: usize) -> std::io::Result<Vec<u8>> {
    DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        if d.is_none() {
            *d = Some(zstd::bulk::Decompressor::new()?);
        }
        d.as_mut().expect("decompressor set above").decompress(z, capacity)
    })
}

impl Incoming {
    /// Compute what filing this unit needs but the database does not (see [`Prepared`]).
    pub fn prepare(&self, packer: &Packer) -> Result<Prepared> {
        let dicts = &packer.0;
        let blob = dedup::blob_hash(&self.raw);
        let zblob = compress(&self.raw)?;
        let article = match &self.result {
            Err(_) => None,
            Ok((a, u)) => Some(PreparedArticle {
                fp: fingerprint(a),
                title_key: a.title.as_deref().and_then(title_key),
                lede_key: a.paragraphs.first().and_then(|p| lede_key(p)),
                display_title: a.display_title(),
                paragraphs_z: dicts.pack(Column::Paragraphs, &serde_json::to_string(&a.paragraphs)?)?,
                understanding_z: u
                    .as_ref()
                    .map(|u| dicts.pack(Column::Understanding, &serde_json::to_string(u)?))
                    .transpose()?,
                header_json: sorted_json(&CaptureHeader::of(a))?,
                events_json: u
                    .as_ref()
                    .map(|u| u.events.iter().map(serde_json::to_string).collect::<serde_json::Result<_>>())
                    .transpose()?
                    .unwrap_or_default(),
            }),
        };
        Ok(Prepared {
            blob,
            zblob,
            locator: locator(&self.provenance),
            meta_json: sorted_json(&self.meta)?,
            article,
        })
    }
}

/// What became of one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new article (or a stub known from a teaser, now filled in).
    New { article: i64 },
    /// Same text as a stored version: one more source for it.
    Duplicate { article: i64 },
    /// A changed text of a stored article: version `n` of it.
    Version { article: i64, n: i64 },
    /// This exact unit was stored before.
    Unchanged,
    /// Extraction failed; the raw bytes are kept for a later `reprocess`.
    Failed { reason: String },
    /// A note that a page is gone at source, filed against its article (if the
    /// page was ever captured). `marked` is false when it was already marked.
    Gone { article: Option<i64>, marked: bool },
}

/// A write transaction.
pub struct Batch<'c> {
    tx: Transaction<'c>,
    seq: i64,
    now: String,
    packer: Packer,
}

/// What packs rows for one archive (its dictionaries; see `packed`): from
/// [`crate::Store::packer`], for the threads that run [`Incoming::prepare`]. Cheap to
/// clone; clones share the dictionaries the writer trains.
#[derive(Clone)]
pub struct Packer(pub(crate) Dicts);

struct Fingerprint {
    content_hash: dedup::TextKey,
    body_hash: Option<dedup::TextKey>,
    shingles: dedup::Shingles,
    simhash: u64,
}

impl<'c> Batch<'c> {
    pub(crate) fn begin(conn: &'c mut rusqlite::Connection, packer: Packer) -> Result<Batch<'c>> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let seq: String = tx.query_row("SELECT value FROM meta WHERE key='seq'", [], |r| r.get(0))?;
        Ok(Batch { tx, seq: seq.parse().unwrap_or(0), now: jiff::Timestamp::now().to_string(), packer })
    }

    /// What packs rows for this batch's archive (for units prepared elsewhere).
    pub fn packer(&self) -> Packer {
        self.packer.clone()
    }

    /// Commit the batch: everything in it becomes visible at once, or (on a crash
    /// before this returns) none of it.
    pub fn commit(self) -> Result<()> {
        self.tx.execute("UPDATE meta SET value=?1 WHERE key='seq'", [self.seq.to_string()])?;
        self.tx.commit()?;
        Ok(())
    }

    /// Drop everything derived from blobs (articles, versions, sources, teasers,
    /// events, mentions) inside this batch, so that `reprocess` can replay the
    /// sources it read beforehand through a newer extractor. Blobs stay; as one
    /// transaction, a crash midway leaves the old archive as it was.
    /// Counts one more exact repeat of the unit stored as `blob` in the file `path`,
    /// at line or record `n`. Answers whether it was counted: a repeat at or before
    /// the highest `n` counted was counted by an earlier, interrupted run.
    pub fn count_repeat(&mut self, path: &str, blob: &str, n: u64) -> Result<bool> {
        self.count_skipped(path, blob, n)
    }

    /// Counts one more failed unit of `path` not kept (at line or record `n`).
    pub fn count_dropped_failure(&mut self, path: &str, n: u64) -> Result<bool> {
        self.count_skipped(path, "failed", n)
    }

    fn count_skipped(&mut self, path: &str, what: &str, n: u64) -> Result<bool> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO skipped(path, what, count, last) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT(path, what) DO UPDATE SET count = count + 1, last = excluded.last
                 WHERE excluded.last > skipped.last",
            )?
            .execute(params![path, what, n])?;
        Ok(changed > 0)
    }

    /// Failed units kept for the file `path`.
    pub fn failed_sources_of(&mut self, path: &str) -> Result<u64> {
        let n: i64 = self
            .tx
            .prepare_cached("SELECT COUNT(*) FROM sources WHERE path=?1 AND outcome='failed'")?
            .query_row([path], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Keeps a source whose stored bytes or metadata are damaged as it was (its
    /// metadata as the text stored), marked failed with `reason` (`reprocess` cannot
    /// re-read it, and must not lose its provenance).
    pub fn keep_damaged_source(&mut self, s: &SourceRecord<String>, reason: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sources(blob_hash, path, locator, kind, line, record, doc, meta, header, article_id,
                 version_id, outcome, error, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL, NULL, 'failed', ?9, ?10)",
            )?
            .execute(params![
                s.blob_hash,
                s.path,
                s.locator,
                s.kind,
                s.line,
                s.record,
                s.doc,
                s.meta,
                reason,
                s.ingested_at
            ])?;
        Ok(())
    }

    pub fn clear_derived(&mut self) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM teasers; DELETE FROM events; DELETE FROM entity_mentions; DELETE FROM simbands;
             DELETE FROM sources; DELETE FROM versions; DELETE FROM articles;",
        )?;
        Ok(())
    }

    fn bump(&mut self) -> i64 {
        self.seq += 1;
        self.seq
    }

    /// File one unit (preparing it here; see [`Batch::put_prepared`]).
    pub fn put(&mut self, inc: &Incoming) -> Result<Outcome> {
        let prep = inc.prepare(&self.packer)?;
        self.put_prepared(inc, &prep)
    }

    /// File one unit prepared by [`Incoming::prepare`].
    pub fn put_prepared(&mut self, inc: &Incoming, prep: &Prepared) -> Result<Outcome> {
        let (blob, loc) = (&prep.blob, &prep.locator);
        let path = inc.provenance.path.as_str();
        let prior: Option<(i64, String)> = self
            .tx
            .prepare_cached("SELECT id, outcome FROM sources WHERE path=?1 AND locator=?2 AND blob_hash=?3")?
            .query_row((path, loc, blob), |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match (&prior, &inc.result) {
            (Some((_, o)), _) if o != "failed" => return Ok(Outcome::Unchanged),
            (Some(_), Err(reason)) => return Ok(Outcome::Failed { reason: reason.clone() }),
            (Some((id, _)), Ok(_)) => {
                // It failed before and extracts now: file it afresh.
                self.tx.execute("DELETE FROM sources WHERE id=?1", [id])?;
            }
            (None, _) => {}
        }
        self.put_blob(blob, inc.raw.len(), &prep.zblob)?;
        if let Some(gone) = &inc.gone {
            return self.put_gone(inc, prep, gone);
        }
        let (article, understanding, pa) = match (&inc.result, &prep.article) {
            (Ok((a, u)), Some(pa)) => (a, u.as_ref(), pa),
            (Err(reason), _) => {
                self.insert_source(inc, prep, None, None, None, "failed", Some(reason))?;
                return Ok(Outcome::Failed { reason: reason.clone() });
            }
            (Ok(_), None) => unreachable!("prepare() fills the article of every extracted unit"),
        };
        let (article_id, version_id, outcome) =
            self.file_article(article, understanding, pa, inc.page_url.as_deref())?;
        let source_id = self.insert_source(
            inc,
            prep,
            Some(&pa.header_json),
            Some(article_id),
            Some(version_id),
            outcome_name(&outcome),
            None,
        )?;
        self.link_teasers(source_id, article_id, article)?;
        Ok(outcome)
    }

    /// File a gone-at-source note: the article captured from that URL is marked gone
    /// (once: the first time it was seen missing is what counts); the note is kept as
    /// a source of the article.
    fn put_gone(&mut self, inc: &Incoming, prep: &Prepared, gone: &Gone) -> Result<Outcome> {
        let article = match &inc.page_url {
            Some(url) => self.page_article(url)?,
            None => None,
        };
        let mut marked = false;
        if let Some(id) = article {
            let seq = self.seq + 1;
            let n = self
                .tx
                .prepare_cached(
                    "UPDATE articles SET gone_at=?2, gone_reason=?3, changed_seq=?4 WHERE id=?1 AND gone_at IS NULL",
                )?
                .execute(params![id, gone.at, gone.reason, seq])?;
            if n > 0 {
                self.bump();
                marked = true;
            }
        }
        let header = json!({"url": inc.page_url, "gone": gone.reason, "at": gone.at}).to_string();
        self.insert_source(inc, prep, Some(&header), article, None, "gone", None)?;
        Ok(Outcome::Gone { article, marked })
    }

    /// The article whose page is `url`, if it was captured before.
    fn page_article(&mut self, url: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT article_id FROM page_urls WHERE url=?1")?
            .query_row([url], |r| r.get(0))
            .optional()?)
    }

    /// Remember that `url` is the page of `article` (the first article filed for a
    /// URL keeps it), and clear a gone mark: the page answers again.
    fn link_page(&mut self, url: &str, article: i64) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO page_urls(url, article_id) VALUES (?1, ?2)")?
            .execute(params![url, article])?;
        let seq = self.seq + 1;
        let n = self
            .tx
            .prepare_cached(
                "UPDATE articles SET gone_at=NULL, gone_reason=NULL, changed_seq=?2
                 WHERE id=?1 AND gone_at IS NOT NULL",
            )?
            .execute(params![article, seq])?;
        if n > 0 {
            self.bump();
        }
        Ok(())
    }

    fn put_blob(&mut self, hash: &str, size: usize, zdata: &[u8]) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO blobs(hash, size, zdata) VALUES (?1, ?2, ?3)")?
            .execute(params![hash, size as i64, zdata])?;
        Ok(())
    }

    /// Decide where an extracted article belongs and write it. Returns
    /// (article id, version id, outcome).
    fn file_article(
        &mut self,
        a: &Article,
        u: Option<&Understanding>,
        pa: &PreparedArticle,
        page_url: Option<&str>,
    ) -> Result<(i64, i64, Outcome)> {
        let filed = self.file_article_inner(a, u, pa, page_url)?;
        if let Some(url) = page_url {
            self.link_page(url, filed.0)?;
        }
        Ok(filed)
    }

    fn file_article_inner(
        &mut self,
        a: &Article,
        u: Option<&Understanding>,
        pa: &PreparedArticle,
        page_url: Option<&str>,
    ) -> Result<(i64, i64, Outcome)> {
        let fp = &pa.fp;
        let page = match page_url {
            Some(url) => self.page_article(url)?,
            None => None,
        };
        // 1. The very same text: a duplicate source (of this page's article first).
        let same: Option<(i64, i64)> = match page {
            Some(p) => self
                .tx
                .prepare_cached(
                    "SELECT article_id, id FROM versions WHERE content_hash=?1 AND article_id=?2 ORDER BY id LIMIT 1",
                )?
                .query_row(params![&fp.content_hash[..], p], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
            None => None,
        };
        let same = match same {
            Some(s) => Some(s),
            None => self
                .tx
                .prepare_cached(
                    "SELECT article_id, id FROM versions WHERE content_hash=?1 ORDER BY id LIMIT 1",
                )?
                .query_row([&fp.content_hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
        };
        if let Some((article, version)) = same {
            return Ok((article, version, Outcome::Duplicate { article }));
        }
        // 2a. A changed text of a page captured before: the next version of its article.
        if let Some(article) = page {
            let (version, n) = self.insert_version(article, a, u, pa, false)?;
            return Ok((article, version, Outcome::Version { article, n }));
        }
        // 2b. A revision of a stored article: same body with another headline, same
        //    headline and day with a changed body, or a near-duplicate body.
        if let Some(article) = self.find_revision_of(a, pa)? {
            let (version, n) = self.insert_version(article, a, u, pa, false)?;
            return Ok((article, version, Outcome::Version { article, n }));
        }
        // 3. A stub (known from a teaser) that this article fills in, or a new one.
        let (article, fresh) = match self.find_stub(pa)? {
            Some(id) => (id, false),
            None => {
                // Inserted whole, so that its indexed columns are written once.
                self.tx
                    .prepare_cached(
                        "INSERT INTO articles(status, title, display_title, outlet, published, captured, url, language,
                         title_key, lede_key, changed_seq) VALUES ('full', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)",
                    )?
                    .execute(params![
                        a.title,
                        pa.display_title,
                        a.outlet,
                        published_or_inferred(a, u).map(|d| d.to_string()),
                        a.captured.map(|d| d.to_string()),
                        a.url,
                        a.language,
                        pa.title_key,
                        pa.lede_key,
                    ])?;
                (self.tx.last_insert_rowid(), true)
            }
        };
        let (version, _) = self.insert_version(article, a, u, pa, fresh)?;
        Ok((article, version, Outcome::New { article }))
    }

    fn find_revision_of(&mut self, a: &Article, pa: &PreparedArticle) -> Result<Option<i64>> {
        let fp = &pa.fp;
        if let Some(bh) = &fp.body_hash {
            let hit: Option<i64> = self
                .tx
                .prepare_cached("SELECT article_id FROM versions WHERE body_hash=?1 ORDER BY id LIMIT 1")?
                .query_row([&bh[..]], |r| r.get(0))
                .optional()?;
            if hit.is_some() {
                return Ok(hit);
            }
        } else {
            // Headline-only records have nothing to compare but the exact content hash.
            return Ok(None);
        }
        let mut candidates: Vec<(i64, f64)> = Vec::new();
        if let Some(tk) = &pa.title_key {
            let mut st = self.tx.prepare_cached(
                "SELECT id, published FROM articles WHERE title_key=?1 AND status='full' ORDER BY id LIMIT ?2",
            )?;
            let rows = st.query_map(params![tk, MAX_CANDIDATES as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
            })?;
            for row in rows {
                let (id, published) = row?;
                if dates_compatible(a.published, published.as_deref()) {
                    candidates.push((id, SAME_TITLE_SIMILARITY));
                }
            }
        }
        let mut seen: HashSet<i64> = candidates.iter().map(|c| c.0).collect();
        {
            let mut st = self.tx.prepare_cached(
                "SELECT s.article_id, v.simhash, a.published FROM simbands s
                 JOIN articles a ON a.id = s.article_id
                 JOIN versions v ON v.id = a.current_version
                 WHERE s.band=?1 LIMIT ?2",
            )?;
            for band in bands(fp.simhash) {
                let rows = st.query_map(params![band, MAX_CANDIDATES as i64], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?))
                })?;
                for row in rows {
                    let (id, sh, published) = row?;
                    if seen.contains(&id) {
                        continue;
                    }
                    if (sh as u64 ^ fp.simhash).count_ones() <= MAX_HAMMING
                        && dates_compatible(a.published, published.as_deref())
                    {
                        seen.insert(id);
                        candidates.push((id, NEAR_DUP_SIMILARITY));
                    }
                }
            }
        }
        let mut best: Option<(i64, f64)> = None;
        for (id, threshold) in candidates {
            let body: Json = self
                .tx
                .prepare_cached(
                    "SELECT v.paragraphs FROM articles a JOIN versions v ON v.id = a.current_version WHERE a.id=?1",
                )?
                .query_row([id], |r| r.get(0))?;
            let paras: Vec<String> = body.parse(&self.packer.0, &self.tx)?;
            let sim = jaccard(&fp.shingles, &shingles(&paras.join("\n\n")));
            if sim >= threshold && best.is_none_or(|(_, s)| sim > s) {
                best = Some((id, sim));
            }
        }
        Ok(best.map(|b| b.0))
    }

    fn find_stub(&mut self, pa: &PreparedArticle) -> Result<Option<i64>> {
        if let Some(tk) = &pa.title_key {
            let hit: Option<i64> = self
                .tx
                .prepare_cached(
                    "SELECT id FROM articles WHERE title_key=?1 AND status='stub' ORDER BY id LIMIT 1",
                )?
                .query_row([tk], |r| r.get(0))
                .optional()?;
            if hit.is_some() {
                return Ok(hit);
            }
        }
        if let Some(lk) = &pa.lede_key {
            return Ok(self
                .tx
                .prepare_cached(
                    "SELECT id FROM articles WHERE lede_key=?1 AND status='stub' AND title IS NULL ORDER BY id LIMIT 1",
                )?
                .query_row([lk], |r| r.get(0))
                .optional()?);
        }
        Ok(None)
    }

    fn insert_version(
        &mut self,
        article: i64,
        a: &Article,
        u: Option<&Understanding>,
        pa: &PreparedArticle,
        fresh: bool,
    ) -> Result<(i64, i64)> {
        let fp = &pa.fp;
        let n: i64 = if fresh {
            1
        } else {
            self.tx
                .prepare_cached("SELECT COALESCE(MAX(n), 0) + 1 FROM versions WHERE article_id=?1")?
                .query_row([article], |r| r.get(0))?
        };
        self.tx
            .prepare_cached(
                "INSERT INTO versions(article_id, n, content_hash, body_hash, simhash, title, outlet, published,
                 captured, url, language, paragraphs, understanding, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                article,
                n,
                &fp.content_hash[..],
                fp.body_hash.as_ref().map_or(&[][..], |b| &b[..]),
                fp.simhash as i64,
                a.title,
                a.outlet,
                a.published.map(|d| d.to_string()),
                a.captured.map(|d| d.to_string()),
                a.url,
                a.language,
                pa.paragraphs_z,
                pa.understanding_z,
                self.now,
            ])?;
        let version = self.tx.last_insert_rowid();
        let seq = self.bump();
        if fresh {
            self.tx
                .prepare_cached("UPDATE articles SET current_version=?2, changed_seq=?3 WHERE id=?1")?
                .execute(params![article, version, seq])?;
        } else {
            self.update_article(article, a, u, pa, version, seq)?;
        }
        // A fresh article has no fingerprint bands, events or mentions to replace.
        if !fresh {
            self.tx.prepare_cached("DELETE FROM simbands WHERE article_id=?1")?.execute([article])?;
            self.tx.prepare_cached("DELETE FROM events WHERE article_id=?1")?.execute([article])?;
            self.tx.prepare_cached("DELETE FROM entity_mentions WHERE article_id=?1")?.execute([article])?;
        }
        if fp.body_hash.is_some() {
            let mut st = self.tx.prepare_cached("INSERT INTO simbands(band, article_id) VALUES (?1, ?2)")?;
            for band in bands(fp.simhash) {
                st.execute(params![band, article])?;
            }
        }
        self.store_understanding(article, version, u, &pa.events_json)?;
        Ok((version, n))
    }

    fn update_article(
        &mut self,
        article: i64,
        a: &Article,
        u: Option<&Understanding>,
        pa: &PreparedArticle,
        version: i64,
        seq: i64,
    ) -> Result<()> {
        let published = published_or_inferred(a, u);
        self.tx
            .prepare_cached(
                "UPDATE articles SET status='full', title=?2, display_title=?3, outlet=?4, published=?5, captured=?6,
                 url=?7, language=?8, title_key=?9, lede_key=?10, current_version=?11, changed_seq=?12 WHERE id=?1",
            )?
            .execute(params![
                article,
                a.title,
                pa.display_title,
                a.outlet,
                published.map(|d| d.to_string()),
                a.captured.map(|d| d.to_string()),
                a.url,
                a.language,
                pa.title_key,
                pa.lede_key,
                version,
                seq,
            ])?;
        Ok(())
    }

    /// Replace the article's events and entity mentions with those of its new
    /// current version.
    fn store_understanding(
        &mut self,
        article: i64,
        version: i64,
        u: Option<&Understanding>,
        events_json: &[String],
    ) -> Result<()> {
        let Some(u) = u else { return Ok(()) };
        {
            let mut st = self.tx.prepare_cached(
                "INSERT INTO events(article_id, version_id, type, actor, actor_country, target, target_country,
                 date, date_end, place, status, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for (e, json) in u.events.iter().zip(events_json) {
                st.execute(params![
                    article,
                    version,
                    e.kind.as_str(),
                    e.actor,
                    e.actor_country,
                    e.target,
                    e.target_country,
                    e.date.map(|d| d.to_string()),
                    e.date_end.map(|d| d.to_string()),
                    e.place,
                    status_name(e.status),
                    json,
                ])?;
            }
        }
        let mut counts: Vec<(&str, &annalist_model::Mention, i64)> = Vec::new();
        for m in &u.mentions {
            match counts.iter_mut().find(|c| c.0 == m.id) {
                Some(c) => c.2 += 1,
                None => counts.push((&m.id, m, 1)),
            }
        }
        let mut st = self.tx.prepare_cached(
            "INSERT INTO entity_mentions(entity_id, article_id, kind, country, count, surface) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (id, m, n) in counts {
            st.execute(params![id, article, m.kind.as_str(), m.country, n, m.surface])?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_source(
        &mut self,
        inc: &Incoming,
        prep: &Prepared,
        header: Option<&str>,
        article: Option<i64>,
        version: Option<i64>,
        outcome: &str,
        error: Option<&str>,
    ) -> Result<i64> {
        let p = &inc.provenance;
        self.tx
            .prepare_cached(
                "INSERT INTO sources(blob_hash, path, locator, kind, line, record, doc, meta, header, article_id,
                 version_id, outcome, error, ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                prep.blob,
                p.path,
                prep.locator,
                p.kind.as_str(),
                p.line.map(|v| v as i64),
                p.record.map(|v| v as i64),
                p.doc_name(),
                prep.meta_json,
                header,
                article,
                version,
                outcome,
                error,
                self.now,
            ])?;
        let id = self.tx.last_insert_rowid();
        if let Some(article) = article.filter(|_| outcome != "new") {
            // A new source is a change to the article (its source list); a new
            // article was just given a fresh sequence number by its version.
            let seq = self.bump();
            self.tx
                .prepare_cached("UPDATE articles SET changed_seq=?2 WHERE id=?1")?
                .execute([article, seq])?;
        }
        Ok(id)
    }

    /// Link each teaser to the article it announces: a stored article with that
    /// headline (or lede), else a stub that a later capture of it will fill in.
    fn link_teasers(&mut self, source: i64, own: i64, a: &Article) -> Result<()> {
        for (pos, t) in a.teasers.iter().enumerate() {
            let tk = t.title.as_deref().and_then(title_key);
            let lk = if tk.is_none() { t.lede.as_deref().and_then(lede_key) } else { None };
            let target = match (&tk, &lk) {
                (Some(tk), _) => self.tx
                    .prepare_cached("SELECT id FROM articles WHERE title_key=?1 AND id!=?2 ORDER BY status='stub', id LIMIT 1")?
                    .query_row(params![tk, own], |r| r.get::<_, i64>(0))
                    .optional()?,
                (None, Some(lk)) => self.tx
                    .prepare_cached("SELECT id FROM articles WHERE lede_key=?1 AND id!=?2 ORDER BY status='stub', id LIMIT 1")?
                    .query_row(params![lk, own], |r| r.get::<_, i64>(0))
                    .optional()?,
                (None, None) => None,
            };
            let target = match target {
                Some(t) => t,
                None => {
                    let display =
                        t.title.clone().or_else(|| t.lede.clone()).unwrap_or_else(|| "(teaser)".into());
                    let seq = self.bump();
                    self.tx
                        .prepare_cached(
                            "INSERT INTO articles(status, title, display_title, title_key, lede_key, listed, url, changed_seq)
                             VALUES ('stub', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        )?
                        .execute(params![
                            t.title,
                            display,
                            tk,
                            lk,
                            t.date.map(|d| d.to_string()),
                            t.url,
                            seq
                        ])?;
                    self.tx.last_insert_rowid()
                }
            };
            self.tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO teasers(source_id, pos, title, lede, date, url, article_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![source, pos as i64, t.title, t.lede, t.date.map(|d| d.to_string()), t.url, target])?;
        }
        Ok(())
    }
}

/// The keys under which filing an article looks stored articles up: its content
/// hash, body hash, simhash bands, headline and lede (and those of the teasers it
/// lists, which become stubs), and the page URL of a WARC capture. Units whose keys
/// never meet, directly or through other units, are filed the same way together or
/// apart: engines that partition a corpus before filing it group units by these
/// (`annalist process` writes them; scripts/spark/annalist_job.py groups by them).
pub fn filing_keys(a: &Article, page_url: Option<&str>) -> Vec<String> {
    let fp = fingerprint(a);
    let mut keys = vec![format!("c:{}", dedup::key_hex(&fp.content_hash))];
    if let Some(b) = &fp.body_hash {
        keys.push(format!("b:{}", dedup::key_hex(b)));
        keys.extend(bands(fp.simhash).iter().map(|band| format!("s:{band}")));
    }
    let titles = a.title.iter().chain(a.teasers.iter().filter_map(|t| t.title.as_ref()));
    keys.extend(titles.filter_map(|t| title_key(t)).map(|t| format!("t:{t}")));
    let ledes = a.paragraphs.first().into_iter().chain(a.teasers.iter().filter_map(|t| t.lede.as_ref()));
    keys.extend(ledes.filter_map(|l| lede_key(l)).map(|l| format!("l:{l}")));
    keys.extend(page_url.map(|u| format!("u:{u}")));
    keys.sort();
    keys.dedup();
    keys
}

fn fingerprint(a: &Article) -> Fingerprint {
    let body = a.body();
    let title = a.title.as_deref().unwrap_or("");
    if body.trim().is_empty() {
        // Headline-only record: identity is the headline and its day.
        let day = a.published.map(|d| d.to_string()).unwrap_or_default();
        return Fingerprint {
            content_hash: dedup::text_key(&[title, "", &day]),
            body_hash: None,
            shingles: Vec::new(),
            simhash: 0,
        };
    }
    let body = normalize_text(&body);
    let sh = normalized_shingles(&body);
    Fingerprint {
        content_hash: dedup::normalized_key(&[&normalize_text(title), &body]),
        body_hash: Some(dedup::normalized_key(&[&body])),
        simhash: simhash(&sh),
        shingles: sh,
    }
}

/// The page's publication date, or else one inferred from the body: the article
/// row carries it so that listings and the index can date the article (the version
/// keeps what the page said).
fn published_or_inferred(a: &Article, u: Option<&Understanding>) -> Option<Date> {
    a.published.or_else(|| u.and_then(|u| u.published_inferred.as_ref().map(|p| p.0)))
}

/// Two articles can be the same when their publication days are at most a day
/// apart (time zones, mirrors) or either is unknown.
fn dates_compatible(a: Option<Date>, b: Option<&str>) -> bool {
    match (a, b.and_then(|s| s.parse::<Date>().ok())) {
        (Some(a), Some(b)) => (a.since(b).map(|s| s.get_days().abs()).unwrap_or(i32::MAX)) <= 1,
        _ => true,
    }
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::New { .. } => "new",
        Outcome::Duplicate { .. } => "duplicate",
        Outcome::Version { .. } => "version",
        Outcome::Unchanged => "unchanged",
        Outcome::Failed { .. } => "failed",
        Outcome::Gone { .. } => "gone",
    }
}

fn status_name(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Asserted => "asserted",
        EventStatus::Intent => "intent",
        EventStatus::Negated => "negated",
        EventStatus::Hypothetical => "hypothetical",
    }
}
