//! The logical item keys, shared by both stores. Every item has a partition key `pk` and a
//! sort key `sk`; uniqueness holds through marker items created with "must not exist".

use uuid::Uuid;

pub const SK_ITEM: &str = "#";

pub fn user(id: Uuid) -> String {
    format!("USER#{id}")
}

pub fn email_marker(email_key: &str) -> String {
    format!("EMAIL#{email_key}")
}

pub fn username_marker(username_key: &str) -> String {
    format!("USERNAME#{username_key}")
}

/// Barong's uid, unique across users (and service accounts).
pub fn uid_marker(uid: &str) -> String {
    format!("UID#{uid}")
}

/// Index partitions listing every user and every organization (`gsi1` in DynamoDB).
pub const ALL_USERS: &str = "USERS";
pub const ALL_ORGANIZATIONS: &str = "ORGANIZATIONS";

pub const FIRST_USER: &str = "SITE#FIRST_USER";
pub const DEFAULT_ORGANIZATION: &str = "SITE#DEFAULT_ORGANIZATION";

pub fn organization(id: Uuid) -> String {
    format!("ORG#{id}")
}

pub fn organization_name_marker(name: &str) -> String {
    format!("ORGNAME#{}", name.to_lowercase())
}

pub fn api_key(id: &str) -> String {
    format!("APIKEY#{id}")
}

/// Index partition listing a user's API keys (GSI `gsi1` in DynamoDB).
pub fn api_keys_of_user(user_id: Uuid) -> String {
    format!("USERKEYS#{user_id}")
}

/// Uniqueness of a named token per user.
pub fn token_name_marker(user_id: Uuid, name: &str) -> String {
    format!("TOKENNAME#{user_id}#{name}")
}

pub fn counter(key: &str) -> String {
    format!("COUNTER#{key}")
}

pub fn secret(name: &str) -> String {
    format!("SECRET#{name}")
}

/// A Barong cookie session, by the hex SHA-256 of its id.
pub fn barong_session(id_hash_hex: &str) -> String {
    format!("BSESSION#{id_hash_hex}")
}

/// A Barong restriction, unique per category, scope and value.
pub fn restriction(category: &str, scope: &str, value: &str) -> String {
    format!("RESTRICTION#{category}#{scope}#{value}")
}

/// Index partition listing every restriction (`gsi1` in DynamoDB).
pub const ALL_RESTRICTIONS: &str = "RESTRICTIONS";
