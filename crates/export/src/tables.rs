//! The Parquet tables (docs/EXPORTS.md): one directory per table under the output
//! directory; `articles` and `events` Hive-partitioned by year
//! (`year=2011/part-0.parquet`, `year=__HIVE_DEFAULT_PARTITION__` when unknown), the
//! others one file each. Column types are fixed here whatever the data: a table
//! with no rows still has its full schema.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use annalist_model::{Date, EntityKind};
use annalist_understand::Kb;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float32Array, Int32Array, Int64Array, RecordBatch,
    StringArray,
};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::{ExportError, Facts, Result};

/// The tables written, in order.
pub const TABLES: [&str; 7] =
    ["articles", "sources", "versions", "events", "event_reports", "entities", "mentions"];

/// What was written of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub table: &'static str,
    pub rows: usize,
    pub files: usize,
    pub bytes: u64,
}

/// A column: its name, whether it may be null, and its values.
struct Col(&'static str, bool, ArrayRef);

fn text<'a>(name: &'static str, v: impl Iterator<Item = Option<&'a str>>) -> Col {
    let a: StringArray = v.collect();
    let nullable = a.null_count() > 0 || NULLABLE_TEXT.contains(&name);
    Col(name, nullable, Arc::new(a))
}

/// Text columns that may be null in some archive even when this one has none: the
/// schema must not depend on the data.
const NULLABLE_TEXT: &[&str] = &[
    "title",
    "outlet",
    "url",
    "language",
    "gone_at",
    "first_doc",
    "error",
    "actor",
    "actor_country",
    "target",
    "target_country",
    "date",
    "date_end",
    "date_precision",
    "place",
    "occasion",
    "country",
];

fn int64(name: &'static str, nullable: bool, v: impl Iterator<Item = Option<i64>>) -> Col {
    Col(name, nullable, Arc::new(v.collect::<Int64Array>()))
}

fn int32(name: &'static str, v: impl Iterator<Item = i32>) -> Col {
    Col(name, false, Arc::new(v.map(Some).collect::<Int32Array>()))
}

fn day(name: &'static str, v: impl Iterator<Item = Option<i32>>) -> Col {
    Col(name, true, Arc::new(v.collect::<Date32Array>()))
}

fn boolean(name: &'static str, v: impl Iterator<Item = bool>) -> Col {
    Col(name, false, Arc::new(v.map(Some).collect::<BooleanArray>()))
}

fn batch(table: &'static str, cols: Vec<Col>) -> Result<RecordBatch> {
    let fields: Vec<Field> = cols.iter().map(|c| Field::new(c.0, c.2.data_type().clone(), c.1)).collect();
    let arrays: Vec<ArrayRef> = cols.into_iter().map(|c| c.2).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|source| ExportError::Arrow { table, source })
}

/// Days since 1970-01-01 (Parquet's DATE).
fn epoch_days(d: Date) -> i32 {
    (d - Date::constant(1970, 1, 1)).get_days()
}

/// A stored `YYYY-MM-DD` as a Parquet DATE.
fn stored_day(article: i64, s: Option<&str>) -> Result<Option<i32>> {
    s.map(|v| {
        v.parse::<Date>().map(epoch_days).map_err(|_| ExportError::BadDate { article, value: v.to_string() })
    })
    .transpose()
}

fn write_file(path: &Path, b: &RecordBatch) -> Result<u64> {
    let io = |source| ExportError::Io { path: path.display().to_string(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let pq = |source| ExportError::Parquet { path: path.display().to_string(), source };
    let f = File::create(path).map_err(io)?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut w = ArrowWriter::try_new(f, b.schema(), Some(props)).map_err(pq)?;
    w.write(b).map_err(pq)?;
    w.close().map_err(pq)?;
    Ok(std::fs::metadata(path).map_err(io)?.len())
}

/// The year partition of a row (`None`: unknown).
type YearOf<'a, T> = &'a dyn Fn(&T) -> Option<i16>;

/// Writes `rows` of one table, one file per year when `year` is given.
fn write_table<T>(
    out: &Path,
    table: &'static str,
    rows: &[T],
    year: Option<YearOf<'_, T>>,
    build: impl Fn(&[&T]) -> Result<RecordBatch>,
) -> Result<TableSummary> {
    let mut parts: BTreeMap<Option<i16>, Vec<&T>> = BTreeMap::new();
    match year {
        Some(y) => rows.iter().for_each(|r| parts.entry(y(r)).or_default().push(r)),
        None => {
            parts.insert(None, rows.iter().collect());
        }
    }
    let dir = out.join(table);
    let mut bytes = 0;
    for (y, rs) in &parts {
        let sub = match (year.is_some(), y) {
            (false, _) => dir.clone(),
            (true, Some(y)) => dir.join(format!("year={y}")),
            (true, None) => dir.join("year=__HIVE_DEFAULT_PARTITION__"),
        };
        bytes += write_file(&sub.join("part-0.parquet"), &build(rs)?)?;
    }
    if parts.is_empty() {
        // No rows: one empty file still carries the schema.
        bytes += write_file(&dir.join("part-0.parquet"), &build(&[])?)?;
    }
    Ok(TableSummary { table, rows: rows.len(), files: parts.len().max(1), bytes })
}

struct MentionRow<'a> {
    article: i64,
    m: &'a annalist_model::Mention,
}

struct EntityRow {
    id: String,
    kind: EntityKind,
    country: Option<String>,
    name: String,
    known: bool,
    articles: i32,
    mentions: i32,
}

struct ReportRow<'a> {
    event: &'a str,
    r: &'a annalist_understand::Report,
}

struct VersionRow<'a> {
    article: i64,
    v: &'a annalist_store::VersionRecord,
}

/// Writes the seven tables under `out` (created if needed), replacing what an
/// earlier export left there.
pub fn write_parquet(f: &Facts, kb: &Kb, out: &Path) -> Result<Vec<TableSummary>> {
    for t in TABLES {
        let dir = out.join(t);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|source| ExportError::Io { path: dir.display().to_string(), source })?;
        }
    }
    let mut done = Vec::new();
    let pub_year = |a: &annalist_store::ArticleRecord| a.published.map(|d| d.year());
    done.push(write_table(out, "articles", &f.articles, Some(&pub_year), |rows| {
        let mut published = Vec::with_capacity(rows.len());
        let mut captured = Vec::with_capacity(rows.len());
        for a in rows {
            published.push(a.published.map(epoch_days));
            captured.push(stored_day(a.id, a.captured.as_deref())?);
        }
        let bodies: Vec<String> = rows.iter().map(|a| a.paragraphs.join("\n\n")).collect();
        batch(
            "articles",
            vec![
                int64("article_id", false, rows.iter().map(|a| Some(a.id))),
                text("status", rows.iter().map(|a| Some(a.status.as_str()))),
                text("title", rows.iter().map(|a| a.title.as_deref())),
                text("display_title", rows.iter().map(|a| Some(a.display_title.as_str()))),
                text("outlet", rows.iter().map(|a| a.outlet.as_deref())),
                day("published", published.into_iter()),
                day("captured", captured.into_iter()),
                text("url", rows.iter().map(|a| a.url.as_deref())),
                text("language", rows.iter().map(|a| a.language.as_deref())),
                int32("versions", rows.iter().map(|a| a.versions as i32)),
                int32("sources", rows.iter().map(|a| a.sources.len() as i32)),
                int32("paragraphs", rows.iter().map(|a| a.paragraphs.len() as i32)),
                text("first_doc", rows.iter().map(|a| a.sources.first().map(|s| s.doc.as_str()))),
                text("gone_at", rows.iter().map(|a| a.gone_at.as_deref())),
                text("body", bodies.iter().map(|b| Some(b.as_str()))),
            ],
        )
    })?);
    done.push(write_table(out, "sources", &f.sources, None, |rows| {
        batch(
            "sources",
            vec![
                int64("source_id", false, rows.iter().map(|s| Some(s.id))),
                int64("article_id", true, rows.iter().map(|s| s.article_id)),
                int64("version_id", true, rows.iter().map(|s| s.version_id)),
                text("path", rows.iter().map(|s| Some(s.path.as_str()))),
                text("locator", rows.iter().map(|s| Some(s.locator.as_str()))),
                text("doc", rows.iter().map(|s| Some(s.doc.as_str()))),
                text("kind", rows.iter().map(|s| Some(s.kind.as_str()))),
                text("outcome", rows.iter().map(|s| Some(s.outcome.as_str()))),
                text("error", rows.iter().map(|s| s.error.as_deref())),
                text("blob_hash", rows.iter().map(|s| Some(s.blob_hash.as_str()))),
                text("ingested_at", rows.iter().map(|s| Some(s.ingested_at.as_str()))),
            ],
        )
    })?);
    let versions: Vec<VersionRow> =
        f.versions.iter().flat_map(|(a, vs)| vs.iter().map(|v| VersionRow { article: *a, v })).collect();
    done.push(write_table(out, "versions", &versions, None, |rows| {
        let mut published = Vec::with_capacity(rows.len());
        let mut captured = Vec::with_capacity(rows.len());
        for r in rows {
            published.push(r.v.published.map(epoch_days));
            captured.push(stored_day(r.article, r.v.captured.as_deref())?);
        }
        let bodies: Vec<String> = rows.iter().map(|r| r.v.paragraphs.join("\n\n")).collect();
        batch(
            "versions",
            vec![
                int64("version_id", false, rows.iter().map(|r| Some(r.v.id))),
                int64("article_id", false, rows.iter().map(|r| Some(r.article))),
                int32("n", rows.iter().map(|r| r.v.n as i32)),
                text("title", rows.iter().map(|r| r.v.title.as_deref())),
                text("outlet", rows.iter().map(|r| r.v.outlet.as_deref())),
                day("published", published.into_iter()),
                day("captured", captured.into_iter()),
                text("created_at", rows.iter().map(|r| Some(r.v.created_at.as_str()))),
                text("body", bodies.iter().map(|b| Some(b.as_str()))),
            ],
        )
    })?);
    let ev_year = |e: &annalist_understand::CanonicalEvent| e.event.date.map(|d| d.year);
    done.push(write_table(out, "events", &f.events, Some(&ev_year), |rows| {
        let dates: Vec<Option<String>> = rows.iter().map(|e| e.event.date.map(|d| d.to_string())).collect();
        let ends: Vec<Option<String>> =
            rows.iter().map(|e| e.event.date_end.map(|d| d.to_string())).collect();
        let arts: Vec<i32> = rows
            .iter()
            .map(|e| {
                e.reports.iter().map(|r| r.article).collect::<std::collections::BTreeSet<_>>().len() as i32
            })
            .collect();
        batch(
            "events",
            vec![
                text("event_id", rows.iter().map(|e| Some(e.id.as_str()))),
                text("type", rows.iter().map(|e| Some(e.event.kind.as_str()))),
                text("actor", rows.iter().map(|e| e.event.actor.as_deref())),
                text("actor_country", rows.iter().map(|e| e.event.actor_country.as_deref())),
                text("target", rows.iter().map(|e| e.event.target.as_deref())),
                text("target_country", rows.iter().map(|e| e.event.target_country.as_deref())),
                text("date", dates.iter().map(|d| d.as_deref())),
                day(
                    "date_first",
                    rows.iter().map(|e| e.event.date.and_then(|d| d.first_day()).map(epoch_days)),
                ),
                text(
                    "date_precision",
                    rows.iter().map(|e| {
                        e.event.date.map(|d| ["year", "month", "day"][d.precision().min(2) as usize])
                    }),
                ),
                text("date_end", ends.iter().map(|d| d.as_deref())),
                text("place", rows.iter().map(|e| e.event.place.as_deref())),
                text("occasion", rows.iter().map(|e| e.event.occasion.as_deref())),
                text("cameo", rows.iter().map(|e| Some(e.event.cameo.as_str()))),
                text(
                    "cameo_root",
                    rows.iter().map(|e| Some(annalist_understand::cameo_root(&e.event.cameo))),
                ),
                int32(
                    "quad_class",
                    rows.iter().map(|e| i32::from(annalist_understand::quad_class(&e.event.cameo))),
                ),
                Col(
                    "goldstein",
                    false,
                    Arc::new(rows.iter().map(|e| Some(e.event.goldstein)).collect::<Float32Array>()),
                ),
                boolean("inferred", rows.iter().map(|e| e.event.inferred)),
                int32("num_reports", rows.iter().map(|e| e.reports.len() as i32)),
                int32("num_articles", arts.into_iter()),
                text("evidence", rows.iter().map(|e| Some(e.event.evidence.as_str()))),
                text("rule", rows.iter().map(|e| Some(e.event.rule.as_str()))),
            ],
        )
    })?);
    let reports: Vec<ReportRow> =
        f.events.iter().flat_map(|e| e.reports.iter().map(|r| ReportRow { event: &e.id, r })).collect();
    done.push(write_table(out, "event_reports", &reports, None, |rows| {
        let dates: Vec<Option<String>> = rows.iter().map(|r| r.r.date.map(|d| d.to_string())).collect();
        batch(
            "event_reports",
            vec![
                text("event_id", rows.iter().map(|r| Some(r.event))),
                int64("article_id", false, rows.iter().map(|r| Some(r.r.article))),
                text("doc", rows.iter().map(|r| Some(r.r.doc.as_str()))),
                text("date", dates.iter().map(|d| d.as_deref())),
                text("evidence", rows.iter().map(|r| Some(r.r.evidence.as_str()))),
            ],
        )
    })?);
    let mentions: Vec<MentionRow> = f
        .articles
        .iter()
        .flat_map(|a| {
            a.understanding
                .iter()
                .flat_map(move |u| u.mentions.iter().map(move |m| MentionRow { article: a.id, m }))
        })
        .collect();
    let mut entities: BTreeMap<&str, EntityRow> = BTreeMap::new();
    let mut seen: std::collections::BTreeSet<(&str, i64)> = Default::default();
    for r in &mentions {
        let e = entities.entry(r.m.id.as_str()).or_insert_with(|| EntityRow {
            id: r.m.id.clone(),
            kind: r.m.kind,
            country: r.m.country.clone(),
            name: kb
                .entity(&r.m.id)
                .and_then(|k| k.names.first().cloned())
                .unwrap_or_else(|| r.m.surface.clone()),
            known: r.m.known,
            articles: 0,
            mentions: 0,
        });
        e.mentions += 1;
        if seen.insert((r.m.id.as_str(), r.article)) {
            e.articles += 1;
        }
    }
    let entities: Vec<EntityRow> = entities.into_values().collect();
    done.push(write_table(out, "entities", &entities, None, |rows| {
        batch(
            "entities",
            vec![
                text("entity_id", rows.iter().map(|e| Some(e.id.as_str()))),
                text("kind", rows.iter().map(|e| Some(e.kind.as_str()))),
                text("country", rows.iter().map(|e| e.country.as_deref())),
                text("name", rows.iter().map(|e| Some(e.name.as_str()))),
                boolean("known", rows.iter().map(|e| e.known)),
                int32("articles", rows.iter().map(|e| e.articles)),
                int32("mentions", rows.iter().map(|e| e.mentions)),
            ],
        )
    })?);
    done.push(write_table(out, "mentions", &mentions, None, |rows| {
        batch(
            "mentions",
            vec![
                int64("article_id", false, rows.iter().map(|r| Some(r.article))),
                text("entity_id", rows.iter().map(|r| Some(r.m.id.as_str()))),
                text("kind", rows.iter().map(|r| Some(r.m.kind.as_str()))),
                text("country", rows.iter().map(|r| r.m.country.as_deref())),
                text("surface", rows.iter().map(|r| Some(r.m.surface.as_str()))),
                int64("start", false, rows.iter().map(|r| Some(r.m.start as i64))),
                int64("end", false, rows.iter().map(|r| Some(r.m.end as i64))),
                boolean("known", rows.iter().map(|r| r.m.known)),
            ],
        )
    })?);
    Ok(done)
}
