//! The whole 2011 KCNA corpus through `understand` + `merge`: merged events never join
//! reports whose dates or sides disagree, and no entity id absorbs a weekday, a month
//! or a title. Skipped (with a note) when ../shared is not beside the checkout.
//!
//! `cargo test -p annalist-understand --test corpus -- --nocapture` prints the
//! distribution of reports per merged event and the largest merged events.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::OnceLock;

use annalist_model::{Article, Date, Event, EventStatus, PartialDate, Understanding};
use annalist_understand::{CanonicalEvent, Kb, merge, understand};

const CORPUS: &str = "../../../shared/corpora/kcna_2011.jsonl.gz";

struct Run {
    /// (article index, understanding)
    docs: Vec<(i64, Understanding)>,
    merged: Vec<CanonicalEvent>,
}

fn record_article(v: &serde_json::Value) -> Article {
    Article {
        title: v["title"].as_str().map(String::from),
        outlet: Some("KCNA".into()),
        published: v["date"].as_str().and_then(|d| d.parse::<Date>().ok()),
        paragraphs: v["paragraphs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str())
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        ..Default::default()
    }
}

fn run() -> Option<&'static Run> {
    static RUN: OnceLock<Option<Run>> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
        let f = std::fs::File::open(&path).ok()?;
        let kb = Kb::builtin().expect("kb");
        let mut docs = Vec::new();
        let mut input: Vec<(i64, String, Event)> = Vec::new();
        for (i, line) in BufReader::new(flate2::read::GzDecoder::new(f)).lines().enumerate() {
            let line = line.expect("line");
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            let u = understand(&kb, &record_article(&v));
            let doc = format!("kcna_2011.jsonl.gz#{}", i + 1);
            for e in u.events.iter().filter(|e| e.status == EventStatus::Asserted) {
                input.push((i as i64, doc.clone(), e.clone()));
            }
            docs.push((i as i64, u));
        }
        let merged = merge(&input);
        Some(Run { docs, merged })
    })
    .as_ref()
}

/// The days a merged event covers, widened by two days each side.
fn window(e: &Event) -> Option<(Date, Date)> {
    let d = e.date?;
    let first = d.first_day()?;
    let last = e.date_end.unwrap_or(d).last_day()?;
    Some((
        first.checked_sub(jiff::Span::new().days(2)).ok()?,
        last.checked_add(jiff::Span::new().days(2)).ok()?,
    ))
}

/// A report's date fits the event when the period it names overlaps the window (a
/// month-precision report of a dated event fits; a report of another month does not).
fn fits(d: Option<PartialDate>, w: Option<(Date, Date)>) -> bool {
    match (d, w) {
        (Some(d), Some((a, b))) => match (d.first_day(), d.last_day()) {
            (Some(f), Some(l)) => f <= b && l >= a,
            _ => false,
        },
        (None, None) => true,
        _ => false,
    }
}

fn summary(c: &CanonicalEvent) -> String {
    let e = &c.event;
    let dates: Vec<String> = c.reports.iter().filter_map(|r| r.date.map(|d| d.to_string())).collect();
    let (lo, hi) =
        (dates.iter().min().cloned().unwrap_or_default(), dates.iter().max().cloned().unwrap_or_default());
    format!(
        "{:>3} reports  {} {} {:?} -> {:?} {}..{} @{:?}  (report dates {lo}..{hi})",
        c.reports.len(),
        e.date.map(|d| d.to_string()).unwrap_or_default(),
        e.kind.as_str(),
        e.actor,
        e.target,
        e.date.map(|d| d.to_string()).unwrap_or_default(),
        e.date_end.map(|d| d.to_string()).unwrap_or_default(),
        e.place,
    )
}

#[test]
fn merged_events_join_only_reports_of_one_real_event() {
    let Some(run) = run() else {
        eprintln!("{CORPUS} not found; skipping");
        return;
    };
    // each report's own event, to compare sides
    let mut by_report: HashMap<(i64, &str), Vec<&Event>> = HashMap::new();
    for (i, u) in &run.docs {
        for e in u.events.iter().filter(|e| e.status == EventStatus::Asserted) {
            by_report.entry((*i, e.evidence.as_str())).or_default().push(e);
        }
    }
    let merged: Vec<&CanonicalEvent> = run.merged.iter().filter(|c| c.reports.len() > 1).collect();
    let merged_reports: usize = merged.iter().map(|c| c.reports.len()).sum();
    let mut bad_date = 0usize;
    let mut bad_side = 0usize;
    let mut offenders: Vec<(usize, &CanonicalEvent)> = Vec::new();
    for c in &merged {
        let w = window(&c.event);
        let mut n = 0;
        for r in &c.reports {
            let date_ok = fits(r.date, w);
            // the report's sides: each must be the event's entity, or only its state
            let side_ok = by_report
                .get(&(r.article, r.evidence.as_str()))
                .is_some_and(|evs| evs.iter().any(|e| e.kind == c.event.kind && sides_agree(e, &c.event)));
            if !date_ok {
                bad_date += 1;
            }
            if !side_ok {
                bad_side += 1;
            }
            if !date_ok || !side_ok {
                n += 1;
            }
        }
        if n > 0 {
            offenders.push((n, c));
        }
    }
    let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
    for c in &run.merged {
        *hist.entry(c.reports.len().min(10)).or_default() += 1;
    }
    eprintln!(
        "{} canonical events, {} merged ({} reports); reports per event (10 = 10+): {hist:?}",
        run.merged.len(),
        merged.len(),
        merged_reports
    );
    let mut largest = merged.clone();
    largest.sort_by_key(|c| std::cmp::Reverse(c.reports.len()));
    eprintln!("largest merged events:");
    for c in largest.iter().take(12) {
        eprintln!("  {}", summary(c));
    }
    offenders.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    eprintln!(
        "reports outside their event's span + 2 days: {bad_date}; reports whose sides differ: {bad_side}; events with either: {}",
        offenders.len()
    );
    for (n, c) in offenders.iter().take(12) {
        eprintln!("  {n} bad in {}", summary(c));
    }
    // MERGE_SHOW=ID prints every canonical event one of whose sides is that entity
    if let Ok(who) = std::env::var("MERGE_SHOW") {
        for c in run.merged.iter().filter(|c| {
            c.event.actor.as_deref() == Some(who.as_str()) || c.event.target.as_deref() == Some(who.as_str())
        }) {
            eprintln!("  {}", summary(c));
            for r in &c.reports {
                eprintln!(
                    "      {} {:?} {}",
                    r.doc,
                    r.date,
                    r.evidence.chars().take(100).collect::<String>()
                );
            }
        }
    }
    let bad = bad_date + bad_side;
    assert!(
        bad * 100 <= merged_reports,
        "{bad} of {merged_reports} merged reports disagree with their event (more than 1 %)"
    );
}

/// Each side of a report is the event's entity on that side, or one of the two is only
/// the other's state; symmetric types may be read from either side.
fn sides_agree(r: &Event, e: &Event) -> bool {
    let same = |a: &Option<String>, ac: &Option<String>, b: &Option<String>, bc: &Option<String>| {
        a == b || a.is_none() || b.is_none() || (a == ac && ac == bc) || (b == bc && ac == bc)
    };
    let straight = same(&r.actor, &r.actor_country, &e.actor, &e.actor_country)
        && same(&r.target, &r.target_country, &e.target, &e.target_country);
    let crossed = same(&r.actor, &r.actor_country, &e.target, &e.target_country)
        && same(&r.target, &r.target_country, &e.actor, &e.actor_country);
    straight || (crossed && (e.kind.symmetric() || e.kind == annalist_model::EventType::Reception))
}

const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// Words that open a title or rank before a name ("Vice-Marshal of the KPA Kim Yong
/// Chun"), never an entity's own name.
const TITLES: &[&str] = &[
    "comrade",
    "marshal",
    "vice-marshal",
    "general-secretary",
    "president",
    "vice-president",
    "premier",
    "vice-premier",
    "prime-minister",
    "ambassador",
    "chairman",
    "vice-chairman",
    "chairwoman",
    "minister",
    "vice-minister",
    "foreign-minister",
    "secretary",
    "mr",
    "mrs",
    "ms",
    "dr",
    "his-excellency",
    "her-excellency",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "colonel",
    "lieutenant",
    "major-general",
    "lieutenant-general",
    "colonel-general",
    "general-",
    "admiral",
    "vice-admiral",
    "commander",
    "director",
    "director-general",
    "chief",
    "professor",
];

fn dirty(id: &str) -> Option<&'static str> {
    let words: Vec<&str> = id.split('-').collect();
    if words.iter().any(|w| WEEKDAYS.contains(w)) {
        return Some("weekday");
    }
    // a month followed by a day number names something ("june-15-joint-declaration",
    // "february-8-vinalon-complex"); a month alone is a date the id absorbed
    let dated_name =
        |i: usize| words.get(i + 1).is_some_and(|n| n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()));
    if words.iter().enumerate().any(|(i, w)| MONTHS.contains(w) && !dated_name(i)) {
        return Some("month");
    }
    for t in TITLES {
        let t = t.trim_end_matches('-');
        if id == t || id.starts_with(&format!("{t}-")) {
            // "general-federation-of-…" is an organisation's name, "general-kim-…" a rank
            if t == "general" && !id.starts_with("general-secretary-") {
                continue;
            }
            return Some("title");
        }
    }
    None
}

#[test]
fn entity_ids_carry_no_weekday_month_or_title() {
    let Some(run) = run() else {
        eprintln!("{CORPUS} not found; skipping");
        return;
    };
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, u) in &run.docs {
        for m in &u.mentions {
            *ids.entry(m.id.as_str()).or_default() += 1;
        }
        for e in &u.events {
            for id in [&e.actor, &e.target, &e.place].into_iter().flatten() {
                *ids.entry(id.as_str()).or_default() += 1;
            }
        }
    }
    let bad: Vec<(&str, &str, usize)> =
        ids.iter().filter_map(|(id, n)| dirty(id).map(|why| (*id, why, *n))).collect();
    eprintln!("{} distinct entity ids, {} with a weekday, month or title", ids.len(), bad.len());
    for (id, why, n) in bad.iter().take(if std::env::var("ALL_IDS").is_ok() { usize::MAX } else { 60 }) {
        eprintln!("  {why:8} {n:>4}  {id}");
    }
    assert!(bad.is_empty(), "{} entity ids with a weekday, month or leading title", bad.len());
}

#[test]
fn title_words_are_recognised() {
    assert_eq!(dirty("chinese-peoples-liberation-army-wednesday"), Some("weekday"));
    assert_eq!(dirty("pyongyang-hosiery-factory-on-monday"), Some("weekday"));
    assert_eq!(dirty("chinese-peoples-daily-on-july"), Some("month"));
    assert_eq!(dirty("vice-marshal-of-the-korean-peoples-army-kim-yong-chun"), Some("title"));
    assert_eq!(dirty("general-federation-of-trade-unions-of-korea"), None);
    assert_eq!(dirty("kim-jong-il"), None);
    assert_eq!(dirty("north-side-committee-for-implementing-the-june-15-joint-declaration"), None);
    assert_eq!(dirty("un-general-assembly-on-october"), Some("month"));
}
