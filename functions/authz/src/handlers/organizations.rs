use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::session::{Session, truncate};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::model::{Organization, OrganizationMembership};
use gatehouse::rbac::Object;
use gatehouse::store::StoreError;
use gatehouse::wire::coder::{CoderError, CreateOrganizationRequest, Response, write_json};

use crate::json::OrganizationJson;

fn organization_not_found(param: &str) -> CoderError {
    CoderError::new(
        StatusCode::NOT_FOUND,
        Response::message(format!("Organization {param:?} not found."))
            .with_detail("Provide either the organization id or name."),
    )
}

/// Coder's `ExtractOrganizationParam`: `default` (or the nil UUID), a UUID, or a name. An
/// organization the caller may not read does not exist for it.
pub async fn resolve_organization(
    state: &AppState,
    s: &Session,
    param: &str,
) -> Result<Organization, CoderError> {
    if param.is_empty() {
        return Err(CoderError::bad_request(
            "\"organization\" must be provided.",
        ));
    }
    let found = match uuid::Uuid::parse_str(param) {
        Ok(id) if id.is_nil() => state.store.default_organization().await?,
        Ok(id) => state.store.organization_by_id(id).await?,
        Err(_) if param == "default" => state.store.default_organization().await?,
        Err(_) if param.len() > 64 => None,
        Err(_) => state.store.organization_by_name(param).await?,
    };
    match found {
        Some(o)
            if s.can(
                "read",
                &Object::in_org("organization", o.id).with_id(o.id.to_string()),
            ) =>
        {
            Ok(o)
        }
        _ => Err(organization_not_found(param)),
    }
}

/// `GET /api/v2/organizations/{organization}`
pub async fn get_organization(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let organization = resolve_organization(&state, &s, &param).await?;
    Ok(write_json(
        StatusCode::OK,
        &OrganizationJson::from(&organization),
    ))
}

/// `POST /api/v2/organizations`: the creator becomes its first member.
pub async fn create_organization(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    if !s.can("create", &Object::any("organization")) {
        return Err(CoderError::forbidden());
    }
    let CoderJson(req) =
        CoderJson::<CreateOrganizationRequest>::from_request(request, &state).await?;
    if req.name == "default" {
        return Err(CoderError::bad_request(
            "Organization name \"default\" is reserved.",
        ));
    }
    let now = truncate(state.clock.now());
    let organization = Organization {
        id: uuid::Uuid::new_v4(),
        display_name: if req.display_name.is_empty() {
            req.name.clone()
        } else {
            req.display_name
        },
        name: req.name,
        description: req.description,
        icon: req.icon,
        is_default: false,
        created_at: now,
        updated_at: now,
    };
    // The organization and its creator's membership are written in one transaction; a
    // concurrent change to the creator retries against what is stored now.
    let mut creator = s.user.clone();
    for _ in 0..3 {
        let mut member = creator.clone();
        member
            .memberships
            .push(OrganizationMembership::new(organization.id, now));
        member.updated_at = now;
        match state
            .store
            .create_organization_with_member(&organization, &member)
            .await
        {
            Ok(_) => {
                return Ok(write_json(
                    StatusCode::CREATED,
                    &OrganizationJson::from(&organization),
                ));
            }
            Err(StoreError::OrganizationNameTaken) => {
                return Err(CoderError::new(
                    StatusCode::CONFLICT,
                    Response::message("Organization already exists with that name."),
                ));
            }
            Err(StoreError::Conflict) => {
                creator = state
                    .store
                    .user_by_id(creator.id)
                    .await?
                    .ok_or_else(CoderError::not_found)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(CoderError::internal(
        &"the creator changed concurrently while creating an organization",
    ))
}
