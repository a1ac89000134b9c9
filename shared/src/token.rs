//! Secrets handed to clients: generated from the OS CSPRNG, stored only as SHA-256, compared in
//! constant time. `PlainSecret` never prints itself, so it cannot end up in a log by accident.

use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

pub const SESSION_ID_LEN: usize = 10;
pub const SESSION_SECRET_LEN: usize = 22;

/// `n` characters from `[0-9A-Za-z]`, each uniformly chosen (no modulo bias), from one read of
/// the OS CSPRNG rather than one per character: each read is a system call.
pub fn random_alphanumeric(n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut bytes = [0u8; 64];
    while out.len() < n {
        let missing = n - out.len();
        // About 3% of bytes are drawn again; the margin makes a second read rare.
        let batch = &mut bytes[..(missing + missing / 8 + 2).min(64)];
        OsRng.fill_bytes(batch);
        for &b in batch.iter() {
            if out.len() == n {
                break;
            }
            if let Some(c) = alphanumeric_of(b) {
                out.push(c);
            }
        }
    }
    out
}

/// Bytes below 248 (four times 62) map onto the 62 symbols evenly; the rest are refused.
fn alphanumeric_of(byte: u8) -> Option<char> {
    const EVEN: u8 = (256 / ALPHANUMERIC.len() * ALPHANUMERIC.len()) as u8;
    (byte < EVEN).then(|| ALPHANUMERIC[usize::from(byte) % ALPHANUMERIC.len()] as char)
}

/// `n` random bytes from the OS CSPRNG as lower-case hex (Ruby's `SecureRandom.hex(n)`).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A secret as the client sees it. Debug and Display redact it.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainSecret(String);

impl PlainSecret {
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> SecretHash {
        SecretHash::of(&self.0)
    }
}

impl std::fmt::Debug for PlainSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainSecret(<redacted>)")
    }
}

/// SHA-256 of a high-entropy secret: what the store keeps.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretHash(pub [u8; 32]);

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

impl SecretHash {
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    pub fn matches(&self, secret: &str) -> bool {
        bool::from(Self::of(secret).0.ct_eq(&self.0))
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok()?;
        }
        Some(Self(out))
    }
}

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

/// A freshly minted Coder session token `id(10)-secret(22)`.
pub struct NewSessionToken {
    pub id: String,
    pub secret: PlainSecret,
}

impl NewSessionToken {
    pub fn generate() -> Self {
        Self {
            id: random_alphanumeric(SESSION_ID_LEN),
            secret: PlainSecret::new(random_alphanumeric(SESSION_SECRET_LEN)),
        }
    }

    pub fn token(&self) -> String {
        format!("{}-{}", self.id, self.secret.expose())
    }
}

/// Why a presented token is not even shaped like a session token; each maps to Coder's detail.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenShapeError {
    Parts(usize),
    IdLength(usize),
    SecretLength(usize),
}

/// Splits `id-secret` exactly as Coder does (`strings.Split(token, "-")`, lengths in bytes).
pub fn split_session_token(token: &str) -> Result<(&str, &str), TokenShapeError> {
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() != 2 {
        return Err(TokenShapeError::Parts(parts.len()));
    }
    let (id, secret) = (parts[0], parts[1]);
    if id.len() != SESSION_ID_LEN {
        return Err(TokenShapeError::IdLength(id.len()));
    }
    if secret.len() != SESSION_SECRET_LEN {
        return Err(TokenShapeError::SecretLength(secret.len()));
    }
    Ok((id, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_have_coders_shape() {
        let t = NewSessionToken::generate();
        let token = t.token();
        assert_eq!(token.len(), 33);
        let (id, secret) = split_session_token(&token).unwrap();
        assert!(
            id.chars()
                .chain(secret.chars())
                .all(|c| c.is_ascii_alphanumeric())
        );
        assert_ne!(NewSessionToken::generate().token(), token);
    }

    #[test]
    fn every_symbol_has_four_bytes_and_the_rest_are_refused() {
        let mut hits = [0usize; 62];
        for b in 0..=255u8 {
            if let Some(c) = alphanumeric_of(b) {
                hits[ALPHANUMERIC.iter().position(|&a| a as char == c).unwrap()] += 1;
            }
        }
        assert!(hits.iter().all(|&h| h == 4), "{hits:?}");
        assert_eq!(alphanumeric_of(247), Some('Z'));
        assert_eq!(alphanumeric_of(248), None);
    }

    #[test]
    fn random_alphanumeric_gives_the_length_asked_for() {
        for n in [0, 1, 10, 22, 64, 200] {
            let s = random_alphanumeric(n);
            assert_eq!(s.len(), n);
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        }
        // 3,200 characters: a symbol never drawn would mean the mapping skips it.
        let many: String = (0..50).map(|_| random_alphanumeric(64)).collect();
        assert!(ALPHANUMERIC.iter().all(|&a| many.contains(a as char)));
    }

    #[test]
    fn shape_errors_carry_coders_numbers() {
        assert_eq!(split_session_token("a-b-c"), Err(TokenShapeError::Parts(3)));
        assert_eq!(split_session_token("abc"), Err(TokenShapeError::Parts(1)));
        assert_eq!(
            split_session_token("abc-defghijklmnopqrstuvwxyz"),
            Err(TokenShapeError::IdLength(3))
        );
        assert_eq!(
            split_session_token("abcdefghij-short"),
            Err(TokenShapeError::SecretLength(5))
        );
    }

    #[test]
    fn hash_matches_only_its_secret() {
        let h = SecretHash::of("s3cret");
        assert!(h.matches("s3cret"));
        assert!(!h.matches("s3cre"));
        assert_eq!(SecretHash::from_hex(&h.to_hex()), Some(h));
        assert_eq!(SecretHash::from_hex("zz"), None);
    }

    #[test]
    fn plain_secret_is_redacted_in_debug() {
        assert!(!format!("{:?}", PlainSecret::new("hunter2".into())).contains("hunter2"));
    }
}
