//! Full-text search as users ask for it: a query in the search language narrowed by
//! the search form's filters (outlet, language, event type, and dates in the one
//! grammar), one page of it in the order asked for. The CLI, the API and the search
//! page run searches through here.

use std::sync::Arc;

use annalist_index::{Budget, Index, SearchRequest, SearchResults, Sort};

use crate::QueryError;
use crate::filter::{Spelling, parse_date};

/// A search and its filters, as given (empty values count as absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchQuery<'a> {
    pub q: Option<&'a str>,
    pub outlet: Option<&'a str>,
    pub lang: Option<&'a str>,
    /// An event type the article states.
    pub kind: Option<&'a str>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
}

impl SearchQuery<'_> {
    /// The query the index runs: `(q) AND outlet:"…" AND lang:"…" AND type:"…" AND
    /// published:SINCE..UNTIL`. Filter values lose quotes and backslashes (they are
    /// values, not query syntax); dates are checked against the one date grammar.
    pub fn compose(&self, sp: Spelling) -> Result<String, QueryError> {
        let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let clean = |v: Option<&str>| given(v).map(|v| v.replace(['"', '\\'], "")).filter(|v| !v.is_empty());
        let mut parts = Vec::new();
        if let Some(q) = given(self.q) {
            parts.push(format!("({q})"));
        }
        for (field, v) in [("outlet", self.outlet), ("lang", self.lang), ("type", self.kind)] {
            if let Some(v) = clean(v) {
                parts.push(format!("{field}:\"{v}\""));
            }
        }
        let (since, until) = (clean(self.since), clean(self.until));
        if since.is_some() || until.is_some() {
            for (name, d) in [("since", &since), ("until", &until)] {
                if let Some(d) = d {
                    parse_date(d, name, sp)?;
                }
            }
            parts.push(format!("published:{}..{}", since.unwrap_or_default(), until.unwrap_or_default()));
        }
        if parts.is_empty() {
            return Err(QueryError::invalid(format!(
                "{}: a query is required",
                sp.label("q", "").trim_end_matches([' ', '='])
            )));
        }
        Ok(parts.join(" AND "))
    }
}

/// One page of `query`'s hits (with snippets and facets) within `budget`.
pub fn search(
    index: &Index,
    query: String,
    sort: Sort,
    limit: usize,
    offset: usize,
    budget: &Arc<Budget>,
) -> Result<SearchResults, QueryError> {
    let req = SearchRequest { query, limit, offset, sort, facets: true, snippets: true };
    Ok(index.search_within(&req, budget)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_query_clauses() {
        let q = SearchQuery {
            q: Some(" putin "),
            outlet: Some("KC\"NA"),
            since: Some("2011-05"),
            ..Default::default()
        };
        assert_eq!(
            q.compose(Spelling::Param).unwrap(),
            "(putin) AND outlet:\"KCNA\" AND published:2011-05.."
        );
        let bad = SearchQuery { q: Some("a"), until: Some("x<y"), ..Default::default() };
        assert_eq!(
            bad.compose(Spelling::Param).unwrap_err().to_string(),
            "until=x<y: expected a date YYYY, YYYY-MM or YYYY-MM-DD"
        );
        assert_eq!(
            SearchQuery::default().compose(Spelling::Param).unwrap_err().to_string(),
            "q: a query is required"
        );
    }
}
