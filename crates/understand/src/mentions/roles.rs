//! Role resolution and titles: "the Russian president", "Russian Ambassador to the
//! DPRK", "President of Russia" resolved to the KB person holding the office on the
//! anchor date, and the honorifics and titles kept as a person mention's attributes.

use std::sync::LazyLock;

use annalist_model::{Date, EntityKind, Mention};
use regex::Regex;

use super::mention;
use super::tokens::name_like;
use crate::kb::Kb;
use crate::text::floor_char;

static ROLE_AFTER_COUNTRY: LazyLock<Regex> = lazy_regex!(
    r"^\s+(?P<t>[Pp]resident|[Pp]remier|[Pp]rime\s+[Mm]inister|[Aa]mbassador|[Ff]oreign\s+[Mm]inister|[Kk]ing|[Cc]hairman)\b(?:\s+to\s+(?:the\s+)?(?P<to>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*))?"
);

static ROLE_BEFORE_COUNTRY: LazyLock<Regex> = lazy_regex!(
    r"(?P<pre>(?:^|[.;:]\s+|\b(?:the|from|by|and|with|to)\s+))(?P<t>[Pp]resident|[Pp]remier|[Pp]rime\s+[Mm]inister|[Kk]ing|[Ff]oreign\s+[Mm]inister)\s+of\s+(?:the\s+)?$"
);

static HONORIFIC_BEFORE: LazyLock<Regex> = lazy_regex!(
    r"(?P<h>(?:(?:[Rr]espected|[Gg]reat|[Dd]ear|[Bb]eloved|[Ee]ternal)\s+)?(?:Comrade|[Ll]eader|General\s+Secretary|President|Premier|Chairman|Marshal|Supreme\s+Commander|Generalissimo|Commander|Vice-President|First\s+Vice-President|Presidium\s+Member|Col\.\s+Gen\.|Gen\.|King|Ambassador))\s+$"
);

static HONORIFIC_AFTER: LazyLock<Regex> = lazy_regex!(
    r"^\s*,\s*(?P<h>(?:[Gg]eneral\s+[Ss]ecretary|[Pp]resident|[Cc]hairman|[Pp]remier|[Ss]upreme\s+[Cc]ommander|[Ff]irst\s+[Ss]ecretary|[Vv]ice-[Cc]hairman|[Mm]inister|[Ff]oreign\s+[Mm]inister)[^,;.]{0,80}?)(?:,|;|\.|$| and\s+[a-z])"
);

/// "the Russian president", "Russian Ambassador to the DPRK", "President of Russia":
/// the KB person holding that role on `anchor`.
pub(super) fn role_mentions(
    kb: &Kb,
    body: &str,
    ms: &[Mention],
    anchor: Date,
    outlet_state: Option<&str>,
) -> Vec<Mention> {
    let mut out = Vec::new();
    for m in ms.iter().filter(|m| m.kind == EntityKind::Country) {
        let Some(state) = m.country.as_deref() else {
            continue;
        };
        // Demonym/state + title, not followed by a name
        if let Some(c) = ROLE_AFTER_COUNTRY.captures(&body[m.end..]) {
            let t = c.name("t").expect("t");
            let tail_end = m.end + c.get(0).expect("0").end();
            let to_state = c.name("to").and_then(|to| {
                let abs = m.end + to.start();
                ms.iter()
                    .find(|x| x.start == abs && x.kind == EntityKind::Country)
                    .and_then(|x| x.country.clone())
            });
            let after_title = &body[m.end + t.end()..];
            let named_after = {
                let w: &str = after_title.trim_start_matches(' ').split(' ').next().unwrap_or("");
                after_title.starts_with(' ') && name_like(w)
            } || ms
                .iter()
                .any(|x| x.kind == EntityKind::Person && x.start >= tail_end && x.start <= tail_end + 1);
            if named_after {
                continue;
            }
            let title = t.as_str().to_lowercase().replace(char::is_whitespace, " ");
            let to = if title == "ambassador" {
                to_state.or_else(|| outlet_state.map(String::from))
            } else {
                None
            };
            if to.as_deref() == Some(state) {
                continue;
            }
            let end = if title == "ambassador" { tail_end } else { m.end + t.end() };
            if let Some(p) = kb.role_holder(&title, state, to.as_deref(), anchor) {
                let start = if body[..m.start].ends_with("the ") { m.start - 4 } else { m.start };
                let m =
                    mention(EntityKind::Person, p.id.clone(), p.country.clone(), body, (start, end), true);
                out.push(Mention { attributes: vec![title.clone()], ..m });
            }
            continue;
        }
        // Title of (the) State, not in apposition to a name
        let before = &body[floor_char(body, m.start.saturating_sub(40))..m.start];
        if let Some(c) = ROLE_BEFORE_COUNTRY.captures(before) {
            let t = c.name("t").expect("t");
            let title = t.as_str().to_lowercase().replace(char::is_whitespace, " ");
            let start = m.start - before.len() + t.start();
            if let Some(p) = kb.role_holder(&title, state, None, anchor) {
                if ms.iter().any(|x| x.kind == EntityKind::Person && x.end <= start && x.end + 3 >= start) {
                    continue;
                }
                let m =
                    mention(EntityKind::Person, p.id.clone(), p.country.clone(), body, (start, m.end), true);
                out.push(Mention { attributes: vec![title], ..m });
            }
        }
    }
    out
}

/// Honorifics and titles around a person mention.
pub(super) fn honorifics(body: &str, s: usize, e: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = s.saturating_sub(48);
    while !body.is_char_boundary(from) {
        from += 1;
    }
    if let Some(c) = HONORIFIC_BEFORE.captures(&body[from..s]) {
        out.push(c["h"].to_string());
    }
    if let Some(c) = HONORIFIC_AFTER.captures(&body[e..]) {
        out.push(c["h"].trim().to_string());
    }
    out
}
