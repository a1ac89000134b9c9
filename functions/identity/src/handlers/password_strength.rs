//! `POST /identity/password/validate`: Barong's entropy of a password, 201.

use crate::params::{Params, Spec, Text};
use axum::response::Response;
use gatehouse::password::barong_strength;
use gatehouse::wire::barong::error::{BarongError, json_response};
use http::StatusCode;
use serde_json::json;

pub async fn validate(params: Params) -> Result<Response, BarongError> {
    // Blank is allowed: its entropy is reported like any other.
    let params = params.check("identity.general", &[Spec::required("password").string()])?;
    let password = params.text("password").unwrap_or_default();
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"entropy": barong_strength::entropy_json(&password)}),
    ))
}
