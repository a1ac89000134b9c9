//! Versioned storage records: what is written at rest, converted to and from domain types.
//! A record carries `v`; readers accept every version they know, writers write the newest.

use crate::model::{
    AllowListEntry, ApiKey, ApiKeyScope, BarongLabel, BarongSession, BarongState, DataStorage,
    LoginType, OneTimePasscode, Organization, OrganizationMembership, PendingResetToken,
    ServiceAccount, TotpKey, User, UserStatus,
};
use crate::store::StoreError;
use crate::token::SecretHash;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const USER_RECORD_VERSION: u32 = 1;
const API_KEY_RECORD_VERSION: u32 = 1;
const ORGANIZATION_RECORD_VERSION: u32 = 1;
const BARONG_SESSION_RECORD_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
pub struct UserRecord {
    pub v: u32,
    pub id: Uuid,
    pub email: String,
    pub hashed_password: Option<String>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
    pub deleted: bool,
    pub session_generation: u64,
    pub revision: u64,
    pub username: String,
    pub name: String,
    pub avatar_url: String,
    pub login_type: LoginType,
    pub status: UserStatus,
    pub roles: Vec<String>,
    pub memberships: Vec<OrganizationMembership>,
    #[serde(
        default,
        deserialize_with = "crate::model::timestamp::deserialize_option"
    )]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The stored names stay as first written; the domain renamed them (`password_reset_passcode`,
    /// `barong_state`, `totp_enabled`) so that they no longer read alike.
    pub one_time_passcode: Option<OneTimePasscode>,
    pub uid: String,
    pub state: String,
    pub level: u32,
    pub labels: Vec<BarongLabel>,
    pub otp: bool,
    pub data: Option<String>,
    /// Absent in records written before the Barong surface existed.
    #[serde(default)]
    pub username_generated: bool,
    #[serde(default)]
    pub referral_uid: Option<String>,
    #[serde(default)]
    pub reset_token: Option<PendingResetToken>,
    #[serde(default)]
    pub totp_key: Option<TotpKey>,
    #[serde(default)]
    pub data_storages: Vec<DataStorage>,
    #[serde(default)]
    pub service_accounts: Vec<ServiceAccount>,
    #[serde(default)]
    pub api_key_generation: u64,
}

impl From<&User> for UserRecord {
    fn from(u: &User) -> Self {
        Self {
            v: USER_RECORD_VERSION,
            id: u.id,
            email: u.email.clone(),
            hashed_password: u.hashed_password.clone(),
            created_at: u.created_at,
            updated_at: u.updated_at,
            deleted: u.deleted,
            session_generation: u.session_generation,
            revision: u.revision,
            username: u.username.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            login_type: u.login_type,
            status: u.status,
            roles: u.roles.clone(),
            memberships: u.memberships.clone(),
            last_seen_at: u.last_seen_at,
            one_time_passcode: u.password_reset_passcode.clone(),
            uid: u.uid.clone(),
            state: u.barong_state.as_str().to_owned(),
            level: u.level,
            labels: u.labels.clone(),
            otp: u.totp_enabled,
            data: u.data.clone(),
            username_generated: u.username_generated,
            referral_uid: u.referral_uid.clone(),
            reset_token: u.password_reset_token.clone(),
            totp_key: u.totp_key.clone(),
            data_storages: u.data_storages.clone(),
            service_accounts: u.service_accounts.clone(),
            api_key_generation: u.api_key_generation,
        }
    }
}

impl TryFrom<UserRecord> for User {
    type Error = StoreError;

    fn try_from(r: UserRecord) -> Result<Self, StoreError> {
        if r.v != USER_RECORD_VERSION {
            return Err(StoreError::Corrupt(format!(
                "unknown user record version {}",
                r.v
            )));
        }
        Ok(Self {
            id: r.id,
            email: r.email,
            hashed_password: r.hashed_password,
            created_at: r.created_at,
            updated_at: r.updated_at,
            deleted: r.deleted,
            session_generation: r.session_generation,
            revision: r.revision,
            username: r.username,
            name: r.name,
            avatar_url: r.avatar_url,
            login_type: r.login_type,
            status: r.status,
            roles: r.roles,
            memberships: r.memberships,
            last_seen_at: r.last_seen_at,
            password_reset_passcode: r.one_time_passcode,
            uid: r.uid,
            barong_state: BarongState::parse(&r.state)
                .ok_or_else(|| StoreError::Corrupt(format!("barong state {:?}", r.state)))?,
            level: r.level,
            labels: r.labels,
            totp_enabled: r.otp,
            data: r.data,
            username_generated: r.username_generated,
            referral_uid: r.referral_uid,
            password_reset_token: r.reset_token,
            totp_key: r.totp_key,
            data_storages: r.data_storages,
            service_accounts: r.service_accounts,
            api_key_generation: r.api_key_generation,
        })
    }
}

#[derive(Serialize, Deserialize)]
pub struct ApiKeyRecord {
    pub v: u32,
    pub id: String,
    /// Hex SHA-256 of the secret; the secret itself is never stored.
    pub hashed_secret: String,
    pub user_id: Uuid,
    pub user_generation: u64,
    pub login_type: LoginType,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub last_used: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub expires_at: DateTime<Utc>,
    pub lifetime_seconds: i64,
    pub ip_address: String,
    pub token_name: String,
    pub scopes: Vec<String>,
    /// `"type:id"` entries; records written before allow lists existed read as `*:*`, which is
    /// what those keys were minted with.
    #[serde(default = "everything")]
    pub allow_list: Vec<String>,
}

fn everything() -> Vec<String> {
    vec![AllowListEntry::everything().to_string()]
}

impl From<&ApiKey> for ApiKeyRecord {
    fn from(k: &ApiKey) -> Self {
        Self {
            v: API_KEY_RECORD_VERSION,
            id: k.id.clone(),
            hashed_secret: k.hashed_secret.to_hex(),
            user_id: k.user_id,
            user_generation: k.user_generation,
            login_type: k.login_type,
            created_at: k.created_at,
            updated_at: k.updated_at,
            last_used: k.last_used,
            expires_at: k.expires_at,
            lifetime_seconds: k.lifetime_seconds,
            ip_address: k.ip_address.clone(),
            token_name: k.token_name.clone(),
            scopes: k.scopes.iter().map(|s| s.0.clone()).collect(),
            allow_list: k.allow_list.iter().map(ToString::to_string).collect(),
        }
    }
}

impl TryFrom<ApiKeyRecord> for ApiKey {
    type Error = StoreError;

    fn try_from(r: ApiKeyRecord) -> Result<Self, StoreError> {
        if r.v != API_KEY_RECORD_VERSION {
            return Err(StoreError::Corrupt(format!(
                "unknown api key record version {}",
                r.v
            )));
        }
        let hashed_secret = SecretHash::from_hex(&r.hashed_secret)
            .ok_or_else(|| StoreError::Corrupt("api key hash".to_owned()))?;
        Ok(Self {
            id: r.id,
            hashed_secret,
            user_id: r.user_id,
            user_generation: r.user_generation,
            login_type: r.login_type,
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_used: r.last_used,
            expires_at: r.expires_at,
            lifetime_seconds: r.lifetime_seconds,
            ip_address: r.ip_address,
            token_name: r.token_name,
            scopes: r.scopes.into_iter().map(ApiKeyScope).collect(),
            allow_list: r
                .allow_list
                .iter()
                .map(|e| {
                    let (resource_type, id) = e
                        .split_once(':')
                        .ok_or_else(|| StoreError::Corrupt(format!("allow list entry {e:?}")))?;
                    Ok(AllowListEntry {
                        resource_type: resource_type.to_owned(),
                        id: id.to_owned(),
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }
}

#[derive(Serialize, Deserialize)]
pub struct OrganizationRecord {
    pub v: u32,
    #[serde(flatten)]
    pub organization: Organization,
}

impl From<&Organization> for OrganizationRecord {
    fn from(o: &Organization) -> Self {
        Self {
            v: ORGANIZATION_RECORD_VERSION,
            organization: o.clone(),
        }
    }
}

impl TryFrom<OrganizationRecord> for Organization {
    type Error = StoreError;

    fn try_from(r: OrganizationRecord) -> Result<Self, StoreError> {
        if r.v != ORGANIZATION_RECORD_VERSION {
            return Err(StoreError::Corrupt(format!(
                "unknown organization record version {}",
                r.v
            )));
        }
        Ok(r.organization)
    }
}

/// JSON text of a record.
pub fn encode<T: Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A record from JSON text, converted to its domain type.
pub fn decode<R: for<'de> Deserialize<'de>, T: TryFrom<R, Error = StoreError>>(
    text: &[u8],
) -> Result<T, StoreError> {
    let record: R = serde_json::from_slice(text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    T::try_from(record)
}

/// Marker items (uniqueness) point at the item they guard.
#[derive(Serialize, Deserialize)]
pub struct MarkerRecord {
    pub target: String,
}

/// Counters expire by time; the store also sets a TTL so DynamoDB may drop them eventually.
#[derive(Serialize, Deserialize)]
pub struct CounterRecord {
    pub count: u64,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub expires_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
pub struct BarongSessionRecord {
    pub v: u32,
    /// Hex SHA-256 of the cookie's session id; the id itself is never stored.
    pub id_hash: String,
    pub user_id: Uuid,
    pub user_generation: u64,
    pub user_ip: String,
    pub user_agent: String,
    pub csrf_token: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub expires_at: DateTime<Utc>,
}

impl From<&BarongSession> for BarongSessionRecord {
    fn from(s: &BarongSession) -> Self {
        Self {
            v: BARONG_SESSION_RECORD_VERSION,
            id_hash: s.id_hash.to_hex(),
            user_id: s.user_id,
            user_generation: s.user_generation,
            user_ip: s.user_ip.clone(),
            user_agent: s.user_agent.clone(),
            csrf_token: s.csrf_token.clone(),
            created_at: s.created_at,
            expires_at: s.expires_at,
        }
    }
}

impl TryFrom<BarongSessionRecord> for BarongSession {
    type Error = StoreError;

    fn try_from(r: BarongSessionRecord) -> Result<Self, StoreError> {
        if r.v != BARONG_SESSION_RECORD_VERSION {
            return Err(StoreError::Corrupt(format!(
                "unknown barong session record version {}",
                r.v
            )));
        }
        Ok(Self {
            id_hash: SecretHash::from_hex(&r.id_hash)
                .ok_or_else(|| StoreError::Corrupt("barong session hash".to_owned()))?,
            user_id: r.user_id,
            user_generation: r.user_generation,
            user_ip: r.user_ip,
            user_agent: r.user_agent,
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
    }
}

/// A restriction is stored as its domain form (it has no secrets and no derived fields).
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct RestrictionRecord(pub crate::model::Restriction);

impl TryFrom<RestrictionRecord> for crate::model::Restriction {
    type Error = StoreError;

    fn try_from(r: RestrictionRecord) -> Result<Self, StoreError> {
        Ok(r.0)
    }
}

/// A Barong API key is stored as its domain form: its secret is already sealed.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct BarongApiKeyRecord(pub crate::model::BarongApiKey);

impl TryFrom<BarongApiKeyRecord> for crate::model::BarongApiKey {
    type Error = StoreError;

    fn try_from(r: BarongApiKeyRecord) -> Result<Self, StoreError> {
        Ok(r.0)
    }
}

/// An activity is stored as its domain form.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActivityRecord(pub crate::model::Activity);

impl TryFrom<ActivityRecord> for crate::model::Activity {
    type Error = StoreError;

    fn try_from(r: ActivityRecord) -> Result<Self, StoreError> {
        Ok(r.0)
    }
}
