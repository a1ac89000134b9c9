//! The optional setup secret that guards a fresh deployment's first user.

use crate::config::Settings;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The header that carries the setup secret.
pub const SETUP_SECRET_HEADER: &str = "gatehouse-setup-secret";

/// May this request create the first user? Always, unless a setup secret is configured; then
/// only with it. Compared as SHA-256 digests in constant time, so neither the content nor the
/// length of the secret leaks through timing.
pub fn may_create_first_user(settings: &Settings, presented: Option<&str>) -> bool {
    match &settings.setup_secret {
        None => true,
        Some(expected) => presented.is_some_and(|p| {
            Sha256::digest(p.as_bytes())
                .ct_eq(&Sha256::digest(expected.as_bytes()))
                .into()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_required_only_when_configured() {
        let mut s = Settings::default();
        assert!(may_create_first_user(&s, None));
        s.setup_secret = Some("correct-secret".to_owned());
        assert!(!may_create_first_user(&s, None));
        assert!(!may_create_first_user(&s, Some("wrong")));
        assert!(!may_create_first_user(&s, Some("")));
        assert!(may_create_first_user(&s, Some("correct-secret")));
    }
}
