//! Organizations, and creating one together with its first member.

use super::*;

pub(super) fn organization_item(organization: &Organization) -> StoreResult<Item> {
    let mut i = item(&keys::organization(organization.id));
    i.insert(
        "doc".to_owned(),
        s(records::encode(&OrganizationRecord::from(organization))?),
    );
    i.insert("gsi1pk".to_owned(), s(keys::ALL_ORGANIZATIONS));
    i.insert("gsi1sk".to_owned(), s(organization.id.to_string()));
    Ok(i)
}

#[async_trait]
impl OrganizationStore for DynamoStore {
    async fn create_organization_with_member(
        &self,
        organization: &Organization,
        member: &User,
    ) -> StoreResult<u64> {
        let next = member.revision + 1;
        let (mut items, mut outcomes) = self.organization_puts(organization)?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(user_item(member, next)?))
            .condition_expression(USER_UNCHANGED)
            .expression_attribute_values(":rev", n(member.revision))
            .expression_attribute_values(":email", s(member.email_key()))
            .expression_attribute_values(":username", s(member.username_key()))
            .build()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        items.push(TransactWriteItem::builder().put(put).build());
        outcomes.push(StoreError::Conflict);
        self.transact(items, outcomes).await?;
        Ok(next)
    }

    async fn organization_by_id(&self, id: Uuid) -> StoreResult<Option<Organization>> {
        self.get_doc::<OrganizationRecord, Organization>(&keys::organization(id))
            .await
    }

    async fn organization_by_name(&self, name: &str) -> StoreResult<Option<Organization>> {
        self.organization_via_marker(&keys::organization_name_marker(name))
            .await
    }

    async fn default_organization(&self) -> StoreResult<Option<Organization>> {
        self.organization_via_marker(keys::DEFAULT_ORGANIZATION)
            .await
    }

    async fn list_organizations(&self) -> StoreResult<Vec<Organization>> {
        self.query_index::<OrganizationRecord, Organization>(keys::ALL_ORGANIZATIONS)
            .await
    }
}
