use crate::json::OrganizationJson;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::organizations::{self, NewOrganization, OrganizationError};
use gatehouse::auth::session::Session;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::model::Organization;
use gatehouse::wire::coder::{
    CoderError, CreateOrganizationRequest, Response, go_quote, write_json,
};

/// Coder's `ExtractOrganizationParam` writes its generic 404 and then this one: both reach the
/// client, and Go clients read the first.
fn organization_not_found(param: &str) -> CoderError {
    CoderError::new(
        StatusCode::NOT_FOUND,
        Response::message(format!(
            "Organization {param} not found.",
            param = go_quote(param)
        ))
        .with_detail("Provide either the organization id or name."),
    )
    .written_after(CoderError::not_found())
}

/// An organization refusal in Coder's words.
pub fn organization_error(e: OrganizationError) -> CoderError {
    match e {
        OrganizationError::Forbidden => CoderError::forbidden(),
        OrganizationError::NotFound => CoderError::not_found(),
        OrganizationError::ReservedName => {
            CoderError::bad_request("Organization name \"default\" is reserved.")
        }
        OrganizationError::NameTaken => CoderError::new(
            StatusCode::CONFLICT,
            Response::message("Organization already exists with that name."),
        ),
        OrganizationError::AlreadyMember => {
            CoderError::bad_request("Organization member already exists in this organization")
        }
        OrganizationError::CannotRemoveSelf => {
            CoderError::bad_request("cannot remove self from an organization")
        }
        OrganizationError::Store(e) => e.into(),
    }
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
        Some(o) if s.can("read", &organizations::organization_object(&o)) => Ok(o),
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

/// `GET /api/v2/organizations`: every organization the caller may read.
pub async fn list_organizations(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
) -> Result<HttpResponse, CoderError> {
    let found = organizations::visible(&state, &s, None)
        .await
        .map_err(organization_error)?;
    let body: Vec<OrganizationJson> = found.iter().map(OrganizationJson::from).collect();
    Ok(write_json(StatusCode::OK, &body))
}

/// `GET /api/v2/users/{user}/organizations`: the user's organizations the caller may read.
pub async fn user_organizations(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let user = user_param::resolve_readable(&state, &s, &param).await?;
    let found = organizations::visible(&state, &s, Some(&user))
        .await
        .map_err(organization_error)?;
    let body: Vec<OrganizationJson> = found.iter().map(OrganizationJson::from).collect();
    Ok(write_json(StatusCode::OK, &body))
}

/// `GET /api/v2/users/{user}/organizations/{organizationname}`: an organization by name (as
/// in Coder, membership of `{user}` is not required; reading it is).
pub async fn user_organization_by_name(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((param, name)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    user_param::resolve_readable(&state, &s, &param).await?;
    let found = if name.len() > 64 {
        None
    } else {
        state.store.organization_by_name(&name).await?
    };
    match found {
        Some(o) if s.can("read", &organizations::organization_object(&o)) => {
            Ok(write_json(StatusCode::OK, &OrganizationJson::from(&o)))
        }
        _ => Err(CoderError::not_found()),
    }
}

/// `POST /api/v2/organizations`: the creator becomes its first member.
pub async fn create_organization(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    if !s.can("create", &gatehouse::rbac::Object::any("organization")) {
        return Err(CoderError::forbidden());
    }
    let CoderJson(req) =
        CoderJson::<CreateOrganizationRequest>::from_request(request, &state).await?;
    let new = NewOrganization {
        name: req.name,
        display_name: req.display_name,
        description: req.description,
        icon: req.icon,
    };
    let organization = organizations::create(&state, &s, new)
        .await
        .map_err(organization_error)?;
    Ok(write_json(
        StatusCode::CREATED,
        &OrganizationJson::from(&organization),
    ))
}
