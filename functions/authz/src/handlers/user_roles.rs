use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::session::{Session, truncate};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::rbac::{Object, can_assign, is_site_role};
use gatehouse::store::update_user_with;
use gatehouse::wire::coder::{CoderError, UpdateRoles, UserJson, write_json};
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
    Path(param): Path<String>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let target = user_param::resolve_readable(&state, &s, &param).await?;
    if target.id == s.user.id {
        return Err(CoderError::bad_request("You cannot change your own roles."));
    }
    let CoderJson(req) = CoderJson::<UpdateRoles>::from_request(request, &state).await?;
    let mut wanted: Vec<String> = Vec::new();
    for role in req.roles {
        if !is_site_role(&role) {
            return Err(CoderError::bad_request(format!(
                "{role:?} is not a supported role"
            )));
        }
        // `member` is implied for everyone and never stored.
        if role != "member" && !wanted.contains(&role) {
            wanted.push(role);
        }
    }
    // A concurrent change to the user re-runs the checks against what is stored now.
    let now = truncate(state.clock.now());
    let target = update_user_with(&*state.store, target, |u| {
        check_assignments(&s, &u.roles, &wanted)?;
        u.roles = wanted.clone();
        u.updated_at = now;
        Ok::<(), CoderError>(())
    })
    .await?;
    Ok(write_json(StatusCode::OK, &UserJson::from(&target)))
}

/// Every role granted or revoked must be one the caller may assign (403 without the
/// permission at all, 400 naming the first role it may not assign).
fn check_assignments(s: &Session, current: &[String], wanted: &[String]) -> Result<(), CoderError> {
    let added: Vec<&String> = wanted.iter().filter(|r| !current.contains(r)).collect();
    let removed: Vec<&String> = current.iter().filter(|r| !wanted.contains(r)).collect();
    if (!added.is_empty() && !s.can("assign", &Object::any("assign_role")))
        || (!removed.is_empty() && !s.can("unassign", &Object::any("assign_role")))
    {
        return Err(CoderError::forbidden());
    }
    let held: Vec<&str> = s.user.roles.iter().map(String::as_str).collect();
    match added
        .into_iter()
        .chain(removed)
        .find(|r| !can_assign(&held, r))
    {
        Some(role) => Err(CoderError::bad_request(format!(
            "not authorized to assign role {role:?}"
        ))),
        None => Ok(()),
    }
}
