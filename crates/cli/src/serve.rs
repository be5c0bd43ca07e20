//! `annalist serve`: the web UI and the HTTP API (crates/serve). This module only
//! brings the index up to date, and hands the server the ingest pipeline for
//! `POST /api/v1/ingest` when a token is given.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use annalist_pipeline::{Indexer, Options};
use annalist_store::Store;
use anyhow::bail;

use crate::events::load_kb;
use crate::report::open_store;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default: put a proxy in front to share it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Enable `POST /api/v1/ingest` for requests carrying `Authorization: Bearer TOKEN`
    /// (without it the server is read-only).
    #[arg(long, env = "ANNALIST_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Time one request's searches may take before they are stopped (503).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = crate::search::parse_duration)]
    query_time: std::time::Duration,
    /// Open connections at most; more are answered 503 and closed at once.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
}

pub fn serve(data: &Path, kb_files: &[PathBuf], args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Catch the index up now if no other process is writing it; the server follows
    // the store every few seconds and calls this again while the index lags.
    let catch_up: annalist_serve::CatchUpFn = {
        let data = data.to_path_buf();
        Arc::new(move || {
            let store = Store::open_read_only(&data)?;
            let mut ix = Indexer::open(&data, &store)?;
            ix.index.close_writer()?;
            Ok(())
        })
    };
    drop(open_store(data)?);
    catch_up()?;
    let mut opts = annalist_serve::Options::new(data, load_kb(kb_files)?);
    opts.catch_up = Some(catch_up);
    opts.rebuild_index = Some({
        let data = data.to_path_buf();
        Arc::new(move || annalist_pipeline::rebuild_index(&data, &Store::open_read_only(&data)?))
    });
    opts.query_time = args.query_time;
    opts.max_connections = args.max_connections;
    if let Some(token) = args.token {
        if token.len() < 8 {
            bail!("--token: use at least 8 characters");
        }
        opts.token = Some(token);
        opts.ingest = Some(ingest_hook(data, kb_files)?);
    }
    annalist_serve::run(opts, args.addr)?;
    Ok(ExitCode::SUCCESS)
}

/// The pipeline of `annalist ingest` for one uploaded capture (kept under
/// `DATA/uploads/`, see `annalist_pipeline::file_upload`).
fn ingest_hook(data: &Path, kb_files: &[PathBuf]) -> anyhow::Result<annalist_serve::IngestFn> {
    let kb = Arc::new(load_kb(kb_files)?);
    let data = data.to_path_buf();
    Ok(Arc::new(move |name: &str, bytes: &[u8]| {
        let up = annalist_pipeline::file_upload(&data, &kb, name, bytes, &Options::default())?;
        let t = &up.report.tally;
        Ok(annalist_serve::IngestReport {
            path: up.path.display().to_string(),
            tally: t.clone(),
            articles: up.report.touched,
            errors: up.problems,
        })
    }))
}
