//! Merged events as GDELT 2.0 event rows (the 61 columns of GDELT's event files, in
//! GDELT's order, tab-separated), followed by annalist's own columns.
//!
//! What the data does not give stays empty rather than guessed: tone, ethnic and
//! religion codes, actor geography, coordinates and GDELT's FIPS country codes of
//! places (annalist knows ISO 3166 alpha-3, written in `ActionGeo_CountryISO3`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use annalist_model::{Date, EntityKind};
use annalist_understand::{CanonicalEvent, Kb, cameo_root, quad_class};

use crate::{ArticleFacts, Result};

/// GDELT 2.0's event columns, as its codebook names them, then annalist's.
pub const GDELT_COLUMNS: [&str; 66] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
    // annalist's columns, after GDELT's so that positional readers still work
    "DatePrecision",
    "DateEnd",
    "EventType",
    "ActionGeo_CountryISO3",
    "AnnalistEventID",
];

/// Number of GDELT's own columns at the start of each row.
pub const GDELT_OWN_COLUMNS: usize = 61;

/// One side of an event in CAMEO terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actor {
    /// Country code and role type, e.g. `PRKGOV`; `PRK` for the state itself.
    pub code: String,
    /// How people write it: the knowledge base's first name, else the text's.
    pub name: String,
    pub country: String,
    /// GOV, PTY, MIL, MED, EDU, IGO, NGO (empty when the knowledge base does not say).
    pub type1: String,
}

/// One merged event in GDELT's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct GdeltRow {
    pub global_event_id: i64,
    /// `YYYYMMDD`, always eight digits; see [`GdeltRow::precision`].
    pub sqldate: u32,
    pub month_year: u32,
    pub year: i16,
    pub fraction_date: f64,
    pub actor1: Actor,
    pub actor2: Actor,
    /// Stated in the headline or the first paragraph of an article reporting it.
    pub is_root: bool,
    pub event_code: String,
    pub event_base_code: String,
    pub event_root_code: String,
    pub quad_class: u8,
    pub goldstein: f32,
    /// Reports of the event (one per article statement).
    pub num_mentions: u32,
    /// Distinct outlets among the reporting articles.
    pub num_sources: u32,
    pub num_articles: u32,
    /// ActionGeo: (type, full name, ISO alpha-3) of the place, when one is named.
    pub action_geo: Option<(u8, String, String)>,
    /// `YYYYMMDDHHMMSS` (UTC) of when the first reporting source was filed.
    pub date_added: Option<u64>,
    pub source_url: String,
    /// How SQLDATE was found: `day`, `month` and `year` (the event's own date at that
    /// precision, the first day of the period written), `published` (the event has no
    /// date: its first report's publication day, as GDELT dates events).
    pub precision: &'static str,
    pub date_end: Option<String>,
    pub event_type: &'static str,
    pub annalist_id: String,
}

/// CAMEO role type of an entity from what the knowledge base says of it: a person
/// by the offices held on `on` (a state office is GOV, a party office PTY), an
/// organisation by what it is. States have none (their code is the country alone).
pub fn actor_type(kb: &Kb, id: &str, on: Option<Date>) -> Option<&'static str> {
    let e = kb.entity(id)?;
    match e.kind {
        EntityKind::Country | EntityKind::Place => None,
        EntityKind::Organization => org_type(kb, id),
        EntityKind::Person => {
            let held = e.roles.iter().filter(|r| on.is_none_or(|d| r.held_on(d)));
            let mut best: Option<&'static str> = None;
            for r in held {
                let t = match r.of.as_deref() {
                    Some(of) if kb.is_country(of) => Some("GOV"),
                    Some(of) => org_type(kb, of),
                    None if r.to_state.is_some() => Some("GOV"),
                    None => None,
                };
                if t == Some("GOV") {
                    return t;
                }
                best = best.or(t);
            }
            best
        }
    }
}

fn org_type(kb: &Kb, id: &str) -> Option<&'static str> {
    let e = kb.entity(id)?;
    if e.names.iter().any(|n| kb.outlet_country(n).is_some()) || id.contains("news-agency") {
        return Some("MED");
    }
    const RULES: &[(&[&str], &str)] = &[
        (&["party"], "PTY"),
        (&["army", "military"], "MIL"),
        (&["university"], "EDU"),
        (&["red-cross"], "NGO"),
        (
            &[
                "united-nations",
                "un-",
                "unesco",
                "unicef",
                "world-health",
                "world-food",
                "food-and-agriculture",
                "undp",
                "iaea",
                "european-union",
                "nato",
                "asean",
                "african-union",
                "non-aligned",
            ],
            "IGO",
        ),
        (&["cabinet", "ministry", "commission", "assembly", "council", "presidium", "committee"], "GOV"),
    ];
    RULES.iter().find(|(keys, _)| keys.iter().any(|k| id.starts_with(k) || id.contains(k))).map(|r| r.1)
}

fn name_of(kb: &Kb, surfaces: &BTreeMap<String, String>, id: &str) -> String {
    kb.entity(id)
        .and_then(|e| e.names.first().cloned())
        .or_else(|| surfaces.get(id).cloned())
        .unwrap_or_else(|| id.to_string())
}

fn actor(
    kb: &Kb,
    surfaces: &BTreeMap<String, String>,
    id: Option<&str>,
    country: Option<&str>,
    on: Option<Date>,
) -> Actor {
    let country = country.map(str::to_ascii_uppercase).unwrap_or_default();
    let Some(id) = id else {
        return Actor { code: country.clone(), name: String::new(), country, type1: String::new() };
    };
    let type1 = actor_type(kb, id, on).unwrap_or("").to_string();
    Actor { code: format!("{country}{type1}"), name: name_of(kb, surfaces, id), country, type1 }
}

/// ActionGeo (type, full name, ISO alpha-3) of an event's place, when the knowledge
/// base knows it as a state or a place: a place only the text names (recognised
/// from its words, e.g. "Mexico City on Dec") is no location a GDELT user could
/// map, so it is left out rather than written as a city.
fn action_geo(kb: &Kb, surfaces: &BTreeMap<String, String>, place: &str) -> Option<(u8, String, String)> {
    let e = kb.entity(place).filter(|e| matches!(e.kind, EntityKind::Country | EntityKind::Place))?;
    let country = e.country.clone().unwrap_or_default();
    if e.kind == EntityKind::Country {
        return Some((1, name_of(kb, surfaces, place), country.to_ascii_uppercase()));
    }
    let mut full = name_of(kb, surfaces, place);
    if !country.is_empty() {
        full = format!("{full}, {}", name_of(kb, surfaces, &country));
    }
    Some((4, full, country.to_ascii_uppercase()))
}

/// The GDELT rows of merged events. `articles` gives each reporting article's URL,
/// outlet, publication day, lead and filing time; `surfaces` names entities the
/// knowledge base does not know. Events with neither a date nor a dated report
/// cannot have a SQLDATE and are left out: their number is returned beside the rows.
pub fn gdelt_rows(
    events: &[&CanonicalEvent],
    kb: &Kb,
    articles: &BTreeMap<i64, ArticleFacts>,
    surfaces: &BTreeMap<String, String>,
) -> (Vec<GdeltRow>, usize) {
    let mut rows = Vec::with_capacity(events.len());
    let mut undated = 0;
    for e in events {
        let ev = &e.event;
        let facts: Vec<&ArticleFacts> = e.reports.iter().filter_map(|r| articles.get(&r.article)).collect();
        let (day, precision) = match ev.date.and_then(|d| d.first_day().map(|f| (f, d.precision()))) {
            Some((f, 2)) => (Some(f), "day"),
            Some((f, 1)) => (Some(f), "month"),
            Some((f, _)) => (Some(f), "year"),
            None => {
                let p = facts.iter().filter_map(|f| f.published.as_deref()?.parse::<Date>().ok()).min();
                (p, "published")
            }
        };
        let Some(day) = day else {
            undated += 1;
            continue;
        };
        let on = ev.date.and_then(|d| d.first_day());
        let articles_n: BTreeSet<i64> = e.reports.iter().map(|r| r.article).collect();
        let outlets: BTreeSet<Option<&str>> = facts.iter().map(|f| f.outlet.as_deref()).collect();
        let is_root = e.reports.iter().any(|r| {
            !r.evidence.is_empty() && articles.get(&r.article).is_some_and(|f| f.lead.contains(&r.evidence))
        });
        let date_added = facts
            .iter()
            .filter_map(|f| f.added.as_deref()?.parse::<jiff::Timestamp>().ok())
            .min()
            .and_then(|t| t.strftime("%Y%m%d%H%M%S").to_string().parse::<u64>().ok());
        let source_url = facts
            .iter()
            .find_map(|f| f.url.clone())
            .or_else(|| e.reports.first().map(|r| r.doc.clone()))
            .unwrap_or_default();
        let action_geo = ev.place.as_deref().and_then(|p| action_geo(kb, surfaces, p));
        let y = day.year();
        let days_in_year = if day.in_leap_year() { 366.0 } else { 365.0 };
        rows.push(GdeltRow {
            global_event_id: global_id(&e.id),
            sqldate: y as u32 * 10_000 + day.month() as u32 * 100 + day.day() as u32,
            month_year: y as u32 * 100 + day.month() as u32,
            year: y,
            fraction_date: f64::from(y) + f64::from(day.day_of_year()) / days_in_year,
            actor1: actor(kb, surfaces, ev.actor.as_deref(), ev.actor_country.as_deref(), on),
            actor2: actor(kb, surfaces, ev.target.as_deref(), ev.target_country.as_deref(), on),
            is_root,
            event_code: ev.cameo.clone(),
            event_base_code: ev.cameo.get(..3).unwrap_or(&ev.cameo).to_string(),
            event_root_code: cameo_root(&ev.cameo).to_string(),
            quad_class: quad_class(&ev.cameo),
            goldstein: ev.goldstein,
            num_mentions: e.reports.len() as u32,
            num_sources: outlets.len() as u32,
            num_articles: articles_n.len() as u32,
            action_geo,
            date_added,
            source_url,
            precision,
            date_end: ev.date_end.map(|d| d.to_string()),
            event_type: ev.kind.as_str(),
            annalist_id: e.id.clone(),
        });
    }
    (rows, undated)
}

/// GDELT's GLOBALEVENTID is an integer: the 48 bits of the event id's hash.
fn global_id(id: &str) -> i64 {
    id.strip_prefix("ev-").and_then(|h| i64::from_str_radix(h, 16).ok()).unwrap_or(0)
}

/// Writes rows tab-separated (GDELT's format), with the column names first when
/// `header` is set (GDELT's own files have none).
pub fn write_gdelt<W: Write>(w: W, rows: &[GdeltRow], header: bool) -> Result<()> {
    let mut c =
        csv::WriterBuilder::new().delimiter(b'\t').quote_style(csv::QuoteStyle::Necessary).from_writer(w);
    if header {
        c.write_record(GDELT_COLUMNS)?;
    }
    for r in rows {
        c.write_record(record(r))?;
    }
    c.flush().map_err(|e| crate::ExportError::Io { path: "output".into(), source: e })?;
    Ok(())
}

fn record(r: &GdeltRow) -> Vec<String> {
    let mut f: Vec<String> = Vec::with_capacity(GDELT_COLUMNS.len());
    f.push(r.global_event_id.to_string());
    f.push(r.sqldate.to_string());
    f.push(r.month_year.to_string());
    f.push(r.year.to_string());
    f.push(format!("{:.4}", r.fraction_date));
    for a in [&r.actor1, &r.actor2] {
        f.extend([a.code.clone(), a.name.clone(), a.country.clone()]);
        f.extend(std::iter::repeat_n(String::new(), 4)); // known group, ethnic, religion 1 and 2
        f.extend([a.type1.clone(), String::new(), String::new()]);
    }
    f.push(u8::from(r.is_root).to_string());
    f.extend([r.event_code.clone(), r.event_base_code.clone(), r.event_root_code.clone()]);
    f.push(r.quad_class.to_string());
    f.push(format!("{:.1}", r.goldstein));
    f.extend([r.num_mentions.to_string(), r.num_sources.to_string(), r.num_articles.to_string()]);
    f.push(String::new()); // AvgTone: annalist does not measure tone
    f.extend(std::iter::repeat_n(String::new(), 16)); // Actor1Geo_*, Actor2Geo_*
    match &r.action_geo {
        Some((ty, name, _)) => {
            f.extend([ty.to_string(), name.clone()]);
            f.extend(std::iter::repeat_n(String::new(), 5)); // FIPS country, ADM1, ADM2, lat, long
        }
        None => f.extend(std::iter::repeat_n(String::new(), 7)),
    }
    f.push(String::new()); // ActionGeo_FeatureID (GNS/GNIS ids are not in the knowledge base)
    f.push(r.date_added.map(|d| d.to_string()).unwrap_or_default());
    f.push(r.source_url.clone());
    debug_assert_eq!(f.len(), GDELT_OWN_COLUMNS);
    f.push(r.precision.to_string());
    f.push(r.date_end.clone().unwrap_or_default());
    f.push(r.event_type.to_string());
    f.push(r.action_geo.as_ref().map(|g| g.2.clone()).unwrap_or_default());
    f.push(r.annalist_id.clone());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Kb {
        Kb::builtin().expect("builtin kb")
    }

    #[test]
    fn role_types_come_from_the_knowledge_base() {
        let kb = kb();
        let d = |s: &str| s.parse::<Date>().ok();
        assert_eq!(actor_type(&kb, "kim-jong-il", d("2011-08-24")), Some("GOV"));
        assert_eq!(actor_type(&kb, "workers-party-of-korea", None), Some("PTY"));
        assert_eq!(actor_type(&kb, "korean-peoples-army", None), Some("MIL"));
        assert_eq!(actor_type(&kb, "rodong-sinmun", None), Some("MED"));
        assert_eq!(actor_type(&kb, "korean-central-news-agency", None), Some("MED"));
        assert_eq!(actor_type(&kb, "united-nations", None), Some("IGO"));
        assert_eq!(actor_type(&kb, "prk", None), None);
    }

    #[test]
    fn action_geo_only_for_places_the_knowledge_base_knows() {
        let kb = kb();
        let none = BTreeMap::new();
        assert_eq!(
            action_geo(&kb, &none, "pyongyang"),
            Some((4, "Pyongyang, North Korea".to_string(), "PRK".to_string()))
        );
        assert_eq!(action_geo(&kb, &none, "rus").map(|g| (g.0, g.2)), Some((1, "RUS".to_string())));
        let mut surfaces = BTreeMap::new();
        surfaces.insert("mexico-city-on-dec".to_string(), "Mexico City on Dec".to_string());
        assert_eq!(action_geo(&kb, &surfaces, "mexico-city-on-dec"), None);
        // an organisation the knowledge base knows is no place
        assert_eq!(action_geo(&kb, &none, "workers-party-of-korea"), None);
    }

    #[test]
    fn a_month_dated_event_has_eight_digits_and_says_so() {
        let event: annalist_model::Event = serde_json::from_value(serde_json::json!({
            "type": "visit", "actor": "kim-jong-il", "actor_country": "prk",
            "target": "rus", "target_country": "rus",
            "date": "2011-08", "date_end": null, "place": "pyongyang", "occasion": null,
            "evidence": "visited Russia", "evidence_start": 0, "evidence_end": 14, "rule": "test",
            "cameo": "042", "goldstein": 1.9, "inferred": false
        }))
        .unwrap();
        let ce = CanonicalEvent {
            id: "ev-00000000002a".into(),
            event,
            reports: vec![annalist_understand::Report {
                article: 1,
                doc: "c.jsonl#1".into(),
                evidence: "visited Russia".into(),
                date: None,
            }],
        };
        let mut arts = BTreeMap::new();
        arts.insert(
            1,
            ArticleFacts {
                url: None,
                outlet: Some("KCNA".into()),
                published: Some("2011-09-01".into()),
                lead: "Title\nKim Jong Il visited Russia.".into(),
                added: Some("2026-12-02T15:00:00Z".into()),
            },
        );
        let (rows, undated) = gdelt_rows(&[&ce], &kb(), &arts, &BTreeMap::new());
        assert_eq!(undated, 0);
        let r = &rows[0];
        assert_eq!(
            (r.sqldate, r.precision, r.month_year, r.global_event_id),
            (20110801, "month", 201108, 42)
        );
        assert_eq!(r.actor1.code, "PRKGOV");
        assert_eq!(r.actor1.name, "Kim Jong Il");
        assert!(r.is_root);
        assert_eq!(r.date_added, Some(20261202150000));
        assert_eq!(r.source_url, "c.jsonl#1");
        assert_eq!(record(r).len(), GDELT_COLUMNS.len());
        assert_eq!(r.action_geo.as_ref().map(|g| g.0), Some(4));
    }
}
