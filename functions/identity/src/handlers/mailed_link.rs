//! The two "mail me a link" endpoints (confirmation and reset): the same checks, the same 201
//! with body `201` whether or not the address is known, after the same minimum time.

use crate::params::{Params, Spec, Text, captcha_error, captcha_response};
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::captcha;
use gatehouse::wire::barong::error::{BarongError, StatusBody};
use http::StatusCode;
use std::future::Future;

/// Checks `email` and the captcha of `endpoint`, then runs `send`, which mails only a known
/// address; the answer and its timing are the same either way.
pub async fn answer<F, Fut>(
    state: &AppState,
    params: Params,
    endpoint: &str,
    send: F,
) -> Result<Response, BarongError>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<(), gatehouse::Error>>,
{
    let params = params.check(
        "identity.user",
        &[
            Spec::required("email").string().non_blank(),
            Spec::optional("captcha_response").string_or_map(),
        ],
    )?;
    captcha::verify(state, endpoint, captcha_response(&params))
        .await
        .map_err(captcha_error)?;
    let started = tokio::time::Instant::now();
    if let Err(e) = send(params.text("email").unwrap_or_default()).await {
        tracing::error!(error = %e, endpoint, "mailing a link failed");
    }
    tokio::time::sleep_until(started + state.settings.otp_request_floor).await;
    Ok(StatusBody::echo(StatusCode::CREATED).into_response_body())
}
