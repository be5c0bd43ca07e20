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

use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use annalist_export::rows::{
    ArticleRow, EventReportRow, EventRow, MentionRow, SourceRow, VersionRow, entity_name,
};
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
    /// Also write each unit's raw text (`raw`), which `annalist dedup` needs.
    #[arg(long)]
    raw: bool,
}

#[derive(Deserialize)]
struct Envelope {
    path: String,
    line: u64,
    raw: String,
    /// The unit's place in the whole input (passed through as `seq`).
    #[serde(default)]
    seq: Option<u64>,
}

struct Processor<'a, W: Write> {
    kb: Option<&'a Kb>,
    opts: annalist_extract::ExtractOptions,
    pending: Vec<(Result<Unit, InputError>, Option<u64>)>,
    raw: bool,
    seq: Option<u64>,
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
        self.pending.push((u, self.seq));
        if self.pending.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        let units = std::mem::take(&mut self.pending);
        let (kb, opts, raw) = (self.kb, &self.opts, self.raw);
        let lines: Vec<anyhow::Result<(Value, bool)>> = units
            .into_par_iter()
            .map(|(u, seq)| {
                let (mut v, ok) = unit_object(kb, opts, u, raw)?;
                if let Some(seq) = seq {
                    v["seq"] = json!(seq);
                }
                Ok((v, ok))
            })
            .collect();
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
    with_raw: bool,
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
    if with_raw {
        v["raw"] = json!(String::from_utf8_lossy(&unit.raw));
    }
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
        raw: args.raw,
        seq: None,
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
            p.seq = env.seq;
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
pub struct MergeArgs {
    /// Write rows of the Parquet tables events and event_reports
    /// (`{"to": TABLE, "row": …}`, see docs/EXPORTS.md) instead of merged events as
    /// `annalist events --format jsonl` writes them.
    #[arg(long)]
    rows: bool,
}

/// One event report on `annalist merge`'s input.
#[derive(Deserialize)]
struct ReportLine {
    /// The reporting article's id (any integer that orders the articles as the
    /// archive would: its ids follow filing order).
    article: i64,
    doc: String,
    event: Event,
}

pub fn merge(kb_files: &[PathBuf], args: MergeArgs) -> anyhow::Result<ExitCode> {
    let kb = crate::events::load_kb(kb_files)?;
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
    let merged = annalist_archive::MergedEvents::from_reports(&input, Default::default());
    if args.rows {
        for e in &merged.all {
            serde_json::to_writer(&mut w, &json!({"to": "events", "row": EventRow::new(e)}))?;
            w.write_all(b"\n")?;
            for r in &e.reports {
                serde_json::to_writer(
                    &mut w,
                    &json!({"to": "event_reports", "row": EventReportRow::new(&e.id, r)}),
                )?;
                w.write_all(b"\n")?;
            }
        }
    } else {
        crate::events::write_merged(&mut w, &kb, &merged)?;
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct DedupArgs {}

/// One unit on `annalist dedup`'s input (an `annalist process --raw` object).
#[derive(Deserialize)]
struct ProcessedUnit {
    seq: u64,
    path: String,
    line: Option<u64>,
    record: Option<u64>,
    kind: String,
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    raw: String,
    #[serde(default)]
    meta: annalist_model::UnitMeta,
    #[serde(default)]
    article: Option<annalist_model::Article>,
    #[serde(default)]
    understanding: Option<annalist_model::Understanding>,
}

/// `annalist dedup`: files processed units (whole groups of units sharing filing
/// keys, see `annalist_store::filing_keys`) into a temporary archive in `seq` order
/// with the archive's own rules, and writes what the archive then holds as rows of
/// the Parquet tables (`{"to": TABLE, "row": …}`, the rows of
/// `annalist_export::rows`: articles, versions, mentions, sources) and its event
/// reports (`{"to": "merge", "key": …, "report": …}`). Ids are seqs (see below),
/// so they keep filing order across groups; each report carries the key
/// `annalist merge` groups by. Mentions also carry their entity's `name` and their
/// `ordinal` in the article, which the entities table reduces.
pub fn dedup(kb_files: &[PathBuf], _args: DedupArgs) -> anyhow::Result<ExitCode> {
    let kb = crate::events::load_kb(kb_files)?;
    let mut units: Vec<ProcessedUnit> = Vec::new();
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("reading standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        units.push(serde_json::from_str(&line).with_context(|| {
            format!("standard input line {}: not a unit of `annalist process --raw` with a seq", i + 1)
        })?);
    }
    units.sort_by_key(|u| u.seq);
    let tmp = tempfile::tempdir().context("creating a temporary archive")?;
    let mut store = annalist_store::Store::open(tmp.path()).context("opening a temporary archive")?;
    let mut seq_of: BTreeMap<(String, String), u64> = BTreeMap::new();
    {
        let mut b = store.batch()?;
        for u in units {
            let kind = annalist_model::InputKind::parse(&u.kind)
                .with_context(|| format!("unit {}: unknown kind {:?}", u.seq, u.kind))?;
            let provenance = Provenance { path: u.path, line: u.line, record: u.record, kind };
            let result = match (u.ok, u.article) {
                (true, Some(a)) => Ok((a, u.understanding)),
                _ => Err(u.error.unwrap_or_else(|| "not extracted".into())),
            };
            let page_url = match kind {
                annalist_model::InputKind::Warc => u.meta.url.clone(),
                _ => None,
            };
            seq_of.insert((provenance.path.clone(), annalist_store::locator(&provenance)), u.seq);
            let inc = annalist_store::Incoming {
                provenance,
                raw: u.raw.into_bytes(),
                meta: u.meta,
                result,
                page_url,
                gone: None,
            };
            b.put(&inc)?;
        }
        b.commit()?;
    }
    // Ids are seqs, so that they are unique and keep filing order across groups:
    // a source's id is its own seq, an article's the seq of its first source, a
    // version's the seq of the first source that carried it.
    let mut sources = Vec::new();
    let mut after = 0;
    loop {
        let chunk = store.sources_after(after, 5_000)?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        sources.extend(chunk);
    }
    let mut source_seq: BTreeMap<i64, u64> = BTreeMap::new();
    let mut version_seq: BTreeMap<i64, u64> = BTreeMap::new();
    for s in &sources {
        let seq = seq_of
            .get(&(s.path.clone(), s.locator.clone()))
            .copied()
            .with_context(|| format!("source {}: {} is not among the input units", s.id, s.doc))?;
        source_seq.insert(s.id, seq);
        if let Some(v) = s.version_id {
            let e = version_seq.entry(v).or_insert(seq);
            *e = (*e).min(seq);
        }
    }
    let seq = |map: &BTreeMap<i64, u64>, what: &str, id: i64| -> anyhow::Result<i64> {
        map.get(&id).map(|&s| s as i64).with_context(|| format!("{what} {id}: no input unit filed it"))
    };
    let mut articles = Vec::new();
    let mut article_seq: BTreeMap<i64, u64> = BTreeMap::new();
    for id in store.article_ids()? {
        let Some(a) = store.article(id)? else { continue };
        let Some(first) = a.sources.first() else { continue };
        article_seq.insert(id, seq(&source_seq, "source", first.id)? as u64);
        articles.push(a);
    }
    let mut w = BufWriter::new(std::io::stdout().lock());
    let mut line = |v: Value| -> anyhow::Result<()> {
        serde_json::to_writer(&mut w, &v)?;
        w.write_all(b"\n")?;
        Ok(())
    };
    for a in &articles {
        let article_id = seq(&article_seq, "article", a.id)?;
        let mut row = ArticleRow::new(a)?;
        row.article_id = article_id;
        line(json!({"to": "articles", "row": row}))?;
        for v in store.versions(a.id)? {
            let mut row = VersionRow::new(article_id, &v)?;
            row.version_id = seq(&version_seq, "version", v.id)?;
            line(json!({"to": "versions", "row": row}))?;
        }
        for (ordinal, mut row) in MentionRow::of(a).into_iter().enumerate() {
            row.article_id = article_id;
            // The entities table is a reduction over mentions in article order:
            // the first mention's name decides (annalist_export::rows::entities).
            let name = entity_name(&kb, &row.entity_id, &row.surface);
            line(json!({"to": "mentions", "row": row, "name": name, "ordinal": ordinal}))?;
        }
    }
    for s in &sources {
        let mut row = SourceRow::new(s);
        row.source_id = seq(&source_seq, "source", s.id)?;
        row.article_id = s.article_id.map(|a| seq(&article_seq, "article", a)).transpose()?;
        row.version_id = s.version_id.map(|v| seq(&version_seq, "version", v)).transpose()?;
        line(json!({"to": "sources", "row": row}))?;
    }
    for r in store.events(false)? {
        let (a, b) = annalist_understand::dyad(&r.event);
        let (a, b) = (a.unwrap_or(""), b.unwrap_or(""));
        let pair = if a <= b { format!("{a}|{b}") } else { format!("{b}|{a}") };
        line(json!({
            "to": "merge", "key": format!("{}|{pair}", r.event.kind.as_str()),
            "report": {"article": seq(&article_seq, "article", r.article_id)?, "doc": r.doc, "event": r.event},
        }))?;
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}
