//! `GET /resource/swagger_doc` and `/swagger_doc/{name}`: the OpenAPI document of the whole
//! API, generated from every group's routes (`gatehouse-openapi` writes it; a test keeps the
//! copy built in here equal to what the code registers).

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use gatehouse::openapi::section as part;
use gatehouse::wire::barong::error::{RouteNotFound, json_response};
use http::StatusCode;
use serde_json::Value;
use std::sync::LazyLock;

/// The document this build serves.
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(OPENAPI_JSON).unwrap_or(Value::Null));

pub async fn document() -> Response {
    json_response(StatusCode::OK, &*DOCUMENT)
}

/// The operations tagged `name`: a group (`users`, `resource`, ...) or a namespace
/// (`api_keys`, `sessions`, ...); Barong's 404 for any other name.
pub async fn section(Path(crate::path::Name { name }): Path<crate::path::Name>) -> Response {
    match part(&DOCUMENT, &name) {
        Some(doc) => json_response(StatusCode::OK, &doc),
        None => RouteNotFound.into_response(),
    }
}
