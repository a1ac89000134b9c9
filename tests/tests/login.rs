//! Coder checklist §9: login.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, STRONG, TestServer, both_stores, unique_email, unique_username};
use serde_json::json;

fn is_session_token(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 2
        && parts[0].len() == 10
        && parts[1].len() == 22
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

async fn valid_login_sets_token_and_cookie(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.json["session_token"].as_str().unwrap();
    assert!(is_session_token(token), "{token}");
    // The session cookie, and the CSRF cookie every cookie-less client is given.
    let mut cookies = r.set_cookies();
    cookies.sort_by_key(|c| !c.starts_with("coder_session_token="));
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    assert!(cookies[1].starts_with("csrf_token="), "{}", cookies[1]);
    assert!(
        cookies[0].starts_with(&format!("coder_session_token={token}; Path=/; HttpOnly")),
        "{}",
        cookies[0]
    );
    assert!(
        cookies[0].contains("Secure"),
        "https base URL marks the cookie Secure: {}",
        cookies[0]
    );
    assert_eq!(r.headers["content-type"], "application/json; charset=utf-8");
    assert!(r.text.ends_with('\n'));
    // Each login is a new session.
    let again = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG}),
        )
        .await;
    assert_ne!(again.json["session_token"], r.json["session_token"]);
}

async fn email_is_case_insensitive(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email.to_uppercase(), "password": STRONG}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn unknown_email_and_wrong_password_look_alike(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let unknown = s
        .post(
            "/api/v2/users/login",
            json!({"email": unique_email("nobody"), "password": STRONG}),
        )
        .await;
    let wrong = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": "WrongPassword1!"}),
        )
        .await;
    for r in [&unknown, &wrong] {
        assert_eq!(r.status, 401);
        assert_eq!(r.text, "{\"message\":\"Incorrect email or password.\"}\n");
    }
}

async fn suspended_user_is_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let token = s.login(&email, STRONG).await;
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/suspend"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "suspended");
    let existing = s.get_with_token("/api/v2/users/me", &token).await;
    assert_eq!(existing.status, 401);
    assert_eq!(
        existing.message(),
        "User is not active (status = \"suspended\"). Contact an admin to reactivate your account."
    );
    let login = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG}),
        )
        .await;
    assert_eq!(login.status, 401);
    assert_eq!(
        login.message(),
        "Your account is suspended. Contact an admin to reactivate your account."
    );
    // A wrong password does not reveal the suspension.
    let wrong = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": "nope"}),
        )
        .await;
    assert_eq!(wrong.message(), "Incorrect email or password.");
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/activate"), &owner)
        .await;
    assert_eq!(r.json["status"], "active");
    assert_eq!(
        s.post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG})
        )
        .await
        .status,
        201
    );
}

async fn password_auth_disabled_is_403_after_a_correct_password(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let mut settings = (*s.state.settings).clone();
    settings.password_auth_disabled = true;
    let disabled = s.state.with_settings(settings);
    let app = gatehouse_users::router(disabled);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    let c = reqwest::Client::new();
    let r = c
        .post(format!("{url}/api/v2/users/login"))
        .json(&json!({"email": email, "password": STRONG}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.text().await.unwrap(),
        "{\"message\":\"Password authentication is disabled.\"}\n"
    );
    let wrong = c
        .post(format!("{url}/api/v2/users/login"))
        .json(&json!({"email": email, "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    for path in [
        "/api/v2/users/otp/request",
        "/api/v2/users/otp/change-password",
    ] {
        let r = c
            .post(format!("{url}{path}"))
            .body("not even json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
}

async fn non_password_user_cannot_log_in(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let email = unique_email("none");
    let r = s
        .post_with_token(
            "/api/v2/users",
            &owner,
            json!({"email": email, "username": unique_username("none"), "login_type": "none", "organization_ids": [org]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["login_type"], "none");
    for pw in ["hunter2", "", "SomeSecurePassword!"] {
        let r = s
            .post(
                "/api/v2/users/login",
                json!({"email": email, "password": pw}),
            )
            .await;
        assert!(
            r.status == 401 || (pw.is_empty() && r.status == 400),
            "{pw}: {}",
            r.text
        );
    }
}

async fn dormant_user_becomes_active_on_login(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let before = s
        .get_with_token(&format!("/api/v2/users/{id}"), &owner)
        .await;
    assert_eq!(before.json["status"], "dormant");
    s.login(&email, STRONG).await;
    let after = s
        .get_with_token(&format!("/api/v2/users/{id}"), &owner)
        .await;
    assert_eq!(after.json["status"], "active");
}

async fn session_lasts_24_hours(b: Backend) {
    let s = TestServer::start_with(b, |c| c.session_refresh_disabled = true).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let token = s.login(&email, STRONG).await;
    let key = s.state.store.api_key(&token[..10]).await.unwrap().unwrap();
    assert_eq!(key.lifetime_seconds, 86400);
    s.clock.advance(chrono::Duration::hours(23));
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &token).await.status,
        200
    );
    s.clock
        .advance(chrono::Duration::hours(1) + chrono::Duration::seconds(1));
    let r = s.get_with_token("/api/v2/users/me", &token).await;
    assert_eq!(r.status, 401);
    assert!(
        r.detail().starts_with("API key expired at \""),
        "{}",
        r.detail()
    );
    assert!(r.detail().ends_with(" +0000 UTC\"."), "{}", r.detail());
}

async fn sliding_refresh_extends_an_active_session(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let token = s.login(&email, STRONG).await;
    s.clock.advance(chrono::Duration::hours(20));
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &token).await.status,
        200
    );
    s.clock.advance(chrono::Duration::hours(20));
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &token).await.status,
        200,
        "refreshed at hour 20"
    );
    s.clock.advance(chrono::Duration::hours(25));
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &token).await.status,
        401
    );
}

async fn validation_failures(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s.post("/api/v2/users/login", json!({})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json,
        json!({"message": "Validation failed.", "validations": [
            {"field": "email", "detail": "Validation failed for tag \"required\" with value: \"\""},
            {"field": "password", "detail": "Validation failed for tag \"required\" with value: \"\""}
        ]})
    );
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": "admin", "password": "x"}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["validations"][0]["field"], "email");
    assert_eq!(
        r.json["validations"][0]["detail"],
        "Validation failed for tag \"email\" with value: \"admin\""
    );
    let raw = |body: &'static str| {
        let c = s.http.clone();
        let url = s.url("/api/v2/users/login");
        async move { gatehouse_tests::Reply::from(c.post(url).body(body).send().await.unwrap()).await }
    };
    let r = raw("{\"email\":").await;
    assert_eq!(
        r.json,
        json!({"message": "Request body must be valid JSON.", "detail": "unexpected EOF"})
    );
    let r = raw("").await;
    assert_eq!(
        r.json,
        json!({"message": "Request body must be valid JSON.", "detail": "EOF"})
    );
    let r = raw("{\"email\":42,\"password\":\"x\"}").await;
    assert_eq!(
        r.json["detail"],
        "json: cannot unmarshal number into Go struct field LoginWithPasswordRequest.email of type string"
    );
}

async fn rate_limit_is_60_per_minute_per_endpoint(b: Backend) {
    let s = TestServer::start(b).await;
    let body = json!({"password": "x"});
    for i in 0..60 {
        let r = s
            .post("/api/v2/users/validate-password", body.clone())
            .await;
        assert_eq!(r.status, 200, "request {i}");
    }
    let r = s
        .post("/api/v2/users/validate-password", body.clone())
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.text,
        "{\"message\":\"You've been rate limited for sending more than 60 requests in 1m0s.\"}\n"
    );
    assert_eq!(r.headers["x-ratelimit-limit"], "60");
    assert_eq!(r.headers["x-ratelimit-remaining"], "0");
    // Another endpoint has its own budget.
    assert_eq!(s.post("/api/v2/users/login", json!({})).await.status, 400);
    // Two minutes later the window has slid past.
    s.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        s.post("/api/v2/users/validate-password", body).await.status,
        200
    );
}

async fn rate_limit_can_be_turned_off(b: Backend) {
    let s = TestServer::start_with(b, |c| c.login_rate_limit = 0).await;
    for i in 0..70 {
        let r = s
            .post("/api/v2/users/validate-password", json!({"password": "x"}))
            .await;
        assert_eq!(r.status, 200, "request {i}");
        assert!(r.headers.get("x-ratelimit-limit").is_none());
    }
}

both_stores!(
    rate_limit_can_be_turned_off,
    valid_login_sets_token_and_cookie,
    email_is_case_insensitive,
    unknown_email_and_wrong_password_look_alike,
    suspended_user_is_refused,
    password_auth_disabled_is_403_after_a_correct_password,
    non_password_user_cannot_log_in,
    dormant_user_becomes_active_on_login,
    session_lasts_24_hours,
    sliding_refresh_extends_an_active_session,
    validation_failures,
    rate_limit_is_60_per_minute_per_endpoint,
);
