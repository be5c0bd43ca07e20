//! Predictions for the article-extraction benchmark: `cargo run -p annalist-extract
//! --example benchpred ../shared/bench/article-extraction/html > pred.json`, then
//! `python3 ../shared/bench/article-extraction/score.py pred.json`.
use std::io::Read;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: benchpred HTML_DIR");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html.gz"))
        .collect();
    names.sort();
    let mut out = serde_json::Map::new();
    let start = Instant::now();
    for name in &names {
        let raw = std::fs::read(std::path::Path::new(&dir).join(name)).expect("read page");
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut bytes).expect("gunzip");
        let (text, _) = annalist_ingest::decode_text(&bytes, None);
        let a = annalist_extract::extract_html(&text);
        let id = name.trim_end_matches(".html.gz").to_string();
        out.insert(id, serde_json::json!({"articleBody": a.body()}));
    }
    eprintln!("{} pages in {:?}", names.len(), start.elapsed());
    println!("{}", serde_json::Value::Object(out));
}
