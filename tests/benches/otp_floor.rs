//! The two paths of `POST /users/otp/request` on DynamoDB + SES (moto_server), without the
//! response floor: a known email (code stored, mail sent) and an unknown one (same hashing,
//! nothing stored or sent). The floor must sit above the known path's tail.
//!
//! `cargo bench -p gatehouse-tests --bench otp_floor` (needs the repo's .venv with moto).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse::password::Argon2Params;
use gatehouse_tests::{Backend, STRONG, TestServer};
use serde_json::json;
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let s = TestServer::start_with(Backend::Moto, |c| {
        c.argon2 = Argon2Params::default();
        c.otp_mails_per_hour = 1000;
        c.login_rate_limit = 0;
    })
    .await;
    let (owner, _, org) = s.owner().await;
    let (known, _) = s.user(&owner, &org, STRONG).await;
    let unknown = "nobody-here@example.com";
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    // Interleaved, so both paths see the same machine.
    for round in 0..ROUNDS + 10 {
        for (i, email) in [known.as_str(), unknown].into_iter().enumerate() {
            let started = Instant::now();
            let r = s
                .post("/api/v2/users/otp/request", json!({ "email": email }))
                .await;
            let took = started.elapsed();
            assert_eq!(r.status, 204, "{}", r.text);
            if round >= 10 {
                times[i].push(took);
            }
        }
    }
    println!(
        "otp/request on DynamoDB + SES (moto), argon2id m=19456 t=2 p=1, {ROUNDS} rounds each"
    );
    println!(
        "{:<8} {:>8} {:>8} {:>8} {:>8}",
        "path", "p50", "p90", "p99", "max"
    );
    for (name, mut t) in ["known", "unknown"].into_iter().zip(times) {
        t.sort();
        let ms = |d: Duration| format!("{:.1}ms", d.as_secs_f64() * 1000.0);
        println!(
            "{name:<8} {:>8} {:>8} {:>8} {:>8}",
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.9)),
            ms(percentile(&t, 0.99)),
            ms(t[t.len() - 1])
        );
    }
}
