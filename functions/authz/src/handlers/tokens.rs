use crate::json::ApiKeyJson;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use gatehouse::AppState;
use gatehouse::auth::tokens::{self, MAX_TOKEN_NAME_BYTES, TokenError, TokenRequest};
use gatehouse::http::client_ip::ClientIp;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::wire::coder::{
    CoderError, CreateTokenRequest, Response, go_quote, parse_go_bool, write_json,
};
use serde_json::json;

/// A token refusal in Coder's words.
fn token_error(e: TokenError) -> CoderError {
    let failed = |detail: String| {
        CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Failed to create API key.").with_detail(detail),
        )
    };
    let invalid_lifetime = |detail: String| {
        CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Failed to validate create API key request.").with_detail(detail),
        )
    };
    match e {
        TokenError::Forbidden => CoderError::forbidden(),
        TokenError::BadScope(detail) | TokenError::AllowListTooLong(detail) => failed(detail),
        // Coder refuses a bad entry while decoding the body.
        TokenError::BadAllowList(detail) => CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Request body must be valid JSON.").with_detail(detail),
        ),
        TokenError::NonPositiveLifetime => {
            invalid_lifetime("lifetime must be positive number greater than 0".to_owned())
        }
        TokenError::LifetimeTooLong(hours) => {
            invalid_lifetime(format!("lifetime must be less than {hours}h0m0s"))
        }
        TokenError::NameTooLong => failed(format!(
            "token name must be at most {MAX_TOKEN_NAME_BYTES} bytes"
        )),
        TokenError::NameTaken(name) => CoderError::new(
            StatusCode::CONFLICT,
            Response::message(format!(
                "A token with name {name} already exists.",
                name = go_quote(&name)
            ))
            .with_validation("name", "This value is already in use and should be unique."),
        ),
        TokenError::Internal(e) => CoderError::internal(&e),
    }
}

/// `POST /api/v2/users/{user}/keys/tokens`: 201 `{"key"}`.
pub async fn create_token(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    ClientIp(ip): ClientIp,
    Path(param): Path<String>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    note.target(&owner);
    if !s.can(
        "create",
        &gatehouse::rbac::Object::owned_by("api_key", owner.id),
    ) {
        return Err(CoderError::forbidden());
    }
    let CoderJson(req) = CoderJson::<CreateTokenRequest>::from_request(request, &state).await?;
    let req = TokenRequest {
        lifetime_nanos: req.lifetime_nanos,
        scopes: req.scopes,
        scope: req.scope,
        name: req.token_name,
        allow_list: req.allow_list,
    };
    let token = tokens::create_token(&state, &s, &owner, req, ip)
        .await
        .map_err(token_error)?;
    Ok(write_json(StatusCode::CREATED, &json!({ "key": token })))
}

/// `POST /api/v2/users/{user}/keys`: a CLI session key, 201 `{"key"}` (no cookie).
pub async fn create_session_key(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    ClientIp(ip): ClientIp,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    note.target(&owner);
    let token = tokens::create_session_key(&state, &s, &owner, ip)
        .await
        .map_err(token_error)?;
    Ok(write_json(StatusCode::CREATED, &json!({ "key": token })))
}

/// `GET /api/v2/users/{user}/keys/tokens`: the user's API tokens, secrets never included; with
/// `?include_all=true`, every user's tokens the caller may read (Coder's admin view).
pub async fn list_tokens(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    // `r.URL.Query().Get`: the first value; anything ParseBool refuses is false.
    let include_all = query
        .iter()
        .find(|(k, _)| k == "include_all")
        .and_then(|(_, v)| parse_go_bool(v))
        .unwrap_or(false);
    let listed: Vec<ApiKeyJson> = if include_all {
        tokens::all_tokens(&state, &s)
            .await?
            .iter()
            .map(|(k, username)| ApiKeyJson::with_username(k, username))
            .collect()
    } else {
        tokens::tokens_of(&state, &s, &owner)
            .await?
            .iter()
            .map(|k| ApiKeyJson::with_username(k, &owner.username))
            .collect()
    };
    // Go encodes the empty (nil) slice as `null`.
    let body = (!listed.is_empty()).then_some(listed);
    Ok(write_json(StatusCode::OK, &body))
}

/// `GET /api/v2/users/{user}/keys/tokens/{keyname}`: the newest token of that name.
pub async fn token_by_name(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((param, name)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    let keys = tokens::tokens_of(&state, &s, &owner).await?;
    let key = keys
        .iter()
        .rev()
        .find(|k| k.token_name == name)
        .ok_or_else(CoderError::not_found)?;
    // `codersdk.APIKey`: unlike the list, no `username`.
    Ok(write_json(StatusCode::OK, &ApiKeyJson::new(key)))
}

/// `GET /api/v2/users/{user}/keys/tokens/tokenconfig`: 200 `{"max_token_lifetime"}` for tokens
/// of `{user}`, in nanoseconds (Go's `time.Duration`); the web UI offers lifetimes up to it.
pub async fn token_config(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    let nanos = tokens::max_lifetime_hours(&owner) * 3_600 * 1_000_000_000;
    Ok(write_json(
        StatusCode::OK,
        &json!({ "max_token_lifetime": nanos }),
    ))
}

/// `GET /api/v2/users/{user}/keys/{keyid}`: one of the user's keys (`codersdk.APIKey`).
pub async fn key_by_id(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((param, key_id)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    let key = tokens::key_of(&state, &s, &owner, &key_id)
        .await?
        .ok_or_else(CoderError::not_found)?;
    Ok(write_json(StatusCode::OK, &ApiKeyJson::new(&key)))
}

/// `DELETE /api/v2/users/{user}/keys/{keyid}`: 204.
pub async fn delete_key(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    note: gatehouse::http::activity_log::ActivityNote,
    Path((param, key_id)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    note.target(&owner);
    if tokens::delete_key(&state, &s, &owner, &key_id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(CoderError::not_found())
    }
}
