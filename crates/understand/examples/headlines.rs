//! The headline self-check (docs/ACCURACY.md, "corpus-scale check"): KCNA headlines
//! state the main event ("… Flayed", "Greetings to …", "… Praised", "Delegation
//! Arrives"); over a corpus, the share of articles whose headline names an event type
//! and whose body has an asserted event of that type is a recall signal no gold set
//! gives.
//!
//! The figures are split by record index (0-based line of the corpus): odd records are
//! the ones studied while writing rules, even records are never read and only counted.
//! The records of the gold-dev2 holdout (`index % 3 == 2` of gold-dev2.jsonl) are left
//! out of the odd half, so studying it never shows their text.
//!
//! Usage: `cargo run --release -p annalist-understand --example headlines --
//!         [CORPUS.jsonl.gz] [--shared DIR] [--misses TYPE] [--max N]`
//! `--misses TYPE` prints the headlines (and line numbers, 1-based) of odd records of
//! that type whose body has no such event; never of even records.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};

use annalist_model::{Article, Date, EventStatus};
use annalist_understand::{Kb, understand};
use regex::Regex;
use serde_json::Value;

/// Per event type, the headline words that state it.
const TYPES: &[(&str, &str)] = &[
    (
        "criticism",
        r"(?i)\b(?:flayed|slammed|blasted|denounced|condemned|censured|accused|assailed|rapped|decried|lambasted|derided|ridiculed|rebuked|criticized|under\s+fire|flailed|castigated|lashed|chided|pilloried|denounces?|flays|slams|blasts|condemns?|accuses|censures|rebukes)\b",
    ),
    ("praise", r"(?i)\b(?:praised|lauded|hailed|extolled|acclaimed|admired|praises?|lauds|hails|extols)\b"),
    (
        "message",
        r"(?i)\b(?:greetings|messages?|congratulat\w*|condolences?|letters?|reply|replies|floral\s+baskets?|wreaths?|sympathy)\b",
    ),
    ("meeting", r"(?i)\b(?:meets|met|talks|receives|received|calls\s+on|courtesy\s+call)\b"),
    ("visit", r"(?i)\b(?:arrives?|leaves|visits?|returns?\s+home|back\s+home)\b"),
    ("reception", r"(?i)\b(?:reception|banquet)\b"),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |n: &str| args.iter().position(|a| a == n).and_then(|i| args.get(i + 1).cloned());
    let shared = flag("--shared").unwrap_or_else(|| "/work/shared".into());
    let corpus = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| format!("{shared}/corpora/kcna_2011.jsonl.gz"));
    let misses = flag("--misses");
    let max: usize = flag("--max").and_then(|m| m.parse().ok()).unwrap_or(usize::MAX);
    let holdout = holdout_lines(&shared);
    let res: Vec<(&str, Regex)> = TYPES.iter().map(|(t, r)| (*t, Regex::new(r).expect("type"))).collect();
    let kb = Kb::builtin().expect("kb");
    // [type][half] = (headlines, with an event of that type)
    let mut counts = vec![[(0usize, 0usize); 2]; TYPES.len()];
    let mut shown = 0;
    let f = std::fs::File::open(&corpus).expect("corpus");
    for (i, line) in BufReader::new(flate2::read::GzDecoder::new(f)).lines().enumerate() {
        let Ok(v) = serde_json::from_str::<Value>(&line.expect("line")) else { continue };
        if v["language"].as_str().unwrap_or("en") != "en" {
            continue;
        }
        let odd = i % 2 == 1;
        if odd && holdout.contains(&(i + 1)) {
            continue;
        }
        let title = v["title"].as_str().unwrap_or("");
        let kinds: Vec<usize> =
            res.iter().enumerate().filter(|(_, (_, r))| r.is_match(title)).map(|(k, _)| k).collect();
        if kinds.is_empty() {
            continue;
        }
        let u = understand(&kb, &article(&v));
        for k in kinds {
            let hit =
                u.events.iter().any(|e| e.status == EventStatus::Asserted && e.kind.as_str() == res[k].0);
            let c = &mut counts[k][usize::from(odd)];
            c.0 += 1;
            c.1 += usize::from(hit);
            if odd && !hit && misses.as_deref() == Some(res[k].0) && shown < max {
                shown += 1;
                println!("{} {title}", i + 1);
            }
        }
    }
    if misses.is_some() {
        return;
    }
    println!("{:<10} {:>22} {:>22}", "type", "odd (studied)", "even (never read)");
    let cell = |(n, h): (usize, usize)| format!("{:.3} ({h}/{n})", h as f64 / n.max(1) as f64);
    for (k, (t, _)) in TYPES.iter().enumerate() {
        println!("{t:<10} {:>22} {:>22}", cell(counts[k][1]), cell(counts[k][0]));
    }
    let sum = |h: usize| counts.iter().fold((0, 0), |a, c| (a.0 + c[h].0, a.1 + c[h].1));
    println!("{:<10} {:>22} {:>22}", "all", cell(sum(1)), cell(sum(0)));
}

/// The 1-based corpus lines of the gold-dev2 holdout.
fn holdout_lines(shared: &str) -> HashSet<usize> {
    let Ok(text) = std::fs::read_to_string(format!("{shared}/eval/gold-dev2.jsonl")) else {
        return HashSet::new();
    };
    text.lines()
        .enumerate()
        .filter(|(i, _)| i % 3 == 2)
        .filter_map(|(_, l)| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["doc"].as_str()?.strip_prefix("kcna_2011.jsonl.gz#")?.parse().ok())
        .collect()
}

fn article(v: &Value) -> Article {
    Article {
        title: v["title"].as_str().map(String::from),
        outlet: Some("KCNA".into()),
        published: v["date"].as_str().and_then(|d| d.parse::<Date>().ok()),
        paragraphs: v["paragraphs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str())
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        ..Default::default()
    }
}
