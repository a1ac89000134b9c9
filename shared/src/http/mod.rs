//! axum extractors shared by every endpoint group: request bodies in each surface's rules,
//! credentials, cookies and the client's address.

pub mod client_ip;
pub mod coder_json;
pub mod cookies;
pub mod credentials;

/// Bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
