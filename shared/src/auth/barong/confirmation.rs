//! Email confirmation: a signed, single-use, one-hour link; confirming verifies the address,
//! which activates the account at level 1.

use super::tokens::{self, TokenError, claim};
use crate::Error;
use crate::mail::templates;
use crate::model::{BarongState, User};
use crate::state::AppState;
use crate::store::{StoreError, update_user_with};
use serde_json::{Map, Value};

const SUBJECT: &str = "confirmation";

/// Mails a confirmation link to `email` unless it is unknown or already active. The caller
/// answers the same either way.
pub async fn send(state: &AppState, base_url: &str, email: &str) -> Result<(), Error> {
    let Some(user) = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.deleted)
    else {
        return Ok(());
    };
    send_to(state, base_url, &user).await
}

/// Mails `user` a confirmation link, unless active already or the hour's mails are spent.
pub async fn send_to(state: &AppState, base_url: &str, user: &User) -> Result<(), Error> {
    if user.barong_state == BarongState::Active {
        return Ok(());
    }
    if !crate::auth::otp::mail_allowed(state, "confirmation-mail", user.id).await? {
        tracing::warn!(user_id = %user.id, "confirmation mail limit reached for the account");
        return Ok(());
    }
    let mut payload = Map::new();
    payload.insert("email".to_owned(), Value::from(user.email.clone()));
    payload.insert("uid".to_owned(), Value::from(user.uid.clone()));
    let token = tokens::mint(state, SUBJECT, payload).await?;
    let message = templates::barong_email_confirmation(base_url, &user.email, &token);
    state.mailer.send(&message).await?;
    Ok(())
}

#[derive(Debug)]
pub enum ConfirmError {
    Token(TokenError),
    /// `identity.user.active_or_doesnt_exist`.
    ActiveOrMissing,
}

impl From<Error> for ConfirmError {
    fn from(e: Error) -> Self {
        Self::Token(TokenError::Internal(e))
    }
}

impl From<StoreError> for ConfirmError {
    fn from(e: StoreError) -> Self {
        Self::from(Error::from(e))
    }
}

/// Barong's check order: the token, the user's state, single use; then `email:verified`.
pub async fn confirm(state: &AppState, token: &str) -> Result<User, ConfirmError> {
    let claims = tokens::verify(state, token, SUBJECT)
        .await
        .map_err(ConfirmError::Token)?;
    let email = claim(&claims, "email").unwrap_or_default();
    let user = state
        .store
        .user_by_email(email)
        .await?
        .filter(|u| !u.deleted && u.barong_state != BarongState::Active)
        .ok_or(ConfirmError::ActiveOrMissing)?;
    if !tokens::claim_jti(state, &claims).await? {
        return Err(ConfirmError::Token(TokenError::Utilized));
    }
    let now = crate::auth::session::truncate(state.clock.now());
    let user = update_user_with(&*state.store, user, |u| {
        u.set_private_label("email", "verified", now);
        u.updated_at = now;
        Ok::<(), StoreError>(())
    })
    .await?;
    Ok(user)
}
