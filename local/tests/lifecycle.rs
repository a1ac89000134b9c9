//! The real `gatehouse-local` binary: starts on an empty data dir, serves, stops on SIGTERM, and
//! comes back with everything it acknowledged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gatehouse-local"))
        .env("GATEHOUSE_DATA_DIR", dir)
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_ARGON2_MEMORY_KIB", "1024")
        .env("GATEHOUSE_ARGON2_ITERATIONS", "1")
        .env("GATEHOUSE_OTP_REQUEST_FLOOR_MS", "0")
        .env_remove("GATEHOUSE_STORE")
        .env_remove("GATEHOUSE_MAILER")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_healthy(base: &str) {
    for _ in 0..100 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("gatehouse-local did not become healthy");
}

fn terminate(mut child: Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    for _ in 0..100 {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("gatehouse-local ignored SIGTERM");
}

#[tokio::test]
async fn serves_stops_on_sigterm_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = start(&data, port);
    wait_healthy(&base).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/api/v2/users/first"))
        .body(
            r#"{"email":"admin@example.com","username":"admin","password":"SomeSecurePassword!"}"#,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = http
        .post(format!("{base}/api/v2/users/otp/request"))
        .body(r#"{"email":"admin@example.com"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let outbox: Vec<_> = std::fs::read_dir(data.join("outbox"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(outbox.len(), 1);
    let mail: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outbox[0].path()).unwrap()).unwrap();
    assert_eq!(mail["to"], serde_json::json!(["admin@example.com"]));
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains(&format!("{base}/reset-password/change?otp="))
    );
    assert!(mail["html"].as_str().unwrap().contains("Reset password"));
    assert!(mail["subject"].is_string());

    let exit = terminate(child);
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");

    let child = start(&data, port);
    wait_healthy(&base).await;
    let r = http
        .post(format!("{base}/api/v2/users/login"))
        .body(r#"{"email":"admin@example.com","password":"SomeSecurePassword!"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "the first user survived the restart");
    let r = http
        .get(format!("{base}/api/v2/users/first"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{base}/api/v2/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(terminate(child).success());
}
