//! Load runs over real TCP on the embedded store, each against its baseline in the same run:
//!
//! 1. Login: sequential `POST /users/login` latency, next to one argon2id verify of the same
//!    password (both p50 over the same number of rounds, interleaved; and the median of each
//!    login's ratio to the verify that follows it), and next to the floor of this architecture:
//!    a bare axum handler that runs the same verify and writes nothing.
//! 2. `GET /users/me` with a session token: requests per second over N keep-alive connections,
//!    next to a bare axum handler that returns the same JSON from memory, in alternating rounds
//!    (bare first, then Gatehouse first, ...) so that a change in the machine's speed during the
//!    run (a shared VM's often does) weighs on both alike.
//!
//! `cargo run --release -p gatehouse-load -- [--connections 32] [--seconds 2] [--rounds 6]
//! [--logins 200]`
//! The client is a minimal HTTP/1.1 keep-alive loop, so it costs both servers the same little.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// As `gatehouse-local`, whose router it serves.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use axum::Router;
use axum::routing::{get, post as post_route};
use gatehouse::AppState;
use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::mail::OutboxMailer;
use gatehouse::store::EmbeddedStore;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASSWORD: &str = "SomeSecurePassword!";

struct Args {
    connections: usize,
    seconds: u64,
    rounds: usize,
    logins: usize,
}

fn args() -> Args {
    let mut a = Args {
        connections: 32,
        seconds: 2,
        rounds: 6,
        logins: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--connections", Some(v)) => a.connections = v as usize,
            ("--seconds", Some(v)) => a.seconds = v,
            ("--rounds", Some(v)) if v > 0 => a.rounds = v as usize,
            ("--logins", Some(v)) => a.logins = v as usize,
            _ => panic!(
                "usage: gatehouse-load [--connections N] [--seconds N] [--rounds N] [--logins N]"
            ),
        }
    }
    a
}

async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Self {
            stream,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    /// Sends `request` (a complete HTTP/1.1 message); returns the status and the body.
    async fn send(&mut self, request: &[u8]) -> (u16, Vec<u8>) {
        self.stream.write_all(request).await.unwrap();
        self.buf.clear();
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).unwrap();
                let status: u16 = head[9..12].parse().unwrap();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                let total = end + 4 + length;
                while self.buf.len() < total {
                    let n = self.stream.read(&mut chunk).await.unwrap();
                    assert!(n > 0, "connection closed");
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                return (status, self.buf[end + 4..total].to_vec());
            }
            let n = self.stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nhost: load\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Requests per second of `request` over `connections` connections for `seconds`.
async fn throughput(addr: SocketAddr, request: Vec<u8>, connections: usize, seconds: u64) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let request = Arc::new(request);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (stop, done, request) = (stop.clone(), done.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Connection::open(addr).await;
            while !stop.load(Ordering::Relaxed) {
                let (status, _) = c.send(&request).await;
                assert_eq!(status, 200);
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Warm up, then count.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start_count = done.load(Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let counted = done.load(Ordering::Relaxed) - start_count;
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    counted as f64 / elapsed.as_secs_f64()
}

/// The login timings of one run, each list in round order.
struct LoginRun {
    logins: Vec<Duration>,
    floors: Vec<Duration>,
    /// The verify right after each login, and right after each floor login.
    after_logins: Vec<Duration>,
    after_floors: Vec<Duration>,
    token: String,
}

/// Sequential rounds of a login, a verify, a login to the floor server and a verify: each login
/// follows a verify, as each verify follows a login. Returns the timings and the last token.
async fn logins(
    addr: SocketAddr,
    floor_addr: SocketAddr,
    state: AppState,
    stored: String,
    count: usize,
) -> LoginRun {
    let login = post(
        "/api/v2/users/login",
        &format!(r#"{{"email":"load@example.com","password":"{PASSWORD}"}}"#),
    );
    let mut run = LoginRun {
        logins: Vec::new(),
        floors: Vec::new(),
        after_logins: Vec::new(),
        after_floors: Vec::new(),
        token: String::new(),
    };
    let verify = async || {
        let started = Instant::now();
        assert!(state.hasher.verify(Some(&stored), PASSWORD).await.unwrap());
        started.elapsed()
    };
    let mut c = Connection::open(addr).await;
    let mut f = Connection::open(floor_addr).await;
    for round in 0..count + 5 {
        let started = Instant::now();
        let (status, body) = c.send(&login).await;
        let login_took = started.elapsed();
        assert_eq!(status, 201);
        let after_login = verify().await;
        let started = Instant::now();
        let (status, _) = f.send(&login).await;
        let floor_took = started.elapsed();
        assert_eq!(status, 201);
        let after_floor = verify().await;
        if round >= 5 {
            run.logins.push(login_took);
            run.after_logins.push(after_login);
            run.floors.push(floor_took);
            run.after_floors.push(after_floor);
        }
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        run.token = v["session_token"].as_str().unwrap().to_owned();
    }
    run
}

/// The floor of a login in this architecture: the same HTTP server and the same verify on the
/// blocking pool, with no rate limit, no lookup and no session written.
fn floor_router(state: AppState, stored: String) -> Router {
    Router::new().route(
        "/api/v2/users/login",
        post_route(move |body: axum::Json<serde_json::Value>| {
            let (state, stored) = (state.clone(), stored.clone());
            async move {
                let password = body["password"].as_str().unwrap_or_default();
                let ok = state.hasher.verify(Some(&stored), password).await.unwrap();
                let status = if ok { 201 } else { 401 };
                (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    [("content-type", "application/json")],
                    r#"{"session_token":"floor"}"#,
                )
            }
        }),
    )
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// The median of each `a` over the `b` of the same round: the machine's drift cancels in each.
fn median_pair(a: &[Duration], b: &[Duration]) -> f64 {
    let mut paired: Vec<f64> = a.iter().zip(b).map(|(a, b)| ratio(*a, *b)).collect();
    paired.sort_by(f64::total_cmp);
    paired[paired.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        // Counted as in production, never reached.
        login_rate_limit: u32::MAX,
        ..Settings::default()
    };
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mailer = Arc::new(OutboxMailer::new(dir.path().join("outbox")));
    let state = AppState::new(settings, store, mailer, Arc::new(SystemClock));
    let addr = serve(gatehouse_local::app(state.clone())).await;
    let mut c = Connection::open(addr).await;
    let (status, _) = c
        .send(&post(
            "/api/v2/users/first",
            &format!(r#"{{"email":"load@example.com","username":"load","password":"{PASSWORD}"}}"#),
        ))
        .await;
    assert_eq!(status, 201);
    let stored = state
        .store
        .user_by_email("load@example.com")
        .await
        .unwrap()
        .unwrap()
        .hashed_password
        .unwrap();

    let floor_addr = serve(floor_router(state.clone(), stored.clone())).await;

    // 1. Login against one argon2id verify, interleaved. The client has a thread and an event
    // loop of its own, as a real client would: on the server's runtime, every response would
    // reach it through one of the server's workers.
    let run = {
        let (state, stored, count) = (state.clone(), stored.clone(), a.logins);
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(logins(addr, floor_addr, state, stored, count))
        })
        .join()
        .unwrap()
    };
    let login_pairs = median_pair(&run.logins, &run.after_logins);
    let floor_pairs = median_pair(&run.floors, &run.after_floors);
    let mut extra: Vec<f64> = run
        .logins
        .iter()
        .zip(&run.floors)
        .map(|(l, f)| (l.as_secs_f64() - f.as_secs_f64()) * 1e6)
        .collect();
    extra.sort_by(f64::total_cmp);
    let token = run.token;
    let verifies = [run.after_logins, run.after_floors].concat();
    let (login_p50, floor_p50, verify_p50) = (p50(run.logins), p50(run.floors), p50(verifies));
    println!(
        "login over HTTP, {} sequential: p50 {} vs one argon2id verify p50 {}: {:.3}x (median pair {:.3}x)",
        a.logins,
        ms(login_p50),
        ms(verify_p50),
        ratio(login_p50, verify_p50),
        login_pairs
    );
    println!(
        "  floor, a bare handler running the same verify over HTTP: p50 {}: {:.3}x (median pair {:.3}x)",
        ms(floor_p50),
        ratio(floor_p50, verify_p50),
        floor_pairs
    );
    println!(
        "  login over the floor, median of each round's difference: {:.0} us",
        extra[extra.len() / 2]
    );

    // 2. GET /users/me against a bare handler returning the same body from memory.
    let me = format!(
        "GET /api/v2/users/me HTTP/1.1\r\nhost: load\r\ncoder-session-token: {token}\r\n\r\n"
    )
    .into_bytes();
    let (status, body) = c.send(&me).await;
    assert_eq!(status, 200);
    let body = Arc::new(body);
    let bare = Router::new().route(
        "/api/v2/users/me",
        get(move || {
            let body = body.clone();
            async move {
                (
                    [("content-type", "application/json; charset=utf-8")],
                    body.as_ref().clone(),
                )
            }
        }),
    );
    let bare_addr = serve(bare).await;
    let (mut bare_total, mut real_total, mut ratios) = (0.0, 0.0, Vec::new());
    for round in 0..a.rounds {
        let (bare_rps, real_rps) = if round % 2 == 0 {
            let bare = throughput(bare_addr, me.clone(), a.connections, a.seconds).await;
            (
                bare,
                throughput(addr, me.clone(), a.connections, a.seconds).await,
            )
        } else {
            let real = throughput(addr, me.clone(), a.connections, a.seconds).await;
            (
                throughput(bare_addr, me.clone(), a.connections, a.seconds).await,
                real,
            )
        };
        println!(
            "  round {}: gatehouse {real_rps:.0} req/s, bare axum {bare_rps:.0} req/s: {:.2}x",
            round + 1,
            real_rps / bare_rps
        );
        bare_total += bare_rps;
        real_total += real_rps;
        ratios.push(real_rps / bare_rps);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "GET /users/me, {} connections, {} rounds of {} s: gatehouse {:.0} req/s vs bare axum {:.0} req/s: {:.2}x (median round {:.2}x)",
        a.connections,
        a.rounds,
        a.seconds,
        real_total / a.rounds as f64,
        bare_total / a.rounds as f64,
        real_total / bare_total,
        ratios[ratios.len() / 2]
    );
}
