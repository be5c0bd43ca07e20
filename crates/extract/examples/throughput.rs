//! Records per second for ingest + extract over a dataset (default: the 2011 KCNA corpus).
//!
//! `cargo run --release -p annalist-extract --example throughput [FILE]`

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use annalist_extract::{ExtractOptions, extract};
use annalist_ingest::{ReadOptions, read_file};

fn default_corpus() -> Option<PathBuf> {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    loop {
        let cand = dir.join("shared/corpora/kcna_2011.jsonl.gz");
        if cand.is_file() {
            return Some(cand);
        }
        if !dir.pop() {
            return None;
        }
    }
}

fn main() {
    let path =
        std::env::args_os().nth(1).map(PathBuf::from).or_else(default_corpus).expect("give a dataset path");
    let opts = ExtractOptions::default();
    let (mut ok, mut failed, mut paragraphs) = (0u64, 0u64, 0usize);
    let mut langs: std::collections::BTreeMap<(Option<String>, Option<String>), u64> = Default::default();
    let mut extract_time = std::time::Duration::ZERO;
    let start = Instant::now();
    let summary = read_file(&path, &ReadOptions::default(), &mut |u| {
        match u {
            Ok(unit) => {
                let t = Instant::now();
                let r = extract(&unit, &opts);
                extract_time += t.elapsed();
                match r {
                    Ok(a) => {
                        ok += 1;
                        paragraphs += a.paragraphs.len();
                        *langs.entry((a.language_label.clone(), a.language.clone())).or_default() += 1;
                    }
                    Err(_) => failed += 1,
                }
            }
            Err(_) => failed += 1,
        }
        ControlFlow::Continue(())
    });
    let secs = start.elapsed().as_secs_f64();
    println!("{}: {summary:?}", path.display());
    println!("(label, detected) language counts: {langs:?}");
    println!(
        "{ok} articles ({paragraphs} paragraphs), {failed} failed in {secs:.2} s: {:.0} records/s; extract alone {:.1} µs/record",
        (ok + failed) as f64 / secs,
        extract_time.as_secs_f64() * 1e6 / (ok + failed).max(1) as f64
    );
}
