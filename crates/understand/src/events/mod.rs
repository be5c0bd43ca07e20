//! Diplomatic events: trigger patterns per sentence, then actor, target, date, place
//! and occasion from the mentions and date expressions around the trigger.
//!
//! This module runs the rules over the sentences and owns what they share (finding
//! the entity of a noun phrase, the target after a trigger, the status regexes, an
//! asserted event's fields); [`triggers`] holds the trigger table, [`sentence`] reads
//! one trigger match, [`voices`] reported praise and commentary, [`anniversaries`]
//! events dated by anniversaries or recalled.

mod anniversaries;
mod sentence;
mod triggers;
mod voices;

use std::sync::LazyLock;

use annalist_model::{Date, EntityKind, Event, EventStatus, EventType, Mention, PartialDate};
use regex::Regex;

use crate::cameo;
use crate::dates::DateExpr;
use crate::kb::Kb;
use crate::lexicon::TITLE_NOUNS;
use anniversaries::{
    meeting_recalled, relations_from_anniversaries, treaties_from_anniversaries, visit_nouns,
};
use sentence::{Hit, sentence_events};
use triggers::{TRIGGERS, Trigger};
use voices::{newspaper_commentary, praise_feats, reported_praise, voice_against_states};

static BEHALF: LazyLock<Regex> = lazy_regex!(r"(?i)\b(?:on\s+behalf\s+of|in\s+the\s+name\s+of)\b[^;]*$");

static MODAL_BEFORE: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:will|would|shall|is\s+to|are\s+to|was\s+to|is\s+due\s+to|are\s+due\s+to|plans?\s+to|planned\s+to|planning\s+to|intends?\s+to|expected\s+to|going\s+to|may|might|could|should|wish(?:es|ed)?\s+to|hope[sd]?\s+to|invited\s+[^,.;]{1,60}?\s+to|ready\s+to|willing\s+to|soon)\s+(?:[\w-]+\s+){0,2}$|\bto\s+$"
);

/// Whether text ending before a person's name makes it the complement of an ordinary
/// noun ("the works of", "birth of President", "the exploits of").
fn of_complement(before: &str) -> bool {
    // read backwards: up to three capitalised words, "the", "of", then the noun
    // a name after a comma opens a phrase of its own ("At the request of X, Y …")
    if before.trim_end().ends_with(',') {
        return false;
    }
    let mut words = before.split_whitespace().rev().peekable();
    for _ in 0..3 {
        if words.peek().is_some_and(|w| is_capitalised(w)) {
            words.next();
        }
    }
    if words.peek() == Some(&"the") {
        words.next();
    }
    if words.next() != Some("of") {
        return false;
    }
    words.next().is_some_and(|n| {
        n.len() > 1 && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') && !TITLE_NOUNS.contains(&n)
    })
}

static NEG_BEFORE: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:not|never|refused\s+to|declined\s+to|failed\s+to|no)\s+(?:[\w-]+\s+){0,2}$");

static DECEASED: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:demise|death|passing(?:\s+away)?|loss)\s+of\s+(?:\w+\s+){0,2}$");

/// A sentence stating that someone issued an utterance that later sentences quote ("X
/// made public a joint statement", "X issued a press release"; not a letter or message
/// sent, whose words are that message).
static ISSUED: LazyLock<Regex> = lazy_regex!(
    r"(?-u:\b)(?:made\s+public|issued|released|published|announced|adopted|carried|made)\s+(?:a|an|the)\s+(?:[A-Za-z-]+\s+){0,3}?(?:statement|press\s+release|communique|declaration|resolution|appeal|article|commentary|editorial|memorandum|speech|report)s?(?-u:\b)"
);

/// A sentence whose speaker is the utterance quoted ("…, the statement said", "It
/// noted …"): it does not change the subject.
static QUOTED_BY_UTTERANCE: LazyLock<Regex> = LazyLock::new(|| {
    let n = crate::lexicon::UTTERANCE_NOUNS.join("|");
    Regex::new(&format!(
        r"(?:,\s+(?:the\s+(?:{n})|it)\s+(?:said|noted|stressed|added|pointed\s+out|underlined|emphasized|emphasised|declared|went\s+on|recalled|continued|charged|deplored|denounced|condemned|accused|lamented)(?-u:\b)[^,]*$|^\s*(?:It|The\s+(?:{n}))\s+(?:also\s+)?(?:said|noted|stressed|added|pointed|underlined|emphasized|emphasised|declared|went|recalled|called|urged|expressed|continued)(?-u:\b))"
    ))
    .expect("quoted by utterance")
});

/// The words that introduce a message's own text: "The message says:", "The letter said
/// that …", "In the reply Y said:".
static MESSAGE_QUOTED: LazyLock<Regex> = lazy_regex!(
    r"(?-u:\b)(?:The|the|His|Her|Its|Their)\s+(?:(?:congratulatory|reply|condolatory|greeting)\s+)?(?:message|letter|reply|telegram)\s+(?:says|said|reads|read|noted|stressed)(?:\s*:|\s+that(?-u:\b))"
);

/// A floral tribute laid with no sender in its sentence: "A floral basket was laid before
/// the statue of Y on Thursday." (the sender follows in the next sentence).
static TRIBUTE_LAID: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:floral\s+baskets?|baskets?\s+of\s+flowers|wreaths?|bouquets?)\s+(?:was|were)\s+(?:laid|placed|put)\s+(?:before|at)\b"
);

/// The sender of the tribute laid in the sentence before: "It came from X", "They were
/// sent by X", "The basket was presented by X".
static TRIBUTE_FROM: LazyLock<Regex> = lazy_regex!(
    r"^\s*(?:It|They|The\s+(?:floral\s+)?(?:baskets?|wreaths?|bouquets?))\s+(?:also\s+)?(?:came|(?:was|were)\s+(?:sent|presented|offered))\s+(?:by|from|in\s+the\s+names?\s+of)\s+"
);

/// A tribute laid with no sender ("A floral basket was laid before the statue of Y"),
/// then its sender in the next sentence ("It came from X"): X's message to Y, dated and
/// evidenced by the sentence that lays it.
fn tribute_from_next(ctx: &Ctx<'_>, default: Option<PartialDate>, out: &mut Vec<Event>) {
    for w in ctx.sentences.windows(2) {
        let ((ls, le), (ns, ne)) = (w[0], w[1]);
        let laid = &ctx.body[ls..le];
        let Some(m) = TRIBUTE_LAID.find(laid) else { continue };
        let rest = &laid[m.end()..];
        if rest.contains(" by ") || rest.contains(" name of ") {
            continue; // the sender is in the sentence: the trigger table reads it
        }
        let Some(f) = TRIBUTE_FROM.find(&ctx.body[ns..ne]) else { continue };
        let Some(target) = ctx
            .in_range(ls + m.end(), le)
            .find(|x| x.kind == EntityKind::Person)
            .or_else(|| ctx.in_range(ls + m.end(), le).find(|x| x.kind != EntityKind::Place))
        else {
            continue;
        };
        let Some(actor) = np_entity(ctx, ns + f.end(), ne, true) else { continue };
        if actor.id == target.id || (actor.country.is_some() && actor.country == target.country) {
            continue;
        }
        let date = ctx.dates.iter().find(|d| d.start >= ls && d.end <= le).map(|d| d.date).or(default);
        let ev = asserted(ctx.body, EventType::Message, "tribute_came_from", "051", (ls, le), date);
        out.push(with_sides(ev, actor, target));
    }
}

/// What the events stage needs from the rest of the article.
pub(crate) struct Ctx<'a> {
    pub kb: &'a Kb,
    pub body: &'a str,
    pub sentences: &'a [(usize, usize)],
    pub mentions: &'a [Mention],
    pub dates: &'a [DateExpr],
    pub outlet_state: Option<&'a str>,
    pub anchor: Option<Date>,
    /// The article's headline, when it has one.
    pub title: Option<&'a str>,
    /// The publication date was inferred from the body.
    pub anchor_inferred: bool,
}

impl<'a> Ctx<'a> {
    fn in_range(&self, s: usize, e: usize) -> impl Iterator<Item = &'a Mention> + use<'a> {
        let mentions: &'a [Mention] = self.mentions;
        mentions.iter().filter(move |m| m.start >= s && m.end <= e)
    }
}

/// One sentence, as the sentence-level rules read it.
#[derive(Clone, Copy)]
struct Sentence<'a> {
    ctx: &'a Ctx<'a>,
    /// The sentence's span.
    ss: usize,
    se: usize,
    /// The article's own date, for a sentence that states none.
    default: Option<PartialDate>,
    /// The subject of the sentences before (for "He"/"She" and subjectless clauses).
    prev_subject: Option<&'a Mention>,
    /// Who issued the statement (or letter, article …) the sentence may quote, and the
    /// date of its issue: "X made public a statement on July 25".
    issuer: Option<(&'a Mention, Option<PartialDate>)>,
}

impl Sentence<'_> {
    /// The first date stated in the sentence, else the article's own.
    fn stated_date(&self) -> Option<PartialDate> {
        let (ss, se) = (self.ss, self.se);
        self.ctx.dates.iter().find(|d| d.start >= ss && d.end <= se).map(|d| d.date).or(self.default)
    }
}

/// The article's own date for statements that give none: the first day-precision date
/// of the body not after publication, else the publication date.
fn default_date(ctx: &Ctx<'_>) -> Option<PartialDate> {
    let anchor = ctx.anchor?;
    let lead = ctx
        .dates
        .iter()
        .filter(|d| d.date.precision() == 2 && d.date.to_date().is_some_and(|x| x <= anchor))
        .find(|d| d.date.year == anchor.year() && d.date.month == Some(anchor.month()) || d.relative)
        .map(|d| d.date);
    lead.or(Some(PartialDate::day(anchor)))
}

/// Extracts the events of one body.
pub(crate) fn extract(ctx: &Ctx<'_>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    let default = default_date(ctx);
    let mut subject: Option<&Mention> = None;
    let mut issuer: Option<(&Mention, Option<PartialDate>)> = None;
    for &(ss, se) in ctx.sentences {
        let sent = &ctx.body[ss..se];
        // track the latest sentence subject (for "He"/"She" sentences)
        let first = ctx.in_range(ss, se).next();
        let prev_subject = subject;
        if let Some(m) = ISSUED.find(sent) {
            // "X made public a statement": X speaks in the sentences that quote it
            let before: Vec<&Mention> = ctx
                .in_range(ss, ss + m.start())
                .filter(|x| x.kind != EntityKind::Place)
                .filter(|x| !(x.kind == EntityKind::Person && of_complement(&ctx.body[ss..x.start])))
                .collect();
            if let Some(b) = best_entity(&before) {
                subject = Some(b);
                let date =
                    ctx.dates.iter().find(|d| d.start >= ss && d.end <= se).map(|d| d.date).or(default);
                issuer = Some((b, date));
            }
        } else if QUOTED_BY_UTTERANCE.is_match(sent) {
            // "…, the statement said": the statement's issuer stays the subject
        } else if let Some(f) = first
            && f.start <= ss + 48
            && matches!(f.kind, EntityKind::Person | EntityKind::Organization)
        {
            subject = Some(f);
        }
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let present = triggers::needs_present(sent);
        for trig in TRIGGERS.iter() {
            if trig.mask != 0 && trig.mask & present == 0 {
                continue;
            }
            for m in trig.re.find_iter(sent) {
                let (ts, te) = (ss + m.start(), ss + m.end());
                if taken.iter().any(|&(a, b)| a < te && ts < b) {
                    continue;
                }
                taken.push((ts, te));
                let hit = Hit { ctx, trig, ss, se, ts, te, prev_subject, default };
                sentence_events(&hit, &mut out);
            }
        }
        let s = Sentence { ctx, ss, se, default, prev_subject, issuer };
        meeting_recalled(&s, &mut out);
        visit_nouns(&s, &mut out);
        newspaper_commentary(&s, &mut out);
        // foreign voices praising the outlet state's leaders
        praise_feats(&s, &mut out);
        reported_praise(&s, &mut out);
    }
    voice_against_states(ctx, &mut out);
    tribute_from_next(ctx, default, &mut out);
    // the words of a message quoted ("The message says: …") are that message: no praise
    // of their own
    if let Some(m) = MESSAGE_QUOTED.find(ctx.body) {
        let from = ctx.sentences.iter().rev().find(|s| s.0 <= m.start()).map_or(m.start(), |s| s.0);
        out.retain(|e| !(e.kind == EventType::Praise && e.evidence_start >= from));
    }
    relations_from_anniversaries(ctx, &mut out);
    treaties_from_anniversaries(ctx, &mut out);
    dedupe(out)
}

fn best_entity<'m>(ms: &[&'m Mention]) -> Option<&'m Mention> {
    ms.iter()
        .find(|m| m.kind == EntityKind::Person)
        .or_else(|| ms.iter().find(|m| m.kind == EntityKind::Organization))
        .or_else(|| ms.iter().find(|m| m.kind == EntityKind::Country))
        .copied()
}

/// The entity a noun phrase starting at `from` refers to: its first mention, or a
/// person named right after a state/title ("Russian President D. Medvedev").
fn np_entity<'m>(ctx: &Ctx<'m>, from: usize, to: usize, skip_places: bool) -> Option<&'m Mention> {
    let mut it = ctx
        .mentions
        .iter()
        .filter(|m| m.start >= from && m.end <= to)
        .filter(|m| !(skip_places && m.kind == EntityKind::Place));
    let first = it.next()?;
    if first.kind != EntityKind::Person
        && let Some(p) = ctx
            .mentions
            .iter()
            .find(|m| m.kind == EntityKind::Person && m.start >= first.end && m.start <= first.end + 40)
    {
        let gap = &ctx.body[first.end..p.start];
        if gap.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase)) {
            return Some(p);
        }
    }
    Some(first)
}

/// An asserted event of `rule` with `body[s..e]` as its evidence, dated `date`; no
/// sides, place or occasion yet.
fn asserted(
    body: &str,
    kind: EventType,
    rule: &str,
    cameo: &str,
    (s, e): (usize, usize),
    date: Option<PartialDate>,
) -> Event {
    Event {
        kind,
        actor: None,
        actor_country: None,
        target: None,
        target_country: None,
        date,
        date_end: None,
        place: None,
        occasion: None,
        evidence: body[s..e].to_string(),
        evidence_start: s,
        evidence_end: e,
        rule: rule.to_string(),
        cameo: cameo.to_string(),
        goldstein: cameo::goldstein(cameo),
        inferred: false,
        reasoning: None,
        status: EventStatus::Asserted,
    }
}

/// `e` between two named sides.
fn with_sides(e: Event, actor: &Mention, target: &Mention) -> Event {
    Event {
        actor: Some(actor.id.clone()),
        actor_country: actor.country.clone(),
        target: Some(target.id.clone()),
        target_country: target.country.clone(),
        ..e
    }
}

/// The second of two coordinated people: "A and B", "A, title of X, and B" (the gap
/// before "and" an apposition, after it only capitalised title words).
fn coordinated<'m>(ctx: &Ctx<'m>, first: &Mention, se: usize) -> Option<&'m Mention> {
    // the apposition may hold titles read as mentions of their own: skip to the name
    // after "and"
    let next = ctx
        .in_range(first.end, se.min(first.end + 160))
        .find(|m| ctx.body[first.end..m.start].contains(" and "))?;
    if next.kind != first.kind || next.kind != EntityKind::Person || next.id == first.id {
        return None;
    }
    let gap = &ctx.body[first.end..next.start];
    let and = gap.rfind(" and ")?;
    let (appos, titles) = (&gap[..and], &gap[and + 5..]);
    let appos_ok = appos.trim().is_empty()
        || (appos.starts_with(", ")
            && appos.ends_with(',')
            && appos.len() < 140
            && !appos.contains(['.', ';']));
    let titles_ok = titles.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase));
    (appos_ok && titles_ok).then_some(next)
}

/// The outlet's own state as the host of a visit stated with "here" or "visiting".
fn host_mention(ctx: &Ctx<'_>, at: usize) -> Option<Mention> {
    let st = ctx.outlet_state?;
    Some(Mention {
        id: st.to_string(),
        kind: EntityKind::Country,
        country: Some(st.to_string()),
        surface: String::new(),
        start: at,
        end: at,
        attributes: Vec::new(),
        known: true,
    })
}

/// The target after the trigger: for visits the place/state/organisation visited,
/// for condolences the bereaved rather than the deceased, else the first named side.
fn target_after<'m>(
    ctx: &Ctx<'m>,
    trig: &Trigger,
    te: usize,
    se: usize,
    actor_country: Option<&str>,
) -> Option<&'m Mention> {
    let body = ctx.body;
    // stop at a new clause that has its own subject ("…, he said")
    let end = se;
    let cands: Vec<&Mention> = ctx
        .in_range(te, end)
        .filter(|m| actor_country.is_none() || m.country.as_deref() != actor_country)
        .collect();
    if trig.rule == "congratulated" || trig.rule == "praise_congratulating" {
        // the object of the verb, before its "on …"/"upon …" phrase: of whatever state
        // (the actor's own side makes no event)
        let te = body[te..se].find("congratulat").map_or(te, |p| te + p);
        let te = body[te..se].find(' ').map_or(te, |p| te + p);
        let object_end = [" on ", " upon ", " for ", ","]
            .iter()
            .filter_map(|w| body[te..se].find(w))
            .min()
            .map_or(se, |p| te + p);
        let first = ctx.in_range(te, se).find(|m| m.kind != EntityKind::Place)?;
        return (first.start < object_end).then(|| np_entity(ctx, first.start, se, true)).flatten();
    }
    match trig.kind {
        EventType::Visit => {
            if trig.rule == "visit_returned" {
                // where the meeting attended was: a place or a state, not an organisation
                return cands
                    .iter()
                    .find(|m| {
                        m.kind == EntityKind::Place
                            || (m.kind == EntityKind::Country && !is_demonym(ctx.kb, m))
                    })
                    .copied();
            }
            if trig.rule == "visit_arrived"
                && body[crate::text::floor_char(body, te.saturating_sub(5))..te].contains("here")
            {
                return None;
            }
            cands
                .iter()
                .find(|m| {
                    m.kind != EntityKind::Person && !(m.kind == EntityKind::Country && is_demonym(ctx.kb, m))
                })
                .copied()
        }
        _ => {
            // "… with a delegation of X led by Y": the leader is the other side
            if let Some(m) = cands.iter().find(|m| {
                m.kind == EntityKind::Person
                    && crate::text::led_by(&body[te..m.start])
                    && !body[te..m.start].contains(['.', ';'])
            }) {
                return Some(m);
            }
            let mut i = 0;
            while i < cands.len() {
                let m = cands[i];
                let pre_from = m.start.saturating_sub(40).max(te);
                let mut pf = pre_from;
                while !body.is_char_boundary(pf) {
                    pf += 1;
                }
                let pre = &body[pf..m.start];
                if m.kind == EntityKind::Place
                    || DECEASED.is_match(pre)
                    || BEHALF.is_match(&body[te..m.start])
                    || pre.ends_with("on behalf of ")
                    || pre.ends_with("on behalf of the ")
                    || pre.ends_with("in the name of ")
                    || pre.ends_with("in the name of the ")
                {
                    i += 1;
                    continue;
                }
                return np_entity(ctx, m.start, se, true);
            }
            // condolences over a death: the bereaved state
            if trig.cameo == "018" {
                return bereaved(ctx, &cands, te);
            }
            None
        }
    }
}

/// The state of the deceased a condolence is over (else of the first person named
/// after the trigger), as a mention of that state.
fn bereaved<'m>(ctx: &Ctx<'m>, cands: &[&'m Mention], te: usize) -> Option<&'m Mention> {
    let state_of = |m: &&'m Mention| -> Option<&'m Mention> {
        let c = m.country.as_deref()?;
        ctx.mentions.iter().find(|x| x.id == c)
    };
    cands
        .iter()
        .find(|m| DECEASED.is_match(&ctx.body[te..m.start]))
        .and_then(state_of)
        .or_else(|| cands.iter().find(|m| m.kind == EntityKind::Person).and_then(state_of))
}

fn is_demonym(kb: &Kb, m: &Mention) -> bool {
    kb.entity(&m.id).is_some_and(|e| e.demonyms.iter().any(|d| d.eq_ignore_ascii_case(&m.surface)))
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// One real event stated twice in a document is kept once: same type, actor, target
/// state and compatible date.
fn dedupe(events: Vec<Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for e in events {
        // two named people of one state in one statement ("received the delegation led
        // by A and the delegation headed by B") are two events
        let specific = |x: &Event| x.target.is_some() && x.target != x.target_country;
        let dup = out.iter_mut().find(|o| {
            !(specific(o)
                && specific(&e)
                && o.target != e.target
                && o.rule == e.rule
                && o.evidence_start == e.evidence_start)
                && o.kind == e.kind
                && o.status == e.status
                && ((o.actor == e.actor || (o.actor_country == e.actor_country && e.kind.symmetric()))
                    && (o.target_country == e.target_country
                        || (e.kind.symmetric() && o.target_country == e.actor_country))
                    // a symmetric event stated from the other side ("A and B signed", "the
                    // B-A treaty")
                    || (e.kind.symmetric()
                        && o.actor_country.is_some()
                        && o.actor_country == e.target_country
                        && o.target_country == e.actor_country))
                && match (o.date, e.date) {
                    (Some(a), Some(b)) => a == b || (a.compatible(b) && (o.inferred || e.inferred)),
                    (None, None) => true,
                    _ => false,
                }
        });
        match dup {
            Some(o) => {
                // keep the more specific target and the stated date
                if o.target.as_deref() == o.target_country.as_deref()
                    && e.target.as_deref() != e.target_country.as_deref()
                    && e.target_country == o.target_country
                {
                    o.target = e.target.clone();
                }
                if o.inferred && !e.inferred {
                    o.date = e.date;
                    o.inferred = false;
                    o.reasoning = None;
                }
            }
            None => out.push(e),
        }
    }
    out.sort_by_key(|e| e.evidence_start);
    out
}

#[cfg(test)]
mod tests {
    use crate::{Kb, understand};
    use annalist_model::{Article, EventStatus};

    fn events(text: &str, date: &str) -> Vec<String> {
        let a = Article {
            outlet: Some("KCNA".into()),
            published: Some(date.parse().unwrap()),
            paragraphs: text.split('\n').map(String::from).collect(),
            ..Default::default()
        };
        describe(&a, true)
    }

    /// One line per event: `[!]type rule actor->target date` (`!` when not asserted,
    /// if `mark_status`).
    fn describe(a: &Article, mark_status: bool) -> Vec<String> {
        let kb = Kb::builtin().unwrap();
        understand(&kb, a)
            .events
            .iter()
            .map(|e| {
                format!(
                    "{}{} {} {}->{} {}",
                    if !mark_status || e.status == EventStatus::Asserted { "" } else { "!" },
                    e.kind.as_str(),
                    e.rule,
                    e.actor.as_deref().unwrap_or("-"),
                    e.target.as_deref().unwrap_or("-"),
                    e.date.map(|d| d.to_string()).unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn visits_by_led_delegations() {
        let v = events(
            "Meanwhile, the delegation of Kim Il Sung University headed by First Vice-President Kim Kyun, and the delegation of educational officials led by Pak Sun Dok, vice-minister of Common Education of the DPRK Education Commission, came back home on Tuesday after attending the seminar at Beijing University and visiting China.",
            "2011-11-08",
        );
        assert!(v.contains(&"visit visit kim-kyun->chn 2011-11-08".to_string()), "{v:?}");
        assert!(v.contains(&"visit visit pak-sun-dok->chn 2011-11-08".to_string()), "{v:?}");
    }

    #[test]
    fn delegation_movements() {
        // "a delegation of X led by [title] Y arrived here": Y visits the host state
        let v = events(
            "A delegation of the Socialist Party of Peru led by its general secretary Ramon Quispe arrived here on Monday.",
            "2011-03-08",
        );
        assert!(v.contains(&"visit visit_here ramon-quispe->prk 2011-03-07".to_string()), "{v:?}");
        // inverted participle: the delegations follow the verb
        let v = events(
            "Arriving here on Tuesday were a delegation of the Farmers Union of Mongolia headed by Chairman Batu Dorj and a delegation of the Youth League of Nepal led by its president Hari Prasad Sharma.",
            "2011-03-09",
        );
        assert!(v.contains(&"visit visit_here batu-dorj->prk 2011-03-08".to_string()), "{v:?}");
        assert!(v.contains(&"visit visit_here hari-prasad-sharma->prk 2011-03-08".to_string()), "{v:?}");
        // leaving for a destination named later in the clause
        let v = events(
            "A DPRK delegation led by Pak Ui Chun, foreign minister of the DPRK, left here on Friday to attend a meeting of ministers to be held in Indonesia.",
            "2011-05-21",
        );
        assert!(v.contains(&"visit visit_here pak-ui-chun->idn 2011-05-20".to_string()), "{v:?}");
        // a foreign guest leaving after the visit: the visit was to the host
        let v = events(
            "Batu Dorj, chairman of the Farmers Union of Mongolia, left here by air on Sunday after visiting the DPRK.",
            "2011-03-14",
        );
        assert!(v.iter().any(|e| e.starts_with("visit ") && e.ends_with("->prk 2011-03-13")), "{v:?}");
        // a home delegation leaving with no destination named is no visit
        let v = events("A DPRK delegation led by Pak Ui Chun left here on Friday.", "2011-05-21");
        assert!(!v.iter().any(|e| e.starts_with("visit ")), "{v:?}");
    }

    #[test]
    fn visits_in_phrases_belong_to_the_visitor() {
        // "on a visit to": the nearest named visitor, not the sentence subject
        let v = events(
            "Kim Yong Nam met the delegation of the Lao Youth Union headed by Somsak Keo, on a visit to the DPRK, on Monday.",
            "2011-04-12",
        );
        assert!(v.contains(&"visit visit_on_a_visit somsak-keo->prk 2011-04-11".to_string()), "{v:?}");
        assert!(!v.iter().any(|e| e.starts_with("visit ") && e.contains("kim-yong-nam->")), "{v:?}");
        // "the visiting delegation of X": X visits; the receiver visits nobody
        let v = events(
            "Kim Jong Il on Wednesday received a gift from the visiting delegation of the Communist Party of Vietnam.",
            "2011-06-02",
        );
        assert!(!v.iter().any(|e| e.starts_with("visit ") && e.contains("kim-jong-il->")), "{v:?}");
        assert!(
            v.iter().any(|e| e.starts_with("visit visiting_delegation") && e.ends_with("->prk 2011-06-01")),
            "{v:?}"
        );
    }

    #[test]
    fn praise_in_reported_speech() {
        // the speaker of "X said … that <home leader/party> …" praises them
        let v = events(
            "The Bolivian newspaper La Razon said in an article titled \"Leader of the People\" on Monday that Kim Jong Il devoted his whole life to the people.",
            "2011-05-03",
        );
        assert!(
            v.iter()
                .any(|e| e.starts_with("praise reported_praise") && e.contains("->kim-jong-il 2011-05-02")),
            "{v:?}"
        );
        // the speaker after the quote
        let v = events(
            "The Workers' Party of Korea is a party of the people, noted the Nepal Youth League in a statement on Tuesday.",
            "2011-05-04",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise reported_praise")
                && e.contains("->workers-party-of-korea 2011-05-03")),
            "{v:?}"
        );
        // a home speaker is not a foreign voice; a home subject is never its own praiser
        let v = events("Kim Yong Nam said that Kim Jong Il is the leader of the people.", "2011-05-04");
        assert!(!v.iter().any(|e| e.starts_with("praise reported_praise")), "{v:?}");
    }

    #[test]
    fn a_name_inside_an_of_phrase_is_not_the_subject() {
        let v = events(
            "The members of the Peruvian committee for studying the works of President Kim Il Sung on Friday warmly hailed the Workers' Party of Korea.",
            "2011-05-07",
        );
        assert!(v.iter().any(|e| e.starts_with("praise praise per->workers-party-of-korea")), "{v:?}");
        assert!(!v.iter().any(|e| e.contains("kim-il-sung->")), "{v:?}");
    }

    #[test]
    fn criticism_verbs() {
        let v = events(
            "The Japanese newspaper Akahata on Monday chided the U.S. for its arms buildup.",
            "2011-05-03",
        );
        assert!(v.iter().any(|e| e.starts_with("criticism ") && e.contains("->usa")), "{v:?}");
        let v =
            events("Farmers of the Nepal Peasants League deplored the trade policy of Japan.", "2011-05-03");
        assert!(v.iter().any(|e| e.starts_with("criticism ") && e.contains("->jpn")), "{v:?}");
    }

    #[test]
    fn receiving_a_visitor_is_a_meeting_and_a_led_delegation_is_its_leader() {
        let v = events(
            "Kim Yong Nam on Monday received the Cuban friendship delegation led by Jorge Luis Perez.",
            "2011-05-10",
        );
        assert!(
            v.contains(&"meeting received_visitor kim-yong-nam->jorge-luis-perez 2011-05-09".to_string()),
            "{v:?}"
        );
        let v = events(
            "Kim Yong Nam met and had a talk with a delegation of the Socialist Party of Chile led by its chairman Pedro Soto on Tuesday.",
            "2011-05-11",
        );
        assert!(
            v.iter().any(|e| e.starts_with("meeting ") && e.contains("kim-yong-nam->pedro-soto 2011-05-10")),
            "{v:?}"
        );
        // a gift received is no meeting with the giver
        let v = events("Kim Jong Il received a gift from the Cuban ambassador on Monday.", "2011-05-10");
        assert!(!v.iter().any(|e| e.starts_with("meeting received_visitor")), "{v:?}");
    }

    #[test]
    fn messages_in_the_passive() {
        let v = events(
            "Read out at the ceremony was a message of greeting sent by the Korean Students Union in Japan to Kim Jong Il on Friday.",
            "2011-06-04",
        );
        assert!(v.iter().any(|e| e.starts_with("message message_sent_by") && e.contains("->")), "{v:?}");
        let v = events(
            "The Association of Korean Teachers in Japan held a meeting on Friday. A letter to Kim Jong Il was adopted there.",
            "2011-06-04",
        );
        assert!(
            v.iter().any(|e| e.starts_with("message letter_adopted") && e.contains("->kim-jong-il")),
            "{v:?}"
        );
    }

    #[test]
    fn message_patterns() {
        let v = events(
            "Kim Jong Un, vice-chairman of the Central Military Commission of the Workers' Party of Korea, Wednesday received a message of condolences from Donald Ramotar, president of Guyana.",
            "2011-12-22",
        );
        assert_eq!(v, vec!["message message_received_from donald-ramotar->kim-jong-un 2011-12-21"]);
        let v = events(
            "Kim Yong Nam on Monday sent a congratulatory message to Micheal Higgins on his election as President of Ireland.",
            "2011-11-14",
        );
        assert_eq!(v, vec!["message message_sent kim-yong-nam->micheal-higgins 2011-11-14"]);
    }

    #[test]
    fn coordinated_senders_and_partners_each_make_an_event() {
        // messages from two people joined by "and", each with a title
        let v = events(
            "Kim Yong Nam on Monday received messages of greetings from Peruvian President Ollanta Ramos and Prime Minister Salomon Lerner Ghitis.",
            "2011-08-02",
        );
        assert!(v.iter().any(|e| e.contains("ollanta-ramos->kim-yong-nam 2011-08-01")), "{v:?}");
        assert!(v.iter().any(|e| e.contains("salomon-lerner-ghitis->kim-yong-nam 2011-08-01")), "{v:?}");
        // talks with two people of two states, each in apposition
        let v = events(
            "Pak Ui Chun met and had talks with Sergei Lavrov, foreign minister of Russia, and Wang Yi, foreign minister of China, in Beijing on Friday.",
            "2011-09-10",
        );
        assert!(v.iter().any(|e| e.contains("pak-ui-chun->sergei-lavrov 2011-09-09")), "{v:?}");
        assert!(v.iter().any(|e| e.contains("pak-ui-chun->wang-yi 2011-09-09")), "{v:?}");
    }

    #[test]
    fn a_pronoun_subject_is_the_last_fitting_named_person() {
        // "He" is the visitor named as the delegation's leader, not the host
        let v = events(
            "Kim Jong Il received the Lao friendship delegation led by Thongsing Vong on Monday.\nHe paid high tribute to Kim Jong Il for his leadership.",
            "2011-07-12",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise ") && e.contains("thongsing-vong->kim-jong-il")),
            "{v:?}"
        );
    }

    #[test]
    fn a_plural_subject_is_the_parties_listed_before() {
        // "They" after a list of parties of several states: one event per state
        let v = events(
            "Among them were the deputy minister of Culture of Peru, the chairman of the Friendship Society of Ghana and the secretary of the Youth Union of Laos.\nThey laid wreaths before the statue of Kim Il Sung.",
            "2011-04-16",
        );
        for st in ["per", "gha", "lao"] {
            let who = format!("{st}->kim-il-sung");
            assert!(v.iter().any(|e| e.starts_with("message floral_tribute") && e.contains(&who)), "{v:?}");
        }
        assert_eq!(v.iter().filter(|e| e.starts_with("message floral_tribute")).count(), 3, "{v:?}");
        // a subject without a name, listed in the next sentence
        let v = events(
            "Public figures of different countries visited the DPRK embassies on Monday.\nAmong them were the mayor of Lima of Peru and the chairman of the Friendship Society of Ghana.",
            "2011-04-16",
        );
        assert_eq!(
            v.iter().filter(|e| e.starts_with("visit ") && e.ends_with("->prk 2011-04-11")).count(),
            2,
            "{v:?}"
        );
        // "They" after a subject of one state is that state, not the states named later
        let v = events(
            "Workers from across Peru held a rally against the trade pact of the U.S. and Japan on Friday.\nThey denounced the pact.",
            "2011-04-16",
        );
        assert!(!v.iter().any(|e| e.contains("usa->") || e.contains("jpn->")), "{v:?}");
    }

    #[test]
    fn a_pronoun_object_is_the_person_named_before() {
        let v = events(
            "The delegates of the Friendship Society of Ghana expressed condolences over the demise of Kim Jong Il and praised him as a great man.",
            "2011-12-27",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise ") && e.contains("->kim-jong-il 2011-12-27")),
            "{v:?}"
        );
    }

    #[test]
    fn floral_tributes_are_messages_but_a_basket_already_named_is_not_new() {
        let v = events(
            "The Nepal Peace Society presented a floral basket before the statue of Kim Il Sung on Friday.",
            "2011-04-16",
        );
        assert!(
            v.iter()
                .any(|e| e.starts_with("message floral_tribute") && e.contains("->kim-il-sung 2011-04-15")),
            "{v:?}"
        );
        let v = events(
            "The Nepal Peace Society laid the basket before the statue of Kim Il Sung on Friday.",
            "2011-04-16",
        );
        assert!(!v.iter().any(|e| e.starts_with("message floral_tribute")), "{v:?}");
    }

    #[test]
    fn every_led_delegation_received_is_met_and_on_the_visit() {
        let v = events(
            "Kim Yong Nam on Monday received the Lao delegation led by Somsak Keo, minister of Culture of Laos, and the delegation of the Friendship Society of Laos headed by Bounthong Chit, its chairman, on a visit to the DPRK.",
            "2011-04-12",
        );
        assert!(
            v.iter().any(|e| e.starts_with("meeting ") && e.contains("kim-yong-nam->somsak-keo")),
            "{v:?}"
        );
        assert!(
            v.iter().any(|e| e.starts_with("meeting ") && e.contains("kim-yong-nam->bounthong-chit")),
            "{v:?}"
        );
        assert!(v.iter().any(|e| e.starts_with("visit ") && e.contains("somsak-keo->prk")), "{v:?}");
        assert!(v.iter().any(|e| e.starts_with("visit ") && e.contains("bounthong-chit->prk")), "{v:?}");
    }

    #[test]
    fn messages_from_a_list_of_senders_and_sent_to_by() {
        let v = events(
            "Kim Jong Un received messages of greeting from Ollanta Ramos, president of Peru, Jose Gomez, president of Chile, and the Communist Party of Nepal on Monday.",
            "2012-01-10",
        );
        for who in
            ["ollanta-ramos->kim-jong-un", "jose-gomez->kim-jong-un", "communist-party-of-nepal->kim-jong-un"]
        {
            assert!(v.iter().any(|e| e.starts_with("message ") && e.contains(who)), "{who} {v:?}");
        }
        // the states in the appositions are not senders
        assert!(!v.iter().any(|e| e.contains(" per->") || e.contains(" chl->")), "{v:?}");
        let v = events(
            "A floral basket was sent to Kim Jong Un by the Friendship Society of Ghana on Sunday.",
            "2012-01-10",
        );
        assert!(
            v.iter().any(|e| e.starts_with("message message_sent_to_by")
                && e.contains("friendship-society-of-ghana->kim-jong-un 2012-01-08")),
            "{v:?}"
        );
    }

    #[test]
    fn a_home_voice_denounces_the_states_it_speaks_of() {
        let v = titled(
            "KCNA Commentary on Japan's Arms Buildup",
            "Japan is making reckless moves for arms buildup.\nThe arms buildup of Japan is a grave provocation, and the U.S. is behind it as a hostile backer. The U.S. should stop it, and the U.S. allies too.",
            "2012-03-10",
        );
        assert!(
            v.contains(
                &"criticism voice_against_state korean-central-news-agency->jpn 2012-03-10".to_string()
            ),
            "{v:?}"
        );
        assert!(
            v.contains(
                &"criticism voice_against_state korean-central-news-agency->usa 2012-03-10".to_string()
            ),
            "{v:?}"
        );
        // no denunciation: no event
        let v = titled(
            "KCNA Commentary on Spring Sowing",
            "Farms of Japan and of the DPRK are busy. Japan sows rice too.",
            "2012-03-10",
        );
        assert!(!v.iter().any(|e| e.starts_with("criticism")), "{v:?}");
    }

    #[test]
    fn a_spokesman_speaks_for_the_organisation_named_after_him() {
        let v = titled(
            "U.S. Hostile Moves Slammed",
            "A spokesman for the DPRK Foreign Ministry answered a question put by KCNA on Monday as regards the U.S. moves.\nThe U.S. moves are a reckless provocation and a hostile act.",
            "2012-03-13",
        );
        assert!(
            v.contains(
                &"criticism voice_against_state ministry-of-foreign-affairs->usa 2012-03-13".to_string()
            ),
            "{v:?}"
        );
        // a foreign voice supporting a home statement is no home voice
        let v = titled(
            "U.S. Hostile Moves Slammed",
            "Jorge Soto, chairman of the Friendship Society of Chile, issued a statement in support of the statement of the DPRK Foreign Ministry.\nThe U.S. moves are a reckless provocation and a hostile act of the U.S.",
            "2012-03-13",
        );
        assert!(!v.iter().any(|e| e.contains("ministry-of-foreign-affairs->")), "{v:?}");
    }

    #[test]
    fn people_of_a_foreign_state_may_denounce_its_government() {
        let v = events(
            "The south Korean Confederation of Trade Unions on Monday denounced the puppet authorities for their labour policy.",
            "2012-03-13",
        );
        assert!(
            v.iter().any(|e| e.starts_with("criticism ")
                && e.contains("korean-confederation-of-trade-unions->kor 2012-03-12")),
            "{v:?}"
        );
    }

    #[test]
    fn visits_named_as_nouns_belong_to_their_possessor() {
        let v = events(
            "Friendship groups of Peru warmly hailed Kim Jong Il's fruitful visit to Russia.",
            "2011-09-02",
        );
        assert!(v.contains(&"visit visit_noun kim-jong-il->rus 2011".to_string()), "{v:?}");
        let v = events(
            "Traitor Lee Myung Bak uttered a reckless remark during his recent visit to France.",
            "2011-06-02",
        );
        assert!(v.contains(&"visit visit_noun lee-myung-bak->fra 2011".to_string()), "{v:?}");
        // a visit yet to come is none
        let v = events("Kim Yong Nam spoke of his forthcoming visit to Laos.", "2011-06-02");
        assert!(!v.iter().any(|e| e.starts_with("visit ")), "{v:?}");
    }

    #[test]
    fn treaty_anniversaries_without_the_word_conclusion() {
        let v = events(
            "They marked the 40th anniversary of the DPRK-Laos treaty of friendship on Monday.",
            "2011-08-02",
        );
        assert!(v.iter().any(|e| e == "agreement treaty_anniversary prk->lao 1971"), "{v:?}");
    }

    #[test]
    fn courtesy_calls_and_credentials_are_meetings() {
        let v = events(
            "Jorge Soto, the new Chilean ambassador to the DPRK, paid a courtesy call on Pak Ui Chun on Monday.",
            "2011-08-02",
        );
        assert!(
            v.iter().any(|e| e.starts_with("meeting courtesy_call jorge-soto->pak-ui-chun 2011-08-01")),
            "{v:?}"
        );
        let v = events(
            "Jorge Soto, ambassador of Chile, presented his credentials to Kim Yong Nam on Tuesday.",
            "2011-08-03",
        );
        assert!(
            v.iter()
                .any(|e| e.starts_with("meeting credentials_presented jorge-soto->kim-yong-nam 2011-08-02")),
            "{v:?}"
        );
        // Replies sent to a list of states' leaders: one message to each.
        let v = events(
            "Kim Jong Il expressed thanks by sending written replies to the leaders of Russia, Cuba and Nepal on Friday.",
            "2011-08-06",
        );
        for c in ["rus", "cub", "npl"] {
            assert!(v.iter().any(|e| e.starts_with("message ") && e.contains(c)), "{c}: {v:?}");
        }
        // The receiving side's verb: "accepted the credentials from".
        let v = events(
            "Kim Yong Nam accepted the credentials from Jorge Soto, new ambassador of Chile, on Tuesday.",
            "2011-08-03",
        );
        assert!(
            v.iter()
                .any(|e| e.starts_with("meeting credentials_received kim-yong-nam->jorge-soto 2011-08-02")),
            "{v:?}"
        );
    }

    #[test]
    fn protests_denounce_the_side_they_are_against() {
        let v = events(
            "Thousands of Peruvian workers staged a demonstration in Lima on Monday, demanding the withdrawal of the U.S. troops.",
            "2012-04-10",
        );
        assert!(v.iter().any(|e| e.starts_with("criticism protest per->usa 2012-04-09")), "{v:?}");
        // a rally for a cause, against no named side: no event
        let v = events("Peruvian workers held a rally on Monday demanding higher wages.", "2012-04-10");
        assert!(!v.iter().any(|e| e.starts_with("criticism")), "{v:?}");
    }

    #[test]
    fn an_international_body_speaks_for_no_one_state() {
        let v = events(
            "The World Congress of Peace Forces, held in Lima from May 3 to 5, expressed full support and solidarity with the Workers' Party of Korea.",
            "2012-05-10",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise ")
                && e.contains("world-congress-of-peace-forces->workers-party-of-korea")),
            "{v:?}"
        );
    }

    #[test]
    fn the_issuer_of_a_statement_is_its_speaker() {
        let v = events(
            "The Peruvian branch of the Korean Friendship Association issued a statement on Monday.\nThe statement said that Kim Jong Il is a great statesman.",
            "2012-05-10",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise ")
                && e.contains(" peruvian-branch-of-the-korean-friendship-association->kim-jong-il")),
            "{v:?}"
        );
    }

    #[test]
    fn coordinated_voices_of_two_states_each_praise() {
        let v = events(
            "The Nepal Peace Society and the Peruvian Friendship Association explained a secret of the Workers' Party of Korea emerging victorious.",
            "2012-05-10",
        );
        assert!(
            v.iter().any(
                |e| e.starts_with("praise ") && e.contains("nepal-peace-society->workers-party-of-korea")
            ),
            "{v:?}"
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise ")
                && e.contains("peruvian-friendship-association->workers-party-of-korea")),
            "{v:?}"
        );
        let v = events(
            "The Nepal Peace Society carried an article titled \"Kim Jong Il, Leader of the People\" on Monday.",
            "2012-05-10",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise reported_praise nepal-peace-society->kim-jong-il")),
            "{v:?}"
        );
    }

    #[test]
    fn the_issuer_of_a_statement_speaks_in_the_sentences_that_quote_it() {
        let v = events(
            "Several parties of Chile including the Socialist Party of Chile made public a joint statement on May 3.\nThe Workers' Party of Korea is a party of the people, the statement said.\nBitterly denouncing the U.S. for its hostile moves, it said the Korean people would win.",
            "2012-05-10",
        );
        assert!(
            v.contains(
                &"praise reported_praise socialist-party-of-chile->workers-party-of-korea 2012-05-03"
                    .to_string()
            ),
            "{v:?}"
        );
        assert!(
            v.iter().any(|e| e.starts_with("criticism criticism socialist-party-of-chile->usa")),
            "{v:?}"
        );
    }

    #[test]
    fn the_delegation_is_its_leader_named_before() {
        let v = events(
            "A delegation of the Socialist Party of Peru led by Ramon Quispe arrived here on Monday.\nThe delegation laid a floral basket before the statue of Kim Il Sung on Tuesday.\nThe delegation visited the Grand People's Study House on Tuesday.",
            "2012-03-14",
        );
        assert!(
            v.iter().any(|e| e.starts_with("message floral_tribute ramon-quispe->kim-il-sung 2012-03-13")),
            "{v:?}"
        );
        // touring during the visit is that visit, not another
        assert_eq!(v.iter().filter(|e| e.starts_with("visit ")).count(), 1, "{v:?}");
    }

    #[test]
    fn passives_put_the_agent_first() {
        let v = events(
            "The U.S. moves were strongly denounced by the Nepal Peace Society on Monday.",
            "2012-03-14",
        );
        assert!(
            v.iter().any(|e| e.starts_with("criticism criticism nepal-peace-society->usa 2012-03-12")),
            "{v:?}"
        );
        assert!(!v.iter().any(|e| e.contains("usa->")), "{v:?}");
        let v = events(
            "Kim Jong Un was presented with a floral basket by the Nepal Peace Society on Monday.",
            "2012-03-14",
        );
        assert!(
            v.iter().any(|e| e
                .starts_with("message message_presented_with nepal-peace-society->kim-jong-un 2012-03-12")),
            "{v:?}"
        );
    }

    #[test]
    fn a_message_stated_as_a_phrase() {
        let v = events(
            "In a message to Kim Jong Un on Monday, Jorge Soto, chairman of the Friendship Society of Chile, wished him success.",
            "2012-03-14",
        );
        assert!(
            v.iter().any(|e| e.starts_with("message message_in jorge-soto->kim-jong-un 2012-03-12")),
            "{v:?}"
        );
        let v = events(
            "Jorge Soto, chairman of the Friendship Society of Chile, in a letter to Kim Jong Un on Monday wished him success.",
            "2012-03-14",
        );
        assert!(
            v.iter().any(|e| e.starts_with("message message_in jorge-soto->kim-jong-un 2012-03-12")),
            "{v:?}"
        );
    }

    #[test]
    fn commentaries_in_the_present_tense_and_praise_by_appreciation() {
        let v =
            events("Minju Joson Monday in a commentary ridicules the Japanese authorities.", "2012-03-13");
        assert!(v.iter().any(|e| e.starts_with("criticism criticism minju-joson->jpn")), "{v:?}");
        let v =
            events("The Nepal Peace Society highly appreciates the Workers' Party of Korea.", "2012-03-13");
        assert!(
            v.iter().any(|e| e.starts_with("praise praise nepal-peace-society->workers-party-of-korea")),
            "{v:?}"
        );
    }

    #[test]
    fn the_words_of_a_message_are_no_praise_of_their_own() {
        let v = events(
            "Kim Jong Un received a message from the Nepal Peace Society on Monday. The message says:\nThe Nepal Peace Society highly appreciates the Workers' Party of Korea.",
            "2012-03-13",
        );
        assert!(v.iter().any(|e| e.starts_with("message ")), "{v:?}");
        assert!(!v.iter().any(|e| e.starts_with("praise ")), "{v:?}");
    }

    #[test]
    fn the_participants_are_those_present() {
        let v = events(
            "The DPRK embassy in Lima hosted a reception on Monday.\nPresent there on invitation were officials of the Peruvian Foreign Ministry and the Friendship Society of Peru.\nThe participants laid a floral basket before the portrait of Kim Il Sung.",
            "2012-03-13",
        );
        assert!(
            v.iter().any(|e| e.starts_with("message floral_tribute ") && e.contains("->kim-il-sung")),
            "{v:?}"
        );
    }

    #[test]
    fn a_fronted_invitation_names_the_host_not_the_visitor() {
        let v = events(
            "At the invitation of Hu Jintao, general secretary of the Communist Party of China and Chinese president, Kim Jong Il, general secretary of the Workers' Party of Korea, paid an unofficial visit to China from Sunday to Wednesday.",
            "2011-05-27",
        );
        assert!(v.iter().any(|e| e.starts_with("visit visit kim-jong-il->chn 2011-05-22")), "{v:?}");
        // a clause of "whether" states nothing
        let v = events(
            "There were no reports whether Kim Jong Un also sent a message to the president of Peru.",
            "2012-05-27",
        );
        assert!(v.iter().all(|e| e.starts_with('!')), "{v:?}");
    }

    #[test]
    fn talks_between_the_subjects_sides_and_baskets_that_came_from_a_list() {
        let v = events(
            "The Red Cross Society of Peru and the Red Cross Society of Chile held talks in Lima on Monday.",
            "2012-08-10",
        );
        assert!(
            v.iter().any(|e| e.starts_with(
                "meeting talks_held red-cross-society-of-peru->red-cross-society-of-chile 2012-08-06"
            )),
            "{v:?}"
        );
        // the place after the trigger is no side
        assert!(!v.iter().any(|e| e.contains("->per ")), "{v:?}");
        let v = events(
            "Kim Jong Un received floral baskets on Monday.\nA floral basket was sent to him in the joint name of the Nepal Peace Society. Floral baskets also came from the Friendship Society of Chile, Jorge Soto, chairman of the Peace Committee of Peru, and the Youth League of Laos.",
            "2012-08-10",
        );
        for who in [
            "nepal-peace-society->kim-jong-un",
            "friendship-society-of-chile->kim-jong-un",
            "jorge-soto->kim-jong-un",
        ] {
            assert!(v.iter().any(|e| e.starts_with("message ") && e.contains(who)), "{who} {v:?}");
        }
    }

    #[test]
    fn anniversaries_of_visits_and_spans_of_two_days() {
        let v = events(
            "A reception was given on Monday to mark the 10th anniversary of leader Kim Jong Il's visit to Laos and the 5th anniversary of his visit to Vietnam.",
            "2012-08-10",
        );
        assert!(v.contains(&"visit visit_noun kim-jong-il->lao 2002".to_string()), "{v:?}");
        assert!(v.contains(&"visit visit_noun kim-jong-il->vnm 2007".to_string()), "{v:?}");
        let v = events(
            "The Red Cross Society of Peru and the Red Cross Society of Chile held talks in Lima on Thursday and Friday.",
            "2012-08-11",
        );
        assert_eq!(v.iter().filter(|e| e.starts_with("meeting ")).count(), 1, "{v:?}");
    }

    #[test]
    fn returns_home_and_presences_are_visits() {
        let v = events(
            "The DPRK delegation led by Pak Ui Chun returned home on Monday after attending the meeting of ministers in Beijing.",
            "2012-08-10",
        );
        assert!(v.iter().any(|e| e.starts_with("visit visit_returned pak-ui-chun->chn 2012-08-06")), "{v:?}");
        let v = events(
            "Sergey Petrov, director general of the Russian agency, is in Pyongyang at the invitation of the Korean Central News Agency.",
            "2012-08-10",
        );
        assert!(v.iter().any(|e| e.starts_with("visit visit_presence sergey-petrov->prk")), "{v:?}");
    }

    #[test]
    fn negation_and_intent() {
        let v = events("Choummaly Sayasone will pay an official goodwill visit to the DPRK.", "2011-09-15");
        assert!(v.iter().all(|e| e.starts_with('!')), "{v:?}");
        let v = events("The Russian Ambassador to the DPRK hosted a reception on Friday.", "2024-10-11");
        assert!(v.iter().all(|e| !e.starts_with('!')), "{v:?}");
        let v = events("Kim Yong Nam refused to meet Hillary Clinton.", "2011-09-15");
        assert!(v.iter().all(|e| e.starts_with('!')), "{v:?}");
    }

    #[test]
    fn treaty_anniversaries_date_the_signing() {
        let v = events(
            "A Chinese art troupe arrived in Pyongyang Thursday to mark the 50th anniversary of the conclusion of the DPRK-China treaty of friendship, cooperation and mutual assistance.",
            "2011-07-07",
        );
        assert!(v.iter().any(|e| e == "agreement treaty_anniversary prk->chn 1961"), "{v:?}");
        let v = events(
            "The ambassador gave a reception on the 35th anniversary of the conclusion of the treaty on friendship and cooperation between the DPRK and Laos.",
            "2011-08-04",
        );
        assert!(v.iter().any(|e| e == "agreement treaty_anniversary prk->lao 1976"), "{v:?}");
        // one side only: no event
        let v = events("They marked the 101st anniversary of the signing of the Ulsa treaty.", "2011-08-25");
        assert!(!v.iter().any(|e| e.contains("treaty_anniversary")), "{v:?}");
    }

    fn titled(title: &str, text: &str, date: &str) -> Vec<String> {
        let a = Article {
            title: Some(title.into()),
            outlet: Some("KCNA".into()),
            published: Some(date.parse().unwrap()),
            paragraphs: text.split('\n').map(String::from).collect(),
            ..Default::default()
        };
        describe(&a, false)
    }

    #[test]
    fn newspaper_commentaries() {
        // criticism when the headline denounces; the target may be named before the paper
        let v = titled(
            "Lee Myung Bak's Anti-DPRK Remarks under Fire",
            "During his recent German junket traitor Lee Myung Bak of south Korea urged the north to do so.\nRodong Sinmun Sunday observes in a bylined article in this regard:",
            "2011-05-22",
        );
        assert_eq!(v, vec!["criticism newspaper_commentary rodong-sinmun->lee-myung-bak 2011-05-22"]);
        let v = titled(
            "U.S. Arms Sale to S. Korea Slammed",
            "The United States sold weapons to south Korea last year. Rodong Sinmun Monday says in a by-lined commentary.",
            "2011-10-17",
        );
        assert_eq!(v, vec!["criticism newspaper_commentary rodong-sinmun->usa 2011-10-17"]);
        // praise of a visiting leader: the state narrowed to its leader in the lead
        let v = titled(
            "DPRK Newspapers Welcome Lao President's Visit",
            "Choummaly Sayasone, president of Laos, is due to arrive in Pyongyang Wednesday.\nMinju Joson notes the Korean people hope that the mission of the Lao people would achieve success.",
            "2011-09-21",
        );
        assert!(
            v.contains(&"praise newspaper_commentary minju-joson->choummaly-sayasone 2011-09-21".to_string()),
            "{v:?}"
        );
        // a neutral headline: no event
        let v = titled(
            "Rodong Sinmun Calls for Defusing Inter-Korean Confrontation",
            "It is urgent to improve the relations with south Korea, says Rodong Sinmun Saturday in a bylined article.",
            "2011-03-26",
        );
        assert!(v.is_empty(), "{v:?}");
        // domestic subject only: no event
        let v = titled(
            "Rodong Sinmun Hits Slackness",
            "Slackness is harmful, says Rodong Sinmun Saturday in a bylined article.",
            "2011-03-26",
        );
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn foreign_speaker_of_feats() {
        let v = events(
            "In a joint statement the Communist Workers' Party of Belarus, the National Social Federation of Belarus and the Permanent Committee of the Belarus-DPRK National Friend Association Named After Kim Il Sung said that Kim Jong Il performed distinguished feats.",
            "2011-12-30",
        );
        assert_eq!(
            v,
            vec!["praise praise_leader_feats communist-workers-party-of-belarus->kim-jong-il 2011-12-30"]
        );
    }

    #[test]
    fn criticism_as_the_purpose_of_an_act_and_as_a_noun() {
        // "issued a commentary … to denounce Y": the act took place, its purpose is no intent
        let v = events(
            "The Farmers League of Peru issued a commentary on Tuesday to denounce the Japanese authorities for their moves.",
            "2012-04-12",
        );
        assert!(
            v.contains(&"criticism criticism_purpose farmers-league-of-peru->jpn 2012-04-10".to_string()),
            "{v:?}"
        );
        let v = events(
            "The Farmers League of Peru made public a statement on Tuesday in denunciation of the Japanese authorities.",
            "2012-04-12",
        );
        assert!(
            v.iter().any(|e| e.starts_with("criticism criticism_nominal farmers-league-of-peru->jpn")),
            "{v:?}"
        );
        // a rally still to be held states nothing yet
        let v = events(
            "The Farmers League of Peru will hold a rally on Friday to denounce the Japanese authorities.",
            "2012-04-12",
        );
        assert!(v.iter().all(|e| e.starts_with('!')), "{v:?}");
        // "struck out at": a phrasal verb of denunciation
        let v = events(
            "The Farmers League of Peru in a press conference on Tuesday struck out at the Japanese authorities.",
            "2012-04-12",
        );
        assert!(v.iter().any(|e| e.starts_with("criticism criticism farmers-league-of-peru->jpn")), "{v:?}");
    }

    #[test]
    fn a_foreign_voice_on_the_organs_of_its_own_state() {
        // "the authorities" after the verb: the speaker's own state
        let v = events(
            "The Teachers Union of Chile on Monday accused the authorities of cutting the education budget.",
            "2012-04-12",
        );
        assert!(
            v.contains(&"criticism criticism teachers-union-of-chile->chl 2012-04-09".to_string()),
            "{v:?}"
        );
        // a home voice on "the authorities" names nobody
        let v = events("Rodong Sinmun on Monday denounced the authorities for their moves.", "2012-04-12");
        assert!(!v.iter().any(|e| e.contains("->prk")), "{v:?}");
    }

    #[test]
    fn criticism_and_praise() {
        let v = events(
            "Rodong Sinmun on Friday denounced the Japanese reactionaries for their moves.",
            "2011-08-26",
        );
        assert_eq!(v, vec!["criticism criticism rodong-sinmun->jpn 2011-08-26"]);
        let v = events(
            "The Central Committee of the Bulgarian Worker's Party (Communist) in its statement said that Kim Jong Il conducted energetic activities.",
            "2011-12-30",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("praise praise_leader_feats central-committee-of-the-bulgarian-workers-party-communist->kim-jong-il"));
    }

    #[test]
    fn messages_in_other_shapes() {
        // congratulations as a verb: the subject congratulates its object
        let v = events(
            "Ri Su Yong, foreign minister of the DPRK, on Tuesday congratulated Mario Lopez, foreign minister of Chile, on his appointment.",
            "2011-05-11",
        );
        assert!(v.contains(&"message congratulated ri-su-yong->mario-lopez 2011-05-10".to_string()), "{v:?}");
        // the passive: the agent after "by" congratulates the subject
        let v = events(
            "Kim Yong Nam was warmly congratulated by Pedro Alves, chairman of the Labour Party of Brazil, on Friday on his birthday.",
            "2011-05-09",
        );
        assert!(v.iter().any(|e| e.starts_with("message congratulated pedro-alves->kim-yong-nam")), "{v:?}");
        // thanks for congratulating: the addressee's act, no message of the writer's
        let v = events(
            "Kim Yong Nam thanked Mario Lopez, foreign minister of Chile, for congratulating him on the national day.",
            "2011-05-09",
        );
        assert!(!v.iter().any(|e| e.contains("congratulated")), "{v:?}");
        // a statement congratulating: public praise
        let v = events(
            "The Socialist Party of Chile issued a statement on May 3 congratulating leader Kim Jong Il on his visit to China.",
            "2011-05-09",
        );
        assert!(
            v.contains(
                &"praise praise_congratulating socialist-party-of-chile->kim-jong-il 2011-05-03".to_string()
            ),
            "{v:?}"
        );
        // a letter handed over in person, the object before or after the addressee
        let v = events(
            "Ana Torres, chairwoman of the Socialist Party of Chile, presented a letter to leader Kim Jong Il on March 4.",
            "2011-03-09",
        );
        assert!(
            v.contains(&"message message_presented ana-torres->kim-jong-il 2011-03-04".to_string()),
            "{v:?}"
        );
        let v = events(
            "Ana Torres, chairwoman of the Socialist Party of Chile, on March 4 presented to leader Kim Jong Il a letter on behalf of the seminar.",
            "2011-03-09",
        );
        assert!(
            v.contains(&"message message_presented ana-torres->kim-jong-il 2011-03-04".to_string()),
            "{v:?}"
        );
        // a letter of credentials is no message
        let v = events(
            "Ana Torres, ambassador of Chile, presented her letter of credentials to Kim Yong Nam on Monday.",
            "2011-03-09",
        );
        assert!(!v.iter().any(|e| e.starts_with("message")), "{v:?}");
        // the corps of the foreign missions, of no one state; a basket of flowers; the
        // common misspelling "massage"
        let v = events(
            "Leader Kim Jong Il received a basket of flowers from the diplomatic corps here on Wednesday.",
            "2011-09-09",
        );
        assert!(
            v.contains(&"message message_received_from diplomatic-corps->kim-jong-il 2011-09-07".to_string()),
            "{v:?}"
        );
        let v = events(
            "Kim Yong Nam sent a massage of greeting to Ana Torres, president of Chile, on Friday.",
            "2011-09-12",
        );
        assert!(v.contains(&"message message_sent kim-yong-nam->ana-torres 2011-09-09".to_string()), "{v:?}");
    }

    #[test]
    fn delegation_movements_home_and_sites() {
        // a leader whose title reads as the outlet state's ("the Party Central
        // Committee") is of the delegation's state
        let v = events(
            "The delegation of the Socialist Party of Chile led by Ana Torres, chairwoman of the Commission for External Affairs of the Party Central Committee, visited Mangyongdae on Friday.",
            "2011-10-24",
        );
        assert!(v.contains(&"visit visit ana-torres->prk 2011-10-21".to_string()), "{v:?}");
        // going home without "after visiting Z": a foreign side's visit to the host ends
        let v = events(
            "The delegation of the Labour Party of Brazil led by Pedro Alves went back home by air on Saturday.",
            "2011-10-24",
        );
        assert!(v.contains(&"visit visit_home pedro-alves->prk 2011-10-22".to_string()), "{v:?}");
        // the outlet's own delegation going home makes no visit of its own
        let v = events("The DPRK delegation led by Ri Chol Nam came back home on Saturday.", "2011-10-24");
        assert!(v.is_empty(), "{v:?}");
        // leaving the capital named
        let v = events(
            "Ana Torres, chairwoman of the Socialist Party of Chile, left Pyongyang on Monday.",
            "2011-10-25",
        );
        assert!(v.contains(&"visit visit_here ana-torres->prk 2011-10-24".to_string()), "{v:?}");
        // a site of no known state, visited by a foreign side: in the host state
        let v = events(
            "Pedro Alves, chairman of the Labour Party of Brazil, visited the International Friendship Exhibition House on Sunday.",
            "2011-10-25",
        );
        assert!(v.contains(&"visit visit pedro-alves->prk 2011-10-23".to_string()), "{v:?}");
        // a rank before the name is no part of the id
        let v = events(
            "A delegation of Rodong Sinmun led by its Deputy Editor Ri Chol Nam left here on Monday to visit Laos.",
            "2011-10-25",
        );
        assert!(v.contains(&"visit visit_left_for ri-chol-nam->lao 2011-10-24".to_string()), "{v:?}");
    }

    #[test]
    fn denunciations_by_foreign_voices_of_their_own_state() {
        // an abbreviation's dot ("Nov.", "U.S.") inside the sentence ends no clause
        let v = events(
            "The Democratic Labor Party of south Korea issued a statement on Nov. 4 to condemn the puppet authorities for their crackdown.",
            "2011-11-06",
        );
        assert!(
            v.contains(&"criticism criticism_purpose democratic-labor-party->kor 2011-11-04".to_string()),
            "{v:?}"
        );
        // a south Korean newspaper the knowledge base knows, on its own state's organs
        let v = events(
            "Hangyore in an editorial on Sept. 12 denounced the puppet police for their violence.",
            "2011-09-14",
        );
        assert!(v.contains(&"criticism criticism hangyore->kor 2011-09-12".to_string()), "{v:?}");
        // "GIs" are the United States' soldiers
        let v = events(
            "Students of south Korea held a rally on Saturday to denounce GIs for their crimes.",
            "2011-09-14",
        );
        assert!(v.iter().any(|e| e.starts_with("criticism ") && e.contains("->usa 2011-09-10")), "{v:?}");
    }

    #[test]
    fn a_tribute_laid_then_its_sender() {
        // the tribute laid with no sender, the sender in the next sentence
        let v = events(
            "A floral basket was laid before the statue of President Kim Il Sung on Mansu Hill on Friday.\nIt came from Ana Torres, chairwoman of the Socialist Party of Chile.",
            "2011-04-18",
        );
        assert!(
            v.contains(&"message tribute_came_from ana-torres->kim-il-sung 2011-04-15".to_string()),
            "{v:?}"
        );
        // a sender named as a relative takes the relative's state, not one opposed
        let v = events(
            "A wreath was laid before the statue of President Kim Il Sung on Friday.\nIt came from the family of Liu Fang, daughter of Liu Dehai, a Chinese veteran of the anti-Japanese struggle.",
            "2011-04-18",
        );
        assert!(
            v.contains(&"message tribute_came_from liu-fang->kim-il-sung 2011-04-15".to_string()),
            "{v:?}"
        );
        // an agent in the sentence itself is the trigger table's; no second reading
        let v = events(
            "A floral basket was laid before the statue of President Kim Il Sung by Ana Torres, chairwoman of the Socialist Party of Chile, on Friday.\nIt came from Chile.",
            "2011-04-18",
        );
        assert!(!v.iter().any(|e| e.contains("tribute_came_from")), "{v:?}");
    }

    #[test]
    fn a_reporting_clause_closing_the_sentence() {
        // the speaker after the comma (a pronoun: the subject before); the side denounced
        // in the content; the content's own dates and mood are not the speaking's
        let v = events(
            "The Labour Party of Brazil issued a statement on Monday.\nThe United States would not stop its sanctions imposed in 2009, it charged.",
            "2011-06-08",
        );
        assert!(
            v.contains(&"criticism criticism_reported labour-party-of-brazil->usa 2011-06-06".to_string()),
            "{v:?}"
        );
        // a foreign voice on its own state's organs
        let v = events(
            "The Democratic Labor Party of south Korea held a press conference on Monday.\nThe puppet authorities are stepping up the crackdown on the workers, they deplored.",
            "2011-06-08",
        );
        assert!(
            v.iter().any(|e| e.starts_with("criticism criticism_reported democratic-labor-party->kor")),
            "{v:?}"
        );
        // never the outlet's own side
        let v = events(
            "The Labour Party of Brazil issued a statement on Monday.\nThe sanctions against the DPRK are a crime, it charged.",
            "2011-06-08",
        );
        assert!(!v.iter().any(|e| e.contains("criticism_reported")), "{v:?}");
    }

    #[test]
    fn an_utterance_made_public_in_support_of() {
        // a statement in support of Y: its issuer praises Y (the side after the phrase)
        let v = events(
            "The Socialist Party of Chile issued a statement on Nov. 25 in support of the report of the Supreme Command of the Korean People's Army.",
            "2011-11-28",
        );
        assert!(
            v.iter().any(|e| e.starts_with("praise praise_utterance socialist-party-of-chile->")
                && e.ends_with(" 2011-11-25")),
            "{v:?}"
        );
        // an article hailing Y
        let v = events(
            "The Chilean newspaper El Siglo carried an article on Monday hailing leader Kim Jong Il.",
            "2011-11-30",
        );
        assert!(
            v.iter()
                .any(|e| e.starts_with("praise praise_utterance") && e.contains("->kim-jong-il 2011-11-28")),
            "{v:?}"
        );
        // a reception in celebration of a national day is no praise
        let v = events(
            "The Embassy of Chile gave a reception on Monday in celebration of the national day of Chile.",
            "2011-11-30",
        );
        assert!(!v.iter().any(|e| e.starts_with("praise")), "{v:?}");
    }
}
