//! Voices: praise and criticism stated as reported speech, foreign speakers on the
//! outlet state's leaders, and a home newspaper's own commentary.

use std::sync::LazyLock;

use annalist_model::{EntityKind, Event, EventType, Mention};
use regex::Regex;

use super::{
    Ctx, MODAL_BEFORE, NEG_BEFORE, Sentence, asserted, best_entity, is_capitalised, np_entity, of_complement,
    with_sides,
};

pub(super) static FEATS_SAID: LazyLock<Regex> = lazy_regex!(
    r"\b(?:said|noted|stressed|pointed\s+out|emphasized|recalled|said\s+in\s+part)\s+that\s+(?:(?:[Gg]eneral\s+[Ss]ecretary|President|[Ll]eader|Chairman|Comrade|[Gg]reat)\s+)*$"
);

pub(super) static SPEECH: LazyLock<Regex> = lazy_regex!(
    r"(?-u:\b)(?:said|says|noted|notes|stressed|stresses|pointed\s+out|points\s+out|explained|emphasized|emphasised|underlined|observed|wrote|writes|declared|stated|(?:carried|published|ran|posted|aired)\s+(?:an?\s+|the\s+)?(?:[A-Za-z-]+\s+){0,2}?(?:articles?|editorials?|commentar(?:y|ies)|features?|essays?))(?-u:\b)"
);

/// Whether `actor` sent `target`'s side a letter or message in this article: its words
/// about them are that message, not a praise of its own.
fn message_words(out: &[Event], actor: &Mention, target: &Mention) -> bool {
    out.iter().any(|e| {
        e.kind == EventType::Message
            && e.actor.as_deref() == Some(actor.id.as_str())
            && e.target_country == target.country
    })
}

/// Whether a praise event already stands within the sentence `ss..se`.
pub(super) fn praised_in(out: &[Event], ss: usize, se: usize) -> bool {
    out.iter().any(|e| e.evidence_start >= ss && e.evidence_end <= se && e.kind == EventType::Praise)
}

/// A foreign voice on the outlet state's leaders or party in reported speech: "X said
/// (in an article titled …) that <leader/party> …", or "<…leader/party…>, noted X in a
/// statement". The speaker is the actor, the home leader or party the target.
pub(super) fn reported_praise(s: &Sentence<'_>, out: &mut Vec<Event>) {
    let Sentence { ctx, ss, se, issuer, .. } = *s;
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
            let opens = matches!(
                next,
                "the" | "a" | "an" | "his" | "its" | "their" | "titled" | "entitled" | "headlined"
            ) || is_capitalised(next);
            let inverted = body[..vs].trim_end().ends_with(',');
            (opens && !inverted && !body[ve..se].trim_start().starts_with("in ")).then_some(ve)
        });
        let speaker_before: Vec<&Mention> = ctx
            .in_range(ss, vs)
            .filter(|m| !(m.kind == EntityKind::Person && of_complement(&body[ss..m.start])))
            .collect();
        // "The statement said …", "It noted …": the issuer named before
        let quoted =
            || UTTERANCE_SUBJECT.is_match(&body[ss..vs]).then_some(issuer).flatten().filter(|m| foreign(m.0));
        let mut date = s.stated_date();
        let pair = if let Some(th) = that.filter(|&th| th - ve <= 160)
            && let Some(sp) = best_entity(&speaker_before).filter(|m| foreign(m)).or_else(|| {
                let (m, d) = quoted()?;
                date = d;
                Some(m)
            })
            && let Some(t) = ctx.in_range(th, se).find(|m| is_home_target(m))
        {
            // "The Syrian paper A and the Indonesian paper B explained …": each speaks
            let others = coordinated_voices(ctx, &speaker_before, sp, home);
            for o in others {
                let ev = asserted(
                    body,
                    EventType::Praise,
                    "reported_praise",
                    "051",
                    (o.start.max(ss), se),
                    s.stated_date(),
                );
                out.push(with_sides(ev, o, t));
            }
            Some((sp, t, vs))
        } else if UTTERANCE_END.is_match(&body[ss..vs]) {
            // "…T…, the statement said": the statement's issuer named before, on the day
            // it issued it
            let sp = issuer.filter(|m| foreign(m.0)).map(|(m, d)| {
                date = d;
                m
            });
            let t = ctx.in_range(ss, vs).find(|m| is_home_target(m));
            sp.zip(t).map(|(sp, t)| (sp, t, ss))
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
        if message_words(out, actor, target) {
            return;
        }
        let ev = asserted(body, EventType::Praise, "reported_praise", "051", (ev_start, se), date);
        out.push(with_sides(ev, actor, target));
        return;
    }
}

/// "X said that Kim Jong Il performed distinguished feats": praise by a foreign
/// speaker of a leader of the outlet's state.
pub(super) fn praise_feats(s: &Sentence<'_>, out: &mut Vec<Event>) {
    let Sentence { ctx, ss, se, prev_subject, .. } = *s;
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
        if praised_in(out, ss, se) || message_words(out, actor, leader) {
            continue;
        }
        let date = s.stated_date();
        let ev = asserted(ctx.body, EventType::Praise, "praise_leader_feats", "051", (said_at, se), date);
        out.push(with_sides(ev, actor, leader));
        break;
    }
}

/// "…, says Rodong Sinmun Friday in a bylined commentary", "Minju Joson Wednesday
/// observes in a signed commentary:": a home newspaper speaking in its own voice.
pub(super) static PAPER_SAYS: LazyLock<Regex> = lazy_regex!(
    r"(?:(?-u:\b)(?:says|observes|notes|writes|stresses|points\s+out|comments)\s+(?P<a>Rodong\s+Sinmun|Minju\s+Joson|Tongil\s+Sinbo|Joson\s+Sinbo|Kulloja|Uriminzokkiri)(?-u:\b)|(?-u:\b)(?P<b>Rodong\s+Sinmun|Minju\s+Joson|Tongil\s+Sinbo|Joson\s+Sinbo|Kulloja|Uriminzokkiri)(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today))?(?:\s+in\s+(?:a|an|its)\s+(?:[A-Za-z-]+\s+){0,2}?(?:commentary|article|editorial))?(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today))?\s+(?:says|observes|notes|writes|stresses|points\s+out|comments)(?-u:\b))"
);

/// A headline that denounces ("Minju Joson Hits …", "… Flayed", "… Accused").
pub(super) static TITLE_CRITICISM: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(?:hits?|flay(?:s|ed)?|slam(?:s|med)?|censur(?:es|ed)|denounc(?:es|ed)|condemn(?:s|ed)|accus(?:es|ed)|blast(?:s|ed)?|lash(?:es|ed)|ridicul(?:es|ed)|assail(?:s|ed)|rebuk(?:es|ed)|criticiz(?:es|ed)|decri(?:es|ed)|pillor(?:ies|ied)|under\s+fire|derid(?:es|ed)|exposed|mocked|scoffed|lambasted|disgrace|treachery|provocations?|crimes?|moves?\s+(?:to|for))\b"
);

/// A headline that welcomes or praises.
pub(super) static TITLE_PRAISE: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(?:welcom(?:es|ed|e)|prais(?:es|ed)|hail(?:s|ed)|laud(?:s|ed)|extol(?:s|led))\b");

/// A newspaper's own commentary: criticism of (or praise for) the foreign side it is
/// about, when the headline says which. The target is the first foreign side named in
/// the sentence, else before it, else in the next two; a state is narrowed to its
/// person named in the lead.
pub(super) fn newspaper_commentary(s: &Sentence<'_>, out: &mut Vec<Event>) {
    let Sentence { ctx, ss, se, .. } = *s;
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
    let date = s.stated_date();
    let cameo = if kind == EventType::Criticism { "111" } else { "051" };
    let ev = asserted(ctx.body, kind, "newspaper_commentary", cameo, (ss, se), date);
    out.push(with_sides(ev, paper, target));
}

/// A headline or phrase naming a voice's own commentary or statement.
pub(super) static VOICE_WORD: LazyLock<Regex> = lazy_regex!(
    r"(?i)(?-u:\b)(?:commentary|commentaries|editorial|spokes(?:man|woman|person)|statement|memorandum|article|answers?|interview)(?-u:\b)"
);

/// Words of denunciation in a commentary's own voice.
pub(super) static DENUNCIATION: LazyLock<Regex> = lazy_regex!(
    r"(?i)(?-u:\b)(?:provocations?|provocative|aggression|aggressors?|hostile|reckless|crimes?|criminal|warmongers?|war\s+maniacs|imperialists?|puppets?|traitors?|treacherous|sycophan\w*|stifle|vicious|shameless|brigandish|slander\w*|denounc\w*|condemn\w*|flay\w*|hypocri\w*|arrogan\w*|should\s+no\s+longer|should\s+stop|must\s+stop|well-advised|behave\s+(?:itself|themselves)|pretend(?:s|ing)?)(?-u:\b)"
);

/// A home voice's commentary or statement against foreign states: the voice is the
/// newspaper that speaks in its own name (see [`newspaper_commentary`]) or an
/// organisation of the outlet's state that the headline or the lead names beside a word
/// of commentary ("KCNA Commentary on …", "A spokesman for the Foreign Ministry …");
/// the targets are the foreign states the headline or the lead names, or the body names
/// three times or more, each once. Criticism only when the headline denounces or the body's own words
/// do.
pub(super) fn voice_against_states(ctx: &Ctx<'_>, out: &mut Vec<Event>) {
    let Some(home) = ctx.outlet_state else { return };
    let title = ctx.title.unwrap_or("");
    let body = ctx.body;
    let Some(&(ls, le)) = ctx.sentences.first() else { return };
    // the voice
    let from_paper = out
        .iter()
        .find(|e| e.rule == "newspaper_commentary" && e.kind == EventType::Criticism)
        .and_then(|e| ctx.mentions.iter().find(|m| Some(m.id.as_str()) == e.actor.as_deref()))
        .cloned();
    let voice = from_paper.or_else(|| {
        let titled = VOICE_WORD.is_match(title);
        let home_org = |id: &str| {
            ctx.kb
                .entity(id)
                .is_some_and(|e| e.kind == EntityKind::Organization && e.country.as_deref() == Some(home))
        };
        // named in the headline ("KCNA Commentary …")
        let in_title = ctx.kb.ac.find_iter(title).filter(|_| titled).find_map(|m| {
            let p = ctx.kb.patterns[m.pattern().as_usize()];
            let e = ctx.kb.entity_at(p.entity);
            home_org(&e.id).then(|| e.id.clone())
        });
        if let Some(id) = in_title {
            return Some(Mention {
                id: id.clone(),
                kind: EntityKind::Organization,
                country: Some(home.to_string()),
                surface: String::new(),
                start: ls,
                end: ls,
                attributes: Vec::new(),
                known: true,
            });
        }
        // named in the lead as its spokesman's ("A spokesman for the X"), or opening the
        // lead that says it spoke ("The X issued a statement")
        let first = ctx.in_range(ls, le).find(|m| m.kind != EntityKind::Place).map(|m| m.start);
        ctx.in_range(ls, le)
            .find(|m| {
                m.known && home_org(&m.id) && {
                    let a = crate::text::floor_char(body, m.start.saturating_sub(40).max(ls));
                    let b = crate::text::floor_char(body, (m.end + 40).min(le));
                    SPOKESMAN_OF.is_match(&body[a..m.start])
                        || (first == Some(m.start) && VOICE_WORD.is_match(&body[m.end..b]))
                }
            })
            .cloned()
    });
    let Some(voice) = voice else { return };
    if !(TITLE_CRITICISM.is_match(title) || DENUNCIATION.find_iter(body).nth(2).is_some()) {
        return;
    }
    // the foreign states spoken of: named in the headline, or more than once in the body
    let title_states: Vec<String> = ctx
        .kb
        .ac
        .find_iter(title)
        .filter_map(|m| ctx.kb.entity_at(ctx.kb.patterns[m.pattern().as_usize()].entity).country.clone())
        .collect();
    let mut states: Vec<(&str, usize, &Mention)> = Vec::new();
    // a state named as where something is or where someone went is not spoken of
    let located = |m: &Mention| {
        let pre = &body[crate::text::floor_char(body, m.start.saturating_sub(14))..m.start];
        ["in ", "to ", "of ", "at ", "from ", "in the ", "to the ", "from the "]
            .iter()
            .any(|p| pre.ends_with(p))
            && !pre.ends_with("against ")
            // "during his German junket": where the side went
            || ["junket", "tour", "trip", "visit"].iter().any(|w| body[m.end..].trim_start().starts_with(w))
    };
    for m in ctx.mentions.iter().filter(|m| m.kind != EntityKind::Place && !located(m)) {
        let Some(c) = m.country.as_deref().filter(|&c| c != home) else { continue };
        match states.iter_mut().find(|(s, _, _)| *s == c) {
            Some(x) => x.1 += 1,
            None => states.push((c, 1, m)),
        }
    }
    let date = default_of(ctx, out);
    for (c, n, first) in states.into_iter().take(6) {
        let in_lead = first.end <= le;
        if n < 3 && !in_lead && !title_states.iter().any(|t| t == c) {
            continue;
        }
        let said = out.iter().any(|e| {
            e.kind == EventType::Criticism
                && e.actor.as_deref() == Some(voice.id.as_str())
                && e.target_country.as_deref() == Some(c)
        });
        if said {
            continue;
        }
        let (ss, se) = ctx
            .sentences
            .iter()
            .copied()
            .find(|&(a, b)| a <= first.start && first.end <= b)
            .unwrap_or((ls, le));
        let state = ctx.mentions.iter().find(|m| m.kind == EntityKind::Country && m.id == c).unwrap_or(first);
        let ev = asserted(body, EventType::Criticism, "voice_against_state", "111", (ss, se), date);
        out.push(with_sides(ev, &voice, state));
    }
}

/// A voice speaks on the day it is published.
fn default_of(ctx: &Ctx<'_>, _out: &[Event]) -> Option<annalist_model::PartialDate> {
    ctx.anchor.map(annalist_model::PartialDate::day)
}

/// A subject that is an utterance, not its author: "The statement", "The article", "It".
pub(super) static UTTERANCE_SUBJECT: LazyLock<Regex> = lazy_regex!(
    r"^\s*(?:It|The\s+(?:statement|article|resolution|letter|appeal|declaration|editorial|commentary|message|report|paper|newspaper|magazine|broadcast|speech|communique|book|leaflet)s?)\s+(?:(?:also|further|then|in\s+part)\s+)?$"
);

/// The other speakers coordinated with `first` before the verb, when they are of other
/// foreign states ("The Syrian newspaper A and the Indonesian newspaper B"): the first
/// mention of each further state, when the subject joins them with "and".
fn coordinated_voices<'a>(
    ctx: &Ctx<'a>,
    speakers: &[&'a Mention],
    first: &Mention,
    home: &str,
) -> Vec<&'a Mention> {
    let mut seen: Vec<&str> = first.country.as_deref().into_iter().collect();
    let mut out = Vec::new();
    for m in speakers.iter().copied().filter(|m| m.start > first.start) {
        let Some(c) = m.country.as_deref() else { continue };
        if c == home || seen.contains(&c) || m.kind == EntityKind::Place {
            continue;
        }
        let gap = &ctx.body[first.end.min(m.start)..m.start];
        if !(gap.contains(" and ") || gap.starts_with(", ")) || gap.contains(['.', ';']) {
            continue;
        }
        seen.push(c);
        // the state's own speaker: a person or organisation of it named next, else the state
        let own = speakers
            .iter()
            .copied()
            .find(|x| x.start >= m.start && x.country.as_deref() == Some(c) && x.kind != EntityKind::Country)
            .unwrap_or(m);
        out.push(own);
    }
    out
}

/// The end of a clause whose speaker is the utterance after it: "…, the statement", "…,
/// it".
pub(super) static UTTERANCE_END: LazyLock<Regex> = LazyLock::new(|| {
    let n = crate::lexicon::UTTERANCE_NOUNS.join("|");
    Regex::new(&format!(r",\s+(?:the\s+(?:{n})|it)\s+(?:(?:also|further)\s+)?$")).expect("utterance end")
});

/// "A spokesman for the", "the spokeswoman of": the organisation named next speaks.
pub(super) static SPOKESMAN_OF: LazyLock<Regex> =
    lazy_regex!(r"(?i)spokes(?:man|woman|person)\s+(?:for|of)\s+(?:the\s+)?(?:DPRK\s+)?$");
