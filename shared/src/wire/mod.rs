//! Request and response types exactly as each surface spells them.

pub mod barong;
pub mod coder;
