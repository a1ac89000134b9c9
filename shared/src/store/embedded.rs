//! The local store: one redb database file under `GATEHOUSE_DATA_DIR`. redb serialises write
//! transactions, so every check-then-write below (uniqueness, revisions, counters) is atomic, and
//! a transaction that returns an error is dropped uncommitted: no partial writes.

use super::records::{
    self, ApiKeyRecord, CounterRecord, MarkerRecord, OrganizationRecord, UserRecord,
};
use super::{
    ApiKeyStore, CounterStore, OrganizationStore, SecretStore, StoreError, StoreResult, UserStore,
    keys,
};
use crate::model::{ApiKey, Organization, User};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redb::{Database, Durability, ReadableTable, TableDefinition};
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

const ITEMS: TableDefinition<&str, &[u8]> = TableDefinition::new("items");

type Table<'txn> = redb::Table<'txn, &'static str, &'static [u8]>;

#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedStore")
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl EmbeddedStore {
    /// Opens (or creates) `<dir>/gatehouse.redb`.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir).map_err(backend)?;
        let db = Database::create(dir.join("gatehouse.redb")).map_err(backend)?;
        let txn = db.begin_write().map_err(backend)?;
        txn.open_table(ITEMS).map_err(backend)?;
        txn.commit().map_err(backend)?;
        Ok(Self { db: Arc::new(db) })
    }

    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Table<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.write_with(Durability::Immediate, work).await
    }

    /// A write transaction; `Durability::Eventual` skips the fsync, for data whose loss in a
    /// crash is harmless (rate-limit counters). The next immediate commit persists it too.
    async fn write_with<T: Send + 'static>(
        &self,
        durability: Durability,
        work: impl FnOnce(&mut Table<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let mut txn = db.begin_write().map_err(backend)?;
            txn.set_durability(durability);
            let out = {
                let mut table = txn.open_table(ITEMS).map_err(backend)?;
                work(&mut table)?
            };
            txn.commit().map_err(backend)?;
            Ok(out)
        })
        .await
        .map_err(backend)?
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&redb::ReadOnlyTable<&'static str, &'static [u8]>) -> StoreResult<T>
        + Send
        + 'static,
    ) -> StoreResult<T> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            work(&table)
        })
        .await
        .map_err(backend)?
    }
}

fn get(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> StoreResult<Option<Vec<u8>>> {
    Ok(table.get(key).map_err(backend)?.map(|v| v.value().to_vec()))
}

fn put(table: &mut Table<'_>, key: &str, value: &[u8]) -> StoreResult<()> {
    table.insert(key, value).map_err(backend)?;
    Ok(())
}

fn exists(table: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> StoreResult<bool> {
    Ok(table.get(key).map_err(backend)?.is_some())
}

fn marker(target: &str) -> StoreResult<Vec<u8>> {
    Ok(records::encode(&MarkerRecord {
        target: target.to_owned(),
    })?
    .into_bytes())
}

fn user_from(bytes: &[u8]) -> StoreResult<User> {
    records::decode::<UserRecord, User>(bytes)
}

fn user_via_marker(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    marker_key: &str,
) -> StoreResult<Option<User>> {
    let Some(m) = get(table, marker_key)? else {
        return Ok(None);
    };
    let m: MarkerRecord =
        serde_json::from_slice(&m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    get(table, &m.target)?.map(|b| user_from(&b)).transpose()
}

/// Writes a new user and its uniqueness markers, failing without writing if either is taken.
fn insert_user(table: &mut Table<'_>, user: &User) -> StoreResult<()> {
    let email = keys::email_marker(&user.email_key());
    let username = keys::username_marker(&user.username_key());
    if exists(table, &email)? {
        return Err(StoreError::EmailTaken);
    }
    if exists(table, &username)? {
        return Err(StoreError::UsernameTaken);
    }
    let pk = keys::user(user.id);
    if exists(table, &pk)? {
        return Err(StoreError::Conflict);
    }
    let mut record = UserRecord::from(user);
    record.revision = 1;
    put(table, &pk, records::encode(&record)?.as_bytes())?;
    put(table, &email, &marker(&pk)?)?;
    put(table, &username, &marker(&pk)?)
}

/// Writes `user` if its stored revision is still `user.revision`; email and username are fixed.
fn save_user(table: &mut Table<'_>, user: &User) -> StoreResult<u64> {
    let pk = keys::user(user.id);
    let current = get(table, &pk)?
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
    put(table, &pk, records::encode(&record)?.as_bytes())?;
    Ok(record.revision)
}

fn insert_organization(table: &mut Table<'_>, organization: &Organization) -> StoreResult<()> {
    let pk = keys::organization(organization.id);
    let name = keys::organization_name_marker(&organization.name);
    if exists(table, &name)? || exists(table, &pk)? {
        return Err(StoreError::OrganizationNameTaken);
    }
    put(
        table,
        &pk,
        records::encode(&OrganizationRecord::from(organization))?.as_bytes(),
    )?;
    put(table, &name, &marker(&pk)?)?;
    if organization.is_default {
        if exists(table, keys::DEFAULT_ORGANIZATION)? {
            return Err(StoreError::Conflict);
        }
        put(table, keys::DEFAULT_ORGANIZATION, &marker(&pk)?)?;
    }
    Ok(())
}

fn organization_via_marker(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    marker_key: &str,
) -> StoreResult<Option<Organization>> {
    let Some(m) = get(table, marker_key)? else {
        return Ok(None);
    };
    let m: MarkerRecord =
        serde_json::from_slice(&m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    get(table, &m.target)?
        .map(|b| records::decode::<OrganizationRecord, Organization>(&b))
        .transpose()
}

/// Removes a key, its index entry and its name marker.
fn remove_api_key(table: &mut Table<'_>, id: &str) -> StoreResult<()> {
    let Some(bytes) = table
        .remove(keys::api_key(id).as_str())
        .map_err(backend)?
        .map(|v| v.value().to_vec())
    else {
        return Ok(());
    };
    let key: ApiKey = records::decode::<ApiKeyRecord, ApiKey>(&bytes)?;
    table
        .remove(user_key_index(key.user_id, &key.id).as_str())
        .map_err(backend)?;
    if !key.token_name.is_empty() {
        table
            .remove(keys::token_name_marker(key.user_id, &key.token_name).as_str())
            .map_err(backend)?;
    }
    Ok(())
}

fn user_key_index(user_id: Uuid, key_id: &str) -> String {
    format!("{}#{key_id}", keys::api_keys_of_user(user_id))
}

fn key_ids_of_user(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    user_id: Uuid,
) -> StoreResult<Vec<String>> {
    let prefix = format!("{}#", keys::api_keys_of_user(user_id));
    // '$' sorts right after '#', so this range holds exactly the keys with the prefix.
    let end = format!("{}$", keys::api_keys_of_user(user_id));
    let mut ids = Vec::new();
    for entry in table
        .range(prefix.as_str()..end.as_str())
        .map_err(backend)?
    {
        let (k, _) = entry.map_err(backend)?;
        if let Some(id) = k.value().strip_prefix(&prefix) {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

#[async_trait]
impl UserStore for EmbeddedStore {
    async fn create_first_user(&self, user: &User, organization: &Organization) -> StoreResult<()> {
        let (user, organization) = (user.clone(), organization.clone());
        self.write(move |t| {
            if exists(t, keys::FIRST_USER)? {
                return Err(StoreError::FirstUserExists);
            }
            insert_organization(t, &organization)?;
            insert_user(t, &user)?;
            put(t, keys::FIRST_USER, &marker(&keys::user(user.id))?)
        })
        .await
    }

    async fn first_user_exists(&self) -> StoreResult<bool> {
        self.read(|t| exists(t, keys::FIRST_USER)).await
    }

    async fn create_user(&self, user: &User) -> StoreResult<()> {
        let user = user.clone();
        self.write(move |t| insert_user(t, &user)).await
    }

    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>> {
        self.read(move |t| get(t, &keys::user(id))?.map(|b| user_from(&b)).transpose())
            .await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let key = keys::email_marker(&crate::model::user_keys::email(email));
        self.read(move |t| user_via_marker(t, &key)).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let key = keys::username_marker(&crate::model::user_keys::username(username));
        self.read(move |t| user_via_marker(t, &key)).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<u64> {
        let user = user.clone();
        self.write(move |t| save_user(t, &user)).await
    }
}

#[async_trait]
impl OrganizationStore for EmbeddedStore {
    async fn create_organization_with_member(
        &self,
        organization: &Organization,
        member: &User,
    ) -> StoreResult<u64> {
        let (organization, member) = (organization.clone(), member.clone());
        self.write(move |t| {
            insert_organization(t, &organization)?;
            save_user(t, &member)
        })
        .await
    }

    async fn organization_by_id(&self, id: Uuid) -> StoreResult<Option<Organization>> {
        self.read(move |t| {
            get(t, &keys::organization(id))?
                .map(|b| records::decode::<OrganizationRecord, Organization>(&b))
                .transpose()
        })
        .await
    }

    async fn organization_by_name(&self, name: &str) -> StoreResult<Option<Organization>> {
        let marker = keys::organization_name_marker(name);
        self.read(move |t| organization_via_marker(t, &marker))
            .await
    }

    async fn default_organization(&self) -> StoreResult<Option<Organization>> {
        self.read(|t| organization_via_marker(t, keys::DEFAULT_ORGANIZATION))
            .await
    }
}

#[async_trait]
impl ApiKeyStore for EmbeddedStore {
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let key = key.clone();
        self.write(move |t| {
            let pk = keys::api_key(&key.id);
            if exists(t, &pk)? {
                return Err(StoreError::Conflict);
            }
            if !key.token_name.is_empty() {
                let name = keys::token_name_marker(key.user_id, &key.token_name);
                if exists(t, &name)? {
                    return Err(StoreError::TokenNameTaken);
                }
                put(t, &name, &marker(&pk)?)?;
            }
            put(
                t,
                &pk,
                records::encode(&ApiKeyRecord::from(&key))?.as_bytes(),
            )?;
            put(t, &user_key_index(key.user_id, &key.id), b"")
        })
        .await
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        let pk = keys::api_key(id);
        self.read(move |t| {
            get(t, &pk)?
                .map(|b| records::decode::<ApiKeyRecord, ApiKey>(&b))
                .transpose()
        })
        .await
    }

    async fn touch_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let key = key.clone();
        self.write(move |t| {
            let pk = keys::api_key(&key.id);
            // A key deleted meanwhile (logout) stays deleted.
            if !exists(t, &pk)? {
                return Ok(());
            }
            put(
                t,
                &pk,
                records::encode(&ApiKeyRecord::from(&key))?.as_bytes(),
            )
        })
        .await
    }

    async fn delete_api_key(&self, id: &str) -> StoreResult<()> {
        let id = id.to_owned();
        self.write(move |t| remove_api_key(t, &id)).await
    }

    async fn api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<ApiKey>> {
        self.read(move |t| {
            let mut out = Vec::new();
            for id in key_ids_of_user(t, user_id)? {
                if let Some(b) = get(t, &keys::api_key(&id))? {
                    out.push(records::decode::<ApiKeyRecord, ApiKey>(&b)?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn delete_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<()> {
        self.write(move |t| {
            for id in key_ids_of_user(t, user_id)? {
                remove_api_key(t, &id)?;
            }
            Ok(())
        })
        .await
    }
}

fn live_counter(bytes: Option<Vec<u8>>, now: DateTime<Utc>) -> StoreResult<u64> {
    let Some(bytes) = bytes else { return Ok(0) };
    let c: CounterRecord =
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(if c.expires_at > now { c.count } else { 0 })
}

#[async_trait]
impl CounterStore for EmbeddedStore {
    async fn counter(&self, key: &str, now: DateTime<Utc>) -> StoreResult<u64> {
        let pk = keys::counter(key);
        self.read(move |t| live_counter(get(t, &pk)?, now)).await
    }

    async fn increment_below(
        &self,
        key: &str,
        ceiling: u64,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u64>> {
        let pk = keys::counter(key);
        self.write_with(Durability::Eventual, move |t| {
            let count = live_counter(get(t, &pk)?, now)?;
            if count >= ceiling {
                return Ok(None);
            }
            let record = CounterRecord {
                count: count + 1,
                expires_at,
            };
            put(t, &pk, records::encode(&record)?.as_bytes())?;
            Ok(Some(count + 1))
        })
        .await
    }
}

#[async_trait]
impl SecretStore for EmbeddedStore {
    async fn get_or_create_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        let (pk, candidate) = (keys::secret(name), candidate.to_vec());
        self.write(move |t| match get(t, &pk)? {
            Some(existing) => Ok(existing),
            None => {
                put(t, &pk, &candidate)?;
                Ok(candidate)
            }
        })
        .await
    }
}
