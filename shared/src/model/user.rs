use super::OrganizationMembership;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How a user signs in (Coder's `login_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginType {
    Password,
    Github,
    Oidc,
    Token,
    None,
}

impl LoginType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Github => "github",
            Self::Oidc => "oidc",
            Self::Token => "token",
            Self::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "password" => Self::Password,
            "github" => Self::Github,
            "oidc" => Self::Oidc,
            "token" => Self::Token,
            "none" => Self::None,
            _ => return None,
        })
    }
}

/// Coder's user status. Users created by an admin start dormant and become active on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Dormant,
    Suspended,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Dormant => "dormant",
            Self::Suspended => "suspended",
        }
    }
}

/// Barong's account state (`users.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarongState {
    Pending,
    Active,
    Banned,
    Deleted,
    Locked,
}

impl BarongState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Banned => "banned",
            Self::Deleted => "deleted",
            Self::Locked => "locked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "active" => Self::Active,
            "banned" => Self::Banned,
            "deleted" => Self::Deleted,
            "locked" => Self::Locked,
            _ => return None,
        })
    }
}

/// A pending password-reset passcode: only its argon2 hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimePasscode {
    pub hash: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub expires_at: DateTime<Utc>,
}

/// The newest password-reset token mailed on the Barong surface: only its `reset_token` claim's
/// SHA-256 is kept, and only the newest one is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingResetToken {
    pub sha256: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub expires_at: DateTime<Utc>,
}

/// A Barong label (`key`, `value`, `scope` public/private).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarongLabel {
    pub key: String,
    pub value: String,
    pub scope: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}

/// A user's TOTP key (2FA), sealed at rest (see `crate::seal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpKey {
    pub sealed_secret: String,
    /// The last 30-second step a code was accepted for: a code is good once, and never for
    /// an earlier step.
    pub last_used_step: Option<u64>,
}

/// A Barong data storage entry (`data_storages`): JSON text under a configured title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataStorage {
    pub title: String,
    pub data: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}

/// One person known to both surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    // Shared identity.
    pub id: Uuid,
    /// As given; lookups use [`User::email_key`].
    pub email: String,
    pub hashed_password: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted: bool,
    /// Bumped whenever every existing session must end (password change). A session minted under
    /// an older generation is rejected, which makes "end all sessions" atomic with the change.
    pub session_generation: u64,
    /// The store's optimistic-concurrency counter: set by the store, checked on update.
    pub revision: u64,

    // Coder's fields.
    pub username: String,
    pub name: String,
    pub avatar_url: String,
    pub login_type: LoginType,
    pub status: UserStatus,
    /// Site-wide roles (`owner`, `user-admin`, ...); `member` is implied and never stored.
    pub roles: Vec<String>,
    pub memberships: Vec<OrganizationMembership>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Coder's emailed password-reset passcode, while one is pending.
    pub password_reset_passcode: Option<OneTimePasscode>,

    // Barong's fields.
    /// `ID` + 10 upper-case hex digits.
    pub uid: String,
    /// Barong's account state (Coder's is [`User::status`]).
    pub barong_state: BarongState,
    pub level: u32,
    pub labels: Vec<BarongLabel>,
    /// Barong's `otp`: two-factor TOTP is on (unrelated to the password-reset passcode).
    pub totp_enabled: bool,
    /// Raw JSON text a user stores about itself (Barong's `data`).
    pub data: Option<String>,
    /// The username was made up from the email (a Barong registration without one, since the
    /// Coder surface needs one): Barong shows `username: null` for it.
    pub username_generated: bool,
    /// The uid of the user who referred this one (Barong's `refid` at registration).
    pub referral_uid: Option<String>,
    pub password_reset_token: Option<PendingResetToken>,
    /// The TOTP key: generated by `generate_qrcode`, in use once [`User::totp_enabled`].
    pub totp_key: Option<TotpKey>,
    pub data_storages: Vec<DataStorage>,
    pub service_accounts: Vec<super::ServiceAccount>,
    /// Bumped when 2FA goes off or the account stops being active: every API key of the user
    /// and its service accounts made active under an older generation is inactive.
    pub api_key_generation: u64,
}

impl User {
    /// A new user with both surfaces' defaults.
    pub fn new(email: &str, username: &str, now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::new_v4(),
            email: email.to_owned(),
            hashed_password: None,
            created_at: now,
            updated_at: now,
            deleted: false,
            session_generation: 0,
            revision: 0,
            username: username.to_owned(),
            name: String::new(),
            avatar_url: String::new(),
            login_type: LoginType::Password,
            status: UserStatus::Dormant,
            roles: Vec::new(),
            memberships: Vec::new(),
            last_seen_at: None,
            password_reset_passcode: None,
            uid: barong_uid(),
            barong_state: BarongState::Pending,
            level: 0,
            labels: Vec::new(),
            totp_enabled: false,
            data: None,
            username_generated: false,
            referral_uid: None,
            password_reset_token: None,
            totp_key: None,
            data_storages: Vec::new(),
            service_accounts: Vec::new(),
            api_key_generation: 0,
        }
    }

    /// The normalised email under which the user is unique and looked up.
    pub fn email_key(&self) -> String {
        user_keys::email(&self.email)
    }

    /// The normalised username under which the user is unique and looked up.
    pub fn username_key(&self) -> String {
        user_keys::username(&self.username)
    }

    pub fn organization_ids(&self) -> Vec<Uuid> {
        self.memberships.iter().map(|m| m.organization_id).collect()
    }

    pub fn has_site_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// The normalised forms under which users are unique and looked up.
pub mod user_keys {
    /// Emails compare case-insensitively (Coder: `LOWER(email)`).
    pub fn email(email: &str) -> String {
        email.to_lowercase()
    }

    /// Usernames compare case-insensitively (Coder: `LOWER(username)`).
    pub fn username(username: &str) -> String {
        username.to_lowercase()
    }
}

fn barong_uid() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 5];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!("ID{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barong_uid_shape() {
        let u = User::new("a@b.c", "a", DateTime::UNIX_EPOCH);
        assert_eq!(u.uid.len(), 12);
        assert!(u.uid.starts_with("ID"));
        assert!(
            u.uid[2..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
    }

    #[test]
    fn keys_are_case_insensitive() {
        let u = User::new("Alice@Example.COM", "Alice", DateTime::UNIX_EPOCH);
        assert_eq!(u.email_key(), "alice@example.com");
        assert_eq!(u.username_key(), "alice");
    }
}
