//! What every handler gets: settings, store, mailer, clock and the password hasher.

use crate::auth::barong::restrictions::RestrictionCache;
use crate::clock::{Clock, SystemClock};
use crate::config::{MailerKind, Settings, StoreKind};
use crate::jwt::{Auth0Verifier, SigningKey};
use crate::mail::{MailError, Mailer, Message, OutboxMailer, SesMailer};
use crate::password::PasswordHasher;
use crate::seal::SealingKey;
use crate::store::{DynamoStore, Store, StoreError};
use async_trait::async_trait;
use std::sync::Arc;

/// Cloned for every request by each layer and extractor that takes it, so it is one shared
/// pointer: a clone is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

#[derive(Clone)]
pub struct AppStateParts {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    /// Loaded on first use: only the Barong groups sign JWTs, and a group that never does
    /// should not pay for it at cold start.
    pub barong_jwt_key: Arc<tokio::sync::OnceCell<Arc<SigningKey>>>,
    pub auth0: Arc<std::sync::OnceLock<Auth0Verifier>>,
    /// The Barong restrictions this process last read.
    pub restrictions: Arc<RestrictionCache>,
    /// Loaded on first use, like the JWT key.
    pub sealing_key: Arc<tokio::sync::OnceCell<Arc<SealingKey>>>,
}

/// The mailer of a group that sends no mail: a send is a programming error, reported as one.
struct NoMail;

#[async_trait]
impl Mailer for NoMail {
    async fn send(&self, _message: &Message) -> Result<(), MailError> {
        Err(MailError::NotConfigured)
    }
}

impl AppState {
    pub fn new(
        settings: Settings,
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let hasher = PasswordHasher::new(settings.argon2);
        Self(Arc::new(AppStateParts {
            settings: Arc::new(settings),
            store,
            mailer,
            clock,
            hasher,
            barong_jwt_key: Arc::default(),
            auth0: Arc::default(),
            restrictions: Arc::default(),
            sealing_key: Arc::default(),
        }))
    }

    /// The same state with other settings (the password hasher and loaded keys stay).
    pub fn with_settings(&self, settings: Settings) -> Self {
        Self(Arc::new(AppStateParts {
            settings: Arc::new(settings),
            ..AppStateParts::clone(&self.0)
        }))
    }

    /// The same state on another clock.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Self(Arc::new(AppStateParts {
            clock,
            ..AppStateParts::clone(&self.0)
        }))
    }

    /// The RSA key that signs Barong's JWTs: the configured one; else, on the embedded store
    /// only, one generated into the data dir (shared by every process on it). In AWS the key is
    /// configuration (`GATEHOUSE_JWT_PRIVATE_KEY`): a key generated into the table would let
    /// anyone who can read the table mint reset links.
    pub async fn barong_jwt_key(&self) -> Result<Arc<SigningKey>, crate::Error> {
        self.barong_jwt_key
            .get_or_try_init(|| async {
                let key = match &self.settings.barong.jwt_private_key {
                    Some(pem) => SigningKey::from_pem(pem),
                    #[cfg(feature = "embedded")]
                    None if self.settings.store == StoreKind::Embedded => {
                        let dir = self.settings.data_dir.clone();
                        tokio::task::spawn_blocking(move || SigningKey::load_or_generate(&dir))
                            .await
                            .map_err(|e| crate::Error::Internal(format!("JWT signing key: {e}")))?
                    }
                    None => {
                        return Err(crate::Error::Internal(
                            "GATEHOUSE_JWT_PRIVATE_KEY is not set".to_owned(),
                        ));
                    }
                };
                key.map(Arc::new)
                    .map_err(|e| crate::Error::Internal(format!("JWT signing key: {e}")))
            })
            .await
            .cloned()
    }

    /// The key sealing API-key secrets and TOTP keys: the configured one; else, on the embedded
    /// store only, one generated once into the database. In AWS it is configuration
    /// (`GATEHOUSE_SECRET_ENCRYPTION_KEY`): a key kept in the table would protect nothing.
    pub async fn sealing_key(&self) -> Result<Arc<SealingKey>, crate::Error> {
        self.sealing_key
            .get_or_try_init(|| async {
                let key = match &self.settings.barong.secret_encryption_key {
                    Some(text) => SealingKey::from_base64(text),
                    None if self.settings.store == StoreKind::Embedded => {
                        let candidate = SealingKey::random_key_bytes()
                            .map_err(|e| crate::Error::Internal(e.to_string()))?;
                        let bytes = self
                            .store
                            .get_or_create_secret("secret-encryption-key", &candidate)
                            .await?;
                        SealingKey::from_bytes(&bytes)
                    }
                    None => {
                        return Err(crate::Error::Internal(
                            "GATEHOUSE_SECRET_ENCRYPTION_KEY is not set".to_owned(),
                        ));
                    }
                };
                key.map(Arc::new)
                    .map_err(|e| crate::Error::Internal(format!("secret encryption key: {e}")))
            })
            .await
            .cloned()
    }

    /// Checks Auth0 `id_token`s against the configured domain (built on first use).
    pub fn auth0_verifier(&self) -> &Auth0Verifier {
        self.auth0.get_or_init(|| {
            let b = &self.settings.barong;
            Auth0Verifier::new(
                format!("https://{}/", b.auth0_domain),
                b.auth0_client_id.clone(),
                b.auth0_jwks_url(),
            )
        })
    }

    /// For a group that sends mail: the store and the mailer the settings name, on the system
    /// clock. The AWS configuration is loaded once, and only when a client needs it.
    pub async fn with_mail(settings: Settings) -> Result<Self, StoreError> {
        let aws = aws_config_if(
            settings.store == StoreKind::DynamoDb || settings.mailer == MailerKind::Ses,
        )
        .await;
        let mailer: Arc<dyn Mailer> = match &aws {
            Some(aws) if settings.mailer == MailerKind::Ses => {
                Arc::new(SesMailer::from_config(aws, settings.mail_from.clone()))
            }
            _ => Arc::new(OutboxMailer::new(settings.data_dir.join("outbox"))),
        };
        let store = store(&settings, aws.as_ref())?;
        Ok(Self::new(settings, store, mailer, Arc::new(SystemClock)))
    }

    /// For a group that never sends mail: no mail client is built, or linked into its binary
    /// (in Lambda, init time is billed and waited for, and the binary is loaded at each cold start).
    pub async fn without_mail(settings: Settings) -> Result<Self, StoreError> {
        let aws = aws_config_if(settings.store == StoreKind::DynamoDb).await;
        let store = store(&settings, aws.as_ref())?;
        Ok(Self::new(
            settings,
            store,
            Arc::new(NoMail),
            Arc::new(SystemClock),
        ))
    }
}

async fn aws_config_if(needed: bool) -> Option<aws_config::SdkConfig> {
    if needed {
        Some(crate::aws::load_config().await)
    } else {
        None
    }
}

fn store(
    settings: &Settings,
    aws: Option<&aws_config::SdkConfig>,
) -> Result<Arc<dyn Store>, StoreError> {
    match aws {
        Some(aws) if settings.store == StoreKind::DynamoDb => Ok(Arc::new(
            DynamoStore::from_config(aws, settings.table.clone()),
        )),
        _ => embedded_store(settings),
    }
}

#[cfg(feature = "embedded")]
fn embedded_store(settings: &Settings) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(crate::store::EmbeddedStore::open(
        &settings.data_dir,
    )?))
}

#[cfg(not(feature = "embedded"))]
fn embedded_store(_settings: &Settings) -> Result<Arc<dyn Store>, StoreError> {
    Err(StoreError::Backend(
        "this build has no embedded store (cargo feature `embedded`); set GATEHOUSE_STORE=dynamodb"
            .to_owned(),
    ))
}
