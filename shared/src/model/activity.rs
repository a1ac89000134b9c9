//! Auth events on both surfaces: Barong's `activities` and Coder's audit log read the same
//! records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One auth event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Coder's audit-log id.
    pub id: Uuid,
    /// Barong's integer id: microseconds since the epoch when it happened, so ordering by it is
    /// ordering by time, as Barong's autoincrement id is.
    pub seq: i64,
    /// The user it is about; `None` for a failed sign-in to an unknown address.
    pub user_id: Option<Uuid>,
    /// `barong` or `coder`: where it happened.
    pub surface: String,
    pub user_ip: String,
    pub user_agent: String,
    /// Barong's topic: `session`, `otp`, `password`, `account`, `api_keys`, ...
    pub topic: String,
    /// Barong's action text (`login`, `logout`, `enable 2FA`, ...).
    pub action: String,
    /// `succeed`, `failed` or `denied`.
    pub result: String,
    /// JSON text with details (never a secret), or `None`.
    pub data: Option<String>,
    /// Coder's audit fields: `action` (`login`, `logout`, `create`, `write`, `delete`, ...),
    /// `resource_type`, the resource's id and target, and the HTTP status answered.
    pub audit_action: String,
    pub resource_type: String,
    pub resource_id: Option<Uuid>,
    pub resource_target: String,
    pub status_code: u16,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
}
