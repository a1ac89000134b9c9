//! The users group's administration endpoints, and bad input everywhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{
    Backend, Reply, STRONG, TestServer, both_stores, unique_email, unique_username,
};
use serde_json::json;

async fn first_user_once(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s.get("/api/v2/users/first").await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (
            404,
            "{\"message\":\"The initial user has not been created!\"}\n"
        )
    );
    let weak = s
        .post(
            "/api/v2/users/first",
            json!({"email": unique_email("o"), "username": "admin", "password": "password"}),
        )
        .await;
    assert_eq!(
        (weak.status, weak.message()),
        (400, "Password not strong enough!")
    );
    assert_eq!(weak.json["validations"][0]["field"], "password");
    let (token, user_id, org) = s.owner().await;
    let r = s.get("/api/v2/users/first").await;
    assert_eq!(
        (r.status, r.message()),
        (200, "The initial user has already been created!")
    );
    let first_key = r.text.find("user_id");
    assert!(first_key.is_none());
    let again = s
        .post("/api/v2/users/first", json!({"email": unique_email("o"), "username": unique_username("o"), "password": STRONG}))
        .await;
    assert_eq!(
        (again.status, again.message()),
        (409, "The initial user has already been created.")
    );
    let me = s.get_with_token("/api/v2/users/me", &token).await;
    assert_eq!(me.json["id"], user_id.as_str());
    assert_eq!(me.json["status"], "active");
    assert_eq!(me.json["login_type"], "password");
    assert_eq!(me.json["organization_ids"], json!([org]));
    let keys: Vec<&String> = me.json.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "username",
            "email",
            "created_at",
            "updated_at",
            "last_seen_at",
            "status",
            "login_type",
            "organization_ids",
            "roles"
        ]
    );
}

async fn first_user_is_unique_under_concurrency(b: Backend) {
    let s = std::sync::Arc::new(TestServer::start(b).await);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.post("/api/v2/users/first", json!({"email": unique_email("race"), "username": format!("race{i}"), "password": STRONG}))
                .await
                .status
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            201 => created += 1,
            409 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created, 1);
}

async fn create_user_rules(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let create = |token: String, body: serde_json::Value| {
        let s = &s;
        async move { s.post_with_token("/api/v2/users", &token, body).await }
    };
    let dup = create(owner.clone(), json!({"email": email.to_uppercase(), "username": unique_username("d"), "password": STRONG, "organization_ids": [org]})).await;
    assert_eq!((dup.status, dup.message()), (409, "User already exists."));
    let no_org = create(
        owner.clone(),
        json!({"email": unique_email("x"), "username": unique_username("x"), "password": STRONG}),
    )
    .await;
    assert_eq!(no_org.status, 400);
    assert_eq!(no_org.json["validations"][0]["field"], "organization_ids");
    let ghost_org = uuid::Uuid::new_v4();
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": unique_username("x"), "password": STRONG, "organization_ids": [ghost_org]})).await;
    assert_eq!(
        (r.status, r.message()),
        (
            404,
            format!("Organization does not exist with the provided id \"{ghost_org}\".").as_str()
        )
    );
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": "bad_name!", "password": STRONG, "organization_ids": [org]})).await;
    assert_eq!(
        r.json["validations"][0]["detail"],
        "Validation failed for tag \"username\" with value: \"bad_name!\""
    );
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": unique_username("x"), "password": "weak", "organization_ids": [org]})).await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Password not strong enough!")
    );
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": unique_username("x"), "login_type": "none", "password": STRONG, "organization_ids": [org]})).await;
    assert_eq!(
        r.message(),
        "Password cannot be set for non-password (\"none\") authentication."
    );
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": unique_username("x"), "login_type": "saml", "password": STRONG, "organization_ids": [org]})).await;
    assert_eq!(
        r.message(),
        "Password cannot be set for non-password (\"saml\") authentication."
    );
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": unique_username("x"), "login_type": "saml", "organization_ids": [org]})).await;
    assert_eq!(
        (r.status, r.message()),
        (
            400,
            "Unsupported login type \"saml\" for manually creating new users."
        )
    );
    let r = create(owner.clone(), json!({"email": unique_email("x"), "username": unique_username("x"), "password": STRONG, "organization_ids": [org], "user_status": "active"})).await;
    assert_eq!(r.json["status"], "active");
    // A member may not create users, and learns nothing about existing emails.
    let (member_email, _) = s.user(&owner, &org, STRONG).await;
    let member = s.login(&member_email, STRONG).await;
    let r = create(member.clone(), json!({"email": email, "username": unique_username("m"), "password": STRONG, "organization_ids": [org]})).await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (
            403,
            "{\"message\":\"You are not authorized to create users.\"}\n"
        )
    );
}

async fn read_users(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let username = unique_username("reader");
    let email = unique_email("reader");
    s.post_with_token("/api/v2/users", &owner, json!({"email": email, "username": username, "password": STRONG, "organization_ids": [org]})).await;
    let by_name = s
        .get_with_token(
            &format!("/api/v2/users/{}", username.to_uppercase()),
            &owner,
        )
        .await;
    assert_eq!(by_name.status, 200, "{}", by_name.text);
    assert_eq!(by_name.json["username"], username.as_str());
    let member = s.login(&email, STRONG).await;
    let me = s.get_with_token("/api/v2/users/me", &member).await;
    assert_eq!(me.json["roles"], json!([]));
    let other = s
        .get_with_token(&format!("/api/v2/users/{owner_id}"), &member)
        .await;
    assert_eq!(other.status, 400, "a member cannot read another user");
    assert_eq!(other.detail(), format!("queried user=\"{owner_id}\""));
    let r = s
        .put_with_token(&format!("/api/v2/users/{owner_id}/status/suspend"), &member)
        .await;
    assert_eq!(r.status, 400);
    let r = s
        .put_with_token("/api/v2/users/me/status/suspend", &owner)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "You cannot suspend yourself.")
    );
    // Coder's manual protections come before its permission check.
    let r = s
        .put_with_token("/api/v2/users/me/status/suspend", &member)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "You cannot suspend yourself.")
    );
    let r = s
        .put_with_token("/api/v2/users/me/status/activate", &member)
        .await;
    assert_eq!((r.status, r.message()), (403, "Forbidden."));
}

async fn bad_input_never_500s(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let r = s.get("/api/v2/nope").await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (404, "{\"message\":\"Route not found.\"}\n")
    );
    let big = "x".repeat(2 * 1024 * 1024);
    let r = Reply::from(
        s.http
            .post(s.url("/api/v2/users/login"))
            .body(big)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Request body must be valid JSON.")
    );
    let bodies = [
        "null",
        "[]",
        "\"x\"",
        "{\"email\":[]}",
        "{\"email\":{}}",
        "{\"password\":true}",
        "\u{0}",
        "{\"email\":\"a\u{0}@b.co\",\"password\":\"x\"}",
        "{\"email\":\"' OR 1=1 --@x.io\",\"password\":\"x\"}",
        "{\"email\":\"\\ud800@x.io\",\"password\":\"x\"}",
    ];
    for path in [
        "/api/v2/users/login",
        "/api/v2/users/otp/request",
        "/api/v2/users/otp/change-password",
        "/api/v2/users/validate-password",
        "/api/v2/users/first",
    ] {
        for body in bodies {
            let r = Reply::from(s.http.post(s.url(path)).body(body).send().await.unwrap()).await;
            assert!(r.status < 500, "{path} {body:?}: {} {}", r.status, r.text);
            assert!(
                r.status == 204 || r.json.get("message").is_some() || r.json.get("valid").is_some(),
                "{path} {body:?}: {}",
                r.text
            );
        }
    }
    for body in bodies {
        let r = Reply::from(
            s.http
                .post(s.url("/api/v2/users"))
                .header("Coder-Session-Token", &owner)
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(r.status < 500, "{body:?}: {}", r.text);
    }
    let r = Reply::from(
        s.http
            .delete(s.url("/api/v2/users/login"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 405);
}

both_stores!(
    first_user_once,
    first_user_is_unique_under_concurrency,
    create_user_rules,
    read_users,
    bad_input_never_500s
);
