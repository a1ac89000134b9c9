use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::rbac::Object;
use gatehouse::wire::coder::{
    AuthorizationCheck, AuthorizationRequest, CoderError, Response, go_quote, parse_go_uuid,
    write_json,
};
use serde_json::{Map, Value};

const MAX_RESOURCE_ID_CHECKS: usize = 10;
/// Coder sets no bound; one request evaluating more than this is refused rather than served.
const MAX_CHECKS: usize = 1000;
const RESOURCE_ID_TYPES: &[&str] = &["workspace", "template", "user", "group"];

/// `POST /api/v2/authcheck`: each check answered for the caller's roles and key scope.
pub async fn check_authorization(
    State(state): State<AppState>,
    CoderSession(session): CoderSession,
    CoderJson(req): CoderJson<AuthorizationRequest>,
) -> Result<HttpResponse, CoderError> {
    if req.checks.len() > MAX_CHECKS {
        return Err(CoderError::bad_request(format!(
            "Endpoint only supports up to {MAX_CHECKS} checks, found {} checks. Split the request.",
            req.checks.len()
        )));
    }
    let with_id = req
        .checks
        .iter()
        .filter(|(_, c)| !c.object.resource_id.is_empty())
        .count();
    if with_id > MAX_RESOURCE_ID_CHECKS {
        return Err(CoderError::bad_request(format!(
            "Endpoint only supports using \"resource_id\" field {MAX_RESOURCE_ID_CHECKS} times, found {with_id} usages. Remove {} objects with this field set.",
            with_id - MAX_RESOURCE_ID_CHECKS
        )));
    }
    let mut answers = Map::with_capacity(req.checks.len());
    for (key, check) in &req.checks {
        let allowed = evaluate(&state, &session, key, check).await?;
        answers.insert(key.clone(), Value::Bool(allowed));
    }
    Ok(write_json(StatusCode::OK, &answers))
}

async fn evaluate(
    state: &AppState,
    session: &gatehouse::auth::session::Session,
    key: &str,
    check: &AuthorizationCheck,
) -> Result<bool, CoderError> {
    let o = &check.object;
    if o.resource_type.is_empty() {
        return Err(CoderError::bad_request(format!(
            "Object's \"resource_type\" field must be defined for key \"{key}\"."
        )));
    }
    let owner = if o.owner_id == "me" {
        session.user.id.to_string()
    } else {
        o.owner_id.clone()
    };
    let mut object = Object {
        owner,
        org_owner: o.organization_id.clone(),
        any_org: o.any_org,
        resource_type: o.resource_type.clone(),
        ..Object::default()
    };
    if !o.resource_id.is_empty() {
        let id = parse_go_uuid(&o.resource_id).map_err(|detail| {
            CoderError::new(
                StatusCode::BAD_REQUEST,
                Response::message(format!(
                    "Object {} id is not a valid uuid.",
                    go_quote(&o.resource_id)
                ))
                .with_validation("resource_id", detail),
            )
        })?;
        if !RESOURCE_ID_TYPES.contains(&o.resource_type.as_str()) {
            let message = format!(
                "Object type {} does not support \"resource_id\" field.",
                go_quote(&o.resource_type)
            );
            return Err(CoderError::new(
                StatusCode::BAD_REQUEST,
                Response::message(message.clone()).with_validation("resource_type", message),
            ));
        }
        // The object is fetched as the caller: one it may not read, or that this service does
        // not hold (workspaces, templates, groups), answers false.
        object = match o.resource_type.as_str() {
            "user" => match state.store.user_by_id(id).await? {
                Some(u) if !u.is_deleted() && session.can("read", &Object::user(u.id)) => {
                    Object::user(u.id)
                }
                _ => return Ok(false),
            },
            _ => return Ok(false),
        };
    }
    Ok(session.can(&check.action, &object))
}
