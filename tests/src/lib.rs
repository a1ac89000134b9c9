//! Test harness: a real HTTP server per test on either store, and the mail it sent.
//!
//! - `Backend::Embedded`: SQLite in a temp dir, outbox mailer.
//! - `Backend::Moto`: DynamoDB and SES on `moto_server` (`GATEHOUSE_TEST_MOTO_URL`, or a
//!   `moto_server` started here from the repo's `.venv`), a fresh table per test created from
//!   `template.yaml`, mail read back from moto's `/moto-api/data.json`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]
// A moto_server started here lives as long as the test process that shares it.
#![allow(clippy::zombie_processes, clippy::field_reassign_with_default)]

pub mod barong;
pub mod moto;

use gatehouse::AppState;
use gatehouse::clock::ManualClock;
use gatehouse::config::{MailerKind, Settings, StoreKind};
use gatehouse::mail::{Mailer, Message, OutboxMailer, SesMailer};
use gatehouse::password::Argon2Params;
use gatehouse::store::{DynamoStore, EmbeddedStore, Store};
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Embedded,
    Moto,
}

pub const SENDER: &str = "gatehouse@example.com";
pub const STRONG: &str = "SomeSecurePassword!";
pub const STRONG2: &str = "SomeNewSecurePassword!";

/// Settings for tests: real argon2id at small cost, no response floor.
pub fn test_settings() -> Settings {
    let mut s = Settings::default();
    s.argon2 = Argon2Params {
        memory_kib: 1024,
        iterations: 1,
        lanes: 1,
    };
    s.otp_request_floor = std::time::Duration::ZERO;
    s.base_url = Some("https://gatehouse.test".to_owned());
    // A fixed key: generating RSA keys per test would dominate the run.
    s.barong.jwt_private_key = Some(barong::JWT_KEY_PEM.to_owned());
    // As in AWS, where the key is configuration (the embedded store would make one itself).
    s.barong.secret_encryption_key = Some(barong::SECRET_ENCRYPTION_KEY.to_owned());
    // Barong's own specs assume this off unless a test says otherwise.
    s.barong.first_registration_superadmin = false;
    s
}

/// A store and mailer on `backend`, fresh for this test.
pub async fn parts(
    backend: Backend,
    settings: &mut Settings,
) -> (Arc<dyn Store>, Arc<dyn Mailer>, Option<tempfile::TempDir>) {
    match backend {
        Backend::Embedded => {
            let dir = tempfile::tempdir().unwrap();
            settings.store = StoreKind::Embedded;
            settings.mailer = MailerKind::Outbox;
            settings.data_dir = dir.path().to_path_buf();
            let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
            let mailer = Arc::new(OutboxMailer::new(dir.path().join("outbox")));
            (store, mailer, Some(dir))
        }
        Backend::Moto => {
            let moto = moto::Moto::get().await;
            let table = moto.create_table_from_template().await;
            settings.store = StoreKind::DynamoDb;
            settings.mailer = MailerKind::Ses;
            settings.table = table.clone();
            let store = Arc::new(DynamoStore::new(moto.dynamodb(), table));
            let mailer = Arc::new(SesMailer::new(moto.ses(), SENDER));
            (store, mailer, None)
        }
    }
}

pub struct TestServer {
    pub backend: Backend,
    pub url: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = test_settings();
        configure(&mut settings);
        let (store, mailer, dir) = parts(backend, &mut settings).await;
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let state = AppState::new(settings, store, mailer, clock.clone());
        Self::serve(backend, state, clock, dir).await
    }

    /// Serves `state` (built by the caller, e.g. on a store that fails) on a fresh port.
    pub async fn serve(
        backend: Backend,
        state: AppState,
        clock: Arc<ManualClock>,
        dir: Option<tempfile::TempDir>,
    ) -> Self {
        let app = gatehouse_local::app(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            backend,
            url: format!("http://{addr}"),
            http,
            clock,
            state,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn get(&self, path: &str) -> Reply {
        Reply::from(self.http.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> Reply {
        Reply::from(
            self.http
                .post(self.url(path))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// A request carrying `token` in the `Coder-Session-Token` header, with an optional JSON body.
    pub async fn send_with_token(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method, self.url(path))
            .header("Coder-Session-Token", token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    pub async fn post_with_token(&self, path: &str, token: &str, body: serde_json::Value) -> Reply {
        self.send_with_token(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> Reply {
        self.send_with_token(reqwest::Method::GET, path, token, None)
            .await
    }

    pub async fn put_with_token(&self, path: &str, token: &str) -> Reply {
        self.send_with_token(reqwest::Method::PUT, path, token, None)
            .await
    }

    pub async fn put_json_with_token(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> Reply {
        self.send_with_token(reqwest::Method::PUT, path, token, Some(body))
            .await
    }

    pub async fn delete_with_token(&self, path: &str, token: &str) -> Reply {
        self.send_with_token(reqwest::Method::DELETE, path, token, None)
            .await
    }

    /// Creates the first user (owner) and returns (token, user id, organization id).
    pub async fn owner(&self) -> (String, String, String) {
        let email = unique_email("owner");
        let r = self
            .post("/api/v2/users/first", serde_json::json!({"email": email, "username": unique_username("owner"), "password": STRONG}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let token = self.login(&email, STRONG).await;
        (
            token,
            r.json["user_id"].as_str().unwrap().to_owned(),
            r.json["organization_id"].as_str().unwrap().to_owned(),
        )
    }

    /// Creates a user through the API as `admin_token`; returns (email, id).
    pub async fn user(&self, admin_token: &str, org: &str, password: &str) -> (String, String) {
        let email = unique_email("user");
        let r = self
            .post_with_token(
                "/api/v2/users",
                admin_token,
                serde_json::json!({"email": email, "username": unique_username("user"), "password": password, "organization_ids": [org]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        (email, r.json["id"].as_str().unwrap().to_owned())
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/v2/users/login",
                serde_json::json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json["session_token"].as_str().unwrap().to_owned()
    }

    /// Every message sent to `to`, oldest first.
    pub async fn mails_to(&self, to: &str) -> Vec<Message> {
        match self.backend {
            Backend::Embedded => {
                let dir = self.state.settings.data_dir.join("outbox");
                let mut found: Vec<(std::time::SystemTime, Message)> = Vec::new();
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for e in entries.flatten() {
                        if e.path().extension().is_some_and(|x| x == "json") {
                            let m: Message =
                                serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
                            let at = e.metadata().unwrap().modified().unwrap();
                            if m.to.iter().any(|t| t == to) {
                                found.push((at, m));
                            }
                        }
                    }
                }
                found.sort_by_key(|(at, _)| *at);
                found.into_iter().map(|(_, m)| m).collect()
            }
            Backend::Moto => moto::Moto::get().await.sent_to(to).await,
        }
    }
}

pub fn unique_email(prefix: &str) -> String {
    format!(
        "{prefix}-{}@example.com",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

pub fn unique_username(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: serde_json::Value,
}

impl Reply {
    pub async fn from(r: reqwest::Response) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Self {
            status,
            headers,
            text,
            json,
        }
    }

    pub fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or("")
    }

    pub fn detail(&self) -> &str {
        self.json["detail"].as_str().unwrap_or("")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

/// Runs a test body against both stores: `both_stores!(name, body_fn)` makes `name::embedded`
/// and `name::dynamodb_moto`.
#[macro_export]
macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn embedded() {
                    super::$name($crate::Backend::Embedded).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn dynamodb_moto() {
                    super::$name($crate::Backend::Moto).await
                }
            }
        )*
    };
}

/// Appends `role` to user `id` with one revision-checked update, reading again and retrying while
/// other writers (other processes, too) keep winning the race, as a client would retry a 409.
pub async fn append_role_until_committed(
    store: &dyn gatehouse::store::Store,
    id: uuid::Uuid,
    role: &str,
) {
    loop {
        let user = store.user_by_id(id).await.unwrap().expect("user exists");
        match gatehouse::store::update_user_with(store, user, |u| {
            u.roles.push(role.to_owned());
            Ok::<(), gatehouse::store::StoreError>(())
        })
        .await
        {
            Ok(_) => return,
            Err(gatehouse::store::StoreError::Conflict) => continue,
            Err(e) => panic!("write failed: {e}"),
        }
    }
}

/// A session key for `user` as the store keeps it (secret "secret"), valid for `expires_in`.
pub fn session_key(
    user: &gatehouse::model::User,
    expires_in: chrono::Duration,
) -> gatehouse::model::ApiKey {
    let now = chrono::Utc::now();
    gatehouse::model::ApiKey {
        id: gatehouse::token::random_alphanumeric(10),
        hashed_secret: gatehouse::token::SecretHash::of("secret"),
        user_id: user.id,
        user_generation: user.session_generation,
        login_type: gatehouse::model::LoginType::Password,
        created_at: now,
        updated_at: now,
        last_used: now,
        expires_at: now + expires_in,
        lifetime_seconds: 86400,
        ip_address: "127.0.0.1".into(),
        token_name: String::new(),
        scopes: Vec::new(),
        allow_list: vec![gatehouse::model::AllowListEntry::everything()],
    }
}
