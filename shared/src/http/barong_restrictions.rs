//! Barong's restrictions in front of a group's routes (its authz checks them on every path): a whitelisted address passes;
//! maintenance and blacklist refuse with the restriction's status; blocklogin refuses sign-in.

use super::client_ip::client_ip;
use crate::AppState;
use crate::auth::barong::restrictions::{self, CheckError};
use crate::wire::barong::error::BarongError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    // Barong matches the path alone, whatever the verb.
    let signing_in = parts.uri.path() == "/api/v2/auth/identity/sessions";
    match restrictions::check(&state, client_ip(&parts), signing_in).await {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(CheckError::Refused(r)) => {
            let status = StatusCode::from_u16(r.code).unwrap_or(StatusCode::FORBIDDEN);
            BarongError::new(status, r.key).into_response()
        }
        Err(CheckError::Internal(e)) => BarongError::internal_logged(&e).into_response(),
    }
}
