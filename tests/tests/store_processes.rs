//! The embedded store shared by several processes at once, as under `cargo lambda watch`: no
//! acknowledged write is lost to a concurrent writer, a writer killed mid-write leaves the
//! store readable and writable for the others, no process answers from a cached credential
//! after another changed it, and a write waits out another process's lock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use chrono::{Duration, Utc};
use gatehouse::model::User;
use gatehouse::store::{
    ApiKeyStore, CounterStore, EmbeddedStore, SessionStore, StoreError, UserStore, update_user_with,
};
use gatehouse_tests::{append_role_until_committed, session_key, unique_email, unique_username};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const WRITER: &str = env!("CARGO_BIN_EXE_store-writer");

async fn store_with_user(dir: &Path) -> (EmbeddedStore, User) {
    let store = EmbeddedStore::open(dir).unwrap();
    let user = User::new(&unique_email("proc"), &unique_username("proc"), Utc::now());
    store.create_user(&user).await.unwrap();
    (store, user)
}

fn writer(dir: &Path, user: &User, tag: &str, count: u64) -> Child {
    Command::new(WRITER)
        .args([
            dir.to_str().unwrap(),
            &user.id.to_string(),
            tag,
            &count.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads `ack <i>` lines until the child's output ends; returns the roles it acknowledged.
fn acknowledged(tag: &str, lines: impl Iterator<Item = std::io::Result<String>>) -> Vec<String> {
    lines
        .map_while(Result::ok)
        .filter_map(|l| l.strip_prefix("ack ").map(|i| format!("{tag}-{i}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_in_two_processes_lose_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let (store, user) = store_with_user(dir.path()).await;
    let mut a = writer(dir.path(), &user, "a", 40);
    let mut b = writer(dir.path(), &user, "b", 40);
    // This process writes the same user at the same time.
    for i in 0..40 {
        append_role_until_committed(&store, user.id, &format!("c-{i}")).await;
    }
    let acks_a = acknowledged("a", BufReader::new(a.stdout.take().unwrap()).lines());
    let acks_b = acknowledged("b", BufReader::new(b.stdout.take().unwrap()).lines());
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    assert_eq!((acks_a.len(), acks_b.len()), (40, 40));

    let stored = store.user_by_id(user.id).await.unwrap().unwrap();
    let roles: HashSet<&str> = stored.roles.iter().map(String::as_str).collect();
    for role in acks_a.iter().chain(&acks_b) {
        assert!(
            roles.contains(role.as_str()),
            "lost acknowledged write {role}"
        );
    }
    assert_eq!(stored.roles.len(), 120, "each write applied exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_killed_mid_write_leaves_the_store_readable_and_writable() {
    let dir = tempfile::tempdir().unwrap();
    let (store, user) = store_with_user(dir.path()).await;
    let mut child = writer(dir.path(), &user, "k", 1_000_000);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acks = acknowledged("k", lines.by_ref().take(25));
    // SIGKILL while it keeps writing: no destructor, no clean close.
    child.kill().unwrap();
    child.wait().unwrap();
    acks.extend(acknowledged("k", lines));

    // Another process (this one, on a fresh handle) reads every acknowledged write ...
    let reopened = EmbeddedStore::open(dir.path()).unwrap();
    let stored = reopened.user_by_id(user.id).await.unwrap().unwrap();
    for role in &acks {
        assert!(
            stored.roles.contains(role),
            "lost acknowledged write {role}"
        );
    }
    // ... and writes on.
    update_user_with(&reopened, stored, |u| {
        u.roles.push("after".to_owned());
        Ok::<(), StoreError>(())
    })
    .await
    .unwrap();
    let after = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(after.roles.last().map(String::as_str), Some("after"));
}

/// Authentication reads a credential and its user from a per-process cache; a write by another
/// process must reach the very next read here, cache or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_by_another_process_reaches_the_next_cached_read() {
    let dir = tempfile::tempdir().unwrap();
    let (store, user) = store_with_user(dir.path()).await;
    let key = session_key(&user, Duration::hours(24));
    store.insert_api_key(&key).await.unwrap();
    for _ in 0..3 {
        // Read again and again: from the second read on, the pair comes from the cache.
        let (_, read) = store.api_key_with_user(&key.id).await.unwrap().unwrap();
        assert!(read.unwrap().roles.is_empty());
    }

    // Another process changes the user ...
    let mut child = writer(dir.path(), &user, "x", 1);
    assert!(child.wait().unwrap().success());
    let (_, read) = store.api_key_with_user(&key.id).await.unwrap().unwrap();
    assert_eq!(
        read.unwrap().roles,
        ["x-0"],
        "served the user from before the change"
    );

    // ... and another handle on the store (its own cache and connections) ends the session.
    let other = EmbeddedStore::open(dir.path()).unwrap();
    assert!(other.api_key_with_user(&key.id).await.unwrap().is_some());
    store.delete_api_key(&key.id).await.unwrap();
    assert!(
        other.api_key_with_user(&key.id).await.unwrap().is_none(),
        "served a deleted session"
    );

    // A suspension through `other` reaches `store` the same way.
    let key = session_key(&user, Duration::hours(24));
    store.insert_api_key(&key).await.unwrap();
    store.api_key_with_user(&key.id).await.unwrap();
    let fresh = other.user_by_id(user.id).await.unwrap().unwrap();
    update_user_with(&other, fresh, |u| {
        u.status = gatehouse::model::UserStatus::Suspended;
        Ok::<(), StoreError>(())
    })
    .await
    .unwrap();
    let (_, read) = store.api_key_with_user(&key.id).await.unwrap().unwrap();
    assert_eq!(
        read.unwrap().status,
        gatehouse::model::UserStatus::Suspended
    );
}

/// Writes that need not wait for the disk first try to take the lock without waiting; while
/// another process holds it they must wait for it, not fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_while_another_process_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store_with_user(dir.path()).await;
    let holder = rusqlite::Connection::open(dir.path().join("gatehouse.sqlite3")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        holder.execute_batch("COMMIT").unwrap();
    });
    let started = std::time::Instant::now();
    let now = Utc::now();
    let counted = store
        .increment_below("lock-test", 5, now + Duration::minutes(1), now)
        .await
        .unwrap();
    assert_eq!(counted, Some(1));
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(250),
        "the write did not wait for the lock"
    );
    release.join().unwrap();
}

/// The store copies its write-ahead log into the database itself (SQLite's own checkpoint in the
/// commit is off): under a stream of writes the log is reused, not grown without bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_checkpointed_under_a_stream_of_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store_with_user(dir.path()).await;
    let now = Utc::now();
    // Each write is at least one 4 KiB page in the log: 6,000 of them, six times the point at
    // which a checkpoint is due.
    for i in 0..6_000 {
        store
            .increment_below(&format!("stream-{i}"), 5, now + Duration::minutes(1), now)
            .await
            .unwrap();
    }
    let log = std::fs::metadata(dir.path().join("gatehouse.sqlite3-wal"))
        .unwrap()
        .len();
    assert!(
        log < 3_000 * 4096,
        "the log grew to {log} bytes: it is not being checkpointed"
    );
}
