//! User administration, written once for every surface: the first user, creating users,
//! status, profile, password changes, deletion and listing. Each refusal is an [`AdminError`]
//! that a surface words in its own way.

use super::session::{Session, truncate};
use crate::Error;
use crate::model::{LoginType, Organization, OrganizationMembership, User, UserStatus};
use crate::password;
use crate::rbac::Object;
use crate::state::AppState;
use crate::store::{StoreError, update_user_with};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug)]
pub enum AdminError {
    /// The caller may not do this at all.
    Forbidden,
    /// The caller may not see the user (the surface answers as if it did not exist).
    NotFound,
    FirstUserExists,
    /// Email or username already belongs to someone.
    AlreadyExists,
    UsernameTaken,
    /// A new password fails the policy; the policy's words.
    PasswordRejected(String),
    PasswordAuthDisabled,
    /// A password given for another login type (as the client spelled the type).
    PasswordForNonPasswordLogin(String),
    NoOrganization,
    UnknownOrganization(Uuid),
    OidcNotConfigured,
    UnsupportedLoginType(String),
    NotPasswordLogin,
    OldPasswordRequired,
    OldPasswordIncorrect,
    SameAsOldPassword,
    CannotSuspendSelf,
    CannotSuspendOwner,
    CannotDeleteSelf,
    /// Only an owner may change another owner's password, profile or existence.
    OwnerProtected,
    /// The user kept changing under us; nothing was written.
    Contended,
    Internal(Error),
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<Error> for AdminError {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

impl From<password::PasswordHashError> for AdminError {
    fn from(e: password::PasswordHashError) -> Self {
        Self::Internal(e.into())
    }
}

fn now(state: &AppState) -> DateTime<Utc> {
    truncate(state.clock.now())
}

/// A new password on the Coder surface (policy, then the common-password list).
fn check_new_password(new_password: &str) -> Result<(), AdminError> {
    password::check_new_coder_password(new_password).map_err(AdminError::PasswordRejected)
}

pub struct FirstUser {
    pub email: String,
    pub username: String,
    pub name: String,
    pub password: String,
}

/// The deployment's first user: `owner`, active, member of the default organization, which is
/// created with it in one transaction. Refused once a first user exists.
pub async fn create_first_user(
    state: &AppState,
    new: FirstUser,
) -> Result<(User, Organization), AdminError> {
    if state.store.first_user_exists().await? {
        return Err(AdminError::FirstUserExists);
    }
    check_new_password(&new.password)?;
    let now = now(state);
    let organization = Organization::builtin_default(now);
    let mut user = User::new(&new.email, &new.username, now);
    user.name = new.name;
    user.status = UserStatus::Active;
    user.roles = vec!["owner".to_owned()];
    user.memberships = vec![OrganizationMembership::new(organization.id, now)];
    user.hashed_password = Some(state.hasher.hash(&new.password).await?);
    match state.store.create_first_user(&user, &organization).await {
        Ok(()) => Ok((user, organization)),
        // `Conflict`: another first-user request won the race.
        Err(StoreError::FirstUserExists | StoreError::Conflict) => Err(AdminError::FirstUserExists),
        Err(e) => Err(e.into()),
    }
}

pub struct NewUser {
    pub email: String,
    pub username: String,
    pub name: String,
    pub password: String,
    /// As the client spelled it; empty means password.
    pub login_type: String,
    pub status: UserStatus,
    /// The nil id stands for the default organization.
    pub organization_ids: Vec<Uuid>,
}

/// An administrator creates a user. The permission is checked before anything about the
/// request is looked at, so nobody without it learns which emails exist.
pub async fn create_user(
    state: &AppState,
    actor: &Session,
    new: NewUser,
) -> Result<User, AdminError> {
    if !actor.can("create", &Object::any("user")) {
        return Err(AdminError::Forbidden);
    }
    let login_type_text = if new.login_type.is_empty() {
        "password"
    } else {
        new.login_type.as_str()
    };
    let login_type = LoginType::parse(login_type_text);
    if login_type != Some(LoginType::Password) && !new.password.is_empty() {
        return Err(AdminError::PasswordForNonPasswordLogin(
            login_type_text.to_owned(),
        ));
    }
    if login_type == Some(LoginType::Password) && state.settings.password_auth_disabled {
        return Err(AdminError::PasswordAuthDisabled);
    }
    if new.organization_ids.is_empty() {
        return Err(AdminError::NoOrganization);
    }
    if state.store.user_by_email(&new.email).await?.is_some()
        || state.store.user_by_username(&new.username).await?.is_some()
    {
        return Err(AdminError::AlreadyExists);
    }
    let now = now(state);
    let mut memberships: Vec<OrganizationMembership> = Vec::new();
    for id in &new.organization_ids {
        let id = if id.is_nil() {
            state
                .store
                .default_organization()
                .await?
                .ok_or_else(|| Error::Internal("no default organization".to_owned()))?
                .id
        } else {
            *id
        };
        if state.store.organization_by_id(id).await?.is_none() {
            return Err(AdminError::UnknownOrganization(id));
        }
        if !memberships.iter().any(|m| m.organization_id == id) {
            memberships.push(OrganizationMembership::new(id, now));
        }
    }
    let login_type = match login_type {
        Some(LoginType::Password) => {
            check_new_password(&new.password)?;
            LoginType::Password
        }
        Some(t @ (LoginType::None | LoginType::Github)) => t,
        Some(LoginType::Oidc) => return Err(AdminError::OidcNotConfigured),
        Some(LoginType::Token) | None => {
            return Err(AdminError::UnsupportedLoginType(login_type_text.to_owned()));
        }
    };
    let mut user = User::new(&new.email, &new.username, now);
    user.name = new.name.trim().chars().take(128).collect();
    user.login_type = login_type;
    user.status = new.status;
    user.memberships = memberships;
    if login_type == LoginType::Password {
        user.hashed_password = Some(state.hasher.hash(&new.password).await?);
    }
    match state.store.create_user(&user).await {
        Ok(()) => Ok(user),
        // `Conflict`: a concurrent write to the same email or username won the race.
        Err(StoreError::EmailTaken | StoreError::UsernameTaken | StoreError::Conflict) => {
            Err(AdminError::AlreadyExists)
        }
        Err(e) => Err(e.into()),
    }
}

/// Suspends or activates `target`. Suspension ends every session and token of the user at
/// once; activation does not bring them back.
pub async fn set_status(
    state: &AppState,
    actor: &Session,
    target: User,
    status: UserStatus,
) -> Result<User, AdminError> {
    // Coder's order: its two manual protections come before any permission check.
    if status == UserStatus::Suspended {
        if target.id == actor.user.id {
            return Err(AdminError::CannotSuspendSelf);
        }
        if target.has_site_role("owner") {
            return Err(AdminError::CannotSuspendOwner);
        }
    }
    if !actor.can("update", &Object::user(target.id)) {
        return Err(AdminError::Forbidden);
    }
    let now = now(state);
    let was_suspended = target.status == UserStatus::Suspended;
    let user = update_user_with(&*state.store, target, |u| {
        // Ends every session on suspension, and keeps Barong's state in step.
        u.set_coder_status(status);
        u.updated_at = now;
        Ok::<(), StoreError>(())
    })
    .await
    .map_err(contended)?;
    if was_suspended && status != UserStatus::Suspended {
        // The keys the suspension ended stay readable while it lasts (so they are told why);
        // once it is over they are only clutter holding token names.
        if let Err(e) = state.store.delete_api_keys_of_user(user.id).await {
            tracing::warn!(error = %e, "could not delete the API keys a suspension ended");
        }
    }
    Ok(user)
}

/// Someone who is not an owner acting on an owner (other than themselves).
fn touches_an_owner(actor: &Session, target: &User) -> bool {
    target.id != actor.user.id
        && target.has_site_role("owner")
        && !actor.user.has_site_role("owner")
}

fn contended(e: StoreError) -> AdminError {
    match e {
        StoreError::Conflict => AdminError::Contended,
        e => e.into(),
    }
}

/// Soft-deletes `target`: every session and token ends, and its email and username are free
/// again (one transaction). The record stays for audit.
pub async fn delete_user(
    state: &AppState,
    actor: &Session,
    target: User,
) -> Result<(), AdminError> {
    if target.id == actor.user.id {
        return Err(AdminError::CannotDeleteSelf);
    }
    if !actor.can("delete", &Object::user(target.id)) || touches_an_owner(actor, &target) {
        return Err(AdminError::Forbidden);
    }
    let now = now(state);
    let mut user = target;
    for _ in 0..3 {
        user.deleted = true;
        user.session_generation += 1;
        user.updated_at = now;
        match state.store.delete_user(&user).await {
            Ok(_) => {
                // Sessions are already void through the generation; this only tidies the store.
                if let Err(e) = state.store.delete_api_keys_of_user(user.id).await {
                    tracing::warn!(error = %e, "could not delete the API keys of a deleted user");
                }
                return Ok(());
            }
            Err(StoreError::Conflict) => match state.store.user_by_id(user.id).await? {
                Some(fresh) if !fresh.deleted => user = fresh,
                // Someone else deleted it first.
                _ => return Ok(()),
            },
            Err(e) => return Err(e.into()),
        }
    }
    Err(AdminError::Contended)
}

/// Changes `target`'s username and name. One's own profile, or anyone's with the permission.
pub async fn update_profile(
    state: &AppState,
    actor: &Session,
    target: User,
    username: &str,
    name: &str,
) -> Result<User, AdminError> {
    if !actor.can("update_personal", &Object::user(target.id)) || touches_an_owner(actor, &target) {
        return Err(AdminError::Forbidden);
    }
    if let Some(holder) = state.store.user_by_username(username).await?
        && holder.id != target.id
    {
        return Err(AdminError::UsernameTaken);
    }
    let now = now(state);
    let mut user = target;
    for _ in 0..3 {
        let previous = user.username.clone();
        user.username = username.to_owned();
        user.name = name.to_owned();
        user.updated_at = now;
        match state.store.rename_user(&user, &previous).await {
            Ok(revision) => {
                user.revision = revision;
                return Ok(user);
            }
            Err(StoreError::UsernameTaken) => return Err(AdminError::UsernameTaken),
            Err(StoreError::Conflict) => {
                user = state
                    .store
                    .user_by_id(user.id)
                    .await?
                    .filter(|u| !u.is_deleted())
                    .ok_or(AdminError::NotFound)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AdminError::Contended)
}

/// Sets a new password. Changing one's own needs the current one; an administrator changing
/// someone else's does not. Every session and token of the user ends, the caller's included.
pub async fn change_password(
    state: &AppState,
    actor: &Session,
    target: User,
    old_password: &str,
    new_password: &str,
) -> Result<(), AdminError> {
    if !actor.can("update_personal", &Object::user(target.id)) {
        return Err(AdminError::NotFound);
    }
    if touches_an_owner(actor, &target) {
        return Err(AdminError::OwnerProtected);
    }
    if target.login_type != LoginType::Password {
        return Err(AdminError::NotPasswordLogin);
    }
    let own = target.id == actor.user.id;
    if own && old_password.is_empty() {
        return Err(AdminError::OldPasswordRequired);
    }
    check_new_password(new_password)?;
    let current = target.hashed_password.clone();
    if !old_password.is_empty()
        && !state
            .hasher
            .verify(current.as_deref(), old_password)
            .await?
    {
        return Err(AdminError::OldPasswordIncorrect);
    }
    if current.is_some()
        && state
            .hasher
            .verify(current.as_deref(), new_password)
            .await?
    {
        return Err(AdminError::SameAsOldPassword);
    }
    let hash = state.hasher.hash(new_password).await?;
    let now = now(state);
    let user = update_user_with(&*state.store, target, |u| {
        // The password checked above must still be the one being replaced.
        if u.hashed_password != current {
            return Err(StoreError::Conflict);
        }
        u.hashed_password = Some(hash.clone());
        u.password_reset_passcode = None;
        u.session_generation += 1;
        u.updated_at = now;
        Ok(())
    })
    .await
    .map_err(contended)?;
    if let Err(e) = state.store.delete_api_keys_of_user(user.id).await {
        tracing::warn!(error = %e, "could not delete the API keys of a user whose password changed");
    }
    Ok(())
}

/// Which users a listing wants (Coder's `q`, already parsed), all conditions together.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Lower-case text found in the email or the username.
    pub search: Option<String>,
    pub statuses: Vec<UserStatus>,
    /// Site roles; `member` alone matches everyone.
    pub roles: Vec<String>,
    pub login_types: Vec<LoginType>,
    pub last_seen_after: Option<DateTime<Utc>>,
    pub last_seen_before: Option<DateTime<Utc>>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}

impl UserFilter {
    fn matches(&self, u: &User) -> bool {
        let zero = DateTime::<Utc>::UNIX_EPOCH;
        let last_seen = u.last_seen_at.unwrap_or(zero);
        self.search.as_ref().is_none_or(|text| {
            u.email.to_lowercase().contains(text) || u.username.to_lowercase().contains(text)
        }) && (self.statuses.is_empty() || self.statuses.contains(&u.status))
            && (self.roles.is_empty()
                || self.roles.iter().all(|r| r == "member")
                || self.roles.iter().any(|r| u.has_site_role(r)))
            && (self.login_types.is_empty() || self.login_types.contains(&u.login_type))
            && self.last_seen_after.is_none_or(|t| last_seen >= t)
            && self.last_seen_before.is_none_or(|t| last_seen <= t)
            && self.created_after.is_none_or(|t| u.created_at >= t)
            && self.created_before.is_none_or(|t| u.created_at <= t)
    }
}

/// A page of users (Coder: by lower-case username, after `after_id`, then offset and limit).
#[derive(Debug, Default, Clone, Copy)]
pub struct Page {
    pub after_id: Option<Uuid>,
    pub offset: usize,
    /// 0: no limit.
    pub limit: usize,
}

/// The users the caller may read that match `filter`, one page of them, and how many match in
/// all (before the page is cut).
pub async fn list_users(
    state: &AppState,
    actor: &Session,
    filter: &UserFilter,
    page: Page,
) -> Result<(Vec<User>, usize), AdminError> {
    let mut users: Vec<User> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| !u.is_deleted() && actor.can("read", &Object::user(u.id)) && filter.matches(u))
        .collect();
    users.sort_by_cached_key(|u| (u.username.to_lowercase(), u.id));
    if let Some(after) = page.after_id {
        let cursor = state
            .store
            .user_by_id(after)
            .await?
            .map(|u| u.username.to_lowercase());
        match cursor {
            Some(name) => users.retain(|u| u.username.to_lowercase() > name),
            // An unknown cursor matches nothing, as in Coder.
            None => users.clear(),
        }
    }
    let count = users.len();
    let mut page_of: Vec<User> = users.into_iter().skip(page.offset).collect();
    if page.limit > 0 {
        page_of.truncate(page.limit);
    }
    Ok((page_of, count))
}
