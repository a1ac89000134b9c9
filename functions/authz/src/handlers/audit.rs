//! `GET /api/v2/audit`: Coder's audit log, from the activity log both surfaces write.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::audit;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::wire::coder::{
    AuditLog, CoderError, Response, ValidationError, parse_audit_query, parse_pagination,
    write_json,
};
use serde_json::json;

fn invalid(message: &str, validations: Vec<ValidationError>) -> CoderError {
    let mut body = Response::message(message);
    body.validations = validations;
    CoderError::new(StatusCode::BAD_REQUEST, body)
}

pub async fn audit_logs(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<HttpResponse, CoderError> {
    let page = parse_pagination(&query)
        .map_err(|v| invalid("Query parameters have invalid values.", v))?;
    let q = query
        .iter()
        .find(|(k, _)| k == "q")
        .map_or("", |(_, v)| v.as_str());
    let filter = parse_audit_query(q).map_err(|v| invalid("Invalid audit search query.", v))?;
    let (entries, count) = audit::audit_logs(&state, &s, &filter, &page)
        .await
        .map_err(|e| CoderError::internal(&e))?;
    let logs: Vec<AuditLog> = entries
        .iter()
        .map(|e| AuditLog::new(&e.activity, e.actor.as_ref(), e.target_deleted))
        .collect();
    // Coder reads the count from the first row, so an empty page says 0.
    let count = if logs.is_empty() { 0 } else { count };
    Ok(write_json(
        StatusCode::OK,
        &json!({ "audit_logs": logs, "count": count, "count_cap": 0 }),
    ))
}
