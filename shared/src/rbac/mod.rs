//! Coder's RBAC: a pure evaluator (no I/O) over built-in role tables kept as data.
//!
//! `authorize(subject, action, object)` follows coderd/rbac/policy.rego (doc era, late 2025):
//! a site / org / user / org-member vote where a negative permission at a higher level vetoes
//! the lower ones, ACL lists as a second way in, and the key's scope as a gate on top.

mod allow_list;
mod catalog;
mod engine;
mod roles;
mod scopes;
mod subject;
#[cfg(test)]
mod tests;

pub use allow_list::{AllowListError, parse_allow_list};
pub use catalog::{RESOURCES, is_known_action};
pub use engine::{AclList, Object, OrgPermissions, Permission, Role, Scope, Subject, authorize};
pub use roles::{
    BUILT_IN_ORG_ROLES, BUILT_IN_SITE_ROLES, RoleDefinition, can_assign, display_name, is_org_role,
    is_site_role, org_role, site_role,
};
pub use scopes::{EXTERNAL_SCOPES, ScopeError, scope_for, validate_scope_name};
pub use subject::subject_for;
