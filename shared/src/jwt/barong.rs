//! Barong's own tokens (`lib/barong/jwt.rb`): the authz bearer (`sub` "session"), e-mail
//! confirmation ("confirmation") and password reset ("reset").
//!
//! Encoding reproduces Barong's bytes: header `{"alg":"RS256"}`, claims `iat, exp, sub, iss, aud,
//! jti` and then the payload in the caller's order. Decoding reproduces
//! `Barong::JWT#decode_and_verify` on ruby-jwt 2.2.2: the same checks in the same order, failing
//! with the same message, whose last word Barong returns as `jwt.decode_and_verify.<word>`.
//!
//! ruby-jwt 2.2.2 order (`JWT::Decode#decode_segments`): segment count (after Ruby's `split('.')`);
//! the header parsed as JSON (signature segment decoded leniently, which cannot fail); the algorithm
//! (`'RS256'` exactly, case-sensitive); the signature; then the payload parsed, then
//! `Verify.verify_claims`, which runs the `verify_*` options in the key order of
//! `DEFAULT_OPTIONS.merge(options)`: exp, nbf, iss, iat, jti, aud, sub. Leeway is 0.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::keys::SigningKey;
use super::{b64url, ruby};

const HEADER_JSON: &str = r#"{"alg":"RS256"}"#;
const ISSUER: &str = "barong";
const AUDIENCE: [&str; 2] = ["peatio", "barong"];

/// Why a Barong token was refused: one variant per ruby-jwt 2.2.2 exception message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// "Not enough or too many segments": not three segments after Ruby's split.
    Segments,
    /// "Invalid segment encoding": the header or payload is not JSON.
    Encoding,
    /// "Expected a different algorithm": `alg` missing or not exactly "RS256" (e.g. "none").
    Algorithm,
    /// "Signature verification raised": any RS256 signature failure, another key's included.
    Signature,
    /// "Signature has expired": `exp <= now` (whole seconds).
    Expired,
    /// "Signature nbf has not been reached": `nbf > now`.
    NotBefore,
    /// "Invalid issuer. Expected barong, received <iss or <none>>".
    Issuer { received: String },
    /// "Invalid iat": not a number, or after now.
    IssuedAt,
    /// "Missing jti": absent, null or blank.
    Jti,
    /// "Invalid audience. Expected [\"peatio\", \"barong\"], received <aud or <none>>".
    Audience { received: String },
    /// "Invalid subject. Expected <sub>, received <sub or <none>>".
    Subject { expected: String, received: String },
    /// Barong raises a Ruby NoMethodError or TypeError here (a header or payload that is not a
    /// JSON object, a claim without `to_i`), which it answers with 500 `server.internal_error`,
    /// not a `jwt.decode_and_verify.*` key. See [`JwtError::is_decode_error`].
    NotDecodeError(&'static str),
}

impl JwtError {
    /// ruby-jwt's exception message.
    pub fn message(&self) -> String {
        match self {
            Self::Segments => "Not enough or too many segments".to_owned(),
            Self::Encoding => "Invalid segment encoding".to_owned(),
            Self::Algorithm => "Expected a different algorithm".to_owned(),
            Self::Signature => "Signature verification raised".to_owned(),
            Self::Expired => "Signature has expired".to_owned(),
            Self::NotBefore => "Signature nbf has not been reached".to_owned(),
            Self::Issuer { received } => {
                format!("Invalid issuer. Expected {ISSUER}, received {received}")
            }
            Self::IssuedAt => "Invalid iat".to_owned(),
            Self::Jti => "Missing jti".to_owned(),
            Self::Audience { received } => {
                format!(r#"Invalid audience. Expected ["peatio", "barong"], received {received}"#)
            }
            Self::Subject { expected, received } => {
                format!("Invalid subject. Expected {expected}, received {received}")
            }
            Self::NotDecodeError(message) => (*message).to_owned(),
        }
    }

    /// The last whitespace-separated word of [`message`](Self::message): Barong answers 422
    /// `jwt.decode_and_verify.<suffix>`. E.g. `segments`, `encoding`, `algorithm`, `raised`,
    /// `expired`, `reached`, `iat`, `jti`, and for iss/aud/sub the received value (`reset`,
    /// `<none>`, ...).
    pub fn suffix(&self) -> String {
        ruby::last_word(&self.message())
    }

    /// False for [`JwtError::NotDecodeError`], which Barong answers with 500
    /// `server.internal_error` instead of 422 `jwt.decode_and_verify.<suffix>`.
    pub fn is_decode_error(&self) -> bool {
        !matches!(self, Self::NotDecodeError(_))
    }
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for JwtError {}

impl SigningKey {
    /// A token in Barong's exact form: header `{"alg":"RS256"}`; claims `iat` (now, whole
    /// seconds), `exp` (now + lifetime), `sub`, `iss` "barong", `aud` ["peatio","barong"], `jti`
    /// (20 lowercase hex characters from the OS CSPRNG, `SecureRandom.hex(10)`), then `payload`'s
    /// fields in its order. As with Barong's `reverse_merge`, a payload field named like one of the
    /// six replaces its value in place.
    pub fn encode(
        &self,
        sub: &str,
        payload: Map<String, Value>,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> String {
        let exp = now
            .checked_add_signed(lifetime)
            .map_or(i64::MAX, |t| t.timestamp());
        let mut claims = Map::new();
        claims.insert("iat".into(), now.timestamp().into());
        claims.insert("exp".into(), exp.into());
        claims.insert("sub".into(), sub.into());
        claims.insert("iss".into(), ISSUER.into());
        claims.insert("aud".into(), AUDIENCE.to_vec().into());
        claims.insert("jti".into(), random_hex(10).into());
        claims.extend(payload);
        let signing_input = format!(
            "{}.{}",
            b64url(HEADER_JSON.as_bytes()),
            b64url(Value::Object(claims).to_string().as_bytes())
        );
        // ring cannot fail here for a key it accepted (the buffer is the modulus length). Were it
        // to, the token would carry an empty signature and never verify, which beats a panic.
        let signature = self
            .sign_rs256(signing_input.as_bytes())
            .unwrap_or_else(|error| {
                tracing::error!(%error, "RS256 signing failed");
                Vec::new()
            });
        format!("{signing_input}.{}", b64url(&signature))
    }

    /// `Barong::JWT#decode_and_verify(token, pub_key:, sub: expected_sub)`: the payload, or the
    /// first check that failed, in ruby-jwt 2.2.2's order (see the module docs).
    pub fn decode(
        &self,
        token: &str,
        expected_sub: &str,
        now: DateTime<Utc>,
    ) -> Result<Map<String, Value>, JwtError> {
        let segments = ruby::split_segments(token);
        let [header_b64, payload_b64, signature_b64] = segments[..] else {
            return Err(JwtError::Segments);
        };
        let signature = ruby::url_decode(signature_b64);

        let header = ruby::json_parse(&ruby::url_decode(header_b64)).ok_or(JwtError::Encoding)?;
        let alg = match &header {
            Value::Object(fields) => fields.get("alg").and_then(Value::as_str),
            // `"text"['alg']` is a substring lookup, never "RS256".
            Value::String(_) => None,
            _ => return Err(JwtError::NotDecodeError("header is not a JSON object")),
        };
        if alg != Some("RS256") {
            return Err(JwtError::Algorithm);
        }

        // `@segments.first(2).join('.')`: the token's own text up to the second dot.
        let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
        if !self.verify_rs256(signing_input.as_bytes(), &signature) {
            return Err(JwtError::Signature);
        }

        let payload = ruby::json_parse(&ruby::url_decode(payload_b64)).ok_or(JwtError::Encoding)?;
        let Value::Object(claims) = payload else {
            return Err(JwtError::NotDecodeError("payload is not a JSON object"));
        };
        verify_claims(&claims, expected_sub, now)?;
        Ok(claims)
    }
}

/// `JWT::Verify.verify_claims` with Barong's options, in ruby-jwt's order.
fn verify_claims(
    claims: &Map<String, Value>,
    expected_sub: &str,
    now: DateTime<Utc>,
) -> Result<(), JwtError> {
    const NO_TO_I: JwtError = JwtError::NotDecodeError("undefined method `to_i'");
    let now_secs = i128::from(now.timestamp());

    // verify_expiration: `exp.to_i <= Time.now.to_i - leeway`.
    if let Some(exp) = claims.get("exp")
        && ruby::to_i(exp).ok_or(NO_TO_I)? <= now_secs
    {
        return Err(JwtError::Expired);
    }
    // verify_not_before: `nbf.to_i > Time.now.to_i + leeway`.
    if let Some(nbf) = claims.get("nbf")
        && ruby::to_i(nbf).ok_or(NO_TO_I)? > now_secs
    {
        return Err(JwtError::NotBefore);
    }
    // verify_iss: `['barong'].include?(iss.to_s)`.
    match claims.get("iss") {
        Some(Value::String(iss)) if iss == ISSUER => {}
        other => {
            return Err(JwtError::Issuer {
                received: received(other),
            });
        }
    }
    // verify_iat: `!iat.is_a?(Numeric) || iat.to_f > Time.now.to_f`.
    if let Some(iat) = claims.get("iat") {
        let now_f = now.timestamp() as f64 + f64::from(now.timestamp_subsec_nanos()) / 1e9;
        match iat.as_f64() {
            Some(iat) if iat <= now_f => {}
            _ => return Err(JwtError::IssuedAt),
        }
    }
    // verify_jti: `jti.to_s.strip.empty?`.
    let jti_missing = match claims.get("jti") {
        None | Some(Value::Null) => true,
        Some(Value::String(jti)) => ruby::strip_is_empty(jti),
        Some(_) => false,
    };
    if jti_missing {
        return Err(JwtError::Jti);
    }
    // verify_aud: `([*aud] & ['peatio', 'barong']).empty?`.
    let aud_ok = match claims.get("aud") {
        Some(Value::String(aud)) => AUDIENCE.contains(&aud.as_str()),
        Some(Value::Array(auds)) => auds
            .iter()
            .any(|a| a.as_str().is_some_and(|a| AUDIENCE.contains(&a))),
        _ => false,
    };
    if !aud_ok {
        return Err(JwtError::Audience {
            received: received(claims.get("aud")),
        });
    }
    // verify_sub: `sub.to_s == options_sub.to_s`.
    let sub = claims.get("sub").unwrap_or(&Value::Null);
    if ruby::to_s(sub) != expected_sub {
        return Err(JwtError::Subject {
            expected: expected_sub.to_owned(),
            received: received(Some(sub)),
        });
    }
    Ok(())
}

/// `"#{value || '<none>'}"`.
fn received(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null | Value::Bool(false)) => "<none>".to_owned(),
        Some(value) => ruby::to_s(value),
    }
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore as _;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::tests::{KEY, OTHER_KEY};
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::TimeZone as _;
    use serde_json::json;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap() + Duration::milliseconds(250)
    }

    fn payload(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn confirmation_token(now: DateTime<Utc>) -> String {
        let fields = payload(json!({"email": "a@b.io", "uid": "ID1234567890"}));
        KEY.encode("confirmation", fields, now, Duration::seconds(3600))
    }

    /// A token with the given header and claims signed by `key` (claims serialised as given).
    fn signed(key: &SigningKey, header: &str, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = key.sign_rs256(input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    fn claims(now: DateTime<Utc>) -> Value {
        json!({
            "iat": now.timestamp(), "exp": now.timestamp() + 3600, "sub": "confirmation",
            "iss": "barong", "aud": ["peatio", "barong"], "jti": "0123456789abcdef0123",
        })
    }

    fn with(mut claims: Value, name: &str, value: Option<Value>) -> Value {
        let map = claims.as_object_mut().unwrap();
        match value {
            Some(value) => map.insert(name.to_owned(), value),
            None => map.remove(name),
        };
        claims
    }

    fn suffix_of(token: &str, sub: &str, now: DateTime<Utc>) -> String {
        KEY.decode(token, sub, now).unwrap_err().suffix()
    }

    #[test]
    fn round_trip() {
        let token = confirmation_token(t0());
        let claims = KEY.decode(&token, "confirmation", t0()).unwrap();
        assert_eq!(claims["email"], "a@b.io");
        assert_eq!(claims["uid"], "ID1234567890");
        assert_eq!(claims["sub"], "confirmation");
        assert_eq!(claims["iat"], t0().timestamp());
        assert_eq!(claims["exp"], t0().timestamp() + 3600);
    }

    #[test]
    fn exact_header_and_claim_order() {
        let token = confirmation_token(t0());
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "eyJhbGciOiJSUzI1NiJ9");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(parts[0]).unwrap(),
            br#"{"alg":"RS256"}"#
        );
        let body = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        let jti = serde_json::from_str::<Value>(&body).unwrap()["jti"]
            .as_str()
            .unwrap()
            .to_owned();
        let iat = t0().timestamp();
        assert_eq!(
            body,
            format!(
                r#"{{"iat":{iat},"exp":{},"sub":"confirmation","iss":"barong","aud":["peatio","barong"],"jti":"{jti}","email":"a@b.io","uid":"ID1234567890"}}"#,
                iat + 3600
            )
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 256);
        assert!(!token.contains('='));
    }

    #[test]
    fn jti_is_20_lowercase_hex_and_random() {
        let jti = |t: &str| KEY.decode(t, "confirmation", t0()).unwrap()["jti"].clone();
        let a = jti(&confirmation_token(t0()));
        let b = jti(&confirmation_token(t0()));
        let a = a.as_str().unwrap();
        assert_eq!(a.len(), 20);
        assert!(a.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        assert_ne!(Some(a), b.as_str());
    }

    #[test]
    fn payload_fields_named_like_standard_claims_replace_them_in_place() {
        let fields = payload(json!({"email": "a@b.io", "sub": "reset", "iss": "x"}));
        let token = KEY.encode("confirmation", fields, t0(), Duration::seconds(60));
        let body = URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap();
        let claims: Map<String, Value> = serde_json::from_slice(&body).unwrap();
        let names: Vec<&str> = claims.keys().map(String::as_str).collect();
        assert_eq!(names, ["iat", "exp", "sub", "iss", "aud", "jti", "email"]);
        assert_eq!(claims["sub"], "reset");
    }

    #[test]
    fn segments() {
        let token = confirmation_token(t0());
        for bad in ["invalid token", "a.b", "a.b.", "", "a.b.c.d"] {
            assert_eq!(suffix_of(bad, "confirmation", t0()), "segments", "{bad}");
        }
        // Ruby's split drops trailing empty segments: one trailing dot still verifies.
        assert!(
            KEY.decode(&format!("{token}."), "confirmation", t0())
                .is_ok()
        );
        let two = token.rsplit_once('.').unwrap().0;
        assert_eq!(
            KEY.decode(two, "confirmation", t0()),
            Err(JwtError::Segments)
        );
    }

    #[test]
    fn encoding() {
        assert_eq!(suffix_of("a.b.c", "confirmation", t0()), "encoding");
        let token = confirmation_token(t0());
        let (_, rest) = token.split_once('.').unwrap();
        assert_eq!(
            suffix_of(&format!("e30x.{rest}"), "confirmation", t0()),
            "encoding"
        );
        // A payload that is not JSON, signed: only found after the signature.
        let input = format!("eyJhbGciOiJSUzI1NiJ9.{}", URL_SAFE_NO_PAD.encode("{nope"));
        let sig = KEY.sign_rs256(input.as_bytes()).unwrap();
        let signed_garbage = format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(
            KEY.decode(&signed_garbage, "confirmation", t0()),
            Err(JwtError::Encoding)
        );
        // Unsigned, the same payload fails on the signature first.
        assert_eq!(
            KEY.decode(&format!("{input}.AAAA"), "confirmation", t0()),
            Err(JwtError::Signature)
        );
    }

    #[test]
    fn algorithm_including_none() {
        let c = claims(t0());
        for header in [
            r#"{"alg":"none"}"#,
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"rs256"}"#,
            r#"{"typ":"JWT"}"#,
            r#""RS256""#,
        ] {
            let token = signed(&KEY, header, &c);
            assert_eq!(
                KEY.decode(&token, "confirmation", t0()),
                Err(JwtError::Algorithm),
                "{header}"
            );
            assert_eq!(suffix_of(&token, "confirmation", t0()), "algorithm");
        }
        // The classic unsigned form: two segments plus an empty signature.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(c.to_string())
        );
        assert_eq!(suffix_of(&none, "confirmation", t0()), "segments");
        let none3 = format!("{none}AAAA");
        assert_eq!(suffix_of(&none3, "confirmation", t0()), "algorithm");
        // Extra header fields are fine.
        let token = signed(&KEY, r#"{"alg":"RS256","typ":"JWT","kid":"x"}"#, &c);
        assert!(KEY.decode(&token, "confirmation", t0()).is_ok());
    }

    #[test]
    fn header_that_is_not_an_object_is_not_a_decode_error() {
        let token = signed(&KEY, "[1]", &claims(t0()));
        let err = KEY.decode(&token, "confirmation", t0()).unwrap_err();
        assert!(!err.is_decode_error());
    }

    #[test]
    fn other_key_and_tampering_fail_on_the_signature() {
        let foreign = OTHER_KEY.encode("confirmation", Map::new(), t0(), Duration::seconds(60));
        assert_eq!(
            KEY.decode(&foreign, "confirmation", t0()),
            Err(JwtError::Signature)
        );
        assert_eq!(suffix_of(&foreign, "confirmation", t0()), "raised");

        let token = confirmation_token(t0());
        let (input, _) = token.rsplit_once('.').unwrap();
        assert_eq!(
            suffix_of(&format!("{input}.AAAA"), "confirmation", t0()),
            "raised"
        );
        assert_eq!(
            suffix_of(&format!("{input}."), "confirmation", t0()),
            "segments"
        );
        let forged = signed(&OTHER_KEY, HEADER_JSON, &claims(t0()));
        assert_eq!(suffix_of(&forged, "confirmation", t0()), "raised");
    }

    #[test]
    fn expired_by_one_second() {
        let token = KEY.encode("confirmation", Map::new(), t0(), Duration::seconds(3600));
        let at_exp = t0() + Duration::seconds(3600);
        assert!(
            KEY.decode(&token, "confirmation", at_exp - Duration::seconds(1))
                .is_ok()
        );
        assert_eq!(
            KEY.decode(&token, "confirmation", at_exp + Duration::seconds(1)),
            Err(JwtError::Expired)
        );
        assert_eq!(suffix_of(&token, "confirmation", at_exp), "expired");
    }

    #[test]
    fn claim_errors_and_their_suffixes() {
        let now = t0();
        let c = claims(now);
        let cases: Vec<(Value, &str)> = vec![
            (
                with(c.clone(), "exp", Some(json!(now.timestamp()))),
                "expired",
            ),
            (with(c.clone(), "exp", Some(json!(null))), "expired"),
            (with(c.clone(), "exp", Some(json!("1"))), "expired"),
            (
                with(c.clone(), "nbf", Some(json!(now.timestamp() + 1))),
                "reached",
            ),
            (with(c.clone(), "iss", None), "<none>"),
            (with(c.clone(), "iss", Some(json!("peatio"))), "peatio"),
            (with(c.clone(), "iss", Some(json!(false))), "<none>"),
            (
                with(c.clone(), "iat", Some(json!(now.timestamp() + 1))),
                "iat",
            ),
            (with(c.clone(), "iat", Some(json!("1"))), "iat"),
            (with(c.clone(), "iat", Some(json!(null))), "iat"),
            (with(c.clone(), "jti", None), "jti"),
            (with(c.clone(), "jti", Some(json!("  "))), "jti"),
            (with(c.clone(), "aud", None), "<none>"),
            (with(c.clone(), "aud", Some(json!("applogic"))), "applogic"),
            (with(c.clone(), "aud", Some(json!(["a", "b"]))), "\"b\"]"),
            (with(c.clone(), "sub", Some(json!("reset"))), "reset"),
            (with(c.clone(), "sub", None), "<none>"),
        ];
        for (claims, suffix) in cases {
            let token = signed(&KEY, HEADER_JSON, &claims);
            assert_eq!(suffix_of(&token, "confirmation", now), suffix, "{claims}");
        }
        // Passing variants.
        for claims in [
            with(c.clone(), "nbf", Some(json!(now.timestamp()))),
            with(c.clone(), "iat", Some(json!(now.timestamp() as f64 + 0.2))),
            with(c.clone(), "iat", None),
            with(c.clone(), "exp", None),
            with(c.clone(), "aud", Some(json!("barong"))),
            with(c.clone(), "aud", Some(json!(["x", "peatio"]))),
            with(c.clone(), "jti", Some(json!(0))),
        ] {
            let token = signed(&KEY, HEADER_JSON, &claims);
            assert!(KEY.decode(&token, "confirmation", now).is_ok(), "{claims}");
        }
        // `true.to_i` is a NoMethodError in Ruby.
        let token = signed(&KEY, HEADER_JSON, &with(c, "exp", Some(json!(true))));
        assert!(
            !KEY.decode(&token, "confirmation", now)
                .unwrap_err()
                .is_decode_error()
        );
    }

    #[test]
    fn claims_are_checked_in_ruby_jwt_order() {
        // Everything wrong at once: each fix reveals the next check.
        let now = t0();
        let mut c = json!({
            "exp": now.timestamp() - 1, "nbf": now.timestamp() + 10, "iss": "x",
            "iat": now.timestamp() + 10, "aud": "x", "sub": "session",
        });
        let order = [
            ("exp", json!(now.timestamp() + 60), "expired"),
            ("nbf", json!(now.timestamp()), "reached"),
            ("iss", json!("barong"), "x"),
            ("iat", json!(now.timestamp()), "iat"),
            ("jti", json!("j"), "jti"),
            ("aud", json!("peatio"), "x"),
            ("sub", json!("confirmation"), "session"),
        ];
        for (name, fix, suffix) in order {
            let token = signed(&KEY, HEADER_JSON, &c);
            assert_eq!(
                suffix_of(&token, "confirmation", now),
                suffix,
                "before fixing {name}"
            );
            c = with(c, name, Some(fix));
        }
        let token = signed(&KEY, HEADER_JSON, &c);
        assert!(KEY.decode(&token, "confirmation", now).is_ok());
    }

    #[test]
    fn wrong_subject_reports_the_received_one() {
        let fields = payload(json!({"email": "a@b.io", "reset_token": "abc"}));
        let reset = KEY.encode("reset", fields, t0(), Duration::seconds(3600));
        let err = KEY.decode(&reset, "confirmation", t0()).unwrap_err();
        assert_eq!(
            err.message(),
            "Invalid subject. Expected confirmation, received reset"
        );
        assert_eq!(err.suffix(), "reset");
        assert!(KEY.decode(&reset, "reset", t0()).is_ok());
    }

    #[test]
    fn messages() {
        assert_eq!(
            JwtError::Segments.to_string(),
            "Not enough or too many segments"
        );
        assert_eq!(JwtError::Signature.suffix(), "raised");
        assert_eq!(JwtError::Encoding.suffix(), "encoding");
        assert_eq!(JwtError::NotBefore.suffix(), "reached");
        assert_eq!(
            JwtError::Audience {
                received: "<none>".into()
            }
            .message(),
            r#"Invalid audience. Expected ["peatio", "barong"], received <none>"#
        );
    }
}
