//! What Coder's CLI, web UI and SDKs call beyond the seed pages: user listing, deletion,
//! profile and password, login type, auth methods, build info, CLI keys, organizations,
//! members and assignable roles. Both stores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{
    Backend, STRONG, STRONG2, TestServer, both_stores, unique_email, unique_username,
};
use serde_json::{Value, json};

/// Creates a user with a chosen username; returns (email, id).
async fn named_user(s: &TestServer, owner: &str, org: &str, username: &str) -> (String, String) {
    let email = unique_email(username);
    let r = s
        .post_with_token(
            "/api/v2/users",
            owner,
            json!({"email": email, "username": username, "password": STRONG, "organization_ids": [org]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (email, r.json["id"].as_str().unwrap().to_owned())
}

fn usernames(v: &Value) -> Vec<String> {
    v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

async fn list_users_filters_sorts_and_pages(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let tag = &unique_username("t")[2..8];
    let (zed, carol, bob) = (
        format!("zed-{tag}"),
        format!("Carol-{tag}"),
        format!("bob-{tag}"),
    );
    let (zed_email, zed_id) = named_user(&s, &owner, &org, &zed).await;
    named_user(&s, &owner, &org, &carol).await;
    let (_, bob_id) = named_user(&s, &owner, &org, &bob).await;
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{bob_id}/roles"),
            &owner,
            json!({"roles": ["auditor"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    s.login(&zed_email, STRONG).await;

    let list = |q: String| {
        let s = &s;
        let owner = owner.clone();
        async move {
            s.get_with_token(&format!("/api/v2/users?{q}"), &owner)
                .await
        }
    };
    let r = list(format!("q={tag}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.headers["content-type"], "application/json",
        "rendered without a charset, as Coder's list"
    );
    assert_eq!(
        usernames(&r.json),
        [bob.clone(), carol.clone(), zed.clone()]
    );
    assert_eq!(r.json["count"], 3);
    let r = list(format!("q={tag}+status:active")).await;
    assert_eq!(usernames(&r.json), std::slice::from_ref(&zed));
    let r = list(format!("q={tag}+role:auditor")).await;
    assert_eq!(usernames(&r.json), std::slice::from_ref(&bob));
    let r = list(format!("q={tag}+login_type:password&limit=1&offset=1")).await;
    assert_eq!(
        (usernames(&r.json), r.json["count"].clone()),
        (vec![carol.clone()], json!(3))
    );
    let r = list(format!("q={tag}&after_id={bob_id}")).await;
    assert_eq!(usernames(&r.json), [carol.clone(), zed.clone()]);
    let r = list(format!("q={tag}&offset=10")).await;
    assert_eq!(r.json, json!({"users": [], "count": 0}));
    // A member sees only itself.
    let member = s.login(&zed_email, STRONG).await;
    let r = s.get_with_token("/api/v2/users", &member).await;
    assert_eq!(
        (usernames(&r.json), r.json["count"].clone()),
        (vec![zed.clone()], json!(1))
    );
    assert_eq!(r.json["users"][0]["id"], zed_id.as_str());
    // Bad input, in Coder's words.
    let r = list("q=status:bogus".to_owned()).await;
    assert_eq!((r.status, r.message()), (400, "Invalid user search query."));
    assert_eq!(
        r.json["validations"][0],
        json!({"field": "status", "detail": "Query param \"status\" has invalid values: \"bogus\" is not a valid value"})
    );
    let r = list("q=email:x".to_owned()).await;
    assert_eq!(r.json["validations"][0]["field"], "email");
    let r = list("limit=abc".to_owned()).await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Query parameters have invalid values.")
    );
}

async fn delete_user_frees_email_and_ends_sessions(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let username = unique_username("del");
    let (email, id) = named_user(&s, &owner, &org, &username).await;
    let session = s.login(&email, STRONG).await;
    let r = s
        .delete_with_token(&format!("/api/v2/users/{owner_id}"), &owner)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (403, "You cannot delete yourself!")
    );
    let r = s.delete_with_token("/api/v2/users/me", &session).await;
    assert_eq!(
        (r.status, r.message()),
        (403, "You cannot delete yourself!")
    );
    // A member may not delete anyone. Coder resolves `{user}` first, and a member reads no one
    // else: the same 400 for an existing user and an unknown one.
    for target in [owner_id.as_str(), "nosuchuser"] {
        let r = s
            .delete_with_token(&format!("/api/v2/users/{target}"), &session)
            .await;
        assert_eq!(
            (r.status, r.message()),
            (400, "\"user\" must be an existing uuid or username."),
            "{target}"
        );
    }
    // An auditor reads every user but deletes none: 403 once the user is found.
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{id}/roles"),
            &owner,
            json!({"roles": ["auditor"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s
        .delete_with_token(&format!("/api/v2/users/{owner_id}"), &session)
        .await;
    assert_eq!((r.status, r.message()), (403, "Forbidden."));
    let r = s
        .delete_with_token(&format!("/api/v2/users/{id}"), &owner)
        .await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (200, "{\"message\":\"User has been deleted!\"}\n")
    );
    let r = s.get_with_token("/api/v2/users/me", &session).await;
    assert_eq!(r.status, 401);
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG}),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = s.get_with_token("/api/v2/users", &owner).await;
    assert!(!usernames(&r.json).contains(&username));
    // Email and username are free again.
    let r = s
        .post_with_token(
            "/api/v2/users",
            &owner,
            json!({"email": email, "username": username, "password": STRONG, "organization_ids": [org]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_ne!(r.json["id"], id.as_str());
}

async fn profile_renames_and_refuses_taken_names(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let old = unique_username("prof");
    let (email, _) = named_user(&s, &owner, &org, &old).await;
    let (_, _) = named_user(&s, &owner, &org, "taken-name").await;
    let me = s.login(&email, STRONG).await;
    let new = unique_username("renamed");
    let r = s
        .put_json_with_token(
            "/api/v2/users/me/profile",
            &me,
            json!({"username": new, "name": "Renamed Person"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.json["username"].as_str(), r.json["name"].as_str()),
        (Some(new.as_str()), Some("Renamed Person"))
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/users/{new}"), &owner)
            .await
            .status,
        200
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/users/{old}"), &owner)
            .await
            .status,
        400
    );
    let r = s
        .put_json_with_token(
            "/api/v2/users/me/profile",
            &me,
            json!({"username": "Taken-Name"}),
        )
        .await;
    assert_eq!(
        r.json,
        json!({"message": "A user with this username already exists.", "validations": [{"field": "username", "detail": "This username is already in use."}]})
    );
    assert_eq!(r.status, 409);
    let r = s
        .put_json_with_token("/api/v2/users/me/profile", &me, json!({"username": "a_b"}))
        .await;
    assert_eq!((r.status, r.message()), (400, "Validation failed."));
    // The old name is free for someone else.
    named_user(&s, &owner, &org, &old).await;
}

async fn password_change_rules(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let me = s.login(&email, STRONG).await;
    let path = "/api/v2/users/me/password";
    let put = |body: Value| {
        let s = &s;
        let me = me.clone();
        async move { s.put_json_with_token(path, &me, body).await }
    };
    let r = put(json!({"password": STRONG2})).await;
    assert_eq!((r.status, r.message()), (400, "Old password is required."));
    let r = put(json!({"old_password": "Wrong!pass123", "password": STRONG2})).await;
    assert_eq!(
        r.json,
        json!({"message": "Old password is incorrect.", "validations": [{"field": "old_password", "detail": "Old password is incorrect."}]})
    );
    let r = put(json!({"old_password": STRONG, "password": "password"})).await;
    assert_eq!((r.status, r.message()), (400, "Invalid password."));
    let r = put(json!({"old_password": STRONG, "password": STRONG})).await;
    assert_eq!(
        (r.status, r.message()),
        (400, "New password cannot match old password.")
    );
    let r = put(json!({"old_password": STRONG, "password": STRONG2})).await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    // Every session ends, the caller's too.
    assert_eq!(s.get_with_token("/api/v2/users/me", &me).await.status, 401);
    s.login(&email, STRONG2).await;
    // An administrator needs no old password for someone else.
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{id}/password"),
            &owner,
            json!({"password": "Another!Secure123"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    s.login(&email, "Another!Secure123").await;
}

async fn login_type_auth_methods_and_build_info(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (_, id) = s.user(&owner, &org, STRONG).await;
    let r = s
        .get_with_token("/api/v2/users/me/login-type", &owner)
        .await;
    assert_eq!(r.text, "{\"login_type\":\"password\"}\n");
    let r = s
        .get_with_token(&format!("/api/v2/users/{id}/login-type"), &owner)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (
            403,
            "You are not authorized to view this user's login type."
        )
    );
    let r = s.get("/api/v2/users/authmethods").await;
    assert_eq!(
        r.json,
        json!({"password": {"enabled": true}, "github": {"enabled": false, "default_provider_configured": false}, "oidc": {"enabled": false, "signInText": "", "iconUrl": ""}})
    );
    let root = s.get("/api/v2").await;
    assert_eq!(
        (root.status, root.text.as_str()),
        (200, "{\"message\":\"👋\"}\n")
    );
    let r = s.get("/api/v2/buildinfo").await;
    assert_eq!(r.status, 200);
    // The CLI compares this header with its own version: the same as buildinfo's.
    assert_eq!(
        r.headers
            .get("x-coder-build-version")
            .map(|v| v.to_str().unwrap()),
        r.json["version"].as_str()
    );
    let keys: Vec<&String> = r.json.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "external_url",
            "version",
            "dashboard_url",
            "telemetry",
            "workspace_proxy",
            "agent_api_version",
            "provisioner_api_version",
            "upgrade_message",
            "deployment_id"
        ]
    );
    assert!(r.json["version"].as_str().unwrap().starts_with("v2."));
    assert_eq!(r.json["dashboard_url"], "https://gatehouse.test");
    let again = s.get("/api/v2/buildinfo").await;
    assert_eq!(again.json["deployment_id"], r.json["deployment_id"]);
    assert!(uuid::Uuid::parse_str(r.json["deployment_id"].as_str().unwrap()).is_ok());
}

async fn cli_session_keys(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let member = s.login(&email, STRONG).await;
    let r = s
        .post_with_token("/api/v2/users/me/keys", &member, json!(null))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(
        !r.set_cookies()
            .iter()
            .any(|c| c.starts_with("coder_session_token=")),
        "a CLI key sets no session cookie"
    );
    let key = r.json["key"].as_str().unwrap().to_owned();
    assert_eq!(s.get_with_token("/api/v2/users/me", &key).await.status, 200);
    let key_id = key.split('-').next().unwrap();
    let r = s
        .get_with_token(&format!("/api/v2/users/me/keys/{key_id}"), &member)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.json["login_type"].as_str(),
            r.json["lifetime_seconds"].as_i64(),
            r.json["user_id"].as_str()
        ),
        (Some("password"), Some(604_800), Some(id.as_str()))
    );
    assert!(r.json.get("username").is_none());
    // Another user's key is not found, nor is a key under the wrong user.
    let r = s
        .get_with_token(&format!("/api/v2/users/{id}/keys/{key_id}"), &owner)
        .await;
    assert_eq!(r.status, 200, "the owner may read it");
    let r = s
        .get_with_token(&format!("/api/v2/users/me/keys/{key_id}"), &owner)
        .await;
    assert_eq!(r.status, 404);
    let r = s
        .post_with_token(
            &format!("/api/v2/users/{}/keys", "me"),
            &member,
            json!(null),
        )
        .await;
    assert_eq!(r.status, 201);
}

async fn organizations_members_and_roles(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let member = s.login(&email, STRONG).await;
    let r = s
        .post_with_token(
            "/api/v2/organizations",
            &owner,
            json!({"name": "second-org"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = s.get_with_token("/api/v2/organizations", &owner).await;
    let names: Vec<&str> = r
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["coder", "second-org"]);
    // A member sees only its own organizations.
    let r = s.get_with_token("/api/v2/organizations", &member).await;
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    let r = s
        .get_with_token("/api/v2/users/me/organizations", &member)
        .await;
    assert_eq!(r.json[0]["id"], org.as_str());
    let r = s
        .get_with_token("/api/v2/users/me/organizations/coder", &member)
        .await;
    assert_eq!((r.status, r.json["is_default"].clone()), (200, json!(true)));
    let r = s
        .get_with_token("/api/v2/users/me/organizations/second-org", &member)
        .await;
    assert_eq!(r.status, 404);
    // Members, with user data first.
    let r = s
        .get_with_token(&format!("/api/v2/organizations/{org}/members"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rows = r.json.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let row = rows.iter().find(|m| m["user_id"] == id.as_str()).unwrap();
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "username",
            "email",
            "status",
            "login_type",
            "last_seen_at",
            "user_created_at",
            "user_updated_at",
            "global_roles",
            "user_id",
            "organization_id",
            "created_at",
            "updated_at",
            "roles"
        ]
    );
    // Assignable roles: the owner may assign every one, a member none.
    let r = s.get_with_token("/api/v2/users/roles", &owner).await;
    let roles = r.json.as_array().unwrap();
    let names: Vec<&str> = roles.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"owner") && names.contains(&"user-admin"),
        "{names:?}"
    );
    assert!(!names.contains(&"member"));
    assert!(
        roles
            .iter()
            .all(|x| x["assignable"] == true && x["built_in"] == true)
    );
    let r = s.get_with_token("/api/v2/users/roles", &member).await;
    assert!(
        r.json
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["assignable"] == false)
    );
    let r = s
        .get_with_token(
            &format!("/api/v2/organizations/{org}/members/roles"),
            &owner,
        )
        .await;
    let roles = r.json.as_array().unwrap();
    assert!(
        roles
            .iter()
            .any(|x| x["name"] == "organization-admin" && x["organization_id"] == org.as_str())
    );
    assert!(!roles.iter().any(|x| x["name"] == "organization-member"));
}

async fn legacy_disable_login_means_login_type_none(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let create = |body: Value| {
        let s = &s;
        let owner = owner.clone();
        async move { s.post_with_token("/api/v2/users", &owner, body).await }
    };
    let r = create(json!({"email": unique_email("l"), "username": unique_username("l"), "disable_login": true, "organization_id": org})).await;
    assert_eq!(
        (r.status, r.json["login_type"].clone()),
        (201, json!("none")),
        "{}",
        r.text
    );
    assert_eq!(r.json["organization_ids"], json!([org]));
    let r = create(json!({"email": unique_email("l"), "username": unique_username("l"), "disable_login": true, "login_type": "github", "organization_ids": [org]})).await;
    assert_eq!(
        (r.status, r.json["login_type"].clone()),
        (201, json!("github")),
        "{}",
        r.text
    );
}

both_stores!(
    list_users_filters_sorts_and_pages,
    delete_user_frees_email_and_ends_sessions,
    profile_renames_and_refuses_taken_names,
    password_change_rules,
    login_type_auth_methods_and_build_info,
    cli_session_keys,
    organizations_members_and_roles,
    legacy_disable_login_means_login_type_none,
);
