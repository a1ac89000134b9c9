//! The authz group over HTTP on both stores: scopes, authcheck (Coder checklist §9), roles,
//! organizations, members and scoped tokens.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, Reply, STRONG, TestServer, both_stores, unique_username};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const SCOPES: &str = r#"{"external":["api_key:*","api_key:create","api_key:delete","api_key:read","api_key:update","coder:all","coder:apikeys.manage_self","coder:application_connect","coder:templates.author","coder:templates.build","coder:workspaces.access","coder:workspaces.create","coder:workspaces.delete","coder:workspaces.operate","file:*","file:create","file:read","organization:*","organization:delete","organization:read","organization:update","task:*","task:create","task:delete","task:read","task:update","template:*","template:create","template:delete","template:read","template:update","template:use","user:read_personal","user:update_personal","user_secret:*","user_secret:create","user_secret:delete","user_secret:read","user_secret:update","workspace:*","workspace:application_connect","workspace:create","workspace:delete","workspace:read","workspace:ssh","workspace:start","workspace:stop","workspace:update"]}"#;

/// A logged-in user of `org` with these organization roles (set by the owner); returns (token, id).
async fn member_with(
    s: &TestServer,
    owner: &str,
    org: &str,
    org_roles: &[&str],
) -> (String, String) {
    let (email, id) = s.user(owner, org, STRONG).await;
    if !org_roles.is_empty() {
        let path = format!("/api/v2/organizations/{org}/members/{id}/roles");
        let r = s
            .put_json_with_token(&path, owner, json!({"roles": org_roles}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    (s.login(&email, STRONG).await, id)
}

async fn scopes_are_public_and_sorted(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s.get("/api/v2/auth/scopes").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, format!("{SCOPES}\n"));
    let list: Vec<&str> = r.json["external"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut sorted = list.clone();
    sorted.sort_unstable();
    assert_eq!(list, sorted);
    assert!(!list.contains(&"all"));
}

fn matrix_checks(org: &str, template: &str) -> Value {
    json!({"checks": {
        "read-all-users": {"object": {"resource_type": "user"}, "action": "read"},
        "read-myself": {"object": {"resource_type": "user", "owner_id": "me"}, "action": "read"},
        "read-own-workspaces": {"object": {"resource_type": "workspace", "owner_id": "me"}, "action": "read"},
        "read-org-workspaces": {"object": {"resource_type": "workspace", "organization_id": org}, "action": "read"},
        "update-specific-template": {"object": {"resource_type": "template", "resource_id": template}, "action": "update"},
    }})
}

async fn authcheck_matrix(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (org_admin, _) = member_with(&s, &owner, &org, &["organization-admin"]).await;
    let (member, _) = member_with(&s, &owner, &org, &[]).await;
    // Templates are not held by this service: a specific one answers false for everyone.
    let template = uuid::Uuid::new_v4().to_string();
    let expectations = [
        (&owner, [true, true, true, true, false]),
        (&org_admin, [true, true, false, true, false]),
        (&member, [false, true, false, false, false]),
    ];
    let keys = [
        "read-all-users",
        "read-myself",
        "read-own-workspaces",
        "read-org-workspaces",
        "update-specific-template",
    ];
    for (token, want) in expectations {
        let r = s
            .post_with_token("/api/v2/authcheck", token, matrix_checks(&org, &template))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let got: Vec<bool> = keys.iter().map(|k| r.json[k].as_bool().unwrap()).collect();
        assert_eq!(got, want);
        assert_eq!(
            r.json.as_object().unwrap().keys().collect::<Vec<_>>(),
            keys,
            "keys in request order"
        );
    }
    let any_org = json!({"checks": {"t": {"object": {"resource_type": "template", "any_org": true}, "action": "create"}}});
    let (template_admin, _) = {
        let (email, id) = s.user(&owner, &org, STRONG).await;
        let r = s
            .put_json_with_token(
                &format!("/api/v2/users/{id}/roles"),
                &owner,
                json!({"roles": ["template-admin"]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        (s.login(&email, STRONG).await, id)
    };
    for (token, want) in [
        (&org_admin, true),
        (&template_admin, true),
        (&member, false),
    ] {
        assert_eq!(
            s.post_with_token("/api/v2/authcheck", token, any_org.clone())
                .await
                .json["t"],
            want
        );
    }
    let both = json!({"checks": {"t": {"object": {"resource_type": "template", "any_org": true, "organization_id": org}, "action": "create"}}});
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &owner, both)
            .await
            .json["t"],
        false
    );
    let unknown = json!({"checks": {"a": {"object": {"resource_type": "spaceship"}, "action": "read"}, "b": {"object": {"resource_type": "user"}, "action": "fly"}}});
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &owner, unknown)
            .await
            .json,
        json!({"a": false, "b": false})
    );
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &owner, json!({}))
            .await
            .text,
        "{}\n"
    );
}

async fn authcheck_resource_ids(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let (member, member_id) = member_with(&s, &owner, &org, &[]).await;
    let check = |id: &str| json!({"checks": {"u": {"object": {"resource_type": "user", "resource_id": id}, "action": "read"}}});
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &owner, check(&member_id))
            .await
            .json["u"],
        true
    );
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &member, check(&member_id))
            .await
            .json["u"],
        true
    );
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &member, check(&owner_id))
            .await
            .json["u"],
        false,
        "not visible"
    );
    let ghost = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &owner, check(&ghost))
            .await
            .json["u"],
        false,
        "not existing"
    );
    let r = s
        .post_with_token("/api/v2/authcheck", &owner, check("abc"))
        .await;
    assert_eq!(
        r.json,
        json!({"message": "Object \"abc\" id is not a valid uuid.", "validations": [{"field": "resource_id", "detail": "invalid UUID length: 3"}]})
    );
    let file = json!({"checks": {"f": {"object": {"resource_type": "file", "resource_id": ghost}, "action": "read"}}});
    let r = s.post_with_token("/api/v2/authcheck", &owner, file).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.message(),
        "Object type \"file\" does not support \"resource_id\" field."
    );
    assert_eq!(r.json["validations"][0]["field"], "resource_type");
    let mut many = serde_json::Map::new();
    for i in 0..11 {
        many.insert(
            format!("c{i}"),
            json!({"object": {"resource_type": "user", "resource_id": ghost}, "action": "read"}),
        );
    }
    let r = s
        .post_with_token("/api/v2/authcheck", &owner, json!({"checks": many}))
        .await;
    assert_eq!(
        (r.status, r.message()),
        (
            400,
            "Endpoint only supports using \"resource_id\" field 10 times, found 11 usages. Remove 1 objects with this field set."
        )
    );
    let missing = json!({"checks": {"k": {"object": {"owner_id": "me"}, "action": "read"}}});
    let r = s
        .post_with_token("/api/v2/authcheck", &owner, missing)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (
            400,
            "Object's \"resource_type\" field must be defined for key \"k\"."
        )
    );
    let r = s.post("/api/v2/authcheck", json!({})).await;
    assert_eq!(r.status, 401);
}

async fn authcheck_bad_input(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let raw = |body: String| {
        let req = s
            .http
            .post(s.url("/api/v2/authcheck"))
            .header("Coder-Session-Token", &owner)
            .body(body);
        async move { Reply::from(req.send().await.unwrap()).await }
    };
    let r =
        raw(r#"{"checks": {"k": {"object": {"resource_type": 5}, "action": "read"}}}"#.to_owned())
            .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.detail(),
        "json: cannot unmarshal number into Go struct field AuthorizationObject.checks.object.resource_type of type codersdk.RBACResource"
    );
    for body in [
        r#"{"checks": []}"#,
        r#"{"checks": {"k": 1}}"#,
        r#"{"checks": {"k": {"object": []}}}"#,
        "[",
        "{\"checks\":",
    ] {
        let r = raw(body.to_owned()).await;
        assert_eq!(
            (r.status, r.message()),
            (400, "Request body must be valid JSON."),
            "{body}"
        );
    }
    let mut huge = serde_json::Map::new();
    for i in 0..10_000 {
        huge.insert(
            format!("k{i}"),
            json!({"object": {"resource_type": "user"}, "action": "read"}),
        );
    }
    let r = raw(json!({"checks": huge}).to_string()).await;
    assert_eq!(r.status, 400);
    assert!(
        r.message()
            .starts_with("Endpoint only supports up to 1000 checks"),
        "{}",
        r.text
    );
    let r = raw(format!(
        "{{\"checks\":{{\"k\":{{\"object\":{{\"resource_type\":\"{}\"}}}}}}}}",
        "x".repeat(2 * 1024 * 1024)
    ))
    .await;
    assert_eq!(r.status, 400);
}

async fn site_roles(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let (member_email, member_id) = s.user(&owner, &org, STRONG).await;
    let member = s.login(&member_email, STRONG).await;
    let r = s
        .get_with_token(&format!("/api/v2/users/{owner_id}/roles"), &owner)
        .await;
    assert_eq!(
        r.json,
        json!({"roles": ["owner"], "organization_roles": {org.clone(): []}})
    );
    let path = format!("/api/v2/users/{member_id}/roles");
    // A member cannot raise itself or anyone.
    assert_eq!(
        s.put_json_with_token(
            &format!("/api/v2/users/{member_id}/roles"),
            &member,
            json!({"roles": ["owner"]})
        )
        .await
        .message(),
        "You cannot change your own roles."
    );
    assert_eq!(
        s.put_json_with_token(
            &format!("/api/v2/users/{owner_id}/roles"),
            &member,
            json!({"roles": []})
        )
        .await
        .status,
        400,
        "owner not readable"
    );
    // Granting user-admin takes effect on the member's existing session at once.
    let create = |token: &str| {
        let body = json!({"email": gatehouse_tests::unique_email("n"), "username": unique_username("n"), "password": STRONG, "organization_ids": [org]});
        let token = token.to_owned();
        let s = &s;
        async move {
            s.post_with_token("/api/v2/users", &token, body)
                .await
                .status
        }
    };
    assert_eq!(create(&member).await, 403);
    let r = s
        .put_json_with_token(&path, &owner, json!({"roles": ["user-admin", "member"]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["roles"],
        json!([{"name": "user-admin", "display_name": "User Admin"}])
    );
    assert_eq!(create(&member).await, 201);
    // A user-admin may not hand out owner.
    let (other_email, other_id) = s.user(&owner, &org, STRONG).await;
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{other_id}/roles"),
            &member,
            json!({"roles": ["owner"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "not authorized to assign role \"owner\"")
    );
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{other_id}/roles"),
            &owner,
            json!({"roles": ["nope"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "\"nope\" is not a supported role")
    );
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{other_id}/roles"),
            &owner,
            json!({"roles": ["own\u{0}er'; --"]}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{other_id}/roles"),
            &owner,
            json!({"roles": ["organization-admin"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "\"organization-admin\" is not a supported role")
    );
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{other_id}/roles"),
            &owner,
            json!({"roles": "owner"}),
        )
        .await;
    assert_eq!(r.message(), "Request body must be valid JSON.");
    // Revoking takes effect at once too.
    s.put_json_with_token(&path, &owner, json!({"roles": []}))
        .await;
    assert_eq!(create(&member).await, 403);
    let _ = other_email;
}

async fn organizations_and_members(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, default_org) = s.owner().await;
    let name = unique_username("org");
    let r = s
        .post_with_token(
            "/api/v2/organizations",
            &owner,
            json!({"name": name, "description": "d"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let keys: Vec<&String> = r.json.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "display_name",
            "icon",
            "description",
            "created_at",
            "updated_at",
            "is_default"
        ]
    );
    assert_eq!(r.json["display_name"], name.as_str());
    let org = r.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        s.post_with_token(
            "/api/v2/organizations",
            &owner,
            json!({"name": name.to_uppercase()})
        )
        .await
        .status,
        409
    );
    assert_eq!(
        s.post_with_token("/api/v2/organizations", &owner, json!({"name": "default"}))
            .await
            .message(),
        "Organization name \"default\" is reserved."
    );
    assert_eq!(
        s.post_with_token("/api/v2/organizations", &owner, json!({"name": "Bad Name"}))
            .await
            .message(),
        "Validation failed."
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/organizations/{name}"), &owner)
            .await
            .json["id"],
        org.as_str()
    );
    assert_eq!(
        s.get_with_token("/api/v2/organizations/default", &owner)
            .await
            .json["id"],
        default_org.as_str()
    );
    let r = s
        .get_with_token("/api/v2/organizations/nowhere", &owner)
        .await;
    // Coder writes its generic 404, then its own message: two documents in one body.
    assert_eq!(
        (r.status, r.text.as_str()),
        (
            404,
            concat!(
                "{\"message\":\"Resource not found or you do not have access to this resource\"}\n",
                "{\"message\":\"Organization \\\"nowhere\\\" not found.\",\"detail\":\"Provide either the organization id or name.\"}\n"
            )
        )
    );

    let (member, member_id) = member_with(&s, &owner, &default_org, &[]).await;
    assert_eq!(
        s.post_with_token(
            "/api/v2/organizations",
            &member,
            json!({"name": unique_username("m")})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/organizations/{org}"), &member)
            .await
            .status,
        404,
        "not a member"
    );
    let members = format!("/api/v2/organizations/{org}/members/{member_id}");
    let r = s.post_with_token(&members, &owner, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["roles"], json!([]));
    assert_eq!(r.json["organization_id"], org.as_str());
    assert_eq!(
        s.post_with_token(&members, &owner, json!({}))
            .await
            .message(),
        "Organization member already exists in this organization"
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/organizations/{org}"), &member)
            .await
            .status,
        200,
        "now a member"
    );

    let groups = json!({"checks": {"g": {"object": {"resource_type": "group", "organization_id": org}, "action": "delete"}}});
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &member, groups.clone())
            .await
            .json["g"],
        false
    );
    let roles = format!("{members}/roles");
    let r = s
        .put_json_with_token(&roles, &owner, json!({"roles": ["organization-admin"]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["roles"],
        json!([{"name": "organization-admin", "display_name": "Organization Admin", "organization_id": org}])
    );
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &member, groups.clone())
            .await
            .json["g"],
        true,
        "at once"
    );
    let r = s
        .put_json_with_token(&roles, &member, json!({"roles": []}))
        .await;
    assert_eq!(
        r.message(),
        "You cannot change your own organization roles."
    );
    let r = s
        .put_json_with_token(
            &roles,
            &owner,
            json!({"roles": [format!("organization-admin:{org}")]}),
        )
        .await;
    assert_eq!(
        r.message(),
        format!(
            "attempt to assign a role \"organization-admin:{org}\", remove the ':<organization_id> suffix"
        )
    );
    let r = s
        .put_json_with_token(&roles, &owner, json!({"roles": ["owner"]}))
        .await;
    assert_eq!(
        r.message(),
        format!("\"owner:{org}\" is not a supported role")
    );
    assert_eq!(
        s.delete_with_token(&members, &member).await.message(),
        "cannot remove self from an organization"
    );
    assert_eq!(
        s.delete_with_token(
            &format!(
                "/api/v2/organizations/{}/members/{member_id}",
                uuid::Uuid::new_v4()
            ),
            &owner
        )
        .await
        .status,
        404
    );
    let r = s.delete_with_token(&members, &owner).await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &member, groups)
            .await
            .json["g"],
        false
    );
    assert_eq!(
        s.delete_with_token(&members, &owner).await.status,
        404,
        "no longer a member"
    );
    // A user that does not exist is ExtractOrganizationMemberParam's 400, not a 404.
    let r = s
        .delete_with_token(
            &format!("/api/v2/organizations/{org}/members/nosuchuser"),
            &owner,
        )
        .await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (
            400,
            "{\"message\":\"\\\"user\\\" must be an existing uuid or username.\",\"detail\":\"queried user=\\\"nosuchuser\\\"\"}\n"
        )
    );
}

async fn scoped_tokens(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let (member, member_id) = member_with(&s, &owner, &org, &[]).await;
    let tokens = format!("/api/v2/users/{owner_id}/keys/tokens");
    assert_eq!(s.get_with_token(&tokens, &owner).await.text, "null\n");
    let r = s
        .post_with_token(
            &tokens,
            &owner,
            json!({"token_name": "ci", "scopes": ["user:read_personal"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let scoped = r.json["key"].as_str().unwrap().to_owned();
    assert_eq!(
        s.post_with_token(&tokens, &owner, json!({"token_name": "ci"}))
            .await
            .json,
        json!({"message": "A token with name \"ci\" already exists.", "validations": [{"field": "name", "detail": "This value is already in use and should be unique."}]})
    );
    let listed = s.get_with_token(&tokens, &owner).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1, "{}", listed.text);
    let entry = &listed.json[0];
    assert_eq!(entry["token_name"], "ci");
    assert_eq!(entry["scopes"], json!(["user:read_personal"]));
    assert_eq!(entry["login_type"], "token");
    assert_eq!(entry["lifetime_seconds"], 7 * 24 * 3600);
    assert!(
        !listed.text.contains(&scoped[11..]),
        "no secret in the list"
    );
    let me = s.get_with_token("/api/v2/users/me", &owner).await;
    assert_eq!(entry["username"], me.json["username"]);
    assert_eq!(entry["last_used"], "1970-01-01T00:00:00Z", "never used yet");
    let by_name = s.get_with_token(&format!("{tokens}/ci"), &owner).await;
    assert_eq!(by_name.json["id"], entry["id"]);
    assert!(
        by_name.json.get("username").is_none(),
        "codersdk.APIKey: {}",
        by_name.text
    );
    // A static segment, not a token called "tokenconfig". The cap is the token owner's: an
    // owner's tokens live at most 168h, anyone else's 876600h (in nanoseconds).
    let config = s
        .get_with_token(&format!("{tokens}/tokenconfig"), &owner)
        .await;
    assert_eq!(config.text, "{\"max_token_lifetime\":604800000000000}\n");
    let config = s
        .get_with_token(
            &format!("/api/v2/users/{member_id}/keys/tokens/tokenconfig"),
            &member,
        )
        .await;
    assert_eq!(
        config.text,
        "{\"max_token_lifetime\":3155760000000000000}\n"
    );
    assert_eq!(
        s.get_with_token(&format!("{tokens}/tokenconfig"), &member)
            .await
            .status,
        400,
        "another user's config is behind the same user check"
    );

    // The token's scope caps the owner's power, in authcheck and on every endpoint.
    let checks = json!({"checks": {
        "all-users": {"object": {"resource_type": "user"}, "action": "read"},
        "personal": {"object": {"resource_type": "user", "owner_id": "me"}, "action": "read_personal"},
    }});
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &scoped, checks.clone())
            .await
            .json,
        json!({"all-users": false, "personal": true})
    );
    assert_eq!(
        s.post_with_token("/api/v2/authcheck", &owner, checks)
            .await
            .json,
        json!({"all-users": true, "personal": true})
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/users/{member_id}"), &scoped)
            .await
            .status,
        400
    );
    assert_eq!(
        s.get_with_token(&format!("/api/v2/users/{member_id}"), &owner)
            .await
            .status,
        200
    );
    let r = s
        .post_with_token(
            &tokens,
            &scoped,
            json!({"token_name": "escalate", "scopes": ["coder:all"]}),
        )
        .await;
    assert_eq!(
        r.status, 400,
        "a read_personal token cannot even see its user here"
    );
    let r = s
        .post_with_token(
            &tokens,
            &owner,
            json!({"token_name": "keys", "scopes": ["coder:apikeys.manage_self", "user:read"]}),
        )
        .await;
    let key_manager = r.json["key"].as_str().unwrap().to_owned();
    let r = s
        .post_with_token(
            &tokens,
            &key_manager,
            json!({"token_name": "escalate", "scopes": ["coder:all"]}),
        )
        .await;
    assert_eq!(r.status, 403, "a narrow token cannot mint a broad one");
    let r = s
        .post_with_token(
            &tokens,
            &key_manager,
            json!({"token_name": "narrower", "scopes": ["user:read"]}),
        )
        .await;
    assert_eq!(
        r.status, 201,
        "but it may mint within its own scope: {}",
        r.text
    );

    let bad = s
        .post_with_token(&tokens, &owner, json!({"scopes": ["workspace:fly"]}))
        .await;
    assert_eq!(
        bad.json,
        json!({"message": "Failed to create API key.", "detail": "invalid or unsupported API key scope: \"workspace:fly\""})
    );
    let neg = s
        .post_with_token(&tokens, &owner, json!({"lifetime": -1}))
        .await;
    assert_eq!(
        neg.detail(),
        "lifetime must be positive number greater than 0"
    );
    let hours = |h: i64| json!({"lifetime": h * 3600 * 1_000_000_000});
    let long = s.post_with_token(&tokens, &owner, hours(169)).await;
    assert_eq!(
        (long.status, long.detail()),
        (400, "lifetime must be less than 168h0m0s"),
        "an owner's token"
    );
    let member_tokens = format!("/api/v2/users/{member_id}/keys/tokens");
    let long = s
        .post_with_token(&member_tokens, &member, hours(876_601))
        .await;
    assert_eq!(
        (long.status, long.detail()),
        (400, "lifetime must be less than 876600h0m0s")
    );
    let year = s
        .post_with_token(&member_tokens, &owner, hours(8_760))
        .await;
    assert_eq!(
        year.status, 201,
        "the member's cap, whoever asks: {}",
        year.text
    );
    let r = s
        .post_with_token(
            &tokens,
            &owner,
            json!({"lifetime": 3_600_000_000_000i64, "scope": "all"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let hour_token = r.json["key"].as_str().unwrap().to_owned();
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &hour_token)
            .await
            .status,
        200
    );
    // A lifetime is kept as given; `lifetime_seconds` holds its whole seconds.
    let r = s
        .post_with_token(
            &tokens,
            &owner,
            json!({"token_name": "brief", "lifetime": 1_500_000_000i64}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let brief = s.get_with_token(&format!("{tokens}/brief"), &owner).await;
    let at = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(brief.json[field].as_str().unwrap()).unwrap()
    };
    assert_eq!(brief.json["lifetime_seconds"], 1);
    assert_eq!(
        (at("expires_at") - at("created_at")).num_milliseconds(),
        1_500
    );

    // Members manage their own tokens only.
    assert_eq!(
        s.post_with_token(&member_tokens, &member, json!({}))
            .await
            .status,
        201
    );
    assert_eq!(
        s.post_with_token(&tokens, &member, json!({})).await.status,
        400,
        "the owner is not visible to a member"
    );
    // `include_all`: every user's tokens the caller may read, each with its owner's username.
    let owners = |r: &Reply| -> BTreeSet<String> {
        r.json
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let mine = s.get_with_token(&tokens, &owner).await;
    let all = s
        .get_with_token(&format!("{tokens}?include_all=true"), &owner)
        .await;
    let member_name = s.get_with_token("/api/v2/users/me", &member).await.json["username"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(owners(&mine).len(), 1);
    assert!(owners(&all).contains(&member_name), "{}", all.text);
    assert_eq!(
        all.json.as_array().unwrap().len(),
        mine.json.as_array().unwrap().len() + 2,
        "the owner's and the member's two"
    );
    let members_all = s
        .get_with_token(&format!("{member_tokens}?include_all=1"), &member)
        .await;
    assert_eq!(owners(&members_all), BTreeSet::from([member_name]));

    let id = entry["id"].as_str().unwrap();
    assert_eq!(
        s.delete_with_token(&format!("/api/v2/users/{member_id}/keys/{id}"), &owner)
            .await
            .status,
        404,
        "not that user's key"
    );
    let r = s
        .delete_with_token(&format!("/api/v2/users/{owner_id}/keys/{id}"), &owner)
        .await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &scoped).await.status,
        401
    );
    // The name is free again.
    assert_eq!(
        s.post_with_token(&tokens, &owner, json!({"token_name": "ci"}))
            .await
            .status,
        201
    );
}

both_stores!(
    scopes_are_public_and_sorted,
    authcheck_matrix,
    authcheck_resource_ids,
    authcheck_bad_input,
    site_roles,
    organizations_and_members,
    scoped_tokens,
);
