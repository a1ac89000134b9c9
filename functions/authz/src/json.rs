//! Response bodies of the group, field for field as Go encodes them.

use gatehouse::model::{ApiKey, Organization, OrganizationMembership, User};
use gatehouse::wire::coder::{SlimRole, go_time};
use serde::Serialize;

#[derive(Serialize)]
pub struct OrganizationJson {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub icon: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
    pub is_default: bool,
}

impl From<&Organization> for OrganizationJson {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            icon: o.icon.clone(),
            description: o.description.clone(),
            created_at: go_time(&o.created_at),
            updated_at: go_time(&o.updated_at),
            is_default: o.is_default,
        }
    }
}

#[derive(Serialize)]
pub struct OrganizationMemberJson {
    pub user_id: String,
    pub organization_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub roles: Vec<SlimRole>,
}

impl OrganizationMemberJson {
    pub fn new(user: &User, m: &OrganizationMembership) -> Self {
        Self {
            user_id: user.id.to_string(),
            organization_id: m.organization_id.to_string(),
            created_at: go_time(&m.created_at),
            updated_at: go_time(&m.updated_at),
            roles: m
                .roles
                .iter()
                .map(|r| SlimRole::new(r, Some(m.organization_id)))
                .collect(),
        }
    }
}

/// `codersdk.APIKeyWithOwner` (the `APIKey` fields, then `username`).
#[derive(Serialize)]
pub struct ApiKeyJson {
    pub id: String,
    pub user_id: String,
    pub last_used: String,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub login_type: &'static str,
    pub scope: &'static str,
    pub scopes: Vec<String>,
    pub token_name: String,
    pub lifetime_seconds: i64,
    pub allow_list: Vec<String>,
    pub username: String,
}

impl ApiKeyJson {
    pub fn new(key: &ApiKey, owner: &User) -> Self {
        let scopes: Vec<String> = key.scopes.iter().map(|s| s.0.clone()).collect();
        // The legacy single `scope`, derived as Coder does.
        let scope = if scopes.iter().any(|s| s == "coder:application_connect") {
            "application_connect"
        } else if scopes.iter().any(|s| s == "coder:all") {
            "all"
        } else {
            ""
        };
        Self {
            id: key.id.clone(),
            user_id: key.user_id.to_string(),
            last_used: go_time(&key.last_used),
            expires_at: go_time(&key.expires_at),
            created_at: go_time(&key.created_at),
            updated_at: go_time(&key.updated_at),
            login_type: key.login_type.as_str(),
            scope,
            scopes,
            token_name: key.token_name.clone(),
            lifetime_seconds: key.lifetime_seconds,
            allow_list: key.allow_list.iter().map(ToString::to_string).collect(),
            username: owner.username.clone(),
        }
    }
}
