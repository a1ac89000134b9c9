//! Secrets Gatehouse must read back (API-key HMAC secrets, TOTP keys) are sealed at rest with
//! AES-256-GCM under the deployment's key: whoever reads the table learns nothing from them.
//!
//! Each sealed value is bound to what it belongs to (`context`, e.g. the kid), so a sealed
//! secret copied onto another record does not open there. Form: `v1:` + base64(nonce ‖
//! ciphertext ‖ tag), a fresh random 96-bit nonce each time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

const PREFIX: &str = "v1:";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the secret encryption key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("the system random generator failed")]
    Random,
    #[error("a sealed value is malformed or was sealed under another key or context")]
    Unreadable,
}

/// The deployment's sealing key (`GATEHOUSE_SECRET_ENCRYPTION_KEY`).
pub struct SealingKey(LessSafeKey);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

impl SealingKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SealError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| SealError::BadKey)?;
        Ok(Self(LessSafeKey::new(key)))
    }

    /// From the configured text: 32 bytes in standard base64.
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| SealError::BadKey)?;
        Self::from_bytes(&bytes)
    }

    /// 32 fresh random bytes, for a new deployment's key.
    pub fn random_key_bytes() -> Result<[u8; 32], SealError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| SealError::Random)?;
        Ok(bytes)
    }

    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SealError::Random)?;
        let mut buffer = plaintext.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SealError::Random)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(SealError::Unreadable)?;
        let bytes = STANDARD.decode(body).map_err(|_| SealError::Unreadable)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Unreadable);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Unreadable)?;
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| SealError::Unreadable)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key() -> SealingKey {
        SealingKey::from_bytes(&[7u8; 32]).unwrap()
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let k = key();
        let a = k.seal("kid1", b"secret").unwrap();
        let b = k.seal("kid1", b"secret").unwrap();
        assert_ne!(a, b);
        assert!(!a.contains("secret"));
        assert_eq!(k.open("kid1", &a).unwrap(), b"secret");
    }

    #[test]
    fn other_context_key_or_tampering_do_not_open() {
        let k = key();
        let sealed = k.seal("kid1", b"secret").unwrap();
        assert!(k.open("kid2", &sealed).is_err());
        let other = SealingKey::from_bytes(&[8u8; 32]).unwrap();
        assert!(other.open("kid1", &sealed).is_err());
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(bytes));
        assert!(k.open("kid1", &tampered).is_err());
        for junk in ["", "v1:", "v1:!!", "v2:AAAA", "v1:AAAA"] {
            assert!(k.open("kid1", junk).is_err());
        }
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(SealingKey::from_base64("AAAA").is_err());
        assert!(SealingKey::from_base64("not base64!").is_err());
        assert!(SealingKey::from_base64(&STANDARD.encode([1u8; 32])).is_ok());
    }
}
