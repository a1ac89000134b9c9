//! Barong restrictions: one item each, keyed by category, scope and value.

use super::*;

#[async_trait]
impl RestrictionStore for EmbeddedStore {
    async fn add_restriction(&self, restriction: &Restriction) -> StoreResult<()> {
        let key = keys::restriction(
            &restriction.category,
            &restriction.scope,
            &restriction.value,
        );
        let record = records::encode(restriction)?;
        self.write(move |t| {
            if t.exists(&key)? {
                return Err(StoreError::RestrictionTaken);
            }
            t.put(&key, record.as_bytes())
        })
        .await
    }

    async fn restrictions(&self) -> StoreResult<Vec<Restriction>> {
        // `RESTRICTION#...` keys sort between these two.
        self.read(|t| {
            t.values_between("RESTRICTION#", "RESTRICTION$")?
                .iter()
                .map(|b| serde_json::from_slice(b).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        })
        .await
    }
}
