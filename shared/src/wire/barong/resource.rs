//! The resource API's entities (`app/api/v2/entities/*.rb`), keys in Barong's exposure order.

use super::user::iso_timestamp;
use crate::model::{Activity, BarongApiKey, DataStorage, ServiceAccount, User};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// ActiveSupport's JSON time of a database column (raw records, not entities): whole seconds
/// (MySQL `datetime`), written with milliseconds and `Z`.
pub fn active_support_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S.000Z").to_string()
}

/// `APIKey`: the secret only in the answer that created the key.
#[derive(Serialize)]
pub struct ApiKey {
    pub kid: String,
    pub algorithm: String,
    pub scope: Vec<String>,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl ApiKey {
    /// `holder_generation` is the holder's current API-key generation (see
    /// [`BarongApiKey::effective_state`]).
    pub fn new(key: &BarongApiKey, holder_generation: u64, secret: Option<String>) -> Self {
        Self {
            kid: key.kid.clone(),
            algorithm: key.algorithm.clone(),
            scope: key.scope.clone(),
            state: key.effective_state(holder_generation).to_owned(),
            secret,
            created_at: iso_timestamp(&key.created_at),
            updated_at: iso_timestamp(&key.updated_at),
        }
    }
}

/// `DataStorage`.
#[derive(Serialize)]
pub struct DataStorageEntity {
    pub title: String,
    pub data: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&DataStorage> for DataStorageEntity {
    fn from(d: &DataStorage) -> Self {
        Self {
            title: d.title.clone(),
            data: d.data.clone(),
            created_at: iso_timestamp(&d.created_at),
            updated_at: iso_timestamp(&d.updated_at),
        }
    }
}

/// A service account as `GET /resource/service_accounts` answers it: the raw record, not an
/// entity. Barong's `id` and `owner_id` are database row numbers, which Gatehouse does not
/// have: `id` is the creation time in microseconds (unique and ordered), `owner_id` the
/// owner's uid.
#[derive(Serialize)]
pub struct ServiceAccountRecord {
    pub id: i64,
    pub uid: String,
    pub owner_id: String,
    pub email: String,
    pub role: String,
    pub level: u32,
    pub state: String,
    pub created_at: String,
    pub updated_at: String,
}

impl ServiceAccountRecord {
    pub fn new(owner: &User, account: &ServiceAccount) -> Self {
        Self {
            id: account.created_at.timestamp_micros(),
            uid: account.uid.clone(),
            owner_id: owner.uid.clone(),
            email: account.email.clone(),
            role: account.role.clone(),
            level: owner.level,
            state: owner.service_account_state(account).to_owned(),
            created_at: active_support_time(&account.created_at),
            updated_at: active_support_time(&account.updated_at),
        }
    }
}

/// Barong's `User` entity (inside `ServiceAccounts`).
#[derive(Serialize)]
pub struct UserEntity {
    pub email: String,
    pub uid: String,
    pub role: &'static str,
    pub level: u32,
    pub otp: bool,
    pub state: &'static str,
    pub referral_uid: Option<String>,
    pub data: Option<String>,
    pub username: Option<String>,
}

impl From<&User> for UserEntity {
    fn from(u: &User) -> Self {
        Self {
            email: u.email.clone(),
            uid: u.uid.clone(),
            role: u.barong_role(),
            level: u.level,
            otp: u.totp_enabled,
            state: u.barong_state.as_str(),
            referral_uid: u.referral_uid.clone(),
            data: u.data.clone(),
            username: (!u.username_generated).then(|| u.username.clone()),
        }
    }
}

/// `ServiceAccounts` (what Barong's management API answers on create).
#[derive(Serialize)]
pub struct ServiceAccountEntity {
    pub email: String,
    pub uid: String,
    pub role: String,
    pub level: u32,
    pub state: String,
    pub user: UserEntity,
    pub created_at: String,
    pub updated_at: String,
}

impl ServiceAccountEntity {
    pub fn new(owner: &User, account: &ServiceAccount) -> Self {
        Self {
            email: account.email.clone(),
            uid: account.uid.clone(),
            role: account.role.clone(),
            level: owner.level,
            state: owner.service_account_state(account).to_owned(),
            user: UserEntity::from(owner),
            created_at: iso_timestamp(&account.created_at),
            updated_at: iso_timestamp(&account.updated_at),
        }
    }
}

/// `Activity`. Gatehouse has no GeoIP database: `user_ip_country` is null.
#[derive(Serialize)]
pub struct ActivityEntity {
    pub id: i64,
    pub user_ip: String,
    pub user_ip_country: Option<String>,
    pub user_agent: String,
    pub topic: String,
    pub action: String,
    pub result: String,
    pub data: Option<String>,
    pub created_at: String,
}

impl From<&Activity> for ActivityEntity {
    fn from(a: &Activity) -> Self {
        Self {
            id: a.seq,
            user_ip: a.user_ip.clone(),
            user_ip_country: None,
            user_agent: a.user_agent.clone(),
            topic: a.topic.clone(),
            action: a.action.clone(),
            result: a.result.clone(),
            data: a.data.clone(),
            created_at: iso_timestamp(&a.created_at),
        }
    }
}
