//! Request and response types exactly as Barong spells them.

pub mod error;
pub mod user;
pub mod validate;
