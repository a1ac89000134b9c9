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
use tower::ServiceExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_reaches_its_handler() {
    let s = TestServer::start(Backend::Embedded).await;
    let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/users");
    let mut seen = 0;
    let mut names: Vec<_> = std::fs::read_dir(&events)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let request = lambda_http::request::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (parts, body) = request.into_parts();
        let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
        let response = gatehouse_users::router(s.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = String::from_utf8(
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(status < 500, "{name}: {status} {body}");
        assert_ne!(body, "{\"message\":\"Route not found.\"}\n", "{name}");
        assert_ne!(status, 405, "{name}");
        let expected = match name.as_str() {
            "first-user-get.json" => 404,
            "validate-password.json" => 200,
            "first-user-post.json" => 201,
            "login.json" => 201,
            "otp-request.json" => 204,
            "otp-change-password.json" => 400,
            _ => status,
        };
        assert_eq!(status, expected, "{name}: {body}");
        seen += 1;
    }
    assert!(seen >= 12, "one event per endpoint, saw {seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_authz_event_reaches_its_handler() {
    let s = TestServer::start(Backend::Embedded).await;
    let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/authz");
    let mut names: Vec<_> = std::fs::read_dir(&events)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    assert!(names.len() >= 13, "one event per endpoint");
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let request = lambda_http::request::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (parts, body) = request.into_parts();
        let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
        let response = gatehouse_authz::router(s.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = String::from_utf8(
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // The events carry a token this fresh store does not know: the handler's own 401.
        let expected = if name == "scopes.json" { 200 } else { 401 };
        assert_eq!(status, expected, "{name}: {body}");
        if expected == 401 {
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&body).unwrap()["detail"],
                "API key is invalid.",
                "{name}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_gateway_source_ip_is_the_client_address() {
    // The rate limit is keyed by the API Gateway source IP, not by anything the client can send.
    let s = TestServer::start_with(Backend::Embedded, |c| c.login_rate_limit = 2).await;
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../events/users/validate-password.json"),
    )
    .unwrap();
    let send = |ip: &str, forwarded: &str| {
        let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
        event["requestContext"]["http"]["sourceIp"] = ip.into();
        event["headers"]["x-forwarded-for"] = forwarded.into();
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        let (parts, body) = request.into_parts();
        let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
        gatehouse_users::router(s.state.clone()).oneshot(request)
    };
    assert_eq!(send("198.51.100.1", "1.1.1.1").await.unwrap().status(), 200);
    assert_eq!(send("198.51.100.1", "2.2.2.2").await.unwrap().status(), 200);
    assert_eq!(send("198.51.100.1", "3.3.3.3").await.unwrap().status(), 429);
    assert_eq!(send("198.51.100.2", "1.1.1.1").await.unwrap().status(), 200);
}
