//! Users: one item each, unique email and username through marker items.

use super::*;

pub(super) fn user_item(user: &User, revision: u64) -> StoreResult<Item> {
    let mut record = UserRecord::from(user);
    record.revision = revision;
    let mut i = item(&keys::user(user.id));
    i.insert("doc".to_owned(), s(records::encode(&record)?));
    i.insert("rev".to_owned(), n(revision));
    i.insert("email_key".to_owned(), s(user.email_key()));
    i.insert("username_key".to_owned(), s(user.username_key()));
    // Listed through the index until deleted.
    if !user.deleted {
        i.insert("gsi1pk".to_owned(), s(keys::ALL_USERS));
        i.insert("gsi1sk".to_owned(), s(user.id.to_string()));
    }
    Ok(i)
}

impl DynamoStore {
    /// The user item, written at the next revision if the stored one is still `user`'s with
    /// `username_key` as its username.
    fn user_put_at_revision(
        &self,
        user: &User,
        username_key: &str,
    ) -> StoreResult<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(user_item(user, user.revision + 1)?))
            .condition_expression(USER_UNCHANGED)
            .expression_attribute_values(":rev", n(user.revision))
            .expression_attribute_values(":email", s(user.email_key()))
            .expression_attribute_values(":username", s(username_key))
            .build()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Deletes a marker item unless it names someone else.
    fn marker_delete(&self, marker_pk: &str, user: &User) -> StoreResult<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_of(marker_pk)))
            // Gone already is fine (as in the embedded store); another user's is not touched.
            .condition_expression("attribute_not_exists(pk) OR #target = :target")
            .expression_attribute_names("#target", "target")
            .expression_attribute_values(":target", s(keys::user(user.id)))
            .build()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_first_user(&self, user: &User, organization: &Organization) -> StoreResult<()> {
        let mut items = vec![put_new(
            &self.table,
            marker_item(keys::FIRST_USER, &keys::user(user.id)),
        )?];
        let mut outcomes = vec![StoreError::FirstUserExists];
        let (org_items, org_outcomes) = self.organization_puts(organization)?;
        let (user_items, user_outcomes) = self.user_puts(user)?;
        items.extend(org_items);
        outcomes.extend(org_outcomes);
        items.extend(user_items);
        outcomes.extend(user_outcomes);
        self.transact(items, outcomes).await
    }

    async fn first_user_exists(&self) -> StoreResult<bool> {
        Ok(self.get(keys::FIRST_USER).await?.is_some())
    }

    async fn create_user(&self, user: &User) -> StoreResult<()> {
        let (items, outcomes) = self.user_puts(user)?;
        self.transact(items, outcomes).await
    }

    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>> {
        self.get_doc::<UserRecord, User>(&keys::user(id)).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.user_via_marker(&keys::email_marker(&crate::model::user_keys::email(email)))
            .await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        self.user_via_marker(&keys::username_marker(&crate::model::user_keys::username(
            username,
        )))
        .await
    }

    async fn user_by_uid(&self, uid: &str) -> StoreResult<Option<User>> {
        self.user_via_marker(&keys::uid_marker(uid)).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<u64> {
        let next = user.revision + 1;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(user_item(user, next)?))
            .condition_expression(USER_UNCHANGED)
            .expression_attribute_values(":rev", n(user.revision))
            .expression_attribute_values(":email", s(user.email_key()))
            .expression_attribute_values(":username", s(user.username_key()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(next),
            Err(e) => {
                e.condition_failed()?;
                Err(StoreError::Conflict)
            }
        }
    }

    async fn rename_user(&self, user: &User, previous_username: &str) -> StoreResult<u64> {
        let old_key = crate::model::user_keys::username(previous_username);
        let mut items = vec![self.user_put_at_revision(user, &old_key)?];
        let mut outcomes = vec![StoreError::Conflict];
        if old_key != user.username_key() {
            items.push(self.marker_delete(&keys::username_marker(&old_key), user)?);
            outcomes.push(StoreError::Conflict);
            items.push(put_new(
                &self.table,
                marker_item(
                    &keys::username_marker(&user.username_key()),
                    &keys::user(user.id),
                ),
            )?);
            outcomes.push(StoreError::UsernameTaken);
        }
        self.transact(items, outcomes).await?;
        Ok(user.revision + 1)
    }

    async fn delete_user(&self, user: &User) -> StoreResult<u64> {
        let items = vec![
            self.user_put_at_revision(user, &user.username_key())?,
            self.marker_delete(&keys::email_marker(&user.email_key()), user)?,
            self.marker_delete(&keys::username_marker(&user.username_key()), user)?,
        ];
        self.transact(items, Vec::new()).await?;
        Ok(user.revision + 1)
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.query_index::<UserRecord, User>(keys::ALL_USERS).await
    }
}
