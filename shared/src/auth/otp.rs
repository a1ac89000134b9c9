//! One-time passcodes for password reset: mailed, hashed at rest, expiring, single use, a newer
//! code replacing an older one; a successful change ends every session of the user.

use crate::Error;
use crate::mail::templates;
use crate::model::OneTimePasscode;
use crate::state::AppState;
use crate::store::{StoreError, update_user_with};

#[derive(Debug)]
pub enum PasscodeChangeError {
    /// Unknown email, no code, wrong code, expired code or a code already used.
    Incorrect,
    SameAsOld,
    Internal(Error),
}

impl From<Error> for PasscodeChangeError {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

impl From<StoreError> for PasscodeChangeError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<crate::password::PasswordHashError> for PasscodeChangeError {
    fn from(e: crate::password::PasswordHashError) -> Self {
        Self::Internal(e.into())
    }
}

/// Issues and mails a passcode when `email` belongs to a user, with a reset link on `base_url`.
/// Unknown emails do the same hashing work and send nothing; the caller answers identically
/// either way.
pub async fn request_passcode(state: &AppState, base_url: &str, email: &str) -> Result<(), Error> {
    let code = uuid::Uuid::new_v4().to_string();
    let hash = state.hasher.hash(&code).await?;
    let Some(user) = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.is_deleted())
    else {
        tracing::warn!("password reset requested for account that does not exist");
        return Ok(());
    };
    if !mail_allowed(state, "otp-mail", user.id).await? {
        // Nobody may flood a mailbox or keep replacing someone's pending code; the caller's
        // answer is the same.
        tracing::warn!(user_id = %user.id, "password reset mail limit reached for the account");
        return Ok(());
    }
    let validity = state.settings.otp_validity;
    let expires_at = state.clock.now() + validity;
    let user = update_user_with(&*state.store, user, |u| {
        u.password_reset_passcode = Some(OneTimePasscode {
            hash: hash.clone(),
            expires_at,
        });
        Ok::<(), StoreError>(())
    })
    .await?;
    let name = if user.name.is_empty() {
        &user.username
    } else {
        &user.name
    };
    let message = templates::one_time_passcode(base_url, &user.email, name, &code, validity);
    state.mailer.send(&message).await?;
    Ok(())
}

/// Counts one mail of `kind` for the account in the current clock hour; false once the hour's
/// allowance (`otp_mails_per_hour`) is used up.
pub(crate) async fn mail_allowed(
    state: &AppState,
    kind: &str,
    user_id: uuid::Uuid,
) -> Result<bool, Error> {
    const HOUR: i64 = 3600;
    let now = state.clock.now();
    let hour = now.timestamp().div_euclid(HOUR);
    let forget_at = chrono::DateTime::from_timestamp((hour + 1) * HOUR, 0).unwrap_or(now);
    let counted = state
        .store
        .increment_below(
            &format!("{kind}:{user_id}#{hour}"),
            u64::from(state.settings.otp_mails_per_hour),
            forget_at,
            now,
        )
        .await?;
    Ok(counted.is_some())
}

/// Sets a new password with a passcode. The caller has already checked the password policy.
pub async fn change_password(
    state: &AppState,
    email: &str,
    passcode: &str,
    new_password: &str,
) -> Result<(), PasscodeChangeError> {
    let user = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.is_deleted());
    let pending = user
        .as_ref()
        .and_then(|u| u.password_reset_passcode.clone());
    let matches = state
        .hasher
        .verify(pending.as_ref().map(|p| p.hash.as_str()), passcode)
        .await?;
    let now = state.clock.now();
    let (Some(mut user), Some(pending)) = (user, pending) else {
        return Err(PasscodeChangeError::Incorrect);
    };
    if !matches || now > pending.expires_at {
        return Err(PasscodeChangeError::Incorrect);
    }
    if let Some(current) = user.hashed_password.as_deref()
        && state.hasher.verify(Some(current), new_password).await?
    {
        return Err(PasscodeChangeError::SameAsOld);
    }
    user.hashed_password = Some(state.hasher.hash(new_password).await?);
    user.password_reset_passcode = None;
    user.session_generation += 1;
    user.updated_at = now;
    match state.store.update_user(&user).await {
        Ok(_) => {}
        // A concurrent change consumed the code (or replaced it) first.
        Err(StoreError::Conflict) => return Err(PasscodeChangeError::Incorrect),
        Err(e) => return Err(e.into()),
    }
    // Sessions are already void through the generation bump; this only tidies the store.
    if let Err(e) = state.store.delete_api_keys_of_user(user.id).await {
        tracing::warn!(error = %e, "could not delete the API keys of a user whose password changed");
    }
    Ok(())
}
