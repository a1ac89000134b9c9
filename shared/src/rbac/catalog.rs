//! Resource types and their actions, as the JSON strings clients send (coderd/rbac/policy/policy.go,
//! doc era).

const WORKSPACE_ACTIONS: &[&str] = &[
    "create",
    "read",
    "update",
    "delete",
    "start",
    "stop",
    "ssh",
    "application_connect",
    "create_agent",
    "delete_agent",
    "share",
];
pub(super) const CRUD: &[&str] = &["create", "read", "update", "delete"];

/// Every resource type with the actions it supports.
pub const RESOURCES: &[(&str, &[&str])] = &[
    (
        "user",
        &[
            "read",
            "create",
            "update",
            "delete",
            "read_personal",
            "update_personal",
        ],
    ),
    ("workspace", WORKSPACE_ACTIONS),
    ("workspace_dormant", WORKSPACE_ACTIONS),
    ("task", CRUD),
    ("prebuilt_workspace", &["update", "delete"]),
    ("workspace_proxy", CRUD),
    ("license", &["create", "read", "delete"]),
    ("audit_log", &["read", "create"]),
    ("connection_log", &["read", "update"]),
    ("deployment_config", &["read", "update"]),
    ("deployment_stats", &["read"]),
    ("replicas", &["read"]),
    (
        "template",
        &["create", "use", "read", "update", "delete", "view_insights"],
    ),
    ("group", CRUD),
    ("group_member", &["read"]),
    ("file", &["create", "read"]),
    ("provisioner_daemon", CRUD),
    ("provisioner_jobs", &["read", "update", "create"]),
    ("organization", CRUD),
    ("organization_member", CRUD),
    ("debug_info", &["read"]),
    ("system", CRUD),
    ("api_key", CRUD),
    ("tailnet_coordinator", CRUD),
    ("assign_role", &["assign", "unassign", "read"]),
    (
        "assign_org_role",
        &["assign", "unassign", "create", "read", "update", "delete"],
    ),
    ("oauth2_app", CRUD),
    ("oauth2_app_secret", CRUD),
    ("oauth2_app_code_token", &["create", "read", "delete"]),
    ("notification_message", CRUD),
    ("notification_template", &["read", "update"]),
    ("notification_preference", &["read", "update"]),
    ("webpush_subscription", &["create", "read", "delete"]),
    ("inbox_notification", &["create", "read", "update"]),
    ("crypto_key", CRUD),
    ("idpsync_settings", &["read", "update"]),
    (
        "workspace_agent_resource_monitor",
        &["create", "read", "update"],
    ),
    ("workspace_agent_devcontainers", &["create"]),
    ("user_secret", CRUD),
    ("usage_event", &["create", "read", "update"]),
    ("aibridge_interception", &["create", "read", "update"]),
];

pub fn is_known_action(resource: &str, action: &str) -> bool {
    RESOURCES
        .iter()
        .any(|(r, actions)| *r == resource && actions.contains(&action))
}
