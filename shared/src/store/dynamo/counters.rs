//! Rate-limit counters: `UpdateItem ADD` under a ceiling, restarted once expired.

use super::*;

#[async_trait]
impl CounterStore for DynamoStore {
    async fn counter(&self, key: &str, now: DateTime<Utc>) -> StoreResult<u64> {
        let Some(i) = self.get(&keys::counter(key)).await? else {
            return Ok(0);
        };
        let live = number(&i, "expires_at").is_some_and(|e| e > now.timestamp());
        Ok(if live {
            number(&i, "count")
                .and_then(|c| u64::try_from(c).ok())
                .unwrap_or(0)
        } else {
            0
        })
    }

    async fn increment_below(
        &self,
        key: &str,
        ceiling: u64,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u64>> {
        if ceiling == 0 {
            return Ok(None);
        }
        let pk = keys::counter(key);
        let added = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(&pk)))
            .update_expression(
                "ADD #c :one SET #e = if_not_exists(#e, :exp), #t = if_not_exists(#t, :exp)",
            )
            .condition_expression("attribute_not_exists(pk) OR (#c < :ceiling AND #e > :now)")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#e", "expires_at")
            .expression_attribute_names("#t", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(expires_at.timestamp()))
            .expression_attribute_values(":ceiling", n(ceiling))
            .expression_attribute_values(":now", n(now.timestamp()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match added {
            Ok(out) => {
                let count = out
                    .attributes
                    .as_ref()
                    .and_then(|a| number(a, "count"))
                    .unwrap_or(1);
                return Ok(Some(u64::try_from(count).unwrap_or(1)));
            }
            Err(e) => e.condition_failed()?,
        }
        // Either at the ceiling or expired (TTL has not removed it yet): restart an expired one.
        let mut restarted = item(&pk);
        restarted.insert("count".to_owned(), n(1));
        restarted.insert("expires_at".to_owned(), n(expires_at.timestamp()));
        restarted.insert("ttl".to_owned(), n(expires_at.timestamp()));
        let reset = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(restarted))
            .condition_expression("expires_at <= :now")
            .expression_attribute_values(":now", n(now.timestamp()))
            .send()
            .await;
        match reset {
            Ok(_) => Ok(Some(1)),
            Err(e) => {
                e.condition_failed()?;
                Ok(None)
            }
        }
    }
}
