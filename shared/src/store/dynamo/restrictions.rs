//! Barong restrictions: one item each, keyed by category, scope and value, listed in `gsi1`.

use super::*;

#[async_trait]
impl RestrictionStore for DynamoStore {
    async fn add_restriction(&self, restriction: &Restriction) -> StoreResult<()> {
        let mut i = item(&keys::restriction(
            &restriction.category,
            &restriction.scope,
            &restriction.value,
        ));
        i.insert("doc".to_owned(), s(records::encode(restriction)?));
        i.insert("gsi1pk".to_owned(), s(keys::ALL_RESTRICTIONS));
        i.insert("gsi1sk".to_owned(), s(restriction.id.to_string()));
        self.transact(
            vec![put_new(&self.table, i)?],
            vec![StoreError::RestrictionTaken],
        )
        .await
    }

    async fn restrictions(&self) -> StoreResult<Vec<Restriction>> {
        self.query_index::<records::RestrictionRecord, Restriction>(keys::ALL_RESTRICTIONS)
            .await
    }
}
