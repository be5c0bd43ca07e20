//! Every input kind written to a temporary file, read back through ingest and extract.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use annalist_extract::{ExtractOptions, FieldMap, extract};
use annalist_ingest::{InputKind, ReadOptions, read_file};
use annalist_model::Article;

const TITLE: &str = "Kim Yong Nam Meets Lao Ambassador";
const P1: &str = "Kim Yong Nam, president of the Presidium of the DPRK Supreme People's Assembly, met the outgoing Lao ambassador.";
const P2: &str = "He had a friendly talk with the ambassador at the Mansudae Assembly Hall on Thursday.";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Read a file and extract every unit.
fn articles_with(path: &Path, opts: &ExtractOptions) -> Vec<(InputKind, Article)> {
    let mut out = Vec::new();
    read_file(path, &ReadOptions::default(), &mut |u| {
        let u = u.unwrap();
        out.push((u.provenance.kind, extract(&u, opts).unwrap()));
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

fn articles(path: &Path) -> Vec<(InputKind, Article)> {
    articles_with(path, &ExtractOptions::default())
}

fn check(a: &Article) {
    assert_eq!(a.title.as_deref(), Some(TITLE));
    assert_eq!(a.published.map(|d| d.to_string()).as_deref(), Some("2011-12-01"));
    assert_eq!(a.paragraphs, vec![P1, P2]);
    assert_eq!(a.language.as_deref(), Some("en"));
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn jsonl() -> String {
    serde_json::json!({
        "date": "2011-12-01", "title": TITLE, "language": "en",
        "url": "http://www.kcna.co.jp/item/2011/201112/2011-12-01ee.html",
        "paragraphs": [P1, " , ", P2]
    })
    .to_string()
        + "\n"
}

#[test]
fn json_lines_plain_gzip_zstd() {
    let d = tempfile::tempdir().unwrap();
    let plain = jsonl();
    for (name, bytes) in [
        ("a.jsonl", plain.clone().into_bytes()),
        ("a.jsonl.gz", gzip(plain.as_bytes())),
        ("a.jsonl.zst", zstd::encode_all(plain.as_bytes(), 3).unwrap()),
        ("no_extension", gzip(plain.as_bytes())),
    ] {
        let arts = articles(&file(d.path(), name, &bytes));
        assert_eq!(arts.len(), 1, "{name}");
        assert_eq!(arts[0].0, InputKind::JsonLines);
        check(&arts[0].1);
        assert_eq!(arts[0].1.outlet.as_deref(), Some("KCNA"));
        assert_eq!(arts[0].1.language_label.as_deref(), Some("en"));
    }
}

#[test]
fn csv_plain_and_gzip() {
    let d = tempfile::tempdir().unwrap();
    let csv = format!("Headline,Date,Story,Link\n\"{TITLE}\",2011-12-01,\"{P1}\n\n{P2}\",http://kcna.kp/x\n");
    for (name, bytes) in [("a.csv", csv.clone().into_bytes()), ("a.csv.gz", gzip(csv.as_bytes()))] {
        let arts = articles(&file(d.path(), name, &bytes));
        assert_eq!(arts.len(), 1);
        assert_eq!(arts[0].0, InputKind::Csv);
        check(&arts[0].1);
        assert_eq!(arts[0].1.url.as_deref(), Some("http://kcna.kp/x"));
    }
    // A column named by --map.
    let csv = format!("hed;when;copy\n{TITLE};2011-12-01;\"{P1}\n\n{P2}\"\n");
    let p = file(d.path(), "mapped.csv", csv.as_bytes());
    let opts =
        ExtractOptions { field_map: FieldMap::parse(&["title=hed", "date=when", "body=copy"]).unwrap() };
    let arts = articles_with(&p, &opts);
    check(&arts[0].1);
}

fn text_page() -> String {
    format!(
        "December 02, 2011Dec 02, 2011\nKCNA KCNA\n\n{TITLE}\n\nDate: 01/12/2011 | Source: KCNA | Read original version at source\n\n{P1}\n\n{P2}\n\nMore From KCNA\n\nOther Story\n\nOther Story\n\nA lede that is cut\n\nDecember 01, 2011\n\nA lede that is cut\n\nMore Articles\n"
    )
}

#[test]
fn text_page_utf8_utf16_latin1() {
    let d = tempfile::tempdir().unwrap();
    let page = text_page();
    let arts = articles(&file(d.path(), "p.txt", page.as_bytes()));
    assert_eq!(arts[0].0, InputKind::TextPage);
    check(&arts[0].1);
    assert_eq!(arts[0].1.outlet.as_deref(), Some("KCNA"));
    assert_eq!(arts[0].1.captured.map(|d| d.to_string()).as_deref(), Some("2011-12-02"));
    assert_eq!(arts[0].1.teasers.len(), 1);

    let mut le = vec![0xFF, 0xFE];
    for u in page.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    check(&articles(&file(d.path(), "p16.txt", &le))[0].1);

    let latin1 = page.replace("Thursday.", "Thursday caf\u{e9}.");
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    let a = &articles(&file(d.path(), "latin1.txt", &bytes))[0].1;
    assert!(a.paragraphs[1].ends_with("Thursday café."));
}

fn html() -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{TITLE} | KCNA Watch</title>
<meta property="article:published_time" content="2011-12-01T10:00:00+09:00"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{TITLE}</h1><p>{P1}</p><p>{P2}</p></article>
<footer>2011 © All rights reserved.</footer></body></html>"#
    )
}

#[test]
fn html_page_utf8_and_euc_kr() {
    let d = tempfile::tempdir().unwrap();
    let arts = articles(&file(d.path(), "p.html", html().as_bytes()));
    assert_eq!(arts[0].0, InputKind::Html);
    check(&arts[0].1);
    assert_eq!(arts[0].1.language_label.as_deref(), Some("en"));

    let ko = "<html><head><meta charset=\"euc-kr\"><title>조선중앙통신</title></head><body><p>조선민주주의인민공화국 국무위원장 김정은 동지께서 축전을 보내시였다.</p></body></html>";
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(ko);
    let a = &articles(&file(d.path(), "ko.htm", &bytes))[0].1;
    assert_eq!(a.title.as_deref(), Some("조선중앙통신"));
    assert_eq!(a.language.as_deref(), Some("ko"));
}

fn warc() -> Vec<u8> {
    let mut out = Vec::new();
    let info = b"software: test\r\n";
    write!(out, "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: {}\r\n\r\n", info.len()).unwrap();
    out.extend_from_slice(info);
    out.extend_from_slice(b"\r\n\r\n");
    let body = html();
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}");
    write!(
        out,
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://www.kcna.co.jp/item/2011/x.html\r\nWARC-Date: 2011-12-03T01:02:03Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .unwrap();
    out.extend_from_slice(http.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out
}

#[test]
fn warc_plain_and_per_record_gzip() {
    let d = tempfile::tempdir().unwrap();
    let plain = warc();
    // .warc.gz: each record its own gzip member.
    let split = memchr::memmem::find_iter(&plain, b"WARC/1.0").nth(1).unwrap();
    let mut gz = gzip(&plain[..split]);
    gz.extend(gzip(&plain[split..]));
    for (name, bytes) in [("a.warc", plain.clone()), ("a.warc.gz", gz)] {
        let mut units = Vec::new();
        read_file(&file(d.path(), name, &bytes), &ReadOptions::default(), &mut |u| {
            units.push(u.unwrap());
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(units.len(), 1, "{name}");
        let u = &units[0];
        assert_eq!(u.provenance.record, Some(2));
        assert_eq!(u.provenance.kind, InputKind::Warc);
        let a = extract(u, &ExtractOptions::default()).unwrap();
        check(&a);
        assert_eq!(a.url.as_deref(), Some("http://www.kcna.co.jp/item/2011/x.html"));
        assert_eq!(a.captured.map(|d| d.to_string()).as_deref(), Some("2011-12-03"));
        assert_eq!(a.outlet.as_deref(), Some("KCNA"));
    }
}

#[test]
fn headline_only_and_empty_records() {
    let d = tempfile::tempdir().unwrap();
    let p = file(
        d.path(),
        "h.jsonl",
        b"{\"date\": \"1997-01-01\", \"title\": \"New Year editorial\", \"english\": true, \"story_link\": \"http://www.kcna.co.jp/item/1997/9701/news1/01.htm#2\"}\n{\"date\": \"1997-01-01\", \"other\": 1}\n",
    );
    let mut results = Vec::new();
    read_file(&p, &ReadOptions::default(), &mut |u| {
        results.push(extract(&u.unwrap(), &ExtractOptions::default()));
        ControlFlow::Continue(())
    })
    .unwrap();
    let a = results[0].as_ref().unwrap();
    assert_eq!(a.title.as_deref(), Some("New Year editorial"));
    assert!(a.paragraphs.is_empty());
    assert_eq!(a.outlet.as_deref(), Some("KCNA"));
    assert_eq!(a.language_label.as_deref(), Some("en"));
    let e = results[1].as_ref().unwrap_err().to_string();
    assert!(e.starts_with("JSON object has no title or body field (expected one of title, headline"), "{e}");
}

#[test]
fn spanish_labelled_english_is_spanish() {
    let d = tempfile::tempdir().unwrap();
    let line = serde_json::json!({
        "title": "Kim Jong Il felicita al presidente", "language": "en", "date": "2011-12-01",
        "paragraphs": ["El dirigente Kim Jong Il envió un mensaje de felicitación al presidente de la República Democrática Popular Lao con motivo del aniversario de su fundación."]
    });
    let a = &articles(&file(d.path(), "es.jsonl", format!("{line}\n").as_bytes()))[0].1;
    assert_eq!(a.language.as_deref(), Some("es"));
    assert_eq!(a.language_label.as_deref(), Some("en"));
}

#[test]
fn utf16_datasets_are_transcoded() {
    let d = tempfile::tempdir().unwrap();
    let line = serde_json::json!({"title": TITLE, "date": "2011-12-01", "paragraphs": [P1, P2]}).to_string();
    let text = format!("{line}\n{line}\n");
    let mut le = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    let arts = articles(&file(d.path(), "d16.jsonl", &le));
    assert_eq!(arts.len(), 2);
    assert_eq!(arts[1].0, InputKind::JsonLines);
    check(&arts[1].1);

    let csv = format!("title,date,body\n\"{TITLE}\",2011-12-01,\"{P1}\n\n{P2}\"\n");
    let mut be = vec![0xFE, 0xFF];
    for u in csv.encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    let arts = articles(&file(d.path(), "d16be.csv", &be));
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].0, InputKind::Csv);
    check(&arts[0].1);
}
