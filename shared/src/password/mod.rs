//! Passwords: argon2id hashing with bounded memory, and each surface's strength policy.

mod argon;
pub mod coder_policy;

pub use argon::{Argon2Params, PasswordHashError, PasswordHasher};
