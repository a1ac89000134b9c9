//! What every handler gets: settings, store, mailer, clock and the password hasher.

use crate::clock::{Clock, SystemClock};
use crate::config::{MailerKind, Settings, StoreKind};
use crate::mail::{MailError, Mailer, Message, OutboxMailer, SesMailer};
use crate::password::PasswordHasher;
use crate::store::{DynamoStore, Store, StoreError};
use async_trait::async_trait;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
}

/// Whether an endpoint group sends mail. A group that never does builds no mail client at
/// start-up (in Lambda, init time is billed and waited for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mail {
    Sends,
    Never,
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
        Self {
            settings: Arc::new(settings),
            store,
            mailer,
            clock,
            hasher,
        }
    }

    /// Builds the store and (when the group sends mail) the mailer the settings name, on the
    /// system clock. The AWS configuration is loaded once, and only when a client needs it.
    pub async fn from_settings(settings: Settings, mail: Mail) -> Result<Self, StoreError> {
        let ses = mail == Mail::Sends && settings.mailer == MailerKind::Ses;
        let aws = if settings.store == StoreKind::DynamoDb || ses {
            Some(aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await)
        } else {
            None
        };
        let store: Arc<dyn Store> = match (settings.store, &aws) {
            (StoreKind::DynamoDb, Some(aws)) => {
                Arc::new(DynamoStore::from_config(aws, settings.table.clone()))
            }
            _ => embedded_store(&settings)?,
        };
        let mailer: Arc<dyn Mailer> = match (mail, settings.mailer, &aws) {
            (Mail::Never, _, _) => Arc::new(NoMail),
            (Mail::Sends, MailerKind::Ses, Some(aws)) => {
                Arc::new(SesMailer::from_config(aws, settings.mail_from.clone()))
            }
            _ => Arc::new(OutboxMailer::new(settings.data_dir.join("outbox"))),
        };
        Ok(Self::new(settings, store, mailer, Arc::new(SystemClock)))
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
