//! The pipeline on Apache Spark (scripts/spark/annalist_job.py) in `local[2]` gives
//! the single machine's articles and merged events. Needs python3 with pyspark and
//! duckdb, and Java: skipped with a notice when they are missing, a failure when
//! `CI` is set.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Instant;

use crate::exports::{python_json, python_with};
use crate::util::*;

const ARTICLES: &str = r#"
import json, sys, duckdb
rows = duckdb.sql(f"""SELECT first_doc, title, CAST(published AS VARCHAR), body, versions, sources
    FROM read_parquet('{sys.argv[1]}/articles/*/*.parquet', hive_partitioning = true)""").fetchall()
print(json.dumps([list(r) for r in rows]))
"#;

/// A merged event without the archive's article ids (the reports' documents stay).
fn event_key(line: &str) -> String {
    let mut e: serde_json::Value = serde_json::from_str(line).unwrap();
    let mut reports: Vec<String> = e["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}|{}|{}", r["doc"], r["evidence"], r["date"]))
        .collect();
    reports.sort();
    e["reports"] = serde_json::json!(reports);
    e.to_string()
}

#[test]
fn spark_job_in_local_mode_equals_the_single_machine() {
    if !python_with(&["pyspark", "duckdb"]) {
        return;
    }
    if Command::new("java").arg("-version").output().is_err() {
        let msg = "no java on PATH (Spark needs Java 17)";
        assert!(std::env::var_os("CI").is_none(), "{msg}; CI is set, so this is a failure");
        eprintln!("skipped: {msg}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = shared().join("corpora/kcna_2011.jsonl.gz");
    let data = dir.path().join("data");
    let single = Instant::now();
    annalist_ok(&data, &["ingest", "--quiet", corpus.to_str().unwrap()], 0);
    let single = single.elapsed();
    let mine = dir.path().join("single");
    annalist_ok(&data, &["export", "--format", "parquet", "--out", mine.to_str().unwrap()], 0);
    let job = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/spark/annalist_job.py");
    let spark_out = dir.path().join("spark");
    let events_jsonl = dir.path().join("spark-events.jsonl");
    let started = Instant::now();
    let run = Command::new("python3")
        .arg(&job)
        .args(["--master", "local[2]", "--binary"])
        .arg(bin())
        .arg("--out")
        .arg(&spark_out)
        .arg("--events-jsonl")
        .arg(&events_jsonl)
        .arg(&corpus)
        .output()
        .expect("run the Spark job");
    let spark = started.elapsed();
    assert!(run.status.success(), "Spark job failed:\n{}", String::from_utf8_lossy(&run.stderr));
    eprintln!(
        "kcna_2011: annalist ingest {:.1} s, Spark local[2] job {:.1} s",
        single.as_secs_f64(),
        spark.as_secs_f64()
    );
    let set = |v: serde_json::Value| -> BTreeSet<String> {
        v.as_array().unwrap().iter().map(|r| r.to_string()).collect()
    };
    let want = set(python_json(ARTICLES, &[mine.to_str().unwrap()]));
    let got = set(python_json(ARTICLES, &[spark_out.to_str().unwrap()]));
    assert_eq!(want.len(), 11_932, "the single machine's articles");
    assert_eq!(got.len(), want.len(), "as many articles");
    assert!(got == want, "{} articles differ", got.symmetric_difference(&want).count());
    let want: BTreeSet<String> =
        annalist_ok(&data, &["events", "--format", "jsonl"], 0).stdout.lines().map(event_key).collect();
    let got: BTreeSet<String> =
        std::fs::read_to_string(&events_jsonl).unwrap().lines().map(event_key).collect();
    assert!(want.len() > 1000);
    assert_eq!(got.len(), want.len(), "as many merged events");
    assert!(got == want, "{} merged events differ", got.symmetric_difference(&want).count());
}
