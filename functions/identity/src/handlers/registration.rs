//! `POST /identity/users`: registration; the new account's session opens at once (201).

use crate::params::{Params, Spec, Text, captcha_response};
use crate::session_response::{Client, internal, open_session};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::activity::{Event, Kind, Surface, record};
use gatehouse::auth::barong::registration::{self, Registration, RegistrationError};
use gatehouse::auth::barong::{captcha, confirmation};
use gatehouse::auth::setup::{SETUP_SECRET_HEADER, may_create_first_user};
use gatehouse::http::public_url::PublicUrl;
use gatehouse::wire::barong::error::BarongError;
use http::StatusCode;

pub async fn register(
    State(state): State<AppState>,
    client: Client,
    base_url: PublicUrl,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "identity.user",
        &[
            Spec::required("email").string().non_blank(),
            Spec::required("password").string().non_blank(),
            Spec::optional("username").string(),
            Spec::optional("refid").string(),
            Spec::optional("captcha_response").string_or_map(),
            Spec::optional("data").string(),
        ],
    )?;
    captcha::verify(&state, "user_create", captcha_response(&params))
        .await
        .map_err(crate::params::captcha_error)?;
    let secret = headers
        .get(SETUP_SECRET_HEADER)
        .and_then(|v| v.to_str().ok());
    let r = Registration {
        email: params.text("email").unwrap_or_default(),
        password: params.text("password").unwrap_or_default(),
        username: params.text("username"),
        refid: params.text("refid"),
        data: params.text("data"),
        may_be_first: may_create_first_user(&state.settings, secret),
    };
    let (user, confirm) = registration::register(&state, r)
        .await
        .map_err(|e| match e {
            RegistrationError::InvalidReferralFormat => {
                BarongError::unprocessable(["identity.user.invalid_referral_format"])
            }
            RegistrationError::ReferralDoesntExist => {
                BarongError::unprocessable(["identity.user.referral_doesnt_exist"])
            }
            RegistrationError::Invalid(keys) => BarongError::unprocessable(keys),
            RegistrationError::Internal(e) => internal(e),
        })?;
    if confirm && let Err(e) = confirmation::send_to(&state, &base_url.0, &user).await {
        // The account exists and its session opens; a new link can be asked for.
        tracing::error!(error = %e, "confirmation mail after registration failed");
    }
    let opened = open_session(&state, &client, &user, StatusCode::CREATED).await;
    let event = Event::new(Kind::Signup, Surface::Barong, 201, Some(&user));
    record(&state, &client.origin(), event).await;
    opened
}
