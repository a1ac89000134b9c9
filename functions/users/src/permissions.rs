//! What a session may do to users, through Coder's RBAC (roles, and the key's scope).

use gatehouse::auth::session::Session;
use gatehouse::model::User;
use gatehouse::rbac::Object;

/// May the session create users?
pub fn can_create_users(s: &Session) -> bool {
    s.can("create", &Object::any("user"))
}

/// May the session change `target` (status, roles)?
pub fn can_update(s: &Session, target: &User) -> bool {
    s.can("update", &Object::user(target.id))
}
