use super::organizations::{organization_error, resolve_organization};
use crate::json::{MemberWithUserJson, OrganizationMemberJson};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use gatehouse::AppState;
use gatehouse::auth::organizations;
use gatehouse::auth::roles::{self, RoleChangeError, RoleScope};
use gatehouse::auth::session::Session;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::model::{Organization, User};
use gatehouse::wire::coder::{CoderError, Response, UpdateRoles, go_quote, write_json};

/// 200 with the user's membership of `organization`.
fn member_response(user: &User, organization: &Organization) -> Result<HttpResponse, CoderError> {
    let m = organizations::membership(user, organization.id).ok_or_else(CoderError::not_found)?;
    Ok(write_json(
        StatusCode::OK,
        &OrganizationMemberJson::new(user, m),
    ))
}

/// The organization and a user who is a member of it: Coder's 400 for a user that does not
/// exist (or, here, that the caller may not read, so the two cannot be told apart), 404 for one
/// who is not a member.
async fn resolve_member(
    state: &AppState,
    s: &Session,
    org_param: &str,
    user_param_value: &str,
) -> Result<(Organization, User), CoderError> {
    let organization = resolve_organization(state, s, org_param).await?;
    let user = user_param::resolve_readable(state, s, user_param_value).await?;
    if organizations::membership(&user, organization.id).is_none()
        || !s.can("read", &organizations::member_object(&organization, &user))
    {
        return Err(CoderError::not_found());
    }
    Ok((organization, user))
}

/// `GET /api/v2/organizations/{organization}/members`: the members the caller may see, with
/// their user data.
pub async fn list_members(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(org_param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let organization = resolve_organization(&state, &s, &org_param).await?;
    let members = organizations::members(&state, &s, &organization)
        .await
        .map_err(organization_error)?;
    let body: Vec<MemberWithUserJson> = members
        .iter()
        .filter_map(|u| {
            organizations::membership(u, organization.id).map(|m| MemberWithUserJson::new(u, m))
        })
        .collect();
    Ok(write_json(StatusCode::OK, &body))
}

/// `POST /api/v2/organizations/{organization}/members/{user}`
pub async fn add_member(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((org_param, user_param_value)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let organization = resolve_organization(&state, &s, &org_param).await?;
    let user = user_param::resolve_readable(&state, &s, &user_param_value).await?;
    let user = organizations::add_member(&state, &s, &organization, user)
        .await
        .map_err(organization_error)?;
    member_response(&user, &organization)
}

/// `DELETE /api/v2/organizations/{organization}/members/{user}`
pub async fn remove_member(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((org_param, user_param_value)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let (organization, user) = resolve_member(&state, &s, &org_param, &user_param_value).await?;
    organizations::remove_member(&state, &s, &organization, user)
        .await
        .map_err(organization_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /api/v2/organizations/{organization}/members/{user}/roles`
pub async fn update_member_roles(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    Path((org_param, user_param_value)): Path<(String, String)>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let (organization, user) = resolve_member(&state, &s, &org_param, &user_param_value).await?;
    note.target(&user);
    let own_roles = || {
        CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("You cannot change your own organization roles.").with_detail(
                "Another user with the appropriate permissions must change your roles.",
            ),
        )
    };
    if user.id == s.user.id {
        return Err(own_roles());
    }
    let CoderJson(req) = CoderJson::<UpdateRoles>::from_request(request, &state).await?;
    let org_id = organization.id;
    if let Some(role) = req.roles.iter().find(|r| r.contains(':')) {
        return Err(CoderError::bad_request(format!(
            "attempt to assign a role {role}, remove the ':<organization_id> suffix",
            role = go_quote(role)
        )));
    }
    let scope = RoleScope::Organization(org_id);
    let user = roles::set_roles(&state, &s, user, scope, req.roles)
        .await
        .map_err(|e| match e {
            RoleChangeError::OwnRoles => own_roles(),
            RoleChangeError::Unsupported(role) => CoderError::bad_request(format!(
                "{} is not a supported role",
                go_quote(&format!("{role}:{org_id}"))
            )),
            RoleChangeError::Forbidden => CoderError::forbidden(),
            RoleChangeError::NotAssignable(role) => CoderError::bad_request(format!(
                "not authorized to assign role {}",
                go_quote(&format!("{role}:{org_id}"))
            )),
            RoleChangeError::NotMember => CoderError::not_found(),
            RoleChangeError::Store(e) => e.into(),
        })?;
    member_response(&user, &organization)
}
