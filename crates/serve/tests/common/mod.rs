//! A small archive for the server tests, built with the pipeline's own crates
//! (read → extract → understand → store → index), and a way to send requests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use annalist_pipeline::{Indexer, Options, ingest_bytes};
use annalist_serve::{App, IngestReport, State, router};
use annalist_store::Store;
use annalist_understand::Kb;
use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// `shared/` beside the checkout (read in place, never written).
pub fn shared() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let cand = dir.join("shared");
        if cand.join("seeds").is_dir() {
            return cand;
        }
        assert!(dir.pop(), "no shared/ directory with seeds/ above {}", env!("CARGO_MANIFEST_DIR"));
    }
}

/// A capture whose headline and body are hostile HTML.
pub const HOSTILE: &str = "May 22, 2025May 22, 2025\nKCNA Ministry of Foreign Affairs (EN)\n\n\
<script>alert(1)</script> Hostile Headline Hosts Reception\n\n\
Date: 15/08/2022 | Source: Ministry of Foreign Affairs (EN) | Read original version at source\n\n\
Kim Jong Un sent a message of greetings to Vladimir Putin, President of the Russian Federation, on August 15 <script>alert(1)</script> hostile.\n\n\
A picture <img src=x onerror=alert(1)> was shown to the hostile delegation in Pyongyang on August 14.\n\n\
Read <a href=\"javascript:alert(1)\">more</a> hostile words here, in a paragraph long enough to be kept as body text.\n";

/// File `bytes` (named `label`) into the archive in `data` and bring the index up to
/// date, through the same pipeline as `annalist ingest`.
pub fn file(data: &Path, kb: &Kb, label: &str, bytes: &[u8]) -> anyhow::Result<serde_json::Value> {
    let (report, errors) = file_report(data, kb, label, bytes)?;
    Ok(serde_json::json!({"tally": report.tally, "articles": report.touched, "errors": errors}))
}

fn file_report(
    data: &Path,
    kb: &Kb,
    label: &str,
    bytes: &[u8],
) -> anyhow::Result<(annalist_pipeline::Report, Vec<String>)> {
    let mut store = Store::open(data)?;
    let mut index = Indexer::open(data, &store)?;
    let errors = annalist_pipeline::Collect::default();
    let report =
        ingest_bytes(&mut store, Some(kb), Some(&mut index), label, bytes, &Options::default(), &errors)?;
    index.index.close_writer()?;
    Ok((report, errors.lines()))
}

/// [`file`], answered as the server's ingest pipeline answers.
pub fn upload(data: &Path, kb: &Kb, label: &str, bytes: &[u8]) -> anyhow::Result<IngestReport> {
    let (r, errors) = file_report(data, kb, label, bytes)?;
    let t = &r.tally;
    Ok(IngestReport { path: label.to_string(), tally: t.clone(), articles: r.touched, errors })
}

/// An archive of the five seed pages and the hostile capture, in a temporary directory.
pub fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let kb = Kb::builtin().unwrap();
    let mut seeds: Vec<PathBuf> =
        std::fs::read_dir(shared().join("seeds")).unwrap().map(|e| e.unwrap().path()).collect();
    seeds.sort();
    for s in &seeds {
        let label = s.display().to_string();
        file(dir.path(), &kb, &label, &std::fs::read(s).unwrap()).unwrap();
    }
    file(dir.path(), &kb, "hostile.txt", HOSTILE.as_bytes()).unwrap();
    dir
}

/// The application over `data`, read-only, or writable with `token`.
pub fn app(data: &Path, token: Option<&str>) -> State {
    app_with(data, token, |_| {})
}

/// [`app`] with options changed by `tune`.
pub fn app_with(data: &Path, token: Option<&str>, tune: impl FnOnce(&mut annalist_serve::Options)) -> State {
    let mut opts = annalist_serve::Options::new(data, Kb::builtin().unwrap());
    tune(&mut opts);
    if let Some(t) = token {
        opts.token = Some(t.to_string());
        let dir = data.to_path_buf();
        let kb = Arc::new(Kb::builtin().unwrap());
        opts.ingest = Some(Arc::new(move |name: &str, bytes: &[u8]| upload(&dir, &kb, name, bytes)));
    }
    App::open(opts).unwrap()
}

pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub async fn send(app: &State, req: Request<Body>) -> Reply {
    let resp: Response<Body> = router(app.clone()).oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

pub async fn get(app: &State, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}
