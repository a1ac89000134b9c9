use crate::json::ApiKeyJson;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use chrono::Duration;
use gatehouse::AppState;
use gatehouse::auth::session::{self, KeySpec, Session};
use gatehouse::http::client_ip::ClientIp;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::model::{ApiKey, LoginType, User};
use gatehouse::rbac::{Object, parse_allow_list, validate_scope_name};
use gatehouse::store::StoreError;
use gatehouse::token::random_alphanumeric;
use gatehouse::wire::coder::{CoderError, CreateTokenRequest, Response, write_json};
use serde_json::json;

/// `--default-token-lifetime` (7 days) and `--max-token-lifetime` (876600h).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::days(7);
const MAX_TOKEN_LIFETIME_HOURS: i64 = 876_600;
const MAX_TOKEN_NAME_BYTES: usize = 256;

fn api_key_object(owner: &User, key_id: &str) -> Object {
    Object::owned_by("api_key", owner.id).with_id(key_id.to_owned())
}

fn failed_to_create(detail: impl Into<String>) -> CoderError {
    CoderError::new(
        StatusCode::BAD_REQUEST,
        Response::message("Failed to create API key.").with_detail(detail),
    )
}

fn invalid_lifetime(detail: &str) -> CoderError {
    CoderError::new(
        StatusCode::BAD_REQUEST,
        Response::message("Failed to validate create API key request.").with_detail(detail),
    )
}

/// The requested scopes, canonical; `coder:all` when none are given.
fn requested_scopes(req: &CreateTokenRequest) -> Result<Vec<String>, CoderError> {
    // The deprecated single `scope` applies only when `scopes` is absent.
    let names: Vec<&String> = if req.scopes.is_empty() {
        std::iter::once(&req.scope)
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        req.scopes.iter().collect()
    };
    let mut scopes = Vec::new();
    for name in names {
        let canonical = validate_scope_name(name).map_err(|e| failed_to_create(e.to_string()))?;
        if !scopes.contains(&canonical) {
            scopes.push(canonical);
        }
    }
    if scopes.is_empty() {
        scopes.push("coder:all".to_owned());
    }
    Ok(scopes)
}

/// A key may not mint a token broader than itself: unless it holds `coder:all`, every scope
/// asked for must be one it has.
fn within_caller_scope(s: &Session, wanted: &[String]) -> bool {
    let held: Vec<&str> = s.key.scopes.iter().map(|x| x.0.as_str()).collect();
    held.contains(&"coder:all") || wanted.iter().all(|w| held.contains(&w.as_str()))
}

fn random_token_name() -> String {
    const ADJECTIVES: &[&str] = &[
        "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry",
        "nimble", "proud", "quiet", "swift", "witty",
    ];
    const NAMES: &[&str] = &[
        "curie", "darwin", "euler", "gauss", "hopper", "kepler", "lovelace", "noether", "pascal",
        "ritchie", "shannon", "turing",
    ];
    let pick = |list: &[&'static str]| {
        let i = random_alphanumeric(4).bytes().fold(0usize, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(b as usize)
        });
        list[i % list.len()]
    };
    format!(
        "{}_{}{}",
        pick(ADJECTIVES),
        pick(NAMES),
        random_alphanumeric(4).to_lowercase()
    )
}

/// `POST /api/v2/users/{user}/keys/tokens`: 201 `{"key"}`.
pub async fn create_token(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    ClientIp(ip): ClientIp,
    Path(param): Path<String>,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    if !s.can("create", &Object::owned_by("api_key", owner.id)) {
        return Err(CoderError::forbidden());
    }
    let CoderJson(req) = CoderJson::<CreateTokenRequest>::from_request(request, &state).await?;
    let scopes = requested_scopes(&req)?;
    // Coder rejects a bad entry while decoding the body.
    let allow_list = parse_allow_list(&req.allow_list).map_err(|detail| {
        CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Request body must be valid JSON.").with_detail(detail),
        )
    })?;
    if !within_caller_scope(&s, &scopes) {
        return Err(CoderError::forbidden());
    }
    let lifetime = match req.lifetime_nanos {
        0 => DEFAULT_TOKEN_LIFETIME,
        n if n < 0 => {
            return Err(invalid_lifetime(
                "lifetime must be positive number greater than 0",
            ));
        }
        n => {
            let lifetime = Duration::nanoseconds(n);
            if lifetime > Duration::hours(MAX_TOKEN_LIFETIME_HOURS) {
                return Err(invalid_lifetime(&format!(
                    "lifetime must be less than {MAX_TOKEN_LIFETIME_HOURS}h0m0s"
                )));
            }
            // Whole seconds, at least one.
            Duration::seconds(lifetime.num_seconds().max(1))
        }
    };
    let name = if req.token_name.is_empty() {
        random_token_name()
    } else {
        req.token_name.clone()
    };
    // Names are part of a store key (DynamoDB keys are at most 2 KB).
    if name.len() > MAX_TOKEN_NAME_BYTES {
        return Err(failed_to_create(format!(
            "token name must be at most {MAX_TOKEN_NAME_BYTES} bytes"
        )));
    }
    let spec = KeySpec {
        login_type: LoginType::Token,
        lifetime,
        token_name: name.clone(),
        scopes,
        allow_list,
    };
    match session::issue(&state, &owner, spec, ip).await {
        Ok((token, _)) => Ok(write_json(StatusCode::CREATED, &json!({ "key": token }))),
        Err(gatehouse::Error::Store(StoreError::TokenNameTaken)) => Err(CoderError::new(
            StatusCode::CONFLICT,
            Response::message(format!("A token with name {name:?} already exists."))
                .with_validation("name", "This value is already in use and should be unique."),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn tokens_of(state: &AppState, s: &Session, owner: &User) -> Result<Vec<ApiKey>, CoderError> {
    let mut keys: Vec<ApiKey> = state
        .store
        .api_keys_of_user(owner.id)
        .await?
        .into_iter()
        .filter(|k| {
            k.login_type == LoginType::Token && s.can("read", &api_key_object(owner, &k.id))
        })
        .collect();
    keys.sort_by_key(|k| k.created_at);
    Ok(keys)
}

/// `GET /api/v2/users/{user}/keys/tokens`: the user's API tokens, secrets never included.
pub async fn list_tokens(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    let keys = tokens_of(&state, &s, &owner).await?;
    let body: Option<Vec<ApiKeyJson>> =
        // Go encodes the empty (nil) slice as `null`.
        if keys.is_empty() { None } else { Some(keys.iter().map(|k| ApiKeyJson::new(k, &owner)).collect()) };
    Ok(write_json(StatusCode::OK, &body))
}

/// `GET /api/v2/users/{user}/keys/tokens/{keyname}`
pub async fn token_by_name(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((param, name)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    let keys = tokens_of(&state, &s, &owner).await?;
    let key = keys
        .iter()
        .rev()
        .find(|k| k.token_name == name)
        .ok_or_else(CoderError::not_found)?;
    Ok(write_json(StatusCode::OK, &ApiKeyJson::new(key, &owner)))
}

/// `DELETE /api/v2/users/{user}/keys/{keyid}`: 204.
pub async fn delete_key(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path((param, key_id)): Path<(String, String)>,
) -> Result<HttpResponse, CoderError> {
    let owner = user_param::resolve_readable(&state, &s, &param).await?;
    if key_id.len() != gatehouse::token::SESSION_ID_LEN {
        return Err(CoderError::not_found());
    }
    match state.store.api_key(&key_id).await? {
        Some(k) if k.user_id == owner.id && s.can("delete", &api_key_object(&owner, &k.id)) => {
            state.store.delete_api_key(&k.id).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(CoderError::not_found()),
    }
}
