//! Signed API-key requests (Barong's `APIKeysVerifier`): `X-Auth-Signature` is the lower-case
//! hex HMAC-SHA256 of the `X-Auth-Nonce` header exactly as sent followed by the kid, keyed with
//! the key's 32-hex secret as ASCII.

use ring::hmac;

/// The signature a client computes for `nonce` and `kid`.
pub fn sign(secret: &str, nonce: &str, kid: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut context = hmac::Context::with_key(&key);
    context.update(nonce.as_bytes());
    context.update(kid.as_bytes());
    crate::token::hex(context.sign().as_ref())
}

/// Whether `sent` is the signature, compared in constant time (Barong compares with `==`,
/// which leaks how many leading characters are right).
pub fn verify(secret: &str, nonce: &str, kid: &str, sent: &str) -> bool {
    let expected = sign(secret, nonce, kid);
    bool::from(subtle::ConstantTimeEq::ct_eq(
        expected.as_bytes(),
        sent.as_bytes(),
    ))
}

/// Ruby's `String#to_i` of a nonce, as Barong reads it: leading whitespace, an optional sign,
/// then digits (single underscores between them allowed); anything after is ignored, and no
/// digits at all is 0. Values beyond i64 saturate: they are only ever compared with the clock.
pub fn ruby_to_i(text: &str) -> i64 {
    let rest = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, digits) = match rest.as_bytes().first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    let mut value: i64 = 0;
    let mut previous_underscore = false;
    let mut seen_digit = false;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                let d = i64::from(b - b'0');
                value = value.saturating_mul(10).saturating_add(d);
                previous_underscore = false;
                seen_digit = true;
            }
            b'_' if seen_digit && !previous_underscore => previous_underscore = true,
            _ => break,
        }
    }
    if negative { -value } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/general/api-keys.md`'s example.
    #[test]
    fn barong_documented_vector() {
        let sig = sign(
            "2d0b4979c7fe6986daa8e21d1dc0644f",
            "1584524005143",
            "61d025b8573501c2",
        );
        assert_eq!(
            sig,
            "bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13"
        );
        assert!(verify(
            "2d0b4979c7fe6986daa8e21d1dc0644f",
            "1584524005143",
            "61d025b8573501c2",
            &sig
        ));
        assert!(!verify(
            "2d0b4979c7fe6986daa8e21d1dc0644f",
            "1584524005143",
            "61d025b8573501c2",
            &sig.to_uppercase()
        ));
        assert!(!verify(
            "2d0b",
            "1584524005143",
            "61d025b8573501c2",
            &sig[..63]
        ));
    }

    #[test]
    fn nonce_reads_like_ruby_to_i() {
        for (text, value) in [
            ("1584524005143", 1_584_524_005_143),
            ("nonce", 0),
            ("0", 0),
            ("", 0),
            ("  42abc", 42),
            ("-5", -5),
            ("+7", 7),
            ("1_000", 1000),
            ("1__0", 1),
            ("_1", 0),
            ("99999999999999999999999999", i64::MAX),
        ] {
            assert_eq!(ruby_to_i(text), value, "{text:?}");
        }
    }
}
