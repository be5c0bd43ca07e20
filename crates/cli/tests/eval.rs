//! Extraction quality measured with ../shared/eval/score.py, as the issues specify.

use crate::util::*;

#[test]
fn seeds_extract_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seeds = shared().join("seeds");
    let r = annalist_ok(&data, &["ingest", seeds.to_str().unwrap()], 0);
    assert!(r.stdout.contains("read 5, new 5"), "{}", r.stdout);
    let pred = dir.path().join("pred.jsonl");
    annalist_ok(&data, &["export", "--format", "eval", "--out", pred.to_str().unwrap()], 0);
    let s = score(&[shared().join("eval/gold-seeds.jsonl")], &pred);
    for f in ["title", "outlet", "published", "captured", "body_starts", "body_ends", "paragraphs"] {
        assert_eq!(s[format!("article.{f}")], 1.0, "article.{f}: {s:#}");
    }
    assert!(s["related"]["f1"].as_f64().unwrap() >= 0.98, "related: {s:#}");
    assert_eq!(s["missing_documents"], 0);
}

#[test]
fn corpus_2011_extracts_and_reingests_as_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let corpus = shared().join("corpora/kcna_2011.jsonl.gz");
    let r = annalist_ok(&data, &["ingest", corpus.to_str().unwrap()], 0);
    assert!(r.stdout.contains("read 11997,"), "{}", r.stdout);
    let pred = dir.path().join("pred.jsonl");
    annalist_ok(&data, &["export", "--format", "eval", "--out", pred.to_str().unwrap()], 0);
    let s = score(&[shared().join("eval/gold-dev.jsonl")], &pred);
    for f in ["title", "published", "body_starts", "body_ends", "paragraphs"] {
        let v = s[format!("article.{f}")].as_f64().unwrap();
        assert!(v >= 0.98, "article.{f} = {v}: {s:#}");
    }
    let again = annalist_ok(&data, &["ingest", corpus.to_str().unwrap()], 0);
    assert!(again.stdout.contains("new 0,"), "{}", again.stdout);
    assert!(again.stdout.contains("nothing new"), "{}", again.stdout);
}
