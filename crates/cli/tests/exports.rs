//! Tables for other tools: the GDELT 2.0 event table, and the Parquet export read
//! back by DuckDB and pandas (Python packages: when they are missing the test is
//! skipped with a notice, and fails when `CI` is set).

use std::collections::BTreeMap;
use std::process::Command;

use crate::util::*;

/// GDELT 2.0's event table columns, in order, as GDELT's codebook publishes them
/// (GDELT-Event_Codebook-V2.0, and the header of its BigQuery `events` table).
const GDELT_2_COLUMNS: [&str; 61] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

fn merged_events(data: &std::path::Path) -> Vec<serde_json::Value> {
    let out = annalist_ok(data, &["events", "--format", "jsonl"], 0).stdout;
    out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn gdelt_table_has_gdelt_columns_eight_digit_dates_and_integer_counts() {
    let data = full_store();
    let r = annalist_ok(data, &["events", "--format", "gdelt", "--header"], 0);
    let mut lines = r.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header[..61], GDELT_2_COLUMNS, "GDELT's own columns first, in GDELT's order");
    assert_eq!(header[61], "DatePrecision");
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let undated = r.stderr.split_whitespace().nth(1).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    assert_eq!(rows.len() + undated, merged_events(data).len(), "one row per merged event: {}", r.stderr);
    assert!(rows.len() > 1000, "{} rows", rows.len());
    let mut ids = std::collections::BTreeSet::new();
    let mut types = std::collections::BTreeSet::new();
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?}");
        let sqldate = row[col("SQLDATE")];
        assert!(sqldate.len() == 8 && sqldate.bytes().all(|b| b.is_ascii_digit()), "SQLDATE {sqldate:?}");
        let (y, m, d) = (&sqldate[..4], &sqldate[4..6], &sqldate[6..]);
        assert!(format!("{y}-{m}-{d}").parse::<jiff::civil::Date>().is_ok(), "SQLDATE {sqldate} is a day");
        assert_eq!(row[col("MonthYear")], &sqldate[..6]);
        assert_eq!(row[col("Year")], y);
        assert!(["day", "month", "year", "published"].contains(&row[col("DatePrecision")]), "{row:?}");
        for c in ["NumMentions", "NumSources", "NumArticles", "GLOBALEVENTID", "QuadClass", "IsRootEvent"] {
            let v = row[col(c)];
            assert!(v.parse::<u64>().is_ok(), "{c} {v:?} is not an integer: {row:?}");
        }
        let n = |c: &str| row[col(c)].parse::<u64>().unwrap();
        assert!(
            n("NumArticles") >= 1 && n("NumMentions") >= n("NumArticles") && n("NumSources") >= 1,
            "{row:?}"
        );
        let added = row[col("DATEADDED")];
        assert!(added.len() == 14 && added.bytes().all(|b| b.is_ascii_digit()), "DATEADDED {added:?}");
        assert!(ids.insert(row[col("GLOBALEVENTID")]), "GLOBALEVENTID repeated: {row:?}");
        let code = row[col("EventCode")];
        assert!(code.starts_with(row[col("EventBaseCode")]) && code.starts_with(row[col("EventRootCode")]));
        for a in ["Actor1", "Actor2"] {
            let (name, country) = (row[col(&format!("{a}Name"))], row[col(&format!("{a}CountryCode"))]);
            // Human names, not ids: no slugs (kim-yong-nam), no lower-case state codes.
            let slug = name.contains('-') && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
            let state_id = !name.is_empty() && name == country.to_ascii_lowercase();
            assert!(!slug && !state_id, "{a}Name {name:?} looks like an id: {row:?}");
            let code = row[col(&format!("{a}Code"))];
            assert!(code.starts_with(country), "{a}Code {code} starts with its country {country}");
            types.insert(row[col(&format!("{a}Type1Code"))]);
        }
    }
    assert!(types.contains("GOV"), "role types from the knowledge base: {types:?}");
    // Without --header, GDELT's own shape: data from the first line.
    let plain = annalist_ok(data, &["events", "--format", "gdelt"], 0).stdout;
    assert_eq!(plain.lines().count(), rows.len());
}

/// Whether python3 can import `modules`; otherwise the reason to skip (a failure in CI).
pub fn python_with(modules: &[&str]) -> bool {
    let probe = Command::new("python3").arg("-c").arg(format!("import {}", modules.join(", "))).output();
    if probe.is_ok_and(|o| o.status.success()) {
        return true;
    }
    let msg = format!("python3 cannot import {}: install them (`.ci/run` does)", modules.join(", "));
    if std::env::var_os("CI").is_some() {
        panic!("{msg}; CI is set, so this is a failure, not a skip");
    }
    eprintln!("skipped: {msg}");
    false
}

/// Runs a Python program; answers its standard output, parsed as JSON.
pub fn python_json(program: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new("python3").arg("-c").arg(program).args(args).output().expect("run python3");
    assert!(out.status.success(), "python failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Events per (type, year) as `annalist events` gives them; year "" when undated.
pub fn events_per_type_and_year(events: &[serde_json::Value]) -> BTreeMap<String, u64> {
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for e in events {
        let year = e["date"].as_str().map(|d| d[..4].to_string()).unwrap_or_default();
        *want.entry(format!("{}|{year}", e["type"].as_str().unwrap())).or_default() += 1;
    }
    want
}

pub const DUCKDB_COUNTS: &str = r#"
import json, sys, duckdb
d = sys.argv[1]
rows = duckdb.sql(f"""
    SELECT type, year, count(*) FROM read_parquet('{d}/events/*/*.parquet', hive_partitioning = true,
        hive_types = {{'year': INTEGER}}) GROUP BY ALL""").fetchall()
tables = {}
for t in ["articles", "events"]:
    tables[t] = duckdb.sql(f"SELECT count(*) FROM read_parquet('{d}/{t}/*/*.parquet', hive_partitioning = true)").fetchall()[0][0]
for t in ["sources", "versions", "event_reports", "entities", "mentions"]:
    tables[t] = duckdb.sql(f"SELECT count(*) FROM read_parquet('{d}/{t}/*.parquet')").fetchall()[0][0]
types = {r[0]: str(r[1]) for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{d}/events/*/*.parquet', hive_partitioning = true, hive_types = {{'year': INTEGER}})").fetchall()}
counts = {f"{t}|{'' if y is None else y}": n for t, y, n in rows}
print(json.dumps({"counts": counts, "tables": tables, "types": types}))
"#;

pub const PANDAS_ROWS: &str = r#"
import json, sys
import pandas as pd, pyarrow as pa, pyarrow.dataset as ds
d = sys.argv[1]
year = ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")
out = {}
for t in ["articles", "events"]:
    out[t] = len(pd.read_parquet(f"{d}/{t}", partitioning=year))
for t in ["sources", "versions", "event_reports", "entities", "mentions"]:
    out[t] = len(pd.read_parquet(f"{d}/{t}"))
a = pd.read_parquet(f"{d}/articles", partitioning=year)
out["published_dtype"] = str(a["published"].dtype)
print(json.dumps(out))
"#;

#[test]
fn parquet_export_loads_in_duckdb_and_pandas_and_counts_match_annalist_events() {
    if !python_with(&["duckdb", "pandas", "pyarrow"]) {
        return;
    }
    let data = full_store();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    let r = annalist_ok(data, &["export", "--format", "parquet", "--out", out.to_str().unwrap()], 0);
    assert!(r.stdout.contains("articles"), "{}", r.stdout);
    let events = merged_events(data);
    let want = events_per_type_and_year(&events);
    let got = python_json(DUCKDB_COUNTS, &[out.to_str().unwrap()]);
    let got_counts: BTreeMap<String, u64> = serde_json::from_value(got["counts"].clone()).unwrap();
    assert_eq!(got_counts, want, "DuckDB's events per type and year = annalist events grouped the same way");
    let stats: serde_json::Value =
        serde_json::from_str(&annalist_ok(data, &["stats", "--json"], 0).stdout).unwrap();
    let tables = &got["tables"];
    assert_eq!(tables["articles"], stats["articles"], "{got}");
    assert_eq!(tables["sources"], stats["sources"], "{got}");
    assert_eq!(tables["versions"], stats["versions"], "{got}");
    assert_eq!(tables["events"].as_u64().unwrap() as usize, events.len());
    let reports: usize = events.iter().map(|e| e["reports"].as_array().unwrap().len()).sum();
    assert_eq!(tables["event_reports"].as_u64().unwrap() as usize, reports);
    assert_eq!(got["types"]["goldstein"], "FLOAT");
    assert_eq!(got["types"]["date_first"], "DATE");
    assert_eq!(got["types"]["num_reports"], "INTEGER");
    let pandas = python_json(PANDAS_ROWS, &[out.to_str().unwrap()]);
    for t in ["articles", "sources", "versions", "events", "event_reports", "entities", "mentions"] {
        assert_eq!(pandas[t], tables[t], "pandas and DuckDB read the same {t}");
    }
    assert!(
        pandas["published_dtype"].as_str().unwrap().contains("datetime")
            || pandas["published_dtype"] == "object"
    );
}

/// `annalist process` (stateless) understands each capture as `annalist ingest` does,
/// and `annalist merge`, fed the reports of the archive's articles one group (event
/// type) at a time, gives exactly `annalist events`: the merge a distributed job runs
/// per group is the single machine's.
#[test]
fn process_then_merge_by_group_equals_the_archive_events() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let corpus = shared().join("corpora/kcna_2011.jsonl.gz");
    annalist_ok(&data, &["ingest", "--quiet", corpus.to_str().unwrap()], 0);
    let processed = annalist_ok(&data, &["process", corpus.to_str().unwrap()], 0).stdout;
    let units: BTreeMap<String, serde_json::Value> = processed
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|u| (u["doc"].as_str().unwrap().to_string(), u))
        .collect();
    assert_eq!(units.len(), 11_997);
    assert!(units.values().all(|u| u["ok"] == true && !u["keys"].as_array().unwrap().is_empty()));
    // Each article's events come from the capture of its current version; reports
    // name the article's first source, as the archive's do.
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    for line in annalist_ok(&data, &["export", "--format", "jsonl"], 0).stdout.lines() {
        let a: serde_json::Value = serde_json::from_str(line).unwrap();
        let sources = a["sources"].as_array().unwrap();
        let first = sources[0]["doc"].as_str().unwrap();
        let current = sources
            .iter()
            .rev()
            .find(|s| s["outcome"] == "new" || s["outcome"] == "version")
            .and_then(|s| s["doc"].as_str())
            .unwrap();
        let u = &units[current];
        for ev in u["understanding"]["events"].as_array().unwrap() {
            if ev.get("status").is_some_and(|s| s != "asserted") {
                continue;
            }
            let report = serde_json::json!({"article": a["id"], "doc": first, "event": ev});
            let g = groups.entry(ev["type"].as_str().unwrap().to_string()).or_default();
            g.push_str(&report.to_string());
            g.push('\n');
        }
    }
    assert!(groups.len() >= 5, "{:?}", groups.keys());
    let mut merged: Vec<String> = Vec::new();
    for input in groups.values() {
        let mut child = Command::new(bin())
            .arg("merge")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.clone();
        let feeder =
            std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap());
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        merged.extend(String::from_utf8(out.stdout).unwrap().lines().map(String::from));
    }
    let mut want: Vec<String> =
        annalist_ok(&data, &["events", "--format", "jsonl"], 0).stdout.lines().map(String::from).collect();
    merged.sort();
    want.sort();
    assert!(want.len() > 1000, "{} merged events", want.len());
    assert_eq!(merged.len(), want.len());
    assert!(merged == want, "merging per group differs from the archive's merge");
}

/// Runs the binary with `args`, `input` on its standard input; answers its output.
fn pipe(args: &[&str], input: String) -> String {
    let mut child = Command::new(bin())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(out.status.success(), "annalist {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// What a distributed job gets from the binary, without Spark: `annalist dedup`
/// files one group of processed units with the archive's rules and writes table
/// rows whose ids are the units' input positions (`seq`) and point at each other;
/// an exact duplicate capture is a `duplicate` source of the first capture's
/// article; the articles are the single machine's; `annalist merge --rows` gives
/// the single machine's merged events with their reports.
#[test]
fn dedup_and_merge_rows_number_by_input_position_and_equal_the_archive() {
    use std::collections::BTreeSet;
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let gz = std::fs::File::open(shared().join("corpora/kcna_2011.jsonl.gz")).unwrap();
    let mut lines: Vec<String> = std::io::BufReader::new(flate2::read::GzDecoder::new(gz))
        .lines()
        .take(200)
        .map(Result::unwrap)
        .collect();
    lines.push(lines[0].clone());
    let corpus = dir.path().join("c.jsonl");
    std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
    let path = corpus.to_str().unwrap();
    let envelopes: String = lines
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            serde_json::json!({"path": path, "line": i + 1, "seq": i + 1, "raw": raw}).to_string() + "\n"
        })
        .collect();
    let units = pipe(&["process", "--envelope", "--raw"], envelopes);
    let filed: Vec<serde_json::Value> =
        pipe(&["dedup"], units).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let rows = |t: &str| -> Vec<&serde_json::Value> {
        filed.iter().filter(|r| r["to"] == t).map(|r| &r["row"]).collect()
    };
    let ids =
        |t: &str, col: &str| -> BTreeSet<i64> { rows(t).iter().map(|r| r[col].as_i64().unwrap()).collect() };
    let (articles, versions) = (ids("articles", "article_id"), ids("versions", "version_id"));
    let sources = rows("sources");
    assert_eq!(sources.len(), 201);
    for s in &sources {
        let line: i64 = s["locator"].as_str().unwrap().strip_prefix("line:").unwrap().parse().unwrap();
        assert_eq!(s["source_id"], line, "a source's id is its input position: {s}");
        assert!(articles.contains(&s["article_id"].as_i64().unwrap()), "{s}");
        assert!(versions.contains(&s["version_id"].as_i64().unwrap()), "{s}");
    }
    let dup = sources.iter().find(|s| s["locator"] == "line:201").unwrap();
    assert_eq!((dup["outcome"].as_str(), dup["article_id"].as_i64()), (Some("duplicate"), Some(1)));
    for t in ["versions", "mentions"] {
        assert!(rows(t).iter().all(|r| articles.contains(&r["article_id"].as_i64().unwrap())), "{t}");
    }
    assert!(!rows("mentions").is_empty());
    // The articles are the single machine's (ids aside).
    let data = dir.path().join("data");
    annalist_ok(&data, &["ingest", "--quiet", path], 0);
    let want: BTreeSet<String> = annalist_ok(&data, &["export", "--format", "jsonl"], 0)
        .stdout
        .lines()
        .map(|l| {
            let a: serde_json::Value = serde_json::from_str(l).unwrap();
            let body =
                a["paragraphs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>();
            let s = a["sources"].as_array().unwrap();
            format!("{}|{}|{}|{}|{}", s[0]["doc"], a["title"], a["versions"], s.len(), body.join("\n\n"))
        })
        .collect();
    let got: BTreeSet<String> = rows("articles")
        .iter()
        .map(|a| {
            format!(
                "{}|{}|{}|{}|{}",
                a["first_doc"],
                a["title"],
                a["versions"],
                a["sources"],
                a["body"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(got.len(), 200);
    assert!(got == want, "{} articles differ", got.symmetric_difference(&want).count());
    // Merged events: the single machine's, by id, with as many reports.
    let reports: String =
        filed.iter().filter(|r| r["to"] == "merge").map(|r| r["report"].to_string() + "\n").collect();
    let merged: Vec<serde_json::Value> =
        pipe(&["merge", "--rows"], reports).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let got: BTreeSet<String> = merged
        .iter()
        .filter(|r| r["to"] == "events")
        .map(|r| format!("{}|{}", r["row"]["event_id"], r["row"]["num_reports"]))
        .collect();
    let want: BTreeSet<String> = merged_events(&data)
        .iter()
        .map(|e| format!("{}|{}", e["id"], e["reports"].as_array().unwrap().len()))
        .collect();
    assert!(want.len() > 20, "{} merged events", want.len());
    assert!(got == want, "{} merged events differ", got.symmetric_difference(&want).count());
    let reported: BTreeSet<i64> = merged
        .iter()
        .filter(|r| r["to"] == "event_reports")
        .map(|r| r["row"]["article_id"].as_i64().unwrap())
        .collect();
    assert!(reported.is_subset(&articles));
}
