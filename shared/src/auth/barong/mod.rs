//! The Barong surface's flows (`/api/v2/auth/identity`, `/resource`), on the same users, store
//! and password hashes as the Coder surface. See [`crate::model::User`]'s Barong account rules
//! for how states and statuses stay one truth across both.

pub mod account;
pub mod api_keys;
pub mod auth0;
pub mod authorize;
pub mod captcha;
pub mod confirmation;
pub mod credentials;
pub mod login;
pub mod registration;
pub mod reset;
pub mod restrictions;
pub mod service_accounts;
pub mod session;
pub mod signature;
pub mod tokens;
pub mod two_factor;
