//! TOTP two-factor auth, compatible with what Barong gets from Vault's TOTP engine
//! (Vault's `builtin/logical/totp` with its defaults, which wraps github.com/pquerna/otp):
//! 20-byte keys, HMAC-SHA1, 6 digits, 30 s period, skew 1 (RFC 6238 / RFC 4226).
//!
//! Codes match Vault's for the same key (Vault stores keys as unpadded base32,
//! see [`base32_decode`] for migrating them), and [`otpauth_url`] /
//! [`qr_png_base64`] produce what Vault's `totp/keys/:name` returns as `url` /
//! `barcode`, so authenticator apps enrolled through Barong keep working.

mod otpauth;
mod qr_png;

pub use otpauth::otpauth_url;
pub use qr_png::{QR_SIZE, qr_png_base64};

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

/// Key length in bytes: Vault's `key_size` default, also RFC 4226's recommendation.
pub const SECRET_LEN: usize = 20;
/// Code length: Vault's `digits` default; authenticator apps assume it.
pub const DIGITS: usize = 6;
/// Seconds per time step: Vault's `period` default.
pub const PERIOD_SECS: i64 = 30;

/// Errors of this module; none carries secret material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpError {
    /// The OS CSPRNG failed; never fall back to a weaker source for keys.
    Rng,
    /// The text does not fit in a QR code (version 40, level M: ~2.3 KB).
    QrTooLong,
}

impl std::fmt::Display for TotpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Rng => "system random number generator failed",
            Self::QrTooLong => "text too long for a QR code",
        })
    }
}

impl std::error::Error for TotpError {}

/// A fresh random key from the OS CSPRNG.
///
/// # Errors
/// [`TotpError::Rng`] if the OS refuses randomness (no fallback on purpose).
pub fn generate_secret() -> Result<[u8; SECRET_LEN], TotpError> {
    let mut key = [0u8; SECRET_LEN];
    SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| TotpError::Rng)?;
    Ok(key)
}

const B32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, upper case, without `=` padding: the form pquerna/otp puts
/// in the `secret=` parameter and that authenticator apps expect.
#[must_use]
pub fn base32(secret: &[u8]) -> String {
    let mut out = String::with_capacity(secret.len().div_ceil(5) * 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &byte in secret {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(B32_ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(
            B32_ALPHABET[((acc << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

/// Decodes base32 as Vault accepts it for imported keys: either case, with or
/// without trailing `=` padding. `None` for any other character or an
/// impossible length, so a corrupt stored key is never silently shortened.
#[must_use]
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let data = text.trim_end_matches('=');
    if matches!(data.len() % 8, 1 | 3 | 6) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in data.bytes() {
        let value = match c.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The RFC 6238 time step containing `unix_seconds`. Rounds toward minus
/// infinity like pquerna's `math.Floor`; times before 1970 saturate to step 0
/// instead of wrapping (as Go's uint64 cast does) into huge steps that would
/// poison a stored `last_used_step`.
#[must_use]
pub fn step_at(unix_seconds: i64) -> u64 {
    u64::try_from(unix_seconds.div_euclid(PERIOD_SECS)).unwrap_or(0)
}

/// RFC 4226 HOTP value for `step`, as ASCII digits.
fn code_digits(key: &hmac::Key, step: u64) -> [u8; DIGITS] {
    let tag = hmac::sign(key, &step.to_be_bytes());
    // Copy into a fixed array so the indexing below is bounds-checked at
    // compile time: SHA-1 tags are 20 bytes and `offset + 3 <= 18`.
    let mut sum = [0u8; 20];
    for (dst, src) in sum.iter_mut().zip(tag.as_ref()) {
        *dst = *src;
    }
    let offset = usize::from(sum[19] & 0x0f);
    let mut value = u32::from_be_bytes([
        sum[offset] & 0x7f,
        sum[offset + 1],
        sum[offset + 2],
        sum[offset + 3],
    ]);
    let mut digits = [b'0'; DIGITS];
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
    digits
}

fn hmac_key(secret: &[u8]) -> hmac::Key {
    // SHA-1 is what RFC 6238 apps and Vault's default use; HMAC-SHA1 is still sound.
    hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret)
}

/// The 6-digit code (zero padded) for `step`.
#[must_use]
pub fn code_at(secret: &[u8], step: u64) -> String {
    code_digits(&hmac_key(secret), step)
        .iter()
        .map(|&d| char::from(d))
        .collect()
}

/// Checks `code` at `unix_seconds`, allowing one step of clock skew either way
/// (Vault's default `skew` 1). Returns the matched step, which the caller must
/// store and pass back as `last_used_step`: steps at or before it are refused,
/// so a code works once and an older code never works after a newer one.
///
/// Stricter than Vault on purpose: the code must be exactly 6 ASCII digits
/// (Vault trims surrounding whitespace first), and replay is tracked per step
/// rather than per code string for 90 s.
#[must_use = "a code is only accepted if the returned step is checked and stored"]
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let code: &[u8; DIGITS] = code.as_bytes().try_into().ok()?;
    if !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let key = hmac_key(secret);
    let now = step_at(unix_seconds);
    let mut matched = None;
    // Oldest first: if a code happens to be valid in two windows, burn the
    // earlier step so the next code stays usable. Every candidate is computed
    // and compared in constant time, whatever matched before.
    for step in [now.checked_sub(1), Some(now), now.checked_add(1)]
        .into_iter()
        .flatten()
    {
        let equal: bool = code_digits(&key, step).ct_eq(code).into();
        let fresh = last_used_step.is_none_or(|used| step > used);
        if equal && fresh && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_appendix_b_sha1() {
        // (T, 8-digit code from the RFC); 6-digit codes are its last 6 digits.
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (t, code8) in vectors {
            let code = code_at(RFC_SECRET, step_at(t));
            assert_eq!(code, code8[2..], "T={t}");
            assert_eq!(verify(RFC_SECRET, &code, t, None), Some(step_at(t)));
        }
    }

    #[test]
    fn steps() {
        assert_eq!(step_at(0), 0);
        assert_eq!(step_at(29), 0);
        assert_eq!(step_at(30), 1);
        assert_eq!(step_at(59), 1);
        assert_eq!(step_at(-1), 0);
        assert_eq!(step_at(i64::MIN), 0);
        assert_eq!(step_at(i64::MAX), (i64::MAX / 30) as u64);
    }

    #[test]
    fn skew_one_step_each_way_only() {
        let t = 1_234_567_890;
        let now = step_at(t);
        for (delta, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let step = now.checked_add_signed(delta).unwrap();
            let code = code_at(RFC_SECRET, step);
            let expected = accepted.then_some(step);
            assert_eq!(
                verify(RFC_SECRET, &code, t, None),
                expected,
                "delta {delta}"
            );
        }
    }

    #[test]
    fn replay_and_older_codes_refused() {
        let t = 1_111_111_111;
        let now = step_at(t);
        let code = code_at(RFC_SECRET, now);
        let used = verify(RFC_SECRET, &code, t, None).unwrap();
        assert_eq!(used, now);
        // Same code again, in the same window or the next one.
        assert_eq!(verify(RFC_SECRET, &code, t, Some(used)), None);
        assert_eq!(verify(RFC_SECRET, &code, t + 30, Some(used)), None);
        // After the next step was used (clock ahead), the current one is stale.
        let next = code_at(RFC_SECRET, now + 1);
        assert_eq!(verify(RFC_SECRET, &next, t, Some(used)), Some(now + 1));
        assert_eq!(verify(RFC_SECRET, &code, t, Some(now + 1)), None);
        let prev = code_at(RFC_SECRET, now - 1);
        assert_eq!(verify(RFC_SECRET, &prev, t, Some(used)), None);
        // A used step older than the window does not block the current code.
        assert_eq!(verify(RFC_SECRET, &code, t, Some(now - 5)), Some(now));
    }

    #[test]
    fn malformed_codes_refused() {
        let t = 59;
        let good = code_at(RFC_SECRET, step_at(t));
        assert_eq!(good, "287082");
        for bad in [
            "",
            "28708",
            "2870820",
            " 287082",
            "287082 ",
            "287082\n",
            "28 7082",
            "+87082",
            "-87082",
            "28708a",
            "２８７０８２", // full-width digits
            "٢٨٧٠٨٢",       // Arabic-Indic digits
            "28708\u{0662}",
            "\0\0\0\0\0\0",
        ] {
            assert_eq!(verify(RFC_SECRET, bad, t, None), None, "{bad:?}");
        }
        assert_eq!(verify(RFC_SECRET, &good, t, None), Some(1));
    }

    #[test]
    fn absurd_times_do_not_panic() {
        for t in [i64::MIN, -1, 0, 29, i64::MAX - 1, i64::MAX] {
            let code = code_at(RFC_SECRET, step_at(t));
            assert_eq!(verify(RFC_SECRET, &code, t, None), Some(step_at(t)));
            assert_eq!(verify(RFC_SECRET, &code, t, Some(u64::MAX)), None);
        }
        // Step 0 has no predecessor: the window at time 0 is steps 0 and 1.
        let code = code_at(RFC_SECRET, u64::MAX);
        assert_eq!(verify(RFC_SECRET, &code, 0, None), None);
    }

    #[test]
    fn base32_rfc_secret_and_vectors() {
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        // RFC 4648 section 10, padding removed.
        let vectors = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base32(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base32(b"\x00\xff\x10"), "AD7RA"); // Go's b32NoPadding
        assert_eq!(base32_decode("mzxw6ytboi======").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZXW6YT1"), None);
        assert_eq!(base32_decode("M"), None);
        assert_eq!(base32_decode("MZX"), None);
        let key = generate_secret().unwrap();
        assert_eq!(base32_decode(&base32(&key)).unwrap(), key);
    }

    #[test]
    fn generated_secrets_differ() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; SECRET_LEN]);
    }

    /// Run with `cargo test --release -- --ignored --nocapture timing`.
    #[test]
    #[ignore = "timing report, not a check"]
    fn timing() {
        use std::time::Instant;
        let secret = generate_secret().unwrap();
        let t = 1_700_000_000;
        let code = code_at(&secret, step_at(t) + 1);
        let n = 100_000;
        let start = Instant::now();
        let mut hits = 0;
        for i in 0..n {
            hits += usize::from(verify(&secret, &code, t, Some(i % 2)).is_some());
        }
        let per = start.elapsed() / n as u32;
        assert_eq!(hits, n as usize);
        println!("verify: {per:?} per call (3 HMAC-SHA1)");

        let url = otpauth_url("Barong", "john.doe+2fa@example.com", &secret);
        let n = 1_000;
        let start = Instant::now();
        let mut bytes = 0;
        for _ in 0..n {
            bytes += qr_png_base64(&url).unwrap().len();
        }
        let per = start.elapsed() / n;
        println!(
            "qr_png_base64: {per:?} per call, {} base64 chars",
            bytes / n as usize
        );
    }
}
