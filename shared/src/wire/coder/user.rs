//! `codersdk.User` as Go encodes it.

use super::response::go_time;
use crate::model::User;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SlimRole {
    pub name: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization_id: String,
}

/// Display names of the built-in roles (rbac/roles.go); unknown names display as "".
fn display_name(role: &str) -> &'static str {
    match role {
        "owner" => "Owner",
        "member" => "Member",
        "auditor" => "Auditor",
        "template-admin" => "Template Admin",
        "user-admin" => "User Admin",
        "organization-admin" => "Organization Admin",
        "organization-auditor" => "Organization Auditor",
        "organization-user-admin" => "Organization User Admin",
        "organization-template-admin" => "Organization Template Admin",
        "organization-workspace-creation-ban" => "Organization Workspace Creation Ban",
        _ => "",
    }
}

/// The user's stored site roles (`member` is implied and not listed, as in Coder).
pub fn slim_roles(user: &User) -> Vec<SlimRole> {
    user.roles
        .iter()
        .map(|r| SlimRole {
            name: r.clone(),
            display_name: display_name(r).to_owned(),
            organization_id: String::new(),
        })
        .collect()
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
