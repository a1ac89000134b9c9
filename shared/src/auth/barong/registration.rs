//! `POST /identity/users`: Barong registration on the shared user store. The account is usable
//! on the Coder surface at once (same email, password and, when given, username).

use crate::Error;
use crate::auth::session::truncate;
use crate::model::{BarongState, Organization, OrganizationMembership, User, UserStatus};
use crate::state::AppState;
use crate::store::StoreError;

pub struct Registration {
    pub email: String,
    pub password: String,
    pub username: Option<String>,
    pub refid: Option<String>,
    pub data: Option<String>,
    /// The request carried the deployment's setup secret (or none is configured).
    pub may_be_first: bool,
}

#[derive(Debug)]
pub enum RegistrationError {
    InvalidReferralFormat,
    ReferralDoesntExist,
    /// The model's validation keys, in Rails' order (`email.invalid`, `username.taken`, ...).
    Invalid(Vec<&'static str>),
    Internal(Error),
}

impl<E: Into<Error>> From<E> for RegistrationError {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// The uid prefix (`BARONG_UID_PREFIX`).
const UID_PREFIX: &str = "ID";

/// Registers a user: `pending` at level 0, or, for the first account of an empty deployment,
/// `superadmin` (Coder owner), `active` with `email:verified` at level 1. Returns the user and
/// whether a confirmation mail is due.
pub async fn register(
    state: &AppState,
    r: Registration,
) -> Result<(User, bool), RegistrationError> {
    let referral_uid = match r.refid.as_deref() {
        None => None,
        Some(refid) => {
            if !refid.starts_with(UID_PREFIX) {
                return Err(RegistrationError::InvalidReferralFormat);
            }
            state
                .store
                .user_by_uid(refid)
                .await?
                .filter(|u| !u.is_deleted())
                .ok_or(RegistrationError::ReferralDoesntExist)?;
            Some(refid.to_owned())
        }
    };
    let username = r
        .username
        .as_deref()
        .map(crate::wire::barong::validate::normalize_username);
    let mut invalid = crate::wire::barong::validate::user_errors(
        &r.email,
        &r.password,
        username.as_deref(),
        r.data.as_deref(),
    );
    if !invalid.is_empty() {
        // Rails reports uniqueness with the other errors: look them up so the list is whole.
        let email_taken = state
            .store
            .user_by_email(ruby_strip(&r.email))
            .await?
            .is_some();
        let username_taken = match &username {
            Some(u) => state.store.user_by_username(u).await?.is_some(),
            None => false,
        };
        invalid = crate::wire::barong::validate::user_errors_with(
            &r.email,
            &r.password,
            username.as_deref(),
            r.data.as_deref(),
            crate::wire::barong::validate::Taken {
                email: email_taken,
                username: username_taken,
            },
        );
        return Err(RegistrationError::Invalid(invalid));
    }
    let now = truncate(state.clock.now());
    let email = ruby_strip(&r.email).to_owned();
    let hashed = state.hasher.hash(&r.password).await?;
    let first = state.settings.barong.first_registration_superadmin
        && r.may_be_first
        && !state.store.first_user_exists().await?;
    for attempt in 0..4 {
        let (name, generated) = match &username {
            Some(u) => (u.clone(), false),
            None => (coder_username_from(&email, attempt), true),
        };
        let mut user = User::new(&email, &name, now);
        user.username_generated = generated;
        user.hashed_password = Some(hashed.clone());
        user.referral_uid = referral_uid.clone();
        user.data = r.data.clone();
        let created = if first {
            create_first(state, &mut user, now).await
        } else {
            state.store.create_user(&user).await
        };
        match created {
            Ok(()) => {
                let confirm = user.barong_state != BarongState::Active;
                return Ok((user, confirm));
            }
            Err(StoreError::EmailTaken) => {
                return Err(RegistrationError::Invalid(vec!["email.taken"]));
            }
            Err(StoreError::UsernameTaken) if !generated => {
                return Err(RegistrationError::Invalid(vec!["username.taken"]));
            }
            // A made-up username collided: try another. A lost first-user race: register as
            // anyone else would.
            Err(StoreError::UsernameTaken) => continue,
            Err(StoreError::FirstUserExists) => {
                return Box::pin(register(
                    state,
                    Registration {
                        may_be_first: false,
                        ..r
                    },
                ))
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(RegistrationError::Internal(Error::Internal(
        "no free username could be made up for the registration".to_owned(),
    )))
}

/// The first account: superadmin on Barong is owner on Coder, created with the default
/// organization in one transaction (as Coder's first user).
async fn create_first(
    state: &AppState,
    user: &mut User,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let organization = Organization::builtin_default(now);
    user.roles = vec!["owner".to_owned()];
    user.status = UserStatus::Active;
    user.memberships = vec![OrganizationMembership::new(organization.id, now)];
    user.set_private_label("email", "verified", now);
    match state.store.create_first_user(user, &organization).await {
        Err(StoreError::Conflict) => Err(StoreError::FirstUserExists),
        other => other,
    }
}

/// Ruby's `strip`: the white space the email rule allows around an address (not Unicode's).
fn ruby_strip(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\0'))
}

/// A Coder username for an account registered without one: the email's local part in Coder's
/// alphabet (letters, digits, single hyphens, at most 32), with a random suffix on retries.
pub fn coder_username_from(email: &str, attempt: u32) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let mut name = String::new();
    for c in local.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        name = "user".to_owned();
    }
    // A hyphen keeps it out of Barong's username alphabet (letters and digits): no one who
    // registers a username later is refused for a name nobody chose.
    if attempt > 0 || !name.contains('-') {
        let suffix = crate::token::random_hex(3);
        name.truncate(32 - suffix.len() - 1);
        name = format!("{}-{suffix}", name.trim_end_matches('-'));
    }
    name.truncate(32);
    name.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::coder_username_from;

    #[test]
    fn usernames_follow_coder_rules() {
        assert_eq!(
            coder_username_from("John.Doe+x@example.com", 0),
            "john-doe-x"
        );
        // Without a hyphen of its own, a name gets a random suffix: never a Barong username.
        let plain = coder_username_from("zed12@example.com", 0);
        assert!(plain.starts_with("zed12-") && plain.len() == 12, "{plain}");
        assert!(coder_username_from("__@example.com", 0).starts_with("user-"));
        let long = format!("{}@x.io", "a".repeat(50));
        assert!(coder_username_from(&long, 0).len() <= 32);
        let retry = coder_username_from(&long, 1);
        assert!(retry.len() <= 32 && retry.contains('-'), "{retry}");
    }
}
