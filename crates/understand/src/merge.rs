//! Merging the same real event reported by many articles into one canonical event.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use annalist_model::{Event, EventType, PartialDate};
use serde::{Deserialize, Serialize};

use crate::kb::Kb;

/// One article's report of a canonical event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub article: i64,
    pub doc: String,
    pub evidence: String,
    /// The date as that article states it.
    pub date: Option<PartialDate>,
}

/// A real-world event with every report of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanonicalEvent {
    /// Stable id: "ev-" + 12 hex digits of a hash of type, sorted dyad, most precise
    /// date and place.
    pub id: String,
    /// The representative report's event, with the most precise date of the group.
    pub event: Event,
    pub reports: Vec<Report>,
}

static BUILTIN: LazyLock<Option<Kb>> = LazyLock::new(|| Kb::builtin().ok());

/// The two states an event concerns. For most events, the actor's and the target's;
/// for receptions (which have no target), the actor's state and the other state the
/// occasion names ("76th anniversary of … relations between the DPRK and Russia"),
/// else the state of the place.
/// Which merged events to keep: by type, by pair of states (either direction, see
/// [`dyad`]), by date range (overlap at the dates' precision) and by an entity that
/// acts, is the target, or is the place. Shared by `annalist events` and the server.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub dyad: Option<(String, String)>,
    pub kind: Option<EventType>,
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub entity: Option<String>,
}

impl EventFilter {
    pub fn keep(&self, e: &CanonicalEvent) -> bool {
        let ev = &e.event;
        if self.kind.is_some_and(|k| ev.kind != k) {
            return false;
        }
        if let Some((a, b)) = &self.dyad {
            let (x, y) = dyad(ev);
            let (x, y) = (x.unwrap_or(""), y.unwrap_or(""));
            if !((x == a && y == b) || (x == b && y == a)) {
                return false;
            }
        }
        if let Some(id) = &self.entity {
            let id = Some(id.as_str());
            if ev.actor.as_deref() != id && ev.target.as_deref() != id && ev.place.as_deref() != id {
                return false;
            }
        }
        let Some(d) = ev.date else { return self.since.is_none() && self.until.is_none() };
        // An event over several days is kept when any of its days is in range.
        let end = ev.date_end.unwrap_or(d);
        if let Some(s) = self.since
            && end.last_day() < s.first_day()
        {
            return false;
        }
        if let Some(u) = self.until
            && d.first_day() > u.last_day()
        {
            return false;
        }
        true
    }
}

pub fn dyad(e: &Event) -> (Option<&str>, Option<&str>) {
    let a = e.actor_country.as_deref();
    if e.kind != EventType::Reception || e.target_country.is_some() {
        return (a, e.target_country.as_deref());
    }
    (a, related_country(e))
}

/// The other state a reception concerns (see [`dyad`]).
pub fn related_country(e: &Event) -> Option<&'static str> {
    let kb = BUILTIN.as_ref()?;
    let a = e.actor_country.as_deref();
    if let Some(occ) = &e.occasion {
        for m in kb.ac.find_iter(occ.as_str()) {
            let p = kb.patterns[m.pattern().as_usize()];
            let ent = kb.entity_at(p.entity);
            if let Some(c) = ent.country.as_deref()
                && Some(c) != a
                && crate::text::boundary_before(occ, m.start())
                && crate::text::boundary_after(occ, m.end())
            {
                return Some(c);
            }
        }
    }
    let place = e.place.as_deref()?;
    let c = kb.entity(place)?.country.as_deref()?;
    (Some(c) != a).then_some(c)
}

fn sorted_dyad(e: &Event) -> (String, String) {
    let (a, b) = dyad(e);
    let (a, b) = (a.unwrap_or("").to_string(), b.unwrap_or("").to_string());
    if e.kind.symmetric() && b < a { (b, a) } else { (a, b) }
}

fn dyads_compatible(x: &Event, y: &Event) -> bool {
    let (xa, xb) = dyad(x);
    let (ya, yb) = dyad(y);
    if xa == ya && xb == yb {
        return true;
    }
    // symmetric types, and receptions seen from either side
    (x.kind.symmetric() || x.kind == EventType::Reception) && xa == yb && xb == ya
}

fn dates_compatible(x: &Event, y: &Event) -> bool {
    match (x.date, y.date) {
        (Some(a), Some(b)) => {
            if a.compatible(b) {
                return true;
            }
            // spans: a date inside the other's span
            let inside = |d: PartialDate, s: PartialDate, e: Option<PartialDate>| {
                e.is_some_and(|e| d.first_day() >= s.first_day() && d.last_day() <= e.last_day())
            };
            inside(a, b, y.date_end) || inside(b, a, x.date_end)
        }
        _ => false,
    }
}

fn same_event(x: &Event, y: &Event) -> bool {
    x.kind == y.kind
        && dyads_compatible(x, y)
        && dates_compatible(x, y)
        && match (&x.place, &y.place) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut i = i;
    while parent[i] != r {
        let n = parent[i];
        parent[i] = r;
        i = n;
    }
    r
}

/// Groups events from many articles into canonical events. Deterministic whatever
/// the input order; ids are stable while the merged event is unchanged.
pub fn merge(events: &[(i64, String, Event)]) -> Vec<CanonicalEvent> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&events[i], &events[j]);
        (a.0, &a.1, a.2.evidence_start, a.2.kind, &a.2.actor, &a.2.target, a.2.date).cmp(&(
            b.0,
            &b.1,
            b.2.evidence_start,
            b.2.kind,
            &b.2.actor,
            &b.2.target,
            b.2.date,
        ))
    });
    // bucket by type + sorted dyad so comparisons stay small
    let mut buckets: BTreeMap<(EventType, (String, String)), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let e = &events[i].2;
        buckets.entry((e.kind, sorted_dyad(e))).or_default().push(i);
    }
    let mut parent: Vec<usize> = (0..events.len()).collect();
    for idx in buckets.values() {
        for (k, &i) in idx.iter().enumerate() {
            for &j in &idx[..k] {
                if same_event(&events[i].2, &events[j].2) {
                    let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                    if ri != rj {
                        let (lo, hi) = (ri.min(rj), ri.max(rj));
                        parent[hi] = lo;
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<CanonicalEvent> = groups
        .into_values()
        .map(|mut g| {
            g.sort_by_key(|&i| order.iter().position(|&o| o == i));
            // representative: most precise date, then a named (non-state) target, then first
            let rep = *g
                .iter()
                .max_by_key(|&&i| {
                    let e = &events[i].2;
                    let p = e.date.map_or(0, |d| d.precision() as i32 + 1);
                    let named = (e.target.is_some() && e.target != e.target_country) as i32;
                    let stated = (!e.inferred) as i32;
                    (p, stated, named, -(g.iter().position(|&x| x == i).unwrap_or(0) as i32))
                })
                .expect("non-empty group");
            let event = events[rep].2.clone();
            let reports = g
                .iter()
                .map(|&i| Report {
                    article: events[i].0,
                    doc: events[i].1.clone(),
                    evidence: events[i].2.evidence.clone(),
                    date: events[i].2.date,
                })
                .collect();
            let (a, b) = sorted_dyad(&event);
            let key = format!(
                "{}|{}|{}|{}|{}",
                event.kind.as_str(),
                a,
                b,
                event.date.map(|d| d.to_string()).unwrap_or_default(),
                event.place.clone().unwrap_or_default()
            );
            let h = blake3::hash(key.as_bytes()).to_hex();
            CanonicalEvent { id: format!("ev-{}", &h[..12]), event, reports }
        })
        .collect();
    out.sort_by(|x, y| (x.event.date, x.event.kind, &x.id).cmp(&(y.event.date, y.event.kind, &y.id)));
    out
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    fn summit() -> CanonicalEvent {
        let event: Event = serde_json::from_value(serde_json::json!({
            "type": "meeting", "actor": "kim-jong-un", "actor_country": "prk",
            "target": "vladimir-putin", "target_country": "rus",
            "date": "2019-04-24", "date_end": "2019-04-26", "place": "vladivostok", "occasion": null,
            "evidence": "talks", "evidence_start": 0, "evidence_end": 5, "rule": "test",
            "cameo": "040", "goldstein": 1.0, "inferred": false
        }))
        .unwrap();
        CanonicalEvent { id: "ev-x".into(), event, reports: Vec::new() }
    }

    #[test]
    fn a_range_keeps_an_event_when_any_of_its_days_is_in_it() {
        let day = |s: &str| Some(s.parse::<PartialDate>().unwrap());
        let f = |since: &str, until: &str| EventFilter {
            since: day(since),
            until: day(until),
            ..Default::default()
        };
        assert!(f("2019-04-25", "2019-04-25").keep(&summit()), "the middle day of a three-day summit");
        assert!(f("2019-04-26", "2019-12-31").keep(&summit()), "its last day");
        assert!(f("2019-01-01", "2019-04-24").keep(&summit()), "its first day");
        assert!(!f("2019-04-27", "2019-12-31").keep(&summit()), "after it");
        assert!(!f("2019-01-01", "2019-04-23").keep(&summit()), "before it");
    }
}
