//! Barong cookie sessions: one item each, read together with their user.

use super::*;

#[async_trait]
impl BarongSessionStore for EmbeddedStore {
    async fn insert_barong_session(&self, session: &BarongSession) -> StoreResult<()> {
        let pk = keys::barong_session(&session.id_hash.to_hex());
        let record = records::encode(&BarongSessionRecord::from(session))?;
        // Like a new Coder session: losing it to a power cut means signing in again.
        self.write_with(Durability::Eventual, move |t| {
            if t.exists(&pk)? {
                return Err(StoreError::Conflict);
            }
            t.put(&pk, record.as_bytes())
        })
        .await
    }

    async fn barong_session_with_user(
        &self,
        id_hash: &SecretHash,
    ) -> StoreResult<Option<(BarongSession, Option<User>)>> {
        let pk = keys::barong_session(&id_hash.to_hex());
        self.item_with_user::<BarongSessionRecord, BarongSession>(
            &pk,
            |s| s.user_id,
            |c| &c.barong_sessions,
        )
        .await
    }

    async fn touch_barong_session(&self, session: &BarongSession) -> StoreResult<()> {
        let pk = keys::barong_session(&session.id_hash.to_hex());
        let record = records::encode(&BarongSessionRecord::from(session))?;
        self.write_with(Durability::Eventual, move |t| {
            // A session ended meanwhile (logout) stays ended.
            if !t.exists(&pk)? {
                return Ok(());
            }
            t.put(&pk, record.as_bytes())
        })
        .await
    }

    async fn delete_barong_session(&self, id_hash: &SecretHash) -> StoreResult<()> {
        let pk = keys::barong_session(&id_hash.to_hex());
        self.write(move |t| t.remove(&pk).map(|_| ())).await
    }
}
