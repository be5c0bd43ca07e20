//! Correctness against a brute-force scan: random phrases drawn from the KCNA 2011
//! bodies must find exactly the articles a plain scan over the same text finds, with
//! and without a date filter, every hit reached through pagination.
//!
//! The scan normalises text the way the analyser is documented to: split on
//! non-alphanumeric characters, drop tokens of 80 bytes or more (keeping their
//! position), lowercase, ASCII-fold (only the folding table is borrowed from tantivy).

use std::collections::BTreeSet;
use std::io::BufRead;

use annalist_index::bench::{CorpusLine, Rng, open_maybe_gz};
use annalist_index::{Index, IndexDoc, IndexOptions, SearchRequest, Sort};
use annalist_model::Date;
use tantivy::tokenizer::{AsciiFoldingFilter, RawTokenizer, TextAnalyzer};

/// `shared/corpora/kcna_2011.jsonl.gz` beside the checkout (found by walking up, so
/// the test runs wherever the clone is).
fn corpus() -> std::path::PathBuf {
    let mut dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let cand = dir.join("shared/corpora/kcna_2011.jsonl.gz");
        if cand.is_file() {
            return cand;
        }
        assert!(dir.pop(), "no shared/corpora/kcna_2011.jsonl.gz above {}", env!("CARGO_MANIFEST_DIR"));
    }
}

/// `(position, token, byte start, byte end)`.
type Tok = (usize, String, usize, usize);

struct Normaliser {
    fold: TextAnalyzer,
}

impl Normaliser {
    fn new() -> Self {
        Normaliser { fold: TextAnalyzer::builder(RawTokenizer::default()).filter(AsciiFoldingFilter).build() }
    }

    fn tokens(&mut self, text: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut start = None;
        let mut push = |s: usize, e: usize, out: &mut Vec<Tok>, pos: &mut usize| {
            let raw = &text[s..e];
            if raw.len() < 80 {
                let lower = raw.to_lowercase();
                let folded = if lower.is_ascii() {
                    lower
                } else {
                    let mut ts = self.fold.token_stream(&lower);
                    ts.next().map(|t| t.text.clone()).unwrap_or_default()
                };
                out.push((*pos, folded, s, e));
            }
            *pos += 1;
        };
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    push(s, i, &mut out, &mut pos);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            push(s, text.len(), &mut out, &mut pos);
        }
        out
    }
}

/// Whether `phrase` occurs at consecutive positions in `toks`.
fn contains(toks: &[Tok], phrase: &[String]) -> bool {
    toks.windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(t, p)| &t.1 == p) && w.windows(2).all(|p| p[1].0 == p[0].0 + 1))
}

struct Doc {
    id: i64,
    date: Option<Date>,
    title: Vec<Tok>,
    body: Vec<Tok>,
    body_text: String,
}

fn load(norm: &mut Normaliser) -> (Vec<IndexDoc>, Vec<Doc>) {
    let mut docs = Vec::new();
    let mut scan = Vec::new();
    for (i, line) in open_maybe_gz(&corpus()).unwrap().lines().enumerate() {
        let l: CorpusLine = serde_json::from_str(&line.unwrap()).unwrap();
        let d = annalist_index::bench::corpus_doc(i as i64 + 1, l);
        scan.push(Doc {
            id: d.article,
            date: d.published,
            title: norm.tokens(&d.title),
            body: norm.tokens(&d.body),
            body_text: d.body.clone(),
        });
        docs.push(d);
    }
    (docs, scan)
}

/// Every article id the index returns for `q`, page by page.
fn all_hits(ix: &Index, q: &str, sort: Sort) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let mut offset = 0;
    loop {
        let req = SearchRequest { query: q.into(), limit: 250, offset, sort, facets: false, snippets: false };
        let r = ix.search(&req).unwrap_or_else(|e| panic!("{q}: {e}"));
        for h in &r.hits {
            assert!(out.insert(h.article), "{q}: article {} twice", h.article);
        }
        offset += r.hits.len();
        if r.hits.is_empty() || offset >= r.total {
            assert_eq!(out.len(), r.total, "{q}: total disagrees with the pages");
            return out;
        }
    }
}

#[test]
fn phrases_match_a_brute_force_scan() {
    let mut norm = Normaliser::new();
    let (docs, scan) = load(&mut norm);
    assert_eq!(docs.len(), 11_997);
    let dir = tempfile::tempdir().unwrap();
    let opts = IndexOptions { writer_heap_bytes: 200 << 20, writer_threads: 2, merge: true };
    let mut ix = Index::open_with(&dir.path().join("ix"), opts).unwrap();
    // Several commits, so that several segments are searched.
    for chunk in docs.chunks(3_000) {
        ix.upsert(chunk).unwrap();
        ix.commit(chunk.last().unwrap().article).unwrap();
    }
    assert_eq!(ix.num_docs(), 11_997);

    let mut rng = Rng::new(7);
    let mut checked = 0;
    let mut nonempty_filtered = 0;
    // 100 phrases of 3–5 words (the acceptance test), then 40 of 2 and 6–8 words to
    // cover the other phrase plans (single bigram, long runs of common words).
    while checked < 140 {
        let d = &scan[rng.below(scan.len() as u64) as usize];
        let len = if checked < 100 {
            rng.range(3, 5) as usize
        } else if checked % 2 == 0 {
            2
        } else {
            rng.range(6, 8) as usize
        };
        if d.body.len() < len {
            continue;
        }
        let at = rng.below((d.body.len() - len + 1) as u64) as usize;
        let window = &d.body[at..at + len];
        if window.windows(2).any(|w| w[1].0 != w[0].0 + 1) {
            continue;
        }
        let raw = &d.body_text[window[0].2..window[len - 1].3];
        if raw.contains('"') {
            continue;
        }
        let phrase: Vec<String> = window.iter().map(|t| t.1.clone()).collect();
        let q = format!("\"{raw}\"");
        let expected: BTreeSet<i64> = scan
            .iter()
            .filter(|d| contains(&d.title, &phrase) || contains(&d.body, &phrase))
            .map(|d| d.id)
            .collect();
        assert!(expected.contains(&d.id));
        assert_eq!(all_hits(&ix, &q, Sort::Relevance), expected, "{q}");

        // The same with a date filter (a random quarter of 2011, paged by date).
        let m = rng.range(1, 10) as i8;
        let from = Date::new(2011, m, 1).unwrap();
        let to = Date::new(2011, m + 2, 1).unwrap().last_of_month();
        let fq = format!("{q} published:{from}..{to}");
        let fexp: BTreeSet<i64> = scan
            .iter()
            .filter(|d| expected.contains(&d.id) && d.date.is_some_and(|x| x >= from && x <= to))
            .map(|d| d.id)
            .collect();
        if !fexp.is_empty() {
            nonempty_filtered += 1;
        }
        assert_eq!(all_hits(&ix, &fq, Sort::DateAsc), fexp, "{fq}");
        // By relevance too: a phrase that is one gram term under a date filter is ranked
        // with block-max pruning, page after page.
        assert_eq!(all_hits(&ix, &fq, Sort::Relevance), fexp, "{fq} (relevance)");
        checked += 1;
    }
    assert!(nonempty_filtered > 30, "the date filters should not all be empty");

    // A term under filters and exclusions is ranked with block-max pruning; asking for
    // facets takes the unpruned path (every match scored): same pages, same scores.
    for q in [
        "korea published:2011-03..2011-09",
        "\"kim jong il\" published:2011-02",
        "delegation -china",
        "party -\"kim jong il\" published:..2011-06-30",
        "army published:2011-05-17..",
    ] {
        for offset in [0, 10, 95] {
            let req = |facets| SearchRequest {
                query: q.into(),
                limit: 10,
                offset,
                sort: Sort::Relevance,
                facets,
                snippets: false,
            };
            let pruned = ix.search(&req(false)).unwrap();
            let full = ix.search(&req(true)).unwrap();
            assert_eq!(pruned.total, full.total, "{q}");
            let hits = |r: &annalist_index::SearchResults| -> Vec<(i64, u32)> {
                r.hits.iter().map(|h| (h.article, h.score.to_bits())).collect()
            };
            assert_eq!(hits(&pruned), hits(&full), "{q} at {offset}");
            assert!(offset > 0 || pruned.hits.len() == 10, "{q}: a full first page");
        }
    }
}

/// Lucene's proximity, checked naively: with word `i` of the query at shifted
/// positions `p - i`, some window `[s, s + slop]` holds a shifted position of every
/// word (the words of these queries are distinct).
fn near(toks: &[(u32, String)], words: &[String], slop: u32) -> bool {
    let shifted: Vec<Vec<i64>> = words
        .iter()
        .enumerate()
        .map(|(i, w)| toks.iter().filter(|t| &t.1 == w).map(|t| i64::from(t.0) - i as i64).collect())
        .collect();
    if shifted.iter().any(Vec::is_empty) {
        return false;
    }
    shifted
        .iter()
        .flatten()
        .any(|&s| shifted.iter().all(|l| l.iter().any(|&q| q >= s && q <= s + i64::from(slop))))
}

/// Positions as the index numbers them: the title's, then the body's after a gap of one.
fn positions(d: &Doc) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = d.title.iter().map(|t| (t.0 as u32, t.1.clone())).collect();
    let body_from = d.title.iter().map(|t| t.0 as u32 + 1).max().unwrap_or(0) + 1;
    out.extend(d.body.iter().map(|t| (body_from + t.0 as u32, t.1.clone())));
    out
}

#[test]
fn proximity_matches_a_brute_force_scan() {
    let mut norm = Normaliser::new();
    let (docs, scan) = load(&mut norm);
    let dir = tempfile::tempdir().unwrap();
    let opts = IndexOptions { writer_heap_bytes: 200 << 20, writer_threads: 2, merge: true };
    let mut ix = Index::open_with(&dir.path().join("ix"), opts).unwrap();
    for chunk in docs.chunks(4_000) {
        ix.upsert(chunk).unwrap();
        ix.commit(chunk.last().unwrap().article).unwrap();
    }
    let all: Vec<Vec<(u32, String)>> = scan.iter().map(positions).collect();
    let mut rng = Rng::new(11);
    let mut checked = 0;
    while checked < 60 {
        let d = &scan[rng.below(scan.len() as u64) as usize];
        let n = rng.range(2, 4) as usize;
        if d.body.len() < 12 {
            continue;
        }
        // `n` distinct words from a stretch of the body, in a random order.
        let at = rng.below((d.body.len() - 10) as u64) as usize;
        let mut words: Vec<String> = Vec::new();
        for t in &d.body[at..at + 10] {
            if words.len() < n && !words.contains(&t.1) && t.1.chars().all(|c| c.is_ascii_alphanumeric()) {
                words.push(t.1.clone());
            }
        }
        if words.len() < 2 {
            continue;
        }
        for i in (1..words.len()).rev() {
            words.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let slop = rng.range(1, 12) as u32;
        let q = format!("\"{}\"~{slop}", words.join(" "));
        let expected: BTreeSet<i64> =
            scan.iter().zip(&all).filter(|(_, p)| near(p, &words, slop)).map(|(d, _)| d.id).collect();
        assert_eq!(all_hits(&ix, &q, Sort::Relevance), expected, "{q}");
        checked += 1;
    }
}
