//! Coder's login-group limit: N requests a minute per client address per endpoint, counted in
//! the store. Over it: 429 with Coder's message and httprate's headers.

use super::client_ip::client_ip;
use super::coder_session::CoderSession;
use crate::auth::rate_limit;
use crate::state::AppState;
use crate::wire::coder::{CoderError, Response};
use axum::extract::FromRequestParts;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response as HttpResponse};

fn header(name: &'static str, value: impl ToString) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static(name),
        HeaderValue::from_str(&value.to_string()).unwrap_or_else(|_| HeaderValue::from_static("0")),
    )
}

/// Counts each endpoint of the login group on its own, as Coder does.
pub async fn login_rate_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> HttpResponse {
    let bucket = request.uri().path().to_owned();
    limit_in_bucket(state, &bucket, request, next).await
}

/// Counts requests in the login endpoint's own bucket: for endpoints that check a password
/// (convert-login), so they give no more guesses than login itself, whatever `{user}` says.
/// An owner may skip it with `X-Coder-Bypass-Ratelimit`.
pub async fn counted_as_login(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> HttpResponse {
    limit_unless_owner_bypasses(state, LOGIN_PATH, request, next).await
}

/// The login limit on password changes, in one bucket per client whatever `{user}` says (`me`,
/// an id and every spelling of a username alike), so the old password gets no more guesses
/// than login gives. An owner may skip it with `X-Coder-Bypass-Ratelimit`.
pub async fn password_change_rate_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> HttpResponse {
    limit_unless_owner_bypasses(state, PASSWORD_CHANGE_BUCKET, request, next).await
}

/// `bucket`'s limit, unless an owner's session asks to skip it (428 for anyone else asking).
async fn limit_unless_owner_bypasses(
    state: AppState,
    bucket: &str,
    request: Request,
    next: Next,
) -> HttpResponse {
    match bypass(&state, request).await {
        Bypass::Granted(request) => next.run(request).await,
        Bypass::NotAsked(request) => limit_in_bucket(state, bucket, request, next).await,
        Bypass::Refused(response) => response,
    }
}

const PASSWORD_CHANGE_BUCKET: &str = "/api/v2/users/{user}/password";

const BYPASS_HEADER: &str = "x-coder-bypass-ratelimit";

enum Bypass {
    Granted(Request),
    NotAsked(Request),
    Refused(HttpResponse),
}

/// Coder's rule: a true `X-Coder-Bypass-Ratelimit` (Go's `ParseBool`) lifts the limit for an
/// owner's session and is a 428 for anyone else's; without a valid session it is ignored.
async fn bypass(state: &AppState, request: Request) -> Bypass {
    let asked = request
        .headers()
        .get(BYPASS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::wire::coder::parse_go_bool)
        .unwrap_or(false);
    if !asked {
        return Bypass::NotAsked(request);
    }
    let (mut parts, body) = request.into_parts();
    // The session is cached on the request, so the handler does not authenticate again.
    let session = CoderSession::from_request_parts(&mut parts, state).await;
    let request = Request::from_parts(parts, body);
    match session {
        Ok(CoderSession(s)) if s.user.has_site_role("owner") => Bypass::Granted(request),
        Ok(_) => Bypass::Refused(
            (
                StatusCode::PRECONDITION_REQUIRED,
                [(
                    axum::http::header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                "\"X-Coder-Bypass-Ratelimit\" provided but user is not owner\n",
            )
                .into_response(),
        ),
        Err(_) => Bypass::NotAsked(request),
    }
}

/// Coder's login endpoint: its bucket also counts every other way to try a password.
pub const LOGIN_PATH: &str = "/api/v2/users/login";

async fn limit_in_bucket(
    state: AppState,
    bucket: &str,
    request: Request,
    next: Next,
) -> HttpResponse {
    let limit = state.settings.login_rate_limit;
    if limit == 0 {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let key = format!("login:{}:{bucket}", client_ip(&parts));
    let decision = match rate_limit::hit(&state, &key, limit).await {
        Ok(d) => d,
        Err(e) => return CoderError::from(e).into_response(),
    };
    let headers = [
        header("x-ratelimit-limit", decision.limit),
        header("x-ratelimit-remaining", decision.remaining),
        header("x-ratelimit-reset", decision.reset),
    ];
    let mut response = if decision.allowed {
        next.run(Request::from_parts(parts, body)).await
    } else {
        CoderError::new(
            StatusCode::TOO_MANY_REQUESTS,
            Response::message(format!(
                "You've been rate limited for sending more than {limit} requests in 1m0s."
            )),
        )
        .into_response()
    };
    response.headers_mut().extend(headers);
    response
}
