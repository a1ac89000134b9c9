//! When the store cannot be reached, authentication and login answer 500, never 401: Coder
//! clients take a 401 as "signed out" and throw the session away.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use chrono::Duration;
use gatehouse::AppState;
use gatehouse::store::DynamoStore;
use gatehouse_tests::moto::Moto;
use gatehouse_tests::{Backend, STRONG, TestServer};
use serde_json::json;
use std::sync::Arc;

const INTERNAL: &str =
    "An internal error occurred. Please try again or contact the system administrator.";

/// DynamoDB: the same table, through a client whose endpoint refuses connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_unreachable_is_a_500() {
    let up = TestServer::start(Backend::Moto).await;
    let (owner, _, _) = up.owner().await;
    let down_store = Arc::new(DynamoStore::new(
        Moto::unreachable_dynamodb(),
        up.state.settings.table.clone(),
    ));
    let state = AppState::new(
        (*up.state.settings).clone(),
        down_store,
        up.state.mailer.clone(),
        up.clock.clone(),
    );
    let down = TestServer::serve(Backend::Moto, state, up.clock.clone(), None).await;
    let r = down.get_with_token("/api/v2/users/me", &owner).await;
    assert_eq!((r.status, r.message()), (500, INTERNAL), "{}", r.text);
    let r = down
        .post(
            "/api/v2/users/login",
            json!({"email": "anyone@example.com", "password": STRONG}),
        )
        .await;
    assert_eq!(r.status, 500, "{}", r.text);
    assert_ne!(r.message(), "Incorrect email or password.");
}

/// Embedded: another process holds the write lock longer than the store waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_locked_is_a_500() {
    let s = TestServer::start(Backend::Embedded).await;
    let (owner, _, _) = s.owner().await;
    let db = s.state.settings.data_dir.join("gatehouse.sqlite3");
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // Two hours on, authentication must write the key's last use: the write cannot get the lock.
    s.clock.advance(Duration::hours(2));
    let r = s.get_with_token("/api/v2/users/me", &owner).await;
    assert_eq!((r.status, r.message()), (500, INTERNAL), "{}", r.text);
    holder.execute_batch("ROLLBACK").unwrap();
    let r = s.get_with_token("/api/v2/users/me", &owner).await;
    assert_eq!(r.status, 200, "{}", r.text);
}
