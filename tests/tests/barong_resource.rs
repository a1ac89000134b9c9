//! §11's resource checklist over HTTP on both stores: the account, 2FA with codes computed
//! here, API keys and signed requests, service accounts, data storage, labels.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::barong::{
    Client, GOOD, GOOD2, create_api_key, enable_2fa, errors, keys, next_code, sign_in, signed, totp,
};
use gatehouse_tests::{Backend, STRONG, TestServer, both_stores};
use reqwest::Method;

fn e(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| (*k).to_owned()).collect()
}

/// A registered, signed-in Barong user whose email is confirmed (so `active`).
async fn member(s: &TestServer) -> (Client, String) {
    gatehouse_tests::barong::confirmed_member(s, "res").await
}

async fn me_and_data(b: Backend) {
    let s = TestServer::start(b).await;
    let mut nobody = Client::new();
    let r = nobody.me(&s).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["jwt.decode_and_verify"])));
    let (mut c, email) = member(&s).await;
    let r = c.me(&s).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["email"], email.as_str());
    assert!(r.json.get("csrf_token").is_none());
    assert!(
        r.set_cookies()
            .iter()
            .any(|c| c.starts_with("_barong_session="))
    );

    let r = c
        .send(
            &s,
            Method::PUT,
            "/resource/users/me",
            &[("data", r#"{"bar":"baz"}"#)],
        )
        .await;
    assert_eq!(
        (r.status, r.json["data"].as_str()),
        (200, Some(r#"{"bar":"baz"}"#)),
        "{}",
        r.text
    );
    let r = c
        .send(
            &s,
            Method::PUT,
            "/resource/users/me",
            &[("data", "random string")],
        )
        .await;
    assert_eq!((r.status, errors(&r)), (422, e(&["data.invalid_format"])));
    // `User` allows 1024 characters of data, as at registration (data storage allows 5120).
    let long = format!("\"{}\"", "a".repeat(1023));
    let r = c
        .send(&s, Method::PUT, "/resource/users/me", &[("data", &long)])
        .await;
    assert_eq!((r.status, errors(&r)), (422, e(&["data.too_long"])));
    let r = c.send(&s, Method::PUT, "/resource/users/me", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&["resource.user.missing_data", "resource.user.empty_data"])
        )
    );
    assert_eq!(c.me(&s).await.json["data"], r#"{"bar":"baz"}"#);
}

/// A mutating cookie request needs the session's CSRF token; reads do not.
async fn csrf_on_cookie_requests(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, _) = member(&s).await;
    let token = c.csrf.take();
    let r = c
        .send(&s, Method::PUT, "/resource/users/me", &[("data", "{}")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.missing_csrf_token"]))
    );
    c.csrf = Some("0123456789abcdef0123".into());
    let r = c
        .send(&s, Method::PUT, "/resource/users/me", &[("data", "{}")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.csrf_token_mismatch"]))
    );
    c.csrf = None;
    assert_eq!(c.me(&s).await.status, 200);
    c.csrf = token;
    let r = c
        .send(&s, Method::PUT, "/resource/users/me", &[("data", "{}")])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // An unknown session with a CSRF token is a mismatch, as in Barong.
    let mut stranger = Client {
        cookie: Some("0".repeat(32)),
        csrf: Some("x".into()),
        ..Client::new()
    };
    let r = stranger
        .send(&s, Method::PUT, "/resource/users/me", &[("data", "{}")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.csrf_token_mismatch"]))
    );
    stranger.csrf = None;
    let r = stranger.me(&s).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.invalid_session"])));
}

async fn password_change(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, email) = member(&s).await;
    let put = |c: &mut Client, old: &str, new: &str, confirm: &str| {
        let (old, new, confirm) = (old.to_owned(), new.to_owned(), confirm.to_owned());
        let s = &s;
        let mut c = c.clone();
        async move {
            c.send(
                s,
                Method::PUT,
                "/resource/users/password",
                &[
                    ("old_password", &old),
                    ("new_password", &new),
                    ("confirm_password", &confirm),
                ],
            )
            .await
        }
    };
    let r = put(&mut c, "", "", "").await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&[
                "resource.user.empty_old_password",
                "resource.user.empty_new_password",
                "resource.user.empty_confirm_password"
            ])
        )
    );
    let r = put(&mut c, "Wrong0ne!x", GOOD2, GOOD2).await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.password.prev_pass_not_correct"]))
    );
    let r = put(&mut c, GOOD, GOOD2, "Other1Pass!").await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.password.doesnt_match"]))
    );
    let r = put(&mut c, GOOD, GOOD, GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.password.no_change_provided"]))
    );
    let r = put(&mut c, GOOD, "Simple", "Simple").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["password.requirements"])));
    let r = put(&mut c, GOOD, GOOD2, GOOD2).await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"));
    // The session that changed it carries on; the new password signs in on both surfaces.
    assert_eq!(c.me(&s).await.status, 200);
    assert_eq!(sign_in(&s, &email, GOOD2).await.1.status, 200);
    assert_eq!(sign_in(&s, &email, GOOD).await.1.status, 401);
    s.login(&email, GOOD2).await;
}

async fn two_factor(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, email) = member(&s).await;
    let r = c
        .post(&s, "/resource/otp/disable", &[("code", "123456")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.otp.not_enabled"]))
    );
    let r = c
        .post(&s, "/resource/otp/verify", &[("code", "123456")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.otp.already_enabled"]))
    );
    let r = c.post(&s, "/resource/otp/enable", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&["resource.otp.missing_code", "resource.otp.empty_code"])
        )
    );

    let r = c.post(&s, "/resource/otp/generate_qrcode", &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        keys(&r.json),
        [
            "auth",
            "data",
            "metadata",
            "lease_duration",
            "lease_id",
            "renewable",
            "warnings",
            "wrap_info"
        ]
    );
    let url = r.json["data"]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "otpauth://totp/Barong:{email}?algorithm=SHA1&digits=6&issuer=Barong&period=30&secret="
        )),
        "{url}"
    );
    let barcode = r.json["data"]["barcode"].as_str().unwrap();
    assert!(barcode.starts_with("iVBORw0KGgo"), "a base64 PNG");
    let secret = gatehouse_tests::barong::otp_secret(url);

    let r = c
        .post(&s, "/resource/otp/enable", &[("code", "000000")])
        .await;
    let wrong = if totp(&secret, gatehouse::clock::Clock::now(&*s.clock).timestamp()) == "000000" {
        201
    } else {
        422
    };
    assert_eq!(r.status, wrong);
    assert_eq!(c.me(&s).await.json["otp"], false);
    let code = next_code(&s, &secret);
    let r = c.post(&s, "/resource/otp/enable", &[("code", &code)]).await;
    assert_eq!((r.status, r.text.as_str()), (201, "200"), "{}", r.text);
    let me = c.me(&s).await;
    assert_eq!(me.status, 200, "the session that enabled 2FA carries on");
    assert_eq!(me.json["otp"], true);
    assert!(
        me.json["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["key"] == "otp" && l["value"] == "enabled" && l["scope"] == "private")
    );
    let r = c.post(&s, "/resource/otp/generate_qrcode", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.otp.already_enabled"]))
    );

    // A code is good once.
    let code = next_code(&s, &secret);
    let r = c.post(&s, "/resource/otp/verify", &[("code", &code)]).await;
    assert_eq!((r.status, r.text.as_str()), (201, "null"));
    let r = c.post(&s, "/resource/otp/verify", &[("code", &code)]).await;
    assert_eq!((r.status, errors(&r)), (422, e(&["totp.error"])));

    // Sign-in now asks for the code.
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["identity.session.missing_otp"]))
    );
    let mut other = Client::new();
    let r = other
        .post(
            &s,
            "/identity/sessions",
            &[("email", &email), ("password", GOOD), ("otp_code", "12")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (403, e(&["identity.session.invalid_otp"]))
    );
    let code = next_code(&s, &secret);
    let r = other
        .post(
            &s,
            "/identity/sessions",
            &[("email", &email), ("password", GOOD), ("otp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let r = c.post(&s, "/resource/otp/disable", &[("code", "99")]).await;
    assert_eq!((r.status, errors(&r)), (422, e(&["resource.otp.invalid"])));
    let code = next_code(&s, &secret);
    let r = c
        .post(&s, "/resource/otp/disable", &[("code", &code)])
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "200"), "{}", r.text);
    let me = c.me(&s).await;
    assert_eq!(me.json["otp"], false);
    assert!(
        !me.json["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["key"] == "otp")
    );
}

async fn api_keys_crud(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, _) = member(&s).await;
    let r = c
        .post(
            &s,
            "/resource/api_keys",
            &[("algorithm", "HS256"), ("totp_code", "123456")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.api_key.2fa_disabled"]))
    );
    let otp = enable_2fa(&s, &mut c).await;
    let r = c
        .post(&s, "/resource/api_keys", &[("algorithm", "HS256")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&[
                "resource.api_key.missing_totp",
                "resource.apikey.empty_totp_code"
            ])
        )
    );
    let r = c
        .post(
            &s,
            "/resource/api_keys",
            &[("algorithm", "HS256"), ("totp_code", "12")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.api_key.invalid_totp"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .post(
            &s,
            "/resource/api_keys",
            &[("algorithm", "kek"), ("totp_code", &code)],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["kid.blank", "algorithm.inclusion"]))
    );

    let code = next_code(&s, &otp);
    let r = c
        .post(
            &s,
            "/resource/api_keys",
            &[
                ("algorithm", "HS256"),
                ("scope", "trade"),
                ("totp_code", &code),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        keys(&r.json),
        [
            "kid",
            "algorithm",
            "scope",
            "state",
            "secret",
            "created_at",
            "updated_at"
        ]
    );
    let kid = r.json["kid"].as_str().unwrap().to_owned();
    assert!(
        kid.len() == 16
            && kid
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let secret = r.json["secret"].as_str().unwrap();
    assert!(secret.len() == 32 && secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        (r.json["state"].as_str(), r.json["scope"].clone()),
        (Some("active"), serde_json::json!(["trade"]))
    );
    let (kid2, _) = create_api_key(&s, &mut c, &otp).await;

    let r = c.get(&s, "/resource/api_keys").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = r.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["kid"], kid.as_str());
    assert!(list.iter().all(|k| k.get("secret").is_none()));
    assert_eq!(r.headers["total"], "2");
    assert_eq!(r.headers["page"], "1");
    assert_eq!(r.headers["per-page"], "100");
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/api_keys",
            &[("ordering", "desc")],
        )
        .await;
    assert_eq!(r.json[0]["kid"], kid2.as_str());
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/api_keys",
            &[("limit", "1"), ("page", "2")],
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    assert_eq!(r.json[0]["kid"], kid2.as_str());
    assert!(r.headers["link"].to_str().unwrap().contains("rel=\"prev\""));
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/api_keys",
            &[("ordering", "resc")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.api_key.invalid_ordering"]))
    );
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/api_keys",
            &[("order_by", "invalid")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.api_key.invalid_attribute"]))
    );
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/api_keys",
            &[("limit", "0"), ("page", "x")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            // Grape checks the values of a value it could not coerce too.
            e(&["non_integer_page", "non_positive_page", "invalid_limit"])
        )
    );

    // Update and delete declare `totp_code` without a message, and blank values fail Grape's
    // `allow_blank: false` before any code is checked.
    let key_path = format!("/resource/api_keys/{kid}");
    for method in [Method::PATCH, Method::DELETE] {
        let r = c.send(&s, method.clone(), &key_path, &[]).await;
        assert_eq!(
            (r.status, errors(&r)),
            (
                422,
                e(&[
                    "resource.apikey.missing_totp_code",
                    "resource.apikey.empty_totp_code"
                ])
            ),
            "{method}"
        );
    }
    let r = c
        .send(
            &s,
            Method::PATCH,
            &key_path,
            &[("state", " "), ("scope", ""), ("totp_code", "")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&[
                "resource.apikey.empty_scope",
                "resource.apikey.empty_state",
                "resource.apikey.empty_totp_code"
            ])
        )
    );
    let r = c
        .send(&s, Method::DELETE, &key_path, &[("totp_code", "")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.apikey.empty_totp_code"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PATCH,
            &format!("/resource/api_keys/{kid}"),
            &[("state", "inactive"), ("totp_code", &code)],
        )
        .await;
    assert_eq!(
        (r.status, r.json["state"].as_str()),
        (200, Some("inactive")),
        "{}",
        r.text
    );
    assert_eq!(
        r.json["scope"],
        serde_json::json!([]),
        "omitting scope stores []"
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PATCH,
            &format!("/resource/api_keys/{kid}"),
            &[("scope", "sell"), ("totp_code", &code)],
        )
        .await;
    assert_eq!(r.json["scope"], serde_json::json!(["sell"]));
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PATCH,
            "/resource/api_keys/0000000000000000",
            &[("totp_code", &code)],
        )
        .await;
    assert_eq!((r.status, errors(&r)), (404, e(&["record.not_found"])));
    let r = c
        .send(
            &s,
            Method::DELETE,
            &format!("/resource/api_keys/{kid}"),
            &[("totp_code", "1")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.api_key.invalid_totp"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::DELETE,
            &format!("/resource/api_keys/{kid}"),
            &[("totp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        c.get(&s, "/resource/api_keys")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Another user sees none of them and cannot touch them.
    let (mut other, _) = member(&s).await;
    let other_otp = enable_2fa(&s, &mut other).await;
    assert_eq!(
        other.get(&s, "/resource/api_keys").await.json,
        serde_json::json!([])
    );
    let code = next_code(&s, &other_otp);
    let r = other
        .send(
            &s,
            Method::DELETE,
            &format!("/resource/api_keys/{kid2}"),
            &[("totp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 404);
}

/// §11's authz checklist for API keys, on a resource route.
async fn signed_requests(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, email) = member(&s).await;
    let otp = enable_2fa(&s, &mut c).await;
    let (kid, secret) = create_api_key(&s, &mut c, &otp).await;
    let now = || gatehouse::clock::Clock::now(&*s.clock).timestamp_millis();

    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, r.json["email"].as_str()),
        (200, Some(email.as_str())),
        "{}",
        r.text
    );
    // No CSRF token is needed with a key.
    s.clock.advance(chrono::Duration::milliseconds(1));
    let r = signed(&s, Method::PUT, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&["resource.user.missing_data", "resource.user.empty_data"])
        )
    );

    // A replay inside the window is refused.
    s.clock.advance(chrono::Duration::milliseconds(1));
    let nonce = now().to_string();
    let r = signed(
        &s,
        Method::GET,
        "/resource/users/me",
        &kid,
        &secret,
        Some(&nonce),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = signed(
        &s,
        Method::GET,
        "/resource/users/me",
        &kid,
        &secret,
        Some(&nonce),
    )
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.nonce_already_used"]))
    );

    for n in ["nonce", "0", "-5"] {
        let r = signed(
            &s,
            Method::GET,
            "/resource/users/me",
            &kid,
            &secret,
            Some(n),
        )
        .await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.nonce_not_valid_timestamp"])),
            "{n}"
        );
    }
    for n in [now() - 10_000, now() + 10_000, i64::MAX] {
        let r = signed(
            &s,
            Method::GET,
            "/resource/users/me",
            &kid,
            &secret,
            Some(&n.to_string()),
        )
        .await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.nonce_expired"])),
            "{n}"
        );
    }
    let huge = "9".repeat(4000);
    let r = signed(
        &s,
        Method::GET,
        "/resource/users/me",
        &kid,
        &secret,
        Some(&huge),
    )
    .await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.nonce_expired"])));

    let send = |headers: Vec<(&'static str, String)>| {
        let s = &s;
        async move {
            let mut req = s.http.get(s.url("/api/v2/auth/resource/users/me"));
            for (k, v) in headers {
                req = req.header(k, v);
            }
            gatehouse_tests::Reply::from(req.send().await.unwrap()).await
        }
    };
    let nonce = now().to_string();
    let r = send(vec![
        ("x-auth-apikey", kid.clone()),
        ("x-auth-nonce", nonce.clone()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["authz.invalid_api_key_headers"]))
    );
    let r = send(vec![
        ("x-auth-apikey", kid.clone()),
        ("x-auth-nonce", nonce.clone()),
        ("x-auth-signature", " ".into()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["authz.invalid_api_key_headers"]))
    );
    let r = send(vec![
        ("x-auth-apikey", kid.clone()),
        ("x-auth-apikey", kid.clone()),
        ("x-auth-nonce", nonce.clone()),
        ("x-auth-signature", "ab".into()),
    ])
    .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["authz.invalid_api_key_headers"]))
    );
    for sig in [
        "garbage".to_owned(),
        "a".repeat(64),
        "é".into(),
        gatehouse_tests::barong::sign(&secret, &nonce, &kid).to_uppercase(),
    ] {
        let r = send(vec![
            ("x-auth-apikey", kid.clone()),
            ("x-auth-nonce", nonce.clone()),
            ("x-auth-signature", sig.clone()),
        ])
        .await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.invalid_signature"])),
            "{sig}"
        );
    }
    for unknown in [
        "0000000000000000",
        "nothex",
        "'; DROP TABLE--",
        &"f".repeat(5000),
    ] {
        let r = send(vec![
            ("x-auth-apikey", unknown.to_owned()),
            ("x-auth-nonce", nonce.clone()),
            ("x-auth-signature", "ab".into()),
        ])
        .await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["authz.unexistent_apikey"])),
            "{unknown}"
        );
    }

    // Deactivated by its holder.
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PATCH,
            &format!("/resource/api_keys/{kid}"),
            &[("state", "disabled"), ("totp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PATCH,
            &format!("/resource/api_keys/{kid}"),
            &[("state", "active"), ("totp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(r.status, 200);

    // Turning 2FA off deactivates every key at once, and turning it on again revives none.
    let code = next_code(&s, &otp);
    assert_eq!(
        c.post(&s, "/resource/otp/disable", &[("code", &code)])
            .await
            .status,
        200
    );
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );
    let otp = enable_2fa(&s, &mut c).await;
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );
    let listed = c.get(&s, "/resource/api_keys").await;
    assert_eq!(listed.json[0]["state"], "inactive");
    let _ = otp;
}

/// A key stops working the moment its user is suspended on the Coder surface.
async fn coder_suspension_stops_keys(b: Backend) {
    let s = TestServer::start(b).await;
    let (owner, _, org) = s.owner().await;
    let (email, id) = s.user(&owner, &org, STRONG).await;
    // Confirm the email so the account is active on Barong, then sign in there.
    let user = s.state.store.user_by_email(&email).await.unwrap().unwrap();
    gatehouse::store::update_user_with(&*s.state.store, user, |u| {
        u.set_private_label("email", "verified", chrono::Utc::now());
        Ok::<_, gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    let (mut c, r) = sign_in(&s, &email, STRONG).await;
    assert_eq!(
        (r.status, r.json["state"].as_str()),
        (200, Some("active")),
        "{}",
        r.text
    );
    let otp = enable_2fa(&s, &mut c).await;
    let (kid, secret) = create_api_key(&s, &mut c, &otp).await;
    assert_eq!(
        signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None)
            .await
            .status,
        200
    );
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/suspend"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"]))
    );
    let r = s
        .put_with_token(&format!("/api/v2/users/{id}/status/activate"), &owner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.apikey_not_active"])),
        "reactivation revives no key"
    );
    // A Coder session token is a bearer credential here too.
    let token = s.login(&email, STRONG).await;
    let bearer = |token: String| {
        let s = &s;
        async move {
            let r = s
                .http
                .get(s.url("/api/v2/auth/resource/users/me"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            gatehouse_tests::Reply::from(r).await
        }
    };
    let r = bearer(token).await;
    assert_eq!(
        (r.status, r.json["email"].as_str()),
        (200, Some(email.as_str())),
        "{}",
        r.text
    );
    for junk in ["abc-def", "a.b.c", "é"] {
        let r = bearer(junk.to_owned()).await;
        assert_eq!(
            (r.status, errors(&r)),
            (401, e(&["jwt.decode_and_verify"])),
            "{junk}"
        );
    }
}

async fn delete_me(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, email) = member(&s).await;
    let r = c
        .send(
            &s,
            Method::DELETE,
            "/resource/users/me",
            &[("password", "Wrong0ne!x")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.invalid_password"]))
    );
    let r = c
        .send(
            &s,
            Method::DELETE,
            "/resource/users/me",
            &[("password", GOOD)],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "200"), "{}", r.text);
    let r = c.me(&s).await;
    assert_eq!((r.status, errors(&r)), (401, e(&["authz.user_not_active"])));
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["identity.session.deleted"]))
    );

    let (mut c, email) = member(&s).await;
    let otp = enable_2fa(&s, &mut c).await;
    let r = c
        .send(
            &s,
            Method::DELETE,
            "/resource/users/me",
            &[("password", GOOD)],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.missing_otp_code"]))
    );
    let r = c
        .send(
            &s,
            Method::DELETE,
            "/resource/users/me",
            &[("password", GOOD), ("otp_code", "")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.empty_otp_code"]))
    );
    let r = c
        .send(
            &s,
            Method::DELETE,
            "/resource/users/me",
            &[("password", GOOD), ("otp_code", "111")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.invalid_otp"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::DELETE,
            "/resource/users/me",
            &[("password", GOOD), ("otp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s
        .post(
            "/api/v2/users/login",
            serde_json::json!({"email": email, "password": GOOD}),
        )
        .await;
    assert_eq!(r.status, 401, "deleted on Barong, refused on Coder");
}

async fn data_storage(b: Backend) {
    let s = TestServer::start_with(b, |s| {
        s.barong.storage_titles = vec!["personal".into(), "company".into(), "document".into()];
    })
    .await;
    let (mut c, _) = member(&s).await;
    let post = |c: &mut Client, title: &str, data: &str| {
        let (title, data) = (title.to_owned(), data.to_owned());
        let mut c = c.clone();
        let s = &s;
        async move {
            c.post(
                s,
                "/resource/data_storage",
                &[("title", &title), ("data", &data)],
            )
            .await
        }
    };
    let r = post(&mut c, "personal", r#"{"full_name":"Jo"}"#).await;
    assert_eq!((r.status, r.text.as_str()), (201, "201"), "{}", r.text);
    let me = c.me(&s).await;
    assert_eq!(me.json["data_storages"][0]["title"], "personal");
    assert_eq!(
        keys(&me.json["data_storages"][0]),
        ["title", "data", "created_at", "updated_at"]
    );
    assert!(
        me.json["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["key"] == "personal" && l["value"] == "recorded" && l["scope"] == "private")
    );
    // Uniqueness ignores case; the allowed list does not.
    let r = post(&mut c, "PERSONAL", "{}").await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["title.taken", "title.inclusion"]))
    );
    let r = post(&mut c, "Company", "{}").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["title.inclusion"])));
    let r = post(&mut c, "Document", "{}").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["title.inclusion"])));
    // Errors come grouped by attribute, `data`'s first.
    let r = post(&mut c, "personal", "not json").await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["data.invalid_format", "title.taken"]))
    );
    let r = post(&mut c, "company", "not json").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["data.invalid_format"])));
    let r = post(&mut c, "company", &format!("\"{}\"", "a".repeat(5200))).await;
    assert_eq!((r.status, errors(&r)), (422, e(&["data.too_long"])));
    let r = post(&mut c, "family_info", "{}").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["title.inclusion"])));
    let r = post(&mut c, "document", "{}").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["title.exclusion"])));
    let r = post(&mut c, "user\0<x>", "{}").await;
    assert_eq!((r.status, errors(&r)), (422, e(&["title.inclusion"])));
    let r = c.post(&s, "/resource/data_storage", &[]).await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&[
                "resource.datastorage.missing_title",
                "resource.datastorage.empty_title",
                "resource.datastorage.missing_data",
                "resource.datastorage.empty_data"
            ])
        )
    );
    // Barong's default: no title is allowed.
    let s = TestServer::start(b).await;
    let (mut c, _) = member(&s).await;
    let r = c
        .post(
            &s,
            "/resource/data_storage",
            &[("title", "personal"), ("data", "{}")],
        )
        .await;
    assert_eq!((r.status, errors(&r)), (422, e(&["title.inclusion"])));
}

async fn labels(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, _) = member(&s).await;
    let r = c
        .post(
            &s,
            "/resource/labels",
            &[("key", "Color "), ("value", "blue")],
        )
        .await;
    assert_eq!(
        (r.status, r.json["key"].as_str(), r.json["scope"].as_str()),
        (201, Some("color"), Some("public")),
        "{}",
        r.text
    );
    assert_eq!(
        keys(&r.json),
        ["key", "value", "scope", "created_at", "updated_at"]
    );
    s.clock.advance(chrono::Duration::seconds(1));
    let r = c
        .post(
            &s,
            "/resource/labels",
            &[("key", "tier"), ("value", "gold")],
        )
        .await;
    assert_eq!(r.status, 201);
    let r = c
        .post(
            &s,
            "/resource/labels",
            &[("key", "color"), ("value", "red")],
        )
        .await;
    assert_eq!((r.status, errors(&r)), (422, e(&["key.taken"])));
    let r = c
        .post(
            &s,
            "/resource/labels",
            &[("key", "a!"), ("value", "ok\0no")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["key.too_short", "key.invalid", "value.invalid"]))
    );
    let r = c.get(&s, "/resource/labels").await;
    let list = r.json.as_array().unwrap();
    assert_eq!(list.last().unwrap()["key"], "tier", "{}", r.text);
    let r = c.get(&s, "/resource/labels/color").await;
    assert_eq!((r.status, r.json["value"].as_str()), (200, Some("blue")));
    let r = c
        .send(
            &s,
            Method::PATCH,
            "/resource/labels/color",
            &[("value", "green")],
        )
        .await;
    assert_eq!((r.status, r.json["value"].as_str()), (200, Some("green")));
    let r = c.get(&s, "/resource/labels/nope").await;
    assert_eq!((r.status, errors(&r)), (404, e(&["record.not_found"])));
    // Private labels (the confirmed email's, 2FA's) are read-only.
    let r = c
        .send(&s, Method::DELETE, "/resource/labels/email", &[])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.labels.private"]))
    );
    enable_2fa(&s, &mut c).await;
    let r = c
        .send(
            &s,
            Method::PATCH,
            "/resource/labels/otp",
            &[("value", "disabled")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.labels.private"]))
    );
    let r = c
        .send(&s, Method::DELETE, "/resource/labels/otp", &[])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.labels.private"]))
    );
    let r = c
        .send(&s, Method::DELETE, "/resource/labels/color", &[])
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(c.get(&s, "/resource/labels/color").await.status, 404);
}

async fn service_accounts(b: Backend) {
    let s = TestServer::start(b).await;
    let (_owner_token, _, _) = s.owner().await;
    // The owner (Barong superadmin) signs in on Barong.
    let owner = s
        .state
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.has_site_role("owner"))
        .unwrap();
    let (mut admin, r) = sign_in(&s, &owner.email, STRONG).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (mut c, email) = member(&s).await;
    let user_uid = c.me(&s).await.json["uid"].as_str().unwrap().to_owned();

    // Only a superadmin creates them.
    let r = c
        .post(&s, "/admin/service_accounts", &[("owner_uid", &user_uid)])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["authz.invalid_permission"]))
    );
    let r = admin
        .post(&s, "/admin/service_accounts", &[("owner_uid", "IDNOPE")])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (404, e(&["admin.user.doesnt_exist"]))
    );
    let r = admin
        .post(
            &s,
            "/admin/service_accounts",
            &[
                ("owner_uid", &user_uid),
                ("service_account_role", "superadmin"),
            ],
        )
        .await;
    assert_eq!((r.status, errors(&r)), (422, e(&["role.invalid"])));
    // A pending owner's account is pending too; confirm the owner first.
    let stored = s.state.store.user_by_uid(&user_uid).await.unwrap().unwrap();
    gatehouse::store::update_user_with(&*s.state.store, stored, |u| {
        u.set_private_label("email", "verified", chrono::Utc::now());
        Ok::<_, gatehouse::store::StoreError>(())
    })
    .await
    .unwrap();
    let r = admin
        .post(&s, "/admin/service_accounts", &[("owner_uid", &user_uid)])
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        keys(&r.json),
        [
            "email",
            "uid",
            "role",
            "level",
            "state",
            "user",
            "created_at",
            "updated_at"
        ]
    );
    let sa_uid = r.json["uid"].as_str().unwrap().to_owned();
    assert!(sa_uid.starts_with("SI") && sa_uid.len() == 12);
    assert_eq!(r.json["role"], "service_account");
    assert_eq!(r.json["state"], "active");
    let (local, domain) = email.split_once('@').unwrap();
    assert_eq!(
        r.json["email"],
        format!("{local}+{}@{domain}", sa_uid.to_lowercase())
    );

    let r = c.get(&s, "/resource/service_accounts").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        keys(&r.json[0]),
        [
            "id",
            "uid",
            "owner_id",
            "email",
            "role",
            "level",
            "state",
            "created_at",
            "updated_at"
        ]
    );
    assert!(r.json[0]["created_at"].as_str().unwrap().ends_with(".000Z"));

    let r = c
        .send(&s, Method::GET, "/resource/service_accounts/api_keys", &[])
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&["resource.serviceaccount.missing_service_account_uid"])
        )
    );
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/service_accounts/api_keys",
            &[("service_account_uid", "SI0000000000")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (404, e(&["resource.service_account.doesnt_exist"]))
    );
    let r = c
        .post(
            &s,
            "/resource/service_accounts/api_keys",
            &[
                ("service_account_uid", &sa_uid),
                ("algorithm", "HS256"),
                ("totp_code", "1"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (400, e(&["resource.service_accounts.2fa_disabled"]))
    );
    let otp = enable_2fa(&s, &mut c).await;
    let r = c
        .post(
            &s,
            "/resource/service_accounts/api_keys",
            &[
                ("service_account_uid", &sa_uid),
                ("algorithm", "HS256"),
                ("totp_code", "1"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.service_accounts.invalid_totp"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .post(
            &s,
            "/resource/service_accounts/api_keys",
            &[
                ("service_account_uid", &sa_uid),
                ("algorithm", "HS256"),
                ("totp_code", &code),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (kid, secret) = (
        r.json["kid"].as_str().unwrap().to_owned(),
        r.json["secret"].as_str().unwrap().to_owned(),
    );
    // The owner's own list does not show it; the account's list does.
    assert_eq!(
        c.get(&s, "/resource/api_keys").await.json,
        serde_json::json!([])
    );
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/service_accounts/api_keys",
            &[("service_account_uid", &sa_uid)],
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/service_accounts/api_keys",
            &[("service_account_uid", &sa_uid), ("ordering", "x")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.service_accounts.invalid_ordering"]))
    );
    // Barong's resource API serves users only: a service account's key names no user there.
    let r = signed(&s, Method::GET, "/resource/users/me", &kid, &secret, None).await;
    assert_eq!((r.status, errors(&r)), (404, e(&["record.not_found"])));

    let key_path = format!("/resource/service_accounts/api_keys/{kid}");
    let r = c
        .send(
            &s,
            Method::PUT,
            &key_path,
            &[("service_account_uid", &sa_uid), ("state", "")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (
            422,
            e(&[
                "resource.serviceaccount.empty_state",
                "resource.serviceaccount.missing_totp_code",
                "resource.serviceaccount.empty_totp_code"
            ])
        )
    );
    let r = c
        .send(
            &s,
            Method::DELETE,
            &key_path,
            &[("service_account_uid", &sa_uid), ("totp_code", " ")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.serviceaccount.empty_totp_code"]))
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::PUT,
            &format!("/resource/service_accounts/api_keys/{kid}"),
            &[
                ("service_account_uid", &sa_uid),
                ("state", "disabled"),
                ("scope", "read"),
                ("totp_code", &code),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.json["state"].as_str(), r.json["scope"].clone()),
        (200, Some("disabled"), serde_json::json!(["read"])),
        "{}",
        r.text
    );
    let code = next_code(&s, &otp);
    let r = c
        .send(
            &s,
            Method::DELETE,
            &format!("/resource/service_accounts/api_keys/{kid}"),
            &[("service_account_uid", &sa_uid), ("totp_code", &code)],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);

    // Disabled by an administrator.
    let r = admin
        .send(
            &s,
            Method::PUT,
            &format!("/admin/service_accounts/{sa_uid}"),
            &[("owner_uid", &user_uid), ("state", "disabled")],
        )
        .await;
    assert_eq!(
        (r.status, r.json["state"].as_str()),
        (200, Some("disabled")),
        "{}",
        r.text
    );
}

/// One record per auth event, newest first, with Barong's filters.
async fn activity(b: Backend) {
    let s = TestServer::start(b).await;
    let (mut c, email) = member(&s).await;
    let r = c.get(&s, "/resource/users/activity/password").await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.no_activity"]))
    );
    let r = c.get(&s, "/resource/users/activity/invalid").await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.wrong_topic"]))
    );
    s.clock.advance(chrono::Duration::seconds(5));
    let (_, r) = sign_in(&s, &email, "Wrong0ne!x").await;
    assert_eq!(r.status, 401);
    s.clock.advance(chrono::Duration::seconds(5));
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(r.status, 200);
    let otp = enable_2fa(&s, &mut c).await;
    let r = c.get(&s, "/resource/users/activity/all").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let all = r.json.as_array().unwrap();
    let actions: Vec<&str> = all.iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "enable 2FA",
            "request QR code for 2FA",
            "login",
            "login",
            "signup"
        ],
        "{}",
        r.text
    );
    assert_eq!(
        keys(&all[0]),
        [
            "id",
            "user_ip",
            "user_ip_country",
            "user_agent",
            "topic",
            "action",
            "result",
            "data",
            "created_at"
        ]
    );
    assert_eq!(all[0]["user_ip"], "127.0.0.1");
    assert_eq!(all[0]["user_agent"], gatehouse_tests::barong::UA);
    assert!(all[0]["id"].as_i64().unwrap() > all[1]["id"].as_i64().unwrap());
    assert_eq!(r.headers["total"], "5");
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/users/activity/session",
            &[("result", "failed")],
        )
        .await;
    let failed = r.json.as_array().unwrap();
    assert_eq!(failed.len(), 1, "{}", r.text);
    assert_eq!(
        failed[0]["data"],
        r#"{"reason":"Invalid Email or Password"}"#
    );
    let login_time =
        chrono::DateTime::parse_from_rfc3339(failed[0]["created_at"].as_str().unwrap())
            .unwrap()
            .timestamp();
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/users/activity/session",
            &[("time_from", &(login_time + 1).to_string())],
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.json[0]["result"], "succeed");
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/users/activity/all",
            &[("time_to", "x"), ("limit", "2")],
        )
        .await;
    assert_eq!(
        (r.status, errors(&r)),
        (422, e(&["resource.user.non_integer_time_to"]))
    );
    let r = c
        .send(
            &s,
            Method::GET,
            "/resource/users/activity/all",
            &[("limit", "2"), ("page", "3")],
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    assert_eq!(r.json[0]["action"], "signup");

    // With 2FA on, Barong records no missing code, and a wrong or right one as `login::2fa`.
    let (_, r) = sign_in(&s, &email, GOOD).await;
    assert_eq!(
        (r.status, errors(&r)),
        (401, e(&["identity.session.missing_otp"]))
    );
    let code = next_code(&s, &otp);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for (otp_code, status) in [(wrong, 403), (code.as_str(), 200)] {
        let r = Client::new()
            .post(
                &s,
                "/identity/sessions",
                &[
                    ("email", &email),
                    ("password", GOOD),
                    ("otp_code", otp_code),
                ],
            )
            .await;
        assert_eq!(r.status, status, "{}", r.text);
    }
    // API-key changes are no Barong activity (its `api_keys.rb` records none).
    create_api_key(&s, &mut c, &otp).await;
    let r = c.get(&s, "/resource/users/activity/all").await;
    let all = r.json.as_array().unwrap();
    let actions: Vec<(&str, &str)> = all
        .iter()
        .take(3)
        .map(|a| (a["action"].as_str().unwrap(), a["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("login::2fa", "succeed"),
            ("login::2fa", "failed"),
            ("enable 2FA", "succeed")
        ],
        "{}",
        r.text
    );
    assert_eq!(all[1]["data"], r#"{"reason":"OTP code is invalid"}"#);
    assert_eq!(r.headers["total"], "7");
}

both_stores!(
    me_and_data,
    csrf_on_cookie_requests,
    password_change,
    two_factor,
    api_keys_crud,
    signed_requests,
    coder_suspension_stops_keys,
    delete_me,
    data_storage,
    labels,
    service_accounts,
    activity,
);
