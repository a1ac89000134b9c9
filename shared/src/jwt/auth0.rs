//! Auth0 ID tokens for `POST /identity/sessions/auth0` (Barong's `lib/barong/auth0/jwt.rb`).
//!
//! RS256 only, the key picked by the header's `kid` from the tenant's JWKS, then the claims:
//! exp and nbf (no leeway, as ruby-jwt), iss, iat, aud. Barong maps every failure to one error key,
//! so these errors only matter for logs. Unlike Barong, which downloads the JWKS for every login,
//! the key set is kept for [`JWKS_TTL`] and fetched again early, at most once per
//! [`REFETCH_INTERVAL`], when a token names a key it lacks (Auth0 rotated its keys).

use std::collections::HashMap;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Duration, Utc};
use ring::signature::{self, RsaPublicKeyComponents};
use serde_json::{Map, Value};

use super::keys::der_element;
use super::ruby;
use crate::outbound;

/// How long a fetched key set is used before it is fetched again.
pub const JWKS_TTL: Duration = Duration::minutes(10);
/// The least time between two fetches (an unknown `kid` or a failing endpoint).
pub const REFETCH_INTERVAL: Duration = Duration::minutes(1);
/// Tolerated clock skew for `iat` only. Barong does not check `iat` for Auth0 tokens at all
/// (ruby-jwt's `verify_iat` defaults to false); Auth0's clock may run a little ahead of ours.
const IAT_LEEWAY_SECS: i128 = 60;

const BASE64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The claims Barong reads from a verified ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth0Claims {
    pub email: Option<String>,
    /// `None` when absent or not a boolean.
    pub email_verified: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Auth0Error {
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    #[error("algorithm is not RS256")]
    Algorithm,
    #[error("no key in the JWKS for kid {0:?}")]
    UnknownKey(Option<String>),
    #[error("JWKS unavailable: {0}")]
    Jwks(String),
    #[error("signature verification failed")]
    Signature,
    #[error("token expired")]
    Expired,
    #[error("token not valid yet (nbf)")]
    NotYetValid,
    #[error("token issued in the future (iat)")]
    IssuedInFuture,
    #[error("unexpected issuer")]
    Issuer,
    #[error("unexpected audience")]
    Audience,
}

#[derive(Debug, Clone)]
struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

type KeySet = HashMap<Option<String>, RsaKey>;

#[derive(Default)]
struct JwksCache {
    keys: Option<KeySet>,
    fetched_at: Option<DateTime<Utc>>,
    last_attempt: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

impl JwksCache {
    fn may_fetch(&self, now: DateTime<Utc>) -> bool {
        // A clock that went backwards also allows a fetch.
        self.last_attempt
            .is_none_or(|t| now - t >= REFETCH_INTERVAL || now < t)
    }

    fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        self.fetched_at
            .is_some_and(|t| now - t < JWKS_TTL && now >= t)
    }
}

/// Verifies Auth0 ID tokens against one tenant (issuer), client (audience) and key set.
pub struct Auth0Verifier {
    issuer: String,
    audience: String,
    jwks_url: String,
    // Held across the fetch, so concurrent logins wait for one download instead of each starting
    // their own.
    cache: tokio::sync::Mutex<JwksCache>,
}

impl std::fmt::Debug for Auth0Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth0Verifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("jwks_url", &self.jwks_url)
            .finish_non_exhaustive()
    }
}

impl Auth0Verifier {
    /// Barong: issuer `https://<BARONG_AUTH0_DOMAIN>/`, audience `BARONG_AUTH0_CLIENT_ID`, JWKS
    /// `https://<domain>/.well-known/jwks.json`.
    pub fn new(issuer: String, audience: String, jwks_url: String) -> Self {
        Self {
            issuer,
            audience,
            jwks_url,
            cache: tokio::sync::Mutex::new(JwksCache::default()),
        }
    }

    /// The token's `email` and `email_verified`, once signature and claims check out.
    pub async fn verify(
        &self,
        id_token: &str,
        now: DateTime<Utc>,
    ) -> Result<Auth0Claims, Auth0Error> {
        let segments = ruby::split_segments(id_token);
        let [header_b64, payload_b64, signature_b64] = segments[..] else {
            return Err(Auth0Error::Malformed("not three segments"));
        };
        let header = ruby::json_parse(&ruby::url_decode(header_b64))
            .ok_or(Auth0Error::Malformed("header is not JSON"))?;
        let Value::Object(header) = header else {
            return Err(Auth0Error::Malformed("header is not a JSON object"));
        };
        if header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err(Auth0Error::Algorithm);
        }
        let kid = match header.get("kid") {
            None | Some(Value::Null) => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(Auth0Error::Malformed("kid is not a string")),
        };
        let key = self.key_for(kid, now).await?;

        let signing_input = &id_token[..header_b64.len() + 1 + payload_b64.len()];
        RsaPublicKeyComponents {
            n: &key.n[..],
            e: &key.e[..],
        }
        .verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            signing_input.as_bytes(),
            &ruby::url_decode(signature_b64),
        )
        .map_err(|_| Auth0Error::Signature)?;

        let payload = ruby::json_parse(&ruby::url_decode(payload_b64))
            .ok_or(Auth0Error::Malformed("payload is not JSON"))?;
        let Value::Object(claims) = payload else {
            return Err(Auth0Error::Malformed("payload is not a JSON object"));
        };
        self.verify_claims(&claims, now)?;
        Ok(Auth0Claims {
            email: claims
                .get("email")
                .and_then(Value::as_str)
                .map(str::to_owned),
            email_verified: claims.get("email_verified").and_then(Value::as_bool),
        })
    }

    /// ruby-jwt's order: exp, nbf, iss, iat, aud.
    fn verify_claims(
        &self,
        claims: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Result<(), Auth0Error> {
        let now_secs = i128::from(now.timestamp());
        let int =
            |v: &Value| ruby::to_i(v).ok_or(Auth0Error::Malformed("time claim is not a number"));
        if let Some(exp) = claims.get("exp")
            && int(exp)? <= now_secs
        {
            return Err(Auth0Error::Expired);
        }
        if let Some(nbf) = claims.get("nbf")
            && int(nbf)? > now_secs
        {
            return Err(Auth0Error::NotYetValid);
        }
        if claims.get("iss").and_then(Value::as_str) != Some(self.issuer.as_str()) {
            return Err(Auth0Error::Issuer);
        }
        if let Some(iat) = claims.get("iat") {
            match iat.as_f64() {
                Some(iat) if iat <= (now_secs + IAT_LEEWAY_SECS) as f64 => {}
                _ => return Err(Auth0Error::IssuedInFuture),
            }
        }
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => *aud == self.audience,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(&self.audience)),
            _ => false,
        };
        if !audience_ok {
            return Err(Auth0Error::Audience);
        }
        Ok(())
    }

    /// The key for `kid`: from the cache while it is fresh; otherwise, or when `kid` is unknown,
    /// from a new download (at most one per [`REFETCH_INTERVAL`]). A stale key set is still used
    /// while the endpoint fails.
    async fn key_for(&self, kid: Option<String>, now: DateTime<Utc>) -> Result<RsaKey, Auth0Error> {
        let mut cache = self.cache.lock().await;
        if !cache.is_fresh(now) && cache.may_fetch(now) {
            self.refresh(&mut cache, now).await;
        }
        if let Some(key) = cache.keys.as_ref().and_then(|keys| keys.get(&kid)) {
            return Ok(key.clone());
        }
        if cache.may_fetch(now) {
            self.refresh(&mut cache, now).await;
            if let Some(key) = cache.keys.as_ref().and_then(|keys| keys.get(&kid)) {
                return Ok(key.clone());
            }
        }
        match (&cache.keys, &cache.last_error) {
            (None, Some(error)) => Err(Auth0Error::Jwks(error.clone())),
            _ => Err(Auth0Error::UnknownKey(kid)),
        }
    }

    async fn refresh(&self, cache: &mut JwksCache, now: DateTime<Utc>) {
        cache.last_attempt = Some(now);
        match self.fetch().await {
            Ok(keys) => {
                cache.keys = Some(keys);
                cache.fetched_at = Some(now);
                cache.last_error = None;
            }
            Err(error) => {
                tracing::warn!(url = %self.jwks_url, %error, "Auth0 JWKS fetch failed");
                cache.last_error = Some(error);
            }
        }
    }

    async fn fetch(&self) -> Result<KeySet, String> {
        let (status, body) = outbound::get(&self.jwks_url)
            .await
            .map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("HTTP status {status}"));
        }
        parse_jwks(&body)
    }
}

/// The RSA signing keys of a JWK Set, by `kid`. Keys for other uses, algorithms or types are
/// skipped, as are members that do not decode.
fn parse_jwks(body: &[u8]) -> Result<KeySet, String> {
    let document: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let keys = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("no \"keys\" array")?;
    Ok(keys.iter().filter_map(parse_jwk).collect())
}

fn parse_jwk(jwk: &Value) -> Option<(Option<String>, RsaKey)> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    if member("kty") != Some("RSA")
        || jwk.get("use").is_some_and(|u| u.as_str() != Some("sig"))
        || jwk.get("alg").is_some_and(|a| a.as_str() != Some("RS256"))
    {
        return None;
    }
    let kid = member("kid").map(str::to_owned);
    let key = match (member("n"), member("e")) {
        (Some(n), Some(e)) => RsaKey {
            n: strip_leading_zeros(BASE64URL_LENIENT.decode(n).ok()?),
            e: strip_leading_zeros(BASE64URL_LENIENT.decode(e).ok()?),
        },
        // Barong reads only the first certificate of `x5c` (standard base64 DER).
        _ => {
            let cert = jwk.get("x5c")?.as_array()?.first()?.as_str()?;
            certificate_rsa_key(&BASE64_LENIENT.decode(cert).ok()?)?
        }
    };
    Some((kid, key))
}

fn strip_leading_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    bytes.drain(..zeros);
    bytes
}

/// The RSA public key in an X.509 certificate's SubjectPublicKeyInfo. The certificate itself is
/// not validated, as Barong does not validate it either.
fn certificate_rsa_key(cert: &[u8]) -> Option<RsaKey> {
    const SEQUENCE: u8 = 0x30;
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (SEQUENCE, certificate, _) = der_element(cert)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = der_element(certificate)? else {
        return None;
    };
    let mut rest = tbs;
    // [0] version (optional), serialNumber, signature, issuer, validity, subject.
    let (tag, _, after) = der_element(rest)?;
    if tag == 0xa0 {
        rest = after;
    }
    for _ in 0..5 {
        rest = der_element(rest)?.2;
    }
    let (SEQUENCE, spki, _) = der_element(rest)? else {
        return None;
    };
    let (SEQUENCE, algorithm, rest) = der_element(spki)? else {
        return None;
    };
    let (0x06, oid, _) = der_element(algorithm)? else {
        return None;
    };
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (0x03, bits, _) = der_element(rest)? else {
        return None;
    };
    let (0, rsa_public_key) = bits.split_first()? else {
        return None;
    };
    let (SEQUENCE, fields, _) = der_element(rsa_public_key)? else {
        return None;
    };
    let (0x02, n, rest) = der_element(fields)? else {
        return None;
    };
    let (0x02, e, _) = der_element(rest)? else {
        return None;
    };
    Some(RsaKey {
        n: strip_leading_zeros(n.to_vec()),
        e: strip_leading_zeros(e.to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::SigningKey;
    use crate::jwt::keys::tests::{KEY, OTHER_KEY};
    use crate::outbound::tests::{http_response, serve_with};
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use chrono::TimeZone as _;
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    const ISSUER: &str = "https://tenant.example.auth0.com/";
    const AUDIENCE: &str = "client-id-123";

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
    }

    /// Serves whatever `body` currently holds as the JWKS; counts the requests.
    struct JwksServer {
        url: String,
        requests: std::sync::mpsc::Receiver<String>,
        seen: std::cell::Cell<usize>,
        body: Arc<Mutex<Vec<u8>>>,
    }

    impl JwksServer {
        fn hits(&self) -> usize {
            self.seen
                .set(self.seen.get() + self.requests.try_iter().count());
            self.seen.get()
        }
    }

    fn jwks_server(response: Vec<u8>) -> JwksServer {
        let body = Arc::new(Mutex::new(response));
        let (base, requests) = serve_with(body.clone());
        JwksServer {
            url: format!("{base}/.well-known/jwks.json"),
            requests,
            seen: 0.into(),
            body,
        }
    }

    fn jwks_response(jwks: &Value) -> Vec<u8> {
        http_response("200 OK", "application/json", jwks.to_string().as_bytes())
    }

    fn verifier(url: &str) -> Auth0Verifier {
        Auth0Verifier::new(ISSUER.into(), AUDIENCE.into(), url.into())
    }

    fn id_token(key: &SigningKey, header: Value, claims: Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = key.sign_rs256(input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    fn good_claims() -> Value {
        json!({
            "email": "user@example.com", "email_verified": true, "iss": ISSUER,
            "sub": "auth0|1", "aud": AUDIENCE, "iat": t0().timestamp() - 10,
            "exp": t0().timestamp() + 3600,
        })
    }

    fn header(kid: &str) -> Value {
        json!({"alg": "RS256", "typ": "JWT", "kid": kid})
    }

    fn set(mut claims: Value, name: &str, value: Value) -> Value {
        claims.as_object_mut().unwrap().insert(name.into(), value);
        claims
    }

    /// A JWK with only an `x5c` certificate for `key` (the certificate's signature is junk:
    /// neither Barong nor Gatehouse validates it).
    fn x5c_jwk(key: &SigningKey, kid: &str) -> Value {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            if content.len() < 0x80 {
                out.push(content.len() as u8);
            } else {
                out.extend_from_slice(&[0x82, (content.len() >> 8) as u8, content.len() as u8]);
            }
            out.extend_from_slice(content);
            out
        }
        let sha256_rsa = tlv(
            0x30,
            &[
                &tlv(
                    0x06,
                    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
                )[..],
                &[0x05, 0x00],
            ]
            .concat(),
        );
        let name = tlv(
            0x30,
            &tlv(
                0x31,
                &tlv(
                    0x30,
                    &[&tlv(0x06, &[0x55, 0x04, 0x03])[..], &tlv(0x0c, b"test")].concat(),
                ),
            ),
        );
        let validity = tlv(
            0x30,
            &[tlv(0x17, b"240101000000Z"), tlv(0x17, b"340101000000Z")].concat(),
        );
        let tbs = tlv(
            0x30,
            &[
                tlv(0xa0, &tlv(0x02, &[2])),
                tlv(0x02, &[1]),
                sha256_rsa.clone(),
                name.clone(),
                validity,
                name,
                key.public_key_spki_der(),
            ]
            .concat(),
        );
        let cert = tlv(0x30, &[tbs, sha256_rsa, tlv(0x03, &[0, 1, 2, 3])].concat());
        json!({"kty": "RSA", "use": "sig", "kid": kid, "x5c": [STANDARD.encode(cert)], "x5t": "ignored"})
    }

    fn ne_jwk(key: &SigningKey, kid: &str) -> Value {
        let mut jwk = key.jwks()["keys"][0].clone();
        jwk["kid"] = kid.into();
        jwk
    }

    #[tokio::test]
    async fn verifies_with_n_e_and_returns_email_claims() {
        let server = jwks_server(jwks_response(
            &json!({"keys": [ne_jwk(&OTHER_KEY, "k0"), ne_jwk(&KEY, "k1")]}),
        ));
        let verifier = verifier(&server.url);
        let token = id_token(&KEY, header("k1"), good_claims());
        let claims = verifier.verify(&token, t0()).await.unwrap();
        assert_eq!(
            claims,
            Auth0Claims {
                email: Some("user@example.com".into()),
                email_verified: Some(true)
            }
        );
        let no_email = id_token(
            &KEY,
            header("k1"),
            set(good_claims(), "email_verified", json!("yes")),
        );
        let mut no_email_claims = good_claims();
        no_email_claims.as_object_mut().unwrap().remove("email");
        let none = id_token(&KEY, header("k1"), no_email_claims);
        assert_eq!(
            verifier
                .verify(&no_email, t0())
                .await
                .unwrap()
                .email_verified,
            None
        );
        assert_eq!(verifier.verify(&none, t0()).await.unwrap().email, None);
        assert_eq!(server.hits(), 1, "the key set is cached");
    }

    #[tokio::test]
    async fn verifies_with_an_x5c_certificate() {
        let server = jwks_server(jwks_response(&json!({"keys": [x5c_jwk(&KEY, "cert")]})));
        let token = id_token(&KEY, header("cert"), good_claims());
        assert!(verifier(&server.url).verify(&token, t0()).await.is_ok());
        let forged = id_token(&OTHER_KEY, header("cert"), good_claims());
        assert_eq!(
            verifier(&server.url).verify(&forged, t0()).await,
            Err(Auth0Error::Signature)
        );
    }

    #[tokio::test]
    async fn claim_checks() {
        let server = jwks_server(jwks_response(&json!({"keys": [ne_jwk(&KEY, "k1")]})));
        let verifier = verifier(&server.url);
        let now = t0();
        let cases = [
            (
                set(good_claims(), "exp", json!(now.timestamp())),
                Auth0Error::Expired,
            ),
            (
                set(good_claims(), "nbf", json!(now.timestamp() + 5)),
                Auth0Error::NotYetValid,
            ),
            (
                set(good_claims(), "iss", json!("https://evil.example/")),
                Auth0Error::Issuer,
            ),
            (set(good_claims(), "iss", json!(null)), Auth0Error::Issuer),
            (
                set(good_claims(), "iat", json!(now.timestamp() + 3600)),
                Auth0Error::IssuedInFuture,
            ),
            (
                set(good_claims(), "aud", json!("someone-else")),
                Auth0Error::Audience,
            ),
            (
                set(good_claims(), "aud", json!(["a", "b"])),
                Auth0Error::Audience,
            ),
        ];
        for (claims, expected) in cases {
            let token = id_token(&KEY, header("k1"), claims.clone());
            assert_eq!(
                verifier.verify(&token, now).await,
                Err(expected),
                "{claims}"
            );
        }
        let array_aud = id_token(
            &KEY,
            header("k1"),
            set(good_claims(), "aud", json!(["x", AUDIENCE])),
        );
        assert!(verifier.verify(&array_aud, now).await.is_ok());
        let expired_by_one = id_token(&KEY, header("k1"), good_claims());
        let later = now + Duration::seconds(3601);
        assert_eq!(
            verifier.verify(&expired_by_one, later).await,
            Err(Auth0Error::Expired)
        );
    }

    #[tokio::test]
    async fn rejects_other_algorithms_and_malformed_tokens() {
        let server = jwks_server(jwks_response(&json!({"keys": [ne_jwk(&KEY, "k1")]})));
        let verifier = verifier(&server.url);
        for alg in ["none", "HS256", "RS512", "rs256"] {
            let token = id_token(&KEY, json!({"alg": alg, "kid": "k1"}), good_claims());
            assert_eq!(
                verifier.verify(&token, t0()).await,
                Err(Auth0Error::Algorithm),
                "{alg}"
            );
        }
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(good_claims().to_string())
        );
        assert!(matches!(
            verifier.verify(&unsigned, t0()).await,
            Err(Auth0Error::Malformed(_))
        ));
        for bad in ["", "abc", "a.b.c", "e30.e30.e30"] {
            assert!(verifier.verify(bad, t0()).await.is_err(), "{bad}");
        }
        assert_eq!(server.hits(), 0, "all refused before the key lookup");
    }

    #[tokio::test]
    async fn unknown_kid_refetches_at_most_once_a_minute() {
        let server = jwks_server(jwks_response(&json!({"keys": [ne_jwk(&OTHER_KEY, "old")]})));
        let verifier = verifier(&server.url);
        let token = id_token(&KEY, header("new"), good_claims());
        let now = t0();
        assert_eq!(
            verifier.verify(&token, now).await,
            Err(Auth0Error::UnknownKey(Some("new".into())))
        );
        assert_eq!(server.hits(), 1);
        // Auth0 rotates its keys; within the minute nothing is fetched again.
        *server.body.lock().unwrap() = jwks_response(&json!({"keys": [ne_jwk(&KEY, "new")]}));
        let soon = now + Duration::seconds(30);
        assert!(matches!(
            verifier.verify(&token, soon).await,
            Err(Auth0Error::UnknownKey(_))
        ));
        assert_eq!(server.hits(), 1);
        let later = now + Duration::seconds(61);
        assert!(verifier.verify(&token, later).await.is_ok());
        assert_eq!(server.hits(), 2);
        // Cached again now.
        assert!(
            verifier
                .verify(&token, later + Duration::seconds(5))
                .await
                .is_ok()
        );
        assert_eq!(server.hits(), 2);
    }

    #[tokio::test]
    async fn key_set_expires_after_ten_minutes() {
        let server = jwks_server(jwks_response(&json!({"keys": [ne_jwk(&KEY, "k1")]})));
        let verifier = verifier(&server.url);
        let token = id_token(&KEY, header("k1"), good_claims());
        assert!(verifier.verify(&token, t0()).await.is_ok());
        assert!(
            verifier
                .verify(&token, t0() + Duration::minutes(9))
                .await
                .is_ok()
        );
        assert_eq!(server.hits(), 1);
        assert!(
            verifier
                .verify(&token, t0() + Duration::minutes(10))
                .await
                .is_ok()
        );
        assert_eq!(server.hits(), 2);
        // The endpoint breaks: the stale set keeps serving.
        *server.body.lock().unwrap() =
            http_response("500 Internal Server Error", "text/plain", b"oops");
        assert!(
            verifier
                .verify(&token, t0() + Duration::minutes(21))
                .await
                .is_ok()
        );
        assert_eq!(server.hits(), 3);
    }

    #[tokio::test]
    async fn broken_jwks_endpoints_are_errors_not_panics() {
        let token = id_token(&KEY, header("k1"), good_claims());
        let responses = [
            http_response("200 OK", "application/json", b"<html>not json</html>"),
            http_response("200 OK", "application/json", b"{\"nokeys\":1}"),
            http_response("404 Not Found", "text/plain", b"missing"),
            b"garbage, not HTTP at all\r\n\r\n".to_vec(),
        ];
        for response in responses {
            let server = jwks_server(response);
            let result = verifier(&server.url).verify(&token, t0()).await;
            assert!(matches!(result, Err(Auth0Error::Jwks(_))), "{result:?}");
        }
        // Nothing listening.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        drop(listener);
        let verifier = verifier(&url);
        assert!(matches!(
            verifier.verify(&token, t0()).await,
            Err(Auth0Error::Jwks(_))
        ));
        // Keys that do not decode are skipped.
        let server = jwks_server(jwks_response(&json!({"keys": [
            {"kty": "RSA", "kid": "k1", "n": "!!", "e": "AQAB"},
            {"kty": "EC", "kid": "k1"},
            {"kty": "RSA", "kid": "k1", "x5c": ["bm90IGEgY2VydA=="]},
            "junk",
        ]})));
        let result = self::verifier(&server.url).verify(&token, t0()).await;
        assert_eq!(result, Err(Auth0Error::UnknownKey(Some("k1".into()))));
    }

    #[test]
    fn certificate_parser_survives_garbage() {
        for len in 0..64 {
            let junk: Vec<u8> = (0..len).map(|i| (i * 37 + 0x30) as u8).collect();
            assert!(certificate_rsa_key(&junk).is_none());
        }
        assert!(certificate_rsa_key(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
    }
}
