//! Request and response types exactly as Barong spells them.

pub mod error;
pub mod resource;
pub mod user;
pub mod validate;
