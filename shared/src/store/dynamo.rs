//! The AWS store: one DynamoDB table (`pk`/`sk` strings, sparse GSI `gsi1`, TTL attribute `ttl`),
//! defined in `template.yaml`. Uniqueness holds through marker items written in the same
//! `TransactWriteItems` with `attribute_not_exists`; updates are conditional on a revision.
//! TTL deletion lags, so every expiry is also checked in code.

use super::records::{self, ApiKeyRecord, OrganizationRecord, UserRecord};
use super::{
    ApiKeyStore, CounterStore, OrganizationStore, SecretStore, StoreError, StoreResult, UserStore,
    keys,
};
use crate::model::{ApiKey, Organization, User};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, TransactWriteItem};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// A user item is replaced only at the revision it was read, with its email and username.
const USER_UNCHANGED: &str = "rev = :rev AND email_key = :email AND username_key = :username";

/// Expired API keys stay readable this long, so clients are told "expired" rather than "invalid".
const EXPIRED_KEY_RETENTION: Duration = Duration::days(7);

type Item = HashMap<String, AttributeValue>;

#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

fn backend<E: std::error::Error + 'static>(
    e: SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> StoreError {
    StoreError::Backend(aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())
}

type HttpResponse = aws_sdk_dynamodb::config::http::HttpResponse;

/// Errors of requests that carry a `ConditionExpression`.
trait ConditionalRequestError {
    /// `Ok(())` when the request failed only because its condition did not hold; otherwise
    /// the backend error.
    fn condition_failed(self) -> StoreResult<()>;
}

macro_rules! conditional_request_error {
    ($($error:path),*) => {$(
        impl ConditionalRequestError for SdkError<$error, HttpResponse> {
            fn condition_failed(self) -> StoreResult<()> {
                use $error as OperationError;
                match self.into_service_error() {
                    OperationError::ConditionalCheckFailedException(_) => Ok(()),
                    other => Err(StoreError::Backend(aws_sdk_dynamodb::error::DisplayErrorContext(other).to_string())),
                }
            }
        }
    )*};
}

conditional_request_error!(
    aws_sdk_dynamodb::operation::put_item::PutItemError,
    aws_sdk_dynamodb::operation::update_item::UpdateItemError
);

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn item(pk: &str) -> Item {
    HashMap::from([
        ("pk".to_owned(), s(pk)),
        ("sk".to_owned(), s(keys::SK_ITEM)),
    ])
}

fn key_of(pk: &str) -> Item {
    item(pk)
}

fn doc(item: &Item) -> StoreResult<&[u8]> {
    match item.get("doc") {
        Some(AttributeValue::S(text)) => Ok(text.as_bytes()),
        _ => Err(StoreError::Corrupt("item without doc".to_owned())),
    }
}

fn number(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

fn string<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

fn marker_item(pk: &str, target: &str) -> Item {
    let mut i = item(pk);
    i.insert("target".to_owned(), s(target));
    i
}

fn user_item(user: &User, revision: u64) -> StoreResult<Item> {
    let mut record = UserRecord::from(user);
    record.revision = revision;
    let mut i = item(&keys::user(user.id));
    i.insert("doc".to_owned(), s(records::encode(&record)?));
    i.insert("rev".to_owned(), n(revision));
    i.insert("email_key".to_owned(), s(user.email_key()));
    i.insert("username_key".to_owned(), s(user.username_key()));
    Ok(i)
}

fn organization_item(organization: &Organization) -> StoreResult<Item> {
    let mut i = item(&keys::organization(organization.id));
    i.insert(
        "doc".to_owned(),
        s(records::encode(&OrganizationRecord::from(organization))?),
    );
    Ok(i)
}

fn api_key_item(key: &ApiKey) -> StoreResult<Item> {
    let mut i = item(&keys::api_key(&key.id));
    i.insert(
        "doc".to_owned(),
        s(records::encode(&ApiKeyRecord::from(key))?),
    );
    i.insert("gsi1pk".to_owned(), s(keys::api_keys_of_user(key.user_id)));
    i.insert("gsi1sk".to_owned(), s(&key.id));
    i.insert(
        "ttl".to_owned(),
        n((key.expires_at + EXPIRED_KEY_RETENTION).timestamp()),
    );
    Ok(i)
}

/// A key's name marker: names the key and expires with it.
fn token_name_item(key: &ApiKey) -> Item {
    let mut i = marker_item(
        &keys::token_name_marker(key.user_id, &key.token_name),
        &keys::api_key(&key.id),
    );
    i.insert("exp".to_owned(), n(key.expires_at.timestamp()));
    i.insert("ttl".to_owned(), n(key.expires_at.timestamp()));
    i
}

fn put_new(table: &str, item: Item) -> StoreResult<TransactWriteItem> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk)")
        .build()
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// What each position of a transaction means when its condition fails.
type Outcomes = Vec<StoreError>;

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// A client on the SDK's configuration (`AWS_REGION`, `AWS_ENDPOINT_URL`, credentials chain).
    pub fn from_config(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self::new(Client::new(config), table)
    }

    async fn get(&self, pk: &str) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        Ok(out.item)
    }

    async fn get_doc<R, T>(&self, pk: &str) -> StoreResult<Option<T>>
    where
        R: for<'de> serde::Deserialize<'de>,
        T: TryFrom<R, Error = StoreError>,
    {
        match self.get(pk).await? {
            Some(i) => Ok(Some(records::decode::<R, T>(doc(&i)?)?)),
            None => Ok(None),
        }
    }

    async fn user_via_marker(&self, marker_pk: &str) -> StoreResult<Option<User>> {
        let Some(m) = self.get(marker_pk).await? else {
            // Read a user item that cannot exist, so an unknown email or username costs the same
            // two reads as a known one: response time does not tell which accounts exist.
            self.get(&keys::user(Uuid::nil())).await?;
            return Ok(None);
        };
        let target = string(&m, "target")
            .ok_or_else(|| StoreError::Corrupt("marker without target".to_owned()))?;
        self.get_doc::<UserRecord, User>(target).await
    }

    async fn organization_via_marker(&self, marker_pk: &str) -> StoreResult<Option<Organization>> {
        let Some(m) = self.get(marker_pk).await? else {
            return Ok(None);
        };
        let target = string(&m, "target")
            .ok_or_else(|| StoreError::Corrupt("marker without target".to_owned()))?;
        self.get_doc::<OrganizationRecord, Organization>(target)
            .await
    }

    /// Runs a transaction; a failed condition at position `i` becomes `outcomes[i]`.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        mut outcomes: Outcomes,
    ) -> StoreResult<()> {
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => match e.into_service_error() {
                TransactWriteItemsError::TransactionCanceledException(c) => {
                    let failed = c
                        .cancellation_reasons()
                        .iter()
                        .position(|r| r.code() == Some("ConditionalCheckFailed"));
                    match failed {
                        Some(i) if i < outcomes.len() => Err(outcomes.swap_remove(i)),
                        _ => Err(StoreError::Conflict),
                    }
                }
                other => Err(StoreError::Backend(
                    aws_sdk_dynamodb::error::DisplayErrorContext(other).to_string(),
                )),
            },
        }
    }

    fn organization_puts(
        &self,
        organization: &Organization,
    ) -> StoreResult<(Vec<TransactWriteItem>, Outcomes)> {
        let pk = keys::organization(organization.id);
        let mut items = vec![
            put_new(&self.table, organization_item(organization)?)?,
            put_new(
                &self.table,
                marker_item(&keys::organization_name_marker(&organization.name), &pk),
            )?,
        ];
        let mut outcomes = vec![
            StoreError::OrganizationNameTaken,
            StoreError::OrganizationNameTaken,
        ];
        if organization.is_default {
            items.push(put_new(
                &self.table,
                marker_item(keys::DEFAULT_ORGANIZATION, &pk),
            )?);
            outcomes.push(StoreError::Conflict);
        }
        Ok((items, outcomes))
    }

    fn user_puts(&self, user: &User) -> StoreResult<(Vec<TransactWriteItem>, Outcomes)> {
        let pk = keys::user(user.id);
        Ok((
            vec![
                put_new(
                    &self.table,
                    marker_item(&keys::email_marker(&user.email_key()), &pk),
                )?,
                put_new(
                    &self.table,
                    marker_item(&keys::username_marker(&user.username_key()), &pk),
                )?,
                put_new(&self.table, user_item(user, 1)?)?,
            ],
            vec![
                StoreError::EmailTaken,
                StoreError::UsernameTaken,
                StoreError::Conflict,
            ],
        ))
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
}

#[async_trait]
impl ApiKeyStore for DynamoStore {
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let mut items = vec![put_new(&self.table, api_key_item(key)?)?];
        let mut outcomes = vec![StoreError::Conflict];
        if !key.token_name.is_empty() {
            // Free when absent or when the key holding it has expired (TTL deletion lags).
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(token_name_item(key)))
                .condition_expression("attribute_not_exists(pk) OR #exp <= :now")
                .expression_attribute_names("#exp", "exp")
                .expression_attribute_values(":now", n(key.created_at.timestamp()))
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            items.push(TransactWriteItem::builder().put(put).build());
            outcomes.push(StoreError::TokenNameTaken);
        }
        self.transact(items, outcomes).await
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        self.get_doc::<ApiKeyRecord, ApiKey>(&keys::api_key(id))
            .await
    }

    async fn touch_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        if !key.token_name.is_empty() {
            // The name marker expires with its key, so both move together.
            let key_put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(api_key_item(key)?))
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let marker_put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(token_name_item(key)))
                .condition_expression("#target = :target")
                .expression_attribute_names("#target", "target")
                .expression_attribute_values(":target", s(keys::api_key(&key.id)))
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let items = vec![
                TransactWriteItem::builder().put(key_put).build(),
                TransactWriteItem::builder().put(marker_put).build(),
            ];
            // Deleted meanwhile (logout), or its name taken after it expired: left as it is.
            return match self.transact(items, Vec::new()).await {
                Ok(()) | Err(StoreError::Conflict) => Ok(()),
                Err(e) => Err(e),
            };
        }
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(api_key_item(key)?))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        match result {
            // Deleted meanwhile (logout): it stays deleted.
            Ok(_) => Ok(()),
            Err(e) => {
                e.condition_failed()?;
                Ok(())
            }
        }
    }

    async fn delete_api_key(&self, id: &str) -> StoreResult<()> {
        let Some(key) = self.api_key(id).await? else {
            return Ok(());
        };
        let mut deletes = vec![
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_of(&keys::api_key(id))))
                        .build()
                        .map_err(|e| StoreError::Backend(e.to_string()))?,
                )
                .build(),
        ];
        if !key.token_name.is_empty() {
            // In the same transaction, and only while the marker is still this key's: a
            // later key may hold the name once this one expired.
            let marker = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key_of(&keys::token_name_marker(
                    key.user_id,
                    &key.token_name,
                ))))
                .condition_expression("attribute_not_exists(pk) OR #target = :target")
                .expression_attribute_names("#target", "target")
                .expression_attribute_values(":target", s(keys::api_key(id)))
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            deletes.push(TransactWriteItem::builder().delete(marker).build());
        }
        match self.transact(deletes, Vec::new()).await {
            Ok(()) => Ok(()),
            // The name moved on to a newer key: delete this key alone.
            Err(StoreError::Conflict) => {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key_of(&keys::api_key(id))))
                    .send()
                    .await
                    .map_err(backend)?;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn api_keys_of_user(&self, user_id: Uuid) -> StoreResult<Vec<ApiKey>> {
        let mut keys_out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk")
                .expression_attribute_values(":pk", s(keys::api_keys_of_user(user_id)))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(backend)?;
            for i in page.items() {
                keys_out.push(records::decode::<ApiKeyRecord, ApiKey>(doc(i)?)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        Ok(keys_out)
    }

    async fn delete_api_keys_of_user(&self, user_id: Uuid) -> StoreResult<()> {
        for key in self.api_keys_of_user(user_id).await? {
            self.delete_api_key(&key.id).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl CounterStore for DynamoStore {
    async fn counter(&self, key: &str, now: DateTime<Utc>) -> StoreResult<u64> {
        let Some(i) = self.get(&keys::counter(key)).await? else {
            return Ok(0);
        };
        let live = number(&i, "expires_at").is_some_and(|e| e > now.timestamp());
        Ok(if live {
            number(&i, "count")
                .and_then(|c| u64::try_from(c).ok())
                .unwrap_or(0)
        } else {
            0
        })
    }

    async fn increment_below(
        &self,
        key: &str,
        ceiling: u64,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u64>> {
        if ceiling == 0 {
            return Ok(None);
        }
        let pk = keys::counter(key);
        let added = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(&pk)))
            .update_expression(
                "ADD #c :one SET #e = if_not_exists(#e, :exp), #t = if_not_exists(#t, :exp)",
            )
            .condition_expression("attribute_not_exists(pk) OR (#c < :ceiling AND #e > :now)")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#e", "expires_at")
            .expression_attribute_names("#t", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(expires_at.timestamp()))
            .expression_attribute_values(":ceiling", n(ceiling))
            .expression_attribute_values(":now", n(now.timestamp()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match added {
            Ok(out) => {
                let count = out
                    .attributes
                    .as_ref()
                    .and_then(|a| number(a, "count"))
                    .unwrap_or(1);
                return Ok(Some(u64::try_from(count).unwrap_or(1)));
            }
            Err(e) => e.condition_failed()?,
        }
        // Either at the ceiling or expired (TTL has not removed it yet): restart an expired one.
        let mut restarted = item(&pk);
        restarted.insert("count".to_owned(), n(1));
        restarted.insert("expires_at".to_owned(), n(expires_at.timestamp()));
        restarted.insert("ttl".to_owned(), n(expires_at.timestamp()));
        let reset = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(restarted))
            .condition_expression("expires_at <= :now")
            .expression_attribute_values(":now", n(now.timestamp()))
            .send()
            .await;
        match reset {
            Ok(_) => Ok(Some(1)),
            Err(e) => {
                e.condition_failed()?;
                Ok(None)
            }
        }
    }
}

#[async_trait]
impl SecretStore for DynamoStore {
    async fn get_or_create_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        let pk = keys::secret(name);
        let mut i = item(&pk);
        i.insert("value".to_owned(), AttributeValue::B(Blob::new(candidate)));
        let created = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(i))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match created {
            Ok(_) => return Ok(candidate.to_vec()),
            Err(e) => e.condition_failed()?,
        }
        match self.get(&pk).await?.and_then(|i| i.get("value").cloned()) {
            Some(AttributeValue::B(b)) => Ok(b.into_inner()),
            _ => Err(StoreError::Corrupt("secret item without value".to_owned())),
        }
    }
}
