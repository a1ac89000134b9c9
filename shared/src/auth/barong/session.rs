//! Barong's cookie sessions: opened at sign-in, checked on every use against the network and
//! User-Agent they were opened from, sliding idle expiry, ended at logout.

use crate::Error;
use crate::model::{BarongSession, User};
use crate::state::AppState;
use crate::store::StoreError;
use crate::token::{SecretHash, random_hex};
use chrono::{DateTime, Duration, Utc};
use std::net::IpAddr;

/// The session cookie (`BARONG_SESSION_NAME`).
pub const COOKIE_NAME: &str = "_barong_session";

/// The cookie outlives idle expiry: Rack re-sends it with 24 hours on every use.
pub const COOKIE_LIFETIME: Duration = Duration::hours(24);

/// A sliding expiry is written back at most this often, not on every request.
const SLIDE_GRANULARITY: Duration = Duration::seconds(60);

/// A session just opened: the cookie value and the CSRF token go to the client.
pub struct OpenedSession {
    pub cookie_value: String,
    pub csrf_token: String,
}

/// Opens a session for `user` (Barong's `open_session`).
pub async fn open(
    state: &AppState,
    user: &User,
    ip: IpAddr,
    user_agent: &str,
) -> Result<OpenedSession, Error> {
    let now = state.clock.now();
    let cookie_value = random_hex(16);
    let csrf_token = random_hex(10);
    let session = BarongSession {
        id_hash: SecretHash::of(&cookie_value),
        user_id: user.id,
        user_generation: user.session_generation,
        user_ip: ip.to_string(),
        user_agent: user_agent.to_owned(),
        csrf_token: csrf_token.clone(),
        created_at: now,
        expires_at: now + state.settings.barong.session_expire_time,
    };
    state.store.insert_barong_session(&session).await?;
    Ok(OpenedSession {
        cookie_value,
        csrf_token,
    })
}

/// Why a cookie does not authenticate, in Barong's words (`authz.*`).
#[derive(Debug)]
pub enum CookieError {
    /// No cookie, an unknown or ended session (`authz.invalid_session`).
    InvalidSession,
    /// Another network or User-Agent, or idle too long: the session is ended
    /// (`authz.client_session_mismatch`).
    ClientSessionMismatch,
    /// The user may not sign in (`authz.user_not_active`).
    UserNotActive,
    /// A mutating request's `X-CSRF-Token` is not the session's (`authz.csrf_token_mismatch`).
    CsrfTokenMismatch,
    Internal(Error),
}

impl From<StoreError> for CookieError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// A request's cookie session, checked as Barong's authz does.
pub struct CookieSession {
    pub user: User,
    pub session: BarongSession,
}

/// Barong's `validate_session!` and user check, then the sliding expiry.
pub async fn authenticate(
    state: &AppState,
    cookie_value: Option<&str>,
    ip: IpAddr,
    user_agent: &str,
) -> Result<CookieSession, CookieError> {
    authenticate_with_csrf(state, cookie_value, None, ip, user_agent).await
}

/// [`authenticate`] for a mutating request, which must carry the session's CSRF token
/// (`Some(sent)`): Barong compares it with the stored session before validating the session,
/// so a token for no session at all is a mismatch too.
pub async fn authenticate_with_csrf(
    state: &AppState,
    cookie_value: Option<&str>,
    csrf_token: Option<&str>,
    ip: IpAddr,
    user_agent: &str,
) -> Result<CookieSession, CookieError> {
    let stored = match cookie_value.filter(|v| !v.is_empty()) {
        Some(value) => {
            let id_hash = SecretHash::of(value);
            state
                .store
                .barong_session_with_user(&id_hash)
                .await?
                .map(|found| (id_hash, found))
        }
        None => None,
    };
    if let Some(sent) = csrf_token {
        let expected = stored.as_ref().map(|(_, (s, _))| s.csrf_token.as_bytes());
        let equal =
            expected.is_some_and(|e| bool::from(subtle::ConstantTimeEq::ct_eq(sent.as_bytes(), e)));
        if !equal {
            return Err(CookieError::CsrfTokenMismatch);
        }
    }
    let (id_hash, (mut session, user)) = stored.ok_or(CookieError::InvalidSession)?;
    let now = state.clock.now();
    if session.user_agent != user_agent
        || now >= session.expires_at
        || now >= session.created_at + state.settings.session_max_lifetime
        || !same_network(&session.user_ip, ip)
    {
        state.store.delete_barong_session(&id_hash).await?;
        return Err(CookieError::ClientSessionMismatch);
    }
    let user = user.ok_or(CookieError::InvalidSession)?;
    // The state first, as Barong: a banned user is told so, not that the session is gone.
    if !user.barong_may_sign_in() {
        return Err(CookieError::UserNotActive);
    }
    if user.session_generation != session.user_generation {
        // Every session of the user was ended (password reset or change, suspension).
        return Err(CookieError::InvalidSession);
    }
    let slid = now + state.settings.barong.session_expire_time;
    if slid - session.expires_at >= SLIDE_GRANULARITY {
        session.expires_at = slid;
        state.store.touch_barong_session(&session).await?;
    }
    Ok(CookieSession { user, session })
}

/// Ends the session the cookie names, if any; returns its user when there was one.
pub async fn close(state: &AppState, cookie_value: Option<&str>) -> Result<Option<User>, Error> {
    let Some(cookie_value) = cookie_value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let id_hash = SecretHash::of(cookie_value);
    let Some((_, user)) = state.store.barong_session_with_user(&id_hash).await? else {
        return Ok(None);
    };
    state.store.delete_barong_session(&id_hash).await?;
    Ok(user)
}

/// Barong's check: the request comes from the /16 (IPv4) or /96 (IPv6) the session was opened
/// from.
fn same_network(opened_from: &str, ip: IpAddr) -> bool {
    let Ok(opened_from) = opened_from.parse::<IpAddr>() else {
        return false;
    };
    match (opened_from.to_canonical(), ip.to_canonical()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => a.octets()[..2] == b.octets()[..2],
        (IpAddr::V6(a), IpAddr::V6(b)) => a.octets()[..12] == b.octets()[..12],
        _ => false,
    }
}

/// When the cookie set now stops being sent.
pub fn cookie_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + COOKIE_LIFETIME
}

#[cfg(test)]
mod tests {
    use super::same_network;

    #[test]
    fn network_is_slash_16_or_slash_96() {
        let v4 = |s: &str| s.parse().unwrap();
        assert!(same_network("127.0.0.1", v4("127.0.200.9")));
        assert!(!same_network("127.0.0.1", v4("128.0.0.12")));
        assert!(same_network("2001:db8::1", v4("2001:db8::ffff:1")));
        assert!(!same_network("2001:db8::1", v4("2001:db9::1")));
        assert!(same_network("10.1.2.3", v4("::ffff:10.1.9.9")));
        assert!(!same_network("garbage", v4("10.1.2.3")));
    }
}
