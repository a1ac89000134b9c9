//! Site permissions on the `user` resource, from Coder's built-in role table (rbac/roles.go):
//! `owner` may do everything; `user-admin` reads, creates and updates users; `auditor` and
//! `template-admin` read them; every user may read itself.

use gatehouse::model::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAction {
    Read,
    Create,
    Update,
}

const SITE_USER_PERMISSIONS: &[(&str, &[UserAction])] = &[
    (
        "owner",
        &[UserAction::Read, UserAction::Create, UserAction::Update],
    ),
    (
        "user-admin",
        &[UserAction::Read, UserAction::Create, UserAction::Update],
    ),
    ("auditor", &[UserAction::Read]),
    ("template-admin", &[UserAction::Read]),
];

/// May `actor` perform `action` on any user?
pub fn site_allows(actor: &User, action: UserAction) -> bool {
    SITE_USER_PERMISSIONS
        .iter()
        .any(|(role, actions)| actor.has_site_role(role) && actions.contains(&action))
}

/// May `actor` read `target`?
pub fn can_read(actor: &User, target: &User) -> bool {
    actor.id == target.id || site_allows(actor, UserAction::Read)
}
