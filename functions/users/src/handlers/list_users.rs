use crate::refusals::admin_error;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::users;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::wire::coder::{
    CoderError, Response, UserJson, parse_pagination, parse_user_query, write_json,
};
use serde_json::{Value, json};

fn invalid(message: &str, validations: Vec<gatehouse::wire::coder::ValidationError>) -> CoderError {
    let mut body = Response::message(message);
    body.validations = validations;
    CoderError::new(StatusCode::BAD_REQUEST, body)
}

/// `GET /api/v2/users`: the users the caller may read, filtered by `q`, by lower-case
/// username, paginated; `count` is every match before the page is cut.
pub async fn list_users(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<HttpResponse, CoderError> {
    let q = query
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let filter = parse_user_query(q).map_err(|v| invalid("Invalid user search query.", v))?;
    let page = parse_pagination(&query)
        .map_err(|v| invalid("Query parameters have invalid values.", v))?;
    let (found, count) = users::list_users(&state, &s, &filter, page)
        .await
        .map_err(admin_error)?;
    let users: Vec<Value> = found
        .iter()
        .map(|u| {
            let mut v = serde_json::to_value(UserJson::from(u)).unwrap_or(Value::Null);
            // Coder's list leaves a user without organizations at Go's nil slice.
            if u.memberships.is_empty() {
                v["organization_ids"] = Value::Null;
            }
            v
        })
        .collect();
    // Coder reads the count from the first row, so an empty page says 0.
    let count = if users.is_empty() { 0 } else { count };
    let mut response = write_json(StatusCode::OK, &json!({ "users": users, "count": count }));
    // Written with go-chi's `render.JSON`: no charset.
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
