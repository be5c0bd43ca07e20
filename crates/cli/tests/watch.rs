//! `annalist watch` against a fixture site the test serves on 127.0.0.1: feeds and
//! listing pages, pages that change, vanish, answer 304, 500 or 404, hang, loop,
//! overflow or come in EUC-KR, robots.txt; watch-list alerts to a JSON Lines file and
//! to a webhook receiver; a kill -9 mid-poll; and the WARC files the watcher wrote,
//! replayed through `annalist ingest` into an identical archive.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::*;

// ---------------------------------------------------------------- the fixture site

/// How the fixture answers one path.
#[derive(Clone, Debug)]
struct Route {
    status: u16,
    content_type: String,
    body: Vec<u8>,
    /// Send an ETag and answer a matching If-None-Match with 304.
    etag: bool,
    /// Send a Last-Modified and answer a matching If-Modified-Since with 304.
    last_modified: bool,
    location: Option<String>,
    /// Answer 500 to this many requests first.
    fail_first: u32,
    /// Wait this long before answering.
    delay: Duration,
    /// Chunked transfer encoding, no Content-Length.
    chunked: bool,
}

impl Route {
    fn new(content_type: &str, body: impl Into<Vec<u8>>) -> Route {
        Route {
            status: 200,
            content_type: content_type.into(),
            body: body.into(),
            etag: true,
            last_modified: false,
            location: None,
            fail_first: 0,
            delay: Duration::ZERO,
            chunked: false,
        }
    }

    fn html(body: impl Into<Vec<u8>>) -> Route {
        Route::new("text/html; charset=utf-8", body)
    }

    fn text(body: impl Into<Vec<u8>>) -> Route {
        Route::new("text/plain; charset=utf-8", body)
    }

    fn status(status: u16) -> Route {
        let body = format!("<html><body><h1>{status}</h1></body></html>");
        Route { status, etag: false, ..Route::html(body) }
    }

    /// The validators this route sends for its current body.
    fn etag_value(&self) -> String {
        format!("\"{:016x}\"", fnv(&self.body))
    }

    fn last_modified_value(&self) -> String {
        let h = fnv(&self.body);
        format!("Mon, 01 Jan 2024 {:02}:{:02}:{:02} GMT", h % 24, h / 24 % 60, h / 1440 % 60)
    }
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325u64, |h, &x| (h ^ x as u64).wrapping_mul(0x100000001b3))
}

/// One request the fixture received.
#[derive(Clone, Debug)]
struct Hit {
    path: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Hit {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Site {
    routes: HashMap<String, Route>,
    hits: Vec<Hit>,
}

/// A small HTTP/1.1 server on a loopback port, one thread per connection, whose
/// answers the test changes between polls and which logs every request.
struct Fixture {
    addr: SocketAddr,
    site: Arc<Mutex<Site>>,
}

impl Fixture {
    fn start() -> Fixture {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let site = Arc::new(Mutex::new(Site::default()));
        let s = site.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, &s);
                });
            }
        });
        Fixture { addr, site }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn set(&self, path: &str, route: Route) {
        self.site.lock().unwrap().routes.insert(path.to_string(), route);
    }

    fn route(&self, path: &str) -> Route {
        self.site.lock().unwrap().routes[path].clone()
    }

    fn update(&self, path: &str, f: impl FnOnce(&mut Route)) {
        f(self.site.lock().unwrap().routes.get_mut(path).unwrap());
    }

    fn hits(&self, path: &str) -> Vec<Hit> {
        self.site.lock().unwrap().hits.iter().filter(|h| h.path == path).cloned().collect()
    }

    fn count(&self, path: &str) -> usize {
        self.site.lock().unwrap().hits.iter().filter(|h| h.path == path).count()
    }

    fn all_paths(&self) -> Vec<String> {
        self.site.lock().unwrap().hits.iter().map(|h| h.path.clone()).collect()
    }

    /// Wait until `path` was asked for `n` times.
    fn wait_for(&self, path: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.count(path) >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

fn serve(stream: TcpStream, site: &Mutex<Site>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let path = target.split('?').next().unwrap_or("").to_string();
    let hit = Hit { path: path.clone(), method, headers, body };
    let route = {
        let mut s = site.lock().unwrap();
        s.hits.push(hit.clone());
        match s.routes.get_mut(&path) {
            Some(r) if r.fail_first > 0 => {
                r.fail_first -= 1;
                Route::status(500)
            }
            Some(r) => r.clone(),
            None => Route::status(404),
        }
    };
    std::thread::sleep(route.delay);
    respond(stream, &hit, &route)
}

fn respond(mut out: TcpStream, hit: &Hit, r: &Route) -> std::io::Result<()> {
    let (etag, modified) = (r.etag_value(), r.last_modified_value());
    // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
    let not_modified = r.status == 200
        && match hit.header("if-none-match") {
            Some(tags) => r.etag && tags.split(',').any(|t| t.trim() == etag),
            None => r.last_modified && hit.header("if-modified-since") == Some(modified.as_str()),
        };
    let status = if not_modified { 304 } else { r.status };
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        410 => "Gone",
        500 => "Internal Server Error",
        _ => "Whatever",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
    if r.etag {
        head.push_str(&format!("ETag: {etag}\r\n"));
    }
    if r.last_modified {
        head.push_str(&format!("Last-Modified: {modified}\r\n"));
    }
    if let Some(l) = &r.location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    let body: &[u8] = if not_modified { b"" } else { &r.body };
    if !not_modified {
        head.push_str(&format!("Content-Type: {}\r\n", r.content_type));
    }
    if r.chunked && !not_modified {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
        out.write_all(head.as_bytes())?;
        for chunk in body.chunks(64 * 1024) {
            out.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
            out.write_all(chunk)?;
            out.write_all(b"\r\n")?;
        }
        out.write_all(b"0\r\n\r\n")?;
    } else {
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        out.write_all(head.as_bytes())?;
        out.write_all(body)?;
    }
    out.flush()?;
    let _ = out.shutdown(std::net::Shutdown::Write);
    Ok(())
}

// ---------------------------------------------------------------- the pages it serves

/// A KCNA article from the 2011 corpus.
#[derive(Clone, Debug)]
struct Art {
    title: String,
    date: String,
    paragraphs: Vec<String>,
}

/// Articles of the 2011 corpus that cannot be taken for one another (one per day,
/// distinct headlines) and say nothing the test's watch lists look for.
fn corpus() -> &'static [Art] {
    static C: OnceLock<Vec<Art>> = OnceLock::new();
    C.get_or_init(|| {
        let f = std::fs::File::open(shared().join("corpora/kcna_2011.jsonl.gz")).unwrap();
        let (mut out, mut days, mut titles) = (Vec::new(), HashSet::new(), HashSet::new());
        for line in BufReader::new(flate2::read::GzDecoder::new(f)).lines() {
            let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
            let title = v["title"].as_str().unwrap_or("").to_string();
            let date = v["date"].as_str().unwrap_or("").to_string();
            let paragraphs: Vec<String> = v["paragraphs"]
                .as_array()
                .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let text = format!("{title} {}", paragraphs.join(" ")).to_lowercase();
            let avoid = ["russia", "putin", "moscow", "treaty", "soviet", "kremlin", "vladivostok", "lavrov"];
            if title.is_empty() || paragraphs.len() < 3 || avoid.iter().any(|w| text.contains(w)) {
                continue;
            }
            if !days.insert(date.clone()) || !titles.insert(title.to_lowercase()) {
                continue;
            }
            out.push(Art { title, date, paragraphs });
            if out.len() == 40 {
                break;
            }
        }
        assert_eq!(out.len(), 40, "the 2011 corpus has fewer usable articles than expected");
        out
    })
}

/// The text capture of seed page `n` (../shared/seeds, sorted), served as text/plain.
fn seed(n: usize) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    std::fs::read_to_string(&files[n]).unwrap()
}

/// The longest line of a seed page: a sentence its article must hold.
fn seed_sentence(n: usize) -> String {
    seed(n).lines().max_by_key(|l| l.len()).unwrap().trim().to_string()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An article page as a news site serves it: metadata, chrome, paragraphs.
fn article_html(a: &Art) -> String {
    let paras: String = a.paragraphs.iter().map(|p| format!("<p>{}</p>\n", esc(p))).collect();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t} | KCNA</title>
<meta property="og:title" content="{t}">
<meta property="article:published_time" content="{d}T09:00:00+09:00">
<meta property="og:site_name" content="KCNA"></head>
<body><nav><a href="/">Home</a> <a href="/about.html">About</a></nav>
<article><h1>{t}</h1>
{paras}</article>
<footer>Copyright KCNA</footer></body></html>"#,
        t = esc(&a.title),
        d = a.date
    )
}

fn rss(fx: &Fixture, paths: &[&str]) -> String {
    let items: String = paths
        .iter()
        .map(|p| format!("<item><title>{p}</title><link>{}</link></item>\n", fx.url(p)))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>KCNA</title>
<link>{}</link><description>news</description>
{items}</channel></rss>"#,
        fx.url("/")
    )
}

fn atom(fx: &Fixture, paths: &[&str]) -> String {
    let entries: String = paths
        .iter()
        .map(|p| {
            format!(
                r#"<entry><title>{p}</title><id>urn:fixture:{p}</id><updated>2024-01-01T00:00:00Z</updated><link rel="alternate" href="{}"/></entry>
"#,
                fx.url(p)
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Rodong</title>
<id>urn:fixture:atom</id><updated>2024-01-01T00:00:00Z</updated>
{entries}</feed>"#
    )
}

/// A listing page, newest first, with links that are not articles around them.
fn listing(paths: &[String]) -> String {
    let items: String = paths.iter().map(|p| format!(r#"<li><a href="{p}">Article {p}</a></li>"#)).collect();
    format!(
        r#"<!DOCTYPE html><html><head><title>News</title></head><body>
<nav><a href="/">Home</a> <a href="/about.html">About</a> <a href="/list/index.html?page=2">Older</a></nav>
<ul class="news">{items}</ul></body></html>"#
    )
}

/// Hangul text, as a Korean news page in EUC-KR carries it.
const KO1_TITLE: &str = "제15차 전국과학기술축전 개막";
const KO1: [&str; 3] = [
    "제15차 전국과학기술축전이 20일 평양의 3대혁명전시관에서 개막되였다.",
    "축전에는 성, 중앙기관, 과학연구기관, 대학들에서 온 과학자, 기술자들이 참가하였다.",
    "개막식에서는 축전조직위원회 위원장이 개막연설을 하였다.",
];
const KO2_TITLE: &str = "평양시에서 나무심기 활발";
const KO2: [&str; 3] = [
    "식수절을 맞으며 평양시의 각 구역들에서 나무심기가 활발히 진행되고 있다.",
    "근로자들과 청소년학생들은 거리와 마을, 공원들에 수많은 나무를 심었다.",
    "이 기간 수도의 모든 구역에서 수십만그루의 나무가 새로 심어졌다.",
];

fn korean_html(title: &str, paras: &[&str], meta_charset: bool) -> Vec<u8> {
    let meta = if meta_charset { r#"<meta charset="euc-kr">"# } else { "" };
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let html = format!(
        r#"<!DOCTYPE html><html lang="ko"><head>{meta}<title>{title}</title>
<meta property="article:published_time" content="2024-04-20T09:00:00+09:00"></head>
<body><article><h1>{title}</h1>
{body}</article></body></html>"#
    );
    let enc = annalist_ingest::encoding_for_hint("euc-kr").unwrap();
    let (bytes, _, unmappable) = enc.encode(&html);
    assert!(!unmappable, "the Korean fixture text is not all in EUC-KR");
    assert!(std::str::from_utf8(&bytes).is_err(), "EUC-KR bytes that happen to be UTF-8 test nothing");
    bytes.into_owned()
}

// ---------------------------------------------------------------- running annalist

/// The watch lists of the alert tests: a query, and message events with Russia.
const WATCH_LISTS: &str = r#"[[watch]]
name = "treaty"
query = "putin AND treaty"

[[watch]]
name = "ru-messages"
event_types = ["message"]
dyads = ["prk-rus"]
"#;

/// The `[fetch]` table the tests share: tiny spacing, short limits.
const FETCH: &str = r#"
[fetch]
user_agent = "annalist-test"
per_host_interval = "1ms"
timeout = "2s"
connect_timeout = "1s"
max_body_mib = 1
max_redirects = 3
retries = 2
backoff = "10ms"
backoff_max = "40ms"
refetch_min = "0s"
refetch_max = "0s"
"#;

fn write_config(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    // A config that does not parse would only show up as a confusing failure later.
    p
}

fn watch_once_ok(data: &Path, cfg: &Path, want: i32) -> Run {
    annalist_ok(data, &["watch", "--config", cfg.to_str().unwrap(), "--once"], want)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn article_ids(data: &Path) -> Vec<i64> {
    let out = annalist_ok(data, &["list", "--json", "--limit", "100000"], 0).stdout;
    out.lines().map(|l| json(l)["id"].as_i64().unwrap()).collect()
}

fn show(data: &Path, id: i64) -> Value {
    json(&annalist_ok(data, &["show", &id.to_string(), "--json", "--versions"], 0).stdout)
}

/// Every article (with its versions), by the URL it was captured from.
fn by_url(data: &Path) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for id in article_ids(data) {
        let a = show(data, id);
        let url = a["url"].as_str().unwrap_or_else(|| panic!("article {id} has no URL: {a:#}")).to_string();
        assert!(out.insert(url.clone(), a).is_none(), "two articles for {url}");
    }
    out
}

fn status(data: &Path) -> Value {
    json(&annalist_ok(data, &["watch", "--status", "--json"], 0).stdout)
}

fn source_status<'a>(st: &'a Value, name: &str) -> &'a Value {
    st["sources"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()
}

fn text_of(a: &Value) -> String {
    a["paragraphs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

/// What `annalist show --json` says that does not depend on when it was filed.
fn comparable(mut a: Value) -> Value {
    for s in a["sources"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("ingested_at");
    }
    if let Some(vs) = a["version_history"].as_array_mut() {
        for v in vs {
            v.as_object_mut().unwrap().remove("created_at");
        }
    }
    a
}

/// Replay the watcher's WARC files into a fresh archive and check that it is the
/// watcher's archive: same export, same versions, same gone-at-source marks.
fn assert_replay_identical(data: &Path, fresh: &Path) {
    let warc = data.join("warc");
    annalist_ok(fresh, &["ingest", "--quiet", warc.to_str().unwrap()], 0);
    let (want, got) = (logical_dump(data), logical_dump(fresh));
    assert!(
        want == got,
        "replayed archive differs from the watcher's:\n--- watcher\n{want}\n--- replay\n{got}"
    );
    let ids = article_ids(data);
    assert_eq!(ids, article_ids(fresh));
    for id in ids {
        let (w, g) = (comparable(show(data, id)), comparable(show(fresh, id)));
        assert_eq!(w, g, "article {id} differs after replay");
    }
}

/// The alerts the watch lists of the alert tests should have fired on this archive,
/// as the watcher keys them: `LIST|article:ID` and `LIST|EVENT-ID`.
fn expected_alerts(data: &Path, queries: &[(&str, &str)], events: &[(&str, &str, &str)]) -> BTreeSet<String> {
    let mut want = BTreeSet::new();
    for (list, q) in queries {
        let out = json(&annalist_ok(data, &["search", q, "--json", "--limit", "10000"], 0).stdout);
        for h in out["hits"].as_array().unwrap() {
            want.insert(format!("{list}|article:{}", h["article"]));
        }
    }
    for (list, kind, dyad) in events {
        let out = annalist_ok(data, &["events", "--type", kind, "--dyad", dyad], 0).stdout;
        for l in out.lines() {
            want.insert(format!("{list}|{}", json(l)["id"].as_str().unwrap()));
        }
    }
    want
}

/// The key of a delivered alert payload (as the watcher keys it).
fn alert_key(p: &Value) -> String {
    match p["kind"].as_str().unwrap() {
        "article" => format!("{}|article:{}", p["watch"].as_str().unwrap(), p["article"]["id"]),
        "event" => format!("{}|{}", p["watch"].as_str().unwrap(), p["event_id"].as_str().unwrap()),
        k => panic!("unknown alert kind {k}"),
    }
}

/// POSTs the webhook receiver took: (Idempotency-Key, payload).
fn webhook_posts(hook: &Fixture) -> Vec<(String, Value)> {
    hook.hits("/hook")
        .into_iter()
        .map(|h| {
            assert_eq!(h.method, "POST");
            assert!(h.header("content-type").is_some_and(|c| c.contains("json")));
            let key = h.header("idempotency-key").expect("an Idempotency-Key header").to_string();
            (key, serde_json::from_slice(&h.body).unwrap())
        })
        .collect()
}

fn jsonl_alerts(path: &Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(s) => s.lines().map(json).collect(),
        Err(_) => Vec::new(),
    }
}

/// Every key once, and the keys are exactly `want`.
fn assert_once_each(what: &str, keys: &[String], want: &BTreeSet<String>) {
    let mut seen = BTreeSet::new();
    for k in keys {
        assert!(seen.insert(k.clone()), "{what}: alert {k} delivered twice ({keys:#?})");
    }
    assert_eq!(&seen, want, "{what}: alerts delivered vs matches in the archive");
}

// ---------------------------------------------------------------- the tests

/// A feed (RSS, ETag), a feed (Atom, Last-Modified only) and a listing page: new
/// articles, a changed article (a version), pages that answer 404/410 or leave the
/// listing (gone at source, versions kept), one that rolls off the end (not gone),
/// one that comes back; unchanged pages answer 304 and are not filed again. Then
/// the WARC files replay into the same archive.
#[test]
fn watch_follows_feeds_and_listings_keeps_versions_and_marks_pages_gone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fx = Fixture::start();
    let c = corpus();

    let rss_pages = ["/news/a1.html", "/news/a2.html", "/news/a3.html", "/news/seed0.txt"];
    for (p, a) in rss_pages[..3].iter().zip(c) {
        fx.set(p, Route::html(article_html(a)));
    }
    fx.set("/news/seed0.txt", Route::text(seed(0)));
    // Listed under one URL, answered under another (a redirect).
    fx.set("/news/r1.html", Route { location: Some("/news/r1-moved.html".into()), ..Route::status(301) });
    fx.set("/news/r1-moved.html", Route::html(article_html(&c[11])));
    let mut feed_pages = rss_pages.to_vec();
    feed_pages.push("/news/r1.html");
    fx.set("/rss.xml", Route::new("application/rss+xml", rss(&fx, &feed_pages)));

    let atom_pages = ["/atom/b1.html", "/atom/b2.html"];
    for (p, a) in atom_pages.iter().zip(&c[3..]) {
        fx.set(p, Route { etag: false, last_modified: true, ..Route::html(article_html(a)) });
    }
    let atom_feed = Route::new("application/atom+xml", atom(&fx, &atom_pages));
    fx.set("/atom.xml", Route { etag: false, last_modified: true, ..atom_feed });

    let art = |n: u32| format!("/article/{n}.html");
    for (n, a) in (100..=105).zip(&c[5..]) {
        fx.set(&art(n), Route::html(article_html(a)));
    }
    let listed = |ns: &[u32]| listing(&ns.iter().map(|&n| art(n)).collect::<Vec<_>>());
    // No validators: the listing is read whole every poll.
    fx.set("/list/index.html", Route { etag: false, ..Route::html(listed(&[104, 103, 102, 101, 100])) });

    let cfg = write_config(
        dir.path(),
        "sources.toml",
        &format!(
            r#"{FETCH}
[[source]]
name = "kcna-rss"
feed = "{}"
outlet = "KCNA"
interval = "1h"

[[source]]
name = "rodong-atom"
feed = "{}"
interval = "1h"

[[source]]
name = "listing"
listing = "{}"
link_pattern = '/article/\d+\.html$'
interval = "1h"

[alerts]
stdout = false
"#,
            fx.url("/rss.xml"),
            fx.url("/atom.xml"),
            fx.url("/list/index.html")
        ),
    );

    // Poll 1: everything is new.
    watch_once_ok(&data, &cfg, 0);
    let arts = by_url(&data);
    let mut all: Vec<String> = rss_pages.iter().chain(&atom_pages).map(|p| fx.url(p)).collect();
    all.extend((100..=104).map(|n| fx.url(&art(n))));
    all.push(fx.url("/news/r1-moved.html")); // filed under the URL that answered
    assert_eq!(arts.keys().cloned().collect::<BTreeSet<_>>(), all.iter().cloned().collect(), "poll 1");
    for (url, a) in &arts {
        assert_eq!(a["versions"], 1, "{url}");
        assert!(a["gone_at"].is_null(), "{url}");
        assert_eq!(a["sources"].as_array().unwrap().len(), 1, "{url}");
    }
    let a1 = &arts[&fx.url("/news/a1.html")];
    assert_eq!(a1["title"], c[0].title.as_str());
    assert_eq!(a1["outlet"], "KCNA");
    assert!(text_of(a1).contains(&c[0].paragraphs[1]), "{a1:#}");
    assert!(text_of(&arts[&fx.url("/news/seed0.txt")]).contains(&seed_sentence(0)));
    assert_eq!(fx.count("/robots.txt"), 1, "robots.txt asked for once per run");
    assert_eq!(fx.count("/about.html"), 0, "a link that is not an article is not fetched");

    // Between polls: a2 changes; a3 and b2 are deleted; 102 is taken off the listing
    // while older 101 stays; 100 rolls off the end as 105 comes in.
    let mut a2 = c[1].clone();
    a2.paragraphs.push("The meeting was attended by officials of the institutions concerned.".into());
    fx.set("/news/a2.html", Route::html(article_html(&a2)));
    fx.set("/news/a3.html", Route::status(404));
    fx.set("/news/r1.html", Route::status(404));
    fx.set("/atom/b2.html", Route::status(410));
    fx.update("/list/index.html", |r| r.body = listed(&[105, 104, 103, 101]).into_bytes());
    let etag_a1 = fx.route("/news/a1.html").etag_value();
    let modified_b1 = fx.route("/atom/b1.html").last_modified_value();

    // Poll 2.
    watch_once_ok(&data, &cfg, 0);
    let arts2 = by_url(&data);
    let v = &arts2[&fx.url("/news/a2.html")];
    assert_eq!(v["versions"], 2, "a changed article is a new version: {v:#}");
    let history = v["version_history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    let last = a2.paragraphs.last().unwrap().as_str();
    assert!(!history[0]["paragraphs"].as_array().unwrap().iter().any(|p| p == last));
    assert!(text_of(v).contains(last), "the current text is the new version");

    let gone = |arts: &BTreeMap<String, Value>, p: &str| arts[&fx.url(p)].clone();
    let a3 = gone(&arts2, "/news/a3.html");
    assert!(a3["gone_at"].is_string(), "404 → gone at source: {a3:#}");
    assert_eq!(a3["gone_reason"], "HTTP 404");
    assert_eq!(a3["versions"], 1);
    assert_eq!(a3["paragraphs"], arts[&fx.url("/news/a3.html")]["paragraphs"], "its text stays");
    assert_eq!(fx.count("/news/a3.html"), 2, "a 404 is not retried");
    let r1 = gone(&arts2, "/news/r1-moved.html");
    assert_eq!(r1["gone_reason"], "HTTP 404", "the listed URL of a redirected page 404s: {r1:#}");
    let b2 = gone(&arts2, "/atom/b2.html");
    assert_eq!(b2["gone_reason"], "HTTP 410", "{b2:#}");
    let a102 = gone(&arts2, &art(102));
    let reason = a102["gone_reason"].as_str().unwrap_or_else(|| panic!("102 left its listing: {a102:#}"));
    assert!(reason.starts_with("removed from listing") && reason.contains("/list/index.html"), "{reason}");
    assert!(!text_of(&a102).is_empty());
    let a100 = gone(&arts2, &art(100));
    assert!(a100["gone_at"].is_null(), "rolling off the end of a listing is not being deleted: {a100:#}");
    assert_eq!(arts2[&fx.url(&art(105))]["versions"], 1, "105 is new");
    assert_eq!(arts2.len(), all.len() + 1);

    // Conditional GET: unchanged pages and feeds answered 304 and were not filed again.
    let second = |p: &str| fx.hits(p).get(1).cloned().unwrap_or_else(|| panic!("{p} asked for once only"));
    assert_eq!(second("/news/a1.html").header("if-none-match"), Some(etag_a1.as_str()));
    assert_eq!(second("/atom/b1.html").header("if-modified-since"), Some(modified_b1.as_str()));
    assert!(second("/rss.xml").header("if-none-match").is_some());
    assert!(second("/atom.xml").header("if-modified-since").is_some());
    assert!(second(&art(101)).header("if-none-match").is_some());
    for p in ["/news/a1.html", "/news/seed0.txt", "/atom/b1.html"] {
        let a = &arts2[&fx.url(p)];
        assert_eq!((a["versions"].as_i64(), a["sources"].as_array().unwrap().len()), (Some(1), 1), "{p}");
    }
    let st = status(&data);
    for (name, gone) in [("kcna-rss", 2), ("rodong-atom", 1), ("listing", 1)] {
        let s = source_status(&st, name);
        assert_eq!((s["errors"].as_i64(), s["gone"].as_i64()), (Some(0), Some(gone)), "{s:#}");
        assert!(s["last_poll"].is_string() && s["next_poll"].is_string() && s["last_new"].is_string());
    }

    // Poll 3: a2 (two versions) is deleted too; 102 is put back on the listing.
    fx.set("/news/a2.html", Route::status(410));
    fx.update("/list/index.html", |r| r.body = listed(&[105, 104, 103, 102, 101]).into_bytes());
    watch_once_ok(&data, &cfg, 0);
    let arts3 = by_url(&data);
    let v = &arts3[&fx.url("/news/a2.html")];
    assert_eq!(v["gone_reason"], "HTTP 410");
    assert_eq!(v["version_history"].as_array().unwrap().len(), 2, "archived versions stay: {v:#}");
    assert_eq!(arts3[&fx.url("/news/a3.html")]["gone_at"], a3["gone_at"], "first seen missing stays");
    assert!(arts3[&fx.url(&art(100))]["gone_at"].is_null());
    let back = &arts3[&fx.url(&art(102))];
    assert!(back["gone_at"].is_null(), "a page back on its listing and answering is not gone: {back:#}");

    // The WARC files replay into the same archive.
    assert_replay_identical(&data, &dir.path().join("replay"));
}

/// Retries on 5xx but not on 404, timeouts, a redirect loop, bodies over the cap
/// (with and without Content-Length), EUC-KR pages, robots.txt; and `--once` polls
/// every source but leaves pages that are not due alone.
#[test]
fn watch_fetches_politely_and_survives_hostile_pages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fx = Fixture::start();
    let c = &corpus()[11..];
    fx.set("/robots.txt", Route::new("text/plain", "User-agent: *\nDisallow: /private/\n"));
    fx.set("/a-slow.html", Route { delay: Duration::from_secs(3), ..Route::html(article_html(&c[0])) });
    fx.set("/ok/1.html", Route::html(article_html(&c[1])));
    fx.set("/ok/2.html", Route::html(article_html(&c[2])));
    fx.set("/flaky.html", Route { fail_first: 2, ..Route::html(article_html(&c[3])) });
    fx.set("/missing.html", Route::status(404));
    fx.set("/loop.html", Route { location: Some("/loop.html".into()), ..Route::status(302) });
    let mut huge = String::from("<html><body><article>");
    while huge.len() < 3 << 20 {
        huge.push_str(&format!("<p>{}</p>", esc(&c[4].paragraphs[0])));
    }
    huge.push_str("</article></body></html>");
    fx.set("/huge.html", Route::html(huge.clone()));
    fx.set("/huge-chunked.html", Route { chunked: true, ..Route::html(huge) });
    fx.set("/euc/1.html", Route::new("text/html; charset=euc-kr", korean_html(KO1_TITLE, &KO1, false)));
    fx.set("/euc/2.html", Route::new("text/html", korean_html(KO2_TITLE, &KO2, true)));
    fx.set("/private/secret.html", Route::html(article_html(&c[5])));
    let pages = [
        "/a-slow.html",
        "/ok/1.html",
        "/ok/2.html",
        "/flaky.html",
        "/missing.html",
        "/loop.html",
        "/huge.html",
        "/huge-chunked.html",
        "/euc/1.html",
        "/euc/2.html",
        "/private/secret.html",
    ];
    fx.set("/feed.xml", Route::new("application/rss+xml", rss(&fx, &pages)));
    fx.set(
        "/slow-feed.xml",
        Route { delay: Duration::from_secs(3), ..Route::new("application/rss+xml", rss(&fx, &[])) },
    );
    // Pages are not due again for an hour (the default); timeouts of 1 s.
    let fetch = FETCH
        .replace("timeout = \"2s\"", "timeout = \"1s\"")
        .replace("refetch_min = \"0s\"\nrefetch_max = \"0s\"", "refetch_min = \"1h\"\nrefetch_max = \"30d\"");
    assert!(fetch.contains("\"1h\"") && fetch.contains("timeout = \"1s\""));
    let cfg = write_config(
        dir.path(),
        "sources.toml",
        &format!(
            r#"{fetch}
[[source]]
name = "site"
feed = "{}"
interval = "1h"

[[source]]
name = "slow-feed"
feed = "{}"
interval = "1h"

[alerts]
stdout = false
"#,
            fx.url("/feed.xml"),
            fx.url("/slow-feed.xml")
        ),
    );

    let t = Instant::now();
    let run = watch_once_ok(&data, &cfg, 1); // errors this poll → exit status 1
    let took = t.elapsed();
    assert!(took < Duration::from_secs(30), "a poll with hostile pages took {took:?}");
    let arts = by_url(&data);
    let filed: BTreeSet<&str> = arts.keys().map(|u| u.trim_start_matches(&fx.url(""))).collect();
    assert_eq!(
        filed,
        BTreeSet::from(["/ok/1.html", "/ok/2.html", "/flaky.html", "/euc/1.html", "/euc/2.html"]),
        "filed articles\n{}",
        run.stderr
    );

    // 5xx is retried within the poll; 404 and an oversize body are not.
    assert_eq!(fx.count("/flaky.html"), 3, "500, 500, 200");
    assert_eq!(fx.count("/missing.html"), 1, "a 404 is asked for once");
    assert_eq!(fx.count("/huge.html"), 1);
    assert_eq!(fx.count("/huge-chunked.html"), 1);
    // A timeout is retried (retries = 2), then given up; the pages after it were fetched.
    assert_eq!(fx.count("/a-slow.html"), 3);
    assert_eq!(fx.count("/slow-feed.xml"), 3);
    // A redirect loop ends after max_redirects (3) hops: 4 requests.
    assert_eq!(fx.count("/loop.html"), 4);
    // robots.txt: read once, and the disallowed page never asked for.
    assert_eq!(fx.count("/robots.txt"), 1);
    assert_eq!(fx.count("/private/secret.html"), 0, "{:?}", fx.all_paths());
    assert!(fx.all_paths().iter().all(|p| !p.starts_with("/private/")));

    // EUC-KR, declared in the header or only in <meta charset>, stored as Hangul.
    for (p, title, paras) in [("/euc/1.html", KO1_TITLE, KO1), ("/euc/2.html", KO2_TITLE, KO2)] {
        let a = &arts[&fx.url(p)];
        assert_eq!(a["title"], title, "{p}: {a:#}");
        assert_eq!(a["paragraphs"], serde_json::json!(paras), "{p}");
        assert_eq!(a["language"], "ko", "{p}");
    }

    // --status says what went wrong, per source and per page.
    let st = status(&data);
    let slow = source_status(&st, "slow-feed");
    assert_eq!(slow["errors"], 1, "{slow:#}");
    assert!(slow["last_error"].as_str().unwrap().contains("timed out"), "{slow:#}");
    let site = source_status(&st, "site");
    assert_eq!(site["errors"], 0, "the feed itself answered: {site:#}");
    let page_errors: Vec<&str> = site["page_errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{site:#}"))
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    let error_of = |p: &str| {
        let u = fx.url(p);
        page_errors
            .iter()
            .find(|e| e.contains(&u))
            .unwrap_or_else(|| panic!("no error for {p}: {page_errors:#?}"))
            .to_string()
    };
    assert!(error_of("/a-slow.html").contains("timed out"));
    assert!(error_of("/loop.html").contains("redirects"));
    assert!(error_of("/huge.html").contains("1 MiB"));
    assert!(error_of("/huge-chunked.html").contains("1 MiB"));
    assert!(error_of("/private/secret.html").contains("robots.txt"));
    assert_eq!(page_errors.len(), 5, "{page_errors:#?}");
    assert_eq!(site["gone"], 1, "the 404 page");
    let text = annalist_ok(&data, &["watch", "--status"], 0).stdout;
    assert!(text.contains("slow-feed") && text.contains("timed out"), "{text}");

    // --once again: every source is polled whatever its interval, but pages are
    // only fetched when due (not for an hour), the failed ones included.
    fx.update("/slow-feed.xml", |r| r.delay = Duration::ZERO);
    watch_once_ok(&data, &cfg, 0);
    assert_eq!(fx.count("/feed.xml"), 2);
    assert_eq!(fx.count("/slow-feed.xml"), 4);
    for (p, n) in [("/ok/1.html", 1), ("/flaky.html", 3), ("/a-slow.html", 3), ("/loop.html", 4)] {
        assert_eq!(fx.count(p), n, "{p} is not due again for an hour");
    }
    let st = status(&data);
    let slow = source_status(&st, "slow-feed");
    assert_eq!((slow["errors"].as_i64(), slow["errors_total"].as_i64()), (Some(0), Some(1)), "{slow:#}");
}

/// Watch lists from the config and from `annalist alert add`: one alert per
/// matching article or real event, to stdout, a JSON Lines file and a webhook; none
/// again for a new version, nor on a later run.
#[test]
fn watch_alerts_once_per_matching_article_and_event() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fx = Fixture::start();
    let hook = Fixture::start();
    hook.set("/hook", Route::text("ok"));
    let c = &corpus()[17..];

    // Saved watch lists, checked when saved.
    annalist_ok(&data, &["alert", "add", "moscow", "--query", "moscow"], 0);
    annalist_ok(&data, &["alert", "add", "scratch", "--query", "kim"], 0);
    let bad = annalist(&data, &["alert", "add", "bad", "--type", "hug"]);
    assert_ne!(bad.status, 0);
    assert!(bad.stderr.contains("unknown event type"), "{}", bad.stderr);
    assert_eq!(annalist(&data, &["alert", "remove", "nothing"]).status, 1);
    annalist_ok(&data, &["alert", "remove", "scratch"], 0);
    let listed = annalist_ok(&data, &["alert", "list"], 0).stdout;
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert_eq!(json(listed.lines().next().unwrap())["query"], "moscow");

    let mut pages: Vec<String> = Vec::new();
    for n in 0..5 {
        let p = format!("/seed/{n}.txt");
        fx.set(&p, Route::text(seed(n)));
        pages.push(p);
    }
    for (i, a) in c[..3].iter().enumerate() {
        let p = format!("/news/{i}.html");
        fx.set(&p, Route::html(article_html(a)));
        pages.push(p);
    }
    let feed = |pages: &[String]| rss(&fx, &pages.iter().map(String::as_str).collect::<Vec<_>>());
    fx.set("/rss.xml", Route::new("application/rss+xml", feed(&pages)));

    let jsonl = dir.path().join("alerts.jsonl");
    let cfg = write_config(
        dir.path(),
        "sources.toml",
        &format!(
            r#"{FETCH}
[[source]]
name = "kcna"
feed = "{}"
interval = "1h"

{WATCH_LISTS}

[alerts]
stdout = true
jsonl = "{}"
webhook = "{}"
webhook_timeout = "2s"
"#,
            fx.url("/rss.xml"),
            jsonl.display(),
            hook.url("/hook")
        ),
    );
    let queries = [("treaty", "putin AND treaty"), ("moscow", "moscow")];
    let events = [("ru-messages", "message", "prk-rus")];
    let check = |when: &str, stdout_lines: &[Value]| -> BTreeSet<String> {
        let want = expected_alerts(&data, &queries, &events);
        for list in ["treaty|", "moscow|", "ru-messages|"] {
            assert!(want.iter().any(|k| k.starts_with(list)), "{when}: nothing for {list} in {want:#?}");
        }
        let posts = webhook_posts(&hook);
        let keys: Vec<String> = posts.iter().map(|(k, _)| k.clone()).collect();
        assert_once_each(&format!("{when}: webhook"), &keys, &want);
        for (k, p) in &posts {
            assert_eq!(&alert_key(p), k, "payload and Idempotency-Key agree");
        }
        let lines: Vec<String> = jsonl_alerts(&jsonl).iter().map(alert_key).collect();
        assert_once_each(&format!("{when}: jsonl"), &lines, &want);
        let st = status(&data);
        assert_eq!(
            (st["alerts"].as_u64(), st["alerts_pending"].as_u64()),
            (Some(want.len() as u64), Some(0))
        );
        let out: Vec<String> = stdout_lines.iter().map(alert_key).collect();
        assert!(out.iter().all(|k| want.contains(k)), "{when}: stdout {out:#?}");
        want
    };

    // Run 1: every match alerts once.
    let r1 = watch_once_ok(&data, &cfg, 0);
    let out1: Vec<Value> = r1.stdout.lines().map(json).collect();
    let want1 = check("run 1", &out1);
    assert_eq!(out1.len(), want1.len(), "stdout has every alert once");
    for (_, p) in webhook_posts(&hook) {
        if p["kind"] == "event" {
            assert_eq!(p["event"]["type"], "message");
            let cs = [p["event"]["actor_country"].as_str(), p["event"]["target_country"].as_str()];
            assert!(cs.contains(&Some("prk")) && cs.contains(&Some("rus")), "{p:#}");
        }
    }

    // Run 2: the treaty article changes (a new version: no new alert); a new message
    // to Moscow (a new event: one alert).
    // (In the body: the seed page ends with a list of other articles.)
    let body_line = seed_sentence(4);
    let changed = seed(4).replacen(
        &body_line,
        &format!(
            "{body_line}\nThe guests highly appreciated the treaty signed by Kim Jong Un and Vladimir Putin."
        ),
        1,
    );
    assert_ne!(changed, seed(4));
    fx.set("/seed/4.txt", Route::text(changed));
    let msg = "Kim Jong Un Sends Greetings to Putin on Russia Day\n\nPyongyang, June 12 (KCNA) -- Kim Jong Un, President of the State Affairs of the Democratic People's Republic of Korea, sent a message of greetings to Vladimir Vladimirovich Putin, President of the Russian Federation, on June 12 on the occasion of Russia Day.\n\nKim Jong Un in the message extended warm congratulations to the president and the people of the Russian Federation, and expressed the belief that the friendly relations between the two countries would grow stronger.\n";
    fx.set("/news/message.txt", Route::text(msg));
    pages.push("/news/message.txt".into());
    fx.set("/rss.xml", Route::new("application/rss+xml", feed(&pages)));
    let r2 = watch_once_ok(&data, &cfg, 0);
    let arts = by_url(&data);
    assert_eq!(arts[&fx.url("/seed/4.txt")]["versions"], 2, "the treaty article has a new version");
    let out2: Vec<Value> = r2.stdout.lines().map(json).collect();
    let want2 = check("run 2", &out2);
    let new: Vec<&String> = want2.difference(&want1).collect();
    assert_eq!(out2.len(), new.len(), "run 2 printed only the new alerts: {out2:#?}");
    let msg_id = arts[&fx.url("/news/message.txt")]["id"].as_i64().unwrap();
    assert!(
        out2.iter().any(|p| p["watch"] == "ru-messages" && p["article"]["id"] == msg_id),
        "the new message alerts: {out2:#?}"
    );
    assert!(want1.is_subset(&want2));

    // Run 3: nothing new, nothing sent.
    let r3 = watch_once_ok(&data, &cfg, 0);
    assert_eq!(r3.stdout.trim(), "", "run 3 alerted again");
    check("run 3", &[]);
    assert_eq!(hook.count("/hook"), want2.len());
}

/// Kill -9 while a page is being fetched (the fixture holds it), restart: every
/// article ends up in the archive and every alert is delivered once; a long-running
/// watcher does not poll a feed before its interval is up.
#[test]
fn watch_killed_mid_poll_neither_loses_articles_nor_alerts_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fx = Fixture::start();
    let hook = Fixture::start();
    hook.set("/hook", Route::text("ok"));
    let c = &corpus()[25..];
    let a_pages = ["/a/1.txt", "/a/2.txt", "/a/3.html"];
    fx.set("/a/1.txt", Route::text(seed(4)));
    fx.set("/a/2.txt", Route::text(seed(0)));
    fx.set("/a/3.html", Route::html(article_html(&c[0])));
    let b_pages = ["/b/1.txt", "/b/2.html", "/b/3.txt", "/b/4.html", "/b/5.txt"];
    fx.set("/b/1.txt", Route::text(seed(1)));
    fx.set("/b/2.html", Route::html(article_html(&c[1])));
    // Held until the watcher is killed.
    fx.set("/b/3.txt", Route { delay: Duration::from_secs(600), ..Route::text(seed(3)) });
    fx.set("/b/4.html", Route::html(article_html(&c[2])));
    fx.set("/b/5.txt", Route::text(seed(2)));
    fx.set("/a.xml", Route::new("application/rss+xml", rss(&fx, &a_pages)));
    fx.set("/b.xml", Route::new("application/rss+xml", rss(&fx, &b_pages)));
    let jsonl = data.join("alerts.jsonl");
    let cfg = write_config(
        dir.path(),
        "sources.toml",
        &format!(
            r#"{}
[[source]]
name = "a"
feed = "{}"
interval = "1h"

[[source]]
name = "b"
feed = "{}"
interval = "1h"

{WATCH_LISTS}

[alerts]
stdout = false
jsonl = "alerts.jsonl"
webhook = "{}"
"#,
            FETCH.replace("timeout = \"2s\"", "timeout = \"900s\""),
            fx.url("/a.xml"),
            fx.url("/b.xml"),
            hook.url("/hook")
        ),
    );
    let spawn = |log: &str| -> Reaped {
        let err = std::fs::File::create(dir.path().join(log)).unwrap();
        Reaped(
            Command::new(bin())
                .arg("--data")
                .arg(&data)
                .args(["watch", "--config", cfg.to_str().unwrap()])
                .env("ANNALIST_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(err)
                .spawn()
                .unwrap(),
        )
    };
    let log = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();

    // Run 1, killed while /b/3.txt is in flight: source a is filed and alerted,
    // /b/1 and /b/2 are archived but not filed.
    let mut child = spawn("run1.log");
    let held = fx.wait_for("/b/3.txt", 1, Duration::from_secs(60));
    if !held {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the watcher never asked for /b/3.txt\n{}", log("run1.log"));
    }
    assert!(fx.count("/b/2.html") == 1 && fx.count("/b/1.txt") == 1);
    let alerted_before_kill = hook.count("/hook");
    assert!(alerted_before_kill > 0, "source a alerted before b was polled\n{}", log("run1.log"));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    fx.update("/b/3.txt", |r| r.delay = Duration::ZERO);
    let all: BTreeSet<String> = a_pages.iter().chain(&b_pages).map(|p| fx.url(p)).collect();

    // Run 2, left running until everything is filed and delivered, then stopped.
    let mut child = spawn("run2.log");
    let deadline = Instant::now() + Duration::from_secs(40);
    let done = loop {
        let have: BTreeSet<String> = by_url(&data).into_keys().collect();
        let st = status(&data);
        if have == all
            && st["alerts_pending"] == 0
            && st["alerts"].as_u64() == Some(hook.count("/hook") as u64)
        {
            break true;
        }
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            break false;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    // One watcher per archive: a cron run while it runs would deliver alerts twice.
    let second = annalist(&data, &["watch", "--config", cfg.to_str().unwrap(), "--once"]);
    assert_eq!(second.status, 2, "a second watcher on the same archive\n{}", second.stderr);
    assert!(second.stderr.contains("already running"), "{}", second.stderr);
    // Let it go round once more (pages are due every second) before stopping it.
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let stopped = child.try_wait().unwrap();
    if stopped.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(done, "after the restart the archive or the alerts never caught up\n{}", log("run2.log"));
    assert!(stopped.is_some_and(|s| s.success()), "SIGINT stops the watcher cleanly\n{}", log("run2.log"));
    // The feeds' interval (1h) was not up: the restarted watcher fetched due pages only.
    assert_eq!((fx.count("/a.xml"), fx.count("/b.xml")), (1, 1), "feeds polled before their interval");

    // Run 3, cron style: polls the feeds, nothing new.
    watch_once_ok(&data, &cfg, 0);

    let arts = by_url(&data);
    assert_eq!(arts.keys().cloned().collect::<BTreeSet<_>>(), all, "no article lost");
    for (u, a) in &arts {
        assert_eq!(a["versions"], 1, "{u}");
    }
    let want =
        expected_alerts(&data, &[("treaty", "putin AND treaty")], &[("ru-messages", "message", "prk-rus")]);
    assert!(want.len() > alerted_before_kill, "source b had alerts too: {want:#?}");
    let keys: Vec<String> = webhook_posts(&hook).into_iter().map(|(k, _)| k).collect();
    assert_once_each("webhook", &keys, &want);
    let lines: Vec<String> = jsonl_alerts(&jsonl).iter().map(alert_key).collect();
    assert_once_each("jsonl", &lines, &want);

    assert_replay_identical(&data, &dir.path().join("replay"));
}

/// A webhook that is down: one alert is tried (with its retries), the others wait
/// without each waiting out the retries; the JSON Lines sink is not held up; when
/// the webhook is back, each alert is POSTed once.
#[test]
fn watch_webhook_outage_delays_alerts_without_repeating_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fx = Fixture::start();
    let hook = Fixture::start();
    hook.set("/hook", Route::status(503));
    let pages = ["/s/0.txt", "/s/3.txt", "/s/4.txt"];
    for (p, n) in pages.iter().zip([0, 3, 4]) {
        fx.set(p, Route::text(seed(n)));
    }
    fx.set("/rss.xml", Route::new("application/rss+xml", rss(&fx, &pages)));
    let jsonl = data.join("alerts.jsonl");
    let cfg = write_config(
        dir.path(),
        "sources.toml",
        &format!(
            r#"{FETCH}
[[source]]
name = "kcna"
feed = "{}"

{WATCH_LISTS}

[alerts]
stdout = false
jsonl = "alerts.jsonl"
webhook = "{}"
webhook_timeout = "1s"
webhook_retries = 1
"#,
            fx.url("/rss.xml"),
            hook.url("/hook")
        ),
    );
    let t = Instant::now();
    watch_once_ok(&data, &cfg, 0);
    let took = t.elapsed();
    let want =
        expected_alerts(&data, &[("treaty", "putin AND treaty")], &[("ru-messages", "message", "prk-rus")]);
    assert!(want.len() >= 3, "{want:#?}");
    assert_eq!(hook.count("/hook"), 2, "the first alert and its one retry; the rest wait");
    assert!(took < Duration::from_secs(20), "{took:?}");
    let st = status(&data);
    assert_eq!(st["alerts_pending"].as_u64(), Some(want.len() as u64), "{st:#}");
    let lines: Vec<String> = jsonl_alerts(&jsonl).iter().map(alert_key).collect();
    assert_once_each("jsonl while the webhook is down", &lines, &want);

    hook.set("/hook", Route::text("ok"));
    watch_once_ok(&data, &cfg, 0);
    let posts = webhook_posts(&hook);
    let delivered: Vec<String> = posts[2..].iter().map(|(k, _)| k.clone()).collect();
    assert_once_each("webhook once it is back", &delivered, &want);
    assert_eq!(status(&data)["alerts_pending"], 0);
    let lines: Vec<String> = jsonl_alerts(&jsonl).iter().map(alert_key).collect();
    assert_once_each("jsonl after", &lines, &want);
    watch_once_ok(&data, &cfg, 0);
    assert_eq!(hook.count("/hook"), 2 + want.len(), "nothing more");
}

/// A watcher child that is killed when the test ends, also when an assertion fails
/// first (a leaked long-running watcher would poll the fixture port forever).
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl std::ops::Deref for Reaped {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Reaped {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

/// An article page that shows no date anywhere (no meta, no `<time>`, no date line,
/// no date in its URL), or the one given.
fn undated_html(title: &str, paras: &[&str], published: Option<&str>) -> String {
    let meta = published
        .map(|d| format!(r#"<meta property="article:published_time" content="{d}T10:00:00+09:00">"#))
        .unwrap_or_default();
    let paras: String = paras.iter().map(|p| format!("<p>{}</p>\n", esc(p))).collect();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title>{meta}</head>
<body><article><h1>{t}</h1>
{paras}</article></body></html>"#,
        t = esc(title)
    )
}

#[test]
fn watch_dates_pages_by_their_feed_item_when_they_show_no_date() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fx = Fixture::start();
    let body = [
        "The delegation of the friendship society toured the exhibition hall of the grand people's study house.",
        "Its members laid a floral basket and expressed their deep impression of what they saw there.",
    ];
    let other = [
        "A message of greetings was sent to the president on the occasion of the national day of his country.",
        "It wished him bigger success in his responsible work for the prosperity of the country.",
    ];
    let third = [
        "Working people of the city held a meeting at the cultural hall to mark the founding anniversary.",
        "Speakers said the achievements of the past years were made by the devoted efforts of the people.",
    ];
    fx.set(
        "/item/undated.html",
        Route::html(undated_html("Friendship Delegation Tours Exhibition", &body, None)),
    );
    fx.set(
        "/item/dated.html",
        Route::html(undated_html("Greetings Sent to Foreign Leader", &other, Some("2024-10-05"))),
    );
    // A server that says when the page last changed, and a feed that gives no date.
    fx.set(
        "/item/modified.html",
        Route {
            etag: false,
            last_modified: true,
            ..Route::html(undated_html("Working People Hold Meeting", &third, None))
        },
    );
    let item = |p: &str, date: Option<&str>| {
        let date = date.map(|d| format!("<pubDate>{d}</pubDate>")).unwrap_or_default();
        format!("<item><title>Feed title of {p}</title><link>{}</link>{date}</item>\n", fx.url(p))
    };
    // 08:30 in Pyongyang is still the day before in UTC: the feed's own day counts.
    let items = [
        item("/item/undated.html", Some("Tue, 08 Oct 2024 08:30:00 +0900")),
        item("/item/dated.html", Some("Tue, 08 Oct 2024 08:30:00 +0900")),
        item("/item/modified.html", None),
    ]
    .concat();
    let feed = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>KCNA</title>
<link>{}</link><description>news</description>
{items}</channel></rss>"#,
        fx.url("/")
    );
    fx.set("/rss.xml", Route::new("application/rss+xml", feed));
    let cfg = write_config(
        dir.path(),
        "sources.toml",
        &format!(
            "{FETCH}\n[[source]]\nname = \"kcna\"\nfeed = \"{}\"\ninterval = \"1h\"\n\n[alerts]\nstdout = false\n",
            fx.url("/rss.xml")
        ),
    );
    watch_once_ok(&data, &cfg, 0);
    let arts = by_url(&data);
    let a = &arts[&fx.url("/item/undated.html")];
    assert_eq!(a["published"], "2024-10-08", "{a:#}");
    assert_eq!(a["published_by"]["source"], "feed-item", "{a:#}");
    assert_eq!(a["published_by"]["text"], "2024-10-08T08:30:00", "{a:#}");
    // The page's own date wins over the feed's.
    let a = &arts[&fx.url("/item/dated.html")];
    assert_eq!(a["published"], "2024-10-05", "{a:#}");
    assert_eq!(a["published_by"]["source"], "meta-tag", "{a:#}");
    // No date on the page or in the feed: the response's Last-Modified, named as such.
    let a = &arts[&fx.url("/item/modified.html")];
    let lm = fx.route("/item/modified.html").last_modified_value();
    assert_eq!(a["published"], "2024-01-01", "{a:#}");
    assert_eq!(a["published_by"]["source"], "last-modified", "{a:#}");
    assert_eq!(a["published_by"]["text"], lm.as_str(), "{a:#}");
    // What the feed said travels in the WARC the watcher wrote: a replay agrees.
    let fresh = dir.path().join("fresh");
    annalist_ok(&fresh, &["ingest", "--quiet", data.join("warc").to_str().unwrap()], 0);
    let replayed = by_url(&fresh);
    assert_eq!(replayed[&fx.url("/item/undated.html")]["published"], "2024-10-08");
    // And `show` says where the date came from.
    let id = arts[&fx.url("/item/undated.html")]["id"].as_i64().unwrap();
    let out = annalist_ok(&data, &["show", &id.to_string()], 0).stdout;
    assert!(out.contains("2024-10-08 (feed-item: 2024-10-08T08:30:00)"), "{out}");
}
