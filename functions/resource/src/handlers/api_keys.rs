//! `GET/POST /resource/api_keys`, `PATCH/DELETE /resource/api_keys/{kid}`.

use crate::reply::{api_key_error, otp_protected, user_of};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::barong::api_keys::{self, Holder, scope_list};
use gatehouse::http::barong_auth::BarongAuth;
use gatehouse::http::barong_pagination::{PAGINATION, paginate};
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::model::{BarongApiKey, User};
use gatehouse::wire::barong::error::{BarongError, json_response};
use gatehouse::wire::barong::resource::ApiKey;
use http::StatusCode;

/// The APIKey columns Barong lets a list be ordered by.
const COLUMNS: &[&str] = &[
    "id",
    "key_holder_account_id",
    "key_holder_account_type",
    "kid",
    "algorithm",
    "scope",
    "secret_encrypted",
    "state",
    "created_at",
    "updated_at",
];

/// The list parameters; `prefix` names the messages (`resource.api_key`, or
/// `resource.service_accounts`).
pub fn list_params(prefix: &'static str) -> [Spec; 4] {
    let (ordering, attribute) = match prefix {
        "resource.service_accounts" => (
            "resource.service_accounts.invalid_ordering",
            "resource.service_accounts.invalid_attribute",
        ),
        _ => (
            "resource.api_key.invalid_ordering",
            "resource.api_key.invalid_attribute",
        ),
    };
    let [page, limit] = PAGINATION;
    [
        Spec::optional("ordering")
            .string()
            .values(&["asc", "desc"])
            .values_message(ordering),
        Spec::optional("order_by")
            .string()
            .values(COLUMNS)
            .values_message(attribute),
        page,
        limit,
    ]
}

/// Orders `keys` as Barong's `order(order_by => ordering)` would.
fn order(keys: &mut [BarongApiKey], order_by: &str, descending: bool, generation: u64) {
    keys.sort_by(|a, b| {
        let by = match order_by {
            "kid" => a.kid.cmp(&b.kid),
            "algorithm" => a.algorithm.cmp(&b.algorithm),
            "scope" => a.scope.cmp(&b.scope),
            "state" => a
                .effective_state(generation)
                .cmp(b.effective_state(generation)),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "secret_encrypted" => a.sealed_secret.cmp(&b.sealed_secret),
            // `id` is insertion order, which creation time is.
            _ => a.created_at.cmp(&b.created_at),
        };
        by.then_with(|| a.created_at.cmp(&b.created_at))
            .then_with(|| a.kid.cmp(&b.kid))
    });
    if descending {
        keys.reverse();
    }
}

/// One page of a holder's keys with the pagination headers.
pub async fn list_page(
    state: &AppState,
    user: &User,
    holder: Holder<'_>,
    params: &Params,
    base_url: &str,
    uri: &http::Uri,
) -> Result<Response, BarongError> {
    let mut keys = api_keys::list(state, user, holder)
        .await
        .map_err(api_key_error)?;
    order(
        &mut keys,
        params.string("order_by").unwrap_or("id"),
        params.string("ordering") == Some("desc"),
        user.api_key_generation,
    );
    let entities: Vec<ApiKey> = keys
        .iter()
        .map(|k| ApiKey::new(k, user.api_key_generation, None))
        .collect();
    let (entities, headers) = paginate(
        entities,
        params.int("page").unwrap_or(1),
        params.int("limit").unwrap_or(100),
        base_url,
        uri,
    );
    Ok((headers, json_response(StatusCode::OK, &entities)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    uri: http::Uri,
    base_url: PublicUrl,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.apikey", &list_params("resource.api_key"))?;
    let user = user_of(&auth)?;
    list_page(&state, &user, Holder::User, &params, &base_url.0, &uri).await
}

/// The create parameters; `missing_totp` is the message of an absent code.
pub fn create_params(missing_totp: &'static str) -> [Spec; 3] {
    [
        Spec::required("algorithm").string().non_blank(),
        Spec::optional("scope").string().non_blank(),
        Spec::required("totp_code")
            .string()
            .non_blank()
            .message(missing_totp),
    ]
}

/// 201 with the key and its secret, shown this once.
pub async fn create(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.apikey",
        &create_params("resource.api_key.missing_totp"),
    )?;
    let user = user_of(&auth)?;
    let user = otp_protected(&state, user, params.string("totp_code"), "resource.api_key").await?;
    let (key, secret) = api_keys::create(
        &state,
        &user,
        Holder::User,
        params.string("algorithm").unwrap_or_default(),
        scope_list(params.string("scope")),
    )
    .await
    .map_err(api_key_error)?;
    Ok(json_response(
        StatusCode::CREATED,
        &ApiKey::new(&key, user.api_key_generation, Some(secret)),
    ))
}

/// The update parameters. No message on `totp_code`: an absent code is the generated
/// `missing_totp_code` (and `empty_totp_code`), unlike create's.
pub fn update_params() -> [Spec; 3] {
    [
        Spec::optional("scope").string().non_blank(),
        Spec::optional("state").string().non_blank(),
        TOTP_CODE,
    ]
}

/// `requires :totp_code, type: String, allow_blank: false` without a message (update, delete).
pub const TOTP_CODE: Spec = Spec::required("totp_code").string().non_blank();

pub async fn update(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::Kid { kid }): Path<crate::path::Kid>,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.apikey", &update_params())?;
    let user = user_of(&auth)?;
    let user = otp_protected(&state, user, params.string("totp_code"), "resource.api_key").await?;
    let key = api_keys::update(
        &state,
        &user,
        Holder::User,
        &kid,
        scope_list(params.string("scope")),
        params.string("state"),
    )
    .await
    .map_err(api_key_error)?;
    Ok(json_response(
        StatusCode::OK,
        &ApiKey::new(&key, user.api_key_generation, None),
    ))
}

/// 204.
pub async fn delete(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::Kid { kid }): Path<crate::path::Kid>,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.apikey", &[TOTP_CODE])?;
    let user = user_of(&auth)?;
    let user = otp_protected(&state, user, params.string("totp_code"), "resource.api_key").await?;
    api_keys::delete(&state, &user, Holder::User, &kid)
        .await
        .map_err(api_key_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
