use crate::refusals::admin_error;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::users;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::wire::coder::{CoderError, UpdateUserProfileRequest, UserJson, write_json};

/// `PUT /api/v2/users/{user}/profile`: username and name; 200 with the user.
pub async fn update_profile(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    Path(param): Path<String>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let target = user_param::resolve_readable(&state, &s, &param).await?;
    note.target(&target);
    let CoderJson(req) =
        CoderJson::<UpdateUserProfileRequest>::from_request(request, &state).await?;
    let user = users::update_profile(&state, &s, target, &req.username, &req.name)
        .await
        .map_err(admin_error)?;
    Ok(write_json(StatusCode::OK, &UserJson::from(&user)))
}
