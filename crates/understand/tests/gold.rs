//! Events and entities scored with ../shared/eval/score.py on seeds + gold-dev +
//! gold-dev2 (the sets the issues name), through the same harness as
//! `cargo run -p annalist-understand --example eval`. The floors are the figures
//! measured when they were set, less a small margin: a change that loses accuracy on
//! these 105 documents fails here. Skipped when ../shared or python3 is missing.

#[allow(dead_code)]
#[path = "../examples/eval.rs"]
mod eval;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use annalist_understand::{Kb, understand};

#[test]
fn gold_sets_meet_their_floors() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if !shared.join("eval/gold-dev2.jsonl").exists() {
        eprintln!("{} has no eval/gold-dev2.jsonl; skipping", shared.display());
        return;
    }
    let dir = std::env::temp_dir().join(format!("annalist-gold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pred, gold) = (dir.join("pred.jsonl"), dir.join("gold.jsonl"));
    let kb = Kb::builtin().unwrap();
    let mut w = std::fs::File::create(&pred).unwrap();
    for (doc, art) in eval::load_docs(&shared) {
        writeln!(w, "{}", eval::export(&doc, &art, &understand(&kb, &art))).unwrap();
    }
    let mut g = String::new();
    for f in ["gold-seeds.jsonl", "gold-dev.jsonl", "gold-dev2.jsonl"] {
        g.push_str(&std::fs::read_to_string(shared.join("eval").join(f)).unwrap());
        if !g.ends_with('\n') {
            g.push('\n');
        }
    }
    std::fs::write(&gold, g).unwrap();
    let Ok(out) = Command::new("python3")
        .arg(shared.join("eval/score.py"))
        .arg(&gold)
        .arg(&pred)
        .arg("--json")
        .output()
    else {
        eprintln!("python3 not found; skipping");
        return;
    };
    assert!(out.status.success(), "score.py: {}", String::from_utf8_lossy(&out.stderr));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let f1 = |k: &str| s[k]["f1"].as_f64().unwrap();
    let inferred = s["events_inferred_recall"]["recall"].as_f64().unwrap();
    eprintln!(
        "seeds+gold-dev+gold-dev2: events_dyad {:.3}, events_strict {:.3}, entities_core {:.3}, inferred recall {inferred:.3}",
        f1("events_dyad"),
        f1("events_strict"),
        f1("entities_core")
    );
    assert_eq!(s["missing_documents"], 0, "{s:#}");
    assert!(f1("entities_core") >= FLOOR_ENTITIES_CORE, "{s:#}");
    assert!(f1("events_dyad") >= FLOOR_DYAD, "{s:#}");
    assert!(f1("events_strict") >= FLOOR_STRICT, "{s:#}");
    assert!(inferred >= FLOOR_INFERRED, "{s:#}");
}

// Measured at the commit that set them (see docs/ACCURACY.md); the targets are
// 0.90 / 0.80 / 0.95 / 0.80.
// Measured 0.658 / 0.534 / 0.970 / 0.419 when first set; raised at issue 10's second
// pass (branch understand2), measured 0.673 / 0.537 / 0.970 / 0.419; raised at the
// third pass (branch wave3-understand), measured 0.829 / 0.655 / 0.973 / 0.645; raised at
// the fifth pass (branch wave6-understand), measured 0.838 / 0.665 / 0.974 / 0.645.
const FLOOR_DYAD: f64 = 0.83;
const FLOOR_STRICT: f64 = 0.65;
const FLOOR_ENTITIES_CORE: f64 = 0.95;
const FLOOR_INFERRED: f64 = 0.62;
