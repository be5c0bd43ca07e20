//! Server-rendered pages: search, article, entity, dyad timeline, trends.
//!
//! No script at all; charts are SVG drawn here. The markup is written with maud's
//! `html!` (see `html.rs` for why): every value spliced into a page is escaped, in
//! text and in attributes alike, unless it is wrapped in `PreEscaped` — which only
//! the index's search snippets and our own constant markup are (the index escapes
//! the snippet's text itself, adding only `<mark>`). Links built from article data
//! are only ever `http(s)` URLs or our own paths.

use std::collections::BTreeMap;

use annalist_model::{EventType, PartialDate};
use annalist_understand::CanonicalEvent;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use crate::api::{self, ApiError, SearchParams};
use crate::data::{self, EventFilter};
use crate::html::{line_chart, swatch, type_colour, urlenc};
use std::sync::Arc;

use annalist_index::Budget;

use crate::{App, blocking, diff};

const STYLE: &str = include_str!("../assets/style.css");
/// The embedded static files: the only files the server ever sends.
const ASSETS: &[(&str, &str, &str)] = &[("style.css", "text/css; charset=utf-8", STYLE)];

// The query parameters of each page. As in the API, values are text, checked by the
// page so that a bad one gets the page's own message.

/// `/timeline/{a}/{b}`: a filter and a page of the events.
#[derive(Debug, Default, Deserialize)]
struct TimelineParams {
    since: Option<String>,
    until: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    page: Option<String>,
}

/// `/entities/{id}`: a page of the events.
#[derive(Debug, Default, Deserialize)]
struct EntityParams {
    page: Option<String>,
}

/// `/entities?q=…&page=N`: entities by name, alias or id.
#[derive(Debug, Default, Deserialize)]
struct EntitiesParams {
    q: Option<String>,
    page: Option<String>,
}

/// `/timeline?a=…&b=…`: the pair picker (both given: on to their timeline).
#[derive(Debug, Default, Deserialize)]
struct PickerParams {
    a: Option<String>,
    b: Option<String>,
}

/// `/articles/{id}/diff?from=N&to=M`.
#[derive(Debug, Default, Deserialize)]
struct DiffParams {
    from: Option<String>,
    to: Option<String>,
}

/// `/trends` and `/trends.csv`: `terms=a|b`, or the form's `t1`…`t5`.
#[derive(Debug, Default, Deserialize)]
struct TrendsParams {
    terms: Option<String>,
    t1: Option<String>,
    t2: Option<String>,
    t3: Option<String>,
    t4: Option<String>,
    t5: Option<String>,
    by: Option<String>,
    since: Option<String>,
    until: Option<String>,
}

// The form has one field per term.
const _: () = assert!(data::MAX_TERMS == 5);

impl TrendsParams {
    /// The terms joined with `|`: `terms` when given, else the non-empty `t1`…`t5`.
    fn terms(&self) -> String {
        if let Some(t) = &self.terms {
            return t.clone();
        }
        let joined: Vec<&str> = [&self.t1, &self.t2, &self.t3, &self.t4, &self.t5]
            .into_iter()
            .filter_map(|t| t.as_deref().map(str::trim))
            .filter(|s| !s.is_empty())
            .collect();
        joined.join("|")
    }
}

/// The text of an optional parameter, empty when absent.
fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

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
    let body = layout("Error", html! { h1 { "Error" } p class="error" { (message) } });
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

pub fn routes() -> axum::Router<crate::State> {
    axum::Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/search.csv", get(search_csv))
        .route("/articles/{id}", get(article))
        .route("/articles/{id}/diff", get(article_diff))
        .route("/entities", get(entities))
        .route("/entities/{id}", get(entity))
        .route("/timeline", get(timeline_picker))
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
fn layout(title: &str, main: Markup) -> String {
    html! {
        // maud's DOCTYPE is upper case; the pages have always said it in lower case.
        (PreEscaped("<!doctype html>\n"))
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · annalist" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header {
                    a class="brand" href="/" { "annalist" }
                    nav {
                        a href="/search" { "Search" }
                        a href="/timeline" { "Timeline" }
                        a href="/entities" { "Entities" }
                        a href="/trends" { "Trends" }
                        a href="/api/v1/openapi.json" { "API" }
                    }
                }
                main { (main) }
            }
        }
        "\n"
    }
    .into_string()
}

/// A link to an `http(s)` URL from article data, or the text alone.
fn ext_link(url: &str, text: &str) -> Markup {
    let lower = url.trim().to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    html! {
        @if web {
            a href=(url.trim()) rel="noopener noreferrer nofollow" { (text) }
        } @else {
            (text)
        }
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("—")
}

// ---------------------------------------------------------------- search

async fn search(State(app): State<crate::State>, Query(p): Query<SearchParams>) -> Response {
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
fn search_page(app: &App, p: &SearchParams, budget: &Arc<Budget>) -> (StatusCode, String, bool) {
    let form = html! {
        h1 { "Search the archive" }
        (search_form(p))
    };
    let has_query =
        [&p.q, &p.outlet, &p.lang, &p.kind, &p.since, &p.until].iter().any(|v| !text(v).trim().is_empty());
    if !has_query {
        return (StatusCode::OK, layout("Search", form), false);
    }
    let res = match api::run_search(app, p, budget) {
        Ok(r) => r,
        Err(e) => {
            let page = html! { (form) p class="error" { (e.message) } };
            return (e.status, layout("Search", page), e.index_damaged);
        }
    };
    let (limit, offset) = api::page(p.limit.as_deref(), p.offset.as_deref(), 10).unwrap_or((10, 0));
    // This search with some parameters changed.
    let link = |changes: &[(&str, String)]| {
        let mut q = p.pairs();
        for (k, val) in changes {
            q.insert(k.to_string(), val.clone());
        }
        format!("/search?{}", query_string(&q))
    };
    // The whole search (no page) as CSV, and as a feed of its newest matches.
    let mut whole = p.pairs();
    whole.remove("limit");
    whole.remove("offset");
    let csv_href = format!("/search.csv?{}", query_string(&whole));
    // The feed takes one query: the filters are written into it when there are any.
    let filtered =
        [&p.outlet, &p.lang, &p.kind, &p.since, &p.until].iter().any(|v| !text(v).trim().is_empty());
    let feed_q = if filtered { api::filtered_query(p).ok() } else { Some(text(&p.q).trim().to_string()) };
    let feed_href = feed_q.filter(|q| !q.is_empty()).map(|q| format!("/feeds/search?q={}", urlenc(&q)));
    let page = html! {
        (form)
        p class="meta" {
            (res.total) " results"
            @if !res.hits.is_empty() { ", " (offset + 1) "–" (offset + res.hits.len()) }
            " · " (format!("{:.1}", res.took_ms)) " ms"
        }
        p class="meta downloads" {
            a href=(csv_href) { "Download CSV" }
            @if res.total > SEARCH_CSV_MAX { " (the first 10,000 of " (res.total) ")" }
            @if let Some(f) = &feed_href {
                " · "
                a href=(f) type="application/atom+xml" { "Atom feed" }
            }
        }
        (search_results(&res, offset, limit, &link))
    };
    (StatusCode::OK, layout(&format!("{} – search", text(&p.q)), page), false)
}

/// Rows in `/search.csv` at most.
pub const SEARCH_CSV_MAX: usize = 10_000;
// The search page says "the first 10,000".
const _: () = assert!(SEARCH_CSV_MAX == 10_000);

/// The search form, filled in with `p`.
fn search_form(p: &SearchParams) -> Markup {
    html! {
        form class="search" method="get" action="/search" {
            label {
                "Query"
                input name="q" value=(text(&p.q))
                    placeholder="putin treaty, \"comrades-in-arms\", title:reception";
            }
            @for (k, label, v) in [
                ("outlet", "Outlet", &p.outlet),
                ("lang", "Language", &p.lang),
                ("since", "From", &p.since),
                ("until", "To", &p.until),
            ] {
                label { (label) input name=(k) value=(text(v)) size="10"; }
            }
            label {
                "Event type"
                select name="type" {
                    option value="" { "any" }
                    @for t in EventType::ALL {
                        option selected[text(&p.kind) == t.as_str()] { (t.as_str()) }
                    }
                }
            }
            label {
                "Order"
                select name="sort" {
                    @for (val, label) in [("relevance", "relevance"), ("date", "newest"), ("date-asc", "oldest")] {
                        option value=(val) selected[text(&p.sort) == val] { (label) }
                    }
                }
            }
            button { "Search" }
        }
    }
}

/// The current search with some parameters changed, as a link.
type SearchLink<'a> = dyn Fn(&[(&str, String)]) -> String + 'a;

/// Facets, hits and pager of a search's results; `link` is the search with some
/// parameters changed.
fn search_results(
    res: &annalist_index::SearchResults,
    offset: usize,
    limit: usize,
    link: &SearchLink,
) -> Markup {
    html! {
        @if let Some(f) = &res.facets {
            div class="facets" {
                div {
                    "By outlet"
                    ul {
                        @for (o, n) in f.outlets.iter().take(12) {
                            li { a href=(link(&[("outlet", o.clone()), ("offset", "0".into())])) { (o) } " " (n) }
                        }
                    }
                }
                div {
                    "By year"
                    ul {
                        @for (y, n) in &f.years {
                            li {
                                a href=(link(&[("since", y.to_string()), ("until", y.to_string()), ("offset", "0".into())])) {
                                    (y)
                                }
                                " " (n)
                            }
                        }
                    }
                }
            }
        }
        @for hit in &res.hits {
            div class="hit" {
                h3 { a href=(format!("/articles/{}", hit.article)) { (hit.title) } }
                div class="meta" {
                    (hit.published.map(|d| d.to_string()).unwrap_or_else(|| "undated".into()))
                    " · " (opt(&hit.outlet))
                    @if hit.sources.len() > 1 { " · " (hit.sources.len()) " sources" }
                }
                // Escaped by the index (text escaped, only <mark> added).
                p class="snippet" { (PreEscaped(&hit.snippet)) }
            }
        }
        div class="pager" {
            @if offset > 0 {
                a href=(link(&[("offset", offset.saturating_sub(limit).to_string())])) { "← previous" }
            }
            @if offset + res.hits.len() < res.total && limit > 0 {
                a href=(link(&[("offset", (offset + limit).to_string())])) { "next →" }
            }
        }
    }
}

/// `k=v&…` (percent-encoded), the empty values left out.
fn query_string(q: &BTreeMap<String, String>) -> String {
    q.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", urlenc(k), urlenc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

// ---------------------------------------------------------------- home

/// Merged events, pairs of states and articles shown on the home page.
const HOME_EVENTS: usize = 5;
const HOME_PAIRS: usize = 10;
const HOME_ARTICLES: usize = 8;

async fn home(State(app): State<crate::State>) -> Page {
    Page(blocking(&app, move |app, _| home_page(app)).await)
}

/// Pairs of states by the merged events between them (either way round, by the
/// states of actor and target as the timeline's filter reads them, so that a
/// count is what its timeline lists), most first: `((a, b), events)` with `a < b`.
fn active_pairs(events: &data::Events) -> Vec<((String, String), usize)> {
    let mut n: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in &events.all {
        let (Some(a), Some(b)) = annalist_understand::dyad(&e.event) else { continue };
        if a == b {
            continue;
        }
        let key = if a < b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
        *n.entry(key).or_default() += 1;
    }
    let mut pairs: Vec<_> = n.into_iter().collect();
    pairs.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    pairs
}

/// Links to the timelines of the most active pairs.
fn pair_list(app: &App, pairs: &[((String, String), usize)]) -> Markup {
    html! {
        @if pairs.is_empty() {
            p class="muted" { "No events between two states yet." }
        } @else {
            ul class="pairs" {
                @for ((a, b), n) in pairs {
                    li {
                        a href=(format!("/timeline/{}/{}", urlenc(a), urlenc(b))) {
                            (data::name(&app.kb, a)) " – " (data::name(&app.kb, b))
                        }
                        " " span class="muted" { (n) " events" }
                    }
                }
            }
        }
    }
}

fn home_page(app: &App) -> Result<String, ApiError> {
    let events = app.events();
    let stats = app.cached_stats(|| {
        let indexed = Some(app.index().num_docs());
        Ok(app.with_store(|s| Ok(annalist_archive::ArchiveStats::compute(s, &events, indexed)))??)
    })?;
    let recent = app.with_store(|s| {
        Ok(s.list(&annalist_store::ListFilter { limit: Some(HOME_ARTICLES), ..Default::default() })?)
    })?;
    let pairs: Vec<_> = active_pairs(&events).into_iter().take(HOME_PAIRS).collect();
    // The newest dated events (undated ones sort first).
    let latest: Vec<&CanonicalEvent> =
        events.all.iter().rev().filter(|e| e.event.date.is_some()).take(HOME_EVENTS).collect();
    let cites = citations(app, &latest)?;
    let main = html! {
        h1 { "State-media archive" }
        ul class="counts" {
            li { strong { (stats.store.articles) } " articles" }
            li { strong { (stats.merged_events) } " merged events" }
            li { strong { (stats.store.sources) } " sources" }
            li { strong { (stats.store.entities) } " entities" }
        }
        (search_form(&SearchParams::default()))
        div class="home" {
            section {
                h2 { "Latest events" }
                @if latest.is_empty() {
                    p class="muted" { "No events yet." }
                }
                @for e in &latest {
                    (event_item(app, &events, &cites, e))
                }
            }
            section {
                h2 { "Most active pairs of states" }
                (pair_list(app, &pairs))
                p { a href="/timeline" { "Pick a pair" } " · " a href="/entities" { "All entities" } }
                h2 { "Recent articles" }
                @if recent.is_empty() {
                    p class="muted" { "No articles yet." }
                }
                ul class="recent" {
                    @for a in &recent {
                        li {
                            a href=(format!("/articles/{}", a.id)) { (a.display_title) }
                            " "
                            span class="muted" {
                                (a.published.map(|d| d.to_string()).unwrap_or_else(|| "undated".into()))
                                " · " (opt(&a.outlet))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout("Archive", main))
}

// ---------------------------------------------------------------- search.csv

async fn search_csv(State(app): State<crate::State>, Query(p): Query<SearchParams>) -> Response {
    let out = blocking(&app, move |app, budget| {
        let req = annalist_index::SearchRequest {
            query: api::filtered_query(&p)?,
            limit: SEARCH_CSV_MAX,
            offset: 0,
            sort: api::parse_sort(p.sort.as_deref())?,
            facets: false,
            snippets: false,
        };
        let res = app.index().search_within(&req, budget)?;
        let mut rows =
            vec![["rank", "id", "published", "outlet", "title", "url", "score"].map(String::from).to_vec()];
        app.with_store(|s| {
            for (i, h) in res.hits.iter().enumerate() {
                let url = s.article(h.article)?.and_then(|a| a.url).unwrap_or_default();
                rows.push(vec![
                    (i + 1).to_string(),
                    h.article.to_string(),
                    h.published.map(|d| d.to_string()).unwrap_or_default(),
                    csv_cell(h.outlet.as_deref().unwrap_or("")),
                    csv_cell(&h.title),
                    csv_cell(&url),
                    format!("{:.3}", h.score),
                ]);
            }
            Ok(())
        })?;
        csv_text(rows)
    })
    .await;
    match out {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"annalist-search.csv\""),
            ],
            csv,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------- entities

async fn entities(State(app): State<crate::State>, Query(p): Query<EntitiesParams>) -> Page {
    Page(blocking(&app, move |app, _| entities_page(app, &p)).await)
}

fn entities_page(app: &App, p: &EntitiesParams) -> Result<String, ApiError> {
    let q = text(&p.q).trim().to_string();
    // Enough for the asked page; `total` counts every match.
    let want = match p.page.as_deref().map(str::trim).and_then(|s| s.parse::<usize>().ok()) {
        Some(n) if n >= 1 => n.saturating_mul(EVENTS_PER_PAGE).min(100_000),
        _ => EVENTS_PER_PAGE,
    };
    let list = app.with_store(|s| Ok(annalist_archive::entities(&app.kb, s, &q, want)))??;
    let (page, pages) = page_number(&p.page, list.total)?;
    let keep: BTreeMap<String, String> =
        if q.is_empty() { BTreeMap::new() } else { [("q".to_string(), q.clone())].into() };
    let pager = pager("/entities", &keep, page, pages);
    let shown: Vec<_> =
        list.entities.iter().skip((page - 1) * EVENTS_PER_PAGE).take(EVENTS_PER_PAGE).collect();
    let first = (page - 1) * EVENTS_PER_PAGE + 1;
    let main = html! {
        h1 { "Entities" }
        form class="search" method="get" action="/entities" {
            label {
                "Name, alias or id"
                input name="q" value=(q) placeholder="Putin, Russia, kim-jong-un";
            }
            button { "Find" }
        }
        p class="meta" {
            @if shown.is_empty() {
                @if q.is_empty() { "No entities in the archive yet." } @else { "No entity matches " (q) "." }
            } @else {
                @if shown.len() == list.total {
                    "All " (list.total) " shown"
                } @else {
                    (first) "–" (first + shown.len() - 1) " of " (list.total) " shown"
                }
                @if q.is_empty() { ", most mentioned first" } @else { " matching " (q) ", most mentioned first" }
            }
        }
        @if !shown.is_empty() {
            div class="scroll" {
                table class="entities" id="events" {
                    tr { th { "name" } th { "kind" } th { "state" } th { "articles" } }
                    @for e in &shown {
                        tr {
                            td {
                                a href=(format!("/entities/{}", urlenc(&e.id))) { (e.name) }
                                @if let Some(m) = &e.matched { " " span class="muted" { "(" (m) ")" } }
                                @if !e.known { " " span class="muted" { "from the text" } }
                            }
                            td { (e.kind) }
                            td {
                                @if let Some(c) = e.country.as_ref().filter(|c| **c != e.id) {
                                    a href=(format!("/entities/{}", urlenc(c))) { (data::name(&app.kb, c)) }
                                }
                            }
                            td class="n" { (e.articles) }
                        }
                    }
                }
            }
        }
        (pager)
    };
    Ok(layout("Entities", main))
}

// ---------------------------------------------------------------- pair picker

async fn timeline_picker(State(app): State<crate::State>, Query(p): Query<PickerParams>) -> Response {
    let out = blocking(&app, move |app, _| {
        let (a, b) = (text(&p.a).trim(), text(&p.b).trim());
        if !a.is_empty() || !b.is_empty() {
            if a.is_empty() || b.is_empty() {
                return Err(ApiError::bad("give two states, e.g. prk and Russia"));
            }
            // Both states resolved, or the page of the first one that is not.
            let (a, b) = (data::resolve_state(&app.kb, a)?, data::resolve_state(&app.kb, b)?);
            return Ok(Err(format!("/timeline/{}/{}", urlenc(&a), urlenc(&b))));
        }
        let events = app.events();
        let pairs: Vec<_> = active_pairs(&events).into_iter().take(30).collect();
        let mut states: Vec<(String, String)> = app
            .kb
            .entities()
            .iter()
            .filter(|e| e.kind == annalist_model::EntityKind::Country && e.same_as.is_none())
            .map(|e| (e.id.clone(), data::name(&app.kb, &e.id)))
            .collect();
        states.sort_by(|x, y| x.1.cmp(&y.1));
        let main = html! {
            h1 { "Timelines of two states" }
            p class="muted" { "A state code (prk, rus, chn) or a name (Russia, DPRK)." }
            form class="search" method="get" action="/timeline" {
                label { "State" input name="a" list="states" required placeholder="prk"; }
                label { "and state" input name="b" list="states" required placeholder="Russia"; }
                button { "Show the timeline" }
            }
            datalist id="states" {
                @for (id, name) in &states { option value=(id) { (name) } }
            }
            h2 { "Most active pairs" }
            div class="columns" { (pair_list(app, &pairs)) }
        };
        Ok(Ok(layout("Timelines", main)))
    })
    .await;
    match out {
        Ok(Ok(html)) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Ok(Err(to)) => axum::response::Redirect::to(&to).into_response(),
        Err(e) => error_page(e.status, &e.message),
    }
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
fn paragraph(text: &str, marks: &[(usize, usize)], links: &[(usize, usize, &str)]) -> Markup {
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
    html! {
        @for w in cuts.windows(2) {
            @let (s, e) = (w[0], w[1]);
            @let piece = &text[s..e];
            @let link = links.iter().find(|&&(ls, le, _)| ls <= s && e <= le);
            @let seg = html! {
                @if let Some((_, _, id)) = link {
                    a class="ent" href=(format!("/entities/{}", urlenc(id))) { (piece) }
                } @else {
                    (piece)
                }
            };
            @if marks.iter().any(|&(ms, me)| ms <= s && e <= me) {
                mark { (seg) }
            } @else {
                (seg)
            }
        }
    }
}

/// A row of the article's fact table.
fn row(k: &str, v: Markup) -> Markup {
    html! { tr { th { (k) } td { (v) } } }
}

fn article_page(app: &App, id: i64) -> Result<String, ApiError> {
    let (a, versions) = app.with_store(|s| Ok((s.article(id)?, s.versions(id)?)))?;
    let a = a.ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
    let und = a.understanding.as_ref();
    let mut paragraphs = Vec::new();
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
        paragraphs.push(paragraph(para, &marks, &links));
        start = end + 2;
    }
    let name =
        |x: &Option<String>, none: &str| x.as_deref().map(|x| data::name(&app.kb, x)).unwrap_or(none.into());
    // The latest change in place; older ones are a link away.
    let latest = match versions.as_slice() {
        [.., prev, last] => {
            Some((prev, last, diff::word_diff(&diff::version_text(prev), &diff::version_text(last))))
        }
        _ => None,
    };
    let main = html! {
        h1 { (a.display_title) }
        @if a.title.is_none() {
            p class="muted" { "The page has no headline; shown: its first words." }
        }
        table {
            (row("Outlet", html! { (opt(&a.outlet)) }))
            (row("Published", html! { (opt(&a.published.map(|d| d.to_string()))) }))
            @if let (Some(_), Some(e)) = (&a.published, &a.published_by) {
                // Where the date was read, so that a reader can check it on the page.
                (row("Date from", html! { (e.source.as_str()) ": " span class="muted" { (e.text) } }))
            }
            @if let Some((d, why)) = und.and_then(|u| u.published_inferred.as_ref()) {
                (row("Published (inferred)", html! { (d.to_string()) " " span class="muted" { (why) } }))
            }
            (row("Captured", html! { (opt(&a.captured)) }))
            @if let Some(u) = &a.url {
                (row("Original", ext_link(u, u)))
            }
            (row("Language", html! { (opt(&a.language)) }))
            @if a.status != annalist_model::ArticleStatus::Full {
                (row("Status", html! { (a.status) " (known only from a teaser)" }))
            }
            @if let Some(at) = &a.gone_at {
                // Still here, no longer at the source: what the archive is for.
                (row("Gone at source", html! {
                    strong class="gone" { "since " (at) }
                    " "
                    span class="muted" { (a.gone_reason.as_deref().unwrap_or("")) }
                }))
            }
        }
        div class="body" {
            @for para in &paragraphs { p { (para) } }
        }
        @if let Some(u) = und.filter(|u| !u.events.is_empty()) {
            h2 { "Events" }
            @for e in &u.events {
                div class="event" {
                    strong { (e.kind.as_str()) }
                    " " (name(&e.actor, "?")) " → " (name(&e.target, "—"))
                    " · " (e.date.map(|d| d.to_string()).unwrap_or_else(|| "undated".into()))
                    @if e.inferred { " (date inferred)" }
                    br;
                    mark { (e.evidence) }
                }
            }
        }
        @if !a.teasers.is_empty() {
            h2 { "Teasers on the page" }
            ul {
                @for t in &a.teasers {
                    li {
                        a href=(format!("/articles/{}", t.article_id)) {
                            (t.title.as_deref().or(t.lede.as_deref()).unwrap_or("(untitled)"))
                        }
                        " "
                        span class="muted" { (opt(&t.date)) }
                    }
                }
            }
        }
        @if !a.linked_from.is_empty() {
            h2 { "Listed on" }
            p {
                @for l in &a.linked_from {
                    a href=(format!("/articles/{l}")) { "#" (l) } " "
                }
            }
        }
        h2 { "Sources" }
        div class="scroll" {
            table {
                tr { th { "capture" } th { "kind" } th { "outcome" } th { "ingested" } }
                @for s in &a.sources {
                    tr {
                        td {
                            (s.path)
                            @if !s.locator.is_empty() { " " span class="muted" { (s.locator) } }
                        }
                        td { (s.kind) }
                        td { (s.outcome) }
                        td { (s.ingested_at) }
                    }
                }
            }
        }
        h2 id="versions" { "Versions (" (versions.len()) ")" }
        ol {
            @for (i, v) in versions.iter().enumerate() {
                li value=(v.n) {
                    (v.title.as_deref().unwrap_or("(no headline)"))
                    " · " (v.paragraphs.len()) " paragraphs · " (v.created_at)
                    " · from " (v.sources.join(", "))
                    @if let Some(prev) = i.checked_sub(1).map(|j| &versions[j]) {
                        " · "
                        a href=(format!("/articles/{id}/diff?from={}&to={}", prev.n, v.n)) {
                            "changes from version " (prev.n)
                        }
                    }
                }
            }
        }
        @if let Some((prev, last, d)) = &latest {
            h3 { "Latest change: version " (prev.n) " → " (last.n) }
            p class="meta" { (d.inserted) " words added, " (d.deleted) " removed" }
            div class="diff" { (d.html) }
        }
        p class="muted" { a href=(format!("/api/v1/articles/{id}")) { "JSON" } }
    };
    Ok(layout(&a.display_title, main))
}

async fn article_diff(
    State(app): State<crate::State>,
    Path(id): Path<String>,
    Query(p): Query<DiffParams>,
) -> Page {
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
fn diff_page(app: &App, id: i64, p: &DiffParams) -> Result<String, ApiError> {
    let (a, versions) = app.with_store(|s| Ok((s.article(id)?, s.versions(id)?)))?;
    let a = a.ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
    let num = |k: &str, v: &Option<String>| -> Result<Option<i64>, ApiError> {
        match v.as_deref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::bad(format!("{k}={s}: expected a version number"))),
        }
    };
    let last = versions.last().map(|v| v.n).unwrap_or(1);
    let to = num("to", &p.to)?.unwrap_or(last);
    let from = num("from", &p.from)?.unwrap_or((to - 1).max(1));
    let find = |n: i64| {
        versions.iter().find(|v| v.n == n).ok_or_else(|| {
            ApiError::not_found(format!("article {id} has no version {n} (it has {})", versions.len()))
        })
    };
    let (old, new) = (find(from)?, find(to)?);
    let d = diff::word_diff(&diff::version_text(old), &diff::version_text(new));
    let main = html! {
        h1 { "Changes: " (a.display_title) }
        p class="meta" {
            a href=(format!("/articles/{id}")) { "the article" }
            " · version " (old.n) " (" (old.created_at) ") → version " (new.n) " (" (new.created_at) ") · "
            (d.inserted) " words added, " (d.deleted) " removed"
        }
        @if versions.len() > 2 {
            p class="meta" {
                "Other changes:"
                @for w in versions.windows(2) {
                    " "
                    a href=(format!("/articles/{id}/diff?from={}&to={}", w[0].n, w[1].n)) {
                        (w[0].n) " → " (w[1].n)
                    }
                }
            }
        }
        @if d.inserted == 0 && d.deleted == 0 {
            p class="muted" { "The two versions have the same text." }
        }
        div class="diff" { (d.html) }
    };
    Ok(layout(&format!("Changes: {}", a.display_title), main))
}

// ---------------------------------------------------------------- events

/// Events listed per page on the timeline and entity pages.
pub const EVENTS_PER_PAGE: usize = 50;

/// The `page` parameter (from 1) of a list of `total` items, and the number of
/// pages: 400 when it is not a page number, 404 past the last page.
fn page_number(page: &Option<String>, total: usize) -> Result<(usize, usize), ApiError> {
    let pages = total.div_ceil(EVENTS_PER_PAGE).max(1);
    let page = match page.as_deref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
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

/// `path` with the parameters `keep` (the list's filters), on page `n`.
fn page_link(path: &str, keep: &BTreeMap<String, String>, n: usize) -> String {
    let mut q = keep.clone();
    q.remove("page");
    if n > 1 {
        q.insert("page".into(), n.to_string());
    }
    let qs = query_string(&q);
    if qs.is_empty() { path.to_string() } else { format!("{path}?{qs}") }
}

/// Previous / next links and the page numbers around this one (first and last
/// always), keeping the filters `keep`. Empty when everything fits on one page.
fn pager(path: &str, keep: &BTreeMap<String, String>, page: usize, pages: usize) -> Markup {
    if pages <= 1 {
        return html! {};
    }
    let href = |n: usize| format!("{}#events", page_link(path, keep, n));
    let mut shown: Vec<usize> = vec![1, pages];
    shown.extend(page.saturating_sub(2).max(1)..=(page + 2).min(pages));
    shown.sort_unstable();
    shown.dedup();
    // Each shown page, after a gap or not.
    let shown: Vec<(usize, bool)> =
        shown.iter().enumerate().map(|(i, &n)| (n, n > if i == 0 { 0 } else { shown[i - 1] } + 1)).collect();
    html! {
        nav class="pager" aria-label="pages" {
            @if page > 1 {
                a href=(href(page - 1)) rel="prev" { "← previous" }
            }
            @for (n, gap) in shown {
                @if gap { span { "…" } }
                @if n == page {
                    span class="here" aria-current="page" { (n) }
                } @else {
                    a href=(href(n)) { (n) }
                }
            }
            @if page < pages {
                a href=(href(page + 1)) rel="next" { "next →" }
            }
        }
    }
}

/// How to cite the articles reporting `events`: headline, outlet, date, URL.
fn citations(app: &App, events: &[&CanonicalEvent]) -> Result<Cites, ApiError> {
    let mut ids: Vec<i64> = events.iter().flat_map(|e| e.reports.iter().map(|r| r.article)).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(app.with_store(|s| Ok(s.citations(&ids)?))?)
}

type Cites = BTreeMap<i64, annalist_store::Citation>;

/// One merged event with its reports, each cited as its article's headline, outlet
/// and date (the source locator beside it as provenance).
fn event_item(app: &App, events: &data::Events, cites: &Cites, e: &CanonicalEvent) -> Markup {
    let ev = &e.event;
    let name =
        |x: &Option<String>| x.as_deref().map(|x| data::name(&app.kb, x)).unwrap_or_else(|| "?".into());
    html! {
        div class="event" id=(e.id) {
            (swatch(type_colour(ev.kind)))
            " "
            strong { (ev.kind.as_str()) }
            " " (name(&ev.actor))
            @if ev.target.is_some() { " → " (name(&ev.target)) }
            " · " (event_date(ev))
            @if ev.inferred { " (date inferred)" }
            ul {
                @for r in &e.reports {
                    li {
                        mark { (r.evidence) }
                        " — "
                        @match cites.get(&r.article) {
                            Some(c) => {
                                a href=(format!("/articles/{}", r.article)) { (c.title) }
                                @if let Some(o) = &c.outlet { ", " (o) }
                                @if let Some(d) = &c.published { ", " (d.to_string()) }
                            }
                            None => a href=(format!("/articles/{}", r.article)) { (r.doc) },
                        }
                        @if let Some(u) = events.urls.get(&r.article) { " · " (ext_link(u, "original")) }
                        " " span class="muted" { "(" (r.doc) ")" }
                    }
                }
            }
        }
    }
}

/// `2019-04-24..2019-04-26`, `2019-04-25`, or `undated`.
fn event_date(ev: &annalist_model::Event) -> String {
    match (ev.date, ev.date_end) {
        (Some(d), Some(end)) => format!("{d}..{end}"),
        (Some(d), None) => d.to_string(),
        _ => "undated".into(),
    }
}

/// Fractional year of a date, for time axes.
fn year_of(d: PartialDate) -> Option<f64> {
    let f = d.first_day()?;
    Some(f.year() as f64 + (f.day_of_year() as f64 - 1.0) / 366.0)
}

/// Events on a time axis: one dot per event (coloured by type, linking to it in the
/// list below: `href(i)` for `events[i]`, which may be on another page), one row per
/// type.
fn timeline_svg(events: &[&CanonicalEvent], href: &dyn Fn(usize) -> String) -> Markup {
    let dated: Vec<(f64, usize, &CanonicalEvent)> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.event.date.and_then(year_of).map(|y| (y, i, *e)))
        .collect();
    if dated.is_empty() {
        return html! {};
    }
    let lo = dated.iter().map(|d| d.0).fold(f64::MAX, f64::min).floor();
    let hi = dated.iter().map(|d| d.0).fold(f64::MIN, f64::max).floor() + 1.0;
    let (w, left, right, row) = (900.0, 150.0, 20.0, 26.0);
    let types: Vec<EventType> =
        EventType::ALL.into_iter().filter(|t| dated.iter().any(|(_, _, e)| e.event.kind == *t)).collect();
    let height = 40.0 + row * types.len() as f64;
    let x = |y: f64| left + (y - lo) / (hi - lo) * (w - left - right);
    let axis_y = height - 25.0;
    let span = (hi - lo) as i64;
    let step = (span / 12).max(1) as usize;
    html! {
        svg class="chart" viewBox=(format!("0 0 {w} {height}")) role="img" aria-label="events on a time axis" {
            line x1=(left) y1=(axis_y) x2=(w - right) y2=(axis_y) stroke="#888" {}
            @for yr in (lo as i64..=hi as i64).step_by(step) {
                @let xx = format!("{:.1}", x(yr as f64));
                line x1=(xx) y1="10" x2=(xx) y2=(axis_y) stroke="#eee" {}
                text x=(xx) y=(axis_y + 16.0) text-anchor="middle" { (yr) }
            }
            @for (i, t) in types.iter().enumerate() {
                @let cy = 20.0 + row * i as f64;
                text x=(left - 8.0) y=(cy + 4.0) text-anchor="end" { (t.as_str()) }
                @for (y, i, e) in dated.iter().filter(|(_, _, e)| e.event.kind == *t) {
                    a href=(href(*i)) {
                        circle cx=(format!("{:.1}", x(*y))) cy=(cy) r="6" fill=(type_colour(*t))
                            fill-opacity="0.8" stroke="#333" {
                            title { (event_date(&e.event)) " " (t.as_str()) " (" (e.reports.len()) " reports)" }
                        }
                    }
                }
            }
        }
    }
}

/// The cooperation–conflict line: the sum of the Goldstein values of the dated
/// events per month (per year when the record spans more than 15 years), every
/// period of the span on the axis, empty ones left as gaps in the line.
fn goldstein_chart(events: &[&CanonicalEvent]) -> Markup {
    let dated: Vec<(jiff::civil::Date, f32)> = events
        .iter()
        .filter_map(|e| e.event.date.and_then(|d| d.first_day()).map(|d| (d, e.event.goldstein)))
        .collect();
    let (Some(lo), Some(hi)) = (dated.iter().map(|d| d.0).min(), dated.iter().map(|d| d.0).max()) else {
        return html! {};
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
    // A period without events has no value: the line leaves a gap there.
    let values: Vec<f64> = periods.iter().map(|p| sums.get(p).copied().unwrap_or(f64::NAN)).collect();
    html! {
        h2 { "Cooperation and conflict" }
        p class="muted" {
            "Sum of the Goldstein values of the events (positive: cooperation, negative: conflict)."
        }
        (line_chart(&periods, &[("Goldstein sum".to_string(), values)], "Goldstein sum"))
    }
}

async fn timeline(
    State(app): State<crate::State>,
    Path((a, b)): Path<(String, String)>,
    Query(p): Query<TimelineParams>,
) -> Page {
    Page(
        blocking(&app, move |app, _| {
            let (a, b) = (data::resolve_state(&app.kb, &a)?, data::resolve_state(&app.kb, &b)?);
            let mut filter = data::parse_event_filter(
                &app.kb,
                None,
                p.kind.as_deref(),
                p.since.as_deref(),
                p.until.as_deref(),
            )?;
            filter.dyad = Some((a.clone(), b.clone()));
            let events = app.events();
            let mine: Vec<&CanonicalEvent> = events.matching(&filter);
            let (page, pages) = page_number(&p.page, mine.len())?;
            let path = format!("/timeline/{}/{}", urlenc(&a), urlenc(&b));
            // The filters, kept by the links to other pages.
            let keep: BTreeMap<String, String> =
                [("since", &p.since), ("until", &p.until), ("type", &p.kind)]
                    .into_iter()
                    .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
                    .collect();
            let title = format!("{} – {}", data::name(&app.kb, &a), data::name(&app.kb, &b));
            // A dot links to its event in the list, on whichever page that is.
            let href = |i: usize| {
                let on = i / EVENTS_PER_PAGE + 1;
                let id = &mine[i].id;
                if on == page { format!("#{id}") } else { format!("{}#{id}", page_link(&path, &keep, on)) }
            };
            let pager = pager(&path, &keep, page, pages);
            let shown: Vec<&CanonicalEvent> =
                mine.iter().skip((page - 1) * EVENTS_PER_PAGE).take(EVENTS_PER_PAGE).copied().collect();
            let cites = citations(app, &shown)?;
            let main = html! {
                h1 { (title) " timeline" }
                form class="search" method="get" {
                    label { "From" input name="since" size="10" value=(text(&p.since)); }
                    label { "To" input name="until" size="10" value=(text(&p.until)); }
                    label { "Event type" input name="type" size="12" value=(text(&p.kind)); }
                    button { "Show" }
                }
                p class="meta" { (mine.len()) " events, oldest first" (page_range(page, pages, mine.len())) }
                (timeline_svg(&mine, &href))
                (goldstein_chart(&mine))
                p class="muted" { a href="/timeline" { "Another pair of states" } }
                h2 id="events" { "Events" }
                (pager)
                @for e in &shown {
                    (event_item(app, &events, &cites, e))
                }
                (pager)
                p class="muted" {
                    a href=(format!("/api/v1/timeline/{}/{}", urlenc(&a), urlenc(&b))) { "JSON" }
                }
            };
            Ok(layout(&title, main))
        })
        .await,
    )
}

// ---------------------------------------------------------------- entity

async fn entity(
    State(app): State<crate::State>,
    Path(id): Path<String>,
    Query(p): Query<EntityParams>,
) -> Page {
    Page(blocking(&app, move |app, _| entity_page(app, &id, &p)).await)
}

fn entity_page(app: &App, id: &str, p: &EntityParams) -> Result<String, ApiError> {
    let events = app.events();
    // The archive's profile (404 when nobody knows the id); the page lists the
    // events itself, newest first, a page at a time.
    let profile = app.with_store(|s| Ok(annalist_archive::entity(&app.kb, s, &events, id, 0, 0)))??;
    let (known, surfaces, years, name) =
        (profile.entry, &profile.surfaces, &profile.mentions_by_year, &profile.name);
    let filter = EventFilter { entity: Some(id.to_string()), ..Default::default() };
    let mut mine: Vec<&CanonicalEvent> = events.matching(&filter);
    mine.reverse();
    let (page, pages) = page_number(&p.page, mine.len())?;
    let pager = pager(&format!("/entities/{}", urlenc(id)), &BTreeMap::new(), page, pages);
    let shown: Vec<&CanonicalEvent> =
        mine.iter().skip((page - 1) * EVENTS_PER_PAGE).take(EVENTS_PER_PAGE).copied().collect();
    let cites = citations(app, &shown)?;
    let (labels, arts) = year_series(years.iter().map(|y| (y.year.as_str(), y.articles)));
    let main = html! {
        h1 { (name) }
        p class="meta" {
            (id)
            @match known {
                Some(e) => {
                    " · " (e.kind.as_str())
                    @if let Some(c) = &e.country {
                        " · state: "
                        a href=(format!("/entities/{}", urlenc(c))) { (data::name(&app.kb, c)) }
                    }
                }
                None => " · not in the knowledge base: recognised from the text",
            }
        }
        @if let Some(e) = known {
            @if e.names.len() > 1 {
                p { "Also written: " (e.names[1..].join("; ")) }
            }
            @if !e.roles.is_empty() {
                h2 { "Roles" }
                ul {
                    @for r in &e.roles {
                        li {
                            (r.title)
                            @if let Some(o) = r.of.as_deref().or(r.to_state.as_deref()) { " (" (o) ")" }
                            " "
                            span class="muted" {
                                (r.from.map(|d| d.to_string()).unwrap_or_default())
                                " – "
                                (r.to.map(|d| d.to_string()).unwrap_or_default())
                            }
                        }
                    }
                }
            }
        }
        @if !surfaces.is_empty() {
            h2 { "In the archive as" }
            p {
                @for (i, s) in surfaces.iter().take(12).enumerate() {
                    @if i > 0 { ", " }
                    (s.surface) " (" (s.articles) ")"
                }
            }
            h2 { "Mentions per year" }
            (line_chart(&labels, &[("articles mentioning".to_string(), arts)], "articles"))
            table {
                tr { th { "year" } th { "articles" } th { "mentions" } }
                @for y in years {
                    tr { td { (y.year) } td class="n" { (y.articles) } td class="n" { (y.mentions) } }
                }
            }
        }
        h2 id="events" { "Events (" (mine.len()) ")" }
        p class="meta" { "newest first" (page_range(page, pages, mine.len())) }
        (pager)
        @for e in &shown {
            (event_item(app, &events, &cites, e))
        }
        (pager)
        p class="muted" {
            a href=(format!("/search?q={}", urlenc(&format!("entity:{id}")))) { "Articles mentioning it" }
            " · "
            a href=(format!("/api/v1/entities/{}", urlenc(id))) { "JSON" }
        }
    };
    Ok(layout(name, main))
}

/// Every year from the first to the last one given (undated `?` left out), with its
/// count, or NaN for a year without data: the chart leaves a gap there.
fn year_series<'a>(years: impl Iterator<Item = (&'a str, i64)>) -> (Vec<String>, Vec<f64>) {
    let known: BTreeMap<i32, i64> = years.filter_map(|(y, n)| Some((y.parse::<i32>().ok()?, n))).collect();
    let (Some(&lo), Some(&hi)) = (known.keys().next(), known.keys().next_back()) else {
        return (Vec::new(), Vec::new());
    };
    // A corrupt year far off must not make a chart of a million labels.
    let lo = lo.max(hi - 200);
    (lo..=hi).map(|y| (format!("{y:04}"), known.get(&y).map_or(f64::NAN, |&n| n as f64))).unzip()
}

// ---------------------------------------------------------------- trends

async fn trends(State(app): State<crate::State>, Query(p): Query<TrendsParams>) -> Page {
    Page(blocking(&app, move |app, budget| trends_page(app, &p, budget)).await)
}

/// Without `since` and `until`, the range the data asked for covers: from the first to
/// the last period in which a phrase occurs (not the whole archive's span).
fn default_range(t: data::Trends, p: &TrendsParams) -> data::Trends {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    if blank(&p.since) && blank(&p.until) { t.trimmed() } else { t }
}

fn trends_page(app: &App, p: &TrendsParams, budget: &Arc<Budget>) -> Result<String, ApiError> {
    let joined = p.terms();
    let (terms, by) = api::trend_args(Some(&joined), p.by.as_deref())?;
    let year = by == data::By::Year;
    let form = html! {
        h1 { "Trends" }
        p class="muted" {
            "Up to five phrases or queries (" code { "\"comrades-in-arms\"" } ", "
            code { "entity:vladimir-putin" } "): articles matching each, per period."
        }
        form class="search" method="get" action="/trends" {
            @for i in 0..data::MAX_TERMS {
                label {
                    "Phrase " (i + 1)
                    input name=(format!("t{}", i + 1)) value=(terms.get(i).map(String::as_str).unwrap_or(""));
                }
            }
            label {
                "By"
                select name="by" {
                    option value="month" selected[!year] { "month" }
                    option value="year" selected[year] { "year" }
                }
            }
            label { "From" input name="since" size="5" value=(text(&p.since)); }
            label { "To" input name="until" size="5" value=(text(&p.until)); }
            button { "Compare" }
        }
    };
    if terms.is_empty() {
        return Ok(layout("Trends", form));
    }
    let t = match app.trends(&terms, by, p.since.as_deref(), p.until.as_deref(), budget) {
        Ok(t) => default_range(t, p),
        Err(e) => return Ok(layout("Trends", html! { (form) p class="error" { (e.message) } })),
    };
    if t.periods.is_empty() {
        let none = html! { (form) p { "No dated article matches any of these phrases in this range." } };
        return Ok(layout("Trends", none));
    }
    let (periods, totals) = (&t.periods, &t.totals);
    let lines: Vec<(String, Vec<f64>)> =
        t.series.iter().map(|s| (s.term.clone(), s.per_1000.clone())).collect();
    let q: BTreeMap<String, String> =
        [("terms", Some(terms.join("|"))), ("by", Some(if year { "year" } else { "month" }.to_string()))]
            .into_iter()
            .chain([("since", p.since.clone()), ("until", p.until.clone())])
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
    let qs = query_string(&q);
    let main = html! {
        (form)
        (line_chart(periods, &lines, "per 1,000 articles"))
        p {
            a href=(format!("/trends.csv?{qs}")) { "Download CSV" }
            " · "
            a href=(format!("/api/v1/trends?{qs}")) { "JSON" }
        }
        div class="scroll" {
            table {
                tr {
                    th { "period" } th { "articles" }
                    @for s in &t.series { th { (s.term) " (n)" } th { "per 1,000" } }
                }
                @for (i, period) in periods.iter().enumerate() {
                    tr {
                        td { (period) }
                        td class="n" { (totals.get(i).copied().unwrap_or(0)) }
                        @for s in &t.series {
                            td class="n" { (s.counts.get(i).copied().unwrap_or(0)) }
                            td class="n" { (format!("{:.2}", s.per_1000.get(i).copied().unwrap_or(0.0))) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout("Trends", main))
}

/// A CSV cell that a spreadsheet will not run: a leading `= + - @` is prefixed with
/// `'` so it is not taken for a formula. (Quoting is the csv writer's.)
fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() }
}

/// Rows as CSV: fields quoted when they hold a separator, a quote or a line break;
/// lines ending in `\n`.
fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> Result<String, ApiError> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).map_err(|e| ApiError::internal(format!("writing CSV: {e}")))?;
    }
    let bytes = w.into_inner().map_err(|e| ApiError::internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::internal(format!("writing CSV: {e}")))
}

async fn trends_csv(State(app): State<crate::State>, Query(p): Query<TrendsParams>) -> Response {
    let out = blocking(&app, move |app, budget| {
        let joined = p.terms();
        let (terms, by) = api::trend_args(Some(&joined), p.by.as_deref())?;
        let t = default_range(app.trends(&terms, by, p.since.as_deref(), p.until.as_deref(), budget)?, &p);
        let mut head = vec!["period".to_string(), "articles".to_string()];
        for term in &terms {
            head.push(csv_cell(&format!("{term} (n)")));
            head.push(csv_cell(&format!("{term} per 1000")));
        }
        let rows = t.periods.iter().enumerate().map(|(i, period)| {
            let mut r = vec![csv_cell(period), t.totals[i].to_string()];
            for s in &t.series {
                r.push(s.counts[i].to_string());
                r.push(s.per_1000[i].to_string());
            }
            r
        });
        csv_text(std::iter::once(head).chain(rows))
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
        let p = paragraph("Kim met <Putin> today", &[(0, 15)], &[(9, 14, "vladimir-putin")]).into_string();
        assert_eq!(
            p,
            "<mark>Kim met &lt;</mark><mark><a class=\"ent\" href=\"/entities/vladimir-putin\">Putin</a></mark><mark>&gt;</mark> today"
        );
    }

    #[test]
    fn only_web_links_are_links() {
        assert!(ext_link("javascript:alert(1)", "x").into_string().starts_with('x'));
        assert!(
            ext_link(" https://kcna.kp/a?b=\"c\"", "x")
                .into_string()
                .contains("href=\"https://kcna.kp/a?b=&quot;c&quot;\"")
        );
    }

    #[test]
    fn missing_years_are_gaps() {
        let (labels, values) = year_series([("2011", 3), ("2014", 1), ("?", 9)].into_iter());
        assert_eq!(labels, ["2011", "2012", "2013", "2014"]);
        assert_eq!(values[0], 3.0);
        assert!(values[1].is_nan() && values[2].is_nan());
        assert_eq!(values[3], 1.0);
    }

    #[test]
    fn csv_fields_are_safe() {
        assert_eq!(csv_cell("=cmd()"), "'=cmd()");
        let rows = vec![vec!["a,\"b\"".to_string(), csv_cell("=cmd()")], vec!["x\ny".into(), "2".into()]];
        assert_eq!(csv_text(rows).unwrap(), "\"a,\"\"b\"\"\",'=cmd()\n\"x\ny\",2\n");
    }

    #[test]
    fn the_page_frame_escapes_its_title() {
        let page = layout("<b>\"x\"</b>", html! { p { "body" } });
        assert!(page.starts_with("<!doctype html>\n<html lang=\"en\">"), "{page}");
        assert!(page.contains("<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt; · annalist</title>"), "{page}");
        assert!(page.ends_with("<main><p>body</p></main></body></html>\n"), "{page}");
    }
}
