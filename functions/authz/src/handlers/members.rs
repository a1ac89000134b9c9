use super::organizations::resolve_organization;
use crate::json::OrganizationMemberJson;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use gatehouse::AppState;
use gatehouse::auth::session::{Session, truncate};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::model::{Organization, OrganizationMembership, User};
use gatehouse::rbac::{Object, can_assign, is_org_role};
use gatehouse::store::update_user_with;
use gatehouse::wire::coder::{CoderError, Response, UpdateRoles, write_json};

/// Applies `change` to `user` and saves it, re-reading and re-applying on a concurrent write.
async fn save_with_retry(
    state: &AppState,
    user: User,
    mut change: impl FnMut(&mut User) -> Result<(), CoderError>,
) -> Result<User, CoderError> {
    let now = truncate(state.clock.now());
    update_user_with(&*state.store, user, |u| {
        change(u)?;
        u.updated_at = now;
        Ok(())
    })
    .await
}

fn membership(user: &User, organization: &Organization) -> Option<OrganizationMembership> {
    user.memberships
        .iter()
        .find(|m| m.organization_id == organization.id)
        .cloned()
}

/// 200 with the user's membership of `organization`.
fn member_response(user: &User, organization: &Organization) -> Result<HttpResponse, CoderError> {
    let m = membership(user, organization).ok_or_else(CoderError::not_found)?;
    Ok(write_json(
        StatusCode::OK,
        &OrganizationMemberJson::new(user, &m),
    ))
}

fn member_object(organization: &Organization, user: &User) -> Object {
    Object {
        id: user.id.to_string(),
        owner: user.id.to_string(),
        ..Object::in_org("organization_member", organization.id)
    }
}

/// The organization and a user who is a member of it (404 otherwise).
async fn resolve_member(
    state: &AppState,
    s: &Session,
    org_param: &str,
    user_param_value: &str,
) -> Result<(Organization, User, OrganizationMembership), CoderError> {
    let organization = resolve_organization(state, s, org_param).await?;
    let user = user_param::resolve(state, &s.user, user_param_value)
        .await
        .map_err(|_| CoderError::not_found())?;
    let m = membership(&user, &organization).ok_or_else(CoderError::not_found)?;
    if !s.can("read", &member_object(&organization, &user)) {
        return Err(CoderError::not_found());
    }
    Ok((organization, user, m))
}

/// `POST /api/v2/organizations/{organization}/members/{user}`
pub async fn add_member(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((org_param, user_param_value)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let organization = resolve_organization(&state, &s, &org_param).await?;
    let user = user_param::resolve_readable(&state, &s, &user_param_value).await?;
    if !s.can("create", &member_object(&organization, &user)) {
        return Err(CoderError::not_found());
    }
    let now = truncate(state.clock.now());
    let user = save_with_retry(&state, user, |u| {
        if membership(u, &organization).is_some() {
            return Err(CoderError::bad_request(
                "Organization member already exists in this organization",
            ));
        }
        u.memberships
            .push(OrganizationMembership::new(organization.id, now));
        Ok(())
    })
    .await?;
    member_response(&user, &organization)
}

/// `DELETE /api/v2/organizations/{organization}/members/{user}`
pub async fn remove_member(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((org_param, user_param_value)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let (organization, user, _) = resolve_member(&state, &s, &org_param, &user_param_value).await?;
    if user.id == s.user.id {
        return Err(CoderError::bad_request(
            "cannot remove self from an organization",
        ));
    }
    if !s.can("delete", &member_object(&organization, &user)) {
        return Err(CoderError::not_found());
    }
    save_with_retry(&state, user, |u| {
        u.memberships
            .retain(|m| m.organization_id != organization.id);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /api/v2/organizations/{organization}/members/{user}/roles`
pub async fn update_member_roles(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((org_param, user_param_value)): Path<(String, String)>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let (organization, user, _) = resolve_member(&state, &s, &org_param, &user_param_value).await?;
    if user.id == s.user.id {
        return Err(CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("You cannot change your own organization roles.").with_detail(
                "Another user with the appropriate permissions must change your roles.",
            ),
        ));
    }
    let CoderJson(req) = CoderJson::<UpdateRoles>::from_request(request, &state).await?;
    let org_id = organization.id;
    let mut wanted: Vec<String> = Vec::new();
    for role in req.roles {
        if role.contains(':') {
            return Err(CoderError::bad_request(format!(
                "attempt to assign a role {role:?}, remove the ':<organization_id> suffix"
            )));
        }
        if !is_org_role(&role) {
            return Err(CoderError::bad_request(format!(
                "\"{role}:{org_id}\" is not a supported role"
            )));
        }
        // `organization-member` is implied by membership and never stored.
        if role != "organization-member" && !wanted.contains(&role) {
            wanted.push(role);
        }
    }
    let mut held: Vec<&str> = s.user.roles.iter().map(String::as_str).collect();
    if let Some(mine) = s
        .user
        .memberships
        .iter()
        .find(|m| m.organization_id == org_id)
    {
        held.extend(mine.roles.iter().map(String::as_str));
    }
    let assign_object = Object::in_org("assign_org_role", org_id);
    let user = save_with_retry(&state, user, |u| {
        let Some(m) = u
            .memberships
            .iter_mut()
            .find(|m| m.organization_id == org_id)
        else {
            return Err(CoderError::not_found());
        };
        let added: Vec<&String> = wanted.iter().filter(|r| !m.roles.contains(r)).collect();
        let removed: Vec<&String> = m.roles.iter().filter(|r| !wanted.contains(r)).collect();
        if (!added.is_empty() && !s.can("assign", &assign_object))
            || (!removed.is_empty() && !s.can("unassign", &assign_object))
        {
            return Err(CoderError::forbidden());
        }
        if let Some(role) = added
            .into_iter()
            .chain(removed)
            .find(|r| !can_assign(&held, r))
        {
            return Err(CoderError::bad_request(format!(
                "not authorized to assign role \"{role}:{org_id}\""
            )));
        }
        m.roles = wanted.clone();
        m.updated_at = truncate(state.clock.now());
        Ok(())
    })
    .await?;
    member_response(&user, &organization)
}
