//! What every resource handler shares: the account a request acts on, the 2FA gate of key
//! management, and the flows' refusals in Barong's words.

use gatehouse::AppState;
use gatehouse::auth::barong::account::AccountError;
use gatehouse::auth::barong::api_keys::ApiKeyError;
use gatehouse::auth::barong::credentials::{Authenticated, Principal, Via};
use gatehouse::auth::barong::two_factor::{self, TwoFactorError};
use gatehouse::model::User;
use gatehouse::wire::barong::error::BarongError;
use http::StatusCode;

pub fn internal(e: impl std::fmt::Display) -> BarongError {
    BarongError::internal_logged(&e)
}

/// The user a resource request acts on. Barong's resource API serves users only: a service
/// account's credentials name no user there (`record.not_found`).
pub fn user_of(auth: &Authenticated) -> Result<User, BarongError> {
    match &auth.principal {
        Principal::User(u) => Ok(u.clone()),
        Principal::ServiceAccount { .. } => Err(BarongError::not_found("record.not_found")),
    }
}

/// After a change that ended every session of the user (2FA turned on), the session this
/// request came with carries on, as Barong keeps the current one.
pub async fn keep_current_session(state: &AppState, auth: &Authenticated, user: &User) {
    if let Via::Cookie(session) = &auth.via {
        let mut session = (**session).clone();
        session.user_generation = user.session_generation;
        if let Err(e) = state.store.touch_barong_session(&session).await {
            tracing::error!(error = %e, "keeping the current session");
        }
    }
}

/// Barong's `otp_protected!` for key management (`prefix` is `resource.api_key` or
/// `resource.service_accounts`): 2FA on, a code given, the code right. The user comes back
/// with the code spent.
pub async fn otp_protected(
    state: &AppState,
    user: User,
    code: Option<&str>,
    prefix: &str,
) -> Result<User, BarongError> {
    if !user.totp_enabled {
        return Err(BarongError::bad_request(format!("{prefix}.2fa_disabled")));
    }
    let code = code.map(str::trim).unwrap_or_default();
    if code.is_empty() {
        return Err(BarongError::unprocessable([format!(
            "{prefix}.missing_totp"
        )]));
    }
    two_factor::check(state, user, code)
        .await
        .map_err(|e| match e {
            TwoFactorError::Reused => BarongError::unprocessable(["totp.error"]),
            TwoFactorError::NotEnabled => {
                BarongError::bad_request(format!("{prefix}.2fa_disabled"))
            }
            TwoFactorError::Internal(e) => internal(e),
            _ => BarongError::unprocessable([format!("{prefix}.invalid_totp")]),
        })
}

pub fn api_key_error(e: ApiKeyError) -> BarongError {
    match e {
        ApiKeyError::Invalid(keys) => BarongError::unprocessable(keys),
        ApiKeyError::NotFound => BarongError::not_found("record.not_found"),
        ApiKeyError::Internal(e) => internal(e),
    }
}

pub fn account_error(e: AccountError) -> BarongError {
    match e {
        AccountError::Invalid(keys) => BarongError::unprocessable(keys),
        AccountError::Password(keys) => BarongError::unprocessable(keys),
        AccountError::Labels(keys) => BarongError::unprocessable(keys),
        AccountError::WrongPassword => {
            BarongError::bad_request("resource.password.prev_pass_not_correct")
        }
        AccountError::NoChange => BarongError::bad_request("resource.password.no_change_provided"),
        AccountError::PrivateLabel => BarongError::bad_request("resource.labels.private"),
        AccountError::NotFound => BarongError::not_found("record.not_found"),
        AccountError::Internal(e) => internal(e),
    }
}

/// `200` etc. as a bare JSON body.
pub fn status_body(status: StatusCode) -> axum::response::Response {
    gatehouse::wire::barong::error::StatusBody::echo(status).into_response_body()
}
