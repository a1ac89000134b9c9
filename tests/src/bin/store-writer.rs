//! A second process on the embedded store, for `tests/tests/store_processes.rs`:
//! `store-writer <data dir> <user id> <tag> <count>` appends the roles `<tag>-0` .. `<tag>-<count-1>`
//! to one user, one revision-checked update each, and prints `ack <i>` once each is committed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gatehouse::store::{EmbeddedStore, StoreError, UserStore, update_user_with};
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
        let user = store.user_by_id(id).await.unwrap().expect("user exists");
        let role = format!("{tag}-{i}");
        // A conflicting writer means: read again and retry, as the handlers do.
        loop {
            match update_user_with(&store, user.clone(), |u| {
                u.roles.push(role.clone());
                Ok::<(), StoreError>(())
            })
            .await
            {
                Ok(_) => break,
                Err(StoreError::Conflict) => continue,
                Err(e) => panic!("write failed: {e}"),
            }
        }
        writeln!(out, "ack {i}").unwrap();
        out.flush().unwrap();
    }
}
