use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub display_name: String,
    pub description: String,
    #[serde(default)]
    pub icon: String,
    pub is_default: bool,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}

/// A user's membership of an organization, with the organization roles it holds there
/// (`organization-member` is implied and never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationMembership {
    pub organization_id: Uuid,
    pub roles: Vec<String>,
    #[serde(default, deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}

impl Organization {
    /// The organization a deployment's first user creates (Coder's built-in `coder`).
    pub fn builtin_default(now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::new_v4(),
            name: "coder".to_owned(),
            display_name: "Coder".to_owned(),
            description: "Builtin default organization.".to_owned(),
            icon: String::new(),
            is_default: true,
            created_at: now,
            updated_at: now,
        }
    }
}

impl OrganizationMembership {
    pub fn new(organization_id: Uuid, now: DateTime<Utc>) -> Self {
        Self {
            organization_id,
            roles: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }
}
