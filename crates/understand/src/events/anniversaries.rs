//! Events dated by an anniversary or recalled: diplomatic relations and treaties
//! whose "Nth anniversary" is celebrated, and a meeting recalled by its year.

use std::sync::LazyLock;

use annalist_model::{EntityKind, Event, EventStatus, EventType, PartialDate};
use regex::Regex;

use super::sentence::MODAL_CLAUSE;
use super::{Ctx, Sentence, asserted, is_demonym, np_entity};
use crate::cameo;

pub(super) static ANNIV_RELATIONS: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?:establishment|establishing|forging)\s+of\s+(?:the\s+)?diplomatic\s+(?:relations|ties)\s+between\b"
);

pub(super) static ANNIV_TREATY: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?:(?:conclusion|signing|signature|adoption)\s+of\s+(?:the\s+)?)?(?P<what>[^,.;]{0,100}?\b(?:treaty|agreement|declaration|accord|joint\s+statement|communiqu[eé]))\b"
);

pub(super) static RECALLED_MEETING: LazyLock<Regex> =
    lazy_regex!(r"(?i)\bthe\s+(?P<y>(?:19|20)\d\d)\s+(?:summit\s+)?(?:meeting|summit|talks)\b");

/// "the agreements reached at the 2019 meeting in Vladivostok": a meeting whose sides
/// are not named again, recalled in a message between the same two people.
pub(super) fn meeting_recalled(s: &Sentence<'_>, out: &mut Vec<Event>) {
    let Sentence { ctx, ss, se, .. } = *s;
    let Some(c) = RECALLED_MEETING.captures(&ctx.body[ss..se]) else {
        return;
    };
    let Ok(y) = c["y"].parse::<i16>() else { return };
    let Some(prev) = out
        .iter()
        .rev()
        .find(|e| {
            matches!(e.kind, EventType::Message | EventType::Meeting)
                && e.target.is_some()
                && e.target != e.target_country
        })
        .cloned()
    else {
        return;
    };
    let m = c.get(0).expect("match");
    let (ms, me) = (ss + m.start(), ss + m.end());
    if out.iter().any(|e| e.kind == EventType::Meeting && e.evidence_start <= ms && ms < e.evidence_end) {
        return;
    }
    let place_m = ctx.in_range(me, (me + 40).min(se)).find(|x| x.kind == EntityKind::Place);
    let ev_end = place_m.map_or(me, |p| p.end);
    out.push(Event {
        kind: EventType::Meeting,
        date: Some(PartialDate::year(y)),
        date_end: None,
        place: place_m.map(|p| p.id.clone()),
        occasion: None,
        evidence: ctx.body[ms..ev_end].to_string(),
        evidence_start: ms,
        evidence_end: ev_end,
        rule: "meeting_recalled".into(),
        cameo: "040".into(),
        goldstein: cameo::goldstein("040"),
        inferred: false,
        reasoning: Some("sides taken from the message that recalls the meeting".into()),
        status: EventStatus::Asserted,
        ..prev
    });
}

/// "the 76th anniversary of the establishment of diplomatic relations between A and B"
/// dates the establishment to the anniversary year minus 76.
pub(super) fn relations_from_anniversaries(ctx: &Ctx<'_>, out: &mut Vec<Event>) {
    for c in ANNIV_RELATIONS.captures_iter(ctx.body) {
        let m = c.get(0).expect("match");
        let Ok(n) = c["n"].parse::<i16>() else { continue };
        let (ms, me) = (m.start(), m.end());
        let se = ctx.sentences.iter().find(|&&(a, b)| a <= ms && me <= b).map_or(ctx.body.len(), |s| s.1);
        let Some(a) = np_entity(ctx, me, se, true) else { continue };
        let rest = &ctx.body[a.end..se];
        let Some(and) = rest.find(" and ").map(|p| a.end + p + 5) else {
            continue;
        };
        let Some(b) = np_entity(ctx, and, se, true) else { continue };
        // the year the anniversary is celebrated: the date of the sentence, else the
        // publication year
        let Some(year) = anniversary_year(ctx, ms, me) else { continue };
        let base = year - n;
        let date = Some(PartialDate::year(base));
        let ev = asserted(
            ctx.body,
            EventType::RelationsEstablished,
            "relations_anniversary",
            "054",
            (ms, b.end.min(se)),
            date,
        );
        out.push(Event {
            actor: Some(a.country.clone().unwrap_or_else(|| a.id.clone())),
            actor_country: a.country.clone(),
            target: Some(b.country.clone().unwrap_or_else(|| b.id.clone())),
            target_country: b.country.clone(),
            inferred: true,
            reasoning: Some(format!(
                "{n}th anniversary celebrated in {year}: relations established in {base}"
            )),
            ..ev
        });
    }
}

/// The year an anniversary mentioned at `ms..me` is celebrated: the year of a date in
/// the same sentence, else the article's (possibly inferred) publication year.
pub(super) fn anniversary_year(ctx: &Ctx<'_>, ms: usize, me: usize) -> Option<i16> {
    ctx.dates
        .iter()
        .find(|d| ctx.sentences.iter().any(|&(x, y)| x <= ms && me <= y && d.start >= x && d.end <= y))
        .map(|d| d.date.year)
        .or(ctx.anchor.map(|d| d.year()))
}

/// "the 50th anniversary of the conclusion of the DPRK-China treaty of friendship" (or
/// "… of the treaty … between A and B") dates the signing of an agreement between
/// the two states named to the anniversary year minus 50.
pub(super) fn treaties_from_anniversaries(ctx: &Ctx<'_>, out: &mut Vec<Event>) {
    for c in ANNIV_TREATY.captures_iter(ctx.body) {
        let m = c.get(0).expect("match");
        let what = c.name("what").expect("what group");
        let Ok(n) = c["n"].parse::<i16>() else { continue };
        let (ms, me) = (m.start(), m.end());
        let se = ctx.sentences.iter().find(|&&(a, b)| a <= ms && me <= b).map_or(ctx.body.len(), |s| s.1);
        // The parties: states named in the treaty's name ("DPRK-China treaty"), or in a
        // "between A and B" that follows it within the same clause.
        let mut end = what.end();
        let tail = &ctx.body[end..se];
        if let Some(b) = tail.find(" between ")
            && b < 80
        {
            end = (end + b + 9 + 80).min(se);
        }
        let mut states: Vec<&str> = Vec::new();
        for mention in ctx.in_range(what.start(), end) {
            let state = match mention.kind {
                EntityKind::Country => Some(mention.id.as_str()),
                _ => None,
            };
            if let Some(st) = state
                && !states.contains(&st)
            {
                states.push(st);
            }
        }
        let [a, b] = states[..] else { continue };
        let Some(year) = anniversary_year(ctx, ms, me) else { continue };
        let base = year - n;
        let date = Some(PartialDate::year(base));
        let ev =
            asserted(ctx.body, EventType::Agreement, "treaty_anniversary", "057", (ms, what.end()), date);
        out.push(Event {
            actor: Some(a.to_string()),
            actor_country: Some(a.to_string()),
            target: Some(b.to_string()),
            target_country: Some(b.to_string()),
            inferred: true,
            reasoning: Some(format!("{n}th anniversary celebrated in {year}: signed in {base}")),
            ..ev
        });
    }
}

/// A visit named as a noun with its visitor: "Kim Jong Il's visit to China", "during
/// his recent visit to Germany".
pub(super) static VISIT_NOUN: LazyLock<Regex> = lazy_regex!(
    r"(?:(?-u:\b)(?P<pron>[Hh]is|[Hh]er)|(?P<poss>'s|’s))\s+(?P<mods>(?:[A-Za-z-]+\s+){0,4}?)visits?\s+to\s+"
);

/// "the 15th anniversary of" right before a visit named as a noun (and its possessor).
pub(super) static VISIT_ANNIVERSARY: LazyLock<Regex> = lazy_regex!(
    r"(?i)(?-u:\b)(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?:[a-z]+\s+){0,2}$"
);

/// How far before the match its possessor starts: "Kim Jong Il" of "Kim Jong Il's" (the
/// match starts at "'s"), nothing for "his".
fn actor_len(possessive: bool, actor: &annalist_model::Mention, ms: usize) -> usize {
    if possessive { ms.saturating_sub(actor.start) } else { 0 }
}

/// Words that make a visit named as a noun one yet to happen.
const NOT_YET: &[&str] = &[
    "forthcoming",
    "upcoming",
    "planned",
    "coming",
    "next",
    "future",
    "proposed",
    "expected",
    "scheduled",
    "possible",
    "intended",
];

/// "X's visit to Y", "his visit to Y": a visit by the possessor (a person named right
/// before, or for "his"/"her" the last person named before in the sentence; not one of
/// an earlier sentence, whose visit may be yet to come), dated by a date right after it, else by the article's year
/// (inferred).
pub(super) fn visit_nouns(s: &Sentence<'_>, out: &mut Vec<Event>) {
    let Sentence { ctx, ss, se, .. } = *s;
    let body = ctx.body;
    if !body[ss..se].contains("visit") {
        return;
    }
    for c in VISIT_NOUN.captures_iter(&body[ss..se]) {
        let m = c.get(0).expect("match");
        let (ms, me) = (ss + m.start(), ss + m.end());
        if c["mods"].split_whitespace().any(|w| NOT_YET.contains(&w.to_ascii_lowercase().as_str())) {
            continue;
        }
        // "on his visit to": the visitor's phrase of its clause (a trigger of its own);
        // a clause of intent ("is due to arrive … for his visit")
        let before = &body[ss..ms];
        if before.ends_with(" on") || before.ends_with(" for") || MODAL_CLAUSE.is_match(before) {
            continue;
        }
        let person = |x: &&annalist_model::Mention| x.kind == EntityKind::Person;
        let actor = if c.name("poss").is_some() {
            ctx.in_range(ss, ms).filter(person).find(|x| x.end == ms)
        } else {
            ctx.in_range(ss, ms).filter(person).last()
        };
        let Some(actor) = actor else { continue };
        let Some(t) = ctx.in_range(me, (me + 60).min(se)).find(|x| {
            x.kind != EntityKind::Person && !(x.kind == EntityKind::Country && is_demonym(ctx.kb, x))
        }) else {
            continue;
        };
        if t.start > me + 12 {
            continue;
        }
        let tc = t.country.clone().or_else(|| ctx.kb.entity(&t.id).and_then(|e| e.country.clone()));
        let Some(tc) = tc else { continue };
        if actor.country.as_deref() == Some(tc.as_str()) {
            continue;
        }
        // the visit the article has reported already (asserted or yet to come): the noun
        // refers to it
        if out.iter().any(|e| {
            e.kind == EventType::Visit
                && e.actor.as_deref() == Some(actor.id.as_str())
                && e.target_country.as_deref() == Some(tc.as_str())
        }) {
            continue;
        }
        let stated = ctx.dates.iter().find(|d| d.start >= t.end && d.start <= t.end + 30 && d.end <= se);
        // "the 15th anniversary of Kim Jong Il's visit to Russia": the visit was 15 years
        // before the anniversary
        let anniv = VISIT_ANNIVERSARY
            .captures(&body[ss..ms.saturating_sub(actor_len(c.name("poss").is_some(), actor, ms))])
            .and_then(|a| a["n"].parse::<i16>().ok())
            .and_then(|n| Some(anniversary_year(ctx, ms, me)? - n));
        let (date, inferred) = match (stated, anniv) {
            (Some(d), _) => (Some(d.date), false),
            (None, Some(y)) => (Some(PartialDate::year(y)), true),
            (None, None) => (ctx.anchor.map(|a| PartialDate::year(a.year())), true),
        };
        let target = if t.kind == EntityKind::Place { tc.clone() } else { t.id.clone() };
        let ev =
            asserted(body, EventType::Visit, "visit_noun", "042", (ms.min(actor.start.max(ss)), t.end), date);
        out.push(Event {
            actor: Some(actor.id.clone()),
            actor_country: actor.country.clone(),
            target: Some(target),
            target_country: Some(tc),
            inferred,
            reasoning: inferred.then(|| "a visit named as a noun, dated by the article's year".into()),
            ..ev
        });
    }
}
