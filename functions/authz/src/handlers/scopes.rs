use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::rbac::EXTERNAL_SCOPES;
use gatehouse::wire::coder::write_json;
use serde_json::json;

/// `GET /api/v2/auth/scopes`: the sorted external scope names; no token needed.
pub async fn list_external_scopes() -> Response {
    write_json(StatusCode::OK, &json!({ "external": EXTERNAL_SCOPES }))
}
