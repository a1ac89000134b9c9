//! Barong's authz as an API Gateway HTTP API Lambda authorizer (payload format 2.0, simple
//! responses): the same decision as the resource group's `ANY /api/v2/auth/authz/{*path}`
//! ([`gatehouse::auth::barong::authorize::decide`]), for any route the authorizer guards.
//!
//! The request's method, path (`rawPath`, without a non-default stage and the leading slash),
//! headers, cookies (payload 2.0 carries them in `cookies`, not in a `Cookie` header) and source
//! address (`requestContext.http.sourceIp`) are what the decision reads. The answer is
//!
//! - allowed: `{"isAuthorized": true, "context": {uid, email, role, level, state, jwt}}`, where
//!   `jwt` is a freshly minted Barong JWT of the principal (RS256, sub `session`) that the
//!   integration can forward to services that verify Barong JWTs (the resource API accepts it
//!   as a bearer). API Gateway hands the context to the integration as
//!   `requestContext.authorizer.lambda`;
//! - a `pass` path: `{"isAuthorized": true, "context": {}}` (no JWT, as Barong);
//! - anything else, internal errors and events that do not parse included:
//!   `{"isAuthorized": false, "context": {}}`.
//!
//! A simple-response authorizer cannot choose the client's answer: API Gateway turns `false`
//! into 403 `{"message":"Forbidden"}` (or 401 `{"message":"Unauthorized"}` when an identity
//! source is missing; Gatehouse configures none). Barong's status and key (`authz.*`) are in the
//! function's log line for the request; clients that need them call the mint endpoint.

pub use aws_lambda_events::apigw::ApiGatewayV2CustomAuthorizerV2Request;
use gatehouse::AppState;
use gatehouse::auth::barong::authorize::{self, Decision, Denial};
use gatehouse::auth::barong::session::COOKIE_NAME;
use gatehouse::auth::barong::tokens;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::net::IpAddr;

/// The claims of the minted JWT that the context carries, besides the JWT itself.
const CONTEXT_CLAIMS: [&str; 5] = ["uid", "email", "role", "level", "state"];

/// API Gateway's simple authorizer response (payload 2.0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerResponse {
    pub is_authorized: bool,
    /// Strings, numbers and booleans only (API Gateway refuses nested values).
    pub context: Map<String, Value>,
}

impl AuthorizerResponse {
    pub fn denied() -> Self {
        Self {
            is_authorized: false,
            context: Map::new(),
        }
    }

    fn allowed(context: Map<String, Value>) -> Self {
        Self {
            is_authorized: true,
            context,
        }
    }
}

/// The function's handler: an event as Lambda delivers it. One that is no authorizer request
/// (a missing method, a header that is not text) is refused, never an invocation error.
pub async fn handle(state: &AppState, event: Value) -> AuthorizerResponse {
    match serde_json::from_value::<ApiGatewayV2CustomAuthorizerV2Request>(event) {
        Ok(event) => authorize(state, &event).await,
        Err(e) => {
            tracing::warn!(error = %e, "refused: not an API Gateway v2 authorizer request");
            AuthorizerResponse::denied()
        }
    }
}

/// Barong's authz decision for the request the event describes.
pub async fn authorize(
    state: &AppState,
    event: &ApiGatewayV2CustomAuthorizerV2Request,
) -> AuthorizerResponse {
    let http = &event.request_context.http;
    let method = http.method.as_str();
    // Without the client's address no session can be checked, and checking one against a
    // stand-in address would end it.
    let Some(ip) = http
        .source_ip
        .as_deref()
        .and_then(|s| s.parse::<IpAddr>().ok())
    else {
        tracing::warn!("refused: the event has no usable requestContext.http.sourceIp");
        return AuthorizerResponse::denied();
    };
    let path = request_path(event);
    let cookie = session_cookie(event);
    let presented = authorize::presented(
        &event.headers,
        cookie.as_deref(),
        method,
        ip,
        http.user_agent.as_deref(),
    );
    match authorize::decide(state, method, path, &presented).await {
        Ok(Decision::Pass) => AuthorizerResponse::allowed(Map::new()),
        Ok(Decision::Allow(auth)) => {
            let claims = auth.principal.authz_claims();
            let mut context: Map<String, Value> = CONTEXT_CLAIMS
                .iter()
                .filter_map(|name| {
                    let value = claims.get(*name)?;
                    (value.is_string() || value.is_number() || value.is_boolean())
                        .then(|| ((*name).to_owned(), value.clone()))
                })
                .collect();
            match tokens::mint(state, "session", claims).await {
                Ok(jwt) => {
                    context.insert("jwt".to_owned(), jwt.into());
                    AuthorizerResponse::allowed(context)
                }
                Err(e) => {
                    tracing::error!(error = %e, "refused: minting the JWT failed");
                    AuthorizerResponse::denied()
                }
            }
        }
        Err(Denial::Internal(e)) => {
            tracing::error!(error = %e, "refused: authorizing failed");
            AuthorizerResponse::denied()
        }
        Err(denial) => {
            tracing::info!(
                status = denial.status(),
                key = denial.key(),
                method,
                "refused"
            );
            AuthorizerResponse::denied()
        }
    }
}

/// The path as Barong's authz reads it: `rawPath` (else `requestContext.http.path`) without a
/// named stage in front (API Gateway keeps it there; `$default` has none) and without the
/// leading slash. Still percent-encoded.
pub fn request_path(event: &ApiGatewayV2CustomAuthorizerV2Request) -> &str {
    let raw = event
        .raw_path
        .as_deref()
        .or(event.request_context.http.path.as_deref())
        .unwrap_or_default();
    let unstaged = event
        .request_context
        .stage
        .as_deref()
        .filter(|s| !s.is_empty() && *s != "$default")
        .and_then(|stage| raw.strip_prefix('/')?.strip_prefix(stage))
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(raw);
    unstaged.strip_prefix('/').unwrap_or(unstaged)
}

/// The session cookie: from payload 2.0's `cookies` (`name=value` each), else from a `Cookie`
/// header (as a hand-written event may carry it).
pub fn session_cookie(event: &ApiGatewayV2CustomAuthorizerV2Request) -> Option<String> {
    event
        .cookies
        .iter()
        .flat_map(|c| c.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim_matches('"').to_owned())
        .or_else(|| gatehouse::http::cookies::cookie(&event.headers, COOKIE_NAME))
}
