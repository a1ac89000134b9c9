use super::{MailError, Mailer, Message};
use async_trait::async_trait;
use aws_sdk_ses::Client;
use aws_sdk_ses::types::{Body, Content, Destination, Message as SesMessage};

/// Sends through Amazon SES `SendEmail`.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
    from: String,
}

impl SesMailer {
    pub fn new(client: Client, from: impl Into<String>) -> Self {
        Self {
            client,
            from: from.into(),
        }
    }

    pub fn from_config(config: &aws_config::SdkConfig, from: impl Into<String>) -> Self {
        Self::new(Client::new(config), from)
    }
}

fn content(text: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(text)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError::Ses(e.to_string()))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let body = Body::builder()
            .text(content(&message.text)?)
            .html(content(&message.html)?)
            .build();
        let msg = SesMessage::builder()
            .subject(content(&message.subject)?)
            .body(body)
            .build();
        let out = self
            .client
            .send_email()
            .source(&self.from)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(message.to.clone()))
                    .build(),
            )
            .message(msg)
            .send()
            .await
            .map_err(|e| MailError::Ses(aws_sdk_ses::error::DisplayErrorContext(e).to_string()))?;
        tracing::info!(ses_message_id = %out.message_id, recipients = message.to.len(), "mail sent through SES");
        Ok(())
    }
}
