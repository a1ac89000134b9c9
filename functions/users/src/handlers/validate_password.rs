use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::password;
use gatehouse::wire::coder::{ValidateUserPasswordRequest, write_json};
use serde_json::json;

/// `POST /api/v2/users/validate-password`: 200 `{"valid","details"}`; no token needed.
pub async fn validate_password(CoderJson(req): CoderJson<ValidateUserPasswordRequest>) -> Response {
    let (valid, details) = match password::check_new_coder_password(&req.password) {
        Ok(()) => (true, String::new()),
        Err(details) => (false, details),
    };
    write_json(
        StatusCode::OK,
        &json!({ "valid": valid, "details": details }),
    )
}
