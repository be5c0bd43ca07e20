//! `annalist trends TERM…`: how often phrases appear per month or year, raw and per
//! 1,000 articles published in the period, as a table or CSV (the archive's trends
//! query, the same numbers as the web UI's trends page).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use annalist_archive::filter::{Spelling, parse_date};
use annalist_archive::{By, Trends};
use annalist_index::Budget;
use annalist_pipeline::Indexer;

use crate::report::open_store;
use crate::search::note_lag;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    Month,
    Year,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendsFormat {
    /// Aligned columns for reading.
    Table,
    /// One row per period: period, articles, then each term's count and rate.
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct TrendsArgs {
    /// One to five terms in the search language: a word, a "quoted phrase", or any
    /// query (`putin AND treaty`). Example: annalist trends comrades-in-arms '"supreme leader"'
    #[arg(required = true, num_args = 1..)]
    terms: Vec<String>,
    /// Count per month or per year.
    #[arg(long, value_enum, default_value = "month")]
    by: Granularity,
    /// First period (YYYY, YYYY-MM or YYYY-MM-DD). Without --since and --until the
    /// range runs from the first to the last period in which a term occurs.
    #[arg(long)]
    since: Option<String>,
    /// Last period (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// How to write the counts (see the values below).
    #[arg(long, value_enum, default_value = "table")]
    format: TrendsFormat,
}

pub fn trends(data: &Path, args: TrendsArgs) -> anyhow::Result<ExitCode> {
    for (name, v) in [("since", &args.since), ("until", &args.until)] {
        if let Some(v) = v {
            parse_date(v, name, Spelling::Flag)?;
        }
    }
    let by = match args.by {
        Granularity::Month => By::Month,
        Granularity::Year => By::Year,
    };
    let store = open_store(data)?;
    let ix = Indexer::open(data, &store)?;
    note_lag(&ix, &store);
    let budget = Arc::new(Budget::standard());
    let span =
        annalist_archive::periods(&ix.index, by, args.since.as_deref(), args.until.as_deref(), &budget)?;
    let mut t = annalist_archive::trends(&ix.index, &args.terms, by, &span, &budget)?;
    if args.since.is_none() && args.until.is_none() {
        t = t.trimmed();
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        TrendsFormat::Csv => write_csv(&mut out, &t)?,
        TrendsFormat::Table => write_table(&mut out, &t)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_csv(w: &mut dyn Write, t: &Trends) -> anyhow::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let mut head = vec!["period".to_string(), "articles".to_string()];
    for s in &t.series {
        head.push(format!("{} (n)", s.term));
        head.push(format!("{} per 1000", s.term));
    }
    c.write_record(&head)?;
    for (i, p) in t.periods.iter().enumerate() {
        let mut row = vec![p.clone(), t.totals[i].to_string()];
        for s in &t.series {
            row.push(s.counts[i].to_string());
            row.push(format!("{:.2}", s.per_1000[i]));
        }
        c.write_record(&row)?;
    }
    c.flush()?;
    Ok(())
}

fn write_table(w: &mut dyn Write, t: &Trends) -> anyhow::Result<()> {
    if t.periods.is_empty() {
        writeln!(w, "No term occurs in a dated article of the archive (or in the range asked for).")?;
        return Ok(());
    }
    let width = |s: &str| s.chars().count().max(14);
    write!(w, "{:<8} {:>9}", "period", "articles")?;
    for s in &t.series {
        write!(w, "  {:>n$}", s.term, n = width(&s.term))?;
    }
    writeln!(w)?;
    for (i, p) in t.periods.iter().enumerate() {
        write!(w, "{p:<8} {:>9}", t.totals[i])?;
        for s in &t.series {
            let cell = format!("{} ({:.2}‰)", s.counts[i], s.per_1000[i]);
            write!(w, "  {cell:>n$}", n = width(&s.term))?;
        }
        writeln!(w)?;
    }
    let sum = |s: &annalist_archive::Series| s.counts.iter().sum::<u64>();
    let totals: Vec<String> = t.series.iter().map(|s| format!("{}: {}", s.term, sum(s))).collect();
    writeln!(
        w,
        "{} {} from {} to {}; matching articles in all: {}. Counts are articles; ‰ is per 1,000 articles published in the period.",
        t.periods.len(),
        if t.periods.len() == 1 { "period" } else { "periods" },
        t.periods.first().map(String::as_str).unwrap_or(""),
        t.periods.last().map(String::as_str).unwrap_or(""),
        totals.join(", ")
    )?;
    Ok(())
}
