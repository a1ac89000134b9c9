//! Opening a session into a response (entity + `csrf_token` + cookie), and who is asking.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::activity::Origin;
use gatehouse::auth::barong::session::{self, COOKIE_NAME};
use gatehouse::http::barong_auth::{session_cookie, session_cookie_expires};
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

impl Client {
    /// Who asked, for the activity log.
    pub fn origin(&self) -> Origin {
        Origin {
            ip: self.ip,
            user_agent: self.user_agent.clone(),
        }
    }
}

fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
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
    if let Some(v) = session_cookie(
        &opened.cookie_value,
        &session_cookie_expires(state),
        client.secure,
    ) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// A response that clears the session cookie.
pub fn with_cleared_cookie(mut response: Response, secure: bool) -> Response {
    if let Some(v) = session_cookie("", "Thu, 01 Jan 1970 00:00:00 GMT", secure) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

pub fn internal(e: impl std::fmt::Display) -> BarongError {
    tracing::error!(error = %e, "identity request failed");
    BarongError::internal()
}
