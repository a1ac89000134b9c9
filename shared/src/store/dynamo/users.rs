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
    Ok(i)
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
}
