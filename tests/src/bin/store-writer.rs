//! A second process on the embedded store, for `tests/tests/store_processes.rs`:
//! `store-writer <data dir> <user id> <tag> <count>` appends the roles `<tag>-0` .. `<tag>-<count-1>`
//! to one user, one revision-checked update each, and prints `ack <i>` once each is committed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gatehouse::store::EmbeddedStore;
use gatehouse_tests::append_role_until_committed;
use std::io::Write;
use std::path::PathBuf;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, user_id, tag, count] = args.as_slice() else {
        panic!("usage: store-writer <data dir> <user id> <tag> <count>");
    };
    let store = EmbeddedStore::open(&PathBuf::from(dir)).expect("open store");
    let id = user_id.parse().expect("user id");
    let count: u64 = count.parse().expect("count");
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        append_role_until_committed(&store, id, &format!("{tag}-{i}")).await;
        writeln!(out, "ack {i}").unwrap();
        out.flush().unwrap();
    }
}
