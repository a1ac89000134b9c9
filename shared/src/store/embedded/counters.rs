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
            increment(t, &pk, ceiling, expires_at, now)
        })
        .await
    }

    /// One transaction where the default takes a read and a write.
    async fn increment_in_window(
        &self,
        window: &SlidingWindow,
        now: DateTime<Utc>,
    ) -> StoreResult<(u64, Option<u64>)> {
        let (previous, current) = (
            keys::counter(&window.previous),
            keys::counter(&window.current),
        );
        let window = window.clone();
        self.write_with(Durability::Eventual, move |t| {
            let ceiling = window.ceiling(live_counter(t.get(&previous)?, now)?);
            Ok((
                ceiling,
                increment(t, &current, ceiling, window.expires_at, now)?,
            ))
        })
        .await
    }
}

fn increment(
    t: &Items<'_>,
    pk: &str,
    ceiling: u64,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Option<u64>> {
    let count = live_counter(t.get(pk)?, now)?;
    if count >= ceiling {
        return Ok(None);
    }
    // Whole seconds, as DynamoDB keeps them, so both stores expire at the same instant.
    let record = CounterRecord {
        count: count + 1,
        expires_at: whole_seconds(expires_at),
    };
    t.put(pk, records::encode(&record)?.as_bytes())?;
    Ok(Some(count + 1))
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}
