//! Barong's service accounts: created for a user by an administrator (Barong does it through
//! its management API; Gatehouse through `POST /admin/service_accounts`), listed by the owner,
//! who manages their API keys with its own 2FA. They act only through those keys.

use crate::Error;
use crate::model::{BarongState, ServiceAccount, User};
use crate::state::AppState;
use crate::store::update_user_with;
use crate::token::random_hex;

/// Barong's default role for service accounts.
pub const DEFAULT_ROLE: &str = "service_account";

#[derive(Debug)]
pub enum ServiceAccountError {
    /// No such owner (`admin.user.doesnt_exist`).
    UnknownOwner,
    /// Model errors (`email.invalid`, `role.invalid`), 422.
    Invalid(Vec<&'static str>),
    /// No such service account of this owner (`admin.service_account.doesnt_exist`).
    NotFound,
    Internal(Error),
}

impl<E: Into<Error>> From<E> for ServiceAccountError {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// A service account's uid: `SI` + 10 upper-case hex digits.
fn new_uid() -> String {
    format!("SI{}", random_hex(5).to_uppercase())
}

/// `<owner local>+<uid>@<owner domain>`, Barong's default email.
fn default_email(owner: &str, uid: &str) -> String {
    match owner.rsplit_once('@') {
        Some((local, domain)) => format!("{local}+{}@{domain}", uid.to_lowercase()),
        None => format!("{}@{owner}", uid.to_lowercase()),
    }
}

/// A role a service account may hold: Barong's role names, never an administrator's (an
/// administrator's key would outlive the administrator's own 2FA and sessions).
fn valid_role(role: &str) -> bool {
    !role.is_empty()
        && role.len() <= 64
        && role
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
        && !matches!(
            role,
            "superadmin" | "admin" | "technical" | "accountant" | "compliance"
        )
}

/// Creates a service account for the user `owner_uid`; its state starts as the owner's.
pub async fn create(
    state: &AppState,
    owner_uid: &str,
    email: Option<&str>,
    role: Option<&str>,
) -> Result<(User, ServiceAccount), ServiceAccountError> {
    let owner = state
        .store
        .user_by_uid(owner_uid)
        .await?
        .filter(|u| !u.is_deleted())
        .ok_or(ServiceAccountError::UnknownOwner)?;
    let uid = new_uid();
    let email = email.map_or_else(|| default_email(&owner.email, &uid), str::to_owned);
    let role = role.unwrap_or(DEFAULT_ROLE).to_owned();
    let mut errors = Vec::new();
    if !crate::wire::barong::validate::email_valid(&email) {
        errors.push("email.invalid");
    }
    if !valid_role(&role) {
        errors.push("role.invalid");
    }
    if !errors.is_empty() {
        return Err(ServiceAccountError::Invalid(errors));
    }
    let now = crate::auth::session::truncate(state.clock.now());
    let account = ServiceAccount {
        uid,
        email,
        role,
        state: match owner.barong_state {
            BarongState::Active => "active".to_owned(),
            other => other.as_str().to_owned(),
        },
        created_at: now,
        updated_at: now,
    };
    let owner = update_user_with(&*state.store, owner, |u| {
        u.service_accounts.push(account.clone());
        Ok::<_, ServiceAccountError>(())
    })
    .await?;
    Ok((owner, account))
}

/// Sets a service account's own state (`active`, `disabled`); disabling deactivates its keys,
/// since only an `active` holder's keys authenticate.
pub async fn set_state(
    state: &AppState,
    owner_uid: &str,
    uid: &str,
    new_state: &str,
) -> Result<(User, ServiceAccount), ServiceAccountError> {
    if !matches!(new_state, "active" | "disabled") {
        return Err(ServiceAccountError::Invalid(vec!["state.inclusion"]));
    }
    let owner = state
        .store
        .user_by_uid(owner_uid)
        .await?
        .filter(|u| !u.is_deleted())
        .ok_or(ServiceAccountError::UnknownOwner)?;
    let now = crate::auth::session::truncate(state.clock.now());
    let owner = update_user_with(&*state.store, owner, |u| {
        let account = u
            .service_accounts
            .iter_mut()
            .find(|a| a.uid == uid)
            .ok_or(ServiceAccountError::NotFound)?;
        new_state.clone_into(&mut account.state);
        account.updated_at = now;
        Ok::<_, ServiceAccountError>(())
    })
    .await?;
    let account = owner
        .service_accounts
        .iter()
        .find(|a| a.uid == uid)
        .cloned()
        .ok_or(ServiceAccountError::NotFound)?;
    Ok((owner, account))
}
