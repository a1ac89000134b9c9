use crate::refusals::password_auth_disabled;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::otp;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::wire::coder::{CoderError, RequestOneTimePasscodeRequest};

/// `POST /api/v2/users/otp/request`: 204 whether or not the email is known; a code is mailed
/// only to a known one. The response takes at least the configured floor, so the mail send does
/// not reveal which case it was.
pub async fn request_passcode(
    State(state): State<AppState>,
    base_url: PublicUrl,
    request: Request,
) -> Result<Response, CoderError> {
    if state.settings.password_auth_disabled {
        return Err(password_auth_disabled());
    }
    let started = tokio::time::Instant::now();
    let CoderJson(req) =
        CoderJson::<RequestOneTimePasscodeRequest>::from_request(request, &state).await?;
    if let Err(e) = otp::request_passcode(&state, &base_url.0, &req.email).await {
        tracing::error!(error = %e, "one-time passcode request failed");
    }
    tokio::time::sleep_until(started + state.settings.otp_request_floor).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
