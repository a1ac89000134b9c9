//! What a signed-in user changes about its own account on the Barong surface
//! (`resource/users`, `resource/data_storage`, `resource/labels`).

use crate::Error;
use crate::model::{BarongLabel, DataStorage, User};
use crate::state::AppState;
use crate::store::update_user_with;
use chrono::{DateTime, Utc};

/// Data storage values: JSON text of at most this many characters (`DataStorage`'s
/// `validates_length_of :data, maximum: 5120`; the user's own `data` has `User`'s 1024).
const MAX_STORAGE_DATA_CHARS: usize = 5120;

/// Titles Barong reserves (`DataStorage` exclusion list).
const RESERVED_TITLES: &[&str] = &["document", "label", "profile", "phone", "user"];

#[derive(Debug)]
pub enum AccountError {
    /// Model errors (422, `code_error!`).
    Invalid(Vec<&'static str>),
    /// `resource.password.prev_pass_not_correct` (400).
    WrongPassword,
    /// `resource.password.no_change_provided` (400).
    NoChange,
    /// Password rules (`password.requirements`, `password.weak`, ...), 422.
    Password(Vec<&'static str>),
    /// Label validation (`key.taken`, `key.invalid`, ...), 422.
    Labels(Vec<String>),
    /// `resource.labels.private` (400).
    PrivateLabel,
    /// `record.not_found` (404).
    NotFound,
    Internal(Error),
}

impl<E: Into<Error>> From<E> for AccountError {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

fn now(state: &AppState) -> DateTime<Utc> {
    crate::auth::session::truncate(state.clock.now())
}

/// Barong's checks on `data`: at most `max_chars` characters of valid JSON.
fn data_errors(data: &str, max_chars: usize) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if data.chars().count() > max_chars {
        errors.push("data.too_long");
    }
    if !crate::wire::barong::validate::ruby_json_parses(data) {
        errors.push("data.invalid_format");
    }
    errors
}

/// `PUT /resource/users/me`: the user's own JSON `data`.
/// The limit is `User`'s, the one registration applies.
pub async fn update_data(state: &AppState, user: User, data: &str) -> Result<User, AccountError> {
    let errors = data_errors(data, crate::wire::barong::validate::DATA_MAX_LENGTH);
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let stamp = now(state);
    update_user_with(&*state.store, user, |u| {
        u.data = Some(data.to_owned());
        u.updated_at = stamp;
        Ok::<_, AccountError>(())
    })
    .await
}

/// `DELETE /resource/users/me` after its checks: the private label `delete:by_user`, which
/// makes the account `deleted` on Barong (hidden and refused on Coder, sessions ended).
pub async fn delete_self(state: &AppState, user: User) -> Result<User, AccountError> {
    let stamp = now(state);
    update_user_with(&*state.store, user, |u| {
        u.set_private_label("delete", "by_user", stamp);
        u.updated_at = stamp;
        Ok::<_, AccountError>(())
    })
    .await
}

/// Whether `password` is the user's (the same argon2 cost whatever the answer).
pub async fn password_matches(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<bool, AccountError> {
    Ok(state
        .hasher
        .verify(user.hashed_password.as_deref(), password)
        .await?)
}

/// `PUT /resource/users/password` after its parameter checks: the old password, a different
/// new one, Barong's password rules. Every other session and token of the user ends on both
/// surfaces (Barong ends none; a changed password should).
pub async fn change_password(
    state: &AppState,
    user: User,
    old_password: &str,
    new_password: &str,
) -> Result<User, AccountError> {
    if !password_matches(state, &user, old_password).await? {
        return Err(AccountError::WrongPassword);
    }
    if old_password == new_password {
        return Err(AccountError::NoChange);
    }
    let refused = crate::wire::barong::validate::password_errors(new_password);
    if !refused.is_empty() {
        return Err(AccountError::Password(refused));
    }
    let hash = state.hasher.hash(new_password).await?;
    let stamp = now(state);
    update_user_with(&*state.store, user, |u| {
        u.hashed_password = Some(hash.clone());
        u.session_generation += 1;
        u.updated_at = stamp;
        Ok::<_, AccountError>(())
    })
    .await
}

/// `POST /resource/data_storage`: JSON under a configured title, once per title, and the
/// private label `<title>:recorded`.
pub async fn store_data(
    state: &AppState,
    user: User,
    title: &str,
    data: &str,
) -> Result<User, AccountError> {
    // Rails groups the keys by attribute in declaration order: `data`'s, then `title`'s.
    let mut errors = data_errors(data, MAX_STORAGE_DATA_CHARS);
    // Uniqueness ignores case (`case_sensitive: false`); inclusion and exclusion do not.
    let key = title.to_lowercase();
    let taken = |u: &User| {
        u.data_storages
            .iter()
            .any(|d| d.title.to_lowercase() == key)
    };
    if taken(&user) {
        errors.push("title.taken");
    }
    if !state
        .settings
        .barong
        .storage_titles
        .iter()
        .any(|t| t == title)
    {
        errors.push("title.inclusion");
    }
    if RESERVED_TITLES.contains(&title) {
        errors.push("title.exclusion");
    }
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let stamp = now(state);
    update_user_with(&*state.store, user, |u| {
        if taken(u) {
            return Err(AccountError::Invalid(vec!["title.taken"]));
        }
        u.data_storages.push(DataStorage {
            title: title.to_owned(),
            data: data.to_owned(),
            created_at: stamp,
            updated_at: stamp,
        });
        // Barong ignores a label that fails its own validation (odd titles); so does this.
        let label = title.trim().to_lowercase();
        if valid_label_text(&label)
            && !u
                .labels
                .iter()
                .any(|l| l.scope == "private" && l.key == label)
        {
            u.set_private_label(&label, "recorded", stamp);
        }
        u.updated_at = stamp;
        Ok(())
    })
    .await
}

/// Barong's label key and value rule: `/\A[a-z0-9_-]+\z/`, 3 to 255 characters.
fn valid_label_text(text: &str) -> bool {
    (3..=255).contains(&text.len())
        && text
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// Ruby's `downcase.squish`, as Barong normalises label keys and values.
fn squish(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Barong's label validation errors for one field (`key` or `value`, already normalised):
/// length 3..255, then the format.
fn field_errors(field: &'static str, text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let chars = text.chars().count();
    if chars < 3 {
        errors.push(format!("{field}.too_short"));
    } else if chars > 255 {
        errors.push(format!("{field}.too_long"));
    }
    if !text
        .bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
        || text.is_empty()
    {
        errors.push(format!("{field}.invalid"));
    }
    errors
}

/// `POST /resource/labels`: a public label.
pub async fn add_label(
    state: &AppState,
    user: User,
    key: &str,
    value: &str,
) -> Result<(User, BarongLabel), AccountError> {
    let (key, value) = (squish(key), squish(value));
    let taken = |u: &User| u.labels.iter().any(|l| l.scope == "public" && l.key == key);
    // Rails groups errors by attribute: every `key.*` (uniqueness last), then `value.*`.
    let mut errors = field_errors("key", &key);
    if taken(&user) {
        errors.push("key.taken".to_owned());
    }
    errors.extend(field_errors("value", &value));
    if !errors.is_empty() {
        return Err(AccountError::Labels(errors));
    }
    let stamp = now(state);
    let label = BarongLabel {
        key: key.clone(),
        value,
        scope: "public".to_owned(),
        created_at: stamp,
        updated_at: stamp,
    };
    let user = update_user_with(&*state.store, user, |u| {
        if taken(u) {
            return Err(AccountError::Labels(vec!["key.taken".to_owned()]));
        }
        u.labels.push(label.clone());
        u.updated_at = stamp;
        Ok(())
    })
    .await?;
    Ok((user, label))
}

/// The label a user may change: a public one (`resource.labels.private` for a private one).
fn public_label<'a>(user: &'a mut User, key: &str) -> Result<&'a mut BarongLabel, AccountError> {
    let key = squish(key);
    let mut found = user.labels.iter_mut().filter(|l| l.key == key).peekable();
    if found.peek().is_none() {
        return Err(AccountError::NotFound);
    }
    found
        .find(|l| l.scope == "public")
        .ok_or(AccountError::PrivateLabel)
}

/// `PATCH /resource/labels/{key}`: a new value for a public label. Barong ignores the update's
/// validation result and answers the label as it was; here an invalid value is not saved.
pub async fn update_label(
    state: &AppState,
    user: User,
    key: &str,
    value: &str,
) -> Result<BarongLabel, AccountError> {
    let mut probe = user.clone();
    let current = public_label(&mut probe, key)?.clone();
    let value = squish(value);
    if !field_errors("value", &value).is_empty() {
        return Ok(current);
    }
    let stamp = now(state);
    let user = update_user_with(&*state.store, user, |u| {
        let label = public_label(u, key)?;
        label.value.clone_from(&value);
        label.updated_at = stamp;
        Ok::<_, AccountError>(())
    })
    .await?;
    let mut user = user;
    Ok(public_label(&mut user, key)?.clone())
}

/// `DELETE /resource/labels/{key}`.
pub async fn delete_label(state: &AppState, user: User, key: &str) -> Result<(), AccountError> {
    let stamp = now(state);
    update_user_with(&*state.store, user, |u| {
        public_label(u, key)?;
        let key = squish(key);
        u.labels.retain(|l| !(l.scope == "public" && l.key == key));
        u.updated_at = stamp;
        Ok::<_, AccountError>(())
    })
    .await?;
    Ok(())
}

/// A label of the user by key (public first, as Barong's `find_by!` on the user's labels would
/// return the older one; private ones are readable too).
pub fn label<'a>(user: &'a User, key: &str) -> Option<&'a BarongLabel> {
    let key = squish(key);
    user.labels.iter().find(|l| l.key == key)
}
