use crate::refusals::admin_error;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::users::{self, AdminError, NewUser};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::model::UserStatus;
use gatehouse::rbac::Object;
use gatehouse::wire::coder::{
    CoderError, CreateUserRequestWithOrgs, Response, UserJson, write_json,
};

/// `POST /api/v2/users`: an owner or user-admin creates a user (dormant unless told otherwise).
/// Unlike Coder, the caller's permission is checked first, so a member cannot probe which
/// emails exist through the 409.
pub async fn create_user(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    if !s.can("create", &Object::any("user")) {
        return Err(not_authorized_to_create());
    }
    let CoderJson(req) =
        CoderJson::<CreateUserRequestWithOrgs>::from_request(request, &state).await?;
    let status = match req.user_status.as_deref() {
        None | Some("") | Some("dormant") => UserStatus::Dormant,
        Some("active") => UserStatus::Active,
        Some("suspended") => UserStatus::Suspended,
        Some(other) => {
            return Err(CoderError::new(
                StatusCode::BAD_REQUEST,
                Response::message("Validation failed.").with_validation(
                    "user_status",
                    format!("Validation failed for tag \"oneof\" with value: \"{other}\""),
                ),
            ));
        }
    };
    // Older clients ask for login type `none` with `disable_login`; `login_type` wins when both
    // are given, as it did in Coder while the field existed.
    let login_type = if req.login_type.is_empty() && req.disable_login {
        "none".to_owned()
    } else {
        req.login_type
    };
    let new = NewUser {
        email: req.email,
        username: req.username,
        name: req.name,
        password: req.password,
        login_type,
        status,
        organization_ids: req.organization_ids,
    };
    let user = users::create_user(&state, &s, new)
        .await
        .map_err(|e| match e {
            AdminError::Forbidden => not_authorized_to_create(),
            e => admin_error(e),
        })?;
    note.target(&user);
    Ok(write_json(StatusCode::CREATED, &UserJson::from(&user)))
}

/// Coder's `postUser` words its 403 itself.
fn not_authorized_to_create() -> CoderError {
    CoderError::new(
        StatusCode::FORBIDDEN,
        Response::message("You are not authorized to create users."),
    )
}
