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
    /// Example: annalist ingest ../shared/seeds ../shared/corpora/kcna_2011.jsonl.gz
    Ingest(ingest::IngestArgs),
    /// Re-extract every stored source from its raw bytes with this build's extractor.
    /// Example: annalist reprocess
    Reprocess(ingest::ReprocessArgs),
    /// Show one article: text, dates, sources, teasers (and versions with a diff).
    /// Example: annalist show 5535 --versions
    Show {
        /// The article's id (as `list`, `search` and the web UI show it: 5535 or #5535),
        /// or a source locator as timelines cite it (kcna_2011.jsonl.gz#5535, path:line).
        #[arg(value_name = "ID-OR-SOURCE")]
        id: String,
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
    /// Counts: articles, versions, sources, merged events and event reports, outlets,
    /// years, languages, sizes. Example: annalist stats --json
    Stats {
        /// All counts as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search over the archive.
    /// Example: annalist search '"comrades-in-arms" AND published:2011' --sort date
    Search(search::SearchArgs),
    /// Rebuild the search index from the store. Example: annalist reindex
    Reindex,
    /// Check the archive: the database's integrity, every raw capture against its
    /// hash, the search index's checksums and its agreement with the archive; with
    /// --repair, restore damaged captures from their files and rebuild the index.
    /// Example: annalist check --repair
    Check(report::CheckArgs),
    /// Merged events (one row per real event) as JSON Lines, CSV or GDELT columns.
    /// Example: annalist events --dyad prk-rus --type message --since 2020 --format csv
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
    /// Example: annalist serve --addr 127.0.0.1:8080
    Serve(serve::ServeArgs),
    /// Follow outlets live: poll feeds and listings, archive every response (WARC),
    /// keep versions, mark pages gone at source, alert on watch lists.
    /// Example: annalist watch --config sources.toml --once
    Watch(watch::WatchArgs),
    /// The Atom feed of a search (or of a saved watch list's query), newest first.
    /// Example: annalist feed 'putin AND message' --limit 20 > putin.atom
    Feed(watch::FeedArgs),
    /// Saved watch lists for `annalist watch`.
    #[command(subcommand)]
    Alert(watch::AlertCmd),
    /// Export the archive. Example: annalist export --format parquet --out tables/
    Export {
        /// What to write (see the values below).
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write here instead of standard output (for parquet: the directory to write
        /// the tables into, required).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Stateless: extract and understand captures (files, or JSON Lines on standard
    /// input) and write one JSON object per unit to standard output; no archive.
    /// Example: annalist process page.html > units.jsonl
    Process(process::ProcessArgs),
    /// Stateless: merge event reports (JSON Lines on standard input, `{article, doc,
    /// event}`, as `dedup` writes them) into merged events (JSON Lines, as `annalist
    /// events` writes them; with --rows, rows of the Parquet tables events and
    /// event_reports).
    /// Example: annalist merge < reports.jsonl > events.jsonl
    Merge(process::MergeArgs),
    /// Stateless: file processed units (`process --raw` objects with a `seq`) with the
    /// archive's duplicate and revision rules in a temporary archive; write its rows
    /// of the Parquet tables articles, versions, sources and mentions, and its event
    /// reports, as JSON Lines.
    /// Example: annalist process --raw a.jsonl | annalist dedup > filed.jsonl
    Dedup(process::DedupArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExportFormat {
    /// One object per source document, in the evaluation's shape (ANNOTATION.md of
    /// the shared evaluation set: doc, article, related, entities, events).
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
        Cmd::Show { id, versions, json } => report::show(&cli.data, &id, versions, json),
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
        Cmd::Dedup(args) => process::dedup(&cli.kb, args),
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every subcommand says what it does with an example, and every argument and
    /// option says what it is: help a newcomer can act on.
    #[test]
    fn every_command_and_option_is_described() {
        let mut missing = Vec::new();
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in cmd.get_subcommands() {
                let name = format!("{path} {}", sub.get_name());
                let about =
                    sub.get_long_about().or(sub.get_about()).map(|s| s.to_string()).unwrap_or_default();
                if sub.get_subcommands().next().is_none() && !about.contains("Example: annalist") {
                    missing.push(format!("{name}: no `Example: annalist …` in its help"));
                }
                for arg in sub.get_arguments() {
                    let id = arg.get_id().as_str();
                    if matches!(id, "help" | "version") || arg.is_global_set() {
                        continue;
                    }
                    if arg.get_help().is_none() && arg.get_long_help().is_none() {
                        missing.push(format!("{name}: {id} has no description"));
                    }
                }
                walk(sub, &name, missing);
            }
        }
        walk(&super::Cli::command(), "annalist", &mut missing);
        assert!(missing.is_empty(), "{} gaps in the help:\n{}", missing.len(), missing.join("\n"));
    }
}
