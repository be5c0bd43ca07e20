//! `annalist export`: the archive as evaluation JSON Lines, article JSON Lines, CSV
//! or (through `annalist-export`) Parquet tables.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use annalist_model::Understanding;
use annalist_store::{EvalRow, ListFilter};
use anyhow::Context;
use serde_json::{Value, json};

use crate::ExportFormat;
use crate::report::open_store;

fn output(out: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match out {
        Some(p) => {
            Box::new(BufWriter::new(File::create(p).with_context(|| format!("creating {}", p.display()))?))
        }
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    })
}

/// `annalist export --format parquet --out DIR`: the seven tables, and what was written.
pub fn parquet(data: &Path, kb: &[std::path::PathBuf], out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(out) = out else {
        anyhow::bail!("--format parquet writes a directory of tables: give it with --out DIR");
    };
    let kb = crate::events::load_kb(kb)?;
    let store = open_store(data)?;
    let facts = annalist_export::facts(&store)?;
    let written = annalist_export::write_parquet(&facts, &kb, out)?;
    for t in &written {
        println!("{:<14} {:>8} rows  {:>3} files  {:>10} bytes", t.table, t.rows, t.files, t.bytes);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(data: &Path, format: ExportFormat, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let store = open_store(data)?;
    let mut w = output(out)?;
    match format {
        ExportFormat::Eval => store.eval_rows(|row| {
            serde_json::to_writer(&mut w, &eval_object(&row)).map_err(annalist_store::StoreError::Json)?;
            w.write_all(b"\n").map_err(annalist_store::StoreError::Io)?;
            Ok(())
        })?,
        ExportFormat::Jsonl => {
            for id in store.article_ids()? {
                if let Some(a) = store.article(id)? {
                    let v = json!({
                        "id": a.id, "title": a.title, "display_title": a.display_title, "outlet": a.outlet,
                        "published": a.published, "captured": a.captured, "url": a.url, "language": a.language,
                        "versions": a.versions, "paragraphs": a.paragraphs,
                        "sources": a.sources.iter().map(|s| json!({"path": s.path, "locator": s.locator, "doc": s.doc, "outcome": s.outcome, "ingested_at": s.ingested_at})).collect::<Vec<_>>(),
                        "teasers": a.teasers,
                        "entities": a.understanding.as_ref().map(entities).unwrap_or_default(),
                        "events": a.understanding.as_ref().map(events).unwrap_or_default(),
                    });
                    serde_json::to_writer(&mut w, &v)?;
                    w.write_all(b"\n")?;
                }
            }
        }
        ExportFormat::Parquet => anyhow::bail!("--format parquet writes a directory: give it with --out DIR"),
        ExportFormat::Csv => {
            let mut c = csv::Writer::from_writer(&mut w);
            c.write_record([
                "id",
                "published",
                "captured",
                "outlet",
                "title",
                "language",
                "url",
                "versions",
                "sources",
                "body",
            ])?;
            let f = ListFilter { limit: None, ..Default::default() };
            for s in store.list(&f)? {
                if let Some(a) = store.article(s.id)? {
                    c.write_record([
                        a.id.to_string(),
                        a.published.map(|d| d.to_string()).unwrap_or_default(),
                        a.captured.unwrap_or_default(),
                        a.outlet.unwrap_or_default(),
                        a.title.unwrap_or_default(),
                        a.language.unwrap_or_default(),
                        a.url.unwrap_or_default(),
                        a.versions.to_string(),
                        a.sources.len().to_string(),
                        a.paragraphs.join("\n\n"),
                    ])?;
                }
            }
            c.flush()?;
        }
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn entities(u: &Understanding) -> Vec<Value> {
    u.entities()
        .into_iter()
        .map(|m| json!({"id": m.id, "type": m.kind.as_str(), "country": m.country, "surface": m.surface}))
        .collect()
}

fn events(u: &Understanding) -> Vec<Value> {
    u.events
        .iter()
        .filter(|e| e.status == annalist_model::EventStatus::Asserted)
        .map(|e| {
            json!({
                "type": e.kind.as_str(), "actor": e.actor, "actor_country": e.actor_country,
                "target": e.target, "target_country": e.target_country,
                "date": e.date.map(|d| d.to_string()), "date_end": e.date_end.map(|d| d.to_string()),
                "place": e.place, "occasion": e.occasion, "evidence": e.evidence, "inferred": e.inferred,
                "cameo": e.cameo, "goldstein": e.goldstein, "rule": e.rule,
            })
        })
        .collect()
}

/// One document in the shape of ANNOTATION.md.
fn eval_object(row: &EvalRow) -> Value {
    let h = &row.header;
    let related: Vec<Value> = row
        .teasers
        .iter()
        .map(|t| match &t.title {
            Some(title) => json!({"title": title, "date": t.date}),
            None => json!({"title": null, "lede_starts": t.lede, "date": t.date}),
        })
        .collect();
    json!({
        "doc": row.doc,
        "language": h.language,
        "article": {
            "title": h.title, "outlet": h.outlet, "published": h.published,
            "captured": h.captured, "url": h.url,
            "body": row.paragraphs.join("\n\n"), "paragraphs": row.paragraphs.len(),
        },
        "related": related,
        "entities": row.understanding.as_ref().map(entities).unwrap_or_default(),
        "events": row.understanding.as_ref().map(events).unwrap_or_default(),
    })
}
