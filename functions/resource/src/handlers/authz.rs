//! `ANY /api/v2/auth/authz/{*path}`: Barong's authz contract (§2.4) for `path`, decided by
//! [`gatehouse::auth::barong::authorize::decide`]. Allowed: 200, empty body,
//! `Authorization: Bearer <JWT>` (an RS256 JWT of the principal, sub `session`, which the
//! resource API accepts as a bearer). A pass path: 200, empty body, no header. Refused:
//! `{"errors":[key]}` with Barong's status.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::barong::authorize::{self, Decision, Denial};
use gatehouse::auth::barong::session::COOKIE_NAME;
use gatehouse::auth::barong::tokens;
use gatehouse::http::client_ip::ClientIp;
use gatehouse::http::cookies::cookie;
use gatehouse::wire::barong::error::BarongError;

/// Where the checked path starts in the request path.
const PREFIX: &str = "/api/v2/auth/authz/";

pub async fn mint(
    axum::extract::State(state): axum::extract::State<AppState>,
    ClientIp(ip): ClientIp,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // From the URI, not a path capture: behind gatehouse-local another wildcard captures too.
    // Still percent-encoded: the decision decodes it.
    let path = uri.path().strip_prefix(PREFIX).unwrap_or_default();
    let session = cookie(&headers, COOKIE_NAME);
    let presented = authorize::presented(&headers, session.as_deref(), method.as_str(), ip, None);
    match authorize::decide(&state, method.as_str(), path, &presented).await {
        Ok(Decision::Pass) => StatusCode::OK.into_response(),
        Ok(Decision::Allow(auth)) => {
            let jwt = match tokens::mint(&state, "session", auth.principal.authz_claims()).await {
                Ok(jwt) => jwt,
                Err(e) => return BarongError::internal_logged(&e).into_response(),
            };
            match HeaderValue::try_from(format!("Bearer {jwt}")) {
                Ok(bearer) => (StatusCode::OK, [(header::AUTHORIZATION, bearer)]).into_response(),
                Err(e) => BarongError::internal_logged(&e).into_response(),
            }
        }
        Err(Denial::Internal(e)) => BarongError::internal_logged(&e).into_response(),
        Err(denial) => {
            let status = StatusCode::from_u16(denial.status()).unwrap_or(StatusCode::FORBIDDEN);
            BarongError::new(status, denial.key()).into_response()
        }
    }
}
