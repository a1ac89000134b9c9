//! Password reset by mailed link: only the newest link works, once, for an hour; a reset ends
//! every session of the user on both surfaces.

use super::tokens::{self, TokenError, claim};
use crate::Error;
use crate::mail::templates;
use crate::model::{PendingResetToken, User};
use crate::state::AppState;
use crate::store::{StoreError, update_user_with};
use crate::token::{SecretHash, random_hex};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

const SUBJECT: &str = "reset";

/// Mails a reset link when `email` belongs to a user (any state, as Barong). The caller answers
/// the same either way.
pub async fn send(state: &AppState, base_url: &str, email: &str) -> Result<(), Error> {
    let Some(user) = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.deleted)
    else {
        return Ok(());
    };
    if !crate::auth::otp::mail_allowed(state, "reset-mail", user.id).await? {
        // Nobody may flood a mailbox or keep replacing someone's pending link.
        tracing::warn!(user_id = %user.id, "reset mail limit reached for the account");
        return Ok(());
    }
    let reset_token = random_hex(10);
    let expires_at = state.clock.now() + state.settings.barong.jwt_expire_time;
    let pending = PendingResetToken {
        sha256: SecretHash::of(&reset_token).to_hex(),
        expires_at,
    };
    let user = update_user_with(&*state.store, user, |u| {
        u.password_reset_token = Some(pending.clone());
        Ok::<(), StoreError>(())
    })
    .await?;
    let mut payload = Map::new();
    payload.insert("email".to_owned(), Value::from(user.email.clone()));
    payload.insert("uid".to_owned(), Value::from(user.uid.clone()));
    payload.insert("reset_token".to_owned(), Value::from(reset_token));
    let token = tokens::mint(state, SUBJECT, payload).await?;
    let message = templates::barong_password_reset(base_url, &user.email, &token);
    state.mailer.send(&message).await?;
    Ok(())
}

#[derive(Debug)]
pub enum ResetError {
    Token(TokenError),
    /// The new password fails Barong's rules: the model's error keys.
    Password(Vec<&'static str>),
}

impl From<Error> for ResetError {
    fn from(e: Error) -> Self {
        Self::Token(TokenError::Internal(e))
    }
}

impl From<StoreError> for ResetError {
    fn from(e: StoreError) -> Self {
        Self::from(Error::from(e))
    }
}

fn utilized() -> ResetError {
    ResetError::Token(TokenError::Utilized)
}

/// The newest pending token of `user`, if `reset_token` is it and it has not expired. A token
/// minted without a `reset_token` claim (only the key holder can) matches while none is pending,
/// as Barong's `cache[...] != payload[:reset_token]` compares nil with nil.
fn is_pending(user: &User, reset_token: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> bool {
    let Some(reset_token) = reset_token else {
        return user
            .password_reset_token
            .as_ref()
            .is_none_or(|p| p.expires_at <= now);
    };
    user.password_reset_token.as_ref().is_some_and(|p| {
        p.expires_at > now
            && bool::from(
                p.sha256
                    .as_bytes()
                    .ct_eq(SecretHash::of(reset_token).to_hex().as_bytes()),
            )
    })
}

/// Sets `password` with a reset token (the caller checked it equals its confirmation).
pub async fn confirm(state: &AppState, token: &str, password: &str) -> Result<User, ResetError> {
    let claims = tokens::verify(state, token, SUBJECT)
        .await
        .map_err(ResetError::Token)?;
    let email = claim(&claims, "email").unwrap_or_default();
    let reset_token = claim(&claims, "reset_token");
    let now = state.clock.now();
    let user = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.deleted && is_pending(u, reset_token, now))
        .ok_or_else(utilized)?;
    let refused = crate::wire::barong::validate::password_errors(password);
    if !refused.is_empty() {
        return Err(ResetError::Password(refused));
    }
    if !tokens::claim_jti(state, &claims).await? {
        return Err(utilized());
    }
    let hash = state.hasher.hash(password).await.map_err(Error::from)?;
    let stamp = crate::auth::session::truncate(now);
    let user = update_user_with(&*state.store, user, |u| {
        // Re-checked on what is stored now: a newer link mailed meanwhile wins.
        if !is_pending(u, reset_token, now) {
            return Err(utilized());
        }
        u.hashed_password = Some(hash.clone());
        u.password_reset_token = None;
        // Every session and token of the user ends, on both surfaces.
        u.session_generation += 1;
        u.updated_at = stamp;
        Ok(())
    })
    .await?;
    Ok(user)
}
