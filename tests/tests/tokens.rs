//! Coder checklist §9: using a session token.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, Reply, STRONG, TestServer, both_stores};

const SIGNED_OUT: &str =
    "You are signed out or your session has expired. Please sign in again to continue.";

async fn token_works_from_every_source(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, _) = s.owner().await;
    let me = s.url("/api/v2/users/me");
    let requests = [
        s.http.get(&me).header("Coder-Session-Token", &owner),
        s.http
            .get(&me)
            .header("Cookie", format!("coder_session_token={owner}")),
        s.http.get(format!("{me}?coder_session_token={owner}")),
        s.http
            .get(&me)
            .header("Authorization", format!("Bearer {owner}")),
    ];
    for req in requests {
        let r = Reply::from(req.send().await.unwrap()).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["id"], owner_id.as_str());
        assert_eq!(r.json["roles"][0]["name"], "owner");
        assert_eq!(r.json["roles"][0]["display_name"], "Owner");
    }
}

async fn bad_tokens_get_coders_details(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let (id, secret) = owner.split_once('-').unwrap();
    let cases = [
        (
            "",
            "Cookie \"coder_session_token\" or query parameter must be provided.",
        ),
        (
            "abc",
            "Invalid API key format: incorrect amount of API key parts, expected 2 got 1",
        ),
        (
            "a-b-c",
            "Invalid API key format: incorrect amount of API key parts, expected 2 got 3",
        ),
        (
            "short-aaaaaaaaaaaaaaaaaaaaaa",
            "Invalid API key format: invalid API key ID length, expected 10 got 5",
        ),
        (
            "aaaaaaaaaa-short",
            "Invalid API key format: invalid API key secret length, expected 22 got 5",
        ),
        ("zzzzzzzzzz-aaaaaaaaaaaaaaaaaaaaaa", "API key is invalid."),
    ];
    for (token, detail) in cases {
        let req = s.http.get(s.url("/api/v2/users/me"));
        let req = if token.is_empty() {
            req
        } else {
            req.header("Coder-Session-Token", token)
        };
        let r = Reply::from(req.send().await.unwrap()).await;
        assert_eq!(r.status, 401, "{token}");
        assert_eq!(r.message(), SIGNED_OUT);
        assert_eq!(r.detail(), detail, "{token}");
    }
    let wrong_secret = format!("{id}-{}", "x".repeat(secret.len()));
    let r = s.get_with_token("/api/v2/users/me", &wrong_secret).await;
    assert_eq!(r.detail(), "API key secret is invalid.");
}

async fn logout_ends_only_that_session(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let first = s.login(&email, STRONG).await;
    let second = s.login(&email, STRONG).await;
    let r = s
        .post_with_token("/api/v2/users/logout", &first, serde_json::json!({}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "{\"message\":\"Logged out!\"}\n");
    assert!(
        r.set_cookies()
            .iter()
            .any(|c| c.starts_with("coder_session_token=;") && c.contains("Max-Age=0"))
    );
    let gone = s.get_with_token("/api/v2/users/me", &first).await;
    assert_eq!(gone.status, 401);
    assert_eq!(gone.detail(), "API key is invalid.");
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &second).await.status,
        200
    );
    assert_eq!(
        s.post("/api/v2/users/logout", serde_json::json!({}))
            .await
            .status,
        401
    );
}

both_stores!(
    token_works_from_every_source,
    bad_tokens_get_coders_details,
    logout_ends_only_that_session
);
