//! Barong cookie sessions: one item each, removed by TTL a day after their idle expiry.

use super::*;

/// An ended session stays this long before DynamoDB may drop it (expiry is checked in code).
const ENDED_SESSION_RETENTION: Duration = Duration::days(1);

fn session_item(session: &BarongSession) -> StoreResult<Item> {
    let mut i = item(&keys::barong_session(&session.id_hash.to_hex()));
    i.insert(
        "doc".to_owned(),
        s(records::encode(&BarongSessionRecord::from(session))?),
    );
    i.insert(
        "ttl".to_owned(),
        n((session.expires_at + ENDED_SESSION_RETENTION).timestamp()),
    );
    Ok(i)
}

#[async_trait]
impl BarongSessionStore for DynamoStore {
    async fn insert_barong_session(&self, session: &BarongSession) -> StoreResult<()> {
        self.transact(
            vec![put_new(&self.table, session_item(session)?)?],
            vec![StoreError::Conflict],
        )
        .await
    }

    async fn barong_session_with_user(
        &self,
        id_hash: &SecretHash,
    ) -> StoreResult<Option<(BarongSession, Option<User>)>> {
        let Some(session) = self
            .get_doc::<BarongSessionRecord, BarongSession>(&keys::barong_session(&id_hash.to_hex()))
            .await?
        else {
            return Ok(None);
        };
        let user = self.user_by_id(session.user_id).await?;
        Ok(Some((session, user)))
    }

    async fn touch_barong_session(&self, session: &BarongSession) -> StoreResult<()> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(session_item(session)?))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Ended meanwhile (logout): it stays ended.
            Err(e) => e.condition_failed(),
        }
    }

    async fn delete_barong_session(&self, id_hash: &SecretHash) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(&keys::barong_session(&id_hash.to_hex()))))
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }
}
