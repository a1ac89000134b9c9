//! Deployment secrets, created once by whichever caller is first.

use super::*;

#[async_trait]
impl SecretStore for DynamoStore {
    async fn get_or_create_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        let pk = keys::secret(name);
        let mut i = item(&pk);
        i.insert("value".to_owned(), AttributeValue::B(Blob::new(candidate)));
        let created = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(i))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match created {
            Ok(_) => return Ok(candidate.to_vec()),
            Err(e) => e.condition_failed()?,
        }
        match self.get(&pk).await?.and_then(|i| i.get("value").cloned()) {
            Some(AttributeValue::B(b)) => Ok(b.into_inner()),
            _ => Err(StoreError::Corrupt("secret item without value".to_owned())),
        }
    }
}
