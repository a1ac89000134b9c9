//! Helpers for the Barong surface's tests: form posts with a cookie jar of one, sessions,
//! tokens read from the mail, and the test signing keys.

use crate::{Reply, TestServer};
use reqwest::Method;

pub const PREFIX: &str = "/api/v2/auth";
/// A password Barong accepts (entropy well above 14, every class).
pub const GOOD: &str = "Iequ4geiEWQw";
pub const GOOD2: &str = "Xwqe213PZCXwe";
pub const UA: &str = "gatehouse-tests/1.0";

/// The RSA key (PKCS#1) that signs the Barong surface's JWTs in tests.
pub const JWT_KEY_PEM: &str = include_str!("../fixtures/barong-jwt-test-key.pem");
/// Seals API-key secrets and TOTP keys in tests (32 bytes, base64).
pub const SECRET_ENCRYPTION_KEY: &str = "R2F0ZWhvdXNlIHRlc3Qgc2VhbGluZyBrZXkgMzJCISE=";
/// The fake Auth0 tenant's key (PKCS#8).
pub const AUTH0_KEY_PEM: &str = include_str!("../fixtures/auth0-test-key.pem");

/// A Barong client: the session cookie it was given, and its User-Agent.
#[derive(Clone, Default)]
pub struct Client {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `form` (urlencoded) to `PREFIX + path`; keeps any session cookie it is given.
    pub async fn send(
        &mut self,
        s: &TestServer,
        method: Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> Reply {
        let mut req = s
            .http
            .request(method.clone(), s.url(&format!("{PREFIX}{path}")));
        req = if method == Method::GET || method == Method::DELETE {
            req.query(form)
        } else {
            req.form(form)
        };
        req = req.header(
            "user-agent",
            self.user_agent.clone().unwrap_or_else(|| UA.to_owned()),
        );
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("_barong_session={c}"));
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        let r = Reply::from(req.send().await.unwrap()).await;
        for c in r.set_cookies() {
            if let Some(v) = c.strip_prefix("_barong_session=") {
                let v = v.split(';').next().unwrap_or_default();
                self.cookie = (!v.is_empty()).then(|| v.to_owned());
            }
        }
        if let Some(t) = r.json.get("csrf_token").and_then(|t| t.as_str()) {
            self.csrf = Some(t.to_owned());
        }
        r
    }

    pub async fn post(&mut self, s: &TestServer, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(s, Method::POST, path, form).await
    }

    pub async fn get(&mut self, s: &TestServer, path: &str) -> Reply {
        self.send(s, Method::GET, path, &[]).await
    }

    pub async fn me(&mut self, s: &TestServer) -> Reply {
        self.get(s, "/resource/users/me").await
    }
}

/// Registers `email` with `password`; returns the signed-in client and the reply.
pub async fn register(s: &TestServer, email: &str, password: &str) -> (Client, Reply) {
    let mut c = Client::new();
    let r = c
        .post(
            s,
            "/identity/users",
            &[("email", email), ("password", password)],
        )
        .await;
    (c, r)
}

/// Signs in on the Barong surface.
pub async fn sign_in(s: &TestServer, email: &str, password: &str) -> (Client, Reply) {
    let mut c = Client::new();
    let r = c
        .post(
            s,
            "/identity/sessions",
            &[("email", email), ("password", password)],
        )
        .await;
    (c, r)
}

/// The JWT in the newest mail to `to` after `marker` (e.g. `confirmation_token=`).
pub async fn token_in_mail(s: &TestServer, to: &str, marker: &str) -> Option<String> {
    let mails = s.mails_to(to).await;
    let text = &mails.last()?.text;
    let start = text.find(marker)? + marker.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '%'))
        .collect();
    Some(token)
}

/// The keys of a JSON object, in order.
pub fn keys(v: &serde_json::Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Barong's `{"errors":[...]}` keys of a reply, in order.
pub fn errors(r: &Reply) -> Vec<String> {
    r.json["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The base32 secret of an `otpauth://` URL.
pub fn otp_secret(url: &str) -> String {
    url.split(['?', '&'])
        .find_map(|p| p.strip_prefix("secret="))
        .unwrap_or_default()
        .to_owned()
}

/// RFC 6238 (SHA1, 6 digits, 30 s) computed here, independently of Gatehouse's own TOTP code.
pub fn totp(base32_secret: &str, unix_seconds: i64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut acc, mut key) = (0u32, 0u64, Vec::new());
    for c in base32_secret.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u64;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            key.push((acc >> bits) as u8);
        }
    }
    let step = (unix_seconds / 30) as u64;
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key),
        &step.to_be_bytes(),
    );
    let h = tag.as_ref();
    let o = usize::from(h[19] & 15);
    let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    format!("{:06}", n % 1_000_000)
}

/// Barong's request signature, computed here.
pub fn sign(secret: &str, nonce: &str, kid: &str) -> String {
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes()),
        format!("{nonce}{kid}").as_bytes(),
    );
    tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A code for the next 30-second step of the test clock (each code is accepted once).
pub fn next_code(s: &TestServer, secret: &str) -> String {
    s.clock.advance(chrono::Duration::seconds(30));
    totp(secret, gatehouse::clock::Clock::now(&*s.clock).timestamp())
}

/// Turns 2FA on for the signed-in client; returns the base32 secret.
pub async fn enable_2fa(s: &TestServer, c: &mut Client) -> String {
    let r = c.post(s, "/resource/otp/generate_qrcode", &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let secret = otp_secret(r.json["data"]["url"].as_str().unwrap());
    let code = next_code(s, &secret);
    let r = c.post(s, "/resource/otp/enable", &[("code", &code)]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    secret
}

/// An API key of the client (2FA on): `(kid, secret)`.
pub async fn create_api_key(s: &TestServer, c: &mut Client, otp: &str) -> (String, String) {
    let code = next_code(s, otp);
    let r = c
        .post(
            s,
            "/resource/api_keys",
            &[
                ("algorithm", "HS256"),
                ("scope", "trade"),
                ("totp_code", &code),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.json["kid"].as_str().unwrap().to_owned(),
        r.json["secret"].as_str().unwrap().to_owned(),
    )
}

/// A request signed with an API key (nonce: the test clock's milliseconds unless given).
pub async fn signed(
    s: &TestServer,
    method: Method,
    path: &str,
    kid: &str,
    secret: &str,
    nonce: Option<&str>,
) -> Reply {
    let now = gatehouse::clock::Clock::now(&*s.clock)
        .timestamp_millis()
        .to_string();
    let nonce = nonce.unwrap_or(&now);
    let r = s
        .http
        .request(method, s.url(&format!("{PREFIX}{path}")))
        .header("user-agent", UA)
        .header("x-auth-apikey", kid)
        .header("x-auth-nonce", nonce)
        .header("x-auth-signature", sign(secret, nonce, kid))
        .send()
        .await
        .unwrap();
    Reply::from(r).await
}

/// A registered, signed-in member whose email is confirmed through the mailed link (so
/// `active`): `(client, email)`.
pub async fn confirmed_member(s: &TestServer, prefix: &str) -> (Client, String) {
    let email = crate::unique_email(prefix);
    let (mut c, r) = register(s, &email, GOOD).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = token_in_mail(s, &email, "confirmation_token=")
        .await
        .unwrap();
    let r = c
        .post(
            s,
            "/identity/users/email/confirm_code",
            &[("token", &token)],
        )
        .await;
    assert_eq!(
        (r.status, r.json["state"].as_str()),
        (201, Some("active")),
        "{}",
        r.text
    );
    (c, email)
}
