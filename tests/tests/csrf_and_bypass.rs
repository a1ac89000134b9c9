//! Coder's CSRF rule for cookie-authenticated requests, and the owner-only rate-limit bypass.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gatehouse_tests::{Backend, Reply, STRONG, STRONG2, TestServer, both_stores};
use serde_json::json;

const CSRF_FAILURE: &str = "Something is wrong with your CSRF token. Please refresh the page. If this error persists, try clearing your cookies.\n";

async fn cookie_sessions_need_proof_for_changes(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (_, id) = s.user(&owner, &org, STRONG).await;
    let suspend = format!("/api/v2/users/{id}/status/suspend");
    let send = |cookie: String, extra: Option<(&'static str, String)>| {
        let s = &s;
        let path = suspend.clone();
        async move {
            let mut r = s.http.put(s.url(&path)).header("Cookie", cookie);
            if let Some((name, value)) = extra {
                r = r.header(name, value);
            }
            Reply::from(r.send().await.unwrap()).await
        }
    };
    // The session cookie alone: refused before anything else happens.
    let r = send(format!("coder_session_token={owner}"), None).await;
    assert_eq!((r.status, r.text.as_str()), (400, CSRF_FAILURE));
    assert_eq!(r.headers["content-type"], "text/plain; charset=utf-8");
    let r = s
        .get_with_token(&format!("/api/v2/users/{id}"), &owner)
        .await;
    assert_eq!(r.json["status"], "dormant", "nothing was changed");
    // Reads with the cookie are fine, and hand out a CSRF cookie.
    let r = Reply::from(
        s.http
            .get(s.url("/api/v2/users/me"))
            .header("Cookie", format!("coder_session_token={owner}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    let csrf = r
        .set_cookies()
        .into_iter()
        .find_map(|c| {
            c.strip_prefix("csrf_token=")
                .map(|v| v.split(';').next().unwrap().to_owned())
        })
        .expect("a csrf_token cookie");
    assert!(r.headers.get_all("vary").iter().any(|v| v == "Cookie"));
    // The matching token header passes, plain or masked.
    let both = format!("coder_session_token={owner}; csrf_token={csrf}");
    let r = send(both.clone(), Some(("X-CSRF-TOKEN", "d3Jvbmc=".to_owned()))).await;
    assert_eq!(r.status, 400);
    let r = send(both.clone(), Some(("X-CSRF-TOKEN", csrf.clone()))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let real = STANDARD.decode(&csrf).unwrap();
    let pad = [0x3cu8; 32];
    let mut masked = pad.to_vec();
    masked.extend(real.iter().zip(pad).map(|(r, p)| r ^ p));
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/activate"), &owner)
        .await;
    assert_eq!(r.status, 200);
    let r = send(both, Some(("X-CSRF-TOKEN", STANDARD.encode(&masked)))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The session header equal to the cookie passes too; a different one does not.
    let r = send(
        format!("coder_session_token={owner}"),
        Some(("Coder-Session-Token", owner.clone())),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = send(
        format!("coder_session_token={owner}"),
        Some(("Coder-Session-Token", "x".repeat(33))),
    )
    .await;
    assert_eq!(r.status, 400);
    // Only that exact path is exempt, not one that merely starts like it.
    let r = Reply::from(
        s.http
            .post(s.url("/api/v2/users/first-evil/keys"))
            .header("Cookie", format!("coder_session_token={owner}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (400, CSRF_FAILURE));
    // First-user setup is exempt.
    let r = Reply::from(
        s.http
            .post(s.url("/api/v2/users/first"))
            .header("Cookie", "coder_session_token=whatever")
            .json(&json!({"email": "x@example.com", "username": "x", "password": STRONG}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
}

async fn only_owners_may_bypass_the_rate_limit(b: Backend) {
    let s = TestServer::start_with(b, |c| c.login_rate_limit = 2).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let member = s.login(&email, STRONG).await;
    let change =
        |token: String, bypass: Option<&'static str>, old: &'static str, new: &'static str| {
            let s = &s;
            async move {
                let mut r = s
                    .http
                    .put(s.url("/api/v2/users/me/password"))
                    .header("Coder-Session-Token", token)
                    .json(&json!({"old_password": old, "password": new}));
                if let Some(v) = bypass {
                    r = r.header("X-Coder-Bypass-Ratelimit", v);
                }
                Reply::from(r.send().await.unwrap()).await
            }
        };
    let r = change(member.clone(), Some("true"), STRONG, STRONG2).await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (
            428,
            "\"X-Coder-Bypass-Ratelimit\" provided but user is not owner\n"
        )
    );
    // Not counted: the member still has its two attempts.
    for _ in 0..2 {
        let r = change(member.clone(), Some("no"), "Wrong!pass123", STRONG2).await;
        assert_eq!(r.status, 400, "{}", r.text);
    }
    let r = change(member.clone(), None, STRONG, STRONG2).await;
    assert_eq!(r.status, 429, "{}", r.text);
    // An owner goes past the limit.
    for _ in 0..3 {
        let r = change(owner.clone(), Some("1"), "Wrong!pass123", STRONG2).await;
        assert_eq!(r.status, 400, "{}", r.text);
    }
}

both_stores!(
    cookie_sessions_need_proof_for_changes,
    only_owners_may_bypass_the_rate_limit,
);
