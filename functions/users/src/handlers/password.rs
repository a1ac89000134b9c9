use crate::refusals::admin_error;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use gatehouse::AppState;
use gatehouse::auth::users::{self, AdminError};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::rbac::Object;
use gatehouse::wire::coder::{CoderError, Response, UpdateUserPasswordRequest};

/// `PUT /api/v2/users/{user}/password`: 204. One's own password needs the old one; every
/// session and token of the user ends.
pub async fn update_password(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    Path(param): Path<String>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let target = user_param::resolve_readable(&state, &s, &param).await?;
    note.target(&target);
    // Coder checks the permission, and who may touch an owner, before reading the body.
    if !s.can("update_personal", &Object::user(target.id)) {
        return Err(admin_error(AdminError::NotFound));
    }
    if target.id != s.user.id && target.has_site_role("owner") && !s.user.has_site_role("owner") {
        return Err(admin_error(AdminError::OwnerProtected));
    }
    let CoderJson(req) =
        CoderJson::<UpdateUserPasswordRequest>::from_request(request, &state).await?;
    match users::change_password(&state, &s, target, &req.old_password, &req.password).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(AdminError::PasswordRejected(detail)) => Err(CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Invalid password.").with_validation("password", detail),
        )),
        Err(e) => Err(admin_error(e)),
    }
}
