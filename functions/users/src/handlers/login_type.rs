use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::wire::coder::{CoderError, Response, write_json};
use serde_json::json;

/// `GET /api/v2/users/{user}/login-type`: only for oneself, owners included.
pub async fn login_type(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let user = user_param::resolve_readable(&state, &s, &param).await?;
    if user.id != s.user.id {
        return Err(CoderError::new(
            StatusCode::FORBIDDEN,
            Response::message("You are not authorized to view this user's login type."),
        ));
    }
    Ok(write_json(
        StatusCode::OK,
        &json!({ "login_type": user.login_type.as_str() }),
    ))
}
