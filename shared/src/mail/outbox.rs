use super::{MailError, Mailer, Message};
use async_trait::async_trait;
use std::path::PathBuf;

/// Writes each message to `<dir>/<id>.json`, atomically (write to a temp name, then rename), so a
/// reader never sees half a message.
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let err = |e: std::io::Error| MailError::Outbox(e.to_string());
        tokio::fs::create_dir_all(&self.dir).await.map_err(err)?;
        let id = uuid::Uuid::new_v4();
        let body =
            serde_json::to_vec_pretty(message).map_err(|e| MailError::Outbox(e.to_string()))?;
        let tmp = self.dir.join(format!(".{id}.json.tmp"));
        tokio::fs::write(&tmp, body).await.map_err(err)?;
        tokio::fs::rename(&tmp, self.dir.join(format!("{id}.json")))
            .await
            .map_err(err)?;
        tracing::info!(outbox_id = %id, recipients = message.to.len(), subject = %message.subject, "mail written to outbox");
        Ok(())
    }
}
