//! One row of each Parquet table (docs/EXPORTS.md), decided here once: the Parquet
//! writer ([`crate::write_parquet`]) writes these rows, and `annalist dedup` /
//! `annalist merge` write the same rows as JSON for engines that write the tables
//! themselves (scripts/spark/annalist_job.py). Field names are the column names;
//! days serialise as `YYYY-MM-DD`.
//!
//! `year` is the Hive partition of `articles` and `events`: a column of the JSON
//! rows, a directory name (not a column) in the Parquet files.

use std::collections::{BTreeMap, BTreeSet};

use annalist_model::{Date, Mention};
use annalist_store::{ArticleRecord, SourceRecord, VersionRecord};
use annalist_understand::{CanonicalEvent, Kb, Report, cameo_root, quad_class};
use serde::Serialize;

use crate::{ExportError, Result};

/// A stored `YYYY-MM-DD` as a day.
fn stored_day(article: i64, s: Option<&str>) -> Result<Option<Date>> {
    s.map(|v| v.parse::<Date>().map_err(|_| ExportError::BadDate { article, value: v.to_string() }))
        .transpose()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleRow {
    pub article_id: i64,
    pub status: &'static str,
    pub title: Option<String>,
    pub display_title: String,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    pub captured: Option<Date>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub versions: i32,
    pub sources: i32,
    pub paragraphs: i32,
    pub first_doc: Option<String>,
    pub gone_at: Option<String>,
    pub body: String,
    /// The partition: the year of `published`.
    pub year: Option<i16>,
}

impl ArticleRow {
    pub fn new(a: &ArticleRecord) -> Result<ArticleRow> {
        Ok(ArticleRow {
            article_id: a.id,
            status: a.status.as_str(),
            title: a.title.clone(),
            display_title: a.display_title.clone(),
            outlet: a.outlet.clone(),
            published: a.published,
            captured: stored_day(a.id, a.captured.as_deref())?,
            url: a.url.clone(),
            language: a.language.clone(),
            versions: a.versions as i32,
            sources: a.sources.len() as i32,
            paragraphs: a.paragraphs.len() as i32,
            first_doc: a.sources.first().map(|s| s.doc.clone()),
            gone_at: a.gone_at.clone(),
            body: a.paragraphs.join("\n\n"),
            year: a.published.map(|d| d.year()),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    pub source_id: i64,
    pub article_id: Option<i64>,
    pub version_id: Option<i64>,
    pub path: String,
    pub locator: String,
    pub doc: String,
    pub kind: String,
    pub outcome: String,
    pub error: Option<String>,
    pub blob_hash: String,
    pub ingested_at: String,
}

impl SourceRow {
    pub fn new(s: &SourceRecord) -> SourceRow {
        SourceRow {
            source_id: s.id,
            article_id: s.article_id,
            version_id: s.version_id,
            path: s.path.clone(),
            locator: s.locator.clone(),
            doc: s.doc.clone(),
            kind: s.kind.clone(),
            outcome: s.outcome.clone(),
            error: s.error.clone(),
            blob_hash: s.blob_hash.clone(),
            ingested_at: s.ingested_at.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionRow {
    pub version_id: i64,
    pub article_id: i64,
    pub n: i32,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    pub captured: Option<Date>,
    pub created_at: String,
    pub body: String,
}

impl VersionRow {
    pub fn new(article: i64, v: &VersionRecord) -> Result<VersionRow> {
        Ok(VersionRow {
            version_id: v.id,
            article_id: article,
            n: v.n as i32,
            title: v.title.clone(),
            outlet: v.outlet.clone(),
            published: v.published,
            captured: stored_day(article, v.captured.as_deref())?,
            created_at: v.created_at.clone(),
            body: v.paragraphs.join("\n\n"),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub actor: Option<String>,
    pub actor_country: Option<String>,
    pub target: Option<String>,
    pub target_country: Option<String>,
    pub date: Option<String>,
    pub date_first: Option<Date>,
    pub date_precision: Option<&'static str>,
    pub date_end: Option<String>,
    pub place: Option<String>,
    pub occasion: Option<String>,
    pub cameo: String,
    pub cameo_root: String,
    pub quad_class: i32,
    pub goldstein: f32,
    pub inferred: bool,
    pub num_reports: i32,
    pub num_articles: i32,
    pub evidence: String,
    pub rule: String,
    /// The partition: the year of `date`.
    pub year: Option<i16>,
}

impl EventRow {
    pub fn new(e: &CanonicalEvent) -> EventRow {
        let ev = &e.event;
        EventRow {
            event_id: e.id.clone(),
            kind: ev.kind.as_str(),
            actor: ev.actor.clone(),
            actor_country: ev.actor_country.clone(),
            target: ev.target.clone(),
            target_country: ev.target_country.clone(),
            date: ev.date.map(|d| d.to_string()),
            date_first: ev.date.and_then(|d| d.first_day()),
            date_precision: ev.date.map(|d| ["year", "month", "day"][d.precision().min(2) as usize]),
            date_end: ev.date_end.map(|d| d.to_string()),
            place: ev.place.clone(),
            occasion: ev.occasion.clone(),
            cameo: ev.cameo.clone(),
            cameo_root: cameo_root(&ev.cameo).to_string(),
            quad_class: i32::from(quad_class(&ev.cameo)),
            goldstein: ev.goldstein,
            inferred: ev.inferred,
            num_reports: e.reports.len() as i32,
            num_articles: e.reports.iter().map(|r| r.article).collect::<BTreeSet<_>>().len() as i32,
            evidence: ev.evidence.clone(),
            rule: ev.rule.clone(),
            year: ev.date.map(|d| d.year),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventReportRow {
    pub event_id: String,
    pub article_id: i64,
    pub doc: String,
    pub date: Option<String>,
    pub evidence: String,
}

impl EventReportRow {
    pub fn new(event: &str, r: &Report) -> EventReportRow {
        EventReportRow {
            event_id: event.to_string(),
            article_id: r.article,
            doc: r.doc.clone(),
            date: r.date.map(|d| d.to_string()),
            evidence: r.evidence.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentionRow {
    pub article_id: i64,
    pub entity_id: String,
    pub kind: &'static str,
    pub country: Option<String>,
    pub surface: String,
    pub start: i64,
    pub end: i64,
    pub known: bool,
}

impl MentionRow {
    pub fn new(article: i64, m: &Mention) -> MentionRow {
        MentionRow {
            article_id: article,
            entity_id: m.id.clone(),
            kind: m.kind.as_str(),
            country: m.country.clone(),
            surface: m.surface.clone(),
            start: m.start as i64,
            end: m.end as i64,
            known: m.known,
        }
    }

    /// The mentions of an article, in the order understanding found them.
    pub fn of(a: &ArticleRecord) -> Vec<MentionRow> {
        a.understanding.iter().flat_map(|u| u.mentions.iter().map(|m| MentionRow::new(a.id, m))).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRow {
    pub entity_id: String,
    pub kind: &'static str,
    pub country: Option<String>,
    pub name: String,
    pub known: bool,
    pub articles: i32,
    pub mentions: i32,
}

/// How the entities table names an entity a mention refers to: the knowledge
/// base's first name, else the mention's own wording.
pub fn entity_name(kb: &Kb, entity: &str, surface: &str) -> String {
    kb.entity(entity).and_then(|k| k.names.first().cloned()).unwrap_or_else(|| surface.to_string())
}

/// The entities table from every mention, in article order (the order of
/// `article_id`, then of the mentions within an article): an entity's kind,
/// country, knownness and name are those of its first mention (the name through
/// [`entity_name`]); `articles` and `mentions` count the rest.
pub fn entities(kb: &Kb, mentions: &[MentionRow]) -> Vec<EntityRow> {
    let mut out: BTreeMap<&str, EntityRow> = BTreeMap::new();
    let mut seen: BTreeSet<(&str, i64)> = BTreeSet::new();
    for m in mentions {
        let e = out.entry(m.entity_id.as_str()).or_insert_with(|| EntityRow {
            entity_id: m.entity_id.clone(),
            kind: m.kind,
            country: m.country.clone(),
            name: entity_name(kb, &m.entity_id, &m.surface),
            known: m.known,
            articles: 0,
            mentions: 0,
        });
        e.mentions += 1;
        if seen.insert((m.entity_id.as_str(), m.article_id)) {
            e.articles += 1;
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(article: i64, id: &str, surface: &str, known: bool) -> MentionRow {
        MentionRow {
            article_id: article,
            entity_id: id.into(),
            kind: "person",
            country: None,
            surface: surface.into(),
            start: 0,
            end: surface.len() as i64,
            known,
        }
    }

    #[test]
    fn an_entity_is_named_by_the_knowledge_base_else_by_its_first_mention() {
        let kb = Kb::builtin().unwrap();
        let ms = [
            mention(1, "jo-bloggs", "Jo Bloggs", false),
            mention(1, "kim-jong-il", "Kim Jong-il", true),
            mention(1, "jo-bloggs", "Bloggs", false),
            mention(2, "jo-bloggs", "J. Bloggs", false),
        ];
        let e = entities(&kb, &ms);
        let got: Vec<(&str, &str, i32, i32)> =
            e.iter().map(|e| (e.entity_id.as_str(), e.name.as_str(), e.articles, e.mentions)).collect();
        assert_eq!(got, [("jo-bloggs", "Jo Bloggs", 2, 3), ("kim-jong-il", "Kim Jong Il", 1, 1)]);
    }
}
