//! Rate-limit counters, committed with relaxed durability.

use super::*;

#[async_trait]
impl CounterStore for EmbeddedStore {
    async fn counter(&self, key: &str, now: DateTime<Utc>) -> StoreResult<u64> {
        let pk = keys::counter(key);
        self.read(move |t| live_counter(t.get(&pk)?, now)).await
    }

    async fn increment_below(
        &self,
        key: &str,
        ceiling: u64,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u64>> {
        let pk = keys::counter(key);
        self.write_with(Durability::Eventual, move |t| {
            let count = live_counter(t.get(&pk)?, now)?;
            if count >= ceiling {
                return Ok(None);
            }
            // Whole seconds, as DynamoDB keeps them, so both stores expire at the same instant.
            let record = CounterRecord {
                count: count + 1,
                expires_at: whole_seconds(expires_at),
            };
            t.put(&pk, records::encode(&record)?.as_bytes())?;
            Ok(Some(count + 1))
        })
        .await
    }
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}
