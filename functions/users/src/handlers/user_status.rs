use crate::refusals::admin_error;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::session::Session;
use gatehouse::auth::users::{self, AdminError};
use gatehouse::http::activity_log::ActivityNote;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::model::UserStatus;
use gatehouse::wire::coder::{CoderError, Response, UserJson, write_json};

/// `PUT /api/v2/users/{user}/status/suspend`
pub async fn suspend(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: ActivityNote,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    set_status(&state, &s, &note, &param, UserStatus::Suspended).await
}

/// `PUT /api/v2/users/{user}/status/activate`
pub async fn activate(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: ActivityNote,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    set_status(&state, &s, &note, &param, UserStatus::Active).await
}

async fn set_status(
    state: &AppState,
    s: &Session,
    note: &ActivityNote,
    param: &str,
    status: UserStatus,
) -> Result<HttpResponse, CoderError> {
    let target = user_param::resolve_readable(state, s, param).await?;
    note.target(&target);
    match users::set_status(state, s, target, status).await {
        Ok(user) => Ok(write_json(StatusCode::OK, &UserJson::from(&user))),
        Err(AdminError::Contended) => Err(CoderError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Response::message(format!(
                "Internal error updating user's status to \"{}\".",
                status.as_str()
            )),
        )),
        Err(e) => Err(admin_error(e)),
    }
}
