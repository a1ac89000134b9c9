//! Opening a session into a response (entity + `csrf_token` + cookie), and the cookie
//! extractor for requests that need one.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::barong::session::{
    self, COOKIE_NAME, CookieError, CookieSession, cookie_expiry,
};
use gatehouse::http::client_ip::client_ip;
use gatehouse::http::cookies::cookie;
use gatehouse::http::public_url::public_url;
use gatehouse::model::User;
use gatehouse::wire::barong::error::{BarongError, json_response};
use gatehouse::wire::barong::user::UserWithFullInfo;
use http::StatusCode;
use std::net::IpAddr;

/// Who is asking: address, User-Agent, and whether cookies must be `Secure`.
pub struct Client {
    pub ip: IpAddr,
    pub user_agent: String,
    pub secure: bool,
    pub session_cookie: Option<String>,
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self {
            ip: client_ip(parts),
            user_agent: user_agent(&parts.headers),
            secure: public_url(&state.settings, parts).is_https(),
            session_cookie: cookie(&parts.headers, COOKIE_NAME),
        })
    }
}

fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `Set-Cookie` as Rack writes it (its attribute names and order), plus `SameSite=Lax`: the
/// CSRF token already guards changes, and Lax keeps other sites from even sending the cookie.
fn set_cookie(value: &str, expires: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={value}; path=/; expires={expires}{secure}; HttpOnly; SameSite=Lax"
    ))
    .ok()
}

fn cookie_expires(state: &AppState) -> String {
    cookie_expiry(state.clock.now())
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Re-sends the session cookie with a fresh 24 hours, as Rack does on every request that loads
/// a session, so an active user's browser keeps it.
pub fn refresh_cookie(state: &AppState, client: &Client, mut response: Response) -> Response {
    if let Some(value) = &client.session_cookie
        && let Some(v) = set_cookie(value, &cookie_expires(state), client.secure)
    {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// Opens a session for `user` and answers `status` with the entity, its `csrf_token` and the
/// session cookie.
pub async fn open_session(
    state: &AppState,
    client: &Client,
    user: &User,
    status: StatusCode,
) -> Result<Response, BarongError> {
    let opened = session::open(state, user, client.ip, &client.user_agent)
        .await
        .map_err(internal)?;
    let mut response = json_response(
        status,
        &UserWithFullInfo::new(user, Some(opened.csrf_token)),
    );
    if let Some(v) = set_cookie(&opened.cookie_value, &cookie_expires(state), client.secure) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// A response that clears the session cookie.
pub fn with_cleared_cookie(mut response: Response, secure: bool) -> Response {
    if let Some(v) = set_cookie("", "Thu, 01 Jan 1970 00:00:00 GMT", secure) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

pub fn internal(e: impl std::fmt::Display) -> BarongError {
    tracing::error!(error = %e, "identity request failed");
    BarongError::internal()
}

/// The request's cookie session, checked as Barong's authz checks it.
pub struct CookieAuth(pub CookieSession);

impl FromRequestParts<AppState> for CookieAuth {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = cookie(&parts.headers, COOKIE_NAME) else {
            // No credentials at all: the resource API's answer.
            return Err(BarongError::unauthorized("jwt.decode_and_verify").into_response());
        };
        let ua = user_agent(&parts.headers);
        match session::authenticate(state, Some(&value), client_ip(parts), &ua).await {
            Ok(s) => Ok(Self(s)),
            Err(e) => Err(match e {
                CookieError::InvalidSession => BarongError::unauthorized("authz.invalid_session"),
                CookieError::ClientSessionMismatch => {
                    BarongError::unauthorized("authz.client_session_mismatch")
                }
                CookieError::UserNotActive => BarongError::unauthorized("authz.user_not_active"),
                CookieError::Internal(e) => internal(e),
            }
            .into_response()),
        }
    }
}

/// A superadmin's cookie session; mutating requests must carry its CSRF token (Barong's authz:
/// the CSRF check first, then the session, then the permission).
pub struct AdminAuth;

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let sent_csrf = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mutating = !matches!(parts.method, http::Method::GET | http::Method::HEAD);
        if mutating && sent_csrf.is_none() {
            return Err(BarongError::unauthorized("authz.missing_csrf_token").into_response());
        }
        if cookie(&parts.headers, COOKIE_NAME).is_none() {
            return Err(BarongError::unauthorized("authz.invalid_session").into_response());
        }
        let CookieAuth(session) = CookieAuth::from_request_parts(parts, state).await?;
        if mutating {
            let expected = session.session.csrf_token.as_bytes();
            let sent = sent_csrf.unwrap_or_default();
            if !bool::from(subtle::ConstantTimeEq::ct_eq(sent.as_bytes(), expected)) {
                return Err(BarongError::unauthorized("authz.csrf_token_mismatch").into_response());
            }
        }
        if session.user.barong_role() != "superadmin" {
            return Err(BarongError::unauthorized("authz.invalid_permission").into_response());
        }
        Ok(Self)
    }
}
