//! Barong's user entities (`app/api/v2/entities/*.rb`), keys in Barong's exposure order.

use crate::model::{BarongLabel, User};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// Barong's `iso_timestamp` format: UTC, whole seconds, `Z`.
pub fn iso_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Serialize)]
pub struct Label {
    pub key: String,
    pub value: String,
    pub scope: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&BarongLabel> for Label {
    fn from(l: &BarongLabel) -> Self {
        Self {
            key: l.key.clone(),
            value: l.value.clone(),
            scope: l.scope.clone(),
            created_at: iso_timestamp(&l.created_at),
            updated_at: iso_timestamp(&l.updated_at),
        }
    }
}

/// `UserWithFullInfo`. `csrf_token` only on the answers that open a session.
#[derive(Serialize)]
pub struct UserWithFullInfo {
    pub email: String,
    pub uid: String,
    pub role: &'static str,
    pub level: u32,
    pub otp: bool,
    pub state: &'static str,
    pub referral_uid: Option<String>,
    pub data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    pub username: Option<String>,
    pub labels: Vec<Label>,
    /// Phones and profiles (KYC) are not kept: always empty lists.
    pub phones: Vec<serde_json::Value>,
    pub profiles: Vec<serde_json::Value>,
    pub data_storages: Vec<super::resource::DataStorageEntity>,
    pub created_at: String,
    pub updated_at: String,
}

impl UserWithFullInfo {
    pub fn new(user: &User, csrf_token: Option<String>) -> Self {
        Self {
            email: user.email.clone(),
            uid: user.uid.clone(),
            role: user.barong_role(),
            level: user.level,
            otp: user.totp_enabled,
            state: user.barong_state.as_str(),
            referral_uid: user.referral_uid.clone(),
            data: user.data.clone(),
            csrf_token,
            username: (!user.username_generated).then(|| user.username.clone()),
            labels: user.labels.iter().map(Label::from).collect(),
            phones: Vec::new(),
            profiles: Vec::new(),
            data_storages: user.data_storages.iter().map(Into::into).collect(),
            created_at: iso_timestamp(&user.created_at),
            updated_at: iso_timestamp(&user.updated_at),
        }
    }
}
