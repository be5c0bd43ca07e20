//! Merging the same real event reported by many articles into one canonical event.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use annalist_model::{Date, Event, EventType, PartialDate};
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
    /// date, place and the two parties' entity ids.
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

/// Longest span, in days, a merged event may cover: a state visit lasts days, one
/// report's stated span ("from 20 to 27 August") more would be a misreading.
const MAX_SPAN_DAYS: i64 = 31;

/// One side of two reports names the same party: the same entity, or one of them only
/// the state the other belongs to ("the DPRK" and "Kim Jong Il"), or one leaves it out.
fn side_agrees(a: &Option<String>, ac: &Option<String>, b: &Option<String>, bc: &Option<String>) -> bool {
    if a.is_none() || b.is_none() || a == b {
        return true;
    }
    ac.is_some() && ac == bc && (a == ac || b == bc)
}

/// The parties of a group being built: the most specific entity seen on each side.
#[derive(Clone)]
struct Sides {
    actor: Option<String>,
    actor_country: Option<String>,
    target: Option<String>,
    target_country: Option<String>,
}

impl Sides {
    fn of(e: &Event) -> Sides {
        Sides {
            actor: e.actor.clone(),
            actor_country: e.actor_country.clone(),
            target: e.target.clone(),
            target_country: e.target_country.clone(),
        }
    }

    /// Whether `e` names the same parties, straight or (for symmetric types and
    /// receptions) crossed; `Some(crossed)` when it does.
    fn agrees(&self, e: &Event) -> Option<bool> {
        let straight = side_agrees(&e.actor, &e.actor_country, &self.actor, &self.actor_country)
            && side_agrees(&e.target, &e.target_country, &self.target, &self.target_country);
        if straight {
            return Some(false);
        }
        let crossed = (e.kind.symmetric() || e.kind == EventType::Reception)
            && side_agrees(&e.actor, &e.actor_country, &self.target, &self.target_country)
            && side_agrees(&e.target, &e.target_country, &self.actor, &self.actor_country);
        crossed.then_some(true)
    }

    /// Keeps the more specific entity of each side.
    fn absorb(&mut self, e: &Event, crossed: bool) {
        let (a, ac, t, tc) = if crossed {
            (&e.target, &e.target_country, &e.actor, &e.actor_country)
        } else {
            (&e.actor, &e.actor_country, &e.target, &e.target_country)
        };
        let better = |mine: &Option<String>, my_c: &Option<String>, theirs: &Option<String>| {
            theirs.is_some() && (mine.is_none() || (mine == my_c && theirs != my_c))
        };
        if better(&self.actor, &self.actor_country, a) {
            self.actor = a.clone();
            self.actor_country = ac.clone().or(self.actor_country.take());
        }
        if better(&self.target, &self.target_country, t) {
            self.target = t.clone();
            self.target_country = tc.clone().or(self.target_country.take());
        }
    }
}

/// A group of reports of one real event, while merging.
struct Group {
    members: Vec<usize>,
    /// Days covered by the day-precision reports (None while it has none).
    span: Option<(Date, Date)>,
    /// The period a group of lower-precision reports names.
    period: Option<PartialDate>,
    sides: Sides,
    place: Option<String>,
}

impl Group {
    fn place_ok(&self, e: &Event) -> bool {
        match (&self.place, &e.place) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    fn add(&mut self, i: usize, e: &Event, crossed: bool, span: Option<(Date, Date)>) {
        self.members.push(i);
        self.sides.absorb(e, crossed);
        if self.place.is_none() {
            self.place = e.place.clone();
        }
        if let Some((f, l)) = span {
            self.span = Some(self.span.map_or((f, l), |(a, b)| (a.min(f), b.max(l))));
        }
    }
}

/// The days a day-precision report covers: its date, through its stated end.
fn day_span(e: &Event) -> Option<(Date, Date)> {
    let d = e.date.filter(|d| d.precision() == 2)?;
    let first = d.first_day()?;
    let last = e.date_end.and_then(|x| x.last_day()).filter(|l| *l >= first).unwrap_or(first);
    ((last - first).get_days() as i64 <= MAX_SPAN_DAYS).then_some((first, last))
}

/// Groups one bucket (one type, one pair of states) into real events:
/// 1. day-precision reports join a group whose days overlap theirs (a group never
///    spans more than [`MAX_SPAN_DAYS`]), with the same parties and place;
/// 2. a month- or year-precision report joins the one dated group of its period with
///    the same parties and place — when two or more fit, or none, it joins (or opens)
///    a group of reports stating that same period, never a dated one.
///
/// A group's parties are entities, not only states: reports of two delegations, or
/// messages of three senders, stay apart.
fn group_bucket(events: &[(i64, String, Event)], idx: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Group> = Vec::new();
    let (mut dated, mut vague): (Vec<usize>, Vec<usize>) =
        idx.iter().partition(|&&i| day_span(&events[i].2).is_some());
    dated.sort_by_key(|&i| day_span(&events[i].2).map(|(f, _)| f));
    // groups whose span may still be reached by later (sorted) reports
    let mut open: Vec<usize> = Vec::new();
    for &i in &dated {
        let e = &events[i].2;
        let (f, l) = day_span(e).expect("dated");
        open.retain(|&g| groups[g].span.is_some_and(|(_, b)| b >= f));
        let fit = open.iter().copied().find_map(|g| {
            let gr = &groups[g];
            let (a, b) = gr.span?;
            let joined = (b.max(l) - a.min(f)).get_days() as i64;
            if f > b || l < a || joined > MAX_SPAN_DAYS || !gr.place_ok(e) {
                return None;
            }
            gr.sides.agrees(e).map(|c| (g, c))
        });
        match fit {
            Some((g, crossed)) => groups[g].add(i, e, crossed, Some((f, l))),
            None => {
                groups.push(Group {
                    members: vec![i],
                    span: Some((f, l)),
                    period: None,
                    sides: Sides::of(e),
                    place: e.place.clone(),
                });
                open.push(groups.len() - 1);
            }
        }
    }
    // months before years, so a year-only report can find a month group
    vague.sort_by_key(|&i| std::cmp::Reverse(events[i].2.date.map_or(0, |d| d.precision())));
    for &i in &vague {
        let e = &events[i].2;
        let Some(d) = e.date else {
            groups.push(Group {
                members: vec![i],
                span: None,
                period: None,
                sides: Sides::of(e),
                place: None,
            });
            continue;
        };
        let (Some(pf), Some(pl)) = (d.first_day(), d.last_day()) else {
            groups.push(Group {
                members: vec![i],
                span: None,
                period: None,
                sides: Sides::of(e),
                place: None,
            });
            continue;
        };
        let within = |gr: &Group| match (gr.span, gr.period) {
            (Some((a, b)), _) => a >= pf && b <= pl,
            (None, Some(p)) => p.compatible(d) && p.precision() >= d.precision(),
            _ => false,
        };
        let fits: Vec<(usize, bool)> = groups
            .iter()
            .enumerate()
            .filter(|(_, gr)| within(gr) && gr.place_ok(e))
            .filter_map(|(g, gr)| gr.sides.agrees(e).map(|c| (g, c)))
            .collect();
        let same_period =
            fits.iter().copied().find(|&(g, _)| groups[g].span.is_none() && groups[g].period == Some(d));
        let pick = if fits.len() == 1 { Some(fits[0]) } else { same_period };
        match pick {
            Some((g, crossed)) => groups[g].add(i, e, crossed, None),
            None => groups.push(Group {
                members: vec![i],
                span: None,
                period: Some(d),
                sides: Sides::of(e),
                place: e.place.clone(),
            }),
        }
    }
    groups.into_iter().map(|g| g.members).collect()
}

/// Groups events from many articles into canonical events. Deterministic whatever
/// the input order; ids are stable while the merged event is unchanged. Merging
/// never joins two real events: see [`group_bucket`].
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
    let rank: Vec<usize> = {
        let mut r = vec![0; events.len()];
        for (k, &i) in order.iter().enumerate() {
            r[i] = k;
        }
        r
    };
    // bucket by type + sorted dyad so comparisons stay small
    let mut buckets: BTreeMap<(EventType, (String, String)), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let e = &events[i].2;
        buckets.entry((e.kind, sorted_dyad(e))).or_default().push(i);
    }
    let mut out: Vec<CanonicalEvent> = Vec::new();
    for idx in buckets.values() {
        for mut g in group_bucket(events, idx) {
            g.sort_by_key(|&i| rank[i]);
            out.push(canonical(events, &g));
        }
    }
    out.sort_by(|x, y| (x.event.date, x.event.kind, &x.id).cmp(&(y.event.date, y.event.kind, &y.id)));
    out
}

/// The canonical event of one group (members in input order).
fn canonical(events: &[(i64, String, Event)], g: &[usize]) -> CanonicalEvent {
    // representative: most precise date, then a named (non-state) target, then first
    let rep = *g
        .iter()
        .enumerate()
        .max_by_key(|&(k, &i)| {
            let e = &events[i].2;
            let p = e.date.map_or(0, |d| d.precision() as i32 + 1);
            let named = (e.target.is_some() && e.target != e.target_country) as i32;
            let stated = (!e.inferred) as i32;
            (p, stated, named, -(k as i32))
        })
        .map(|(_, i)| i)
        .expect("non-empty group");
    let mut event = events[rep].2.clone();
    // the event covers every day its day-precision reports state
    let spans: Vec<(Date, Date)> = g.iter().filter_map(|&i| day_span(&events[i].2)).collect();
    if let (Some(f), Some(l)) = (spans.iter().map(|s| s.0).min(), spans.iter().map(|s| s.1).max())
        && event.date.is_some_and(|d| d.precision() == 2)
        && (Some(f) != event.date.and_then(|d| d.first_day())
            || Some(l) != event.date_end.or(event.date).and_then(|d| d.last_day()))
    {
        event.date = Some(PartialDate::day(f));
        event.date_end = (l != f).then(|| PartialDate::day(l));
    }
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
    let mut sides = [event.actor.clone().unwrap_or_default(), event.target.clone().unwrap_or_default()];
    if event.kind.symmetric() {
        sides.sort();
    }
    let key = format!(
        "{}|{}|{}|{}|{}|{}|{}",
        event.kind.as_str(),
        a,
        b,
        event.date.map(|d| d.to_string()).unwrap_or_default(),
        event.place.clone().unwrap_or_default(),
        sides[0],
        sides[1],
    );
    let h = blake3::hash(key.as_bytes()).to_hex();
    CanonicalEvent { id: format!("ev-{}", &h[..12]), event, reports }
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

#[cfg(test)]
mod merge_tests {
    use super::*;

    fn ev(kind: &str, actor: &str, ac: &str, target: &str, tc: &str, date: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "type": kind, "actor": actor, "actor_country": ac, "target": target, "target_country": tc,
            "date": date, "date_end": null, "place": null, "occasion": null,
            "evidence": format!("{actor} {kind} {target} {date}"), "evidence_start": 0, "evidence_end": 5,
            "rule": "test", "cameo": "040", "goldstein": 1.0, "inferred": false
        }))
        .unwrap()
    }

    fn groups(evs: Vec<Event>) -> Vec<usize> {
        let input: Vec<(i64, String, Event)> =
            evs.into_iter().enumerate().map(|(i, e)| (i as i64, format!("d{i}"), e)).collect();
        let mut n: Vec<usize> = merge(&input).iter().map(|c| c.reports.len()).collect();
        n.sort();
        n
    }

    #[test]
    fn messages_of_different_senders_stay_apart() {
        let n = groups(vec![
            ev("message", "kim-yong-nam", "prk", "vladimir-putin", "rus", "2011-09-08"),
            ev("message", "choe-yong-rim", "prk", "vladimir-putin", "rus", "2011-09-08"),
            ev("message", "kim-yong-nam", "prk", "vladimir-putin", "rus", "2011-09-08"),
        ]);
        assert_eq!(n, vec![1, 2]);
    }

    #[test]
    fn a_year_only_report_never_bridges_two_dated_events() {
        let n = groups(vec![
            ev("visit", "kim-jong-il", "prk", "chn", "chn", "2011-05-20"),
            ev("visit", "kim-jong-il", "prk", "chn", "chn", "2011-08-25"),
            ev("visit", "kim-jong-il", "prk", "chn", "chn", "2011"),
        ]);
        assert_eq!(n, vec![1, 1, 1]);
    }

    #[test]
    fn a_month_report_joins_the_one_dated_event_of_its_month() {
        let n = groups(vec![
            ev("visit", "kim-jong-il", "prk", "rus", "rus", "2011-08-20"),
            ev("visit", "kim-jong-il", "prk", "rus", "rus", "2011-08"),
            ev("visit", "kim-jong-il", "prk", "rus", "rus", "2011-12-01"),
        ]);
        assert_eq!(n, vec![1, 2]);
    }

    #[test]
    fn the_state_and_its_leader_are_one_side_and_symmetric_types_cross() {
        let n = groups(vec![
            ev("meeting", "kim-jong-il", "prk", "dmitri-medvedev", "rus", "2011-08-24"),
            ev("meeting", "dmitri-medvedev", "rus", "kim-jong-il", "prk", "2011-08-24"),
            ev("meeting", "prk", "prk", "dmitri-medvedev", "rus", "2011-08-24"),
            ev("meeting", "kim-jong-il", "prk", "dmitri-medvedev", "rus", "2011-11-24"),
        ]);
        assert_eq!(n, vec![1, 3]);
    }

    #[test]
    fn a_merged_event_spans_its_reports_days() {
        let input: Vec<(i64, String, Event)> = [
            ev("visit", "kim-jong-il", "prk", "rus", "rus", "2011-08-20"),
            ev("visit", "kim-jong-il", "prk", "rus", "rus", "2011-08-20"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            if i == 1 {
                e.date_end = Some("2011-08-27".parse().unwrap());
            }
            (i as i64, format!("d{i}"), e)
        })
        .collect();
        let m = merge(&input);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].event.date.unwrap().to_string(), "2011-08-20");
        assert_eq!(m[0].event.date_end.unwrap().to_string(), "2011-08-27");
    }
}
