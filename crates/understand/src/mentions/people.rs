//! Unknown-name guessing, people: runs of name-like capitalised words that the KB does
//! not know, taken as a person on evidence (a title before or after, "led by", a
//! Korean name's shape, a demonym before), with the state each is of.

use std::sync::LazyLock;

use annalist_model::{EntityKind, Mention};
use regex::Regex;

use super::tokens::{Tok, is_cap, is_title, lead_word, name_like, only_space};
use super::{mention, overlaps};
use crate::lexicon::{KOREAN_SURNAMES, NAME_CONTINUERS, PERSON_TITLES};
use crate::text::{floor_char, slug};

static TITLE_AFTER: LazyLock<Regex> = lazy_regex!(
    r"^\s*,\s*(?:the\s+|a\s+|an\s+|its\s+|his\s+|her\s+)?(?:new\s+|newly[\s-]appointed\s+)?(?:[A-Z][\w'’.-]*\s+){0,3}(?:first\s+|foreign\s+|vice\s+|deputy\s+|executive\s+|senior\s+|acting\s+|honorary\s+|permanent\s+|managing\s+|former\s+|chief\s+|general\s+|floor\s+|standing\s+|policy\s+)*(?:ex-|co-)?(?:president|vice-president|premier|vice-premier|prime\s+minister|minister|vice-minister|minister-councilor|minister-counsellor|chairman|chairwoman|chairperson|vice-chairman|vice-chairwoman|secretary|secretary-general|general\s+secretary|member|ambassador|director|head|deputy|chief|king|queen|leader|counselor|counsellor|councilor|charge|spokesman|spokeswoman|spokesperson|consul|consul-general|governor|mayor|speaker|representative|envoy|editor|editor-in-chief|professor|rector|commander|founder|coordinator|attache|attaché|officer|manager|lecturer|researcher|journalist|writer|correspondent|delegate|daughter|son|wife|widow|husband|chancellor|CEO|veteran|martyr|citizen|businessman|businesswoman|emperor|sultan|emir|minister|marshal|colonel|general|lieutenant|captain|vice|national|bishop|patriarch)\b"
);

static BEFORE_NAME: LazyLock<Regex> = lazy_regex!(
    r"(?i)(?:\b(?:led|headed|accompanied|received|hosted|greeted|welcomed)\s+by|\b(?:daughter|son|wife|widow|family|husband)\s+of|\b(?:message|letter|greetings?|condolences|congratulations|telegram|card|gift|basket|wreath)\b[^.;]{0,60}?\b(?:to|from)|\b(?:ambassador|envoy|consul|charge\s+d['’]\s*affaires)\b[^,.;]{0,50}?)\s+$"
);

/// An apposition without a state followed by a coordinated name: ", first deputy
/// minister, and ".
static COORDINATED_TITLE: LazyLock<Regex> = lazy_regex!(r"^\s*,\s*[^,.;()]{1,60},\s+and\s+");

/// "German Ambassador to the DPRK Gerhard Thiedemann": the state after "to" is where
/// the title is held; the person is of the state named before the title.
pub(super) fn sender_state<'m>(body: &str, kbm: &'m [Mention], m: &'m Mention) -> &'m Mention {
    let pre = body[..m.start].trim_end_matches("the ").trim_end();
    if !pre.ends_with(" to") {
        return m;
    }
    let to_at = pre.len() - 3;
    kbm.iter()
        .rev()
        .find(|x| x.kind == EntityKind::Country && x.end <= to_at && x.end + 40 >= to_at)
        .filter(|x| {
            body[x.end..to_at].split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase))
        })
        .unwrap_or(m)
}

/// People the knowledge base does not know.
pub(super) fn unknown_people(
    body: &str,
    toks: &[Tok<'_>],
    kbm: &[Mention],
    generic: &[Mention],
    outlet_state: Option<&str>,
) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    let mut kin: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_cap(toks[i].s) || overlaps(kbm, toks[i].start, toks[i].end) {
            i += 1;
            continue;
        }
        // a run of capitalised tokens separated by single spaces, outside KB mentions
        let mut j = i;
        while j + 1 < toks.len()
            && only_space(body, toks[j].end, toks[j + 1].start)
            && is_cap(toks[j + 1].s)
            && !overlaps(kbm, toks[j + 1].start, toks[j + 1].end)
        {
            j += 1;
        }
        let run = &toks[i..=j];
        i = j + 1;
        let mut a = 0;
        let mut titles: Vec<&str> = Vec::new();
        while a < run.len() && (lead_word(run[a].s) || is_title(run[a].s)) {
            titles.push(run[a].s);
            a += 1;
        }
        // "… of its Supreme Council Vasile Orleanu": the name is the run's name-like tail
        let tail = run[a..].iter().rposition(|t| !name_like(t.s)).map_or(a, |p| a + p + 1);
        let name = &run[tail..];
        if name.len() < 2 || name.len() > 5 || !name.iter().all(|t| name_like(t.s)) {
            continue;
        }
        let (s, e) = (name[0].start, name[name.len() - 1].end);
        if overlaps(generic, s, e) {
            continue;
        }
        // the run must end the capitalised sequence (not "Kim Chaek University")
        let after = &body[e..];
        let next_word =
            after.trim_start_matches(' ').split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        if after.starts_with(' ') && NAME_CONTINUERS.contains(&next_word) {
            continue;
        }
        let korean = (name.len() == 3 || name.len() == 2)
            && KOREAN_SURNAMES.contains(&name[0].s)
            && name[1..].iter().all(|t| t.s.len() <= 6 && !t.s.contains('-'));
        let korean_evidence = korean && name.len() == 3;
        let titled = titles.iter().any(|t| PERSON_TITLES.contains(t) || is_title(t));
        let before = &body[floor_char(body, s.saturating_sub(80))..s];
        let titled_after = TITLE_AFTER.is_match(after);
        let led_by = BEFORE_NAME.is_match(before) || crate::text::led_by(before);
        // directly after a state's name or demonym and a title ("Venezuelan President X")
        let after_demonym =
            a > 0 && kbm.iter().any(|m| m.kind == EntityKind::Country && m.end + 1 == run[0].start);
        if !(korean_evidence || titled || titled_after || led_by || after_demonym) {
            continue;
        }
        let surface = &body[s..e];
        // country: demonym/state right before, the title after, Korean shape, context
        let demonym_before = kbm
            .iter()
            .rev()
            .find(|m| m.end <= s && m.end + 40 >= s && m.kind == EntityKind::Country)
            .filter(|m| {
                let gap = &body[m.end..s];
                gap.split(' ')
                    .filter(|w| !w.is_empty())
                    .all(|w| lead_word(w) || w.chars().next().is_some_and(char::is_uppercase))
            })
            .map(|m| sender_state(body, kbm, m))
            .and_then(|m| m.country.clone());
        let title_country = if titled_after { title_window_country(body, e, kbm, generic) } else { None };
        let context_country = || {
            let sent_start = body[..s].rfind(['.', '\n']).map_or(0, |p| p + 1);
            out.iter()
                .chain(kbm.iter())
                .chain(generic.iter())
                .filter(|m| m.end <= s && m.start >= sent_start && m.country.is_some())
                .max_by_key(|m| m.end)
                .and_then(|m| m.country.clone())
        };
        let foreign_after = || {
            let rest_end = body[e..].find(['.', ';', ',', '\n']).map_or(body.len(), |p| e + p);
            kbm.iter()
                .filter(|m| m.start >= e && m.end <= rest_end && m.kind == EntityKind::Country)
                .filter(|m| !body[..m.start].ends_with("anti-"))
                .filter_map(|m| m.country.clone())
                .find(|c| Some(c.as_str()) != outlet_state)
        };
        // "A, first deputy minister, and B, vice-minister of Russia": A's title names no
        // state; the coordinated title's state is A's too
        let shared_title = || {
            let m = COORDINATED_TITLE.find(after)?;
            let from = e + m.end();
            let to = body[from..].find(['.', ';', '\n']).map_or(body.len(), |p| from + p).min(from + 160);
            kbm.iter()
                .filter(|x| x.start >= from && x.end <= to && x.kind == EntityKind::Country)
                .filter(|x| {
                    let pre = body[..x.start].trim_end();
                    !(pre.ends_with(" to") || pre.ends_with(" to the") || pre.ends_with(" in"))
                })
                .find_map(|x| x.country.clone())
                .filter(|c| Some(c.as_str()) != outlet_state)
        };
        // "a delegation of the Communist Party of Vietnam led by X, chairman of … of the
        // Party Central Committee": a leader is of the delegation's state, and a title
        // that reads as the outlet state's ("the Party Central Committee") names the
        // leader's own party
        let delegation_country = || {
            if !crate::text::led_by(before) {
                return None;
            }
            let from = s - before.len();
            let clause = body[from..s].rfind(['.', ';', '\n']).map_or(from, |p| from + p + 1);
            kbm.iter()
                .chain(generic.iter())
                .filter(|m| m.start >= clause && m.end <= s && m.kind != EntityKind::Place)
                .filter(|m| m.country.is_some())
                .max_by_key(|m| m.end)
                .and_then(|m| m.country.clone())
                .filter(|c| Some(c.as_str()) != outlet_state)
        };
        let title_country = match title_country {
            Some(c) if Some(c.as_str()) == outlet_state && !korean => delegation_country().or(Some(c)),
            other => other,
        };
        let country = demonym_before
            .or(title_country)
            .or_else(|| korean.then(|| outlet_state.unwrap_or("prk").to_string()))
            .or_else(|| if titled_after { shared_title() } else { None })
            .or_else(delegation_country)
            .or_else(|| context_country().filter(|c| Some(c.as_str()) != outlet_state))
            .or_else(foreign_after)
            .or_else(context_country)
            .or_else(|| outlet_state.map(String::from));
        let kin_of = KIN_OF.is_match(after);
        out.push(mention(EntityKind::Person, slug(surface), country, body, (s, e), false));
        if kin_of {
            kin.push(out.len() - 1);
        }
    }
    // "X, daughter of Y, …": of Y's state, when nothing else gave X one but the outlet's
    for i in kin {
        let (e, own) = (out[i].end, out[i].country.clone());
        if own.as_deref() != outlet_state {
            continue;
        }
        let relative = out
            .iter()
            .chain(kbm.iter())
            .filter(|m| m.kind == EntityKind::Person && m.start > e && m.start <= e + 40)
            .min_by_key(|m| m.start)
            .and_then(|m| m.country.clone());
        if let Some(c) = relative {
            out[i].country = Some(c);
        }
    }
    out
}

/// An apposition naming a relative: ", daughter of", ", the widow of".
static KIN_OF: LazyLock<Regex> = lazy_regex!(
    r"^\s*,\s*(?:the\s+|a\s+)?(?:daughter|son|wife|widow|husband|grandson|granddaughter|nephew|niece|brother|sister)\s+of\s"
);

/// The state named in the title after a name: ", president of Guyana",
/// ", Chinese ambassador to the DPRK" (the demonym, not the host state).
pub(super) fn title_window_country(
    body: &str,
    e: usize,
    kbm: &[Mention],
    generic: &[Mention],
) -> Option<String> {
    let rest = &body[e..];
    // the appositive: from the comma after the name to the next comma (not "C.C.,")
    let mut cut = rest.len().min(200);
    let mut seen_comma = false;
    for (k, ch) in rest.char_indices() {
        if k >= 200 {
            break;
        }
        // a dotted abbreviation ("U.S.", "C.C.") does not end the apposition
        let dotted = ch == '.'
            && ((k >= 2 && rest.as_bytes()[k - 2] == b'.')
                || rest[k + 1..].chars().next().is_some_and(char::is_alphabetic));
        if matches!(ch, ';' | '\n') || (ch == '.' && !rest[..k].ends_with("C.C") && !dotted) {
            cut = k;
            break;
        }
        if ch == ',' {
            if !seen_comma {
                seen_comma = true;
                continue;
            }
            if rest[..k].ends_with("C.C.") {
                continue;
            }
            cut = k;
            break;
        }
    }
    let (ws, we) = (e, e + cut);
    let mut cands: Vec<&Mention> = kbm
        .iter()
        .chain(generic.iter())
        .filter(|m| m.start >= ws && m.end <= we && m.country.is_some())
        .collect();
    cands.sort_by_key(|m| m.start);
    cands
        .into_iter()
        .find(|m| {
            let pre = body[..m.start].trim_end();
            // "related to the anti-Japanese struggle": the state opposed is not the person's
            !(pre.ends_with(" to")
                || pre.ends_with(" to the")
                || pre.ends_with("in")
                || pre.ends_with("anti-"))
        })
        .and_then(|m| m.country.clone())
}

/// A person named again by one part of the name ("Xi held talks with Kim", "Putin
/// said"): the family name (a Korean name's first word, else its first or last word) of
/// exactly one person named earlier in the body, standing alone.
pub(super) fn surname_mentions(body: &str, toks: &[Tok<'_>], ms: &[Mention]) -> Vec<Mention> {
    let mut short: Vec<(&str, &Mention)> = Vec::new();
    let mut shared: Vec<&str> = Vec::new();
    for m in ms.iter().filter(|m| m.kind == EntityKind::Person) {
        let words: Vec<&str> = m.surface.split_whitespace().collect();
        if words.len() < 2 {
            continue;
        }
        let korean = KOREAN_SURNAMES.contains(&words[0]) && words.len() == 3;
        let forms: Vec<&str> = if korean { vec![words[0]] } else { vec![words[0], words[words.len() - 1]] };
        for f in forms {
            let f = &m.surface[m.surface.find(f).unwrap_or(0)..][..f.len()];
            if f.len() < 2 || !is_cap(f) || lead_word(f) || is_title(f) || !name_like(f) {
                continue;
            }
            match short.iter().find(|(s, _)| *s == f) {
                Some((_, o)) if o.id != m.id => shared.push(f),
                Some(_) => {}
                None => short.push((f, m)),
            }
        }
    }
    short.retain(|(s, _)| !shared.contains(s));
    let mut out = Vec::new();
    if short.is_empty() {
        return out;
    }
    for (k, t) in toks.iter().enumerate() {
        let Some((_, p)) = short.iter().find(|(s, _)| *s == t.s) else { continue };
        if t.start < p.end || overlaps(ms, t.start, t.end) {
            continue;
        }
        // alone: no capitalised word joined to it on either side
        let joined = |a: usize, b: usize| only_space(body, toks[a].end, toks[b].start);
        if (k > 0 && is_cap(toks[k - 1].s) && joined(k - 1, k) && !lead_word(toks[k - 1].s))
            || (k + 1 < toks.len() && is_cap(toks[k + 1].s) && joined(k, k + 1))
        {
            continue;
        }
        out.push(mention(
            EntityKind::Person,
            p.id.clone(),
            p.country.clone(),
            body,
            (t.start, t.end),
            p.known,
        ));
    }
    out
}
