//! §11's AuthZ checklist on both stores, served two ways: over HTTP through the mint endpoint
//! (`ANY /api/v2/auth/authz/{*path}`: 200 + `Authorization: Bearer`), and through the API Gateway
//! authorizer's event function (`isAuthorized` + context), with real sessions and API keys.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use base64::Engine as _;
use gatehouse::auth::barong::authorize::parse_permissions;
use gatehouse_tests::barong::{
    Client, GOOD, UA, create_api_key, enable_2fa, errors, next_code, register, sign, signed,
};
use gatehouse_tests::{Backend, Reply, TestServer, both_stores, unique_email};
use http_body_util::BodyExt;
use reqwest::Method;
use serde_json::{Value, json};
use tower::ServiceExt;

const ME: &str = "api/v2/auth/resource/users/me";

fn e(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| (*k).to_owned()).collect()
}

/// The test settings, with the RBAC checklist's permission and the sample route's; with
/// `superadmin`, the first account registered is the deployment's superadmin.
async fn server_with(b: Backend, superadmin: bool) -> TestServer {
    TestServer::start_with(b, |s| {
        s.barong.first_registration_superadmin = superadmin;
        s.barong.authz.permissions = parse_permissions(
            "defaults; superadmin get api/v2/admin/users/list accept; member GET api/v2/sample ACCEPT",
        )
        .unwrap();
    })
    .await
}

async fn server(b: Backend) -> TestServer {
    server_with(b, false).await
}

/// The deployment's first account: a superadmin, active.
async fn superadmin(s: &TestServer) -> Client {
    let (c, r) = register(s, &unique_email("admin"), GOOD).await;
    assert_eq!(
        (r.status, r.json["role"].as_str()),
        (201, Some("superadmin")),
        "{}",
        r.text
    );
    c
}

/// A registered, signed-in member whose email is confirmed (so `active`).
async fn member(s: &TestServer) -> (Client, String) {
    gatehouse_tests::barong::confirmed_member(s, "authz").await
}

/// `method` on the mint endpoint for `path`, as the client (cookie, CSRF token, User-Agent).
async fn authz(s: &TestServer, c: &mut Client, method: Method, path: &str) -> Reply {
    c.send(s, method, &format!("/authz/{path}"), &[]).await
}

/// The bearer JWT of an allowed answer (which has an empty body).
fn bearer(r: &Reply) -> String {
    assert_eq!((r.status, r.text.as_str()), (200, ""), "{:?}", r.headers);
    let value = r.headers["authorization"].to_str().unwrap();
    value.strip_prefix("Bearer ").unwrap().to_owned()
}

fn no_bearer(r: &Reply) {
    assert!(r.headers.get("authorization").is_none(), "{:?}", r.headers);
}

/// The JWT's claims (its signature is what `/resource/users/me` checks).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// `GET /resource/users/me` with the JWT as the bearer.
async fn me_with(s: &TestServer, jwt: &str) -> Reply {
    let r = s
        .http
        .get(s.url("/api/v2/auth/resource/users/me"))
        .bearer_auth(jwt)
        .send()
        .await
        .unwrap();
    Reply::from(r).await
}

/// A request as API Gateway delivers it from `ip`, through the resource Lambda's router.
async fn via_gateway(
    s: &TestServer,
    ip: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let mut h = json!({"user-agent": UA});
    for (k, v) in headers {
        h[*k] = (*v).into();
    }
    let event = json!({
        "version": "2.0", "routeKey": "ANY /api/v2/auth/authz/{path+}", "rawPath": path,
        "rawQueryString": "", "isBase64Encoded": false, "headers": h,
        "requestContext": {
            "accountId": "1", "apiId": "a", "domainName": "a.example", "domainPrefix": "a",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": ip, "userAgent": UA},
            "requestId": "r", "routeKey": "ANY /api/v2/auth/authz/{path+}", "stage": "$default",
            "time": "01/Dec/2026:00:00:00 +0000", "timeEpoch": 1_795_449_600_000_i64
        }
    });
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let (parts, body) = request.into_parts();
    let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
    let response = gatehouse_resource::router(s.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let authorization = response
        .headers()
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        authorization,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

/// Every verb with a valid session: reads without a CSRF token, writes with it; each answer's
/// Bearer works on the resource API.
async fn valid_session_every_verb(b: Backend) {
    let s = server(b).await;
    let (mut c, email) = member(&s).await;
    let token = c.csrf.take();
    for method in [Method::GET, Method::HEAD] {
        let r = authz(&s, &mut c, method.clone(), ME).await;
        let jwt = bearer(&r);
        let r = me_with(&s, &jwt).await;
        assert_eq!(
            (r.status, r.json["email"].as_str()),
            (200, Some(email.as_str())),
            "{method}: {}",
            r.text
        );
    }
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        c.csrf = None;
        let r = authz(&s, &mut c, method.clone(), ME).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.missing_csrf_token"])),
            "{method}"
        );
        no_bearer(&r);
        c.csrf = Some("0123456789abcdef0123".into());
        let r = authz(&s, &mut c, method.clone(), ME).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.csrf_token_mismatch"])),
            "{method}"
        );
        c.csrf = token.clone();
        let jwt = bearer(&authz(&s, &mut c, method.clone(), ME).await);
        assert_eq!(me_with(&s, &jwt).await.status, 200, "{method}");
    }

    // Barong's JWT: standard claims first, then the user's payload.
    let jwt = bearer(&authz(&s, &mut c, Method::GET, ME).await);
    let claims = claims(&jwt);
    let keys: Vec<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "iat",
            "exp",
            "sub",
            "iss",
            "aud",
            "jti",
            "uid",
            "username",
            "email",
            "role",
            "level",
            "state",
            "referral_id"
        ]
    );
    assert_eq!(
        (
            claims["sub"].as_str(),
            claims["email"].as_str(),
            claims["role"].as_str(),
            claims["state"].as_str()
        ),
        (
            Some("session"),
            Some(email.as_str()),
            Some("member"),
            Some("active")
        )
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    // peatio's authenticator splits the header on white space and wants `Bearer` exactly.
    for (header, status) in [
        (format!("bearer {jwt}"), 401),
        (format!("BEARER {jwt}"), 401),
        (format!("Bearer  {jwt}"), 200),
    ] {
        let r = s
            .http
            .get(s.url("/api/v2/auth/resource/users/me"))
            .header("authorization", &header)
            .send()
            .await
            .unwrap();
        let r = Reply::from(r).await;
        assert_eq!(r.status, status, "{header}: {}", r.text);
        if status == 401 {
            assert_eq!(errors(&r), e(&["jwt.decode_and_verify"]));
        }
    }
    // The JWT is no credential for authz itself (Barong reads no Authorization header there).
    let r = s
        .http
        .get(s.url(&format!("/api/v2/auth/authz/{ME}")))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    let r = Reply::from(r).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.invalid_session"])));
    // A permitted path the resource API does not serve is still allowed (authz only decides).
    let jwt = bearer(&authz(&s, &mut c, Method::GET, "api/v2/sample/whoami").await);
    assert!(!jwt.is_empty());
}

/// The session is bound to the /16 it was opened from; another network ends it.
async fn ip_change(b: Backend) {
    let s = server(b).await;
    let (c, _) = member(&s).await;
    let cookie = format!("_barong_session={}", c.cookie.clone().unwrap());
    let path = format!("/api/v2/auth/authz/{ME}");
    let headers = [("cookie", cookie.as_str())];
    let (status, authorization, _) = via_gateway(&s, "127.0.9.9", "GET", &path, &headers).await;
    assert_eq!(status, 200);
    assert!(authorization.unwrap().starts_with("Bearer "));
    let (status, authorization, body) =
        via_gateway(&s, "198.51.100.9", "GET", &path, &headers).await;
    assert_eq!(
        (status, authorization, body.as_str()),
        (
            401,
            None,
            "{\"errors\":[\"authz.client_session_mismatch\"]}"
        )
    );
    let (status, authorization, body) = via_gateway(&s, "127.0.0.1", "GET", &path, &headers).await;
    assert_eq!(
        (status, authorization, body.as_str()),
        (401, None, "{\"errors\":[\"authz.invalid_session\"]}")
    );
}

async fn no_credentials_and_banned_user(b: Backend) {
    let s = server(b).await;
    let mut nobody = Client::new();
    let r = authz(&s, &mut nobody, Method::GET, ME).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.invalid_session"])));
    no_bearer(&r);
    let r = authz(&s, &mut nobody, Method::POST, ME).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.missing_csrf_token"]))
    );
    // A cookie naming no session, and hostile ones.
    for junk in ["deadbeef", "", "\"quoted\"", &"f".repeat(10_000), "%00%ff"] {
        nobody.cookie = Some(junk.to_owned());
        let r = authz(&s, &mut nobody, Method::GET, ME).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.invalid_session"])),
            "{junk:?}"
        );
    }

    let (mut c, email) = member(&s).await;
    bearer(&authz(&s, &mut c, Method::GET, ME).await);
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    gatehouse::store::update_user_with(&*s.state.store, user, |u| {
        u.set_private_label("ban", "true", chrono::Utc::now());
        Ok::<_, gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    let r = authz(&s, &mut c, Method::GET, ME).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.user_not_active"])));
    no_bearer(&r);
}

/// Block and pass paths: before any credential is looked at.
async fn block_and_pass_paths(b: Backend) {
    let s = server(b).await;
    let (mut c, _) = member(&s).await;
    let r = authz(&s, &mut c, Method::PUT, "api/v2/peatio/management/ping").await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.permission_denied"]))
    );
    let mut nobody = Client::new();
    for who in [&mut c, &mut nobody] {
        for path in ["api/v2/peatio/public/ping", "api/v2/auth/identity/sessions"] {
            let r = authz(&s, who, Method::PUT, path).await;
            assert_eq!((r.status, r.text.as_str()), (200, ""), "{path}");
            no_bearer(&r);
        }
    }
    // With API-key headers, even ones that name no key.
    let r = signed(
        &s,
        Method::PUT,
        "/authz/api/v2/peatio/public/ping",
        "0000000000000000",
        "nope",
        None,
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    no_bearer(&r);
    // Paths that walk around a prefix rule (`identity` passes, `resource` does not), sent raw:
    // never a pass. (lambda_http resolves the dots into the resource path before the router
    // sees it; the decision refuses any dot segment that reaches it, see the authorizer test.)
    for path in [
        "api/v2/auth/identity/../resource/users/me",
        "api/v2/auth/identity/%2E%2E/resource/users/me",
        "api/v2/auth/identity/./../resource/users/me",
    ] {
        let raw = format!("/api/v2/auth/authz/{path}");
        let (status, authorization, body) = via_gateway(&s, "127.0.0.1", "GET", &raw, &[]).await;
        assert_eq!((status, authorization), (401, None), "{path}");
        assert!(
            body.contains("authz.invalid_session") || body.contains("authz.permission_denied"),
            "{path}: {body}"
        );
    }
    assert_eq!(
        via_gateway(&s, "127.0.0.1", "GET", "/api/v2/auth/authz/api/v2/%ff", &[]).await,
        (
            401,
            None,
            "{\"errors\":[\"authz.permission_denied\"]}".to_owned()
        )
    );
    // A typo is no permission.
    let r = authz(&s, &mut c, Method::GET, "api/v2/admon/users/list").await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.invalid_permission"]))
    );
    // A huge path is an ordinary refusal.
    let long = format!("api/v2/auth/resource/{}", "a/".repeat(3000));
    let r = authz(&s, &mut nobody, Method::GET, &long).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.invalid_session"])));
}

/// Signed API-key requests to authz: Barong's checks in its order, no CSRF.
async fn api_keys(b: Backend) {
    let s = server(b).await;
    let (mut c, email) = member(&s).await;
    let otp = enable_2fa(&s, &mut c).await;
    let (kid, secret) = create_api_key(&s, &mut c, &otp).await;
    let now = || gatehouse::clock::Clock::now(&*s.clock).timestamp_millis();
    let path = format!("/authz/{ME}");

    for method in [Method::GET, Method::POST, Method::DELETE] {
        s.clock.advance(chrono::Duration::milliseconds(1));
        let r = signed(&s, method.clone(), &path, &kid, &secret, None).await;
        let jwt = bearer(&r);
        let r = me_with(&s, &jwt).await;
        assert_eq!(
            (r.status, r.json["email"].as_str()),
            (200, Some(email.as_str())),
            "{method}"
        );
    }

    let send = |headers: Vec<(&'static str, String)>| {
        let s = &s;
        async move {
            let mut req = s.http.get(s.url(&format!("/api/v2/auth/authz/{ME}")));
            for (k, v) in headers {
                req = req.header(k, v);
            }
            Reply::from(req.send().await.unwrap()).await
        }
    };
    let nonce = now().to_string();
    let r = send(vec![
        ("x-auth-apikey", kid.clone()),
        ("x-auth-nonce", nonce.clone()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["authz.invalid_api_key_headers"]))
    );
    let r = send(vec![
        ("x-auth-apikey", kid.clone()),
        ("x-auth-nonce", nonce.clone()),
        ("x-auth-signature", " ".into()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["authz.invalid_api_key_headers"]))
    );
    for n in ["nonce", "0"] {
        let r = signed(&s, Method::GET, &path, &kid, &secret, Some(n)).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.nonce_not_valid_timestamp"])),
            "{n}"
        );
    }
    for n in [now() - 10_000, now() + 10_000] {
        let r = signed(&s, Method::GET, &path, &kid, &secret, Some(&n.to_string())).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.nonce_expired"])),
            "{n}"
        );
    }
    let r = send(vec![
        ("x-auth-apikey", kid.clone()),
        ("x-auth-nonce", now().to_string()),
        ("x-auth-signature", "garbage".into()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.invalid_signature"]))
    );
    let r = send(vec![
        ("x-auth-apikey", "0000000000000000".into()),
        ("x-auth-nonce", now().to_string()),
        ("x-auth-signature", "ab".into()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.unexistent_apikey"]))
    );
    // A replayed nonce (Gatehouse refuses what Barong would accept).
    s.clock.advance(chrono::Duration::milliseconds(1));
    let nonce = now().to_string();
    bearer(&signed(&s, Method::GET, &path, &kid, &secret, Some(&nonce)).await);
    let r = signed(&s, Method::GET, &path, &kid, &secret, Some(&nonce)).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.nonce_already_used"]))
    );

    // The key disabled by its holder.
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PATCH,
            &format!("/resource/api_keys/{kid}"),
            &[("state", "disabled"), ("totp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = signed(&s, Method::GET, &path, &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );
    // A second key: 2FA off makes it inactive too.
    let (kid2, secret2) = create_api_key(&s, &mut c, &otp).await;
    bearer(&signed(&s, Method::GET, &path, &kid2, &secret2, None).await);
    let code = next_code(&s, &otp);
    let r = c
        .post(&s, "/resource/otp/disable", &[("code", &code)])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    s.clock.advance(chrono::Duration::milliseconds(1));
    let r = signed(&s, Method::GET, &path, &kid2, &secret2, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );

    // The owner banned: a fresh key of another member stops working.
    let (mut other, other_email) = member(&s).await;
    let otp = enable_2fa(&s, &mut other).await;
    let (kid3, secret3) = create_api_key(&s, &mut other, &otp).await;
    bearer(&signed(&s, Method::GET, &path, &kid3, &secret3, None).await);
    let user = s
        .state
        .store
        .user_by_email(&other_email)
        .await
        .unwrap()
        .unwrap();
    gatehouse::store::update_user_with(&*s.state.store, user, |u| {
        u.set_private_label("ban", "true", chrono::Utc::now());
        Ok::<_, gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    s.clock.advance(chrono::Duration::milliseconds(1));
    let r = signed(&s, Method::GET, &path, &kid3, &secret3, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );
}

/// With `{superadmin, ACCEPT, get, api/v2/admin/users/list}`: by cookie and by API key.
async fn rbac(b: Backend) {
    let s = server_with(b, true).await;
    let mut admin = superadmin(&s).await;
    let list = "api/v2/admin/users/list";
    let jwt = bearer(&authz(&s, &mut admin, Method::GET, list).await);
    assert_eq!(claims(&jwt)["role"], "superadmin");
    bearer(&authz(&s, &mut admin, Method::GET, "api/v2/admin/users/list/5").await);
    for (method, path) in [
        (Method::POST, list),
        (Method::GET, "api/v2/accountant/documents"),
        (Method::GET, "api/v2/admon/users/list"),
        (Method::GET, "api/v2/admin/users"),
    ] {
        let r = authz(&s, &mut admin, method.clone(), path).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.invalid_permission"])),
            "{method} {path}"
        );
        no_bearer(&r);
    }
    // The default superadmin rights: the resource and admin APIs.
    bearer(&authz(&s, &mut admin, Method::GET, ME).await);
    bearer(
        &authz(
            &s,
            &mut admin,
            Method::POST,
            "api/v2/auth/admin/restrictions",
        )
        .await,
    );
    // A member has none of these.
    let (mut c, _) = member(&s).await;
    for path in [list, "api/v2/auth/admin/restrictions"] {
        let r = authz(&s, &mut c, Method::GET, path).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.invalid_permission"])),
            "{path}"
        );
    }

    // The same via an API key.
    let otp = enable_2fa(&s, &mut admin).await;
    let (kid, secret) = create_api_key(&s, &mut admin, &otp).await;
    bearer(
        &signed(
            &s,
            Method::GET,
            &format!("/authz/{list}"),
            &kid,
            &secret,
            None,
        )
        .await,
    );
    for (method, path) in [
        (Method::POST, list),
        (Method::GET, "api/v2/accountant/documents"),
        (Method::GET, "api/v2/admon/users/list"),
    ] {
        s.clock.advance(chrono::Duration::milliseconds(1));
        let r = signed(
            &s,
            method.clone(),
            &format!("/authz/{path}"),
            &kid,
            &secret,
            None,
        )
        .await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.invalid_permission"])),
            "{method} {path}"
        );
    }
}

/// §7.1 on the mint endpoint, as API Gateway delivers requests from several addresses.
async fn restrictions(b: Backend) {
    let s = server_with(b, true).await;
    let mut admin = superadmin(&s).await;
    let restrict = |fields: Vec<(&'static str, &'static str)>| {
        let (s, admin) = (&s, admin.clone());
        async move {
            let mut admin = admin;
            let r = admin.post(s, "/admin/restrictions", &fields).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    };
    restrict(vec![
        ("category", "blacklist"),
        ("scope", "ip"),
        ("value", "10.0.0.1"),
    ])
    .await;
    restrict(vec![
        ("category", "blacklist"),
        ("scope", "ip"),
        ("value", "10.0.0.2"),
        ("state", "disabled"),
    ])
    .await;
    restrict(vec![
        ("category", "blacklist"),
        ("scope", "ip_subnet"),
        ("value", "192.168.32.0/24"),
    ])
    .await;
    restrict(vec![
        ("category", "blacklist"),
        ("scope", "ip"),
        ("value", "10.0.0.3"),
        ("code", "403"),
    ])
    .await;
    restrict(vec![
        ("category", "blocklogin"),
        ("scope", "ip"),
        ("value", "10.0.0.4"),
        ("code", "425"),
    ])
    .await;
    let me = format!("/api/v2/auth/authz/{ME}");
    let refused = |status: u16, category: &str| {
        (
            status,
            None,
            format!("{{\"errors\":[\"authz.restrict.{category}\"]}}"),
        )
    };
    let session = |status: u16| {
        (
            status,
            None,
            "{\"errors\":[\"authz.invalid_session\"]}".to_owned(),
        )
    };
    assert_eq!(
        via_gateway(&s, "10.0.0.1", "GET", &me, &[]).await,
        refused(401, "blacklist")
    );
    assert_eq!(
        via_gateway(&s, "10.0.0.2", "GET", &me, &[]).await,
        session(401),
        "disabled"
    );
    assert_eq!(
        via_gateway(&s, "192.168.32.77", "GET", &me, &[]).await,
        refused(403, "blacklist")
    );
    assert_eq!(
        via_gateway(&s, "10.0.0.3", "GET", &me, &[]).await,
        refused(403, "blacklist")
    );
    let sessions = "/api/v2/auth/authz/api/v2/auth/identity/sessions";
    assert_eq!(
        via_gateway(&s, "10.0.0.4", "POST", sessions, &[]).await,
        refused(425, "blocklogin")
    );
    let barong_sessions = "/api/v2/auth/authz/api/v2/barong/identity/sessions";
    assert_eq!(
        via_gateway(&s, "10.0.0.4", "POST", barong_sessions, &[]).await,
        refused(425, "blocklogin")
    );
    let ping = "/api/v2/auth/authz/api/v2/auth/identity/ping";
    assert_eq!(
        via_gateway(&s, "10.0.0.4", "GET", ping, &[]).await,
        (200, None, String::new())
    );
    assert_eq!(
        via_gateway(&s, "10.0.0.4", "GET", &me, &[]).await,
        session(401)
    );
    // The whitelink path is never restricted.
    let access = "/api/v2/auth/authz/api/v2/auth/identity/users/access";
    assert_eq!(
        via_gateway(&s, "10.0.0.1", "POST", access, &[]).await,
        (200, None, String::new())
    );

    // Maintenance for everyone; a whitelisted address passes, before maintenance and blacklist.
    restrict(vec![
        ("category", "whitelist"),
        ("scope", "ip"),
        ("value", "10.0.0.1"),
    ])
    .await;
    restrict(vec![
        ("category", "maintenance"),
        ("scope", "all"),
        ("value", "all"),
    ])
    .await;
    assert_eq!(
        via_gateway(&s, "10.0.0.1", "GET", &me, &[]).await,
        session(401)
    );
    assert_eq!(
        via_gateway(&s, "10.0.0.3", "GET", &me, &[]).await,
        refused(471, "maintenance")
    );
    assert_eq!(
        via_gateway(&s, "198.51.100.1", "GET", ping, &[]).await,
        refused(471, "maintenance")
    );
    // The superadmin's own session from 127.0.0.1 is refused too.
    let r = authz(&s, &mut admin, Method::GET, ME).await;
    assert_eq!(
        (r.status, errors(&r)),
        (471, e(&["authz.restrict.maintenance"]))
    );
}

// ------------------------------------------------------------------------------- authorizer

/// An authorizer (payload 2.0) request for `method` on `path` from `ip`.
fn authorizer_event(method: &str, path: &str, ip: &str) -> Value {
    json!({
        "version": "2.0", "type": "REQUEST",
        "routeArn": format!("arn:aws:execute-api:us-east-1:123456789012:abc123/$default/{method}{path}"),
        "routeKey": format!("{method} {path}"), "rawPath": path, "rawQueryString": "",
        "headers": {"user-agent": UA},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123", "domainName": "abc123.example",
            "domainPrefix": "abc123", "requestId": "t", "routeKey": format!("{method} {path}"),
            "stage": "$default", "time": "01/Dec/2026:00:00:00 +0000",
            "timeEpoch": 1_795_449_600_000_i64,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": ip, "userAgent": UA}
        }
    })
}

async fn decide(s: &TestServer, event: Value) -> gatehouse_authorizer::AuthorizerResponse {
    gatehouse_authorizer::handle(&s.state, event).await
}

fn refused(r: &gatehouse_authorizer::AuthorizerResponse) {
    assert!(!r.is_authorized, "{r:?}");
    assert!(r.context.is_empty(), "{r:?}");
}

/// The authorizer's decisions with real sessions and keys: the context and its JWT, refusals,
/// and events no client should be able to turn into a failure.
async fn authorizer_decisions(b: Backend) {
    let s = server(b).await;
    let (mut c, email) = member(&s).await;
    let cookie = format!("_barong_session={}", c.cookie.clone().unwrap());
    let sample = "/api/v2/sample/whoami";
    let with_cookie = |method: &str, ip: &str| {
        let mut event = authorizer_event(method, sample, ip);
        event["cookies"] = json!(["theme=dark", cookie.clone()]);
        event
    };

    let r = decide(&s, with_cookie("GET", "127.0.0.1")).await;
    assert!(r.is_authorized, "{r:?}");
    let keys: Vec<&str> = r.context.keys().map(String::as_str).collect();
    assert_eq!(keys, ["uid", "email", "role", "level", "state", "jwt"]);
    assert_eq!(r.context["email"], email.as_str());
    assert_eq!(r.context["role"], "member");
    assert_eq!(r.context["state"], "active");
    assert!(r.context["level"].is_number());
    let jwt = r.context["jwt"].as_str().unwrap();
    assert_eq!(claims(jwt)["uid"], r.context["uid"]);
    let me = me_with(&s, jwt).await;
    assert_eq!(
        (me.status, me.json["email"].as_str()),
        (200, Some(email.as_str()))
    );

    // The cookie in a Cookie header, as a hand-written event may carry it.
    let mut event = authorizer_event("GET", sample, "127.0.0.1");
    event["headers"]["cookie"] = cookie.clone().into();
    assert!(decide(&s, event).await.is_authorized);

    // Writes need the CSRF token.
    refused(&decide(&s, with_cookie("POST", "127.0.0.1")).await);
    let mut event = with_cookie("POST", "127.0.0.1");
    event["headers"]["x-csrf-token"] = c.csrf.clone().unwrap().into();
    // The sample grants GET only: the credential is right, the permission is missing.
    refused(&decide(&s, event.clone()).await);
    event["rawPath"] = "/api/v2/auth/resource/users/me".into();
    assert!(decide(&s, event).await.is_authorized);

    // No credentials; a pass path; a block path.
    refused(&decide(&s, authorizer_event("GET", sample, "127.0.0.1")).await);
    let r = decide(
        &s,
        authorizer_event("PUT", "/api/v2/peatio/public/ping", "127.0.0.1"),
    )
    .await;
    assert!(r.is_authorized && r.context.is_empty(), "{r:?}");
    let mut event = authorizer_event("PUT", "/api/v2/peatio/management/ping", "127.0.0.1");
    event["cookies"] = json!([cookie.clone()]);
    refused(&decide(&s, event).await);
    // Dot segments walking from a pass prefix to a guarded path, and undecodable paths.
    for path in [
        "/api/v2/auth/identity/../resource/users/me",
        "/api/v2/auth/identity/%2e%2E/resource/users/me",
        "/api/v2/peatio/public/./../../sample/whoami",
        "/api/v2/sample/%E9",
    ] {
        let mut event = authorizer_event("GET", path, "127.0.0.1");
        event["cookies"] = json!([cookie.clone()]);
        refused(&decide(&s, event).await);
    }
    // A named stage is not part of the path.
    let mut event = authorizer_event("GET", "/prod/api/v2/auth/identity/ping", "203.0.113.1");
    event["requestContext"]["stage"] = "prod".into();
    assert!(decide(&s, event).await.is_authorized);

    // A signed API-key request.
    let otp = enable_2fa(&s, &mut c).await;
    let (kid, secret) = create_api_key(&s, &mut c, &otp).await;
    let signed_event = |nonce: &str, signature: &str| {
        let mut event = authorizer_event("GET", sample, "198.51.100.20");
        event["headers"]["x-auth-apikey"] = kid.clone().into();
        event["headers"]["x-auth-nonce"] = nonce.into();
        event["headers"]["x-auth-signature"] = signature.into();
        event
    };
    let nonce = gatehouse::clock::Clock::now(&*s.clock)
        .timestamp_millis()
        .to_string();
    let r = decide(&s, signed_event(&nonce, &sign(&secret, &nonce, &kid))).await;
    assert!(r.is_authorized, "{r:?}");
    assert_eq!(r.context["email"], email.as_str());
    // The same nonce again, a wrong signature, an incomplete set.
    refused(&decide(&s, signed_event(&nonce, &sign(&secret, &nonce, &kid))).await);
    refused(&decide(&s, signed_event(&nonce, "garbage")).await);
    let mut event = signed_event(&nonce, "x");
    event["headers"]
        .as_object_mut()
        .unwrap()
        .remove("x-auth-signature");
    refused(&decide(&s, event).await);

    // The session's network changes: refused, and the session is over.
    refused(&decide(&s, with_cookie("GET", "198.51.100.9")).await);
    refused(&decide(&s, with_cookie("GET", "127.0.0.1")).await);

    // Events that are not well-formed requests: refused, never a failure.
    let mut hostile = vec![
        json!({}),
        json!(null),
        json!("GET /"),
        json!({"requestContext": {"http": {"method": "GET"}}}),
    ];
    let mut no_ip = authorizer_event("GET", sample, "127.0.0.1");
    no_ip["requestContext"]["http"]
        .as_object_mut()
        .unwrap()
        .remove("sourceIp");
    hostile.push(no_ip);
    hostile.push(authorizer_event("GET", sample, "not-an-ip"));
    hostile.push(authorizer_event("G E T", sample, "127.0.0.1"));
    let mut bad_header = authorizer_event("GET", sample, "127.0.0.1");
    bad_header["headers"]["x-auth-apikey"] = json!(["a", "b"]);
    hostile.push(bad_header);
    let mut control = authorizer_event("GET", sample, "127.0.0.1");
    control["headers"]["x-auth-apikey"] = "\u{7}\n".into();
    hostile.push(control);
    let huge = format!("/api/v2/sample/{}", "%".repeat(200_000));
    hostile.push(authorizer_event("GET", &huge, "127.0.0.1"));
    let mut cookies = authorizer_event("GET", sample, "127.0.0.1");
    cookies["cookies"] = json!(["_barong_session", "=", ";;;", "_barong_session=\u{0}"]);
    hostile.push(cookies);
    hostile.push(authorizer_event("GET", "", "127.0.0.1"));
    for event in hostile {
        refused(&decide(&s, event).await);
    }
}

both_stores!(
    valid_session_every_verb,
    ip_change,
    no_credentials_and_banned_user,
    block_and_pass_paths,
    api_keys,
    rbac,
    restrictions,
    authorizer_decisions,
);
