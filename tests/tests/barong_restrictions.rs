//! Barong checklist §11 whitelink and §7.1 restrictions: an administrator's whitelink token
//! whitelists its user's address, which then passes a maintenance restriction that refuses
//! every other address (requests arrive as API Gateway events with their source IPs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::barong::{Client, GOOD, errors, register};
use gatehouse_tests::{Backend, TestServer, both_stores, unique_email};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A request as API Gateway delivers it from `ip`, through the identity Lambda's router.
async fn from_ip(s: &TestServer, ip: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let event = serde_json::json!({
        "version": "2.0", "routeKey": format!("{method} {path}"), "rawPath": path,
        "rawQueryString": "", "isBase64Encoded": false, "body": body,
        "headers": {"content-type": "application/x-www-form-urlencoded", "user-agent": "t"},
        "requestContext": {
            "accountId": "1", "apiId": "a", "domainName": "a.example", "domainPrefix": "a",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": ip, "userAgent": "t"},
            "requestId": "r", "routeKey": format!("{method} {path}"), "stage": "$default",
            "time": "01/Dec/2026:00:00:00 +0000", "timeEpoch": 1_795_449_600_000_i64
        }
    });
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let (parts, body) = request.into_parts();
    let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
    let response = gatehouse_identity::router(s.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn whitelink_and_maintenance(b: Backend) {
    let s = TestServer::start_with(b, |s| s.barong.first_registration_superadmin = true).await;
    let (mut admin, r) = register(&s, &unique_email("admin"), GOOD).await;
    assert_eq!(r.json["role"], "superadmin");
    let (mut member, _) = register(&s, &unique_email("member"), GOOD).await;

    // Missing and unknown tokens.
    let mut c = Client::new();
    let r = c.post(&s, "/identity/users/access", &[]).await;
    assert_eq!(r.status, 422);
    assert!(errors(&r).contains(&"identity.user.missing_whitelink_token".to_owned()));
    let r = c
        .post(&s, "/identity/users/access", &[("whitelink_token", "nope")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["identity.user.access.invalid_token".to_owned()])
    );

    // Admin endpoints: CSRF first, then the role.
    let mut no_csrf = admin.clone();
    no_csrf.csrf = None;
    let r = no_csrf.post(&s, "/admin/restrictions/whitelink", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["authz.missing_csrf_token".to_owned()])
    );
    let mut wrong = admin.clone();
    wrong.csrf = Some("0".repeat(20));
    let r = wrong.post(&s, "/admin/restrictions/whitelink", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["authz.csrf_token_mismatch".to_owned()])
    );
    let r = member.post(&s, "/admin/restrictions/whitelink", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["authz.invalid_permission".to_owned()])
    );
    let r = admin
        .post(
            &s,
            "/admin/restrictions/whitelink",
            &[("expire_time", "31")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["invalid_expire".to_owned()])
    );

    let r = admin
        .post(
            &s,
            "/admin/restrictions/whitelink",
            &[("expire_time", "2"), ("range", "hour")],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.json["whitelink_token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);

    // The token whitelists the caller's address, once.
    let body = format!("whitelink_token={token}");
    let path = "/api/v2/auth/identity/users/access";
    assert_eq!(
        from_ip(&s, "203.0.113.7", "POST", path, &body).await,
        (201, "true".to_owned())
    );
    let (status, text) = from_ip(&s, "203.0.113.7", "POST", path, &body).await;
    assert_eq!(status, 422);
    assert!(text.contains("value.taken"), "{text}");

    // Maintenance for everyone: the whitelisted address passes, any other is refused.
    let r = admin
        .post(
            &s,
            "/admin/restrictions",
            &[
                ("category", "maintenance"),
                ("scope", "all"),
                ("value", "all"),
            ],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "200"));
    let ping = "/api/v2/auth/identity/ping";
    assert_eq!(from_ip(&s, "203.0.113.7", "GET", ping, "").await.0, 200);
    assert_eq!(
        from_ip(&s, "198.51.100.9", "GET", ping, "").await,
        (
            471,
            "{\"errors\":[\"authz.restrict.maintenance\"]}".to_owned()
        )
    );
    // The whitelink endpoint itself is never restricted.
    assert_eq!(
        from_ip(&s, "198.51.100.9", "POST", path, "whitelink_token=nope")
            .await
            .0,
        422
    );
    // After the token expires it whitelists nobody else.
    s.clock.advance(chrono::Duration::hours(3));
    let (status, text) = from_ip(&s, "198.51.100.9", "POST", path, &body).await;
    assert_eq!(
        (status, text.as_str()),
        (422, "{\"errors\":[\"identity.user.access.invalid_token\"]}")
    );
}

async fn blacklist_and_blocklogin(b: Backend) {
    let s = TestServer::start_with(b, |s| s.barong.first_registration_superadmin = true).await;
    let (mut admin, _) = register(&s, &unique_email("admin"), GOOD).await;
    let r = admin
        .post(
            &s,
            "/admin/restrictions",
            &[
                ("category", "blacklist"),
                ("scope", "ip_subnet"),
                ("value", "192.168.32.0/24"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .post(
            &s,
            "/admin/restrictions",
            &[
                ("category", "blacklist"),
                ("scope", "ip"),
                ("value", "10.0.0.1"),
                ("state", "disabled"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .post(
            &s,
            "/admin/restrictions",
            &[
                ("category", "blocklogin"),
                ("scope", "ip"),
                ("value", "10.0.0.2"),
                ("code", "425"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .post(
            &s,
            "/admin/restrictions",
            &[
                ("category", "blacklist"),
                ("scope", "country"),
                ("value", "japan"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let listed = admin.get(&s, "/admin/restrictions").await;
    assert_eq!(listed.json.as_array().unwrap().len(), 3);

    let ping = "/api/v2/auth/identity/ping";
    assert_eq!(
        from_ip(&s, "192.168.32.77", "GET", ping, "").await,
        (
            403,
            "{\"errors\":[\"authz.restrict.blacklist\"]}".to_owned()
        )
    );
    assert_eq!(
        from_ip(&s, "10.0.0.1", "GET", ping, "").await.0,
        200,
        "disabled"
    );
    assert_eq!(from_ip(&s, "10.0.0.2", "GET", ping, "").await.0, 200);
    let login = "/api/v2/auth/identity/sessions";
    assert_eq!(
        from_ip(&s, "10.0.0.2", "POST", login, "email=a%40b.co&password=x").await,
        (
            425,
            "{\"errors\":[\"authz.restrict.blocklogin\"]}".to_owned()
        )
    );
    assert_eq!(
        from_ip(&s, "10.0.0.3", "POST", login, "email=a%40b.co&password=x")
            .await
            .0,
        401
    );
}

both_stores!(whitelink_and_maintenance, blacklist_and_blocklogin);
