//! One `Settings` struct, read from `GATEHOUSE_*` environment variables, with local defaults.

use crate::password::Argon2Params;
use chrono::Duration;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Embedded,
    DynamoDb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailerKind {
    Outbox,
    Ses,
}

/// Barong's captcha modes (`BARONG_CAPTCHA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaKind {
    None,
    Recaptcha,
    Geetest,
}

impl CaptchaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Recaptcha => "recaptcha",
            Self::Geetest => "geetest",
        }
    }
}

/// The Barong surface's settings (`GATEHOUSE_BARONG_*`, `GATEHOUSE_CAPTCHA_*`, ...).
#[derive(Debug, Clone)]
pub struct BarongSettings {
    /// The first account registered on an empty deployment becomes superadmin (Coder owner).
    pub first_registration_superadmin: bool,
    /// Idle lifetime of a cookie session, pushed forward on each use (`session_expire_time`).
    pub session_expire_time: Duration,
    /// Lifetime of confirmation and reset tokens (`BARONG_JWT_EXPIRE_TIME`).
    pub jwt_expire_time: Duration,
    /// PEM (or base64 of a PEM) RSA key signing Barong's JWTs; when unset one is generated into
    /// the data dir on first start (local runs).
    pub jwt_private_key: Option<String>,
    pub captcha: CaptchaKind,
    /// Endpoint names (`user_create`, `session_create`, `password_reset`, `email_confirmation`)
    /// whose requests need a captcha.
    pub captcha_endpoints: Vec<String>,
    pub recaptcha_site_key: String,
    pub recaptcha_secret_key: String,
    pub recaptcha_verify_url: String,
    pub geetest_id: String,
    pub geetest_key: String,
    /// `http://api.geetest.com` by default; `/register.php` and `/validate.php` are under it.
    pub geetest_url: String,
    pub auth0_domain: String,
    pub auth0_client_id: String,
    /// `https://<domain>/.well-known/jwks.json` unless set.
    pub auth0_jwks_url: Option<String>,
    /// Origins whose pages may read the Barong surface's answers (`*`: any).
    pub cors_origins: Vec<String>,
    /// Whether they may send cookies along (only for origins named explicitly).
    pub cors_allow_credentials: bool,
    /// 32 bytes (base64) sealing API-key secrets and TOTP keys at rest; when unset, the
    /// embedded store generates one into its database (local runs).
    pub secret_encryption_key: Option<String>,
    /// How far a signed request's nonce (ms) may be from now (`BARONG_APIKEY_NONCE_LIFETIME`).
    pub apikey_nonce_lifetime: Duration,
    /// Titles allowed in `data_storage` (`user_storage_titles`; none by default, as Barong).
    pub storage_titles: Vec<String>,
    /// The issuer shown in authenticator apps (`BARONG_APP_NAME`).
    pub app_name: String,
    /// Barong's authz rules (`config/authz_rules.yml` and its `permissions` table):
    /// `GATEHOUSE_AUTHZ_PASS`, `GATEHOUSE_AUTHZ_BLOCK` and `GATEHOUSE_AUTHZ_PERMISSIONS`; see
    /// [`crate::auth::barong::authorize`] for the formats and the defaults.
    pub authz: crate::auth::barong::authorize::AuthzRules,
}

impl Default for BarongSettings {
    fn default() -> Self {
        Self {
            first_registration_superadmin: true,
            session_expire_time: Duration::seconds(1800),
            jwt_expire_time: Duration::seconds(3600),
            jwt_private_key: None,
            captcha: CaptchaKind::None,
            captcha_endpoints: [
                "user_create",
                "session_create",
                "password_reset",
                "email_confirmation",
            ]
            .map(str::to_owned)
            .to_vec(),
            recaptcha_site_key: String::new(),
            recaptcha_secret_key: String::new(),
            recaptcha_verify_url: "https://www.google.com/recaptcha/api/siteverify".to_owned(),
            geetest_id: String::new(),
            geetest_key: String::new(),
            geetest_url: "http://api.geetest.com".to_owned(),
            auth0_domain: String::new(),
            auth0_client_id: String::new(),
            auth0_jwks_url: None,
            cors_origins: vec!["*".to_owned()],
            cors_allow_credentials: false,
            secret_encryption_key: None,
            apikey_nonce_lifetime: Duration::milliseconds(5000),
            storage_titles: Vec::new(),
            app_name: "Barong".to_owned(),
            authz: crate::auth::barong::authorize::AuthzRules::default(),
        }
    }
}

/// A Barong key a function cannot work without in AWS.
#[derive(Debug, Clone, Copy)]
pub enum RequiredKey {
    /// `GATEHOUSE_JWT_PRIVATE_KEY` (SAM parameter `JwtPrivateKey`).
    JwtPrivateKey,
    /// `GATEHOUSE_SECRET_ENCRYPTION_KEY` (SAM parameter `SecretEncryptionKey`).
    SecretEncryptionKey,
}

impl BarongSettings {
    /// With the DynamoDB store (AWS), the first of `keys` that is not configured: a function
    /// refuses to start without it rather than fail every request that needs it. The embedded
    /// store generates missing keys into the data dir.
    pub fn missing(&self, store: StoreKind, keys: &[RequiredKey]) -> Option<&'static str> {
        if store != StoreKind::DynamoDb {
            return None;
        }
        keys.iter().find_map(|key| match key {
            RequiredKey::JwtPrivateKey if self.jwt_private_key.is_none() => Some(
                "GATEHOUSE_JWT_PRIVATE_KEY is required with the DynamoDB store (SAM parameter JwtPrivateKey)",
            ),
            RequiredKey::SecretEncryptionKey if self.secret_encryption_key.is_none() => Some(
                "GATEHOUSE_SECRET_ENCRYPTION_KEY is required with the DynamoDB store (SAM parameter SecretEncryptionKey)",
            ),
            _ => None,
        })
    }

    pub fn auth0_jwks_url(&self) -> String {
        self.auth0_jwks_url
            .clone()
            .unwrap_or_else(|| format!("https://{}/.well-known/jwks.json", self.auth0_domain))
    }

    pub fn captcha_protects(&self, endpoint: &str) -> bool {
        self.captcha != CaptchaKind::None && self.captcha_endpoints.iter().any(|e| e == endpoint)
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub store: StoreKind,
    pub table: String,
    pub mailer: MailerKind,
    pub mail_from: String,
    /// Public URL of the deployment (`GATEHOUSE_BASE_URL`); links in emails are built from it,
    /// and an `https` URL marks auth cookies `Secure`. When unset, each request tells it (see
    /// [`crate::http::public_url`]).
    pub base_url: Option<String>,
    pub session_lifetime: Duration,
    /// However often it is used, no session or token outlives its creation by more than this
    /// (or by its own lifetime, when that was longer).
    pub session_max_lifetime: Duration,
    /// When set, `POST /users/first` needs it (`Coder-Setup-Secret` header), so a fresh
    /// deployment is not open to whoever calls first.
    pub setup_secret: Option<String>,
    /// Password-reset mails one account may receive per hour; requests beyond it are answered
    /// the same way and send nothing.
    pub otp_mails_per_hour: u32,
    pub otp_validity: Duration,
    pub convert_state_validity: Duration,
    /// Requests per minute per client address per endpoint on the login group; 0 turns it off.
    pub login_rate_limit: u32,
    /// Minimum response time of `otp/request`, so mailing a known address takes no longer than
    /// ignoring an unknown one.
    pub otp_request_floor: std::time::Duration,
    pub password_auth_disabled: bool,
    pub session_refresh_disabled: bool,
    pub argon2: Argon2Params,
    pub barong: BarongSettings,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {name}={value:?}: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./.gatehouse"),
            store: StoreKind::Embedded,
            table: "gatehouse".to_owned(),
            mailer: MailerKind::Outbox,
            mail_from: "gatehouse@localhost".to_owned(),
            base_url: None,
            session_lifetime: Duration::hours(24),
            session_max_lifetime: Duration::days(7),
            setup_secret: None,
            otp_mails_per_hour: 3,
            otp_validity: Duration::minutes(20),
            convert_state_validity: Duration::minutes(5),
            login_rate_limit: 60,
            // `cargo bench -p gatehouse-tests --bench otp_floor`: a known address took 78 ms p50,
            // 96 ms p99 and 179 ms at most on DynamoDB + SES (moto); an unknown one 49 ms p50.
            // About twice the slowest known answer seen, for SES's longer tail in AWS.
            otp_request_floor: std::time::Duration::from_millis(400),
            password_auth_disabled: false,
            session_refresh_disabled: false,
            argon2: Argon2Params::default(),
            barong: BarongSettings::default(),
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut s = Self::default();
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("GATEHOUSE_LISTEN") {
            s.listen = v
                .parse()
                .map_err(|_| bad("GATEHOUSE_LISTEN", &v, "expected host:port"))?;
        }
        if let Some(v) = get("GATEHOUSE_DATA_DIR") {
            s.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("GATEHOUSE_STORE") {
            s.store = match v.as_str() {
                "embedded" => StoreKind::Embedded,
                "dynamodb" => StoreKind::DynamoDb,
                _ => return Err(bad("GATEHOUSE_STORE", &v, "expected embedded or dynamodb")),
            };
        }
        if let Some(v) = get("GATEHOUSE_TABLE") {
            s.table = v;
        }
        if let Some(v) = get("GATEHOUSE_MAILER") {
            s.mailer = match v.as_str() {
                "outbox" => MailerKind::Outbox,
                "ses" => MailerKind::Ses,
                _ => return Err(bad("GATEHOUSE_MAILER", &v, "expected outbox or ses")),
            };
        }
        if let Some(v) = get("GATEHOUSE_MAIL_FROM") {
            s.mail_from = v;
        }
        if let Some(v) = get("GATEHOUSE_BASE_URL") {
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(bad("GATEHOUSE_BASE_URL", &v, "expected an http(s) URL"));
            }
            s.base_url = Some(v.trim_end_matches('/').to_owned());
        }
        if let Some(v) = get("GATEHOUSE_SESSION_DURATION_SECONDS") {
            s.session_lifetime =
                Duration::seconds(positive("GATEHOUSE_SESSION_DURATION_SECONDS", &v)?);
        }
        if let Some(v) = get("GATEHOUSE_SESSION_MAX_LIFETIME_SECONDS") {
            s.session_max_lifetime =
                Duration::seconds(positive("GATEHOUSE_SESSION_MAX_LIFETIME_SECONDS", &v)?);
        }
        if let Some(v) = get("GATEHOUSE_SETUP_SECRET") {
            s.setup_secret = Some(v);
        }
        if let Some(v) = get("GATEHOUSE_OTP_MAILS_PER_HOUR") {
            s.otp_mails_per_hour = u32_in("GATEHOUSE_OTP_MAILS_PER_HOUR", &v, 1..=1000)?;
        }
        if let Some(v) = get("GATEHOUSE_LOGIN_RATE_LIMIT") {
            // 0 turns the limit off (Coder's `--login-rate-limit=-1`), e.g. for load tests.
            s.login_rate_limit = v
                .parse::<u32>()
                .map_err(|_| bad("GATEHOUSE_LOGIN_RATE_LIMIT", &v, "expected a whole number"))?;
        }
        if let Some(v) = get("GATEHOUSE_OTP_REQUEST_FLOOR_MS") {
            let ms = v.parse::<u64>().map_err(|_| {
                bad(
                    "GATEHOUSE_OTP_REQUEST_FLOOR_MS",
                    &v,
                    "expected milliseconds",
                )
            })?;
            s.otp_request_floor = std::time::Duration::from_millis(ms);
        }
        if let Some(v) = get("GATEHOUSE_DISABLE_PASSWORD_AUTH") {
            s.password_auth_disabled = flag("GATEHOUSE_DISABLE_PASSWORD_AUTH", &v)?;
        }
        if let Some(v) = get("GATEHOUSE_DISABLE_SESSION_EXPIRY_REFRESH") {
            s.session_refresh_disabled = flag("GATEHOUSE_DISABLE_SESSION_EXPIRY_REFRESH", &v)?;
        }
        if let Some(v) = get("GATEHOUSE_ARGON2_MEMORY_KIB") {
            s.argon2.memory_kib = u32_in("GATEHOUSE_ARGON2_MEMORY_KIB", &v, 8..=1_048_576)?;
        }
        if let Some(v) = get("GATEHOUSE_ARGON2_ITERATIONS") {
            s.argon2.iterations = u32_in("GATEHOUSE_ARGON2_ITERATIONS", &v, 1..=64)?;
        }
        read_barong(&mut s.barong, &lookup)?;
        Ok(s)
    }
}

fn read_barong(
    b: &mut BarongSettings,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    if let Some(v) = get("GATEHOUSE_BARONG_FIRST_REGISTRATION_SUPERADMIN") {
        b.first_registration_superadmin =
            flag("GATEHOUSE_BARONG_FIRST_REGISTRATION_SUPERADMIN", &v)?;
    }
    if let Some(v) = get("GATEHOUSE_BARONG_SESSION_EXPIRE_SECONDS") {
        b.session_expire_time =
            Duration::seconds(positive("GATEHOUSE_BARONG_SESSION_EXPIRE_SECONDS", &v)?);
    }
    if let Some(v) = get("GATEHOUSE_BARONG_JWT_EXPIRE_SECONDS") {
        b.jwt_expire_time = Duration::seconds(positive("GATEHOUSE_BARONG_JWT_EXPIRE_SECONDS", &v)?);
    }
    b.jwt_private_key = get("GATEHOUSE_JWT_PRIVATE_KEY");
    if let Some(v) = get("GATEHOUSE_CAPTCHA") {
        b.captcha = match v.as_str() {
            "none" => CaptchaKind::None,
            "recaptcha" => CaptchaKind::Recaptcha,
            "geetest" => CaptchaKind::Geetest,
            _ => {
                return Err(bad(
                    "GATEHOUSE_CAPTCHA",
                    &v,
                    "expected none, recaptcha or geetest",
                ));
            }
        };
    }
    // Set but empty: no endpoint needs a captcha.
    if let Some(v) = lookup("GATEHOUSE_CAPTCHA_ENDPOINTS") {
        b.captcha_endpoints = v
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect();
    }
    let text = |name: &str, into: &mut String| {
        if let Some(v) = get(name) {
            *into = v;
        }
    };
    text("GATEHOUSE_RECAPTCHA_SITE_KEY", &mut b.recaptcha_site_key);
    text(
        "GATEHOUSE_RECAPTCHA_SECRET_KEY",
        &mut b.recaptcha_secret_key,
    );
    text(
        "GATEHOUSE_RECAPTCHA_VERIFY_URL",
        &mut b.recaptcha_verify_url,
    );
    text("GATEHOUSE_GEETEST_ID", &mut b.geetest_id);
    text("GATEHOUSE_GEETEST_KEY", &mut b.geetest_key);
    text("GATEHOUSE_GEETEST_URL", &mut b.geetest_url);
    text("GATEHOUSE_AUTH0_DOMAIN", &mut b.auth0_domain);
    text("GATEHOUSE_AUTH0_CLIENT_ID", &mut b.auth0_client_id);
    b.auth0_jwks_url = get("GATEHOUSE_AUTH0_JWKS_URL");
    b.secret_encryption_key = get("GATEHOUSE_SECRET_ENCRYPTION_KEY");
    if let Some(v) = get("GATEHOUSE_APIKEY_NONCE_LIFETIME_MS") {
        b.apikey_nonce_lifetime =
            Duration::milliseconds(positive("GATEHOUSE_APIKEY_NONCE_LIFETIME_MS", &v)?);
    }
    if let Some(v) = lookup("GATEHOUSE_STORAGE_TITLES") {
        b.storage_titles = v
            .split(',')
            // As given: Barong's inclusion check is case-sensitive.
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
    }
    text("GATEHOUSE_APP_NAME", &mut b.app_name);
    if let Some(v) = get("GATEHOUSE_CORS_ORIGINS") {
        b.cors_origins = v.split(',').map(|o| o.trim().to_owned()).collect();
    }
    if let Some(v) = get("GATEHOUSE_CORS_ALLOW_CREDENTIALS") {
        b.cors_allow_credentials = flag("GATEHOUSE_CORS_ALLOW_CREDENTIALS", &v)?;
    }
    read_authz(&mut b.authz, &get)?;
    Ok(())
}

/// Barong's authz rules; unset or blank keeps the defaults (`none` means an empty list).
fn read_authz(
    rules: &mut crate::auth::barong::authorize::AuthzRules,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    use crate::auth::barong::authorize::{
        DEFAULT_BLOCK, DEFAULT_PASS, RuleError, parse_permissions, parse_prefixes,
    };
    let invalid = |name: &'static str| move |e: RuleError| bad(name, &e.entry, e.reason);
    if let Some(v) = get("GATEHOUSE_AUTHZ_PASS") {
        rules.pass = parse_prefixes(&v, DEFAULT_PASS).map_err(invalid("GATEHOUSE_AUTHZ_PASS"))?;
    }
    if let Some(v) = get("GATEHOUSE_AUTHZ_BLOCK") {
        rules.block =
            parse_prefixes(&v, DEFAULT_BLOCK).map_err(invalid("GATEHOUSE_AUTHZ_BLOCK"))?;
    }
    if let Some(v) = get("GATEHOUSE_AUTHZ_PERMISSIONS") {
        rules.permissions =
            parse_permissions(&v).map_err(invalid("GATEHOUSE_AUTHZ_PERMISSIONS"))?;
    }
    Ok(())
}

fn bad(name: &'static str, value: &str, reason: &'static str) -> ConfigError {
    ConfigError {
        name,
        value: value.to_owned(),
        reason,
    }
}

fn positive(name: &'static str, v: &str) -> Result<i64, ConfigError> {
    match v.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(bad(name, v, "expected a positive whole number")),
    }
}

fn u32_in(
    name: &'static str,
    v: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ConfigError> {
    match v.parse::<u32>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(bad(name, v, "out of range")),
    }
}

fn flag(name: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(bad(name, v, "expected true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_readme() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.store, StoreKind::Embedded);
        assert_eq!(s.mailer, MailerKind::Outbox);
        assert_eq!(s.base_url, None);
    }

    #[test]
    fn storage_titles_keep_their_case() {
        let lookup =
            |n: &str| (n == "GATEHOUSE_STORAGE_TITLES").then(|| " personal, Company ,,".to_owned());
        assert_eq!(
            Settings::from_lookup(lookup).unwrap().barong.storage_titles,
            ["personal", "Company"]
        );
    }

    #[test]
    fn login_rate_limit_can_be_turned_off() {
        let lookup = |value: &'static str| {
            move |n: &str| (n == "GATEHOUSE_LOGIN_RATE_LIMIT").then(|| value.to_owned())
        };
        assert_eq!(
            Settings::from_lookup(lookup("0")).unwrap().login_rate_limit,
            0
        );
        assert!(Settings::from_lookup(lookup("-1")).is_err());
    }

    #[test]
    fn authz_rules_from_env() {
        let from = |name: &'static str, value: &'static str| {
            Settings::from_lookup(move |n| (n == name).then(|| value.to_owned()))
        };
        let defaults = Settings::from_lookup(|_| None).unwrap().barong.authz;
        assert_eq!(defaults, Default::default());
        let s = from("GATEHOUSE_AUTHZ_PASS", " ").unwrap();
        assert_eq!(s.barong.authz, defaults, "blank keeps the defaults");
        let s = from("GATEHOUSE_AUTHZ_PASS", "none").unwrap();
        assert!(s.barong.authz.pass.is_empty());
        let s = from("GATEHOUSE_AUTHZ_BLOCK", "defaults,/api/v2/x").unwrap();
        assert_eq!(
            s.barong.authz.block.last().map(String::as_str),
            Some("api/v2/x")
        );
        let s = from(
            "GATEHOUSE_AUTHZ_PERMISSIONS",
            "defaults; superadmin get api/v2/admin/users/list accept",
        )
        .unwrap();
        assert_eq!(
            s.barong.authz.permissions.len(),
            defaults.permissions.len() + 1
        );
        let e = from("GATEHOUSE_AUTHZ_PERMISSIONS", "member GET api/v2/x MAYBE").unwrap_err();
        assert_eq!(
            (e.name, e.value.as_str()),
            ("GATEHOUSE_AUTHZ_PERMISSIONS", "member GET api/v2/x MAYBE")
        );
        assert!(from("GATEHOUSE_AUTHZ_BLOCK", "a,/").is_err());
    }

    #[test]
    fn rejects_unknown_store() {
        let err =
            Settings::from_lookup(|n| (n == "GATEHOUSE_STORE").then(|| "postgres".to_owned()));
        assert!(err.is_err());
    }
}
