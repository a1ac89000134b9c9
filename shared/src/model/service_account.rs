//! Barong's service accounts: identities owned by a user, acting through their own API keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A service account, kept on its owner's record: its state follows the owner's, and a key's
/// holder is read together with the owner in one lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccount {
    /// `SI` + 10 upper-case hex digits.
    pub uid: String,
    pub email: String,
    pub role: String,
    /// `active` or `disabled` as set by an administrator; the owner's state overrides it
    /// while the owner is not active (see `User::service_account_state`).
    pub state: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}
