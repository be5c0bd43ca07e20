//! Prints the asserted events `understand` finds in chosen corpus articles, for checking
//! rules against articles outside the gold sets.
//!
//! Usage: `cargo run --release -p annalist-understand --example probe -- CORPUS.jsonl(.gz)
//!         [LINE…] [--grep REGEX] [--rule RULE] [--max N] [--all]`
//! Lines are 1-based. `--grep` keeps articles whose body matches, `--rule` keeps the
//! events of that rule (prefix), `--all` also prints non-asserted events, `--mentions` the mentions.

use std::io::{BufRead, BufReader, Read};

use annalist_model::{Article, Date, EventStatus};
use annalist_understand::{Kb, understand};
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("corpus path");
    let flag = |n: &str| args.iter().position(|a| a == n).and_then(|i| args.get(i + 1).cloned());
    let grep = flag("--grep").map(|g| regex::Regex::new(&g).expect("grep regex"));
    let rule = flag("--rule");
    let max: usize = flag("--max").and_then(|m| m.parse().ok()).unwrap_or(usize::MAX);
    let all = args.iter().any(|a| a == "--all");
    let show_mentions = args.iter().any(|a| a == "--mentions");
    let lines: Vec<usize> = args[1..]
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            a.parse::<usize>().is_ok() && !matches!(args[*i].as_str(), "--max" | "--grep" | "--rule")
        })
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let f = std::fs::File::open(path).expect("corpus");
    let rd: Box<dyn Read> =
        if path.ends_with(".gz") { Box::new(flate2::read::GzDecoder::new(f)) } else { Box::new(f) };
    let kb = Kb::builtin().expect("kb");
    let mut shown = 0;
    for (i, line) in BufReader::new(rd).lines().enumerate() {
        let n = i + 1;
        if !lines.is_empty() && !lines.contains(&n) {
            continue;
        }
        let line = line.expect("line");
        let Ok(v) = serde_json::from_str::<Value>(&line) else { continue };
        let art = Article {
            title: v["title"].as_str().map(String::from),
            outlet: Some("KCNA".into()),
            published: v["date"].as_str().and_then(|d| d.parse::<Date>().ok()),
            paragraphs: v["paragraphs"]
                .as_array()
                .map(|a| a.iter().filter_map(|p| p.as_str()).map(|p| p.trim().to_string()).collect())
                .unwrap_or_default(),
            ..Default::default()
        };
        let body = art.body();
        if let Some(g) = &grep
            && !g.is_match(&body)
        {
            continue;
        }
        let u = understand(&kb, &art);
        let evs: Vec<_> = u
            .events
            .iter()
            .filter(|e| all || e.status == EventStatus::Asserted)
            .filter(|e| rule.as_ref().is_none_or(|r| e.rule.starts_with(r.as_str())))
            .collect();
        if rule.is_some() && evs.is_empty() {
            continue;
        }
        println!("## #{n} {} | {}", v["date"].as_str().unwrap_or(""), art.title.as_deref().unwrap_or(""));
        if show_mentions {
            for m in &u.mentions {
                println!("  M {:?} {} ({:?}) {:?}", m.kind, m.id, m.country, m.surface);
            }
        }
        for e in evs {
            println!(
                "  {}{} [{}] {}({}) -> {}({}) {} | {}",
                if e.status == EventStatus::Asserted { "" } else { "!" },
                e.kind.as_str(),
                e.rule,
                e.actor.as_deref().unwrap_or("-"),
                e.actor_country.as_deref().unwrap_or("-"),
                e.target.as_deref().unwrap_or("-"),
                e.target_country.as_deref().unwrap_or("-"),
                e.date.map(|d| d.to_string()).unwrap_or_default(),
                e.evidence.chars().take(160).collect::<String>()
            );
        }
        shown += 1;
        if shown >= max {
            break;
        }
    }
}
