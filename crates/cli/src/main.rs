//! The `annalist` binary: parses the command line and wires the pipeline stages
//! (ingest → extract → understand → store → index) together. Each subcommand lives
//! in its own module; the stages themselves live in their crates.

mod bench;
mod events;
mod export;
mod ingest;
mod process;
mod report;
mod search;
mod serve;
mod trends;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// annalist: a searchable archive and a dated, sourced record of what states did to
/// each other, built from state-media captures.
#[derive(Parser, Debug)]
#[command(name = "annalist", version, about, max_term_width = 100)]
struct Cli {
    /// Data directory holding the archive (SQLite) and its derived search index.
    #[arg(long, global = true, env = "ANNALIST_DATA", default_value = "annalist-data")]
    data: PathBuf,
    /// Extra knowledge-base file (TOML/CSV/JSON, see kb/README.md); repeatable.
    #[arg(long = "kb", global = true, value_name = "FILE")]
    kb: Vec<PathBuf>,
    /// Print less (no progress bar, no summary beyond errors).
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Read captures (files or directories, recursively) into the archive.
    Ingest(ingest::IngestArgs),
    /// Re-extract every stored source from its raw bytes with this build's extractor.
    Reprocess(ingest::ReprocessArgs),
    /// Show one article: text, dates, sources, teasers (and versions with a diff).
    /// Example: annalist show 5535 --versions
    Show {
        /// The article's id (as `list`, `search` and the web UI show it).
        id: i64,
        /// List every version with the differences between consecutive ones.
        #[arg(long)]
        versions: bool,
        /// The stored article as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List articles, newest first.
    /// Example: annalist list --outlet KCNA --since 2011-05 --until 2011-06
    List {
        /// Only articles of this outlet (any case), e.g. KCNA.
        #[arg(long)]
        outlet: Option<String>,
        /// Published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// Include stub articles known only from teasers.
        #[arg(long)]
        stubs: bool,
        /// Show at most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Skip this many first (for the next page: --offset 50).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Counts: articles, versions, sources, outlets, years, languages, sizes.
    Stats {
        /// All counts as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search over the archive.
    Search(search::SearchArgs),
    /// Rebuild the search index from the store.
    Reindex,
    /// Check the archive: the database's integrity, every raw capture against its
    /// hash, the search index's checksums and its agreement with the archive; with
    /// --repair, restore damaged captures from their files and rebuild the index.
    Check(report::CheckArgs),
    /// Merged events (one row per real event) as JSON Lines, CSV or CAMEO columns.
    Events(events::EventsArgs),
    /// The merged timeline of events between two states, oldest first.
    /// Example: annalist timeline prk Russia --since 2011 --type visit
    Timeline(events::TimelineArgs),
    /// An entity's profile: names, roles, mentions per year, events.
    /// Example: annalist entity "Kim Yong Nam"
    Entity {
        /// An id (vladimir-putin) or a name or alias the knowledge base or the
        /// archive knows (Putin, "Kim Yong Nam"); unknown names get suggestions.
        #[arg(value_name = "NAME-OR-ID")]
        id: String,
    },
    /// Find entities by name, alias or id, most mentioned first, with the number of
    /// articles mentioning each. Example: annalist entities kim
    Entities {
        /// Part of a name, alias or id (any case); none lists the most mentioned.
        query: Option<String>,
        /// Show at most this many.
        #[arg(long, default_value_t = 30)]
        limit: usize,
        /// One JSON object (query, total, limit, entities) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// How often terms appear per month or year, raw and per 1,000 articles.
    /// Example: annalist trends comrades-in-arms --by year
    Trends(trends::TrendsArgs),
    /// Benchmarks (figures recorded in docs/BENCHMARKS.md).
    #[command(subcommand)]
    Bench(bench::BenchCmd),
    /// The web UI and the JSON API (read-only unless started with --token).
    Serve(serve::ServeArgs),
    /// Follow outlets live: poll feeds and listings, archive every response (WARC),
    /// keep versions, mark pages gone at source, alert on watch lists.
    Watch(watch::WatchArgs),
    /// The Atom feed of a search (or of a saved watch list's query), newest first.
    Feed(watch::FeedArgs),
    /// Saved watch lists for `annalist watch`.
    #[command(subcommand)]
    Alert(watch::AlertCmd),
    /// Export the archive.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write here instead of standard output (for parquet: the directory to write
        /// the tables into, required).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Stateless: extract and understand captures (files, or JSON Lines on standard
    /// input) and write one JSON object per unit to standard output; no archive.
    Process(process::ProcessArgs),
    /// Stateless: merge event reports (JSON Lines on standard input, as `process`
    /// writes them) into merged events (JSON Lines, as `annalist events` writes them).
    Merge(process::MergeArgs),
    /// Stateless: file processed units (`process --raw` objects with a `seq`) with the
    /// archive's duplicate and revision rules in a temporary archive; write its
    /// articles and event reports as JSON Lines.
    Dedup(process::DedupArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExportFormat {
    /// One object per source document, in the shape of ../shared/eval/ANNOTATION.md.
    Eval,
    /// One object per article with its current text and sources.
    Jsonl,
    /// One row per article (id, dates, outlet, title, language, sources, body).
    Csv,
    /// Parquet tables (articles, sources, versions, events, event_reports, entities,
    /// mentions) under the --out directory; schema in docs/EXPORTS.md.
    Parquet,
}

fn main() -> ExitCode {
    // Behave like other Unix filters when the reader goes away (`annalist … | head`):
    // end quietly instead of panicking on a failed write to standard output.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            // annalist's own warnings by default; libraries' warnings (html5ever's
            // "foster parenting not implemented" on every table-nested page, tantivy's
            // segment bookkeeping) are not the user's to act on: they stay below the
            // default and show with ANNALIST_LOG=warn (or finer).
            tracing_subscriber::EnvFilter::try_from_env("ANNALIST_LOG")
                .unwrap_or_else(|_| "error,annalist=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("annalist: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.cmd {
        Cmd::Ingest(args) => ingest::ingest(&cli.data, &cli.kb, cli.quiet, args),
        Cmd::Reprocess(args) => ingest::reprocess(&cli.data, &cli.kb, cli.quiet, args),
        Cmd::Show { id, versions, json } => report::show(&cli.data, id, versions, json),
        Cmd::List { outlet, since, until, stubs, limit, offset, json } => {
            let f = annalist_store::ListFilter {
                outlet,
                since,
                until,
                include_stubs: stubs,
                limit: Some(limit),
                offset,
            };
            report::list(&cli.data, &f, json)
        }
        Cmd::Stats { json } => report::stats(&cli.data, &cli.kb, json),
        Cmd::Export { format: ExportFormat::Parquet, out } => {
            export::parquet(&cli.data, &cli.kb, out.as_deref())
        }
        Cmd::Export { format, out } => export::export(&cli.data, format, out.as_deref()),
        Cmd::Process(args) => process::process(&cli.kb, args),
        Cmd::Merge(args) => process::merge(&cli.kb, args),
        Cmd::Dedup(args) => process::dedup(args),
        Cmd::Bench(cmd) => bench::bench(&cli.data, &cli.kb, cmd),
        Cmd::Search(args) => search::search(&cli.data, args),
        Cmd::Reindex => search::reindex(&cli.data),
        Cmd::Check(args) => report::check(&cli.data, cli.quiet, args),
        Cmd::Events(args) => events::events(&cli.data, &cli.kb, args),
        Cmd::Timeline(args) => events::timeline(&cli.data, events::load_kb(&cli.kb)?, args),
        Cmd::Entities { query, limit, json } => events::entities(
            &cli.data,
            events::load_kb(&cli.kb)?,
            query.as_deref().unwrap_or(""),
            limit,
            json,
        ),
        Cmd::Trends(args) => trends::trends(&cli.data, args),
        Cmd::Serve(args) => serve::serve(&cli.data, &cli.kb, args),
        Cmd::Watch(args) => watch::watch(&cli.data, &cli.kb, args),
        Cmd::Alert(cmd) => watch::alert(&cli.data, &cli.kb, cmd),
        Cmd::Feed(args) => watch::feed(&cli.data, args),
        Cmd::Entity { id } => events::entity(&cli.data, events::load_kb(&cli.kb)?, &id),
    }
}
