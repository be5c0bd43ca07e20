//! Trends: how many articles match each term per month or year, raw and per 1,000
//! articles published in the period, over the span the data asked for covers.

use std::sync::Arc;

use annalist_index::{Budget, Index};
use annalist_model::PartialDate;
use serde::Serialize;

use crate::QueryError;

/// Granularity of trends.
pub use annalist_index::Period as By;

/// At most this many phrases compared at once.
pub const MAX_TERMS: usize = 5;
/// At most this many periods in one trend (50 years by month).
pub const MAX_PERIODS: usize = 600;

/// One to [`MAX_TERMS`] terms.
pub fn check_terms(terms: &[String]) -> Result<(), QueryError> {
    if terms.is_empty() {
        return Err(QueryError::invalid("terms: give one to five phrases separated by |"));
    }
    if terms.len() > MAX_TERMS {
        return Err(QueryError::invalid(format!("terms: at most {MAX_TERMS} phrases")));
    }
    Ok(())
}

/// The periods of a trend (labels `YYYY` or `YYYY-MM`) and the articles published
/// in each: the span the archive covers, narrowed by `since`/`until`, without empty
/// periods at either end. The same for every trend over the same span, so the
/// server keeps them (`App::trend_periods`).
#[derive(Debug, Clone, Default)]
pub struct Periods {
    pub labels: Vec<String>,
    /// Period keys (`yyyy` or `yyyymm`), parallel to `labels`.
    pub keys: Vec<i64>,
    pub totals: Vec<u64>,
}

/// The period key of a `since`/`until` bound (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`): the
/// first (or last, for `until`) period it covers.
fn bound_key(s: &str, by: By, end: bool, name: &str) -> Result<i64, QueryError> {
    let d: PartialDate = s.parse().map_err(|_| {
        QueryError::invalid(format!("{name}={s}: expected a date YYYY, YYYY-MM or YYYY-MM-DD"))
    })?;
    let (y, m) = (i64::from(d.year), d.month.map(i64::from));
    Ok(match by {
        By::Year => y,
        By::Month => y * 100 + m.unwrap_or(if end { 12 } else { 1 }),
    })
}

fn next_key(k: i64, by: By) -> i64 {
    match by {
        By::Year => k + 1,
        By::Month if k % 100 == 12 => (k / 100 + 1) * 100 + 1,
        By::Month => k + 1,
    }
}

fn label(k: i64, by: By) -> String {
    match by {
        By::Year => format!("{k:04}"),
        By::Month => format!("{:04}-{:02}", k / 100, k % 100),
    }
}

pub fn periods(
    index: &Index,
    by: By,
    since: Option<&str>,
    until: Option<&str>,
    budget: &Arc<Budget>,
) -> Result<Periods, QueryError> {
    let since = since.filter(|s| !s.is_empty()).map(|s| bound_key(s, by, false, "since")).transpose()?;
    let until = until.filter(|s| !s.is_empty()).map(|s| bound_key(s, by, true, "until")).transpose()?;
    // Every dated article, counted per period in one pass.
    let totals = index.count_by_period("published:..9999-12-31", by, budget)?;
    let in_range = |k: &i64| since.is_none_or(|s| *k >= s) && until.is_none_or(|u| *k <= u);
    let nonempty: Vec<i64> = totals.iter().filter(|(k, n)| **n > 0 && in_range(k)).map(|(k, _)| *k).collect();
    let (Some(&first), Some(&last)) = (nonempty.first(), nonempty.last()) else {
        return Ok(Periods::default());
    };
    let mut out = Periods::default();
    let mut k = first;
    while k <= last {
        if out.keys.len() >= MAX_PERIODS {
            return Err(QueryError::invalid(format!(
                "too many periods (at most {MAX_PERIODS}): narrow since/until"
            )));
        }
        out.labels.push(label(k, by));
        out.keys.push(k);
        out.totals.push(totals.get(&k).copied().unwrap_or(0));
        k = next_key(k, by);
    }
    Ok(out)
}

/// A trend: per period, the articles published and those matching each term.
#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    pub by: By,
    pub periods: Vec<String>,
    pub totals: Vec<u64>,
    pub series: Vec<Series>,
}

impl Trends {
    /// Without the periods at either end in which no term occurs: the range the
    /// data asked for covers, for callers that were given no range.
    pub fn trimmed(mut self) -> Trends {
        let any = |i: usize| self.series.iter().any(|s| s.counts[i] > 0);
        let n = self.periods.len();
        let Some(first) = (0..n).find(|&i| any(i)) else {
            self.periods.clear();
            self.totals.clear();
            for s in &mut self.series {
                s.counts.clear();
                s.per_1000.clear();
            }
            return self;
        };
        let last = (0..n).rev().find(|&i| any(i)).unwrap_or(first);
        self.periods = self.periods[first..=last].to_vec();
        self.totals = self.totals[first..=last].to_vec();
        for s in &mut self.series {
            s.counts = s.counts[first..=last].to_vec();
            s.per_1000 = s.per_1000[first..=last].to_vec();
        }
        self
    }
}

/// One term's counts, raw and per 1,000 articles published in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub term: String,
    pub counts: Vec<u64>,
    pub per_1000: Vec<f64>,
}

/// Counts of each term per period: one pass over each term's matches, bucketed by
/// publication period; the periods and their totals come from [`periods`].
pub fn trends(
    index: &Index,
    terms: &[String],
    by: By,
    span: &Periods,
    budget: &Arc<Budget>,
) -> Result<Trends, QueryError> {
    check_terms(terms)?;
    let mut series = Vec::new();
    for t in terms {
        let by_period = index.count_by_period(t, by, budget)?;
        let counts: Vec<u64> = span.keys.iter().map(|k| by_period.get(k).copied().unwrap_or(0)).collect();
        let per_1000 = counts
            .iter()
            .zip(&span.totals)
            .map(
                |(&n, &total)| {
                    if total > 0 { (n as f64 * 1000.0 / total as f64 * 100.0).round() / 100.0 } else { 0.0 }
                },
            )
            .collect();
        series.push(Series { term: t.clone(), counts, per_1000 });
    }
    Ok(Trends { by, periods: span.labels.clone(), totals: span.totals.clone(), series })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_the_periods_a_term_occurs_in() {
        let t = Trends {
            by: By::Year,
            periods: ["2010", "2011", "2012", "2013"].map(String::from).to_vec(),
            totals: vec![5, 6, 7, 8],
            series: vec![
                Series { term: "a".into(), counts: vec![0, 1, 0, 0], per_1000: vec![0.0, 166.67, 0.0, 0.0] },
                Series { term: "b".into(), counts: vec![0, 0, 2, 0], per_1000: vec![0.0, 0.0, 285.71, 0.0] },
            ],
        };
        let t = t.trimmed();
        assert_eq!(t.periods, ["2011", "2012"]);
        assert_eq!(t.totals, [6, 7]);
        assert_eq!(t.series[1].counts, [0, 2]);
        let none = Trends { series: vec![], ..t }.trimmed();
        assert!(none.periods.is_empty());
    }
}
