//! Passwords: argon2id hashing with bounded memory, and each surface's strength policy.

mod argon;
pub mod barong_strength;
pub mod coder_policy;
pub mod common;

pub use argon::{Argon2Params, PasswordHashError, PasswordHasher};

/// A new password on the Coder surface: Coder's rule (its messages first, as clients expect),
/// then the common-password list.
pub fn check_new_coder_password(password: &str) -> Result<(), String> {
    coder_policy::validate(password)?;
    if common::is_common(password) {
        return Err(
            "insecure password, it is on the list of the most commonly used passwords".to_owned(),
        );
    }
    Ok(())
}
