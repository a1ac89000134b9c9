//! The activity log, kept forever. Each record is stored once, under the everyone index
//! `ACTIVITIES#<order>` (see [`keys::activity_order`]), which alone lists activities without a
//! user. A user's index entries `USERACTIVITIES#<user>#<order>` are empty and end with the same
//! order, which names the record: one copy to write, and the global listing (the one with a
//! `limit`) reads records straight off its range without a second lookup each.

use super::*;
use crate::model::Activity;
use crate::store::records::ActivityRecord;

fn all_entry(order: &str) -> String {
    format!("{}#{order}", keys::ALL_ACTIVITIES)
}

fn user_prefix(user_id: Uuid) -> String {
    format!("{}#", keys::activities_of_user(user_id))
}

impl Items<'_> {
    /// The last `limit` values with keys in `[start, end)`, last first.
    fn last_values_between(
        &self,
        start: &str,
        end: &str,
        limit: usize,
    ) -> StoreResult<Vec<Vec<u8>>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT v FROM items WHERE k >= ?1 AND k < ?2 ORDER BY k DESC LIMIT ?3")
            .map_err(backend)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(rusqlite::params![start, end, limit], |row| row.get(0))
            .map_err(backend)?;
        rows.collect::<Result<_, _>>().map_err(backend)
    }
}

/// An activity's items, encoded before the transaction that writes them.
pub(super) struct ActivityEntries {
    order: String,
    record: String,
    user_entry: Option<String>,
}

impl ActivityEntries {
    pub(super) fn of(activity: &Activity) -> StoreResult<Self> {
        let order = keys::activity_order(activity.seq, activity.id);
        Ok(Self {
            record: records::encode(&ActivityRecord(activity.clone()))?,
            user_entry: activity
                .user_id
                .map(|user_id| format!("{}{order}", user_prefix(user_id))),
            order,
        })
    }

    pub(super) fn put(&self, t: &Items<'_>) -> StoreResult<()> {
        t.put(&all_entry(&self.order), self.record.as_bytes())?;
        match &self.user_entry {
            Some(entry) => t.put(entry, b""),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl ActivityStore for EmbeddedStore {
    async fn record_activity(&self, activity: &Activity) -> StoreResult<()> {
        let entries = ActivityEntries::of(activity)?;
        // Like the session a sign-in creates: losing the entry to a power cut loses nothing
        // that grants or takes access. Recording the same activity again rewrites it.
        self.write_with(Durability::Eventual, move |t| entries.put(t))
            .await
    }

    async fn activities_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Activity>> {
        let prefix = user_prefix(user_id);
        // '$' sorts right after '#', so this range holds exactly the keys with the prefix.
        let end = format!("{}$", keys::activities_of_user(user_id));
        self.read(move |t| {
            let mut out = Vec::new();
            for entry in t.keys_between(&prefix, &end)?.iter().rev() {
                let Some(order) = entry.strip_prefix(&prefix) else {
                    continue;
                };
                let record = t
                    .get(&all_entry(order))?
                    .ok_or_else(|| StoreError::Corrupt(format!("{entry} names no activity")))?;
                out.push(records::decode::<ActivityRecord, Activity>(&record)?);
            }
            Ok(out)
        })
        .await
    }

    async fn recent_activities(&self, limit: usize) -> StoreResult<Vec<Activity>> {
        let start = all_entry("");
        let end = format!("{}$", keys::ALL_ACTIVITIES);
        self.read(move |t| {
            t.last_values_between(&start, &end, limit)?
                .iter()
                .map(|b| records::decode::<ActivityRecord, Activity>(b))
                .collect()
        })
        .await
    }
}
