//! `POST /identity/users/password/generate_code` and `/confirm_code`.

use super::email_confirmation::token_error;
use crate::params::{Params, Spec, Text};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::activity::{Event, Kind, Surface, record};
use gatehouse::auth::barong::reset::{self, ResetError};
use gatehouse::http::public_url::PublicUrl;
use gatehouse::wire::barong::error::{BarongError, StatusBody};
use http::StatusCode;

/// 201 with body `201` for known and unknown emails alike, after the same minimum time.
pub async fn generate_code(
    State(state): State<AppState>,
    base_url: PublicUrl,
    params: Params,
) -> Result<Response, BarongError> {
    let (state, base_url) = (&state, base_url.0.as_str());
    super::mailed_link::answer(state, params, "password_reset", |email| async move {
        reset::send(state, base_url, &email).await
    })
    .await
}

pub async fn confirm_code(
    State(state): State<AppState>,
    client: crate::session_response::Client,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "identity.user",
        &[
            Spec::required("reset_password_token")
                .string()
                .non_blank()
                .message("identity.user.missing_pass_token"),
            Spec::required("password").string().non_blank(),
            Spec::required("confirm_password").string().non_blank(),
        ],
    )?;
    let password = params.text("password").unwrap_or_default();
    if params.text("confirm_password").unwrap_or_default() != password {
        return Err(BarongError::unprocessable([
            "identity.user.passwords_doesnt_match",
        ]));
    }
    let token = params.text("reset_password_token").unwrap_or_default();
    let user = reset::confirm(&state, &token, &password)
        .await
        .map_err(|e| match e {
            ResetError::Token(e) => token_error(e),
            ResetError::Password(keys) => BarongError::unprocessable(keys),
        })?;
    let event = Event::new(Kind::PasswordReset, Surface::Barong, 201, Some(&user));
    record(&state, &client.origin(), event).await;
    Ok(StatusBody::echo(StatusCode::CREATED).into_response_body())
}
