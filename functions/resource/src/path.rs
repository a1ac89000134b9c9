//! Path parameters by name: behind `gatehouse-local` the group is mounted under a wildcard
//! route whose own capture reaches the handlers too, so a positional `Path<String>` would see
//! two values.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Kid {
    pub kid: String,
}

#[derive(Deserialize)]
pub struct LabelKey {
    pub key: String,
}

#[derive(Deserialize)]
pub struct Topic {
    pub topic: String,
}

#[derive(Deserialize)]
pub struct Uid {
    pub uid: String,
}

#[derive(Deserialize)]
pub struct Name {
    pub name: String,
}
