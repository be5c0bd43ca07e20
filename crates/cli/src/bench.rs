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
    /// Example: annalist bench ingest ../shared/corpora/kcna_2011.jsonl.gz --runs 3 --baseline docs/bench-baseline.json
    Ingest {
        /// Captures to ingest (files or directories).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Extraction and storage only.
        #[arg(long)]
        no_understand: bool,
        /// Keep the archive here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
        /// Measure this many times (each: the reference workload, then the ingest
        /// into a fresh archive); the median ratio is compared.
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Compare with the ratio recorded in this file (docs/bench-baseline.json):
        /// exit 1 when the ingest is slower, relative to the reference workload
        /// measured in the same run, by more than --tolerance.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Write this run's figures to the file as the new baseline.
        #[arg(long)]
        record: Option<PathBuf>,
        /// Allowed slow-down of the ratio before --baseline fails (0.40 = 40 %).
        #[arg(long, default_value_t = 0.40)]
        tolerance: f64,
    },
    /// Write a realistic synthetic corpus (JSON Lines) assembled from real
    /// paragraphs of the KCNA corpora: unique bodies, 30 years, several outlets.
    /// Example: annalist bench corpus --articles 1000000 --out scale.jsonl
    Corpus {
        /// How many articles to write.
        #[arg(long)]
        articles: usize,
        /// The JSON Lines file to write.
        #[arg(long)]
        out: PathBuf,
        /// Source corpora (default: ../shared/corpora/*.jsonl.gz).
        #[arg(long = "from")]
        from: Vec<PathBuf>,
        /// Seed of the pseudo-random choices (the same seed, the same corpus).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Replay the fixed query mix against the archive's index (top 10 by relevance,
    /// one thread) and report p50/p95/p99 latency and queries/s.
    /// Example: annalist bench search --rounds 20
    Search {
        /// How many times the whole mix is replayed.
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
        BenchCmd::Ingest { paths, no_understand, keep, runs, baseline, record, tolerance } => {
            let guard = Guard { runs: runs.max(1), baseline, record, tolerance };
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
            let mut ratios = Vec::new();
            let mut firsts = Vec::new();
            let mut refs = Vec::new();
            for run in 0..guard.runs {
                let reference = guard::reference_workload(&paths)?;
                if run > 0 {
                    std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
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
                    if pass == "first" {
                        firsts.push(secs);
                        refs.push(reference);
                        ratios.push(secs / reference);
                    }
                }
            }
            guard.finish(&ratios, &firsts, &refs, !no_understand, &paths)
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

/// The regression guard of `bench ingest`: the ingest's time as a ratio to a
/// reference workload measured in the same run, compared with a recorded ratio, so
/// that a slower or busier machine does not read as a regression of the code.
struct Guard {
    runs: usize,
    baseline: Option<PathBuf>,
    record: Option<PathBuf>,
    tolerance: f64,
}

impl Guard {
    fn finish(
        &self,
        ratios: &[f64],
        firsts: &[f64],
        refs: &[f64],
        understanding: bool,
        paths: &[PathBuf],
    ) -> anyhow::Result<ExitCode> {
        let ratio = guard::median(ratios);
        let workload = paths
            .iter()
            .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ");
        let now = guard::Figures {
            workload,
            understanding,
            ratio,
            ingest_secs: guard::median(firsts),
            reference_secs: guard::median(refs),
            runs: ratios.len(),
        };
        println!(
            "ratio: ingest {:.2} s / reference {:.3} s = {ratio:.2} (median of {} run(s))",
            now.ingest_secs, now.reference_secs, now.runs
        );
        let mut code = ExitCode::SUCCESS;
        if let Some(path) = &self.baseline {
            let base = guard::Figures::read(path)?;
            if base.workload != now.workload || base.understanding != now.understanding {
                anyhow::bail!(
                    "{}: recorded for {} (understanding {}), not {} (understanding {})",
                    path.display(),
                    base.workload,
                    if base.understanding { "on" } else { "off" },
                    now.workload,
                    if now.understanding { "on" } else { "off" }
                );
            }
            let change = ratio / base.ratio - 1.0;
            let ok = change <= self.tolerance;
            println!(
                "baseline {}: ratio {:.2} → {ratio:.2} ({:+.1} %; the limit is +{:.0} %): {}",
                path.display(),
                base.ratio,
                change * 100.0,
                self.tolerance * 100.0,
                if ok { "ok" } else { "REGRESSION" }
            );
            if !ok {
                code = ExitCode::from(1);
            }
        }
        if let Some(path) = &self.record {
            now.write(path)?;
            println!("recorded as the baseline in {}", path.display());
        }
        Ok(code)
    }
}

mod guard {
    //! The reference workload and the recorded figures. The workload does what ingest
    //! does to a machine without annalist's code: reads and inflates the same input,
    //! splits it into words, hashes and sorts them on every core, so that its time
    //! moves with the machine's speed and load and not with this repository's changes.

    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    use anyhow::Context;

    /// The figures of one guarded run, as recorded in docs/bench-baseline.json.
    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    pub struct Figures {
        pub workload: String,
        pub understanding: bool,
        /// Ingest seconds per reference second.
        pub ratio: f64,
        pub ingest_secs: f64,
        pub reference_secs: f64,
        pub runs: usize,
    }

    impl Figures {
        pub fn read(path: &Path) -> anyhow::Result<Figures> {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a recorded baseline", path.display()))
        }

        pub fn write(&self, path: &Path) -> anyhow::Result<()> {
            let text = serde_json::to_string_pretty(self)? + "\n";
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
    }

    pub fn median(v: &[f64]) -> f64 {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    }

    /// Seconds the reference workload takes on `paths`: their text inflated a MiB at
    /// a time, each batch of MiBs split into words, hashed, sorted and hashed again on
    /// every core, eight times over (long enough, about a quarter of the ingest, that
    /// timer and thread start-up are lost in it). A few MiB of memory, so that the
    /// peak RSS reported stays the ingest's.
    pub fn reference_workload(paths: &[PathBuf]) -> anyhow::Result<f64> {
        const CHUNK: usize = 1 << 20;
        const PASSES: usize = 8;
        let t = Instant::now();
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let mut acc = 0u64;
        let mut files = Vec::new();
        for p in paths {
            files_below(p, &mut files)?;
        }
        for p in files.iter().cycle().take(files.len() * PASSES) {
            let f = std::fs::File::open(p).with_context(|| format!("{}", p.display()))?;
            let mut r: Box<dyn Read> = if p.to_string_lossy().ends_with(".gz") {
                Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(f)))
            } else {
                Box::new(std::io::BufReader::new(f))
            };
            loop {
                let mut batch: Vec<Vec<u8>> = Vec::with_capacity(cores);
                for _ in 0..cores {
                    let mut buf = Vec::with_capacity(CHUNK);
                    (&mut r).take(CHUNK as u64).read_to_end(&mut buf)?;
                    if buf.is_empty() {
                        break;
                    }
                    batch.push(buf);
                }
                if batch.is_empty() {
                    break;
                }
                acc = acc.wrapping_add(std::thread::scope(|s| {
                    let handles: Vec<_> = batch.iter().map(|b| s.spawn(move || chunk_work(b))).collect();
                    handles.into_iter().map(|h| h.join().unwrap_or(0)).fold(0u64, u64::wrapping_add)
                }));
            }
        }
        std::hint::black_box(acc);
        Ok(t.elapsed().as_secs_f64())
    }

    /// The files at or below `p`, in name order.
    fn files_below(p: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("{}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                files_below(&e, out)?;
            }
        } else if p.is_file() {
            out.push(p.to_path_buf());
        }
        Ok(())
    }

    fn chunk_work(text: &[u8]) -> u64 {
        let mut keyed: Vec<(u64, &[u8])> =
            text.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).map(|w| (fnv(w), w)).collect();
        keyed.sort_unstable();
        keyed.dedup_by_key(|k| k.0);
        let mut acc = 0u64;
        for round in 0..3u32 {
            for (h, w) in &keyed {
                acc = acc.wrapping_add(fnv(w) ^ h.rotate_left(round));
            }
        }
        acc
    }

    fn fnv(w: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in w {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
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
