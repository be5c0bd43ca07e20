//! The events of one trigger match, in phases: whether it is an event at all, its
//! status (asserted, negated, intended, hypothetical), its sides as the trigger's
//! direction finds them, its dates (a chain after the trigger, else one before, else
//! the article's), then one event per side pair and date.

use std::sync::LazyLock;

use annalist_model::{EntityKind, Event, EventStatus, EventType, Mention, PartialDate};
use regex::Regex;

use super::triggers::{Dir, Trigger};
use super::{
    Ctx, MODAL_BEFORE, NEG_BEFORE, asserted, best_entity, coordinated, host_mention, np_entity,
    of_complement, target_after,
};
use crate::dates::DateExpr;

pub(super) static TITLED_SUBJECT: LazyLock<Regex> = lazy_regex!(
    r"(?i)^\s*the\s+(president|premier|prime\s+minister|minister|foreign\s+minister|king|ambassador|chairman|chairwoman|secretary|general\s+secretary|vice-president)\b"
);

/// A clause opened by a personal pronoun ("He", "She"), resolved to the last fitting
/// named person.
pub(super) static PRONOUN_SUBJECT: LazyLock<Regex> = lazy_regex!(r"^\s*(?:He|She)\s");

/// A clause opened by a plural pronoun or a plural noun of people ("They", "The
/// delegations"), resolved to the parties listed before.
pub(super) static PLURAL_SUBJECT: LazyLock<Regex> = lazy_regex!(
    r"^\s*(?:They|These|The\s+(?:delegations|delegates|guests|visitors|participants|personages|speakers|members|heads\s+of\s+the\s+delegations))\s"
);

/// The auxiliary of a passive right before a trigger ("was strongly denounced").
pub(super) static PASSIVE_AUX: LazyLock<Regex> =
    lazy_regex!(r"(?-u:\b)(?:was|were|is|are|been|being)\s+(?:[a-z]+ly\s+)?$");

/// A clause opened by a definite delegation ("The delegation", "The visiting guests").
pub(super) static DELEGATION_SUBJECT: LazyLock<Regex> = lazy_regex!(
    r"^\s*The\s+(?:[A-Za-z-]+\s+){0,2}?(?:delegation|delegates|guests|visitors|troupe|group)\s+(?:(?:also|then|later|first)\s+)?$"
);

/// A clause opened by the people present ("The participants", "The guests").
pub(super) static ATTENDEES_SUBJECT: LazyLock<Regex> =
    lazy_regex!(r"^\s*The\s+(?:participants|guests|attendees|invitees)\s");

/// A sentence that lists who was present ("Present there on invitation were …").
pub(super) static PRESENT_LIST: LazyLock<Regex> = lazy_regex!(
    r"^\s*(?:Present\s+there(?:\s+on\s+invitation)?\s+were|Invited\s+(?:there\s+)?were|Among\s+the\s+(?:participants|guests)\s+were|Attending\s+(?:it\s+)?were)(?-u:\b)"
);

/// A sentence that lists the members of a group named just before ("Among them were …",
/// "They included …").
pub(super) static GROUP_LIST: LazyLock<Regex> =
    lazy_regex!(r"^\s*(?:Among\s+them\s+(?:were|are)|They\s+(?:included|include))(?-u:\b)");

/// An object pronoun right after the trigger ("praised him as …").
pub(super) static PRONOUN_OBJECT: LazyLock<Regex> = lazy_regex!(r"^\s*(?:him|her)(?-u:\b)");

pub(super) static MODAL_CLAUSE: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:will|would|shall|is\s+to|are\s+to|is\s+due\s+to|are\s+due\s+to|plans?\s+to|expected\s+to|scheduled\s+to)\b"
);

pub(super) static HYPO: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:if|unless|should\s+the|in\s+case|whether)\b");

pub(super) static OCCASION: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:on\s+the\s+occasion\s+of|to\s+mark|in\s+celebration\s+of|in\s+commemoration\s+of|over\s+the|on)\s+(?:the\s+|its\s+|his\s+|her\s+)?(?P<o>(?:\d+\w*\s+(?:[\w-]+\s+)?anniversary|new\s+year|demise|death|passing|election|birthday|national\s+day|lunar|day\s+of|ratification|founding|independence|liberation|victory)[^,.;]{0,90}?)(?:[,.;]|\s+on\s+[A-Z]|\s+in\s+the\s+name|\s+to\s+[A-Z]|\s+on\s+behalf|$)"
);

/// One trigger matched in a sentence: what the phases of [`sentence_events`] read.
pub(super) struct Hit<'a> {
    pub ctx: &'a Ctx<'a>,
    pub trig: &'a Trigger,
    /// The sentence's span.
    pub ss: usize,
    pub se: usize,
    /// The trigger's span.
    pub ts: usize,
    pub te: usize,
    /// The subject of the sentences before (for "He"/"She" and subjectless clauses).
    pub prev_subject: Option<&'a Mention>,
    /// The article's own date, for a sentence that states none.
    pub default: Option<PartialDate>,
}

/// The mentions before a trigger that may be its subject.
pub(super) struct Subjects<'a> {
    /// Everything named before the trigger but places.
    all: Vec<&'a Mention>,
    /// The people among them who lead a delegation ("… led by Y").
    led: Vec<&'a Mention>,
    /// `all` without the names in an of-phrase after an ordinary noun ("the members of
    /// the committee for studying the works of Kim Il Sung": not Kim).
    heads: Vec<&'a Mention>,
}

/// An actor and a target (either may be missing: no event then, or a reception).
pub(super) type Sides = (Option<Mention>, Option<Mention>);

/// A date for an event, with where its expression ends in the body.
pub(super) struct Dated {
    date: Option<PartialDate>,
    date_end: Option<PartialDate>,
    relative: bool,
    end: usize,
    /// Why, when the date is not stated in the sentence.
    reason: Option<String>,
}

/// The events of one trigger match: clause status, sides, dates, then one event per
/// side pair and date.
pub(super) fn sentence_events(h: &Hit<'_>, out: &mut Vec<Event>) {
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
        if self.trig.rule == "congratulated" && body[..ts].trim_end().ends_with(" for") {
            return true; // "thanks for congratulating us": the addressee's act, not the writer's
        }
        if self.trig.rule == "message_presented" && body[te..].starts_with(" of credentials") {
            return true; // a letter of credentials presented: a meeting of its own
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
        if matches!(self.trig.rule, "visit_left_for" | "criticism_reported") {
            // (a reporting clause's content is its speaker's words, not its mood)
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
        // "At the invitation of X, title, Y paid a visit": the host (however named again
        // in the apposition) is not the subject
        let hosts: Vec<&str> = all
            .iter()
            .filter(|m| {
                let pre = body[ss..m.start].trim_end_matches("the ");
                pre.ends_with("invitation of ") || pre.ends_with("invitation from ")
            })
            .map(|m| m.id.as_str())
            .collect();
        let heads = all
            .iter()
            .copied()
            .filter(|m| !(m.kind == EntityKind::Person && of_complement(&body[ss..m.start])))
            .filter(|m| !hosts.contains(&m.id.as_str()))
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
        best_entity(&subj.heads)
            .or_else(|| self.titled_subject())
            .or_else(|| self.delegation_subject())
            .or(self.prev_subject)
    }

    /// Where the agent of a passive praise or criticism starts: "Y was denounced by X"
    /// (the trigger's object is its subject, the agent follows "by").
    fn passive_by(&self) -> Option<usize> {
        let body = self.ctx.body;
        if !matches!(self.trig.kind, EventType::Praise | EventType::Criticism)
            && self.trig.rule != "congratulated"
        {
            return None;
        }
        let before = &body[self.ss..self.ts];
        if !PASSIVE_AUX.is_match(before) {
            return None;
        }
        let rest = &body[self.te..self.se];
        let p = rest.find(" by ").filter(|&p| p <= 40 && !rest[..p].contains([',', ';']))?;
        Some(self.te + p + 4)
    }

    /// Whether the trigger phrase stands right after the subject or its apposition ("X in
    /// a message to", "X, title of Y, in a letter to"), not after a verb of its own.
    fn phrase_of_subject(&self, subj: &Subjects<'a>) -> bool {
        let body = self.ctx.body;
        let before = body[self.ss..self.ts].trim_end();
        before.ends_with(',') || subj.all.last().is_some_and(|m| body[m.end..self.ts].trim().is_empty())
    }

    /// "Y was denounced by X": X acts on Y.
    fn passive_sides(&self, subj: &Subjects<'a>) -> Vec<Sides> {
        let Some(by) = self.passive_by() else { return Vec::new() };
        let actor = np_entity(self.ctx, by, self.se, true);
        let target = best_entity(&subj.heads).or(self.prev_subject);
        vec![(actor.cloned(), target.cloned())]
    }

    /// "In a message to Y, X wished …": the sender is the clause's subject after the
    /// phrase.
    fn message_in_sides(&self) -> Vec<Sides> {
        let (ctx, body) = (self.ctx, self.ctx.body);
        let target = np_entity(ctx, self.te, self.se, true);
        let actor = target.and_then(|t| {
            let comma = body[t.end..self.se].find(", ").map(|p| t.end + p + 2)?;
            // the subject opens the main clause (after the phrase's own appositions)
            let main = body[comma..self.se].find(|c: char| c.is_uppercase()).map(|p| comma + p)?;
            ctx.in_range(main, self.se).find(|m| m.kind != EntityKind::Place && m.id != t.id)
        });
        vec![(actor.cloned(), target.cloned())]
    }

    /// "The delegation …", "The guests …": the leader of the last foreign delegation
    /// named before ("a delegation of X led by Y").
    fn delegation_subject(&self) -> Option<&'a Mention> {
        let (ctx, body, ss) = (self.ctx, self.ctx.body, self.ss);
        if !DELEGATION_SUBJECT.is_match(&body[ss..self.ts]) {
            return None;
        }
        ctx.mentions.iter().rev().filter(|m| m.end <= ss && m.kind == EntityKind::Person).find(|m| {
            m.country.is_some()
                && m.country.as_deref() != ctx.outlet_state
                && crate::text::led_by(
                    &body[crate::text::floor_char(body, m.start.saturating_sub(120))..m.start],
                )
        })
    }

    /// Where the target is looked for: from the trigger's second word on (the target may
    /// sit inside the trigger phrase, "signed the DPRK-Russia Declaration").
    fn target_from(&self) -> usize {
        let (ts, te) = (self.ts, self.te);
        if matches!(self.trig.rule, "criticism_purpose" | "praise_utterance") {
            // "a statement on Monday in Seoul to denounce Y": Y follows the verb
            return te;
        }
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
            Dir::Subject if matches!(self.trig.rule, "visit_here" | "visit_home") => self.arrivals(&subj),
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
                let target = self.target_after(ac.as_deref()).cloned();
                // "… the delegation led by A and the delegation headed by B, on a visit to
                // …": every leader of the list the phrase closes is on the visit
                let others: Vec<&Mention> = match actor {
                    Some(a) if subj.led.iter().any(|l| l.id == a.id) => {
                        subj.led.iter().copied().filter(|l| l.id != a.id && l.country == a.country).collect()
                    }
                    _ => Vec::new(),
                };
                std::iter::once(actor)
                    .chain(others.into_iter().map(Some))
                    .map(|a| (a.cloned(), target.clone()))
                    .collect()
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
            Dir::Subject if self.trig.rule == "criticism_reported" => self.reported_sides(),
            Dir::Subject if self.passive_by().is_some() => self.passive_sides(&subj),
            Dir::Subject if self.trig.rule == "message_in" && subj.heads.is_empty() => {
                self.message_in_sides()
            }
            Dir::Subject if self.trig.rule == "message_in" && !self.phrase_of_subject(&subj) => Vec::new(),
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

    /// "CONTENT, he charged.": the speaker is the one named after the comma, else (a
    /// pronoun, an utterance, "the speakers") the subject of the sentences before; the
    /// side denounced is the first named in the content of another state, else (a
    /// foreign voice on its own state) the first state or organisation of its own.
    fn reported_sides(&self) -> Vec<Sides> {
        let (ctx, ss, ts, te) = (self.ctx, self.ss, self.ts, self.te);
        // an instrument ("the Status of Forces Agreement", "the National Security Law")
        // neither speaks nor is denounced
        let instrument = |m: &Mention| {
            ["-agreement", "-treaty", "-declaration", "-law", "-act"].iter().any(|w| m.id.ends_with(w))
        };
        let actor = ctx
            .in_range(ts, te)
            .find(|m| matches!(m.kind, EntityKind::Person | EntityKind::Organization))
            .or(self.prev_subject)
            .filter(|m| matches!(m.kind, EntityKind::Person | EntityKind::Organization) && !instrument(m));
        let Some(actor) = actor else { return Vec::new() };
        let ac = actor.country.as_deref();
        // not the outlet's own side either: the voices KCNA reports never denounce it
        let content: Vec<&Mention> = ctx
            .in_range(ss, ts)
            .filter(|m| m.kind != EntityKind::Place && !instrument(m))
            .filter(|m| m.country.as_deref() != ctx.outlet_state || ac == ctx.outlet_state)
            .collect();
        let target = content
            .iter()
            .find(|m| m.country.is_some() && m.country.as_deref() != ac)
            .or_else(|| {
                content.iter().find(|m| {
                    ac.is_some()
                        && ac != ctx.outlet_state
                        && m.country.as_deref() == ac
                        && m.id != actor.id
                        // its organs, named ("the GNP") or by a noun ("the puppet authorities")
                        && (m.kind == EntityKind::Organization
                            || (m.kind == EntityKind::Country
                                && ["puppet", "authorities", "government", "regime"]
                                    .iter()
                                    .any(|w| m.surface.to_lowercase().contains(w))))
                })
            })
            .copied();
        vec![(Some(actor.clone()), target.cloned())]
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
        // arriving, or going home: the visit was to the host state, not to what follows
        let arriving = body[ts..te].get(..5).is_some_and(|w| w.eq_ignore_ascii_case("arriv"))
            || self.trig.rule == "visit_home";
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

    /// The parties a plural subject stands for: "They …" after a sentence that names
    /// several foreign parties (one per state), or a subject without a name ("Personages
    /// of different countries …") before "Among them were …". Empty when the clause has
    /// a named subject or no such list is near.
    fn group(&self, subj: &Subjects<'a>) -> Vec<&'a Mention> {
        let (ctx, body, ss) = (self.ctx, self.ctx.body, self.ss);
        if !subj.heads.is_empty() {
            return Vec::new();
        }
        let Some(idx) = ctx.sentences.iter().position(|&(a, _)| a == ss) else { return Vec::new() };
        let list = if PLURAL_SUBJECT.is_match(&body[ss..self.ts]) {
            // the nearest of the three sentences before whose subject lists several
            // parties ("Among them were A of X and B of Y", "A, B and C signed …")
            (idx.saturating_sub(3)..idx)
                .rev()
                .map(|i| parties(ctx, subject_span(body, ctx.sentences[i])))
                .find(|g| g.len() > 1)
        } else {
            ctx.sentences
                .get(idx + 1)
                .filter(|&&(a, b)| GROUP_LIST.is_match(&body[a..b]))
                .map(|&s| parties(ctx, s))
                .filter(|g| g.len() > 1)
        };
        // "The participants …" after "Present there on invitation were …": the parties of
        // that list, even of one state
        let attendees = || {
            if !ATTENDEES_SUBJECT.is_match(&body[ss..self.ts]) {
                return None;
            }
            (idx.saturating_sub(3)..idx)
                .rev()
                .map(|i| ctx.sentences[i])
                .filter(|&(a, b)| PRESENT_LIST.is_match(&body[a..b]))
                .map(|(a, b)| parties(ctx, (a + PRESENT_LIST.find(&body[a..b]).map_or(0, |m| m.end()), b)))
                .find(|g| !g.is_empty())
        };
        list.or_else(attendees).unwrap_or_default()
    }

    /// "praised him as …": the last person named before the trigger (in the sentence,
    /// else before it) who is not of the actor's state.
    fn object_pronoun(&self, actor_country: Option<&str>) -> Option<&'a Mention> {
        let (ctx, body) = (self.ctx, self.ctx.body);
        if !matches!(self.trig.kind, EventType::Praise | EventType::Criticism)
            || !PRONOUN_OBJECT.is_match(&body[self.te..self.se])
        {
            return None;
        }
        ctx.mentions.iter().rev().filter(|m| m.end <= self.ts && m.start + 600 >= self.ss).find(|m| {
            m.kind == EntityKind::Person && m.country.is_some() && m.country.as_deref() != actor_country
        })
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

    /// "denounced the authorities", "to accuse the police": an organ of a state named by
    /// a common noun right after the trigger, as the state of `actor_country`.
    fn organ_object(&self, actor_country: Option<&str>) -> Option<Mention> {
        let from = self.target_from().max(self.te);
        let m = ORGAN_OBJECT.find(&self.ctx.body[from..self.se])?;
        let (s, e) = (from + m.start(), from + m.end());
        if self.ctx.mentions.iter().any(|x| x.start < e && s < x.end) {
            return None; // a named organ ("the puppet authorities") is its own mention
        }
        let st = actor_country?;
        Some(Mention {
            id: st.to_string(),
            kind: EntityKind::Country,
            country: Some(st.to_string()),
            surface: String::new(),
            start: s,
            end: e,
            attributes: Vec::new(),
            known: true,
        })
    }

    /// The subject acts on the target after the trigger (none for receptions).
    fn subject_sides(&self, subj: &Subjects<'a>) -> Vec<Sides> {
        let group = self.group(subj);
        let actors: Vec<Option<&Mention>> = if subj.led.len() > 1 {
            subj.led.iter().map(|m| Some(*m)).collect()
        } else if !group.is_empty() {
            group.into_iter().map(Some).collect()
        } else {
            vec![
                subj.led.first().copied().or_else(|| self.pronoun(subj)).or_else(|| self.subject_actor(subj)),
            ]
        };
        let ac = actors.first().copied().flatten().and_then(|a| a.country.clone());
        // a foreign state's own people may denounce its government ("the south Korean
        // unions denounced the puppet authorities"); the outlet's never do
        let within =
            self.trig.kind == EventType::Criticism && ac.is_some() && ac.as_deref() != self.ctx.outlet_state;
        // "the X union denounced the authorities": a foreign voice on its own state's organs
        if within && let Some(state) = self.organ_object(ac.as_deref()) {
            return actors.into_iter().map(|a| (a.cloned(), Some(state.clone()))).collect();
        }
        let mut target = if self.trig.dir == Dir::NoTarget || self.trig.rule == "talks_held" {
            None
        } else {
            self.target_after(if within { None } else { ac.as_deref() })
        };
        if target.is_none() && self.trig.dir != Dir::NoTarget {
            target = self.object_pronoun(ac.as_deref());
        }
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
        // "received the delegation led by A and the delegation headed by B": one with each
        let more_led: Vec<&Mention> = match target {
            Some(t)
                if t.kind == EntityKind::Person
                    && t.start >= self.te
                    && crate::text::led_by(&self.ctx.body[self.te..t.start]) =>
            {
                self.led_after(t.end).into_iter().filter(|m| m.id != t.id && m.country != ac).collect()
            }
            _ => Vec::new(),
        };
        // "replies to the leaders of A, B and C", "visited A, B and C": one with each state
        let more_states: Vec<&Mention> = match target {
            Some(t) if t.kind == EntityKind::Country => self.listed_states(t),
            _ => Vec::new(),
        };
        let mut pairs = Vec::new();
        for a in actors {
            pairs.push((a.cloned(), target.cloned()));
            for b in second.into_iter().chain(more_led.iter().copied()).chain(more_states.iter().copied()) {
                pairs.push((a.cloned(), Some(b.clone())));
            }
        }
        pairs
    }

    /// The states listed after `first` ("A, B, C and D"): each joined to the one
    /// before by a comma, "and" or ", and" alone, within the clause.
    fn listed_states(&self, first: &Mention) -> Vec<&'a Mention> {
        let mut out: Vec<&'a Mention> = Vec::new();
        let mut end = first.end;
        for m in self.ctx.in_range(first.end, self.se) {
            if m.start < end {
                continue;
            }
            let gap = &self.ctx.body[end..m.start];
            if m.kind != EntityKind::Country || !matches!(gap, ", " | " and " | ", and " | " as well as ") {
                break;
            }
            if m.id != first.id && out.iter().all(|o| o.id != m.id) {
                out.push(m);
            }
            end = m.end;
        }
        out
    }

    /// The people introduced by "led by"/"headed by" from `from` to the end of the clause.
    fn led_after(&self, from: usize) -> Vec<&'a Mention> {
        let body = self.ctx.body;
        let end = body[from..self.se].find(';').map_or(self.se, |p| from + p);
        self.ctx
            .in_range(from, end)
            .filter(|m| m.kind == EntityKind::Person && crate::text::led_by(&body[from..m.start]))
            .collect()
    }

    /// A message from the sender after the trigger to the subject (or, "sent by X to
    /// Y", to the addressee after the sender).
    fn senders(&self, subj: &Subjects<'a>) -> Vec<Sides> {
        let (ctx, body, se) = (self.ctx, self.ctx.body, self.se);
        let actor = np_entity(ctx, self.te, se, true);
        let to = match self.trig.rule {
            "message_sent_by" => actor.and_then(|a| {
                let p = body[a.end..se].find(" to ")?;
                np_entity(ctx, a.end + p + 4, se, true)
            }),
            // "was sent to Y by X": the addressee inside the trigger
            "message_sent_to_by" => {
                let t = &body[self.ts..self.te];
                let p = t.find(" to ").map(|p| p + 4).or_else(|| t.find(" before ").map(|p| p + 8));
                p.and_then(|p| np_entity(ctx, self.ts + p, self.te, true))
            }
            _ => None,
        };
        let target = to.or_else(|| self.subject_actor(subj));
        // "from President A and Prime Minister B", "from A, title of X, B and C": one
        // message from each
        let mut senders: Vec<&Mention> = actor.map(|a| enumerated(ctx, a, se)).unwrap_or_default();
        if senders.len() < 2
            && let Some(b) = actor.and_then(|a| coordinated(ctx, a, se))
        {
            senders.push(b);
        }
        senders.into_iter().map(|a| (Some(a.clone()), target.cloned())).collect()
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
        if self.trig.rule == "criticism_reported" {
            // the content's dates are of what is denounced; the speaking is the report's
            return vec![Dated {
                date: self.default,
                date_end: None,
                relative: false,
                end: te,
                reason: None,
            }];
        }
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
        // "on Thursday and Friday": two days in a row are one event's span
        if let [a, b] = chain[..]
            && self.ctx.body[a.end..b.start].trim() == "and"
            && a.date_end.is_none()
            && let (Some(x), Some(y)) = (a.date.to_date(), b.date.to_date())
            && x.tomorrow().ok() == Some(y)
        {
            return vec![Dated { date_end: Some(b.date), end: b.end, ..stated(a) }];
        }
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
                // a site of no known state visited by a foreign side ("the International
                // Friendship Exhibition House"): in the outlet's (host) state
                let foreign = actor.country.as_deref() != self.ctx.outlet_state;
                let c = t
                    .country
                    .clone()
                    .or_else(|| self.ctx.kb.entity(&t.id).and_then(|e| e.country.clone()))
                    .or_else(|| self.ctx.outlet_state.filter(|_| foreign).map(String::from));
                (c.clone(), c)
            }
            Some(t) => (Some(t.id.clone()), t.country.clone()),
            None => (None, None),
        };
        if self.trig.kind != EventType::Reception {
            let tid = target_id.as_ref()?;
            let within = self.trig.kind == EventType::Criticism
                && actor.kind != EntityKind::Country
                && actor.country.as_deref() != self.ctx.outlet_state;
            if *tid == actor.id || (actor.country.is_some() && actor.country == target_country && !within) {
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
                // "The delegation visited …" after its arrival: part of the visit reported
                if self.trig.kind == EventType::Visit
                    && actor.start < ss
                    && out.iter().any(|e| {
                        e.kind == EventType::Visit
                            && e.actor.as_deref() == Some(actor.id.as_str())
                            && e.target_country == target_country
                            && e.date.zip(d.date).is_some_and(|(a, b)| {
                                a.year == b.year
                                    && a.month.zip(b.month).is_none_or(|(x, y)| x.abs_diff(y) <= 1)
                            })
                    })
                {
                    continue;
                }
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

/// A state's organ named by a common noun ("the authorities", "the conservative
/// \"government\"", "the police") as the object right after a trigger.
static ORGAN_OBJECT: LazyLock<Regex> = lazy_regex!(
    r#"^\s*(?:the\s+)(?:[a-z-]+\s+){0,2}"?(?:authorities|government|police|prosecution|prosecutors|military|regime|ruling\s+party|ruling\s+forces|conservative\s+group|intelligence\s+service|riot\s+police)"?(?-u:\b)"#
);

/// The foreign parties a sentence names, one per state in order of first mention: the
/// first person of that state, else the state itself, else its first organisation.
fn parties<'a>(ctx: &Ctx<'a>, (ss, se): (usize, usize)) -> Vec<&'a Mention> {
    let home = ctx.outlet_state;
    let mut states: Vec<&str> = Vec::new();
    let ms: Vec<&Mention> = ctx
        .in_range(ss, se)
        .filter(|m| m.kind != EntityKind::Place && m.country.is_some() && m.country.as_deref() != home)
        .collect();
    for m in &ms {
        let c = m.country.as_deref().unwrap_or("");
        if !states.contains(&c) {
            states.push(c);
        }
    }
    states
        .iter()
        .filter_map(|c| {
            let of =
                |k: EntityKind| ms.iter().find(|m| m.kind == k && m.country.as_deref() == Some(c)).copied();
            of(EntityKind::Person)
                .or_else(|| of(EntityKind::Country))
                .or_else(|| of(EntityKind::Organization))
        })
        .collect()
}

/// The span of a sentence's subject: after the copula of a list ("Among them were …"),
/// else up to its first finite verb.
fn subject_span(body: &str, (ss, se): (usize, usize)) -> (usize, usize) {
    let sent = &body[ss..se];
    if let Some(m) = GROUP_LIST.find(sent) {
        return (ss + m.end(), se);
    }
    (ss, FINITE_VERB.find(sent).map_or(se, |m| ss + m.start()))
}

/// The verbs that end a subject (see [`crate::lexicon::CLAUSE_VERBS`]).
static FINITE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    let alt = crate::lexicon::CLAUSE_VERBS.join("|");
    Regex::new(&format!(r"(?-u:\b)(?:{alt})(?-u:\b)")).expect("clause verbs")
});

/// A separator between two items of a list ("A, B and the C", "A and President B").
static LIST_GAP: LazyLock<Regex> =
    lazy_regex!(r"^(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?(?:[A-Z][\w'.-]*\s+){0,5}$");

/// The opening of an apposition whose names are not items of the list ("A, president of
/// the X, and B": X is A's).
static APPOSITION_OPEN: LazyLock<Regex> = lazy_regex!(
    r"^(?:,\s+(?:the\s+|a\s+|its\s+)?(?:[\w'-]+\s+){0,6}?(?:of|in)\s+(?:the\s+)?|\s+(?:of|in)\s+(?:the\s+)?|(?:'s|’s)?\s+)$"
);

/// The items of a list opened by `first`: each later name separated from the last by a
/// comma or "and" (names in an apposition are skipped).
fn enumerated<'a>(ctx: &Ctx<'a>, first: &'a Mention, se: usize) -> Vec<&'a Mention> {
    let body = ctx.body;
    let mut items = vec![first];
    let mut prev_end = first.end;
    let mut in_apposition = false;
    for m in ctx.in_range(first.end, se) {
        if m.start < prev_end {
            continue;
        }
        let gap = &body[prev_end..m.start];
        if m.kind != EntityKind::Place && LIST_GAP.is_match(gap) && (!in_apposition || gap.starts_with(',')) {
            if !items.iter().any(|x| x.id == m.id) {
                items.push(m);
            }
            in_apposition = false;
        } else if APPOSITION_OPEN.is_match(gap) {
            in_apposition = true;
        } else {
            break;
        }
        prev_end = m.end;
    }
    items
}
