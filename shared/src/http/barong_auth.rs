//! The Barong surface's credential extractor: reads what a request presents (API-key headers,
//! session cookie and CSRF header, bearer token) and hands it to
//! [`crate::auth::barong::credentials`], which decides in Barong's order.

use super::client_ip::client_ip;
use super::cookies::cookie;
use super::public_url::public_url;
use crate::auth::barong::credentials::{self, ApiKeyHeaders, Authenticated, Presented, Refusal};
use crate::auth::barong::session::{COOKIE_NAME, cookie_expiry};
use crate::state::AppState;
use crate::wire::barong::error::BarongError;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// An authenticated Barong request.
pub struct BarongAuth(pub Authenticated);

/// The one value of a header: `Err(())` when it is repeated. A value that is not visible
/// ASCII is present but matches nothing (no kid, no signature, no timestamp is made of it).
fn single<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ()> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    Ok(Some(first.to_str().unwrap_or("\u{fffd}")))
}

/// The token of `Authorization: Bearer <token>`, read as peatio's `JWTAuthenticator` reads it
/// (`token_type, token_value = token.split(" ")`): the scheme must be `Bearer` exactly, case
/// included; anything else is no credential (`jwt.decode_and_verify`).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let mut fields = value.split_ascii_whitespace();
    (fields.next()? == "Bearer")
        .then(|| fields.next())
        .flatten()
}

/// The refusal in Barong's shape; a store failure is logged and answered as Barong's 500.
pub fn refusal_response(refusal: Refusal) -> Response {
    if let Refusal::Internal(e) = &refusal {
        tracing::error!(error = %e, "authenticating a Barong request failed");
        return BarongError::internal().into_response();
    }
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    BarongError::new(status, refusal.key()).into_response()
}

/// Barong checks CSRF on these verbs.
pub fn is_mutating(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE | Method::TRACE
    )
}

impl FromRequestParts<AppState> for BarongAuth {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let mut malformed = false;
        let mut read = |name: &str| {
            single(headers, name).unwrap_or_else(|()| {
                malformed = true;
                None
            })
        };
        let api_key = ApiKeyHeaders {
            kid: read("x-auth-apikey"),
            nonce: read("x-auth-nonce"),
            signature: read("x-auth-signature"),
            malformed,
        };
        let session_cookie = cookie(headers, COOKIE_NAME);
        let presented = Presented {
            api_key,
            cookie: session_cookie.as_deref(),
            csrf_token: headers.get("x-csrf-token").and_then(|v| v.to_str().ok()),
            bearer: bearer(headers),
            mutating: is_mutating(&parts.method),
            ip: client_ip(parts),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default(),
        };
        let authenticated = credentials::authenticate(state, &presented)
            .await
            .map_err(refusal_response)?;
        super::activity_log::ActivitySlot::note_actor(parts, authenticated.principal.user());
        Ok(Self(authenticated))
    }
}

/// A request by a superadmin (a Coder owner), whatever credential it used.
pub struct BarongAdmin(pub Authenticated);

impl FromRequestParts<AppState> for BarongAdmin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let BarongAuth(auth) = BarongAuth::from_request_parts(parts, state).await?;
        if auth.principal.role() != "superadmin" {
            return Err(BarongError::unauthorized("authz.invalid_permission").into_response());
        }
        Ok(Self(auth))
    }
}

/// `Set-Cookie` for the session as Rack writes it (its attribute names and order), plus
/// `SameSite=Lax`: the CSRF token already guards changes, and Lax keeps other sites from even
/// sending the cookie.
pub fn session_cookie(value: &str, expires: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={value}; path=/; expires={expires}{secure}; HttpOnly; SameSite=Lax"
    ))
    .ok()
}

/// The cookie's `expires` for a cookie set now.
pub fn session_cookie_expires(state: &AppState) -> String {
    cookie_expiry(state.clock.now())
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Re-sends the session cookie with a fresh 24 hours on every answer to a request that carried
/// one, unless the session was refused or the handler set the cookie itself (Rack does this for
/// every request that loads a session), so an active user's browser keeps it.
pub async fn refresh_session_cookie(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let value = cookie(&parts.headers, COOKIE_NAME).filter(|v| !v.is_empty());
    let secure = public_url(&state.settings, &parts).is_https();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(value) = value
        && response.status() != StatusCode::UNAUTHORIZED
        && !response.headers().contains_key(header::SET_COOKIE)
        && let Some(v) = session_cookie(&value, &session_cookie_expires(&state), secure)
    {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
