//! Knowledge-base matching: the KB's names in one Aho-Corasick pass (the case each
//! name must have, a person's name that is part of a longer name), "our Republic" as
//! the outlet's own state, and one spelling per known person within a body.

use std::collections::HashMap;
use std::sync::LazyLock;

use annalist_model::{EntityKind, Mention};
use regex::Regex;

use super::mention;
use super::tokens::{is_cap, lead_word, name_like};
use crate::kb::Kb;
use crate::lexicon::NAME_CONTINUERS;
use crate::text::{boundary_after, boundary_before};

static OUR_STATE: LazyLock<Regex> =
    lazy_regex!(r"\b[Oo]ur\s+(?:Republic|country|socialist\s+country|state|homeland)\b");

/// The knowledge base's names in `body`, and "our Republic" (and the like) as the
/// outlet's state, in order of start (the longer first).
pub(super) fn kb_mentions(kb: &Kb, body: &str, outlet_state: Option<&str>) -> Vec<Mention> {
    let mut ms: Vec<Mention> = Vec::new();
    // knowledge-base names
    for m in kb.ac.find_iter(body) {
        let (s, e) = (m.start(), m.end());
        if !boundary_before(body, s) || !boundary_after(body, e) {
            continue;
        }
        let p = kb.patterns[m.pattern().as_usize()];
        let text = &body[s..e];
        if p.exact_case && text != kb.pattern_text[m.pattern().as_usize()] {
            continue;
        }
        if p.cap_first && !is_cap(text) {
            continue;
        }
        let ent = kb.entity_at(p.entity);
        if ent.kind == EntityKind::Person {
            // "Kim Il Sung Prize", "Kim Il Sung University": part of another name
            let next = body[e..].trim_start_matches(' ');
            let next_word = next.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            if e < body.len() && body.as_bytes()[e] == b' ' && NAME_CONTINUERS.contains(&next_word) {
                continue;
            }
            if text.split(' ').count() == 1 && next.starts_with(|c: char| c.is_uppercase()) {
                // a lone surname followed by another capitalised word is someone else
                let nw = next_word;
                if name_like(nw) && !lead_word(nw) && body.as_bytes()[e] == b' ' {
                    continue;
                }
            }
        }
        ms.push(mention(ent.kind, ent.id.clone(), ent.country.clone(), body, (s, e), true));
    }
    // "our Republic" → the outlet's state
    if let Some(st) = outlet_state {
        for m in OUR_STATE.find_iter(body) {
            if ms.iter().any(|x| x.start < m.end() && m.start() < x.end) {
                continue;
            }
            ms.push(mention(
                EntityKind::Country,
                st.to_string(),
                Some(st.to_string()),
                body,
                (m.start(), m.end()),
                true,
            ));
        }
    }
    // "the puppet military": DPRK media's name for the south Korean state's organs
    if outlet_state == Some("prk") && body.contains("puppet") {
        for m in PUPPET.find_iter(body) {
            if ms.iter().any(|x| x.start < m.end() && m.start() < x.end) {
                continue;
            }
            ms.push(mention(
                EntityKind::Country,
                "kor".into(),
                Some("kor".into()),
                body,
                (m.start(), m.end()),
                true,
            ));
        }
    }
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    ms
}

/// "the puppet military", "the puppet regime" (nouns in [`crate::lexicon::PUPPET_NOUNS`]).
static PUPPET: LazyLock<Regex> = LazyLock::new(|| {
    let alt = crate::lexicon::PUPPET_NOUNS.join("|");
    Regex::new(&format!(r"(?-u:\b)puppet\s+(?:{alt})(?-u:\b)")).expect("puppet nouns")
});

/// A person written under a spelling variant in this body is exported under that
/// spelling throughout (the guide's "slug of the full name as the outlet writes it").
pub(super) fn harmonise_spellings(kb: &Kb, ms: &mut [Mention]) {
    let mut written: HashMap<String, String> = HashMap::new();
    for m in ms.iter().filter(|m| m.kind == EntityKind::Person && m.known) {
        if let Some(e) = kb.entity(&m.id) {
            let is_name = e.names.iter().any(|n| n.eq_ignore_ascii_case(&m.surface));
            if is_name && m.surface.contains(' ') {
                written.entry(e.canonical_id().to_string()).or_insert_with(|| m.id.clone());
            }
        }
    }
    for m in ms.iter_mut().filter(|m| m.kind == EntityKind::Person && m.known) {
        if let Some(e) = kb.entity(&m.id)
            && let Some(w) = written.get(e.canonical_id())
        {
            m.id = w.clone();
        }
    }
}
