//! `POST /identity/sessions`: Barong's sign-in, in Barong's check order (after the captcha):
//! user, state, password, second factor.

use super::two_factor::TwoFactorError;
use crate::Error;
use crate::model::{BarongState, User};
use crate::state::AppState;

#[derive(Debug)]
pub enum BarongLoginError {
    /// Unknown email or wrong password (`identity.session.invalid_params`).
    InvalidParams,
    Banned,
    Deleted,
    NotActive,
    MissingOtp,
    InvalidOtp,
    /// A right code whose step was already used (Barong's 422 `totp.error`).
    CodeUsed,
    Internal(Error),
}

impl<E: Into<Error>> From<E> for BarongLoginError {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// Checks the credentials; the caller opens the session.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    otp_code: Option<&str>,
) -> Result<User, BarongLoginError> {
    // A Coder deletion frees the email: such a user is unknown here.
    let user = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.deleted);
    // The password is checked whatever the outcome, so an unknown email, a refused state and a
    // wrong password cost the same time (Barong answers unknown emails at once).
    let stored = user.as_ref().and_then(|u| u.hashed_password.as_deref());
    let matches = state.hasher.verify(stored, password).await?;
    let Some(user) = user else {
        return Err(BarongLoginError::InvalidParams);
    };
    match user.barong_state {
        BarongState::Banned => return Err(BarongLoginError::Banned),
        BarongState::Deleted => return Err(BarongLoginError::Deleted),
        BarongState::Active | BarongState::Pending => {}
        BarongState::Locked => return Err(BarongLoginError::NotActive),
    }
    if !matches {
        return Err(BarongLoginError::InvalidParams);
    }
    if user.totp_enabled {
        let code = otp_code.map(str::trim).unwrap_or_default();
        if code.is_empty() {
            return Err(BarongLoginError::MissingOtp);
        }
        return match super::two_factor::check(state, user, code).await {
            Ok(user) => Ok(user),
            Err(TwoFactorError::Reused) => Err(BarongLoginError::CodeUsed),
            Err(TwoFactorError::Internal(e)) => Err(BarongLoginError::Internal(e)),
            Err(_) => Err(BarongLoginError::InvalidOtp),
        };
    }
    Ok(user)
}
