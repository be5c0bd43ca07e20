//! KB coverage: the share of gold person and country entities (gold-dev + seeds) whose
//! id the knowledge base knows, directly or as a spelling variant.
//!
//! Usage: `cargo run -p annalist-understand --example coverage [-- SHARED_DIR]`

use std::io::{BufRead, BufReader};

use annalist_understand::Kb;

fn main() {
    let shared = std::env::args().nth(1).unwrap_or_else(|| "/work/shared".into());
    let kb = Kb::builtin().expect("kb");
    let (mut known, mut total) = ([0usize; 2], [0usize; 2]);
    let mut missing: Vec<String> = Vec::new();
    for f in ["eval/gold-seeds.jsonl", "eval/gold-dev.jsonl"] {
        let file = std::fs::File::open(format!("{shared}/{f}")).expect("gold");
        for line in BufReader::new(file).lines() {
            let line = line.expect("line");
            let v: serde_json::Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(_) => continue,
            };
            if v["language"].as_str().unwrap_or("en") != "en" {
                continue;
            }
            for e in v["entities"].as_array().into_iter().flatten() {
                let k = match e["type"].as_str() {
                    Some("person") => 0,
                    Some("country") => 1,
                    _ => continue,
                };
                let id = e["id"].as_str().unwrap_or("");
                total[k] += 1;
                if kb.entity(id).is_some() {
                    known[k] += 1;
                } else {
                    missing.push(id.to_string());
                }
            }
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "KB coverage of gold person+country entities: {}/{} = {:.1}%",
        known[0] + known[1],
        total[0] + total[1],
        pct(known[0] + known[1], total[0] + total[1])
    );
    println!("  persons:   {}/{} = {:.1}%", known[0], total[0], pct(known[0], total[0]));
    println!("  countries: {}/{} = {:.1}%", known[1], total[1], pct(known[1], total[1]));
    missing.sort();
    missing.dedup();
    println!("  not in the KB (recognised from the text instead): {}", missing.join(", "));
}
