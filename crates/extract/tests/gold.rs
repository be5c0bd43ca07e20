//! Extraction against the gold annotations in `shared/eval/`.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use annalist_extract::{ExtractOptions, extract};
use annalist_ingest::{ReadOptions, Unit, read_bytes, read_file};
use annalist_model::{Article, normalize_text};
use serde_json::Value;

/// The shared data directory: walk up from the crate until a `shared/eval` exists.
fn shared() -> Option<PathBuf> {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    loop {
        let cand = dir.join("shared");
        if cand.join("eval").is_dir() {
            return Some(cand);
        }
        if !dir.pop() {
            return None;
        }
    }
}

fn gold(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(normalize_text)
}

/// Field-by-field differences between an article and its gold (empty when all match).
fn article_diffs(a: &Article, g: &Value) -> Vec<String> {
    let mut d = Vec::new();
    let body = normalize_text(&a.body());
    let mut check = |name: &str, ok: bool, got: String| {
        if !ok {
            d.push(format!("{name}: got {got:?}, gold {:?}", g[name]));
        }
    };
    check("title", a.title.as_deref().map(normalize_text) == s(&g["title"]), format!("{:?}", a.title));
    check("outlet", a.outlet.as_deref().map(normalize_text) == s(&g["outlet"]), format!("{:?}", a.outlet));
    check(
        "published",
        a.published.map(|x| x.to_string()) == g["published"].as_str().map(str::to_string),
        format!("{:?}", a.published),
    );
    check(
        "captured",
        a.captured.map(|x| x.to_string()) == g["captured"].as_str().map(str::to_string),
        format!("{:?}", a.captured),
    );
    check(
        "body_starts",
        body.starts_with(&s(&g["body_starts"]).unwrap_or_default()),
        body.chars().take(60).collect(),
    );
    check(
        "body_ends",
        body.ends_with(&s(&g["body_ends"]).unwrap_or_default()),
        body.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect(),
    );
    check(
        "paragraphs",
        g["paragraphs"].as_u64() == Some(a.paragraphs.len() as u64),
        a.paragraphs.len().to_string(),
    );
    d
}

fn page_unit(path: &Path) -> Unit {
    let mut unit = None;
    read_file(path, &ReadOptions::default(), &mut |u| {
        unit = Some(u.unwrap());
        ControlFlow::Continue(())
    })
    .unwrap();
    unit.unwrap()
}

#[test]
fn seeds_match_gold_exactly() {
    let Some(shared) = shared() else {
        eprintln!("shared/ not found; skipping");
        return;
    };
    let docs = gold(&shared.join("eval/gold-seeds.jsonl"));
    assert_eq!(docs.len(), 5);
    let mut failures = Vec::new();
    for g in &docs {
        let name = g["doc"].as_str().unwrap();
        let unit = page_unit(&shared.join("seeds").join(name));
        let a = extract(&unit, &ExtractOptions::default()).unwrap();
        for diff in article_diffs(&a, &g["article"]) {
            failures.push(format!("{name}: {diff}"));
        }
        let related = g["related"].as_array().unwrap();
        if related.len() != a.teasers.len() {
            failures.push(format!("{name}: {} teasers, gold {}", a.teasers.len(), related.len()));
        }
        for (t, r) in a.teasers.iter().zip(related) {
            let date_ok = t.date.map(|d| d.to_string()).as_deref() == r["date"].as_str();
            let ok = match r["title"].as_str() {
                Some(title) => t.title.as_deref().map(normalize_text) == Some(normalize_text(title)),
                None => {
                    t.title.is_none()
                        && t.lede.as_deref().is_some_and(|l| {
                            normalize_text(l).starts_with(&normalize_text(r["lede_starts"].as_str().unwrap()))
                        })
                }
            };
            if !(ok && date_ok) {
                failures.push(format!("{name}: teaser {t:?} vs gold {r}"));
            }
        }
        assert!(a.paragraphs.iter().all(|p| !p.contains("More Articles") && !p.contains("is hiring")));
        assert_eq!(a.language.as_deref(), Some("en"), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn dev_sample_matches_gold() {
    let Some(shared) = shared() else {
        eprintln!("shared/ not found; skipping");
        return;
    };
    let docs = gold(&shared.join("eval/gold-dev.jsonl"));
    let sample = std::fs::read_to_string(shared.join("eval/sample-2011.jsonl")).unwrap();
    let mut total = 0;
    let mut ok = 0;
    let mut failures = Vec::new();
    for line in sample.lines().filter(|l| !l.trim().is_empty()) {
        let rec: Value = serde_json::from_str(line).unwrap();
        let doc = rec["doc"].as_str().unwrap();
        let g = docs.iter().find(|g| g["doc"] == doc).expect("gold for sample doc");
        let mut units = Vec::new();
        read_bytes("kcna_2011.jsonl", line.as_bytes(), &ReadOptions::default(), &mut |u| {
            units.push(u.unwrap());
            ControlFlow::Continue(())
        })
        .unwrap();
        let a = extract(&units[0], &ExtractOptions::default()).unwrap();
        total += 1;
        let diffs = article_diffs(&a, &g["article"]);
        if diffs.is_empty() {
            ok += 1;
        } else {
            failures.push(format!("{doc}: {}", diffs.join("; ")));
        }
    }
    eprintln!("dev sample: {ok}/{total} articles match gold on every field");
    assert_eq!(total, 40);
    assert!(ok * 100 >= total * 98, "{}", failures.join("\n"));
}
