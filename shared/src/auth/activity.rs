//! The activity log: one record per auth event on either surface, written by the request that
//! made the event. Barong reads a user's records as `activities` (topic, action, result);
//! Coder reads everyone's as its audit log (action, resource type, status). One table of what
//! each event is on both surfaces keeps the two readings of a record in step.

use crate::model::{Activity, User};
use crate::state::AppState;
use serde_json::Value;
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use uuid::Uuid;

/// Who made the request: its address and User-Agent.
#[derive(Debug, Clone)]
pub struct Origin {
    pub ip: IpAddr,
    pub user_agent: String,
}

/// Where the event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Barong,
    Coder,
}

/// An auth event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Login,
    /// A Barong sign-in that asked for the second factor (`login::2fa`, right code or wrong).
    LoginTwoFactor,
    Logout,
    Signup,
    PasswordChange,
    PasswordReset,
    PasswordResetRequest,
    TwoFactorRequest,
    TwoFactorEnable,
    TwoFactorDisable,
    ApiKeyCreate,
    ApiKeyUpdate,
    ApiKeyDelete,
    AccountDelete,
    UserCreate,
    UserUpdate,
    UserSuspend,
    UserActivate,
    RolesChange,
}

impl Kind {
    /// Barong's `(topic, action)`: topics `session`, `otp`, `password`, `account`, and
    /// `api_keys` for key changes (Barong records none; Gatehouse does).
    fn barong(self) -> (&'static str, &'static str) {
        match self {
            Self::Login => ("session", "login"),
            Self::LoginTwoFactor => ("session", "login::2fa"),
            Self::Logout => ("session", "logout"),
            Self::Signup => ("account", "signup"),
            Self::PasswordChange => ("password", "password change"),
            Self::PasswordReset => ("password", "password reset"),
            Self::PasswordResetRequest => ("password", "password reset request"),
            Self::TwoFactorRequest => ("otp", "request QR code for 2FA"),
            Self::TwoFactorEnable => ("otp", "enable 2FA"),
            Self::TwoFactorDisable => ("otp", "disable 2FA"),
            Self::ApiKeyCreate => ("api_keys", "create api key"),
            Self::ApiKeyUpdate => ("api_keys", "update api key"),
            Self::ApiKeyDelete => ("api_keys", "delete api key"),
            Self::AccountDelete => ("account", "delete"),
            Self::UserCreate => ("account", "create user"),
            Self::UserUpdate => ("account", "update user"),
            Self::UserSuspend => ("account", "suspend user"),
            Self::UserActivate => ("account", "activate user"),
            Self::RolesChange => ("account", "change roles"),
        }
    }

    /// Coder's audit `(action, resource_type)`.
    fn coder(self) -> (&'static str, &'static str) {
        match self {
            Self::Login | Self::LoginTwoFactor => ("login", "api_key"),
            Self::Logout => ("logout", "api_key"),
            Self::Signup => ("register", "api_key"),
            Self::PasswordResetRequest => ("request_password_reset", "user"),
            Self::ApiKeyCreate => ("create", "api_key"),
            Self::ApiKeyUpdate => ("write", "api_key"),
            Self::ApiKeyDelete => ("delete", "api_key"),
            Self::AccountDelete => ("delete", "user"),
            Self::UserCreate => ("create", "user"),
            Self::PasswordChange
            | Self::PasswordReset
            | Self::TwoFactorRequest
            | Self::TwoFactorEnable
            | Self::TwoFactorDisable
            | Self::UserUpdate
            | Self::UserSuspend
            | Self::UserActivate
            | Self::RolesChange => ("write", "user"),
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub kind: Kind,
    pub surface: Surface,
    /// The HTTP status answered: below 400 the event succeeded.
    pub status: u16,
    /// Who acted (absent for an unknown sign-in address).
    pub actor: Option<&'a User>,
    /// What it was done to, when not the actor itself: `(id, name)`.
    pub target: Option<(Uuid, &'a str)>,
    /// Details as JSON (never a secret).
    pub data: Option<Value>,
}

impl<'a> Event<'a> {
    pub fn new(kind: Kind, surface: Surface, status: u16, actor: Option<&'a User>) -> Self {
        Self {
            kind,
            surface,
            status,
            actor,
            target: None,
            data: None,
        }
    }

    pub fn target(mut self, id: Uuid, name: &'a str) -> Self {
        self.target = Some((id, name));
        self
    }

    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// The last sequence number this process gave out.
static LAST_SEQ: AtomicI64 = AtomicI64::new(i64::MIN);

/// A record's `seq`: its time in microseconds, made strictly increasing within the process so
/// that two events in one microsecond (or under a test's stopped clock) keep their order.
fn next_seq(now_micros: i64) -> i64 {
    let previous = LAST_SEQ
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now_micros.max(last.saturating_add(1)))
        })
        .unwrap_or(now_micros);
    now_micros.max(previous.saturating_add(1))
}

/// Writes the record. A failure is logged and does not change the answer: the event itself
/// already happened.
pub async fn record(state: &AppState, origin: &Origin, event: Event<'_>) {
    let activity = entry(state, origin, event);
    if let Err(error) = state.store.record_activity(&activity).await {
        tracing::error!(%error, action = %activity.action, "recording an activity failed");
    }
}

/// The record of `event`, for a store call that writes it together with what it records.
pub fn entry(state: &AppState, origin: &Origin, event: Event<'_>) -> Activity {
    let now = state.clock.now();
    let (topic, action) = event.kind.barong();
    let (audit_action, resource_type) = event.kind.coder();
    let (resource_id, resource_target) = match (event.target, event.actor) {
        (Some((id, name)), _) => (Some(id), name.to_owned()),
        (None, Some(user)) => (Some(user.id), user.username.clone()),
        (None, None) => (None, String::new()),
    };
    Activity {
        id: Uuid::new_v4(),
        seq: next_seq(now.timestamp_micros()),
        user_id: event.actor.map(|u| u.id),
        surface: match event.surface {
            Surface::Barong => "barong",
            Surface::Coder => "coder",
        }
        .to_owned(),
        user_ip: origin.ip.to_string(),
        user_agent: origin.user_agent.chars().take(512).collect(),
        topic: topic.to_owned(),
        action: action.to_owned(),
        result: if event.status < 400 {
            "succeed"
        } else {
            "failed"
        }
        .to_owned(),
        data: event.data.map(|d| d.to_string()),
        audit_action: audit_action.to_owned(),
        resource_type: resource_type.to_owned(),
        resource_id,
        resource_target,
        status_code: event.status,
        created_at: now,
    }
}
