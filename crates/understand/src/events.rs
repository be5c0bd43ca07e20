//! Diplomatic events: trigger patterns per sentence, then actor, target, date, place
//! and occasion from the mentions and date expressions around the trigger.

use std::sync::LazyLock;

use annalist_model::{Date, EntityKind, Event, EventStatus, EventType, Mention, PartialDate};
use regex::Regex;

use crate::cameo;
use crate::dates::DateExpr;
use crate::kb::Kb;
use crate::lexicon::TITLE_NOUNS;

/// Where actor and target are found relative to the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// Actor is the sentence subject, target follows the trigger.
    Subject,
    /// Actor follows "from" in the trigger; target is the subject.
    FromAfter,
    /// "… between A and B": A is the actor, B the target.
    Between,
    /// Actor is the subject; there is no target (receptions).
    NoTarget,
    /// Passive without agent ("a reception was given"): actor after "by", else the
    /// host state.
    Passive,
    /// A phrase attached to the visitor ("…, on a visit to the DPRK"): the actor is the
    /// nearest named person before it, not the sentence subject.
    Nearest,
    /// "the visiting delegation of X (led by Y)": X (or Y) visits the outlet's state.
    Attributive,
    /// "A letter to Y was adopted (at the meeting)": the target follows "to"; the actor
    /// is whoever held the meeting, the last named subject.
    Adopted,
}

struct Trigger {
    re: Regex,
    kind: EventType,
    rule: &'static str,
    dir: Dir,
    cameo: &'static str,
}

fn t(re: &str, kind: EventType, rule: &'static str, dir: Dir, cameo: &'static str) -> Trigger {
    // ASCII word boundaries: a Unicode \b makes the fast engines give up on any text
    // with a curly quote or a dash, and English trigger words need no more
    let re = re.replace(r"\b", r"(?-u:\b)");
    Trigger { re: Regex::new(&format!("(?i){re}")).expect(rule), kind, rule, dir, cameo }
}

static TRIGGERS: LazyLock<Vec<Trigger>> = LazyLock::new(|| {
    use Dir::*;
    use EventType::*;
    vec![
        t(
            r"\breceived\b[^.;]{0,80}?\b(?:message|letter|greetings|telegram|floral\s+basket|reply|congratulations|condolences)\b[^.;]{0,100}?\bfrom\b",
            Message,
            "message_received_from",
            FromAfter,
            "051",
        ),
        t(
            r"\b(?:sent|sends|send|forwarded|dispatched)\b[^.;]{0,60}?\b(?:message|letter|greetings|telegram|floral\s+basket|wreath|congratulations|condolences|card|reply)\b",
            Message,
            "message_sent",
            Subject,
            "051",
        ),
        // passives: "a message of greeting sent by X (to Y)", "a letter to Y was adopted"
        t(
            r"\b(?:message|letter|greetings|telegram|floral\s+basket|wreath|reply)\b[^.;]{0,40}?\b(?:sent|forwarded|dispatched|addressed|presented)\s+by\b",
            Message,
            "message_sent_by",
            FromAfter,
            "051",
        ),
        t(
            r"\b(?:letter|message)\s+to\b[^.;]{0,120}?\b(?:was|were)\s+adopted\b",
            Message,
            "letter_adopted",
            Adopted,
            "051",
        ),
        t(
            r"\b(?:expressed|expressing|extended|conveyed)\b[^.;]{0,40}?\bcondolences?\b",
            Message,
            "condolences_expressed",
            Subject,
            "018",
        ),
        t(
            r"\b(?:extended|conveyed)\b[^.;]{0,30}?\b(?:congratulations|greetings)\b",
            Message,
            "greetings_extended",
            Subject,
            "051",
        ),
        t(r"\b(?:the|a|an|its|their)\s+visiting\b", Visit, "visiting_delegation", Attributive, "042"),
        t(
            r"\bon\s+(?:a|an|his|her|their|its)\s+(?:[\w-]+\s+){0,3}?visit\s+(?:to|here)\b",
            Visit,
            "visit_on_a_visit",
            Nearest,
            "042",
        ),
        t(
            r"\bleft\s+(?:here|for|[A-Z]\w+)\b[^.;]{0,40}?\b(?:to\s+visit|for)\b",
            Visit,
            "visit_left_for",
            Subject,
            "042",
        ),
        t(
            r"\b(?:visited|visits|paid\s+(?:a|an|his|her|their|my|our|its)\s+(?:[\w-]+\s+){0,3}?visit(?:s)?\s+to|made\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?visit\s+to|visiting\s+(?:the\s+)?[A-Z])",
            Visit,
            "visit",
            Subject,
            "042",
        ),
        t(r"\b(?:arrived|arriving|left|leaving)\s+here\b", Visit, "visit_here", Subject, "042"),
        t(r"\barrived\s+(?:in|at)\b", Visit, "visit_arrived", Subject, "042"),
        t(r"\btalks\s+(?:were|was)\s+held\s+between\b", Meeting, "talks_held_between", Between, "046"),
        t(
            r"\b(?:had|held)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,3}?(?:talks?|meeting|conversation|summit)\b(?:\s+and\s+talks)?[^.;]{0,30}?\bwith\b",
            Meeting,
            "talks_with",
            Subject,
            "046",
        ),
        t(r"\b(?:met|meets)\b", Meeting, "met", Subject, "040"),
        t(r"\bpaid\s+(?:a\s+)?courtesy\s+call\s+on\b", Meeting, "courtesy_call", Subject, "040"),
        t(
            r"\breceived\s+(?:the\s+)?(?:letters?\s+of\s+)?credentials\s+from\b",
            Meeting,
            "credentials_received",
            Subject,
            "040",
        ),
        // "X received Y (and had a talk with …)": a call on X; not "received a gift from"
        t(
            r"\breceived\s+(?:and\s+had\s+a\s+(?:[\w-]+\s+)?talk\s+with\s+)?(?:the\s+|a\s+|an\s+)?(?:(?-i:[A-Z])|(?:[\w-]+\s+){0,4}?(?:delegation|delegates|ambassador|envoy|minister|officials?|group|troupe|party|guests?|visitors?|president|premier|chairman|secretary|representatives?)\b)",
            Meeting,
            "received_visitor",
            Subject,
            "040",
        ),
        t(
            r"\b(?:treaty|declaration|agreement|accord|protocol|memorandum)\b[^.;]{0,220}?\b(?:was|were)\s+signed\s+between\b",
            Agreement,
            "agreement_signed_between",
            Between,
            "057",
        ),
        t(
            r"\b(?:signed|concluded)\b[^.;]{0,120}?\b(?:treaty|declaration|agreement|accord|protocol|memorandum|communique|contract)\b",
            Agreement,
            "agreement_signed",
            Subject,
            "057",
        ),
        t(
            r"\b(?:exchange\s+of\s+(?:the\s+)?(?:instruments\s+of\s+ratification|ratification\s+instruments)|ratification\s+instruments\b[^.;]{0,120}?\bexchanged)\b[^.;]{0,80}?\bbetween\b",
            Ratification,
            "ratification_exchanged",
            Between,
            "057",
        ),
        t(r"\bratified\b", Ratification, "ratified", Subject, "057"),
        t(
            r"\b(?:hosted|gave|arranged|provided|threw|held)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,2}?(?:reception|banquet|dinner|luncheon)\b",
            Reception,
            "reception_hosted",
            NoTarget,
            "017",
        ),
        t(
            r"\b(?:reception|banquet)\s+(?:was|were)\s+(?:given|hosted|arranged|held|provided|thrown)\b",
            Reception,
            "reception_given_passive",
            Passive,
            "017",
        ),
        t(
            r"\b(?:established|set\s+up|forged)\s+diplomatic\s+(?:relations|ties)\b",
            RelationsEstablished,
            "relations_established",
            Subject,
            "054",
        ),
        t(
            r"\b(?:praised|praising|lauded|hailed|extolled|eulogized|acclaimed|admired|spoke\s+highly\s+of|paid\s+(?:[\w-]+\s+)?tribute\s+to|highly\s+appreciated|expressed\s+(?:\w+\s+){0,2}?(?:support|solidarity)|expressed\s+(?:the\s+|his\s+|her\s+)?belief)\b",
            Praise,
            "praise",
            Subject,
            "051",
        ),
        t(
            r"\b(?:denounced|denouncing|denounces|condemned|condemning|condemns|flayed|flaying|accused|accusing|rebuked|rebuking|criticized|criticised|criticizing|criticising|slammed|lambasted|censured|blasted|decried|castigated|assailed|ridiculed|chided|chiding|chides|deplored|deploring|deplores|lashed\s+out\s+at|rapped|branded)\b",
            Criticism,
            "criticism",
            Subject,
            "111",
        ),
    ]
});

static TITLED_SUBJECT: LazyLock<Regex> = lazy_regex!(
    r"(?i)^\s*the\s+(president|premier|prime\s+minister|minister|foreign\s+minister|king|ambassador|chairman|chairwoman|secretary|general\s+secretary|vice-president)\b"
);

/// A clause opened by a personal pronoun ("He", "She"), resolved to the last fitting
/// named person.
static PRONOUN_SUBJECT: LazyLock<Regex> = lazy_regex!(r"^\s*(?:He|She)\s");

static BEHALF: LazyLock<Regex> = lazy_regex!(r"(?i)\b(?:on\s+behalf\s+of|in\s+the\s+name\s+of)\b[^;]*$");

static FEATS_SAID: LazyLock<Regex> = lazy_regex!(
    r"\b(?:said|noted|stressed|pointed\s+out|emphasized|recalled|said\s+in\s+part)\s+that\s+(?:(?:[Gg]eneral\s+[Ss]ecretary|President|[Ll]eader|Chairman|Comrade|[Gg]reat)\s+)*$"
);

static MODAL_BEFORE: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:will|would|shall|is\s+to|are\s+to|was\s+to|is\s+due\s+to|are\s+due\s+to|plans?\s+to|planned\s+to|planning\s+to|intends?\s+to|expected\s+to|going\s+to|may|might|could|should|wish(?:es|ed)?\s+to|hope[sd]?\s+to|invited\s+[^,.;]{1,60}?\s+to|ready\s+to|willing\s+to|soon)\s+(?:[\w-]+\s+){0,2}$|\bto\s+$"
);

/// Whether text ending before a person's name makes it the complement of an ordinary
/// noun ("the works of", "birth of President", "the exploits of").
fn of_complement(before: &str) -> bool {
    // read backwards: up to three capitalised words, "the", "of", then the noun
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

static MODAL_CLAUSE: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:will|would|shall|is\s+to|are\s+to|is\s+due\s+to|are\s+due\s+to|plans?\s+to|expected\s+to|scheduled\s+to)\b"
);

static NEG_BEFORE: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:not|never|refused\s+to|declined\s+to|failed\s+to|no)\s+(?:[\w-]+\s+){0,2}$");

static HYPO: LazyLock<Regex> = lazy_regex!(r"(?i)\b(?:if|unless|should\s+the|in\s+case)\b");

static OCCASION: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:on\s+the\s+occasion\s+of|to\s+mark|in\s+celebration\s+of|in\s+commemoration\s+of|over\s+the|on)\s+(?:the\s+|its\s+|his\s+|her\s+)?(?P<o>(?:\d+\w*\s+(?:[\w-]+\s+)?anniversary|new\s+year|demise|death|passing|election|birthday|national\s+day|lunar|day\s+of|ratification|founding|independence|liberation|victory)[^,.;]{0,90}?)(?:[,.;]|\s+on\s+[A-Z]|\s+in\s+the\s+name|\s+to\s+[A-Z]|\s+on\s+behalf|$)"
);

static ANNIV_RELATIONS: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?:establishment|establishing|forging)\s+of\s+(?:the\s+)?diplomatic\s+(?:relations|ties)\s+between\b"
);

static ANNIV_TREATY: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?:conclusion|signing|signature|adoption)\s+of\s+(?:the\s+)?(?P<what>[^,.;]{0,100}?\b(?:treaty|agreement|declaration|accord|joint\s+statement|communiqu[eé]))\b"
);

static DECEASED: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:demise|death|passing(?:\s+away)?|loss)\s+of\s+(?:\w+\s+){0,2}$");

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
    for &(ss, se) in ctx.sentences {
        let sent = &ctx.body[ss..se];
        // track the latest sentence subject (for "He"/"She" sentences)
        let first = ctx.in_range(ss, se).next();
        let prev_subject = subject;
        if let Some(f) = first
            && f.start <= ss + 48
            && matches!(f.kind, EntityKind::Person | EntityKind::Organization)
        {
            subject = Some(f);
        }
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for trig in TRIGGERS.iter() {
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
        meeting_recalled(ctx, ss, se, &mut out);
        newspaper_commentary(ctx, ss, se, default, &mut out);
        // foreign voices praising the outlet state's leaders
        praise_feats(ctx, ss, se, default, prev_subject, &mut out);
        reported_praise(ctx, ss, se, default, &mut out);
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

/// One trigger matched in a sentence: what the phases of [`sentence_events`] read.
struct Hit<'a> {
    ctx: &'a Ctx<'a>,
    trig: &'a Trigger,
    /// The sentence's span.
    ss: usize,
    se: usize,
    /// The trigger's span.
    ts: usize,
    te: usize,
    /// The subject of the sentences before (for "He"/"She" and subjectless clauses).
    prev_subject: Option<&'a Mention>,
    /// The article's own date, for a sentence that states none.
    default: Option<PartialDate>,
}

/// The mentions before a trigger that may be its subject.
struct Subjects<'a> {
    /// Everything named before the trigger but places.
    all: Vec<&'a Mention>,
    /// The people among them who lead a delegation ("… led by Y").
    led: Vec<&'a Mention>,
    /// `all` without the names in an of-phrase after an ordinary noun ("the members of
    /// the committee for studying the works of Kim Il Sung": not Kim).
    heads: Vec<&'a Mention>,
}

/// An actor and a target (either may be missing: no event then, or a reception).
type Sides = (Option<Mention>, Option<Mention>);

/// A date for an event, with where its expression ends in the body.
struct Dated {
    date: Option<PartialDate>,
    date_end: Option<PartialDate>,
    relative: bool,
    end: usize,
    /// Why, when the date is not stated in the sentence.
    reason: Option<String>,
}

/// The events of one trigger match: clause status, sides, dates, then one event per
/// side pair and date.
fn sentence_events(h: &Hit<'_>, out: &mut Vec<Event>) {
    if h.not_an_event() {
        return;
    }
    let status = h.status();
    let sides = h.sides();
    let dated = h.dates();
    h.emit(sides, &dated, status, out);
}

impl<'a> Hit<'a> {
    /// Trigger matches that read as an event but are none: a gift received, the passive
    /// of someone else's call or visit.
    fn not_an_event(&self) -> bool {
        let (body, ts, te) = (self.ctx.body, self.ts, self.te);
        if self.trig.rule == "received_visitor"
            && body[ts..te].split_whitespace().any(|w| matches!(w, "from" | "gift" | "gifts"))
        {
            return true; // "received a gift from the ambassador": no call on anyone
        }
        if self.trig.rule == "received_visitor"
            && (body[te..].trim_start().starts_with("by ")
                || body[..ts]
                    .trim_end()
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| matches!(w, "being" | "been" | "was" | "were")))
        {
            return true; // "had the honour of being received by": the passive of someone else's call
        }
        // "was visited by": passive, handled poorly; skip
        self.trig.kind == EventType::Visit
            && body[ts..te].ends_with("visited")
            && body[te..].trim_start().starts_with("by ")
    }

    /// Asserted, or negated, intended or hypothetical by what stands before the trigger
    /// in its clause.
    fn status(&self) -> EventStatus {
        let body = self.ctx.body;
        let clause_start = body[self.ss..self.ts].rfind([';']).map_or(self.ss, |p| self.ss + p + 1);
        let before = &body[clause_start..self.ts];
        if self.trig.dir == Dir::Nearest && MODAL_CLAUSE.is_match(before) {
            // "… is due to arrive … on his visit to …": the phrase shares its verb's mood
            return EventStatus::Intent;
        }
        if self.trig.rule == "visit_left_for" {
            return EventStatus::Asserted;
        }
        if NEG_BEFORE.is_match(before) {
            EventStatus::Negated
        } else if MODAL_BEFORE.is_match(before) {
            EventStatus::Intent
        } else if HYPO.is_match(before) {
            EventStatus::Hypothetical
        } else {
            EventStatus::Asserted
        }
    }

    fn subjects(&self) -> Subjects<'a> {
        let (ctx, body, ss) = (self.ctx, self.ctx.body, self.ss);
        let all: Vec<&Mention> = ctx.in_range(ss, self.ts).filter(|m| m.kind != EntityKind::Place).collect();
        let led = all
            .iter()
            .copied()
            .filter(|m| m.kind == EntityKind::Person && crate::text::led_by(&body[ss..m.start]))
            .collect();
        let heads = all
            .iter()
            .copied()
            .filter(|m| !(m.kind == EntityKind::Person && of_complement(&body[ss..m.start])))
            .collect();
        Subjects { all, led, heads }
    }

    /// "The president …": the last person before the sentence with that title.
    fn titled_subject(&self) -> Option<&'a Mention> {
        let c = TITLED_SUBJECT.captures(&self.ctx.body[self.ss..self.ts])?;
        let t = c[1].to_lowercase();
        self.ctx.mentions.iter().rev().find(|m| {
            m.end <= self.ss
                && m.kind == EntityKind::Person
                && m.attributes.iter().any(|a| a.to_lowercase().starts_with(&t))
        })
    }

    /// The sentence's subject: its first head, else a titled subject, else the subject
    /// of the sentences before.
    fn subject_actor(&self, subj: &Subjects<'a>) -> Option<&'a Mention> {
        best_entity(&subj.heads).or_else(|| self.titled_subject()).or(self.prev_subject)
    }

    /// Where the target is looked for: from the trigger's second word on (the target may
    /// sit inside the trigger phrase, "signed the DPRK-Russia Declaration").
    fn target_from(&self) -> usize {
        let (ts, te) = (self.ts, self.te);
        ts + self.ctx.body[ts..te].find(char::is_whitespace).unwrap_or(te - ts)
    }

    fn target_after(&self, actor_country: Option<&str>) -> Option<&'a Mention> {
        target_after(self.ctx, self.trig, self.target_from(), self.se, actor_country)
    }

    /// The actor and target pairs, as the trigger's direction finds them.
    fn sides(&self) -> Vec<Sides> {
        let (ctx, body) = (self.ctx, self.ctx.body);
        let subj = self.subjects();
        match self.trig.dir {
            Dir::Subject if self.trig.rule == "visit_here" => self.arrivals(&subj),
            Dir::Adopted => {
                let to = body[self.ts..self.te].find(" to ").map_or(self.te, |p| self.ts + p + 4);
                let target = np_entity(ctx, to, self.te, true);
                vec![(self.prev_subject.cloned(), target.cloned())]
            }
            Dir::Nearest => {
                let actor = ctx
                    .in_range(self.ss, self.ts)
                    .filter(|m| m.kind == EntityKind::Person)
                    .last()
                    .or_else(|| best_entity(&subj.all));
                let ac = actor.and_then(|a| a.country.clone());
                vec![(actor.cloned(), self.target_after(ac.as_deref()).cloned())]
            }
            Dir::Attributive => {
                // the visitor is the phrase after "visiting": its leader, else its first name
                let (te, se) = (self.te, self.se);
                let np_end = body[te..se].find([';', '(']).map_or(se, |p| te + p);
                let actor = ctx
                    .in_range(te, np_end)
                    .find(|m| m.kind == EntityKind::Person && crate::text::led_by(&body[te..m.start]))
                    .or_else(|| np_entity(ctx, te, np_end, true));
                let target = actor
                    .filter(|a| a.country.is_some() && a.country.as_deref() != ctx.outlet_state)
                    .and_then(|_| host_mention(ctx, self.ts));
                vec![(actor.cloned(), target)]
            }
            Dir::Subject | Dir::NoTarget => self.subject_sides(&subj),
            Dir::FromAfter => self.senders(&subj),
            Dir::Between => {
                let a = np_entity(ctx, self.te, self.se, true);
                let b = a.and_then(|a| {
                    let rest = &body[a.end..self.se];
                    let and = rest.find(" and ").map(|p| a.end + p + 5)?;
                    np_entity(ctx, and, self.se, true)
                });
                vec![(a.cloned(), b.cloned())]
            }
            Dir::Passive => vec![(self.passive_actor(), None)],
        }
    }

    /// "X arrived here", "Arriving here were X and Y", "X left here for Z".
    fn arrivals(&self, subj: &Subjects<'a>) -> Vec<Sides> {
        let (ctx, body, ts, te) = (self.ctx, self.ctx.body, self.ts, self.te);
        let after_led: Vec<&Mention> = ctx
            .in_range(te, self.se)
            .filter(|m| m.kind == EntityKind::Person && crate::text::led_by(&body[te..m.start]))
            .collect();
        let actors: Vec<&Mention> = if !subj.led.is_empty() {
            subj.led.clone()
        } else if let Some(a) = best_entity(&subj.all) {
            vec![a]
        } else if !after_led.is_empty() {
            after_led
        } else {
            np_entity(ctx, te, self.se, true).or(self.prev_subject).into_iter().collect()
        };
        let arriving = body[ts..te].get(..5).is_some_and(|w| w.eq_ignore_ascii_case("arriv"));
        let mut pairs = Vec::new();
        for a in actors {
            let foreign = a.country.is_some() && a.country.as_deref() != ctx.outlet_state;
            let target = if arriving {
                None
            } else {
                self.target_after(a.country.as_deref()).filter(|t| t.kind != EntityKind::Person).cloned()
            };
            let target = target.or_else(|| foreign.then(|| host_mention(ctx, ts)).flatten());
            pairs.push((Some(a.clone()), target));
        }
        pairs
    }

    /// "He paid tribute to T": the last named person before, on the other side of T.
    fn pronoun(&self, subj: &Subjects<'a>) -> Option<&'a Mention> {
        let (ctx, body, ss) = (self.ctx, self.ctx.body, self.ss);
        if !subj.heads.is_empty()
            || self.trig.dir == Dir::NoTarget
            || !PRONOUN_SUBJECT.is_match(&body[ss..self.ts])
        {
            return None;
        }
        let t = self.target_after(None)?;
        let fits = |m: &Mention| {
            m.kind == EntityKind::Person && m.id != t.id && m.country.is_some() && m.country != t.country
        };
        if let Some(p) = self.prev_subject.filter(|p| fits(p)) {
            return Some(p);
        }
        // else the last person in a subject's place: opening a sentence, or leading a
        // delegation
        ctx.mentions.iter().rev().filter(|m| m.end <= ss && fits(m)).find(|m| {
            let s0 = ctx.sentences.iter().rev().find(|s| s.0 <= m.start).map_or(0, |s| s.0);
            crate::text::led_by(&body[s0..m.start])
                || (m.start <= s0 + 48 && ctx.in_range(s0, m.start).next().is_none())
        })
    }

    /// The subject acts on the target after the trigger (none for receptions).
    fn subject_sides(&self, subj: &Subjects<'a>) -> Vec<Sides> {
        let actors: Vec<Option<&Mention>> = if subj.led.len() > 1 {
            subj.led.iter().map(|m| Some(*m)).collect()
        } else {
            vec![
                subj.led.first().copied().or_else(|| self.pronoun(subj)).or_else(|| self.subject_actor(subj)),
            ]
        };
        let ac = actors.first().copied().flatten().and_then(|a| a.country.clone());
        let mut target = if self.trig.dir == Dir::NoTarget { None } else { self.target_after(ac.as_deref()) };
        if target.is_none() && self.trig.kind.symmetric() {
            // "A … and B … signed the treaty"
            target = subj
                .all
                .iter()
                .find(|m| m.country.is_some() && m.country != ac && m.kind != EntityKind::Place)
                .copied();
        }
        // "met and had talks with A, title, and B, title": one meeting with each
        let second =
            target.filter(|t| t.kind == EntityKind::Person).and_then(|t| coordinated(self.ctx, t, self.se));
        let mut pairs = Vec::new();
        for a in actors {
            pairs.push((a.cloned(), target.cloned()));
            if let Some(b) = second {
                pairs.push((a.cloned(), Some(b.clone())));
            }
        }
        pairs
    }

    /// A message from the sender after the trigger to the subject (or, "sent by X to
    /// Y", to the addressee after the sender).
    fn senders(&self, subj: &Subjects<'a>) -> Vec<Sides> {
        let (ctx, body, se) = (self.ctx, self.ctx.body, self.se);
        let actor = np_entity(ctx, self.te, se, true);
        let to = actor.filter(|_| self.trig.rule == "message_sent_by").and_then(|a| {
            let p = body[a.end..se].find(" to ")?;
            np_entity(ctx, a.end + p + 4, se, true)
        });
        let target = to.or_else(|| self.subject_actor(subj));
        // "from President A and Prime Minister B": one message from each
        actor
            .into_iter()
            .chain(actor.and_then(|a| coordinated(ctx, a, se)))
            .map(|a| (Some(a.clone()), target.cloned()))
            .collect()
    }

    /// The agent after "by", else the state where it took place, else the outlet's.
    fn passive_actor(&self) -> Option<Mention> {
        let ctx = self.ctx;
        let by = ctx.body[self.te..self.se].strip_prefix(" by ").map(|_| self.te + 4);
        by.and_then(|p| np_entity(ctx, p, self.se, true)).cloned().or_else(|| {
            let st = ctx
                .in_range(self.ss, self.se)
                .find(|m| m.kind == EntityKind::Place)
                .and_then(|m| m.country.clone())
                .or_else(|| ctx.outlet_state.map(String::from))?;
            Some(Mention {
                id: st.clone(),
                kind: EntityKind::Country,
                country: Some(st),
                surface: String::new(),
                start: self.ts,
                end: self.ts,
                attributes: Vec::new(),
                known: true,
            })
        })
    }

    /// The dates in the sentence after the trigger that are listed together ("on May
    /// 2 in Moscow and on May 5 in Minsk").
    fn date_chain(&self, sent_dates: &[&'a DateExpr]) -> Vec<&'a DateExpr> {
        let mut chain: Vec<&DateExpr> = Vec::new();
        for d in sent_dates.iter().filter(|d| d.start >= self.te) {
            match chain.last() {
                None => {
                    if d.start - self.te > 160 {
                        break;
                    }
                }
                Some(prev) => {
                    let gap = &self.ctx.body[prev.end..d.start];
                    let ok = gap.len() <= 60
                        && gap.split_whitespace().all(|w| {
                            let w = w.trim_matches(',');
                            matches!(w, "" | "and" | "in" | "at" | "on" | "of" | "the" | "respectively")
                                || w.chars().next().is_some_and(char::is_uppercase)
                        });
                    if !ok {
                        break;
                    }
                }
            }
            chain.push(*d);
        }
        chain
    }

    /// Dates: chained dates after the trigger, else the nearest before, else the
    /// article's own.
    fn dates(&self) -> Vec<Dated> {
        let (ss, se, ts, te) = (self.ss, self.se, self.ts, self.te);
        let sent_dates: Vec<&DateExpr> =
            self.ctx.dates.iter().filter(|d| d.start >= ss && d.end <= se).collect();
        let mut chain = self.date_chain(&sent_dates);
        // a date right before the trigger ("Wednesday received") beats a far one after
        let before_date = sent_dates.iter().rev().find(|d| d.end <= ts).copied();
        if let (Some(b), Some(f)) = (before_date, chain.first())
            && chain.len() == 1
            && ts - b.end < 12
            && f.start - te > 40
        {
            chain = vec![b];
        }
        if chain.len() == 1
            && chain[0].date.precision() == 0
            && let Some(d) = sent_dates.iter().find(|d| d.start > chain[0].end && d.date.precision() == 2)
        {
            chain = vec![*d];
        }
        let stated = |d: &DateExpr| Dated {
            date: Some(d.date),
            date_end: d.date_end,
            relative: d.relative,
            end: d.end,
            reason: None,
        };
        if !chain.is_empty() {
            return chain.into_iter().map(stated).collect();
        }
        match before_date {
            Some(b) => vec![stated(b)],
            None => vec![Dated {
                date: self.default,
                date_end: None,
                relative: true,
                end: te,
                reason: Some("date of the article's report (none in the sentence)".into()),
            }],
        }
    }

    /// The target's id and state as the event records them (a place visited stands for
    /// its state); `None` when the pair makes no event: no target (but for receptions),
    /// or the actor's own side.
    fn target_ids(
        &self,
        actor: &Mention,
        target: Option<&Mention>,
    ) -> Option<(Option<String>, Option<String>)> {
        let (target_id, target_country) = match target {
            Some(t) if self.trig.kind == EventType::Visit && t.kind == EntityKind::Place => {
                let c =
                    t.country.clone().or_else(|| self.ctx.kb.entity(&t.id).and_then(|e| e.country.clone()));
                (c.clone(), c)
            }
            Some(t) => (Some(t.id.clone()), t.country.clone()),
            None => (None, None),
        };
        if self.trig.kind != EventType::Reception {
            let tid = target_id.as_ref()?;
            if *tid == actor.id || (actor.country.is_some() && actor.country == target_country) {
                return None;
            }
        }
        Some((target_id, target_country))
    }

    /// One event per side pair and date, each with the place nearest its date.
    fn emit(&self, sides: Vec<Sides>, dated: &[Dated], status: EventStatus, out: &mut Vec<Event>) {
        let (ctx, body, ss, se, ts, te) = (self.ctx, self.ctx.body, self.ss, self.se, self.ts, self.te);
        let occasion = OCCASION.captures(&body[ss..se]).map(|c| c["o"].trim().to_string());
        for (actor, target) in sides {
            let Some(actor) = actor else { continue };
            let target = target.as_ref();
            let Some((target_id, target_country)) = self.target_ids(&actor, target) else { continue };
            let mut prev_end = te;
            for d in dated {
                // place: the nearest place before this date (after the trigger), else any in
                // the sentence
                let place = ctx
                    .in_range(prev_end.min(d.end), d.end)
                    .filter(|m| m.kind == EntityKind::Place)
                    .last()
                    .or_else(|| ctx.in_range(ss, se).find(|m| m.kind == EntityKind::Place))
                    .map(|m| m.id.clone());
                prev_end = d.end;
                let inferred = d.reason.is_some() || (d.relative && ctx.anchor_inferred);
                let reasoning = d.reason.clone().or_else(|| {
                    (d.relative && ctx.anchor_inferred)
                        .then(|| "relative date resolved against the inferred publication date".into())
                });
                let ev_start = if actor.start < ss { ts } else { actor.start.max(ss).min(ts) };
                let ev_end =
                    d.end.max(te).max(target.map_or(te, |t| if t.end <= se { t.end } else { te })).min(se);
                let ev = asserted(
                    body,
                    self.trig.kind,
                    self.trig.rule,
                    self.trig.cameo,
                    (ev_start, ev_end),
                    d.date,
                );
                out.push(Event {
                    actor: Some(actor.id.clone()),
                    actor_country: actor.country.clone(),
                    target: target_id.clone(),
                    target_country: target_country.clone(),
                    date_end: d.date_end,
                    place,
                    occasion: occasion.clone(),
                    inferred,
                    reasoning,
                    status,
                    ..ev
                });
            }
        }
    }
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
    match trig.kind {
        EventType::Visit => {
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

static SPEECH: LazyLock<Regex> = lazy_regex!(
    r"\b(?:said|says|noted|notes|stressed|stresses|pointed\s+out|points\s+out|explained|emphasized|emphasised|underlined|observed|wrote|writes|declared|stated)\b"
);

/// The first date stated in the sentence `ss..se`, else `default`.
fn sentence_date(ctx: &Ctx<'_>, ss: usize, se: usize, default: Option<PartialDate>) -> Option<PartialDate> {
    ctx.dates.iter().find(|d| d.start >= ss && d.end <= se).map(|d| d.date).or(default)
}

/// Whether a praise event already stands within the sentence `ss..se`.
fn praised_in(out: &[Event], ss: usize, se: usize) -> bool {
    out.iter().any(|e| e.evidence_start >= ss && e.evidence_end <= se && e.kind == EventType::Praise)
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// A foreign voice on the outlet state's leaders or party in reported speech: "X said
/// (in an article titled …) that <leader/party> …", or "<…leader/party…>, noted X in a
/// statement". The speaker is the actor, the home leader or party the target.
fn reported_praise(ctx: &Ctx<'_>, ss: usize, se: usize, default: Option<PartialDate>, out: &mut Vec<Event>) {
    let Some(home) = ctx.outlet_state else { return };
    if praised_in(out, ss, se) {
        return;
    }
    let body = ctx.body;
    let sent = &body[ss..se];
    let is_home_target = |m: &Mention| {
        m.known
            && m.country.as_deref() == Some(home)
            && (m.kind == EntityKind::Person
                || (m.kind == EntityKind::Organization && m.id.contains("party")))
    };
    let foreign = |m: &Mention| {
        m.kind != EntityKind::Place && m.country.is_some() && m.country.as_deref() != Some(home)
    };
    for v in SPEECH.find_iter(sent) {
        let (vs, ve) = (ss + v.start(), ss + v.end());
        // speaker first: "X said … that T …"
        // "X said that T …"; "X said the proposal of T is …" (no "that") when T follows
        // closely
        let that = body[ve..se].find(" that ").map(|p| ve + p + 6).or_else(|| {
            let next = body[ve..se].trim_start().split(' ').next().unwrap_or("");
            let opens = matches!(next, "the" | "a" | "an" | "his" | "its" | "their") || is_capitalised(next);
            let inverted = body[..vs].trim_end().ends_with(',');
            (opens && !inverted && !body[ve..se].trim_start().starts_with("in ")).then_some(ve)
        });
        let speaker_before: Vec<&Mention> = ctx
            .in_range(ss, vs)
            .filter(|m| !(m.kind == EntityKind::Person && of_complement(&body[ss..m.start])))
            .collect();
        let pair = if let Some(th) = that.filter(|&th| th - ve <= 160)
            && let Some(sp) = best_entity(&speaker_before).filter(|m| foreign(m))
            && let Some(t) = ctx.in_range(th, se).find(|m| is_home_target(m))
        {
            Some((sp, t, vs))
        } else if body[..vs].trim_end().ends_with(',') {
            // speaker after: "…T…, noted X in a statement"
            let sp = np_entity(ctx, ve, se, true).filter(|m| foreign(m) && m.start <= ve + 12);
            let t = ctx.in_range(ss, vs).find(|m| is_home_target(m));
            sp.zip(t).map(|(sp, t)| (sp, t, ss))
        } else {
            None
        };
        let Some((actor, target, ev_start)) = pair else { continue };
        if MODAL_BEFORE.is_match(&body[ss..vs]) || NEG_BEFORE.is_match(&body[ss..vs]) {
            return;
        }
        let date = sentence_date(ctx, ss, se, default);
        let ev = asserted(body, EventType::Praise, "reported_praise", "051", (ev_start, se), date);
        out.push(with_sides(ev, actor, target));
        return;
    }
}

/// "X said that Kim Jong Il performed distinguished feats": praise by a foreign
/// speaker of a leader of the outlet's state.
fn praise_feats(
    ctx: &Ctx<'_>,
    ss: usize,
    se: usize,
    default: Option<PartialDate>,
    prev_subject: Option<&Mention>,
    out: &mut Vec<Event>,
) {
    let Some(home) = ctx.outlet_state else { return };
    for leader in ctx
        .in_range(ss, se)
        .filter(|m| m.kind == EntityKind::Person && m.known && m.country.as_deref() == Some(home))
    {
        let before = &ctx.body[ss..leader.start];
        let Some(said) = FEATS_SAID.find(before) else {
            continue;
        };
        let said_at = ss + said.start();
        // the speaker is foreign: "the Association Named After Kim Il Sung said" is not Kim
        let subj: Vec<&Mention> = ctx
            .in_range(ss, said_at)
            .filter(|m| m.kind != EntityKind::Place && m.country.as_deref() != Some(home))
            .collect();
        let Some(actor) = best_entity(&subj).or(prev_subject) else {
            continue;
        };
        if actor.country.as_deref() == Some(home) || actor.country.is_none() {
            continue;
        }
        if praised_in(out, ss, se) {
            continue;
        }
        let date = sentence_date(ctx, ss, se, default);
        let ev = asserted(ctx.body, EventType::Praise, "praise_leader_feats", "051", (said_at, se), date);
        out.push(with_sides(ev, actor, leader));
        break;
    }
}

/// "…, says Rodong Sinmun Friday in a bylined commentary", "Minju Joson Wednesday
/// observes in a signed commentary:": a home newspaper speaking in its own voice.
static PAPER_SAYS: LazyLock<Regex> = lazy_regex!(
    r"(?:\b(?:says|observes|notes|writes|stresses|points\s+out)\s+(?P<a>Rodong\s+Sinmun|Minju\s+Joson|Tongil\s+Sinbo|Joson\s+Sinbo)\b|\b(?P<b>Rodong\s+Sinmun|Minju\s+Joson|Tongil\s+Sinbo|Joson\s+Sinbo)(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today))?\s+(?:says|observes|notes|writes|stresses|points\s+out)\b)"
);

/// A headline that denounces ("Minju Joson Hits …", "… Flayed", "… Accused").
static TITLE_CRITICISM: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:hits?|flay(?:s|ed)?|slam(?:s|med)?|censur(?:es|ed)|denounc(?:es|ed)|condemn(?:s|ed)|accus(?:es|ed)|blast(?:s|ed)?|lash(?:es|ed)|ridicul(?:es|ed)|assail(?:s|ed)|rebuk(?:es|ed)|criticiz(?:es|ed)|decri(?:es|ed)|pillor(?:ies|ied)|under\s+fire|derid(?:es|ed)|exposed|mocked|scoffed|lambasted|disgrace|treachery|provocations?|crimes?|moves?\s+(?:to|for))\b"
);

/// A headline that welcomes or praises.
static TITLE_PRAISE: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:welcom(?:es|ed|e)|prais(?:es|ed)|hail(?:s|ed)|laud(?:s|ed)|extol(?:s|led))\b");

/// A newspaper's own commentary: criticism of (or praise for) the foreign side it is
/// about, when the headline says which. The target is the first foreign side named in
/// the sentence, else before it, else in the next two; a state is narrowed to its
/// person named in the lead.
fn newspaper_commentary(
    ctx: &Ctx<'_>,
    ss: usize,
    se: usize,
    default: Option<PartialDate>,
    out: &mut Vec<Event>,
) {
    let Some(home) = ctx.outlet_state else { return };
    let sent = &ctx.body[ss..se];
    let Some(c) = PAPER_SAYS.captures(sent) else { return };
    let title = ctx.title.unwrap_or("");
    let kind = if TITLE_CRITICISM.is_match(title) {
        EventType::Criticism
    } else if TITLE_PRAISE.is_match(title) {
        EventType::Praise
    } else {
        return;
    };
    let paper_at = ss + c.name("a").or(c.name("b")).map_or(0, |m| m.start());
    let Some(paper) =
        ctx.in_range(ss, se).find(|m| m.start == paper_at && m.kind == EntityKind::Organization)
    else {
        return;
    };
    if paper.country.as_deref() != Some(home) {
        return;
    }
    // the newspaper speaks once per article and kind
    if out.iter().any(|e| e.kind == kind && e.actor.as_deref() == Some(paper.id.as_str())) {
        return;
    }
    let idx = ctx.sentences.iter().position(|&(a, _)| a == ss).unwrap_or(0);
    let window_end = ctx.sentences.get(idx + 2).map_or(se, |s| s.1).max(se);
    let foreign = |m: &&Mention| {
        m.kind != EntityKind::Place
            && m.country.as_deref().is_some_and(|c| c != home)
            && !ctx.body[..m.start].ends_with("(")
            // "during his German junket": where the side went, not the side
            && !(m.kind == EntityKind::Country
                && ["junket", "tour", "trip", "visit"]
                    .iter()
                    .any(|w| ctx.body[m.end..].trim_start().starts_with(w)))
    };
    // the sentence itself, then the facts reported before it, then what follows
    let Some(mut target) = ctx
        .in_range(ss, se)
        .find(foreign)
        .or_else(|| ctx.in_range(0, ss).find(foreign))
        .or_else(|| ctx.in_range(se, window_end).find(foreign))
    else {
        return;
    };
    if target.kind == EntityKind::Country {
        let lead_end = ctx.sentences.first().map_or(0, |s| s.1);
        if let Some(p) = ctx
            .in_range(0, lead_end)
            .find(|m| m.kind == EntityKind::Person && m.country.as_deref() == Some(target.id.as_str()))
        {
            target = p;
        }
    }
    let date = sentence_date(ctx, ss, se, default);
    let cameo = if kind == EventType::Criticism { "111" } else { "051" };
    let ev = asserted(ctx.body, kind, "newspaper_commentary", cameo, (ss, se), date);
    out.push(with_sides(ev, paper, target));
}

static RECALLED_MEETING: LazyLock<Regex> =
    lazy_regex!(r"(?i)\bthe\s+(?P<y>(?:19|20)\d\d)\s+(?:summit\s+)?(?:meeting|summit|talks)\b");

/// "the agreements reached at the 2019 meeting in Vladivostok": a meeting whose sides
/// are not named again, recalled in a message between the same two people.
fn meeting_recalled(ctx: &Ctx<'_>, ss: usize, se: usize, out: &mut Vec<Event>) {
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
fn relations_from_anniversaries(ctx: &Ctx<'_>, out: &mut Vec<Event>) {
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
fn anniversary_year(ctx: &Ctx<'_>, ms: usize, me: usize) -> Option<i16> {
    ctx.dates
        .iter()
        .find(|d| ctx.sentences.iter().any(|&(x, y)| x <= ms && me <= y && d.start >= x && d.end <= y))
        .map(|d| d.date.year)
        .or(ctx.anchor.map(|d| d.year()))
}

/// "the 50th anniversary of the conclusion of the DPRK-China treaty of friendship" (or
/// "… of the treaty … between A and B") dates the signing of an agreement between
/// the two states named to the anniversary year minus 50.
fn treaties_from_anniversaries(ctx: &Ctx<'_>, out: &mut Vec<Event>) {
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

/// One real event stated twice in a document is kept once: same type, actor, target
/// state and compatible date.
fn dedupe(events: Vec<Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for e in events {
        let dup = out.iter_mut().find(|o| {
            o.kind == e.kind
                && o.status == e.status
                && (o.actor == e.actor || (o.actor_country == e.actor_country && e.kind.symmetric()))
                && (o.target_country == e.target_country
                    || (e.kind.symmetric() && o.target_country == e.actor_country))
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
}
