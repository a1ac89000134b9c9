//! One user, two surfaces: the README's table, row by row, on both stores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::barong::{GOOD, GOOD2, errors, register, sign_in};
use gatehouse_tests::{Backend, STRONG, TestServer, both_stores, unique_email};
use serde_json::json;

/// Registered on Barong, signs in on Coder (and the other way round), with a Coder username
/// made up from the email that Barong shows as null.
async fn one_account_both_ways(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let email = unique_email("John.Doe");
    let (_, r) = register(&s, &email, GOOD).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["username"], serde_json::Value::Null);
    let token = s.login(&email, GOOD).await;
    let me = s.get_with_token("/api/v2/users/me", &token).await;
    let username = me.json["username"].as_str().unwrap();
    assert!(username.starts_with("john-doe"), "{username}");
    // A made-up name never takes a Barong username: `zed12` stays free for whoever chooses it.
    let (_, r) = register(&s, &format!("zed12{}", unique_email("")), GOOD).await;
    assert_eq!(r.status, 201);
    let mut c = gatehouse_tests::barong::Client::new();
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &unique_email("z")),
                ("password", GOOD),
                ("username", "zed12"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.json["username"].as_str()),
        (201, Some("zed12")),
        "{}",
        r.text
    );
    // Coder's user on Barong: a pending member with its Coder username.
    let (coder_email, _) = s.user(&owner, &org, STRONG).await;
    let coder_username = s
        .state
        .store
        .user_by_email(&coder_email)
        .await
        .unwrap()
        .unwrap()
        .username;
    let (mut c, r) = sign_in(&s, &coder_email, STRONG).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["state"], "pending");
    assert_eq!(r.json["role"], "member");
    assert_eq!(r.json["username"], coder_username.as_str());
    assert_eq!(c.me(&s).await.status, 200);
    // The owner is Barong's superadmin.
    let owner_me = s.get_with_token("/api/v2/users/me", &owner).await;
    let owner_email = owner_me.json["email"].as_str().unwrap().to_owned();
    let (_, r) = sign_in(&s, &owner_email, STRONG).await;
    assert_eq!(r.json["role"], "superadmin", "{}", r.text);
}

/// A password changed on Coder works on Barong at once and ends Barong sessions; a reset on
/// Barong ends Coder sessions (in `barong_identity::password_reset`).
async fn password_change_crosses(b: Backend) {
    let s = TestServer::start(b).await;
    let email = unique_email("pw");
    let (mut barong_session, _) = register(&s, &email, GOOD).await;
    let token = s.login(&email, GOOD).await;
    let r = s
        .put_json_with_token(
            "/api/v2/users/me/password",
            &token,
            json!({"old_password": GOOD, "password": "AnotherStrongPassw0rd!"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(barong_session.me(&s).await.status, 401);
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(r.status, 401);
    let (_, r) = sign_in(&s, &email, "AnotherStrongPassw0rd!").await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Suspending on Coder blocks a Barong session at once and Barong sign-in; activation lets the
/// user sign in again, without reviving old sessions.
async fn coder_suspension_blocks_barong(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let email = unique_email("susp");
    let (mut c, r) = register(&s, &email, GOOD).await;
    let uid_user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(r.status, 201);
    let path = format!("/api/v2/users/{}/status/suspend", uid_user.id);
    assert_eq!(s.put_with_token(&path, &owner).await.status, 200);
    let r = c.me(&s).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["authz.user_not_active".to_owned()])
    );
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(errors(&r), ["identity.session.not_active"]);
    let path = format!("/api/v2/users/{}/status/activate", uid_user.id);
    assert_eq!(s.put_with_token(&path, &owner).await.status, 200);
    assert_eq!(c.me(&s).await.status, 401, "old sessions stay ended");
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!((r.status, r.json["state"].as_str()), (200, Some("pending")));
}

/// A Barong ban blocks Coder sign-in and ends Coder sessions; Coder shows the user suspended.
async fn barong_ban_blocks_coder(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let email = unique_email("ban");
    register(&s, &email, GOOD).await;
    let token = s.login(&email, GOOD).await;
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    gatehouse::store::update_user_with(&*s.state.store, user.clone(), |u| {
        u.set_private_label("ban", "fraud", chrono::Utc::now());
        Ok::<(), gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &token).await.status,
        401
    );
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": GOOD}),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    let r = s
        .get_with_token(&format!("/api/v2/users/{}", user.id), &owner)
        .await;
    assert_eq!(r.json["status"], "suspended", "{}", r.text);
}

/// Deleted on Coder: hidden from Barong (the email is free; a new registration may take it).
/// Deleted on Barong: hidden from Coder.
async fn deletion_hides_from_both(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let email = unique_email("del");
    let (mut c, _) = register(&s, &email, GOOD).await;
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(
        s.delete_with_token(&format!("/api/v2/users/{}", user.id), &owner)
            .await
            .status,
        200
    );
    assert_eq!(c.me(&s).await.status, 401);
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(errors(&r), ["identity.session.invalid_params"]);
    let (_, r) = register(&s, &email, GOOD2).await;
    assert_eq!(r.status, 201, "{}", r.text);

    let email = unique_email("bdel");
    register(&s, &email, GOOD).await;
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    gatehouse::store::update_user_with(&*s.state.store, user.clone(), |u| {
        u.set_private_label("delete", "by_user", chrono::Utc::now());
        Ok::<(), gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": GOOD}),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = s
        .get_with_token(&format!("/api/v2/users/{}", user.id), &owner)
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let list = s.get_with_token("/api/v2/users", &owner).await;
    assert!(!list.text.contains(&email));
}

/// "First user": a Coder first user makes Barong registrations ordinary members, whatever the
/// superadmin setting.
async fn first_user_is_one_notion(b: Backend) {
    let s = TestServer::start_with(b, |s| s.barong.first_registration_superadmin = true).await;
    s.owner().await;
    let (_, r) = register(&s, &unique_email("after"), GOOD).await;
    assert_eq!((r.status, r.json["role"].as_str()), (201, Some("member")));
}

/// A setup secret guards Barong's first registration as it guards Coder's first user.
async fn setup_secret_guards_first_registration(b: Backend) {
    let s = TestServer::start_with(b, |s| {
        s.barong.first_registration_superadmin = true;
        s.setup_secret = Some("let-me-in".to_owned());
    })
    .await;
    let (_, r) = register(&s, &unique_email("nosecret"), GOOD).await;
    assert_eq!((r.status, r.json["role"].as_str()), (201, Some("member")));
    assert_eq!(s.get("/api/v2/users/first").await.status, 404);
    let r = s
        .http
        .post(s.url("/api/v2/auth/identity/users"))
        .header("gatehouse-setup-secret", "let-me-in")
        .form(&[
            ("email", unique_email("secret").as_str()),
            ("password", GOOD),
        ])
        .send()
        .await
        .unwrap();
    let r = gatehouse_tests::Reply::from(r).await;
    assert_eq!(
        (r.status, r.json["role"].as_str()),
        (201, Some("superadmin")),
        "{}",
        r.text
    );
}

/// Password guesses through Barong's sign-in count in Coder's login bucket, and the reverse.
async fn one_login_rate_limit(b: Backend) {
    let s = TestServer::start_with(b, |s| s.login_rate_limit = 3).await;
    let email = unique_email("rl");
    register(&s, &email, GOOD).await;
    for _ in 0..2 {
        let (_, r) = sign_in(&s, &email, "WrongPassword1").await;
        assert_eq!(r.status, 401);
    }
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": "x"}),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (429, vec!["identity.too_many_requests".to_owned()])
    );
    assert!(r.headers.contains_key("retry-after"));
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": GOOD}),
        )
        .await;
    assert_eq!(r.status, 429);
}

both_stores!(
    one_account_both_ways,
    password_change_crosses,
    coder_suspension_blocks_barong,
    barong_ban_blocks_coder,
    deletion_hides_from_both,
    first_user_is_one_notion,
    setup_secret_guards_first_registration,
    one_login_rate_limit,
);
