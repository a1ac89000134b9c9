//! Domain types. No wire format lives here: each surface's `wire` module converts.

mod activity;
mod api_key;
mod barong_account;
mod barong_api_key;
mod barong_session;
mod organization;
pub mod restriction;
mod service_account;
pub mod timestamp;
mod user;

pub use activity::Activity;
pub use api_key::{AllowListEntry, ApiKey, ApiKeyScope};
pub use barong_api_key::BarongApiKey;
pub use barong_session::BarongSession;
pub use organization::{Organization, OrganizationMembership};
pub use restriction::Restriction;
pub use service_account::ServiceAccount;
pub use user::{
    BarongLabel, BarongState, DataStorage, LoginType, OneTimePasscode, PendingResetToken, TotpKey,
    User, UserStatus, user_keys,
};
