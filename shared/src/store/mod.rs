//! Persistence, sized to capabilities. Two implementations pass one conformance suite
//! (`tests/tests/store_conformance.rs`): DynamoDB single table and an embedded SQLite file
//! (feature `embedded`, for local runs).
//!
//! Both keep the same logical items (see [`keys`]) and the same versioned JSON records
//! (see [`records`]), so behaviour cannot drift between local runs and AWS.

mod dynamo;
#[cfg(feature = "embedded")]
mod embedded;
pub mod keys;
pub mod records;

pub use dynamo::DynamoStore;
#[cfg(feature = "embedded")]
pub use embedded::EmbeddedStore;

use crate::model::{
    Activity, ApiKey, BarongApiKey, BarongSession, Organization, Restriction, User,
};
use crate::token::SecretHash;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("email already in use")]
    EmailTaken,
    #[error("username already in use")]
    UsernameTaken,
    #[error("the first user already exists")]
    FirstUserExists,
    #[error("organization name already in use")]
    OrganizationNameTaken,
    #[error("a restriction with that category, scope and value exists")]
    RestrictionTaken,
    #[error("the user already has a token with that name")]
    TokenNameTaken,
    /// The item changed since it was read (optimistic concurrency) or is gone.
    #[error("the item changed concurrently")]
    Conflict,
    #[error("stored record is unreadable: {0}")]
    Corrupt(String),
    #[error("backend: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates the first user and the default organization together; refused once a first user exists.
    async fn create_first_user(&self, user: &User, organization: &Organization) -> StoreResult<()>;
    async fn first_user_exists(&self) -> StoreResult<bool>;
    /// Creates a user; email and username stay unique under concurrent calls.
    async fn create_user(&self, user: &User) -> StoreResult<()>;
    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>>;
    /// Case-insensitive.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// Case-insensitive.
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    /// By Barong uid (`ID` + 10 hex). A uid stays taken after its user is deleted.
    async fn user_by_uid(&self, uid: &str) -> StoreResult<Option<User>>;
    /// Writes `user` if its stored revision is still `user.revision`; on success returns the
    /// new revision. Email and username are immutable through this call.
    async fn update_user(&self, user: &User) -> StoreResult<u64>;
    /// Like `update_user`, for a user whose username changed from `previous_username`: the
    /// new name is claimed and the old one freed in the same transaction (`UsernameTaken`).
    async fn rename_user(&self, user: &User, previous_username: &str) -> StoreResult<u64>;
    /// Saves `user` (marked deleted) like `update_user` and frees its email and username in the
    /// same transaction, so both can be used again.
    async fn delete_user(&self, user: &User) -> StoreResult<u64>;
    /// Every user not deleted, in no particular order.
    async fn list_users(&self) -> StoreResult<Vec<User>>;
}

#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// Creates `organization` and saves `member` (whose memberships already include it) in one
    /// transaction: the update is conditional on `member.revision` like `update_user`. Returns
    /// the member's new revision.
    async fn create_organization_with_member(
        &self,
        organization: &Organization,
        member: &User,
    ) -> StoreResult<u64>;
    async fn organization_by_id(&self, id: Uuid) -> StoreResult<Option<Organization>>;
    /// Case-insensitive.
    async fn organization_by_name(&self, name: &str) -> StoreResult<Option<Organization>>;
    async fn default_organization(&self) -> StoreResult<Option<Organization>>;
    /// Every organization, in no particular order.
    async fn list_organizations(&self) -> StoreResult<Vec<Organization>>;
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Inserts a key; a named key's name stays unique per user (`TokenNameTaken`).
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    /// Inserts `key` as [`Self::insert_api_key`] does, and records `activity`, the sign-in that
    /// issued it: the embedded store in one transaction, DynamoDB in two requests at once. A
    /// record DynamoDB refuses is logged and the key stands, as a failed record never changes
    /// an answer.
    async fn insert_api_key_recorded(&self, key: &ApiKey, activity: &Activity) -> StoreResult<()>;
    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>>;

    /// Saves a key's usage (sliding expiry, last use) unless it was deleted meanwhile.
    async fn touch_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    async fn delete_api_key(&self, id: &str) -> StoreResult<()>;
    async fn api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<ApiKey>>;
    async fn delete_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<()>;
}

/// What authenticating a request reads.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// A key and its user (absent when the key names none), read together.
    async fn api_key_with_user(&self, id: &str) -> StoreResult<Option<(ApiKey, Option<User>)>>;
}

/// Barong's cookie sessions.
#[async_trait]
pub trait BarongSessionStore: Send + Sync {
    async fn insert_barong_session(&self, session: &BarongSession) -> StoreResult<()>;
    /// A session and its user (absent when the session names none), read together.
    async fn barong_session_with_user(
        &self,
        id_hash: &SecretHash,
    ) -> StoreResult<Option<(BarongSession, Option<User>)>>;
    /// Saves a session's new idle expiry unless it was deleted meanwhile.
    async fn touch_barong_session(&self, session: &BarongSession) -> StoreResult<()>;
    async fn delete_barong_session(&self, id_hash: &SecretHash) -> StoreResult<()>;
}

/// Barong's access restrictions (IP whitelist, maintenance, blacklist, blocklogin).
#[async_trait]
pub trait RestrictionStore: Send + Sync {
    /// Adds one; refused (`RestrictionTaken`) when its category, scope and value exist.
    async fn add_restriction(&self, restriction: &Restriction) -> StoreResult<()>;
    async fn restrictions(&self) -> StoreResult<Vec<Restriction>>;
}

/// Barong's API keys (held by users and their service accounts).
#[async_trait]
pub trait BarongApiKeyStore: Send + Sync {
    /// Inserts a key; a kid already in use is a `Conflict`.
    async fn insert_barong_api_key(&self, key: &BarongApiKey) -> StoreResult<()>;
    /// Saves a key's changed fields (state, scope, generation); `Conflict` when it is gone.
    async fn update_barong_api_key(&self, key: &BarongApiKey) -> StoreResult<()>;
    /// Deletes a key (nothing when it is already gone).
    async fn delete_barong_api_key(&self, kid: &str) -> StoreResult<()>;
    /// A key and the user it belongs to (for a service account's key, the owner), read
    /// together; the user is absent when the key names none.
    async fn barong_api_key_with_user(
        &self,
        kid: &str,
    ) -> StoreResult<Option<(BarongApiKey, Option<User>)>>;
    /// Every key of the user and of its service accounts, in no particular order.
    async fn barong_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<BarongApiKey>>;
}

/// The activity log both surfaces read (Barong's activities, Coder's audit log).
#[async_trait]
pub trait ActivityStore: Send + Sync {
    async fn record_activity(&self, activity: &Activity) -> StoreResult<()>;
    /// A user's activities, newest first (by `seq`, then `id`).
    async fn activities_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Activity>>;
    /// Every activity, newest first, at most `limit` of them.
    async fn recent_activities(&self, limit: usize) -> StoreResult<Vec<Activity>>;
}

#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Current value of a counter (0 when absent or expired).
    async fn counter(&self, key: &str, now: DateTime<Utc>) -> StoreResult<u64>;
    /// Adds one unless the counter already reached `ceiling`; returns the new value, or `None`
    /// when refused. The counter is forgotten after `expires_at`.
    async fn increment_below(
        &self,
        key: &str,
        ceiling: u64,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u64>>;
    /// Counts one request in `window`: reads the previous minute's counter, and adds one to
    /// the current minute's below the ceiling that leaves. Returns the ceiling and the new
    /// count, `None` when refused. A store that can do both in one transaction does.
    async fn increment_in_window(
        &self,
        window: &SlidingWindow,
        now: DateTime<Utc>,
    ) -> StoreResult<(u64, Option<u64>)> {
        let ceiling = window.ceiling(self.counter(&window.previous, now).await?);
        let counted = self
            .increment_below(&window.current, ceiling, window.expires_at, now)
            .await?;
        Ok((ceiling, counted))
    }
}

/// A sliding-window limit as go-chi/httprate counts it: the previous window's counter weighs
/// by how much of it the sliding window still covers, the current one fully.
#[derive(Debug, Clone)]
pub struct SlidingWindow {
    /// The previous window's counter.
    pub previous: String,
    /// The current window's counter, forgotten after `expires_at`.
    pub current: String,
    pub expires_at: DateTime<Utc>,
    pub limit: u64,
    /// The share of the previous window still inside the sliding one, in `[0, 1]`.
    pub previous_weight: f64,
}

impl SlidingWindow {
    /// How far the current counter may go, given the previous one.
    pub fn ceiling(&self, previous_count: u64) -> u64 {
        let carried = (previous_count as f64 * self.previous_weight).floor() as u64;
        self.limit.saturating_sub(carried)
    }
}

#[async_trait]
pub trait SecretStore: Send + Sync {
    /// The deployment secret called `name`, created from `candidate` by whichever caller is first.
    async fn get_or_create_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;
}

/// Everything the endpoint groups need.
pub trait Store:
    UserStore
    + OrganizationStore
    + ApiKeyStore
    + SessionStore
    + BarongSessionStore
    + RestrictionStore
    + BarongApiKeyStore
    + ActivityStore
    + CounterStore
    + SecretStore
{
}
impl<T> Store for T where
    T: UserStore
        + OrganizationStore
        + ApiKeyStore
        + SessionStore
        + BarongSessionStore
        + RestrictionStore
        + BarongApiKeyStore
        + ActivityStore
        + CounterStore
        + SecretStore
{
}

/// Applies `change` to `user` and saves it. When the user changed concurrently, it is read again
/// and `change` runs again on what is stored now (so checks made inside `change` hold for what
/// is written), up to three times. A user gone meanwhile, or still contended, is a `Conflict`.
pub async fn update_user_with<E: From<StoreError>>(
    store: &dyn Store,
    mut user: User,
    mut change: impl FnMut(&mut User) -> Result<(), E>,
) -> Result<User, E> {
    for _ in 0..3 {
        change(&mut user)?;
        match store.update_user(&user).await {
            Ok(revision) => {
                user.revision = revision;
                return Ok(user);
            }
            Err(StoreError::Conflict) => {
                user = store
                    .user_by_id(user.id)
                    .await?
                    .ok_or(StoreError::Conflict)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}
