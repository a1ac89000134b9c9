//! Domain types. No wire format lives here: each surface's `wire` module converts.

mod api_key;
mod barong_account;
mod barong_session;
mod organization;
pub mod restriction;
pub mod timestamp;
mod user;

pub use api_key::{AllowListEntry, ApiKey, ApiKeyScope};
pub use barong_session::BarongSession;
pub use organization::{Organization, OrganizationMembership};
pub use restriction::Restriction;
pub use user::{
    BarongLabel, BarongState, LoginType, OneTimePasscode, PendingResetToken, User, UserStatus,
    user_keys,
};
