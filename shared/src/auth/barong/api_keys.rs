//! Barong's API keys (`resource/api_keys`, `resource/service_accounts/api_keys`): created with
//! a fresh 16-hex kid and a 32-hex secret shown once and kept sealed, listed, re-scoped,
//! (de)activated and deleted by their holder. The caller has already checked the 2FA code.

use super::credentials::secret_context;
use crate::Error;
use crate::model::{BarongApiKey, BarongState, User};
use crate::state::AppState;
use crate::store::StoreError;
use crate::token::random_hex;

/// Barong's `APIKey::ALGORITHMS`.
const ALGORITHMS: &[&str] = &["HS256"];

#[derive(Debug)]
pub enum ApiKeyError {
    /// Model errors (`kid.blank`, `algorithm.inclusion`, `key_holder_account.invalid`,
    /// `state.invalid`), 422.
    Invalid(Vec<&'static str>),
    /// No such key of this holder (`record.not_found`).
    NotFound,
    Internal(Error),
}

impl<E: Into<Error>> From<E> for ApiKeyError {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// Whose keys: the user's own, or one of its service accounts'.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'a> {
    User,
    ServiceAccount(&'a str),
}

impl Holder<'_> {
    fn uid(self) -> Option<String> {
        match self {
            Self::User => None,
            Self::ServiceAccount(uid) => Some(uid.to_owned()),
        }
    }

    /// Barong's `key_holder_account.state == 'active'`.
    fn is_active(self, user: &User) -> bool {
        if user.deleted || user.barong_state != BarongState::Active {
            return false;
        }
        match self {
            Self::User => true,
            Self::ServiceAccount(uid) => user
                .service_accounts
                .iter()
                .find(|a| a.uid == uid)
                .is_some_and(|a| user.service_account_state(a) == "active"),
        }
    }
}

/// The scope parameter as Barong stores it: split on commas, `[]` when omitted.
pub fn scope_list(scope: Option<&str>) -> Vec<String> {
    scope
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A new key and its secret (shown to the caller once).
pub async fn create(
    state: &AppState,
    user: &User,
    holder: Holder<'_>,
    algorithm: &str,
    scope: Vec<String>,
) -> Result<(BarongApiKey, String), ApiKeyError> {
    let mut errors = Vec::new();
    // Barong assigns a kid only to HS algorithms, so another one also lacks its kid.
    if !algorithm.contains("HS") {
        errors.push("kid.blank");
    }
    if !ALGORITHMS.contains(&algorithm) {
        errors.push("algorithm.inclusion");
    }
    if !holder.is_active(user) {
        errors.push("key_holder_account.invalid");
    }
    if !errors.is_empty() {
        return Err(ApiKeyError::Invalid(errors));
    }
    let secret = random_hex(16);
    let sealing = state.sealing_key().await?;
    let now = crate::auth::session::truncate(state.clock.now());
    for _ in 0..3 {
        let kid = random_hex(8);
        let sealed_secret = sealing
            .seal(&secret_context(&kid), secret.as_bytes())
            .map_err(|e| Error::Internal(e.to_string()))?;
        let key = BarongApiKey {
            kid,
            user_id: user.id,
            service_account_uid: holder.uid(),
            algorithm: algorithm.to_owned(),
            scope: scope.clone(),
            state: "active".to_owned(),
            generation: user.api_key_generation,
            sealed_secret,
            created_at: now,
            updated_at: now,
        };
        match state.store.insert_barong_api_key(&key).await {
            Ok(()) => return Ok((key, secret)),
            // 64 random bits collided: draw another kid.
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// The holder's keys, as stored.
pub async fn list(
    state: &AppState,
    user: &User,
    holder: Holder<'_>,
) -> Result<Vec<BarongApiKey>, ApiKeyError> {
    let uid = holder.uid();
    let mut keys = state.store.barong_api_keys_of_user(user.id).await?;
    keys.retain(|k| k.service_account_uid == uid);
    Ok(keys)
}

async fn find(
    state: &AppState,
    user: &User,
    holder: Holder<'_>,
    kid: &str,
) -> Result<BarongApiKey, ApiKeyError> {
    if !super::credentials::is_kid(kid) {
        return Err(ApiKeyError::NotFound);
    }
    let uid = holder.uid();
    state
        .store
        .barong_api_key_with_user(kid)
        .await?
        .map(|(key, _)| key)
        .filter(|k| k.user_id == user.id && k.service_account_uid == uid)
        .ok_or(ApiKeyError::NotFound)
}

/// Barong's update: `scope` always replaced (omitted means `[]`), `state` when given; making
/// a key active needs an active holder (`state.invalid`).
pub async fn update(
    state: &AppState,
    user: &User,
    holder: Holder<'_>,
    kid: &str,
    scope: Vec<String>,
    new_state: Option<&str>,
) -> Result<BarongApiKey, ApiKeyError> {
    let mut key = find(state, user, holder, kid).await?;
    key.scope = scope;
    match new_state {
        Some(s) => {
            if s == "active" {
                if !holder.is_active(user) {
                    return Err(ApiKeyError::Invalid(vec!["state.invalid"]));
                }
                key.generation = user.api_key_generation;
            }
            s.clone_into(&mut key.state);
        }
        // A key deactivated with its holder: its stored state catches up.
        None => key.state = key.effective_state(user.api_key_generation).to_owned(),
    }
    key.updated_at = crate::auth::session::truncate(state.clock.now());
    match state.store.update_barong_api_key(&key).await {
        Ok(()) => Ok(key),
        Err(StoreError::Conflict) => Err(ApiKeyError::NotFound),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    state: &AppState,
    user: &User,
    holder: Holder<'_>,
    kid: &str,
) -> Result<(), ApiKeyError> {
    let key = find(state, user, holder, kid).await?;
    state.store.delete_barong_api_key(&key.kid).await?;
    Ok(())
}
