//! One module per operation: decode, call one flow, encode.

pub mod access;
pub mod email_confirmation;
pub mod general;
pub mod mailed_link;
pub mod password_reset;
pub mod password_strength;
pub mod registration;
pub mod sessions;
