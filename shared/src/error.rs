//! Failures that are not the client's fault. Each surface renders them as its own fixed
//! "internal error" body; the real cause goes to the log, never to the client.
//! Client-facing outcomes (wrong password, expired token, ...) are the flows' own enums in `auth`.

use crate::mail::MailError;
use crate::password::PasswordHashError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
    #[error("password hashing: {0}")]
    PasswordHash(#[from] PasswordHashError),
    #[error("{0}")]
    Internal(String),
}
