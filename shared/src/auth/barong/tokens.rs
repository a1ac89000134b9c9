//! Barong's mailed tokens (confirmation and reset JWTs): minting, checking, single use.

use crate::Error;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Why a mailed token is refused, in Barong's words.
#[derive(Debug)]
pub enum TokenError {
    /// `jwt.decode_and_verify.<suffix>`: ruby-jwt's last word for the failure.
    Decode(String),
    /// `identity.user.utilized_token`.
    Utilized,
    Internal(Error),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

/// Signs `payload` (in its order) after Barong's standard claims, for `sub`.
pub async fn mint(
    state: &AppState,
    sub: &str,
    payload: Map<String, Value>,
) -> Result<String, Error> {
    let key = state.barong_jwt_key().await?;
    Ok(key.encode(
        sub,
        payload,
        state.clock.now(),
        state.settings.barong.jwt_expire_time,
    ))
}

/// Verifies a token Barong's way for `sub`; returns its claims.
pub async fn verify(
    state: &AppState,
    token: &str,
    sub: &str,
) -> Result<Map<String, Value>, TokenError> {
    let key = state.barong_jwt_key().await?;
    key.decode(token, sub, state.clock.now()).map_err(|e| {
        // Shapes ruby-jwt does not name (a header that is a JSON array, `exp: true`) make
        // Barong answer 500; here they are a malformed token like any other.
        TokenError::Decode(if e.is_decode_error() {
            e.suffix()
        } else {
            "encoding".to_owned()
        })
    })
}

/// Marks a token's `jti` used; false when it already was. The mark lasts as long as the token
/// could still verify.
pub async fn claim_jti(state: &AppState, claims: &Map<String, Value>) -> Result<bool, Error> {
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let now = state.clock.now();
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .and_then(|e| DateTime::<Utc>::from_timestamp(e, 0))
        .unwrap_or(now);
    // Kept a minute past expiry, so a clock step cannot make a used token fresh again.
    let forget_at = exp.max(now) + chrono::Duration::minutes(1);
    let counted = state
        .store
        .increment_below(&format!("jti:{jti}"), 1, forget_at, now)
        .await?;
    Ok(counted.is_some())
}

/// A string claim.
pub fn claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}
