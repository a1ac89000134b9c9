//! Organizations and their members: creating one with its creator as first member, adding and
//! removing members. Membership lives on the user, so each change is one revision-checked write.

use super::session::{Session, truncate};
use crate::model::{Organization, OrganizationMembership, User};
use crate::rbac::Object;
use crate::state::AppState;
use crate::store::{StoreError, update_user_with};
use uuid::Uuid;

#[derive(Debug)]
pub enum OrganizationError {
    Forbidden,
    /// The organization, or the membership, is not there (or not visible to the caller).
    NotFound,
    ReservedName,
    NameTaken,
    AlreadyMember,
    CannotRemoveSelf,
    Store(StoreError),
}

impl From<StoreError> for OrganizationError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

pub struct NewOrganization {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub icon: String,
}

/// The object a membership is checked as.
pub fn member_object(organization: &Organization, user: &User) -> Object {
    Object {
        id: user.id.to_string(),
        owner: user.id.to_string(),
        ..Object::in_org("organization_member", organization.id)
    }
}

pub fn membership(user: &User, organization_id: Uuid) -> Option<&OrganizationMembership> {
    user.memberships
        .iter()
        .find(|m| m.organization_id == organization_id)
}

/// Creates an organization; its creator becomes its first member in the same transaction.
pub async fn create(
    state: &AppState,
    s: &Session,
    new: NewOrganization,
) -> Result<Organization, OrganizationError> {
    if !s.can("create", &Object::any("organization")) {
        return Err(OrganizationError::Forbidden);
    }
    if new.name == "default" {
        return Err(OrganizationError::ReservedName);
    }
    let now = truncate(state.clock.now());
    let organization = Organization {
        id: Uuid::new_v4(),
        display_name: if new.display_name.is_empty() {
            new.name.clone()
        } else {
            new.display_name
        },
        name: new.name,
        description: new.description,
        icon: new.icon,
        is_default: false,
        created_at: now,
        updated_at: now,
    };
    // A concurrent change to the creator retries against what is stored now.
    let mut creator = s.user.clone();
    for _ in 0..3 {
        let mut member = creator.clone();
        member
            .memberships
            .push(OrganizationMembership::new(organization.id, now));
        member.updated_at = now;
        match state
            .store
            .create_organization_with_member(&organization, &member)
            .await
        {
            Ok(_) => return Ok(organization),
            Err(StoreError::OrganizationNameTaken) => return Err(OrganizationError::NameTaken),
            Err(StoreError::Conflict) => {
                creator = state
                    .store
                    .user_by_id(creator.id)
                    .await?
                    .ok_or(OrganizationError::NotFound)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// Adds `user` to `organization` with no roles beyond the implied member role.
pub async fn add_member(
    state: &AppState,
    s: &Session,
    organization: &Organization,
    user: User,
) -> Result<User, OrganizationError> {
    if !s.can("create", &member_object(organization, &user)) {
        return Err(OrganizationError::NotFound);
    }
    let now = truncate(state.clock.now());
    update_user_with(&*state.store, user, |u| {
        if membership(u, organization.id).is_some() {
            return Err(OrganizationError::AlreadyMember);
        }
        u.memberships
            .push(OrganizationMembership::new(organization.id, now));
        u.updated_at = now;
        Ok(())
    })
    .await
}

/// Removes `user` from `organization`; nobody removes themselves.
pub async fn remove_member(
    state: &AppState,
    s: &Session,
    organization: &Organization,
    user: User,
) -> Result<(), OrganizationError> {
    if user.id == s.user.id {
        return Err(OrganizationError::CannotRemoveSelf);
    }
    if !s.can("delete", &member_object(organization, &user)) {
        return Err(OrganizationError::NotFound);
    }
    let now = truncate(state.clock.now());
    update_user_with(&*state.store, user, |u| {
        u.memberships
            .retain(|m| m.organization_id != organization.id);
        u.updated_at = now;
        Ok::<(), OrganizationError>(())
    })
    .await?;
    Ok(())
}

/// The organizations the caller may read, by name; with `member`, only those `member` is in.
pub async fn visible(
    state: &AppState,
    s: &Session,
    member: Option<&User>,
) -> Result<Vec<Organization>, OrganizationError> {
    let mut found: Vec<Organization> = state
        .store
        .list_organizations()
        .await?
        .into_iter()
        .filter(|o| member.is_none_or(|u| membership(u, o.id).is_some()))
        .filter(|o| s.can("read", &organization_object(o)))
        .collect();
    found.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
    Ok(found)
}

pub fn organization_object(o: &Organization) -> Object {
    Object::in_org("organization", o.id).with_id(o.id.to_string())
}

/// The members of `organization` whose membership the caller may read, by username.
pub async fn members(
    state: &AppState,
    s: &Session,
    organization: &Organization,
) -> Result<Vec<User>, OrganizationError> {
    let mut found: Vec<User> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| !u.is_deleted() && membership(u, organization.id).is_some())
        .filter(|u| s.can("read", &member_object(organization, u)))
        .collect();
    found.sort_by_cached_key(|u| u.username.to_lowercase());
    Ok(found)
}
