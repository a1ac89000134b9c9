//! API tokens and CLI session keys: what a caller may mint for whom, and their lifetimes,
//! scopes, allow lists and names.

use super::session::{self, KeySpec, Session};
use crate::Error;
use crate::model::{AllowListEntry, ApiKey, LoginType, User};
use crate::rbac::{AllowListError, Object, parse_allow_list, validate_scope_name};
use crate::state::AppState;
use crate::store::StoreError;
use crate::token::random_alphanumeric;
use chrono::Duration;
use std::net::IpAddr;

/// `--default-token-lifetime` (7 days), `--max-token-lifetime` (876600h) and
/// `--max-admin-token-lifetime` (168h), which caps the tokens of an owner.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::days(7);
pub const MAX_TOKEN_LIFETIME_HOURS: i64 = 876_600;
pub const MAX_ADMIN_TOKEN_LIFETIME_HOURS: i64 = 168;

/// Names are part of a store key (DynamoDB keys are at most 2 KB).
pub const MAX_TOKEN_NAME_BYTES: usize = 256;
/// A CLI session key (`POST /users/{user}/keys`) lives a week, sliding.
pub const SESSION_KEY_LIFETIME: Duration = Duration::days(7);

/// The longest lifetime a token for `owner` may have, in hours (Coder's `getMaxTokenLifetime`:
/// the cap is the token owner's, not the caller's).
pub fn max_lifetime_hours(owner: &User) -> i64 {
    if owner.has_site_role("owner") {
        MAX_ADMIN_TOKEN_LIFETIME_HOURS
    } else {
        MAX_TOKEN_LIFETIME_HOURS
    }
}

#[derive(Debug)]
pub enum TokenError {
    Forbidden,
    /// An unknown or malformed scope name (the catalogue's words).
    BadScope(String),
    /// A malformed allow-list entry (Coder's decoder's words).
    BadAllowList(String),
    /// More allow-list entries than Coder keeps (its handler's words).
    AllowListTooLong(String),
    NonPositiveLifetime,
    /// Longer than the cap, in hours.
    LifetimeTooLong(i64),
    NameTooLong,
    NameTaken(String),
    Internal(Error),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(StoreError::TokenNameTaken) => Self::NameTaken(String::new()),
            e => Self::Internal(e),
        }
    }
}

pub struct TokenRequest {
    /// Nanoseconds (Go's `time.Duration`); 0 for the default.
    pub lifetime_nanos: i64,
    /// `scopes`, or the deprecated single `scope` when `scopes` is empty.
    pub scopes: Vec<String>,
    pub scope: String,
    pub name: String,
    pub allow_list: Vec<String>,
}

/// The requested scopes, canonical; `coder:all` when none are given.
fn requested_scopes(req: &TokenRequest) -> Result<Vec<String>, TokenError> {
    let names: Vec<&String> = if req.scopes.is_empty() {
        std::iter::once(&req.scope)
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        req.scopes.iter().collect()
    };
    let mut scopes = Vec::new();
    for name in names {
        let canonical =
            validate_scope_name(name).map_err(|e| TokenError::BadScope(e.to_string()))?;
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
/// asked for must be one it has, and its allow list must cover the new one's.
fn within_caller(s: &Session, scopes: &[String], allow_list: &[AllowListEntry]) -> bool {
    let held: Vec<&str> = s.key.scopes.iter().map(|x| x.0.as_str()).collect();
    let scopes_ok =
        held.contains(&"coder:all") || scopes.iter().all(|w| held.contains(&w.as_str()));
    let covered = |e: &AllowListEntry| {
        s.key.allow_list.iter().any(|mine| {
            (mine.resource_type == "*" || mine.resource_type == e.resource_type)
                && (mine.id == "*" || mine.id == e.id)
        })
    };
    scopes_ok && allow_list.iter().all(covered)
}

fn lifetime(nanos: i64, max_hours: i64) -> Result<Duration, TokenError> {
    match nanos {
        0 => Ok(DEFAULT_TOKEN_LIFETIME),
        n if n < 0 => Err(TokenError::NonPositiveLifetime),
        n => {
            let lifetime = Duration::nanoseconds(n);
            if lifetime > Duration::hours(max_hours) {
                return Err(TokenError::LifetimeTooLong(max_hours));
            }
            // As Coder: the key expires after exactly this long (to the microsecond, as
            // Postgres keeps it); its `lifetime_seconds` is the whole seconds in it.
            Ok(Duration::microseconds(n / 1_000))
        }
    }
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

/// Mints an API token for `owner`; returns the token the client keeps.
pub async fn create_token(
    state: &AppState,
    s: &Session,
    owner: &User,
    req: TokenRequest,
    ip: IpAddr,
) -> Result<String, TokenError> {
    if !s.can("create", &Object::owned_by("api_key", owner.id)) {
        return Err(TokenError::Forbidden);
    }
    let scopes = requested_scopes(&req)?;
    let allow_list = parse_allow_list(&req.allow_list).map_err(|e| match e {
        AllowListError::BadEntry(detail) => TokenError::BadAllowList(detail),
        too_many @ AllowListError::TooMany(_) => TokenError::AllowListTooLong(too_many.to_string()),
    })?;
    if !within_caller(s, &scopes, &allow_list) {
        return Err(TokenError::Forbidden);
    }
    let lifetime = lifetime(req.lifetime_nanos, max_lifetime_hours(owner))?;
    let name = if req.name.is_empty() {
        random_token_name()
    } else {
        req.name
    };
    if name.len() > MAX_TOKEN_NAME_BYTES {
        return Err(TokenError::NameTooLong);
    }
    let spec = KeySpec {
        login_type: LoginType::Token,
        lifetime,
        token_name: name.clone(),
        scopes,
        allow_list,
    };
    match session::issue(state, owner, spec, ip).await {
        Ok((token, _)) => Ok(token),
        Err(Error::Store(StoreError::TokenNameTaken)) => Err(TokenError::NameTaken(name)),
        Err(e) => Err(e.into()),
    }
}

/// Mints a CLI session key for `owner` (Coder's `POST /users/{user}/keys`): a password-login
/// key with the caller's reach at most, a week long, sliding.
pub async fn create_session_key(
    state: &AppState,
    s: &Session,
    owner: &User,
    ip: IpAddr,
) -> Result<String, TokenError> {
    if !s.can("create", &Object::owned_by("api_key", owner.id)) {
        return Err(TokenError::Forbidden);
    }
    let spec = KeySpec {
        login_type: LoginType::Password,
        lifetime: SESSION_KEY_LIFETIME,
        token_name: String::new(),
        // Never broader than the key that asked for it.
        scopes: s.key.scopes.iter().map(|x| x.0.clone()).collect(),
        allow_list: s.key.allow_list.clone(),
    };
    let (token, _) = session::issue(state, owner, spec, ip).await?;
    Ok(token)
}

pub fn api_key_object(key: &ApiKey) -> Object {
    Object::owned_by("api_key", key.user_id).with_id(key.id.clone())
}

/// `owner`'s API tokens the caller may read, oldest first.
pub async fn tokens_of(state: &AppState, s: &Session, owner: &User) -> Result<Vec<ApiKey>, Error> {
    let mut keys: Vec<ApiKey> = state
        .store
        .api_keys_of_user(owner.id)
        .await?
        .into_iter()
        .filter(|k| k.login_type == LoginType::Token && s.can("read", &api_key_object(k)))
        .collect();
    keys.sort_by_key(|k| k.created_at);
    Ok(keys)
}

/// Every user's API tokens the caller may read (`?include_all=true`), each with its owner's
/// username, oldest first. Only users whose keys the caller may read at all are looked up, so
/// a member's answer costs one lookup of their own keys.
pub async fn all_tokens(state: &AppState, s: &Session) -> Result<Vec<(ApiKey, String)>, Error> {
    let mut out = Vec::new();
    for user in state.store.list_users().await? {
        if user.is_deleted() || !s.can("read", &Object::owned_by("api_key", user.id)) {
            continue;
        }
        for key in state.store.api_keys_of_user(user.id).await? {
            if key.login_type == LoginType::Token && s.can("read", &api_key_object(&key)) {
                out.push((key, user.username.clone()));
            }
        }
    }
    out.sort_by_key(|(k, _)| k.created_at);
    Ok(out)
}

/// One of `owner`'s keys by id, if the caller may read it.
pub async fn key_of(
    state: &AppState,
    s: &Session,
    owner: &User,
    key_id: &str,
) -> Result<Option<ApiKey>, Error> {
    if key_id.len() != crate::token::SESSION_ID_LEN {
        return Ok(None);
    }
    Ok(state
        .store
        .api_key(key_id)
        .await?
        .filter(|k| k.user_id == owner.id && s.can("read", &api_key_object(k))))
}

/// Deletes one of `owner`'s keys; false when there is none the caller may delete.
pub async fn delete_key(
    state: &AppState,
    s: &Session,
    owner: &User,
    key_id: &str,
) -> Result<bool, Error> {
    if key_id.len() != crate::token::SESSION_ID_LEN {
        return Ok(false);
    }
    match state.store.api_key(key_id).await? {
        Some(k) if k.user_id == owner.id && s.can("delete", &api_key_object(&k)) => {
            state.store.delete_api_key(&k.id).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}
