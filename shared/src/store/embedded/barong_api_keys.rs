//! Barong API keys and their per-user index entries (empty values naming the kid).

use super::*;
use crate::model::BarongApiKey;
use crate::store::records::BarongApiKeyRecord;

fn user_index_prefix(user_id: Uuid) -> String {
    format!("{}#", keys::barong_api_keys_of_user(user_id))
}

fn user_index(user_id: Uuid, kid: &str) -> String {
    format!("{}{kid}", user_index_prefix(user_id))
}

fn encode(key: &BarongApiKey) -> StoreResult<String> {
    records::encode(&BarongApiKeyRecord(key.clone()))
}

fn decode(bytes: &[u8]) -> StoreResult<BarongApiKey> {
    records::decode::<BarongApiKeyRecord, BarongApiKey>(bytes)
}

#[async_trait]
impl BarongApiKeyStore for EmbeddedStore {
    async fn insert_barong_api_key(&self, key: &BarongApiKey) -> StoreResult<()> {
        let pk = keys::barong_api_key(&key.kid);
        let index = user_index(key.user_id, &key.kid);
        let record = encode(key)?;
        self.write(move |t| {
            if t.exists(&pk)? {
                return Err(StoreError::Conflict);
            }
            t.put(&pk, record.as_bytes())?;
            t.put(&index, b"")
        })
        .await
    }

    async fn update_barong_api_key(&self, key: &BarongApiKey) -> StoreResult<()> {
        let pk = keys::barong_api_key(&key.kid);
        let key = key.clone();
        let record = encode(&key)?;
        // Waits for the disk: an update may deactivate the key.
        self.write(move |t| {
            // A key deleted meanwhile stays deleted.
            let stored = t.get(&pk)?.ok_or(StoreError::Conflict)?;
            let stored = decode(&stored)?;
            if stored.user_id != key.user_id {
                t.remove(&user_index(stored.user_id, &key.kid))?;
                t.put(&user_index(key.user_id, &key.kid), b"")?;
            }
            t.put(&pk, record.as_bytes())
        })
        .await
    }

    async fn delete_barong_api_key(&self, kid: &str) -> StoreResult<()> {
        let kid = kid.to_owned();
        self.write(move |t| {
            let Some(bytes) = t.remove(&keys::barong_api_key(&kid))? else {
                return Ok(());
            };
            t.remove(&user_index(decode(&bytes)?.user_id, &kid))?;
            Ok(())
        })
        .await
    }

    async fn barong_api_key_with_user(
        &self,
        kid: &str,
    ) -> StoreResult<Option<(BarongApiKey, Option<User>)>> {
        self.item_with_user::<BarongApiKeyRecord, BarongApiKey>(
            &keys::barong_api_key(kid),
            |k| k.user_id,
            |c| &c.barong_api_keys,
        )
        .await
    }

    async fn barong_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<BarongApiKey>> {
        let prefix = user_index_prefix(user_id);
        // '$' sorts right after '#', so this range holds exactly the keys with the prefix.
        let end = format!("{}$", keys::barong_api_keys_of_user(user_id));
        self.read(move |t| {
            let mut out = Vec::new();
            for index in t.keys_between(&prefix, &end)? {
                let Some(kid) = index.strip_prefix(&prefix) else {
                    continue;
                };
                if let Some(b) = t.get(&keys::barong_api_key(kid))? {
                    out.push(decode(&b)?);
                }
            }
            Ok(out)
        })
        .await
    }
}
