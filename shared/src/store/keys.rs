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

/// A Barong API key, by its kid.
pub fn barong_api_key(kid: &str) -> String {
    format!("BAPIKEY#{kid}")
}

/// Index partition listing the Barong API keys a user holds, its service accounts' included
/// (`gsi1` in DynamoDB).
pub fn barong_api_keys_of_user(user_id: Uuid) -> String {
    format!("USERBAPIKEYS#{user_id}")
}

/// Partition of a user's activities, sorted by [`activity_order`] (in DynamoDB the table's own
/// `pk`/`sk`, so listing them is a query, not a scan).
pub fn activities_of_user(user_id: Uuid) -> String {
    format!("USERACTIVITIES#{user_id}")
}

/// Index partition listing every activity, with or without a user, sorted by [`activity_order`]
/// (`gsi1` in DynamoDB).
pub const ALL_ACTIVITIES: &str = "ACTIVITIES";

/// An activity's sort key: `seq` shifted to unsigned and zero-padded to 20 digits, then the id,
/// so that string order is order by `seq`, then `id` (hyphenated lower-case hex sorts as the
/// bytes do), negative `seq` included.
pub fn activity_order(seq: i64, id: Uuid) -> String {
    format!("{:020}#{id}", i128::from(seq) - i128::from(i64::MIN))
}

/// An activity without a user: an item of its own, listed only in [`ALL_ACTIVITIES`].
pub fn activity(id: Uuid) -> String {
    format!("ACTIVITY#{id}")
}
