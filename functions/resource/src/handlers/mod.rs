//! One module per resource: decode, call one flow, encode.

pub mod admin;
pub mod api_keys;
pub mod authz;
pub mod data_storage;
pub mod labels;
pub mod otp;
pub mod restrictions;
pub mod service_accounts;
pub mod swagger;
pub mod users;
