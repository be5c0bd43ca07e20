//! The five seed pages through `understand` + `merge`: the DPRK–Russia timeline, and
//! snapshots of the seeds' entities, events and merged timeline.

use std::path::Path;

use annalist_model::{Article, Date, EventStatus};
use annalist_understand::{Kb, dyad, merge, understand};

const SEEDS: &str = "../../../shared/seeds";

/// A crude split of a seed page: body between the "Date: … | Source: …" line (or the
/// date line, or the file start) and "More From".
fn seed_article(text: &str) -> Article {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let end = lines.iter().position(|l| l.starts_with("More From")).unwrap_or(lines.len());
    let mut start = 0;
    let mut published = None;
    let mut outlet = Some("Ministry of Foreign Affairs (EN)".to_string());
    if let Some(i) = lines.iter().position(|l| l.starts_with("Date: ")) {
        let d = lines[i][6..].split(' ').next().unwrap_or("");
        let p: Vec<&str> = d.split('/').collect();
        published = format!("{}-{}-{}", p[2], p[1], p[0]).parse::<Date>().ok();
        start = i + 1;
    } else if let Some(i) =
        lines.iter().position(|l| jiff::fmt::strtime::parse("%B %d, %Y", l).is_ok()).filter(|&i| i < 5)
    {
        published = jiff::fmt::strtime::parse("%B %d, %Y", lines[i]).ok().and_then(|t| t.to_date().ok());
        start = i + 1;
        outlet = None;
    }
    Article {
        outlet,
        published,
        paragraphs: lines[start..end]
            .iter()
            .filter(|l| !l.is_empty() && **l != "NK News is hiring")
            .map(|l| l.to_string())
            .collect(),
        ..Default::default()
    }
}

fn seeds() -> Option<Vec<(String, Article)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEEDS);
    let mut v: Vec<(String, Article)> = std::fs::read_dir(&dir)
        .ok()?
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".txt") && n.as_bytes().get(3) == Some(&b'_')
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, seed_article(&std::fs::read_to_string(&p).expect("seed")))
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    Some(v)
}

#[test]
fn seeds_timeline_dprk_russia() {
    let Some(seeds) = seeds() else {
        eprintln!("shared seeds not found; skipping");
        return;
    };
    let kb = Kb::builtin().unwrap();
    let mut all = Vec::new();
    let mut ents = Vec::new();
    let mut evs = Vec::new();
    for (i, (doc, art)) in seeds.iter().enumerate() {
        let u = understand(&kb, art);
        if doc.starts_with("004") {
            assert_eq!(u.published_inferred.as_ref().unwrap().0.to_string(), "2024-10-11");
        }
        for m in u.entities() {
            ents.push(format!("{doc} {} {} {:?} {:?}", m.id, m.kind.as_str(), m.country, m.surface));
        }
        for e in u.events.iter().filter(|e| e.status == EventStatus::Asserted) {
            evs.push(format!(
                "{doc} {} {:?}->{:?} {}..{} @{:?} [{}]",
                e.kind.as_str(),
                e.actor,
                e.target,
                e.date.map(|d| d.to_string()).unwrap_or_default(),
                e.date_end.map(|d| d.to_string()).unwrap_or_default(),
                e.place,
                e.rule
            ));
            all.push((i as i64, doc.clone(), e.clone()));
        }
    }
    let merged = merge(&all);
    let prk_rus: Vec<_> = merged
        .iter()
        .filter(|c| {
            let (a, b) = dyad(&c.event);
            matches!((a, b), (Some("prk"), Some("rus")) | (Some("rus"), Some("prk")))
        })
        .collect();
    let line = |c: &&annalist_understand::CanonicalEvent| {
        let mut docs: Vec<&str> = c.reports.iter().map(|r| &r.doc[..3]).collect();
        docs.dedup();
        format!(
            "{} {} {:?} {}",
            c.event.date.map(|d| d.to_string()).unwrap_or_default(),
            c.event.kind.as_str(),
            c.event.place,
            docs.join(",")
        )
    };
    let timeline: Vec<String> = prk_rus.iter().map(line).collect();
    let has = |s: &str| timeline.iter().filter(|l| l.starts_with(s)).count();
    assert_eq!(has("2001-08-04 agreement"), 1, "{timeline:#?}");
    assert_eq!(has("2001-08-04 visit"), 1, "{timeline:#?}");
    let vlad: Vec<&String> =
        timeline.iter().filter(|l| l.contains("meeting") && l.contains("vladivostok")).collect();
    assert_eq!(vlad.len(), 1, "{timeline:#?}");
    assert!(vlad[0].ends_with("000,002,003"), "{timeline:#?}");
    assert_eq!(has("2023-09 meeting Some(\"vostochny-spaceport\")"), 1, "{timeline:#?}");
    assert_eq!(has("2024-06 meeting Some(\"pyongyang\")"), 1, "{timeline:#?}");
    assert_eq!(has("2024-06-19 agreement"), 1, "{timeline:#?}");
    assert_eq!(has("2022-08-15 message"), 1, "{timeline:#?}");
    assert_eq!(has("2024-12-30 message"), 1, "{timeline:#?}");
    assert_eq!(has("2024-10-11 reception"), 1, "{timeline:#?}");
    // deterministic regardless of input order, stable ids
    let mut rev = all.clone();
    rev.reverse();
    let again = merge(&rev);
    assert_eq!(
        merged.iter().map(|c| &c.id).collect::<Vec<_>>(),
        again.iter().map(|c| &c.id).collect::<Vec<_>>()
    );
    insta::assert_json_snapshot!("seed_entities", ents);
    insta::assert_json_snapshot!("seed_events", evs);
    insta::assert_json_snapshot!("seed_timeline_prk_rus", timeline);
}
