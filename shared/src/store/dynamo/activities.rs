//! The activity log: one item per activity, kept forever (no TTL). A user's activity lives in the
//! user's partition, sorted by `seq` then `id`, so listing them is a query; every activity is
//! also in `gsi1` under one partition with the same order, so the newest are one reverse query.

use super::*;
use crate::model::Activity;
use crate::store::records::ActivityRecord;

fn activity_item(activity: &Activity) -> StoreResult<Item> {
    let order = keys::activity_order(activity.seq, activity.id);
    let (pk, sk) = match activity.user_id {
        Some(user_id) => (keys::activities_of_user(user_id), order.clone()),
        // No user's partition to hold it: an item of its own, found through `gsi1` only.
        None => (keys::activity(activity.id), keys::SK_ITEM.to_owned()),
    };
    Ok(HashMap::from([
        ("pk".to_owned(), s(pk)),
        ("sk".to_owned(), s(sk)),
        (
            "doc".to_owned(),
            s(records::encode(&ActivityRecord(activity.clone()))?),
        ),
        ("gsi1pk".to_owned(), s(keys::ALL_ACTIVITIES)),
        ("gsi1sk".to_owned(), s(order)),
    ]))
}

#[async_trait]
impl ActivityStore for DynamoStore {
    async fn record_activity(&self, activity: &Activity) -> StoreResult<()> {
        // Unconditional: the SDK may resend a put whose first attempt landed, and the same
        // activity written twice is still one item.
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(activity_item(activity)?))
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn activities_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Activity>> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(keys::activities_of_user(user_id)))
                .scan_index_forward(false)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(backend)?;
            for i in page.items() {
                found.push(records::decode::<ActivityRecord, Activity>(doc(i)?)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(found),
            }
        }
    }

    async fn recent_activities(&self, limit: usize) -> StoreResult<Vec<Activity>> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        // A page stops at `Limit` items or 1 MB, whichever comes first: ask again for the rest.
        while found.len() < limit {
            let wanted = i32::try_from(limit - found.len()).unwrap_or(i32::MAX);
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk")
                .expression_attribute_values(":pk", s(keys::ALL_ACTIVITIES))
                .scan_index_forward(false)
                .limit(wanted)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(backend)?;
            for i in page.items() {
                found.push(records::decode::<ActivityRecord, Activity>(doc(i)?)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        found.truncate(limit);
        Ok(found)
    }
}
