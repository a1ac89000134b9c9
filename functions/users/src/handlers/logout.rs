use crate::handlers::set_cookie;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::session;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::credentials::CODER_SESSION_COOKIE;
use gatehouse::wire::coder::{CoderError, write_json};

/// `POST /api/v2/users/logout`: ends this session only, and expires the cookie.
pub async fn logout(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
) -> Result<Response, CoderError> {
    session::revoke(&state, &s.key.id).await?;
    let body = gatehouse::wire::coder::Response::message("Logged out!");
    Ok(set_cookie(
        write_json(StatusCode::OK, &body),
        &format!("{CODER_SESSION_COOKIE}=; Path=/; Max-Age=0"),
    ))
}
