//! Coder's audit log on the wire (`GET /api/v2/audit`): the `q` filters as coderd/searchquery
//! `AuditLogs` parses them, and `codersdk.AuditLog` in its field order.

use super::go_json::go_quote;
use super::response::{ValidationError, go_time};
use super::user::UserJson;
use super::user_query::{invalid, single, split_unquoted};
use crate::model::{Activity, User};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Coder's audit actions and resource types (the enums `ParseEnum` accepts).
const ACTIONS: &[&str] = &[
    "create",
    "write",
    "delete",
    "start",
    "stop",
    "login",
    "logout",
    "register",
    "request_password_reset",
    "connect",
    "disconnect",
    "open",
    "close",
];
const RESOURCE_TYPES: &[&str] = &[
    "template",
    "template_version",
    "user",
    "workspace",
    "workspace_build",
    "git_ssh_key",
    "api_key",
    "group",
    "license",
    "convert_login",
    "health_settings",
    "notifications_settings",
    "prebuilds_settings",
    "workspace_proxy",
    "organization",
    "oauth2_provider_app",
    "oauth2_provider_app_secret",
    "custom_role",
    "organization_member",
    "notification_template",
    "idp_sync_settings_organization",
    "idp_sync_settings_group",
    "idp_sync_settings_role",
    "workspace_agent",
    "workspace_app",
];
const KNOWN_KEYS: &[&str] = &[
    "request_id",
    "resource_id",
    "resource_target",
    "username",
    "email",
    "date_from",
    "date_to",
    "organization",
    "resource_type",
    "action",
    "build_reason",
];

/// What `q` asks for. `organization` is accepted and matches every record: auth events belong
/// to no organization.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub resource_target: Option<String>,
    pub action: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub date_from: Option<DateTime<Utc>>,
    /// Inclusive: the end of the given day.
    pub date_to: Option<DateTime<Utc>>,
}

/// `key:value` terms; a bare word is a `resource_type` (Coder's default key for audit).
fn terms(q: &str) -> Result<Vec<(String, String)>, ValidationError> {
    let mut out = Vec::new();
    for element in split_unquoted(q, ' ', true) {
        if element.starts_with(':') || element.ends_with(':') {
            return Err(invalid(
                "q",
                format!(
                    "Query element {element} cannot start or end with ':'",
                    element = go_quote(&element)
                ),
            ));
        }
        match split_unquoted(&element, ':', false).as_slice() {
            [word] => out.push(("resource_type".to_owned(), word.clone())),
            [key, value] => out.push((key.clone(), value.clone())),
            _ => {
                return Err(invalid(
                    "q",
                    format!(
                        "Query element {element} can only contain 1 ':'",
                        element = go_quote(&element)
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn one_of(
    terms: &[(String, String)],
    key: &str,
    allowed: &[&str],
    errors: &mut Vec<ValidationError>,
) -> Option<String> {
    let value = single(terms, key, errors)?;
    if allowed.contains(&value) {
        Some(value.to_owned())
    } else {
        errors.push(invalid(
            key,
            format!(
                "Query param {key} has invalid value: {value} is not a valid value",
                key = go_quote(key),
                value = go_quote(value)
            ),
        ));
        None
    }
}

fn date(
    terms: &[(String, String)],
    key: &str,
    errors: &mut Vec<ValidationError>,
) -> Option<DateTime<Utc>> {
    let value = single(terms, key, errors)?;
    match super::go_time::parse_date_only(value) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(invalid(
                key,
                format!(
                    "Query param {key} must be a valid date format ({}): {e}",
                    super::go_time::DATE_ONLY,
                    key = go_quote(key)
                ),
            ));
            None
        }
    }
}

/// Coder's `q` for the audit log; lower-cased first, as Coder does.
pub fn parse_audit_query(q: &str) -> Result<AuditFilter, Vec<ValidationError>> {
    let q = q.to_lowercase();
    let terms = terms(&q).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let resource_id = single(&terms, "resource_id", &mut errors).and_then(|v| {
        Uuid::parse_str(v).ok().or_else(|| {
            errors.push(invalid(
                "resource_id",
                "Query param \"resource_id\" must be a valid uuid".to_owned(),
            ));
            None
        })
    });
    if let Some(v) = single(&terms, "request_id", &mut errors)
        && Uuid::parse_str(v).is_err()
    {
        errors.push(invalid(
            "request_id",
            "Query param \"request_id\" must be a valid uuid".to_owned(),
        ));
    }
    let filter = AuditFilter {
        resource_type: one_of(&terms, "resource_type", RESOURCE_TYPES, &mut errors),
        resource_id,
        resource_target: single(&terms, "resource_target", &mut errors).map(str::to_owned),
        action: one_of(&terms, "action", ACTIONS, &mut errors),
        username: single(&terms, "username", &mut errors).map(str::to_owned),
        email: single(&terms, "email", &mut errors).map(str::to_owned),
        date_from: date(&terms, "date_from", &mut errors),
        date_to: date(&terms, "date_to", &mut errors)
            .map(|d| d + chrono::Duration::seconds(24 * 3600 - 1)),
    };
    let mut unknown: Vec<&str> = terms
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !KNOWN_KEYS.contains(k))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    for key in unknown {
        errors.push(invalid(
            key,
            format!("{key} is not a valid query param", key = go_quote(key)),
        ));
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

impl AuditFilter {
    /// Whether `activity`, done by `actor`, is asked for.
    pub fn matches(&self, activity: &Activity, actor: Option<&User>) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        eq(&self.resource_type, &activity.resource_type)
            && eq(&self.action, &activity.audit_action)
            && self
                .resource_id
                .is_none_or(|id| activity.resource_id == Some(id))
            && self
                .resource_target
                .as_deref()
                .is_none_or(|t| activity.resource_target.eq_ignore_ascii_case(t))
            && self
                .username
                .as_deref()
                .is_none_or(|u| actor.is_some_and(|a| a.username.eq_ignore_ascii_case(u)))
            && self
                .email
                .as_deref()
                .is_none_or(|e| actor.is_some_and(|a| a.email.eq_ignore_ascii_case(e)))
            && self.date_from.is_none_or(|t| activity.created_at >= t)
            && self.date_to.is_none_or(|t| activity.created_at <= t)
    }
}

/// `codersdk.AuditLog`.
#[derive(Serialize)]
pub struct AuditLog {
    pub id: Uuid,
    pub request_id: Uuid,
    pub time: String,
    pub ip: String,
    pub user_agent: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub resource_target: String,
    pub resource_icon: String,
    pub action: String,
    pub diff: Map<String, Value>,
    pub status_code: u16,
    pub additional_fields: Map<String, Value>,
    pub description: String,
    pub resource_link: String,
    pub is_deleted: bool,
    pub organization_id: Uuid,
    pub user: Option<Value>,
}

/// Coder's `AuditAction.Friendly()`.
fn friendly(action: &str) -> &str {
    match action {
        "create" => "created",
        "write" => "updated",
        "delete" => "deleted",
        "start" => "started",
        "stop" => "stopped",
        "login" => "logged in",
        "logout" => "logged out",
        "register" => "registered",
        "request_password_reset" => "password reset requested",
        other => other,
    }
}

/// Coder's `auditLogDescription`.
fn description(a: &Activity) -> String {
    let mut out = String::new();
    if a.audit_action != "request_password_reset" {
        out.push_str("{user} ");
    }
    if a.status_code >= 400 {
        out.push_str("unsuccessfully attempted to ");
        out.push_str(&a.audit_action);
    } else {
        out.push_str(friendly(&a.audit_action));
    }
    if a.resource_type == "api_key"
        && matches!(a.audit_action.as_str(), "login" | "logout" | "register")
    {
        return out;
    }
    if a.audit_action == "request_password_reset" {
        out.push_str(" for");
    } else {
        out.push(' ');
        out.push_str(match a.resource_type.as_str() {
            "api_key" => "token",
            other => other,
        });
    }
    out.push_str(" {target}");
    out
}

impl AuditLog {
    /// `actor` is who acted; `target_deleted` whether a user it names is gone.
    pub fn new(a: &Activity, actor: Option<&User>, target_deleted: bool) -> Self {
        let user = actor.map(|u| {
            let mut json = serde_json::to_value(UserJson::from(u)).unwrap_or(Value::Null);
            // Coder leaves the organizations out of the audit log's users.
            if let Some(fields) = json.as_object_mut() {
                fields.insert("organization_ids".to_owned(), Value::Array(Vec::new()));
            }
            json
        });
        let resource_link = if a.resource_type == "user" && !target_deleted {
            format!("/users?filter={}", a.resource_target)
        } else {
            String::new()
        };
        Self {
            id: a.id,
            request_id: a.id,
            time: go_time(&a.created_at),
            ip: a.user_ip.clone(),
            user_agent: a.user_agent.clone(),
            resource_type: a.resource_type.clone(),
            resource_id: a.resource_id.unwrap_or_default(),
            resource_target: a.resource_target.clone(),
            resource_icon: String::new(),
            action: a.audit_action.clone(),
            diff: Map::new(),
            status_code: a.status_code,
            additional_fields: Map::new(),
            description: description(a),
            resource_link,
            is_deleted: target_deleted,
            organization_id: Uuid::nil(),
            user,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_and_errors() {
        let f = parse_audit_query("action:login resource_type:api_key username:Bob").unwrap();
        assert_eq!(f.action.as_deref(), Some("login"));
        assert_eq!(f.resource_type.as_deref(), Some("api_key"));
        assert_eq!(f.username.as_deref(), Some("bob"));
        let f = parse_audit_query("user").unwrap();
        assert_eq!(f.resource_type.as_deref(), Some("user"));
        let e = parse_audit_query("action:fly").unwrap_err();
        assert_eq!(e[0].field, "action");
        assert_eq!(
            e[0].detail,
            "Query param \"action\" has invalid value: \"fly\" is not a valid value"
        );
        let e = parse_audit_query("colour:red").unwrap_err();
        assert_eq!(e[0].detail, "\"colour\" is not a valid query param");
        let e = parse_audit_query("date_from:yesterday").unwrap_err();
        assert_eq!(e[0].field, "date_from");
        assert!(parse_audit_query("action:").is_err());
        let f = parse_audit_query("date_to:2026-12-01").unwrap();
        assert_eq!(f.date_to.unwrap().to_rfc3339(), "2026-12-01T23:59:59+00:00");
    }
}
