//! The OpenAPI 3.0 document of the whole API, built from the routes each group registers
//! through [`crate::http::api_doc::Api`]: nothing in it is written by hand, so it lists exactly
//! what is served.

use crate::http::api_doc::PathItem;
use serde_json::{Map, Value, json};

/// One endpoint group's routes.
pub struct Group<'a> {
    /// The group's name (`users`, `authz`, `identity`, `resource`).
    pub name: &'a str,
    /// `coder` or `barong`: whose errors and credentials the group speaks.
    pub surface: &'a str,
    pub paths: &'a [PathItem],
}

/// The namespace of a path: the segment after the surface's prefix (`api_keys` in
/// `/api/v2/auth/resource/api_keys/{kid}`, `organizations` in `/api/v2/organizations/...`).
pub fn namespace(path: &str) -> &str {
    let rest = path.strip_prefix("/api/v2/").unwrap_or(path);
    let rest = ["auth/identity/", "auth/resource/", "auth/admin/", "auth/"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    rest.split('/').next().unwrap_or(rest)
}

/// axum's `{*rest}` is OpenAPI's `{rest}`.
fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            json!({
                "name": name.trim_start_matches('*'),
                "in": "path",
                "required": true,
                "schema": {"type": "string"},
            })
        })
        .collect()
}

fn operation_id(method: &str, path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{method}{}", slug.trim_end_matches('_'))
}

fn error_response(surface: &str) -> Value {
    match surface {
        "barong" => json!({
            "description": "Refused: Barong's error keys",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BarongErrors"}}},
        }),
        _ => json!({
            "description": "Refused: Coder's response",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CoderResponse"}}},
        }),
    }
}

/// The document for `groups`.
pub fn document(groups: &[Group<'_>], version: &str) -> Value {
    let mut paths = Map::new();
    let mut namespaces: Vec<String> = Vec::new();
    for group in groups {
        for item in group.paths {
            let ns = namespace(&item.path).to_owned();
            if !namespaces.contains(&ns) {
                namespaces.push(ns.clone());
            }
            let entry = paths
                .entry(openapi_path(&item.path))
                .or_insert_with(|| json!({}));
            for op in &item.operations {
                let mut operation = json!({
                    "tags": [group.name, ns],
                    "summary": op.summary,
                    "operationId": operation_id(op.method, &item.path),
                    "responses": {
                        op.status.to_string(): {"description": "Success"},
                        "default": error_response(group.surface),
                    },
                });
                let parameters = path_parameters(&item.path);
                if !parameters.is_empty() {
                    operation["parameters"] = Value::Array(parameters);
                }
                entry[op.method] = operation;
            }
        }
    }
    let mut tags: Vec<Value> = groups
        .iter()
        .map(|g| json!({"name": g.name, "description": format!("The {} group ({} surface)", g.name, g.surface)}))
        .collect();
    namespaces.sort();
    tags.extend(namespaces.iter().map(|n| json!({"name": n})));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Gatehouse",
            "version": version,
            "description": "Coder's auth API and Barong's user API (under /api/v2/auth) on one user store.",
        },
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {
                "CoderSessionToken": {"type": "apiKey", "in": "header", "name": "Coder-Session-Token"},
                "BarongSession": {"type": "apiKey", "in": "cookie", "name": "_barong_session"},
                "BarongApiKey": {"type": "apiKey", "in": "header", "name": "X-Auth-Apikey", "description": "With X-Auth-Nonce (ms) and X-Auth-Signature: hex HMAC-SHA256 of nonce + kid under the key's secret"},
                "Bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
            "schemas": {
                "BarongErrors": {"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "string"}}}},
                "CoderResponse": {"type": "object", "properties": {
                    "message": {"type": "string"},
                    "detail": {"type": "string"},
                    "validations": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "detail": {"type": "string"}}}},
                }},
            },
        },
    })
}

/// The part of `document` whose operations carry the tag `name` (a group or a namespace), or
/// `None` when no operation does.
pub fn section(document: &Value, name: &str) -> Option<Value> {
    let mut out = document.clone();
    let paths = out.get_mut("paths")?.as_object_mut()?;
    paths.retain(|_, item| {
        let Some(ops) = item.as_object_mut() else {
            return false;
        };
        ops.retain(|_, op| {
            op["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == name))
        });
        !ops.is_empty()
    });
    (!paths.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces() {
        assert_eq!(
            namespace("/api/v2/auth/resource/api_keys/{kid}"),
            "api_keys"
        );
        assert_eq!(namespace("/api/v2/auth/identity/sessions"), "sessions");
        assert_eq!(namespace("/api/v2/auth/admin/restrictions"), "restrictions");
        assert_eq!(
            namespace("/api/v2/organizations/{organization}"),
            "organizations"
        );
        assert_eq!(namespace("/api/v2/auth/scopes"), "scopes");
        assert_eq!(
            openapi_path("/api/v2/auth/authz/{*path}"),
            "/api/v2/auth/authz/{path}"
        );
    }
}
