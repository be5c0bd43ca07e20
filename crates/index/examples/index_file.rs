//! Indexes a corpus file into a fresh index and prints the rate (for profiling).
//!
//! `cargo run --release -p annalist-index --example index_file -- CORPUS DIR [HEAP_MB] [THREADS]`
use std::path::PathBuf;

use annalist_index::{Index, IndexOptions, bench};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpus = PathBuf::from(&args[0]);
    let dir = PathBuf::from(&args[1]);
    let heap_mb: usize = args.get(2).map_or(1024, |s| s.parse().expect("HEAP_MB"));
    let threads: usize = args.get(3).map_or(2, |s| s.parse().expect("THREADS"));
    let _ = std::fs::remove_dir_all(&dir);
    let opts = IndexOptions { writer_heap_bytes: heap_mb << 20, writer_threads: threads, merge: true };
    let mut index = Index::open_with(&dir, opts).expect("open");
    let r = bench::index_corpus(&mut index, &corpus, 100_000).expect("index");
    println!("{r:?}");
}
