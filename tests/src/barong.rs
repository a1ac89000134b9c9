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
