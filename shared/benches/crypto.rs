//! argon2id at the configured (default) parameters, session-token verification, and Coder's
//! password policy on long passwords.
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

/// Coder's password policy on passwords up to the 1 MiB body limit: one pass per step, so the
/// cost grows with the length and stays in milliseconds.
fn password_policy(c: &mut Criterion) {
    let mut group = c.benchmark_group("coder_password_policy");
    group.sample_size(20);
    for (name, password) in [
        ("64_bytes", "Aa1!".repeat(16)),
        ("128_kib", "aB3$".repeat(32 * 1024)),
        ("1_mib_mixed", "aB3$".repeat(256 * 1024)),
        ("1_mib_one_letter", "a".repeat(1024 * 1024)),
        (
            "1_mib_sequence",
            "abcdefghijklmnopqrstuvwxyz".repeat(40 * 1024),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| gatehouse::password::check_new_coder_password(black_box(&password)))
        });
    }
    group.finish();
}

criterion_group!(benches, argon2, token, password_policy);
criterion_main!(benches);
