//! `codersdk.User` as Go encodes it.

use super::response::go_time;
use crate::model::User;
use crate::rbac::display_name;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SlimRole {
    pub name: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization_id: String,
}

impl SlimRole {
    /// A role by name, with the built-in display name (empty for unknown names, as in Coder);
    /// organization roles carry their organization.
    pub fn new(name: &str, organization_id: Option<uuid::Uuid>) -> Self {
        Self {
            name: name.to_owned(),
            display_name: display_name(name).to_owned(),
            organization_id: organization_id.map(|o| o.to_string()).unwrap_or_default(),
        }
    }
}

/// The user's stored site roles (`member` is implied and not listed, as in Coder).
pub fn slim_roles(user: &User) -> Vec<SlimRole> {
    user.roles.iter().map(|r| SlimRole::new(r, None)).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct UserJson {
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    pub email: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_seen_at: String,
    pub status: &'static str,
    pub login_type: &'static str,
    pub organization_ids: Vec<String>,
    pub roles: Vec<SlimRole>,
}

/// Go's zero `time.Time`, which Coder sends for a user never seen.
const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

impl From<&User> for UserJson {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            email: u.email.clone(),
            created_at: go_time(&u.created_at),
            updated_at: go_time(&u.updated_at),
            last_seen_at: u
                .last_seen_at
                .as_ref()
                .map_or_else(|| GO_ZERO_TIME.to_owned(), go_time),
            status: u.status.as_str(),
            login_type: u.login_type.as_str(),
            organization_ids: u
                .organization_ids()
                .iter()
                .map(ToString::to_string)
                .collect(),
            roles: slim_roles(u),
        }
    }
}
