//! Request bodies of the authz group: authcheck, role updates, organizations, API tokens.

use super::go_json::{DecodeError, GoObject, GoRequest};
use super::validate::{FieldFailure, check};

#[derive(Debug, Clone, Default)]
pub struct AuthorizationObject {
    pub resource_type: String,
    pub owner_id: String,
    pub organization_id: String,
    pub resource_id: String,
    pub any_org: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AuthorizationCheck {
    pub object: AuthorizationObject,
    pub action: String,
}

/// `codersdk.AuthorizationRequest`: `{"checks": {"<key>": {"object": {...}, "action": "..."}}}`.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationRequest {
    pub checks: Vec<(String, AuthorizationCheck)>,
}

impl GoRequest for AuthorizationRequest {
    const GO_TYPE: &'static str = "codersdk.AuthorizationRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        let mut checks = Vec::new();
        for (key, entry) in o.struct_map(
            "checks",
            "map[string]codersdk.AuthorizationCheck",
            "codersdk.AuthorizationCheck",
        )? {
            let object = entry.object("object", "codersdk.AuthorizationObject")?;
            let check = AuthorizationCheck {
                object: AuthorizationObject {
                    resource_type: object.string_as("resource_type", "codersdk.RBACResource")?,
                    owner_id: object.string("owner_id")?,
                    organization_id: object.string("organization_id")?,
                    resource_id: object.string("resource_id")?,
                    any_org: object.bool("any_org")?,
                },
                action: entry.string_as("action", "codersdk.RBACAction")?,
            };
            checks.push((key, check));
        }
        Ok(Self { checks })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        Vec::new()
    }
}

/// `codersdk.UpdateRoles`.
#[derive(Debug, Clone)]
pub struct UpdateRoles {
    pub roles: Vec<String>,
}

impl GoRequest for UpdateRoles {
    const GO_TYPE: &'static str = "codersdk.UpdateRoles";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            roles: o.strings("roles")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        Vec::new()
    }
}

/// `codersdk.CreateOrganizationRequest`.
#[derive(Debug, Clone)]
pub struct CreateOrganizationRequest {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub icon: String,
}

impl GoRequest for CreateOrganizationRequest {
    const GO_TYPE: &'static str = "codersdk.CreateOrganizationRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            name: o.string("name")?,
            display_name: o.string("display_name")?,
            description: o.string("description")?,
            icon: o.string("icon")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        [
            check("name", &self.name, &["required", "organization_name"]),
            check(
                "display_name",
                &self.display_name,
                &["organization_display_name"],
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// `codersdk.CreateTokenRequest`; `lifetime` is a Go `time.Duration` (nanoseconds).
#[derive(Debug, Clone)]
pub struct CreateTokenRequest {
    pub lifetime_nanos: i64,
    pub scope: String,
    pub scopes: Vec<String>,
    pub token_name: String,
    pub allow_list: Vec<String>,
}

impl GoRequest for CreateTokenRequest {
    const GO_TYPE: &'static str = "codersdk.CreateTokenRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            lifetime_nanos: o.i64("lifetime", "time.Duration")?,
            scope: o.string_as("scope", "codersdk.APIKeyScope")?,
            scopes: o.strings("scopes")?,
            token_name: o.string("token_name")?,
            allow_list: o.strings("allow_list")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        Vec::new()
    }
}
