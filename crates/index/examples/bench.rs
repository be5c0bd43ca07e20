//! End-to-end search benchmark: write a synthetic corpus, index it (timed), report the
//! index size, run the query mix and print p50/p95/p99/qps.
//!
//! ```text
//! cargo run --release -p annalist-index --example bench -- --articles 1000000
//!     [--dir DIR] [--rounds 50] [--heap-mb 1024] [--threads 2] [--commit-every 100000]
//!     [--seed 1] [--reuse] [--no-merge]
//! ```
//!
//! `--reuse` keeps an existing corpus file and index of the right size (search only).

use std::path::PathBuf;
use std::time::Instant;

use annalist_index::bench::{self, BenchReport};
use annalist_index::{Index, IndexOptions, SearchRequest, Sort};

struct Args {
    articles: usize,
    dir: PathBuf,
    rounds: usize,
    heap_mb: usize,
    threads: usize,
    commit_every: usize,
    seed: u64,
    reuse: bool,
    merge: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        articles: 100_000,
        dir: PathBuf::new(),
        rounds: 50,
        heap_mb: 1024,
        threads: 2,
        commit_every: 100_000,
        seed: 1,
        reuse: false,
        merge: true,
    };
    let mut dir = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--articles" => a.articles = val().parse().expect("--articles N"),
            "--dir" => dir = Some(PathBuf::from(val())),
            "--rounds" => a.rounds = val().parse().expect("--rounds N"),
            "--heap-mb" => a.heap_mb = val().parse().expect("--heap-mb N"),
            "--threads" => a.threads = val().parse().expect("--threads N"),
            "--commit-every" => a.commit_every = val().parse().expect("--commit-every N"),
            "--seed" => a.seed = val().parse().expect("--seed N"),
            "--reuse" => a.reuse = true,
            "--no-merge" => a.merge = false,
            other => panic!("unknown argument {other}"),
        }
    }
    a.dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("annalist-bench-{}", a.articles)));
    a
}

fn print_report(label: &str, r: &BenchReport) {
    println!(
        "{label:<28} {:>6} queries  p50 {:>7.3} ms  p95 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.2} ms  mean {:>6.3} ms  {:>7.0} qps",
        r.queries, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms, r.mean_ms, r.qps
    );
    println!(
        "{:<28} cpu time of the search thread: p50 {:>7.3} ms  p95 {:>7.3} ms  p99 {:>7.3} ms",
        "", r.cpu_p50_ms, r.cpu_p95_ms, r.cpu_p99_ms
    );
}

fn main() {
    let a = parse_args();
    std::fs::create_dir_all(&a.dir).expect("create bench dir");
    let corpus = a.dir.join(format!("corpus-{}-{}.jsonl", a.articles, a.seed));
    let shared = PathBuf::from("/work/shared/corpora");
    let sources = vec![shared.join("headlines-1997-2014.jsonl.gz"), shared.join("kcna_2011.jsonl.gz")];
    if !(a.reuse && corpus.exists()) {
        let t = Instant::now();
        bench::write_corpus(&sources, a.articles, &corpus, a.seed).expect("write corpus");
        let size = std::fs::metadata(&corpus).map(|m| m.len()).unwrap_or(0);
        println!(
            "corpus: {} articles, {:.1} MB, written in {:.1} s -> {}",
            a.articles,
            size as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            corpus.display()
        );
    }

    let ix_dir = a.dir.join("index");
    let opts = IndexOptions { writer_heap_bytes: a.heap_mb << 20, writer_threads: a.threads, merge: a.merge };
    let mut index = Index::open_with(&ix_dir, opts).expect("open index");
    if !(a.reuse && index.num_docs() == a.articles as u64) {
        index.clear().expect("clear");
        let r = bench::index_corpus(&mut index, &corpus, a.commit_every).expect("index corpus");
        println!(
            "indexing: {} articles in {:.1} s = {:.0} articles/s (with merges settled: {:.1} s); {} segments",
            r.articles, r.index_secs, r.articles_per_sec, r.total_secs, r.segments
        );
    }
    println!(
        "index: {} docs, {:.1} MB on disk ({:.0} bytes/article), {} segments",
        index.num_docs(),
        index.size_bytes() as f64 / 1e6,
        index.size_bytes() as f64 / index.num_docs().max(1) as f64,
        index.num_segments()
    );

    let queries = bench::query_mix();
    let r = bench::run(&index, &queries, a.rounds);
    print_report("top-10 relevance", &r);
    println!("  (sum of totals over the mix: {})", r.matches_per_round);
    let with = |snippets, facets, sort| SearchRequest {
        query: String::new(),
        limit: 10,
        offset: 0,
        sort,
        facets,
        snippets,
    };
    let r = bench::run_with(&index, &queries, a.rounds / 2, &with(true, false, Sort::Relevance));
    print_report("top-10 relevance+snippets", &r);
    let r = bench::run_with(&index, &queries, a.rounds / 5, &with(true, true, Sort::Relevance));
    print_report("+snippets+facets", &r);
    let r = bench::run_with(&index, &queries, a.rounds / 5, &with(false, false, Sort::DateDesc));
    print_report("top-10 newest first", &r);

    // Per-query detail (median of 5) to see what dominates the tail.
    println!("per query (median of 5 runs, wall and thread cpu, top-10 relevance, no snippets):");
    let mut req = with(false, false, Sort::Relevance);
    for q in &queries {
        req.query.clone_from(q);
        let mut t = Vec::new();
        let mut c = Vec::new();
        let mut total = 0;
        for _ in 0..5 {
            let c0 = bench::thread_cpu_ms();
            let s = Instant::now();
            total = index.search(&req).map(|r| r.total).unwrap_or(0);
            t.push(s.elapsed().as_secs_f64() * 1e3);
            c.push(bench::thread_cpu_ms() - c0);
        }
        t.sort_by(f64::total_cmp);
        c.sort_by(f64::total_cmp);
        println!("  {:>8.3} ms (cpu {:>8.3} ms) {:>9} hits  {q}", t[2], c[2], total);
    }
}
