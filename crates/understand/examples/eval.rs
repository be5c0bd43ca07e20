//! Evaluation harness: runs `understand` over the gold-dev sample and the five seed
//! pages and writes predictions in the shape of ANNOTATION.md (Asserted events only).
//!
//! Usage: `cargo run --release -p annalist-understand --example eval -- OUT.jsonl
//!         [--shared DIR] [--speed CORPUS.jsonl.gz]`
//! With `--speed` it also reads a JSON Lines corpus (gzip) and reports articles/s of
//! building Articles + understanding them, single thread.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use annalist_model::{Article, Date, EventStatus, Understanding};
use annalist_understand::{Kb, understand};
use serde_json::{Value, json};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().cloned().unwrap_or_else(|| "/tmp/pred.jsonl".into());
    let shared = flag(&args, "--shared").unwrap_or_else(|| "/work/shared".into());
    let shared = PathBuf::from(shared);
    let kb = Kb::builtin().expect("kb");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out).expect("out"));
    for (doc, art) in load_docs(&shared) {
        let u = understand(&kb, &art);
        if let Ok(d) = std::env::var("DEBUG")
            && doc.contains(&d)
        {
            for m in &u.mentions {
                eprintln!("M {} {:?} {:?} {:?} {:?}", m.id, m.kind, m.country, m.surface, m.attributes);
            }
            for e in &u.events {
                eprintln!(
                    "E {:?} {:?} {:?}->{:?} {:?} {:?} {:?} {} [{}] {:?}",
                    e.status,
                    e.kind,
                    e.actor,
                    e.target,
                    e.target_country,
                    e.date,
                    e.place,
                    e.rule,
                    e.evidence,
                    e.occasion
                );
            }
            eprintln!("pub inferred: {:?}", u.published_inferred);
        }
        writeln!(w, "{}", export(&doc, &art, &u)).expect("write");
    }
    drop(w);
    eprintln!("wrote {out}");
    if let Some(corpus) = flag(&args, "--speed") {
        speed(&kb, Path::new(&corpus));
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// The gold-dev sample records and the five seed pages, as (doc name, Article).
pub fn load_docs(shared: &Path) -> Vec<(String, Article)> {
    let mut docs = Vec::new();
    let f = std::fs::File::open(shared.join("eval/sample-2011.jsonl")).expect("sample");
    for line in BufReader::new(f).lines() {
        let line = line.expect("line");
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).expect("json");
        docs.push((v["doc"].as_str().unwrap_or("").to_string(), record_article(&v)));
    }
    // gold records that name a corpus line ("kcna_2011.jsonl.gz#N") but are not in the
    // sample (gold-dev2): read those lines from the corpus
    let have: std::collections::HashSet<String> = docs.iter().map(|(d, _)| d.clone()).collect();
    let mut want: Vec<(usize, String)> = Vec::new();
    for g in ["eval/gold-dev.jsonl", "eval/gold-dev2.jsonl"] {
        let Ok(f) = std::fs::File::open(shared.join(g)) else { continue };
        for line in BufReader::new(f).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<Value>(&line) else { continue };
            let doc = v["doc"].as_str().unwrap_or("").to_string();
            if let Some(n) = doc.strip_prefix("kcna_2011.jsonl.gz#").and_then(|n| n.parse().ok())
                && !have.contains(&doc)
            {
                want.push((n, doc));
            }
        }
    }
    want.sort();
    if !want.is_empty()
        && let Ok(f) = std::fs::File::open(shared.join("corpora/kcna_2011.jsonl.gz"))
    {
        let mut it = want.iter().peekable();
        for (i, line) in BufReader::new(flate2::read::GzDecoder::new(f)).lines().enumerate() {
            let Some((n, doc)) = it.peek() else { break };
            if *n == i + 1 {
                let v: Value = serde_json::from_str(&line.expect("line")).expect("json");
                docs.push((doc.clone(), record_article(&v)));
                it.next();
            }
        }
    }
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(shared.join("seeds"))
        .expect("seeds")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".txt") && n.as_bytes().get(3) == Some(&b'_')
        })
        .collect();
    seeds.sort();
    for p in seeds {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&p).expect("seed");
        docs.push((name, seed_article(&text)));
    }
    docs
}

fn record_article(v: &Value) -> Article {
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

/// A crude split of a seed page (until `annalist_extract::extract` is available).
fn seed_article(text: &str) -> Article {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let nonempty: Vec<(usize, &str)> =
        lines.iter().enumerate().filter(|(_, l)| !l.is_empty()).map(|(i, l)| (i, *l)).collect();
    let date_line = nonempty.iter().position(|(_, l)| l.starts_with("Date: "));
    let end = lines.iter().position(|l| l.starts_with("More From")).unwrap_or(lines.len());
    let (title, published, start, outlet) = if let Some(k) = date_line {
        let (i, l) = nonempty[k];
        let d = l.trim_start_matches("Date: ").split(' ').next().unwrap_or("");
        let mut parts = d.split('/');
        let (dd, mm, yy) = (parts.next(), parts.next(), parts.next());
        let published = match (dd, mm, yy) {
            (Some(dd), Some(mm), Some(yy)) => format!("{yy}-{mm}-{dd}").parse::<Date>().ok(),
            _ => None,
        };
        let title = nonempty[k - 1].1.to_string();
        (Some(title), published, i + 1, Some("Ministry of Foreign Affairs (EN)".to_string()))
    } else if nonempty.len() > 2 && jiff::fmt::strtime::parse("%B %d, %Y", nonempty[1].1).is_ok() {
        let published =
            jiff::fmt::strtime::parse("%B %d, %Y", nonempty[1].1).ok().and_then(|t| t.to_date().ok());
        (Some(nonempty[0].1.to_string()), published, nonempty[1].0 + 1, None)
    } else {
        (None, None, 0, Some("Ministry of Foreign Affairs (EN)".to_string()))
    };
    let paragraphs = lines[start..end]
        .iter()
        .filter(|l| !l.is_empty() && **l != "NK News is hiring")
        .map(|l| l.to_string())
        .collect();
    Article { title, outlet, published, paragraphs, ..Default::default() }
}

/// One prediction line.
pub fn export(doc: &str, art: &Article, u: &Understanding) -> Value {
    let entities: Vec<Value> = u
        .entities()
        .iter()
        .map(|m| json!({"id": m.id, "type": m.kind.as_str(), "country": m.country, "surface": m.surface}))
        .collect();
    let events: Vec<Value> = u
        .events
        .iter()
        .filter(|e| e.status == EventStatus::Asserted)
        .map(|e| {
            json!({
                "type": e.kind.as_str(), "actor": e.actor, "actor_country": e.actor_country,
                "target": e.target, "target_country": e.target_country,
                "date": e.date.map(|d| d.to_string()), "date_end": e.date_end.map(|d| d.to_string()),
                "place": e.place, "occasion": e.occasion, "evidence": e.evidence,
                "inferred": e.inferred, "rule": e.rule,
            })
        })
        .collect();
    json!({
        "doc": doc,
        "article": {
            "title": art.title, "outlet": art.outlet,
            "published": art.published.map(|d| d.to_string()),
            "captured": art.captured.map(|d| d.to_string()),
            "body": art.body(),
        },
        "entities": entities,
        "events": events,
    })
}

fn speed(kb: &Kb, corpus: &Path) {
    let f = std::fs::File::open(corpus).expect("corpus");
    let rd = BufReader::new(flate2::read::GzDecoder::new(f));
    let t0 = Instant::now();
    let (mut n, mut bytes, mut events, mut mentions) = (0usize, 0usize, 0usize, 0usize);
    for line in rd.lines() {
        let line = line.expect("line");
        let v: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(_) => continue,
        };
        let art = record_article(&v);
        bytes += line.len();
        let u = understand(kb, &art);
        events += u.events.len();
        mentions += u.mentions.len();
        n += 1;
    }
    let dt = t0.elapsed().as_secs_f64();
    eprintln!(
        "speed: {n} articles ({:.1} MB) in {dt:.2}s = {:.0} articles/s, {:.0} µs/article; {mentions} mentions, {events} events",
        bytes as f64 / 1e6,
        n as f64 / dt,
        dt * 1e6 / n as f64
    );
}
