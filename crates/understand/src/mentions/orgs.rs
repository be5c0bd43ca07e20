//! Unknown-name guessing, organisations and places: capitalised spans (joined by
//! "of", "the", "for", "and" …) with a head noun, split where a title, a known person
//! or a coordination shows two names, with the state each is of.

use annalist_model::{EntityKind, Mention};

use super::tokens::{Tok, breaks_name, is_cap, is_title, name_like, title_run};
use super::{country_in, mention, overlaps};
use crate::kb::Kb;
use crate::lexicon::{
    BRANCH_WORDS, INTERNATIONAL_WORDS, NAME_CONNECTORS, ORG_HEADS, PLACE_HEADS, TITLE_MODIFIERS,
};
use crate::text::{boundary_after, floor_char, slug};

/// What naming a span needs besides the span: the body, the KB and its mentions.
#[derive(Clone, Copy)]
struct Namer<'a> {
    kb: &'a Kb,
    body: &'a str,
    kbm: &'a [Mention],
    outlet_state: Option<&'a str>,
}

/// Generic organisation and place names: capitalised spans (with "of", "the", "for",
/// "and" between capitalised words) containing a head noun.
/// An apposition of common nouns ending in the state an organisation is of or in: ",
/// an opposition party in ", ", a civic organization of ".
static STATE_APPOSITION: std::sync::LazyLock<regex::Regex> = lazy_regex!(
    r"^,\s+(?:a|an|the)\s+(?:[A-Za-z][a-z-]*\s+){0,3}(?:party|organi[sz]ation|group|union|association|movement|newspaper|paper|daily|broadcaster|radio|network|federation|alliance|coalition|committee|body|front|society|league|council|magazine|agency|station)\s+(?:in|of)\s+(?:the\s+)?"
);

pub(super) fn generic_names(
    kb: &Kb,
    body: &str,
    toks: &[Tok<'_>],
    kbm: &[Mention],
    outlet_state: Option<&str>,
) -> Vec<Mention> {
    let namer = Namer { kb, body, kbm, outlet_state };
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_cap(toks[i].s) || breaks_name(body, toks, i) {
            i += 1;
            continue;
        }
        // grow a span
        let mut j = i; // last capitalised token included
        let mut k = i + 1;
        while k < toks.len() {
            let gap = &body[toks[k - 1].end..toks[k].start];
            // "Communist Workers' Party": a plural possessive inside the name
            // ("Workers' Party of Korea", a known name, is the knowledge base's)
            let possessive = (gap == "' " || gap == "\u{2019} ")
                && is_cap(toks[k - 1].s)
                && toks[k - 1].s.ends_with('s')
                && !kbm.iter().any(|m| m.start <= toks[k - 1].start && toks[k - 1].end <= m.end);
            let gap_ok = gap == " "
                || gap == "-"
                || possessive
                || (toks[k - 1].s == "C.C." && gap == ", ")
                || (gap == " (" && is_cap(toks[k].s));
            if !gap_ok {
                break;
            }
            if is_cap(toks[k].s) {
                if breaks_name(body, toks, k) {
                    break; // "… Army on Wednesday", "… Assembly in March"
                }
                if gap == " (" {
                    // "(Communist)" after a head noun belongs to the name; acronyms do not
                    let close = body[toks[k].end..].starts_with(')');
                    let acronym = toks[k].s.chars().all(|c| !c.is_lowercase());
                    if !close || acronym {
                        break;
                    }
                }
                j = k;
                k += 1;
            } else if NAME_CONNECTORS.contains(&toks[k].s)
                || (toks[k].s.chars().all(|c| c.is_ascii_digit())
                    && toks.get(k + 1).is_some_and(|n| is_cap(n.s)))
            {
                k += 1;
            } else {
                break;
            }
        }
        let span_toks = &toks[i..=j];
        i = j + 1;
        // strip leading function words and "DPRK"
        let mut a = 0;
        while a < span_toks.len()
            && matches!(span_toks[a].s, "The" | "A" | "An" | "DPRK" | "In" | "On" | "At" | "Also" | "Then")
        {
            a += 1;
        }
        let st = &span_toks[a..];
        if st.len() < 2 {
            continue;
        }
        namer.emit(st, &mut out, 0);
    }
    // "the German branch of the Korean Friendship Association": an organisation of the
    // state its demonym names
    for m in kbm.iter().filter(|m| m.kind == EntityKind::Country) {
        let rest = &body[m.end..];
        let Some(w) = BRANCH_WORDS.iter().find(|w| {
            rest.strip_prefix(' ')
                .and_then(|r| r.strip_prefix(**w))
                .is_some_and(|r| r.starts_with(" of the "))
        }) else {
            continue;
        };
        let at = m.end + 1 + w.len() + " of the ".len();
        let Some(org) =
            kbm.iter().chain(out.iter()).find(|o| o.kind == EntityKind::Organization && o.start == at)
        else {
            continue;
        };
        let (s, e) = (m.start, org.end);
        out.push(mention(
            EntityKind::Organization,
            slug(&body[s..e]),
            m.country.clone(),
            body,
            (s, e),
            false,
        ));
    }
    // "Vietnamese embassy", "DPRK embassy in Brasilia"
    for m in kbm.iter().filter(|m| m.kind == EntityKind::Country) {
        let rest = &body[m.end..];
        let Some(after) = rest.strip_prefix(" embassy") else {
            continue;
        };
        if !boundary_after(body, m.end + 8) {
            continue;
        }
        let mut end = m.end + 8;
        let mut name = format!("{} embassy", m.surface);
        if let Some(place) = kbm
            .iter()
            .find(|p| p.kind == EntityKind::Place && p.start == m.end + 8 + 4 && after.starts_with(" in "))
        {
            end = place.end;
            name = format!("{name} in {}", place.surface);
        }
        if overlaps(&out, m.start, end) {
            continue;
        }
        // "the DPRK embassy" after "the DPRK embassy in Phnom Penh": the same embassy
        let mut id = slug(&name);
        if end == m.end + 8 {
            let prefix = format!("{id}-in-");
            if let Some(full) = out.iter().find(|o| o.id.starts_with(&prefix)) {
                id = full.id.clone();
            }
        }
        out.push(mention(EntityKind::Organization, id, m.country.clone(), body, (m.start, end), false));
    }
    out
}

impl Namer<'_> {
    /// Emits the name `st` is (when it has a head noun and is no known name), and the
    /// names inside it; a title, a person or a coordination in it splits it first.
    fn emit(&self, st: &[Tok<'_>], out: &mut Vec<Mention>, depth: u8) {
        let Namer { kb, body, kbm, outlet_state } = *self;
        // trim trailing connectors
        let mut n = st.len();
        while n > 0 && !is_cap(st[n - 1].s) {
            n -= 1;
        }
        // "… of the Cambodian" (government): a trailing demonym is not part of the name
        while n > 2
            && kbm.iter().any(|m| {
                m.kind == EntityKind::Country
                    && m.start <= st[n - 1].start
                    && st[n - 1].end <= m.end
                    && !m.surface.contains(' ')
                    && kb.entity(&m.id).is_some_and(|x| x.demonyms.contains(&m.surface))
            })
        {
            n -= 1;
            while n > 0 && !is_cap(st[n - 1].s) {
                n -= 1;
            }
        }
        let st = &st[..n];
        if st.len() < 2 || depth > 6 {
            return;
        }
        // a title opening the span is not part of a name: read what it governs
        // ("Chairman of the X" → X; "President Kim Il Sung and the Y" → the rest)
        let a = title_run(st);
        if a > 0 {
            let mut q = a;
            while q < st.len() && matches!(st[q].s, "of" | "the" | "and") {
                q += 1;
            }
            if q < st.len() {
                self.emit(&st[q..], out, depth + 1);
            }
            return;
        }
        let person_at = |s: usize| kbm.iter().find(|m| m.kind == EntityKind::Person && m.start == s);
        // a known person opening the span and joined to the rest by a connector
        // ("Kim Il Sung and the Kuwait-DPRK Friendship Association", "… in Hamhung City")
        if let Some(p) = person_at(st[0].start) {
            let mut q = st.iter().position(|t| t.start >= p.end).unwrap_or(st.len());
            if q < st.len() && matches!(st[q].s, "and" | "in" | "on" | "at" | "of" | "for") {
                while q < st.len() && !is_cap(st[q].s) {
                    q += 1;
                }
                self.emit(&st[q..], out, depth + 1);
                return;
            }
        }
        // a known person closing the span in apposition ("… Defence Commission Kim Jong
        // Il", "… Association and Kim Yong Nam"); "Centenary of Birth of Kim Il Sung" keeps it
        if let Some(p) = kbm
            .iter()
            .find(|m| m.kind == EntityKind::Person && m.end == st[st.len() - 1].end && m.start > st[0].start)
            && let Some(mut p0) = st.iter().position(|t| t.start == p.start)
        {
            while p0 > 0 && (is_title(st[p0 - 1].s) || TITLE_MODIFIERS.contains(&st[p0 - 1].s)) {
                p0 -= 1;
            }
            let prev = if p0 > 0 { st[p0 - 1].s } else { "" };
            if !matches!(prev, "of" | "for" | "After" | "Named" | "the") {
                self.emit(&st[..p0], out, depth + 1);
                return;
            }
        }
        // two names coordinated ("the X Mill and the Y Mill", "X and the Secretary-General of
        // Y"): each is its own entity
        let has_head =
            |x: &[Tok<'_>]| x.iter().any(|t| ORG_HEADS.contains(&t.s) || PLACE_HEADS.contains(&t.s));
        if let Some(p) = st.iter().position(|t| t.s == "and")
            && p > 0
        {
            let q = skip_the(st, p + 1);
            let (left, right) = (&st[..p], &st[q..]);
            if !right.is_empty() && (title_run(right) > 0 || (has_head(left) && has_head(right))) {
                self.emit(left, out, depth + 1);
                self.emit(right, out, depth + 1);
                return;
            }
        }
        let head_place = st.iter().rposition(|t| PLACE_HEADS.contains(&t.s));
        let last_org = st.iter().rposition(|t| ORG_HEADS.contains(&t.s));
        let first_head_org = st.len() > 2 && ORG_HEADS.contains(&st[0].s) && st[1].s == "of";
        let kind = match (last_org, head_place) {
            _ if first_head_org => EntityKind::Organization,
            (Some(o), Some(p)) if p > o => EntityKind::Place,
            (Some(_), _) => EntityKind::Organization,
            (None, Some(_)) => EntityKind::Place,
            _ => return,
        };
        // a name in apposition after the head ("… Friendship Group Eddie Kekana"): the
        // organisation ends at its head
        if kind == EntityKind::Organization
            && let Some(lh) = last_org
            && st.len() - lh > 2
            && st[lh + 1..].iter().all(|t| name_like(t.s) && !is_title(t.s))
        {
            self.emit(&st[..=lh], out, depth + 1);
            return;
        }
        let head_tok = match kind {
            EntityKind::Place => head_place.map(|p| st[p]),
            _ => last_org.map(|p| st[p]),
        };
        if let Some(h) = head_tok
            && kbm.iter().any(|m| {
                matches!(m.kind, EntityKind::Country | EntityKind::Place)
                    && m.start <= h.start
                    && h.end <= m.end
            })
        {
            return;
        }
        let (s, e) = (st[0].start, st[st.len() - 1].end);
        let e = if body[e..].starts_with(')') { e + 1 } else { e };
        let surface = &body[s..e];
        // the knowledge base already knows exactly this name
        if kbm.iter().any(|m| m.start == s && m.end == e) {
            return;
        }
        // a KB person or state that covers the whole span is not an organisation
        if kbm.iter().any(|m| m.start <= s && m.end >= e) {
            return;
        }
        let id_text = surface
            .replace("C.C., the ", "Central Committee of the ")
            .replace("C.C., ", "Central Committee of the ")
            .replace("C.C. of the ", "Central Committee of the ");
        let id = slug(&id_text);
        // "… of Korean Residents in Japan": an organisation is of the state it is in
        let located = kbm
            .iter()
            .filter(|m| m.start >= s && m.end <= e && m.kind == EntityKind::Country)
            .find(|m| body[..m.start].ends_with(" in "))
            .and_then(|m| m.country.clone())
            .or_else(|| {
                // KCNA writes the ROK lower-case: "the south Korean Confederation of …"
                let w = &body[floor_char(body, s.saturating_sub(6))..s];
                (st[0].s == "Korean" && w.eq_ignore_ascii_case("south ")).then(|| "kor".to_string())
            })
            .or_else(|| {
                // "south Korean Confederation …": a demonym that opens the name
                kbm.iter()
                    .find(|m| m.kind == EntityKind::Country && m.start < s && m.end > s)
                    .and_then(|m| m.country.clone())
            });
        // "… Movement for Realizing Democracy in south Korea": the state it is in, named
        // right after
        let located = located.or_else(|| {
            let at =
                e + body[e..].strip_prefix(" in ").or_else(|| body[e..].strip_prefix(" of ")).map(|_| 4)?;
            kbm.iter()
                .find(|m| m.kind == EntityKind::Country && m.start == at)
                .and_then(|m| m.country.clone())
        });
        // "the Democratic Party, an opposition party in south Korea,": an apposition of
        // common nouns that says where it is
        let located = located.or_else(|| {
            let window = &body[e..floor_char(body, (e + 120).min(body.len()))];
            let at = e + STATE_APPOSITION.find(window)?.end();
            kbm.iter()
                .find(|m| m.kind == EntityKind::Country && m.start == at)
                .and_then(|m| m.country.clone())
        });
        // "International Meeting of …", "World Federation of …": of no one state unless
        // its name says which
        let international = INTERNATIONAL_WORDS.contains(&st[0].s);
        let country = if kind == EntityKind::Organization && international {
            located.or_else(|| country_in(kbm, s, e))
        } else if kind == EntityKind::Organization {
            located.or_else(|| country_in(kbm, s, e)).or_else(|| {
                // nearest state named before it in the sentence, else the outlet's
                let sent_start = body[..s].rfind(['.', '\n']).map_or(0, |p| p + 1);
                kbm.iter()
                    .rev()
                    .filter(|m| m.end <= s && m.start >= sent_start)
                    .find_map(|m| m.country.clone())
                    .or_else(|| outlet_state.map(String::from))
            })
        } else {
            country_in(kbm, s, e).or_else(|| {
                kbm.iter()
                    .find(|m| m.kind == EntityKind::Place && m.start >= s && m.end <= e)
                    .and_then(|m| kb.entity(&m.id).and_then(|x| x.country.clone()))
            })
        };
        if !out.iter().any(|m| m.start == s && m.end == e) {
            out.push(mention(kind, id, country, body, (s, e), false));
        }
        // nested: "A of (the) B" where B is itself a name; "… of the C.C., the Communist
        // Party of China"
        let inner = st.iter().position(|t| t.s == "of").or_else(|| st.iter().position(|t| t.s == "C.C."));
        if let Some(p) = inner {
            let q = skip_the(st, p + 1);
            if q < st.len() {
                self.emit(&st[q..], out, depth + 1);
            }
        }
    }
}

/// The first index from `q` on that is not the token "the".
fn skip_the(st: &[Tok<'_>], mut q: usize) -> usize {
    while q < st.len() && st[q].s == "the" {
        q += 1;
    }
    q
}
