//! HTML pages: metadata (`<title>`, Open Graph, `article:*`, JSON-LD, `<time>`,
//! `<html lang>`) and main content chosen by a readability-like score: the container
//! with the most paragraph text (paragraphs, text set straight in blocks), with chrome
//! such as navigation, sharing, comments, consent banners, footers, sidebars and ads left
//! out; then widened to sibling blocks and ancestors that hold more of the article, and
//! read as paragraphs, list items, subheadings, table rows, quotes and text-only
//! `<div>`s. The JSON-LD `articleBody` stands in when the markup shows much less. Teasers
//! come from link lists in "related"/"more" blocks.
//!
//! Why this extractor and not `rs-trafilatura` (evaluated for issue 11 on the 181 pages
//! of `../shared/bench/article-extraction`, with the benchmark's own score.py): that
//! crate (0.2.2, release build) scored body F1 0.957 (P 0.927, R 0.990) in 6.1 s and
//! brings ~1,200 lines of lock file (its own html5ever, dom_query, a page classifier);
//! this one scores 0.963 (P 0.954, R 0.972) in about 4 s for the same pages in a debug
//! build, shares the workspace's parser, and is bounded on hostile markup
//! (`depth.rs`). Combining them would not pay for the dependency.

use std::collections::HashMap;
use std::sync::LazyLock;

use annalist_model::{Article, DateEvidence, DateSource, Teaser};
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use crate::dates::{Numeric, parse_date};
use crate::outlet_for_url;
use crate::text_page::COPYRIGHT;

/// Elements that are never article content.
const SKIP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "textarea",
    "template",
    "menu",
    "dialog",
    "figcaption",
];
/// class/id words that mark chrome.
const CHROME_WORDS: &[&str] = &[
    "menu",
    "nav",
    "navbar",
    "navigation",
    "share",
    "sharing",
    "social",
    "comment",
    "comments",
    "footer",
    "sidebar",
    "related",
    "banner",
    "cookie",
    "cookies",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "promo",
    "popup",
    "subscribe",
    "newsletter",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "widget",
    "masthead",
    "more",
    "recommended",
    "latest",
    "trending",
    "popular",
    "toolbar",
    "signup",
    "login",
    "privacy",
    "consent",
    "gdpr",
    "caption",
];
/// class/id words that mark teaser lists.
const TEASER_WORDS: &[&str] = &["related", "more", "recommended", "latest", "also", "readmore"];

fn sel(s: &str) -> Selector {
    // The selectors below are constants; a bad one is a programming error caught by tests.
    Selector::parse(s).unwrap_or_else(|_| Selector::parse("never-matches").expect("valid"))
}

static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
static META: LazyLock<Selector> = LazyLock::new(|| sel("meta"));
static LD_JSON: LazyLock<Selector> = LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
static TIME: LazyLock<Selector> = LazyLock::new(|| sel("time"));
static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
static CANONICAL: LazyLock<Selector> = LazyLock::new(|| sel(r#"link[rel="canonical"]"#));
static ARTICLE_BODY: LazyLock<Selector> = LazyLock::new(|| sel(r#"[itemprop="articleBody"]"#));
static LINK: LazyLock<Selector> = LazyLock::new(|| sel("a[href]"));

fn words(attr: &str) -> impl Iterator<Item = String> + '_ {
    attr.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

fn has_word(el: &scraper::node::Element, set: &[&str]) -> bool {
    let class_hit = el.classes().any(|c| words(c).any(|w| set.contains(&w.as_str())));
    class_hit || el.id().is_some_and(|id| words(id).any(|w| set.contains(&w.as_str())))
}

/// class/id words that mark the article's own content: an element named for both
/// (`article-body pagination-first`, `l-sidebar-fixed l-article-body-segment`) is content.
const CONTENT_WORDS: &[&str] =
    &["article", "body", "content", "story", "post", "entry", "main", "text", "prose", "blog"];

/// class/id words that mark chrome even beside a content word (`comment-content`,
/// `related-posts-body`).
const STRONG_CHROME_WORDS: &[&str] = &[
    "comment",
    "comments",
    "respond",
    "cookie",
    "cookies",
    "consent",
    "privacy",
    "gdpr",
    "newsletter",
    "share",
    "sharing",
    "social",
    "related",
    "recommended",
    "breadcrumb",
    "breadcrumbs",
    "promo",
];

/// class/id words of a comment thread.
const COMMENT_WORDS: &[&str] = &["comment", "comments", "commentlist", "respond", "disqus"];

/// How strictly chrome is recognised: by tag and class/id words, or (for pages whose
/// content wrappers are named like chrome, or that wrap the page in a `<form>`) by
/// tag alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chrome {
    Named,
    TagsOnly,
}

fn is_chrome(el: &scraper::node::Element, mode: Chrome) -> bool {
    match mode {
        Chrome::Named => is_chrome_element(el),
        // Comment threads are never the article, however the page names its wrappers.
        Chrome::TagsOnly => {
            (el.name() != "form" && SKIP_TAGS.contains(&el.name())) || has_word(el, COMMENT_WORDS)
        }
    }
}

fn is_chrome_element(el: &scraper::node::Element) -> bool {
    let name = el.name();
    if SKIP_TAGS.contains(&name) {
        return true;
    }
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    if has_word(el, STRONG_CHROME_WORDS) {
        return true;
    }
    if has_word(el, CONTENT_WORDS) || has_word(el, &["non"]) {
        return false;
    }
    has_word(el, CHROME_WORDS)
        || el
            .attr("role")
            .is_some_and(|r| matches!(r, "navigation" | "banner" | "contentinfo" | "complementary"))
}

/// Collapse runs of whitespace to one space and trim.
/// A date the page prints near its headline (`<p class="date">October 8, 2024</p>`,
/// `<span>2024-10-08 09:30</span>`): the first text that is a whole date line among
/// the few texts after the first `<h1>` (or, with no `<h1>`, at the top of the body).
/// Bounded: at most 12 texts looked at, after at most 20,000 nodes.
fn visible_date(doc: &Html) -> Option<(annalist_model::Date, String)> {
    let start = doc.select(&H1).next().map(|h| h.id());
    let mut after_start = start.is_none();
    let mut looked = 0;
    let mut skip: Option<NodeId> = None;
    for (n, edge) in doc.root_element().traverse().enumerate() {
        if n > 20_000 || looked >= 12 {
            break;
        }
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(e)
                        if matches!(e.name(), "script" | "style" | "noscript" | "template" | "head") =>
                    {
                        skip = Some(node.id())
                    }
                    Node::Text(t) if after_start => {
                        let t = collapse(t);
                        if t.is_empty() {
                            continue;
                        }
                        looked += 1;
                        if let Some(d) = crate::dates::date_line_as(&t, Numeric::Unambiguous) {
                            return Some((d, t));
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                }
                if Some(node.id()) == start {
                    after_start = true;
                }
            }
        }
    }
    None
}

/// Whether an element is one of a run of siblings with its tag and class (cards).
fn repeated_card(node: ego_tree::NodeRef<'_, Node>) -> bool {
    let Some(e) = node.value().as_element() else { return false };
    let Some(class) = e.attr("class") else { return false };
    let like = |n: ego_tree::NodeRef<'_, Node>| {
        n.value().as_element().is_some_and(|o| o.name() == e.name() && o.attr("class") == Some(class))
    };
    node.prev_siblings().take(64).filter(|n| like(*n)).count()
        + node.next_siblings().take(64).filter(|n| like(*n)).count()
        >= 2
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Text of an element, skipping script/style, with `<br>` as a newline.
fn element_text(el: ElementRef) -> String {
    let mut out = String::new();
    let mut skip: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(e)
                        if node.id() != el.id()
                            && matches!(e.name(), "script" | "style" | "noscript" | "template") =>
                    {
                        skip = Some(node.id())
                    }
                    Node::Element(e) if e.name() == "br" => out.push('\n'),
                    Node::Element(e) if matches!(e.name(), "td" | "th" | "li" | "p" | "div") => out.push(' '),
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                }
            }
        }
    }
    out
}

fn meta_content(doc: &Html) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for el in doc.select(&META) {
        let v = el.value();
        let key = v.attr("property").or(v.attr("name")).or(v.attr("itemprop"));
        if let (Some(k), Some(c)) = (key, v.attr("content")) {
            let c = c.trim();
            if !c.is_empty() {
                m.entry(k.trim().to_ascii_lowercase()).or_insert_with(|| c.to_string());
            }
        }
    }
    m
}

/// JSON-LD fields of the first Article-like object.
#[derive(Default)]
struct LdArticle {
    headline: Option<String>,
    published: Option<String>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
    body: Option<String>,
}

fn find_ld_article(v: &Value, depth: usize) -> Option<&serde_json::Map<String, Value>> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::Array(a) => a.iter().find_map(|x| find_ld_article(x, depth + 1)),
        Value::Object(o) => {
            let is_article = match o.get("@type") {
                Some(Value::String(t)) => t.ends_with("Article") || t == "BlogPosting",
                Some(Value::Array(ts)) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| t.ends_with("Article") || t == "BlogPosting")),
                _ => false,
            };
            if is_article { Some(o) } else { o.get("@graph").and_then(|g| find_ld_article(g, depth + 1)) }
        }
        _ => None,
    }
}

fn ld_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty()),
        Value::Object(o) => ld_text(o.get("name")),
        Value::Array(a) => ld_text(a.first()),
        _ => None,
    }
}

fn ld_article(doc: &Html) -> LdArticle {
    for script in doc.select(&LD_JSON) {
        let text = element_text(script);
        let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        if let Some(o) = find_ld_article(&v, 0) {
            return LdArticle {
                headline: ld_text(o.get("headline")).or_else(|| ld_text(o.get("name"))),
                published: ld_text(o.get("datePublished")).or_else(|| ld_text(o.get("dateCreated"))),
                publisher: ld_text(o.get("publisher")),
                language: ld_text(o.get("inLanguage")),
                url: ld_text(o.get("url")),
                body: o.get("articleBody").and_then(Value::as_str).map(str::to_string),
            };
        }
    }
    LdArticle::default()
}

/// Strip a site-name suffix or prefix from a `<title>`: "Headline | Site" → "Headline".
fn strip_site_name(title: &str, site: Option<&str>) -> String {
    const SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · "];
    let title = collapse(title);
    for sep in SEPS {
        let parts: Vec<&str> = title.split(sep).collect();
        if parts.len() < 2 {
            continue;
        }
        if let Some(site) = site {
            let site = site.trim().to_lowercase();
            if parts.last().is_some_and(|p| p.trim().to_lowercase() == site) {
                return parts[..parts.len() - 1].join(sep);
            }
            if parts.first().is_some_and(|p| p.trim().to_lowercase() == site) {
                return parts[1..].join(sep);
            }
        }
        let last = parts[parts.len() - 1];
        let rest = parts[..parts.len() - 1].join(sep);
        if last.split_whitespace().count() <= 4 && rest.len() > last.len() {
            return rest;
        }
    }
    title
}

/// Extract an article from an HTML page.
pub fn extract_html(text: &str) -> Article {
    let text = crate::depth::limit_depth(text);
    let doc = Html::parse_document(&text);
    let meta = meta_content(&doc);
    let ld = ld_article(&doc);
    let mut art = Article::default();

    let site = meta.get("og:site_name").cloned();
    let publisher_meta = meta.get("article:publisher").filter(|p| !p.contains("://")).cloned();
    let url = ld
        .url
        .clone()
        .or_else(|| meta.get("og:url").cloned())
        .or_else(|| doc.select(&CANONICAL).next().and_then(|l| l.value().attr("href")).map(str::to_string))
        .filter(|u| u.contains("://"));
    art.outlet = ld
        .publisher
        .clone()
        .or(site.clone())
        .or(publisher_meta)
        .or_else(|| url.as_deref().and_then(outlet_for_url).map(str::to_string));
    art.url = url;

    let title_tag = doc.select(&TITLE).next().map(|t| collapse(&element_text(t)));
    art.title = ld
        .headline
        .clone()
        .or_else(|| meta.get("og:title").map(|t| strip_site_name(t, site.as_deref())))
        .or_else(|| meta.get("twitter:title").map(|t| strip_site_name(t, site.as_deref())))
        .or_else(|| doc.select(&H1).next().map(|h| collapse(&element_text(h))))
        .or_else(|| title_tag.as_deref().map(|t| strip_site_name(t, site.as_deref())))
        .filter(|t| !t.is_empty());

    // The publication date, best evidence first: JSON-LD, a <meta> tag, a <time>.
    const DATE_META: &[&str] = &[
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date.issued",
        "dc.date",
        "citation_publication_date",
        "sailthru.date",
        "parsely-pub-date",
    ];
    let candidates = ld
        .published
        .iter()
        .map(|d| (DateSource::JsonLd, d.clone(), format!("datePublished {d}")))
        .chain(DATE_META.iter().filter_map(|k| {
            meta.get(*k).map(|d| (DateSource::MetaTag, d.clone(), format!("<meta {k}> {d}")))
        }))
        .chain(doc.select(&TIME).filter_map(|t| {
            t.value()
                .attr("datetime")
                .map(|d| (DateSource::TimeElement, d.to_string(), format!("<time> {d}")))
        }));
    for (source, text, cite) in candidates {
        if let Some(d) = parse_date(&text, Numeric::Unambiguous) {
            art.published = Some(d);
            art.published_evidence = Some(DateEvidence::new(source, cite));
            break;
        }
    }
    if art.published.is_none()
        && let Some((d, line)) = visible_date(&doc)
    {
        art.published = Some(d);
        art.published_evidence = Some(DateEvidence::new(DateSource::DateLine, line));
    }

    let root = doc.root_element();
    art.language_label = ld
        .language
        .clone()
        .or_else(|| root.value().attr("lang").map(|l| l.trim().to_string()))
        .or_else(|| meta.get("og:locale").cloned())
        .filter(|l| !l.is_empty());

    art.paragraphs = main_paragraphs(&doc);
    // The JSON-LD articleBody, when the page's markup gave much less than it holds (the
    // text is rendered by script, or the container was not found).
    if let Some(body) = ld.body.as_deref() {
        let dom_len: usize = art.paragraphs.iter().map(|p| p.len()).sum();
        let ld_paras: Vec<String> = if body.contains("&lt;") || body.contains("</") {
            // Markup in the JSON-LD text (escaped or not): read it as HTML.
            let unescaped =
                body.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
            let frag = Html::parse_fragment(&crate::depth::limit_depth(&unescaped));
            block_text_paragraphs(frag.root_element(), Chrome::Named)
        } else {
            body.split(['\n', '\r']).map(collapse).filter(|p| p.chars().any(char::is_alphanumeric)).collect()
        };
        let ld_len: usize = ld_paras.iter().map(|p| p.len()).sum();
        if ld_len > 200 && dom_len * 2 < ld_len {
            art.paragraphs = ld_paras;
        }
    }
    // The headline repeated as the first paragraph is not body.
    if art.title.is_some() && art.paragraphs.first().map(String::as_str) == art.title.as_deref() {
        art.paragraphs.remove(0);
    }
    art.teasers = teasers(&doc);
    art
}

/// Paragraphs of the main content.
fn main_paragraphs(doc: &Html) -> Vec<String> {
    if let Some(body) = doc.select(&ARTICLE_BODY).next() {
        let ps = paragraphs_in(body, Chrome::Named);
        if !ps.is_empty() {
            return ps;
        }
    }
    // Score containers by the paragraph text directly and one level below them. When
    // the best container found past class-named chrome holds far less than the best one
    // found without that test, the page named its content wrapper like chrome
    // (`penci_sidebar`, `elementor-widget-wrap`): take the latter.
    let (strict, strict_score, strict_scores, strict_held) = best_container(doc, true);
    let (loose, loose_score, loose_scores, loose_held) = best_container(doc, false);
    let (best, top, scores, held, mode) = if strict_score * 5 < loose_score * 2 || strict.is_none() {
        (loose, loose_score, loose_scores, loose_held, Chrome::TagsOnly)
    } else {
        (strict, strict_score, strict_scores, strict_held, Chrome::Named)
    };
    // The article split over blocks further up (cards, chunks): climb while the
    // ancestor holds a quarter more paragraph text than the container (or is a bare
    // wrapper of it whose own parent does).
    let mut best = best.and_then(|id| doc.tree.get(id));
    while let Some(node) = best
        && let Some(parent) = node.parent()
        && parent.value().as_element().is_some_and(|e| !matches!(e.name(), "body" | "html"))
        && {
            // A card that holds no more than the container, one of a run of like
            // cards (a paragraph per card), is climbed through; past it, the 1.25 rule.
            let (p, n) =
                (held.get(&parent.id()).copied().unwrap_or(0), held.get(&node.id()).copied().unwrap_or(0));
            p * 4 >= n * 5
                || (p == n
                    && repeated_card(parent)
                    && parent.parent().is_some_and(|g| held.get(&g.id()).copied().unwrap_or(0) * 4 >= n * 5))
        }
    {
        best = Some(parent);
    }
    if let Some(el) = best.and_then(ElementRef::wrap) {
        // The article split into sibling blocks (by ads, figures, widgets): siblings of
        // the best container that score a fifth of it or more are part of it.
        let parts: Vec<ElementRef> = match el.parent() {
            Some(parent) => parent
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| {
                    c.id() == el.id() || scores.get(&c.id()).is_some_and(|s| *s * 5 >= top && *s >= 100)
                })
                .filter(|c| c.id() == el.id() || !is_chrome(c.value(), mode))
                .collect(),
            None => vec![el],
        };
        let len = |v: &[String]| v.iter().map(String::len).sum::<usize>();
        let mut out = Vec::new();
        for part in parts {
            // Text set straight in the container (lines split by <br>) rather than in <p>s.
            let ps = paragraphs_in(part, mode);
            let blocks = block_text_paragraphs(part, mode);
            out.extend(if len(&ps) * 2 < len(&blocks) { blocks } else { ps });
        }
        return out;
    }
    // No paragraphs: the body's text, split on blank lines (<br><br>, blocks).
    let body = doc
        .root_element()
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
        .unwrap_or(doc.root_element());
    block_text_paragraphs(body, Chrome::Named)
}

/// The container with the most paragraph text (its own paragraphs and half of its
/// children's), with its score; `class_chrome` leaves out elements whose class or id
/// names chrome.
type Scores = HashMap<NodeId, usize>;

/// The best container, its score, the scores, and the paragraph text each element holds
/// in its subtree (counted up to 12 levels above each paragraph).
fn best_container(doc: &Html, class_chrome: bool) -> (Option<NodeId>, usize, Scores, Scores) {
    let mut scores: Scores = HashMap::new();
    let mut held: Scores = HashMap::new();
    let mut skip: Option<NodeId> = None;
    let mut add = |node: ego_tree::NodeRef<Node>, len: usize| {
        if let Some(parent) = node.parent() {
            *scores.entry(parent.id()).or_default() += len;
            if let Some(gp) = parent.parent() {
                *scores.entry(gp.id()).or_default() += len / 2;
            }
        }
        for a in node.ancestors().take(12) {
            *held.entry(a.id()).or_default() += len;
        }
    };
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(e) => {
                        let chrome =
                            if class_chrome { is_chrome_element(e) } else { is_chrome(e, Chrome::TagsOnly) };
                        if chrome {
                            skip = Some(node.id());
                            continue;
                        }
                        if matches!(e.name(), "p" | "pre" | "blockquote")
                            && let Some(el) = ElementRef::wrap(node)
                        {
                            let len = collapse(&element_text(el)).len();
                            if len >= 20 {
                                add(node, len);
                            }
                        }
                    }
                    Node::Text(t) => {
                        // Text set straight in a block, not in a paragraph.
                        let in_block = node
                            .parent()
                            .and_then(|p| p.value().as_element().map(|e| e.name()))
                            .is_some_and(|n| {
                                matches!(n, "div" | "section" | "article" | "td" | "main" | "font" | "center")
                            });
                        if in_block {
                            let len = collapse(t).len();
                            if len >= 40 {
                                // Scored for the block holding it, like a paragraph's.
                                add(node, len);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                }
            }
        }
    }
    let best = scores.iter().max_by_key(|(id, s)| (**s, std::cmp::Reverse(**id))).map(|(id, s)| (*id, *s));
    match best {
        Some((id, s)) => (Some(id), s, scores, held),
        None => (None, 0, scores, held),
    }
}

/// `<p>`-like paragraphs inside `el` (chrome left out); when there are none, its text
/// split on blank lines.
fn paragraphs_in(el: ElementRef, mode: Chrome) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                let Node::Element(e) = node.value() else { continue };
                if node.id() != el.id() && is_chrome(e, mode) {
                    skip = Some(node.id());
                    continue;
                }
                let leaf_block =
                    matches!(e.name(), "div" | "section") && node.id() != el.id() && inline_only(node);
                if (leaf_block
                    || matches!(
                        e.name(),
                        "p" | "pre" | "li" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "blockquote"
                    ))
                    && let Some(p) = ElementRef::wrap(node)
                {
                    let t = collapse(&element_text(p));
                    // A list item that is mostly a link is a list of other pages.
                    let linked = e.name() == "li" && {
                        let link_len: usize = p.select(&LINK).map(|a| collapse(&element_text(a)).len()).sum();
                        link_len * 2 >= t.len()
                    };
                    if !linked
                        && t.chars().any(char::is_alphanumeric)
                        && !(COPYRIGHT.is_match(&t) && t.len() < 120)
                    {
                        out.push(t);
                    }
                    // Nested <p> are not valid HTML; do not count text twice.
                    skip = Some(node.id());
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                }
            }
        }
    }
    if out.is_empty() {
        out = block_text_paragraphs(el, mode);
    }
    out
}

/// Whether a block holds only text and inline elements (a paragraph written as a
/// `<div>`), with enough text to be one.
fn inline_only(node: ego_tree::NodeRef<Node>) -> bool {
    const INLINE: &[&str] = &[
        "a", "span", "b", "i", "em", "strong", "cite", "small", "sup", "sub", "br", "img", "time", "abbr",
        "q", "u", "mark", "font", "code", "s", "wbr",
    ];
    let mut text = 0usize;
    for c in node.children() {
        match c.value() {
            Node::Text(t) => text += t.trim().len(),
            Node::Element(e) if INLINE.contains(&e.name()) => {
                if let Some(r) = ElementRef::wrap(c) {
                    text += element_text(r).trim().len();
                }
            }
            Node::Element(_) => return false,
            _ => {}
        }
    }
    text >= 40
}

/// Text of `el` with blocks and `<br><br>` as paragraph breaks.
fn block_text_paragraphs(el: ElementRef, mode: Chrome) -> Vec<String> {
    let mut text = String::new();
    let mut skip: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => text.push_str(&t.replace('\n', " ")),
                    Node::Element(e) => {
                        if node.id() != el.id() && is_chrome(e, mode) {
                            skip = Some(node.id());
                        } else if e.name() == "br" {
                            text.push('\n');
                        } else if matches!(
                            e.name(),
                            "div"
                                | "p"
                                | "li"
                                | "tr"
                                | "h1"
                                | "h2"
                                | "h3"
                                | "h4"
                                | "h5"
                                | "h6"
                                | "section"
                                | "article"
                                | "table"
                                | "ul"
                                | "ol"
                                | "blockquote"
                        ) {
                            text.push_str("\n\n");
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.split('\n') {
        let line = collapse(line);
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(&line);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|p| p.chars().any(char::is_alphanumeric) && !(COPYRIGHT.is_match(p) && p.len() < 120));
    out
}

/// Links listed in related/more blocks.
fn teasers(doc: &Html) -> Vec<Teaser> {
    let mut out: Vec<Teaser> = Vec::new();
    let mut inside: Option<NodeId> = None;
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(node) => {
                let Node::Element(e) = node.value() else { continue };
                if inside.is_none() && has_word(e, TEASER_WORDS) && !matches!(e.name(), "a" | "html" | "body")
                {
                    inside = Some(node.id());
                    let Some(block) = ElementRef::wrap(node) else { continue };
                    for a in block.select(&LINK) {
                        let title = collapse(&element_text(a));
                        if title.split_whitespace().count() < 2 || title.len() > 300 {
                            continue;
                        }
                        if out.iter().any(|t| t.title.as_deref() == Some(title.as_str())) {
                            continue;
                        }
                        // A date next to the link: a <time> in the link's parent item.
                        let date = a
                            .parent()
                            .and_then(ElementRef::wrap)
                            .and_then(|p| p.select(&TIME).next())
                            .and_then(|t| {
                                t.value()
                                    .attr("datetime")
                                    .map(str::to_string)
                                    .or_else(|| Some(collapse(&element_text(t))))
                            })
                            .and_then(|d| parse_date(&d, Numeric::Unambiguous));
                        out.push(Teaser {
                            title: Some(title),
                            lede: None,
                            date,
                            url: a.value().attr("href").map(str::to_string),
                        });
                    }
                }
            }
            Edge::Close(node) => {
                if inside == Some(node.id()) {
                    inside = None;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(head: &str, body: &str) -> (Option<String>, Option<DateSource>, Option<String>) {
        let para = "The delegation arrived in the capital on Monday and was met at the station by officials.";
        let a = extract_html(&format!("<html><head>{head}</head><body>{body}<p>{para}</p></body></html>"));
        let e = a.published_evidence.clone();
        (a.published.map(|d| d.to_string()), e.as_ref().map(|e| e.source), e.map(|e| e.text))
    }

    #[test]
    fn every_date_names_its_evidence() {
        let (d, src, text) = dated(
            r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2019-12-10"}</script>
               <meta property="article:published_time" content="2019-12-11">"#,
            "<h1>H</h1>",
        );
        assert_eq!((d.as_deref(), src), (Some("2019-12-10"), Some(DateSource::JsonLd)));
        assert_eq!(text.as_deref(), Some("datePublished 2019-12-10"));
        // A tag that does not read as a date gives way to the next evidence.
        let (d, src, text) = dated(
            r#"<meta name="date" content="yesterday"><meta name="dc.date" content="2020-03-04">"#,
            "<h1>H</h1>",
        );
        assert_eq!((d.as_deref(), src), (Some("2020-03-04"), Some(DateSource::MetaTag)));
        assert_eq!(text.as_deref(), Some("<meta dc.date> 2020-03-04"));
        let (d, src, _) = dated("", r#"<h1>H</h1><time datetime="2021-05-06T10:00:00+09:00">May 6</time>"#);
        assert_eq!((d.as_deref(), src), (Some("2021-05-06"), Some(DateSource::TimeElement)));
    }

    #[test]
    fn a_date_printed_under_the_headline() {
        let (d, src, text) = dated(
            "",
            r#"<div class="menu">Home</div><h1>Greetings Sent</h1><p class="meta">October 8, 2024 09:30</p>"#,
        );
        assert_eq!((d.as_deref(), src), (Some("2024-10-08"), Some(DateSource::DateLine)));
        assert_eq!(text.as_deref(), Some("October 8, 2024 09:30"));
        assert_eq!(dated("", "<h1>H</h1><span>2024.10.08</span>").0.as_deref(), Some("2024-10-08"));
        assert_eq!(dated("", "<h1>H</h1><span>25/12/2023</span>").0.as_deref(), Some("2023-12-25"));
        // Day and month could be either way round: no date rather than a wrong one.
        assert_eq!(dated("", "<h1>H</h1><span>10/08/2024</span>").0, None);
        // A date above the headline (a menu's calendar) is not the article's.
        assert_eq!(dated("", "<span>October 1, 2024</span><h1>H</h1><p>no date here</p>").0, None);
    }

    #[test]
    fn metadata_and_main_content() {
        let page = r#"<!doctype html><html lang="en"><head>
<title>Kim Meets Envoy | KCNA Watch</title>
<meta property="og:site_name" content="KCNA Watch">
<meta property="article:published_time" content="2024-10-12T09:00:00+09:00">
</head><body>
<nav class="menu"><p>Home News About us and all the rest of the links</p></nav>
<div class="share-bar"><p>Share this on all the social networks right now</p></div>
<div id="content"><h1>Kim Meets Envoy</h1>
<p>Kim Jong Un met the Russian ambassador on Friday in Pyongyang.</p>
<p>They had a   friendly talk.</p>
<p>2024 © All rights reserved.</p></div>
<div class="related"><ul><li><a href="/a/1">Other News Story Here</a><time datetime="2024-10-11">Oct 11</time></li></ul></div>
<footer><p>Copyright KCNA Watch, everything reserved, do not copy</p></footer>
</body></html>"#;
        let a = extract_html(page);
        assert_eq!(a.title.as_deref(), Some("Kim Meets Envoy"));
        assert_eq!(a.outlet.as_deref(), Some("KCNA Watch"));
        assert_eq!(a.published.map(|d| d.to_string()).as_deref(), Some("2024-10-12"));
        assert_eq!(a.language_label.as_deref(), Some("en"));
        assert_eq!(
            a.paragraphs,
            vec![
                "Kim Jong Un met the Russian ambassador on Friday in Pyongyang.",
                "They had a friendly talk."
            ]
        );
        assert_eq!(a.teasers.len(), 1);
        assert_eq!(a.teasers[0].title.as_deref(), Some("Other News Story Here"));
        assert_eq!(a.teasers[0].url.as_deref(), Some("/a/1"));
        assert_eq!(a.teasers[0].date.map(|d| d.to_string()).as_deref(), Some("2024-10-11"));
    }

    #[test]
    fn json_ld() {
        let page = r#"<html><head><title>x</title><script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"S"},{"@type":"NewsArticle","headline":"Real Headline","datePublished":"2011-12-20","publisher":{"@type":"Organization","name":"Rodong Sinmun"}}]}
</script></head><body><p>Body text long enough to count as a paragraph.</p></body></html>"#;
        let a = extract_html(page);
        assert_eq!(a.title.as_deref(), Some("Real Headline"));
        assert_eq!(a.outlet.as_deref(), Some("Rodong Sinmun"));
        assert_eq!(a.published.map(|d| d.to_string()).as_deref(), Some("2011-12-20"));
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn br_separated_text() {
        let a = extract_html(
            "<html><body><div>First paragraph line one<br>still first<br><br>Second paragraph</div></body></html>",
        );
        assert_eq!(a.paragraphs, vec!["First paragraph line one still first", "Second paragraph"]);
    }

    #[test]
    fn content_wrappers_named_like_chrome_are_content() {
        let para = "The delegation arrived in the capital on Monday and was met at the station by officials.";
        let page = format!(
            r#"<html><body><div class="container theme_sidebar"><div class="widget-wrap"><div class="article-body pagination-first">
<p>{para}</p><p>{para}</p><p>{para}</p></div></div></div>
<div class="sidebar"><p>Other stories from the same site that nobody asked for at all.</p></div></body></html>"#
        );
        let a = extract_html(&page);
        assert_eq!(a.paragraphs, vec![para, para, para]);
    }

    #[test]
    fn text_set_straight_in_a_block_with_line_breaks() {
        let line = "The plant was opened after two years of building work in the northern province.";
        let page = format!(
            "<html><body><div id='cookie-note'><p>We use cookies on this site to improve the experience of readers.</p></div><div class='story'>{line}<br><br>{line}<br><br>{line}</div></body></html>"
        );
        let a = extract_html(&page);
        assert_eq!(a.paragraphs, vec![line, line, line]);
    }

    #[test]
    fn json_ld_body_when_the_markup_shows_little() {
        let page = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","articleBody":"First paragraph of the story, long enough to be worth taking as the body of the page here.\nSecond paragraph of the same story, which the page renders only with a script that never ran in the capture we kept."}</script></head>
<body><div id="app"><p>Loading the article, please wait a moment.</p></div></body></html>"#;
        let a = extract_html(page);
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
        assert!(a.paragraphs[1].starts_with("Second paragraph"));
    }

    #[test]
    fn site_suffix() {
        assert_eq!(strip_site_name("Headline Words Here | Site", None), "Headline Words Here");
        assert_eq!(strip_site_name("KCNA Watch - A Headline", Some("KCNA Watch")), "A Headline");
        assert_eq!(strip_site_name("No Separator", None), "No Separator");
    }
}
