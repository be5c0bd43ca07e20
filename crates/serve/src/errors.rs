//! One shape for every error the server answers, whoever produced it.
//!
//! Handlers answer errors through `ApiError` (JSON under `/api/`, an HTML page
//! elsewhere). The layers around them — the body limit (413), the timeout (503), the
//! router's 404/405 and the extractors' 400s — answer plain text or nothing; this
//! middleware gives those the same shape: `{"error": "…"}` for the API and feeds, an
//! escaped HTML page for the web UI, and `Retry-After` on every 503.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

/// The longest original error text kept (extractor messages are short).
const MAX_TEXT: usize = 300;

/// `from_fn` middleware: rewrites error responses that are not already JSON or HTML.
pub async fn uniform(req: Request, next: Next) -> Response {
    let api = {
        let p = req.uri().path();
        p.starts_with("/api/") || p.starts_with("/feeds/")
    };
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let ours = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    let mut res = if ours {
        res
    } else {
        let (parts, body) = res.into_parts();
        let text = match http_body_util::Limited::new(body, MAX_TEXT * 4).collect().await {
            Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
            Err(_) => String::new(),
        };
        let message = message_for(status, text.trim());
        let mut r = if api {
            crate::api::ApiError::new(status, message).into_response()
        } else {
            crate::pages::error_page(status, &message)
        };
        // Keep the headers the layers set (e.g. allow on a 405), but not the old type.
        for (k, v) in parts.headers.iter() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                r.headers_mut().entry(k.clone()).or_insert(v.clone());
            }
        }
        r
    };
    if status == StatusCode::SERVICE_UNAVAILABLE && !res.headers().contains_key(header::RETRY_AFTER) {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    res
}

fn message_for(status: StatusCode, text: &str) -> String {
    match status {
        StatusCode::NOT_FOUND => "no such page".into(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed here".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is larger than this server accepts".into(),
        StatusCode::SERVICE_UNAVAILABLE => {
            "the request took too long or the server is busy; try again".into()
        }
        _ if !text.is_empty() => text.chars().take(MAX_TEXT).collect(),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    }
}
