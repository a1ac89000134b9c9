//! `POST /identity/users/email/generate_code` and `/confirm_code`.

use crate::params::{Params, Spec, Text};
use crate::session_response::{Client, internal, open_session};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::confirmation::{self, ConfirmError};
use gatehouse::auth::barong::tokens::TokenError;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::wire::barong::error::BarongError;
use http::StatusCode;

/// 201 with body `201` whether or not a mail went out, after the same minimum time.
pub async fn generate_code(
    State(state): State<AppState>,
    base_url: PublicUrl,
    params: Params,
) -> Result<Response, BarongError> {
    let (state, base_url) = (&state, base_url.0.as_str());
    super::mailed_link::answer(state, params, "email_confirmation", |email| async move {
        confirmation::send(state, base_url, &email).await
    })
    .await
}

pub async fn confirm_code(
    State(state): State<AppState>,
    client: Client,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "identity.user",
        &[Spec::required("token").string().non_blank()],
    )?;
    let token = params.text("token").unwrap_or_default();
    let user = confirmation::confirm(&state, &token)
        .await
        .map_err(|e| match e {
            ConfirmError::ActiveOrMissing => {
                BarongError::unprocessable(["identity.user.active_or_doesnt_exist"])
            }
            ConfirmError::Token(e) => token_error(e),
        })?;
    open_session(&state, &client, &user, StatusCode::CREATED).await
}

pub fn token_error(e: TokenError) -> BarongError {
    match e {
        TokenError::Decode(suffix) => {
            BarongError::unprocessable([format!("jwt.decode_and_verify.{suffix}")])
        }
        TokenError::Utilized => BarongError::unprocessable(["identity.user.utilized_token"]),
        TokenError::Internal(e) => internal(e),
    }
}
