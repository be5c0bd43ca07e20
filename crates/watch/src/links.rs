//! Article URLs from a feed (RSS, Atom, JSON Feed: feed-rs) or a listing page
//! (anchors whose absolute URL matches the source's link pattern), in page order,
//! and which URLs were taken off a listing rather than rolled off its end.

use std::collections::HashSet;

use regex::Regex;
use url::Url;

/// Entry links of a feed, resolved against the feed's URL, first occurrence kept.
pub fn from_feed(body: &[u8], base: &Url) -> anyhow::Result<Vec<String>> {
    let feed = feed_rs::parser::parse(body).map_err(|e| anyhow::anyhow!("not a feed: {e}"))?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for entry in feed.entries {
        // The alternate link if marked, else the first; else an id that is a URL.
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref() == Some("alternate"))
            .or(entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()));
        if let Some(u) = link.and_then(|l| base.join(l.trim()).ok())
            && matches!(u.scheme(), "http" | "https")
        {
            let s = strip_fragment(u);
            if seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// Links of a listing page that match `pattern`, resolved, in page order.
pub fn from_listing(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    pattern: Option<&Regex>,
) -> anyhow::Result<Vec<String>> {
    let (text, _) = annalist_ingest::decode_text(body, content_type);
    let doc = scraper::Html::parse_document(&text);
    let sel = scraper::Selector::parse("a[href]").expect("a valid selector");
    // A <base href> changes what relative links mean.
    let base_sel = scraper::Selector::parse("base[href]").expect("a valid selector");
    let base = doc
        .select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| base.join(h).ok())
        .unwrap_or_else(|| base.clone());
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for a in doc.select(&sel) {
        let Some(href) = a.value().attr("href") else { continue };
        let Ok(u) = base.join(href.trim()) else { continue };
        if !matches!(u.scheme(), "http" | "https") {
            continue;
        }
        let s = strip_fragment(u);
        if pattern.is_none_or(|p| p.is_match(&s)) && seen.insert(s.clone()) {
            out.push(s);
        }
    }
    Ok(out)
}

fn strip_fragment(mut u: Url) -> String {
    u.set_fragment(None);
    u.to_string()
}

/// URLs of `before` missing from `now` that were *taken off* the listing: some URL
/// listed after them (older) is still there. Those that merely rolled off the end
/// as newer articles came in are not reported.
pub fn removed(before: &[String], now: &[String]) -> Vec<String> {
    let present: HashSet<&str> = now.iter().map(String::as_str).collect();
    let Some(last_kept) = before.iter().rposition(|u| present.contains(u.as_str())) else {
        return Vec::new();
    };
    before[..last_kept].iter().filter(|u| !present.contains(u.as_str())).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn taken_off_is_not_rolled_off() {
        // d rolled off the end as e came in: not removed. b was taken out: removed.
        assert_eq!(removed(&v(&["a", "b", "c", "d"]), &v(&["e", "a", "c"])), v(&["b"]));
        assert!(removed(&v(&["a", "b"]), &v(&["c", "d"])).is_empty(), "everything rolled off");
        assert!(removed(&[], &v(&["a"])).is_empty());
        assert_eq!(removed(&v(&["a", "b", "c"]), &v(&["c"])), v(&["a", "b"]));
    }

    #[test]
    fn listing_links_are_resolved_filtered_and_ordered() {
        let html = br#"<html><body>
            <a href="/article/2.html">two</a> <a href="article/1.html#top">one</a>
            <a href="/about.html">about</a> <a href="javascript:alert(1)">x</a>
            <a href="/article/2.html">two again</a>
            <a href="http://other.test/article/9.html">elsewhere</a></body></html>"#;
        let base = Url::parse("http://news.test/list/index.html").unwrap();
        let re = Regex::new(r"/article/\d+\.html$").unwrap();
        let got = from_listing(html, Some("text/html"), &base, Some(&re)).unwrap();
        assert_eq!(
            got,
            v(&[
                "http://news.test/article/2.html",
                "http://news.test/list/article/1.html",
                "http://other.test/article/9.html"
            ])
        );
    }

    #[test]
    fn feeds_give_entry_links() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>A</title><link>http://news.test/a.html</link></item>
            <item><title>B</title><link>/b.html</link></item>
            <item><title>A again</title><link>http://news.test/a.html</link></item>
            </channel></rss>"#;
        let base = Url::parse("http://news.test/rss.xml").unwrap();
        assert_eq!(
            from_feed(rss, &base).unwrap(),
            v(&["http://news.test/a.html", "http://news.test/b.html"])
        );
        let atom = br#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
            <title>t</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>
            <entry><title>C</title><id>urn:c</id><updated>2026-01-01T00:00:00Z</updated>
            <link rel="alternate" href="http://news.test/c.html"/></entry></feed>"#;
        assert_eq!(from_feed(atom, &base).unwrap(), v(&["http://news.test/c.html"]));
        assert!(from_feed(b"<html>not a feed</html>", &base).is_err());
    }
}
