//! Barong's access restrictions (§7.1): an IP whitelist that exempts, maintenance and blacklist
//! that refuse, blocklogin that refuses sign-in; and whitelink tokens, with which a person adds
//! their own address to the whitelist.

use crate::Error;
use crate::model::Restriction;
use crate::model::restriction::{CATEGORIES, SCOPES};
use crate::state::AppState;
use crate::store::StoreError;
use crate::token::{SecretHash, random_hex};
use chrono::Duration;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How long a process trusts the restrictions it read (Barong caches them 5 minutes); its own
/// changes are seen at once.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// The restrictions one process last read.
#[derive(Default)]
pub struct RestrictionCache(Mutex<Option<(Instant, Arc<Vec<Restriction>>)>>);

impl RestrictionCache {
    fn fresh(&self) -> Option<Arc<Vec<Restriction>>> {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, r)| Arc::clone(r))
    }

    fn keep(&self, restrictions: Arc<Vec<Restriction>>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), restrictions));
    }

    pub fn forget(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// A refused request: the restriction's status and `authz.restrict.<category>`.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub key: String,
}

async fn current(state: &AppState) -> Result<Arc<Vec<Restriction>>, Error> {
    if let Some(r) = state.restrictions.fresh() {
        return Ok(r);
    }
    let r = Arc::new(state.store.restrictions().await?);
    state.restrictions.keep(Arc::clone(&r));
    Ok(r)
}

/// Barong's order: whitelist (stops every check), maintenance, blacklist, then blocklogin for
/// sign-in only. Within a category, `all` before `ip` before `ip_subnet`.
pub async fn check(state: &AppState, ip: IpAddr, signing_in: bool) -> Result<(), CheckError> {
    let restrictions = current(state).await.map_err(CheckError::Internal)?;
    if restrictions.is_empty() {
        return Ok(());
    }
    for category in CATEGORIES {
        if category == "blocklogin" && !signing_in {
            continue;
        }
        let found = SCOPES.iter().find_map(|scope| {
            restrictions
                .iter()
                .find(|r| r.category == category && r.scope == *scope && r.matches(ip))
        });
        if let Some(r) = found {
            if category == "whitelist" {
                return Ok(());
            }
            return Err(CheckError::Refused(Refusal {
                code: r.code,
                key: format!("authz.restrict.{category}"),
            }));
        }
    }
    Ok(())
}

#[derive(Debug)]
pub enum CheckError {
    Refused(Refusal),
    Internal(Error),
}

/// A new restriction as an administrator asks for it.
pub struct NewRestriction {
    pub category: String,
    pub scope: String,
    pub value: String,
    pub state: String,
    pub code: Option<u16>,
}

/// The model's validation keys (`scope.inclusion`, `value.taken`, ...), or the new restriction.
pub async fn add(state: &AppState, new: NewRestriction) -> Result<Restriction, AddError> {
    let mut invalid = Vec::new();
    if !CATEGORIES.contains(&new.category.as_str()) {
        invalid.push("category.inclusion");
    }
    if !SCOPES.contains(&new.scope.as_str()) {
        invalid.push("scope.inclusion");
    }
    let value_ok = match new.scope.as_str() {
        "ip" => new.value.parse::<IpAddr>().is_ok(),
        "ip_subnet" => crate::model::restriction::valid_cidr(&new.value),
        _ => !new.value.trim().is_empty(),
    };
    if !value_ok {
        invalid.push("value.invalid");
    }
    if !matches!(new.state.as_str(), "enabled" | "disabled") {
        invalid.push("state.inclusion");
    }
    if !invalid.is_empty() {
        return Err(AddError::Invalid(invalid));
    }
    let now = crate::auth::session::truncate(state.clock.now());
    let restriction = Restriction {
        id: uuid::Uuid::new_v4(),
        code: new
            .code
            .unwrap_or_else(|| Restriction::default_code(&new.category, &new.scope)),
        category: new.category,
        scope: new.scope,
        value: new.value,
        state: new.state,
        created_at: now,
        updated_at: now,
    };
    match state.store.add_restriction(&restriction).await {
        Ok(()) => {
            state.restrictions.forget();
            Ok(restriction)
        }
        Err(StoreError::RestrictionTaken) => Err(AddError::Invalid(vec!["value.taken"])),
        Err(e) => Err(AddError::Internal(e.into())),
    }
}

#[derive(Debug)]
pub enum AddError {
    Invalid(Vec<&'static str>),
    Internal(Error),
}

fn whitelink_key(token: &str) -> String {
    format!("whitelink:{}", SecretHash::of(token).to_hex())
}

/// A whitelink token (64 hex), usable until it expires; only its digest is stored.
pub async fn create_whitelink(state: &AppState, lifetime: Duration) -> Result<String, Error> {
    let token = SecretHash::of(&random_hex(10)).to_hex();
    let now = state.clock.now();
    state
        .store
        .increment_below(&whitelink_key(&token), 1, now + lifetime, now)
        .await?;
    Ok(token)
}

#[derive(Debug)]
pub enum AccessError {
    /// `identity.user.access.invalid_token`.
    InvalidToken,
    /// The model's keys (`value.taken`, `value.invalid`).
    Invalid(Vec<&'static str>),
    Internal(Error),
}

/// `POST /identity/users/access`: with a live whitelink token, whitelists the caller's address.
pub async fn use_whitelink(state: &AppState, token: &str, ip: IpAddr) -> Result<(), AccessError> {
    let live = state
        .store
        .counter(&whitelink_key(token), state.clock.now())
        .await
        .map_err(|e| AccessError::Internal(e.into()))?;
    if live == 0 {
        return Err(AccessError::InvalidToken);
    }
    let ip = ip.to_canonical();
    if !ip.is_ipv4() {
        return Err(AccessError::Invalid(vec!["value.invalid"]));
    }
    let new = NewRestriction {
        category: "whitelist".to_owned(),
        scope: "ip".to_owned(),
        value: ip.to_string(),
        state: "enabled".to_owned(),
        code: None,
    };
    match add(state, new).await {
        Ok(_) => Ok(()),
        Err(AddError::Invalid(keys)) => Err(AccessError::Invalid(keys)),
        Err(AddError::Internal(e)) => Err(AccessError::Internal(e)),
    }
}
