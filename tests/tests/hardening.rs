//! Where Gatehouse is stricter than Coder: password cost, convert-login, allow lists, token
//! names, sessions that end, the setup secret, passcode mail limits. Both stores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use chrono::Duration;
use gatehouse_tests::{Backend, Reply, STRONG, STRONG2, TestServer, both_stores, unique_email};
use serde_json::json;

/// A password on the common list that Coder's entropy rule alone accepts.
const COMMON: &str = "masterbaiting";
const COMMON_DETAIL: &str =
    "insecure password, it is on the list of the most commonly used passwords";

async fn huge_passwords_answer_with_coders_verdict(b: Backend) {
    let s = TestServer::start(b).await;
    // Just under the 1 MiB body limit: with upstream's in-place deletions this took a minute.
    let huge = "aB3$".repeat(250_000);
    let r = s
        .post("/api/v2/users/validate-password", json!({"password": huge}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["details"],
        "password must be no more than 64 characters"
    );
    let r = s
        .post(
            "/api/v2/users/validate-password",
            json!({"password": "a".repeat(1_000_000)}),
        )
        .await;
    assert_eq!(
        r.json["details"],
        "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password"
    );
    let r = s
        .post(
            "/api/v2/users/first",
            json!({"email": unique_email("o"), "username": "owner", "password": huge}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(
        r.json["validations"][0]["detail"],
        "password must be no more than 64 characters"
    );
}

async fn common_passwords_are_refused_wherever_set(b: Backend) {
    let s = TestServer::start(b).await;
    assert!(gatehouse::password::coder_policy::validate(COMMON).is_ok());
    let r = s
        .post(
            "/api/v2/users/validate-password",
            json!({"password": COMMON}),
        )
        .await;
    assert_eq!(r.json, json!({"valid": false, "details": COMMON_DETAIL}));
    let r = s
        .post(
            "/api/v2/users/first",
            json!({"email": unique_email("o"), "username": "owner", "password": "MasterBaiting"}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Password not strong enough!")
    );
    assert_eq!(r.json["validations"][0]["detail"], COMMON_DETAIL);
    let (owner, _, org) = s.owner().await;
    let r = s
        .post_with_token(
            "/api/v2/users",
            &owner,
            json!({"email": unique_email("u"), "username": "common", "password": COMMON, "organization_ids": [org]}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Password not strong enough!")
    );
    let (email, _) = s.user(&owner, &org, STRONG).await;
    let r = s
        .post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    assert_eq!(r.status, 204);
    let code = passcode_in(&s.mails_to(&email).await.pop().unwrap().text);
    let r = s
        .post(
            "/api/v2/users/otp/change-password",
            json!({"email": email, "one_time_passcode": code, "password": COMMON}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json["validations"][0]["detail"], COMMON_DETAIL);
}

fn passcode_in(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .find(|w| w.len() == 36 && uuid::Uuid::parse_str(w).is_ok())
        .expect("a passcode in the mail")
        .to_owned()
}

async fn convert_login_converts_only_the_callers_account(b: Backend) {
    let s = TestServer::start_with(b, |c| c.login_rate_limit = 6).await;
    let (owner, _, org) = s.owner().await;
    let (_, victim) = s.user(&owner, &org, STRONG).await;
    let (email, _) = s.user(&owner, &org, STRONG2).await;
    let token = s.login(&email, STRONG2).await;
    // The victim's right and wrong passwords get the same answer.
    let path = format!("/api/v2/users/{victim}/convert-login");
    let right = s
        .post_with_token(
            &path,
            &token,
            json!({"to_type": "oidc", "password": STRONG}),
        )
        .await;
    let wrong = s
        .post_with_token(
            &path,
            &token,
            json!({"to_type": "oidc", "password": "Wrong!pass123"}),
        )
        .await;
    assert_eq!((right.status, &right.text), (wrong.status, &wrong.text));
    assert_eq!(
        (right.status, right.message()),
        (401, "Incorrect email or password.")
    );
    // Those two share login's bucket with the two logins above: the limit of 6 leaves two more.
    s.login(&email, STRONG2).await;
    let r = s
        .post_with_token(
            "/api/v2/users/me/convert-login",
            &token,
            json!({"to_type": "oidc", "password": STRONG2}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = s
        .post(
            "/api/v2/users/login",
            json!({"email": email, "password": STRONG2}),
        )
        .await;
    assert_eq!(r.status, 429, "{}", r.text);
}

async fn allow_lists_are_kept_shown_and_enforced(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let (_, other) = s.user(&owner, &org, STRONG).await;
    let tokens = "/api/v2/users/me/keys/tokens";
    let r = s
        .post_with_token(
            tokens,
            &owner,
            json!({"token_name": "one-user", "allow_list": [format!("user:{}", owner_id.to_uppercase())]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let narrow = r.json["key"].as_str().unwrap().to_owned();
    let r = s
        .get_with_token(&format!("{tokens}/one-user"), &owner)
        .await;
    assert_eq!(r.json["allow_list"], json!([format!("user:{owner_id}")]));
    // The listed user is reachable, another is not, although the owner role could read it.
    let r = s.get_with_token("/api/v2/users/me", &narrow).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s
        .get_with_token(&format!("/api/v2/users/{other}"), &narrow)
        .await;
    assert_ne!(r.status, 200, "{}", r.text);
    let r = s
        .post_with_token(
            "/api/v2/authcheck",
            &narrow,
            json!({"checks": {
                "me": {"object": {"resource_type": "user", "resource_id": owner_id}, "action": "read"},
                "other": {"object": {"resource_type": "user", "resource_id": other}, "action": "read"},
            }}),
        )
        .await;
    assert_eq!(r.json, json!({"me": true, "other": false}), "{}", r.text);
    // Without a list: `*:*`, as Coder.
    let r = s
        .post_with_token(tokens, &owner, json!({"token_name": "wide"}))
        .await;
    assert_eq!(r.status, 201);
    let r = s.get_with_token(&format!("{tokens}/wide"), &owner).await;
    assert_eq!(r.json["allow_list"], json!(["*:*"]));
    let r = s
        .post_with_token(
            tokens,
            &owner,
            json!({"token_name": "bad", "allow_list": ["badvalue"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.message(), r.detail()),
        (
            400,
            "Request body must be valid JSON.",
            "invalid allow_list entry \"badvalue\": want <type>:<id>"
        )
    );
}

async fn token_names_are_free_once_their_key_is_gone(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, _) = s.owner().await;
    let tokens = "/api/v2/users/me/keys/tokens";
    let create = |name: &'static str, lifetime: i64| {
        let body = json!({"token_name": name, "lifetime": lifetime});
        let s = &s;
        let owner = owner.clone();
        async move { s.post_with_token(tokens, &owner, body).await }
    };
    let hour = 3_600_000_000_000_i64;
    assert_eq!(create("ci", hour).await.status, 201);
    assert_eq!(create("ci", hour).await.status, 409);
    // Deleted: free at once.
    let id = s.get_with_token(&format!("{tokens}/ci"), &owner).await.json["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s
        .delete_with_token(&format!("/api/v2/users/me/keys/{id}"), &owner)
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(create("ci", hour).await.status, 201);
    // Expired: free too, and the name now finds the new key.
    s.clock.advance(Duration::hours(2));
    let r = s
        .post_with_token(
            tokens,
            &owner,
            json!({"token_name": "ci", "lifetime": hour}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fresh = r.json["key"]
        .as_str()
        .unwrap()
        .split('-')
        .next()
        .unwrap()
        .to_owned();
    let r = s.get_with_token(&format!("{tokens}/ci"), &owner).await;
    assert_eq!(r.json["id"], fresh.as_str());
    // Deleting the expired key leaves the new key's name alone.
    let r = s
        .delete_with_token(&format!("/api/v2/users/me/keys/{id}"), &owner)
        .await;
    assert_eq!(r.status, 404);
    let r = s
        .post_with_token(tokens, &owner, json!({"token_name": "ci"}))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    // A name too long for a store key is the client's mistake.
    let r = s
        .post_with_token(tokens, &owner, json!({"token_name": "n".repeat(3000)}))
        .await;
    assert_eq!((r.status, r.message()), (400, "Failed to create API key."));
}

async fn sessions_have_an_absolute_lifetime(b: Backend) {
    let s = TestServer::start_with(b, |c| c.session_max_lifetime = Duration::days(3)).await;
    let (owner, _, _) = s.owner().await;
    // Used every 12 hours, the 24-hour session keeps sliding, but not past 3 days.
    for _ in 0..5 {
        s.clock.advance(Duration::hours(12));
        let r = s.get_with_token("/api/v2/users/me", &owner).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    s.clock.advance(Duration::hours(12) + Duration::seconds(1));
    let r = s.get_with_token("/api/v2/users/me", &owner).await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert!(r.detail().starts_with("API key expired at"), "{}", r.text);
}

async fn suspension_ends_every_session_for_good(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    let session = s.login(&email, STRONG).await;
    let r = s
        .post_with_token(
            "/api/v2/users/me/keys/tokens",
            &session,
            json!({"token_name": "mine"}),
        )
        .await;
    let token = r.json["key"].as_str().unwrap().to_owned();
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/suspend"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for t in [&session, &token] {
        let r = s.get_with_token("/api/v2/users/me", t).await;
        assert_eq!(r.status, 401);
        assert_eq!(
            r.message(),
            "User is not active (status = \"suspended\"). Contact an admin to reactivate your account."
        );
    }
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/activate"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for t in [&session, &token] {
        let r = s.get_with_token("/api/v2/users/me", t).await;
        assert_eq!((r.status, r.detail()), (401, "API key is invalid."));
    }
    // A new login works, and the ended token no longer holds its name or shows in the list.
    let fresh = s.login(&email, STRONG).await;
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &fresh).await.status,
        200
    );
    let r = s
        .get_with_token("/api/v2/users/me/keys/tokens", &fresh)
        .await;
    assert_eq!(r.json, serde_json::Value::Null, "{}", r.text);
    let r = s
        .post_with_token(
            "/api/v2/users/me/keys/tokens",
            &fresh,
            json!({"token_name": "mine"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// A user-admin administers users, but not owners: no password reset, rename or deletion of
/// an owner (a way to become one).
async fn only_owners_touch_owners(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, owner_id, org) = s.owner().await;
    let (admin_email, admin_id) = s.user(&owner, &org, STRONG).await;
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{admin_id}/roles"),
            &owner,
            json!({"roles": ["user-admin"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, member_id) = s.user(&owner, &org, STRONG).await;
    let admin = s.login(&admin_email, STRONG).await;
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{owner_id}/password"),
            &admin,
            json!({"password": "Taken!Over12345"}),
        )
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Only owners can change the password of an owner.")
    );
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{owner_id}/profile"),
            &admin,
            json!({"username": "not-the-owner"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = s
        .delete_with_token(&format!("/api/v2/users/{owner_id}"), &admin)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    // The owner is untouched; members are the user-admin's to manage.
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &owner).await.status,
        200
    );
    let r = s
        .put_json_with_token(
            &format!("/api/v2/users/{member_id}/password"),
            &admin,
            json!({"password": "Reset!ByAdmin123"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
}

/// Every way of naming oneself in `{user}` shares one password-change bucket.
async fn password_guesses_share_one_bucket(b: Backend) {
    let s = TestServer::start_with(b, |c| c.login_rate_limit = 3).await;
    let (owner, _, org) = s.owner().await;
    let username = gatehouse_tests::unique_username("guess");
    let email = unique_email("guess");
    let r = s
        .post_with_token(
            "/api/v2/users",
            &owner,
            json!({"email": email, "username": username, "password": STRONG, "organization_ids": [org]}),
        )
        .await;
    let id = r.json["id"].as_str().unwrap().to_owned();
    let me = s.login(&email, STRONG).await;
    let wrong = json!({"old_password": "Wrong!pass123", "password": STRONG2});
    for who in ["me".to_owned(), id.clone(), username.to_uppercase()] {
        let r = s
            .put_json_with_token(&format!("/api/v2/users/{who}/password"), &me, wrong.clone())
            .await;
        assert_eq!(r.status, 400, "{who}: {}", r.text);
    }
    let r = s
        .put_json_with_token(&format!("/api/v2/users/{username}/password"), &me, wrong)
        .await;
    assert_eq!(r.status, 429, "{}", r.text);
}

async fn setup_secret_guards_the_first_user(b: Backend) {
    let s = TestServer::start_with(b, |c| c.setup_secret = Some("s3cret-setup".to_owned())).await;
    let body = json!({"email": unique_email("o"), "username": "owner", "password": STRONG});
    let r = s.post("/api/v2/users/first", body.clone()).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let send = |secret: &'static str| {
        let body = body.clone();
        let s = &s;
        async move {
            Reply::from(
                s.http
                    .post(s.url("/api/v2/users/first"))
                    .header("Gatehouse-Setup-Secret", secret)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(send("wrong").await.status, 403);
    assert_eq!(s.get("/api/v2/users/first").await.status, 404);
    let r = send("s3cret-setup").await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn passcode_mails_are_limited_per_account(b: Backend) {
    let s = TestServer::start_with(b, |c| c.otp_mails_per_hour = 2).await;
    let (owner, _, org) = s.owner().await;
    let (email, _) = s.user(&owner, &org, STRONG).await;
    for _ in 0..4 {
        let r = s
            .post("/api/v2/users/otp/request", json!({"email": email}))
            .await;
        assert_eq!((r.status, r.text.as_str()), (204, ""));
    }
    let mails = s.mails_to(&email).await;
    assert_eq!(mails.len(), 2);
    // The pending code is still the second one: later requests could not replace it.
    let code = passcode_in(&mails[1].text);
    let r = s
        .post(
            "/api/v2/users/otp/change-password",
            json!({"email": email, "one_time_passcode": code, "password": STRONG2}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    // The next hour brings a new allowance.
    s.clock.advance(Duration::hours(1));
    s.post("/api/v2/users/otp/request", json!({"email": email}))
        .await;
    assert_eq!(s.mails_to(&email).await.len(), 3);
}

both_stores!(
    huge_passwords_answer_with_coders_verdict,
    common_passwords_are_refused_wherever_set,
    convert_login_converts_only_the_callers_account,
    allow_lists_are_kept_shown_and_enforced,
    token_names_are_free_once_their_key_is_gone,
    sessions_have_an_absolute_lifetime,
    suspension_ends_every_session_for_good,
    setup_secret_guards_the_first_user,
    passcode_mails_are_limited_per_account,
    only_owners_touch_owners,
    password_guesses_share_one_bucket,
);
