//! The authorizer's hot paths: (a) verifying a signed API-key request without the store lookup
//! (open the sealed secret, HMAC, constant-time compare); (b) the whole decision for a valid
//! cookie session on the embedded store, through the event function (decision + JWT minting).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse::AppState;
use gatehouse::auth::barong::credentials::secret_context;
use gatehouse::auth::barong::{authorize, session, signature};
use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::mail::OutboxMailer;
use gatehouse::model::{BarongState, User};
use gatehouse::seal::SealingKey;
use gatehouse::store::EmbeddedStore;
use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;

const KID: &str = "61d025b8573501c2";
const SECRET: &str = "2d0b4979c7fe6986daa8e21d1dc0644f";
const NONCE: &str = "1584524005143";
const UA: &str = "bench/1.0";

fn api_key_signature(c: &mut Criterion) {
    let key = SealingKey::from_bytes(&[7u8; 32]).unwrap();
    let sealed = key.seal(&secret_context(KID), SECRET.as_bytes()).unwrap();
    let sent = signature::sign(SECRET, NONCE, KID);
    let mut group = c.benchmark_group("authorizer");
    group.bench_function("api_key_open_hmac_compare", |b| {
        b.iter(|| {
            let secret = key.open(&secret_context(KID), black_box(&sealed)).unwrap();
            let secret = String::from_utf8_lossy(&secret);
            assert!(signature::verify(&secret, NONCE, KID, black_box(&sent)));
        })
    });
    group.finish();
}

fn cookie_session_decision(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.data_dir = dir.path().to_path_buf();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mailer = Arc::new(OutboxMailer::new(dir.path().join("outbox")));
    let state = AppState::new(settings, store, mailer, Arc::new(SystemClock));
    let ip = IpAddr::from([198, 51, 100, 7]);
    let opened = rt.block_on(async {
        // Keys are read once per process, before the first request in Lambda too.
        state.barong_jwt_key().await.unwrap();
        let now = gatehouse::clock::Clock::now(&*state.clock);
        let mut user = User::new("bench@example.com", "bench", now);
        user.barong_state = BarongState::Active;
        state.store.create_user(&user).await.unwrap();
        session::open(&state, &user, ip, UA).await.unwrap()
    });
    let event = serde_json::json!({
        "version": "2.0", "type": "REQUEST",
        "routeArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/$default/GET/api/v2/auth/resource/users/me",
        "routeKey": "GET /api/v2/auth/resource/users/me",
        "rawPath": "/api/v2/auth/resource/users/me", "rawQueryString": "",
        "cookies": [format!("_barong_session={}", opened.cookie_value)],
        "headers": {"user-agent": UA},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123", "domainName": "abc123.example",
            "domainPrefix": "abc123", "requestId": "bench", "routeKey": "GET /api/v2/auth/resource/users/me",
            "stage": "$default", "time": "01/Dec/2026:00:00:00 +0000", "timeEpoch": 1_795_449_600_000_i64,
            "http": {"method": "GET", "path": "/api/v2/auth/resource/users/me", "protocol": "HTTP/1.1",
                     "sourceIp": "198.51.100.7", "userAgent": UA}
        }
    });
    let parsed = serde_json::from_value(event.clone()).unwrap();
    let headers = http::HeaderMap::new();
    let presented =
        || authorize::presented(&headers, Some(&opened.cookie_value), "GET", ip, Some(UA));
    let mut group = c.benchmark_group("authorizer");
    group.bench_function("cookie_session_decide", |b| {
        b.iter(|| {
            let d = rt
                .block_on(authorize::decide(
                    &state,
                    "GET",
                    "api/v2/auth/resource/users/me",
                    &presented(),
                ))
                .unwrap();
            assert!(matches!(d, authorize::Decision::Allow(_)));
        })
    });
    group.bench_function("cookie_session_event_with_jwt", |b| {
        b.iter(|| {
            let r = rt.block_on(gatehouse_authorizer::authorize(&state, &parsed));
            assert!(r.is_authorized);
        })
    });
    group.bench_function("cookie_session_raw_event_with_jwt", |b| {
        b.iter(|| {
            let r = rt.block_on(gatehouse_authorizer::handle(&state, event.clone()));
            assert!(r.is_authorized);
        })
    });
    group.finish();
}

criterion_group!(benches, api_key_signature, cookie_session_decision);
criterion_main!(benches);
