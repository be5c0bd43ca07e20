//! `annalist events`, `timeline` and `entity`: the record of what states did to each
//! other, merged so that one real event is one row however many articles report it.
//! The queries are the archive crate's; this module only renders them.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use annalist_archive::filter::{EventArgs, Spelling};
use annalist_archive::{Archive, EventQuery, EventView, MergedEvents, QueryError, name};
use annalist_store::Citation;
use annalist_understand::Kb;
use anyhow::Context;

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
    /// Only events between two states, e.g. `prk-rus` or `prk-Russia` (either
    /// direction; ISO 3166 alpha-3 codes or names the knowledge base knows).
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
    /// How to write the events (see the values below).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: EventsFormat,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// With --format gdelt: a first line naming the columns (GDELT's files have none).
    #[arg(long)]
    header: bool,
}

/// Open the archive in `data` with the knowledge base (built-in plus `--kb` files).
pub fn open_archive(data: &Path, kb: Arc<Kb>) -> anyhow::Result<Archive> {
    Ok(Archive::open(data, kb)?)
}

pub fn events(data: &Path, kb_files: &[PathBuf], args: EventsArgs) -> anyhow::Result<ExitCode> {
    let kb = Arc::new(load_kb(kb_files)?);
    let q = EventQuery::parse(
        &kb,
        EventArgs {
            dyad: args.dyad.as_deref(),
            kind: args.kind.as_deref(),
            since: args.since.as_deref(),
            until: args.until.as_deref(),
        },
        Spelling::Flag,
    )?;
    let archive = open_archive(data, kb.clone())?;
    let events = archive.events()?;
    let matching = events.matching(&q.filter);
    let mut w: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        EventsFormat::Jsonl => {
            // Without the articles' URLs (they are the articles' facts, in `annalist
            // export`): the same bytes as `annalist merge` writes for the same reports,
            // which is how a distributed run is checked against this one.
            let no_urls = BTreeMap::new();
            for e in &matching {
                serde_json::to_writer(&mut w, &EventView::new(&kb, &no_urls, e))?;
                w.write_all(b"\n")?;
            }
        }
        EventsFormat::Csv => annalist_export::write_events_csv(&mut w, &matching)?,
        EventsFormat::Gdelt => {
            let facts = annalist_export::facts(archive.store())?;
            let (rows, undated) =
                annalist_export::gdelt_rows(&matching, &kb, &facts.by_article, &facts.surfaces);
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

/// `annalist merge`'s output line: a merged event in the one shape `events` writes.
pub fn write_merged(w: &mut dyn Write, kb: &Kb, events: &MergedEvents) -> anyhow::Result<()> {
    for e in &events.all {
        serde_json::to_writer(&mut *w, &EventView::new(kb, &events.urls, e))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// The documents that report an event, each once.
fn sources(v: &EventView) -> String {
    let mut docs: Vec<&str> = v.reports.iter().map(|r| r.doc).collect();
    docs.dedup();
    docs.join(" ")
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineFormat {
    /// Dated lines for reading, each with its sources.
    Text,
    /// One merged event per line, as `annalist events` writes them.
    Jsonl,
    /// One merged event per row, as `annalist events --format csv` writes them.
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    /// A state: ISO 3166 alpha-3 code (e.g. prk) or name (e.g. Russia).
    a: String,
    /// The other state (e.g. rus).
    b: String,
    /// Only events on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Only events on or before this date.
    #[arg(long)]
    until: Option<String>,
    /// Only this event type (message, visit, meeting, agreement, ratification,
    /// reception, relations_established, praise, criticism).
    #[arg(long = "type")]
    kind: Option<String>,
    /// How to write the timeline (see the values below).
    #[arg(long, value_enum, default_value = "text")]
    format: TimelineFormat,
}

pub fn timeline(data: &Path, kb: Kb, args: TimelineArgs) -> anyhow::Result<ExitCode> {
    let q = EventQuery::parse(
        &kb,
        EventArgs {
            dyad: None,
            kind: args.kind.as_deref(),
            since: args.since.as_deref(),
            until: args.until.as_deref(),
        },
        Spelling::Flag,
    )?;
    let archive = open_archive(data, Arc::new(kb))?;
    let t = archive.timeline(&args.a, &args.b, &q, usize::MAX, 0)?;
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        TimelineFormat::Text => {
            drop(w);
            let cites = citations(archive.store(), &t.page.events)?;
            print_timeline(&t.a_name, &t.b_name, &t.page.events, t.page.total, &cites);
            return Ok(ExitCode::SUCCESS);
        }
        TimelineFormat::Jsonl => {
            for v in &t.page.events {
                serde_json::to_writer(&mut w, v)?;
                w.write_all(b"\n")?;
            }
        }
        TimelineFormat::Csv => {
            let mut filter = q.filter.clone();
            filter.dyad = Some((t.a.clone(), t.b.clone()));
            annalist_export::write_events_csv(&mut w, &archive.events()?.matching(&filter))?;
        }
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `annalist entities [QUERY]`: a table (or JSON) of the entities found.
pub fn entities(data: &Path, kb: Kb, query: &str, limit: usize, json: bool) -> anyhow::Result<ExitCode> {
    let archive = open_archive(data, Arc::new(kb))?;
    let list = annalist_archive::entities(archive.kb(), archive.store(), query, limit)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    if list.entities.is_empty() {
        println!("No entity matches {query:?} (the search looks in names, aliases and ids).");
        return Ok(ExitCode::from(1));
    }
    println!("{:<36} {:<32} {:<13} {:<6} {:>8}", "id", "name", "kind", "state", "articles");
    for e in &list.entities {
        let name = match &e.matched {
            Some(m) => format!("{} (as {m})", e.name),
            None => e.name.clone(),
        };
        println!(
            "{:<36} {:<32} {:<13} {:<6} {:>8}{}",
            e.id,
            name,
            e.kind,
            e.country.as_deref().unwrap_or("-"),
            e.articles,
            if e.known { "" } else { "  (from the text)" }
        );
    }
    if list.total > list.entities.len() {
        println!("{} of {} shown; more: --limit {}", list.entities.len(), list.total, list.total);
    } else {
        println!("{} found", list.total);
    }
    Ok(ExitCode::SUCCESS)
}

/// How to cite the articles reporting `events`.
fn citations(store: &annalist_store::Store, events: &[EventView]) -> anyhow::Result<BTreeMap<i64, Citation>> {
    let mut ids: Vec<i64> = events.iter().flat_map(|v| v.reports.iter().map(|r| r.article)).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(store.citations(&ids)?)
}

/// Reports cited in full under each event of a printed timeline.
const CITED: usize = 3;

/// Print a merged timeline (events oldest first), saying how many of `total` it shows;
/// under each event its sources' locators, then up to [`CITED`] reporting articles
/// cited by id, headline, outlet, date and URL.
pub fn print_timeline(
    a_name: &str,
    b_name: &str,
    events: &[EventView],
    total: usize,
    cites: &BTreeMap<i64, Citation>,
) {
    if events.len() == total {
        println!("{a_name} – {b_name} timeline: {total} events");
    } else {
        println!("{a_name} – {b_name} timeline: the latest {} of {total} events", events.len());
    }
    for v in events {
        let ev = v.event;
        let date = match (ev.date, ev.date_end) {
            (Some(d), Some(end)) => format!("{d}..{end}"),
            (Some(d), None) => d.to_string(),
            _ => "?".into(),
        };
        let actor = v.actor_name.unwrap_or("?");
        let who = match v.target_name {
            Some(t) => format!("{actor} → {t}"),
            None => actor.to_string(),
        };
        let place = v.place_name.map(|p| format!(" @ {p}")).unwrap_or_default();
        let occasion = ev.occasion.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
        let inferred = if ev.inferred { " [date inferred]" } else { "" };
        println!("{date:<22} {:<21} {who}{place}{occasion}{inferred}", ev.kind.as_str());
        println!("{:<22} sources: {}", "", sources(v));
        let mut articles: Vec<i64> = v.reports.iter().map(|r| r.article).collect();
        articles.dedup();
        for a in articles.iter().take(CITED) {
            if let Some(c) = cites.get(a) {
                println!("{:<22}   {c}", "");
            }
        }
        if articles.len() > CITED {
            println!(
                "{:<22}   … and {} more articles (--format jsonl lists every report)",
                "",
                articles.len() - CITED
            );
        }
    }
}

pub fn load_kb(extra: &[PathBuf]) -> anyhow::Result<Kb> {
    if extra.is_empty() {
        Kb::builtin().context("loading the built-in knowledge base")
    } else {
        Kb::with_extra(extra).context("loading the knowledge base")
    }
}

/// The closing part of `annalist ingest`: what was understood, as the timeline of
/// the pair of states with the most event reports among the articles this run
/// touched (or, when it touched none, in the whole archive).
pub fn print_understood(store: &annalist_store::Store, kb: &Kb, touched: &[i64]) -> anyhow::Result<()> {
    let events = MergedEvents::load(store)?;
    let touched: HashSet<i64> = touched.iter().copied().collect();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut entities: BTreeMap<String, usize> = BTreeMap::new();
    for e in &events.all {
        let reports = e.reports.iter().filter(|r| touched.is_empty() || touched.contains(&r.article)).count();
        if reports == 0 {
            continue;
        }
        if let (Some(a), Some(b)) = annalist_understand::dyad(&e.event)
            && a != b
        {
            let key = if a < b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
            *counts.entry(key).or_default() += reports;
        }
        for who in [&e.event.actor, &e.event.target].into_iter().flatten() {
            *entities.entry(who.clone()).or_default() += reports;
        }
    }
    let Some(((a, b), _)) = counts.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone()))) else {
        println!("No events between states were found.");
        return Ok(());
    };
    let merged = events.matching(&annalist_understand::EventFilter {
        dyad: Some((a.clone(), b.clone())),
        ..Default::default()
    });
    println!();
    const SHOWN: usize = 30;
    let shown: Vec<EventView> =
        merged[merged.len().saturating_sub(SHOWN)..].iter().map(|e| events.view(kb, e)).collect();
    let cites = citations(store, &shown)?;
    print_timeline(&name(kb, a), &name(kb, b), &shown, merged.len(), &cites);
    if merged.len() > SHOWN {
        println!("… {} earlier: annalist timeline {a} {b}", merged.len() - SHOWN);
    }
    let mut top: Vec<(&String, &usize)> = entities.iter().collect();
    top.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let names: Vec<String> = top.iter().take(8).map(|(id, n)| format!("{id} ({n})")).collect();
    if !names.is_empty() {
        println!("\nMost active: {}", names.join(", "));
    }
    Ok(())
}

pub fn entity(data: &Path, kb: Kb, name_or_id: &str) -> anyhow::Result<ExitCode> {
    let archive = open_archive(data, Arc::new(kb))?;
    let found = annalist_archive::resolve_entity(archive.kb(), archive.store(), name_or_id)
        .and_then(|id| archive.entity(&id, usize::MAX, 0));
    let p = match found {
        Ok(p) => p,
        Err(QueryError::NotFound(m)) => {
            eprintln!("annalist: {m}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let id = p.id.as_str();
    println!("{}  ({id})", p.name);
    if let Some(e) = p.entry {
        println!(
            "  kind: {}{}",
            e.kind.as_str(),
            e.country.as_deref().map(|c| format!(" · state: {c}")).unwrap_or_default()
        );
        if e.names.len() > 1 {
            println!("  also written: {}", e.names[1..].join("; "));
        }
        for r in &p.roles {
            let of = r.of.as_deref().or(r.to_state.as_deref()).map(|o| format!(" ({o})")).unwrap_or_default();
            println!("  role: {}{of} {}", r.title, r.span());
        }
    } else {
        println!("  (not in the knowledge base: recognised from the text)");
        if let Some(s) = p.surfaces.first() {
            println!("  kind: {} · state: {}", s.kind, s.country.as_deref().unwrap_or("?"));
        }
    }
    if !p.surfaces.is_empty() {
        let forms: Vec<String> =
            p.surfaces.iter().take(8).map(|s| format!("{} ({})", s.surface, s.articles)).collect();
        println!("  in the archive as: {}", forms.join(", "));
        println!("  mentions by year (articles / mentions):");
        for y in &p.mentions_by_year {
            println!("    {}  {:>6} / {}", y.year, y.articles, y.mentions);
        }
    }
    const SHOWN: usize = 40;
    println!("  events: {}", p.events_total);
    let shown = &p.events[p.events.len().saturating_sub(SHOWN)..];
    if shown.len() < p.events.len() {
        println!(
            "  (the latest {SHOWN}; all of them: annalist events --format jsonl, or /entities/{id} in `annalist serve`)"
        );
    }
    for v in shown {
        let ev = v.event;
        let other = if ev.actor.as_deref() == Some(id) { v.target_name } else { v.actor_name };
        println!(
            "    {:<12} {:<21} {}  [{}]",
            ev.date.map(|d| d.to_string()).unwrap_or_else(|| "?".into()),
            ev.kind.as_str(),
            other.unwrap_or_default(),
            sources(v)
        );
    }
    Ok(ExitCode::SUCCESS)
}
