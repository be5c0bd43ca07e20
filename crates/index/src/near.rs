//! Proximity (`"putin treaty"~10`): the words of a phrase within a distance of each
//! other, in linear time.
//!
//! Written here rather than taken from tantivy: tantivy 0.27's sloppy phrase scorer
//! keeps the slop spent so far in a `u8` (a distance above 255 wraps around) and, for
//! three words or more, carries forward every candidate position of every word, so a
//! proximity query of a few very common words grows without bound (six common words
//! with a distance of 1,000 took the whole memory of the machine).
//!
//! The definition is Lucene's: with each word's position shifted back by its place in
//! the phrase (so that an exact phrase puts every word at the same shifted position),
//! a document matches when some choice of one occurrence per word spans at most `slop`
//! shifted positions, repeated words taking distinct occurrences. For two words this
//! is the distance between them (an exact phrase costs 0, two words swapped cost 2).
//! Each matching document is found by a smallest-window sweep over the words' sorted
//! position lists: O(P log W) for P positions of W words, with buffers the size of one
//! document's positions.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::budget::Budget;

/// Most windows counted per document (the term frequency fed to BM25).
const MAX_FREQ: u32 = 1 << 16;

#[derive(Debug, Clone)]
pub struct NearQuery {
    /// `(offset in the phrase, term)`, all in one field.
    terms: Vec<(usize, Term)>,
    slop: u32,
    budget: Arc<Budget>,
}

impl NearQuery {
    /// `terms` must be non-empty and all of one field.
    pub fn new(terms: Vec<(usize, Term)>, slop: u32, budget: Arc<Budget>) -> NearQuery {
        NearQuery { terms, slop, budget }
    }
}

impl Query for NearQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
                Some(Bm25Weight::for_terms(statistics_provider, &terms)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(NearWeight { query: self.clone(), bm25 }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, t) in &self.terms {
            visitor(t, true);
        }
    }
}

struct NearWeight {
    query: NearQuery,
    bm25: Option<Bm25Weight>,
}

impl Weight for NearWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        match self.near_scorer(reader, boost)? {
            Some(s) => Ok(Box::new(s)),
            None => Ok(Box::new(EmptyScorer)),
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut s = match self.near_scorer(reader, 1.0)? {
            Some(s) => s,
            None => {
                return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
            }
        };
        if s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("proximity", s.score()))
    }
}

impl NearWeight {
    fn near_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<NearScorer>> {
        let q = &self.query;
        let field = q.terms[0].1.field();
        let inverted = reader.inverted_index(field)?;
        let max_offset = q.terms.iter().map(|t| t.0).max().unwrap_or(0) as u32;
        let mut words = Vec::with_capacity(q.terms.len());
        for (offset, term) in &q.terms {
            let Some(p) = inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? else {
                return Ok(None);
            };
            // Shift so that every shifted position is >= 0: position + (max - offset).
            words.push(Word {
                term: term.clone(),
                postings: p,
                shift: max_offset - *offset as u32,
                positions: Vec::new(),
            });
        }
        // Drive the intersection with the rarest word.
        words.sort_by_key(|w| w.postings.size_hint());
        // Words repeated in the phrase must take distinct occurrences: each repeated
        // term's words, by offset (ascending), so by shift (descending).
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in 0..words.len() {
            if groups.iter().any(|g| g.contains(&i)) {
                continue;
            }
            let mut g: Vec<usize> = (i..words.len()).filter(|&j| words[j].term == words[i].term).collect();
            if g.len() > 1 {
                g.sort_by_key(|&j| std::cmp::Reverse(words[j].shift));
                groups.push(g);
            }
        }
        let fieldnorms = match (&self.bm25, reader.fieldnorms_readers().get_field(field)?) {
            (Some(_), Some(f)) => f,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut s = NearScorer {
            words,
            groups,
            slop: q.slop,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            fieldnorms,
            budget: q.budget.clone(),
            doc: 0,
            freq: 0,
            heap: BinaryHeap::new(),
            cursor: Vec::new(),
        };
        s.find_from_current();
        Ok(Some(s))
    }
}

struct Word {
    term: Term,
    postings: SegmentPostings,
    shift: u32,
    positions: Vec<u32>,
}

struct NearScorer {
    words: Vec<Word>,
    /// The words of each term the phrase repeats (see `assignable`).
    groups: Vec<Vec<usize>>,
    slop: u32,
    bm25: Option<Bm25Weight>,
    fieldnorms: FieldNormReader,
    budget: Arc<Budget>,
    doc: DocId,
    freq: u32,
    heap: BinaryHeap<Reverse<(u32, usize)>>,
    cursor: Vec<usize>,
}

impl NearScorer {
    /// From the driver's current document on, the next document where every word
    /// occurs within the window; sets `doc` (TERMINATED when none or out of budget).
    fn find_from_current(&mut self) {
        let mut candidate = self.words[0].postings.doc();
        loop {
            if candidate == TERMINATED || self.budget.tick() {
                self.doc = TERMINATED;
                return;
            }
            // Leapfrog: every word's postings on `candidate`, or a later candidate.
            let mut agreed = true;
            for i in 1..self.words.len() {
                let p = &mut self.words[i].postings;
                let d = if p.doc() < candidate { p.seek(candidate) } else { p.doc() };
                if d > candidate {
                    candidate = self.words[0].postings.seek(d);
                    agreed = false;
                    break;
                }
            }
            if !agreed {
                continue;
            }
            let freq = self.windows(self.bm25.is_some());
            if freq > 0 {
                self.doc = candidate;
                self.freq = freq;
                return;
            }
            candidate = self.words[0].postings.advance();
        }
    }

    /// Windows of at most `slop` shifted positions in the current document (stops at
    /// the first unless `count`).
    ///
    /// Every shifted position `v` is taken in turn as the start of a window, smallest
    /// first; when it is taken, every word's cursor is on its first position `>= v`,
    /// so the window `[v, max]` is the tightest starting at `v` and the document
    /// matches iff one of them is at most `slop` wide (and repeated words can take
    /// distinct occurrences within `[v, v + slop]`).
    fn windows(&mut self, count: bool) -> u32 {
        for w in &mut self.words {
            w.postings.positions_with_offset(w.shift, &mut w.positions);
            if w.positions.is_empty() {
                return 0;
            }
        }
        self.heap.clear();
        self.cursor.clear();
        let mut max = 0;
        for (i, w) in self.words.iter().enumerate() {
            self.heap.push(Reverse((w.positions[0], i)));
            self.cursor.push(0);
            max = max.max(w.positions[0]);
        }
        let mut found = 0;
        while let Some(Reverse((min, i))) = self.heap.pop() {
            if max - min <= self.slop && self.assignable(min) {
                found += 1;
                if !count || found >= MAX_FREQ {
                    return found;
                }
            }
            if !self.groups.is_empty() && self.budget.tick() {
                return found;
            }
            self.cursor[i] += 1;
            let Some(&next) = self.words[i].positions.get(self.cursor[i]) else {
                break;
            };
            max = max.max(next);
            self.heap.push(Reverse((next, i)));
        }
        found
    }

    /// Whether each repeated term has distinct occurrences for all its places in the
    /// phrase within the window `[v, v + slop]` of shifted positions. The place at
    /// offset `o` (shift `s`) takes an occurrence `p` with `v <= p + s <= v + slop`:
    /// intervals of one length, so giving each place, by offset, the first free
    /// occurrence in its interval finds an assignment whenever there is one.
    fn assignable(&self, v: u32) -> bool {
        let (v, slop) = (i64::from(v), i64::from(self.slop));
        self.groups.iter().all(|g| {
            // Every word of the group has the same occurrences; read them from the first.
            let rep = &self.words[g[0]];
            let original = |q: u32| i64::from(q) - i64::from(rep.shift);
            let mut next = 0;
            g.iter().all(|&k| {
                let shift = i64::from(self.words[k].shift);
                let (lo, hi) = (v - shift, v + slop - shift);
                let from = rep.positions.partition_point(|&q| original(q) < lo);
                next = next.max(from);
                match rep.positions.get(next) {
                    Some(&q) if original(q) <= hi => {
                        next += 1;
                        true
                    }
                    _ => false,
                }
            })
        })
    }
}

impl DocSet for NearScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.words[0].postings.advance();
        self.find_from_current();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc == TERMINATED || target <= self.doc {
            return self.doc;
        }
        self.words[0].postings.seek(target);
        self.find_from_current();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.words[0].postings.size_hint()
    }
}

impl Scorer for NearScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(w) => w.score(self.fieldnorms.fieldnorm_id(self.doc), self.freq),
            None => 1.0,
        }
    }
}
