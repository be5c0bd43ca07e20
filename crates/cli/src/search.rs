//! `annalist search` and `annalist reindex`.

use std::path::Path;
use std::process::ExitCode;

use annalist_index::Sort;
use serde_json::json;

use crate::report::open_store;
use annalist_pipeline::Indexer;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortArg {
    Relevance,
    Date,
    /// Oldest first.
    DateAsc,
}

#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// The query (see README: words, "phrases", AND/OR/NOT, -exclude, prefix*,
    /// "a b"~N, title: outlet: lang: entity: type: published:FROM..TO). A query may
    /// start with `-` (an exclusion): `annalist search -- -japan` or `annalist search -japan`.
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// Show at most this many hits.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Skip this many first (the next page: --offset 10).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// The order of the hits (see the values below).
    #[arg(long, value_enum, default_value = "relevance")]
    sort: SortArg,
    /// Machine-readable output (hits, total, facets).
    #[arg(long)]
    json: bool,
    /// Stop the search after this long (e.g. 1s, 500ms, 1m); a query that would read
    /// more of the index than one search may is refused before it starts.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    query_time: std::time::Duration,
}

/// `1s`, `500ms`, `2m` (the forms jiff's friendly duration format reads).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let d: jiff::SignedDuration =
        s.trim().parse().map_err(|_| format!("{s:?}: expected a duration such as 1s, 500ms or 2m"))?;
    std::time::Duration::try_from(d).map_err(|_| format!("{s:?}: a duration must not be negative"))
}

pub fn search(data: &Path, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let ix = Indexer::open(data, &store)?;
    note_lag(&ix, &store);
    let sort = match args.sort {
        SortArg::Relevance => Sort::Relevance,
        SortArg::Date => Sort::DateDesc,
        SortArg::DateAsc => Sort::DateAsc,
    };
    let budget = std::sync::Arc::new(annalist_index::Budget::with_time(args.query_time));
    let res =
        match annalist_archive::search(&ix.index, args.query.clone(), sort, args.limit, args.offset, &budget)
        {
            Ok(r) => r,
            Err(annalist_archive::QueryError::Search(e)) => {
                eprintln!("annalist: {e}");
                for line in e.caret_line(&args.query).lines() {
                    eprintln!("  {line}");
                }
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(e.into()),
        };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json!(res))?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} results ({:.1} ms){}",
        res.total,
        res.took_ms,
        if res.total > 0 {
            format!(", showing {}–{}", args.offset + 1, args.offset + res.hits.len())
        } else {
            String::new()
        }
    );
    for h in &res.hits {
        println!(
            "\n#{:<7} {}  {}  {}",
            h.article,
            h.published.map(|d| d.to_string()).unwrap_or_else(|| "????-??-??".into()),
            h.outlet.as_deref().unwrap_or("-"),
            h.title
        );
        // Snippets are HTML (escaped, with <mark>); show them as terminal text.
        let text = h.snippet.replace("<mark>", "[").replace("</mark>", "]");
        println!("         {}", unescape(&text));
        if h.sources.len() > 1 {
            println!("         sources: {}", h.sources.join(", "));
        }
    }
    if let Some(f) = &res.facets {
        let outlets: Vec<String> = f.outlets.iter().take(10).map(|(k, n)| format!("{k} {n}")).collect();
        let years: Vec<String> = f.years.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("\nby outlet: {}", outlets.join(" · "));
        println!("by year:   {}", years.join(" · "));
    }
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr when the index does not reflect the whole archive yet (another
/// process is writing it), so that a missing newest article is not a surprise.
pub fn note_lag(ix: &Indexer, store: &annalist_store::Store) {
    if let Ok(n) = ix.lag(store)
        && n > 0
    {
        eprintln!(
            "annalist: note: the search index is {n} changes behind the archive (another process is \
             indexing); the newest articles may be missing from these results"
        );
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn reindex(data: &Path) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let t = std::time::Instant::now();
    let mut ix = Indexer::open(data, &store)?;
    let n = ix.rebuild(&store)?;
    println!(
        "indexed {n} articles in {:.2}s · index {:.1} MB",
        t.elapsed().as_secs_f64(),
        ix.index.size_bytes() as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
