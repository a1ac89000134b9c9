//! Barong checklist §11: identity/general, registration, email confirmation, password reset and
//! sessions, over HTTP on both stores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::barong::{
    Client, GOOD, GOOD2, PREFIX, UA, errors, keys, register, sign_in, token_in_mail,
};
use gatehouse_tests::{Backend, TestServer, both_stores, unique_email};
use serde_json::json;

const FULL_INFO_KEYS: [&str; 16] = [
    "email",
    "uid",
    "role",
    "level",
    "otp",
    "state",
    "referral_uid",
    "data",
    "csrf_token",
    "username",
    "labels",
    "phones",
    "profiles",
    "data_storages",
    "created_at",
    "updated_at",
];

async fn general(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Client::new();
    let r = c.get(&s, "/identity/ping").await;
    assert_eq!((r.status, r.text.as_str()), (200, "{\"ping\":\"pong\"}"));
    let r = c.get(&s, "/identity/time").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json["time"].as_i64().unwrap(),
        gatehouse::clock::Clock::now(&*s.clock).timestamp()
    );
    let r = c.get(&s, "/identity/configs").await;
    assert_eq!(
        r.text,
        "{\"session_expire_time\":1800,\"captcha_type\":\"none\",\"phone_verification_type\":\"mock\",\
         \"password_min_entropy\":14,\"password_regexp\":\"(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])\
         (?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)\"}"
    );
    let r = c.get(&s, "/identity/version").await;
    assert_eq!(
        keys(&r.json),
        ["git_tag", "git_sha", "build_date", "version"]
    );
    // Barong's `public` API answers the same facts (P1-P4), and Auth0's tenant.
    for path in ["ping", "configs", "version"] {
        let identity = c.get(&s, &format!("/identity/{path}")).await;
        let public = c.get(&s, &format!("/public/{path}")).await;
        assert_eq!(
            (public.status, &public.text),
            (200, &identity.text),
            "{path}"
        );
    }
    assert_eq!(c.get(&s, "/public/time").await.status, 200);
    let r = c.get(&s, "/public/configs/auth0").await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (200, "{\"auth0_domain\":\"\",\"auth0_client_id\":\"\"}")
    );
    let r = c
        .post(&s, "/public/password/validate", &[("password", "Tecohvi0")])
        .await;
    let identity = c
        .post(
            &s,
            "/identity/password/validate",
            &[("password", "Tecohvi0")],
        )
        .await;
    assert_eq!((r.status, &r.text), (201, &identity.text));
    // Unknown routes and verbs: Grape's 404.
    for (method, path) in [
        (reqwest::Method::GET, "/identity/nothing"),
        (reqwest::Method::PUT, "/identity/ping"),
        (reqwest::Method::GET, "/resource/nothing/here"),
    ] {
        let r = c.send(&s, method, path, &[]).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.text, "{\"error\":\"Route is not found\"}", "{path}");
    }
    // The JWKS verifies what the surface signs.
    let r = c.get(&s, "/identity/jwks").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["keys"][0]["kty"], "RSA");
    assert_eq!(r.json["keys"][0]["alg"], "RS256");
}

async fn password_validate(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Client::new();
    for (password, body) in [
        ("Tecohvi0", "{\"entropy\":15.5}"),
        ("Password1", "{\"entropy\":2}"),
        ("eeC2BiCucxWEQ", "{\"entropy\":21.1875}"),
        ("Gol4aid1", "{\"entropy\":15.0}"),
        ("", "{\"entropy\":-2}"),
        ("correct horse battery staple", "{\"entropy\":35.3515625}"),
    ] {
        let r = c
            .post(&s, "/identity/password/validate", &[("password", password)])
            .await;
        assert_eq!((r.status, r.text.as_str()), (201, body), "{password}");
    }
    // JSON bodies work the same.
    let r = s
        .post(
            &format!("{PREFIX}/identity/password/validate"),
            json!({"password": "Tr0ub4dor&3"}),
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (201, "{\"entropy\":19.625}"));
    let r = c.post(&s, "/identity/password/validate", &[]).await;
    assert_eq!(r.status, 422);
    assert_eq!(errors(&r), ["identity.general.missing_password"]);
}

async fn registration_validation(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Client::new();
    let r = c.post(&s, "/identity/users", &[]).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        errors(&r),
        [
            "identity.user.missing_email",
            "identity.user.empty_email",
            "identity.user.missing_password",
            "identity.user.empty_password"
        ]
    );
    type Form<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(Form, &[&str])] = &[
        (
            &[("email", ""), ("password", GOOD)],
            &["identity.user.empty_email"],
        ),
        (
            &[("email", "bad_format"), ("password", "Password1")],
            &["email.invalid", "password.weak"],
        ),
        (
            &[("email", "a@example.com"), ("password", "password")],
            &["password.requirements"],
        ),
        (
            &[
                ("email", "b@example.com"),
                ("password", GOOD),
                ("refid", "ID1231231231"),
            ],
            &["identity.user.referral_doesnt_exist"],
        ),
        (
            &[
                ("email", "b@example.com"),
                ("password", GOOD),
                ("refid", "UID123"),
            ],
            &["identity.user.invalid_referral_format"],
        ),
        (
            &[
                ("email", "b@example.com"),
                ("password", GOOD),
                ("refid", ""),
            ],
            &["identity.user.invalid_referral_format"],
        ),
        (
            &[
                ("email", "c@example.com"),
                ("password", GOOD),
                ("username", "qwe"),
            ],
            &["username.too_short"],
        ),
        (
            &[
                ("email", "c@example.com"),
                ("password", GOOD),
                ("username", "qwertyuiopasd"),
            ],
            &["username.too_long"],
        ),
        (
            &[
                ("email", "c@example.com"),
                ("password", GOOD),
                ("username", "qwerty@="),
            ],
            &["username.invalid"],
        ),
        (
            &[
                ("email", "c@example.com"),
                ("password", GOOD),
                ("username", ""),
            ],
            &["username.too_short", "username.invalid"],
        ),
        (
            &[
                ("email", "d@example.com"),
                ("password", GOOD),
                ("data", "not json"),
            ],
            &["data.invalid_format"],
        ),
    ];
    for (form, expected) in cases {
        let r = c.post(&s, "/identity/users", form).await;
        assert_eq!(r.status, 422, "{form:?}: {}", r.text);
        assert_eq!(errors(&r), *expected, "{form:?}");
    }
    // Nothing was half-written: none of those emails exists.
    for email in [
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    ] {
        assert!(s.state.store.user_by_email(email).await.unwrap().is_none());
    }
}

async fn registration_succeeds(b: Backend) {
    let s = TestServer::start(b).await;
    let email = unique_email("reg");
    let (mut c, r) = register(&s, &email, GOOD).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(keys(&r.json), FULL_INFO_KEYS);
    assert_eq!(r.json["state"], "pending");
    assert_eq!(r.json["level"], 0);
    assert_eq!(r.json["role"], "member");
    assert_eq!(r.json["otp"], false);
    assert_eq!(r.json["username"], serde_json::Value::Null);
    let uid = r.json["uid"].as_str().unwrap();
    assert!(
        uid.len() == 12
            && uid.starts_with("ID")
            && uid[2..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    );
    assert_eq!(r.json["csrf_token"].as_str().unwrap().len(), 20);
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("_barong_session="))
        .unwrap();
    assert!(cookie.contains("; secure; HttpOnly"), "{cookie}");
    // The pending user's session works at once.
    let me = c.me(&s).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["email"], email.as_str());
    assert!(me.json.get("csrf_token").is_none());
    // Each use re-sends the cookie for another 24 hours, as Rack does.
    assert!(
        me.set_cookies()
            .iter()
            .any(|c| c.starts_with("_barong_session="))
    );
    // Each use re-sends the cookie for another 24 hours, as Rack does.
    assert!(
        me.set_cookies()
            .iter()
            .any(|c| c.starts_with("_barong_session="))
    );
    // A confirmation link was mailed.
    let token = token_in_mail(&s, &email, "confirmation_token=")
        .await
        .unwrap();
    assert_eq!(token.split('.').count(), 3);
    // Barong's templates end the link with `lang=en` (moto keeps the HTML part, escaped).
    let mails = s.mails_to(&email).await;
    let mailed = &mails.last().unwrap().text;
    assert!(
        [
            format!("confirmation_token={token}&lang=en"),
            format!("confirmation_token={token}&amp;lang=en")
        ]
        .iter()
        .any(|link| mailed.contains(link)),
        "{mailed}"
    );
    // Duplicates: email, and usernames in any case.
    let (_, r) = register(&s, &email, GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["email.taken".to_owned()])
    );
    let mut c = Client::new();
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &unique_email("n1")),
                ("password", GOOD),
                ("username", "NICK"),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["username"], "nick");
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &unique_email("n2")),
                ("password", GOOD),
                ("username", "nick"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        errors(&r).contains(&"username.taken".to_owned()),
        "{}",
        r.text
    );
    // Data and referral are kept.
    let r = c
        .post(
            &s,
            "/identity/users",
            &[
                ("email", &unique_email("d")),
                ("password", GOOD),
                ("data", "{\"language\":\"en\"}"),
                ("refid", uid),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["data"], "{\"language\":\"en\"}");
    assert_eq!(r.json["referral_uid"], uid);
}

async fn first_registration_is_superadmin(b: Backend) {
    let s = TestServer::start_with(b, |s| s.barong.first_registration_superadmin = true).await;
    let email = unique_email("first");
    let (_, r) = register(&s, &email, GOOD).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(keys(&r.json), FULL_INFO_KEYS);
    assert_eq!(r.json["role"], "superadmin");
    assert_eq!(r.json["state"], "active");
    assert_eq!(r.json["level"], 1);
    let labels = r.json["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 1);
    assert_eq!(
        (
            labels[0]["key"].as_str(),
            labels[0]["value"].as_str(),
            labels[0]["scope"].as_str()
        ),
        (Some("email"), Some("verified"), Some("private"))
    );
    assert!(s.mails_to(&email).await.is_empty(), "no confirmation mail");
    // It is the deployment's first user on the Coder surface too: an owner.
    assert_eq!(s.get("/api/v2/users/first").await.status, 200);
    let again = s
        .post(
            "/api/v2/users/first",
            json!({"email": unique_email("late"), "username": "late", "password": gatehouse_tests::STRONG}),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    let token = s.login(&email, GOOD).await;
    let me = s.get_with_token("/api/v2/users/me", &token).await;
    assert!(me.text.contains("\"owner\""), "{}", me.text);
    // The second is a pending member.
    let (_, r) = register(&s, &unique_email("second"), GOOD).await;
    assert_eq!(
        (r.json["role"].as_str(), r.json["state"].as_str()),
        (Some("member"), Some("pending"))
    );
}

async fn email_confirmation(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Client::new();
    let unknown = unique_email("nobody");
    let r = c
        .post(
            &s,
            "/identity/users/email/generate_code",
            &[("email", &unknown)],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"));
    assert!(s.mails_to(&unknown).await.is_empty());
    let r = c.post(&s, "/identity/users/email/confirm_code", &[]).await;
    assert_eq!(
        errors(&r),
        ["identity.user.missing_token", "identity.user.empty_token"]
    );
    let r = c
        .post(
            &s,
            "/identity/users/email/confirm_code",
            &[("token", "invalid token")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["jwt.decode_and_verify.segments".to_owned()])
    );

    let email = unique_email("confirm");
    register(&s, &email, GOOD).await;
    let r = c
        .post(
            &s,
            "/identity/users/email/generate_code",
            &[("email", &email)],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"));
    assert_eq!(s.mails_to(&email).await.len(), 2);
    let token = token_in_mail(&s, &email, "confirmation_token=")
        .await
        .unwrap();
    let mut fresh = Client::new();
    let r = fresh
        .post(
            &s,
            "/identity/users/email/confirm_code",
            &[("token", &token)],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(keys(&r.json), FULL_INFO_KEYS);
    assert_eq!(
        (r.json["state"].as_str(), r.json["level"].as_u64()),
        (Some("active"), Some(1))
    );
    assert_eq!(fresh.me(&s).await.status, 200);
    // Active now: no more mail, and the token is refused.
    let r = c
        .post(
            &s,
            "/identity/users/email/generate_code",
            &[("email", &email)],
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(s.mails_to(&email).await.len(), 2);
    let r = c
        .post(
            &s,
            "/identity/users/email/confirm_code",
            &[("token", &token)],
        )
        .await;
    assert_eq!(errors(&r), ["identity.user.active_or_doesnt_exist"]);
    // Back to pending: the used token is still refused, as used.
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    gatehouse::store::update_user_with(&*s.state.store, user, |u| {
        u.labels.clear();
        u.apply_label_rules();
        Ok::<(), gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    let r = c
        .post(
            &s,
            "/identity/users/email/confirm_code",
            &[("token", &token)],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["identity.user.utilized_token".to_owned()])
    );
    // An unused token after its hour: expired.
    c.post(
        &s,
        "/identity/users/email/generate_code",
        &[("email", &email)],
    )
    .await;
    let token = token_in_mail(&s, &email, "confirmation_token=")
        .await
        .unwrap();
    s.clock.advance(chrono::Duration::seconds(3610));
    let r = c
        .post(
            &s,
            "/identity/users/email/confirm_code",
            &[("token", &token)],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["jwt.decode_and_verify.expired".to_owned()])
    );
}

async fn password_reset(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Client::new();
    let r = c
        .post(
            &s,
            "/identity/users/password/generate_code",
            &[("email", &unique_email("x"))],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"));
    let r = c
        .post(
            &s,
            "/identity/users/password/confirm_code",
            &[
                ("reset_password_token", ""),
                ("password", ""),
                ("confirm_password", ""),
            ],
        )
        .await;
    assert_eq!(
        errors(&r),
        [
            "identity.user.empty_reset_password_token",
            "identity.user.empty_password",
            "identity.user.empty_confirm_password"
        ]
    );
    let r = c
        .post(&s, "/identity/users/password/confirm_code", &[])
        .await;
    assert_eq!(
        errors(&r),
        [
            "identity.user.missing_pass_token",
            "identity.user.empty_reset_password_token",
            "identity.user.missing_password",
            "identity.user.empty_password",
            "identity.user.missing_confirm_password",
            "identity.user.empty_confirm_password"
        ]
    );
    let confirm = |token: String, password: &'static str, confirmation: &'static str| {
        let s = &s;
        async move {
            Client::new()
                .post(
                    s,
                    "/identity/users/password/confirm_code",
                    &[
                        ("reset_password_token", &token),
                        ("password", password),
                        ("confirm_password", confirmation),
                    ],
                )
                .await
        }
    };
    let r = confirm("invalid".to_owned(), GOOD2, GOOD2).await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, vec!["jwt.decode_and_verify.segments".to_owned()])
    );

    let email = unique_email("reset");
    let (mut old_session, _) = register(&s, &email, GOOD).await;
    let coder_session = s.login(&email, GOOD).await;
    c.post(
        &s,
        "/identity/users/password/generate_code",
        &[("email", &email)],
    )
    .await;
    let first = token_in_mail(&s, &email, "reset_token=").await.unwrap();
    c.post(
        &s,
        "/identity/users/password/generate_code",
        &[("email", &email)],
    )
    .await;
    let latest = token_in_mail(&s, &email, "reset_token=").await.unwrap();
    assert_ne!(first, latest);
    let r = confirm(latest.clone(), GOOD2, "Different1x").await;
    assert_eq!(errors(&r), ["identity.user.passwords_doesnt_match"]);
    let r = confirm(latest.clone(), "Simple", "Simple").await;
    assert_eq!(errors(&r), ["password.requirements"]);
    let r = confirm(first, GOOD2, GOOD2).await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (422, "{\"errors\":[\"identity.user.utilized_token\"]}")
    );
    let r = confirm(latest.clone(), GOOD2, GOOD2).await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"));
    // Every session ended, on both surfaces; the new password works on both.
    assert_eq!(old_session.me(&s).await.status, 401);
    assert_eq!(
        s.get_with_token("/api/v2/users/me", &coder_session)
            .await
            .status,
        401
    );
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(r.status, 401);
    let (_, r) = sign_in(&s, &email, GOOD2).await;
    assert_eq!(r.status, 200, "{}", r.text);
    s.login(&email, GOOD2).await;
    // Single use.
    let r = confirm(latest, GOOD, GOOD).await;
    assert_eq!(errors(&r), ["identity.user.utilized_token"]);
    // Expired.
    c.post(
        &s,
        "/identity/users/password/generate_code",
        &[("email", &email)],
    )
    .await;
    let token = token_in_mail(&s, &email, "reset_token=").await.unwrap();
    s.clock.advance(chrono::Duration::seconds(3610));
    let r = confirm(token, GOOD, GOOD).await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (422, "{\"errors\":[\"jwt.decode_and_verify.expired\"]}")
    );
}

async fn sessions(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Client::new();
    let r = c.post(&s, "/identity/sessions", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            vec![
                "identity.session.missing_email".to_owned(),
                "identity.session.missing_password".to_owned()
            ]
        )
    );
    let r = c
        .post(&s, "/identity/sessions", &[("email", "a@b.co")])
        .await;
    assert_eq!(errors(&r), ["identity.session.missing_password"]);
    let email = unique_email("sess");
    register(&s, &email, GOOD).await;
    for password in ["WrongPassword1", ""] {
        let (_, r) = sign_in(&s, &email, password).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, vec!["identity.session.invalid_params".to_owned()])
        );
    }
    let (_, r) = sign_in(&s, &unique_email("unknown"), GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["identity.session.invalid_params".to_owned()])
    );
    // Pending users sign in.
    let (mut c, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(keys(&r.json), FULL_INFO_KEYS);
    assert_eq!(c.me(&s).await.status, 200);
    // Another User-Agent ends the session, for the original one too.
    let mut other = c.clone();
    other.user_agent = Some("something else".to_owned());
    let r = other.me(&s).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["authz.client_session_mismatch".to_owned()])
    );
    let r = c.me(&s).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, vec!["authz.invalid_session".to_owned()])
    );
    // Another network ends it too.
    let (c2, _) = sign_in(&s, &email, GOOD).await;
    let moved = gatehouse::auth::barong::session::authenticate(
        &s.state,
        c2.cookie.as_deref(),
        "128.0.0.12".parse().unwrap(),
        UA,
    )
    .await;
    assert!(matches!(
        moved,
        Err(gatehouse::auth::barong::session::CookieError::ClientSessionMismatch)
    ));
    // Sliding renewal: kept alive by use, ended by idleness.
    let (mut c, _) = sign_in(&s, &email, GOOD).await;
    for _ in 0..30 {
        s.clock.advance(chrono::Duration::seconds(1500));
        assert_eq!(c.me(&s).await.status, 200);
    }
    s.clock.advance(chrono::Duration::seconds(2400));
    assert_eq!(c.me(&s).await.status, 401);
    // Logout.
    let mut nobody = Client::new();
    let r = nobody
        .send(&s, reqwest::Method::DELETE, "/identity/sessions", &[])
        .await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (404, "{\"errors\":[\"identity.session.not_found\"]}")
    );
    let (mut c, _) = sign_in(&s, &email, GOOD).await;
    let r = c
        .send(&s, reqwest::Method::DELETE, "/identity/sessions", &[])
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "200"));
    assert!(r.set_cookies().iter().any(|c| c.contains("barong_session")));
    let r = c.me(&s).await;
    assert_eq!(r.status, 401);
    // No cookie at all.
    let r = Client::new().me(&s).await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (401, "{\"errors\":[\"jwt.decode_and_verify\"]}")
    );
}

async fn states_refuse_sign_in(b: Backend) {
    let s = TestServer::start(b).await;
    for (label, expected) in [
        ("ban", "identity.session.banned"),
        ("lock", "identity.session.not_active"),
        ("delete", "identity.session.deleted"),
    ] {
        let email = unique_email(label);
        let (mut session, _) = register(&s, &email, GOOD).await;
        let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
        gatehouse::store::update_user_with(&*s.state.store, user, |u| {
            u.set_private_label(label, "yes", chrono::Utc::now());
            Ok::<(), gatehouse::store::StoreError>(())
        })
        .await
        .unwrap();
        let (_, r) = sign_in(&s, &email, GOOD).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, vec![expected.to_owned()]),
            "{label}"
        );
        let r = session.me(&s).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, vec!["authz.user_not_active".to_owned()]),
            "{label}"
        );
        // And on the Coder surface.
        let r = s
            .post(
                "/api/v2/users/login",
                json!({"email": email, "password": GOOD}),
            )
            .await;
        assert_eq!(r.status, 401, "{label}: {}", r.text);
    }
}

async fn bad_input(b: Backend) {
    let s = TestServer::start(b).await;
    let url = s.url(&format!("{PREFIX}/identity/users"));
    // Malformed JSON, invalid UTF-8 and huge fields: Barong's error shape, never a 500.
    let sends = [
        ("application/json", b"{\"email\":".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"email=%FF%FE&password=\xff".to_vec(),
        ),
        ("application/json", b"[1,2,3]".to_vec()),
        ("text/plain", b"email=a@b.co&password=x".to_vec()),
        (
            "application/x-www-form-urlencoded",
            format!("email={}&password={}", "a".repeat(200_000), GOOD).into_bytes(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"email[]=a&email[]=b&password[x]=1".to_vec(),
        ),
    ];
    for (content_type, body) in sends {
        let r = s
            .http
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let r = gatehouse_tests::Reply::from(r).await;
        assert!(
            r.status >= 400 && r.status < 500,
            "{content_type}: {} {}",
            r.status,
            r.text
        );
        assert!(r.json["errors"].is_array(), "{content_type}: {}", r.text);
    }
    assert!(s.state.store.list_users().await.unwrap().is_empty());
}

async fn forged_tokens(b: Backend) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let s = TestServer::start(b).await;
    let email = unique_email("forged");
    let (_, r) = register(&s, &email, GOOD).await;
    let uid = r.json["uid"].as_str().unwrap().to_owned();
    let now = gatehouse::clock::Clock::now(&*s.clock);
    let mut payload = serde_json::Map::new();
    payload.insert("email".into(), json!(email));
    payload.insert("uid".into(), json!(uid));
    let other_key =
        gatehouse::jwt::SigningKey::from_pem(gatehouse_tests::barong::AUTH0_KEY_PEM).unwrap();
    let other = other_key.encode(
        "confirmation",
        payload.clone(),
        now,
        chrono::Duration::hours(1),
    );
    let real = s.state.barong_jwt_key().await.unwrap();
    let wrong_subject = real.encode("reset", payload.clone(), now, chrono::Duration::hours(1));
    let genuine = real.encode("confirmation", payload, now, chrono::Duration::hours(1));
    let claims = genuine.split('.').nth(1).unwrap();
    let none = format!("{}.{claims}.", URL_SAFE_NO_PAD.encode("{\"alg\":\"none\"}"));
    let hs256 = format!(
        "{}.{claims}.c2ln",
        URL_SAFE_NO_PAD.encode("{\"alg\":\"HS256\"}")
    );
    let mut c = Client::new();
    for (token, key) in [
        (other, "jwt.decode_and_verify.raised"),
        (wrong_subject, "jwt.decode_and_verify.reset"),
        // Ruby's split drops the empty signature: two segments.
        (none.clone(), "jwt.decode_and_verify.segments"),
        (format!("{none}c2ln"), "jwt.decode_and_verify.algorithm"),
        (hs256, "jwt.decode_and_verify.algorithm"),
        ("a.b".to_owned(), "jwt.decode_and_verify.segments"),
        ("!!!.@@@.###".to_owned(), "jwt.decode_and_verify.encoding"),
        ("x".repeat(100_000), "jwt.decode_and_verify.segments"),
    ] {
        let r = c
            .post(
                &s,
                "/identity/users/email/confirm_code",
                &[("token", &token)],
            )
            .await;
        assert_eq!(
            (r.status, errors(&r)),
            (422, vec![key.to_owned()]),
            "{}",
            &token[..token.len().min(40)]
        );
    }
    // Nothing was confirmed.
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(user.barong_state, gatehouse::model::BarongState::Pending);
    // The genuine one works.
    let r = c
        .post(
            &s,
            "/identity/users/email/confirm_code",
            &[("token", &genuine)],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// Barong's own reset specs mint `{sub: reset, email, uid}` with the deployment's key and no
/// `reset_token`: accepted while no link is pending, once.
async fn reset_token_without_claim(b: Backend) {
    let s = TestServer::start(b).await;
    let email = unique_email("minted");
    let (_, r) = register(&s, &email, GOOD).await;
    let mut payload = serde_json::Map::new();
    payload.insert("email".into(), json!(email));
    payload.insert("uid".into(), r.json["uid"].clone());
    let key = s.state.barong_jwt_key().await.unwrap();
    let now = gatehouse::clock::Clock::now(&*s.clock);
    let token = key.encode("reset", payload, now, chrono::Duration::hours(1));
    let mut c = Client::new();
    let weak = [
        ("reset_password_token", token.as_str()),
        ("password", "Simple"),
        ("confirm_password", "Simple"),
    ];
    let r = c
        .post(&s, "/identity/users/password/confirm_code", &weak)
        .await;
    assert_eq!(errors(&r), ["password.requirements"]);
    let good = [
        ("reset_password_token", token.as_str()),
        ("password", GOOD2),
        ("confirm_password", GOOD2),
    ];
    let r = c
        .post(&s, "/identity/users/password/confirm_code", &good)
        .await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"));
    let r = c
        .post(&s, "/identity/users/password/confirm_code", &good)
        .await;
    assert_eq!(errors(&r), ["identity.user.utilized_token"]);
}

async fn cors(b: Backend) {
    let s = TestServer::start(b).await;
    let url = s.url(&format!("{PREFIX}/identity/sessions"));
    let r = s
        .http
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "x-csrf-token, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert!(
        h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PATCH")
    );
    assert_eq!(
        h["access-control-allow-headers"],
        "x-csrf-token, content-type"
    );
    assert_eq!(h["access-control-max-age"], "3600");
    let r = s
        .http
        .get(s.url(&format!("{PREFIX}/identity/ping")))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
}

both_stores!(
    general,
    password_validate,
    registration_validation,
    registration_succeeds,
    first_registration_is_superadmin,
    email_confirmation,
    password_reset,
    sessions,
    states_refuse_sign_in,
    bad_input,
    forged_tokens,
    reset_token_without_claim,
    cors,
);
