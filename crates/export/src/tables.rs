//! The Parquet tables (docs/EXPORTS.md): one directory per table under the output
//! directory; `articles` and `events` Hive-partitioned by year
//! (`year=2011/part-0.parquet`, `year=__HIVE_DEFAULT_PARTITION__` when unknown), the
//! others one file each. Column types are fixed here whatever the data: a table
//! with no rows still has its full schema.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use annalist_model::Date;
use annalist_understand::Kb;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float32Array, Int32Array, Int64Array, RecordBatch,
    StringArray,
};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::rows::{
    ArticleRow, EntityRow, EventReportRow, EventRow, MentionRow, SourceRow, VersionRow, entities,
};
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

fn days(v: impl Iterator<Item = Option<Date>>) -> impl Iterator<Item = Option<i32>> {
    v.map(|d| d.map(epoch_days))
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

/// The rows of the seven tables, as [`crate::rows`] decides them.
struct Rows {
    articles: Vec<ArticleRow>,
    sources: Vec<SourceRow>,
    versions: Vec<VersionRow>,
    events: Vec<EventRow>,
    reports: Vec<EventReportRow>,
    entities: Vec<EntityRow>,
    mentions: Vec<MentionRow>,
}

fn rows(f: &Facts, kb: &Kb) -> Result<Rows> {
    let articles = f.articles.iter().map(ArticleRow::new).collect::<Result<Vec<_>>>()?;
    let versions = f
        .versions
        .iter()
        .flat_map(|(a, vs)| vs.iter().map(|v| VersionRow::new(*a, v)))
        .collect::<Result<Vec<_>>>()?;
    let mentions: Vec<MentionRow> = f.articles.iter().flat_map(MentionRow::of).collect();
    Ok(Rows {
        articles,
        sources: f.sources.iter().map(SourceRow::new).collect(),
        versions,
        events: f.events.iter().map(EventRow::new).collect(),
        reports: f
            .events
            .iter()
            .flat_map(|e| e.reports.iter().map(|r| EventReportRow::new(&e.id, r)))
            .collect(),
        entities: entities(kb, &mentions),
        mentions,
    })
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
    let r = rows(f, kb)?;
    let mut done = Vec::new();
    done.push(write_table(out, "articles", &r.articles, Some(&|a: &ArticleRow| a.year), |rows| {
        batch(
            "articles",
            vec![
                int64("article_id", false, rows.iter().map(|a| Some(a.article_id))),
                text("status", rows.iter().map(|a| Some(a.status))),
                text("title", rows.iter().map(|a| a.title.as_deref())),
                text("display_title", rows.iter().map(|a| Some(a.display_title.as_str()))),
                text("outlet", rows.iter().map(|a| a.outlet.as_deref())),
                day("published", days(rows.iter().map(|a| a.published))),
                day("captured", days(rows.iter().map(|a| a.captured))),
                text("url", rows.iter().map(|a| a.url.as_deref())),
                text("language", rows.iter().map(|a| a.language.as_deref())),
                int32("versions", rows.iter().map(|a| a.versions)),
                int32("sources", rows.iter().map(|a| a.sources)),
                int32("paragraphs", rows.iter().map(|a| a.paragraphs)),
                text("first_doc", rows.iter().map(|a| a.first_doc.as_deref())),
                text("gone_at", rows.iter().map(|a| a.gone_at.as_deref())),
                text("body", rows.iter().map(|a| Some(a.body.as_str()))),
            ],
        )
    })?);
    done.push(write_table(out, "sources", &r.sources, None, |rows| {
        batch(
            "sources",
            vec![
                int64("source_id", false, rows.iter().map(|s| Some(s.source_id))),
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
    done.push(write_table(out, "versions", &r.versions, None, |rows| {
        batch(
            "versions",
            vec![
                int64("version_id", false, rows.iter().map(|v| Some(v.version_id))),
                int64("article_id", false, rows.iter().map(|v| Some(v.article_id))),
                int32("n", rows.iter().map(|v| v.n)),
                text("title", rows.iter().map(|v| v.title.as_deref())),
                text("outlet", rows.iter().map(|v| v.outlet.as_deref())),
                day("published", days(rows.iter().map(|v| v.published))),
                day("captured", days(rows.iter().map(|v| v.captured))),
                text("created_at", rows.iter().map(|v| Some(v.created_at.as_str()))),
                text("body", rows.iter().map(|v| Some(v.body.as_str()))),
            ],
        )
    })?);
    done.push(write_table(out, "events", &r.events, Some(&|e: &EventRow| e.year), |rows| {
        batch(
            "events",
            vec![
                text("event_id", rows.iter().map(|e| Some(e.event_id.as_str()))),
                text("type", rows.iter().map(|e| Some(e.kind))),
                text("actor", rows.iter().map(|e| e.actor.as_deref())),
                text("actor_country", rows.iter().map(|e| e.actor_country.as_deref())),
                text("target", rows.iter().map(|e| e.target.as_deref())),
                text("target_country", rows.iter().map(|e| e.target_country.as_deref())),
                text("date", rows.iter().map(|e| e.date.as_deref())),
                day("date_first", days(rows.iter().map(|e| e.date_first))),
                text("date_precision", rows.iter().map(|e| e.date_precision)),
                text("date_end", rows.iter().map(|e| e.date_end.as_deref())),
                text("place", rows.iter().map(|e| e.place.as_deref())),
                text("occasion", rows.iter().map(|e| e.occasion.as_deref())),
                text("cameo", rows.iter().map(|e| Some(e.cameo.as_str()))),
                text("cameo_root", rows.iter().map(|e| Some(e.cameo_root.as_str()))),
                int32("quad_class", rows.iter().map(|e| e.quad_class)),
                Col(
                    "goldstein",
                    false,
                    Arc::new(rows.iter().map(|e| Some(e.goldstein)).collect::<Float32Array>()),
                ),
                boolean("inferred", rows.iter().map(|e| e.inferred)),
                int32("num_reports", rows.iter().map(|e| e.num_reports)),
                int32("num_articles", rows.iter().map(|e| e.num_articles)),
                text("evidence", rows.iter().map(|e| Some(e.evidence.as_str()))),
                text("rule", rows.iter().map(|e| Some(e.rule.as_str()))),
            ],
        )
    })?);
    done.push(write_table(out, "event_reports", &r.reports, None, |rows| {
        batch(
            "event_reports",
            vec![
                text("event_id", rows.iter().map(|r| Some(r.event_id.as_str()))),
                int64("article_id", false, rows.iter().map(|r| Some(r.article_id))),
                text("doc", rows.iter().map(|r| Some(r.doc.as_str()))),
                text("date", rows.iter().map(|r| r.date.as_deref())),
                text("evidence", rows.iter().map(|r| Some(r.evidence.as_str()))),
            ],
        )
    })?);
    done.push(write_table(out, "entities", &r.entities, None, |rows| {
        batch(
            "entities",
            vec![
                text("entity_id", rows.iter().map(|e| Some(e.entity_id.as_str()))),
                text("kind", rows.iter().map(|e| Some(e.kind))),
                text("country", rows.iter().map(|e| e.country.as_deref())),
                text("name", rows.iter().map(|e| Some(e.name.as_str()))),
                boolean("known", rows.iter().map(|e| e.known)),
                int32("articles", rows.iter().map(|e| e.articles)),
                int32("mentions", rows.iter().map(|e| e.mentions)),
            ],
        )
    })?);
    done.push(write_table(out, "mentions", &r.mentions, None, |rows| {
        batch(
            "mentions",
            vec![
                int64("article_id", false, rows.iter().map(|m| Some(m.article_id))),
                text("entity_id", rows.iter().map(|m| Some(m.entity_id.as_str()))),
                text("kind", rows.iter().map(|m| Some(m.kind))),
                text("country", rows.iter().map(|m| m.country.as_deref())),
                text("surface", rows.iter().map(|m| Some(m.surface.as_str()))),
                int64("start", false, rows.iter().map(|m| Some(m.start))),
                int64("end", false, rows.iter().map(|m| Some(m.end))),
                boolean("known", rows.iter().map(|m| m.known)),
            ],
        )
    })?);
    Ok(done)
}
