//! Server-rendered pages: search, article, entity, dyad timeline, trends.
//!
//! No script at all; charts are SVG drawn here. Every piece of text that comes from
//! the archive goes through [`esc`] (or is a search snippet, which the index crate
//! escapes itself, adding only `<mark>`). Links built from article data are only
//! ever `http(s)` URLs or our own paths.

use std::collections::BTreeMap;
use std::fmt::Write;

use annalist_model::{EventType, PartialDate};
use annalist_understand::CanonicalEvent;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::{self, ApiError};
use crate::data::{self, EventFilter};
use crate::html::{esc, line_chart, type_colour, urlenc};
use std::sync::Arc;

use annalist_index::Budget;

use crate::{App, blocking, diff};

const STYLE: &str = include_str!("../assets/style.css");
/// The embedded static files: the only files the server ever sends.
const ASSETS: &[(&str, &str, &str)] = &[("style.css", "text/css; charset=utf-8", STYLE)];

type Params = Query<BTreeMap<String, String>>;

/// An HTML page, or an error shown as one.
pub struct Page(Result<String, ApiError>);

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        match self.0 {
            Ok(body) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(),
            Err(e) => error_page(e.status, &e.message),
        }
    }
}

/// An error as a page of the web UI.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let body = layout("Error", &format!("<h1>Error</h1><p class=\"error\">{}</p>", esc(message)));
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

pub fn routes() -> axum::Router<crate::State> {
    axum::Router::new()
        .route("/", get(search))
        .route("/search", get(search))
        .route("/articles/{id}", get(article))
        .route("/articles/{id}/diff", get(article_diff))
        .route("/entities/{id}", get(entity))
        .route("/timeline/{a}/{b}", get(timeline))
        .route("/trends", get(trends))
        .route("/trends.csv", get(trends_csv))
        .route("/static/{name}", get(asset))
        .fallback(not_found)
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::not_found(format!("no such endpoint: {}", uri.path())).into_response();
    }
    Page(Err(ApiError::not_found(format!("Nothing at {}", uri.path())))).into_response()
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body)
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// The page frame: head, navigation, main.
fn layout(title: &str, main: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · annalist</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\
         <body><header><a class=\"brand\" href=\"/\">annalist</a><nav><a href=\"/search\">Search</a>\
         <a href=\"/timeline/prk/rus\">Timeline</a><a href=\"/trends\">Trends</a>\
         <a href=\"/api/v1/openapi.json\">API</a></nav></header><main>{main}</main></body></html>\n",
        esc(title)
    )
}

/// A link to an `http(s)` URL from article data, or the text alone.
fn ext_link(url: &str, text: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        format!("<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>", esc(url.trim()), esc(text))
    } else {
        esc(text)
    }
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(esc).unwrap_or_else(|| "—".into())
}

// ---------------------------------------------------------------- search

async fn search(State(app): State<crate::State>, Query(p): Params) -> Response {
    match blocking(&app, move |app, budget| Ok(search_page(app, &p, budget))).await {
        Ok((status, html, damaged)) => {
            if damaged {
                crate::start_index_rebuild(&app);
            }
            (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Err(e) => error_page(e.status, &e.message),
    }
}

/// The search page; its status is the query's (400 for a query error, 503 when the
/// search ran out of time), with the form kept so the query can be corrected; and
/// whether the index was found damaged.
fn search_page(app: &App, p: &BTreeMap<String, String>, budget: &Arc<Budget>) -> (StatusCode, String, bool) {
    let v = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let mut h =
        String::from("<h1>Search the archive</h1><form class=\"search\" method=\"get\" action=\"/search\">");
    let _ = write!(
        h,
        "<label>Query<input name=\"q\" value=\"{}\" placeholder='putin treaty, \"comrades-in-arms\", title:reception'></label>",
        esc(v("q"))
    );
    for (k, label) in [("outlet", "Outlet"), ("lang", "Language"), ("since", "From"), ("until", "To")] {
        let _ = write!(h, "<label>{label}<input name=\"{k}\" value=\"{}\" size=\"10\"></label>", esc(v(k)));
    }
    h.push_str("<label>Event type<select name=\"type\"><option value=\"\">any</option>");
    for t in EventType::ALL {
        let sel = if v("type") == t.as_str() { " selected" } else { "" };
        let _ = write!(h, "<option{sel}>{}</option>", t.as_str());
    }
    h.push_str("</select></label><label>Order<select name=\"sort\">");
    for (val, label) in [("relevance", "relevance"), ("date", "newest"), ("date-asc", "oldest")] {
        let sel = if v("sort") == val { " selected" } else { "" };
        let _ = write!(h, "<option value=\"{val}\"{sel}>{label}</option>");
    }
    h.push_str("</select></label><button>Search</button></form>");
    let has_query = ["q", "outlet", "lang", "type", "since", "until"].iter().any(|k| !v(k).trim().is_empty());
    if !has_query {
        return (StatusCode::OK, layout("Search", &h), false);
    }
    let res = match api::run_search(app, p, budget) {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(h, "<p class=\"error\">{}</p>", esc(&e.message));
            return (e.status, layout("Search", &h), e.index_damaged);
        }
    };
    let (limit, offset) = api::page(p, 10).unwrap_or((10, 0));
    let _ = write!(
        h,
        "<p class=\"meta\">{} results{} · {:.1} ms</p>",
        res.total,
        if res.hits.is_empty() {
            String::new()
        } else {
            format!(", {}–{}", offset + 1, offset + res.hits.len())
        },
        res.took_ms
    );
    let link = |changes: &[(&str, String)]| {
        let mut q = p.clone();
        for (k, val) in changes {
            q.insert(k.to_string(), val.clone());
        }
        format!("/search?{}", query_string(&q))
    };
    if let Some(f) = &res.facets {
        h.push_str("<div class=\"facets\"><div>By outlet<ul>");
        for (o, n) in f.outlets.iter().take(12) {
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a> {n}</li>",
                esc(&link(&[("outlet", o.clone()), ("offset", "0".into())])),
                esc(o)
            );
        }
        h.push_str("</ul></div><div>By year<ul>");
        for (y, n) in &f.years {
            let _ = write!(
                h,
                "<li><a href=\"{}\">{y}</a> {n}</li>",
                esc(&link(&[("since", format!("{y}")), ("until", format!("{y}")), ("offset", "0".into())]))
            );
        }
        h.push_str("</ul></div></div>");
    }
    for hit in &res.hits {
        let _ = write!(
            h,
            "<div class=\"hit\"><h3><a href=\"/articles/{}\">{}</a></h3><div class=\"meta\">{} · {}{}</div>\
             <p class=\"snippet\">{}</p></div>",
            hit.article,
            esc(&hit.title),
            hit.published.map(|d| d.to_string()).unwrap_or_else(|| "undated".into()),
            opt(&hit.outlet),
            if hit.sources.len() > 1 { format!(" · {} sources", hit.sources.len()) } else { String::new() },
            // Escaped by the index (text escaped, only <mark> added).
            hit.snippet
        );
    }
    h.push_str("<div class=\"pager\">");
    if offset > 0 {
        let _ = write!(
            h,
            "<a href=\"{}\">← previous</a>",
            esc(&link(&[("offset", offset.saturating_sub(limit).to_string())]))
        );
    }
    if offset + res.hits.len() < res.total && limit > 0 {
        let _ =
            write!(h, "<a href=\"{}\">next →</a>", esc(&link(&[("offset", (offset + limit).to_string())])));
    }
    h.push_str("</div>");
    (StatusCode::OK, layout(&format!("{} – search", v("q")), &h), false)
}

fn query_string(q: &BTreeMap<String, String>) -> String {
    q.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", urlenc(k), urlenc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

// ---------------------------------------------------------------- article

async fn article(State(app): State<crate::State>, Path(id): Path<String>) -> Page {
    Page(
        async {
            let id = api::parse_id(&id)?;
            blocking(&app, move |app, _| article_page(app, id)).await
        }
        .await,
    )
}

/// One paragraph with event evidence marked and entity mentions linked. `spans`
/// are byte ranges into the paragraph.
fn paragraph(text: &str, marks: &[(usize, usize)], links: &[(usize, usize, &str)]) -> String {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for &(s, e) in marks {
        cuts.extend([s, e]);
    }
    for &(s, e, _) in links {
        cuts.extend([s, e]);
    }
    cuts.retain(|&c| c <= text.len() && text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::new();
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let piece = esc(&text[s..e]);
        let marked = marks.iter().any(|&(ms, me)| ms <= s && e <= me);
        let link = links.iter().find(|&&(ls, le, _)| ls <= s && e <= le);
        let mut seg = match link {
            Some((_, _, id)) => format!("<a class=\"ent\" href=\"/entities/{}\">{piece}</a>", urlenc(id)),
            None => piece,
        };
        if marked {
            seg = format!("<mark>{seg}</mark>");
        }
        out.push_str(&seg);
    }
    out
}

fn article_page(app: &App, id: i64) -> Result<String, ApiError> {
    let (a, versions) = app.with_store(|s| Ok((s.article(id)?, s.versions(id)?)))?;
    let a = a.ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
    let mut h = format!("<h1>{}</h1>", esc(&a.display_title));
    if a.title.is_none() {
        h.push_str("<p class=\"muted\">The page has no headline; shown: its first words.</p>");
    }
    h.push_str("<table>");
    let row = |h: &mut String, k: &str, v: String| {
        let _ = write!(h, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row(&mut h, "Outlet", opt(&a.outlet));
    row(&mut h, "Published", opt(&a.published.map(|d| d.to_string())));
    if let (Some(_), Some(e)) = (&a.published, &a.published_by) {
        // Where the date was read, so that a reader can check it on the page.
        row(
            &mut h,
            "Date from",
            format!("{}: <span class=\"muted\">{}</span>", e.source.as_str(), esc(&e.text)),
        );
    }
    if let Some((d, why)) = a.understanding.as_ref().and_then(|u| u.published_inferred.as_ref()) {
        row(
            &mut h,
            "Published (inferred)",
            format!("{} <span class=\"muted\">{}</span>", esc(&d.to_string()), esc(why)),
        );
    }
    row(&mut h, "Captured", opt(&a.captured));
    if let Some(u) = &a.url {
        row(&mut h, "Original", ext_link(u, u));
    }
    row(&mut h, "Language", opt(&a.language));
    if a.status != annalist_model::ArticleStatus::Full {
        row(&mut h, "Status", format!("{} (known only from a teaser)", esc(a.status.as_str())));
    }
    if let Some(at) = &a.gone_at {
        // Still here, no longer at the source: what the archive is for.
        row(
            &mut h,
            "Gone at source",
            format!(
                "<strong class=\"gone\">since {}</strong> <span class=\"muted\">{}</span>",
                esc(at),
                esc(a.gone_reason.as_deref().unwrap_or(""))
            ),
        );
    }
    h.push_str("</table><div class=\"body\">");
    let und = a.understanding.as_ref();
    let mut start = 0usize;
    for para in &a.paragraphs {
        let end = start + para.len();
        let local = |s: usize, e: usize| (s.max(start) - start, e.min(end) - start);
        let marks: Vec<(usize, usize)> = und
            .map(|u| {
                u.events
                    .iter()
                    .filter(|e| e.evidence_start < end && e.evidence_end > start)
                    .map(|e| local(e.evidence_start, e.evidence_end))
                    .collect()
            })
            .unwrap_or_default();
        let links: Vec<(usize, usize, &str)> = und
            .map(|u| {
                u.mentions
                    .iter()
                    .filter(|m| m.start >= start && m.end <= end)
                    .map(|m| (m.start - start, m.end - start, m.id.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(h, "<p>{}</p>", paragraph(para, &marks, &links));
        start = end + 2;
    }
    h.push_str("</div>");
    if let Some(u) = und
        && !u.events.is_empty()
    {
        h.push_str("<h2>Events</h2>");
        for e in &u.events {
            let _ = write!(
                h,
                "<div class=\"event\"><strong>{}</strong> {} → {} · {}{}<br><mark>{}</mark></div>",
                esc(e.kind.as_str()),
                esc(&e.actor.as_deref().map(|x| data::name(&app.kb, x)).unwrap_or_else(|| "?".into())),
                esc(&e.target.as_deref().map(|x| data::name(&app.kb, x)).unwrap_or_else(|| "—".into())),
                esc(&e.date.map(|d| d.to_string()).unwrap_or_else(|| "undated".into())),
                if e.inferred { " (date inferred)" } else { "" },
                esc(&e.evidence)
            );
        }
    }
    if !a.teasers.is_empty() {
        h.push_str("<h2>Teasers on the page</h2><ul>");
        for t in &a.teasers {
            let _ = write!(
                h,
                "<li><a href=\"/articles/{}\">{}</a> <span class=\"muted\">{}</span></li>",
                t.article_id,
                esc(t.title.as_deref().or(t.lede.as_deref()).unwrap_or("(untitled)")),
                opt(&t.date)
            );
        }
        h.push_str("</ul>");
    }
    if !a.linked_from.is_empty() {
        h.push_str("<h2>Listed on</h2><p>");
        for l in &a.linked_from {
            let _ = write!(h, "<a href=\"/articles/{l}\">#{l}</a> ");
        }
        h.push_str("</p>");
    }
    h.push_str("<h2>Sources</h2><div class=\"scroll\"><table><tr><th>capture</th><th>kind</th><th>outcome</th><th>ingested</th></tr>");
    for s in &a.sources {
        let _ = write!(
            h,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.path),
            if s.locator.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"muted\">{}</span>", esc(&s.locator))
            },
            esc(&s.kind),
            esc(&s.outcome),
            esc(&s.ingested_at)
        );
    }
    h.push_str("</table></div>");
    let _ = write!(h, "<h2 id=\"versions\">Versions ({})</h2><ol>", versions.len());
    for (i, v) in versions.iter().enumerate() {
        let _ = write!(
            h,
            "<li value=\"{}\">{} · {} paragraphs · {} · from {}{}</li>",
            v.n,
            esc(v.title.as_deref().unwrap_or("(no headline)")),
            v.paragraphs.len(),
            esc(&v.created_at),
            esc(&v.sources.join(", ")),
            match i.checked_sub(1).map(|j| &versions[j]) {
                Some(prev) => format!(
                    " · <a href=\"/articles/{id}/diff?from={}&amp;to={}\">changes from version {}</a>",
                    prev.n, v.n, prev.n
                ),
                None => String::new(),
            }
        );
    }
    h.push_str("</ol>");
    // The latest change in place; older ones are a link away.
    if let [.., prev, last] = versions.as_slice() {
        let d = diff::word_diff(&diff::version_text(prev), &diff::version_text(last));
        let _ = write!(
            h,
            "<h3>Latest change: version {} → {}</h3><p class=\"meta\">{} words added, {} removed</p>\
             <div class=\"diff\">{}</div>",
            prev.n, last.n, d.inserted, d.deleted, d.html
        );
    }
    let _ = write!(h, "<p class=\"muted\"><a href=\"/api/v1/articles/{id}\">JSON</a></p>");
    Ok(layout(&a.display_title, &h))
}

async fn article_diff(State(app): State<crate::State>, Path(id): Path<String>, Query(p): Params) -> Page {
    Page(
        async {
            let id = api::parse_id(&id)?;
            blocking(&app, move |app, _| diff_page(app, id, &p)).await
        }
        .await,
    )
}

/// `/articles/{id}/diff?from=N&to=M`: the words that changed between two versions
/// (by default the last two).
fn diff_page(app: &App, id: i64, p: &BTreeMap<String, String>) -> Result<String, ApiError> {
    let (a, versions) = app.with_store(|s| Ok((s.article(id)?, s.versions(id)?)))?;
    let a = a.ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
    let num = |k: &str| -> Result<Option<i64>, ApiError> {
        match p.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::bad(format!("{k}={s}: expected a version number"))),
        }
    };
    let last = versions.last().map(|v| v.n).unwrap_or(1);
    let to = num("to")?.unwrap_or(last);
    let from = num("from")?.unwrap_or((to - 1).max(1));
    let find = |n: i64| {
        versions.iter().find(|v| v.n == n).ok_or_else(|| {
            ApiError::not_found(format!("article {id} has no version {n} (it has {})", versions.len()))
        })
    };
    let (old, new) = (find(from)?, find(to)?);
    let d = diff::word_diff(&diff::version_text(old), &diff::version_text(new));
    let mut h = format!(
        "<h1>Changes: {}</h1><p class=\"meta\"><a href=\"/articles/{id}\">the article</a> · \
         version {} ({}) → version {} ({}) · {} words added, {} removed</p>",
        esc(&a.display_title),
        old.n,
        esc(&old.created_at),
        new.n,
        esc(&new.created_at),
        d.inserted,
        d.deleted
    );
    if versions.len() > 2 {
        h.push_str("<p class=\"meta\">Other changes:");
        for w in versions.windows(2) {
            let _ = write!(
                h,
                " <a href=\"/articles/{id}/diff?from={}&amp;to={}\">{} → {}</a>",
                w[0].n, w[1].n, w[0].n, w[1].n
            );
        }
        h.push_str("</p>");
    }
    if d.inserted == 0 && d.deleted == 0 {
        h.push_str("<p class=\"muted\">The two versions have the same text.</p>");
    }
    let _ = write!(h, "<div class=\"diff\">{}</div>", d.html);
    Ok(layout(&format!("Changes: {}", a.display_title), &h))
}

// ---------------------------------------------------------------- events

/// Events listed per page on the timeline and entity pages.
pub const EVENTS_PER_PAGE: usize = 50;

/// The `page` parameter (from 1) of a list of `total` items, and the number of
/// pages: 400 when it is not a page number, 404 past the last page.
fn page_number(p: &BTreeMap<String, String>, total: usize) -> Result<(usize, usize), ApiError> {
    let pages = total.div_ceil(EVENTS_PER_PAGE).max(1);
    let page = match p.get("page").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => 1,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| ApiError::bad(format!("page={s}: expected a page number (1, 2, …)")))?,
    };
    if page > pages {
        return Err(ApiError::not_found(format!("page {page}: there are {pages} pages of {total} events")));
    }
    Ok((page, pages))
}

/// `, 51–100 on page 2 of 3` when there is more than one page.
fn page_range(page: usize, pages: usize, total: usize) -> String {
    if pages <= 1 {
        return String::new();
    }
    let first = (page - 1) * EVENTS_PER_PAGE + 1;
    let last = (page * EVENTS_PER_PAGE).min(total);
    format!(", {first}–{last} on page {page} of {pages}")
}

/// `path` with the request's parameters, on page `n`.
fn page_link(path: &str, p: &BTreeMap<String, String>, n: usize) -> String {
    let mut q = p.clone();
    q.remove("page");
    if n > 1 {
        q.insert("page".into(), n.to_string());
    }
    let qs = query_string(&q);
    if qs.is_empty() { path.to_string() } else { format!("{path}?{qs}") }
}

/// Previous / next links and the page numbers around this one (first and last
/// always), keeping the other parameters. Empty when everything fits on one page.
fn pager(path: &str, p: &BTreeMap<String, String>, page: usize, pages: usize) -> String {
    if pages <= 1 {
        return String::new();
    }
    let link = |n: usize, text: &str, rel: &str| {
        format!("<a href=\"{}#events\"{rel}>{text}</a>", esc(&page_link(path, p, n)))
    };
    let mut h = String::from("<nav class=\"pager\" aria-label=\"pages\">");
    if page > 1 {
        h.push_str(&link(page - 1, "← previous", " rel=\"prev\""));
    }
    let mut shown: Vec<usize> = vec![1, pages];
    shown.extend(page.saturating_sub(2).max(1)..=(page + 2).min(pages));
    shown.sort_unstable();
    shown.dedup();
    let mut before = 0;
    for n in shown {
        if n > before + 1 {
            h.push_str("<span>…</span>");
        }
        if n == page {
            let _ = write!(h, "<span class=\"here\" aria-current=\"page\">{n}</span>");
        } else {
            h.push_str(&link(n, &n.to_string(), ""));
        }
        before = n;
    }
    if page < pages {
        h.push_str(&link(page + 1, "next →", " rel=\"next\""));
    }
    h.push_str("</nav>");
    h
}

fn event_item(app: &App, events: &data::Events, e: &CanonicalEvent) -> String {
    let ev = &e.event;
    let name =
        |x: &Option<String>| x.as_deref().map(|x| data::name(&app.kb, x)).unwrap_or_else(|| "?".into());
    let date = event_date(ev);
    let mut h = format!(
        "<div class=\"event\" id=\"{}\">{} <strong>{}</strong> {}{} · {}{}<ul>",
        esc(&e.id),
        swatch(ev.kind),
        esc(ev.kind.as_str()),
        esc(&name(&ev.actor)),
        ev.target.as_ref().map(|_| format!(" → {}", esc(&name(&ev.target)))).unwrap_or_default(),
        esc(&date),
        if ev.inferred { " (date inferred)" } else { "" }
    );
    for r in &e.reports {
        let url = events
            .urls
            .get(&r.article)
            .map(|u| format!(" · {}", ext_link(u, "original")))
            .unwrap_or_default();
        let _ = write!(
            h,
            "<li><mark>{}</mark> — <a href=\"/articles/{}\">{}</a>{url}</li>",
            esc(&r.evidence),
            r.article,
            esc(&r.doc)
        );
    }
    h.push_str("</ul></div>");
    h
}

/// `2019-04-24..2019-04-26`, `2019-04-25`, or `undated`.
fn event_date(ev: &annalist_model::Event) -> String {
    match (ev.date, ev.date_end) {
        (Some(d), Some(end)) => format!("{d}..{end}"),
        (Some(d), None) => d.to_string(),
        _ => "undated".into(),
    }
}

fn swatch(t: EventType) -> String {
    format!(
        "<svg class=\"swatch\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg>",
        type_colour(t)
    )
}

/// Fractional year of a date, for time axes.
fn year_of(d: PartialDate) -> Option<f64> {
    let f = d.first_day()?;
    Some(f.year() as f64 + (f.day_of_year() as f64 - 1.0) / 366.0)
}

/// Events on a time axis: one dot per event (coloured by type, linking to it in the
/// list below: `href(i)` for `events[i]`, which may be on another page), one row per
/// type.
fn timeline_svg(events: &[&CanonicalEvent], href: &dyn Fn(usize) -> String) -> String {
    let dated: Vec<(f64, usize, &CanonicalEvent)> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.event.date.and_then(year_of).map(|y| (y, i, *e)))
        .collect();
    if dated.is_empty() {
        return String::new();
    }
    let lo = dated.iter().map(|d| d.0).fold(f64::MAX, f64::min).floor();
    let hi = dated.iter().map(|d| d.0).fold(f64::MIN, f64::max).floor() + 1.0;
    let (w, left, right, row) = (900.0, 150.0, 20.0, 26.0);
    let types: Vec<EventType> =
        EventType::ALL.into_iter().filter(|t| dated.iter().any(|(_, _, e)| e.event.kind == *t)).collect();
    let height = 40.0 + row * types.len() as f64;
    let x = |y: f64| left + (y - lo) / (hi - lo) * (w - left - right);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {height}\" role=\"img\" aria-label=\"events on a time axis\">"
    );
    let axis_y = height - 25.0;
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#888\"/>",
        w - right
    );
    let span = (hi - lo) as i64;
    let step = (span / 12).max(1);
    let mut yr = lo as i64;
    while yr <= hi as i64 {
        let xx = x(yr as f64);
        let _ = write!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"10\" x2=\"{xx:.1}\" y2=\"{axis_y}\" stroke=\"#eee\"/>\
             <text x=\"{xx:.1}\" y=\"{}\" text-anchor=\"middle\">{yr}</text>",
            axis_y + 16.0
        );
        yr += step;
    }
    for (i, t) in types.iter().enumerate() {
        let cy = 20.0 + row * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            cy + 4.0,
            t.as_str()
        );
        for (y, i, e) in dated.iter().filter(|(_, _, e)| e.event.kind == *t) {
            let _ = write!(
                s,
                "<a href=\"{}\"><circle cx=\"{:.1}\" cy=\"{cy}\" r=\"6\" fill=\"{}\" fill-opacity=\"0.8\" stroke=\"#333\"><title>{} {} ({} reports)</title></circle></a>",
                esc(&href(*i)),
                x(*y),
                type_colour(*t),
                esc(&event_date(&e.event)),
                esc(t.as_str()),
                e.reports.len()
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The cooperation–conflict line: the sum of the Goldstein values of the dated
/// events per month (per year when the record spans more than 15 years), every
/// period of the span shown, empty ones at 0.
fn goldstein_chart(events: &[&CanonicalEvent]) -> String {
    let dated: Vec<(jiff::civil::Date, f32)> = events
        .iter()
        .filter_map(|e| e.event.date.and_then(|d| d.first_day()).map(|d| (d, e.event.goldstein)))
        .collect();
    let (Some(lo), Some(hi)) = (dated.iter().map(|d| d.0).min(), dated.iter().map(|d| d.0).max()) else {
        return String::new();
    };
    let by_year = hi.year() - lo.year() > 15;
    let key = |d: jiff::civil::Date| {
        if by_year { format!("{:04}", d.year()) } else { format!("{:04}-{:02}", d.year(), d.month()) }
    };
    let mut periods = Vec::new();
    for y in lo.year()..=hi.year() {
        if by_year {
            periods.push(format!("{y:04}"));
        } else {
            let (m0, m1) =
                (if y == lo.year() { lo.month() } else { 1 }, if y == hi.year() { hi.month() } else { 12 });
            periods.extend((m0..=m1).map(|m| format!("{y:04}-{m:02}")));
        }
    }
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for (d, g) in &dated {
        *sums.entry(key(*d)).or_default() += f64::from(*g);
    }
    let values: Vec<f64> = periods.iter().map(|p| sums.get(p).copied().unwrap_or(0.0)).collect();
    let mut h = String::from(
        "<h2>Cooperation and conflict</h2><p class=\"muted\">Sum of the Goldstein values of the events (positive: cooperation, negative: conflict).</p>",
    );
    h.push_str(&line_chart(&periods, &[("Goldstein sum".to_string(), values)], "Goldstein sum"));
    h
}

async fn timeline(
    State(app): State<crate::State>,
    Path((a, b)): Path<(String, String)>,
    Query(p): Params,
) -> Page {
    Page(
        blocking(&app, move |app, _| {
            let (a, b) = (data::resolve_state(&app.kb, &a)?, data::resolve_state(&app.kb, &b)?);
            let g = |k: &str| p.get(k).map(String::as_str);
            let mut filter = data::parse_event_filter(&app.kb, None, g("type"), g("since"), g("until"))?;
            filter.dyad = Some((a.clone(), b.clone()));
            let events = app.events();
            let mine: Vec<&CanonicalEvent> = events.all.iter().filter(|e| filter.keep(e)).collect();
            let (page, pages) = page_number(&p, mine.len())?;
            let path = format!("/timeline/{}/{}", urlenc(&a), urlenc(&b));
            let title = format!("{} – {}", data::name(&app.kb, &a), data::name(&app.kb, &b));
            let mut h = format!(
                "<h1>{} timeline</h1><form class=\"search\" method=\"get\">\
                 <label>From<input name=\"since\" size=\"10\" value=\"{}\"></label>\
                 <label>To<input name=\"until\" size=\"10\" value=\"{}\"></label>\
                 <label>Event type<input name=\"type\" size=\"12\" value=\"{}\"></label><button>Show</button></form>\
                 <p class=\"meta\">{} events, oldest first{}</p>",
                esc(&title),
                esc(g("since").unwrap_or("")),
                esc(g("until").unwrap_or("")),
                esc(g("type").unwrap_or("")),
                mine.len(),
                page_range(page, pages, mine.len())
            );
            // A dot links to its event in the list, on whichever page that is.
            let href = |i: usize| {
                let on = i / EVENTS_PER_PAGE + 1;
                let id = &mine[i].id;
                if on == page { format!("#{id}") } else { format!("{}#{id}", page_link(&path, &p, on)) }
            };
            h.push_str(&timeline_svg(&mine, &href));
            h.push_str(&goldstein_chart(&mine));
            h.push_str("<h2 id=\"events\">Events</h2>");
            let pager = pager(&path, &p, page, pages);
            h.push_str(&pager);
            for e in mine.iter().skip((page - 1) * EVENTS_PER_PAGE).take(EVENTS_PER_PAGE) {
                h.push_str(&event_item(app, &events, e));
            }
            h.push_str(&pager);
            let _ = write!(
                h,
                "<p class=\"muted\"><a href=\"/api/v1/timeline/{}/{}\">JSON</a></p>",
                urlenc(&a),
                urlenc(&b)
            );
            Ok(layout(&title, &h))
        })
        .await,
    )
}

// ---------------------------------------------------------------- entity

async fn entity(State(app): State<crate::State>, Path(id): Path<String>, Query(p): Params) -> Page {
    Page(blocking(&app, move |app, _| entity_page(app, &id, &p)).await)
}

fn entity_page(app: &App, id: &str, p: &BTreeMap<String, String>) -> Result<String, ApiError> {
    let (surfaces, years) =
        app.with_store(|s| Ok((s.entity_surfaces(id)?, s.entity_mentions_by_year(id)?)))?;
    let known = app.kb.entity(id);
    if known.is_none() && surfaces.is_empty() {
        return Err(ApiError::not_found(format!("no entity {id} in the knowledge base or the archive")));
    }
    let name = data::name(&app.kb, id);
    let mut h = format!("<h1>{}</h1><p class=\"meta\">{}", esc(&name), esc(id));
    match known {
        Some(e) => {
            let _ = write!(h, " · {}", esc(e.kind.as_str()));
            if let Some(c) = &e.country {
                let _ = write!(
                    h,
                    " · state: <a href=\"/entities/{}\">{}</a>",
                    urlenc(c),
                    esc(&data::name(&app.kb, c))
                );
            }
            h.push_str("</p>");
            if e.names.len() > 1 {
                let _ = write!(h, "<p>Also written: {}</p>", esc(&e.names[1..].join("; ")));
            }
            if !e.roles.is_empty() {
                h.push_str("<h2>Roles</h2><ul>");
                for r in &e.roles {
                    let _ = write!(
                        h,
                        "<li>{}{} <span class=\"muted\">{} – {}</span></li>",
                        esc(&r.title),
                        r.of.as_deref()
                            .or(r.to_state.as_deref())
                            .map(|o| format!(" ({})", esc(o)))
                            .unwrap_or_default(),
                        r.from.map(|d| d.to_string()).unwrap_or_default(),
                        r.to.map(|d| d.to_string()).unwrap_or_default()
                    );
                }
                h.push_str("</ul>");
            }
        }
        None => h.push_str(" · not in the knowledge base: recognised from the text</p>"),
    }
    if !surfaces.is_empty() {
        h.push_str("<h2>In the archive as</h2><p>");
        let forms: Vec<String> =
            surfaces.iter().take(12).map(|s| format!("{} ({})", esc(&s.surface), s.articles)).collect();
        h.push_str(&forms.join(", "));
        h.push_str("</p><h2>Mentions per year</h2>");
        let labels: Vec<String> = years.iter().map(|(y, _, _)| y.clone()).collect();
        let arts: Vec<f64> = years.iter().map(|(_, a, _)| *a as f64).collect();
        h.push_str(&line_chart(&labels, &[("articles mentioning".to_string(), arts)], "articles"));
        h.push_str("<table><tr><th>year</th><th>articles</th><th>mentions</th></tr>");
        for (y, a, m) in &years {
            let _ = write!(h, "<tr><td>{}</td><td class=\"n\">{a}</td><td class=\"n\">{m}</td></tr>", esc(y));
        }
        h.push_str("</table>");
    }
    let events = app.events();
    let filter = EventFilter { entity: Some(id.to_string()), ..Default::default() };
    let mine: Vec<&CanonicalEvent> = events.all.iter().filter(|e| filter.keep(e)).rev().collect();
    let (page, pages) = page_number(p, mine.len())?;
    let _ = write!(
        h,
        "<h2 id=\"events\">Events ({})</h2><p class=\"meta\">newest first{}</p>",
        mine.len(),
        page_range(page, pages, mine.len())
    );
    let pager = pager(&format!("/entities/{}", urlenc(id)), p, page, pages);
    h.push_str(&pager);
    for e in mine.iter().skip((page - 1) * EVENTS_PER_PAGE).take(EVENTS_PER_PAGE) {
        h.push_str(&event_item(app, &events, e));
    }
    h.push_str(&pager);
    let _ = write!(
        h,
        "<p class=\"muted\"><a href=\"/search?q={}\">Articles mentioning it</a> · <a href=\"/api/v1/entities/{}\">JSON</a></p>",
        urlenc(&format!("entity:{id}")),
        urlenc(id)
    );
    Ok(layout(&name, &h))
}

// ---------------------------------------------------------------- trends

/// The terms of a trends request: `terms=a|b` or `t1`…`t5`.
fn trend_terms(p: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut q = p.clone();
    if !q.contains_key("terms") {
        let joined: Vec<String> = (1..=data::MAX_TERMS)
            .filter_map(|i| p.get(&format!("t{i}")).map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect();
        q.insert("terms".into(), joined.join("|"));
    }
    q
}

async fn trends(State(app): State<crate::State>, Query(p): Params) -> Page {
    Page(blocking(&app, move |app, budget| trends_page(app, &trend_terms(&p), budget)).await)
}

fn trends_page(app: &App, p: &BTreeMap<String, String>, budget: &Arc<Budget>) -> Result<String, ApiError> {
    let (terms, by) = api::trend_args(p)?;
    let mut h = String::from(
        "<h1>Trends</h1><p class=\"muted\">Up to five phrases or queries (<code>\"comrades-in-arms\"</code>, \
         <code>entity:vladimir-putin</code>): articles matching each, per period.</p>\
         <form class=\"search\" method=\"get\" action=\"/trends\">",
    );
    for i in 0..data::MAX_TERMS {
        let _ = write!(
            h,
            "<label>Phrase {}<input name=\"t{}\" value=\"{}\"></label>",
            i + 1,
            i + 1,
            esc(terms.get(i).map(String::as_str).unwrap_or(""))
        );
    }
    let year = by == data::By::Year;
    let _ = write!(
        h,
        "<label>By<select name=\"by\"><option value=\"month\"{}>month</option><option value=\"year\"{}>year</option></select></label>\
         <label>From<input name=\"since\" size=\"5\" value=\"{}\"></label><label>To<input name=\"until\" size=\"5\" value=\"{}\"></label>\
         <button>Compare</button></form>",
        if year { "" } else { " selected" },
        if year { " selected" } else { "" },
        esc(p.get("since").map(String::as_str).unwrap_or("")),
        esc(p.get("until").map(String::as_str).unwrap_or(""))
    );
    if terms.is_empty() {
        return Ok(layout("Trends", &h));
    }
    let g = |k: &str| p.get(k).map(String::as_str);
    let t = match app.trends(&terms, by, g("since"), g("until"), budget) {
        Ok(t) => t,
        Err(e) => {
            let _ = write!(h, "<p class=\"error\">{}</p>", esc(&e.message));
            return Ok(layout("Trends", &h));
        }
    };
    let (periods, totals) = (&t.periods, &t.totals);
    let series: Vec<(String, Vec<f64>, Vec<u64>)> =
        t.series.iter().map(|s| (s.term.clone(), s.per_1000.clone(), s.counts.clone())).collect();
    let lines: Vec<(String, Vec<f64>)> = series.iter().map(|(t, per, _)| (t.clone(), per.clone())).collect();
    h.push_str(&line_chart(periods, &lines, "per 1,000 articles"));
    let q: BTreeMap<String, String> =
        [("terms", terms.join("|")), ("by", if year { "year" } else { "month" }.to_string())]
            .into_iter()
            .chain(["since", "until"].into_iter().filter_map(|k| p.get(k).map(|v| (k, v.clone()))))
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    let _ = write!(
        h,
        "<p><a href=\"/trends.csv?{}\">Download CSV</a> · <a href=\"/api/v1/trends?{}\">JSON</a></p>",
        esc(&query_string(&q)),
        esc(&query_string(&q))
    );
    h.push_str("<div class=\"scroll\"><table><tr><th>period</th><th>articles</th>");
    for (t, _, _) in &series {
        let _ = write!(h, "<th>{} (n)</th><th>per 1,000</th>", esc(t));
    }
    h.push_str("</tr>");
    for (i, period) in periods.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td>",
            esc(period),
            totals.get(i).copied().unwrap_or(0)
        );
        for (_, per, raw) in &series {
            let _ = write!(
                h,
                "<td class=\"n\">{}</td><td class=\"n\">{:.2}</td>",
                raw.get(i).copied().unwrap_or(0),
                per.get(i).copied().unwrap_or(0.0)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></div>");
    Ok(layout("Trends", &h))
}

/// A CSV field: quoted when it holds a separator, a quote or a line break; a leading
/// `= + - @` is prefixed with `'` so spreadsheets do not run it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

async fn trends_csv(State(app): State<crate::State>, Query(p): Params) -> Response {
    let out = blocking(&app, move |app, budget| {
        let p = trend_terms(&p);
        let (terms, by) = api::trend_args(&p)?;
        let g = |k: &str| p.get(k).map(String::as_str);
        let t = app.trends(&terms, by, g("since"), g("until"), budget)?;
        let mut csv = String::from("period,articles");
        for term in &terms {
            let _ = write!(
                csv,
                ",{},{}",
                csv_field(&format!("{term} (n)")),
                csv_field(&format!("{term} per 1000"))
            );
        }
        csv.push('\n');
        for (i, period) in t.periods.iter().enumerate() {
            let _ = write!(csv, "{},{}", csv_field(period), t.totals[i]);
            for s in &t.series {
                let _ = write!(csv, ",{},{}", s.counts[i], s.per_1000[i]);
            }
            csv.push('\n');
        }
        Ok(csv)
    })
    .await;
    match out {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"annalist-trends.csv\""),
            ],
            csv,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_marks_and_links_nest() {
        let p = paragraph("Kim met <Putin> today", &[(0, 15)], &[(9, 14, "vladimir-putin")]);
        assert_eq!(
            p,
            "<mark>Kim met &lt;</mark><mark><a class=\"ent\" href=\"/entities/vladimir-putin\">Putin</a></mark><mark>&gt;</mark> today"
        );
    }

    #[test]
    fn only_web_links_are_links() {
        assert!(ext_link("javascript:alert(1)", "x").starts_with('x'));
        assert!(
            ext_link(" https://kcna.kp/a?b=\"c\"", "x")
                .contains("href=\"https://kcna.kp/a?b=&quot;c&quot;\"")
        );
    }

    #[test]
    fn csv_fields_are_safe() {
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
