//! Who is making a Barong resource (or authorizer) request, checked in Barong's authz order
//! (`lib/barong/authorize.rb`): API-key headers when any is present, else the session cookie
//! (CSRF first for a mutating request), else a bearer token (a JWT Gatehouse minted, or a Coder
//! session token). Written once for the resource group, the admin API and the authorizer.

use super::session::{self, CookieError};
use super::signature;
use crate::Error;
use crate::model::{BarongApiKey, BarongSession, ServiceAccount, User};
use crate::state::AppState;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// The `X-Auth-*` headers as received.
#[derive(Debug, Default, Clone, Copy)]
pub struct ApiKeyHeaders<'a> {
    pub kid: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub signature: Option<&'a str>,
    /// One of them was repeated or is not text: such a request names no single key.
    pub malformed: bool,
}

impl ApiKeyHeaders<'_> {
    pub fn any(&self) -> bool {
        self.malformed || self.kid.is_some() || self.nonce.is_some() || self.signature.is_some()
    }
}

/// Everything a request presents.
#[derive(Debug, Clone, Copy)]
pub struct Presented<'a> {
    pub api_key: ApiKeyHeaders<'a>,
    pub cookie: Option<&'a str>,
    pub csrf_token: Option<&'a str>,
    pub bearer: Option<&'a str>,
    /// POST, PUT, PATCH, DELETE, TRACE (Barong's CSRF-checked verbs).
    pub mutating: bool,
    pub ip: IpAddr,
    pub user_agent: &'a str,
}

/// Who the request acts as.
#[derive(Debug, Clone)]
pub enum Principal {
    User(User),
    ServiceAccount {
        owner: User,
        account: ServiceAccount,
    },
}

impl Principal {
    pub fn uid(&self) -> &str {
        match self {
            Self::User(u) => &u.uid,
            Self::ServiceAccount { account, .. } => &account.uid,
        }
    }

    pub fn role(&self) -> &str {
        match self {
            Self::User(u) => u.barong_role(),
            Self::ServiceAccount { account, .. } => &account.role,
        }
    }

    /// The account whose rules apply: the user, or the service account's owner.
    pub fn user(&self) -> &User {
        match self {
            Self::User(u) | Self::ServiceAccount { owner: u, .. } => u,
        }
    }

    /// Barong's authz JWT payload, after the standard claims: a user's `uid, username, email,
    /// role, level, state, referral_id`; a service account's `uid, email, role, level, state`.
    /// `referral_id` is Barong's internal numeric id of the referrer, which Gatehouse does
    /// not have: always null.
    pub fn authz_claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        match self {
            Self::User(u) => {
                claims.insert("uid".into(), u.uid.clone().into());
                let username = (!u.username_generated).then(|| u.username.clone());
                claims.insert("username".into(), username.into());
                claims.insert("email".into(), u.email.clone().into());
                claims.insert("role".into(), u.barong_role().into());
                claims.insert("level".into(), u.level.into());
                claims.insert("state".into(), u.barong_state.as_str().into());
                claims.insert("referral_id".into(), Value::Null);
            }
            Self::ServiceAccount { owner, account } => {
                claims.insert("uid".into(), account.uid.clone().into());
                claims.insert("email".into(), account.email.clone().into());
                claims.insert("role".into(), account.role.clone().into());
                claims.insert("level".into(), owner.level.into());
                claims.insert(
                    "state".into(),
                    owner.service_account_state(account).to_owned().into(),
                );
            }
        }
        claims
    }
}

/// How the request authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    Cookie(Box<BarongSession>),
    ApiKey(String),
    Bearer,
}

#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    pub via: Via,
}

/// Why a request is refused, in Barong's words (`authz.*`, `jwt.decode_and_verify`).
#[derive(Debug)]
pub enum Refusal {
    /// Nothing presented at all (the resource API's `jwt.decode_and_verify`).
    NoCredentials,
    /// A bearer token that does not verify.
    BadBearer,
    /// A verified JWT whose uid is no user (`record.not_found`, as Barong's resource API).
    UnknownSubject,
    InvalidApiKeyHeaders,
    UnexistentApiKey,
    NonceNotValidTimestamp,
    NonceExpired,
    /// The nonce signed this key's request before: a replay (Barong has no replay check).
    NonceAlreadyUsed,
    InvalidSignature,
    ApiKeyNotActive,
    InvalidSession,
    Disabled2fa,
    MissingCsrfToken,
    CsrfTokenMismatch,
    ClientSessionMismatch,
    UserNotActive,
    Internal(Error),
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidApiKeyHeaders => 422,
            Self::UnknownSubject => 404,
            Self::Internal(_) => 500,
            _ => 401,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            Self::NoCredentials | Self::BadBearer => "jwt.decode_and_verify",
            Self::UnknownSubject => "record.not_found",
            Self::InvalidApiKeyHeaders => "authz.invalid_api_key_headers",
            Self::UnexistentApiKey => "authz.unexistent_apikey",
            Self::NonceNotValidTimestamp => "authz.nonce_not_valid_timestamp",
            Self::NonceExpired => "authz.nonce_expired",
            Self::NonceAlreadyUsed => "authz.nonce_already_used",
            Self::InvalidSignature => "authz.invalid_signature",
            Self::ApiKeyNotActive => "authz.apikey_not_active",
            Self::InvalidSession => "authz.invalid_session",
            Self::Disabled2fa => "authz.disabled_2fa",
            Self::MissingCsrfToken => "authz.missing_csrf_token",
            Self::CsrfTokenMismatch => "authz.csrf_token_mismatch",
            Self::ClientSessionMismatch => "authz.client_session_mismatch",
            Self::UserNotActive => "authz.user_not_active",
            Self::Internal(_) => "server.internal_error",
        }
    }
}

impl<E: Into<Error>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// Checks what the request presents; see the module docs for the order.
pub async fn authenticate(
    state: &AppState,
    presented: &Presented<'_>,
) -> Result<Authenticated, Refusal> {
    if presented.api_key.any() {
        return api_key(state, &presented.api_key).await;
    }
    if let Some(cookie) = presented.cookie.filter(|c| !c.is_empty()) {
        return cookie_session(state, presented, cookie).await;
    }
    match presented.bearer.filter(|b| !b.is_empty()) {
        Some(token) => bearer(state, token, presented.ip).await,
        None => Err(Refusal::NoCredentials),
    }
}

async fn cookie_session(
    state: &AppState,
    presented: &Presented<'_>,
    cookie: &str,
) -> Result<Authenticated, Refusal> {
    let csrf = if presented.mutating {
        Some(presented.csrf_token.ok_or(Refusal::MissingCsrfToken)?)
    } else {
        None
    };
    let found = session::authenticate_with_csrf(
        state,
        Some(cookie),
        csrf,
        presented.ip,
        presented.user_agent,
    )
    .await
    .map_err(|e| match e {
        CookieError::InvalidSession => Refusal::InvalidSession,
        CookieError::ClientSessionMismatch => Refusal::ClientSessionMismatch,
        CookieError::UserNotActive => Refusal::UserNotActive,
        CookieError::CsrfTokenMismatch => Refusal::CsrfTokenMismatch,
        CookieError::Internal(e) => Refusal::Internal(e),
    })?;
    Ok(Authenticated {
        principal: Principal::User(found.user),
        via: Via::Cookie(Box::new(found.session)),
    })
}

/// A kid is 16 lower-case hex digits; anything else names no key (and is not looked up).
pub fn is_kid(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The context a key's secret is sealed under: a sealed secret opens only on its own key.
pub fn secret_context(kid: &str) -> String {
    format!("barong-api-key:{kid}")
}

async fn api_key(state: &AppState, headers: &ApiKeyHeaders<'_>) -> Result<Authenticated, Refusal> {
    fn present(v: Option<&str>) -> Option<&str> {
        v.filter(|v| !v.trim().is_empty())
    }
    let (Some(kid), Some(nonce), Some(sent), false) = (
        present(headers.kid),
        present(headers.nonce),
        present(headers.signature),
        headers.malformed,
    ) else {
        return Err(Refusal::InvalidApiKeyHeaders);
    };
    if !is_kid(kid) {
        return Err(Refusal::UnexistentApiKey);
    }
    let (key, owner) = state
        .store
        .barong_api_key_with_user(kid)
        .await?
        .ok_or(Refusal::UnexistentApiKey)?;
    let nonce_ms = signature::ruby_to_i(nonce);
    if nonce_ms <= 0 {
        return Err(Refusal::NonceNotValidTimestamp);
    }
    let now = state.clock.now();
    let lifetime = state
        .settings
        .barong
        .apikey_nonce_lifetime
        .num_milliseconds();
    if now.timestamp_millis().abs_diff(nonce_ms) >= lifetime.unsigned_abs() {
        return Err(Refusal::NonceExpired);
    }
    let sealing = state.sealing_key().await?;
    let secret = sealing
        .open(&secret_context(kid), &key.sealed_secret)
        .map_err(|e| Error::Internal(format!("API key {kid}: {e}")))?;
    let secret = String::from_utf8_lossy(&secret);
    if !signature::verify(&secret, nonce, kid, sent) {
        return Err(Refusal::InvalidSignature);
    }
    let owner = owner.ok_or(Refusal::UnexistentApiKey)?;
    let principal = holder(&key, owner)?;
    claim_nonce(state, kid, nonce).await?;
    Ok(Authenticated {
        principal,
        via: Via::ApiKey(key.kid),
    })
}

/// Barong's checks on the key and its holder, in its order.
fn holder(key: &BarongApiKey, owner: User) -> Result<Principal, Refusal> {
    if key.effective_state(owner.api_key_generation) != "active" {
        return Err(Refusal::ApiKeyNotActive);
    }
    match &key.service_account_uid {
        None => {
            if !owner.barong_may_sign_in() {
                return Err(Refusal::InvalidSession);
            }
            if !owner.totp_enabled {
                return Err(Refusal::Disabled2fa);
            }
            Ok(Principal::User(owner))
        }
        Some(uid) => {
            let account = owner
                .service_accounts
                .iter()
                .find(|a| &a.uid == uid)
                .cloned()
                .ok_or(Refusal::UnexistentApiKey)?;
            if owner.is_deleted()
                || !matches!(owner.service_account_state(&account), "active" | "pending")
            {
                return Err(Refusal::InvalidSession);
            }
            Ok(Principal::ServiceAccount { owner, account })
        }
    }
}

/// A nonce signs one request: the first use claims it for as long as it could still be
/// accepted, on every instance (a store counter), so a captured request cannot be replayed.
async fn claim_nonce(state: &AppState, kid: &str, nonce: &str) -> Result<(), Refusal> {
    let now = state.clock.now();
    // The nonce as sent is what was signed; its digest keeps the key short whatever was sent.
    let digest = Sha256::digest(nonce.as_bytes());
    let key = format!("barong-nonce:{kid}:{}", crate::token::hex(&digest));
    let window = state.settings.barong.apikey_nonce_lifetime;
    match state
        .store
        .increment_below(&key, 1, now + window + window, now)
        .await
    {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(Refusal::NonceAlreadyUsed),
        Err(e) => Err(Refusal::Internal(e.into())),
    }
}

async fn bearer(state: &AppState, token: &str, ip: IpAddr) -> Result<Authenticated, Refusal> {
    if token.bytes().filter(|b| *b == b'.').count() == 2 {
        return minted_jwt(state, token).await;
    }
    // A Coder session token: the same account, signed in on the other surface. Only a token
    // with Coder's full scope acts on the account here.
    let session = match crate::auth::session::authenticate(state, Some(token), ip).await {
        Ok(s) => s,
        Err(crate::auth::session::SessionError::Internal(e)) => return Err(Refusal::Internal(e)),
        Err(crate::auth::session::SessionError::Inactive(_)) => {
            return Err(Refusal::UserNotActive);
        }
        Err(_) => return Err(Refusal::BadBearer),
    };
    let full = session
        .key
        .scopes
        .iter()
        .any(|s| s.0 == "coder:all" || s.0 == "all")
        && session
            .key
            .allow_list
            .iter()
            .any(|e| e.resource_type == "*" && e.id == "*");
    if !full {
        return Err(Refusal::BadBearer);
    }
    let user = session.user;
    if !user.barong_may_sign_in() {
        return Err(Refusal::UserNotActive);
    }
    Ok(Authenticated {
        principal: Principal::User(user),
        via: Via::Bearer,
    })
}

/// A JWT minted by Gatehouse (sub `session`), as Barong's resource API accepts it.
async fn minted_jwt(state: &AppState, token: &str) -> Result<Authenticated, Refusal> {
    let key = state.barong_jwt_key().await?;
    let claims = key
        .decode(token, "session", state.clock.now())
        .map_err(|_| Refusal::BadBearer)?;
    if claims
        .get("jti")
        .is_none_or(|j| j.as_str().is_none_or(str::is_empty))
    {
        return Err(Refusal::BadBearer);
    }
    let uid = claims
        .get("uid")
        .and_then(Value::as_str)
        .ok_or(Refusal::BadBearer)?;
    // A Coder deletion frees the account's identity: the uid names no user any more.
    let user = state
        .store
        .user_by_uid(uid)
        .await?
        .filter(|u| !u.deleted)
        .ok_or(Refusal::UnknownSubject)?;
    if !user.barong_may_sign_in() {
        return Err(Refusal::UserNotActive);
    }
    Ok(Authenticated {
        principal: Principal::User(user),
        via: Via::Bearer,
    })
}
