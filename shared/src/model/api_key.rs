use super::LoginType;
use crate::token::SecretHash;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

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
}

impl ApiKey {
    pub fn lifetime(&self) -> Duration {
        Duration::seconds(self.lifetime_seconds)
    }
}
