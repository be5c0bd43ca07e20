//! The server against a small archive (the five seeds and one hostile capture).

mod common;

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use common::{app, archive, get, send};

/// One archive for the read-only tests (building it is the slow part).
fn data() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(archive).path()
}

/// The article id of the hostile capture.
async fn hostile_id(app: &annalist_serve::State) -> i64 {
    let r = get(app, "/api/v1/search?q=hostile&limit=5").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["hits"][0]["article"].as_i64().expect("the hostile article is found")
}

#[tokio::test]
async fn every_openapi_path_answers() {
    let app = app(data(), None);
    let doc: serde_json::Value = serde_json::from_str(annalist_serve::api::OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 9);
    for (path, item) in paths {
        let Some(op) = item.get("get") else { continue };
        let mut uri = path.clone();
        let mut query = Vec::new();
        for p in op["parameters"].as_array().cloned().unwrap_or_default() {
            let name = p["name"].as_str().unwrap();
            match (p["in"].as_str().unwrap(), p.get("example")) {
                ("path", Some(ex)) => uri = uri.replace(&format!("{{{name}}}"), ex.as_str().unwrap()),
                ("query", Some(ex)) => {
                    query.push(format!("{name}={}", ex.as_str().unwrap().replace('|', "%7C")))
                }
                ("path", None) => panic!("{path}: path parameter {name} has no example"),
                _ => {}
            }
        }
        if !query.is_empty() {
            uri = format!("{uri}?{}", query.join("&"));
        }
        let r = get(&app, &uri).await;
        assert_eq!(r.status, 200, "GET {uri}: {}", r.body);
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("application/json"), "{uri}");
        r.json();
    }
    // The write endpoint is described too (and tested in `ingest_needs_the_token`).
    assert!(paths["/api/v1/ingest"].get("post").is_some());
}

#[tokio::test]
async fn search_pages_and_facets() {
    let app = app(data(), None);
    let r = get(&app, "/api/v1/search?q=putin&limit=1&sort=date").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert!(v["total"].as_u64().unwrap() >= 2, "{v}");
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert!(v["facets"]["outlets"].is_array());
    let second = get(&app, "/api/v1/search?q=putin&limit=1&offset=1&sort=date").await.json();
    assert_ne!(second["hits"][0]["article"], v["hits"][0]["article"]);
    assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<mark>"));
    // filters narrow the query
    let f = get(&app, "/api/v1/search?q=putin&since=2099").await.json();
    assert_eq!(f["total"], 0);
}

#[tokio::test]
async fn errors_are_json_with_status() {
    let app = app(data(), None);
    for (uri, status) in [
        ("/api/v1/search", 400),
        ("/api/v1/search?q=%22unbalanced", 400),
        ("/api/v1/search?q=a&limit=1000", 400),
        ("/api/v1/search?q=a&limit=x", 400),
        ("/api/v1/search?q=a&sort=sideways", 400),
        ("/api/v1/articles/999999", 404),
        ("/api/v1/articles/abc", 400),
        ("/api/v1/entities/no-such-entity-anywhere", 404),
        ("/api/v1/events?type=war", 400),
        ("/api/v1/events?since=yesterday", 400),
        ("/api/v1/timeline/prk/xxx", 404),
        ("/api/v1/trends", 400),
        ("/api/v1/trends?terms=a|b|c|d|e|f", 400),
        ("/api/v1/trends?terms=a&by=week", 400),
        ("/api/v1/nothing", 404),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, status, "{uri}: {}", r.body);
        assert!(r.json()["error"].as_str().is_some_and(|m| !m.is_empty()), "{uri}: {}", r.body);
    }
    let r = get(&app, "/api/v1/search?q=%22unbalanced").await;
    assert!(r.json()["error"].as_str().unwrap().contains("column"), "{}", r.body);
}

/// Each handler reads its parameters into a struct; a bad value is still answered
/// with the handler's own message naming it, on the API and on the pages alike.
#[tokio::test]
async fn bad_parameters_are_named_in_the_message() {
    let app = app(data(), None);
    for (uri, message) in [
        ("/api/v1/search?q=a&limit=x", "limit=x: expected a whole number"),
        ("/api/v1/search?q=a&offset=-1", "offset=-1: expected a whole number"),
        ("/api/v1/search?q=a&limit=101", "limit=101: at most 100"),
        ("/api/v1/search?q=a&sort=sideways", "sort=sideways: expected relevance, date or date-asc"),
        ("/api/v1/search?since=x%3Cy", "since=x<y: expected a date YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/api/v1/entities/vladimir-putin?limit=ten", "limit=ten: expected a whole number"),
        ("/api/v1/events?offset=1.5", "offset=1.5: expected a whole number"),
        ("/api/v1/timeline/prk/rus?limit=x", "limit=x: expected a whole number"),
        ("/api/v1/trends?terms=a&by=week", "by=week: expected month or year"),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, 400, "{uri}: {}", r.body);
        assert_eq!(r.json()["error"], message, "{uri}");
    }
    for (uri, message) in [
        ("/timeline/prk/rus?page=two", "page=two: expected a page number (1, 2, …)"),
        ("/entities/vladimir-putin?page=0", "page=0: expected a page number (1, 2, …)"),
        ("/articles/1/diff?from=one", "from=one: expected a version number"),
        ("/search?q=putin&limit=x", "limit=x: expected a whole number"),
        ("/trends?t1=putin&by=week", "by=week: expected month or year"),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, 400, "{uri}: {}", r.body);
        assert!(r.body.contains(&format!("<p class=\"error\">{message}</p>")), "{uri}: {}", r.body);
    }
    let csv = get(&app, "/trends.csv?terms=putin&by=week").await;
    assert_eq!(csv.status, 400, "{}", csv.body);
    assert_eq!(csv.json()["error"], "by=week: expected month or year");
}

/// The search page's links keep the search (its known parameters, by name) and
/// change one thing.
#[tokio::test]
async fn search_links_keep_the_search() {
    let app = app(data(), None);
    let s = get(&app, "/search?q=putin&sort=date&limit=1&unknown=dropped").await.body;
    assert!(s.contains("href=\"/search?limit=1&amp;offset=1&amp;q=putin&amp;sort=date\">next →</a>"), "{s}");
    assert!(s.contains("<option value=\"date\" selected>newest</option>"), "{s}");
    assert!(s.contains("/search?limit=1&amp;offset=0&amp;outlet="), "{s}");
    assert!(!s.contains("unknown=dropped"), "{s}");
    // the empty form: nothing searched, nothing selected
    let form = get(&app, "/search?q=&type=").await;
    assert_eq!(form.status, 200);
    assert!(!form.body.contains(" selected") && !form.body.contains("class=\"hit\""), "{}", form.body);
}

#[tokio::test]
async fn article_entity_events_timeline_trends_stats() {
    let app = app(data(), None);
    let stats = get(&app, "/api/v1/stats").await.json();
    assert!(stats["articles"].as_u64().unwrap() >= 5, "{stats}");
    assert_eq!(stats["indexed"], stats["articles"], "every full article is indexed");

    let a = get(&app, "/api/v1/articles/1").await.json();
    assert_eq!(a["id"], 1);
    assert!(!a["sources"].as_array().unwrap().is_empty());
    assert!(!a["version_history"].as_array().unwrap().is_empty());

    let e = get(&app, "/api/v1/entities/vladimir-putin").await.json();
    assert_eq!(e["known"], true);
    assert!(!e["mentions_by_year"].as_array().unwrap().is_empty(), "{e}");

    let ev = get(&app, "/api/v1/events?dyad=prk-rus&limit=2").await.json();
    let total = ev["total"].as_u64().unwrap();
    assert!(total >= 1, "{ev}");
    assert!(ev["events"].as_array().unwrap().len() <= 2);
    let first = &ev["events"][0];
    assert!(first["reports"][0]["evidence"].as_str().is_some_and(|s| !s.is_empty()));

    let t = get(&app, "/api/v1/timeline/PRK/rus").await.json();
    assert_eq!(t["a"], "prk");
    assert_eq!(t["total"].as_u64().unwrap(), total);

    let tr = get(&app, "/api/v1/trends?terms=putin|%22comrades-in-arms%22&by=year").await.json();
    assert_eq!(tr["series"].as_array().unwrap().len(), 2, "{tr}");
    let periods = tr["periods"].as_array().unwrap().len();
    assert!(periods >= 1);
    assert_eq!(tr["series"][0]["counts"].as_array().unwrap().len(), periods);
    let putin: u64 = tr["series"][0]["counts"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum();
    let all = get(&app, "/api/v1/search?q=putin&limit=0").await.json();
    assert_eq!(putin, all["total"].as_u64().unwrap(), "every match falls in some year");
    let monthly = get(&app, "/api/v1/trends?terms=putin").await.json();
    assert_eq!(monthly["by"], "month");
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = app(data(), None);
    for uri in ["/api/v1/stats", "/api/v1/nothing", "/nothing"] {
        let r = get(&app, uri).await;
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{uri}");
    }
}

#[tokio::test]
async fn ingest_needs_the_token() {
    let dir = archive();
    let post = |token: Option<&str>| {
        let mut b = Request::post("/api/v1/ingest?name=new.txt");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let body = common::HOSTILE.replace("hostile", "uploaded").replace("Hostile", "Uploaded");
        b.body(Body::from(body)).unwrap()
    };
    let read_only = app(dir.path(), None);
    assert_eq!(send(&read_only, post(Some("s3cret"))).await.status, 403);

    let writable = app(dir.path(), Some("s3cret"));
    let r = send(&writable, post(None)).await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    assert_eq!(send(&writable, post(Some("wrong"))).await.status, 403);
    assert_eq!(send(&writable, post(Some("s3cret0"))).await.status, 403);
    let before = get(&writable, "/api/v1/stats").await.json();
    let r = send(&writable, post(Some("s3cret"))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = get(&writable, "/api/v1/stats").await.json();
    assert!(after["sources"].as_i64() > before["sources"].as_i64(), "{before} → {after}");
    // the search index sees the new text at once
    let hits = get(&writable, "/api/v1/search?q=uploaded").await.json();
    assert_eq!(hits["total"], 1, "{hits}");
    // GET is not a way in
    assert_eq!(get(&writable, "/api/v1/ingest").await.status, 405);
}

#[tokio::test]
async fn request_body_is_bounded() {
    let dir = archive();
    let mut opts = annalist_serve::Options::new(dir.path(), annalist_understand::Kb::builtin().unwrap());
    opts.token = Some("t".into());
    opts.max_body = 1024;
    opts.ingest = Some(std::sync::Arc::new(|_: &str, _: &[u8]| Ok(annalist_serve::IngestReport::default())));
    let app = annalist_serve::App::open(opts).unwrap();
    let req = Request::post("/api/v1/ingest")
        .header("authorization", "Bearer t")
        .body(Body::from(vec![b'a'; 4096]))
        .unwrap();
    assert_eq!(send(&app, req).await.status, 413);
}

#[tokio::test]
async fn hostile_article_json_is_data() {
    let app = app(data(), None);
    let id = hostile_id(&app).await;
    let a = get(&app, &format!("/api/v1/articles/{id}")).await;
    // JSON carries the text as it is; it is served as JSON, never as HTML.
    assert!(a.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    // snippets are escaped HTML
    let s = get(&app, "/api/v1/search?q=hostile").await.json();
    let snippet = s["hits"][0]["snippet"].as_str().unwrap();
    assert!(!snippet.contains("<script") && !snippet.contains("<img"), "{snippet}");
}

/// No markup from article text survives: no element, no handler, no script URL.
fn assert_inert(uri: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in ["<script", "<img", "href=\"javascript:", "href='javascript:", "<a href=\"javascript"] {
        assert!(!lower.contains(bad), "{uri} contains {bad}:\n{html}");
    }
}

#[tokio::test]
async fn pages_render() {
    let app = app(data(), None);
    for uri in [
        "/",
        "/search?q=putin",
        "/search?q=putin&outlet=KCNA&sort=date",
        "/articles/1",
        "/entities/vladimir-putin",
        "/entities/rus",
        "/timeline/prk/rus",
        "/timeline/prk/rus?since=2019&until=2019-12&type=visit",
        "/trends",
        "/trends?t1=putin&t2=%22comrades-in-arms%22&by=year",
        "/trends?terms=putin",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, 200, "{uri}: {}", r.body);
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{uri}");
        assert!(r.body.starts_with("<!doctype html>") && r.body.contains("name=\"viewport\""), "{uri}");
        assert!(r.headers["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
        assert_inert(uri, &r.body);
    }
    let s = get(&app, "/search?q=putin&limit=1").await.body;
    assert!(s.contains("<mark>") && s.contains("By outlet") && s.contains("next →"), "{s}");
    let a = get(&app, "/articles/1").await.body;
    assert!(a.contains("Published") && a.contains("Captured") && a.contains("<h2>Sources</h2>"), "{a}");
    let t = get(&app, "/timeline/prk/rus").await.body;
    assert!(t.contains("<svg") && t.contains("<circle") && t.contains("/articles/"), "{t}");
    assert!(t.contains("Cooperation and conflict") && t.contains("<polyline"), "{t}");
    let tr = get(&app, "/trends?t1=putin&t2=friendship&by=year").await.body;
    assert!(tr.contains("<polyline") && tr.contains("<table>") && tr.contains("/trends.csv?"), "{tr}");
    let csv = get(&app, "/trends.csv?terms=putin|friendship&by=year").await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("period,articles,putin (n),putin per 1000,friendship (n)"), "{}", csv.body);
    // errors are pages too
    let r = get(&app, "/articles/999999").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("no article 999999"));
    assert_eq!(get(&app, "/timeline/prk/nowhere").await.status, 404);
}

#[tokio::test]
async fn static_assets_are_embedded_only() {
    let app = app(data(), None);
    let css = get(&app, "/static/style.css").await;
    assert_eq!(css.status, 200);
    assert!(css.headers["content-type"].to_str().unwrap().starts_with("text/css"));
    for uri in [
        "/static/../Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/%2Fetc%2Fpasswd",
        "/static/style.css%00.js",
        "/static/",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, 404, "{uri}");
        assert!(!r.body.contains("[workspace]") && !r.body.contains("root:"), "{uri}");
    }
}

#[tokio::test]
async fn hostile_text_is_escaped_in_every_page() {
    let app = app(data(), None);
    let id = hostile_id(&app).await;
    let article = get(&app, &format!("/articles/{id}")).await;
    assert_eq!(article.status, 200);
    // shown as text
    assert!(article.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", article.body);
    assert!(article.body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{}", article.body);
    assert!(article.body.contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;"), "{}", article.body);
    let mut pages = vec![
        format!("/articles/{id}"),
        "/search?q=hostile".to_string(),
        "/search?q=script".to_string(),
        "/search?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "/search?q=x&outlet=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E".to_string(),
        "/trends?t1=%3Cscript%3Ealert(1)%3C/script%3E&by=year".to_string(),
        "/entities/%3Cscript%3E".to_string(),
        "/timeline/prk/rus".to_string(),
        "/timeline/prk/rus?since=%3Cscript%3E".to_string(),
        "/entities/vladimir-putin".to_string(),
        "/entities/rus".to_string(),
    ];
    // every page that lists an event of the hostile article
    let ev = get(&app, "/api/v1/events?limit=100").await.json();
    for e in ev["events"].as_array().unwrap() {
        if e["reports"].as_array().unwrap().iter().any(|r| r["article"] == id) {
            for who in ["actor", "target"] {
                if let Some(x) = e[who].as_str() {
                    pages.push(format!("/entities/{x}"));
                }
            }
        }
    }
    for uri in &pages {
        let r = get(&app, uri).await;
        assert!(r.status == 200 || r.status == 404 || r.status == 400, "{uri}: {}", r.status);
        assert_inert(uri, &r.body);
    }
    let s = get(&app, "/search?q=hostile").await.body;
    assert!(s.contains("Hostile Headline"), "{s}");
}

#[tokio::test]
async fn follows_writes_by_other_processes() {
    let dir = archive();
    let app = app(dir.path(), None);
    assert!(!annalist_serve::follow_writes(&app).unwrap(), "nothing changed yet");
    let before = get(&app, "/api/v1/stats").await.json();
    let trend = "/api/v1/trends?terms=elsewhere&by=year";
    let sum = |v: &serde_json::Value, k: &str| -> u64 {
        let a = if k == "totals" { &v["totals"] } else { &v["series"][0][k] };
        a.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum()
    };
    let t0 = get(&app, trend).await.json();
    let kb = annalist_understand::Kb::builtin().unwrap();
    let text = common::HOSTILE.replace("hostile", "elsewhere").replace("Hostile", "Elsewhere");
    common::file(dir.path(), &kb, "elsewhere.txt", text.as_bytes()).unwrap();
    assert_eq!(get(&app, "/api/v1/search?q=elsewhere").await.json()["total"], 0);
    // The statistics are those of the archive as the server last loaded it ...
    assert_eq!(get(&app, "/api/v1/stats").await.json(), before);
    assert!(annalist_serve::follow_writes(&app).unwrap());
    assert_eq!(get(&app, "/api/v1/search?q=elsewhere").await.json()["total"], 1);
    // ... and after it loaded the new state, the new ones.
    let after = get(&app, "/api/v1/stats").await.json();
    assert_eq!(after["articles"].as_i64().unwrap(), before["articles"].as_i64().unwrap() + 1, "{after}");
    assert_eq!(after["indexed"], after["articles"], "{after}");
    // Trends count the new article, in their totals (kept per state of the archive) too.
    let t1 = get(&app, trend).await.json();
    assert_eq!((sum(&t0, "counts"), sum(&t1, "counts")), (0, 1), "{t0} → {t1}");
    assert_eq!(sum(&t1, "totals"), sum(&t0, "totals") + 1, "{t0} → {t1}");
    assert!(!annalist_serve::follow_writes(&app).unwrap());
}

/// One JSON Lines record (title, date, paragraphs), as `annalist ingest` reads it.
fn record(title: &str, date: &str, paragraphs: &[&str]) -> String {
    format!("{}\n", serde_json::json!({"title": title, "date": date, "paragraphs": paragraphs}))
}

const VERSION_LEDE: &str = "Kim Jong Un, President of the State Affairs of the Democratic People's Republic of Korea, \
     sent a message of greetings to Vladimir Putin, President of the Russian Federation, on June 12.";
const VERSION_BODY: &str = "The message wished the president good health and big successes in his responsible \
     work for the prosperity of the country and the well-being of its people.";

/// An archive holding one article in two versions: the second capture changed
/// words of the second paragraph and added markup-looking text.
fn two_versions() -> (tempfile::TempDir, i64) {
    let dir = tempfile::tempdir().unwrap();
    let kb = annalist_understand::Kb::builtin().unwrap();
    let title = "Kim Jong Un Greets Russian President on Russia Day";
    let v1 = record(title, "2023-06-12", &[VERSION_LEDE, VERSION_BODY]);
    let changed = VERSION_BODY.replace("big successes", "<b>great</b> successes")
        + " The message was handed over on Monday.";
    let v2 = record(title, "2023-06-12", &[VERSION_LEDE, &changed]);
    common::file(dir.path(), &kb, "v1.jsonl", v1.as_bytes()).unwrap();
    common::file(dir.path(), &kb, "v2.jsonl", v2.as_bytes()).unwrap();
    let store = annalist_store::Store::open_read_only(dir.path()).unwrap();
    let id = store.list(&Default::default()).unwrap()[0].id;
    assert_eq!(store.versions(id).unwrap().len(), 2, "the second capture is a new version");
    (dir, id)
}

#[tokio::test]
async fn versions_show_word_differences() {
    let (dir, id) = two_versions();
    let app = app(dir.path(), None);
    let page = get(&app, &format!("/articles/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("Versions (2)") && b.contains("Latest change: version 1 → 2"), "{b}");
    assert!(b.contains(&format!("href=\"/articles/{id}/diff?from=1&amp;to=2\"")), "{b}");
    assert!(b.contains("<del>big</del>"), "{b}");
    assert!(b.contains("<ins>&lt;b&gt;great&lt;/b&gt;</ins>"), "{b}");

    for uri in [format!("/articles/{id}/diff?from=1&to=2"), format!("/articles/{id}/diff")] {
        let d = get(&app, &uri).await;
        assert_eq!(d.status, 200, "{uri}: {}", d.body);
        assert!(d.headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_inert(&uri, &d.body);
        let b = &d.body;
        assert!(b.contains("<del>big</del>"), "{uri}: {b}");
        assert!(b.contains("<ins>&lt;b&gt;great&lt;/b&gt;</ins>"), "{uri}: {b}");
        assert!(b.contains("<ins> The message was handed over on Monday.</ins>"), "{uri}: {b}");
        // unchanged words are shown, outside any mark
        assert!(b.contains("good health and "), "{uri}: {b}");
        assert!(b.contains("8 words added, 1 removed"), "{uri}: {b}");
    }
    // the other way round, what was added is removed
    let back = get(&app, &format!("/articles/{id}/diff?from=2&to=1")).await.body;
    assert!(
        back.contains("<ins>big</ins>") && back.contains("<del>&lt;b&gt;great&lt;/b&gt;</del>"),
        "{back}"
    );
    let same = get(&app, &format!("/articles/{id}/diff?from=2&to=2")).await.body;
    assert!(same.contains("the same text") && !same.contains("<ins>") && !same.contains("<del>"), "{same}");
    for (uri, status) in [
        (format!("/articles/{id}/diff?from=1&to=3"), 404),
        (format!("/articles/{id}/diff?from=0&to=2"), 404),
        (format!("/articles/{id}/diff?from=one"), 400),
        ("/articles/999999/diff".to_string(), 404),
        ("/articles/x/diff".to_string(), 400),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, status, "{uri}: {}", r.body);
        assert!(r.body.contains("class=\"error\""), "{uri}: {}", r.body);
    }
}

#[tokio::test]
async fn a_single_version_has_no_diff_section() {
    let app = app(data(), None);
    let a = get(&app, "/articles/1").await.body;
    assert!(a.contains("Versions (1)") && !a.contains("Latest change") && !a.contains("/diff?"), "{a}");
    let d = get(&app, "/articles/1/diff").await.body;
    assert!(d.contains("the same text"), "{d}");
}

/// More dated events between the DPRK and Russia than one page holds: 120 messages
/// on 120 different days, one article each.
fn many_events() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let kb = annalist_understand::Kb::builtin().unwrap();
    let words = ["friendship", "cooperation", "solidarity", "trade", "culture", "science", "sports", "youth"];
    let mut lines = String::new();
    for i in 0..120i64 {
        let day = jiff::civil::date(2011, 1, 1).checked_add(jiff::Span::new().days(i * 3)).unwrap();
        let on = day.strftime("%B %-d").to_string();
        let (w1, w2) = (words[i as usize % words.len()], words[(i as usize / 8) % words.len()]);
        lines.push_str(&record(
            &format!("Kim Jong Il Sends Message to Putin No. {i}"),
            &day.to_string(),
            &[
                &format!(
                    "Kim Jong Il sent a message to Vladimir Putin, Prime Minister of the Russian Federation, on {on}."
                ),
                &format!(
                    "Message number {i} spoke of {w1} and {w2} between the two countries, item {i} of the year, \
                     with words chosen for day {day} and nothing else in common with the others ({i}, {i})."
                ),
            ],
        ));
    }
    common::file(dir.path(), &kb, "many.jsonl", lines.as_bytes()).unwrap();
    dir
}

/// Event ids (the list's anchors) in the order a page lists them.
fn listed_events(html: &str) -> Vec<String> {
    html.split("<div class=\"event\" id=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

#[tokio::test]
async fn timeline_and_entity_pages_are_paged() {
    let dir = many_events();
    let app = app(dir.path(), None);
    let total = get(&app, "/api/v1/timeline/prk/rus").await.json()["total"].as_u64().unwrap() as usize;
    assert!(total > 100, "{total} events: the fixture should give more than two pages");
    let per = annalist_serve::EVENTS_PER_PAGE;
    let pages = total.div_ceil(per);

    // The timeline, oldest first: every event on exactly one page, in order.
    let mut seen = Vec::new();
    for n in 1..=pages {
        let uri = format!("/timeline/prk/rus?page={n}");
        let r = get(&app, &uri).await;
        assert_eq!(r.status, 200, "{uri}: {}", r.body);
        let ids = listed_events(&r.body);
        assert_eq!(ids.len(), if n < pages { per } else { total - per * (pages - 1) }, "{uri}");
        assert!(r.body.contains(&format!("on page {n} of {pages}")), "{uri}");
        assert_eq!(r.body.contains("rel=\"next\""), n < pages, "{uri}");
        assert_eq!(r.body.contains("rel=\"prev\""), n > 1, "{uri}");
        seen.extend(ids);
    }
    let mut api = Vec::new();
    for offset in (0..total).step_by(100) {
        let v = get(&app, &format!("/api/v1/timeline/prk/rus?offset={offset}")).await.json();
        api.extend(v["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()));
    }
    assert_eq!(seen, api, "the pages list the events of the API, in its order");

    // Page 1 is the default; links keep the filters; the dots link to their page.
    let first = get(&app, "/timeline/prk/rus").await.body;
    assert_eq!(listed_events(&first), seen[..per]);
    let late = &seen[per + 1];
    assert!(first.contains(&format!("href=\"/timeline/prk/rus?page=2#{late}\"")), "dot → page 2");
    assert!(first.contains(&format!("href=\"#{}\"", seen[0])), "dot on this page");
    let filtered = get(&app, "/timeline/prk/rus?since=2011&type=message").await.body;
    assert!(filtered.contains("href=\"/timeline/prk/rus?page=2&amp;since=2011&amp;type=message#events\""));

    // The entity page, newest first.
    let e = get(&app, "/entities/kim-jong-il?page=2").await;
    assert_eq!(e.status, 200, "{}", e.body);
    let ids = listed_events(&e.body);
    assert_eq!(ids.len(), per);
    let newest_first: Vec<String> = seen.iter().rev().cloned().collect();
    assert_eq!(ids, newest_first[per..2 * per], "page 2 of the entity's events");

    // Bounded: not a number, zero, past the end.
    for (uri, status) in [
        ("/timeline/prk/rus?page=0".to_string(), 400),
        ("/timeline/prk/rus?page=-1".to_string(), 400),
        ("/timeline/prk/rus?page=two".to_string(), 400),
        (format!("/timeline/prk/rus?page={}", pages + 1), 404),
        ("/timeline/prk/rus?page=99999999999999999999999".to_string(), 400),
        ("/entities/kim-jong-il?page=1000".to_string(), 404),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, status, "{uri}: {}", r.body);
    }
}

/// Whether a concrete path fits an OpenAPI path template (`{x}` is one segment).
fn fits(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap();
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// Every response openapi.json documents, for every endpoint and method, is produced
/// by some request here, and no request here gets a status its endpoint does not
/// document: the document and the server agree in both directions.
#[tokio::test]
async fn every_documented_response_is_exercised() {
    let doc: serde_json::Value = serde_json::from_str(annalist_serve::api::OPENAPI).unwrap();
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for status in op["responses"].as_object().unwrap().keys() {
                documented.insert((method.to_uppercase(), path.clone(), status.parse::<u16>().unwrap()));
            }
        }
    }
    let mut exercised = std::collections::BTreeSet::new();
    let mut check = |method: &str, template: &str, uri: &str, r: &common::Reply, want: u16| {
        assert!(fits(template, uri), "{uri} is not an instance of {template}");
        assert_eq!(r.status, want, "{method} {uri}: {}", r.body);
        let key = (method.to_string(), template.to_string(), want);
        assert!(documented.contains(&key), "{method} {uri} answers {want}, undocumented for {template}");
        match want {
            200 => assert!(r.json().is_object(), "{uri}"),
            413 => {}
            _ => assert!(r.json()["error"].as_str().is_some_and(|m| !m.is_empty()), "{uri}: {}", r.body),
        }
        exercised.insert(key);
    };
    let ro = app(data(), None);
    for (template, uri, want) in [
        ("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
        ("/api/v1/search", "/api/v1/search?q=putin&limit=2&offset=1&sort=date-asc", 200),
        (
            "/api/v1/search",
            "/api/v1/search?q=putin&outlet=KCNA&lang=en&type=message&since=2011&until=2025",
            200,
        ),
        ("/api/v1/search", "/api/v1/search?q=(putin", 400),
        ("/api/v1/search", "/api/v1/search?q=putin&offset=100001", 400),
        ("/api/v1/search", "/api/v1/search?q=putin&since=last%20week", 400),
        ("/api/v1/articles/{id}", "/api/v1/articles/1", 200),
        ("/api/v1/articles/{id}", "/api/v1/articles/1.5", 400),
        ("/api/v1/articles/{id}", "/api/v1/articles/424242", 404),
        ("/api/v1/entities", "/api/v1/entities?q=kim&limit=5", 200),
        ("/api/v1/entities", "/api/v1/entities?limit=x", 400),
        ("/api/v1/entities/{id}", "/api/v1/entities/kim-jong-un?limit=1&offset=0", 200),
        ("/api/v1/entities/{id}", "/api/v1/entities/rus?limit=101", 400),
        ("/api/v1/entities/{id}", "/api/v1/entities/nobody-at-all", 404),
        ("/api/v1/events", "/api/v1/events?dyad=prk-rus&type=message&since=2022&until=2022-12&limit=5", 200),
        ("/api/v1/events", "/api/v1/events?dyad=prk", 400),
        ("/api/v1/events", "/api/v1/events?offset=-1", 400),
        ("/api/v1/timeline/{a}/{b}", "/api/v1/timeline/rus/prk?limit=3&offset=1", 200),
        ("/api/v1/timeline/{a}/{b}", "/api/v1/timeline/prk/rus?limit=500", 400),
        ("/api/v1/timeline/{a}/{b}", "/api/v1/timeline/atlantis/rus", 404),
        ("/api/v1/trends", "/api/v1/trends?terms=putin|message&by=year&since=2020&until=2025", 200),
        ("/api/v1/trends", "/api/v1/trends?terms=putin&since=soon", 400),
        ("/api/v1/trends", "/api/v1/trends?terms=(putin", 400),
        ("/api/v1/stats", "/api/v1/stats", 200),
    ] {
        let r = get(&ro, uri).await;
        check("GET", template, uri, &r, want);
    }

    // The write endpoint, on a copy of the archive.
    let dir = archive();
    let post = |token: Option<&str>, body: &str| {
        let mut b = Request::post("/api/v1/ingest?name=posted.txt");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        b.body(Body::from(body.to_string())).unwrap()
    };
    let capture = common::HOSTILE.replace("hostile", "posted").replace("Hostile", "Posted");
    let uri = "/api/v1/ingest?name=posted.txt";
    let r = send(&app(dir.path(), None), post(Some("s3cret"), &capture)).await;
    check("POST", "/api/v1/ingest", uri, &r, 403);
    let rw = app(dir.path(), Some("s3cret"));
    check("POST", "/api/v1/ingest", uri, &send(&rw, post(None, &capture)).await, 401);
    check("POST", "/api/v1/ingest", uri, &send(&rw, post(Some("s3cret!"), &capture)).await, 403);
    check("POST", "/api/v1/ingest", uri, &send(&rw, post(Some("s3cret"), "")).await, 400);
    let ok = send(&rw, post(Some("s3cret"), &capture)).await;
    check("POST", "/api/v1/ingest", uri, &ok, 200);
    assert_eq!(get(&rw, "/api/v1/search?q=posted").await.json()["total"], 1);
    let mut opts = annalist_serve::Options::new(dir.path(), annalist_understand::Kb::builtin().unwrap());
    opts.token = Some("s3cret".into());
    opts.max_body = 64;
    opts.ingest = Some(std::sync::Arc::new(|_: &str, _: &[u8]| Ok(annalist_serve::IngestReport::default())));
    let small = annalist_serve::App::open(opts).unwrap();
    check("POST", "/api/v1/ingest", uri, &send(&small, post(Some("s3cret"), &capture)).await, 413);

    let missing: Vec<_> = documented.difference(&exercised).collect();
    assert!(missing.is_empty(), "documented but never exercised: {missing:?}");
}

#[tokio::test]
async fn search_feeds_are_atom_with_escaped_text() {
    let app = app(data(), None);
    let r = get(&app, "/feeds/search?q=putin&limit=3").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let feed = feed_rs::parser::parse(r.body.as_bytes()).expect("a valid Atom feed");
    assert!(!feed.entries.is_empty() && feed.entries.len() <= 3, "{}", r.body);
    // Every entry links to its article page, and that page is there.
    for e in &feed.entries {
        let href = &e.links[0].href;
        let path = href.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..])).unwrap();
        assert!(path.starts_with("/articles/"), "{href}");
        assert_eq!(get(&app, path).await.status, 200, "{href}");
    }
    let alternate = feed.links.iter().find(|l| l.rel.as_deref() == Some("alternate")).unwrap();
    let path =
        alternate.href.split_once("://").and_then(|(_, r)| r.find('/').map(|i| r[i..].to_string())).unwrap();
    assert_eq!(get(&app, &path).await.status, 200, "{path}");
    // Newest first.
    let dates: Vec<_> = feed.entries.iter().filter_map(|e| e.published).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // The hostile capture's markup arrives as text, never as elements of the feed.
    let hostile = get(&app, "/feeds/search?q=hostile").await;
    assert_eq!(hostile.status, 200);
    assert!(!hostile.body.contains("<script"), "{}", hostile.body);
    assert!(feed_rs::parser::parse(hostile.body.as_bytes()).is_ok());
    assert_eq!(get(&app, "/feeds/search?q=%22unbalanced").await.status, 400);
    assert_eq!(get(&app, "/feeds/search").await.status, 400);
    assert_eq!(get(&app, "/feeds/search?q=putin&limit=100000").await.status, 400);
}

#[tokio::test]
async fn an_article_gone_at_source_says_so_and_keeps_its_text() {
    // A watcher's WARC: a page, then a note that it answers 404 now.
    let page = "<html><head><title>Talks Held in Pyongyang</title></head><body><h1>Talks Held in Pyongyang</h1>\
        <p>Kim Jong Un held talks with Vladimir Putin in Pyongyang on June 19, a long paragraph of the report.</p></body></html>";
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{page}");
    let note = r#"{"reason":"HTTP 404","url":"http://news.test/a.html"}"#;
    let rec = |kind: &str, ct: &str, role: &str, date: &str, block: &str| {
        format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: http://news.test/a.html\r\nWARC-Date: {date}\r\n\
             Content-Type: {ct}\r\nAnnalist-Role: {role}\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    };
    let warc =
        rec("response", "application/http; msgtype=response", "article", "2024-06-20T00:00:00Z", &http)
            + &rec("metadata", "application/json", "gone", "2025-01-02T03:04:05Z", note);
    let dir = tempfile::tempdir().unwrap();
    let kb = annalist_understand::Kb::builtin().unwrap();
    let filed = common::file(dir.path(), &kb, "w.warc", warc.as_bytes()).unwrap();
    assert_eq!(filed["tally"]["gone"], 1, "{filed}");
    let id = filed["articles"][0].as_i64().unwrap();
    let app = app(dir.path(), None);
    let page = get(&app, &format!("/articles/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Gone at source"), "{}", page.body);
    assert!(page.body.contains("2025-01-02T03:04:05Z") && page.body.contains("HTTP 404"));
    assert!(page.body.contains("held talks with Vladimir Putin"), "the archived text stays");
    let api = get(&app, &format!("/api/v1/articles/{id}")).await.json();
    assert_eq!(api["gone_at"], "2025-01-02T03:04:05Z", "{api}");
}

/// Search hits carry their snippet three ways (escaped HTML, plain text, character
/// offsets of the matches), their page here and their original URL.
#[tokio::test]
async fn hits_have_plain_snippets_with_offsets_and_urls() {
    let app = app(data(), None);
    let r = get(&app, "/api/v1/search?q=putin&limit=5").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    let mut marked = 0;
    for h in hits {
        let text = h["snippet_text"].as_str().unwrap();
        assert!(!text.contains("&amp;") && !text.contains("<mark>"), "{text}");
        assert_eq!(h["page"], format!("/articles/{}", h["article"]));
        assert!(h.get("url").is_some(), "{h}");
        for span in h["highlights"].as_array().unwrap() {
            let (a, b) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
            let word: String = text.chars().skip(a).take(b - a).collect();
            assert!(word.to_lowercase().starts_with("putin"), "{word:?} in {text}");
            marked += 1;
        }
        assert_eq!(
            h["highlights"].as_array().unwrap().len(),
            h["snippet"].as_str().unwrap().matches("<mark>").count()
        );
    }
    assert!(marked > 0);
    // The URL is the article's own.
    for h in hits {
        let a = get(&app, &format!("/api/v1/articles/{}", h["article"])).await.json();
        assert_eq!(h["url"], a["url"], "{h}");
    }
}

/// The entity index finds by alias; trends keep month precision.
#[tokio::test]
async fn entity_index_and_trends_by_month() {
    let app = app(data(), None);
    let r = get(&app, "/api/v1/entities?q=putin").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert!(v["entities"].as_array().unwrap().iter().any(|e| e["id"] == "vladimir-putin"), "{v}");
    let r = get(&app, "/api/v1/trends?terms=putin&since=2011-03&until=2011-05").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let periods: Vec<String> =
        r.json()["periods"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    assert!(periods.iter().all(|p| ("2011-03".."2011-06").contains(&p.as_str())), "{periods:?}");
}

/// The home page shows the archive: counts, latest events, active pairs, recent
/// articles, and the search form; the navigation leads to every part.
#[tokio::test]
async fn home_page_shows_the_archive() {
    let app = app(data(), None);
    let r = get(&app, "/").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let h = &r.body;
    assert!(h.contains("<form class=\"search\" method=\"get\" action=\"/search\">"), "{h}");
    for part in
        ["articles", "merged events", "sources", "Latest events", "Most active pairs", "Recent articles"]
    {
        assert!(h.contains(part), "no {part}: {h}");
    }
    assert!(h.contains("href=\"/timeline/prk/rus\""), "the DPRK–Russia pair is linked: {h}");
    assert!(h.contains("class=\"event\"") && h.contains("href=\"/articles/"), "{h}");
    assert!(
        h.contains("<a href=\"/entities\">Entities</a>") && h.contains("<a href=\"/timeline\">Timeline</a>")
    );
    assert_inert("/", h);
}

/// `/entities`: the most mentioned, or those matching `q`, in a table with a count
/// of what is shown.
#[tokio::test]
async fn entity_index_lists_and_finds() {
    let app = app(data(), None);
    let all = get(&app, "/entities").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body.contains("<table class=\"entities\"") && all.body.contains(" shown"), "{}", all.body);
    assert!(all.body.contains("most mentioned first"), "{}", all.body);
    let putin = get(&app, "/entities?q=putin").await;
    assert_eq!(putin.status, 200);
    assert!(putin.body.contains("href=\"/entities/vladimir-putin\""), "{}", putin.body);
    assert!(putin.body.contains("value=\"putin\""), "the form keeps the query: {}", putin.body);
    let state = get(&app, "/entities?q=russia").await.body;
    assert!(state.contains("href=\"/entities/rus\""), "{state}");
    let none = get(&app, "/entities?q=%3Cscript%3Ezzqx").await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("No entity matches &lt;script&gt;zzqx."), "{}", none.body);
    assert_inert("/entities?q=<script>", &none.body);
    assert_eq!(get(&app, "/entities?page=x").await.status, 400);
    assert_eq!(get(&app, "/entities?page=999").await.status, 404);
}

/// The pair picker: two states by code or name lead to their timeline; an unknown
/// one is the 404 page with the archive's suggestion.
#[tokio::test]
async fn timeline_pair_picker() {
    let app = app(data(), None);
    let form = get(&app, "/timeline").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"a\"") && form.body.contains("name=\"b\""), "{}", form.body);
    assert!(form.body.contains("href=\"/timeline/prk/rus\""), "{}", form.body);
    let go = get(&app, "/timeline?a=prk&b=Russia").await;
    assert_eq!(go.status, 303, "{}", go.body);
    assert_eq!(go.headers["location"], "/timeline/prk/rus");
    let bad = get(&app, "/timeline?a=prk&b=chx").await;
    assert_eq!(bad.status, 404, "{}", bad.body);
    assert!(bad.body.contains("did you mean") && bad.body.contains("chn (China)"), "{}", bad.body);
    let half = get(&app, "/timeline?a=prk&b=").await;
    assert_eq!(half.status, 400, "{}", half.body);
    assert!(half.body.contains("give two states"), "{}", half.body);
    let hostile = get(&app, "/timeline?a=%3Cscript%3E&b=rus").await;
    assert_eq!(hostile.status, 404);
    assert_inert("/timeline?a=<script>", &hostile.body);
}

/// A search's page links to its CSV and its feed; the CSV has every hit (bounded).
#[tokio::test]
async fn search_csv_and_feed_links() {
    let app = app(data(), None);
    let page = get(&app, "/search?q=putin&sort=date&limit=1&offset=1").await.body;
    assert!(page.contains("href=\"/search.csv?q=putin&amp;sort=date\">Download CSV</a>"), "{page}");
    assert!(page.contains("href=\"/feeds/search?q=putin\""), "{page}");
    let total = get(&app, "/api/v1/search?q=putin&limit=0").await.json()["total"].as_u64().unwrap();
    let csv = get(&app, "/search.csv?q=putin&sort=date").await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("rank,id,published,outlet,title,url,score\n"), "{}", csv.body);
    assert_eq!(csv.body.lines().count() as u64, total + 1, "{}", csv.body);
    let mut rd = csv::Reader::from_reader(csv.body.as_bytes());
    let first = rd.records().next().unwrap().unwrap();
    assert_eq!(&first[0], "1");
    assert!(first[1].parse::<i64>().is_ok(), "{first:?}");
    let feed = get(&app, "/feeds/search?q=putin").await;
    assert_eq!(feed.status, 200);
    let bad = get(&app, "/search.csv?q=%22unbalanced").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}

/// The entity page's mentions chart is drawn per year, with a gap for years without data.
#[tokio::test]
async fn entity_chart_has_no_line_across_missing_years() {
    let app = app(data(), None);
    let e = get(&app, "/entities/vladimir-putin").await.body;
    assert!(e.contains("Mentions per year") && e.contains("<svg"), "{e}");
    assert!(!e.contains("NaN"), "{e}");
}

/// The cooperation–conflict line leaves months without events out instead of
/// drawing them at 0.
#[tokio::test]
async fn goldstein_line_has_gaps() {
    let app = app(data(), None);
    let t = get(&app, "/timeline/prk/rus").await.body;
    let chart = t.split("Cooperation and conflict").nth(1).expect("the chart");
    assert!(chart.matches("<polyline").count() >= 2, "a line broken at the empty months: {chart}");
    assert!(!chart.contains("NaN"), "{chart}");
}

/// A pair's count on the home page is the number of events its timeline lists.
#[tokio::test]
async fn active_pair_counts_match_their_timelines() {
    let app = app(data(), None);
    let home = get(&app, "/").await.body;
    let after = home.split("href=\"/timeline/prk/rus\">").nth(1).expect("the pair is linked");
    let count = after.split("<span class=\"muted\">").nth(1).unwrap().split(' ').next().unwrap();
    let t = get(&app, "/api/v1/timeline/prk/rus?limit=1").await.json();
    assert_eq!(count, t["total"].to_string(), "{after}");
}

/// Reports are cited by their article's headline, outlet and date, with the source
/// locator beside them as provenance.
#[tokio::test]
async fn reports_are_cited_by_headline_outlet_and_date() {
    let app = app(data(), None);
    let r = get(&app, "/timeline/prk/rus").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cite = ">Respected Comrade Kim Jong Un Sends Congratulatory Letter to Russian President Vladimir Vladimirovich Putin</a>, Ministry of Foreign Affairs (EN), 2024-12-31";
    assert!(r.body.contains(cite), "{}", r.body);
    assert!(r.body.contains("(001_8ba5ccfad80a8342.txt)"), "the locator stays as provenance");
}

/// The trends page, given no range, covers the periods its phrases occur in, not the
/// whole span of the archive's dates; its CSV the same.
#[tokio::test]
async fn trends_page_range_comes_from_the_phrases() {
    let app = app(data(), None);
    let whole = get(&app, "/api/v1/trends?terms=%22comrades-in-arms%22&by=year").await.json();
    let counts: Vec<u64> =
        whole["series"][0]["counts"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    let periods: Vec<&str> =
        whole["periods"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let first = counts.iter().position(|&n| n > 0).expect("the phrase occurs");
    let last = counts.iter().rposition(|&n| n > 0).unwrap();
    let csv = get(&app, "/trends.csv?terms=%22comrades-in-arms%22&by=year").await.body;
    let rows: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(rows, periods[first..=last].to_vec(), "{csv}");
    let page = get(&app, "/trends?t1=zzqx-never-written&by=year").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No dated article matches"), "{}", page.body);
}
