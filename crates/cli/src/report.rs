//! `annalist show`, `list` and `stats`: reading the archive for people (or JSON).

use std::path::Path;
use std::process::ExitCode;

use annalist_model::ArticleStatus;
use annalist_store::{ListFilter, Store};
use anyhow::Context;

/// The archive in `data` for a reader: a directory without one is an error saying
/// how to make one (see `annalist_archive::open_existing_store`).
pub fn open_store(data: &Path) -> anyhow::Result<Store> {
    Ok(annalist_archive::open_existing_store(data)?)
}

pub fn show(data: &Path, which: &str, versions: bool, json: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    // One public id per article; a source locator names the article it was filed into.
    let id = match which.trim().trim_start_matches('#').parse::<i64>() {
        Ok(id) => id,
        Err(_) => match store.article_for_source(which.trim())? {
            Some(id) => id,
            None => {
                eprintln!(
                    "annalist: {which}: neither an article id (a number) nor a source locator in the archive (e.g. kcna_2011.jsonl.gz#5535)"
                );
                return Ok(ExitCode::from(1));
            }
        },
    };
    let Some(a) = store.article(id)? else {
        eprintln!("annalist: no article {id}");
        return Ok(ExitCode::from(1));
    };
    let vs = if versions { store.versions(id)? } else { Vec::new() };
    if json {
        let mut v = serde_json::to_value(&a)?;
        if versions {
            v["version_history"] = serde_json::to_value(&vs)?;
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("#{}  {}", a.id, a.display_title);
    if a.title.is_none() {
        println!("    (the page has no headline; shown: its first words)");
    }
    let field = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            println!("{k:>10}: {v}");
        }
    };
    field("status", &(a.status != ArticleStatus::Full).then(|| a.status.to_string()));
    field("outlet", &a.outlet);
    match a.understanding.as_ref().and_then(|u| u.published_inferred.as_ref()) {
        // The page gives no date: say so, and how the date shown was worked out.
        Some((d, why)) if a.published == Some(*d) => {
            println!("{:>10}: {d} (inferred from the body: {why})", "published")
        }
        _ => match (&a.published, &a.published_by) {
            // Where the date was read, so that a reader can check it on the page.
            (Some(d), Some(e)) => println!("{:>10}: {d} ({}: {})", "published", e.source.as_str(), e.text),
            _ => field("published", &a.published.map(|d| d.to_string())),
        },
    }
    field("captured", &a.captured);
    field("listed", &a.listed);
    field("url", &a.url);
    field("language", &a.language);
    if let Some(at) = &a.gone_at {
        // Still in the archive, no longer at the source: the point of keeping versions.
        println!("{:>10}: since {at} ({})", "GONE", a.gone_reason.as_deref().unwrap_or("gone at source"));
    }
    println!("{:>10}: {}", "versions", a.versions);
    println!();
    for p in &a.paragraphs {
        println!("{}\n", textwrap(p, 96));
    }
    if !a.sources.is_empty() {
        println!("Sources:");
        for s in &a.sources {
            let loc = if s.locator.is_empty() {
                String::new()
            } else {
                format!(" ({})", s.locator.replace(':', " "))
            };
            println!("  - {}{loc}  [{}] ingested {}", s.path, s.outcome, s.ingested_at);
        }
    }
    if !a.teasers.is_empty() {
        println!("Teasers on the page:");
        for t in &a.teasers {
            let label =
                t.title.clone().or_else(|| t.lede.clone().map(|l| format!("“{l}…”"))).unwrap_or_default();
            println!("  → #{} {} {}", t.article_id, t.date.clone().unwrap_or_default(), label);
        }
    }
    if !a.linked_from.is_empty() {
        println!(
            "Listed as a teaser by: {}",
            a.linked_from.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
        );
    }
    if versions {
        println!("\nVersions:");
        for (i, v) in vs.iter().enumerate() {
            println!("  v{}  stored {}  from {}", v.n, v.created_at, v.sources.join(", "));
            if i > 0 {
                let old = version_text(&vs[i - 1]);
                let new = version_text(v);
                let diff = similar::TextDiff::from_lines(&old, &new);
                print!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(1)
                        .header(&format!("v{}", vs[i - 1].n), &format!("v{}", v.n))
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn version_text(v: &annalist_store::VersionRecord) -> String {
    let mut s = format!("# {}\n", v.title.as_deref().unwrap_or("(no headline)"));
    for p in &v.paragraphs {
        s.push_str(p);
        s.push('\n');
    }
    s
}

fn textwrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for w in s.split_whitespace() {
        if col > 0 && col + 1 + w.chars().count() > width {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(w);
        col += w.chars().count();
    }
    out
}

pub fn list(data: &Path, f: &ListFilter, json: bool) -> anyhow::Result<ExitCode> {
    use annalist_archive::filter::{Spelling, parse_date};
    // The one date grammar: a year or a month stands for its first (since) or last
    // (until) day.
    let day = |d: &Option<String>, name: &str, end: bool| -> anyhow::Result<Option<String>> {
        d.as_deref()
            .map(|s| {
                let p = parse_date(s, name, Spelling::Flag)?;
                let day = if end { p.last_day() } else { p.first_day() };
                day.map(|d| d.to_string()).with_context(|| format!("--{name} {s}: not a calendar date"))
            })
            .transpose()
    };
    let mut f = f.clone();
    f.since = day(&f.since, "since", false)?;
    f.until = day(&f.until, "until", true)?;
    let store = open_store(data)?;
    let asked = f.limit;
    // One more than asked, to know whether there are more.
    f.limit = asked.map(|l| l + 1);
    let mut rows = store.list(&f)?;
    let more = asked.is_some_and(|l| rows.len() > l);
    if let Some(l) = asked {
        rows.truncate(l);
    }
    if json {
        for r in &rows {
            println!("{}", serde_json::to_string(r)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    for r in &rows {
        let extra = match (r.versions, r.sources) {
            (v, s) if v > 1 || s > 1 => format!("  [{v} versions, {s} sources]"),
            _ => String::new(),
        };
        println!(
            "{:>7}  {:10}  {:<20}  {}{}",
            r.id,
            r.published.map(|d| d.to_string()).as_deref().unwrap_or("????-??-??"),
            truncate(r.outlet.as_deref().unwrap_or("-"), 20),
            truncate(&r.display_title, 90),
            extra
        );
    }
    if rows.is_empty() {
        println!("No articles match (filters: outlet, --since, --until; stubs need --stubs).");
    } else if more {
        println!("{} shown from {}; more: --offset {}", rows.len(), f.offset, f.offset + rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn stats(data: &Path, kb_files: &[std::path::PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let kb = std::sync::Arc::new(crate::events::load_kb(kb_files)?);
    let archive = annalist_archive::Archive::open(data, kb)?;
    let all = archive.stats(None)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(ExitCode::SUCCESS);
    }
    let s = &all.store;
    println!("articles   {} (+{} stubs known from teasers)", s.articles, s.stubs);
    println!("versions   {}", s.versions);
    println!("sources    {} ({} failed extraction, kept for reprocess)", s.sources, s.failed_sources);
    if s.repeats > 0 || s.dropped_failures > 0 {
        println!(
            "skipped    {} exact repeats within a file (counted, not filed) · {} failed units beyond a file's first {} (counted, not kept)",
            s.repeats,
            s.dropped_failures,
            annalist_pipeline::KEPT_FAILURES
        );
    }
    println!(
        "raw blobs  {} · {:.1} MB raw, {:.1} MB stored",
        s.blobs,
        s.blob_bytes as f64 / 1e6,
        s.blob_stored_bytes as f64 / 1e6
    );
    println!(
        "events     {} merged (one per real event, as `annalist events` lists them) · {} event reports (each as one article tells it)",
        all.merged_events, s.events
    );
    let sizes: Vec<String> = all
        .reports_per_event
        .iter()
        .map(|b| match b.max {
            Some(m) if m == b.min => format!("{m}: {}", b.events),
            Some(m) => format!("{}–{m}: {}", b.min, b.events),
            None => format!("{}+: {}", b.min, b.events),
        })
        .collect();
    println!("reports    per merged event: {}", sizes.join(" · "));
    for e in &all.largest_events {
        let span = match (&e.first, &e.last) {
            (Some(a), Some(b)) if a != b => format!("{a} .. {b}"),
            (Some(a), _) => a.clone(),
            _ => "undated".to_string(),
        };
        println!("           {} reports: {} {} ({span})", e.reports, e.kind, e.id);
    }
    println!("entities   {} (distinct, mentioned in articles)", s.entities);
    println!(
        "published  {} .. {}",
        s.first_published.as_deref().unwrap_or_default(),
        s.last_published.as_deref().unwrap_or_default()
    );
    println!("database   {:.1} MB", s.db_bytes as f64 / 1e6);
    let row = |name: &str, v: &[(String, i64)]| {
        let items: Vec<String> = v.iter().take(12).map(|(k, n)| format!("{k} {n}")).collect();
        println!("{name:<10} {}", items.join(" · "));
    };
    row("outlets", &s.by_outlet);
    row("languages", &s.by_language);
    row("years", &s.by_year);
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Restore damaged raw captures from the files they were read from, and rebuild
    /// a damaged or lagging search index from the archive.
    #[arg(long)]
    repair: bool,
    /// SQLite's quick check instead of the full integrity check (faster on large
    /// archives; skips index-to-table consistency).
    #[arg(long)]
    quick: bool,
    /// The findings as one JSON object (with `ok` and `advice`).
    #[arg(long)]
    json: bool,
}

/// `annalist check [--repair]`: exit 0 when everything is sound (or was mended), 1
/// when something is still wrong (each with what to do).
pub fn check(data: &Path, quiet: bool, args: CheckArgs) -> anyhow::Result<ExitCode> {
    if !annalist_archive::has_archive(&annalist_archive::Layout::new(data)) {
        return Err(annalist_archive::OpenError::Missing(data.display().to_string()).into());
    }
    let opts = annalist_pipeline::CheckOptions { quick: args.quick, repair: args.repair };
    let started = std::time::Instant::now();
    let r = annalist_pipeline::check(data, opts, &mut |n| {
        if !quiet && n % 100_000 == 0 {
            eprintln!("… {n} raw captures read back ({:.0} s)", started.elapsed().as_secs_f64());
        }
    })?;
    if args.json {
        let mut v = serde_json::to_value(&r)?;
        v["ok"] = r.ok().into();
        v["advice"] = r.advice(data).into();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(if r.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let mark = |ok: bool| if ok { "ok" } else { "PROBLEM" };
    println!(
        "database     {} ({})",
        mark(r.database.is_empty()),
        if args.quick { "quick_check" } else { "integrity_check" }
    );
    for p in r.database.iter().take(10) {
        println!("             {p}");
    }
    if !r.database.is_empty() {
        println!("raw captures, search index: not checked (they are read from the damaged database)");
        for a in r.advice(data) {
            println!("\nwhat to do: {a}");
        }
        return Ok(ExitCode::from(1));
    }
    println!(
        "raw captures {} · {} checked, {} damaged{}",
        mark(r.damaged_blobs.iter().all(|b| b.restored)),
        r.blobs_checked,
        r.damaged_blobs.len(),
        if r.damaged_blobs.iter().any(|b| b.restored) {
            format!(", {} restored from their files", r.damaged_blobs.iter().filter(|b| b.restored).count())
        } else {
            String::new()
        }
    );
    for b in r.damaged_blobs.iter().take(10) {
        println!(
            "             {} {}: {} ({})",
            &b.hash[..16.min(b.hash.len())],
            if b.restored { "restored" } else { "damaged" },
            b.problem,
            b.sources.join(", ")
        );
    }
    let index_ok = !r.index_unsound() || r.index_rebuilt;
    println!(
        "search index {} · {} of {} articles indexed, watermark {} of {}, {} of {} sampled present{}",
        mark(index_ok),
        r.indexed,
        r.articles,
        r.watermark,
        r.seq,
        r.sampled - r.missing_from_index.len(),
        r.sampled,
        if r.index_rebuilt { " · rebuilt from the archive" } else { "" }
    );
    match (&r.index_error, r.index_unreadable) {
        (Some(e), _) => println!("             the index could not be opened: {e}"),
        (None, true) => println!("             the index could not be opened (it was recreated empty)"),
        _ => {}
    }
    for f in r.index_damaged_files.iter().take(10) {
        println!("             damaged file: {f}");
    }
    let advice = r.advice(data);
    for a in &advice {
        println!("\nwhat to do: {a}");
    }
    Ok(if r.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
