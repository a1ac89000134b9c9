//! The AWS store: one DynamoDB table (`pk`/`sk` strings, sparse GSI `gsi1`, TTL attribute `ttl`),
//! defined in `template.yaml`. Uniqueness holds through marker items written in the same
//! `TransactWriteItems` with `attribute_not_exists`; updates are conditional on a revision.
//! TTL deletion lags, so every expiry is also checked in code.

use super::records::{self, ApiKeyRecord, BarongSessionRecord, OrganizationRecord, UserRecord};
use super::{
    ActivityStore, ApiKeyStore, BarongApiKeyStore, BarongSessionStore, CounterStore,
    OrganizationStore, RestrictionStore, SecretStore, SessionStore, StoreError, StoreResult,
    UserStore, keys,
};
use crate::model::{ApiKey, BarongSession, Organization, Restriction, User};
use crate::token::SecretHash;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, TransactWriteItem};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use uuid::Uuid;

// One module per capability; the helpers they share live here.
mod activities;
mod api_keys;
mod barong_api_keys;
mod barong_sessions;
mod counters;
mod organizations;
mod restrictions;
mod secrets;
mod users;

use organizations::organization_item;
use users::user_item;

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

    /// Every record in one partition of `gsi1`, page after page.
    async fn query_index<R, T>(&self, partition: &str) -> StoreResult<Vec<T>>
    where
        R: for<'de> serde::Deserialize<'de>,
        T: TryFrom<R, Error = StoreError>,
    {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk")
                .expression_attribute_values(":pk", s(partition))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(backend)?;
            for i in page.items() {
                found.push(records::decode::<R, T>(doc(i)?)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(found),
            }
        }
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
                put_new(&self.table, marker_item(&keys::uid_marker(&user.uid), &pk))?,
            ],
            vec![
                StoreError::EmailTaken,
                StoreError::UsernameTaken,
                StoreError::Conflict,
                StoreError::Conflict,
            ],
        ))
    }
}
