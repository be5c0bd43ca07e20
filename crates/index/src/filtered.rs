//! One scored term under non-scoring filters and exclusions (`"kim jong il"
//! published:2011..`, `outlet:KCNA imperialists`, `delegation -china`), ranked with
//! block-max pruning.
//!
//! tantivy prunes a top-k only for pure term unions and intersections; a term under a
//! filter is an ordinary intersection, scored document by document (324k BM25 scores
//! for the first example at 1M articles). Here the term's own block-max pruning drives:
//! a block whose best possible score cannot enter the top k is skipped whole, and the
//! filters are only probed for documents that could. When a filter is much smaller than
//! the term, it should drive instead and the plain intersection is used. Matching, counting and
//! scores are those of the equivalent boolean query (filters score 0).

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, TermQuery, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

#[derive(Debug)]
pub struct FilteredTerm {
    term: TermQuery,
    filters: Vec<Box<dyn Query>>,
    excluded: Vec<Box<dyn Query>>,
}

impl Clone for FilteredTerm {
    fn clone(&self) -> Self {
        FilteredTerm {
            term: self.term.clone(),
            filters: self.filters.iter().map(|q| q.box_clone()).collect(),
            excluded: self.excluded.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl FilteredTerm {
    pub fn new(term: TermQuery, filters: Vec<Box<dyn Query>>, excluded: Vec<Box<dyn Query>>) -> Self {
        FilteredTerm { term, filters, excluded }
    }

    fn boolean(&self) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(self.term.clone()))];
        clauses.extend(self.filters.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(self.excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
        BooleanQuery::new(clauses)
    }
}

impl Query for FilteredTerm {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = |qs: &[Box<dyn Query>]| -> tantivy::Result<Vec<Box<dyn Weight>>> {
            qs.iter().map(|q| q.weight(scoring)).collect()
        };
        Ok(Box::new(FilteredWeight {
            boolean: self.boolean().weight(scoring)?,
            term: self.term.weight(scoring)?,
            filters: weights(&self.filters)?,
            excluded: weights(&self.excluded)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.term.query_terms(visitor);
        for q in &self.filters {
            q.query_terms(visitor);
        }
    }
}

struct FilteredWeight {
    /// The equivalent boolean query: matching, counting, scoring one by one.
    boolean: Box<dyn Weight>,
    term: Box<dyn Weight>,
    filters: Vec<Box<dyn Weight>>,
    excluded: Vec<Box<dyn Weight>>,
}

/// Whether `set` (only ever asked about increasing documents) contains `doc`.
fn contains(set: &mut dyn Scorer, doc: DocId) -> bool {
    if set.doc() < doc {
        set.seek(doc);
    }
    set.doc() == doc
}

impl Weight for FilteredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.boolean.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.boolean.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.boolean.count(reader)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut filters = Vec::with_capacity(self.filters.len());
        for w in &self.filters {
            filters.push(w.scorer(reader, 1.0)?);
        }
        let term_cost = self.term.scorer(reader, 1.0)?.cost();
        // A filter much smaller than the term drives better (each of its documents is one
        // seek in the term); otherwise pruning skips most of the term's blocks undecoded.
        if filters.iter().any(|f| f.cost().saturating_mul(4) < term_cost) {
            return self.boolean.for_each_pruning(threshold, reader, callback);
        }
        let mut excluded = Vec::with_capacity(self.excluded.len());
        for w in &self.excluded {
            excluded.push(w.scorer(reader, 1.0)?);
        }
        // The term's own block-max pruning offers only documents that could enter the
        // top k; those outside the filters leave the threshold as it is.
        let mut current = threshold;
        self.term.for_each_pruning(threshold, reader, &mut |doc, score| {
            if filters.iter_mut().all(|f| contains(f.as_mut(), doc))
                && !excluded.iter_mut().any(|e| contains(e.as_mut(), doc))
            {
                current = callback(doc, score);
            }
            current
        })
    }
}
