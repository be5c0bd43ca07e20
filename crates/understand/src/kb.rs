//! The knowledge base: states, people, organisations, places, outlets and anniversary
//! base dates, loaded from the `kb/` files (embedded at build time) plus user files.
//!
//! All names are compiled into one Aho-Corasick automaton (leftmost-longest, ASCII
//! case-insensitive); case rules are checked per match (see [`NamePattern`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use annalist_model::{Date, EntityKind};
use serde::Deserialize;

use crate::text::slug;

const COUNTRIES_CSV: &str = include_str!("../../../kb/countries.csv");
const BUILTIN_TOML: &[(&str, &str)] = &[
    ("kb/people.toml", include_str!("../../../kb/people.toml")),
    ("kb/organizations.toml", include_str!("../../../kb/organizations.toml")),
    ("kb/places.toml", include_str!("../../../kb/places.toml")),
    ("kb/outlets.toml", include_str!("../../../kb/outlets.toml")),
    ("kb/anniversaries.toml", include_str!("../../../kb/anniversaries.toml")),
];

/// Errors reading knowledge-base files.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {msg}")]
    Parse { path: String, msg: String },
    #[error("building the name matcher: {0}")]
    Matcher(String),
}

/// A dated role: `title` of `of` (a state or organisation id), optionally accredited
/// `to_state` (ambassadors), held from `from` (inclusive) to `to` (exclusive).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Role {
    pub title: String,
    #[serde(default)]
    pub of: Option<String>,
    #[serde(default)]
    pub to_state: Option<String>,
    #[serde(default)]
    pub from: Option<Date>,
    #[serde(default)]
    pub to: Option<Date>,
}

impl Role {
    /// Whether the role was held on `d`.
    pub fn held_on(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d < t)
    }
}

/// One entity the knowledge base knows.
#[derive(Debug, Clone, PartialEq)]
pub struct KbEntity {
    pub id: String,
    pub kind: EntityKind,
    /// The state it belongs to (for states: itself).
    pub country: Option<String>,
    /// Names as written in text; the first is the display name.
    pub names: Vec<String>,
    /// Adjectives of nationality ("Russian"), for states.
    pub demonyms: Vec<String>,
    pub roles: Vec<Role>,
    /// Another spelling of the same entity: its canonical id.
    pub same_as: Option<String>,
}

impl KbEntity {
    /// The canonical id (itself unless this is a spelling variant).
    pub fn canonical_id(&self) -> &str {
        self.same_as.as_deref().unwrap_or(&self.id)
    }
}

/// A base date for "Nth anniversary of …".
#[derive(Debug, Clone, PartialEq)]
pub struct Anniversary {
    /// Lower-case phrase looked for after "anniversary of".
    pub phrase: String,
    pub country: Option<String>,
    pub date: Date,
}

/// How one automaton pattern maps back to an entity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NamePattern {
    pub entity: u32,
    /// The pattern is a demonym ("Russian").
    pub demonym: bool,
    /// The text must match the pattern's case exactly (acronyms: "US", "WHO").
    pub exact_case: bool,
    /// The text must start with an upper-case letter (proper names).
    pub cap_first: bool,
}

/// The knowledge base.
pub struct Kb {
    entities: Vec<KbEntity>,
    by_id: HashMap<String, usize>,
    outlets: HashMap<String, String>,
    relations: Vec<(String, String, Date)>,
    anniversaries: Vec<Anniversary>,
    pub(crate) ac: AhoCorasick,
    pub(crate) patterns: Vec<NamePattern>,
    pub(crate) pattern_text: Vec<String>,
}

impl std::fmt::Debug for Kb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kb")
            .field("entities", &self.entities.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

#[derive(Deserialize)]
struct FileRec {
    #[serde(default)]
    entity: Vec<EntityRec>,
    #[serde(default)]
    outlet: Vec<OutletRec>,
    #[serde(default)]
    relations: Vec<RelationRec>,
    #[serde(default)]
    anniversary: Vec<AnnivRec>,
}

#[derive(Deserialize)]
struct EntityRec {
    id: Option<String>,
    kind: String,
    #[serde(default)]
    country: Option<String>,
    names: Vec<String>,
    #[serde(default)]
    demonyms: Vec<String>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    same_as: Option<String>,
}

#[derive(Deserialize)]
struct OutletRec {
    name: String,
    country: String,
}

#[derive(Deserialize)]
struct RelationRec {
    a: String,
    b: String,
    date: Date,
}

#[derive(Deserialize)]
struct AnnivRec {
    phrase: String,
    #[serde(default)]
    country: Option<String>,
    date: Date,
}

#[derive(Default)]
struct Builder {
    entities: Vec<KbEntity>,
    by_id: HashMap<String, usize>,
    outlets: HashMap<String, String>,
    relations: Vec<(String, String, Date)>,
    anniversaries: Vec<Anniversary>,
}

impl Builder {
    fn add(&mut self, e: KbEntity) {
        if let Some(&i) = self.by_id.get(&e.id) {
            // A later file refines an earlier entry: merge names, replace the rest.
            let old = &mut self.entities[i];
            let mut names = e.names.clone();
            for n in &old.names {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
            let mut dem = e.demonyms.clone();
            for d in &old.demonyms {
                if !dem.contains(d) {
                    dem.push(d.clone());
                }
            }
            let roles = if e.roles.is_empty() { old.roles.clone() } else { e.roles.clone() };
            *old = KbEntity { names, demonyms: dem, roles, country: e.country.or(old.country.take()), ..e };
        } else {
            self.by_id.insert(e.id.clone(), self.entities.len());
            self.entities.push(e);
        }
    }

    fn load_csv(&mut self, path: &str, text: &str) -> Result<(), KbError> {
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        for row in rd.records() {
            let row = row.map_err(|e| KbError::Parse { path: path.into(), msg: e.to_string() })?;
            let id = row.get(0).unwrap_or("").trim().to_lowercase();
            if id.is_empty() {
                continue;
            }
            let split = |s: Option<&str>| -> Vec<String> {
                s.unwrap_or("")
                    .split('|')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect()
            };
            self.add(KbEntity {
                country: Some(id.clone()),
                id,
                kind: EntityKind::Country,
                names: split(row.get(1)),
                demonyms: split(row.get(2)),
                roles: Vec::new(),
                same_as: None,
            });
        }
        Ok(())
    }

    fn load_toml(&mut self, path: &str, text: &str) -> Result<(), KbError> {
        let f: FileRec =
            toml::from_str(text).map_err(|e| KbError::Parse { path: path.into(), msg: e.to_string() })?;
        for r in f.entity {
            let kind = EntityKind::parse(&r.kind).ok_or_else(|| KbError::Parse {
                path: path.into(),
                msg: format!("unknown kind {:?}", r.kind),
            })?;
            let Some(first) = r.names.first() else {
                return Err(KbError::Parse { path: path.into(), msg: "entity without names".into() });
            };
            let id = r.id.unwrap_or_else(|| slug(first));
            let country = match kind {
                EntityKind::Country => Some(r.country.unwrap_or_else(|| id.clone())),
                _ => r.country,
            };
            self.add(KbEntity {
                id,
                kind,
                country,
                names: r.names,
                demonyms: r.demonyms,
                roles: r.roles,
                same_as: r.same_as,
            });
        }
        for o in f.outlet {
            self.outlets.insert(outlet_key(&o.name), o.country);
        }
        for r in f.relations {
            self.relations.push((r.a, r.b, r.date));
        }
        for a in f.anniversary {
            self.anniversaries.push(Anniversary {
                phrase: a.phrase.to_lowercase(),
                country: a.country,
                date: a.date,
            });
        }
        Ok(())
    }

    fn load_file(&mut self, path: &Path) -> Result<(), KbError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KbError::Io { path: p.clone(), source })?;
        if p.ends_with(".csv") { self.load_csv(&p, &text) } else { self.load_toml(&p, &text) }
    }

    fn finish(self) -> Result<Kb, KbError> {
        let mut pattern_text: Vec<String> = Vec::new();
        let mut patterns: Vec<NamePattern> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            let all = e.names.iter().map(|n| (n, false)).chain(e.demonyms.iter().map(|d| (d, true)));
            for (name, demonym) in all {
                for variant in typographic_variants(name) {
                    let key = variant.to_lowercase();
                    let letters: Vec<char> = variant.chars().filter(|c| c.is_alphabetic()).collect();
                    let exact_case =
                        letters.len() <= 6 && letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
                    let cap_first = variant.chars().next().is_some_and(char::is_uppercase);
                    let pat = NamePattern { entity: i as u32, demonym, exact_case, cap_first };
                    if let Some(&j) = seen.get(&key) {
                        // one entity's spellings that differ in case only ("south Korean",
                        // "South Korean"): either case is the name
                        if patterns[j].entity == pat.entity && patterns[j].demonym == demonym {
                            patterns[j].cap_first &= pat.cap_first;
                            continue;
                        }
                        // Later entries win (user files override the builtin data),
                        // except that a state's own name beats a demonym.
                        if patterns[j].demonym || !demonym {
                            patterns[j] = pat;
                            pattern_text[j] = variant;
                        }
                        continue;
                    }
                    seen.insert(key, patterns.len());
                    patterns.push(pat);
                    pattern_text.push(variant);
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&pattern_text)
            .map_err(|e| KbError::Matcher(e.to_string()))?;
        Ok(Kb {
            entities: self.entities,
            by_id: self.by_id,
            outlets: self.outlets,
            relations: self.relations,
            anniversaries: self.anniversaries,
            ac,
            patterns,
            pattern_text,
        })
    }
}

/// The forms of a name to look for: as given, and with typographic apostrophes.
fn typographic_variants(name: &str) -> Vec<String> {
    let mut v = vec![name.to_string()];
    if name.contains('\'') {
        v.push(name.replace('\'', "\u{2019}"));
    }
    if name.contains('\u{2019}') {
        v.push(name.replace('\u{2019}', "'"));
    }
    v
}

fn outlet_key(s: &str) -> String {
    annalist_model::normalize_text(s)
}

impl Kb {
    /// The knowledge base built from the `kb/` files embedded in the binary.
    pub fn builtin() -> Result<Kb, KbError> {
        Self::with_extra(&[])
    }

    /// The builtin knowledge base plus user files (`--kb FILE`), in the same formats:
    /// `.csv` files are state tables (`id,names,demonyms`), anything else is TOML with
    /// `[[entity]]`, `[[outlet]]`, `[[relations]]` and `[[anniversary]]` tables.
    /// Later files refine earlier entries with the same id.
    pub fn with_extra(paths: &[PathBuf]) -> Result<Kb, KbError> {
        let mut b = Builder::default();
        b.load_csv("kb/countries.csv", COUNTRIES_CSV)?;
        for (p, t) in BUILTIN_TOML {
            b.load_toml(p, t)?;
        }
        for p in paths {
            b.load_file(p)?;
        }
        b.finish()
    }

    /// The entity with this id.
    pub fn entity(&self, id: &str) -> Option<&KbEntity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// All entities, in load order.
    pub fn entities(&self) -> &[KbEntity] {
        &self.entities
    }

    pub(crate) fn entity_at(&self, i: u32) -> &KbEntity {
        &self.entities[i as usize]
    }

    /// The state an outlet speaks for ("KCNA" → "prk").
    pub fn outlet_country(&self, outlet: &str) -> Option<&str> {
        self.outlets.get(&outlet_key(outlet)).map(String::as_str)
    }

    /// The state a country-like id stands for, when it is one.
    pub fn is_country(&self, id: &str) -> bool {
        self.entity(id).is_some_and(|e| e.kind == EntityKind::Country)
    }

    /// The person holding `title` of `of` (state or organisation id) on `date`,
    /// optionally accredited to `to_state`.
    pub fn role_holder(
        &self,
        title: &str,
        of: &str,
        to_state: Option<&str>,
        date: Date,
    ) -> Option<&KbEntity> {
        let title = canonical_title(title);
        self.entities.iter().find(|e| {
            e.kind == EntityKind::Person
                && e.same_as.is_none()
                && e.roles.iter().any(|r| {
                    canonical_title(&r.title) == title
                        && r.of.as_deref() == Some(of)
                        && (to_state.is_none() || r.to_state.as_deref() == to_state)
                        && r.held_on(date)
                })
        })
    }

    /// When diplomatic relations between two states were established.
    pub fn relations_date(&self, a: &str, b: &str) -> Option<Date> {
        self.relations.iter().find(|(x, y, _)| (x == a && y == b) || (x == b && y == a)).map(|r| r.2)
    }

    /// A base date for an occasion phrase following "anniversary of".
    pub fn anniversary_base(&self, phrase: &str) -> Option<&Anniversary> {
        let p = annalist_model::normalize_text(phrase);
        self.anniversaries.iter().find(|a| p.starts_with(&a.phrase))
    }
}

/// Titles that mean the same office.
pub(crate) fn canonical_title(t: &str) -> String {
    let t = t.trim().to_lowercase();
    match t.as_str() {
        "premier" | "prime minister" => "prime minister".into(),
        "foreign minister" | "minister of foreign affairs" => "foreign minister".into(),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_states_people_and_outlets() {
        let kb = Kb::builtin().unwrap();
        assert!(kb.entities().iter().filter(|e| e.kind == EntityKind::Country).count() >= 249);
        assert_eq!(kb.entity("sun").unwrap().names[0], "Soviet Union");
        assert_eq!(kb.outlet_country("KCNA"), Some("prk"));
        assert_eq!(kb.outlet_country("Ministry of Foreign Affairs (EN)"), Some("prk"));
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(kb.role_holder("president", "rus", None, d("2011-04-15")).unwrap().id, "dmitri-medvedev");
        assert_eq!(kb.role_holder("president", "rus", None, d("2022-08-15")).unwrap().id, "vladimir-putin");
        assert_eq!(kb.role_holder("premier", "rus", None, d("2010-01-01")).unwrap().id, "vladimir-putin");
        assert_eq!(
            kb.role_holder("ambassador", "rus", Some("prk"), d("2024-10-11")).unwrap().id,
            "alexandr-matsegora"
        );
        assert_eq!(kb.relations_date("rus", "prk").unwrap().year(), 1948);
    }

    #[test]
    fn user_files_extend_the_builtin() {
        let dir = std::env::temp_dir().join(format!("annalist-kb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("extra.toml");
        std::fs::write(&p, "[[entity]]\nkind = \"person\"\ncountry = \"gin\"\nnames = [\"Alpha Conde\"]\n")
            .unwrap();
        let kb = Kb::with_extra(&[p]).unwrap();
        assert_eq!(kb.entity("alpha-conde").unwrap().country.as_deref(), Some("gin"));
    }
}
