//! Organizations, and creating one together with its first member.

use super::*;

fn organization_via_marker(
    items: &Items<'_>,
    marker_key: &str,
) -> StoreResult<Option<Organization>> {
    let Some(target) = marker_target(items, marker_key)? else {
        return Ok(None);
    };
    items
        .get(&target)?
        .map(|b| records::decode::<OrganizationRecord, Organization>(&b))
        .transpose()
}

#[async_trait]
impl OrganizationStore for EmbeddedStore {
    async fn create_organization_with_member(
        &self,
        organization: &Organization,
        member: &User,
    ) -> StoreResult<u64> {
        let (organization, member) = (organization.clone(), member.clone());
        self.write(move |t| {
            insert_organization(t, &organization)?;
            save_user(t, &member)
        })
        .await
    }

    async fn organization_by_id(&self, id: Uuid) -> StoreResult<Option<Organization>> {
        self.read(move |t| {
            t.get(&keys::organization(id))?
                .map(|b| records::decode::<OrganizationRecord, Organization>(&b))
                .transpose()
        })
        .await
    }

    async fn organization_by_name(&self, name: &str) -> StoreResult<Option<Organization>> {
        let marker = keys::organization_name_marker(name);
        self.read(move |t| organization_via_marker(t, &marker))
            .await
    }

    async fn default_organization(&self) -> StoreResult<Option<Organization>> {
        self.read(|t| organization_via_marker(t, keys::DEFAULT_ORGANIZATION))
            .await
    }

    async fn list_organizations(&self) -> StoreResult<Vec<Organization>> {
        // `ORG#<id>` sorts before `ORG$`, and `ORGNAME#` after it.
        self.read(|t| {
            t.values_between("ORG#", "ORG$")?
                .iter()
                .map(|b| records::decode::<OrganizationRecord, Organization>(b))
                .collect()
        })
        .await
    }
}
