//! Users and their uniqueness markers.

use super::*;

pub(super) fn user_from(bytes: &[u8]) -> StoreResult<User> {
    records::decode::<UserRecord, User>(bytes)
}

fn user_via_marker(items: &Items<'_>, marker_key: &str) -> StoreResult<Option<User>> {
    let Some(target) = marker_target(items, marker_key)? else {
        return Ok(None);
    };
    items.get(&target)?.map(|b| user_from(&b)).transpose()
}

/// Writes a new user and its uniqueness markers, failing without writing if either is taken.
fn insert_user(items: &Items<'_>, user: &User) -> StoreResult<()> {
    let email = keys::email_marker(&user.email_key());
    let username = keys::username_marker(&user.username_key());
    if items.exists(&email)? {
        return Err(StoreError::EmailTaken);
    }
    if items.exists(&username)? {
        return Err(StoreError::UsernameTaken);
    }
    let pk = keys::user(user.id);
    if items.exists(&pk)? {
        return Err(StoreError::Conflict);
    }
    let mut record = UserRecord::from(user);
    record.revision = 1;
    items.put(&pk, records::encode(&record)?.as_bytes())?;
    items.put(&email, &marker(&pk)?)?;
    items.put(&username, &marker(&pk)?)
}

#[async_trait]
impl UserStore for EmbeddedStore {
    async fn create_first_user(&self, user: &User, organization: &Organization) -> StoreResult<()> {
        let (user, organization) = (user.clone(), organization.clone());
        self.write(move |t| {
            if t.exists(keys::FIRST_USER)? {
                return Err(StoreError::FirstUserExists);
            }
            insert_organization(t, &organization)?;
            insert_user(t, &user)?;
            t.put(keys::FIRST_USER, &marker(&keys::user(user.id))?)
        })
        .await
    }

    async fn first_user_exists(&self) -> StoreResult<bool> {
        self.read(|t| t.exists(keys::FIRST_USER)).await
    }

    async fn create_user(&self, user: &User) -> StoreResult<()> {
        let user = user.clone();
        self.write(move |t| insert_user(t, &user)).await
    }

    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>> {
        self.read(move |t| t.get(&keys::user(id))?.map(|b| user_from(&b)).transpose())
            .await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let key = keys::email_marker(&crate::model::user_keys::email(email));
        self.read(move |t| user_via_marker(t, &key)).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let key = keys::username_marker(&crate::model::user_keys::username(username));
        self.read(move |t| user_via_marker(t, &key)).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<u64> {
        let user = user.clone();
        self.write(move |t| save_user(t, &user)).await
    }
}
