//! One module per resource; each handler only translates wire <-> domain and asks RBAC.

pub mod assignable_roles;
pub mod audit;
pub mod authcheck;
pub mod members;
pub mod organizations;
pub mod scopes;
pub mod tokens;
pub mod user_roles;
