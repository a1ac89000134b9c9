//! Coder checklist §9: one-time-passcode password reset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, STRONG, STRONG2, TestServer, both_stores, unique_email};
use serde_json::json;

const INCORRECT: &str = "{\"message\":\"Incorrect email or one-time passcode.\"}\n";

/// The passcode in the newest mail to `email`.
async fn passcode(s: &TestServer, email: &str) -> String {
    let mails = s.mails_to(email).await;
    let mail = mails.last().expect("a passcode mail");
    let start = mail.text.find("otp=").expect("reset link") + 4;
    mail.text[start..start + 36].to_owned()
}

async fn change(s: &TestServer, email: &str, code: &str, password: &str) -> gatehouse_tests::Reply {
    s.post(
        "/api/v2/users/otp/change-password",
        json!({"email": email, "one_time_passcode": code, "password": password}),
    )
    .await
}

async fn full_reset_flow(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let old_session = s.login(&email, STRONG).await;
    let r = s
        .post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(r.text, "");
    let mails = s.mails_to(&email).await;
    assert_eq!(mails.len(), 1);
    let code = passcode(&s, &email).await;
    assert!(uuid::Uuid::parse_str(&code).is_ok(), "{code}");
    assert_eq!(mails[0].subject, "Reset your password for Coder");
    assert!(mails[0].text.contains(&format!(
        "https://gatehouse.test/reset-password/change?otp={code}"
    )));
    assert_eq!(change(&s, &email, &code, STRONG2).await.status, 204);
    assert_eq!(
        s.post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG})
        )
        .await
        .status,
        401
    );
    s.login(&email, STRONG2).await;
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &old_session)
            .await
            .status,
        401,
        "sessions end"
    );
    // Single use.
    let again = change(&s, &email, &code, "YetAnotherPassword!9").await;
    assert_eq!((again.status, again.text.as_str()), (400, INCORRECT));
}

async fn expired_code_is_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    s.post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    let code = passcode(&s, &email).await;
    s.clock
        .advance(chrono::Duration::minutes(20) + chrono::Duration::seconds(1));
    let r = change(&s, &email, &code, STRONG2).await;
    assert_eq!((r.status, r.text.as_str()), (400, INCORRECT));
    s.login(&email, STRONG).await;
}

async fn wrong_codes_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (a, _) = s.user(&owner, &org, STRONG).await;
    let (bob, _) = s.user(&owner, &org, STRONG).await;
    let random = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        change(&s, &a, &random, STRONG2).await.text,
        INCORRECT,
        "no request yet"
    );
    s.post("/api/v2/users/otp/request", json!({"email": a}))
        .await;
    assert_eq!(
        change(&s, &a, &random, STRONG2).await.text,
        INCORRECT,
        "wrong code"
    );
    let code = passcode(&s, &a).await;
    assert_eq!(
        change(&s, &bob, &code, STRONG2).await.text,
        INCORRECT,
        "A's code, B's email"
    );
    assert_eq!(
        change(&s, &unique_email("ghost"), &code, STRONG2)
            .await
            .text,
        INCORRECT
    );
    // Failed attempts do not consume the code; nothing changed for either user.
    s.login(&a, STRONG).await;
    s.login(&bob, STRONG).await;
    assert_eq!(change(&s, &a, &code, STRONG2).await.status, 204);
}

async fn newer_code_replaces_older(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    s.post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    let first = passcode(&s, &email).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    s.post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    assert_eq!(s.mails_to(&email).await.len(), 2);
    let second = passcode(&s, &email).await;
    assert_ne!(first, second);
    assert_eq!(change(&s, &email, &first, STRONG2).await.text, INCORRECT);
    assert_eq!(change(&s, &email, &second, STRONG2).await.status, 204);
}

async fn input_rules(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let r = change(&s, &email, "", STRONG2).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "Validation failed.");
    assert_eq!(r.json["validations"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["validations"][0]["field"], "one_time_passcode");
    s.post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    let code = passcode(&s, &email).await;
    let weak = change(&s, &email, &code, "notstrong").await;
    assert_eq!(weak.status, 400);
    assert_eq!(
        weak.json,
        json!({"message": "Invalid password.", "validations": [{"field": "password", "detail": "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password"}]})
    );
    let same = change(&s, &email, &code, STRONG).await;
    assert_eq!(
        same.text,
        "{\"message\":\"New password cannot match old password.\"}\n"
    );
    let bad_email = s
        .post(
            "/api/v2/users/otp/request",
            json!({"email": "not-an-email"}),
        )
        .await;
    assert_eq!(bad_email.status, 400);
}

async fn unknown_email_gets_204_and_no_mail(b: Backend) {
    let s = TestServer::start(b).await;
    let ghost = unique_email("ghost");
    let r = s
        .post("/api/v2/users/otp/request", json!({"email": ghost}))
        .await;
    assert_eq!(r.status, 204);
    assert!(s.mails_to(&ghost).await.is_empty());
}

both_stores!(
    full_reset_flow,
    expired_code_is_refused,
    wrong_codes_are_refused,
    newer_code_replaces_older,
    input_rules,
    unknown_email_gets_204_and_no_mail,
);
