//! Hostile queries cost bounded time and memory: proximity over very common words
//! answers at once, over-budget queries are refused before they run, a deadline stops
//! a running search, and tied hits come in an order that depends on the archive only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use annalist_index::{Budget, Index, IndexDoc, IndexOptions, Period, QueryErrorKind, SearchRequest, Sort};

/// `n` articles of very common words, so that every word occurs in every article,
/// many times, at many distances.
fn common_corpus(n: i64) -> Vec<IndexDoc> {
    let words = ["the", "of", "and", "to", "in", "a", "is", "for", "on", "with"];
    (1..=n)
        .map(|i| {
            let body: Vec<&str> =
                (0..400).map(|k| words[((k * 7 + i as usize * 3) ^ (k / 3)) % words.len()]).collect();
            IndexDoc {
                article: i,
                title: format!("Article {i}"),
                body: body.join(" "),
                published: Some(annalist_model::Date::new(2011, 1 + (i % 12) as i8, 1).unwrap()),
                ..IndexDoc::default()
            }
        })
        .collect()
}

fn index(docs: &[IndexDoc], commits: usize) -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let opts = IndexOptions { writer_heap_bytes: 50 << 20, writer_threads: 1, merge: false };
    let mut ix = Index::open_with(&dir.path().join("ix"), opts).unwrap();
    for (i, chunk) in docs.chunks(docs.len().div_ceil(commits)).enumerate() {
        ix.upsert(chunk).unwrap();
        ix.commit(i as i64 + 1).unwrap();
    }
    (dir, ix)
}

fn req(q: &str) -> SearchRequest {
    SearchRequest {
        query: q.into(),
        limit: 10,
        offset: 0,
        sort: Sort::Relevance,
        facets: true,
        snippets: true,
    }
}

#[test]
fn proximity_of_common_words_is_linear() {
    let (_d, ix) = index(&common_corpus(2_000), 3);
    // Six very common words, the largest distance: the query that took a machine's
    // whole memory with tantivy's sloppy phrase scorer.
    let t = Instant::now();
    let r = ix.search(&req("\"the of and to in the\"~1000")).unwrap();
    assert_eq!(r.total, 2_000);
    let long = ix.search(&req("\"the of and to in a is for on with the of and to in\"~1000")).unwrap();
    assert_eq!(long.total, 2_000);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn over_budget_queries_are_refused_before_running() {
    let (_d, ix) = index(&common_corpus(500), 1);
    let small = Arc::new(Budget::new(None, 1_000));
    let e = ix.search_within(&req("\"the of and\"~5"), &small).unwrap_err();
    assert_eq!(e.kind, QueryErrorKind::TooCostly, "{e}");
    assert!(e.to_string().contains("narrower"), "{e}");
    // A rare word is cheap.
    assert_eq!(ix.search_within(&req("article"), &small).unwrap().total, 500);
    // Prefixes count toward one ceiling for the whole query.
    let many: Vec<String> = (0..5).map(|i| format!("w{i}*")).collect();
    assert!(ix.search(&req(&many.join(" OR "))).is_ok());
}

#[test]
fn a_deadline_stops_a_running_search() {
    let (_d, ix) = index(&common_corpus(2_000), 2);
    let spent = Arc::new(Budget::with_time(Duration::ZERO));
    let e = ix.search_within(&req("\"the of and to\"~50"), &spent).unwrap_err();
    assert_eq!(e.kind, QueryErrorKind::TimedOut, "{e}");
    // Cancelled from another thread while it runs: it stops.
    let budget = Arc::new(Budget::default());
    budget.cancel();
    let e = ix.count_by_period("the", Period::Month, &budget).unwrap_err();
    assert_eq!(e.kind, QueryErrorKind::TimedOut);
    // Counts by period agree with per-period searches.
    let by_month = ix.count_by_period("\"the of\"~3", Period::Month, &Arc::new(Budget::default())).unwrap();
    assert_eq!(by_month.len(), 12);
    let march = ix.search(&req("\"the of\"~3 published:2011-03")).unwrap().total as u64;
    assert_eq!(by_month[&201103], march);
}

#[test]
fn tied_hits_are_ordered_by_article_id_whatever_the_segments() {
    // Identical bodies: every hit has the same score. Two archives holding the same
    // articles, written in different orders and segment cuts, list them alike.
    let docs: Vec<IndexDoc> = (1..=300)
        .map(|i| IndexDoc {
            article: i,
            title: "Same".into(),
            body: "the same words in every article".into(),
            published: Some(annalist_model::Date::new(2011, 5, 5).unwrap()),
            ..IndexDoc::default()
        })
        .collect();
    let mut reversed = docs.clone();
    reversed.reverse();
    let (_a, ia) = index(&docs, 1);
    let (_b, ib) = index(&reversed, 7);
    for sort in [Sort::Relevance, Sort::DateDesc, Sort::DateAsc] {
        for (q, offset, facets) in [("words", 0, false), ("words", 37, false), ("\"same words\"", 5, true)] {
            let r = SearchRequest { query: q.into(), limit: 20, offset, sort, facets, snippets: false };
            let ids = |ix: &Index| ix.search(&r).unwrap().hits.iter().map(|h| h.article).collect::<Vec<_>>();
            let expected: Vec<i64> = (offset as i64 + 1..=offset as i64 + 20).collect();
            assert_eq!(ids(&ia), expected, "{q} {sort:?} {offset}");
            assert_eq!(ids(&ib), expected, "{q} {sort:?} {offset}");
        }
    }
}

#[test]
fn repeated_words_take_distinct_occurrences() {
    let doc = |article: i64, body: &str| IndexDoc {
        article,
        title: "t".into(),
        body: body.into(),
        ..IndexDoc::default()
    };
    let (_d, ix) = index(
        &[
            doc(1, "one kim here"),
            doc(2, "kim and kim"),
            doc(3, "kim met park kim jong"),
            doc(4, "jong kim kim"),
        ],
        1,
    );
    let ids = |q: &str| {
        let mut v: Vec<i64> = ix.search(&req(q)).unwrap().hits.iter().map(|h| h.article).collect();
        v.sort();
        v
    };
    // One occurrence never stands for both places.
    assert_eq!(ids("\"kim kim\"~5"), vec![2, 3, 4]);
    assert_eq!(ids("\"kim kim\"~1"), vec![2, 4]);
    assert_eq!(ids("\"kim kim jong\"~3"), vec![3, 4]);
    assert_eq!(ids("\"kim kim jong\"~2"), vec![3]);
    assert_eq!(ids("\"kim kim jong\"~1"), Vec::<i64>::new());
}
