//! Finding entities by what users type: a name, an alias or an id, in the knowledge
//! base and among the names the archive recognised in the text; with counts of the
//! articles mentioning each, and suggestions when nothing matches exactly.

use std::collections::BTreeMap;

use annalist_store::{EntityCount, Store};
use annalist_understand::{Kb, KbEntity};
use serde::Serialize;

use crate::QueryError;
use crate::states::name;

/// One entity found.
#[derive(Debug, Clone, Serialize)]
pub struct EntityHit {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: Option<String>,
    /// Articles mentioning it.
    pub articles: i64,
    /// Whether the knowledge base knows it (else it was recognised from the text).
    pub known: bool,
    /// The name or alias the query matched, when it is not the display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

impl EntityHit {
    /// An entity of the knowledge base, mentioned in `articles` articles.
    fn known(kb: &Kb, e: &KbEntity, articles: i64) -> EntityHit {
        EntityHit {
            id: e.id.clone(),
            name: name(kb, &e.id),
            kind: e.kind.as_str().to_string(),
            country: e.country.clone(),
            articles,
            known: true,
            matched: None,
        }
    }

    /// An entity only the text knows.
    fn recognised(c: &EntityCount) -> EntityHit {
        EntityHit {
            id: c.id.clone(),
            name: c.surface.clone(),
            kind: c.kind.clone(),
            country: c.country.clone(),
            articles: c.articles,
            known: false,
            matched: None,
        }
    }
}

/// Entities matching a query, most mentioned first.
#[derive(Debug, Serialize)]
pub struct EntityList {
    pub query: String,
    pub total: usize,
    pub limit: usize,
    pub entities: Vec<EntityHit>,
}

fn fold(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).collect::<String>().to_lowercase()
}

/// Entities whose id, name or alias contains `query` (any case; an empty query lists
/// the most mentioned), at most `limit`, with how many match in all.
pub fn entities(kb: &Kb, store: &Store, query: &str, limit: usize) -> Result<EntityList, QueryError> {
    let q = fold(query.trim());
    let mut found: BTreeMap<String, EntityHit> = BTreeMap::new();
    // The archive's own: every entity mentioned, with its article count.
    let counts = store.entity_counts()?;
    let by_id: BTreeMap<&str, &EntityCount> = counts.iter().map(|c| (c.id.as_str(), c)).collect();
    for e in kb.entities() {
        if e.same_as.is_some() {
            continue;
        }
        let matched = if q.is_empty() {
            None
        } else if e.id.contains(&q) {
            Some(None)
        } else {
            e.names
                .iter()
                .chain(&e.demonyms)
                .find(|n| fold(n).contains(&q))
                .map(|n| (Some(n) != e.names.first()).then(|| n.clone()))
        };
        let articles = by_id.get(e.id.as_str()).map(|c| c.articles).unwrap_or(0);
        let keep = match &matched {
            Some(_) => true,
            None => q.is_empty() && articles > 0,
        };
        if keep {
            found.insert(
                e.id.clone(),
                EntityHit { matched: matched.flatten(), ..EntityHit::known(kb, e, articles) },
            );
        }
    }
    for c in &counts {
        if found.contains_key(&c.id) || kb.entity(&c.id).is_some() {
            continue;
        }
        let hit = q.is_empty() || c.id.contains(&q.replace(' ', "-")) || fold(&c.surface).contains(&q);
        if hit {
            found.insert(c.id.clone(), EntityHit::recognised(c));
        }
    }
    let mut all: Vec<EntityHit> = found.into_values().collect();
    all.sort_by(|a, b| b.articles.cmp(&a.articles).then_with(|| a.name.cmp(&b.name)));
    let total = all.len();
    all.truncate(limit);
    Ok(EntityList { query: query.to_string(), total, limit, entities: all })
}

/// The entity `s` names: an id the knowledge base or the archive knows, else a name
/// or alias the knowledge base gives exactly one entity (any case), else a name the
/// archive recognised. Nothing: [`QueryError::NotFound`] with suggestions.
pub fn resolve_entity(kb: &Kb, store: &Store, s: &str) -> Result<String, QueryError> {
    let t = s.trim();
    let low = t.to_lowercase();
    if let Some(e) = kb.entity(&low) {
        return Ok(e.canonical_id().to_string());
    }
    let counts = store.entity_counts()?;
    if counts.iter().any(|c| c.id == low) {
        return Ok(low);
    }
    let named: Vec<&str> = kb
        .entities()
        .iter()
        .filter(|e| e.names.iter().chain(&e.demonyms).any(|n| n.eq_ignore_ascii_case(t)))
        .map(|e| e.canonical_id())
        .collect();
    if let [one] = named.as_slice() {
        return Ok(one.to_string());
    }
    if let Some(c) = counts.iter().find(|c| c.surface.eq_ignore_ascii_case(t)) {
        return Ok(c.id.clone());
    }
    let near = entities(kb, store, t, 5)?;
    let hint = if near.entities.is_empty() { by_words(kb, &counts, t, 5) } else { near.entities };
    let list: Vec<String> = hint.iter().map(|h| format!("{} ({})", h.id, h.name)).collect();
    Err(QueryError::NotFound(if list.is_empty() {
        format!("no entity {t} in the knowledge base or the archive (list them: annalist entities [QUERY])")
    } else if named.len() > 1 {
        format!("{t} names several entities: {}", list.join(", "))
    } else {
        format!("no entity {t} in the knowledge base or the archive; did you mean {}?", list.join(", "))
    }))
}

/// Entities sharing the most whole words with `t` ("Kim Yong Num" → Kim Yong Nam,
/// Kim Yong Chun …), most mentioned first among equals.
fn by_words(kb: &Kb, counts: &[EntityCount], t: &str, limit: usize) -> Vec<EntityHit> {
    let words: Vec<String> =
        fold(t).split_whitespace().filter(|w| w.chars().count() >= 2).map(String::from).collect();
    let shared = |n: &str| {
        let f = fold(n);
        let theirs: Vec<&str> = f.split_whitespace().collect();
        words.iter().filter(|w| theirs.contains(&w.as_str())).count()
    };
    let articles: BTreeMap<&str, i64> = counts.iter().map(|c| (c.id.as_str(), c.articles)).collect();
    let mut scored: Vec<(usize, EntityHit)> = Vec::new();
    for e in kb.entities().iter().filter(|e| e.same_as.is_none()) {
        let best = e.names.iter().map(|n| shared(n)).max().unwrap_or(0);
        if best > 0 {
            scored.push((best, EntityHit::known(kb, e, articles.get(e.id.as_str()).copied().unwrap_or(0))));
        }
    }
    for c in counts.iter().filter(|c| kb.entity(&c.id).is_none()) {
        let n = shared(&c.surface);
        if n > 0 {
            scored.push((n, EntityHit::recognised(c)));
        }
    }
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0).then(b.1.articles.cmp(&a.1.articles)).then_with(|| a.1.id.cmp(&b.1.id))
    });
    scored.into_iter().take(limit).map(|(_, h)| h).collect()
}
