use crate::refusals::admin_error;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::setup;
use gatehouse::auth::users::{self, FirstUser};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::wire::coder::{CoderError, CreateFirstUserRequest, Response, write_json};
use serde_json::json;

/// `GET /api/v2/users/first`: 200 once the first user exists, else 404.
pub async fn first_user_exists(State(state): State<AppState>) -> Result<HttpResponse, CoderError> {
    Ok(if state.store.first_user_exists().await? {
        write_json(
            StatusCode::OK,
            &Response::message("The initial user has already been created!"),
        )
    } else {
        write_json(
            StatusCode::NOT_FOUND,
            &Response::message("The initial user has not been created!"),
        )
    })
}

/// `POST /api/v2/users/first`: the first user becomes `owner` of the deployment and a member of
/// the default organization. With a setup secret configured, only a caller presenting it.
pub async fn create_first_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    CoderJson(req): CoderJson<CreateFirstUserRequest>,
) -> Result<HttpResponse, CoderError> {
    let presented = headers
        .get(setup::SETUP_SECRET_HEADER)
        .and_then(|v| v.to_str().ok());
    if !setup::may_create_first_user(&state.settings, presented) {
        return Err(CoderError::new(
            StatusCode::FORBIDDEN,
            Response::message("Creating the first user requires the deployment's setup secret.")
                .with_detail(format!(
                    "Send it in the \"{}\" header.",
                    setup::SETUP_SECRET_HEADER
                )),
        ));
    }
    let new = FirstUser {
        email: req.email,
        username: req.username,
        name: req.name,
        password: req.password,
    };
    let (user, organization) = users::create_first_user(&state, new)
        .await
        .map_err(admin_error)?;
    Ok(write_json(
        StatusCode::CREATED,
        &json!({ "user_id": user.id.to_string(), "organization_id": organization.id.to_string() }),
    ))
}
