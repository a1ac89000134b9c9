//! Barong sign-in and registration through the identity router on the embedded store, next to
//! one bare argon2id verify and one hash (the work they cannot avoid).
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
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt;

const PASSWORD: &str = "Iequ4geiEWQw";

fn identity(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.data_dir = dir.path().to_path_buf();
    settings.barong.first_registration_superadmin = false;
    settings.login_rate_limit = 0;
    // Registration mails a confirmation link; the outbox write is part of what is measured.
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mailer = Arc::new(OutboxMailer::new(dir.path().join("outbox")));
    let state = AppState::new(settings, store, mailer, Arc::new(SystemClock));
    // The signing key is read once per process, before the first request in Lambda too.
    rt.block_on(state.barong_jwt_key()).unwrap();
    let router = gatehouse_identity::router(state.clone());
    let form = |path: &str, body: String| {
        Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("user-agent", "bench")
            .body(Body::from(body))
            .unwrap()
    };
    let r = rt
        .block_on(router.clone().oneshot(form(
            "/api/v2/auth/identity/users",
            format!("email=bench%40example.com&password={PASSWORD}"),
        )))
        .unwrap();
    assert_eq!(r.status(), 201);
    let stored = rt
        .block_on(state.store.user_by_email("bench@example.com"))
        .unwrap()
        .unwrap()
        .hashed_password
        .unwrap();

    let mut group = c.benchmark_group("barong");
    group.sample_size(20);
    group.bench_function("argon2id_verify_only", |b| {
        b.iter(|| assert!(state.hasher.verify_blocking(&stored, PASSWORD).unwrap()))
    });
    group.bench_function("argon2id_hash_only", |b| {
        b.iter(|| state.hasher.hash_blocking(PASSWORD).unwrap())
    });
    group.bench_function("sign_in_through_router", |b| {
        b.iter(|| {
            let r = rt
                .block_on(router.clone().oneshot(form(
                    "/api/v2/auth/identity/sessions",
                    format!("email=bench%40example.com&password={PASSWORD}"),
                )))
                .unwrap();
            assert_eq!(r.status(), 200);
        })
    });
    let n = AtomicU64::new(0);
    group.bench_function("registration_through_router", |b| {
        b.iter(|| {
            let i = n.fetch_add(1, Ordering::Relaxed);
            let r = rt
                .block_on(router.clone().oneshot(form(
                    "/api/v2/auth/identity/users",
                    format!("email=bench{i}%40example.com&password={PASSWORD}"),
                )))
                .unwrap();
            assert_eq!(r.status(), 201);
        })
    });
    group.finish();
}

criterion_group!(benches, identity);
criterion_main!(benches);
