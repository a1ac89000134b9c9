//! Password login: the credential check every surface shares.

use crate::Error;
use crate::model::{LoginType, User, UserStatus};
use crate::state::AppState;
use crate::store::StoreError;

#[derive(Debug)]
pub enum LoginError {
    /// Unknown email and wrong password alike: nothing tells them apart.
    IncorrectCredentials,
    PasswordAuthDisabled,
    WrongLoginType(LoginType),
    NotActive(UserStatus),
    Internal(Error),
}

impl From<Error> for LoginError {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

impl From<StoreError> for LoginError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<crate::password::PasswordHashError> for LoginError {
    fn from(e: crate::password::PasswordHashError) -> Self {
        Self::Internal(e.into())
    }
}

/// Checks `password` for the account `email`, in Coder's order. Unknown accounts pay the same
/// argon2 cost as known ones. A dormant user becomes active.
pub async fn password_login(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<User, LoginError> {
    let user = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.is_deleted());
    check_password(state, user, password).await
}

/// The same check for an already-resolved user (convert-login re-checks its caller's password).
pub async fn check_password(
    state: &AppState,
    user: Option<User>,
    password: &str,
) -> Result<User, LoginError> {
    let stored = user.as_ref().and_then(|u| u.hashed_password.as_deref());
    let matches = state.hasher.verify(stored, password).await?;
    let mut user = match user {
        Some(u) if matches => u,
        _ => return Err(LoginError::IncorrectCredentials),
    };
    if state.settings.password_auth_disabled {
        return Err(LoginError::PasswordAuthDisabled);
    }
    if user.login_type != LoginType::Password {
        return Err(LoginError::WrongLoginType(user.login_type));
    }
    if user.status == UserStatus::Dormant {
        user = activate(state, user).await?;
    }
    if user.status != UserStatus::Active {
        return Err(LoginError::NotActive(user.status));
    }
    Ok(user)
}

async fn activate(state: &AppState, mut user: User) -> Result<User, Error> {
    for _ in 0..3 {
        user.status = UserStatus::Active;
        user.updated_at = state.clock.now();
        match state.store.update_user(&user).await {
            Ok(revision) => {
                user.revision = revision;
                return Ok(user);
            }
            Err(StoreError::Conflict) => match state.store.user_by_id(user.id).await? {
                Some(fresh) if fresh.status == UserStatus::Dormant => user = fresh,
                Some(fresh) => return Ok(fresh),
                None => break,
            },
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Internal(
        "user changed concurrently during activation".to_owned(),
    ))
}
