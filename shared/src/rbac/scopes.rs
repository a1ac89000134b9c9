//! API-key scopes: the external catalogue (`GET /auth/scopes`) and what each scope name grants
//! (coderd/rbac/scopes.go, scopes_catalog.go; doc era).

use super::catalog::RESOURCES;
use super::engine::{Permission, Scope};

/// `rbac.ExternalScopeNames()`, doc era: sorted bytewise. The bare aliases `all` and
/// `application_connect` are accepted as input but not listed.
pub const EXTERNAL_SCOPES: &[&str] = &[
    "api_key:*",
    "api_key:create",
    "api_key:delete",
    "api_key:read",
    "api_key:update",
    "coder:all",
    "coder:apikeys.manage_self",
    "coder:application_connect",
    "coder:templates.author",
    "coder:templates.build",
    "coder:workspaces.access",
    "coder:workspaces.create",
    "coder:workspaces.delete",
    "coder:workspaces.operate",
    "file:*",
    "file:create",
    "file:read",
    "organization:*",
    "organization:delete",
    "organization:read",
    "organization:update",
    "task:*",
    "task:create",
    "task:delete",
    "task:read",
    "task:update",
    "template:*",
    "template:create",
    "template:delete",
    "template:read",
    "template:update",
    "template:use",
    "user:read_personal",
    "user:update_personal",
    "user_secret:*",
    "user_secret:create",
    "user_secret:delete",
    "user_secret:read",
    "user_secret:update",
    "workspace:*",
    "workspace:application_connect",
    "workspace:create",
    "workspace:delete",
    "workspace:read",
    "workspace:ssh",
    "workspace:start",
    "workspace:stop",
    "workspace:update",
];

type Grants = &'static [(&'static str, &'static [&'static str])];

/// Composite scopes and the site permissions they expand to.
const COMPOSITES: &[(&str, Grants)] = &[
    (
        "coder:workspaces.create",
        &[
            ("template", &["read", "use"]),
            ("workspace", &["create", "update", "read"]),
        ],
    ),
    (
        "coder:workspaces.operate",
        &[("workspace", &["read", "update"])],
    ),
    (
        "coder:workspaces.delete",
        &[("workspace", &["read", "delete"])],
    ),
    (
        "coder:workspaces.access",
        &[("workspace", &["read", "ssh", "application_connect"])],
    ),
    (
        "coder:templates.build",
        &[
            ("template", &["read"]),
            ("file", &["create", "read"]),
            ("provisioner_jobs", &["read"]),
        ],
    ),
    (
        "coder:templates.author",
        &[
            (
                "template",
                &["read", "create", "update", "delete", "view_insights"],
            ),
            ("file", &["create", "read"]),
        ],
    ),
    (
        "coder:apikeys.manage_self",
        &[("api_key", &["read", "create", "update", "delete"])],
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeError(pub String);

impl std::fmt::Display for ScopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid or unsupported API key scope: {:?}", self.0)
    }
}

/// The canonical name of a scope, or an error for names no scope has.
pub fn validate_scope_name(name: &str) -> Result<String, ScopeError> {
    let canonical = match name {
        "all" => "coder:all",
        "application_connect" => "coder:application_connect",
        other => other,
    };
    site_permissions(canonical).map(|_| canonical.to_owned())
}

fn static_str(pool: &'static [&'static str], s: &str) -> Option<&'static str> {
    pool.iter().copied().find(|p| *p == s)
}

/// The site permissions one canonical scope name grants.
fn site_permissions(name: &str) -> Result<Vec<Permission>, ScopeError> {
    let invalid = || ScopeError(name.to_owned());
    match name {
        "coder:all" => return Ok(vec![Permission::allow("*", "*")]),
        "coder:application_connect" => {
            return Ok(vec![Permission::allow("workspace", "application_connect")]);
        }
        _ => {}
    }
    if let Some((_, grants)) = COMPOSITES.iter().find(|(n, _)| *n == name) {
        return Ok(grants
            .iter()
            .flat_map(|(t, actions)| actions.iter().map(move |a| Permission::allow(t, a)))
            .collect());
    }
    let (resource, action) = name.split_once(':').ok_or_else(invalid)?;
    let (resource, actions) = RESOURCES
        .iter()
        .find(|(r, _)| *r == resource)
        .ok_or_else(invalid)?;
    let action = if action == "*" {
        "*"
    } else {
        static_str(actions, action).ok_or_else(invalid)?
    };
    Ok(vec![Permission::allow(resource, action)])
}

/// The scope a key with these scope names carries: the union of what each grants, allow-list `*:*`.
pub fn scope_for(names: &[String]) -> Result<Scope, ScopeError> {
    let mut site = Vec::new();
    for name in names {
        site.extend(site_permissions(&validate_scope_name(name)?)?);
    }
    Ok(Scope {
        site,
        user: Vec::new(),
        allow_list: vec![("*".to_owned(), "*".to_owned())],
    })
}
