use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::roles::{self, RoleChangeError, RoleScope};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::rbac::Object;
use gatehouse::wire::coder::{CoderError, UpdateRoles, UserJson, go_quote, write_json};
use serde_json::{Map, Value, json};

/// `GET /api/v2/users/{user}/roles`: stored site roles and each organization's roles.
pub async fn user_roles(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let user = user_param::resolve_readable(&state, &s, &param).await?;
    if !s.can("read_personal", &Object::user(user.id)) {
        return Err(CoderError::not_found());
    }
    let mut organization_roles = Map::new();
    let mut memberships = user.memberships.clone();
    memberships.sort_by_key(|m| m.organization_id.to_string());
    for m in memberships {
        organization_roles.insert(m.organization_id.to_string(), json!(m.roles));
    }
    Ok(write_json(
        StatusCode::OK,
        &json!({ "roles": user.roles, "organization_roles": Value::Object(organization_roles) }),
    ))
}

/// `PUT /api/v2/users/{user}/roles`: replaces the user's site roles. Nobody changes their own
/// roles, and each role granted or revoked must be one the caller may assign.
pub async fn update_user_roles(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    Path(param): Path<String>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let target = user_param::resolve_readable(&state, &s, &param).await?;
    note.target(&target);
    if target.id == s.user.id {
        return Err(CoderError::bad_request("You cannot change your own roles."));
    }
    let CoderJson(req) = CoderJson::<UpdateRoles>::from_request(request, &state).await?;
    let user = roles::set_roles(&state, &s, target, RoleScope::Site, req.roles)
        .await
        .map_err(|e| match e {
            RoleChangeError::OwnRoles => {
                CoderError::bad_request("You cannot change your own roles.")
            }
            RoleChangeError::Unsupported(role) => CoderError::bad_request(format!(
                "{role} is not a supported role",
                role = go_quote(&role)
            )),
            RoleChangeError::Forbidden => CoderError::forbidden(),
            RoleChangeError::NotAssignable(role) => CoderError::bad_request(format!(
                "not authorized to assign role {role}",
                role = go_quote(&role)
            )),
            RoleChangeError::NotMember => CoderError::not_found(),
            RoleChangeError::Store(e) => e.into(),
        })?;
    Ok(write_json(StatusCode::OK, &UserJson::from(&user)))
}
