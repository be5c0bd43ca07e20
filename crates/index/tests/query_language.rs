//! Every feature of the query language against a small hand-made index, and every
//! malformed-query error with its column.

use annalist_index::{Index, IndexDoc, IndexOptions, SearchRequest, Sort};
use annalist_model::Date;

fn d(s: &str) -> Option<Date> {
    Some(s.parse().unwrap())
}

fn doc(article: i64, title: &str, body: &str, outlet: &str, date: &str) -> IndexDoc {
    IndexDoc {
        article,
        title: title.into(),
        body: body.into(),
        outlet: Some(outlet.into()),
        language: Some("en".into()),
        published: d(date),
        entities: vec![],
        event_types: vec![],
        sources: vec![format!("src/{article}.html")],
    }
}

fn corpus() -> Vec<IndexDoc> {
    let mut v = vec![
        doc(
            1,
            "Putin Sends Message",
            "Vladimir Putin sent a message on the treaty of friendship.",
            "KCNA",
            "2024-06-19",
        ),
        doc(
            2,
            "Treaty Signed",
            "The comprehensive strategic partnership treaty was signed by Putin and Kim.",
            "Rodong Sinmun",
            "2024-06-20",
        ),
        doc(
            3,
            "Café Opens",
            "A new café opened in Pyongyang. Treatment of guests was warm.",
            "KCNA",
            "2011-03-05",
        ),
        doc(
            4,
            "Delegation Leaves",
            "A delegation of the Korean People's Army left for China.",
            "Minju Joson",
            "2011-06-30",
        ),
        doc(
            5,
            "Reception",
            "The ambassador hosted a reception. Putin was not mentioned; treaty neither. <script>alert(1)</script>",
            "Voice of Korea",
            "1999-12-31",
        ),
        doc(
            6,
            "Undated note",
            "Putin treaty words far apart: one two three four five six seven eight nine ten eleven twelve",
            "KCNA",
            "2024-01-01",
        ),
    ];
    v[0].entities = vec!["vladimir-putin".into(), "rus".into()];
    v[0].event_types = vec!["message".into()];
    v[1].entities = vec!["vladimir-putin".into(), "kim-jong-un".into()];
    v[1].event_types = vec!["agreement".into()];
    v[2].language = Some("fr".into());
    v[5].published = None;
    v
}

fn index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let opts = IndexOptions { writer_heap_bytes: 50 << 20, writer_threads: 1, merge: true };
    let mut ix = Index::open_with(&dir.path().join("ix"), opts).unwrap();
    ix.upsert(&corpus()).unwrap();
    ix.commit(6).unwrap();
    (dir, ix)
}

fn ids(ix: &Index, q: &str) -> Vec<i64> {
    let mut req = SearchRequest::new(q);
    req.limit = 100;
    let r = ix.search(&req).unwrap_or_else(|e| panic!("{q}: {e}"));
    assert_eq!(r.total, r.hits.len(), "{q}");
    let mut v: Vec<i64> = r.hits.iter().map(|h| h.article).collect();
    v.sort();
    v
}

fn err(ix: &Index, q: &str) -> (usize, String) {
    let e = ix.search(&SearchRequest::new(q)).expect_err(q);
    (e.position, e.message)
}

#[test]
fn words_are_analysed_and_anded() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "putin"), [1, 2, 5, 6]);
    assert_eq!(ids(&ix, "PUTIN"), [1, 2, 5, 6]);
    assert_eq!(ids(&ix, "cafe"), [3]); // ASCII-folded
    assert_eq!(ids(&ix, "café"), [3]);
    assert_eq!(ids(&ix, "putin treaty"), [1, 2, 5, 6]);
    assert_eq!(ids(&ix, "putin kim"), [2]);
    assert_eq!(ids(&ix, "putin AND kim"), [2]);
    assert_eq!(ids(&ix, "treat"), Vec::<i64>::new()); // no stemming
    assert_eq!(ids(&ix, "putin & kim"), [2]); // nothing searchable in "&": ignored
    // Title words are searched too.
    assert_eq!(ids(&ix, "reception"), [5]);
}

#[test]
fn phrases_and_proximity() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "\"korean people's army\""), [4]);
    assert_eq!(ids(&ix, "\"army korean\""), Vec::<i64>::new());
    assert_eq!(ids(&ix, "\"putin treaty\""), [6]);
    assert_eq!(ids(&ix, "\"putin treaty\"~3"), [5, 6]);
    assert_eq!(ids(&ix, "\"putin treaty\"~6"), [1, 2, 5, 6]);
    assert_eq!(ids(&ix, "\"putin and kim\""), [2]);
    // A word the analyser splits is a phrase.
    assert_eq!(ids(&ix, "people's"), [4]);
    // No phrase across the title/body boundary.
    assert_eq!(ids(&ix, "\"message vladimir\""), Vec::<i64>::new());
}

#[test]
fn boolean_operators_and_exclusion() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "cafe OR delegation"), [3, 4]);
    assert_eq!(ids(&ix, "putin -kim"), [1, 5, 6]);
    assert_eq!(ids(&ix, "putin NOT kim"), [1, 5, 6]);
    assert_eq!(ids(&ix, "putin -(kim OR reception)"), [1, 6]);
    assert_eq!(ids(&ix, "(cafe OR delegation) AND china"), [4]);
    // Precedence: AND binds tighter than OR.
    assert_eq!(ids(&ix, "cafe OR putin kim"), [2, 3]);
    assert_eq!(ids(&ix, "putin -\"putin treaty\""), [1, 2, 5]);
    // Lower-case "and"/"or" are words.
    assert_eq!(ids(&ix, "putin and kim"), [2]);
    // Only exclusions: everything except.
    assert_eq!(ids(&ix, "-putin"), [3, 4]);
    assert_eq!(ids(&ix, "NOT putin"), [3, 4]);
    assert_eq!(ids(&ix, "cafe OR -putin"), [3, 4]);
}

#[test]
fn prefixes_are_bounded() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "treat*"), [1, 2, 3, 5, 6]);
    assert_eq!(ids(&ix, "title:treat*"), [2]);
    assert_eq!(ids(&ix, "zzz*"), Vec::<i64>::new());

    // A prefix matching more than 1,000 words is an error naming it.
    let dir = tempfile::tempdir().unwrap();
    let mut big = Index::open_with(
        &dir.path().join("ix"),
        IndexOptions { writer_heap_bytes: 50 << 20, writer_threads: 1, merge: true },
    )
    .unwrap();
    let body: String = (0..1500).map(|i| format!("word{i} ")).collect();
    big.upsert(&[doc(1, "many", &body, "KCNA", "2020-01-01")]).unwrap();
    big.commit(1).unwrap();
    let e = big.search(&SearchRequest::new("many word*")).unwrap_err();
    assert_eq!(e.position, 6);
    assert!(e.message.contains("'word*'"), "{}", e.message);
    let mut req = SearchRequest::new("word1*");
    req.limit = 5;
    assert_eq!(big.search(&req).unwrap().total, 1);
}

#[test]
fn field_filters() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "title:treaty"), [2]);
    assert_eq!(ids(&ix, "title:\"putin sends\""), [1]);
    assert_eq!(ids(&ix, "outlet:KCNA"), [1, 3, 6]);
    assert_eq!(ids(&ix, "outlet:kcna putin"), [1, 6]);
    assert_eq!(ids(&ix, "outlet:\"rodong sinmun\""), [2]);
    assert_eq!(ids(&ix, "outlet:Rodong"), Vec::<i64>::new()); // exact
    assert_eq!(ids(&ix, "lang:fr"), [3]);
    assert_eq!(ids(&ix, "lang:EN putin"), [1, 2, 5, 6]);
    assert_eq!(ids(&ix, "entity:vladimir-putin"), [1, 2]);
    assert_eq!(ids(&ix, "entity:kim-jong-un"), [2]);
    assert_eq!(ids(&ix, "type:message"), [1]);
    assert_eq!(ids(&ix, "type:agreement OR type:message"), [1, 2]);
    assert_eq!(ids(&ix, "putin -outlet:kcna"), [2, 5]);
}

#[test]
fn date_ranges() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "published:2024"), [1, 2]); // 6 is undated
    assert_eq!(ids(&ix, "published:2024-06"), [1, 2]);
    assert_eq!(ids(&ix, "published:2024-06-20"), [2]);
    assert_eq!(ids(&ix, "published:2024-06-01..2024-12-31"), [1, 2]);
    assert_eq!(ids(&ix, "published:..2011-06-30"), [3, 4, 5]);
    assert_eq!(ids(&ix, "published:..2011-06-29"), [3, 5]);
    assert_eq!(ids(&ix, "published:2011-01-01.."), [1, 2, 3, 4]);
    assert_eq!(ids(&ix, "published:1999..2011-03"), [3, 5]);
    assert_eq!(ids(&ix, "putin published:..2000"), [5]);
}

#[test]
fn sorting_and_pagination() {
    let (_d, ix) = index();
    let mut req = SearchRequest::new("putin OR cafe OR delegation");
    req.sort = Sort::DateDesc;
    req.limit = 10;
    let r = ix.search(&req).unwrap();
    assert_eq!(r.total, 6);
    let order: Vec<i64> = r.hits.iter().map(|h| h.article).collect();
    assert_eq!(&order[..5], &[2, 1, 4, 3, 5]);
    assert_eq!(order[5], 6, "undated last");
    req.sort = Sort::DateAsc;
    let r = ix.search(&req).unwrap();
    let order: Vec<i64> = r.hits.iter().map(|h| h.article).collect();
    assert_eq!(&order[..5], &[5, 3, 4, 1, 2]);

    // Pages of 2 by relevance cover every hit once.
    let mut seen = Vec::new();
    for page in 0..4 {
        let mut req = SearchRequest::new("putin OR cafe OR delegation");
        req.limit = 2;
        req.offset = page * 2;
        let r = ix.search(&req).unwrap();
        assert_eq!(r.total, 6);
        seen.extend(r.hits.iter().map(|h| h.article));
    }
    seen.sort();
    assert_eq!(seen, [1, 2, 3, 4, 5, 6]);
    // Relevance: scores descending.
    let r = ix.search(&SearchRequest::new("putin treaty")).unwrap();
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
    // limit 0: count only.
    let mut req = SearchRequest::new("putin");
    req.limit = 0;
    let r = ix.search(&req).unwrap();
    assert_eq!((r.total, r.hits.len()), (4, 0));
}

#[test]
fn hits_carry_fields_snippets_and_facets() {
    let (_d, ix) = index();
    let mut req = SearchRequest::new("kim treaty");
    req.facets = true;
    let r = ix.search(&req).unwrap();
    let h = &r.hits[0];
    assert_eq!(h.article, 2);
    assert_eq!(h.title, "Treaty Signed");
    assert_eq!(h.outlet.as_deref(), Some("Rodong Sinmun"));
    assert_eq!(h.published, d("2024-06-20"));
    assert_eq!(h.sources, ["src/2.html"]);
    assert!(h.snippet.contains("<mark>treaty</mark>"), "{}", h.snippet);
    assert!(h.snippet.contains("<mark>Kim</mark>"), "{}", h.snippet);
    let f = r.facets.unwrap();
    assert_eq!(f.outlets, [("Rodong Sinmun".to_string(), 1)]);
    assert_eq!(f.years, [(2024, 1)]);

    // Escaping of hostile text.
    let r = ix.search(&SearchRequest::new("reception script")).unwrap();
    let s = &r.hits[0].snippet;
    assert!(s.contains("&lt;<mark>script</mark>&gt;"), "{s}");
    assert!(!s.contains("<script"), "{s}");

    // Facets over the whole result set.
    let mut req = SearchRequest::new("putin OR cafe OR delegation");
    req.facets = true;
    req.limit = 1;
    let f = ix.search(&req).unwrap().facets.unwrap();
    assert_eq!(
        f.outlets,
        [
            ("KCNA".to_string(), 3),
            ("Minju Joson".to_string(), 1),
            ("Rodong Sinmun".to_string(), 1),
            ("Voice of Korea".to_string(), 1)
        ]
    );
    assert_eq!(f.years, [(1999, 1), (2011, 2), (2024, 2)]);

    // Title fallback when only the title matches; start of body for filter-only queries.
    let r = ix.search(&SearchRequest::new("title:opens")).unwrap();
    assert_eq!(r.hits[0].snippet, "Café <mark>Opens</mark>");
    let r = ix.search(&SearchRequest::new("lang:fr")).unwrap();
    assert!(r.hits[0].snippet.starts_with("A new café opened"));
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let (_d, mut ix) = index();
    let mut v2 = corpus()[0].clone();
    v2.body = "Entirely new text about rockets.".into();
    ix.upsert(&[v2]).unwrap();
    ix.delete(4).unwrap();
    ix.commit(8).unwrap();
    assert_eq!(ix.num_docs(), 5);
    assert_eq!(ids(&ix, "rockets"), [1]);
    assert_eq!(ids(&ix, "putin"), [1, 2, 5, 6]); // title still says Putin
    assert_eq!(ids(&ix, "vladimir"), Vec::<i64>::new());
    assert_eq!(ids(&ix, "delegation"), Vec::<i64>::new());
    assert_eq!(ix.watermark(), 8);
    ix.clear().unwrap();
    assert_eq!(ix.num_docs(), 0);
    assert_eq!(ix.watermark(), 0);
}

#[test]
fn reopen_keeps_watermark_and_wipes_foreign_formats() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ix");
    {
        let mut ix = Index::open(&p).unwrap();
        assert!(!ix.needs_rebuild());
        ix.upsert(&corpus()).unwrap();
        ix.commit(42).unwrap();
    }
    {
        let ix = Index::open(&p).unwrap();
        assert_eq!(ix.watermark(), 42);
        assert_eq!(ix.num_docs(), 6);
        assert!(!ix.needs_rebuild());
    }
    // An older format: wiped and rebuilt.
    std::fs::write(p.join("annalist-index.json"), r#"{"format":0}"#).unwrap();
    {
        let ix = Index::open(&p).unwrap();
        assert!(ix.needs_rebuild());
        assert_eq!(ix.watermark(), 0);
        assert_eq!(ix.num_docs(), 0);
    }
    // Corrupt: meta.json garbage.
    {
        let mut ix = Index::open(&p).unwrap();
        assert!(!ix.needs_rebuild());
        ix.upsert(&corpus()).unwrap();
        ix.commit(7).unwrap();
    }
    std::fs::write(p.join("meta.json"), b"{not json").unwrap();
    let ix = Index::open(&p).unwrap();
    assert!(ix.needs_rebuild());
    assert_eq!(ix.num_docs(), 0);
    // A directory with other things in it is refused, never wiped.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("precious.txt"), b"x").unwrap();
    assert!(Index::open(&other).is_err());
    assert!(other.join("precious.txt").exists());
}

#[test]
fn malformed_queries_have_positions() {
    let (_d, ix) = index();
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "empty query"),
        ("   ", 1, "empty query"),
        ("kim (jong", 5, "never closed"),
        ("kim jong)", 9, "no matching '('"),
        ("(kim))", 6, "no matching '('"),
        ("()", 1, "empty parentheses"),
        ("kim \"jong il", 5, "unbalanced quote"),
        ("kim AND", 5, "dangling AND"),
        ("AND kim", 1, "dangling AND"),
        ("kim OR", 5, "dangling OR"),
        ("OR kim", 1, "dangling OR"),
        ("kim OR OR jong", 5, "dangling OR"),
        ("kim AND OR jong", 5, "dangling AND"),
        ("kim NOT", 5, "dangling NOT"),
        ("kim (NOT)", 6, "dangling NOT"),
        ("kim published:2011-02-30", 15, "bad date"),
        ("published:2011-13", 11, "bad date"),
        ("published:201", 11, "bad date"),
        ("published:2012..2011", 11, "ends before it starts"),
        ("published:..", 11, "empty date range"),
        ("published:2011-01-01..x", 23, "bad date"),
        ("kim foo:bar", 5, "unknown field 'foo'"),
        ("title:", 1, "missing value"),
        ("type:banana", 6, "unknown event type"),
        ("outlet:KC*", 8, "exact value"),
        ("\"kim jong\"~", 11, "needs a distance"),
        ("\"kim jong\"~x", 11, "needs a distance"),
        ("\"kim jong\"x", 11, "right after a closing quote"),
        ("*", 1, "wildcard needs a prefix"),
        ("k*m*", 1, "wildcard needs a prefix"),
        ("kim-jong* x", 1, "single word"),
        ("& !!", 1, "nothing searchable"),
    ];
    for (q, pos, msg) in cases {
        let (p, m) = err(&ix, q);
        assert_eq!(p, *pos, "{q:?}: {m}");
        assert!(m.contains(msg), "{q:?}: {m}");
    }
    // Bounds.
    let long = "a ".repeat(501);
    assert_eq!(err(&ix, &long).0, 1001);
    let many: String = (0..65).map(|i| format!("w{i} ")).collect();
    let (p, m) = err(&ix, &many);
    assert_eq!(p, 247, "{m}"); // w64, the 65th term
    let deep = format!("{}kim{}", "(".repeat(17), ")".repeat(17));
    let (p, m) = err(&ix, &deep);
    assert_eq!(p, 17, "{m}");
    assert!(m.contains("too deep"));
    let deep_not = format!("kim {}jong", "-".repeat(17));
    assert!(err(&ix, &deep_not).1.contains("too deep"));
    // 16 levels are fine.
    let ok = format!("{}kim{}", "(".repeat(16), ")".repeat(16));
    ix.search(&SearchRequest::new(ok)).unwrap();
    // The caret helper.
    let e = ix.search(&SearchRequest::new("kim AND")).unwrap_err();
    assert_eq!(e.caret_line("kim AND"), "kim AND\n    ^");
    assert_eq!(e.to_string(), "query error at column 5: dangling AND: it needs a term on its right");
}

#[test]
fn matching_restricts_a_query_to_the_articles_asked_about() {
    let dir = tempfile::tempdir().unwrap();
    let mut ix = annalist_index::Index::open(dir.path()).unwrap();
    let doc = |id: i64, body: &str| annalist_index::IndexDoc {
        article: id,
        title: format!("Article {id}"),
        body: body.to_string(),
        outlet: Some("KCNA".into()),
        language: Some("en".into()),
        published: None,
        entities: vec![],
        event_types: vec![],
        sources: vec![],
    };
    ix.upsert(&[
        doc(1, "Putin signed the treaty in Pyongyang"),
        doc(2, "Putin sent a message"),
        doc(3, "the treaty was ratified"),
        doc(4, "Putin and the treaty again"),
    ])
    .unwrap();
    ix.commit(4).unwrap();
    assert_eq!(ix.matching("putin AND treaty", &[1, 2, 3]).unwrap(), vec![1]);
    assert_eq!(ix.matching("putin AND treaty", &[1, 2, 3, 4]).unwrap(), vec![1, 4]);
    assert_eq!(ix.matching("\"sent a message\"", &[1, 3]).unwrap(), Vec::<i64>::new());
    assert!(ix.matching("putin AND (", &[1]).is_err());
    assert!(ix.matching("putin", &[]).unwrap().is_empty());
}
