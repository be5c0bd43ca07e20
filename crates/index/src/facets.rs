//! Facet counts (by outlet, by publication year) over a whole result set, read from fast
//! fields by a custom collector: no stored document is loaded.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{F_OUTLET, F_PUBLISHED};

/// Counts of matching articles by outlet and by year of publication.
///
/// Articles without an outlet (or without a date) are not counted in that facet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// `(outlet, count)`, most frequent first, ties by name.
    pub outlets: Vec<(String, u64)>,
    /// `(year, count)`, by year ascending.
    pub years: Vec<(i32, u64)>,
}

/// The collector: counts per outlet term ordinal and per year in each segment.
pub struct FacetCollector;

pub struct SegmentFacets {
    outlet: Option<StrColumn>,
    outlet_counts: Vec<u64>,
    published: Option<Column<i64>>,
    years: HashMap<i64, u64>,
}

/// One segment's counts, outlet ordinals already resolved to names.
pub struct SegmentFacetFruit {
    outlets: HashMap<String, u64>,
    years: HashMap<i64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let ff = segment.fast_fields();
        let outlet = ff.str(F_OUTLET)?;
        let outlet_counts = vec![0; outlet.as_ref().map_or(0, |c| c.num_terms())];
        let published = ff.column_opt::<i64>(F_PUBLISHED)?;
        Ok(SegmentFacets { outlet, outlet_counts, published, years: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFacetFruit>) -> tantivy::Result<Facets> {
        let mut outlets: HashMap<String, u64> = HashMap::new();
        let mut years: BTreeMap<i64, u64> = BTreeMap::new();
        for f in fruits {
            for (k, v) in f.outlets {
                *outlets.entry(k).or_default() += v;
            }
            for (k, v) in f.years {
                *years.entry(k).or_default() += v;
            }
        }
        let mut outlets: Vec<(String, u64)> = outlets.into_iter().collect();
        outlets.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Facets {
            outlets,
            years: years.into_iter().map(|(y, c)| (i32::try_from(y).unwrap_or(0), c)).collect(),
        })
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = SegmentFacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(col) = &self.outlet {
            for ord in col.term_ords(doc) {
                self.outlet_counts[ord as usize] += 1;
            }
        }
        if let Some(col) = &self.published
            && let Some(v) = col.first(doc)
        {
            *self.years.entry(v / 10_000).or_default() += 1;
        }
    }

    fn harvest(self) -> SegmentFacetFruit {
        let mut outlets = HashMap::new();
        if let Some(col) = &self.outlet {
            let mut name = String::new();
            for (ord, &n) in self.outlet_counts.iter().enumerate() {
                if n > 0 {
                    name.clear();
                    if col.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                        outlets.insert(name.clone(), n);
                    }
                }
            }
        }
        SegmentFacetFruit { outlets, years: self.years }
    }
}

/// A calendar period of publication dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Year,
}

impl Period {
    /// The period key of a `yyyymmdd` date key: `yyyymm` or `yyyy`.
    pub fn key(self, date_key: i64) -> i64 {
        match self {
            Period::Month => date_key / 100,
            Period::Year => date_key / 10_000,
        }
    }
}

/// Counts of matching articles per publication period, from the date fast field
/// (one pass over the matches, whatever the number of periods).
pub struct PeriodCounts(pub Period);

pub struct SegmentPeriodCounts {
    by: Period,
    published: Option<Column<i64>>,
    counts: HashMap<i64, u64>,
}

impl Collector for PeriodCounts {
    type Fruit = BTreeMap<i64, u64>;
    type Child = SegmentPeriodCounts;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentPeriodCounts> {
        let published = segment.fast_fields().column_opt::<i64>(F_PUBLISHED)?;
        Ok(SegmentPeriodCounts { by: self.0, published, counts: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<i64, u64>>) -> tantivy::Result<BTreeMap<i64, u64>> {
        let mut out = BTreeMap::new();
        for f in fruits {
            for (k, v) in f {
                *out.entry(k).or_default() += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentPeriodCounts {
    type Fruit = HashMap<i64, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(col) = &self.published
            && let Some(v) = col.first(doc)
        {
            *self.counts.entry(self.by.key(v)).or_default() += 1;
        }
    }

    fn harvest(self) -> HashMap<i64, u64> {
        self.counts
    }
}
