//! Runs one query against an index, N times, and prints the median latency and the
//! first hits (for profiling and poking at an index).
//!
//! `cargo run --release -p annalist-index --example search -- DIR QUERY [N]`
use std::path::Path;
use std::time::Instant;

use annalist_index::{Index, SearchRequest};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let index = Index::open(Path::new(&args[0])).expect("open");
    let n: usize = args.get(2).map_or(20, |s| s.parse().expect("N"));
    let req = SearchRequest::new(args[1].clone());
    let mut t = Vec::new();
    let mut last = None;
    for _ in 0..n {
        let s = Instant::now();
        last = Some(index.search(&req));
        t.push(s.elapsed().as_secs_f64() * 1e3);
    }
    t.sort_by(f64::total_cmp);
    match last.expect("n > 0") {
        Ok(r) => {
            println!("{} hits, median {:.3} ms", r.total, t[t.len() / 2]);
            for h in r.hits.iter().take(3) {
                println!("  {} {:.2} {} | {}", h.article, h.score, h.title, h.snippet);
            }
        }
        Err(e) => println!("{e}\n{}", e.caret_line(&req.query)),
    }
}
