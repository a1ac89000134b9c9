//! Every authenticated request reads its credential and that credential's user; this keeps the
//! decoded pair in memory for as long as no process has written either kind of record since.
//!
//! Several processes share the database, so "since" is kept in a file beside it,
//! `gatehouse.changes`: eight bytes that every write transaction touching a user, a key or a
//! session replaces with a fresh random stamp right after it commits. A cached pair carries the
//! stamp that was in the file when its read began, and is used only while the file still holds
//! that stamp. So once a write returns (a logout, a suspension in another process), no request
//! is answered from what it replaced; a request that runs during the write may see either
//! side, as it would without a cache. Stamps are random rather than counted, so writers in
//! different processes need no lock to make a new one.
//!
//! Should a process die between its commit and its new stamp, a cached pair could outlive the
//! commit; [`MAX_AGE`] bounds that to a second.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(super) const FILE_NAME: &str = "gatehouse.changes";

/// The longest a pair is used without reading it again, whatever the stamp says.
const MAX_AGE: Duration = Duration::from_secs(1);

/// Pairs kept per kind; the cache starts over when one more would not fit.
const CAPACITY: usize = 4096;

/// The key prefixes of what the caches hold: the credential items and the users they name
/// (`tests::prefixes_are_the_keys` ties them to `crate::store::keys`).
const CACHED_PREFIXES: [&str; 4] = ["USER#", "APIKEY#", "BSESSION#", "BAPIKEY#"];

/// Whether a write to `key` can change a pair the caches hold.
pub(super) fn is_cached_item(key: &str) -> bool {
    CACHED_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// The shared file of stamps.
pub(super) struct Changes {
    file: File,
}

impl Changes {
    pub(super) fn open(dir: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(FILE_NAME))?;
        let changes = Self { file };
        // A stamp of this opening: whatever another process cached before now is re-read.
        changes.mark()?;
        Ok(changes)
    }

    /// The stamp now; `None` when the file cannot be read, and then nothing is cached.
    pub(super) fn current(&self) -> Option<u64> {
        let mut bytes = [0u8; 8];
        self.file.read_exact_at(&mut bytes, 0).ok()?;
        Some(u64::from_le_bytes(bytes))
    }

    /// Replaces the stamp: every pair cached under the old one, in any process, is stale.
    pub(super) fn mark(&self) -> std::io::Result<()> {
        let stamp: u64 = rand::random();
        self.file.write_all_at(&stamp.to_le_bytes(), 0)
    }
}

struct Entry<V> {
    stamp: u64,
    read_at: Instant,
    value: V,
}

/// Decoded pairs by item key.
pub(super) struct ReadCache<V> {
    entries: Mutex<HashMap<String, Entry<V>>>,
}

impl<V: Clone> ReadCache<V> {
    pub(super) fn new() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The pair at `key`, if it was read under `stamp` less than [`MAX_AGE`] ago.
    pub(super) fn get(&self, key: &str, stamp: u64) -> Option<V> {
        let entries = self.lock();
        let entry = entries.get(key)?;
        (entry.stamp == stamp && entry.read_at.elapsed() < MAX_AGE).then(|| entry.value.clone())
    }

    /// Keeps `value`, read at `key` in a read that began under `stamp` at `read_at`.
    pub(super) fn put(&self, key: &str, stamp: u64, read_at: Instant, value: V) {
        let mut entries = self.lock();
        if entries.len() >= CAPACITY && !entries.contains_key(key) {
            entries.retain(|_, e| e.stamp == stamp && e.read_at.elapsed() < MAX_AGE);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key.to_owned(),
            Entry {
                stamp,
                read_at,
                value,
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<V>>> {
        // The map stays consistent even if a holder panicked.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::keys;
    use uuid::Uuid;

    #[test]
    fn prefixes_are_the_keys() {
        let id = Uuid::new_v4();
        for key in [
            keys::user(id),
            keys::api_key("abc"),
            keys::barong_session("00ff"),
            keys::barong_api_key("kid"),
        ] {
            assert!(is_cached_item(&key), "{key}");
        }
        for key in [
            keys::api_keys_of_user(id),
            keys::email_marker("a@b"),
            keys::username_marker("a"),
            keys::counter("login"),
            keys::activities_of_user(id),
            keys::barong_api_keys_of_user(id),
            keys::token_name_marker(id, "n"),
        ] {
            assert!(!is_cached_item(&key), "{key}");
        }
    }
}
