//! Barong's API keys (`apikeys`): a kid and an HMAC secret that sign requests, held by a user or
//! by one of its service accounts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A Barong API key. The secret must be recoverable (HMAC needs it), so it is kept sealed
/// (AES-256-GCM under the deployment's key, see `crate::seal`), never in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarongApiKey {
    /// 16 lower-case hex digits, globally unique.
    pub kid: String,
    /// The user that holds it, or the owner of the service account that does.
    pub user_id: Uuid,
    /// Set when a service account holds it.
    pub service_account_uid: Option<String>,
    pub algorithm: String,
    pub scope: Vec<String>,
    /// `active` authenticates; anything else (`inactive`, `disabled`, ...) does not.
    pub state: String,
    /// The holder's [`crate::model::User::api_key_generation`] when the key was last made
    /// active. Turning 2FA off or the account inactive bumps the user's generation, which
    /// deactivates every key of the user and its service accounts in that same write.
    pub generation: u64,
    pub sealed_secret: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}

impl BarongApiKey {
    /// The state a client sees: `inactive` once its holder's generation moved on.
    pub fn effective_state(&self, holder_generation: u64) -> &str {
        if self.state == "active" && self.generation != holder_generation {
            "inactive"
        } else {
            &self.state
        }
    }
}
