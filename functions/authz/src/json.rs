//! Response bodies of the group, field for field as Go encodes them.

use gatehouse::auth::roles::AssignableRole;
use gatehouse::model::{ApiKey, Organization, OrganizationMembership, User};
use gatehouse::rbac::Permission;
use gatehouse::wire::coder::{SlimRole, UserJson, go_time, slim_roles};
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

/// `codersdk.OrganizationMemberWithUserData`: the user's data, then the membership.
#[derive(Serialize)]
pub struct MemberWithUserJson {
    pub username: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    pub email: String,
    pub status: &'static str,
    pub login_type: &'static str,
    pub last_seen_at: String,
    pub user_created_at: String,
    pub user_updated_at: String,
    pub global_roles: Vec<SlimRole>,
    #[serde(flatten)]
    pub member: OrganizationMemberJson,
}

impl MemberWithUserJson {
    pub fn new(user: &User, m: &OrganizationMembership) -> Self {
        let user_json = UserJson::from(user);
        Self {
            username: user.username.clone(),
            name: user.name.clone(),
            avatar_url: user.avatar_url.clone(),
            email: user.email.clone(),
            status: user.status.as_str(),
            login_type: user.login_type.as_str(),
            last_seen_at: user_json.last_seen_at,
            user_created_at: go_time(&user.created_at),
            user_updated_at: go_time(&user.updated_at),
            global_roles: slim_roles(user),
            member: OrganizationMemberJson::new(user, m),
        }
    }
}

/// `codersdk.APIKey`, and `codersdk.APIKeyWithOwner` (the same fields, then `username`).
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl ApiKeyJson {
    pub fn new(key: &ApiKey) -> Self {
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
            username: None,
        }
    }

    /// `codersdk.APIKeyWithOwner`, as the token list shows each key.
    pub fn with_username(key: &ApiKey, username: &str) -> Self {
        Self {
            username: Some(username.to_owned()),
            ..Self::new(key)
        }
    }
}

/// `codersdk.AssignableRoles`: a role, whether the caller may assign it, and that it is built in.
#[derive(Serialize)]
pub struct AssignableRoleJson {
    pub name: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization_id: String,
    pub display_name: &'static str,
    pub site_permissions: Vec<PermissionJson>,
    pub organization_permissions: Vec<PermissionJson>,
    pub user_permissions: Vec<PermissionJson>,
    pub organization_member_permissions: Vec<PermissionJson>,
    pub assignable: bool,
    pub built_in: bool,
}

#[derive(Serialize)]
pub struct PermissionJson {
    pub negate: bool,
    pub resource_type: &'static str,
    pub action: &'static str,
}

fn permissions(list: &[Permission]) -> Vec<PermissionJson> {
    list.iter()
        .map(|p| PermissionJson {
            negate: p.negate,
            resource_type: p.resource_type,
            action: p.action,
        })
        .collect()
}

impl AssignableRoleJson {
    pub fn new(r: &AssignableRole, organization_id: Option<uuid::Uuid>) -> Self {
        Self {
            name: r.role.name,
            organization_id: organization_id.map(|o| o.to_string()).unwrap_or_default(),
            display_name: r.role.display_name,
            site_permissions: permissions(&r.role.site),
            organization_permissions: permissions(&r.role.org),
            user_permissions: permissions(&r.role.user),
            organization_member_permissions: permissions(&r.role.member),
            assignable: r.assignable,
            built_in: true,
        }
    }
}
