//! Coder's `GET /api/v2/audit` over the activity log both surfaces write, on both stores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::barong::{GOOD, register, sign_in};
use gatehouse_tests::{Backend, STRONG, TestServer, both_stores, unique_email};
use serde_json::json;

fn actions(r: &gatehouse_tests::Reply) -> Vec<(String, String, u64)> {
    r.json["audit_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["action"].as_str().unwrap().to_owned(),
                l["resource_type"].as_str().unwrap().to_owned(),
                l["status_code"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn a(action: &str, resource: &str, status: u64) -> (String, String, u64) {
    (action.to_owned(), resource.to_owned(), status)
}

async fn audit_log_of_both_surfaces(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": "wrong-Passw0rd!"}),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/suspend"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A Barong registration and sign-in are in the same log.
    let barong_email = unique_email("audit");
    assert_eq!(register(&s, &barong_email, GOOD).await.1.status, 201);
    assert_eq!(sign_in(&s, &barong_email, GOOD).await.1.status, 200);

    let r = s.get_with_token("/api/v2/audit", &owner).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        actions(&r),
        [
            a("login", "api_key", 200),
            a("register", "api_key", 201),
            a("write", "user", 200),
            a("login", "api_key", 401),
            a("create", "user", 201),
            a("login", "api_key", 201),
        ]
    );
    assert_eq!(r.json["count"], 6);
    let logs = r.json["audit_logs"].as_array().unwrap();
    assert_eq!(
        gatehouse_tests::barong::keys(&logs[0]),
        [
            "id",
            "request_id",
            "time",
            "ip",
            "user_agent",
            "resource_type",
            "resource_id",
            "resource_target",
            "resource_icon",
            "action",
            "diff",
            "status_code",
            "additional_fields",
            "description",
            "resource_link",
            "is_deleted",
            "organization_id",
            "user"
        ]
    );
    assert_eq!(logs[0]["description"], "{user} logged in");
    assert_eq!(logs[0]["user"]["email"], barong_email.as_str());
    assert_eq!(logs[2]["description"], "{user} updated user {target}");
    assert_eq!(logs[2]["resource_id"], id.as_str());
    assert_eq!(
        logs[3]["description"],
        "{user} unsuccessfully attempted to login"
    );
    assert_eq!(logs[3]["user"]["email"], email.as_str());
    assert_eq!(logs[4]["description"], "{user} created user {target}");
    assert_eq!(logs[4]["ip"], "127.0.0.1");

    let query = |q: &str| {
        format!(
            "/api/v2/audit?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        )
    };
    let r = s.get_with_token(&query("action:login"), &owner).await;
    assert_eq!(r.json["count"], 3);
    let r = s.get_with_token(&query("resource_type:user"), &owner).await;
    assert_eq!(
        actions(&r),
        [a("write", "user", 200), a("create", "user", 201)]
    );
    let r = s
        .get_with_token(&query(&format!("email:{email}")), &owner)
        .await;
    assert_eq!(actions(&r), [a("login", "api_key", 401)]);
    let r = s
        .get_with_token(&query("username:me action:create"), &owner)
        .await;
    assert_eq!(actions(&r), [a("create", "user", 201)]);
    let r = s
        .get_with_token("/api/v2/audit?limit=2&offset=1", &owner)
        .await;
    assert_eq!(
        actions(&r),
        [a("register", "api_key", 201), a("write", "user", 200)]
    );
    assert_eq!(r.json["count"], 6);

    let r = s
        .get_with_token(&query("action:fly colour:red"), &owner)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Invalid audit search query."),
        "{}",
        r.text
    );
    assert_eq!(r.json["validations"].as_array().unwrap().len(), 2);
    let r = s.get_with_token("/api/v2/audit?limit=-1", &owner).await;
    assert_eq!(r.status, 400);

    // A member reads nothing.
    let (member_email, _) = s.user(&owner, &org, STRONG).await;
    let member = s.login(&member_email, STRONG).await;
    let r = s.get_with_token("/api/v2/audit", &member).await;
    assert_eq!(
        (r.status, r.json.clone()),
        (200, json!({"audit_logs": [], "count": 0, "count_cap": 0}))
    );
    let r = s.get("/api/v2/audit").await;
    assert_eq!(r.status, 401);
}

both_stores!(audit_log_of_both_surfaces);
