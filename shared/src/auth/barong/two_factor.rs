//! TOTP two-factor (Barong's `resource/otp` and every check that asks for a code): the key is
//! generated here and sealed on the user, a code is good for one 30-second step (one step of
//! skew either way), and once: a code for a step already used, or an older one, is refused.

use crate::Error;
use crate::model::{TotpKey, User};
use crate::state::AppState;
use crate::store::update_user_with;
use crate::totp;

/// Wrong codes an account may send per [`FAILURE_WINDOW`].
const MAX_FAILURES: u64 = 10;
const FAILURE_WINDOW: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Debug)]
pub enum TwoFactorError {
    /// `resource.otp.already_enabled`.
    AlreadyEnabled,
    /// `resource.otp.not_enabled`.
    NotEnabled,
    /// The code is wrong.
    Invalid,
    /// The code was right but its step was already used (Vault's "code already used",
    /// Barong's 422 `totp.error`).
    Reused,
    Internal(Error),
}

impl<E: Into<Error>> From<E> for TwoFactorError {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// The context a user's TOTP key is sealed under.
fn context(user: &User) -> String {
    format!("totp:{}", user.id)
}

/// What `generate_qrcode` answers: the `otpauth://` URL and a PNG of its QR code (base64).
pub struct Enrolment {
    pub url: String,
    pub barcode: String,
}

/// Barong's `generate_qrcode`: a new key every call, replacing one not yet enabled.
pub async fn generate(state: &AppState, user: User) -> Result<Enrolment, TwoFactorError> {
    if user.totp_enabled {
        return Err(TwoFactorError::AlreadyEnabled);
    }
    let secret = totp::generate_secret().map_err(|e| Error::Internal(e.to_string()))?;
    let sealed = state
        .sealing_key()
        .await?
        .seal(&context(&user), &secret)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let url = totp::otpauth_url(&state.settings.barong.app_name, &user.email, &secret);
    let barcode = totp::qr_png_base64(&url).map_err(|e| Error::Internal(e.to_string()))?;
    update_user_with(&*state.store, user, |u| {
        if u.totp_enabled {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        u.totp_key = Some(TotpKey {
            sealed_secret: sealed.clone(),
            last_used_step: None,
        });
        Ok(())
    })
    .await?;
    Ok(Enrolment { url, barcode })
}

/// Checks `code` against the stored key and, when right, marks its step used and applies
/// `then` in the same write (so a code is spent exactly when its effect is saved).
async fn spend(
    state: &AppState,
    user: User,
    code: &str,
    mut then: impl FnMut(&mut User) -> Result<(), TwoFactorError>,
) -> Result<User, TwoFactorError> {
    // Six digits fall to guessing without a limit: a few wrong codes per account lock the
    // check for a while, whoever is guessing.
    let failures = format!("totp-failures:{}", user.id);
    let clock = state.clock.now();
    if state.store.counter(&failures, clock).await? >= MAX_FAILURES {
        return Err(TwoFactorError::Invalid);
    }
    let sealing = state.sealing_key().await?;
    let now = clock.timestamp();
    let result = update_user_with(&*state.store, user, |u| {
        let key = u.totp_key.as_mut().ok_or(TwoFactorError::Invalid)?;
        let secret = sealing
            .open(&format!("totp:{}", u.id), &key.sealed_secret)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let step = totp::verify(&secret, code, now, None).ok_or(TwoFactorError::Invalid)?;
        if key.last_used_step.is_some_and(|used| step <= used) {
            return Err(TwoFactorError::Reused);
        }
        key.last_used_step = Some(step);
        then(u)
    })
    .await;
    if matches!(result, Err(TwoFactorError::Invalid)) {
        state
            .store
            .increment_below(&failures, MAX_FAILURES, clock + FAILURE_WINDOW, clock)
            .await?;
    }
    result
}

/// A code for a user with 2FA on (sign-in, API-key changes, account deletion); the user as
/// saved with the code spent.
pub async fn check(state: &AppState, user: User, code: &str) -> Result<User, TwoFactorError> {
    if !user.totp_enabled {
        return Err(TwoFactorError::NotEnabled);
    }
    spend(state, user, code, |u| {
        if u.totp_enabled {
            Ok(())
        } else {
            Err(TwoFactorError::NotEnabled)
        }
    })
    .await
}

/// Barong's `otp/enable`: the first good code turns 2FA on and adds the private label
/// `otp:enabled`.
pub async fn enable(state: &AppState, user: User, code: &str) -> Result<User, TwoFactorError> {
    if user.totp_enabled {
        return Err(TwoFactorError::AlreadyEnabled);
    }
    let now = state.clock.now();
    spend(state, user, code, |u| {
        if u.totp_enabled {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        u.totp_enabled = true;
        u.set_private_label("otp", "enabled", now);
        // Barong ends every other session of the user (the caller keeps its own).
        u.session_generation += 1;
        u.updated_at = now;
        Ok(())
    })
    .await
}

/// Barong's `otp/disable`: 2FA off, the label removed, every API key of the user and of its
/// service accounts inactive.
pub async fn disable(state: &AppState, user: User, code: &str) -> Result<User, TwoFactorError> {
    if !user.totp_enabled {
        return Err(TwoFactorError::NotEnabled);
    }
    let now = state.clock.now();
    spend(state, user, code, |u| {
        if !u.totp_enabled {
            return Err(TwoFactorError::NotEnabled);
        }
        u.totp_enabled = false;
        u.labels
            .retain(|l| !(l.scope == "private" && l.key == "otp"));
        u.apply_label_rules();
        u.api_key_generation += 1;
        u.updated_at = now;
        Ok(())
    })
    .await
}
