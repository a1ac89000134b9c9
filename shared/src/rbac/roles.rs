//! Built-in roles, as data.
//!
//! Snapshot: the doc era (late 2025, Coder v2.27-v2.28) as described in
//! `reference/coder-auth-api.md` §8.4: the role table of coderd/rbac/roles.go restricted to the
//! doc-era resource catalogue, with the doc-era `organization-member` member level
//! (`legacyOrgMemberPermissions`: owned workspaces inside an organization are granted there, not
//! at the site-wide user level). Role identifiers are `name` for site roles and `name:<org uuid>`
//! for organization roles; `member` and `organization-member` are implied for every user and
//! every membership.

use super::catalog::{CRUD, RESOURCES};
use super::engine::Permission;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDefinition {
    pub name: &'static str,
    pub display_name: &'static str,
    /// Organization roles apply inside the organization they are bound to.
    pub organization_role: bool,
    pub site: Vec<Permission>,
    pub user: Vec<Permission>,
    pub org: Vec<Permission>,
    pub member: Vec<Permission>,
}

type Grants = &'static [(&'static str, &'static [&'static str])];

const WORKSPACE_NOT_CONNECT: &[&str] = &[
    "create",
    "read",
    "update",
    "delete",
    "start",
    "stop",
    "create_agent",
    "delete_agent",
    "share",
];
const DORMANT: &[&str] = &[
    "read",
    "delete",
    "create",
    "update",
    "stop",
    "create_agent",
    "delete_agent",
];
const ALL: &[&str] = &["*"];

fn grants(list: Grants) -> Vec<Permission> {
    list.iter()
        .flat_map(|(t, actions)| actions.iter().map(move |a| Permission::allow(t, a)))
        .collect()
}

fn denials(list: Grants) -> Vec<Permission> {
    list.iter()
        .flat_map(|(t, actions)| actions.iter().map(move |a| Permission::deny(t, a)))
        .collect()
}

/// `<type>:*` for every resource type except `excluded` (Coder's `allPermsExcept`).
fn all_except(excluded: &[&str]) -> Vec<Permission> {
    RESOURCES
        .iter()
        .filter(|(t, _)| !excluded.contains(t))
        .map(|(t, _)| Permission::allow(t, "*"))
        .collect()
}

fn join(parts: [Vec<Permission>; 2]) -> Vec<Permission> {
    parts.into_iter().flatten().collect()
}

fn define_site_role(
    name: &'static str,
    display_name: &'static str,
    site: Vec<Permission>,
    user: Vec<Permission>,
) -> RoleDefinition {
    RoleDefinition {
        name,
        display_name,
        organization_role: false,
        site,
        user,
        org: Vec::new(),
        member: Vec::new(),
    }
}

fn define_org_role(
    name: &'static str,
    display_name: &'static str,
    site: Vec<Permission>,
    org: Vec<Permission>,
    member: Vec<Permission>,
) -> RoleDefinition {
    RoleDefinition {
        name,
        display_name,
        organization_role: true,
        site,
        user: Vec::new(),
        org,
        member,
    }
}

pub static BUILT_IN_SITE_ROLES: LazyLock<Vec<RoleDefinition>> = LazyLock::new(|| {
    vec![
        define_site_role(
            "owner",
            "Owner",
            join([
                all_except(&[
                    "workspace_dormant",
                    "prebuilt_workspace",
                    "workspace",
                    "user_secret",
                    "usage_event",
                ]),
                grants(&[
                    ("workspace", ALL),
                    ("workspace_dormant", DORMANT),
                    ("prebuilt_workspace", &["update", "delete"]),
                ]),
            ]),
            Vec::new(),
        ),
        define_site_role(
            "member",
            "Member",
            grants(&[
                ("assign_role", &["read"]),
                ("oauth2_app", &["read"]),
                ("workspace_proxy", &["read"]),
            ]),
            join([
                all_except(&[
                    "workspace_dormant",
                    "prebuilt_workspace",
                    "workspace",
                    "user",
                    "organization_member",
                    "aibridge_interception",
                ]),
                grants(&[
                    ("user", &["read", "read_personal", "update_personal"]),
                    ("provisioner_daemon", &["read", "create", "update"]),
                    ("aibridge_interception", &["create", "update"]),
                ]),
            ]),
        ),
        define_site_role(
            "auditor",
            "Auditor",
            grants(&[
                ("assign_org_role", &["read"]),
                ("audit_log", &["read"]),
                ("connection_log", &["read"]),
                ("user", &["read"]),
                ("group", &["read"]),
                ("group_member", &["read"]),
                ("organization", &["read"]),
                ("organization_member", &["read"]),
                ("deployment_stats", &["read"]),
                ("deployment_config", &["read"]),
                ("aibridge_interception", &["read"]),
                ("template", &["read", "view_insights"]),
            ]),
            Vec::new(),
        ),
        define_site_role(
            "template-admin",
            "Template Admin",
            grants(&[
                ("assign_org_role", &["read"]),
                ("template", ALL),
                ("file", &["create", "read"]),
                ("workspace", &["read"]),
                ("workspace_dormant", &["read"]),
                ("prebuilt_workspace", &["update", "delete"]),
                ("provisioner_daemon", CRUD),
                ("user", &["read"]),
                ("group", &["read"]),
                ("group_member", &["read"]),
                ("organization", &["read"]),
                ("organization_member", &["read"]),
            ]),
            Vec::new(),
        ),
        define_site_role(
            "user-admin",
            "User Admin",
            grants(&[
                ("assign_role", &["assign", "unassign", "read"]),
                ("assign_org_role", &["assign", "unassign", "read"]),
                (
                    "user",
                    &[
                        "create",
                        "read",
                        "update",
                        "delete",
                        "read_personal",
                        "update_personal",
                    ],
                ),
                ("group", CRUD),
                ("group_member", &["read"]),
                ("organization", &["read"]),
                ("organization_member", CRUD),
                ("idpsync_settings", &["read", "update"]),
            ]),
            Vec::new(),
        ),
    ]
});

pub static BUILT_IN_ORG_ROLES: LazyLock<Vec<RoleDefinition>> = LazyLock::new(|| {
    vec![
        define_org_role(
            "organization-admin",
            "Organization Admin",
            grants(&[("user", &["read"])]),
            join([
                all_except(&[
                    "workspace",
                    "workspace_dormant",
                    "prebuilt_workspace",
                    "assign_role",
                    "user_secret",
                ]),
                grants(&[
                    ("workspace", WORKSPACE_NOT_CONNECT),
                    ("workspace_dormant", DORMANT),
                    ("prebuilt_workspace", &["update", "delete"]),
                ]),
            ]),
            Vec::new(),
        ),
        define_org_role(
            "organization-member",
            "",
            Vec::new(),
            grants(&[
                ("provisioner_daemon", &["read"]),
                ("organization", &["read"]),
                ("assign_org_role", &["read"]),
            ]),
            join([
                all_except(&[
                    "workspace_dormant",
                    "prebuilt_workspace",
                    "user",
                    "organization_member",
                    "aibridge_interception",
                ]),
                grants(&[
                    ("workspace_dormant", DORMANT),
                    ("organization_member", &["read"]),
                    ("aibridge_interception", &["create", "update"]),
                ]),
            ]),
        ),
        define_org_role(
            "organization-auditor",
            "Organization Auditor",
            Vec::new(),
            grants(&[
                ("audit_log", &["read"]),
                ("connection_log", &["read"]),
                ("group", &["read"]),
                ("group_member", &["read"]),
                ("organization", &["read"]),
                ("organization_member", &["read"]),
                ("template", &["read", "view_insights"]),
            ]),
            Vec::new(),
        ),
        define_org_role(
            "organization-user-admin",
            "Organization User Admin",
            grants(&[("user", &["read"])]),
            grants(&[
                ("assign_org_role", &["assign", "unassign", "read"]),
                ("organization", &["read"]),
                ("organization_member", CRUD),
                ("group", ALL),
                ("group_member", ALL),
                ("idpsync_settings", &["read", "update"]),
            ]),
            Vec::new(),
        ),
        define_org_role(
            "organization-template-admin",
            "Organization Template Admin",
            Vec::new(),
            grants(&[
                ("template", ALL),
                ("file", &["create", "read"]),
                ("workspace", &["read"]),
                ("workspace_dormant", &["read"]),
                ("prebuilt_workspace", &["update", "delete"]),
                ("organization", &["read"]),
                ("organization_member", &["read"]),
                ("group", &["read"]),
                ("group_member", &["read"]),
                ("provisioner_daemon", CRUD),
                ("provisioner_jobs", &["read", "update", "create"]),
            ]),
            Vec::new(),
        ),
        define_org_role(
            "organization-workspace-creation-ban",
            "Organization Workspace Creation Ban",
            Vec::new(),
            denials(&[(
                "workspace",
                &["create", "delete", "create_agent", "delete_agent"],
            )]),
            Vec::new(),
        ),
    ]
});

/// Who may grant or revoke which role (rbac/roles.go `assignRoles`).
const ASSIGNABLE_BY: &[(&str, &[&str])] = &[
    (
        "owner",
        &[
            "owner",
            "member",
            "auditor",
            "template-admin",
            "user-admin",
            "organization-admin",
            "organization-member",
            "organization-auditor",
            "organization-user-admin",
            "organization-template-admin",
            "organization-workspace-creation-ban",
        ],
    ),
    ("user-admin", &["member", "organization-member"]),
    (
        "organization-admin",
        &[
            "organization-admin",
            "organization-member",
            "organization-auditor",
            "organization-user-admin",
            "organization-template-admin",
            "organization-workspace-creation-ban",
        ],
    ),
    ("organization-user-admin", &["organization-member"]),
];

pub fn site_role(name: &str) -> Option<&'static RoleDefinition> {
    BUILT_IN_SITE_ROLES.iter().find(|r| r.name == name)
}

pub fn org_role(name: &str) -> Option<&'static RoleDefinition> {
    BUILT_IN_ORG_ROLES.iter().find(|r| r.name == name)
}

pub fn is_site_role(name: &str) -> bool {
    site_role(name).is_some()
}

pub fn is_org_role(name: &str) -> bool {
    org_role(name).is_some()
}

pub fn display_name(name: &str) -> &'static str {
    site_role(name)
        .or_else(|| org_role(name))
        .map_or("", |r| r.display_name)
}

/// May a holder of `held` roles (site roles, plus organization roles held in the organization
/// concerned) grant or revoke `role`? An organization role's assigner must hold its power in the
/// same organization: the caller passes only the roles that apply there.
pub fn can_assign(held: &[&str], role: &str) -> bool {
    held.iter().any(|h| {
        ASSIGNABLE_BY
            .iter()
            .any(|(by, roles)| by == h && roles.contains(&role))
    })
}
