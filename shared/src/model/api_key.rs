use super::LoginType;
use crate::token::SecretHash;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// One entry of a key's allow list (Coder's `"type:id"`, `*` for any): the key reaches only
/// the objects some entry names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AllowListEntry {
    pub resource_type: String,
    pub id: String,
}

impl AllowListEntry {
    pub fn everything() -> Self {
        Self {
            resource_type: "*".to_owned(),
            id: "*".to_owned(),
        }
    }
}

impl std::fmt::Display for AllowListEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.resource_type, self.id)
    }
}

/// What a key may do on top of its user's roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyScope(pub String);

/// A Coder session or API token. The secret is kept only as its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub hashed_secret: SecretHash,
    pub user_id: Uuid,
    /// `session_generation` of the user when minted; older generations are revoked.
    pub user_generation: u64,
    pub login_type: LoginType,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub lifetime_seconds: i64,
    pub ip_address: String,
    pub token_name: String,
    pub scopes: Vec<ApiKeyScope>,
    /// Never empty: a key minted without a list gets `*:*`.
    pub allow_list: Vec<AllowListEntry>,
}

impl ApiKey {
    pub fn lifetime(&self) -> Duration {
        Duration::seconds(self.lifetime_seconds)
    }
}
