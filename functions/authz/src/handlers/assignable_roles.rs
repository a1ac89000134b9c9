use super::organizations::resolve_organization;
use crate::json::AssignableRoleJson;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::roles::{RoleScope, assignable_roles};
use gatehouse::http::coder_session::CoderSession;
use gatehouse::rbac::Object;
use gatehouse::wire::coder::{CoderError, write_json};

/// `GET /api/v2/users/roles`: the built-in site roles, each marked assignable by the caller.
pub async fn site_roles(CoderSession(s): CoderSession) -> Result<HttpResponse, CoderError> {
    if !s.can("read", &Object::any("assign_role")) {
        return Err(CoderError::forbidden());
    }
    let body: Vec<AssignableRoleJson> = assignable_roles(&s, RoleScope::Site)
        .iter()
        .map(|r| AssignableRoleJson::new(r, None))
        .collect();
    Ok(write_json(StatusCode::OK, &body))
}

/// `GET /api/v2/organizations/{organization}/members/roles`: the organization's built-in
/// roles, each marked assignable by the caller.
pub async fn organization_roles(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(org_param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let organization = resolve_organization(&state, &s, &org_param).await?;
    if !s.can("read", &Object::in_org("assign_org_role", organization.id)) {
        return Err(CoderError::not_found());
    }
    let body: Vec<AssignableRoleJson> =
        assignable_roles(&s, RoleScope::Organization(organization.id))
            .iter()
            .map(|r| AssignableRoleJson::new(r, Some(organization.id)))
            .collect();
    Ok(write_json(StatusCode::OK, &body))
}
