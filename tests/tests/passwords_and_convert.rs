//! Coder checklist §9: validate-password and convert-login.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, Reply, STRONG, TestServer, both_stores};
use serde_json::json;

async fn validate_password_policy(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s
        .post(
            "/api/v2/users/validate-password",
            json!({"password": "MySecurePassword!"}),
        )
        .await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (200, "{\"valid\":true,\"details\":\"\"}\n")
    );
    let r = s
        .post(
            "/api/v2/users/validate-password",
            json!({"password": "password"}),
        )
        .await;
    assert_eq!(
        r.json,
        json!({"valid": false, "details": "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password"})
    );
    let r = s
        .post(
            "/api/v2/users/validate-password",
            json!({"password": "Aa1!".repeat(20)}),
        )
        .await;
    assert_eq!(
        r.json["details"],
        "password must be no more than 64 characters"
    );
    let r = s
        .post("/api/v2/users/validate-password", json!({"password": ""}))
        .await;
    assert_eq!((r.status, r.message()), (400, "Validation failed."));
    // With a token too.
    let (owner, _, _) = s.owner().await;
    let r = s
        .post_with_token(
            "/api/v2/users/validate-password",
            &owner,
            json!({"password": "MySecurePassword!"}),
        )
        .await;
    assert_eq!(r.json["valid"], true);
}

async fn convert_login_to_oidc(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let token = s.login(&email, STRONG).await;
    let r = s
        .post_with_token(
            "/api/v2/users/me/convert-login",
            &token,
            json!({"to_type": "oidc", "password": STRONG}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let state = r.json["state_string"].as_str().unwrap();
    assert!(
        state.starts_with("convert-") && state.len() == 40,
        "{state}"
    );
    assert!(state[8..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(r.json["to_type"], "oidc");
    assert_eq!(r.json["user_id"], id.as_str());
    let expires =
        chrono::DateTime::parse_from_rfc3339(r.json["expires_at"].as_str().unwrap()).unwrap();
    let delta = expires.with_timezone(&chrono::Utc) - s.clock_now();
    assert!(
        delta > chrono::Duration::minutes(4) && delta <= chrono::Duration::minutes(5),
        "{delta}"
    );
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("coder_oauth_convert_jwt="))
        .expect("convert cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let jwt = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("coder_oauth_convert_jwt=");
    let claims = gatehouse::auth::convert::verify(&s.state, jwt)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claims.state, state);
    assert_eq!(claims.to_login_type, "oidc");
    let mut tampered = jwt.to_owned();
    tampered.push('x');
    assert!(
        gatehouse::auth::convert::verify(&s.state, &tampered)
            .await
            .unwrap()
            .is_err()
    );
    // Also by username and id.
    let r = s
        .post_with_token(
            &format!("/api/v2/users/{id}/convert-login"),
            &token,
            json!({"to_type": "github", "password": STRONG}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn convert_login_refusals(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let token = s.login(&email, STRONG).await;
    let path = "/api/v2/users/me/convert-login";
    for t in ["password", "token", "none"] {
        let r = s
            .post_with_token(path, &token, json!({"to_type": t, "password": STRONG}))
            .await;
        assert_eq!(
            (r.status, r.message()),
            (
                400,
                format!("Cannot convert to login type \"{t}\".").as_str()
            )
        );
    }
    let r = s
        .post_with_token(path, &token, json!({"to_type": "saml", "password": STRONG}))
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Unknown login type \"saml\".")
    );
    let r = s
        .post_with_token(path, &token, json!({"password": STRONG}))
        .await;
    assert_eq!((r.status, r.message()), (400, "Validation failed."));
    assert_eq!(r.json["validations"][0]["field"], "to_type");
    let r = s
        .post_with_token(
            path,
            &token,
            json!({"to_type": "oidc", "password": "WrongPassword!1"}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (401, "Incorrect email or password.")
    );
    let r = s
        .post(path, json!({"to_type": "oidc", "password": STRONG}))
        .await;
    assert_eq!(r.status, 401);
    let r = s
        .post_with_token(
            "/api/v2/users/nosuchuser/convert-login",
            &token,
            json!({"to_type": "oidc", "password": STRONG}),
        )
        .await;
    assert_eq!(
        r.json,
        json!({"message": "\"user\" must be an existing uuid or username.", "detail": "queried user=\"nosuchuser\""})
    );
    let r = Reply::from(
        s.http
            .post(s.url(path))
            .header("Coder-Session-Token", &token)
            .body("{")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.message(), "Request body must be valid JSON.");
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl ClockNow for TestServer {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use gatehouse::clock::Clock;
        self.clock.now()
    }
}

both_stores!(
    validate_password_policy,
    convert_login_to_oidc,
    convert_login_refusals
);
