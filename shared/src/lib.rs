//! Gatehouse's shared domain: everything the endpoint groups (Lambda functions) have in common.
//!
//! Data flows one way: a function's router -> handler (wire <-> domain) -> [`auth`] flows ->
//! [`store::Store`] / [`mail::Mailer`]. Nothing here knows about routing.

pub mod auth;
pub mod aws;
pub mod clock;
pub mod config;
pub mod error;
pub mod http;
pub mod jwt;
pub mod mail;
pub mod model;
pub mod openapi;
pub mod outbound;
pub mod password;
pub mod rbac;
pub mod seal;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod token;
pub mod totp;
pub mod wire;

pub use error::Error;
pub use state::AppState;
