//! API keys, their per-user index entries and name markers.

use super::activities::ActivityEntries;
use super::*;
use crate::model::Activity;

/// Removes a key, its index entry and its name marker (when it still holds the name).
fn remove_api_key(items: &Items<'_>, id: &str) -> StoreResult<()> {
    let Some(bytes) = items.remove(&keys::api_key(id))? else {
        return Ok(());
    };
    let key: ApiKey = records::decode::<ApiKeyRecord, ApiKey>(&bytes)?;
    items.remove(&user_key_index(key.user_id, &key.id))?;
    if !key.token_name.is_empty() {
        // Only while the name is still this key's: a newer key may hold it once this expired.
        let name = keys::token_name_marker(key.user_id, &key.token_name);
        if marker_target(items, &name)?.as_deref() == Some(keys::api_key(id).as_str()) {
            items.remove(&name)?;
        }
    }
    Ok(())
}

fn user_key_index(user_id: Uuid, key_id: &str) -> String {
    format!("{}#{key_id}", keys::api_keys_of_user(user_id))
}

fn key_ids_of_user(items: &Items<'_>, user_id: Uuid) -> StoreResult<Vec<String>> {
    let prefix = format!("{}#", keys::api_keys_of_user(user_id));
    // '$' sorts right after '#', so this range holds exactly the keys with the prefix.
    let end = format!("{}$", keys::api_keys_of_user(user_id));
    Ok(items
        .keys_between(&prefix, &end)?
        .into_iter()
        .filter_map(|k| k.strip_prefix(&prefix).map(str::to_owned))
        .collect())
}

#[async_trait]
impl ApiKeyStore for EmbeddedStore {
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let key = key.clone();
        self.write_with(Durability::Eventual, move |t| insert_key(t, &key))
            .await
    }

    async fn insert_api_key_recorded(&self, key: &ApiKey, activity: &Activity) -> StoreResult<()> {
        let key = key.clone();
        let entries = ActivityEntries::of(activity)?;
        // One commit where two would each pay for taking the lock and writing the log.
        self.write_with(Durability::Eventual, move |t| {
            insert_key(t, &key)?;
            entries.put(t)
        })
        .await
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        let pk = keys::api_key(id);
        self.read(move |t| {
            t.get(&pk)?
                .map(|b| records::decode::<ApiKeyRecord, ApiKey>(&b))
                .transpose()
        })
        .await
    }

    async fn touch_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let key = key.clone();
        self.write_with(Durability::Eventual, move |t| {
            let pk = keys::api_key(&key.id);
            // A key deleted meanwhile (logout) stays deleted.
            if !t.exists(&pk)? {
                return Ok(());
            }
            t.put(&pk, records::encode(&ApiKeyRecord::from(&key))?.as_bytes())
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
                if let Some(b) = t.get(&keys::api_key(&id))? {
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

#[async_trait]
impl SessionStore for EmbeddedStore {
    async fn api_key_with_user(&self, id: &str) -> StoreResult<Option<(ApiKey, Option<User>)>> {
        self.item_with_user::<ApiKeyRecord, ApiKey>(
            &keys::api_key(id),
            |k| k.user_id,
            |c| &c.api_keys,
        )
        .await
    }
}

fn insert_key(t: &Items<'_>, key: &ApiKey) -> StoreResult<()> {
    let pk = keys::api_key(&key.id);
    if t.exists(&pk)? {
        return Err(StoreError::Conflict);
    }
    if !key.token_name.is_empty() {
        let name = keys::token_name_marker(key.user_id, &key.token_name);
        // The name is free when no live key holds it (a key minted now: `created_at`).
        if let Some(holder) = marker_target(t, &name)? {
            let live = t
                .get(&holder)?
                .map(|b| records::decode::<ApiKeyRecord, ApiKey>(&b))
                .transpose()?
                .is_some_and(|k| k.expires_at > key.created_at);
            if live {
                return Err(StoreError::TokenNameTaken);
            }
        }
        t.put(&name, &marker(&pk)?)?;
    }
    t.put(&pk, records::encode(&ApiKeyRecord::from(key))?.as_bytes())?;
    t.put(&user_key_index(key.user_id, &key.id), b"")
}
