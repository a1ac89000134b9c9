//! Building the subject of a request from the user and the key it authenticated with.

use super::engine::{Role, Subject};
use super::roles::{org_role, site_role};
use super::scopes::{ScopeError, scope_for};
use crate::model::User;

/// The user's roles (`member` and `organization-member` implied), its organizations'
/// "Everyone" groups, and the key's scope. Loaded once per request with the session.
pub fn subject_for(user: &User, scopes: &[String]) -> Result<Subject, ScopeError> {
    let mut roles: Vec<Role> =
        Vec::with_capacity(user.roles.len() + 1 + user.memberships.len() * 2);
    for name in user
        .roles
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("member"))
    {
        if let Some(definition) = site_role(name) {
            roles.push(Role {
                definition,
                organization_id: None,
            });
        }
    }
    for membership in &user.memberships {
        for name in membership
            .roles
            .iter()
            .map(String::as_str)
            .chain(std::iter::once("organization-member"))
        {
            if let Some(definition) = org_role(name) {
                roles.push(Role {
                    definition,
                    organization_id: Some(membership.organization_id),
                });
            }
        }
    }
    let default_scope = ["coder:all".to_owned()];
    let scopes = if scopes.is_empty() {
        &default_scope[..]
    } else {
        scopes
    };
    Ok(Subject {
        id: user.id.to_string(),
        roles,
        groups: user
            .memberships
            .iter()
            .map(|m| m.organization_id.to_string())
            .collect(),
        scope: scope_for(scopes)?,
    })
}
