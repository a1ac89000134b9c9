//! `GET /resource/users/me`: the signed-in user, as `UserWithFullInfo`.

use crate::session_response::CookieAuth;
use axum::response::Response;
use gatehouse::wire::barong::error::json_response;
use gatehouse::wire::barong::user::UserWithFullInfo;
use http::StatusCode;

pub async fn show(CookieAuth(session): CookieAuth) -> Response {
    json_response(StatusCode::OK, &UserWithFullInfo::new(&session.user, None))
}
