//! Compiles a parsed [`Node`] tree into tantivy `Query` objects.
//!
//! Words and phrases are analysed with the index's own analyser; prefixes are expanded
//! against the term dictionaries of the open segments (bounded by [`MAX_EXPANSIONS`]);
//! filters (`outlet:`, `lang:`, `entity:`, `type:`, `published:`) do not score.

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::budget::Budget;
use crate::common_words::is_common;
use crate::date_filter::{DateFields, DateFilter};
use crate::filtered::FilteredTerm;
use crate::guard::Guarded;
use crate::near::NearQuery;
use crate::query::{KeywordField, MAX_EXPANSIONS, MAX_TOTAL_EXPANSIONS, Node, QueryError, TextField};
use crate::schema::{Fields, analyze, shingle_text, text_analyzer};

/// The compiled query and the analysed terms to highlight in snippets.
pub struct Compiled {
    pub query: Box<dyn Query>,
    /// Analysed tokens of the positive (non-excluded) words, phrases and prefix expansions.
    pub highlight: BTreeSet<String>,
    /// Whether the query's top k is ranked with block-max pruning: one term query (also
    /// under filters and exclusions, see `filtered`), or a boolean query of term queries
    /// only, all `Should` or all (two or more) `Must`. Anything else (a phrase, nested
    /// booleans) is scored document by document.
    pub prunable: bool,
}

fn prunable(q: &dyn Query) -> bool {
    if q.is::<TermQuery>() || q.is::<FilteredTerm>() {
        return true;
    }
    let Some(b) = q.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    let clauses = b.clauses();
    clauses.iter().all(|(_, q)| q.is::<TermQuery>())
        && (clauses.iter().all(|(o, _)| *o == Occur::Should)
            || (clauses.len() >= 2 && clauses.iter().all(|(o, _)| *o == Occur::Must)))
}

struct Compiler<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    analyzer: TextAnalyzer,
    highlight: BTreeSet<String>,
    budget: &'a Arc<Budget>,
    /// Postings the query will read, weighted (positions cost more).
    cost: u64,
    /// Index terms all prefixes of the query expanded to.
    expansions: usize,
}

/// Cost weight of a term read with its positions (phrases), relative to a plain term.
const POSITIONS: u64 = 3;

/// Compiles `node`; `Err` for problems only visible against the index (a prefix that
/// expands too far), a query with nothing searchable in it, or one that would cost
/// more than `budget` allows.
pub fn compile(
    searcher: &Searcher,
    fields: &Fields,
    node: &Node,
    budget: &Arc<Budget>,
) -> Result<Compiled, QueryError> {
    let mut c = Compiler {
        searcher,
        fields,
        analyzer: text_analyzer(),
        highlight: BTreeSet::new(),
        budget,
        cost: 0,
        expansions: 0,
    };
    let query = c.node(node, false)?;
    if c.cost > budget.max_cost() {
        return Err(QueryError::too_costly(
            0,
            format!(
                "this query would read about {} index entries, more than the {} one search may read; \
                 make it narrower (rarer words, fewer very common ones, longer prefixes)",
                c.cost,
                budget.max_cost()
            ),
        ));
    }
    match query {
        Some(query) => {
            let prunable = prunable(query.as_ref());
            Ok(Compiled { query, highlight: c.highlight, prunable })
        }
        None => Err(QueryError::new(1, "nothing searchable in the query (only punctuation?)")),
    }
}

fn boolean(clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(clauses))
}

fn all_minus(excluded: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    // (The caller charges the scan of every document.)
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
    clauses.extend(excluded.into_iter().map(|q| (Occur::MustNot, q)));
    boolean(clauses)
}

impl Compiler<'_> {
    /// Counts what reading `term` costs (`weight` per posting).
    fn charge(&mut self, term: &Term, weight: u64) {
        let df = self.searcher.doc_freq(term).unwrap_or(0);
        self.cost = self.cost.saturating_add(df.saturating_mul(weight));
    }

    fn charge_all_docs(&mut self) {
        self.cost = self.cost.saturating_add(self.searcher.num_docs());
    }

    fn text_field(&self, f: TextField) -> Field {
        match f {
            TextField::All => self.fields.text,
            TextField::Title => self.fields.title,
        }
    }

    /// `negated`: whether the node sits under an exclusion (its terms are not highlighted).
    fn node(&mut self, node: &Node, negated: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        Ok(match node {
            Node::And(items) => {
                let mut must = Vec::new();
                let mut must_not = Vec::new();
                for item in items {
                    match item {
                        Node::Not(inner) => {
                            if let Some(q) = self.node(inner, !negated)? {
                                must_not.push(q);
                            }
                        }
                        other => {
                            if let Some(q) = self.node(other, negated)? {
                                must.push(q);
                            }
                        }
                    }
                }
                // One scored term under filters and exclusions: ranked with block-max
                // pruning (see `filtered`).
                let scored: Vec<usize> =
                    (0..must.len()).filter(|&i| !must[i].is::<ConstScoreQuery>()).collect();
                if let [i] = scored[..]
                    && (must.len() > 1 || !must_not.is_empty())
                    && let Some(term) = must[i].downcast_ref::<TermQuery>()
                {
                    let term = term.clone();
                    must.remove(i);
                    return Ok(Some(Box::new(FilteredTerm::new(term, must, must_not))));
                }
                match (must.len(), must_not.is_empty()) {
                    (0, true) => None,
                    (0, false) => {
                        self.charge_all_docs();
                        Some(all_minus(must_not))
                    }
                    (1, true) => must.pop(),
                    _ => {
                        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                            must.into_iter().map(|q| (Occur::Must, q)).collect();
                        clauses.extend(must_not.into_iter().map(|q| (Occur::MustNot, q)));
                        Some(boolean(clauses))
                    }
                }
            }
            Node::Or(items) => {
                let mut should = Vec::new();
                for item in items {
                    if let Some(q) = self.node(item, negated)? {
                        should.push(q);
                    }
                }
                match should.len() {
                    0 => None,
                    1 => should.pop(),
                    _ => Some(boolean(should.into_iter().map(|q| (Occur::Should, q)).collect())),
                }
            }
            Node::Not(inner) => {
                let q = self.node(inner, !negated)?;
                if q.is_some() {
                    self.charge_all_docs();
                }
                q.map(|q| all_minus(vec![q]))
            }
            Node::Word { field, text, .. } => self.words(*field, text, 0, negated),
            Node::Phrase { field, text, slop, .. } => self.words(*field, text, *slop, negated),
            Node::Prefix { field, prefix, pos } => Some(self.prefix(*field, prefix, *pos, negated)?),
            Node::Keyword { field, value, .. } => {
                let f = match field {
                    KeywordField::Outlet => self.fields.outlet,
                    KeywordField::Lang => self.fields.lang,
                    KeywordField::Entity => self.fields.entity,
                    KeywordField::Type => self.fields.event_type,
                };
                let term = Term::from_field_text(f, value);
                self.charge(&term, 1);
                let q = TermQuery::new(term, IndexRecordOption::Basic);
                Some(Box::new(ConstScoreQuery::new(Box::new(q), 0.0)))
            }
            Node::DateRange { from, to, .. } => {
                // Reads the date terms in the range: at most one posting per document.
                self.charge_all_docs();
                let f = DateFields {
                    day: self.fields.published,
                    month: self.fields.published_month,
                    year: self.fields.published_year,
                };
                Some(Box::new(ConstScoreQuery::new(Box::new(DateFilter::new(f, *from, *to)), 0.0)))
            }
        })
    }

    /// A word or a phrase. One token is a term query; an exact phrase of two or three
    /// common words a single gram term; any other exact phrase a phrase query on the
    /// token positions, narrowed by the grams covering its runs of common words; a
    /// proximity query (`~N`) a [`NearQuery`].
    fn words(&mut self, field: TextField, text: &str, slop: u32, negated: bool) -> Option<Box<dyn Query>> {
        let (f, gram_field) = match field {
            TextField::All => (self.fields.text, self.fields.grams),
            TextField::Title => (self.fields.title, self.fields.title_grams),
        };
        let toks = analyze(&mut self.analyzer, text);
        if !negated {
            self.highlight.extend(toks.iter().map(|t| t.1.clone()));
        }
        let n = toks.len();
        if n == 0 {
            return None;
        }
        if n == 1 {
            let term = Term::from_field_text(f, &toks[0].1);
            self.charge(&term, 1);
            return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
        }
        if slop > 0 {
            let terms: Vec<(usize, Term)> =
                toks.into_iter().map(|(p, t)| (p, Term::from_field_text(f, &t))).collect();
            // The window sweep is O(positions × log words).
            let weight = POSITIONS * (u64::from(usize::BITS - n.leading_zeros())).max(1);
            for (_, t) in &terms {
                self.charge(t, weight);
            }
            return Some(Box::new(NearQuery::new(terms, slop, self.budget.clone())));
        }
        // Maximal runs of common tokens at consecutive positions: [start, end).
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in 0..n {
            let common = is_common(&toks[i].1);
            let extends = i > 0 && toks[i].0 == toks[i - 1].0 + 1;
            match runs.last_mut() {
                Some(r) if common && extends && r.1 == i => r.1 = i + 1,
                _ if common => runs.push((i, i + 1)),
                _ => {}
            }
        }
        let gram_term = |from: usize, len: usize| {
            let mut s = String::new();
            shingle_text(toks[from..from + len].iter().map(|t| t.1.as_str()), &mut s);
            Term::from_field_text(gram_field, &s)
        };
        if (n == 2 || n == 3) && runs == [(0, n)] {
            let t = gram_term(0, n);
            self.charge(&t, 1);
            return Some(Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)));
        }
        if runs == [(0, n)] {
            // Only common words: the trigrams at 0, 3, 6, … and the last one, at their
            // offsets, cover every word; each is at the position of its first word.
            let mut starts: Vec<usize> = (0..=n - 3).step_by(3).collect();
            if starts.last() != Some(&(n - 3)) {
                starts.push(n - 3);
            }
            let terms: Vec<(usize, Term)> = starts.into_iter().map(|s| (s, gram_term(s, 3))).collect();
            for (_, t) in &terms {
                self.charge(t, POSITIONS);
            }
            return Some(Box::new(Guarded(Box::new(PhraseQuery::new_with_offset(terms)))));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(a, b) in runs.iter().filter(|r| r.1 - r.0 >= 2) {
            let len = b - a;
            let mut starts: Vec<usize> = if len == 2 { vec![a] } else { (a..=b - 3).step_by(3).collect() };
            if len > 2 && starts.last() != Some(&(b - 3)) {
                starts.push(b - 3);
            }
            for s in starts {
                let t = gram_term(s, len.min(3));
                self.charge(&t, 1);
                let g = TermQuery::new(t, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(g), 0.0))));
            }
        }
        let terms: Vec<(usize, Term)> =
            toks.into_iter().map(|(p, t)| (p, Term::from_field_text(f, &t))).collect();
        for (_, t) in &terms {
            self.charge(t, POSITIONS);
        }
        let phrase = Box::new(Guarded(Box::new(PhraseQuery::new_with_offset(terms))));
        if clauses.is_empty() {
            return Some(phrase);
        }
        clauses.push((Occur::Must, phrase));
        Some(boolean(clauses))
    }

    fn prefix(
        &mut self,
        field: TextField,
        prefix: &str,
        pos: usize,
        negated: bool,
    ) -> Result<Box<dyn Query>, QueryError> {
        let toks = analyze(&mut self.analyzer, prefix);
        if toks.len() != 1 {
            return Err(QueryError::new(pos, format!("the prefix '{prefix}*' must be a single word")));
        }
        let p = toks[0].1.as_bytes();
        let f = self.text_field(field);
        let mut found: BTreeSet<Vec<u8>> = BTreeSet::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(f).map_err(|e| QueryError::new(pos, format!("index error: {e}")))?;
            let mut stream = inv
                .terms()
                .range()
                .ge(p)
                .into_stream()
                .map_err(|e| QueryError::new(pos, format!("index error: {e}")))?;
            while stream.advance() {
                let k = stream.key();
                if !k.starts_with(p) {
                    break;
                }
                if !found.contains(k) {
                    found.insert(k.to_vec());
                    if found.len() > MAX_EXPANSIONS {
                        return Err(QueryError::new(
                            pos,
                            format!(
                                "the prefix '{prefix}*' matches more than {MAX_EXPANSIONS} words; \
                                 make it longer"
                            ),
                        ));
                    }
                }
            }
        }
        self.expansions += found.len();
        if self.expansions > MAX_TOTAL_EXPANSIONS {
            return Err(QueryError::too_costly(
                pos,
                format!(
                    "the prefixes of this query match more than {MAX_TOTAL_EXPANSIONS} words in all; \
                     make them longer or use fewer"
                ),
            ));
        }
        if found.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(found.len());
        for k in found {
            let s = String::from_utf8_lossy(&k).into_owned();
            let term = Term::from_field_text(f, &s);
            self.charge(&term, 1);
            if !negated {
                self.highlight.insert(s);
            }
            clauses.push((Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))));
        }
        Ok(boolean(clauses))
    }
}
