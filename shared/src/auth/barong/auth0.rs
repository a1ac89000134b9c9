//! `POST /identity/sessions/auth0`: sign in with an Auth0 `id_token` (RS256, checked against
//! the configured domain's JWKS, issuer and audience).

use crate::Error;
use crate::auth::session::truncate;
use crate::model::User;
use crate::state::AppState;
use crate::store::StoreError;

#[derive(Debug)]
pub enum Auth0Error {
    /// 401 `identity.session.auth0.invalid_params`: no email, or an unverified unknown email,
    /// or an account that may not sign in.
    Refused,
    /// 422 `identity.session.auth0.invalid_params`: the token does not verify.
    BadToken,
    Internal(Error),
}

impl<E: Into<Error>> From<E> for Auth0Error {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// The user the token names, created (active, `email:verified`) when new and verified.
pub async fn sign_in(state: &AppState, id_token: &str) -> Result<User, Auth0Error> {
    let verifier = state.auth0_verifier();
    let claims = verifier
        .verify(id_token, state.clock.now())
        .await
        .map_err(|e| {
            tracing::info!(error = %e, "auth0 id_token refused");
            Auth0Error::BadToken
        })?;
    let email = claims.email.ok_or(Auth0Error::Refused)?;
    if email.is_empty() {
        // Barong fails to create such a user and answers as for a bad token.
        return Err(Auth0Error::BadToken);
    }
    let verified = claims.email_verified;
    if let Some(user) = state
        .store
        .user_by_email(&email)
        .await?
        .filter(|u| !u.deleted)
    {
        // Unlike Barong, an existing account (on either surface) is only entered with a
        // verified email: anyone can sign up to a tenant with someone else's address.
        if verified != Some(true) || !user.barong_may_sign_in() {
            return Err(Auth0Error::Refused);
        }
        return Ok(user);
    }
    match verified {
        Some(true) => {}
        Some(false) => return Err(Auth0Error::Refused),
        // Barong's `create!` raises on a missing flag and answers 422.
        None => return Err(Auth0Error::BadToken),
    }
    let now = truncate(state.clock.now());
    for attempt in 0..4 {
        let mut user = User::new(
            &email,
            &super::registration::coder_username_from(&email, attempt),
            now,
        );
        user.username_generated = true;
        // No password: this account signs in through Auth0 (Coder's login type `oidc`).
        user.login_type = crate::model::LoginType::Oidc;
        user.set_private_label("email", "verified", now);
        match state.store.create_user(&user).await {
            Ok(()) => return Ok(user),
            Err(StoreError::UsernameTaken) => continue,
            // Created concurrently by another sign-in: use that one.
            Err(StoreError::EmailTaken) => {
                return state
                    .store
                    .user_by_email(&email)
                    .await?
                    .ok_or(Auth0Error::Refused);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Auth0Error::Internal(Error::Internal(
        "no free username could be made up for the auth0 account".to_owned(),
    )))
}
