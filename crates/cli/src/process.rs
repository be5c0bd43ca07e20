//! `annalist process` and `annalist merge`: the stateless halves of the pipeline, for
//! engines that distribute work themselves (scripts/spark/annalist_job.py). No
//! archive is opened: units in, JSON Lines out.
//!
//! `process` runs extraction and understanding (the same `annalist-extract` and
//! `annalist-understand` calls as `annalist ingest`) on every unit and writes one
//! object per unit. `merge` reads event reports and writes merged events with
//! `annalist_understand::merge`, the function `annalist events` uses: a group that
//! holds every report of one event type and pair of states merges exactly as the
//! whole archive does, because merging never joins reports across those buckets.

use std::io::{BufRead, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use annalist_ingest::{InputError, ReadOptions, Unit, discover, read_bytes, read_file, read_reader};
use annalist_model::{Event, Provenance};
use annalist_understand::{Kb, understand};
use anyhow::Context;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

/// Units extracted in parallel at a time (output stays in input order).
const CHUNK: usize = 256;

#[derive(clap::Args, Debug)]
pub struct ProcessArgs {
    /// Files or directories; none, or `-`, reads JSON Lines from standard input.
    paths: Vec<PathBuf>,
    /// Standard input holds envelopes, one per line: `{"path": P, "line": N, "raw": R}`
    /// where R is the text of line N of the dataset P (so that provenance and
    /// document names are those of the original file).
    #[arg(long)]
    envelope: bool,
    /// Override a dataset field mapping (as for `annalist ingest`); repeatable.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// Largest single unit accepted, in MiB.
    #[arg(long, default_value_t = 16)]
    max_unit_mib: usize,
    /// Skip understanding (entities, dates, events).
    #[arg(long)]
    no_understand: bool,
}

#[derive(Deserialize)]
struct Envelope {
    path: String,
    line: u64,
    raw: String,
}

struct Processor<'a, W: Write> {
    kb: Option<&'a Kb>,
    opts: annalist_extract::ExtractOptions,
    pending: Vec<Result<Unit, InputError>>,
    out: W,
    failed: u64,
    /// Writing the output failed: reading stops.
    fatal: Option<anyhow::Error>,
}

impl<W: Write> Processor<'_, W> {
    fn on_unit(&mut self, u: Result<Unit, InputError>) -> ControlFlow<()> {
        match self.push(u) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.fatal = Some(e);
                ControlFlow::Break(())
            }
        }
    }

    fn push(&mut self, u: Result<Unit, InputError>) -> anyhow::Result<()> {
        self.pending.push(u);
        if self.pending.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        let units = std::mem::take(&mut self.pending);
        let (kb, opts) = (self.kb, &self.opts);
        let lines: Vec<anyhow::Result<(Value, bool)>> =
            units.into_par_iter().map(|u| unit_object(kb, opts, u)).collect();
        for l in lines {
            let (v, ok) = l?;
            if !ok {
                self.failed += 1;
            }
            serde_json::to_writer(&mut self.out, &v)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// One unit's object: where it came from, and what extraction and understanding
/// made of it (or why it could not be read).
fn unit_object(
    kb: Option<&Kb>,
    opts: &annalist_extract::ExtractOptions,
    u: Result<Unit, InputError>,
) -> anyhow::Result<(Value, bool)> {
    let (unit, failed) = match u {
        Ok(u) => (u, None),
        Err(mut e) => match e.unit.take() {
            Some(u) => (*u, Some(e.reason)),
            None => return Ok((json!({"location": e.location, "ok": false, "error": e.reason}), false)),
        },
    };
    let p = &unit.provenance;
    let mut v = json!({
        "doc": p.doc_name(), "path": p.path, "line": p.line, "record": p.record, "kind": p.kind.as_str(),
        "location": p.display(), "blob": annalist_store::blob_hash(&unit.raw),
        "meta": serde_json::to_value(&unit.meta).context("recording the unit's metadata")?,
    });
    let result = match failed {
        Some(reason) => Err(reason),
        None => annalist_extract::extract(&unit, opts).map_err(|e| e.to_string()),
    };
    let ok = result.is_ok();
    match result {
        Ok(a) => {
            let u = kb.map(|kb| understand(kb, &a));
            let published = a.published.or_else(|| u.as_ref()?.published_inferred.as_ref().map(|p| p.0));
            v["ok"] = json!(true);
            v["published"] = json!(published.map(|d| d.to_string()));
            // A WARC response is one capture of one page: its URL identifies the article.
            let page_url = match unit.provenance.kind {
                annalist_model::InputKind::Warc => unit.meta.url.as_deref(),
                _ => None,
            };
            v["keys"] = json!(annalist_store::filing_keys(&a, page_url));
            v["article"] = serde_json::to_value(&a)?;
            v["understanding"] = serde_json::to_value(&u)?;
        }
        Err(reason) => {
            v["ok"] = json!(false);
            v["error"] = json!(reason);
        }
    }
    Ok((v, ok))
}

pub fn process(kb_files: &[PathBuf], args: ProcessArgs) -> anyhow::Result<ExitCode> {
    let kb = if args.no_understand { None } else { Some(crate::events::load_kb(kb_files)?) };
    let read = ReadOptions { max_unit_bytes: args.max_unit_mib << 20, ..ReadOptions::default() };
    let mut p = Processor {
        kb: kb.as_ref(),
        opts: annalist_pipeline::extract_options(&args.map)?,
        pending: Vec::new(),
        out: BufWriter::new(std::io::stdout().lock()),
        failed: 0,
        fatal: None,
    };
    let stdin = args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.envelope && !stdin {
        anyhow::bail!("--envelope reads envelopes from standard input: give no paths (or `-`)");
    }
    let mut ends: Vec<InputError> = Vec::new();
    if args.envelope {
        for (i, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line.context("reading standard input")?;
            if line.trim().is_empty() {
                continue;
            }
            let env: Envelope = serde_json::from_str(&line).with_context(|| {
                format!("standard input line {}: not an envelope {{path, line, raw}}", i + 1)
            })?;
            let mut units = Vec::new();
            let res = read_bytes(&env.path, env.raw.as_bytes(), &read, &mut |u| {
                units.push(u);
                ControlFlow::Continue(())
            });
            if let Err(e) = res {
                ends.push(InputError::new(format!("{}:{}", env.path, env.line), e.reason));
            }
            for mut u in units {
                let fix = |p: &mut Provenance| p.line = Some(env.line);
                match &mut u {
                    Ok(unit) => fix(&mut unit.provenance),
                    Err(e) => {
                        e.location = format!("{}:{}", env.path, env.line);
                        if let Some(unit) = e.unit.as_mut() {
                            fix(&mut unit.provenance);
                        }
                    }
                }
                if p.on_unit(u).is_break() {
                    break;
                }
            }
            if p.fatal.is_some() {
                break;
            }
        }
    } else if stdin {
        if let Err(e) = read_reader("stdin", std::io::stdin().lock(), &read, &mut |u| p.on_unit(u)) {
            ends.push(e);
        }
    } else {
        let (files, errors) = discover(&args.paths);
        ends.extend(errors);
        for f in &files {
            if let Err(e) = read_file(f, &read, &mut |u| p.on_unit(u)) {
                ends.push(e);
            }
            if p.fatal.is_some() {
                break;
            }
        }
    }
    if let Some(e) = p.fatal.take() {
        return Err(e);
    }
    p.flush()?;
    p.out.flush()?;
    for e in &ends {
        eprintln!("{}: {}", annalist_model::escape_controls(&e.location), e.reason);
    }
    let failed = p.failed + ends.len() as u64;
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {}

/// One event report on `annalist merge`'s input.
#[derive(Deserialize)]
struct ReportLine {
    /// The reporting article's id (any integer that orders the articles as the
    /// archive would: its ids follow filing order).
    article: i64,
    doc: String,
    event: Event,
}

pub fn merge(_args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut input: Vec<(i64, String, Event)> = Vec::new();
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("reading standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let r: ReportLine = serde_json::from_str(&line).with_context(|| {
            format!("standard input line {}: not an event report {{article, doc, event}}", i + 1)
        })?;
        input.push((r.article, r.doc, r.event));
    }
    let mut w = BufWriter::new(std::io::stdout().lock());
    for e in annalist_understand::merge(&input) {
        serde_json::to_writer(&mut w, &crate::events::event_json(&e))?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}
