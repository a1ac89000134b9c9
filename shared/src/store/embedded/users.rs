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
    let uid = keys::uid_marker(&user.uid);
    if items.exists(&pk)? || items.exists(&uid)? {
        return Err(StoreError::Conflict);
    }
    let mut record = UserRecord::from(user);
    record.revision = 1;
    items.put(&pk, records::encode(&record)?.as_bytes())?;
    items.put(&email, &marker(&pk)?)?;
    items.put(&uid, &marker(&pk)?)?;
    items.put(&username, &marker(&pk)?)
}

/// Removes a marker while it still names `pk`.
fn release_marker(items: &Items<'_>, marker_key: &str, pk: &str) -> StoreResult<()> {
    if marker_target(items, marker_key)?.as_deref() == Some(pk) {
        items.remove(marker_key)?;
    }
    Ok(())
}

/// The stored user, if it is still at `user.revision` with `username_key` and `user`'s email.
fn check_unchanged(items: &Items<'_>, user: &User, username_key: &str) -> StoreResult<()> {
    let current = items
        .get(&keys::user(user.id))?
        .map(|b| user_from(&b))
        .transpose()?
        .ok_or(StoreError::Conflict)?;
    if current.revision != user.revision
        || current.email_key() != user.email_key()
        || current.username_key() != username_key
    {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

fn put_next_revision(items: &Items<'_>, user: &User) -> StoreResult<u64> {
    let mut record = UserRecord::from(user);
    record.revision = user.revision + 1;
    items.put(&keys::user(user.id), records::encode(&record)?.as_bytes())?;
    Ok(record.revision)
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

    async fn user_by_uid(&self, uid: &str) -> StoreResult<Option<User>> {
        let key = keys::uid_marker(uid);
        self.read(move |t| user_via_marker(t, &key)).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<u64> {
        let user = user.clone();
        self.write(move |t| save_user(t, &user)).await
    }

    async fn rename_user(&self, user: &User, previous_username: &str) -> StoreResult<u64> {
        let user = user.clone();
        let old_key = crate::model::user_keys::username(previous_username);
        self.write(move |t| {
            check_unchanged(t, &user, &old_key)?;
            let new_key = user.username_key();
            if new_key != old_key {
                let claimed = keys::username_marker(&new_key);
                if t.exists(&claimed)? {
                    return Err(StoreError::UsernameTaken);
                }
                let pk = keys::user(user.id);
                release_marker(t, &keys::username_marker(&old_key), &pk)?;
                t.put(&claimed, &marker(&pk)?)?;
            }
            put_next_revision(t, &user)
        })
        .await
    }

    async fn delete_user(&self, user: &User) -> StoreResult<u64> {
        let user = user.clone();
        self.write(move |t| {
            check_unchanged(t, &user, &user.username_key())?;
            let pk = keys::user(user.id);
            release_marker(t, &keys::email_marker(&user.email_key()), &pk)?;
            release_marker(t, &keys::username_marker(&user.username_key()), &pk)?;
            put_next_revision(t, &user)
        })
        .await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        // `USER#<id>` sorts before `USER$`, and `USERKEYS#`/`USERNAME#` after it.
        self.read(|t| {
            let mut users = Vec::new();
            for bytes in t.values_between("USER#", "USER$")? {
                let user = user_from(&bytes)?;
                if !user.deleted {
                    users.push(user);
                }
            }
            Ok(users)
        })
        .await
    }
}
