//! Running a query: total count, one page of hits (by relevance or date), facets and
//! snippets.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, Count};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use annalist_model::Date;

use crate::budget::{Budget, Cancellable};
use crate::compile::compile;
use crate::facets::{FacetCollector, Facets, Period, PeriodCounts};
use crate::query::{QueryError, parse};
use crate::rank::{RankBy, Ranked, TopK};
use crate::schema::{Fields, key_date};
use crate::snippet::Snippets;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// BM25 score, best first (ties: lower article id first).
    #[default]
    Relevance,
    /// Newest publication date first; undated articles last (ties: lower article id first).
    DateDesc,
    /// Oldest publication date first; undated articles last (ties: lower article id first).
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
    /// The same fragment as plain text (not escaped: escape it where it is rendered).
    pub snippet_text: String,
    /// The matched spans of `snippet_text`: `[start, end)` in characters.
    pub highlights: Vec<[usize; 2]>,
    pub sources: Vec<String>,
}

fn internal(e: tantivy::TantivyError) -> QueryError {
    QueryError::index(e.to_string())
}

/// The error for a search stopped by its budget.
fn stopped(budget: &Budget) -> QueryError {
    let _ = budget;
    QueryError::timed_out("the search ran out of time and was stopped; make the query narrower")
}

/// Runs `req` against `searcher` within `budget`. Index (I/O) failures come back as a
/// [`QueryError`] of kind `Index`.
pub fn run(
    searcher: &Searcher,
    fields: &Fields,
    req: &SearchRequest,
    budget: &Arc<Budget>,
) -> Result<SearchResults, QueryError> {
    let t0 = Instant::now();
    let node = parse(&req.query)?;
    let compiled = compile(searcher, fields, &node, budget)?;
    let query = Cancellable::new(compiled.query.box_clone(), budget.clone());
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher)).map_err(internal)?;

    // Two strategies. A query whose top k tantivy prunes with block-max WAND (one term, a
    // union of terms, an intersection of terms), sorted by relevance: count on a weight
    // without scoring (from doc frequencies for one term; no term frequencies decoded
    // otherwise), then take the top k with pruning. Anything else visits every match to
    // rank it anyway (positions, filters, exclusions, date sort, facets): one pass
    // feeding every collector.
    let want_page = req.limit > 0;
    let by = match req.sort {
        Sort::Relevance => RankBy::Score,
        Sort::DateDesc => RankBy::DateDesc,
        Sort::DateAsc => RankBy::DateAsc,
    };
    let top = TopK { k: req.offset.saturating_add(req.limit.max(1)), by };
    let two_pass = !req.facets && compiled.prunable && req.sort == Sort::Relevance;
    let w = weight.as_ref();
    let (total, facets, page): (usize, Option<Facets>, Vec<Ranked>) = if two_pass {
        // Term postings only, counted from doc frequencies or block by block: linear and
        // already within the cost ceiling, so the uncancellable weight is kept.
        let counting =
            compiled.query.weight(EnableScoring::disabled_from_searcher(searcher)).map_err(internal)?;
        let total = collect(searcher, counting.as_ref(), &Count, budget)?;
        let page =
            if want_page && req.offset < total { collect(searcher, w, &top, budget)? } else { Vec::new() };
        (total, None, page)
    } else {
        let facets = req.facets.then_some(FacetCollector);
        let (total, f, page) = collect(searcher, w, &(Count, facets, want_page.then_some(top)), budget)?;
        (total, f, page.unwrap_or_default())
    };
    if budget.exhausted() {
        return Err(stopped(budget));
    }

    let snippets = req.snippets.then(|| Snippets::new(searcher, fields, &compiled.highlight));
    let mut hits = Vec::with_capacity(req.limit.min(page.len()));
    for r in page.into_iter().skip(req.offset).take(req.limit) {
        let doc: TantivyDocument = searcher.doc(r.address).map_err(internal)?;
        let text = |f| doc.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
        let title = text(fields.title).unwrap_or_default();
        let snippet = match &snippets {
            Some(s) => {
                let body = doc.get_first(fields.body).and_then(|v| v.as_str()).unwrap_or("");
                s.parts(&title, body)
            }
            None => crate::snippet::SnippetParts::default(),
        };
        hits.push(Hit {
            article: doc.get_first(fields.article).and_then(|v| v.as_i64()).unwrap_or_default(),
            score: if by == RankBy::Score { r.score } else { 0.0 },
            outlet: text(fields.outlet),
            published: doc.get_first(fields.published).and_then(|v| v.as_i64()).and_then(key_date),
            sources: doc.get_all(fields.source).filter_map(|v| v.as_str().map(str::to_string)).collect(),
            title,
            snippet: snippet.html,
            snippet_text: snippet.text,
            highlights: snippet.highlights,
        });
    }
    Ok(SearchResults { total, hits, facets, took_ms: t0.elapsed().as_secs_f64() * 1e3 })
}

/// How many articles match `query`, by publication period (`yyyymm` for months,
/// `yyyy` for years; undated articles are not counted), within `budget`.
pub fn count_by_period(
    searcher: &Searcher,
    fields: &Fields,
    query: &str,
    by: Period,
    budget: &Arc<Budget>,
) -> Result<BTreeMap<i64, u64>, QueryError> {
    let node = parse(query)?;
    let compiled = compile(searcher, fields, &node, budget)?;
    let query = Cancellable::new(compiled.query, budget.clone());
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher)).map_err(internal)?;
    let counts = collect(searcher, weight.as_ref(), &PeriodCounts(by), budget)?;
    if budget.exhausted() {
        return Err(stopped(budget));
    }
    Ok(counts)
}

/// `Searcher::search` with a weight built once and shared by several collectors,
/// stopping between segments when the budget is spent.
fn collect<C: Collector>(
    searcher: &Searcher,
    weight: &dyn Weight,
    collector: &C,
    budget: &Budget,
) -> Result<C::Fruit, QueryError> {
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        if budget.exhausted() {
            return Err(stopped(budget));
        }
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
    budget: &Arc<Budget>,
) -> Result<Vec<i64>, QueryError> {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{BooleanQuery, Occur, TermSetQuery};
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    let node = parse(query)?;
    let compiled = compile(searcher, fields, &node, budget)?;
    let ids = TermSetQuery::new(articles.iter().map(|&a| crate::schema::article_term(fields, a)));
    let both = BooleanQuery::new(vec![
        (Occur::Must, compiled.query.box_clone()),
        (Occur::Must, Box::new(ids) as Box<dyn Query>),
    ]);
    let both = Cancellable::new(Box::new(both), budget.clone());
    let weight = both.weight(EnableScoring::disabled_from_searcher(searcher)).map_err(internal)?;
    let docs = collect(searcher, weight.as_ref(), &DocSetCollector, budget)?;
    if budget.exhausted() {
        return Err(stopped(budget));
    }
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
