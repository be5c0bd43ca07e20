//! Publication-date ranges as one bitset per segment, filled from coarse terms.
//!
//! Every dated document is indexed under three integer terms: its day (`published`,
//! `yyyymmdd`), its month (`published_month`, `yyyymm`) and its year (`published_year`).
//! A range is cut into at most five runs of whole units — days up to the first whole
//! month, months up to the first whole year, whole years, then months and days again —
//! so `published:2011..` reads 15 year posting lists instead of 5,000 day lists, and a
//! narrow range a few day lists. The union is a bitset whose size tells an intersection
//! to let it drive when it is the smaller side (tantivy's fast-field range, in contrast,
//! claims 80% of the segment and is driven by seeks, one per candidate).

use std::ops::Bound;

use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, Term};

use crate::schema::key_date;

/// An inclusive run of keys of one field.
type Part = (Field, Bound<i64>, Bound<i64>);

/// Documents published within `[from, to]` (`yyyymmdd` keys, inclusive; `None`: open).
#[derive(Debug, Clone)]
pub struct DateFilter {
    parts: Vec<Part>,
}

/// The three date fields, finest first.
#[derive(Debug, Clone, Copy)]
pub struct DateFields {
    pub day: Field,
    pub month: Field,
    pub year: Field,
}

fn days_in_month(year: i64, month: i64) -> i64 {
    key_date(year * 10_000 + month * 100 + 1).map_or(31, |d| i64::from(d.days_in_month()))
}

impl DateFilter {
    pub fn new(f: DateFields, from: Option<i64>, to: Option<i64>) -> DateFilter {
        let mut parts = Vec::new();
        // Months are `year * 12 + (month - 1)` while cutting, `yyyymm` in the index.
        let ym = |m: i64| m.div_euclid(12) * 100 + m.rem_euclid(12) + 1;
        let month_of = |k: i64| (k / 10_000) * 12 + (k / 100) % 100 - 1;
        // Whole months [m0, m1] (None: open), cut into head months, whole years, tail months.
        let months = |m0: Option<i64>, m1: Option<i64>, parts: &mut Vec<Part>| {
            if let (Some(a), Some(b)) = (m0, m1) {
                if a > b {
                    return;
                }
                if a.div_euclid(12) == b.div_euclid(12) {
                    parts.push((f.month, Bound::Included(ym(a)), Bound::Included(ym(b))));
                    return;
                }
            }
            let mut y0 = m0.map(|a| a.div_euclid(12));
            if let Some(a) = m0
                && a.rem_euclid(12) != 0
            {
                let end = a.div_euclid(12) * 12 + 11;
                parts.push((f.month, Bound::Included(ym(a)), Bound::Included(ym(end))));
                y0 = Some(a.div_euclid(12) + 1);
            }
            let mut y1 = m1.map(|b| b.div_euclid(12));
            if let Some(b) = m1
                && b.rem_euclid(12) != 11
            {
                let start = b.div_euclid(12) * 12;
                parts.push((f.month, Bound::Included(ym(start)), Bound::Included(ym(b))));
                y1 = Some(b.div_euclid(12) - 1);
            }
            if let (Some(a), Some(b)) = (y0, y1)
                && a > b
            {
                return;
            }
            let lo = y0.map_or(Bound::Unbounded, Bound::Included);
            let hi = y1.map_or(Bound::Unbounded, Bound::Included);
            parts.push((f.year, lo, hi));
        };
        match (from, to) {
            (Some(a), Some(b)) if a > b => {}
            (Some(a), Some(b)) if a / 100 == b / 100 => {
                parts.push((f.day, Bound::Included(a), Bound::Included(b)));
            }
            _ => {
                // Head days: from `a` to the end of its month, unless `a` starts a month.
                let m0 = from.map(|a| {
                    if a % 100 <= 1 {
                        month_of(a)
                    } else {
                        let end = (a / 100) * 100 + days_in_month(a / 10_000, (a / 100) % 100);
                        parts.push((f.day, Bound::Included(a), Bound::Included(end)));
                        month_of(a) + 1
                    }
                });
                // Tail days: from the start of `b`'s month to `b`, unless `b` ends it.
                let m1 = to.map(|b| {
                    if b % 100 >= days_in_month(b / 10_000, (b / 100) % 100) {
                        month_of(b)
                    } else {
                        parts.push((f.day, Bound::Included((b / 100) * 100 + 1), Bound::Included(b)));
                        month_of(b) - 1
                    }
                });
                months(m0, m1, &mut parts);
            }
        }
        DateFilter { parts }
    }
}

impl Query for DateFilter {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for DateFilter {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut bits = BitSet::with_max_value(reader.max_doc());
        for &(field, lo, hi) in &self.parts {
            let inv = reader.inverted_index(field)?;
            let key = |v: i64| Term::from_field_i64(field, v).serialized_value_bytes().to_vec();
            let mut range = inv.terms().range();
            range = match lo {
                Bound::Included(v) => range.ge(key(v)),
                _ => range,
            };
            range = match hi {
                Bound::Included(v) => range.le(key(v)),
                _ => range,
            };
            let mut stream = range.into_stream()?;
            while stream.advance() {
                let mut postings =
                    inv.read_block_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)?;
                loop {
                    let docs = postings.docs();
                    if docs.is_empty() {
                        break;
                    }
                    for &d in docs {
                        bits.insert(d);
                    }
                    postings.advance();
                }
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(bits), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut s = self.scorer(reader, 1.0)?;
        if s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("DateFilter", 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{INDEXED, Schema};

    fn fields() -> DateFields {
        let mut b = Schema::builder();
        let day = b.add_i64_field("d", INDEXED);
        let month = b.add_i64_field("m", INDEXED);
        let year = b.add_i64_field("y", INDEXED);
        DateFields { day, month, year }
    }

    /// Which of the given day keys the parts cover (ranges read on the matching unit).
    fn covered(f: DateFields, filter: &DateFilter, k: i64) -> bool {
        filter.parts.iter().any(|&(field, lo, hi)| {
            let v = if field == f.day {
                k
            } else if field == f.month {
                k / 100
            } else {
                k / 10_000
            };
            let above = match lo {
                Bound::Included(x) => v >= x,
                _ => true,
            };
            let below = match hi {
                Bound::Included(x) => v <= x,
                _ => true,
            };
            above && below
        })
    }

    #[test]
    fn parts_cover_exactly_the_range() {
        let f = fields();
        let mut days = Vec::new();
        let mut d = key_date(19950101).unwrap();
        while d.year() < 2013 {
            days.push(crate::schema::date_key(d));
            d = d.tomorrow().unwrap();
        }
        let ends = [
            None,
            Some(19950101),
            Some(19960229),
            Some(19961231),
            Some(20000101),
            Some(20000115),
            Some(20000131),
            Some(20000201),
            Some(20031130),
            Some(20111217),
            Some(20121231),
        ];
        for from in ends {
            for to in ends {
                let filter = DateFilter::new(f, from, to);
                assert!(filter.parts.len() <= 5, "{from:?}..{to:?}: {:?}", filter.parts);
                for &k in &days {
                    let want = from.is_none_or(|a| k >= a) && to.is_none_or(|b| k <= b);
                    assert_eq!(covered(f, &filter, k), want, "{from:?}..{to:?} at {k}");
                }
            }
        }
    }
}
