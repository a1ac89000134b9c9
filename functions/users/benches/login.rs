//! A full login through the users router on the embedded store (JSON in, argon2id verify,
//! session written to SQLite, JSON + cookie out), next to one bare argon2id verify; and an
//! authenticated `GET /users/me`. Also reports the process's peak RSS afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse::AppState;
use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::mail::OutboxMailer;
use gatehouse::store::EmbeddedStore;
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "SomeSecurePassword!";

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn login(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.data_dir = dir.path().to_path_buf();
    settings.login_rate_limit = u32::MAX;
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mailer = Arc::new(OutboxMailer::new(dir.path().join("outbox")));
    let state = AppState::new(settings, store, mailer, Arc::new(SystemClock));
    let router = gatehouse_users::router(state.clone());
    let post = |path: &str, body: String| {
        Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let created = rt.block_on(router.clone().oneshot(post(
        "/api/v2/users/first",
        format!(r#"{{"email":"bench@example.com","username":"bench","password":"{PASSWORD}"}}"#),
    )));
    assert_eq!(created.unwrap().status(), 201);
    let login_body = format!(r#"{{"email":"bench@example.com","password":"{PASSWORD}"}}"#);
    let stored = rt
        .block_on(state.store.user_by_email("bench@example.com"))
        .unwrap()
        .unwrap()
        .hashed_password
        .unwrap();

    let mut group = c.benchmark_group("login");
    group.sample_size(20);
    group.bench_function("argon2id_verify_only", |b| {
        b.iter(|| assert!(state.hasher.verify_blocking(&stored, PASSWORD).unwrap()))
    });
    group.bench_function("argon2id_verify_off_executor", |b| {
        b.iter(|| {
            assert!(
                rt.block_on(state.hasher.verify(Some(&stored), PASSWORD))
                    .unwrap()
            )
        })
    });
    group.bench_function("full_login_through_router", |b| {
        b.iter(|| {
            let r = rt
                .block_on(
                    router
                        .clone()
                        .oneshot(post("/api/v2/users/login", login_body.clone())),
                )
                .unwrap();
            assert_eq!(r.status(), 201);
        })
    });
    let user = rt
        .block_on(state.store.user_by_email("bench@example.com"))
        .unwrap()
        .unwrap();
    group.bench_function("session_insert_only", |b| {
        b.iter(|| {
            let spec = gatehouse::auth::session::KeySpec::login(
                &state,
                gatehouse::model::LoginType::Password,
            );
            rt.block_on(gatehouse::auth::session::issue(
                &state,
                &user,
                spec,
                std::net::Ipv4Addr::LOCALHOST.into(),
            ))
            .unwrap();
        })
    });
    group.bench_function("rate_limit_hit_only", |b| {
        b.iter(|| {
            rt.block_on(gatehouse::auth::rate_limit::hit(&state, "bench", u32::MAX))
                .unwrap()
        })
    });
    group.bench_function("user_by_email_only", |b| {
        b.iter(|| {
            rt.block_on(state.store.user_by_email("bench@example.com"))
                .unwrap()
                .unwrap()
        })
    });
    group.finish();

    let r = rt
        .block_on(
            router
                .clone()
                .oneshot(post("/api/v2/users/login", login_body.clone())),
        )
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = cookie.trim_start_matches("coder_session_token=").to_owned();
    c.bench_function("authenticated_get_me_embedded", |b| {
        b.iter(|| {
            let req = Request::get("/api/v2/users/me")
                .header("Coder-Session-Token", &token)
                .body(Body::empty())
                .unwrap();
            let r = rt.block_on(router.clone().oneshot(req)).unwrap();
            assert_eq!(r.status(), 200);
        })
    });
    if let Some(kib) = peak_rss_kib() {
        println!("peak RSS after the login benchmarks: {} MiB", kib / 1024);
    }
}

criterion_group!(benches, login);
criterion_main!(benches);
