//! Crash safety: a child process indexes forever and is killed (SIGKILL) at random
//! points; after each kill the index must open, its watermark must describe exactly the
//! documents it holds, and resuming from the watermark must give the expected set.
//!
//! The child is this test binary itself, running only `crash_child` with
//! `ANNALIST_CRASH_DIR` set (without it, `crash_child` returns at once).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use annalist_index::bench::Rng;
use annalist_index::{Index, IndexDoc, IndexOptions, SearchRequest, Sort};

/// Distinct articles; store sequence number `s` (1-based) writes article
/// `(s - 1) % ARTICLES + 1`, version `(s - 1) / ARTICLES`.
const ARTICLES: i64 = 600;
/// Sequence numbers per commit.
const BATCH: i64 = 7;

fn opts() -> IndexOptions {
    IndexOptions { writer_heap_bytes: 20 << 20, writer_threads: 1, merge: true }
}

fn article_of(seq: i64) -> (i64, i64) {
    ((seq - 1) % ARTICLES + 1, (seq - 1) / ARTICLES)
}

fn doc_for(seq: i64) -> IndexDoc {
    let (a, v) = article_of(seq);
    IndexDoc {
        article: a,
        title: format!("a{a} v{v}"),
        body: format!(
            "Article {a} in version {v}, written at sequence {seq}. Some filler words follow here."
        ),
        outlet: Some("KCNA".into()),
        sources: vec![format!("seq{seq}")],
        ..Default::default()
    }
}

/// What the index must hold after applying sequence numbers `1..=w`.
fn expected(w: i64) -> BTreeMap<i64, String> {
    let mut m = BTreeMap::new();
    for s in 1..=w {
        let (a, v) = article_of(s);
        m.insert(a, format!("a{a} v{v}"));
    }
    m
}

/// Every document, as article → title (asserting each article appears once).
fn contents(ix: &Index) -> BTreeMap<i64, String> {
    let req = SearchRequest {
        query: "-nosuchwordanywhere".into(),
        limit: 10 * ARTICLES as usize,
        offset: 0,
        sort: Sort::Relevance,
        facets: false,
        snippets: false,
    };
    let r = ix.search(&req).unwrap();
    assert_eq!(r.total as u64, ix.num_docs());
    let mut m = BTreeMap::new();
    for h in r.hits {
        assert!(m.insert(h.article, h.title).is_none(), "article {} indexed twice", h.article);
    }
    m
}

/// The child: resume from the watermark and index forever, committing every BATCH.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os("ANNALIST_CRASH_DIR") else {
        return;
    };
    let mut ix = Index::open_with(Path::new(&dir), opts()).unwrap();
    let mut seq = ix.watermark();
    loop {
        let docs: Vec<IndexDoc> = (seq + 1..=seq + BATCH).map(doc_for).collect();
        ix.upsert(&docs).unwrap();
        seq += BATCH;
        ix.commit(seq).unwrap();
    }
}

#[test]
fn survives_being_killed_while_indexing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ix");
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng::new(42);
    let mut last = 0;
    let mut kills = 0;
    for round in 0..12 {
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--nocapture", "--test-threads", "1"])
            .env("ANNALIST_CRASH_DIR", &dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.range(150, 900)));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();

        let ix = Index::open_with(&dir, opts()).unwrap();
        assert!(!ix.needs_rebuild(), "round {round}: index had to be rebuilt");
        let w = ix.watermark();
        assert!(w >= last, "round {round}: watermark went back from {last} to {w}");
        assert_eq!(w % BATCH, 0, "round {round}: watermark {w} is not a commit boundary");
        assert_eq!(contents(&ix), expected(w), "round {round}: documents disagree with watermark {w}");
        last = w;
    }
    assert!(kills >= 10, "only {kills} kills hit a running child");
    assert!(last > 0, "the child never committed");

    // Resume: apply the remainder up to two full versions of every article.
    let mut ix = Index::open_with(&dir, opts()).unwrap();
    let w = ix.watermark();
    let end = (w.max(2 * ARTICLES) + ARTICLES - 1) / ARTICLES * ARTICLES;
    let rest: Vec<IndexDoc> = (w + 1..=end).map(doc_for).collect();
    ix.upsert(&rest).unwrap();
    ix.commit(end).unwrap();
    assert_eq!(ix.num_docs(), ARTICLES as u64);
    assert_eq!(contents(&ix), expected(end));
}
