//! The evaluator. Deny by default; no I/O; every input is plain data.

use super::catalog::is_known_action;
use super::roles::RoleDefinition;

/// `{negate, resource_type, action}`; `*` matches any type or action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub negate: bool,
    pub resource_type: &'static str,
    pub action: &'static str,
}

impl Permission {
    pub const fn allow(resource_type: &'static str, action: &'static str) -> Self {
        Self {
            negate: false,
            resource_type,
            action,
        }
    }

    pub const fn deny(resource_type: &'static str, action: &'static str) -> Self {
        Self {
            negate: true,
            resource_type,
            action,
        }
    }

    fn matches(&self, resource_type: &str, action: &str) -> bool {
        (self.action == "*" || self.action == action)
            && (self.resource_type == "*" || self.resource_type == resource_type)
    }
}

/// A role's permissions inside one organization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgPermissions {
    pub org: Vec<Permission>,
    pub member: Vec<Permission>,
}

/// A role held by a subject: a definition, bound to an organization for organization roles.
#[derive(Debug, Clone, Copy)]
pub struct Role {
    pub definition: &'static RoleDefinition,
    pub organization_id: Option<uuid::Uuid>,
}

/// `{user_or_group_id: [actions]}`.
pub type AclList = Vec<(String, Vec<String>)>;

/// What a credential may touch at most: permissions (site and owned-by-self levels) and an
/// allow-list of `(type, id)` pairs, `*` allowed in either.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub site: Vec<Permission>,
    pub user: Vec<Permission>,
    pub allow_list: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Subject {
    pub id: String,
    pub roles: Vec<Role>,
    /// Group ids; each organization's "Everyone" group has the organization's id.
    pub groups: Vec<String>,
    pub scope: Scope,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Object {
    pub id: String,
    pub owner: String,
    pub org_owner: String,
    pub any_org: bool,
    pub resource_type: String,
    pub acl_user_list: AclList,
    pub acl_group_list: AclList,
}

impl Object {
    /// A user, owned by itself (database/modelmethods.go `User.RBACObject`).
    pub fn user(id: uuid::Uuid) -> Self {
        Self {
            id: id.to_string(),
            owner: id.to_string(),
            resource_type: "user".to_owned(),
            ..Self::default()
        }
    }

    /// Any object of `resource_type` site-wide.
    pub fn any(resource_type: &str) -> Self {
        Self {
            resource_type: resource_type.to_owned(),
            ..Self::default()
        }
    }

    /// An object of `resource_type` inside `organization`.
    pub fn in_org(resource_type: &str, organization: uuid::Uuid) -> Self {
        Self {
            resource_type: resource_type.to_owned(),
            org_owner: organization.to_string(),
            ..Self::default()
        }
    }

    /// An object of `resource_type` owned by `owner`, outside any organization.
    pub fn owned_by(resource_type: &str, owner: uuid::Uuid) -> Self {
        Self {
            resource_type: resource_type.to_owned(),
            owner: owner.to_string(),
            ..Self::default()
        }
    }

    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }
}

/// -1 when a matching permission is negated, 1 when one allows, else 0.
fn vote<'a>(perms: impl Iterator<Item = &'a Permission>, resource_type: &str, action: &str) -> i8 {
    let mut allowed = false;
    for p in perms {
        if p.matches(resource_type, action) {
            if p.negate {
                return -1;
            }
            allowed = true;
        }
    }
    i8::from(allowed)
}

impl Subject {
    fn organizations(&self) -> impl Iterator<Item = uuid::Uuid> + '_ {
        let mut seen: Vec<uuid::Uuid> = Vec::with_capacity(4);
        self.roles
            .iter()
            .filter_map(|r| r.organization_id)
            .filter(move |o| {
                if seen.contains(o) {
                    false
                } else {
                    seen.push(*o);
                    true
                }
            })
    }

    fn is_member(&self, org: &str) -> bool {
        !org.is_empty()
            && self
                .roles
                .iter()
                .any(|r| r.organization_id.is_some_and(|o| o.to_string() == org))
    }

    fn org_roles<'a>(&'a self, org: uuid::Uuid) -> impl Iterator<Item = &'a Role> + 'a {
        self.roles
            .iter()
            .filter(move |r| r.organization_id == Some(org))
    }

    /// The org or org-member vote, over the object's organization or, for `any_org`, the best
    /// over every organization the subject belongs to.
    fn org_vote(
        &self,
        object: &Object,
        action: &str,
        level: fn(&RoleDefinition) -> &[Permission],
    ) -> i8 {
        let for_org = |org: uuid::Uuid| {
            vote(
                self.org_roles(org).flat_map(|r| level(r.definition).iter()),
                &object.resource_type,
                action,
            )
        };
        if object.any_org {
            self.organizations().map(for_org).max().unwrap_or(0)
        } else if self.is_member(&object.org_owner) {
            uuid::Uuid::parse_str(&object.org_owner).map_or(0, for_org)
        } else {
            0
        }
    }
}

fn cascade(site: i8, user: i8, org: i8, member: i8) -> bool {
    site == 1 || (site != -1 && (user == 1 || org == 1 || (org != -1 && member == 1)))
}

fn role_allow(subject: &Subject, action: &str, object: &Object) -> bool {
    let rt = object.resource_type.as_str();
    // Organization roles may carry site permissions too (organization-admin's `user:read`).
    let site = vote(
        subject.roles.iter().flat_map(|r| r.definition.site.iter()),
        rt,
        action,
    );
    if site == 1 {
        return true;
    }
    if site == -1 {
        return false;
    }
    let owned = !object.owner.is_empty() && object.owner == subject.id;
    let user = if owned && object.org_owner.is_empty() && !object.any_org {
        vote(
            subject.roles.iter().flat_map(|r| r.definition.user.iter()),
            rt,
            action,
        )
    } else {
        0
    };
    let org = subject.org_vote(object, action, |d| &d.org);
    let member = if owned {
        subject.org_vote(object, action, |d| &d.member)
    } else {
        0
    };
    cascade(site, user, org, member)
}

fn acl_has(list: &AclList, id: &str, action: &str) -> bool {
    list.iter()
        .any(|(k, actions)| k == id && actions.iter().any(|a| a == action || a == "*"))
}

fn acl_allow(subject: &Subject, action: &str, object: &Object) -> bool {
    if acl_has(&object.acl_user_list, &subject.id, action) {
        return true;
    }
    let in_org = if object.any_org {
        subject.organizations().next().is_some()
    } else {
        subject.is_member(&object.org_owner)
    };
    in_org
        && (subject
            .groups
            .iter()
            .any(|g| acl_has(&object.acl_group_list, g, action))
            || acl_has(&object.acl_group_list, &object.org_owner, action))
}

fn scope_allow(subject: &Subject, action: &str, object: &Object) -> bool {
    let scope = &subject.scope;
    // `{*,*}`, `{type,*}`, or the object's own id under its type or `*`.
    let listed = scope.allow_list.iter().any(|(t, id)| {
        (t == "*" || t == &object.resource_type)
            && (id == "*" || (!object.id.is_empty() && id == &object.id))
    });
    if !listed {
        return false;
    }
    let rt = object.resource_type.as_str();
    let site = vote(scope.site.iter(), rt, action);
    let owned = !object.owner.is_empty() && object.owner == subject.id;
    let user = if owned && object.org_owner.is_empty() && !object.any_org {
        vote(scope.user.iter(), rt, action)
    } else {
        0
    };
    cascade(site, user, 0, 0)
}

/// May `subject` perform `action` on `object`? (role or ACL) and scope; `any_org` together with
/// an organization is refused, as Coder's `Authorize` does, and so is any type or action outside
/// the catalogue (Coder's wildcards would match an unknown action; we deny by default).
pub fn authorize(subject: &Subject, action: &str, object: &Object) -> bool {
    // Unknown types and actions are denied outright, even to wildcard permissions.
    if !is_known_action(&object.resource_type, action) {
        return false;
    }
    if object.any_org
        && !object.org_owner.is_empty()
        && object.org_owner != uuid::Uuid::nil().to_string()
    {
        return false;
    }
    (role_allow(subject, action, object) || acl_allow(subject, action, object))
        && scope_allow(subject, action, object)
}
