//! Running a query: total count, one page of hits (by relevance or date), facets and
//! snippets.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{EnableScoring, Weight};
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument};

use annalist_model::Date;

use crate::compile::compile;
use crate::facets::{FacetCollector, Facets};
use crate::query::{QueryError, parse};
use crate::schema::{F_PUBLISHED, Fields, key_date};
use crate::snippet::Snippets;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// BM25 score, best first (ties: index order).
    #[default]
    Relevance,
    /// Newest publication date first; undated articles last.
    DateDesc,
    /// Oldest publication date first; undated articles last.
    DateAsc,
}

/// One search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// The query, in the language of [`crate::query`].
    pub query: String,
    /// Hits per page (0: count and facets only).
    pub limit: usize,
    /// Hits to skip (no cap: any page can be reached).
    pub offset: usize,
    pub sort: Sort,
    /// Count the whole result set by outlet and by year.
    pub facets: bool,
    /// Make a highlighted snippet per hit.
    pub snippets: bool,
}

impl SearchRequest {
    /// The first ten hits by relevance, no facets, with snippets.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            sort: Sort::Relevance,
            facets: false,
            snippets: true,
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Exact number of matching articles.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Option<Facets>,
    /// Wall time of the search, in milliseconds.
    pub took_ms: f64,
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub article: i64,
    /// BM25 score (0 when sorted by date).
    pub score: f32,
    pub title: String,
    pub outlet: Option<String>,
    pub published: Option<Date>,
    /// HTML-escaped text with `<mark>…</mark>` around matched terms; empty unless asked for.
    pub snippet: String,
    pub sources: Vec<String>,
}

fn internal(e: tantivy::TantivyError) -> QueryError {
    QueryError::new(0, format!("index error: {e}"))
}

/// Runs `req` against `searcher`. Index (I/O) failures come back as a [`QueryError`] at
/// column 0.
pub fn run(searcher: &Searcher, fields: &Fields, req: &SearchRequest) -> Result<SearchResults, QueryError> {
    let t0 = Instant::now();
    let node = parse(&req.query)?;
    let compiled = compile(searcher, fields, &node)?;
    let weight = compiled.query.weight(EnableScoring::enabled_from_searcher(searcher)).map_err(internal)?;

    // Two strategies. A query whose top k tantivy prunes with block-max WAND (one term, a
    // union of terms, an intersection of terms), sorted by relevance: count on a weight
    // without scoring (from doc frequencies for one term; no term frequencies decoded
    // otherwise), then take the top k with pruning. Anything else visits every match to
    // rank it anyway (positions, filters, exclusions, date sort, facets): one pass
    // feeding every collector.
    let want_page = req.limit > 0;
    let top = TopDocs::with_limit(req.limit.max(1)).and_offset(req.offset);
    let order = if req.sort == Sort::DateDesc { Order::Desc } else { Order::Asc };
    let two_pass = !req.facets && compiled.prunable && req.sort == Sort::Relevance;
    let w = weight.as_ref();
    let (total, facets, page): (usize, Option<Facets>, Vec<(f32, DocAddress)>) = if two_pass {
        let counting =
            compiled.query.weight(EnableScoring::disabled_from_searcher(searcher)).map_err(internal)?;
        let total = collect(searcher, counting.as_ref(), &Count)?;
        let page = if want_page && req.offset < total {
            collect(searcher, w, &top.order_by_score())?
        } else {
            Vec::new()
        };
        (total, None, page)
    } else {
        let facets = req.facets.then_some(FacetCollector);
        match req.sort {
            Sort::Relevance => {
                let (total, f, page) =
                    collect(searcher, w, &(Count, facets, want_page.then(|| top.order_by_score())))?;
                (total, f, page.unwrap_or_default())
            }
            Sort::DateDesc | Sort::DateAsc => {
                let by_date = top.order_by_fast_field::<i64>(F_PUBLISHED, order);
                let (total, f, page) = collect(searcher, w, &(Count, facets, want_page.then_some(by_date)))?;
                let page = page.unwrap_or_default().into_iter().map(|(_, a)| (0.0, a)).collect();
                (total, f, page)
            }
        }
    };

    let snippets = req.snippets.then(|| Snippets::new(searcher, fields, &compiled.highlight));
    let mut hits = Vec::with_capacity(page.len());
    for (score, addr) in page {
        let doc: TantivyDocument = searcher.doc(addr).map_err(internal)?;
        let text = |f| doc.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
        let title = text(fields.title).unwrap_or_default();
        let snippet = match &snippets {
            Some(s) => {
                let body = doc.get_first(fields.body).and_then(|v| v.as_str()).unwrap_or("");
                s.make(&title, body)
            }
            None => String::new(),
        };
        hits.push(Hit {
            article: doc.get_first(fields.article).and_then(|v| v.as_i64()).unwrap_or_default(),
            score,
            outlet: text(fields.outlet),
            published: doc.get_first(fields.published).and_then(|v| v.as_i64()).and_then(key_date),
            sources: doc.get_all(fields.source).filter_map(|v| v.as_str().map(str::to_string)).collect(),
            title,
            snippet,
        });
    }
    Ok(SearchResults { total, hits, facets, took_ms: t0.elapsed().as_secs_f64() * 1e3 })
}

/// `Searcher::search` with a weight built once and shared by several collectors.
fn collect<C: Collector>(
    searcher: &Searcher,
    weight: &dyn Weight,
    collector: &C,
) -> Result<C::Fruit, QueryError> {
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        fruits.push(collector.collect_segment(weight, ord as u32, seg).map_err(internal)?);
    }
    collector.merge_fruits(fruits).map_err(internal)
}

/// Which of `articles` match `query` (for watch lists: is this new article a hit?).
/// The query is intersected with the article ids, so the cost depends on the few
/// articles asked about, not on how common the query's terms are.
pub fn matching(
    searcher: &Searcher,
    fields: &Fields,
    query: &str,
    articles: &[i64],
) -> Result<Vec<i64>, QueryError> {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{BooleanQuery, Occur, Query, TermSetQuery};
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    let node = parse(query)?;
    let compiled = compile(searcher, fields, &node)?;
    let ids = TermSetQuery::new(articles.iter().map(|&a| crate::schema::article_term(fields, a)));
    let both = BooleanQuery::new(vec![
        (Occur::Must, compiled.query.box_clone()),
        (Occur::Must, Box::new(ids) as Box<dyn Query>),
    ]);
    let docs = searcher.search(&both, &DocSetCollector).map_err(internal)?;
    let mut out: Vec<i64> = docs
        .into_iter()
        .filter_map(|addr| {
            let doc: TantivyDocument = searcher.doc(addr).ok()?;
            doc.get_first(fields.article).and_then(|v| v.as_i64())
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
