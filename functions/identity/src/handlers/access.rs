//! `POST /identity/users/access`: a whitelink token whitelists the caller's address (201, body
//! `true`, as Barong's cache deletion answers).

use crate::params::{Params, Spec, Text};
use crate::session_response::{Client, internal};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::restrictions::{AccessError, use_whitelink};
use gatehouse::wire::barong::error::{BarongError, StatusBody};
use http::StatusCode;

pub async fn access(
    State(state): State<AppState>,
    client: Client,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "identity.user",
        &[Spec::required("whitelink_token").string().non_blank()],
    )?;
    let token = params.text("whitelink_token").unwrap_or_default();
    use_whitelink(&state, &token, client.ip)
        .await
        .map_err(|e| match e {
            AccessError::InvalidToken => {
                BarongError::unprocessable(["identity.user.access.invalid_token"])
            }
            AccessError::Invalid(keys) => BarongError::unprocessable(keys),
            AccessError::Internal(e) => internal(e),
        })?;
    Ok(StatusBody::new(StatusCode::CREATED, serde_json::Value::Bool(true)).into_response_body())
}
