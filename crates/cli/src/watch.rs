//! `annalist watch` (the poller, crates/watch) and `annalist alert` (saved watch
//! lists): argument parsing and what is printed for people.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annalist_watch::state::State;
use annalist_watch::{Config, WatchSpec, Watcher};
use anyhow::{Context, bail};

#[derive(clap::Args, Debug)]
pub struct WatchArgs {
    /// The sources, watch lists and alert sinks (TOML; see README "Watching outlets").
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Poll every source once now, fetch what is new or due, deliver alerts, exit (for cron).
    #[arg(long)]
    once: bool,
    /// Show, per source, the last poll, the last new article, errors and the next poll.
    #[arg(long)]
    status: bool,
    /// With --status: one JSON object instead of a table.
    #[arg(long, requires = "status")]
    json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum AlertCmd {
    /// Save a watch list (used by `annalist watch` from its next round).
    /// Example: annalist alert add prk-rus-messages --dyad prk-Russia --type message
    Add {
        /// The list's name (what alerts are filed under).
        name: String,
        /// A search query (`putin AND treaty`).
        #[arg(long)]
        query: Option<String>,
        /// An entity id the article must mention (any of them); repeatable.
        #[arg(long = "entity")]
        entities: Vec<String>,
        /// An event type (message, visit, meeting, agreement …); repeatable.
        #[arg(long = "type")]
        event_types: Vec<String>,
        /// A pair of states `prk-rus` (either direction); repeatable.
        #[arg(long = "dyad")]
        dyads: Vec<String>,
    },
    /// List saved watch lists. Example: annalist alert list
    List,
    /// Delete a saved watch list.
    /// Example: annalist alert remove prk-rus-messages
    Remove {
        /// The saved list's name.
        name: String,
    },
}

pub fn watch(data: &Path, kb_files: &[PathBuf], args: WatchArgs) -> anyhow::Result<ExitCode> {
    if args.status {
        return status(data, args.json);
    }
    let Some(path) = args.config else {
        bail!("--config FILE is needed to watch (or --status to see the last polls)");
    };
    let cfg = Config::load(&path)?;
    if cfg.sources.is_empty() {
        bail!("{}: no [[source]] to watch", path.display());
    }
    let kb = crate::events::load_kb(kb_files)?;
    let watcher = Watcher::open(data, cfg, kb)?;
    // One thread is plenty: the work is waiting on the network and the timer.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let round = rt.block_on(watcher.run(args.once, async {
        let _ = tokio::signal::ctrl_c().await;
    }))?;
    eprintln!(
        "sources polled {}, fetched {}, not modified {}, errors {}, new {}, new versions {}, gone {}, alerts {}",
        round.sources,
        round.fetched,
        round.not_modified,
        round.errors,
        round.new,
        round.versions,
        round.gone,
        round.alerts
    );
    Ok(if args.once && round.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn status(data: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let layout = annalist_archive::Layout::new(data);
    let dir = layout.watch();
    if !layout.watch_state().exists() {
        bail!("nothing watched yet in {} (run `annalist watch --config FILE`)", data.display());
    }
    let state = State::open(&dir)?;
    let rows = state.status()?;
    let (alerts, pending) = state.alert_count()?;
    if json {
        println!("{}", serde_json::json!({"sources": rows, "alerts": alerts, "alerts_pending": pending}));
        return Ok(ExitCode::SUCCESS);
    }
    let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    println!(
        "{:<20} {:<20} {:<20} {:<20} {:>6} {:>5} {:>6}  last error",
        "source", "last poll", "last new article", "next poll", "pages", "gone", "errors"
    );
    for r in &rows {
        println!(
            "{:<20} {:<20} {:<20} {:<20} {:>6} {:>5} {:>6}  {}",
            r.name,
            dash(&r.last_poll),
            dash(&r.last_new),
            dash(&r.next_poll),
            r.pages,
            r.gone,
            format!("{}/{}", r.errors, r.errors_total),
            dash(&r.last_error)
        );
        if r.pages_failing > 0 {
            println!("    {} page(s) failing:", r.pages_failing);
            for e in &r.page_errors {
                println!("      {e}");
            }
        }
    }
    println!("alerts: {alerts} fired, {pending} waiting for delivery");
    Ok(ExitCode::SUCCESS)
}

pub fn alert(data: &Path, kb_files: &[std::path::PathBuf], cmd: AlertCmd) -> anyhow::Result<ExitCode> {
    let state =
        State::open(&annalist_archive::Layout::new(data).watch()).context("opening the watcher's state")?;
    match cmd {
        AlertCmd::Add { name, query, entities, event_types, dyads } => {
            let mut w = WatchSpec { name, query, entities, event_types, dyads };
            w.validate()?;
            // Saved as codes: `prk-Russia` is kept as `prk-rus`.
            let kb = crate::events::load_kb(kb_files)?;
            w.dyads = w.state_pairs(&kb)?.into_iter().map(|(a, b)| format!("{a}-{b}")).collect();
            state.save_watch(&w)?;
            println!("saved watch list {:?}", w.name);
        }
        AlertCmd::List => {
            for w in state.watches()? {
                println!("{}", serde_json::to_string(&w)?);
            }
        }
        AlertCmd::Remove { name } => {
            if !state.remove_watch(&name)? {
                eprintln!("annalist: no saved watch list {name:?}");
                return Ok(ExitCode::from(1));
            }
            println!("removed watch list {name:?}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct FeedArgs {
    /// A search query (see README "Searching").
    #[arg(required_unless_present = "watch", allow_hyphen_values = true)]
    query: Option<String>,
    /// Use the query of a saved watch list instead.
    #[arg(long, conflicts_with = "query")]
    watch: Option<String>,
    /// Entries in the feed (newest first).
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Where the server runs, for the entries' links.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base_url: String,
}

/// `annalist feed`: the Atom feed of a search on standard output.
pub fn feed(data: &Path, args: FeedArgs) -> anyhow::Result<ExitCode> {
    let query = match (&args.query, &args.watch) {
        (Some(q), _) => q.clone(),
        (None, Some(name)) => {
            let state = State::open(&annalist_archive::Layout::new(data).watch())?;
            let w = state.watches()?.into_iter().find(|w| &w.name == name);
            match w.and_then(|w| w.query) {
                Some(q) => q,
                None => bail!("no saved watch list {name:?} with a query"),
            }
        }
        (None, None) => bail!("give a query or --watch NAME"),
    };
    let store = crate::report::open_store(data)?;
    let ix = annalist_pipeline::Indexer::open(data, &store)?;
    crate::search::note_lag(&ix, &store);
    if args.limit == 0 || args.limit > annalist_serve::feed::MAX_ENTRIES {
        bail!("--limit: between 1 and {}", annalist_serve::feed::MAX_ENTRIES);
    }
    let budget = std::sync::Arc::new(annalist_index::Budget::standard());
    match annalist_serve::feed::atom(&ix.index, &query, &args.base_url, args.limit, &budget) {
        Ok(xml) => {
            println!("{xml}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("annalist: {e}");
            Ok(ExitCode::from(2))
        }
    }
}
