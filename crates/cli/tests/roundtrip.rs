//! Each input kind goes in and comes out as the article it holds.

use std::io::Write;

use crate::util::*;

fn show(data: &std::path::Path, id: i64) -> serde_json::Value {
    serde_json::from_str(&annalist_ok(data, &["show", &id.to_string(), "--json"], 0).stdout).unwrap()
}

fn only_article(data: &std::path::Path) -> serde_json::Value {
    let list = annalist_ok(data, &["list", "--json"], 0);
    let rows: Vec<serde_json::Value> =
        list.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "{}", list.stdout);
    show(data, rows[0]["id"].as_i64().unwrap())
}

const BODY1: &str = "Kim Yong Nam, president of the Presidium of the DPRK Supreme People's Assembly, sent a message of greeting to the president of Singapore on its national day.";
const BODY2: &str = "Kim in the message wished for the prosperity of Singapore and expressed the belief that friendly relations would develop.";

fn html() -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><title>Greetings to President of Singapore | KCNA Watch</title>
<meta property="og:title" content="Greetings to President of Singapore">
<meta property="article:published_time" content="2011-08-08T10:00:00+09:00">
<meta property="og:site_name" content="KCNA"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Greetings to President of Singapore</h1><p>{BODY1}</p><p>{BODY2}</p></article>
<footer>Copyright KCNA Watch</footer></body></html>"#
    )
}

fn check(a: &serde_json::Value) {
    assert_eq!(a["title"], "Greetings to President of Singapore", "{a:#}");
    assert_eq!(a["published"], "2011-08-08", "{a:#}");
    assert_eq!(a["paragraphs"], serde_json::json!([BODY1, BODY2]), "{a:#}");
    assert_eq!(a["language"], "en", "{a:#}");
}

#[test]
fn html_page() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("page.html");
    std::fs::write(&f, html()).unwrap();
    let data = dir.path().join("d");
    annalist_ok(&data, &["ingest", f.to_str().unwrap()], 0);
    check(&only_article(&data));
}

fn warc(gzip_members: bool) -> Vec<u8> {
    let body = html();
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let rec = |typ: &str, block: &str| {
        format!(
            "WARC/1.1\r\nWARC-Type: {typ}\r\nWARC-Target-URI: http://example.org/greetings\r\nWARC-Date: 2024-05-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{typ}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    };
    let records = [rec("warcinfo", "software: test\r\n"), rec("response", &http)];
    let mut out = Vec::new();
    for r in records {
        if gzip_members {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(r.as_bytes()).unwrap();
            out.extend(e.finish().unwrap());
        } else {
            out.extend(r.as_bytes());
        }
    }
    out
}

#[test]
fn warc_and_warc_gz() {
    for (name, gz) in [("a.warc", false), ("a.warc.gz", true)] {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(name);
        std::fs::write(&f, warc(gz)).unwrap();
        let data = dir.path().join("d");
        annalist_ok(&data, &["ingest", f.to_str().unwrap()], 0);
        let a = only_article(&data);
        check(&a);
        assert_eq!(a["url"], "http://example.org/greetings", "{a:#}");
        assert_eq!(a["sources"][0]["locator"], "record:2", "{a:#}");
    }
}

#[test]
fn csv_and_compressed_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("d.csv");
    std::fs::write(
        &csv_path,
        format!("headline,published,story,link\n\"Greetings to President of Singapore\",2011-08-08,\"{BODY1}\n\n{BODY2}\",http://x/1\n"),
    )
    .unwrap();
    let data = dir.path().join("csv");
    annalist_ok(&data, &["ingest", csv_path.to_str().unwrap()], 0);
    let a = only_article(&data);
    check(&a);
    assert_eq!(a["sources"][0]["locator"], "line:2");

    let line = serde_json::json!({"title": "Greetings to President of Singapore", "date": "2011-08-08", "paragraphs": [BODY1, BODY2]}).to_string();
    let zst = dir.path().join("d.jsonl.zst");
    std::fs::write(&zst, zstd_compress(format!("{line}\n").as_bytes())).unwrap();
    let data = dir.path().join("zst");
    annalist_ok(&data, &["ingest", zst.to_str().unwrap()], 0);
    check(&only_article(&data));
}

#[test]
fn field_mapping_override() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("odd.jsonl");
    let line = serde_json::json!({"hed": "Greetings to President of Singapore", "day": "2011-08-08", "paragraphs": [BODY1, BODY2]}).to_string();
    std::fs::write(&f, format!("{line}\n")).unwrap();
    let data = dir.path().join("d");
    annalist_ok(&data, &["ingest", "--map", "title=hed", "--map", "date=day", f.to_str().unwrap()], 0);
    check(&only_article(&data));
}

fn zstd_compress(b: &[u8]) -> Vec<u8> {
    // The zstd frame format, written by the zstd binary-compatible crate used in the store.
    zstd::bulk::compress(b, 3).unwrap()
}

#[test]
fn versions_show_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let v1 = dir.path().join("v1.jsonl");
    let v2 = dir.path().join("v2.jsonl");
    let line = |extra: &str| {
        serde_json::json!({"title": "Greetings to President of Singapore", "date": "2011-08-08", "paragraphs": [BODY1, format!("{BODY2}{extra}")]}).to_string()
    };
    std::fs::write(&v1, format!("{}\n", line(""))).unwrap();
    std::fs::write(&v2, format!("{}\n", line(" The message was handed over on Monday."))).unwrap();
    annalist_ok(&data, &["ingest", v1.to_str().unwrap()], 0);
    let r = annalist_ok(&data, &["ingest", v2.to_str().unwrap()], 0);
    assert!(r.stdout.contains("new versions 1"), "{}", r.stdout);
    let a = only_article(&data);
    let id = a["id"].as_i64().unwrap();
    let shown = annalist_ok(&data, &["show", &id.to_string(), "--versions"], 0);
    assert!(shown.stdout.contains("v2"), "{}", shown.stdout);
    assert!(
        shown.stdout.contains("+Kim in the message") && shown.stdout.contains("handed over on Monday"),
        "{}",
        shown.stdout
    );
}
