use crate::handlers::set_cookie;
use crate::refusals::coder_login_error;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::{login, session};
use gatehouse::http::client_ip::ClientIp;
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
    base_url: PublicUrl,
    CoderJson(req): CoderJson<LoginWithPasswordRequest>,
) -> Result<Response, CoderError> {
    let user = login::password_login(&state, &req.email, &req.password)
        .await
        .map_err(coder_login_error)?;
    let spec = session::KeySpec::login(&state, LoginType::Password);
    let (token, _) = session::issue(&state, &user, spec, ip).await.map_err(|e| {
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
