//! Search agrees with the store: for 100 random phrases drawn from the archive, the
//! articles `annalist search` returns (every page of them) are exactly those a
//! brute-force scan of the stored text finds, with and without a date filter.
//!
//! The scan normalises text the way the index's analyser is documented to: split on
//! non-alphanumeric characters, drop tokens of 80 bytes or more (keeping their
//! position), lowercase, fold accents to ASCII.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use crate::util::*;

fn fold(token: &str) -> String {
    token.to_lowercase().nfd().filter(|c| c.is_ascii()).collect()
}

/// Tokens with their positions.
fn tokens(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (pos, raw) in text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).enumerate() {
        if raw.len() < 80 {
            out.push((pos, fold(raw)));
        }
    }
    out
}

fn contains(toks: &[(usize, String)], phrase: &[String]) -> bool {
    toks.windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(t, p)| &t.1 == p) && w.windows(2).all(|p| p[1].0 == p[0].0 + 1))
}

struct Doc {
    id: i64,
    published: Option<String>,
    title: Vec<(usize, String)>,
    body: Vec<(usize, String)>,
}

/// Every hit of a query, through all its pages.
fn search_all(query: &str) -> BTreeSet<i64> {
    let mut ids = BTreeSet::new();
    let mut offset = 0;
    loop {
        let out = annalist_ok(
            full_store(),
            &["search", query, "--json", "--limit", "100", "--offset", &offset.to_string()],
            0,
        );
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let hits = v["hits"].as_array().unwrap();
        for h in hits {
            assert!(ids.insert(h["article"].as_i64().unwrap()), "{query}: article listed twice");
        }
        offset += hits.len();
        if hits.is_empty() || offset >= v["total"].as_u64().unwrap() as usize {
            assert_eq!(
                ids.len() as u64,
                v["total"].as_u64().unwrap(),
                "{query}: total disagrees with the hits"
            );
            return ids;
        }
    }
}

#[test]
fn phrase_results_equal_a_scan_of_the_store() {
    let export = annalist_ok(full_store(), &["export", "--format", "jsonl"], 0).stdout;
    let docs: Vec<Doc> = export
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let body: Vec<&str> =
                v["paragraphs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            Doc {
                id: v["id"].as_i64().unwrap(),
                published: v["published"].as_str().map(String::from),
                title: tokens(v["display_title"].as_str().unwrap_or("")),
                body: tokens(&body.join("\n\n")),
            }
        })
        .collect();
    assert!(docs.len() > 11_000, "{} articles", docs.len());
    let mut state: u64 = 0x2011_0611;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    let mut checked = 0;
    while checked < 100 {
        let d = &docs[next(docs.len())];
        let len = 2 + next(3);
        if d.body.len() < len {
            continue;
        }
        let at = next(d.body.len() - len + 1);
        let window = &d.body[at..at + len];
        // Consecutive positions only (no dropped long token inside), ASCII words.
        if !window.windows(2).all(|p| p[1].0 == p[0].0 + 1) || !window.iter().all(|t| t.1.is_ascii()) {
            continue;
        }
        let phrase: Vec<String> = window.iter().map(|t| t.1.clone()).collect();
        let query = format!("\"{}\"", phrase.join(" "));
        let want: BTreeSet<i64> = docs
            .iter()
            .filter(|d| contains(&d.title, &phrase) || contains(&d.body, &phrase))
            .map(|d| d.id)
            .collect();
        assert_eq!(search_all(&query), want, "{query}");
        // The same phrase within a date range on the publication date.
        let (from, to) = ("2011-03-01", "2011-09-30");
        let dated: BTreeSet<i64> = docs
            .iter()
            .filter(|d| want.contains(&d.id))
            .filter(|d| d.published.as_deref().is_some_and(|p| (from..=to).contains(&p)))
            .map(|d| d.id)
            .collect();
        assert_eq!(search_all(&format!("{query} published:{from}..{to}")), dated, "{query} with dates");
        checked += 1;
    }
}
