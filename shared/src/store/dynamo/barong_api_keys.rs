//! Barong API keys: one item each, kept until deleted (no TTL), indexed per user in `gsi1`.

use super::*;
use crate::model::BarongApiKey;
use crate::store::records::BarongApiKeyRecord;

/// The key's item; `gsi1` lists it under its user, which for a service account's key is the
/// owner, so one query finds the keys of the user and of its service accounts.
fn barong_api_key_item(key: &BarongApiKey) -> StoreResult<Item> {
    let mut i = item(&keys::barong_api_key(&key.kid));
    i.insert(
        "doc".to_owned(),
        s(records::encode(&BarongApiKeyRecord(key.clone()))?),
    );
    i.insert(
        "gsi1pk".to_owned(),
        s(keys::barong_api_keys_of_user(key.user_id)),
    );
    i.insert("gsi1sk".to_owned(), s(&key.kid));
    Ok(i)
}

impl DynamoStore {
    /// Writes the key's item when `condition` holds on what is stored; a failed condition is a
    /// `Conflict`.
    async fn put_barong_api_key(&self, key: &BarongApiKey, condition: &str) -> StoreResult<()> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(barong_api_key_item(key)?))
            .condition_expression(condition)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                e.condition_failed()?;
                Err(StoreError::Conflict)
            }
        }
    }
}

#[async_trait]
impl BarongApiKeyStore for DynamoStore {
    async fn insert_barong_api_key(&self, key: &BarongApiKey) -> StoreResult<()> {
        self.put_barong_api_key(key, "attribute_not_exists(pk)")
            .await
    }

    async fn update_barong_api_key(&self, key: &BarongApiKey) -> StoreResult<()> {
        // A key deleted meanwhile stays deleted.
        self.put_barong_api_key(key, "attribute_exists(pk)").await
    }

    async fn delete_barong_api_key(&self, kid: &str) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(&keys::barong_api_key(kid))))
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn barong_api_key_with_user(
        &self,
        kid: &str,
    ) -> StoreResult<Option<(BarongApiKey, Option<User>)>> {
        let Some(key) = self
            .get_doc::<BarongApiKeyRecord, BarongApiKey>(&keys::barong_api_key(kid))
            .await?
        else {
            return Ok(None);
        };
        let user = self.user_by_id(key.user_id).await?;
        Ok(Some((key, user)))
    }

    async fn barong_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<BarongApiKey>> {
        self.query_index::<BarongApiKeyRecord, BarongApiKey>(&keys::barong_api_keys_of_user(
            user_id,
        ))
        .await
    }
}
