//! Outgoing mail: SES in AWS, an outbox directory locally. Templates live in [`templates`].

mod outbox;
mod ses;
pub mod templates;

pub use outbox::OutboxMailer;
pub use ses::SesMailer;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// One message, exactly as the outbox stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("outbox: {0}")]
    Outbox(String),
    #[error("ses: {0}")]
    Ses(String),
    #[error("this endpoint group sends no mail")]
    NotConfigured,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, message: &Message) -> Result<(), MailError>;
}
