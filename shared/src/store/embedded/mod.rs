//! The local store: one SQLite database in WAL mode, `<GATEHOUSE_DATA_DIR>/gatehouse.sqlite3`,
//! holding the same logical items as the DynamoDB table in one key-value table.
//!
//! Several processes open it at once (`cargo lambda watch` runs one per endpoint group, and
//! `gatehouse-local` may run beside them). Every write is a `BEGIN IMMEDIATE` transaction, which
//! takes the database's single write lock before its first read, so each check-then-write below
//! (uniqueness, revisions, counters) is atomic across processes; a transaction that returns an
//! error is rolled back, so nothing is half-written. Readers see a consistent snapshot and never
//! wait for the writer. A process killed mid-write leaves only an uncommitted WAL tail, which the
//! next opener ignores.

use super::records::{
    self, ApiKeyRecord, BarongSessionRecord, CounterRecord, MarkerRecord, OrganizationRecord,
    UserRecord,
};
use super::{
    ActivityStore, ApiKeyStore, BarongApiKeyStore, BarongSessionStore, CounterStore,
    OrganizationStore, RestrictionStore, SecretStore, SessionStore, SlidingWindow, StoreError,
    StoreResult, UserStore, keys,
};
use crate::model::{ApiKey, BarongSession, Organization, Restriction, User};
use crate::token::SecretHash;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

// One module per capability; the helpers they share live here.
mod activities;
mod api_keys;
mod barong_api_keys;
mod barong_sessions;
mod counters;
mod organizations;
mod read_cache;
mod restrictions;
mod secrets;
mod users;

use read_cache::{Changes, ReadCache};
use users::user_from;

const FILE_NAME: &str = "gatehouse.sqlite3";

const SCHEMA: &str =
    "CREATE TABLE IF NOT EXISTS items (k TEXT PRIMARY KEY NOT NULL, v BLOB NOT NULL) WITHOUT ROWID";

/// How long a write waits for another process's write transaction (they last microseconds to a
/// few milliseconds) before the request fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Idle connections kept per process; more are opened under load and closed afterwards.
const IDLE_CONNECTIONS: usize = 8;

/// The log size, in pages, at which a commit has the log copied into the database (SQLite's own
/// default, here run on a blocking thread, see [`checkpoint`]).
const CHECKPOINT_PAGES: i32 = 1000;

#[derive(Clone)]
pub struct EmbeddedStore {
    pool: Arc<Pool>,
    /// At most one store call per pooled connection at a time: more would each open (and then
    /// drop) a connection of their own, which costs far more than waiting, and a 2-core machine
    /// gains nothing from more SQLite calls in parallel anyway.
    slots: Arc<tokio::sync::Semaphore>,
    cached: Arc<Cached>,
}

/// The credential-and-user pairs authentication reads, kept while no write has touched them
/// (see [`read_cache`]).
struct Cached {
    changes: Changes,
    api_keys: ReadCache<(ApiKey, Option<User>)>,
    barong_sessions: ReadCache<(BarongSession, Option<User>)>,
    barong_api_keys: ReadCache<(crate::model::BarongApiKey, Option<User>)>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedStore")
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Whether a commit waits for the disk. `Eventual` commits survive a crash of the process (the
/// WAL is in the OS page cache) but may be lost on power loss: fine for rate-limit counters and
/// for new or refreshed sessions (a lost one means signing in again). Whatever takes access
/// away (logout, deletion, a password change) waits for the disk.
#[derive(Clone, Copy)]
enum Durability {
    Immediate,
    Eventual,
}

struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    fn connect(&self) -> StoreResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        prepare(&conn)?;
        Ok(conn)
    }

    /// Runs `work` on an idle connection (or a new one) and keeps the connection for later.
    fn with<T>(&self, work: impl FnOnce(&mut Connection) -> StoreResult<T>) -> StoreResult<T> {
        let idle = self.lock().pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let out = work(&mut conn);
        let mut idle = self.lock();
        // A connection left inside a transaction (a failed COMMIT) is not reused.
        if idle.len() < IDLE_CONNECTIONS && conn.is_autocommit() {
            idle.push(conn);
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // The guarded Vec stays consistent even if a holder panicked.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every pooled connection: commits without a sync unless the write is
/// [`Durability::Immediate`] (so the common write sets nothing), waits for another process's
/// write lock, and leaves checkpoints to [`checkpoint`] (SQLite would run them inside the
/// commit, which may be on an async worker, with two disk syncs).
fn prepare(conn: &Connection) -> StoreResult<()> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    set_synchronous(conn, UNSYNCED)?;
    conn.wal_hook(Some(note_log_size));
    Ok(())
}

thread_local! {
    /// The write-ahead log's size after this thread's last commit, from [`note_log_size`].
    static LOG_PAGES: Cell<i32> = const { Cell::new(0) };
}

fn note_log_size(_: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    LOG_PAGES.set(pages);
    Ok(())
}

/// After a commit on this thread: whether the log has grown past [`CHECKPOINT_PAGES`].
fn checkpoint_due() -> bool {
    LOG_PAGES.replace(0) >= CHECKPOINT_PAGES
}

/// Copies the log into the database, on a blocking thread (passive: it waits for no one, and a
/// later commit retries whatever it could not copy). Once all of it is copied, the next write
/// starts the log over.
fn checkpoint(pool: &Pool) {
    let done = pool.with(|conn| {
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(backend)
    });
    if let Err(e) = done {
        tracing::warn!(error = %e, "checkpoint of the embedded store's log failed");
    }
}

/// The item table inside one transaction, noting whether it wrote anything the read caches hold.
struct Items<'c>(&'c Connection, Cell<bool>);

impl<'c> Items<'c> {
    fn new(conn: &'c Connection) -> Self {
        Self(conn, Cell::new(false))
    }

    fn note_write(&self, key: &str) {
        if read_cache::is_cached_item(key) {
            self.1.set(true);
        }
    }

    fn wrote_cached_items(&self) -> bool {
        self.1.get()
    }

    fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.0
            .prepare_cached("SELECT v FROM items WHERE k = ?1")
            .map_err(backend)?
            .query_row([key], |row| row.get(0))
            .optional()
            .map_err(backend)
    }

    fn exists(&self, key: &str) -> StoreResult<bool> {
        self.0
            .prepare_cached("SELECT 1 FROM items WHERE k = ?1")
            .map_err(backend)?
            .exists([key])
            .map_err(backend)
    }

    fn put(&self, key: &str, value: &[u8]) -> StoreResult<()> {
        self.note_write(key);
        self.0
            .prepare_cached("INSERT OR REPLACE INTO items (k, v) VALUES (?1, ?2)")
            .map_err(backend)?
            .execute(rusqlite::params![key, value])
            .map_err(backend)?;
        Ok(())
    }

    /// Deletes `key`, returning what it held.
    fn remove(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.note_write(key);
        self.0
            .prepare_cached("DELETE FROM items WHERE k = ?1 RETURNING v")
            .map_err(backend)?
            .query_row([key], |row| row.get(0))
            .optional()
            .map_err(backend)
    }

    /// Every key in `[start, end)`, in order.
    fn values_between(&self, start: &str, end: &str) -> StoreResult<Vec<Vec<u8>>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT v FROM items WHERE k >= ?1 AND k < ?2 ORDER BY k")
            .map_err(backend)?;
        let rows = stmt
            .query_map([start, end], |row| row.get(0))
            .map_err(backend)?;
        rows.collect::<Result<_, _>>().map_err(backend)
    }

    fn keys_between(&self, start: &str, end: &str) -> StoreResult<Vec<String>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT k FROM items WHERE k >= ?1 AND k < ?2 ORDER BY k")
            .map_err(backend)?;
        let rows = stmt
            .query_map([start, end], |row| row.get(0))
            .map_err(backend)?;
        rows.collect::<Result<_, _>>().map_err(backend)
    }
}

impl EmbeddedStore {
    /// Opens (or creates) `<dir>/gatehouse.sqlite3`; other processes may have it open too.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir).map_err(backend)?;
        let path = dir.join(FILE_NAME);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        prepare(&conn)?;
        // WAL is a property of the file: set once, every later connection uses it.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(backend)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "{} cannot use write-ahead logging (journal mode {mode})",
                path.display()
            )));
        }
        conn.execute(SCHEMA, []).map_err(backend)?;
        let cached = Cached {
            changes: Changes::open(dir).map_err(backend)?,
            api_keys: ReadCache::new(),
            barong_sessions: ReadCache::new(),
            barong_api_keys: ReadCache::new(),
        };
        Ok(Self {
            pool: Arc::new(Pool {
                path,
                idle: Mutex::new(vec![conn]),
            }),
            slots: Arc::new(tokio::sync::Semaphore::new(IDLE_CONNECTIONS)),
            cached: Arc::new(cached),
        })
    }

    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Items<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.write_with(Durability::Immediate, work).await
    }

    /// A write transaction holding the database's write lock from its first statement.
    ///
    /// One that need not wait for the disk runs on the calling thread when the lock is free: it
    /// takes tens of microseconds, less than handing it to a blocking thread and back (about
    /// 140 µs each way round on a 2-core machine, three times a login). Otherwise, or when another
    /// write holds the lock, it waits on a blocking thread.
    async fn write_with<T: Send + 'static>(
        &self,
        durability: Durability,
        work: impl FnOnce(&Items<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let _slot = self.slots.acquire().await.map_err(backend)?;
        let work = match durability {
            Durability::Eventual => {
                let attempt = self
                    .pool
                    .with(|conn| Ok(transact(conn, Lock::IfFree, &self.cached, work)))?;
                match attempt {
                    Ok(out) => {
                        if checkpoint_due() {
                            // Awaited, as SQLite's own checkpoint is part of the commit: a
                            // writer that went on at once would append to the log while it
                            // is copied, so the copy would never finish and the log never
                            // start over.
                            let pool = Arc::clone(&self.pool);
                            if let Err(e) =
                                tokio::task::spawn_blocking(move || checkpoint(&pool)).await
                            {
                                tracing::warn!(error = %e, "checkpoint task failed");
                            }
                        }
                        return out;
                    }
                    Err(LockHeld(work)) => work,
                }
            }
            Durability::Immediate => work,
        };
        let pool = Arc::clone(&self.pool);
        let cached = Arc::clone(&self.cached);
        tokio::task::spawn_blocking(move || {
            let out = pool.with(|conn| {
                // Connections commit without a sync (see `prepare`); only these writes switch
                // to it, and back.
                let synced = matches!(durability, Durability::Immediate);
                if synced {
                    set_synchronous(conn, SYNCED)?;
                }
                let out = match transact(conn, Lock::Wait, &cached, work) {
                    Ok(out) => out,
                    Err(LockHeld(_)) => Err(StoreError::Backend("database is locked".to_owned())),
                };
                if synced && let Err(e) = set_synchronous(conn, UNSYNCED) {
                    // Left as it is, the connection syncs every commit: slower, never less
                    // durable.
                    tracing::warn!(
                        error = %e,
                        "cannot switch a connection back to unsynced commits"
                    );
                }
                out
            });
            // Already on a blocking thread.
            if checkpoint_due() {
                checkpoint(&pool);
            }
            out
        })
        .await
        .map_err(backend)?
    }

    /// A read transaction: every read inside sees the same snapshot.
    /// Work that is one statement: SQLite reads it in its own implicit transaction, so it
    /// needs no BEGIN and COMMIT of its own. On the calling thread, as [`Self::read`].
    async fn read_statement<T>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let _slot = self.slots.acquire().await.map_err(backend)?;
        self.pool.with(|conn| work(conn))
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Items<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let _slot = self.slots.acquire().await.map_err(backend)?;
        // On the calling thread: in WAL mode a reader never waits for a writer, and a point read
        // from the page cache costs less than handing it to a blocking thread and back.
        self.pool.with(|conn| {
            conn.prepare_cached("BEGIN DEFERRED")
                .and_then(|mut s| s.execute([]))
                .map_err(backend)?;
            let out = work(&Items::new(conn));
            let end = if out.is_ok() { "COMMIT" } else { "ROLLBACK" };
            conn.prepare_cached(end)
                .and_then(|mut s| s.execute([]))
                .map_err(backend)?;
            out
        })
    }
}

const SYNCED: &str = "PRAGMA synchronous = FULL";
const UNSYNCED: &str = "PRAGMA synchronous = NORMAL";

fn set_synchronous(conn: &Connection, pragma: &str) -> StoreResult<()> {
    // A cached statement: parsing the pragma anew took longer than running it.
    conn.prepare_cached(pragma)
        .and_then(|mut s| s.execute([]))
        .map(drop)
        .map_err(backend)
}

/// Whether a write waits for another process's write lock.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lock {
    Wait,
    IfFree,
}

/// The work of a write not begun: the lock was held and [`Lock::IfFree`] said not to wait.
struct LockHeld<W>(W);

/// Runs `work` in a write transaction on `conn` and commits it; on a commit that wrote anything
/// the read caches hold, marks the change for every process.
fn transact<T, W>(
    conn: &mut Connection,
    lock: Lock,
    cached: &Cached,
    work: W,
) -> Result<StoreResult<T>, LockHeld<W>>
where
    W: FnOnce(&Items<'_>) -> StoreResult<T>,
{
    if lock == Lock::IfFree
        && let Err(e) = conn.busy_timeout(Duration::ZERO)
    {
        return Ok(Err(backend(e)));
    }
    let failure = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(txn) => return Ok(run_and_commit(txn, cached, work)),
        Err(e) => e,
    };
    let busy = failure.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy);
    if let Err(e) = conn.busy_timeout(BUSY_TIMEOUT) {
        return Ok(Err(backend(e)));
    }
    if busy && lock == Lock::IfFree {
        Err(LockHeld(work))
    } else {
        Ok(Err(backend(failure)))
    }
}

fn run_and_commit<T>(
    txn: rusqlite::Transaction<'_>,
    cached: &Cached,
    work: impl FnOnce(&Items<'_>) -> StoreResult<T>,
) -> StoreResult<T> {
    // Holding the lock, nothing below waits for another process.
    txn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    let items = Items::new(&txn);
    // Dropping `txn` on an error rolls it back.
    let out = work(&items)?;
    let wrote_cached_items = items.wrote_cached_items();
    txn.commit().map_err(backend)?;
    if wrote_cached_items {
        // Committed: from now on no process may answer from what it replaced.
        if let Err(e) = cached.changes.mark() {
            tracing::error!(error = %e, "cannot mark a change for the read caches");
        }
    }
    Ok(out)
}

/// An item whose record names a user (`user_id`), and that user (`USER#<user_id>`, see
/// [`keys::user`]), in one statement: one implicit read transaction, so the pair is consistent,
/// and an authenticated request pays for a single read.
const ITEM_WITH_USER: &str = "SELECT i.v, u.v FROM items AS i \
     LEFT JOIN items AS u ON u.k = 'USER#' || json_extract(CAST(i.v AS TEXT), '$.user_id') \
     WHERE i.k = ?1";

impl EmbeddedStore {
    /// The record at `pk` and the user it names, decoded, from `cache` while no write has
    /// touched either; the join trusts the record's `user_id`, so the decoded user must agree
    /// with `user_id_of` the record.
    async fn item_with_user<R, T>(
        &self,
        pk: &str,
        user_id_of: impl FnOnce(&T) -> Uuid,
        cache: impl FnOnce(&Cached) -> &ReadCache<(T, Option<User>)>,
    ) -> StoreResult<Option<(T, Option<User>)>>
    where
        R: for<'de> serde::Deserialize<'de>,
        T: TryFrom<R, Error = StoreError> + Clone,
    {
        let cache = cache(&self.cached);
        // The stamp before the read: a write committed after it changes the stamp.
        let stamp = self.cached.changes.current();
        if let Some(hit) = stamp.and_then(|s| cache.get(pk, s)) {
            return Ok(Some(hit));
        }
        // Only a miss needs the time: the read below starts after it.
        let read_at = Instant::now();
        let rows = self
            .read_statement(|conn| {
                conn.prepare_cached(ITEM_WITH_USER)
                    .map_err(backend)?
                    .query_row([pk], |row| {
                        Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Option<Vec<u8>>>(1)?))
                    })
                    .optional()
                    .map_err(backend)
            })
            .await?;
        let Some((item_bytes, user_bytes)) = rows else {
            return Ok(None);
        };
        let item = records::decode::<R, T>(&item_bytes)?;
        let user = user_bytes.map(|b| user_from(&b)).transpose()?;
        if user.as_ref().is_some_and(|u| u.id != user_id_of(&item)) {
            return Err(StoreError::Corrupt(format!("{pk} joined to another user")));
        }
        if let Some(stamp) = stamp {
            cache.put(pk, stamp, read_at, (item.clone(), user.clone()));
        }
        Ok(Some((item, user)))
    }
}

fn marker(target: &str) -> StoreResult<Vec<u8>> {
    Ok(records::encode(&MarkerRecord {
        target: target.to_owned(),
    })?
    .into_bytes())
}

fn marker_target(items: &Items<'_>, marker_key: &str) -> StoreResult<Option<String>> {
    let Some(m) = items.get(marker_key)? else {
        return Ok(None);
    };
    let m: MarkerRecord =
        serde_json::from_slice(&m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some(m.target))
}

/// Writes `user` if its stored revision is still `user.revision`; email and username are fixed.
fn save_user(items: &Items<'_>, user: &User) -> StoreResult<u64> {
    let pk = keys::user(user.id);
    let current = items
        .get(&pk)?
        .map(|b| user_from(&b))
        .transpose()?
        .ok_or(StoreError::Conflict)?;
    if current.revision != user.revision
        || current.email_key() != user.email_key()
        || current.username_key() != user.username_key()
    {
        return Err(StoreError::Conflict);
    }
    let mut record = UserRecord::from(user);
    record.revision = user.revision + 1;
    items.put(&pk, records::encode(&record)?.as_bytes())?;
    Ok(record.revision)
}

fn insert_organization(items: &Items<'_>, organization: &Organization) -> StoreResult<()> {
    let pk = keys::organization(organization.id);
    let name = keys::organization_name_marker(&organization.name);
    if items.exists(&name)? || items.exists(&pk)? {
        return Err(StoreError::OrganizationNameTaken);
    }
    items.put(
        &pk,
        records::encode(&OrganizationRecord::from(organization))?.as_bytes(),
    )?;
    items.put(&name, &marker(&pk)?)?;
    if organization.is_default {
        if items.exists(keys::DEFAULT_ORGANIZATION)? {
            return Err(StoreError::Conflict);
        }
        items.put(keys::DEFAULT_ORGANIZATION, &marker(&pk)?)?;
    }
    Ok(())
}

fn live_counter(bytes: Option<Vec<u8>>, now: DateTime<Utc>) -> StoreResult<u64> {
    let Some(bytes) = bytes else { return Ok(0) };
    let c: CounterRecord =
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(if c.expires_at > now { c.count } else { 0 })
}
