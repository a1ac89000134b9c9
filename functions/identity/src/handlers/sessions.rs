//! `POST /identity/sessions` (sign in, 200), `DELETE /identity/sessions` (sign out, 200 with
//! body `200`), `POST /identity/sessions/auth0` (201).

use crate::params::{Params, Spec, Text, captcha_error, captcha_response};
use crate::session_response::{Client, internal, open_session, with_cleared_cookie};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::activity::{Event, Kind, Surface, record};
use gatehouse::auth::barong::auth0::{self, Auth0Error};
use gatehouse::auth::barong::login::{BarongLoginError, sign_in};
use gatehouse::auth::barong::{captcha, session};
use gatehouse::wire::barong::error::{BarongError, StatusBody};
use http::StatusCode;

pub async fn create(
    State(state): State<AppState>,
    client: Client,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "identity.session",
        &[
            Spec::required("email"),
            // Untyped in Barong: a list or map reaches the password check and fails there.
            Spec::required("password"),
            Spec::optional("captcha_response")
                .string_or_map()
                .type_message("identity.session.invalid_captcha_format"),
            Spec::optional("otp_code").string(),
        ],
    )?;
    captcha::verify(&state, "session_create", captcha_response(&params))
        .await
        .map_err(captcha_error)?;
    let email = params.text("email").unwrap_or_default();
    let password = params.text("password").unwrap_or_default();
    let otp_code = params.text("otp_code");
    let user = match sign_in(&state, &email, &password, otp_code.as_deref()).await {
        Ok(user) => user,
        Err(e) => {
            let refused = login_refusal(&e);
            if let Some((kind, reason)) = recorded_failure(e) {
                record_failed_login(&state, &client, &email, &refused, kind, reason).await;
            }
            return Err(refused);
        }
    };
    let opened = open_session(&state, &client, &user, StatusCode::OK).await;
    let kind = if user.totp_enabled {
        Kind::LoginTwoFactor
    } else {
        Kind::Login
    };
    let event = Event::new(kind, Surface::Barong, 200, Some(&user));
    record(&state, &client.origin(), event).await;
    opened
}

fn login_refusal(e: &BarongLoginError) -> BarongError {
    match e {
        BarongLoginError::InvalidParams => {
            BarongError::unauthorized("identity.session.invalid_params")
        }
        BarongLoginError::Banned => BarongError::unauthorized("identity.session.banned"),
        BarongLoginError::Deleted => BarongError::unauthorized("identity.session.deleted"),
        BarongLoginError::NotActive => BarongError::unauthorized("identity.session.not_active"),
        BarongLoginError::MissingOtp => BarongError::unauthorized("identity.session.missing_otp"),
        BarongLoginError::InvalidOtp => BarongError::forbidden("identity.session.invalid_otp"),
        BarongLoginError::CodeUsed => BarongError::unprocessable(["totp.error"]),
        BarongLoginError::Internal(e) => internal(e),
    }
}

/// What Barong's `login_error!` records for a refusal: the kind and its English reason
/// (`app/api/v2/identity/sessions.rb`). A missing code, a code already used and a failure
/// of ours are answered before any record there, so they have none.
fn recorded_failure(e: BarongLoginError) -> Option<(Kind, &'static str)> {
    match e {
        BarongLoginError::InvalidParams => Some((Kind::Login, "Invalid Email or Password")),
        BarongLoginError::Banned => Some((Kind::Login, "Your account is banned")),
        BarongLoginError::Deleted => Some((Kind::Login, "Your account is deleted")),
        BarongLoginError::NotActive => Some((Kind::Login, "Your account is not active")),
        BarongLoginError::InvalidOtp => Some((Kind::LoginTwoFactor, "OTP code is invalid")),
        BarongLoginError::MissingOtp
        | BarongLoginError::CodeUsed
        | BarongLoginError::Internal(_) => None,
    }
}

/// A refused sign-in is recorded for the account the email names, if any. Known and unknown
/// addresses cost the same (one read, one write), so the log cannot be timed to tell them apart.
async fn record_failed_login(
    state: &AppState,
    client: &Client,
    email: &str,
    refused: &BarongError,
    kind: Kind,
    reason: &str,
) {
    let user = match state.store.user_by_email(email).await {
        Ok(user) => user.filter(|u| !u.deleted),
        Err(_) => None,
    };
    let event = Event::new(
        kind,
        Surface::Barong,
        refused.status.as_u16(),
        user.as_ref(),
    )
    .data(serde_json::json!({ "reason": reason }));
    record(state, &client.origin(), event).await;
}

pub async fn delete(
    State(state): State<AppState>,
    client: Client,
) -> Result<Response, BarongError> {
    let user = session::close(&state, client.session_cookie.as_deref())
        .await
        .map_err(internal)?;
    let Some(user) = user else {
        return Err(BarongError::not_found("identity.session.not_found"));
    };
    let event = Event::new(Kind::Logout, Surface::Barong, 200, Some(&user));
    record(&state, &client.origin(), event).await;
    Ok(with_cleared_cookie(
        StatusBody::echo(StatusCode::OK).into_response_body(),
        client.secure,
    ))
}

pub async fn auth0(
    State(state): State<AppState>,
    client: Client,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "identity.session",
        &[Spec::required("id_token").string().non_blank()],
    )?;
    let id_token = params.text("id_token").unwrap_or_default();
    let user = auth0::sign_in(&state, &id_token)
        .await
        .map_err(|e| match e {
            Auth0Error::Refused => {
                BarongError::unauthorized("identity.session.auth0.invalid_params")
            }
            Auth0Error::BadToken => {
                BarongError::unprocessable(["identity.session.auth0.invalid_params"])
            }
            Auth0Error::Internal(e) => internal(e),
        })?;
    let opened = open_session(&state, &client, &user, StatusCode::CREATED).await;
    // Barong records an Auth0 sign-in as any other, with no data.
    let event = Event::new(Kind::Login, Surface::Barong, 201, Some(&user));
    record(&state, &client.origin(), event).await;
    opened
}
