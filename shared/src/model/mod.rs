//! Domain types. No wire format lives here: each surface's `wire` module converts.

mod api_key;
mod organization;
pub mod timestamp;
mod user;

pub use api_key::{AllowListEntry, ApiKey, ApiKeyScope};
pub use organization::{Organization, OrganizationMembership};
pub use user::{BarongLabel, BarongState, LoginType, OneTimePasscode, User, UserStatus, user_keys};
