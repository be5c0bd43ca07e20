//! Write an evaluation export (the shape `shared/eval/score.py` reads) for every file in
//! a directory: `cargo run -p annalist-extract --example evalpred DIR > pred.jsonl`.
//! Each document is named by its file name; the article carries its whole body.
use std::ops::ControlFlow;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: evalpred DIR");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let opts = annalist_extract::ExtractOptions::default();
    for name in names {
        let path = std::path::Path::new(&dir).join(&name);
        let mut art = None;
        let _ = annalist_ingest::read_file(&path, &Default::default(), &mut |u| {
            if art.is_none()
                && let Ok(u) = u
            {
                art = annalist_extract::extract(&u, &opts).ok();
            }
            ControlFlow::Continue(())
        });
        let a = art.unwrap_or_default();
        let related: Vec<_> = a
            .teasers
            .iter()
            .map(|t| match &t.title {
                Some(title) => serde_json::json!({"title": title, "date": t.date.map(|d| d.to_string())}),
                None => serde_json::json!({"title": null, "lede_starts": t.lede, "date": t.date.map(|d| d.to_string())}),
            })
            .collect();
        let v = serde_json::json!({
            "doc": name,
            "article": {
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published.map(|d| d.to_string()),
                "captured": a.captured.map(|d| d.to_string()),
                "body": a.body(),
            },
            "related": related,
        });
        println!("{v}");
    }
}
