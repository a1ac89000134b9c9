use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::wire::coder::{CoderError, UserJson, write_json};

/// `GET /api/v2/users/{user}`: `me`, a UUID or a username the caller may read.
pub async fn get_user(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<Response, CoderError> {
    let user = user_param::resolve_readable(&state, &s, &param).await?;
    Ok(write_json(StatusCode::OK, &UserJson::from(&user)))
}
