//! axum extractors and middleware shared by every endpoint group: request bodies in each
//! surface's rules, credentials, cookies, the client's address, rate limits.

pub mod access_log;
pub mod activity_log;
pub mod api_doc;
pub mod barong_auth;
pub mod barong_pagination;
pub mod barong_params;
pub mod barong_restrictions;
pub mod barong_surface;
pub mod barong_validation;
pub mod body;
pub mod client_ip;
pub mod coder_json;
pub mod coder_rate_limit;
pub mod coder_session;
pub mod coder_surface;
pub mod coder_user_param;
pub mod cookies;
pub mod cors;
pub mod credentials;
pub mod csrf;
pub mod public_url;

/// Bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
