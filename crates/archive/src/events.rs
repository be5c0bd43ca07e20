//! Merged events: the snapshot every event query reads, the one JSON shape of a
//! merged event ([`EventView`]), pages of them and timelines of two states.

use std::collections::BTreeMap;

use annalist_model::Event;
use annalist_store::Store;
use annalist_understand::{CanonicalEvent, EventFilter, Kb, merge};
use serde::Serialize;

use crate::QueryError;
use crate::filter::EventQuery;
use crate::states::{name, name_ref, resolve_state};

/// Every asserted event in the archive merged (one per real event), oldest first,
/// with the URL of each reporting article. The CLI loads it once per command; the
/// server at start and after each write.
#[derive(Debug, Default)]
pub struct MergedEvents {
    pub all: Vec<CanonicalEvent>,
    pub urls: BTreeMap<i64, String>,
}

impl MergedEvents {
    pub fn load(store: &Store) -> Result<MergedEvents, QueryError> {
        let rows = store.events(false)?;
        let mut urls = BTreeMap::new();
        let mut input = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(u) = r.url {
                urls.insert(r.article_id, u);
            }
            input.push((r.article_id, r.doc, r.event));
        }
        Ok(MergedEvents::from_reports(&input, urls))
    }

    /// Merge reports given as (article, document, event), e.g. read from standard
    /// input by `annalist merge`.
    pub fn from_reports(input: &[(i64, String, Event)], urls: BTreeMap<i64, String>) -> MergedEvents {
        let mut all = merge(input);
        all.sort_by(|x, y| (x.event.date, &x.id).cmp(&(y.event.date, &y.id)));
        MergedEvents { all, urls }
    }

    /// The events `filter` keeps, oldest first.
    pub fn matching<'a>(&'a self, filter: &EventFilter) -> Vec<&'a CanonicalEvent> {
        self.all.iter().filter(|e| filter.keep(e)).collect()
    }

    /// One merged event in its JSON shape.
    pub fn view<'a>(&'a self, kb: &'a Kb, e: &'a CanonicalEvent) -> EventView<'a> {
        EventView::new(kb, &self.urls, e)
    }

    /// `limit` events from `offset` among those `filter` keeps, with their total.
    pub fn page<'a>(
        &'a self,
        kb: &'a Kb,
        filter: &EventFilter,
        limit: usize,
        offset: usize,
    ) -> EventPage<'a> {
        let matching = self.matching(filter);
        EventPage {
            total: matching.len(),
            limit,
            offset,
            events: matching.into_iter().skip(offset).take(limit).map(|e| self.view(kb, e)).collect(),
        }
    }
}

/// A merged event as every front end shows it: the event's own fields, its id, the
/// names of actor, target and place, its CAMEO root and quad class, and every report
/// with its article, document, evidence, date and URL. It borrows from the snapshot
/// and is serialized straight out: building a JSON tree first made lists of 100
/// events mostly allocation.
#[derive(Debug, Serialize)]
pub struct EventView<'a> {
    #[serde(flatten)]
    pub event: &'a Event,
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place_name: Option<&'a str>,
    pub cameo_root: &'a str,
    pub quad_class: u8,
    pub reports: Vec<ReportView<'a>>,
}

/// One article's report of a merged event.
#[derive(Debug, Serialize)]
pub struct ReportView<'a> {
    pub article: i64,
    pub doc: &'a str,
    pub evidence: &'a str,
    pub date: Option<String>,
    /// The reporting article's URL, when the caller looked it up and it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
}

impl<'a> EventView<'a> {
    pub fn new(kb: &'a Kb, urls: &'a BTreeMap<i64, String>, e: &'a CanonicalEvent) -> EventView<'a> {
        let ev = &e.event;
        let name = |who: &'a Option<String>| who.as_deref().map(|id| name_ref(kb, id));
        EventView {
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
                .map(|r| ReportView {
                    article: r.article,
                    doc: &r.doc,
                    evidence: &r.evidence,
                    date: r.date.map(|d| d.to_string()),
                    url: urls.get(&r.article).map(String::as_str),
                })
                .collect(),
        }
    }
}

/// A page of merged events: how many match, which slice this is, the events.
#[derive(Debug, Serialize)]
pub struct EventPage<'a> {
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub events: Vec<EventView<'a>>,
}

/// The merged events between two states, oldest first.
#[derive(Debug, Serialize)]
pub struct Timeline<'a> {
    pub a: String,
    pub b: String,
    pub a_name: String,
    pub b_name: String,
    #[serde(flatten)]
    pub page: EventPage<'a>,
}

/// The timeline of the states `a` and `b` (ids or names the knowledge base knows),
/// narrowed by `q`'s type and dates; `q`'s own pair, if any, is replaced.
pub fn timeline<'a>(
    kb: &'a Kb,
    events: &'a MergedEvents,
    a: &str,
    b: &str,
    q: &EventQuery,
    limit: usize,
    offset: usize,
) -> Result<Timeline<'a>, QueryError> {
    let (a, b) = (resolve_state(kb, a)?, resolve_state(kb, b)?);
    let mut filter = q.filter.clone();
    filter.dyad = Some((a.clone(), b.clone()));
    let page = events.page(kb, &filter, limit, offset);
    Ok(Timeline { a_name: name(kb, &a), b_name: name(kb, &b), a, b, page })
}
