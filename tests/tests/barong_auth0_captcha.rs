//! Barong checklist §11: auth0 sign-in against a fake tenant's JWKS, and the captcha gates
//! (reCAPTCHA and Geetest) against fake verification servers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use axum::Router;
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse::config::CaptchaKind;
use gatehouse::jwt::SigningKey;
use gatehouse_tests::barong::{AUTH0_KEY_PEM, Client, GOOD, errors, keys};
use gatehouse_tests::{Backend, TestServer, both_stores, unique_email};
use md5::{Digest, Md5};
use serde_json::{Value, json};

const DOMAIN: &str = "tenant.example";
const CLIENT_ID: &str = "gatehouse-client";
const GEETEST_KEY: &str = "geetest-private-key";

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fake Auth0 JWKS, reCAPTCHA siteverify and Geetest API on one local port.
async fn fake_services() -> String {
    let jwks = SigningKey::from_pem(AUTH0_KEY_PEM).unwrap().jwks();
    let app = Router::new()
        .route(
            "/.well-known/jwks.json",
            get(move || async move { axum::Json(jwks) }),
        )
        .route(
            "/recaptcha",
            post(|body: String| async move {
                let ok = body.contains("response=good") && body.contains("secret=recaptcha-secret");
                axum::Json(json!({"success": ok}))
            }),
        )
        .route(
            "/geetest/register.php",
            get(|| async { "challenge-from-geetest" }),
        )
        .route(
            "/geetest/validate.php",
            post(|body: String| async move {
                let seccode = body.strip_prefix("seccode=").unwrap_or_default().to_owned();
                md5_hex(&seccode)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// An RS256 id_token from the fake tenant.
fn id_token(claims: Value) -> String {
    let key = SigningKey::from_pem(AUTH0_KEY_PEM).unwrap();
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": key.kid()});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = key.sign_rs256(signing_input.as_bytes()).unwrap();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fn claims(s: &TestServer, email: &str, verified: bool, lifetime: i64) -> Value {
    let now = gatehouse::clock::Clock::now(&*s.clock).timestamp();
    json!({
        "iss": format!("https://{DOMAIN}/"), "aud": CLIENT_ID, "sub": "auth0|123",
        "iat": now, "exp": now + lifetime, "email": email, "email_verified": verified,
    })
}

async fn auth0(b: Backend) {
    let fake = fake_services().await;
    let s = TestServer::start_with(b, |s| {
        s.barong.auth0_domain = DOMAIN.to_owned();
        s.barong.auth0_client_id = CLIENT_ID.to_owned();
        s.barong.auth0_jwks_url = Some(format!("{fake}/.well-known/jwks.json"));
    })
    .await;
    let mut c = Client::new();
    let r = c.post(&s, "/identity/sessions/auth0", &[]).await;
    assert_eq!(
        errors(&r),
        [
            "identity.session.missing_id_token",
            "identity.session.empty_id_token"
        ]
    );
    let r = c
        .post(&s, "/identity/sessions/auth0", &[("id_token", "")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["identity.session.empty_id_token".to_owned()])
    );
    // A new verified email: an active level-1 account with a session.
    let email = unique_email("auth0");
    let token = id_token(claims(&s, &email, true, 600));
    let r = c
        .post(&s, "/identity/sessions/auth0", &[("id_token", &token)])
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.json["state"].as_str(), r.json["level"].as_u64()),
        (Some("active"), Some(1))
    );
    assert_eq!(r.json["labels"].as_array().unwrap().len(), 1);
    assert_eq!(c.me(&s).await.status, 200);
    // An existing user signs in with a verified email only (Barong lets an unverified one in;
    // anyone may sign up to a tenant with someone else's address).
    let unverified = id_token(claims(&s, &email, false, 600));
    let r = Client::new()
        .post(&s, "/identity/sessions/auth0", &[("id_token", &unverified)])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            401,
            vec!["identity.session.auth0.invalid_params".to_owned()]
        )
    );
    let token = id_token(claims(&s, &email, true, 600));
    let r = Client::new()
        .post(&s, "/identity/sessions/auth0", &[("id_token", &token)])
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(
        keys(&r.json).contains(&"csrf_token".to_owned())
            && keys(&r.json).contains(&"username".to_owned())
    );
    // Expired, forged, wrong audience: 422.
    let expired = id_token(claims(&s, &email, true, -60));
    let mut wrong_aud = claims(&s, &email, true, 600);
    wrong_aud["aud"] = json!("someone-else");
    let forged = {
        let t = id_token(claims(&s, &email, true, 600));
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(claims(&s, "admin@example.com", true, 600).to_string());
        parts.join(".")
    };
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode("{\"alg\":\"none\"}"),
        URL_SAFE_NO_PAD.encode(claims(&s, &email, true, 600).to_string())
    );
    for bad in [
        expired,
        id_token(wrong_aud),
        forged,
        none,
        "garbage".to_owned(),
    ] {
        let r = Client::new()
            .post(&s, "/identity/sessions/auth0", &[("id_token", &bad)])
            .await;
        assert_eq!(
            (r.status, errors(&r)),
            (
                422,
                vec!["identity.session.auth0.invalid_params".to_owned()]
            ),
            "{bad}"
        );
    }
    // Unverified and unknown: 401, and nobody is created.
    let stranger = unique_email("stranger");
    let token = id_token(claims(&s, &stranger, false, 600));
    let r = Client::new()
        .post(&s, "/identity/sessions/auth0", &[("id_token", &token)])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            401,
            vec!["identity.session.auth0.invalid_params".to_owned()]
        )
    );
    assert!(
        s.state
            .store
            .user_by_email(&stranger)
            .await
            .unwrap()
            .is_none()
    );
}

async fn auth0_jwks_unreachable(b: Backend) {
    let s = TestServer::start_with(b, |s| {
        s.barong.auth0_domain = DOMAIN.to_owned();
        s.barong.auth0_client_id = CLIENT_ID.to_owned();
        s.barong.auth0_jwks_url = Some("http://127.0.0.1:9/jwks.json".to_owned());
    })
    .await;
    let token = id_token(claims(&s, &unique_email("x"), true, 600));
    let r = Client::new()
        .post(&s, "/identity/sessions/auth0", &[("id_token", &token)])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            vec!["identity.session.auth0.invalid_params".to_owned()]
        )
    );
}

async fn recaptcha(b: Backend) {
    let fake = fake_services().await;
    let s = TestServer::start_with(b, |s| {
        s.barong.captcha = CaptchaKind::Recaptcha;
        s.barong.recaptcha_secret_key = "recaptcha-secret".to_owned();
        s.barong.recaptcha_site_key = "site-key".to_owned();
        s.barong.recaptcha_verify_url = format!("{fake}/recaptcha");
    })
    .await;
    let email = unique_email("cap");
    let mut c = Client::new();
    let r = c
        .post(
            &s,
            "/identity/users",
            &[("email", &email), ("password", GOOD)],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, vec!["identity.captcha.required".to_owned()])
    );
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &email),
                ("password", GOOD),
                ("captcha_response", "bad"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["identity.captcha.verification_failed".to_owned()])
    );
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &email),
                ("password", GOOD),
                ("captcha_response", "good"),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for (path, form) in [
        (
            "/identity/sessions",
            vec![("email", email.as_str()), ("password", GOOD)],
        ),
        (
            "/identity/users/email/generate_code",
            vec![("email", email.as_str())],
        ),
        (
            "/identity/users/password/generate_code",
            vec![("email", email.as_str())],
        ),
    ] {
        let r = c.post(&s, path, &form).await;
        assert_eq!(
            (r.status, errors(&r)),
            (400, vec!["identity.captcha.required".to_owned()]),
            "{path}"
        );
    }
    let configs = c.get(&s, "/identity/configs").await;
    assert_eq!(
        (
            configs.json["captcha_type"].as_str(),
            configs.json["captcha_id"].as_str()
        ),
        (Some("recaptcha"), Some("site-key"))
    );

    // An endpoint left out of the list skips the captcha.
    let s = TestServer::start_with(b, |s| {
        s.barong.captcha = CaptchaKind::Recaptcha;
        s.barong.captcha_endpoints = vec!["session_create".to_owned()];
        s.barong.recaptcha_verify_url = format!("{fake}/recaptcha");
    })
    .await;
    let r = c
        .post(
            &s,
            "/identity/users",
            &[("email", &unique_email("free")), ("password", GOOD)],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn geetest(b: Backend) {
    let fake = fake_services().await;
    let s = TestServer::start_with(b, |s| {
        s.barong.captcha = CaptchaKind::Geetest;
        s.barong.geetest_id = "geetest-id".to_owned();
        s.barong.geetest_key = GEETEST_KEY.to_owned();
        s.barong.geetest_url = format!("{fake}/geetest");
    })
    .await;
    let mut c = Client::new();
    let r = c.get(&s, "/identity/users/register_geetest").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["gt"], "geetest-id");
    assert_eq!(
        r.json["challenge"],
        md5_hex(&format!("challenge-from-geetest{GEETEST_KEY}")).as_str()
    );
    let challenge = "abc123";
    let validate = md5_hex(&format!("{GEETEST_KEY}geetest{challenge}"));
    let email = unique_email("gt");
    let r = c
        .post(
            &s,
            "/identity/users",
            &[("email", &email), ("password", GOOD)],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, vec!["identity.captcha.required".to_owned()])
    );
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &email),
                ("password", GOOD),
                ("captcha_response[empty]", "string"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, vec!["identity.captcha.mandatory_fields".to_owned()])
    );
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &email),
                ("password", GOOD),
                ("captcha_response[geetest_challenge]", challenge),
                ("captcha_response[geetest_validate]", "wrong"),
                ("captcha_response[geetest_seccode]", "sec"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["identity.captcha.verification_failed".to_owned()])
    );
    // As JSON, the captcha is an object.
    let r = s
        .post(
            "/api/v2/auth/identity/users",
            json!({"email": email, "password": GOOD, "captcha_response": {"geetest_challenge": challenge, "geetest_validate": validate, "geetest_seccode": "sec"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

both_stores!(auth0, auth0_jwks_unreachable, recaptcha, geetest);
