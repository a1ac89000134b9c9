//! API keys: one item each, indexed per user in `gsi1`; a named key's name marker expires with it.

use super::*;
use crate::model::Activity;
use crate::store::ActivityStore;

fn api_key_item(key: &ApiKey) -> StoreResult<Item> {
    let mut i = item(&keys::api_key(&key.id));
    i.insert(
        "doc".to_owned(),
        s(records::encode(&ApiKeyRecord::from(key))?),
    );
    i.insert("gsi1pk".to_owned(), s(keys::api_keys_of_user(key.user_id)));
    i.insert("gsi1sk".to_owned(), s(&key.id));
    i.insert(
        "ttl".to_owned(),
        n((key.expires_at + EXPIRED_KEY_RETENTION).timestamp()),
    );
    Ok(i)
}

/// A key's name marker: names the key and expires with it.
fn token_name_item(key: &ApiKey) -> Item {
    let mut i = marker_item(
        &keys::token_name_marker(key.user_id, &key.token_name),
        &keys::api_key(&key.id),
    );
    i.insert("exp".to_owned(), n(key.expires_at.timestamp()));
    i.insert("ttl".to_owned(), n(key.expires_at.timestamp()));
    i
}

#[async_trait]
impl ApiKeyStore for DynamoStore {
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let mut items = vec![put_new(&self.table, api_key_item(key)?)?];
        let mut outcomes = vec![StoreError::Conflict];
        if !key.token_name.is_empty() {
            // Free when absent or when the key holding it has expired (TTL deletion lags).
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(token_name_item(key)))
                .condition_expression("attribute_not_exists(pk) OR #exp <= :now")
                .expression_attribute_names("#exp", "exp")
                .expression_attribute_values(":now", n(key.created_at.timestamp()))
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            items.push(TransactWriteItem::builder().put(put).build());
            outcomes.push(StoreError::TokenNameTaken);
        }
        self.transact(items, outcomes).await
    }

    async fn insert_api_key_recorded(&self, key: &ApiKey, activity: &Activity) -> StoreResult<()> {
        // Side by side, one round trip: a transaction would cost twice the write units.
        let (inserted, recorded) =
            tokio::join!(self.insert_api_key(key), self.record_activity(activity));
        if let Err(error) = recorded {
            tracing::error!(%error, action = %activity.action, "recording an activity failed");
        }
        inserted
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        self.get_doc::<ApiKeyRecord, ApiKey>(&keys::api_key(id))
            .await
    }

    async fn touch_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        if !key.token_name.is_empty() {
            // The name marker expires with its key, so both move together.
            let key_put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(api_key_item(key)?))
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let marker_put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(token_name_item(key)))
                .condition_expression("#target = :target")
                .expression_attribute_names("#target", "target")
                .expression_attribute_values(":target", s(keys::api_key(&key.id)))
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let items = vec![
                TransactWriteItem::builder().put(key_put).build(),
                TransactWriteItem::builder().put(marker_put).build(),
            ];
            // Deleted meanwhile (logout), or its name taken after it expired: left as it is.
            return match self.transact(items, Vec::new()).await {
                Ok(()) | Err(StoreError::Conflict) => Ok(()),
                Err(e) => Err(e),
            };
        }
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(api_key_item(key)?))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        match result {
            // Deleted meanwhile (logout): it stays deleted.
            Ok(_) => Ok(()),
            Err(e) => {
                e.condition_failed()?;
                Ok(())
            }
        }
    }

    async fn delete_api_key(&self, id: &str) -> StoreResult<()> {
        let Some(key) = self.api_key(id).await? else {
            return Ok(());
        };
        let mut deletes = vec![
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_of(&keys::api_key(id))))
                        .build()
                        .map_err(|e| StoreError::Backend(e.to_string()))?,
                )
                .build(),
        ];
        if !key.token_name.is_empty() {
            // In the same transaction, and only while the marker is still this key's: a
            // later key may hold the name once this one expired.
            let marker = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key_of(&keys::token_name_marker(
                    key.user_id,
                    &key.token_name,
                ))))
                .condition_expression("attribute_not_exists(pk) OR #target = :target")
                .expression_attribute_names("#target", "target")
                .expression_attribute_values(":target", s(keys::api_key(id)))
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            deletes.push(TransactWriteItem::builder().delete(marker).build());
        }
        match self.transact(deletes, Vec::new()).await {
            Ok(()) => Ok(()),
            // The name moved on to a newer key: delete this key alone.
            Err(StoreError::Conflict) => {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key_of(&keys::api_key(id))))
                    .send()
                    .await
                    .map_err(backend)?;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<ApiKey>> {
        self.query_index::<ApiKeyRecord, ApiKey>(&keys::api_keys_of_user(user_id))
            .await
    }

    async fn delete_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<()> {
        for key in self.api_keys_of_user(user_id).await? {
            self.delete_api_key(&key.id).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn api_key_with_user(&self, id: &str) -> StoreResult<Option<(ApiKey, Option<User>)>> {
        let Some(key) = self.api_key(id).await? else {
            return Ok(None);
        };
        let user = self.user_by_id(key.user_id).await?;
        Ok(Some((key, user)))
    }
}
