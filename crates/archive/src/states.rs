//! States and entities as users name them: one parser for state codes and pairs of
//! states (`prk-rus`), shared by the CLI, the server and the watcher's alert lists.
//! A state is given by its ISO 3166 alpha-3 code or by a name the knowledge base
//! knows ("Russia", "DPRK"); anything else is an error that suggests what was meant.

use annalist_model::EntityKind;
use annalist_understand::{Kb, KbEntity};

use crate::QueryError;

/// The first name the knowledge base gives an entity, else its id.
pub fn name(kb: &Kb, id: &str) -> String {
    name_ref(kb, id).to_string()
}

/// [`name`], borrowed.
pub fn name_ref<'a>(kb: &'a Kb, id: &'a str) -> &'a str {
    kb.entity(id).and_then(|e| e.names.first()).map(String::as_str).unwrap_or(id)
}

fn states(kb: &Kb) -> impl Iterator<Item = &KbEntity> {
    kb.entities().iter().filter(|e| e.kind == EntityKind::Country && e.same_as.is_none())
}

/// The state id `s` stands for: an id the knowledge base knows as a state, or one of
/// a state's names or demonyms (any case). Unknown: [`QueryError::NotFound`] with up
/// to three suggestions.
pub fn resolve_state(kb: &Kb, s: &str) -> Result<String, QueryError> {
    let t = s.trim();
    let id = t.to_ascii_lowercase();
    if kb.is_country(&id) {
        return Ok(kb.entity(&id).map(|e| e.canonical_id().to_string()).unwrap_or(id));
    }
    let same = |n: &String| n.eq_ignore_ascii_case(t);
    if let Some(e) = states(kb).find(|e| e.names.iter().any(same) || e.demonyms.iter().any(same)) {
        return Ok(e.id.clone());
    }
    Err(QueryError::NotFound(format!("{s}: not a state the knowledge base knows{}", suggest(kb, t))))
}

/// "; did you mean …?" for a state code or name, or the general advice.
fn suggest(kb: &Kb, t: &str) -> String {
    let low = t.to_lowercase();
    let mut hits: Vec<&KbEntity> = Vec::new();
    if low.chars().count() >= 2 {
        // A code one letter off (`chx` → chn), or a name it begins (`Chi` → China).
        let one_off = |id: &str| {
            id.chars().count() == low.chars().count()
                && id.chars().zip(low.chars()).filter(|(a, b)| a != b).count() <= 1
        };
        for e in states(kb) {
            let near = one_off(&e.id) || e.names.iter().any(|n| n.to_lowercase().starts_with(&low));
            if near && hits.len() < 3 {
                hits.push(e);
            }
        }
    }
    if hits.is_empty() {
        return " (give an ISO 3166 alpha-3 code such as prk, rus, chn, or a name such as Russia)".into();
    }
    let list: Vec<String> = hits
        .iter()
        .map(|e| format!("{} ({})", e.id, e.names.first().map(String::as_str).unwrap_or("")))
        .collect();
    format!("; did you mean {}?", list.join(", "))
}

/// A pair of states written `A-B` (or `A,B`, `A/B`), each as [`resolve_state`]
/// reads it. Errors are [`QueryError::Invalid`]: the pair is an argument.
pub fn parse_dyad(kb: &Kb, s: &str) -> Result<(String, String), QueryError> {
    parse_dyad_as(kb, s, s)
}

/// [`parse_dyad`], its messages starting with `label` (`--dyad prk-xx`, `dyad=prk-xx`).
pub(crate) fn parse_dyad_as(kb: &Kb, s: &str, label: &str) -> Result<(String, String), QueryError> {
    let Some((a, b)) =
        s.split_once(['-', ',', '/']).filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
    else {
        return Err(QueryError::invalid(format!("{label}: expected two states like prk-rus")));
    };
    let one = |x: &str| {
        resolve_state(kb, x).map_err(|e| match e {
            QueryError::NotFound(m) => QueryError::Invalid(format!("{label}: {m}")),
            other => other,
        })
    };
    Ok((one(a)?, one(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Kb {
        Kb::builtin().unwrap()
    }

    #[test]
    fn states_by_code_or_name() {
        let kb = kb();
        assert_eq!(resolve_state(&kb, "PRK").unwrap(), "prk");
        assert_eq!(resolve_state(&kb, "Russia").unwrap(), "rus");
        assert_eq!(parse_dyad(&kb, "prk-china").unwrap(), ("prk".into(), "chn".into()));
    }

    #[test]
    fn unknown_codes_are_errors_with_a_suggestion() {
        let kb = kb();
        let e = parse_dyad(&kb, "prk-chx").unwrap_err().to_string();
        assert!(e.contains("did you mean") && e.contains("chn (China)"), "{e}");
        let e = parse_dyad(&kb, "prk").unwrap_err().to_string();
        assert!(e.contains("expected two states"), "{e}");
        let e = resolve_state(&kb, "zz9").unwrap_err().to_string();
        assert!(e.contains("ISO 3166"), "{e}");
    }
}
