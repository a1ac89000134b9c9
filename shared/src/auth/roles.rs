//! Role assignment, written once for site roles and organization roles: who may grant or
//! revoke which role, applied to what is stored at the moment of writing.

use super::session::{Session, truncate};
use crate::model::User;
use crate::rbac::{
    BUILT_IN_ORG_ROLES, BUILT_IN_SITE_ROLES, Object, RoleDefinition, can_assign, is_org_role,
    is_site_role,
};
use crate::state::AppState;
use crate::store::{StoreError, update_user_with};
use uuid::Uuid;

/// Where roles apply: site-wide, or inside one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleScope {
    Site,
    Organization(Uuid),
}

#[derive(Debug)]
pub enum RoleChangeError {
    /// Changing one's own roles.
    OwnRoles,
    /// Not a built-in role of the scope.
    Unsupported(String),
    /// The caller may not assign (or unassign) roles here at all.
    Forbidden,
    /// The caller may not grant or revoke this role.
    NotAssignable(String),
    /// The user is not a member of the organization (any more).
    NotMember,
    Store(StoreError),
}

impl From<StoreError> for RoleChangeError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl RoleScope {
    fn assign_object(self) -> Object {
        match self {
            Self::Site => Object::any("assign_role"),
            Self::Organization(id) => Object::in_org("assign_org_role", id),
        }
    }

    /// The role every user (or member) has without it being stored.
    fn implied(self) -> &'static str {
        match self {
            Self::Site => "member",
            Self::Organization(_) => "organization-member",
        }
    }

    fn supports(self, role: &str) -> bool {
        match self {
            Self::Site => is_site_role(role),
            Self::Organization(_) => is_org_role(role),
        }
    }
}

/// The roles that give `s` assigning power in `scope`: its site roles, plus its roles in the
/// organization concerned.
fn held_roles(s: &Session, scope: RoleScope) -> Vec<&str> {
    let mut held: Vec<&str> = s.user.roles.iter().map(String::as_str).collect();
    if let RoleScope::Organization(id) = scope
        && let Some(m) = s.user.memberships.iter().find(|m| m.organization_id == id)
    {
        held.extend(m.roles.iter().map(String::as_str));
    }
    held
}

/// Every role granted or revoked must be one the caller may assign (`Forbidden` without the
/// permission at all, `NotAssignable` naming the first role it may not assign).
pub fn check_role_change(
    s: &Session,
    scope: RoleScope,
    current: &[String],
    wanted: &[String],
) -> Result<(), RoleChangeError> {
    let added: Vec<&String> = wanted.iter().filter(|r| !current.contains(r)).collect();
    let removed: Vec<&String> = current.iter().filter(|r| !wanted.contains(r)).collect();
    let object = scope.assign_object();
    if (!added.is_empty() && !s.can("assign", &object))
        || (!removed.is_empty() && !s.can("unassign", &object))
    {
        return Err(RoleChangeError::Forbidden);
    }
    let held = held_roles(s, scope);
    match added
        .into_iter()
        .chain(removed)
        .find(|r| !can_assign(&held, r))
    {
        Some(role) => Err(RoleChangeError::NotAssignable(role.clone())),
        None => Ok(()),
    }
}

/// The roles asked for, deduplicated, without the implied one; refused when one is unknown.
fn wanted_roles(scope: RoleScope, asked: Vec<String>) -> Result<Vec<String>, RoleChangeError> {
    let mut wanted: Vec<String> = Vec::new();
    for role in asked {
        if !scope.supports(&role) {
            return Err(RoleChangeError::Unsupported(role));
        }
        if role != scope.implied() && !wanted.contains(&role) {
            wanted.push(role);
        }
    }
    Ok(wanted)
}

/// Replaces `target`'s roles in `scope`. Nobody changes their own; a concurrent change to the
/// user re-runs the checks against what is stored then.
pub async fn set_roles(
    state: &AppState,
    s: &Session,
    target: User,
    scope: RoleScope,
    asked: Vec<String>,
) -> Result<User, RoleChangeError> {
    if target.id == s.user.id {
        return Err(RoleChangeError::OwnRoles);
    }
    let wanted = wanted_roles(scope, asked)?;
    let now = truncate(state.clock.now());
    update_user_with(&*state.store, target, |u| {
        let current = match scope {
            RoleScope::Site => &mut u.roles,
            RoleScope::Organization(id) => {
                let Some(m) = u.memberships.iter_mut().find(|m| m.organization_id == id) else {
                    return Err(RoleChangeError::NotMember);
                };
                m.updated_at = now;
                &mut m.roles
            }
        };
        check_role_change(s, scope, current, &wanted)?;
        *current = wanted.clone();
        u.updated_at = now;
        Ok(())
    })
    .await
}

/// A built-in role as offered to the caller: may it assign it?
pub struct AssignableRole {
    pub role: &'static RoleDefinition,
    pub assignable: bool,
}

/// The built-in roles of `scope` with display names (the implied ones have none), each marked
/// with whether `s` may assign it.
pub fn assignable_roles(s: &Session, scope: RoleScope) -> Vec<AssignableRole> {
    let held = held_roles(s, scope);
    let table: &[RoleDefinition] = match scope {
        RoleScope::Site => &BUILT_IN_SITE_ROLES,
        RoleScope::Organization(_) => &BUILT_IN_ORG_ROLES,
    };
    table
        .iter()
        .filter(|r| r.name != scope.implied() && !r.display_name.is_empty())
        .map(|role| AssignableRole {
            role,
            assignable: can_assign(&held, role.name),
        })
        .collect()
}
