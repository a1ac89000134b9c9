//! Every API Gateway HTTP API event in `events/<group>/` goes through its function's router the
//! way Lambda delivers it (lambda_http's event parsing), and reaches its handler.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, TestServer};
use http_body_util::BodyExt;
use std::path::PathBuf;
use tower::ServiceExt;

/// An API Gateway event as Lambda delivers it, parsed by lambda_http, as an axum request.
fn lambda_request(event: &str) -> axum::http::Request<axum::body::Body> {
    let request = lambda_http::request::from_str(event).unwrap_or_else(|e| panic!("{e}: {event}"));
    let (parts, body) = request.into_parts();
    axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()))
}

/// Sends `request` through `router`; returns the status and the body text.
async fn send(
    router: axum::Router,
    request: axum::http::Request<axum::body::Body>,
) -> (u16, String) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// The group's event files, sorted by name, with their text.
fn events(group: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(group);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_users_event_reaches_its_handler() {
    let s = TestServer::start(Backend::Embedded).await;
    let events = events("users");
    assert!(
        events.len() >= 19,
        "one event per endpoint, saw {}",
        events.len()
    );
    for (name, text) in events {
        let (status, body) = send(
            gatehouse_users::router(s.state.clone()),
            lambda_request(&text),
        )
        .await;
        assert!(status < 500, "{name}: {status} {body}");
        assert_ne!(body, "{\"message\":\"Route not found.\"}\n", "{name}");
        assert_ne!(status, 405, "{name}");
        // In file order: the first user is created before the login event runs.
        let expected = match name.as_str() {
            "first-user-get.json" => 404,
            "first-user-post.json" => 201,
            "login.json" => 201,
            "validate-password.json" => 200,
            "api-root.json" | "auth-methods.json" | "build-info.json" => 200,
            "otp-request.json" => 204,
            "otp-change-password.json" => 400,
            // The rest carry a token this store never issued.
            _ => 401,
        };
        assert_eq!(status, expected, "{name}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_authz_event_reaches_its_handler() {
    let s = TestServer::start(Backend::Embedded).await;
    let events = events("authz");
    assert!(
        events.len() >= 22,
        "one event per endpoint, saw {}",
        events.len()
    );
    for (name, text) in events {
        let (status, body) = send(
            gatehouse_authz::router(s.state.clone()),
            lambda_request(&text),
        )
        .await;
        let expected = if name == "scopes.json" { 200 } else { 401 };
        assert_eq!(status, expected, "{name}: {body}");
        if expected == 401 {
            let detail =
                serde_json::from_str::<serde_json::Value>(&body).unwrap()["detail"].clone();
            assert_eq!(
                detail, "API key is invalid.",
                "{name}: the handler's own 401"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_identity_event_reaches_its_handler() {
    let s = TestServer::start(Backend::Embedded).await;
    let events = events("identity");
    assert!(
        events.len() >= 22,
        "one event per endpoint, saw {}",
        events.len()
    );
    for (name, text) in events {
        let (status, body) = send(
            gatehouse_identity::router(s.state.clone()),
            lambda_request(&text),
        )
        .await;
        assert_ne!(body, "{\"error\":\"Route is not found\"}", "{name}");
        // In file order: registered, then signed in, before the requests that need an account.
        let expected = match name.as_str() {
            "07-password-validate.json" | "08-register.json" => 201,
            "22-public-password-validate.json" => 201,
            "12-email-generate-code.json" | "14-password-generate-code.json" => 201,
            "09-session-create.json" => 200,
            // No cookie in the event.
            "10-session-delete.json" => 404,
            "11-session-auth0.json" | "13-email-confirm-code.json" => 422,
            "15-password-confirm-code.json" | "16-users-access.json" => 422,
            _ => 200,
        };
        assert_eq!(status, expected, "{name}: {body}");
    }
}

/// Every resource event through the resource Lambda's router, each for a newly registered,
/// confirmed user whose session cookie and CSRF token are put into the event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_resource_event_reaches_its_handler() {
    use gatehouse_tests::barong::UA;
    let s = TestServer::start(Backend::Embedded).await;
    let events = events("resource");
    assert!(
        events.len() >= 31,
        "one event per endpoint, saw {}",
        events.len()
    );
    for (name, text) in events {
        let (c, _) = gatehouse_tests::barong::confirmed_member(&s, "events").await;
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        event["headers"]["cookie"] = format!("_barong_session={}", c.cookie.unwrap()).into();
        event["headers"]["x-csrf-token"] = c.csrf.unwrap().into();
        event["headers"]["user-agent"] = UA.into();
        event["requestContext"]["http"]["userAgent"] = UA.into();
        event["requestContext"]["http"]["sourceIp"] = "127.0.0.1".into();
        let (status, body) = send(
            gatehouse_resource::router(s.state.clone()),
            lambda_request(&event.to_string()),
        )
        .await;
        assert_ne!(body, "{\"error\":\"Route is not found\"}", "{name}");
        let expected = match &name[3..] {
            "user-password.json" | "otp-generate-qrcode.json" | "labels-create.json" => 201,
            // Wrong codes, and the default of no storage titles.
            "otp-enable.json" | "data-storage.json" => 422,
            // 2FA is off.
            "otp-disable.json" | "otp-verify.json" | "api-keys-create.json" => 400,
            "api-key-update.json" | "api-key-delete.json" => 400,
            // No such service account, label or key.
            n if n.starts_with("service-account-key") || n.starts_with("label-") => 404,
            // A member is no superadmin.
            n if n.starts_with("admin-") => 401,
            _ => 200,
        };
        assert_eq!(status, expected, "{name}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_gateway_source_ip_is_the_client_address() {
    // The rate limit is keyed by the API Gateway source IP, not by anything the client can send.
    let s = TestServer::start_with(Backend::Embedded, |c| c.login_rate_limit = 2).await;
    let (_, text) = events("users")
        .into_iter()
        .find(|(n, _)| n == "validate-password.json")
        .unwrap();
    let status = |ip: &str, forwarded: &str| {
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        event["requestContext"]["http"]["sourceIp"] = ip.into();
        event["headers"]["x-forwarded-for"] = forwarded.into();
        let router = gatehouse_users::router(s.state.clone());
        async move { send(router, lambda_request(&event.to_string())).await.0 }
    };
    assert_eq!(status("198.51.100.1", "1.1.1.1").await, 200);
    assert_eq!(status("198.51.100.1", "2.2.2.2").await, 200);
    assert_eq!(status("198.51.100.1", "3.3.3.3").await, 429);
    assert_eq!(status("198.51.100.2", "1.1.1.1").await, 200);
}

/// Every authorizer event in `events/authorizer/` through the authorizer's event function: as
/// written (a session and a key this store never issued), then with a real session cookie and a
/// real signed key put into them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_authorizer_event_is_answered() {
    use gatehouse_tests::barong::{UA, create_api_key, enable_2fa, sign};
    let s = TestServer::start_with(Backend::Embedded, |s| {
        s.barong.authz.permissions = gatehouse::auth::barong::authorize::parse_permissions(
            "defaults; member GET api/v2/sample ACCEPT",
        )
        .unwrap();
    })
    .await;
    let events = events("authorizer");
    assert!(events.len() >= 8, "saw {}", events.len());
    let answer = |event: serde_json::Value| {
        let state = s.state.clone();
        async move { gatehouse_authorizer::handle(&state, event).await }
    };
    for (name, text) in &events {
        let event: serde_json::Value = serde_json::from_str(text).unwrap();
        let r = answer(event).await;
        // Only the pass paths get through without credentials, and without a context.
        let pass = name.contains("pass-path");
        assert_eq!(r.is_authorized, pass, "{name}: {r:?}");
        assert!(r.context.is_empty(), "{name}: {r:?}");
    }

    // A confirmed member with a session (from 127.0.0.1) and a signed key.
    let (mut c, email) = gatehouse_tests::barong::confirmed_member(&s, "authorizer").await;
    let otp = enable_2fa(&s, &mut c).await;
    let (kid, secret) = create_api_key(&s, &mut c, &otp).await;
    let cookie = format!("_barong_session={}", c.cookie.clone().unwrap());
    for (name, text) in events {
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        event["headers"]["user-agent"] = UA.into();
        event["requestContext"]["http"]["sourceIp"] = "127.0.0.1".into();
        if event.get("cookies").is_some() {
            event["cookies"] = serde_json::json!(["theme=dark", cookie.clone()]);
        }
        if event["headers"].get("x-auth-apikey").is_some() {
            let nonce = gatehouse::clock::Clock::now(&*s.clock)
                .timestamp_millis()
                .to_string();
            event["headers"]["x-auth-apikey"] = kid.clone().into();
            event["headers"]["x-auth-nonce"] = nonce.clone().into();
            if event["headers"].get("x-auth-signature").is_some() {
                event["headers"]["x-auth-signature"] = sign(&secret, &nonce, &kid).into();
            }
        }
        let r = answer(event).await;
        let (authorized, with_jwt) = match &name[3..] {
            "cookie-session.json" | "api-key.json" => (true, true),
            n if n.contains("pass-path") => (true, false),
            // No credentials, a POST without its CSRF token, two of three key headers, a block.
            _ => (false, false),
        };
        assert_eq!(r.is_authorized, authorized, "{name}: {r:?}");
        assert_eq!(r.context.contains_key("jwt"), with_jwt, "{name}: {r:?}");
        if with_jwt {
            assert_eq!(r.context["email"], email.as_str(), "{name}");
        }
    }
}
