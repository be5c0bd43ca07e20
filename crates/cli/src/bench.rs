//! `annalist bench`: the benchmarks whose figures are recorded in
//! docs/BENCHMARKS.md. Performance targets live here, not in timed unit tests.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use annalist_pipeline::{Indexer, Options, ingest_paths};
use annalist_store::Store;
use anyhow::Context;

#[derive(clap::Subcommand, Debug)]
pub enum BenchCmd {
    /// Ingest PATHs into a fresh temporary archive, then again (nothing new);
    /// report wall time, records/s and peak memory of each pass.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Extraction and storage only.
        #[arg(long)]
        no_understand: bool,
        /// Keep the archive here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Write a realistic synthetic corpus (JSON Lines) assembled from real
    /// paragraphs of the KCNA corpora: unique bodies, 30 years, several outlets.
    Corpus {
        #[arg(long)]
        articles: usize,
        #[arg(long)]
        out: PathBuf,
        /// Source corpora (default: ../shared/corpora/*.jsonl.gz).
        #[arg(long = "from")]
        from: Vec<PathBuf>,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Replay the fixed query mix against the archive's index (top 10 by relevance,
    /// one thread) and report p50/p95/p99 latency and queries/s.
    Search {
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
}

/// Peak resident set size of this process so far, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn bench(data: &Path, kb_files: &[PathBuf], cmd: BenchCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCmd::Ingest { paths, no_understand, keep } => {
            let tmp = tempfile::tempdir()?;
            let dir = keep.unwrap_or_else(|| tmp.path().join("data"));
            let t = Instant::now();
            let kb = if no_understand { None } else { Some(crate::events::load_kb(kb_files)?) };
            let kb_secs = t.elapsed().as_secs_f64();
            println!(
                "machine: {} cores · understanding {}",
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
                if no_understand { "off" } else { "on" }
            );
            if kb.is_some() {
                println!("knowledge base loaded in {kb_secs:.3}s");
            }
            for pass in ["first", "again"] {
                let t = Instant::now();
                let mut store = Store::open(&dir)?;
                let mut index = Indexer::open(&dir, &store)?;
                let tally = ingest_paths(
                    &mut store,
                    kb.as_ref(),
                    Some(&mut index),
                    &paths,
                    &Options::default(),
                    &annalist_pipeline::Quiet,
                )?
                .tally;
                let secs = t.elapsed().as_secs_f64();
                println!(
                    "{pass:>5}: read {} new {} failed {} in {secs:.2}s = {:.0} records/s · peak RSS {:.0} MB",
                    tally.read,
                    tally.new,
                    tally.failed,
                    tally.read as f64 / secs,
                    peak_rss_kib().unwrap_or(0) as f64 / 1024.0
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BenchCmd::Corpus { articles, out, from, seed } => {
            let sources = if from.is_empty() { default_sources()? } else { from };
            let t = Instant::now();
            annalist_index::bench::write_corpus(&sources, articles, &out, seed)?;
            println!("wrote {articles} articles to {} in {:.1}s", out.display(), t.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        BenchCmd::Search { rounds } => {
            let store = crate::report::open_store(data)?;
            let ix = Indexer::open(data, &store)?;
            let queries = annalist_index::bench::query_mix();
            let r = annalist_index::bench::run(&ix.index, &queries, rounds);
            println!(
                "{} articles · {} queries × {rounds} rounds · p50 {:.2} ms · p95 {:.2} ms · p99 {:.2} ms · max {:.2} ms · {:.0} queries/s",
                ix.index.num_docs(),
                queries.len(),
                r.p50_ms,
                r.p95_ms,
                r.p99_ms,
                r.max_ms,
                r.qps
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn default_sources() -> anyhow::Result<Vec<PathBuf>> {
    let dir = PathBuf::from("../shared/corpora");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("{}: pass --from FILE", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.gz"))
        .collect();
    v.sort();
    Ok(v)
}
