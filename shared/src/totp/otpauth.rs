//! The `otpauth://` key URI, byte for byte as Vault returns it.
//!
//! pquerna/otp `totp.Generate` (used by Vault's TOTP engine) builds
//! `url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account,
//! RawQuery: values.Encode()}` and returns its `String()`. So the path is escaped
//! by Go's `escape(s, encodePath)` and the query by `url.Values.Encode`
//! (keys sorted, `QueryEscape`d values). Both rules are reproduced here from
//! Go's `net/url/url.go` (`shouldEscape`); Go 1.19 and current Go agree, and
//! the tests hold strings printed by Go 1.19 itself.

use super::base32;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Go's `encodePath`: only `?` of the reserved set is escaped.
    Path,
    /// Go's `encodeQueryComponent`: all reserved characters escaped, space as `+`.
    Query,
}

fn keep(byte: u8, mode: Mode) -> bool {
    match byte {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => true,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'@' => mode == Mode::Path,
        _ => false,
    }
}

/// Escapes byte-wise like Go (multi-byte UTF-8 becomes one `%XX` per byte).
fn push_escaped(out: &mut String, text: &str, mode: Mode) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if keep(byte, mode) {
            out.push(char::from(byte));
        } else if byte == b' ' && mode == Mode::Query {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
}

/// The key URI for authenticator apps, identical to Vault's `url` field for a
/// key generated with `issuer`, `account_name` and default parameters, e.g.
/// `otpauth://totp/Barong:user@example.com?algorithm=SHA1&digits=6&issuer=Barong&period=30&secret=...`.
/// Vault refuses an empty issuer or account; callers should too.
#[must_use]
pub fn otpauth_url(issuer: &str, account: &str, secret: &[u8]) -> String {
    let mut url = String::with_capacity(96 + 3 * (2 * issuer.len() + account.len()));
    url.push_str("otpauth://totp/");
    push_escaped(&mut url, issuer, Mode::Path);
    url.push(':');
    push_escaped(&mut url, account, Mode::Path);
    // Keys in Go's sorted order: algorithm, digits, issuer, period, secret.
    url.push_str("?algorithm=SHA1&digits=6&issuer=");
    push_escaped(&mut url, issuer, Mode::Query);
    url.push_str("&period=30&secret=");
    url.push_str(&base32(secret));
    url
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn email_with_plus_and_at() {
        assert_eq!(
            otpauth_url("Barong", "john.doe+2fa@example.com", SECRET),
            "otpauth://totp/Barong:john.doe+2fa@example.com?algorithm=SHA1&digits=6\
             &issuer=Barong&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }

    /// Expected strings printed by Go 1.19 `net/url` running pquerna's
    /// construction (`url.URL{...}.String()` with `url.Values.Encode()`).
    #[test]
    fn matches_go_net_url() {
        let cases = [
            (
                "Barong",
                "user@example.com",
                "otpauth://totp/Barong:user@example.com?algorithm=SHA1&digits=6&issuer=Barong&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ),
            (
                "My Exchange",
                "a b@example.com",
                "otpauth://totp/My%20Exchange:a%20b@example.com?algorithm=SHA1&digits=6&issuer=My+Exchange&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ),
            (
                "Bar/ong?#",
                "x%y&z=1;,$!*'()[]~_-.",
                "otpauth://totp/Bar/ong%3F%23:x%25y&z=1;,$%21%2A%27%28%29%5B%5D~_-.?algorithm=SHA1&digits=6&issuer=Bar%2Fong%3F%23&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ),
            (
                "Ünïcödé",
                "пользователь@пример.рф",
                "otpauth://totp/%C3%9Cn%C3%AFc%C3%B6d%C3%A9:%D0%BF%D0%BE%D0%BB%D1%8C%D0%B7%D0%BE%D0%B2%D0%B0%D1%82%D0%B5%D0%BB%D1%8C@%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D1%80%D1%84?algorithm=SHA1&digits=6&issuer=%C3%9Cn%C3%AFc%C3%B6d%C3%A9&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ),
            (
                "tab\there",
                "nl\nx\x7f\x01",
                "otpauth://totp/tab%09here:nl%0Ax%7F%01?algorithm=SHA1&digits=6&issuer=tab%09here&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ),
            (
                "Q\"<>\\^`{|}",
                "acc:colon",
                "otpauth://totp/Q%22%3C%3E%5C%5E%60%7B%7C%7D:acc:colon?algorithm=SHA1&digits=6&issuer=Q%22%3C%3E%5C%5E%60%7B%7C%7D&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            ),
        ];
        for (issuer, account, expected) in cases {
            assert_eq!(otpauth_url(issuer, account, SECRET), expected);
        }
    }
}
