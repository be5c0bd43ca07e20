//! The pipeline on Apache Spark (scripts/spark/annalist_job.py) in `local[2]` writes
//! the single machine's seven Parquet tables (`annalist ingest` + `annalist export
//! --format parquet`): the same columns and types, and the same rows once the
//! archive's ids are replaced by stable keys. Needs python3 with pyspark and
//! duckdb, and Java: skipped with a notice when they are missing, a failure when
//! `CI` is set.

use std::process::Command;
use std::time::Instant;

use crate::exports::{DUCKDB_COUNTS, events_per_type_and_year, python_json, python_with};
use crate::util::*;

/// Compares two Parquet exports with DuckDB, table by table: the schema (column
/// names and types, partition column included) and the rows as multisets (EXCEPT
/// ALL both ways). Article, source and version ids differ between the two (Spark's
/// are input positions), so each id is replaced by what it stands for: an article
/// by its first source document, a version by its article and number, a source by
/// its document. Filing times (`ingested_at`, `created_at`) are left out; bodies are
/// compared by their MD5.
const COMPARE: &str = r#"
import json, sys, duckdb
db = duckdb.connect()
def read(d, t):
    if t in ("articles", "events"):
        return f"read_parquet('{d}/{t}/*/*.parquet', hive_partitioning = true, hive_types = {{'year': INTEGER}})"
    return f"read_parquet('{d}/{t}/*.parquet')"
TABLES = ["articles", "sources", "versions", "events", "event_reports", "entities", "mentions"]
for side, d in (("a", sys.argv[1]), ("b", sys.argv[2])):
    for t in TABLES:
        db.execute(f"CREATE VIEW {side}_{t} AS SELECT * FROM {read(d, t)}")
def keyed(s, t):
    art = f"{s}_articles"
    return {
        "articles": f"SELECT * EXCLUDE (article_id, body), md5(body) AS body FROM {art}",
        "sources": f"""SELECT x.* EXCLUDE (source_id, article_id, version_id, ingested_at),
            a.first_doc AS article, va.first_doc AS version_article, v.n AS version_n
            FROM {s}_sources x LEFT JOIN {art} a ON a.article_id = x.article_id
            LEFT JOIN {s}_versions v ON v.version_id = x.version_id
            LEFT JOIN {art} va ON va.article_id = v.article_id""",
        "versions": f"""SELECT x.* EXCLUDE (version_id, article_id, created_at, body), md5(x.body) AS body,
            a.first_doc AS article FROM {s}_versions x LEFT JOIN {art} a ON a.article_id = x.article_id""",
        "events": f"SELECT * FROM {s}_events",
        "event_reports": f"""SELECT x.* EXCLUDE (article_id), a.first_doc AS article
            FROM {s}_event_reports x LEFT JOIN {art} a ON a.article_id = x.article_id""",
        "entities": f"SELECT * FROM {s}_entities",
        "mentions": f"""SELECT x.* EXCLUDE (article_id), a.first_doc AS article
            FROM {s}_mentions x LEFT JOIN {art} a ON a.article_id = x.article_id""",
    }[t]
out = {}
for t in TABLES:
    schema = {s: [[r[0], r[1]] for r in db.execute(f"DESCRIBE SELECT * FROM {s}_{t}").fetchall()] for s in "ab"}
    rows = {s: db.execute(f"SELECT count(*) FROM {s}_{t}").fetchall()[0][0] for s in "ab"}
    a, b = keyed("a", t), keyed("b", t)
    only = {s: db.execute(f"SELECT * FROM (({x}) EXCEPT ALL ({y})) LIMIT 3").fetchall()
            for s, x, y in (("a", a, b), ("b", b, a))}
    differ = db.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))").fetchall()[0][0] + \
        db.execute(f"SELECT count(*) FROM (({b}) EXCEPT ALL ({a}))").fetchall()[0][0]
    # ids that lead nowhere: a row pointing at an article (or version) no row has
    orphan = lambda x, t, id: f"x.{id} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {x}_{t} y WHERE y.{id} = x.{id})"
    unkeyed = {s: 0 if t not in ("sources", "versions", "event_reports", "mentions") else db.execute(
        f"SELECT count(*) FROM {s}_{t} x WHERE ({orphan(s, 'articles', 'article_id')})"
        + (f" OR ({orphan(s, 'versions', 'version_id')})" if t == "sources" else "")).fetchall()[0][0]
        for s in "ab"}
    out[t] = {"schema": schema, "rows": rows, "differ": differ, "unkeyed": unkeyed,
              "only": {s: [str(r) for r in v] for s, v in only.items()}}
print(json.dumps(out))
"#;

#[test]
fn spark_job_in_local_mode_writes_the_single_machines_seven_tables() {
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
    let mine = dir.path().join("single");
    let single = Instant::now();
    annalist_ok(&data, &["ingest", "--quiet", corpus.to_str().unwrap()], 0);
    annalist_ok(&data, &["export", "--format", "parquet", "--out", mine.to_str().unwrap()], 0);
    let single = single.elapsed();
    let job = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/spark/annalist_job.py");
    let spark_out = dir.path().join("spark");
    let started = Instant::now();
    let run = Command::new("python3")
        .arg(&job)
        .args(["--master", "local[2]", "--binary"])
        .arg(bin())
        .arg("--out")
        .arg(&spark_out)
        .arg(&corpus)
        .output()
        .expect("run the Spark job");
    let spark = started.elapsed();
    assert!(run.status.success(), "Spark job failed:\n{}", String::from_utf8_lossy(&run.stderr));
    eprintln!(
        "kcna_2011: annalist ingest + export {:.1} s, Spark local[2] job {:.1} s",
        single.as_secs_f64(),
        spark.as_secs_f64()
    );
    let cmp = python_json(COMPARE, &[mine.to_str().unwrap(), spark_out.to_str().unwrap()]);
    for t in ["articles", "sources", "versions", "events", "event_reports", "entities", "mentions"] {
        let c = &cmp[t];
        eprintln!("{t}: {} rows single machine, {} rows Spark", c["rows"]["a"], c["rows"]["b"]);
        assert_eq!(c["schema"]["b"], c["schema"]["a"], "{t}: Spark's columns and types");
        assert!(c["rows"]["a"].as_u64().unwrap() > 0, "{t}: the single machine wrote rows");
        assert_eq!(c["rows"]["b"], c["rows"]["a"], "{t}: as many rows");
        assert_eq!(c["unkeyed"]["b"], c["unkeyed"]["a"], "{t}: rows whose ids lead nowhere");
        assert_eq!(
            c["differ"], 0,
            "{t}: rows differ; only on the single machine: {}; only from Spark: {}",
            c["only"]["a"], c["only"]["b"]
        );
    }
    assert_eq!(cmp["articles"]["rows"]["a"], 11_932, "the single machine's articles");
    // DuckDB's events per type and year over Spark's tables are `annalist events`'s.
    let events: Vec<serde_json::Value> = annalist_ok(&data, &["events", "--format", "jsonl"], 0)
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.len() > 1000);
    let want = events_per_type_and_year(&events);
    let got = python_json(DUCKDB_COUNTS, &[spark_out.to_str().unwrap()]);
    let got: std::collections::BTreeMap<String, u64> = serde_json::from_value(got["counts"].clone()).unwrap();
    assert_eq!(got, want, "events per type and year: DuckDB over Spark's tables vs annalist events");
}
