//! Server-rendered pages.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::html::esc;

pub fn routes() -> axum::Router<crate::State> {
    axum::Router::new().fallback(not_found)
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::not_found(format!("no such endpoint: {}", uri.path())).into_response();
    }
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<!doctype html><title>Not found</title><p>Nothing at {}</p>", esc(uri.path())),
    )
        .into_response()
}
