//! `annalist events`, `timeline` and `entity`: the record of what states did to each
//! other, merged so that one real event is one row however many articles report it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annalist_model::{EventType, PartialDate};
use annalist_understand::{CanonicalEvent, EventFilter, Kb, merge};
use anyhow::{Context, bail};
use serde_json::json;

use crate::report::open_store;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventsFormat {
    /// One merged event per line, with every report and its evidence.
    Jsonl,
    /// One merged event per row.
    Csv,
    /// GDELT 2.0 event columns, tab-separated (GDELT's 61, then annalist's
    /// DatePrecision, DateEnd, EventType, ActionGeo_CountryISO3, AnnalistEventID).
    #[value(alias = "cameo")]
    Gdelt,
}

#[derive(clap::Args, Debug)]
pub struct EventsArgs {
    /// Only events between two states, e.g. `prk-rus` (either direction).
    #[arg(long)]
    dyad: Option<String>,
    /// Only this event type (message, visit, meeting, agreement, ratification,
    /// reception, relations_established, praise, criticism).
    #[arg(long = "type")]
    kind: Option<String>,
    /// Only events on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Only events on or before this date.
    #[arg(long)]
    until: Option<String>,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: EventsFormat,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// With --format gdelt: a first line naming the columns (GDELT's files have none).
    #[arg(long)]
    header: bool,
    #[arg(skip)]
    pub kb: Vec<PathBuf>,
}

fn parse_date(s: &Option<String>, what: &str) -> anyhow::Result<Option<PartialDate>> {
    s.as_deref().map(|s| s.parse::<PartialDate>().with_context(|| format!("--{what} {s}"))).transpose()
}

/// Every asserted event in the archive, merged.
pub fn merged_events(data: &Path) -> anyhow::Result<Vec<CanonicalEvent>> {
    let store = open_store(data)?;
    let rows = store.events(false)?;
    let input: Vec<(i64, String, annalist_model::Event)> =
        rows.into_iter().map(|r| (r.article_id, r.doc, r.event)).collect();
    Ok(merge(&input))
}

pub fn events(data: &Path, args: EventsArgs) -> anyhow::Result<ExitCode> {
    let filter = EventFilter {
        dyad: args.dyad.as_deref().map(parse_dyad).transpose()?,
        kind: args
            .kind
            .as_deref()
            .map(|k| EventType::parse(k).with_context(|| format!("--type {k}: not an event type")))
            .transpose()?,
        since: parse_date(&args.since, "since")?,
        until: parse_date(&args.until, "until")?,
        entity: None,
    };
    let events: Vec<CanonicalEvent> = merged_events(data)?.into_iter().filter(|e| filter.keep(e)).collect();
    let mut w: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        EventsFormat::Jsonl => {
            for e in &events {
                serde_json::to_writer(&mut w, &event_json(e))?;
                w.write_all(b"\n")?;
            }
        }
        EventsFormat::Csv => {
            let mut c = csv::Writer::from_writer(&mut w);
            c.write_record([
                "id",
                "date",
                "date_end",
                "type",
                "actor",
                "actor_country",
                "target",
                "target_country",
                "place",
                "occasion",
                "cameo",
                "goldstein",
                "reports",
                "sources",
                "evidence",
            ])?;
            for e in &events {
                let ev = &e.event;
                c.write_record([
                    e.id.clone(),
                    opt(ev.date),
                    opt(ev.date_end),
                    ev.kind.as_str().to_string(),
                    ev.actor.clone().unwrap_or_default(),
                    ev.actor_country.clone().unwrap_or_default(),
                    ev.target.clone().unwrap_or_default(),
                    ev.target_country.clone().unwrap_or_default(),
                    ev.place.clone().unwrap_or_default(),
                    ev.occasion.clone().unwrap_or_default(),
                    ev.cameo.clone(),
                    format!("{:.1}", ev.goldstein),
                    e.reports.len().to_string(),
                    sources(e),
                    ev.evidence.clone(),
                ])?;
            }
            c.flush()?;
        }
        EventsFormat::Gdelt => {
            let kb = load_kb(&args.kb)?;
            let store = open_store(data)?;
            let facts = annalist_export::facts(&store)?;
            let (rows, undated) =
                annalist_export::gdelt_rows(&events, &kb, &facts.by_article, &facts.surfaces);
            annalist_export::write_gdelt(&mut w, &rows, args.header)?;
            if undated > 0 {
                eprintln!(
                    "annalist: {undated} merged event(s) left out: neither the event nor any article reporting it has a date"
                );
            }
        }
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn opt(d: Option<PartialDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn sources(e: &CanonicalEvent) -> String {
    let mut docs: Vec<&str> = e.reports.iter().map(|r| r.doc.as_str()).collect();
    docs.dedup();
    docs.join(" ")
}

pub fn event_json(e: &CanonicalEvent) -> serde_json::Value {
    let mut v = serde_json::to_value(&e.event).unwrap_or_default();
    v["id"] = json!(e.id);
    v["reports"] = json!(e
        .reports
        .iter()
        .map(|r| json!({"article": r.article, "doc": r.doc, "evidence": r.evidence, "date": r.date.map(|d| d.to_string())}))
        .collect::<Vec<_>>());
    v
}

fn parse_dyad(s: &str) -> anyhow::Result<(String, String)> {
    match s.split_once(['-', ',', '/']) {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => {
            Ok((a.to_ascii_lowercase(), b.to_ascii_lowercase()))
        }
        _ => bail!("--dyad {s}: expected two state codes like prk-rus"),
    }
}

pub fn timeline(data: &Path, kb: &Kb, a: &str, b: &str) -> anyhow::Result<ExitCode> {
    let (a, b) = (resolve_state(kb, a)?, resolve_state(kb, b)?);
    let filter = EventFilter { dyad: Some((a.clone(), b.clone())), ..Default::default() };
    let events: Vec<CanonicalEvent> = merged_events(data)?.into_iter().filter(|e| filter.keep(e)).collect();
    print_timeline(kb, &a, &b, &events);
    Ok(ExitCode::SUCCESS)
}

/// Print a merged timeline, oldest first.
pub fn print_timeline(kb: &Kb, a: &str, b: &str, events: &[CanonicalEvent]) {
    let name = |id: &str| display_name(kb, id);
    println!("{} – {} timeline: {} events", name(a), name(b), events.len());
    let mut sorted: Vec<&CanonicalEvent> = events.iter().collect();
    sorted.sort_by(|x, y| (x.event.date, &x.id).cmp(&(y.event.date, &y.id)));
    for e in sorted {
        let ev = &e.event;
        let date = match (ev.date, ev.date_end) {
            (Some(d), Some(end)) => format!("{d}..{end}"),
            (Some(d), None) => d.to_string(),
            _ => "?".into(),
        };
        let actor = ev.actor.as_deref().map(name).unwrap_or_else(|| "?".into());
        let who = match &ev.target {
            Some(t) => format!("{actor} → {}", name(t)),
            None => actor,
        };
        let place = ev.place.as_deref().map(|p| format!(" @ {}", name(p))).unwrap_or_default();
        let occasion = ev.occasion.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
        let inferred = if ev.inferred { " [date inferred]" } else { "" };
        println!("{date:<22} {:<21} {who}{place}{occasion}{inferred}", ev.kind.as_str());
        println!("{:<22} sources: {}", "", sources(e));
    }
}

fn resolve_state(kb: &Kb, s: &str) -> anyhow::Result<String> {
    let id = s.to_ascii_lowercase();
    if kb.entity(&id).is_some() {
        return Ok(id);
    }
    bail!("{s}: not a state id the knowledge base knows (use ISO 3166 alpha-3, e.g. prk, rus)")
}

pub fn load_kb(extra: &[PathBuf]) -> anyhow::Result<Kb> {
    if extra.is_empty() {
        Kb::builtin().context("loading the built-in knowledge base")
    } else {
        Kb::with_extra(extra).context("loading the knowledge base")
    }
}

/// The closing part of `annalist ingest`: what was understood, as the timeline of
/// the pair of states with the most events among the articles this run touched
/// (or, when it touched none, in the whole archive).
pub fn print_understood(store: &annalist_store::Store, kb: &Kb, touched: &[i64]) -> anyhow::Result<()> {
    let rows = store.events(false)?;
    let touched: std::collections::HashSet<i64> = touched.iter().copied().collect();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut entities: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        if !touched.is_empty() && !touched.contains(&r.article_id) {
            continue;
        }
        if let (Some(a), Some(b)) = annalist_understand::dyad(&r.event)
            && a != b
        {
            let key = if a < b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
            *counts.entry(key).or_default() += 1;
        }
        for who in [&r.event.actor, &r.event.target].into_iter().flatten() {
            *entities.entry(who.clone()).or_default() += 1;
        }
    }
    let Some(((a, b), _)) = counts.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone()))) else {
        println!("No events between states were found.");
        return Ok(());
    };
    let input: Vec<(i64, String, annalist_model::Event)> =
        rows.into_iter().map(|r| (r.article_id, r.doc, r.event)).collect();
    let filter = EventFilter { dyad: Some((a.clone(), b.clone())), ..Default::default() };
    let merged: Vec<CanonicalEvent> = merge(&input).into_iter().filter(|e| filter.keep(e)).collect();
    println!();
    const SHOWN: usize = 30;
    if merged.len() > SHOWN {
        let mut recent = merged.clone();
        recent.sort_by(|x, y| (y.event.date, &y.id).cmp(&(x.event.date, &x.id)));
        recent.truncate(SHOWN);
        print_timeline(kb, a, b, &recent);
        println!("… {} more: annalist timeline {a} {b}", merged.len() - SHOWN);
    } else {
        print_timeline(kb, a, b, &merged);
    }
    let mut top: Vec<(&String, &usize)> = entities.iter().collect();
    top.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let names: Vec<String> = top.iter().take(8).map(|(id, n)| format!("{id} ({n})")).collect();
    if !names.is_empty() {
        println!("\nMost active: {}", names.join(", "));
    }
    Ok(())
}

/// The first name the knowledge base gives an entity, else its id.
pub fn display_name(kb: &Kb, id: &str) -> String {
    kb.entity(id).and_then(|e| e.names.first().cloned()).unwrap_or_else(|| id.to_string())
}

pub fn entity(data: &Path, kb: &Kb, id: &str) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let surfaces = store.entity_surfaces(id)?;
    let known = kb.entity(id);
    if known.is_none() && surfaces.is_empty() {
        eprintln!("annalist: no entity {id} in the knowledge base or the archive");
        return Ok(ExitCode::from(1));
    }
    println!("{}  ({id})", display_name(kb, id));
    if let Some(e) = known {
        println!(
            "  kind: {}{}",
            e.kind.as_str(),
            e.country.as_deref().map(|c| format!(" · state: {c}")).unwrap_or_default()
        );
        if e.names.len() > 1 {
            println!("  also written: {}", e.names[1..].join("; "));
        }
        for r in &e.roles {
            let span = match (r.from, r.to) {
                (Some(f), Some(t)) => format!("{f} – {t}"),
                (Some(f), None) => format!("{f} –"),
                (None, Some(t)) => format!("– {t}"),
                (None, None) => String::new(),
            };
            let of = r.of.as_deref().or(r.to_state.as_deref()).map(|o| format!(" ({o})")).unwrap_or_default();
            println!("  role: {}{of} {span}", r.title);
        }
    } else {
        println!("  (not in the knowledge base: recognised from the text)");
        if let Some(s) = surfaces.first() {
            println!("  kind: {} · state: {}", s.kind, s.country.as_deref().unwrap_or("?"));
        }
    }
    if !surfaces.is_empty() {
        let forms: Vec<String> =
            surfaces.iter().take(8).map(|s| format!("{} ({})", s.surface, s.articles)).collect();
        println!("  in the archive as: {}", forms.join(", "));
        println!("  mentions by year (articles / mentions):");
        for (year, articles, mentions) in store.entity_mentions_by_year(id)? {
            println!("    {year}  {articles:>6} / {mentions}");
        }
    }
    let rows = store.events(false)?;
    let input: Vec<(i64, String, annalist_model::Event)> =
        rows.into_iter().map(|r| (r.article_id, r.doc, r.event)).collect();
    let filter = EventFilter { entity: Some(id.to_string()), ..Default::default() };
    let mut mine: Vec<CanonicalEvent> = merge(&input).into_iter().filter(|e| filter.keep(e)).collect();
    mine.sort_by(|x, y| (x.event.date, &x.id).cmp(&(y.event.date, &y.id)));
    println!("  events: {}", mine.len());
    for e in mine.iter().rev().take(40).rev() {
        let ev = &e.event;
        let other = if ev.actor.as_deref() == Some(id) { ev.target.as_deref() } else { ev.actor.as_deref() };
        println!(
            "    {:<12} {:<21} {}  [{}]",
            ev.date.map(|d| d.to_string()).unwrap_or_else(|| "?".into()),
            ev.kind.as_str(),
            other.map(|o| display_name(kb, o)).unwrap_or_default(),
            sources(e)
        );
    }
    Ok(ExitCode::SUCCESS)
}
