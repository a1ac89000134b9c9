use crate::handlers::set_cookie;
use crate::refusals::coder_login_error;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::activity::{self, Event, Kind, Origin, Surface};
use gatehouse::auth::{login, session};
use gatehouse::http::client_ip::{ClientIp, RequestOrigin};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::cookies::{SameSite, SetCookie};
use gatehouse::http::credentials::CODER_SESSION_COOKIE;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::model::LoginType;
use gatehouse::wire::coder::{CoderError, LoginWithPasswordRequest, write_json};
use serde_json::json;

/// `POST /api/v2/users/login`: 201 `{"session_token"}` and the session cookie.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    RequestOrigin(origin): RequestOrigin,
    base_url: PublicUrl,
    CoderJson(req): CoderJson<LoginWithPasswordRequest>,
) -> Result<Response, CoderError> {
    let user = match login::password_login(&state, &req.email, &req.password).await {
        Ok(user) => user,
        Err(e) => {
            let refused = coder_login_error(e);
            record_failed_login(&state, &origin, &req.email, refused.status.as_u16()).await;
            return Err(refused);
        }
    };
    let event = Event::new(Kind::Login, Surface::Coder, 201, Some(&user));
    let sign_in = activity::entry(&state, &origin, event);
    let spec = session::KeySpec::login(&state, LoginType::Password);
    let issued = session::issue_recorded(&state, &user, spec, ip, &sign_in).await;
    let (token, _) = issued.map_err(|e| {
        tracing::error!(error = %e, "creating a session failed");
        CoderError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            gatehouse::wire::coder::Response::message("Failed to create API key."),
        )
    })?;
    let cookie = SetCookie {
        name: CODER_SESSION_COOKIE,
        value: &token,
        expires: None,
        max_age: None,
        same_site: SameSite::Lax,
        secure: base_url.is_https(),
    };
    Ok(set_cookie(
        write_json(StatusCode::CREATED, &json!({ "session_token": token })),
        &cookie.render(),
    ))
}

/// A refused login is recorded for the account the email names, if any. Known and unknown
/// addresses cost the same (one read, one write), so the log cannot be timed to tell them apart.
async fn record_failed_login(state: &AppState, origin: &Origin, email: &str, status: u16) {
    let user = match state.store.user_by_email(email).await {
        Ok(user) => user.filter(|u| !u.deleted),
        Err(_) => None,
    };
    let event = Event::new(Kind::Login, Surface::Coder, status, user.as_ref());
    activity::record(state, origin, event).await;
}
