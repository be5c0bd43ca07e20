//! Article URLs from a feed (RSS, Atom, JSON Feed: feed-rs) or a listing page
//! (anchors whose absolute URL matches the source's link pattern), in page order,
//! and which URLs were taken off a listing rather than rolled off its end.

use std::collections::HashSet;

use regex::Regex;
use url::Url;

/// One entry of a feed: the article's URL and what the feed says about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedItem {
    pub url: String,
    /// The entry's `pubDate` / `published` (else `updated`), as the local date and
    /// time the feed wrote (`2024-10-08T08:30:00`): the publisher's own day.
    pub published: Option<String>,
    pub title: Option<String>,
}

/// Entries of a feed, with links resolved against the feed's URL, first occurrence kept.
pub fn from_feed(body: &[u8], base: &Url) -> anyhow::Result<Vec<FeedItem>> {
    let parser = feed_rs::parser::Builder::new().timestamp_parser(local_time).build();
    let feed = parser.parse(body).map_err(|e| anyhow::anyhow!("not a feed: {e}"))?;
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
                out.push(FeedItem {
                    url: s,
                    published: entry
                        .published
                        .or(entry.updated)
                        .map(|t| t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()),
                    title: entry.title.map(|t| t.content.split_whitespace().collect::<Vec<_>>().join(" ")),
                });
            }
        }
    }
    Ok(out)
}

/// A feed timestamp as the wall-clock time it was written in, offset dropped.
///
/// feed-rs hands entries their times in UTC, which moves an article that Pyongyang
/// published at 08:30 (+09:00) to the day before; the publication *day* is what the
/// archive needs, so this parser keeps the writer's local time (returned in a UTC
/// value only because that is the type feed-rs carries). RFC 2822 (RSS), RFC 3339
/// (Atom) and bare dates are read; anything else gives no date.
fn local_time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = s.trim();
    let civil = jiff::fmt::rfc2822::parse(s)
        .map(|z| z.datetime())
        // jiff refuses a `Z` for a civil time (it names no local time); here UTC is
        // the time the feed was written in.
        .or_else(|_| s.trim_end_matches(['Z', 'z']).parse::<jiff::civil::DateTime>())
        .ok()?;
    let date =
        chrono::NaiveDate::from_ymd_opt(civil.year().into(), civil.month() as u32, civil.day() as u32)?;
    let time =
        chrono::NaiveTime::from_hms_opt(civil.hour() as u32, civil.minute() as u32, civil.second() as u32)?;
    Some(date.and_time(time).and_utc())
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
        let urls = |items: Vec<FeedItem>| items.into_iter().map(|i| i.url).collect::<Vec<_>>();
        assert_eq!(
            urls(from_feed(rss, &base).unwrap()),
            v(&["http://news.test/a.html", "http://news.test/b.html"])
        );
        let atom = br#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
            <title>t</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>
            <entry><title>C</title><id>urn:c</id><updated>2026-01-01T00:00:00Z</updated>
            <link rel="alternate" href="http://news.test/c.html"/></entry></feed>"#;
        assert_eq!(urls(from_feed(atom, &base).unwrap()), v(&["http://news.test/c.html"]));
        assert!(from_feed(b"<html>not a feed</html>", &base).is_err());
    }

    #[test]
    fn feed_items_keep_the_publishers_day_and_title() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title> Greetings   to Leader </title><link>http://news.test/a.html</link>
              <pubDate>Tue, 08 Oct 2024 08:30:00 +0900</pubDate></item>
            <item><title>B</title><link>http://news.test/b.html</link>
              <pubDate>not a date</pubDate></item>
            </channel></rss>"#;
        let base = Url::parse("http://news.test/rss.xml").unwrap();
        let items = from_feed(rss, &base).unwrap();
        // 08:30 in Pyongyang is the day before in UTC: the feed's own day is kept.
        assert_eq!(items[0].published.as_deref(), Some("2024-10-08T08:30:00"));
        assert_eq!(items[0].title.as_deref(), Some("Greetings to Leader"));
        assert_eq!(items[1].published, None);
        let atom = br#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
            <title>t</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>
            <entry><title>C</title><id>urn:c</id><published>2016-08-24T02:00:00+09:00</published>
            <updated>2016-08-25T00:00:00Z</updated>
            <link rel="alternate" href="http://news.test/c.html"/></entry></feed>"#;
        let items = from_feed(atom, &base).unwrap();
        assert_eq!(items[0].published.as_deref(), Some("2016-08-24T02:00:00"));
    }
}
