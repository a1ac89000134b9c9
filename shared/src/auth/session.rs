//! Session tokens: issue, authenticate (with sliding refresh), revoke.

use crate::Error;
use crate::model::{Activity, AllowListEntry, ApiKey, ApiKeyScope, LoginType, User, UserStatus};
use crate::rbac::{Object, Scope, Subject, authorize, subject_for};
use crate::state::AppState;
use crate::store::StoreError;
use crate::token::{NewSessionToken, TokenShapeError, split_session_token};
use chrono::{DateTime, Duration, DurationRound, Utc};
use std::net::IpAddr;

/// An authenticated request's principal: the user, the key it used, and the RBAC subject
/// (roles, groups, the key's scope) evaluated once for the request.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub key: ApiKey,
    pub subject: Subject,
}

impl Session {
    /// May this session perform `action` on `object`?
    pub fn can(&self, action: &str, object: &Object) -> bool {
        authorize(&self.subject, action, object)
    }
}

#[derive(Debug)]
pub enum SessionError {
    NoToken,
    Malformed(TokenShapeError),
    UnknownKey,
    BadSecret,
    Expired(DateTime<Utc>),
    Inactive(UserStatus),
    Internal(Error),
}

impl From<StoreError> for SessionError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// Times as the store keeps them (microseconds, like Postgres).
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

/// What kind of key to mint.
pub struct KeySpec {
    pub login_type: LoginType,
    pub lifetime: Duration,
    pub token_name: String,
    pub scopes: Vec<String>,
    pub allow_list: Vec<AllowListEntry>,
}

impl KeySpec {
    /// A login session: the configured lifetime, scope `coder:all`.
    pub fn login(state: &AppState, login_type: LoginType) -> Self {
        Self {
            login_type,
            lifetime: state.settings.session_lifetime,
            token_name: String::new(),
            scopes: vec!["coder:all".to_owned()],
            allow_list: vec![AllowListEntry::everything()],
        }
    }
}

/// Mints a key for `user`; returns the token the client keeps (`id-secret`) and the stored key.
pub async fn issue(
    state: &AppState,
    user: &User,
    spec: KeySpec,
    ip: IpAddr,
) -> Result<(String, ApiKey), Error> {
    let (minted, key) = mint(state, user, spec, ip);
    state.store.insert_api_key(&key).await?;
    Ok((minted.token(), key))
}

/// [`issue`], with the record of the sign-in that asked for the key written alongside it.
pub async fn issue_recorded(
    state: &AppState,
    user: &User,
    spec: KeySpec,
    ip: IpAddr,
    sign_in: &Activity,
) -> Result<(String, ApiKey), Error> {
    let (minted, key) = mint(state, user, spec, ip);
    state.store.insert_api_key_recorded(&key, sign_in).await?;
    Ok((minted.token(), key))
}

fn mint(state: &AppState, user: &User, spec: KeySpec, ip: IpAddr) -> (NewSessionToken, ApiKey) {
    let now = truncate(state.clock.now());
    let minted = NewSessionToken::generate();
    let key = ApiKey {
        id: minted.id.clone(),
        hashed_secret: minted.secret.hash(),
        user_id: user.id,
        user_generation: user.session_generation,
        login_type: spec.login_type,
        created_at: now,
        updated_at: now,
        // Coder's `apikey.Generate`: never used yet is the Unix epoch, so the key's first use
        // records itself.
        last_used: DateTime::UNIX_EPOCH,
        expires_at: now + spec.lifetime,
        lifetime_seconds: spec.lifetime.num_seconds(),
        ip_address: ip.to_string(),
        token_name: spec.token_name,
        scopes: spec.scopes.into_iter().map(ApiKeyScope).collect(),
        allow_list: spec.allow_list,
    };
    (minted, key)
}

/// Coder's `ExtractAPIKey`: checks the token, refreshes a sliding expiry, activates a dormant
/// user, refuses an inactive one.
pub async fn authenticate(
    state: &AppState,
    token: Option<&str>,
    ip: IpAddr,
) -> Result<Session, SessionError> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or(SessionError::NoToken)?;
    let (id, secret) = split_session_token(token).map_err(SessionError::Malformed)?;
    let (mut key, user) = state
        .store
        .api_key_with_user(id)
        .await?
        .ok_or(SessionError::UnknownKey)?;
    if !key.hashed_secret.matches(secret) {
        return Err(SessionError::BadSecret);
    }
    let now = state.clock.now();
    if key.expires_at <= now {
        return Err(SessionError::Expired(key.expires_at));
    }
    let mut user = match user {
        Some(u) if !u.is_deleted() => u,
        _ => return Err(SessionError::UnknownKey),
    };
    // Status first, so a suspended user's session is neither refreshed nor told apart from an
    // ended one by anything but Coder's own message.
    if user.status == UserStatus::Suspended {
        return Err(SessionError::Inactive(user.status));
    }
    if user.session_generation != key.user_generation {
        // The user's sessions were ended (password change, suspension, deletion).
        return Err(SessionError::UnknownKey);
    }

    let mut key_changed = false;
    if now - key.last_used > Duration::hours(1) {
        key.last_used = truncate(now);
        key.ip_address = ip.to_string();
        key_changed = true;
    }
    if !state.settings.session_refresh_disabled
        && key.expires_at - now <= key.lifetime() - Duration::hours(1)
    {
        let refreshed = (truncate(now) + key.lifetime()).min(absolute_end(state, &key));
        if refreshed > key.expires_at {
            key.expires_at = refreshed;
            key_changed = true;
        }
    }
    if key_changed {
        key.updated_at = truncate(now);
        state.store.touch_api_key(&key).await?;
    }

    let activate = user.status == UserStatus::Dormant;
    if activate || key_changed || user.last_seen_at.is_none() {
        if activate {
            user.status = UserStatus::Active;
        }
        user.last_seen_at = Some(truncate(now));
        user.updated_at = truncate(now);
        match state.store.update_user(&user).await {
            Ok(revision) => user.revision = revision,
            // Someone else changed the user meanwhile: reload, their write wins.
            Err(StoreError::Conflict) => {
                user = state
                    .store
                    .user_by_id(key.user_id)
                    .await?
                    .filter(|u| !u.is_deleted())
                    .ok_or(SessionError::UnknownKey)?;
                if user.status == UserStatus::Suspended {
                    return Err(SessionError::Inactive(user.status));
                }
                if user.session_generation != key.user_generation {
                    return Err(SessionError::UnknownKey);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if user.status != UserStatus::Active {
        return Err(SessionError::Inactive(user.status));
    }
    let scopes: Vec<String> = key.scopes.iter().map(|s| s.0.clone()).collect();
    let subject = subject_for(&user, &scopes).unwrap_or_else(|e| {
        // Scopes are checked when a key is minted; one that no longer parses grants nothing.
        tracing::warn!(error = %e, key_id = %key.id, "API key has an unknown scope");
        let mut subject = subject_for(&user, &[]).unwrap_or_else(|_| Subject {
            id: user.id.to_string(),
            roles: Vec::new(),
            groups: Vec::new(),
            scope: Scope::default(),
        });
        subject.scope = Scope::default();
        subject
    });
    let mut subject = subject;
    // The key reaches only what its allow list names, whatever its scopes grant.
    subject.scope.allow_list = key
        .allow_list
        .iter()
        .map(|e| (e.resource_type.clone(), e.id.clone()))
        .collect();
    Ok(Session { user, key, subject })
}

/// The latest a key may live to, however often it is used: its creation plus the configured
/// absolute lifetime, or plus its own lifetime when that is longer (a long-lived token).
fn absolute_end(state: &AppState, key: &ApiKey) -> DateTime<Utc> {
    key.created_at + state.settings.session_max_lifetime.max(key.lifetime())
}

/// Ends one session.
pub async fn revoke(state: &AppState, key_id: &str) -> Result<(), Error> {
    Ok(state.store.delete_api_key(key_id).await?)
}
