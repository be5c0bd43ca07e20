//! Atom feeds (RFC 4287) of saved searches: the newest articles matching a query,
//! for `annalist feed QUERY` and the server's `/feeds/search?q=…`, so that people
//! can subscribe in a feed reader instead of polling the search page.
//!
//! Written with quick-xml's writer, which escapes every text and attribute: the
//! titles and snippets are article text, i.e. hostile input.

use std::sync::Arc;

use annalist_index::{Budget, Index, QueryError, SearchRequest, Sort};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::api::ApiError;

pub(crate) fn routes() -> Router<crate::State> {
    Router::new().route("/feeds/search", get(search_feed))
}

#[derive(serde::Deserialize)]
struct FeedParams {
    q: Option<String>,
    limit: Option<usize>,
}

/// `GET /feeds/search?q=QUERY[&limit=N]`: the Atom feed of a search.
async fn search_feed(
    State(app): State<crate::State>,
    headers: HeaderMap,
    Query(p): Query<FeedParams>,
) -> Result<Response, ApiError> {
    let q = p.q.filter(|q| !q.trim().is_empty()).ok_or_else(|| ApiError::bad("q: give a query"))?;
    let limit = p.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_ENTRIES {
        return Err(ApiError::bad(format!("limit: between 1 and {MAX_ENTRIES}")));
    }
    // Links point back at the host the reader asked (loopback, or a proxy's name).
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
        .unwrap_or("127.0.0.1")
        .to_string();
    let xml = crate::blocking(&app, move |app, budget| {
        Ok(atom(&app.index(), &q, &format!("http://{host}"), limit, budget)?)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

/// Entries in a feed at most.
pub const MAX_ENTRIES: usize = 200;

/// The Atom document for `query`: its newest `limit` matches, newest first, each
/// linking to its article page under `base_url` (e.g. `http://127.0.0.1:8080`).
pub fn atom(
    index: &Index,
    query: &str,
    base_url: &str,
    limit: usize,
    budget: &Arc<Budget>,
) -> Result<String, QueryError> {
    let req = SearchRequest {
        query: query.to_string(),
        limit: limit.clamp(1, MAX_ENTRIES),
        offset: 0,
        sort: Sort::DateDesc,
        facets: false,
        snippets: true,
    };
    let res = index.search_within(&req, budget)?;
    let base = base_url.trim_end_matches('/');
    let day = |d: Option<annalist_model::Date>| d.map(|d| format!("{d}T00:00:00Z"));
    // A feed's `updated` is its newest entry's; an empty feed says when it was made.
    let updated = res
        .hits
        .iter()
        .filter_map(|h| day(h.published))
        .max()
        .unwrap_or_else(|| jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    let feed_id = format!("urn:annalist:search:{}", &blake3::hash(query.as_bytes()).to_hex()[..16]);
    let self_link = format!("{base}/feeds/search?q={}", crate::html::urlenc(query));

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let io = |e: std::io::Error| QueryError::new(0, format!("writing the feed: {e}"));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None))).map_err(io)?;
    let mut root = BytesStart::new("feed");
    root.push_attribute(("xmlns", "http://www.w3.org/2005/Atom"));
    w.write_event(Event::Start(root)).map_err(io)?;
    text(&mut w, "title", &format!("annalist: {query}")).map_err(io)?;
    text(&mut w, "id", &feed_id).map_err(io)?;
    text(&mut w, "updated", &updated).map_err(io)?;
    text(&mut w, "subtitle", &format!("{} matching articles, newest first", res.total)).map_err(io)?;
    link(&mut w, "self", &self_link).map_err(io)?;
    link(&mut w, "alternate", &format!("{base}/search?q={}&sort=date", crate::html::urlenc(query)))
        .map_err(io)?;
    w.write_event(Event::Start(BytesStart::new("author"))).map_err(io)?;
    text(&mut w, "name", "annalist").map_err(io)?;
    w.write_event(Event::End(BytesEnd::new("author"))).map_err(io)?;
    text(&mut w, "generator", "annalist").map_err(io)?;
    for h in &res.hits {
        w.write_event(Event::Start(BytesStart::new("entry"))).map_err(io)?;
        text(&mut w, "title", if h.title.is_empty() { "(untitled)" } else { &h.title }).map_err(io)?;
        text(&mut w, "id", &format!("urn:annalist:article:{}", h.article)).map_err(io)?;
        text(&mut w, "updated", &day(h.published).unwrap_or_else(|| updated.clone())).map_err(io)?;
        if let Some(p) = day(h.published) {
            text(&mut w, "published", &p).map_err(io)?;
        }
        link(&mut w, "alternate", &format!("{base}/articles/{}", h.article)).map_err(io)?;
        if let Some(o) = &h.outlet {
            let mut c = BytesStart::new("category");
            c.push_attribute(("term", xml_chars(o).as_ref()));
            w.write_event(Event::Empty(c)).map_err(io)?;
        }
        // The snippet is already HTML (escaped text with <mark> around hits): sent as
        // type="html", so the XML writer escapes it once more and readers undo that.
        let mut s = BytesStart::new("summary");
        s.push_attribute(("type", "html"));
        w.write_event(Event::Start(s)).map_err(io)?;
        w.write_event(Event::Text(BytesText::new(&xml_chars(&h.snippet)))).map_err(io)?;
        w.write_event(Event::End(BytesEnd::new("summary"))).map_err(io)?;
        w.write_event(Event::End(BytesEnd::new("entry"))).map_err(io)?;
    }
    w.write_event(Event::End(BytesEnd::new("feed"))).map_err(io)?;
    Ok(String::from_utf8(w.into_inner()).expect("the writer wrote UTF-8"))
}

/// `s` without the characters XML 1.0 cannot carry at all, escaped or not (C0
/// controls but tab, newline and carriage return; U+FFFE, U+FFFF): article text may
/// hold them, and one of them makes the whole feed unreadable.
pub fn xml_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    if s.chars().any(bad) { s.chars().filter(|&c| !bad(c)).collect::<String>().into() } else { s.into() }
}

fn text(w: &mut Writer<Vec<u8>>, tag: &str, value: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(tag)))?;
    w.write_event(Event::Text(BytesText::new(&xml_chars(value))))?;
    w.write_event(Event::End(BytesEnd::new(tag)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, href: &str) -> std::io::Result<()> {
    let mut l = BytesStart::new("link");
    l.push_attribute(("rel", rel));
    l.push_attribute(("href", xml_chars(href).as_ref()));
    w.write_event(Event::Empty(l))
}

#[cfg(test)]
mod tests {
    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(xml_chars("a\u{0}b\u{1b}c\td\n\u{FFFE}"), "abc\td\n");
        assert!(matches!(xml_chars("plain"), std::borrow::Cow::Borrowed(_)));
    }

    use super::*;
    use annalist_index::IndexDoc;

    #[test]
    fn a_feed_lists_the_newest_matches_and_escapes_their_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut ix = Index::open(dir.path()).unwrap();
        let doc = |id: i64, title: &str, day: &str| IndexDoc {
            article: id,
            title: title.into(),
            body: "Putin and the treaty <script>alert(1)</script>".into(),
            outlet: Some("KCNA & co".into()),
            language: Some("en".into()),
            published: Some(day.parse().unwrap()),
            entities: vec![],
            event_types: vec![],
            sources: vec![],
        };
        ix.upsert(&[
            doc(1, "Old <b>news</b>", "2011-01-01"),
            doc(2, "New news", "2024-06-19"),
            doc(3, "Middle", "2019-04-25"),
        ])
        .unwrap();
        ix.commit(3).unwrap();
        let xml =
            atom(&ix, "putin AND treaty", "http://127.0.0.1:8080/", 2, &Arc::new(Budget::default())).unwrap();
        let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid feed");
        let titles: Vec<_> = feed.entries.iter().map(|e| e.title.as_ref().unwrap().content.clone()).collect();
        assert_eq!(titles, ["New news", "Middle"]);
        assert_eq!(feed.entries[0].links[0].href, "http://127.0.0.1:8080/articles/2");
        assert!(!xml.contains("<script>"), "{xml}");
        assert!(!xml.contains("<b>"), "{xml}");
        assert!(xml.contains("KCNA &amp; co"), "{xml}");
        assert!(xml.contains("q=putin%20AND%20treaty"), "{xml}");
        assert!(atom(&ix, "putin AND (", "http://x", 10, &Arc::new(Budget::default())).is_err());
    }
}
