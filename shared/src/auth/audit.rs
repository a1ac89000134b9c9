//! Coder's audit log, read from the activity log both surfaces write: site-wide readers of
//! `audit_log` (owners, auditors) see every record; anyone else sees none, as Coder's
//! authorized query returns nothing for them.

use super::session::Session;
use super::users::Page;
use crate::Error;
use crate::model::{Activity, User};
use crate::rbac::Object;
use crate::state::AppState;
use crate::wire::coder::AuditFilter;
use std::collections::HashMap;
use uuid::Uuid;

/// How many of the newest records a query looks through.
pub const SCAN_LIMIT: usize = 10_000;

/// A record with who did it and whether the user it names is gone.
pub struct AuditEntry {
    pub activity: Activity,
    pub actor: Option<User>,
    pub target_deleted: bool,
}

/// One page of the matching records, newest first, and how many match in all.
pub async fn audit_logs(
    state: &AppState,
    session: &Session,
    filter: &AuditFilter,
    page: &Page,
) -> Result<(Vec<AuditEntry>, usize), Error> {
    if !session.can("read", &Object::any("audit_log")) {
        return Ok((Vec::new(), 0));
    }
    // `username:me` is the caller.
    let mut filter = filter.clone();
    if filter.username.as_deref() == Some("me") {
        filter.username = Some(session.user.username.clone());
    }
    let activities = state.store.recent_activities(SCAN_LIMIT).await?;
    let mut users: HashMap<Uuid, Option<User>> = HashMap::new();
    let mut matching = Vec::new();
    for activity in activities {
        let actor = match activity.user_id {
            Some(id) => user(state, &mut users, id).await?,
            None => None,
        };
        let wanted = filter.matches(&activity, actor.as_ref());
        if wanted {
            matching.push((activity, actor));
        }
    }
    let count = matching.len();
    let limit = if page.limit == 0 {
        usize::MAX
    } else {
        page.limit
    };
    let mut entries = Vec::new();
    for (activity, actor) in matching.into_iter().skip(page.offset).take(limit) {
        let target_deleted = match (activity.resource_type.as_str(), activity.resource_id) {
            ("user", Some(id)) => user(state, &mut users, id)
                .await?
                .as_ref()
                .is_none_or(User::is_deleted),
            _ => false,
        };
        entries.push(AuditEntry {
            activity,
            actor,
            target_deleted,
        });
    }
    Ok((entries, count))
}

/// A user by id, read once per query.
async fn user(
    state: &AppState,
    seen: &mut HashMap<Uuid, Option<User>>,
    id: Uuid,
) -> Result<Option<User>, Error> {
    if let Some(known) = seen.get(&id) {
        return Ok(known.clone());
    }
    let found = state.store.user_by_id(id).await?;
    seen.insert(id, found.clone());
    Ok(found)
}
