//! `CoderSession`: Coder's `ExtractAPIKey` middleware as an extractor. Every refusal is a 401 in
//! Coder's words, the `detail` naming what was wrong with the token.

use super::client_ip::client_ip;
use super::credentials::coder_session_token;
use crate::auth::go_time_string;
use crate::auth::session::{self, Session, SessionError};
use crate::state::AppState;
use crate::token::TokenShapeError;
use crate::wire::coder::{CoderError, Response};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};

/// The session is shared (`Arc`) between the extractors of one request, never copied.
pub struct CoderSession(pub std::sync::Arc<Session>);

fn bearer_challenge(expired: bool) -> HeaderValue {
    let description = if expired {
        "The access token has expired"
    } else {
        "The access token is invalid"
    };
    HeaderValue::from_str(&format!(
        "Bearer realm=\"coder\", error=\"invalid_token\", error_description=\"{description}\""
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("Bearer realm=\"coder\""))
}

pub fn session_error(e: SessionError) -> CoderError {
    let detail = match e {
        SessionError::NoToken => {
            "Cookie \"coder_session_token\" or query parameter must be provided.".to_owned()
        }
        SessionError::Malformed(TokenShapeError::Parts(n)) => {
            format!("Invalid API key format: incorrect amount of API key parts, expected 2 got {n}")
        }
        SessionError::Malformed(TokenShapeError::IdLength(n)) => {
            format!("Invalid API key format: invalid API key ID length, expected 10 got {n}")
        }
        SessionError::Malformed(TokenShapeError::SecretLength(n)) => {
            format!("Invalid API key format: invalid API key secret length, expected 22 got {n}")
        }
        SessionError::UnknownKey => "API key is invalid.".to_owned(),
        SessionError::BadSecret => "API key secret is invalid.".to_owned(),
        SessionError::Expired(at) => {
            return CoderError::signed_out(format!(
                "API key expired at \"{}\".",
                go_time_string(&at)
            ))
            .with_header(header::WWW_AUTHENTICATE, bearer_challenge(true));
        }
        SessionError::Inactive(status) => {
            return CoderError::new(
                StatusCode::UNAUTHORIZED,
                Response::message(format!(
                    "User is not active (status = \"{}\"). Contact an admin to reactivate your account.",
                    status.as_str()
                )),
            )
            .with_header(header::WWW_AUTHENTICATE, bearer_challenge(false));
        }
        SessionError::Internal(e) => {
            tracing::error!(error = %e, "authenticating a session failed");
            // Never a 401 here: Coder clients take a 401 as "signed out" and drop the session.
            return CoderError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                Response::message(
                    "An internal error occurred. Please try again or contact the system administrator.",
                ),
            );
        }
    };
    CoderError::signed_out(detail).with_header(header::WWW_AUTHENTICATE, bearer_challenge(false))
}

impl FromRequestParts<AppState> for CoderSession {
    type Rejection = CoderError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<CachedSession>() {
            return Ok(CoderSession(cached.0.clone()));
        }
        let token = coder_session_token(parts);
        let ip = client_ip(parts);
        let s = session::authenticate(state, token.as_deref(), ip)
            .await
            .map_err(session_error)?;
        super::activity_log::ActivitySlot::note_actor(parts, &s.user);
        let s = std::sync::Arc::new(s);
        parts.extensions.insert(CachedSession(s.clone()));
        Ok(Self(s))
    }
}

/// One authentication per request, however many extractors ask.
#[derive(Clone)]
struct CachedSession(std::sync::Arc<Session>);
