//! Queries shared by the API and the pages: merged events, filters, trends.

use std::collections::BTreeMap;

use annalist_index::{Index, SearchRequest, Sort};
use annalist_model::{EventType, PartialDate};
use annalist_store::Store;
use annalist_understand::{CanonicalEvent, Kb, merge};
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::ApiError;

/// Every asserted event in the archive, merged (one per real event), oldest first,
/// with the URL of each reporting article. Loaded at start and after each write.
pub struct Events {
    pub all: Vec<CanonicalEvent>,
    pub urls: BTreeMap<i64, String>,
}

impl Events {
    pub fn load(store: &Store) -> anyhow::Result<Events> {
        let rows = store.events(false)?;
        let mut urls = BTreeMap::new();
        let mut input = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(u) = r.url {
                urls.insert(r.article_id, u);
            }
            input.push((r.article_id, r.doc, r.event));
        }
        let mut all = merge(&input);
        all.sort_by(|x, y| (x.event.date, &x.id).cmp(&(y.event.date, &y.id)));
        Ok(Events { all, urls })
    }
}

pub use annalist_understand::EventFilter;

/// The filters of `/api/v1/events` (the same as `annalist events`) from query values.
pub fn parse_event_filter(
    dyad: Option<&str>,
    kind: Option<&str>,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<EventFilter, ApiError> {
    let date = |s: Option<&str>, what: &str| {
        s.filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<PartialDate>()
                    .map_err(|_| ApiError::bad(format!("{what}={s}: expected YYYY, YYYY-MM or YYYY-MM-DD")))
            })
            .transpose()
    };
    Ok(EventFilter {
        dyad: dyad.filter(|s| !s.is_empty()).map(parse_dyad).transpose()?,
        kind: kind
            .filter(|s| !s.is_empty())
            .map(|k| EventType::parse(k).ok_or_else(|| ApiError::bad(format!("type={k}: not an event type"))))
            .transpose()?,
        since: date(since, "since")?,
        until: date(until, "until")?,
        entity: None,
    })
}

pub fn parse_dyad(s: &str) -> Result<(String, String), ApiError> {
    match s.split_once(['-', ',', '/']) {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => {
            Ok((a.to_ascii_lowercase(), b.to_ascii_lowercase()))
        }
        _ => Err(ApiError::bad(format!("dyad={s}: expected two state codes like prk-rus"))),
    }
}

/// The first name the knowledge base gives an entity, else its id.
pub fn name(kb: &Kb, id: &str) -> String {
    kb.entity(id).and_then(|e| e.names.first().cloned()).unwrap_or_else(|| id.to_string())
}

/// The first name the knowledge base gives an entity, else its id (borrowed).
fn name_ref<'a>(kb: &'a Kb, id: &'a str) -> &'a str {
    kb.entity(id).and_then(|e| e.names.first()).map(String::as_str).unwrap_or(id)
}

/// A merged event as JSON: the event's own fields, its id, the names of actor,
/// target and place, its CAMEO root and quad class, and every report with its
/// article, evidence and URL. It borrows from the loaded events and is serialized
/// straight to the response: building a JSON tree first made lists of 100 events
/// mostly allocation.
#[derive(Serialize)]
pub struct EventJson<'a> {
    #[serde(flatten)]
    event: &'a annalist_model::Event,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place_name: Option<&'a str>,
    cameo_root: &'a str,
    quad_class: u8,
    reports: Vec<ReportJson<'a>>,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    article: i64,
    doc: &'a str,
    evidence: &'a str,
    date: Option<String>,
    url: Option<&'a str>,
}

pub fn event_json<'a>(kb: &'a Kb, events: &'a Events, e: &'a CanonicalEvent) -> EventJson<'a> {
    let ev = &e.event;
    let name = |who: &'a Option<String>| who.as_deref().map(|id| name_ref(kb, id));
    EventJson {
        event: ev,
        id: &e.id,
        actor_name: name(&ev.actor),
        target_name: name(&ev.target),
        place_name: name(&ev.place),
        cameo_root: annalist_understand::cameo_root(&ev.cameo),
        quad_class: annalist_understand::quad_class(&ev.cameo),
        reports: e
            .reports
            .iter()
            .map(|r| ReportJson {
                article: r.article,
                doc: &r.doc,
                evidence: &r.evidence,
                date: r.date.map(|d| d.to_string()),
                url: events.urls.get(&r.article).map(String::as_str),
            })
            .collect(),
    }
}

/// A state id the knowledge base knows, lower-cased.
pub fn resolve_state(kb: &Kb, s: &str) -> Result<String, ApiError> {
    let id = s.to_ascii_lowercase();
    if kb.is_country(&id) {
        return Ok(id);
    }
    Err(ApiError::not_found(format!("{s}: not a state id the knowledge base knows (e.g. prk, rus)")))
}

/// Granularity of trends.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum By {
    Month,
    Year,
}

/// At most this many phrases compared at once.
pub const MAX_TERMS: usize = 5;
/// At most this many periods in one trend (50 years by month).
pub const MAX_PERIODS: usize = 600;

/// One to [`MAX_TERMS`] terms.
pub fn check_terms(terms: &[String]) -> Result<(), ApiError> {
    if terms.is_empty() {
        return Err(ApiError::bad("terms: give one to five phrases separated by |"));
    }
    if terms.len() > MAX_TERMS {
        return Err(ApiError::bad(format!("terms: at most {MAX_TERMS} phrases")));
    }
    Ok(())
}

/// The number of articles matching `q` (no hits, no snippets: cheap).
fn count(index: &Index, q: String) -> Result<usize, ApiError> {
    let req = SearchRequest {
        query: q,
        limit: 0,
        offset: 0,
        sort: Sort::Relevance,
        facets: false,
        snippets: false,
    };
    index.search(&req).map(|r| r.total).map_err(|e| ApiError::bad(e.to_string()))
}

/// The periods of a trend and the articles published in each: the span the archive
/// covers (narrowed by `since`/`until`), without empty periods at either end. The
/// same for every trend over the same span, so the server keeps them
/// (`App::trend_periods`).
pub type Periods = (Vec<String>, Vec<usize>);

pub fn periods(index: &Index, by: By, since: Option<&str>, until: Option<&str>) -> Result<Periods, ApiError> {
    // The span: the years the whole archive covers (by one facet count), narrowed.
    let all = index
        .search(&SearchRequest {
            query: "published:..9999-12-31".into(),
            limit: 0,
            offset: 0,
            sort: Sort::Relevance,
            facets: true,
            snippets: false,
        })
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let years: Vec<i32> = all.facets.map(|f| f.years.iter().map(|(y, _)| *y).collect()).unwrap_or_default();
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let clip = |s: Option<&str>, default: i32| -> Result<i32, ApiError> {
        match s.filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => s
                .get(..4)
                .and_then(|y| y.parse().ok())
                .ok_or_else(|| ApiError::bad(format!("{s}: expected a year (YYYY)"))),
        }
    };
    let (from, to) = (clip(since, first)?.max(first), clip(until, last)?.min(last));
    let mut periods = Vec::new();
    for y in from..=to {
        match by {
            By::Year => periods.push(format!("{y:04}")),
            By::Month => periods.extend((1..=12).map(|m| format!("{y:04}-{m:02}"))),
        }
        if periods.len() > MAX_PERIODS {
            return Err(ApiError::bad(format!(
                "too many periods (at most {MAX_PERIODS}): narrow since/until"
            )));
        }
    }
    // Months before the first or after the last article are left out.
    let totals: Vec<usize> =
        periods.iter().map(|p| count(index, format!("published:{p}"))).collect::<Result<_, _>>()?;
    let keep: Vec<usize> = match (totals.iter().position(|&n| n > 0), totals.iter().rposition(|&n| n > 0)) {
        (Some(a), Some(b)) => (a..=b).collect(),
        _ => Vec::new(),
    };
    Ok((keep.iter().map(|&i| periods[i].clone()).collect(), keep.iter().map(|&i| totals[i]).collect()))
}

/// Counts of each term per period: raw matching articles, and per 1,000 articles
/// published in the period. One index count per (term, period); the periods and
/// their totals come from [`periods`].
pub fn trends(index: &Index, terms: &[String], by: By, span: &Periods) -> Result<Value, ApiError> {
    check_terms(terms)?;
    let (periods, totals) = span;
    let mut series = Vec::new();
    for t in terms {
        // Check the term alone first, so an error names the user's own column.
        count(index, t.clone())?;
        let mut raw = Vec::with_capacity(periods.len());
        let mut per = Vec::with_capacity(periods.len());
        for (p, &total) in periods.iter().zip(totals) {
            let n = count(index, format!("({t}) AND published:{p}"))?;
            raw.push(n);
            per.push(if total > 0 {
                (n as f64 * 1000.0 / total as f64 * 100.0).round() / 100.0
            } else {
                0.0
            });
        }
        series.push(json!({"term": t, "counts": raw, "per_1000": per}));
    }
    Ok(json!({"by": by_str(by), "periods": periods, "totals": totals, "series": series}))
}

fn by_str(by: By) -> &'static str {
    match by {
        By::Month => "month",
        By::Year => "year",
    }
}
