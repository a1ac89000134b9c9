//! Barong cookie sessions: one item each, read together with their user.

use super::*;

/// A session and the user its record names (`USER#<user_id>`, see [`keys::user`]).
const SESSION_WITH_USER: &str = "SELECT s.v, u.v FROM items AS s \
     LEFT JOIN items AS u ON u.k = 'USER#' || json_extract(CAST(s.v AS TEXT), '$.user_id') \
     WHERE s.k = ?1";

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
        let rows = self
            .read_statement(|conn| {
                conn.prepare_cached(SESSION_WITH_USER)
                    .map_err(backend)?
                    .query_row([&pk], |row| {
                        Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Option<Vec<u8>>>(1)?))
                    })
                    .optional()
                    .map_err(backend)
            })
            .await?;
        let Some((session_bytes, user_bytes)) = rows else {
            return Ok(None);
        };
        let session = records::decode::<BarongSessionRecord, BarongSession>(&session_bytes)?;
        let user = user_bytes.map(|b| user_from(&b)).transpose()?;
        if user.as_ref().is_some_and(|u| u.id != session.user_id) {
            return Err(StoreError::Corrupt(
                "Barong session joined to another user".to_owned(),
            ));
        }
        Ok(Some((session, user)))
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
