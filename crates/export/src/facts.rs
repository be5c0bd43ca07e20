//! Everything the exports need, read from the archive once.

use std::collections::BTreeMap;

use annalist_store::{ArticleRecord, SourceRecord, Store, VersionRecord};
use annalist_understand::{CanonicalEvent, merge};

use crate::Result;

/// Sources read per query while gathering them all.
const SOURCE_CHUNK: usize = 5_000;

/// What the per-event columns need of one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleFacts {
    pub url: Option<String>,
    pub outlet: Option<String>,
    /// Publication day (stored, or inferred from the body), `YYYY-MM-DD`.
    pub published: Option<String>,
    /// The headline and the first paragraph: where a lead event is stated.
    pub lead: String,
    /// When the first of its sources was filed (RFC 3339).
    pub added: Option<String>,
}

/// The archive as the exports see it: full articles with their versions, every
/// source, and the merged events (the same [`merge`] as `annalist events`).
pub struct Facts {
    pub articles: Vec<ArticleRecord>,
    /// Versions of each article, oldest first.
    pub versions: BTreeMap<i64, Vec<VersionRecord>>,
    /// Every source, failed ones included, in filing order.
    pub sources: Vec<SourceRecord>,
    pub events: Vec<CanonicalEvent>,
    pub by_article: BTreeMap<i64, ArticleFacts>,
    /// How entities absent from the knowledge base are written (first surface seen).
    pub surfaces: BTreeMap<String, String>,
}

/// Reads the archive for the exports.
pub fn facts(store: &Store) -> Result<Facts> {
    let mut articles = Vec::new();
    let mut versions = BTreeMap::new();
    for id in store.article_ids()? {
        if let Some(a) = store.article(id)? {
            versions.insert(id, store.versions(id)?);
            articles.push(a);
        }
    }
    let mut sources = Vec::new();
    let mut after = 0;
    loop {
        let chunk = store.sources_after(after, SOURCE_CHUNK)?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        sources.extend(chunk);
    }
    let rows = store.events(false)?;
    let input: Vec<(i64, String, annalist_model::Event)> =
        rows.into_iter().map(|r| (r.article_id, r.doc, r.event)).collect();
    let events = merge(&input);
    let mut surfaces = BTreeMap::new();
    let by_article = articles
        .iter()
        .map(|a| {
            if let Some(u) = &a.understanding {
                for m in &u.mentions {
                    surfaces.entry(m.id.clone()).or_insert_with(|| m.surface.clone());
                }
            }
            let lead = format!(
                "{}\n{}",
                a.title.as_deref().unwrap_or(""),
                a.paragraphs.first().map(String::as_str).unwrap_or("")
            );
            let added = a.sources.iter().map(|s| s.ingested_at.as_str()).min().map(String::from);
            let f = ArticleFacts {
                url: a.url.clone(),
                outlet: a.outlet.clone(),
                published: a.published.map(|d| d.to_string()),
                lead,
                added,
            };
            (a.id, f)
        })
        .collect();
    Ok(Facts { articles, versions, sources, events, by_article, surfaces })
}
