//! argon2id at the configured (default) parameters, and session-token verification.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use gatehouse::password::{Argon2Params, PasswordHasher};
use gatehouse::token::{NewSessionToken, split_session_token};

fn argon2(c: &mut Criterion) {
    let hasher = PasswordHasher::new(Argon2Params::default());
    let stored = hasher.hash_blocking("SomeSecurePassword!").unwrap();
    let mut group = c.benchmark_group("argon2id_m19456_t2_p1");
    group.sample_size(20);
    group.bench_function("hash", |b| {
        b.iter(|| {
            hasher
                .hash_blocking(black_box("SomeSecurePassword!"))
                .unwrap()
        })
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            assert!(
                hasher
                    .verify_blocking(black_box(&stored), black_box("SomeSecurePassword!"))
                    .unwrap()
            )
        })
    });
    group.finish();
}

fn token(c: &mut Criterion) {
    let minted = NewSessionToken::generate();
    let token = minted.token();
    let stored = minted.secret.hash();
    c.bench_function("session_token_verify", |b| {
        b.iter(|| {
            let (id, secret) = split_session_token(black_box(&token)).unwrap();
            assert!(stored.matches(secret));
            black_box(id);
        })
    });
}

criterion_group!(benches, argon2, token);
criterion_main!(benches);
