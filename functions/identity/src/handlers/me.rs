//! `GET /resource/users/me`: the signed-in user, as `UserWithFullInfo`.

use crate::session_response::{Client, CookieAuth, refresh_cookie};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::wire::barong::error::json_response;
use gatehouse::wire::barong::user::UserWithFullInfo;
use http::StatusCode;

pub async fn show(
    State(state): State<AppState>,
    client: Client,
    CookieAuth(session): CookieAuth,
) -> Response {
    let response = json_response(StatusCode::OK, &UserWithFullInfo::new(&session.user, None));
    refresh_cookie(&state, &client, response)
}
