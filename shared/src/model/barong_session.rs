use crate::token::SecretHash;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A Barong cookie session (`_barong_session`). The cookie holds a random id; only its SHA-256
/// is stored, as Barong's Redis store keys sessions by the id's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarongSession {
    pub id_hash: SecretHash,
    pub user_id: Uuid,
    /// `session_generation` of the user when opened: ending every session of a user (password
    /// reset or change, suspension, deletion) bumps it, on both surfaces at once.
    pub user_generation: u64,
    /// Where and with what it was opened: later requests must come from the same network and
    /// the same User-Agent (Barong's `validate_session!`).
    pub user_ip: String,
    pub user_agent: String,
    /// Sent back in `X-CSRF-Token` on mutating requests.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    /// Idle expiry (Barong's `expire_time`), pushed forward on each use.
    pub expires_at: DateTime<Utc>,
}
