//! Coder's CSRF protection (coderd/httpmw/csrf.go over justinas/nosurf), for requests a
//! browser could be tricked into sending: a state-changing request authenticated only by the
//! session cookie must also prove it came from a page that could read the session or the CSRF
//! token. Token-header and bearer clients are never affected.

use super::cookies::{SameSite, SetCookie, cookie};
use super::credentials::{CODER_SESSION_COOKIE, CODER_SESSION_HEADER};
use super::public_url::public_url;
use crate::state::AppState;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

pub const CSRF_COOKIE: &str = "csrf_token";
const CSRF_HEADER: &str = "x-csrf-token";
const TOKEN_LEN: usize = 32;
const FAILURE: &str = "Something is wrong with your CSRF token. Please refresh the page. If this error persists, try clearing your cookies.\n";

/// Paths Coder exempts that exist here.
const EXEMPT_PATHS: &[&str] = &["/api/v2/users/first"];

/// The request's CSRF token (the cookie's 32 bytes), when it carries a well-formed one.
fn cookie_token(request: &Request) -> Option<Vec<u8>> {
    cookie(request.headers(), CSRF_COOKIE)
        .and_then(|v| STANDARD.decode(v).ok())
        .filter(|t| t.len() == TOKEN_LEN)
}

/// nosurf's `VerifyToken`: the sent token is the real one, or the real one masked with a
/// one-time pad (`pad || token XOR pad`, 64 bytes).
fn verify(real: &[u8], sent: &str) -> bool {
    let Ok(sent) = STANDARD.decode(sent) else {
        return false;
    };
    let unmasked: Vec<u8> = match sent.len() {
        TOKEN_LEN => sent,
        n if n == 2 * TOKEN_LEN => {
            let (pad, masked) = sent.split_at(TOKEN_LEN);
            pad.iter().zip(masked).map(|(p, m)| p ^ m).collect()
        }
        _ => return false,
    };
    bool::from(unmasked.ct_eq(real))
}

/// Does the request prove it is not a forged cross-site one? (Coder's `ExemptFunc`, then the
/// token check.)
fn passes(request: &Request, real: Option<&[u8]>) -> bool {
    let path = request.uri().path();
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) || !path.starts_with("/api")
        || EXEMPT_PATHS.contains(&path)
    {
        return true;
    }
    // Only the session cookie can be sent by a browser on its own.
    let Some(session) = cookie(request.headers(), CODER_SESSION_COOKIE) else {
        return true;
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let query_token = request
        .uri()
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == CODER_SESSION_COOKIE)
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    let same = |presented: &str| bool::from(presented.as_bytes().ct_eq(session.as_bytes()));
    if same(header(CODER_SESSION_HEADER)) || same(&query_token) {
        return true;
    }
    let sent = header(CSRF_HEADER);
    real.is_some_and(|real| !sent.is_empty() && verify(real, sent))
}

/// Checks state-changing cookie-authenticated requests; gives every client without a CSRF
/// cookie one (as Coder does), and marks responses as varying by cookie. `next` answers the
/// requests that pass.
pub async fn check_csrf(state: &AppState, request: Request, next: Next) -> Response {
    let real = cookie_token(&request);
    let mut response = if passes(&request, real.as_deref()) {
        let (parts, body) = request.into_parts();
        let secure = public_url(&state.settings, &parts).is_https();
        let mut response = next.run(Request::from_parts(parts, body)).await;
        if real.is_none() {
            let mut token = [0u8; TOKEN_LEN];
            // The thread's CSPRNG (ChaCha, seeded and reseeded from the OS): unpredictable,
            // without a system call per response.
            rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut token);
            let value = STANDARD.encode(token);
            let set = SetCookie {
                name: CSRF_COOKIE,
                value: &value,
                expires: None,
                max_age: None,
                same_site: SameSite::Lax,
                secure,
            };
            if let Ok(v) = HeaderValue::from_str(&set.render()) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        response
    } else {
        (
            StatusCode::BAD_REQUEST,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            FAILURE,
        )
            .into_response()
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Cookie"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_and_plain_tokens_verify() {
        let real = [7u8; TOKEN_LEN];
        assert!(verify(&real, &STANDARD.encode(real)));
        let pad = [0x5au8; TOKEN_LEN];
        let mut masked = pad.to_vec();
        masked.extend(real.iter().zip(pad).map(|(r, p)| r ^ p));
        assert!(verify(&real, &STANDARD.encode(&masked)));
        assert!(!verify(&real, &STANDARD.encode([8u8; TOKEN_LEN])));
        assert!(!verify(&real, "not base64!"));
        assert!(!verify(&real, &STANDARD.encode([7u8; 10])));
    }
}
