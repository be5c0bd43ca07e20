//! The JSON API under `/api/v1/`, described by `assets/openapi.json`.
//!
//! Every list is paginated (`limit` bounded by [`MAX_LIMIT`], `offset`); every error
//! is `{"error": "message"}` with a fitting status code.

use std::sync::Arc;

use annalist_index::{Budget, Sort};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::data::{self, By};
use crate::{App, blocking};

/// The OpenAPI 3.1 description of this API.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Largest page of any list.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset of any list (deeper pages: narrow the query).
pub const MAX_OFFSET: usize = 100_000;

/// An error answered as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The search index failed to read its own files: the server repairs it.
    pub index_damaged: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), index_damaged: false }
    }
    pub fn bad(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }
    /// A failure of the server itself: the detail goes to the server's log (it may
    /// name files and paths), the client gets a generic message.
    pub fn internal(detail: impl Into<String>) -> Self {
        tracing::error!("internal error: {}", detail.into());
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error; the server's log has the details")
    }
    /// Overloaded or out of time: 503, to be retried.
    pub fn busy(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

impl From<annalist_index::QueryError> for ApiError {
    fn from(e: annalist_index::QueryError) -> Self {
        use annalist_index::QueryErrorKind as K;
        match e.kind {
            K::Syntax | K::TooCostly => ApiError::bad(e.to_string()),
            K::TimedOut => ApiError::busy(e.to_string()),
            K::Index => {
                tracing::error!("search index: {}", e.message);
                let mut a = ApiError::busy(
                    "the search index cannot answer right now; it is being rebuilt, try again soon",
                );
                a.index_damaged = true;
                a
            }
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::internal(format!("{e:#}"))
    }
}

impl From<annalist_store::StoreError> for ApiError {
    fn from(e: annalist_store::StoreError) -> Self {
        ApiError::internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(json!({"error": self.message}))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        r
    }
}

// The query parameters of each handler, by name. Every value is taken as text and
// checked by the handler, so that a bad number is answered with this API's own
// message (`limit=x: expected a whole number`) rather than the extractor's.

/// `limit` and `offset` of a list.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ListParams {
    pub limit: Option<String>,
    pub offset: Option<String>,
}

impl ListParams {
    /// The bounded page these ask for (see [`page`]).
    pub fn page(&self, default: usize) -> Result<(usize, usize), ApiError> {
        page(self.limit.as_deref(), self.offset.as_deref(), default)
    }
}

/// A search: the query, the form's filters, the order and the page. The web UI's
/// search page takes the same parameters.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub outlet: Option<String>,
    pub lang: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

impl SearchParams {
    /// The parameters by their names in the URL, the empty ones left out (for links
    /// that keep the search and change one thing).
    pub fn pairs(&self) -> std::collections::BTreeMap<String, String> {
        [
            ("q", &self.q),
            ("outlet", &self.outlet),
            ("lang", &self.lang),
            ("type", &self.kind),
            ("since", &self.since),
            ("until", &self.until),
            ("sort", &self.sort),
            ("limit", &self.limit),
            ("offset", &self.offset),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| (k.to_string(), v.clone())))
        .collect()
    }
}

/// `/api/v1/events`: a filter and a page.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct EventsParams {
    pub dyad: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// `/api/v1/entities`: a search and a page size.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct EntityIndexParams {
    pub q: Option<String>,
    pub limit: Option<String>,
}

/// `/api/v1/trends`: `terms=a|b`, `by=month|year`, the span.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct TrendsParams {
    pub terms: Option<String>,
    pub by: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// `POST /api/v1/ingest?name=FILE`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct IngestParams {
    pub name: Option<String>,
}

type ApiResult = Result<Json<Value>, ApiError>;

/// A typed answer serialized straight to the response body (pages of events borrow
/// from the loaded snapshot: no JSON tree is built first).
fn json_response<T: serde::Serialize>(v: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(v).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub fn routes() -> axum::Router<crate::State> {
    axum::Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/search", get(search))
        .route("/api/v1/articles/{id}", get(article))
        .route("/api/v1/entities", get(entity_index))
        .route("/api/v1/entities/{id}", get(entity))
        .route("/api/v1/events", get(events))
        .route("/api/v1/timeline/{a}/{b}", get(timeline))
        .route("/api/v1/trends", get(trends))
        .route("/api/v1/stats", get(stats))
        .route("/api/v1/ingest", post(ingest))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// A bounded page: `limit` (default `default`, at most [`MAX_LIMIT`]) and `offset`.
pub fn page(limit: Option<&str>, offset: Option<&str>, default: usize) -> Result<(usize, usize), ApiError> {
    let num = |k: &str, v: Option<&str>, d: usize| -> Result<usize, ApiError> {
        match v.map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(d),
            Some(s) => s.parse().map_err(|_| ApiError::bad(format!("{k}={s}: expected a whole number"))),
        }
    };
    let (limit, offset) = (num("limit", limit, default)?, num("offset", offset, 0)?);
    if limit > MAX_LIMIT {
        return Err(ApiError::bad(format!("limit={limit}: at most {MAX_LIMIT}")));
    }
    if offset > MAX_OFFSET {
        return Err(ApiError::bad(format!("offset={offset}: at most {MAX_OFFSET}")));
    }
    Ok((limit, offset))
}

pub fn parse_sort(s: Option<&str>) -> Result<Sort, ApiError> {
    match s.unwrap_or("") {
        "" | "relevance" => Ok(Sort::Relevance),
        "date" | "date-desc" => Ok(Sort::DateDesc),
        "date-asc" => Ok(Sort::DateAsc),
        other => Err(ApiError::bad(format!("sort={other}: expected relevance, date or date-asc"))),
    }
}

/// Add the search form's filters to a query: `(q) AND outlet:"…" AND lang:…`
/// ([`annalist_archive::SearchQuery::compose`]).
pub fn filtered_query(p: &SearchParams) -> Result<String, ApiError> {
    let q = annalist_archive::SearchQuery {
        q: p.q.as_deref(),
        outlet: p.outlet.as_deref(),
        lang: p.lang.as_deref(),
        kind: p.kind.as_deref(),
        since: p.since.as_deref(),
        until: p.until.as_deref(),
    };
    Ok(q.compose(annalist_archive::filter::Spelling::Param)?)
}

pub(crate) fn run_search(
    app: &App,
    p: &SearchParams,
    budget: &Arc<Budget>,
) -> Result<annalist_index::SearchResults, ApiError> {
    let (limit, offset) = page(p.limit.as_deref(), p.offset.as_deref(), 10)?;
    let sort = parse_sort(p.sort.as_deref())?;
    Ok(annalist_archive::search(&app.index(), filtered_query(p)?, sort, limit, offset, budget)?)
}

/// One search hit as the API answers it: the index's hit (with `snippet` as escaped
/// HTML, `snippet_text` plain and `highlights` as character offsets into it), the
/// article's page here and its original URL.
#[derive(serde::Serialize)]
struct HitView<'a> {
    #[serde(flatten)]
    hit: &'a annalist_index::Hit,
    page: String,
    url: Option<&'a str>,
}

async fn search(State(app): State<crate::State>, Query(p): Query<SearchParams>) -> ApiResult {
    blocking(&app, move |app, budget| {
        let (limit, offset) = page(p.limit.as_deref(), p.offset.as_deref(), 10)?;
        let res = run_search(app, &p, budget)?;
        let ids: Vec<i64> = res.hits.iter().map(|h| h.article).collect();
        let urls = app.with_store(|s| Ok(s.article_urls(&ids)?))?;
        let hits: Vec<HitView> = res
            .hits
            .iter()
            .map(|h| HitView {
                hit: h,
                page: format!("/articles/{}", h.article),
                url: urls.get(&h.article).map(String::as_str),
            })
            .collect();
        Ok(Json(json!({
            "query": filtered_query(&p)?,
            "total": res.total,
            "limit": limit,
            "offset": offset,
            "took_ms": res.took_ms,
            "hits": hits,
            "facets": res.facets,
        })))
    })
    .await
}

/// `/api/v1/entities?q=`: entities by name, alias or id, most mentioned first.
async fn entity_index(
    State(app): State<crate::State>,
    Query(p): Query<EntityIndexParams>,
) -> Result<Response, ApiError> {
    blocking(&app, move |app, _| {
        let (limit, _) = page(p.limit.as_deref(), None, 50)?;
        let q = p.q.as_deref().unwrap_or("");
        let list = app.with_store(|s| Ok(annalist_archive::entities(&app.kb, s, q, limit)))??;
        json_response(&list)
    })
    .await
}

pub(crate) fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse().map_err(|_| ApiError::bad(format!("{s}: an article id is a number")))
}

/// `/api/v1/articles/{id}`: the stored article with its version history and the
/// events read from it.
#[derive(serde::Serialize)]
struct ArticleAnswer<'a> {
    #[serde(flatten)]
    article: &'a annalist_store::ArticleRecord,
    version_history: &'a [annalist_store::VersionRecord],
    events: &'a [annalist_model::Event],
}

async fn article(State(app): State<crate::State>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    blocking(&app, move |app, _| {
        let (a, versions) = app.with_store(|s| Ok((s.article(id)?, s.versions(id)?)))?;
        let a = a.ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
        let events = a.understanding.as_ref().map(|u| u.events.as_slice()).unwrap_or_default();
        json_response(&ArticleAnswer { article: &a, version_history: &versions, events })
    })
    .await
}

async fn entity(
    State(app): State<crate::State>,
    Path(id): Path<String>,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    blocking(&app, move |app, _| {
        let (limit, offset) = p.page(50)?;
        let events = app.events();
        let profile =
            app.with_store(|s| Ok(annalist_archive::entity(&app.kb, s, &events, &id, limit, offset)))??;
        json_response(&profile)
    })
    .await
}

async fn events(
    State(app): State<crate::State>,
    Query(p): Query<EventsParams>,
) -> Result<Response, ApiError> {
    blocking(&app, move |app, _| {
        let (limit, offset) = page(p.limit.as_deref(), p.offset.as_deref(), 50)?;
        let filter = data::parse_event_filter(
            &app.kb,
            p.dyad.as_deref(),
            p.kind.as_deref(),
            p.since.as_deref(),
            p.until.as_deref(),
        )?;
        let events = app.events();
        json_response(&events.page(&app.kb, &filter, limit, offset))
    })
    .await
}

async fn timeline(
    State(app): State<crate::State>,
    Path((a, b)): Path<(String, String)>,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    blocking(&app, move |app, _| {
        let (limit, offset) = p.page(MAX_LIMIT)?;
        let events = app.events();
        let q = annalist_archive::EventQuery::default();
        json_response(&annalist_archive::timeline(&app.kb, &events, &a, &b, &q, limit, offset)?)
    })
    .await
}

/// The terms (`a|b`) and the period of a trends request.
pub(crate) fn trend_args(terms: Option<&str>, by: Option<&str>) -> Result<(Vec<String>, By), ApiError> {
    let terms: Vec<String> = terms
        .map(|t| t.split('|').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    let by = match by.unwrap_or("month") {
        "month" | "" => By::Month,
        "year" => By::Year,
        other => return Err(ApiError::bad(format!("by={other}: expected month or year"))),
    };
    Ok((terms, by))
}

async fn trends(
    State(app): State<crate::State>,
    Query(p): Query<TrendsParams>,
) -> Result<Json<data::Trends>, ApiError> {
    blocking(&app, move |app, budget| {
        let (terms, by) = trend_args(p.terms.as_deref(), p.by.as_deref())?;
        Ok(Json(app.trends(&terms, by, p.since.as_deref(), p.until.as_deref(), budget)?))
    })
    .await
}

async fn stats(State(app): State<crate::State>) -> Result<Response, ApiError> {
    blocking(&app, move |app, _| {
        let stats = app.cached_stats(|| {
            let events = app.events();
            let indexed = Some(app.index().num_docs());
            Ok(app.with_store(|s| Ok(annalist_archive::ArchiveStats::compute(s, &events, indexed)))??)
        })?;
        json_response(&*stats)
    })
    .await
}

/// Whether the request may write: 401 without credentials, 403 with wrong ones or
/// on a read-only server.
fn authorize(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = &app.token else {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "this server is read-only (start it with --token)"));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Authorization: Bearer TOKEN required"))?;
    // Compare in time independent of where the first difference is.
    let same = given.len() == token.len()
        && given.bytes().zip(token.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if !same {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "wrong token"));
    }
    Ok(())
}

/// Whether a body error is (or wraps) a length limit: ours, or the limit layer's.
fn over_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(e) = cur {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cur = e.source();
    }
    false
}

/// `POST /api/v1/ingest?name=FILE`: the request body is one capture file. The
/// token is checked before a byte of the body is read (a read-only server, or a
/// request without the right token, is answered at once); the body must then arrive
/// within the server's body timeout and size limit.
async fn ingest(
    State(app): State<crate::State>,
    headers: HeaderMap,
    Query(p): Query<IngestParams>,
    body: axum::body::Body,
) -> Result<Json<crate::IngestReport>, ApiError> {
    use http_body_util::BodyExt;
    authorize(&app, &headers)?;
    if app.ingest.is_none() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "this server cannot ingest"));
    }
    let name = p.name.unwrap_or_else(|| "upload.txt".into());
    let limited = http_body_util::Limited::new(body, app.max_body);
    let body: Bytes = match tokio::time::timeout(app.body_timeout, limited.collect()).await {
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
            ));
        }
        Ok(Err(e)) if over_limit(e.as_ref()) => {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the capture is larger than this server accepts",
            ));
        }
        Ok(Err(e)) => return Err(ApiError::bad(format!("reading the request body: {e}"))),
        Ok(Ok(b)) => b.to_bytes(),
    };
    if body.is_empty() {
        return Err(ApiError::bad("the request body (the capture) is empty"));
    }
    crate::unbounded_blocking(&app, move |app| {
        let Some(run) = &app.ingest else {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "this server cannot ingest"));
        };
        let _one = app.writing.lock().unwrap_or_else(|e| e.into_inner());
        let out = run(&name, &body)?;
        app.refresh()?;
        Ok(Json(out))
    })
    .await
}
