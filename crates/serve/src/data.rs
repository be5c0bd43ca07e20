//! Queries shared by the API and the pages: merged events, filters, trends.

use std::collections::BTreeMap;

use std::sync::Arc;

use annalist_index::{Budget, Index};
use annalist_model::{EventType, PartialDate};
use annalist_store::Store;
use annalist_understand::{CanonicalEvent, Kb, merge};
use serde::Serialize;

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
pub use annalist_index::Period as By;

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

/// The periods of a trend (labels `YYYY` or `YYYY-MM`) and the articles published
/// in each: the span the archive covers, narrowed by `since`/`until`, without empty
/// periods at either end. The same for every trend over the same span, so the
/// server keeps them (`App::trend_periods`).
#[derive(Debug, Clone, Default)]
pub struct Periods {
    pub labels: Vec<String>,
    /// Period keys (`yyyy` or `yyyymm`), parallel to `labels`.
    pub keys: Vec<i64>,
    pub totals: Vec<u64>,
}

/// The period key of a `since`/`until` bound (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`): the
/// first (or last, for `until`) period it covers.
fn bound_key(s: &str, by: By, end: bool, name: &str) -> Result<i64, ApiError> {
    let d: PartialDate = s
        .parse()
        .map_err(|_| ApiError::bad(format!("{name}={s}: expected a date YYYY, YYYY-MM or YYYY-MM-DD")))?;
    let (y, m) = (i64::from(d.year), d.month.map(i64::from));
    Ok(match by {
        By::Year => y,
        By::Month => y * 100 + m.unwrap_or(if end { 12 } else { 1 }),
    })
}

fn next_key(k: i64, by: By) -> i64 {
    match by {
        By::Year => k + 1,
        By::Month if k % 100 == 12 => (k / 100 + 1) * 100 + 1,
        By::Month => k + 1,
    }
}

fn label(k: i64, by: By) -> String {
    match by {
        By::Year => format!("{k:04}"),
        By::Month => format!("{:04}-{:02}", k / 100, k % 100),
    }
}

pub fn periods(
    index: &Index,
    by: By,
    since: Option<&str>,
    until: Option<&str>,
    budget: &Arc<Budget>,
) -> Result<Periods, ApiError> {
    let since = since.filter(|s| !s.is_empty()).map(|s| bound_key(s, by, false, "since")).transpose()?;
    let until = until.filter(|s| !s.is_empty()).map(|s| bound_key(s, by, true, "until")).transpose()?;
    // Every dated article, counted per period in one pass.
    let totals = index.count_by_period("published:..9999-12-31", by, budget)?;
    let in_range = |k: &i64| since.is_none_or(|s| *k >= s) && until.is_none_or(|u| *k <= u);
    let nonempty: Vec<i64> = totals.iter().filter(|(k, n)| **n > 0 && in_range(k)).map(|(k, _)| *k).collect();
    let (Some(&first), Some(&last)) = (nonempty.first(), nonempty.last()) else {
        return Ok(Periods::default());
    };
    let mut out = Periods::default();
    let mut k = first;
    while k <= last {
        if out.keys.len() >= MAX_PERIODS {
            return Err(ApiError::bad(format!(
                "too many periods (at most {MAX_PERIODS}): narrow since/until"
            )));
        }
        out.labels.push(label(k, by));
        out.keys.push(k);
        out.totals.push(totals.get(&k).copied().unwrap_or(0));
        k = next_key(k, by);
    }
    Ok(out)
}

/// A trend: per period, the articles published and those matching each term.
#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    pub by: By,
    pub periods: Vec<String>,
    pub totals: Vec<u64>,
    pub series: Vec<Series>,
}

/// One term's counts, raw and per 1,000 articles published in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub term: String,
    pub counts: Vec<u64>,
    pub per_1000: Vec<f64>,
}

/// Counts of each term per period: one pass over each term's matches, bucketed by
/// publication period; the periods and their totals come from [`periods`].
pub fn trends(
    index: &Index,
    terms: &[String],
    by: By,
    span: &Periods,
    budget: &Arc<Budget>,
) -> Result<Trends, ApiError> {
    check_terms(terms)?;
    let mut series = Vec::new();
    for t in terms {
        let by_period = index.count_by_period(t, by, budget)?;
        let counts: Vec<u64> = span.keys.iter().map(|k| by_period.get(k).copied().unwrap_or(0)).collect();
        let per_1000 = counts
            .iter()
            .zip(&span.totals)
            .map(
                |(&n, &total)| {
                    if total > 0 { (n as f64 * 1000.0 / total as f64 * 100.0).round() / 100.0 } else { 0.0 }
                },
            )
            .collect();
        series.push(Series { term: t.clone(), counts, per_1000 });
    }
    Ok(Trends { by, periods: span.labels.clone(), totals: span.totals.clone(), series })
}
