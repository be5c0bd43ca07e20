//! Tables of the archive for tools other than annalist.
//!
//! This crate owns the exports that other tools load: the Parquet tables
//! ([`write_parquet`]: articles, sources, versions, events, event_reports, entities,
//! mentions; schema in docs/EXPORTS.md) and the GDELT 2.0 event table ([`gdelt`]) and merged events as CSV
//! ([`write_events_csv`]).
//! It is the only crate that links Arrow and Parquet. It reads the archive through
//! `annalist-store` and merges events with `annalist-understand`'s [`merge`]; it
//! returns values and errors and prints nothing (the binary does).
//!
//! [`merge`]: annalist_understand::merge

mod events_csv;
mod facts;
pub mod gdelt;
pub mod rows;
mod tables;

pub use events_csv::{EVENT_CSV_COLUMNS, write_events_csv};
pub use facts::{ArticleFacts, Facts, facts};
pub use gdelt::{GDELT_COLUMNS, GdeltRow, gdelt_rows, write_gdelt};
pub use tables::{TABLES, TableSummary, write_parquet};

/// What went wrong while exporting, naming the file or the record concerned.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading the archive: {0}")]
    Store(#[from] annalist_store::StoreError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: writing Parquet: {source}")]
    Parquet { path: String, source: parquet::errors::ParquetError },
    #[error("table {table}: building its columns: {source}")]
    Arrow { table: &'static str, source: arrow_schema::ArrowError },
    #[error("writing the GDELT table: {0}")]
    Csv(#[from] csv::Error),
    #[error("article {article}: stored date {value:?} is not a day (YYYY-MM-DD)")]
    BadDate { article: i64, value: String },
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;
