//! What every handler gets: settings, store, mailer, clock and the password hasher.

use crate::clock::{Clock, SystemClock};
use crate::config::{MailerKind, Settings, StoreKind};
use crate::mail::{Mailer, OutboxMailer, SesMailer};
use crate::password::PasswordHasher;
use crate::store::{DynamoStore, EmbeddedStore, Store, StoreError};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
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

    /// Builds the store and mailer the settings name, on the system clock.
    pub async fn from_settings(settings: Settings) -> Result<Self, StoreError> {
        let store: Arc<dyn Store> = match settings.store {
            StoreKind::Embedded => Arc::new(EmbeddedStore::open(&settings.data_dir)?),
            StoreKind::DynamoDb => Arc::new(DynamoStore::from_env(settings.table.clone()).await),
        };
        let mailer: Arc<dyn Mailer> = match settings.mailer {
            MailerKind::Outbox => Arc::new(OutboxMailer::new(settings.data_dir.join("outbox"))),
            MailerKind::Ses => Arc::new(SesMailer::from_env(settings.mail_from.clone()).await),
        };
        Ok(Self::new(settings, store, mailer, Arc::new(SystemClock)))
    }
}
