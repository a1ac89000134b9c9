use crate::permissions::can_create_users;
use crate::refusals::password_is_invalid;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::session::truncate;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::model::{LoginType, OrganizationMembership, User, UserStatus};
use gatehouse::password;
use gatehouse::store::StoreError;
use gatehouse::wire::coder::{
    CoderError, CreateUserRequestWithOrgs, Response, UserJson, write_json,
};
use uuid::Uuid;

fn conflict() -> CoderError {
    CoderError::new(
        StatusCode::CONFLICT,
        Response::message("User already exists."),
    )
}

/// `POST /api/v2/users`: an owner or user-admin creates a user (dormant unless told otherwise).
/// Unlike Coder, the caller's permission is checked first, so a member cannot probe which
/// emails exist through the 409.
pub async fn create_user(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    if !can_create_users(&s) {
        return Err(CoderError::forbidden());
    }
    let CoderJson(req) =
        CoderJson::<CreateUserRequestWithOrgs>::from_request(request, &state).await?;
    let login_type_text = if req.login_type.is_empty() {
        "password"
    } else {
        req.login_type.as_str()
    };
    if login_type_text != "password" && !req.password.is_empty() {
        return Err(CoderError::bad_request(format!(
            "Password cannot be set for non-password (\"{login_type_text}\") authentication."
        )));
    }
    if login_type_text == "password" && state.settings.password_auth_disabled {
        return Err(CoderError::new(
            StatusCode::FORBIDDEN,
            Response::message(
                "Password based authentication is disabled! Unable to provision new users with password authentication.",
            ),
        ));
    }
    if req.organization_ids.is_empty() {
        return Err(CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.")
                .with_detail("required at least 1 value for the array 'organization_ids'")
                .with_validation("organization_ids", "Missing values, this cannot be empty"),
        ));
    }
    if state.store.user_by_email(&req.email).await?.is_some()
        || state.store.user_by_username(&req.username).await?.is_some()
    {
        return Err(conflict());
    }
    let mut memberships: Vec<OrganizationMembership> = Vec::new();
    for id in &req.organization_ids {
        let id = if id.is_nil() {
            default_organization(&state).await?
        } else {
            *id
        };
        if state.store.organization_by_id(id).await?.is_none() {
            return Err(CoderError::new(
                StatusCode::NOT_FOUND,
                Response::message(format!(
                    "Organization does not exist with the provided id \"{id}\"."
                )),
            ));
        }
        if !memberships.iter().any(|m| m.organization_id == id) {
            memberships.push(OrganizationMembership::new(id, truncate(state.clock.now())));
        }
    }
    let login_type = match login_type_text {
        "password" => {
            if let Err(detail) = password::check_new_coder_password(&req.password) {
                return Err(password_is_invalid(detail));
            }
            LoginType::Password
        }
        "none" => LoginType::None,
        "github" => LoginType::Github,
        "oidc" => {
            return Err(CoderError::bad_request(
                "You must configure OIDC before creating OIDC users.",
            ));
        }
        other => {
            return Err(CoderError::bad_request(format!(
                "Unsupported login type \"{other}\" for manually creating new users."
            )));
        }
    };
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
    let mut user = User::new(&req.email, &req.username, truncate(state.clock.now()));
    user.name = req.name.trim().chars().take(128).collect();
    user.login_type = login_type;
    user.status = status;
    user.memberships = memberships;
    if login_type == LoginType::Password {
        user.hashed_password = Some(
            state
                .hasher
                .hash(&req.password)
                .await
                .map_err(|e| CoderError::internal(&e))?,
        );
    }
    match state.store.create_user(&user).await {
        Ok(()) => Ok(write_json(StatusCode::CREATED, &UserJson::from(&user))),
        // `Conflict`: a concurrent write to the same email or username won the race.
        Err(StoreError::EmailTaken | StoreError::UsernameTaken | StoreError::Conflict) => {
            Err(conflict())
        }
        Err(e) => Err(e.into()),
    }
}

async fn default_organization(state: &AppState) -> Result<Uuid, CoderError> {
    match state.store.default_organization().await? {
        Some(o) => Ok(o.id),
        None => Err(CoderError::internal(&"no default organization")),
    }
}
