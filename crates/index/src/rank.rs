//! The top of a result list, in an order that depends on the archive only.
//!
//! tantivy breaks ties between equal scores (or equal dates) by segment and document
//! number, which depend on how the index happened to be written and merged: two
//! identical archives could list tied hits in different orders. Here every order has
//! a total key, with the store's article id last:
//!
//! - relevance: score, highest first, then article id, lowest first;
//! - date: publication date (newest or oldest first, undated articles last), then
//!   article id, lowest first.
//!
//! Ranking by relevance keeps block-max pruning: the threshold handed to the scorer is
//! just below the k-th best score, so a document that ties with it is still seen and
//! the tie is decided by article id, whatever the segment order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{F_ARTICLE, F_PUBLISHED};

/// What the top is ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    Score,
    DateDesc,
    DateAsc,
}

/// One ranked document.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    pub score: Score,
    pub article: i64,
    /// `yyyymmdd`, when dated.
    pub date: Option<i64>,
    pub address: DocAddress,
}

impl Ranked {
    /// Total order, best first.
    fn cmp_best_first(&self, other: &Ranked, by: RankBy) -> Ordering {
        let primary = match by {
            RankBy::Score => other.score.partial_cmp(&self.score).unwrap_or(Ordering::Equal),
            RankBy::DateDesc | RankBy::DateAsc => match (self.date, other.date) {
                (Some(a), Some(b)) if by == RankBy::DateDesc => b.cmp(&a),
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        primary.then_with(|| self.article.cmp(&other.article))
    }
}

/// The best `k` documents by `by` (offset + limit of a page).
pub struct TopK {
    pub k: usize,
    pub by: RankBy,
}

/// Heap entry whose greatest element is the worst kept document.
struct Worst(Ranked, RankBy);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_best_first(&other.0, self.1)
    }
}

pub struct TopKSegment {
    k: usize,
    by: RankBy,
    ord: SegmentOrdinal,
    article: Option<Column<i64>>,
    published: Option<Column<i64>>,
    heap: BinaryHeap<Worst>,
}

impl TopKSegment {
    /// Offers a document; answers the score a later document must reach to be kept.
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
        if self.k == 0 {
            return Score::MAX;
        }
        let r = Ranked {
            score,
            article: self.article.as_ref().and_then(|c| c.first(doc)).unwrap_or(i64::MAX),
            date: self.published.as_ref().and_then(|c| c.first(doc)),
            address: DocAddress::new(self.ord, doc),
        };
        if self.heap.len() < self.k {
            self.heap.push(Worst(r, self.by));
        } else if let Some(top) = self.heap.peek()
            && r.cmp_best_first(&top.0, self.by) == Ordering::Less
        {
            self.heap.pop();
            self.heap.push(Worst(r, self.by));
        }
        match self.heap.peek() {
            // Just below the k-th score: a tie still comes in and is decided by id.
            Some(top) if self.heap.len() >= self.k => top.0.score.next_down(),
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for TopKSegment {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Vec<Ranked> {
        self.heap.into_iter().map(|w| w.0).collect()
    }
}

impl Collector for TopK {
    type Fruit = Vec<Ranked>;
    type Child = TopKSegment;

    fn for_segment(&self, ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<TopKSegment> {
        let ff = segment.fast_fields();
        let published = match self.by {
            RankBy::Score => None,
            _ => ff.column_opt::<i64>(F_PUBLISHED)?,
        };
        Ok(TopKSegment {
            k: self.k,
            by: self.by,
            ord,
            article: ff.column_opt::<i64>(F_ARTICLE)?,
            published,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.by == RankBy::Score
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| a.cmp_best_first(b, self.by));
        all.truncate(self.k);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Ranked>> {
        let mut seg = self.for_segment(ord, reader)?;
        let alive = reader.alive_bitset();
        if self.by == RankBy::Score {
            let mut threshold = Score::MIN;
            weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                threshold = seg.offer(doc, score);
                threshold
            })?;
        } else {
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        seg.offer(doc, 0.0);
                    }
                }
            })?;
        }
        Ok(seg.harvest())
    }
}
