use crate::refusals::password_is_invalid;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::session::truncate;
use gatehouse::auth::setup;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::model::{Organization, OrganizationMembership, User, UserStatus};
use gatehouse::password;
use gatehouse::store::StoreError;
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

fn already_created() -> CoderError {
    CoderError::new(
        StatusCode::CONFLICT,
        Response::message("The initial user has already been created."),
    )
}

/// `POST /api/v2/users/first`: the first user becomes `owner` of the deployment and a member of
/// the default organization, created with it in one transaction.
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
    if state.store.first_user_exists().await? {
        return Err(already_created());
    }
    if let Err(detail) = password::check_new_coder_password(&req.password) {
        return Err(password_is_invalid(detail));
    }
    let now = truncate(state.clock.now());
    let organization = Organization {
        id: uuid::Uuid::new_v4(),
        name: "coder".to_owned(),
        display_name: "Coder".to_owned(),
        description: "Builtin default organization.".to_owned(),
        icon: String::new(),
        is_default: true,
        created_at: now,
        updated_at: now,
    };
    let mut user = User::new(&req.email, &req.username, now);
    user.name = req.name;
    user.status = UserStatus::Active;
    user.roles = vec!["owner".to_owned()];
    user.memberships = vec![OrganizationMembership::new(organization.id, now)];
    user.hashed_password = Some(
        state
            .hasher
            .hash(&req.password)
            .await
            .map_err(|e| CoderError::internal(&e))?,
    );
    match state.store.create_first_user(&user, &organization).await {
        Ok(()) => Ok(write_json(
            StatusCode::CREATED,
            &json!({ "user_id": user.id.to_string(), "organization_id": organization.id.to_string() }),
        )),
        // `Conflict`: another first-user request won the race.
        Err(StoreError::FirstUserExists | StoreError::Conflict) => Err(already_created()),
        Err(e) => Err(e.into()),
    }
}
