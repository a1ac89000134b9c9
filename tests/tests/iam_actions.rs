//! What AWS would refuse: each function's flows, through its own router on DynamoDB (moto), issue
//! only DynamoDB actions its IAM policy in `template.yaml` allows. (`scripts/check-template`
//! checks the other way: the policy allows nothing more than its table of actions.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use axum::http::{Method, Request};
use gatehouse::AppState;
use gatehouse::clock::SystemClock;
use gatehouse::config::{MailerKind, StoreKind};
use gatehouse::mail::SesMailer;
use gatehouse::store::DynamoStore;
use gatehouse_tests::moto::Moto;
use gatehouse_tests::{SENDER, STRONG, test_settings, unique_email, unique_username};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

/// The IAM actions of every DynamoDB call a client makes.
#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<BTreeSet<String>>>);

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "IamActionRecorder"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().expect("operation metadata").name();
        let mut actions = self.0.lock().unwrap();
        // IAM has no TransactWriteItems action: it authorizes each element as its own action.
        match context.input().downcast_ref::<TransactWriteItemsInput>() {
            Some(input) => {
                for item in input.transact_items() {
                    let action = match () {
                        _ if item.put().is_some() => "PutItem",
                        _ if item.update().is_some() => "UpdateItem",
                        _ if item.delete().is_some() => "DeleteItem",
                        _ => "ConditionCheckItem",
                    };
                    actions.insert(format!("dynamodb:{action}"));
                }
            }
            None => {
                actions.insert(format!("dynamodb:{operation}"));
            }
        }
        Ok(())
    }
}

/// The DynamoDB actions `function`'s policies in `template.yaml` allow.
fn allowed(function: &str) -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml");
    let template: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let policies = &template["Resources"][function]["Properties"]["Policies"];
    let mut out = BTreeSet::new();
    for policy in policies.as_sequence().unwrap() {
        for statement in policy["Statement"].as_sequence().into_iter().flatten() {
            let actions = match &statement["Action"] {
                serde_yaml::Value::String(a) => vec![a.clone()],
                serde_yaml::Value::Sequence(list) => list
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
                other => panic!("unexpected Action {other:?}"),
            };
            out.extend(actions.into_iter().filter(|a| a.starts_with("dynamodb:")));
        }
    }
    assert!(!out.is_empty(), "{function} has no DynamoDB actions");
    out
}

/// A state on the shared moto table whose DynamoDB calls `recorder` sees.
async fn state(moto: &Moto, table: &str, recorder: Recorder) -> AppState {
    let mut settings = test_settings();
    settings.store = StoreKind::DynamoDb;
    settings.mailer = MailerKind::Ses;
    settings.table = table.to_owned();
    let store = Arc::new(DynamoStore::new(moto.dynamodb_with(recorder), table));
    let mailer = Arc::new(SesMailer::new(moto.ses(), SENDER));
    AppState::new(settings, store, mailer, Arc::new(SystemClock))
}

/// One request through `router`; panics unless it succeeds. Returns the JSON body (or null).
async fn call(
    router: &axum::Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut request = Request::builder().method(method.clone()).uri(path);
    if let Some(token) = token {
        request = request.header("Coder-Session-Token", token);
    }
    let body = body.map_or_else(axum::body::Body::empty, |b| {
        axum::body::Body::from(b.to_string())
    });
    let response = router
        .clone()
        .oneshot(
            request
                .header("content-type", "application/json")
                .body(body)
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "{method} {path}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

fn assert_allowed(function: &str, recorder: &Recorder) {
    let used = recorder.0.lock().unwrap().clone();
    assert!(
        used.contains("dynamodb:PutItem"),
        "{function}: the flow wrote nothing: {used:?}"
    );
    let allowed = allowed(function);
    let refused: Vec<_> = used.difference(&allowed).collect();
    assert!(
        refused.is_empty(),
        "{function} calls {refused:?}, which its IAM policy does not allow (allowed: {allowed:?})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_calls_only_what_its_policy_allows() {
    let moto = Moto::get().await;
    let table = moto.create_table_from_template().await;
    let (users_calls, authz_calls) = (Recorder::default(), Recorder::default());
    let users = gatehouse_users::router(state(moto, &table, users_calls.clone()).await);
    let authz = gatehouse_authz::router(state(moto, &table, authz_calls.clone()).await);
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);

    // users: first user, login, sessions, user administration, passcodes, convert-login, logout.
    let owner = unique_email("iam-owner");
    let first = json!({"email": owner, "username": unique_username("owner"), "password": STRONG});
    let org = call(
        &users,
        post.clone(),
        "/api/v2/users/first",
        None,
        Some(first),
    )
    .await["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let login = json!({"email": owner, "password": STRONG});
    let login_path = "/api/v2/users/login";
    let token =
        call(&users, post.clone(), login_path, None, Some(login.clone())).await["session_token"]
            .as_str()
            .unwrap()
            .to_owned();
    let t = Some(token.as_str());
    call(&users, get.clone(), "/api/v2/users/me", t, None).await;
    let member_email = unique_email("iam-member");
    let new_user = json!({"email": member_email, "username": unique_username("member"), "password": STRONG, "organization_ids": [org]});
    let member = call(&users, post.clone(), "/api/v2/users", t, Some(new_user)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let member_login = json!({"email": member_email, "password": STRONG});
    call(&users, post.clone(), login_path, None, Some(member_login)).await;
    let suspend = format!("/api/v2/users/{member}/status/suspend");
    call(&users, put.clone(), &suspend, t, None).await;
    let activate = format!("/api/v2/users/{member}/status/activate");
    call(&users, put.clone(), &activate, t, None).await;
    let validate = json!({"password": STRONG});
    call(
        &users,
        post.clone(),
        "/api/v2/users/validate-password",
        t,
        Some(validate),
    )
    .await;
    let otp = json!({"email": owner});
    call(
        &users,
        post.clone(),
        "/api/v2/users/otp/request",
        None,
        Some(otp),
    )
    .await;
    let convert = json!({"to_type": "oidc", "password": STRONG});
    call(
        &users,
        post.clone(),
        "/api/v2/users/me/convert-login",
        t,
        Some(convert),
    )
    .await;
    call(
        &users,
        get.clone(),
        "/api/v2/users?q=status:active",
        t,
        None,
    )
    .await;
    call(&users, get.clone(), "/api/v2/users/me/login-type", t, None).await;
    call(&users, get.clone(), "/api/v2/users/authmethods", None, None).await;
    call(&users, get.clone(), "/api/v2/buildinfo", None, None).await;
    let profile = json!({"username": unique_username("renamed")});
    let profile_path = format!("/api/v2/users/{member}/profile");
    call(&users, put.clone(), &profile_path, t, Some(profile)).await;
    let password = json!({"password": "Another!Secure123"});
    let password_path = format!("/api/v2/users/{member}/password");
    call(&users, put.clone(), &password_path, t, Some(password)).await;
    let second = call(&users, post.clone(), login_path, None, Some(login)).await["session_token"]
        .as_str()
        .unwrap()
        .to_owned();
    call(&users, post.clone(), "/api/v2/users/logout", t, None).await;
    assert_allowed("UsersFunction", &users_calls);

    // authz: scopes, authcheck, roles, organizations and members, scoped tokens.
    let t = Some(second.as_str());
    call(&authz, get.clone(), "/api/v2/auth/scopes", t, None).await;
    let checks = json!({"checks": {"a": {"object": {"resource_type": "user"}, "action": "read"}}});
    call(&authz, post.clone(), "/api/v2/authcheck", t, Some(checks)).await;
    let roles = json!({"roles": ["auditor"]});
    let user_roles = format!("/api/v2/users/{member}/roles");
    call(&authz, put.clone(), &user_roles, t, Some(roles)).await;
    call(&authz, get.clone(), &user_roles, t, None).await;
    let new_org = json!({"name": unique_username("org")});
    let org2 = call(
        &authz,
        post.clone(),
        "/api/v2/organizations",
        t,
        Some(new_org),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        &authz,
        get.clone(),
        &format!("/api/v2/organizations/{org2}"),
        t,
        None,
    )
    .await;
    let membership = format!("/api/v2/organizations/{org2}/members/{member}");
    call(&authz, post.clone(), &membership, t, None).await;
    let org_roles = json!({"roles": ["organization-auditor"]});
    let member_roles = format!("{membership}/roles");
    call(&authz, put.clone(), &member_roles, t, Some(org_roles)).await;
    call(&authz, delete.clone(), &membership, t, None).await;
    let new_token = json!({"token_name": "iam", "scopes": ["coder:all"]});
    let tokens = "/api/v2/users/me/keys/tokens";
    call(&authz, post.clone(), tokens, t, Some(new_token)).await;
    let listed = call(&authz, get.clone(), tokens, t, None).await;
    call(&authz, get.clone(), &format!("{tokens}/iam"), t, None).await;
    let key_id = listed[0]["id"].as_str().unwrap();
    call(
        &authz,
        delete.clone(),
        &format!("/api/v2/users/me/keys/{key_id}"),
        t,
        None,
    )
    .await;
    let key = call(&authz, post.clone(), "/api/v2/users/me/keys", t, None).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let key_path = format!("/api/v2/users/me/keys/{}", &key[..10]);
    call(&authz, get.clone(), &key_path, t, None).await;
    call(&authz, get.clone(), "/api/v2/organizations", t, None).await;
    call(
        &authz,
        get.clone(),
        "/api/v2/users/me/organizations",
        t,
        None,
    )
    .await;
    call(
        &authz,
        get.clone(),
        "/api/v2/users/me/organizations/coder",
        t,
        None,
    )
    .await;
    let members = format!("/api/v2/organizations/{org}/members");
    call(&authz, get.clone(), &members, t, None).await;
    call(&authz, get.clone(), &format!("{members}/roles"), t, None).await;
    call(&authz, get.clone(), "/api/v2/users/roles", t, None).await;
    call(
        &authz,
        get.clone(),
        "/api/v2/audit?q=action%3Alogin",
        t,
        None,
    )
    .await;
    assert_allowed("AuthzFunction", &authz_calls);

    // users again: deleting a user frees its email and username in one transaction.
    let delete_path = format!("/api/v2/users/{member}");
    call(&users, delete.clone(), &delete_path, t, None).await;
    assert_allowed("UsersFunction", &users_calls);
}

/// One form request through `router` with an optional session cookie; panics unless it
/// succeeds. Returns the body and the session cookie it set, if any.
async fn form(
    router: &axum::Router,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> (Value, Option<String>) {
    form_with(router, method, path, cookie, &[], fields).await
}

/// [`form`] with extra headers (a CSRF token, API-key signatures).
async fn form_with(
    router: &axum::Router,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> (Value, Option<String>) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "iam-test");
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("_barong_session={cookie}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(axum::body::Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("_barong_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "{method} {path}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    (
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        set_cookie,
    )
}

/// The JWT after `marker` in the newest mail to `to`.
async fn mailed_token(moto: &Moto, to: &str, marker: &str) -> String {
    let mails = moto.sent_to(to).await;
    let text = &mails.last().expect("a mail").text;
    let start = text.find(marker).expect("a link") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_calls_only_what_its_policy_allows() {
    let moto = Moto::get().await;
    let table = moto.create_table_from_template().await;
    let calls = Recorder::default();
    let state = state(moto, &table, calls.clone()).await;
    let identity = gatehouse_identity::router(state);
    let (get, post, delete) = (Method::GET, Method::POST, Method::DELETE);

    let email = unique_email("iam-barong");
    let password = "Iequ4geiEWQw";
    let account = [("email", email.as_str()), ("password", password)];
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users",
        None,
        &account,
    )
    .await;
    let (_, cookie) = form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/sessions",
        None,
        &account,
    )
    .await;
    cookie.expect("a session cookie");
    let confirmation = mailed_token(moto, &email, "confirmation_token=").await;
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users/email/confirm_code",
        None,
        &[("token", &confirmation)],
    )
    .await;
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users/email/generate_code",
        None,
        &[("email", &email)],
    )
    .await;
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users/password/generate_code",
        None,
        &[("email", &email)],
    )
    .await;
    let reset = mailed_token(moto, &email, "reset_token=").await;
    let new_password = "Xwqe213PZCXwe";
    let fields = [
        ("reset_password_token", reset.as_str()),
        ("password", new_password),
        ("confirm_password", new_password),
    ];
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users/password/confirm_code",
        None,
        &fields,
    )
    .await;
    let account = [("email", email.as_str()), ("password", new_password)];
    let (_, cookie) = form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/sessions",
        None,
        &account,
    )
    .await;
    form(
        &identity,
        delete.clone(),
        "/api/v2/auth/identity/sessions",
        cookie.as_deref(),
        &[],
    )
    .await;
    form(
        &identity,
        get.clone(),
        "/api/v2/auth/identity/jwks",
        None,
        &[],
    )
    .await;
    assert_allowed("IdentityFunction", &calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_calls_only_what_its_policy_allows() {
    use gatehouse::clock::Clock as _;
    use gatehouse_tests::barong::{otp_secret, sign, totp};
    let moto = Moto::get().await;
    let table = moto.create_table_from_template().await;
    // Identity (not checked here) registers and confirms the account.
    let identity = gatehouse_identity::router(state(moto, &table, Recorder::default()).await);
    let calls = Recorder::default();
    let resource_state = state(moto, &table, calls.clone()).await;
    // Codes are good once per 30-second step: this flow's clock moves on between them.
    let clock = Arc::new(gatehouse::clock::ManualClock::new(chrono::Utc::now()));
    let mut settings = (*resource_state.settings).clone();
    settings.barong.storage_titles = vec!["personal".into()];
    let resource_state = resource_state
        .with_clock(clock.clone())
        .with_settings(settings);
    let resource = gatehouse_resource::router(resource_state);
    let (get, post, put, patch, delete) = (
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    );
    let email = unique_email("iam-resource");
    let password = "Iequ4geiEWQw";
    let account = [("email", email.as_str()), ("password", password)];
    let (body, cookie) = form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users",
        None,
        &account,
    )
    .await;
    let (cookie, csrf) = (
        cookie.expect("a cookie"),
        body["csrf_token"].as_str().unwrap().to_owned(),
    );
    let confirmation = mailed_token(moto, &email, "confirmation_token=").await;
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users/email/confirm_code",
        None,
        &[("token", &confirmation)],
    )
    .await;

    let me = "/api/v2/auth/resource/users/me";
    let csrf_header = [("x-csrf-token", csrf.as_str())];
    let send = |method: Method, path: &'static str, fields: Vec<(&'static str, String)>| {
        let (resource, cookie, csrf) = (&resource, &cookie, &csrf_header);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form_with(resource, method, path, Some(cookie), csrf, &fields)
                .await
                .0
        }
    };
    let code = |secret: &str| {
        clock.advance(chrono::Duration::seconds(30));
        totp(secret, clock.now().timestamp())
    };
    send(get.clone(), me, vec![]).await;
    send(put.clone(), me, vec![("data", "{}".into())]).await;
    let qr = send(
        post.clone(),
        "/api/v2/auth/resource/otp/generate_qrcode",
        vec![],
    )
    .await;
    let secret = otp_secret(qr["data"]["url"].as_str().unwrap());
    send(
        post.clone(),
        "/api/v2/auth/resource/otp/enable",
        vec![("code", code(&secret))],
    )
    .await;
    let key = send(
        post.clone(),
        "/api/v2/auth/resource/api_keys",
        vec![("algorithm", "HS256".into()), ("totp_code", code(&secret))],
    )
    .await;
    let (kid, key_secret) = (
        key["kid"].as_str().unwrap().to_owned(),
        key["secret"].as_str().unwrap().to_owned(),
    );
    send(get.clone(), "/api/v2/auth/resource/api_keys", vec![]).await;
    let nonce = clock.now().timestamp_millis().to_string();
    let signature = sign(&key_secret, &nonce, &kid);
    form_with(
        &resource,
        get.clone(),
        me,
        None,
        &[
            ("x-auth-apikey", &kid),
            ("x-auth-nonce", &nonce),
            ("x-auth-signature", &signature),
        ],
        &[],
    )
    .await;
    send(
        get.clone(),
        "/api/v2/auth/resource/users/activity/all",
        vec![],
    )
    .await;
    send(
        post.clone(),
        "/api/v2/auth/resource/data_storage",
        vec![("title", "personal".into()), ("data", "{}".into())],
    )
    .await;
    send(
        post.clone(),
        "/api/v2/auth/resource/labels",
        vec![("key", "color".into()), ("value", "blue".into())],
    )
    .await;
    send(
        patch.clone(),
        "/api/v2/auth/resource/labels/color",
        vec![("value", "green".into())],
    )
    .await;
    send(delete.clone(), "/api/v2/auth/resource/labels/color", vec![]).await;
    send(
        get.clone(),
        "/api/v2/auth/resource/service_accounts",
        vec![],
    )
    .await;
    send(
        put.clone(),
        "/api/v2/auth/resource/users/password",
        vec![
            ("old_password", password.into()),
            ("new_password", "Xwqe213PZCXwe".into()),
            ("confirm_password", "Xwqe213PZCXwe".into()),
        ],
    )
    .await;
    send(
        post.clone(),
        "/api/v2/auth/resource/otp/disable",
        vec![("code", code(&secret))],
    )
    .await;
    send(
        delete.clone(),
        me,
        vec![("password", "Xwqe213PZCXwe".into())],
    )
    .await;
    assert_allowed("ResourceFunction", &calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorizer_calls_only_what_its_policy_allows() {
    use gatehouse::clock::Clock as _;
    use gatehouse_tests::barong::{otp_secret, sign, totp};
    let moto = Moto::get().await;
    let table = moto.create_table_from_template().await;
    // Identity and resource (not checked here) make the account, its session and its API key.
    let identity = gatehouse_identity::router(state(moto, &table, Recorder::default()).await);
    let clock = Arc::new(gatehouse::clock::ManualClock::new(chrono::Utc::now()));
    let resource_state = state(moto, &table, Recorder::default())
        .await
        .with_clock(clock.clone());
    let resource = gatehouse_resource::router(resource_state);
    let calls = Recorder::default();
    let authorizer = state(moto, &table, calls.clone())
        .await
        .with_clock(clock.clone());
    let post = Method::POST;
    let email = unique_email("iam-authorizer");
    let account = [("email", email.as_str()), ("password", "Iequ4geiEWQw")];
    let (body, cookie) = form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users",
        None,
        &account,
    )
    .await;
    let (cookie, csrf) = (
        cookie.expect("a cookie"),
        body["csrf_token"].as_str().unwrap().to_owned(),
    );
    let confirmation = mailed_token(moto, &email, "confirmation_token=").await;
    form(
        &identity,
        post.clone(),
        "/api/v2/auth/identity/users/email/confirm_code",
        None,
        &[("token", &confirmation)],
    )
    .await;
    let csrf_header = [("x-csrf-token", csrf.as_str())];
    let code = |secret: &str| {
        clock.advance(chrono::Duration::seconds(30));
        totp(secret, clock.now().timestamp())
    };
    let (qr, _) = form_with(
        &resource,
        post.clone(),
        "/api/v2/auth/resource/otp/generate_qrcode",
        Some(&cookie),
        &csrf_header,
        &[],
    )
    .await;
    let secret = otp_secret(qr["data"]["url"].as_str().unwrap());
    let enable = code(&secret);
    form_with(
        &resource,
        post.clone(),
        "/api/v2/auth/resource/otp/enable",
        Some(&cookie),
        &csrf_header,
        &[("code", &enable)],
    )
    .await;
    let totp_code = code(&secret);
    let (key, _) = form_with(
        &resource,
        post.clone(),
        "/api/v2/auth/resource/api_keys",
        Some(&cookie),
        &csrf_header,
        &[("algorithm", "HS256"), ("totp_code", &totp_code)],
    )
    .await;
    let (kid, key_secret) = (
        key["kid"].as_str().unwrap().to_owned(),
        key["secret"].as_str().unwrap().to_owned(),
    );

    // The authorizer: a cookie session whose sliding expiry is written back, a signed request
    // (its nonce claimed), and a session from another network (ended). The session was opened
    // through `oneshot`, without a peer address: 0.0.0.0.
    let event = |method: &str, headers: Value, cookies: Value| {
        json!({
            "version": "2.0", "type": "REQUEST", "rawPath": "/api/v2/auth/resource/users/me",
            "routeKey": format!("{method} /api/v2/auth/resource/users/me"), "rawQueryString": "",
            "headers": headers, "cookies": cookies,
            "requestContext": {
                "accountId": "1", "apiId": "a", "domainName": "a.example", "domainPrefix": "a",
                "requestId": "r", "routeKey": "r", "stage": "$default", "time": "t", "timeEpoch": 0,
                "http": {"method": method, "path": "/api/v2/auth/resource/users/me",
                         "protocol": "HTTP/1.1", "sourceIp": "0.0.0.0", "userAgent": "iam-test"}
            }
        })
    };
    let session = json!([format!("_barong_session={cookie}")]);
    clock.advance(chrono::Duration::minutes(5));
    let allowed = gatehouse_authorizer::handle(
        &authorizer,
        event("GET", json!({"user-agent": "iam-test"}), session.clone()),
    )
    .await;
    assert!(allowed.is_authorized, "{allowed:?}");
    let nonce = clock.now().timestamp_millis().to_string();
    let headers = json!({
        "user-agent": "iam-test", "x-auth-apikey": kid, "x-auth-nonce": nonce,
        "x-auth-signature": sign(&key_secret, &nonce, &kid),
    });
    let allowed = gatehouse_authorizer::handle(&authorizer, event("GET", headers, json!([]))).await;
    assert!(allowed.is_authorized, "{allowed:?}");
    let mut moved = event("GET", json!({"user-agent": "iam-test"}), session);
    moved["requestContext"]["http"]["sourceIp"] = "198.51.100.9".into();
    let refused = gatehouse_authorizer::handle(&authorizer, moved).await;
    assert!(!refused.is_authorized);
    assert_allowed("AuthorizerFunction", &calls);
    let used = calls.0.lock().unwrap().clone();
    for action in ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"] {
        assert!(
            used.contains(&format!("dynamodb:{action}")),
            "the flow issued no {action}: {used:?}"
        );
    }
}
