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
    opts.ingest = Some(std::sync::Arc::new(|_: &str, _: &[u8]| Ok(serde_json::json!({}))));
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
    let kb = annalist_understand::Kb::builtin().unwrap();
    let text = common::HOSTILE.replace("hostile", "elsewhere").replace("Hostile", "Elsewhere");
    common::file(dir.path(), &kb, "elsewhere.txt", text.as_bytes()).unwrap();
    assert_eq!(get(&app, "/api/v1/search?q=elsewhere").await.json()["total"], 0);
    assert!(annalist_serve::follow_writes(&app).unwrap());
    assert_eq!(get(&app, "/api/v1/search?q=elsewhere").await.json()["total"], 1);
    assert!(!annalist_serve::follow_writes(&app).unwrap());
}
