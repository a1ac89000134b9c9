use crate::refusals::admin_error;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::users::{self, AdminError};
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::rbac::Object;
use gatehouse::wire::coder::{CoderError, Response, write_json};

/// `DELETE /api/v2/users/{user}`: soft delete; 200 `{"message":"User has been deleted!"}`.
/// In Coder's order: `{user}` is resolved first (400 for a user the caller cannot read, existing
/// or not, so nothing is told apart), then the 403 for a caller who may not delete.
pub async fn delete_user(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    if user_param::names_caller(&s.user, &param) {
        return Err(admin_error(AdminError::CannotDeleteSelf));
    }
    let target = user_param::resolve_readable(&state, &s, &param).await?;
    if !s.can("delete", &Object::any("user")) {
        return Err(admin_error(AdminError::Forbidden));
    }
    note.target(&target);
    users::delete_user(&state, &s, target)
        .await
        .map_err(admin_error)?;
    Ok(write_json(
        StatusCode::OK,
        &Response::message("User has been deleted!"),
    ))
}
