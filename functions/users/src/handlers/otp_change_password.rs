use crate::refusals::password_auth_disabled;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use gatehouse::AppState;
use gatehouse::auth::activity::{self, Event, Kind, Surface};
use gatehouse::auth::otp::{self, PasscodeChangeError};
use gatehouse::http::client_ip::RequestOrigin;
use gatehouse::http::coder_json::CoderJson;
use gatehouse::password;
use gatehouse::wire::coder::{ChangePasswordWithOneTimePasscodeRequest, CoderError, Response};

/// `POST /api/v2/users/otp/change-password`: 204 on success; every session of the user ends.
pub async fn change_password(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    request: Request,
) -> Result<HttpResponse, CoderError> {
    if state.settings.password_auth_disabled {
        return Err(password_auth_disabled());
    }
    let CoderJson(req) =
        CoderJson::<ChangePasswordWithOneTimePasscodeRequest>::from_request(request, &state)
            .await?;
    if let Err(detail) = password::check_new_coder_password(&req.password) {
        return Err(CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Invalid password.").with_validation("password", detail),
        ));
    }
    match otp::change_password(&state, &req.email, &req.one_time_passcode, &req.password).await {
        Ok(()) => {
            // Only a right passcode gets here: recording it tells nobody which emails exist.
            if let Ok(Some(user)) = state.store.user_by_email(&req.email).await {
                let event = Event::new(Kind::PasswordReset, Surface::Coder, 204, Some(&user));
                activity::record(&state, &origin, event).await;
            }
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Err(PasscodeChangeError::Incorrect) => Err(CoderError::bad_request(
            "Incorrect email or one-time passcode.",
        )),
        Err(PasscodeChangeError::SameAsOld) => Err(CoderError::bad_request(
            "New password cannot match old password.",
        )),
        Err(PasscodeChangeError::Internal(e)) => Err(CoderError::internal(&e)),
    }
}
