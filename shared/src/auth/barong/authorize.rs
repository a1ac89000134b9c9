//! Barong's authz decision (`ANY /api/v2/auth/*path`, `lib/barong/authorize.rb`; reference §7),
//! written once and served two ways: the resource group's mint endpoint
//! (`ANY /api/v2/auth/authz/{*path}`: 200 and `Authorization: Bearer <JWT>`) and the API Gateway
//! Lambda authorizer (`gatehouse-authorizer`: `isAuthorized` and a context).
//!
//! [`decide`] runs Barong's steps in its order:
//!
//! 1. **Restrictions** (§7.1, [`super::restrictions::check`]): whitelist, maintenance,
//!    blacklist, then blocklogin for the sign-in path only. Skipped for the whitelink path.
//! 2. **Path rules** (§7.2): a `block` prefix → 401 `authz.permission_denied`; a `pass` prefix →
//!    [`Decision::Pass`] (200, no JWT). Block is checked first. A path that does not decode
//!    (bad percent escapes, not UTF-8) or has a `.`/`..` segment is blocked too: a prefix rule
//!    must not be walked around (`api/v2/auth/identity/../resource`); Barong, behind Envoy,
//!    never sees such paths.
//! 3. **Credentials** ([`super::credentials::authenticate`], §7.3-4): the API-key headers when
//!    any is present, else the session cookie, with the CSRF check first for POST, PUT, PATCH,
//!    DELETE and TRACE; as Barong, that check runs even when no cookie came at all. Nothing
//!    presented is `authz.invalid_session` here (the resource API says `jwt.decode_and_verify`).
//!    The `Authorization` header is ignored, as Barong's authz ignores it: a bearer JWT is what
//!    this decision hands out, so accepting one would let a JWT renew itself forever.
//! 4. **Permissions** (§7.5): the rows whose role is the principal's, whose verb is the method
//!    or `ALL`, and whose path is a prefix of the request path. None, any `DROP`, or no `ACCEPT`
//!    → 401 `authz.invalid_permission`. `AUDIT` rows are logged (below).
//!
//! **Paths.** `path` is the request path without its leading slash, as Barong's `params[:path]`,
//! still percent-encoded (it is decoded here); no query string. Barong's gateway paths map onto
//! this deployment's: `api/v2/barong/identity/...` is `api/v2/auth/identity/...`. Both spellings
//! are recognised for the two paths the algorithm names: the whitelink path
//! (`api/v2/barong/identity/users/access`, `api/v2/auth/identity/users/access`) and the
//! sign-in path blocklogin applies to (`api/v2/barong/identity/sessions`,
//! `api/v2/auth/identity/sessions`). Rails' stripping of a trailing `.json` is not reproduced.
//!
//! **Audit.** Barong writes `denied` (no permission) and `AUDIT` activities of category `admin`
//! for users. Gatehouse's activity records have no category, so such rows would show in the
//! user's own `/resource/users/activity` list; they are structured log lines instead
//! (`activity = "admin"`).
//!
//! **Configuration** ([`AuthzRules`], `GATEHOUSE_AUTHZ_*`; see [`parse_prefixes`] and
//! [`parse_permissions`] for the formats, and the `DEFAULT_*` constants for the defaults).

use super::credentials::{self, Authenticated, Presented, Principal, Refusal};
use super::restrictions::{self, CheckError};
use crate::Error;
use crate::state::AppState;
use http::HeaderMap;
use std::net::IpAddr;

/// Barong's `pass` defaults (`config/authz_rules.yml`), plus this deployment's identity and
/// public APIs, which are Barong's `api/v2/barong/identity` and `.../public` at their own paths.
pub const DEFAULT_PASS: &[&str] = &[
    "api/v2/auth/identity",
    "api/v2/auth/public",
    "api/v2/barong/public",
    "api/v2/barong/identity",
    "api/v2/peatio/public",
    "api/v2/ranger/public",
    "api/v2/applogic/public",
    "api/v2/arke/public",
    "api/v2/finex/public",
];

/// Barong's `block` defaults, plus its management API at this deployment's prefix (Gatehouse
/// serves none there; a function deployed at that path stays unreachable through authz).
pub const DEFAULT_BLOCK: &[&str] = &[
    "api/v2/auth/management",
    "api/v2/barong/management",
    "api/v2/peatio/management",
];

/// The default permissions, in [`parse_permissions`]'s format: Barong's seeded rights
/// (`config/seeds.yml`: a member may use the resource API, an administrator the admin API too)
/// at this deployment's paths and at Barong's own.
pub const DEFAULT_PERMISSIONS: &str = "\
    member ALL api/v2/auth/resource ACCEPT;\
    member ALL api/v2/barong/resource ACCEPT;\
    superadmin ALL api/v2/auth/resource ACCEPT;\
    superadmin ALL api/v2/auth/admin ACCEPT;\
    superadmin ALL api/v2/barong/resource ACCEPT;\
    superadmin ALL api/v2/barong/admin ACCEPT";

/// The whitelink endpoint: restrictions never apply to it.
const WHITELINK_PATHS: &[&str] = &[
    "api/v2/auth/identity/users/access",
    "api/v2/barong/identity/users/access",
];

/// The sign-in endpoint: the only one blocklogin restrictions apply to.
const SIGN_IN_PATHS: &[&str] = &[
    "api/v2/auth/identity/sessions",
    "api/v2/barong/identity/sessions",
];

/// Verbs a permission may name (Barong upper-cases them on save).
const VERBS: &[&str] = &[
    "ALL", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
];

/// What a matching permission row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Drop,
    Audit,
}

/// One `permissions` row: `role`, `verb` (upper case, or `ALL`), `path` (a prefix, no leading
/// slash), `action`, and the topic an `AUDIT` row logs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub role: String,
    pub verb: String,
    pub path: String,
    pub action: Action,
    pub topic: Option<String>,
}

/// Barong's authz rules: `pass` and `block` path prefixes and the permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthzRules {
    pub pass: Vec<String>,
    pub block: Vec<String>,
    pub permissions: Vec<Permission>,
}

impl Default for AuthzRules {
    fn default() -> Self {
        Self {
            pass: owned(DEFAULT_PASS),
            block: owned(DEFAULT_BLOCK),
            permissions: default_permissions(),
        }
    }
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|p| (*p).to_owned()).collect()
}

fn default_permissions() -> Vec<Permission> {
    // The constant parses (a unit test says so); were it ever broken, no permission is the
    // safe reading.
    parse_permissions(DEFAULT_PERMISSIONS).unwrap_or_default()
}

/// An entry of `GATEHOUSE_AUTHZ_*` that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The entry as written.
    pub entry: String,
    pub reason: &'static str,
}

fn rule_error(entry: &str, reason: &'static str) -> RuleError {
    RuleError {
        entry: entry.to_owned(),
        reason,
    }
}

/// A prefix as configured: without its leading slashes, never empty.
fn prefix(entry: &str) -> Result<String, RuleError> {
    let path = entry.trim().trim_start_matches('/');
    if path.is_empty() {
        return Err(rule_error(entry, "empty path prefix"));
    }
    if path.chars().any(char::is_whitespace) {
        return Err(rule_error(entry, "a path prefix has no spaces"));
    }
    Ok(path.to_owned())
}

/// `GATEHOUSE_AUTHZ_PASS` / `GATEHOUSE_AUTHZ_BLOCK`: comma-separated path prefixes (a leading
/// `/` is dropped; empty entries are skipped). The entry `defaults` stands for `defaults`' list
/// (so `defaults,api/v2/myapp/public` adds one), and `none` alone for no prefix at all.
pub fn parse_prefixes(text: &str, defaults: &[&str]) -> Result<Vec<String>, RuleError> {
    let mut out = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        match entry {
            "defaults" => out.extend(owned(defaults)),
            "none" => {}
            _ => out.push(prefix(entry)?),
        }
    }
    Ok(out)
}

/// `GATEHOUSE_AUTHZ_PERMISSIONS`: entries separated by `;` or new lines, each
/// `ROLE VERB PATH ACTION [TOPIC]` separated by spaces, e.g.
/// `superadmin GET api/v2/admin/users/list ACCEPT; member ALL api/v2/auth/resource ACCEPT`.
/// VERB is `ALL`, `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS` or `TRACE`; ACTION
/// is `ACCEPT`, `DROP` or `AUDIT` (both case-insensitive, as Barong upper-cases them); PATH is a
/// prefix of the request path (a leading `/` is dropped); TOPIC names what an `AUDIT` row logs.
/// The entry `defaults` stands for [`DEFAULT_PERMISSIONS`], and `none` alone for no permission.
pub fn parse_permissions(text: &str) -> Result<Vec<Permission>, RuleError> {
    let mut out = Vec::new();
    for entry in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        match entry {
            "defaults" => out.extend(parse_permissions(DEFAULT_PERMISSIONS)?),
            "none" => {}
            _ => out.push(permission(entry)?),
        }
    }
    Ok(out)
}

fn permission(entry: &str) -> Result<Permission, RuleError> {
    let fields: Vec<&str> = entry.split_whitespace().collect();
    let (role, verb, path, action, topic) = match fields.as_slice() {
        [role, verb, path, action] => (*role, *verb, *path, *action, None),
        [role, verb, path, action, topic] => (*role, *verb, *path, *action, Some(*topic)),
        _ => return Err(rule_error(entry, "expected ROLE VERB PATH ACTION [TOPIC]")),
    };
    let verb = verb.to_ascii_uppercase();
    if !VERBS.contains(&verb.as_str()) {
        return Err(rule_error(entry, "unknown verb"));
    }
    let action = match action.to_ascii_uppercase().as_str() {
        "ACCEPT" => Action::Accept,
        "DROP" => Action::Drop,
        "AUDIT" => Action::Audit,
        _ => return Err(rule_error(entry, "unknown action (ACCEPT, DROP or AUDIT)")),
    };
    Ok(Permission {
        role: role.to_owned(),
        verb,
        path: prefix(path).map_err(|e| rule_error(entry, e.reason))?,
        action,
        topic: topic.map(str::to_owned),
    })
}

/// What a path rule says about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRule {
    Block,
    Pass,
}

/// The outcome of the permission rows for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// An `ACCEPT` row matched and no `DROP`; the matching `AUDIT` rows.
    Accept(Vec<&'a Permission>),
    /// Nothing matched, a `DROP` did, or no `ACCEPT`.
    Deny,
}

impl AuthzRules {
    /// §7.2 on a decoded path: block first, then pass.
    pub fn path_rule(&self, path: &str) -> Option<PathRule> {
        if self.block.iter().any(|p| path.starts_with(p.as_str())) {
            Some(PathRule::Block)
        } else if self.pass.iter().any(|p| path.starts_with(p.as_str())) {
            Some(PathRule::Pass)
        } else {
            None
        }
    }

    /// §7.5 for `role` doing `method` on a decoded `path`. Methods compare exactly (HTTP methods
    /// are case-sensitive: `get` is no `GET`).
    pub fn permit(&self, role: &str, method: &str, path: &str) -> Verdict<'_> {
        let mut accepted = false;
        let mut audited = Vec::new();
        for p in self.permissions.iter().filter(|p| {
            p.role == role
                && (p.verb == "ALL" || p.verb == method)
                && path.starts_with(p.path.as_str())
        }) {
            match p.action {
                Action::Drop => return Verdict::Deny,
                Action::Accept => accepted = true,
                Action::Audit => audited.push(p),
            }
        }
        if accepted {
            Verdict::Accept(audited)
        } else {
            Verdict::Deny
        }
    }
}

/// A request authz lets through.
#[derive(Debug)]
pub enum Decision {
    /// A `pass` path: 200, no JWT.
    Pass,
    /// Authenticated and permitted: 200 with a JWT of the principal.
    Allow(Box<Authenticated>),
}

/// A request authz refuses, with Barong's status and key.
#[derive(Debug)]
pub enum Denial {
    /// A restriction matched: its code, `authz.restrict.<category>`.
    Restricted { code: u16, key: String },
    /// A `block` path (or one that cannot be checked): 401 `authz.permission_denied`.
    PermissionDenied,
    /// The credentials were refused (never [`Refusal::Internal`]; no credential at all is
    /// `authz.invalid_session`).
    Credentials(Refusal),
    /// No permission row lets the principal through: 401 `authz.invalid_permission`.
    InvalidPermission,
    /// The store or a key could not be read: 500 `server.internal_error`.
    Internal(Error),
}

impl Denial {
    pub fn status(&self) -> u16 {
        match self {
            Self::Restricted { code, .. } => *code,
            Self::PermissionDenied | Self::InvalidPermission => 401,
            Self::Credentials(r) => r.status(),
            Self::Internal(_) => 500,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Self::Restricted { key, .. } => key,
            Self::PermissionDenied => "authz.permission_denied",
            Self::InvalidPermission => "authz.invalid_permission",
            Self::Credentials(Refusal::NoCredentials) => "authz.invalid_session",
            Self::Credentials(r) => r.key(),
            Self::Internal(_) => crate::wire::barong::error::INTERNAL_ERROR,
        }
    }
}

impl From<Refusal> for Denial {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Internal(e) => Self::Internal(e),
            r => Self::Credentials(r),
        }
    }
}

/// Barong checks CSRF on these verbs.
pub fn csrf_checked(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE" | "TRACE")
}

/// Barong's authz decision for `method` on `path` (no leading slash, percent-encoded as sent)
/// by a request presenting `presented`; see the module docs for the steps.
pub async fn decide(
    state: &AppState,
    method: &str,
    path: &str,
    presented: &Presented<'_>,
) -> Result<Decision, Denial> {
    let rules = &state.settings.barong.authz;
    let decoded = decode_path(path);
    let named = |paths: &[&str]| decoded.as_deref().is_some_and(|d| paths.contains(&d));
    if !named(WHITELINK_PATHS) {
        restrictions::check(state, presented.ip, named(SIGN_IN_PATHS))
            .await
            .map_err(|e| match e {
                CheckError::Refused(r) => Denial::Restricted {
                    code: r.code,
                    key: r.key,
                },
                CheckError::Internal(e) => Denial::Internal(e),
            })?;
    }
    let Some(path) = decoded.filter(|p| !has_dot_segment(p)) else {
        return Err(Denial::PermissionDenied);
    };
    match rules.path_rule(&path) {
        Some(PathRule::Block) => return Err(Denial::PermissionDenied),
        Some(PathRule::Pass) => return Ok(Decision::Pass),
        None => {}
    }
    let authenticated = authenticate(state, method, presented).await?;
    let principal = &authenticated.principal;
    match rules.permit(principal.role(), method, &path) {
        Verdict::Accept(audited) => {
            for p in audited {
                audit(principal, method, &path, "succeed", p.topic.as_deref());
            }
            Ok(Decision::Allow(Box::new(authenticated)))
        }
        Verdict::Deny => {
            audit(principal, method, &path, "denied", None);
            Err(Denial::InvalidPermission)
        }
    }
}

/// §7.3-4: the shared credential check, with authz's two differences: no bearer, and the CSRF
/// check of a mutating request even when it carries no cookie.
async fn authenticate(
    state: &AppState,
    method: &str,
    presented: &Presented<'_>,
) -> Result<Authenticated, Denial> {
    // `present?` in Ruby: a blank header is a missing one.
    let csrf_token = presented.csrf_token.filter(|t| !t.trim().is_empty());
    let presented = Presented {
        bearer: None,
        csrf_token,
        mutating: csrf_checked(method),
        ..*presented
    };
    let no_cookie = presented.cookie.is_none_or(str::is_empty);
    if presented.mutating && no_cookie && !presented.api_key.any() {
        // Barong compares the header with the (empty) session's token before looking for a user.
        return Err(Denial::Credentials(match csrf_token {
            None => Refusal::MissingCsrfToken,
            Some(_) => Refusal::CsrfTokenMismatch,
        }));
    }
    Ok(credentials::authenticate(state, &presented).await?)
}

/// Barong's `admin` activities, as log lines: a user's `denied` request, and each `AUDIT` row a
/// permitted request matched (topic: the row's, else the segment after `admin/`, else
/// `general`). Service accounts are not logged, as in Barong.
fn audit(principal: &Principal, method: &str, path: &str, result: &str, topic: Option<&str>) {
    let Principal::User(user) = principal else {
        return;
    };
    let topic = topic
        .or_else(|| {
            path.split_once("admin/")
                .and_then(|(_, rest)| rest.split('/').next())
                .filter(|t| !t.is_empty())
        })
        .unwrap_or("general");
    let action = match method {
        "POST" => "create",
        "PUT" | "PATCH" => "update",
        "GET" => "read",
        "DELETE" => "delete",
        _ => "system",
    };
    tracing::info!(
        activity = "admin",
        uid = %user.uid,
        role = principal.role(),
        method,
        path,
        action,
        topic,
        result,
        "authz"
    );
}

/// `%XX` escapes decoded; `None` when an escape is malformed or the result is not UTF-8.
pub fn decode_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let digit = |at: usize| char::from(*bytes.get(at)?).to_digit(16);
            let (high, low) = (digit(i + 1)?, digit(i + 2)?);
            out.push(u8::try_from(high * 16 + low).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A `.` or `..` segment, which a server behind authz may resolve into another path.
fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|s| s == "." || s == "..")
}

/// What a request presents, read from its headers: `X-Auth-Apikey`, `X-Auth-Nonce` and
/// `X-Auth-Signature` (a repeated one makes the set malformed; one that is not visible ASCII is
/// present but matches nothing), `X-CSRF-Token`, `User-Agent` (else `user_agent`). The session
/// cookie is given apart: API Gateway's payload 2.0 carries cookies outside the headers.
pub fn presented<'a>(
    headers: &'a HeaderMap,
    cookie: Option<&'a str>,
    method: &str,
    ip: IpAddr,
    user_agent: Option<&'a str>,
) -> Presented<'a> {
    let mut malformed = false;
    let mut read = |name: &str| {
        let mut values = headers.get_all(name).iter();
        let first = values.next()?;
        if values.next().is_some() {
            malformed = true;
            return None;
        }
        Some(first.to_str().unwrap_or("\u{fffd}"))
    };
    let api_key = credentials::ApiKeyHeaders {
        kid: read("x-auth-apikey"),
        nonce: read("x-auth-nonce"),
        signature: read("x-auth-signature"),
        malformed,
    };
    let text = |name: http::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    Presented {
        api_key,
        cookie,
        csrf_token: headers.get("x-csrf-token").and_then(|v| v.to_str().ok()),
        bearer: None,
        mutating: csrf_checked(method),
        ip,
        user_agent: text(http::header::USER_AGENT)
            .or(user_agent)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(permissions: &str) -> AuthzRules {
        AuthzRules {
            permissions: parse_permissions(permissions).unwrap(),
            ..AuthzRules::default()
        }
    }

    #[test]
    fn defaults_parse() {
        let d = AuthzRules::default();
        assert_eq!(d.permissions.len(), 6);
        assert_eq!(d.permissions, parse_permissions("defaults").unwrap());
        assert_eq!(
            d.permissions[0],
            Permission {
                role: "member".into(),
                verb: "ALL".into(),
                path: "api/v2/auth/resource".into(),
                action: Action::Accept,
                topic: None,
            }
        );
    }

    /// §7.2 and the checklist's block/pass paths, on the default rules.
    #[test]
    fn path_rules() {
        let d = AuthzRules::default();
        let cases: &[(&str, Option<PathRule>)] = &[
            ("api/v2/peatio/management/ping", Some(PathRule::Block)),
            ("api/v2/barong/management/users", Some(PathRule::Block)),
            ("api/v2/auth/management/x", Some(PathRule::Block)),
            ("api/v2/peatio/public/ping", Some(PathRule::Pass)),
            ("api/v2/barong/identity/sessions", Some(PathRule::Pass)),
            ("api/v2/auth/identity/ping", Some(PathRule::Pass)),
            ("api/v2/auth/identity/users/access", Some(PathRule::Pass)),
            ("api/v2/auth/resource/users/me", None),
            ("api/v2/admin/users/list", None),
            ("api/v2/sample/whoami", None),
            ("", None),
        ];
        for (path, expected) in cases {
            assert_eq!(d.path_rule(path), *expected, "{path}");
        }
        // Block wins over pass.
        let both = AuthzRules {
            pass: vec!["api".into()],
            block: vec!["api/v2/x".into()],
            permissions: vec![],
        };
        assert_eq!(both.path_rule("api/v2/x/y"), Some(PathRule::Block));
        assert_eq!(both.path_rule("api/v2/y"), Some(PathRule::Pass));
    }

    /// §7.5 and the checklist's RBAC cases: (role, method, path) → accepted?
    #[test]
    fn permissions() {
        let r = rules(
            "superadmin GET api/v2/admin/users/list ACCEPT;\
             member ALL api/v2/auth/resource ACCEPT;\
             member ALL api/v2/auth/resource/secret DROP;\
             member GET api/v2/audited ACCEPT;\
             member ALL api/v2/audited AUDIT markets;\
             member ALL api/v2/only-audit AUDIT",
        );
        let cases: &[(&str, &str, &str, bool)] = &[
            ("superadmin", "GET", "api/v2/admin/users/list", true),
            ("superadmin", "GET", "api/v2/admin/users/list/5", true),
            ("superadmin", "POST", "api/v2/admin/users/list", false),
            ("superadmin", "get", "api/v2/admin/users/list", false),
            ("superadmin", "GET", "api/v2/accountant/documents", false),
            ("superadmin", "GET", "api/v2/admon/users/list", false),
            ("superadmin", "GET", "api/v2/admin/users", false),
            ("member", "GET", "api/v2/admin/users/list", false),
            ("member", "GET", "api/v2/auth/resource/users/me", true),
            ("member", "HEAD", "api/v2/auth/resource/users/me", true),
            ("member", "DELETE", "api/v2/auth/resource/users/me", true),
            ("member", "GET", "api/v2/auth/resource/secret/x", false),
            ("member", "GET", "api/v2/audited/x", true),
            ("member", "POST", "api/v2/audited/x", false),
            ("member", "GET", "api/v2/only-audit", false),
            (
                "service_account",
                "GET",
                "api/v2/auth/resource/users/me",
                false,
            ),
            ("", "GET", "", false),
        ];
        for (role, method, path, accepted) in cases {
            let verdict = r.permit(role, method, path);
            assert_eq!(
                matches!(verdict, Verdict::Accept(_)),
                *accepted,
                "{role} {method} {path}: {verdict:?}"
            );
        }
        let Verdict::Accept(audited) = r.permit("member", "GET", "api/v2/audited/x") else {
            panic!("accepted above");
        };
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].topic.as_deref(), Some("markets"));
    }

    #[test]
    fn permission_text() {
        let ok: &[(&str, usize)] = &[
            ("", 0),
            ("none", 0),
            ("  ;\n; ", 0),
            ("member get /api/v2/x accept", 1),
            ("member GET api/v2/x ACCEPT topic", 1),
            ("a ALL p DROP\nb POST q AUDIT", 2),
            ("defaults; member GET api/v2/sample ACCEPT", 7),
        ];
        for (text, n) in ok {
            assert_eq!(parse_permissions(text).unwrap().len(), *n, "{text:?}");
        }
        let p = &parse_permissions("member get /api/v2/x audit t").unwrap()[0];
        assert_eq!(
            (
                p.verb.as_str(),
                p.path.as_str(),
                p.action,
                p.topic.as_deref()
            ),
            ("GET", "api/v2/x", Action::Audit, Some("t"))
        );
        let bad: &[(&str, &str)] = &[
            ("member", "expected ROLE VERB PATH ACTION [TOPIC]"),
            (
                "member GET api/v2/x",
                "expected ROLE VERB PATH ACTION [TOPIC]",
            ),
            (
                "m GET p ACCEPT t extra",
                "expected ROLE VERB PATH ACTION [TOPIC]",
            ),
            ("member FETCH api/v2/x ACCEPT", "unknown verb"),
            (
                "member GET api/v2/x ALLOW",
                "unknown action (ACCEPT, DROP or AUDIT)",
            ),
            ("member GET / ACCEPT", "empty path prefix"),
        ];
        for (text, reason) in bad {
            let e = parse_permissions(&format!("member GET ok ACCEPT; {text}")).unwrap_err();
            assert_eq!((e.entry.as_str(), e.reason), (*text, *reason));
        }
    }

    #[test]
    fn prefix_text() {
        let d = &["a", "b"];
        assert_eq!(parse_prefixes("x, /y ,,", d).unwrap(), ["x", "y"]);
        assert_eq!(parse_prefixes("defaults,z", d).unwrap(), ["a", "b", "z"]);
        assert!(parse_prefixes("none", d).unwrap().is_empty());
        assert_eq!(parse_prefixes("x,/", d).unwrap_err().entry, "/");
        assert_eq!(parse_prefixes("a b", d).unwrap_err().entry, "a b");
    }

    #[test]
    fn paths_decode() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "api/v2/auth/resource/users/me",
                Some("api/v2/auth/resource/users/me"),
            ),
            ("api/v2/auth/%72esource", Some("api/v2/auth/resource")),
            ("a%2Fb", Some("a/b")),
            ("%C3%A9", Some("é")),
            ("%", None),
            ("%4", None),
            ("%zz", None),
            ("%FF", None),
            ("%+1", None),
        ];
        for (raw, decoded) in cases {
            assert_eq!(decode_path(raw).as_deref(), *decoded, "{raw}");
        }
        for (path, dotted) in [
            ("api/v2/auth/identity/../resource", true),
            ("./api", true),
            ("api/..", true),
            ("api/v2/..x/y", false),
            ("api/v2/a.b", false),
        ] {
            assert_eq!(has_dot_segment(path), dotted, "{path}");
        }
    }

    /// Every refusal with its status and key as authz answers it.
    #[test]
    fn denials_in_barongs_words() {
        let cases: Vec<(Denial, u16, &str)> = vec![
            (Denial::PermissionDenied, 401, "authz.permission_denied"),
            (Denial::InvalidPermission, 401, "authz.invalid_permission"),
            (
                Denial::Restricted {
                    code: 471,
                    key: "authz.restrict.maintenance".into(),
                },
                471,
                "authz.restrict.maintenance",
            ),
            (Refusal::NoCredentials.into(), 401, "authz.invalid_session"),
            (Refusal::InvalidSession.into(), 401, "authz.invalid_session"),
            (
                Refusal::InvalidApiKeyHeaders.into(),
                422,
                "authz.invalid_api_key_headers",
            ),
            (
                Refusal::MissingCsrfToken.into(),
                401,
                "authz.missing_csrf_token",
            ),
            (
                Refusal::CsrfTokenMismatch.into(),
                401,
                "authz.csrf_token_mismatch",
            ),
            (Refusal::UserNotActive.into(), 401, "authz.user_not_active"),
            (
                Refusal::ClientSessionMismatch.into(),
                401,
                "authz.client_session_mismatch",
            ),
            (
                Refusal::ApiKeyNotActive.into(),
                401,
                "authz.apikey_not_active",
            ),
            (
                Refusal::Internal(Error::Internal("x".into())).into(),
                500,
                "server.internal_error",
            ),
        ];
        for (denial, status, key) in cases {
            assert_eq!((denial.status(), denial.key()), (status, key), "{denial:?}");
        }
        assert!(matches!(
            Denial::from(Refusal::Internal(Error::Internal("x".into()))),
            Denial::Internal(_)
        ));
    }

    #[test]
    fn headers_are_read_once() {
        use http::HeaderValue;
        let ip = IpAddr::from([203, 0, 113, 7]);
        let mut h = HeaderMap::new();
        h.insert(
            "x-auth-apikey",
            HeaderValue::from_static("0123456789abcdef"),
        );
        h.insert("x-csrf-token", HeaderValue::from_static("t"));
        let p = presented(&h, Some("c"), "PATCH", ip, Some("ua"));
        assert_eq!(p.api_key.kid, Some("0123456789abcdef"));
        assert!(!p.api_key.malformed && p.mutating);
        assert_eq!(
            (p.cookie, p.csrf_token, p.user_agent),
            (Some("c"), Some("t"), "ua")
        );
        h.append("x-auth-apikey", HeaderValue::from_static("x"));
        h.insert("user-agent", HeaderValue::from_static("browser"));
        h.insert(
            "x-auth-signature",
            HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        let p = presented(&h, None, "GET", ip, Some("ua"));
        assert!(p.api_key.malformed && !p.mutating);
        assert_eq!(
            (p.api_key.signature, p.user_agent),
            (Some("\u{fffd}"), "browser")
        );
    }
}

/// The whole decision on a real (embedded) store: each row is a request, the rules it runs
/// under, and what authz answers, covering §11's AuthZ checklist items that need no API key
/// (those run over HTTP in `tests/tests/barong_authz.rs`).
#[cfg(test)]
#[cfg(feature = "embedded")]
mod decision_table {
    use super::*;
    use crate::auth::barong::session;
    use crate::clock::ManualClock;
    use crate::config::Settings;
    use crate::model::{BarongState, User};
    use crate::store::EmbeddedStore;
    use std::sync::Arc;

    const UA: &str = "table/1.0";
    const HOME: [u8; 4] = [198, 51, 100, 7];

    struct Row {
        what: &'static str,
        method: &'static str,
        path: &'static str,
        /// Which session cookie: none, the member's, the superadmin's, the banned user's.
        cookie: Who,
        csrf: Csrf,
        ip: [u8; 4],
        /// `Ok(None)`: pass; `Ok(Some(role))`: allowed as that role; `Err((status, key))`.
        expected: Result<Option<&'static str>, (u16, &'static str)>,
    }

    #[derive(Clone, Copy)]
    enum Who {
        Nobody,
        Member,
        Admin,
        Banned,
        Unknown,
    }

    #[derive(Clone, Copy)]
    enum Csrf {
        None,
        Blank,
        Right,
        Wrong,
    }

    fn row(
        what: &'static str,
        method: &'static str,
        path: &'static str,
        cookie: Who,
        csrf: Csrf,
        expected: Result<Option<&'static str>, (u16, &'static str)>,
    ) -> Row {
        Row {
            what,
            method,
            path,
            cookie,
            csrf,
            ip: HOME,
            expected,
        }
    }

    async fn user(state: &AppState, owner: bool, barong_state: BarongState) -> User {
        let now = state.clock.now();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut u = User::new(&format!("{id}@example.com"), &id, now);
        u.barong_state = barong_state;
        if owner {
            u.roles.push("owner".into());
        }
        state.store.create_user(&u).await.unwrap();
        u
    }

    struct Sessions {
        member: session::OpenedSession,
        admin: session::OpenedSession,
        banned: session::OpenedSession,
    }

    async fn run(state: &AppState, s: &Sessions, rows: Vec<Row>) {
        for r in rows {
            let (cookie, token) = match r.cookie {
                Who::Nobody => (None, None),
                Who::Member => (
                    Some(s.member.cookie_value.as_str()),
                    Some(s.member.csrf_token.as_str()),
                ),
                Who::Admin => (
                    Some(s.admin.cookie_value.as_str()),
                    Some(s.admin.csrf_token.as_str()),
                ),
                Who::Banned => (
                    Some(s.banned.cookie_value.as_str()),
                    Some(s.banned.csrf_token.as_str()),
                ),
                Who::Unknown => (Some("f00d"), None),
            };
            let csrf = match r.csrf {
                Csrf::None => None,
                Csrf::Blank => Some(" "),
                Csrf::Right => token,
                Csrf::Wrong => Some("0123456789abcdef0123"),
            };
            let presented = Presented {
                api_key: credentials::ApiKeyHeaders::default(),
                cookie,
                csrf_token: csrf,
                // Authz ignores a bearer token.
                bearer: Some("ignored.by.authz"),
                mutating: false,
                ip: IpAddr::from(r.ip),
                user_agent: UA,
            };
            let got = match decide(state, r.method, r.path, &presented).await {
                Ok(Decision::Pass) => Ok(None),
                Ok(Decision::Allow(a)) => Ok(Some(a.principal.role().to_owned())),
                Err(d) => Err((d.status(), d.key().to_owned())),
            };
            let expected = r
                .expected
                .map(|role| role.map(str::to_owned))
                .map_err(|(s, k)| (s, k.to_owned()));
            assert_eq!(
                got, expected,
                "{}: {} {} from {:?}",
                r.what, r.method, r.path, r.ip
            );
        }
    }

    async fn restrict(
        state: &AppState,
        category: &str,
        scope: &str,
        value: &str,
        enabled: bool,
        code: Option<u16>,
    ) {
        restrictions::add(
            state,
            restrictions::NewRestriction {
                category: category.into(),
                scope: scope.into(),
                value: value.into(),
                state: if enabled { "enabled" } else { "disabled" }.into(),
                code,
            },
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn every_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings {
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        settings.barong.authz.permissions = parse_permissions(
            "defaults; superadmin GET api/v2/admin/users/list ACCEPT; member GET api/v2/sample ACCEPT",
        )
        .unwrap();
        let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let start = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let state = AppState::new(
            settings,
            store,
            Arc::new(crate::mail::OutboxMailer::new(dir.path().join("outbox"))),
            Arc::new(ManualClock::new(start)),
        );
        let home = IpAddr::from(HOME);
        let member = user(&state, false, BarongState::Active).await;
        let admin = user(&state, true, BarongState::Active).await;
        let banned = user(&state, false, BarongState::Active).await;
        let sessions = Sessions {
            member: session::open(&state, &member, home, UA).await.unwrap(),
            admin: session::open(&state, &admin, home, UA).await.unwrap(),
            banned: session::open(&state, &banned, home, UA).await.unwrap(),
        };
        crate::store::update_user_with(&*state.store, banned, |u| {
            u.barong_state = BarongState::Banned;
            Ok::<_, crate::store::StoreError>(())
        })
        .await
        .unwrap();

        use Csrf as C;
        use Who as W;
        let me = "api/v2/auth/resource/users/me";
        let mut rows = vec![
            row(
                "no credentials",
                "GET",
                me,
                W::Nobody,
                C::None,
                Err((401, "authz.invalid_session")),
            ),
            row(
                "unknown session",
                "GET",
                me,
                W::Unknown,
                C::None,
                Err((401, "authz.invalid_session")),
            ),
            row(
                "no credentials, POST",
                "POST",
                me,
                W::Nobody,
                C::None,
                Err((401, "authz.missing_csrf_token")),
            ),
            row(
                "no session, blank CSRF",
                "PUT",
                me,
                W::Nobody,
                C::Blank,
                Err((401, "authz.missing_csrf_token")),
            ),
            row(
                "no session, some CSRF",
                "PUT",
                me,
                W::Nobody,
                C::Wrong,
                Err((401, "authz.csrf_token_mismatch")),
            ),
            row(
                "block",
                "PUT",
                "api/v2/peatio/management/ping",
                W::Member,
                C::Right,
                Err((401, "authz.permission_denied")),
            ),
            row(
                "block, anonymous",
                "GET",
                "api/v2/barong/management/x",
                W::Nobody,
                C::None,
                Err((401, "authz.permission_denied")),
            ),
            row(
                "pass",
                "PUT",
                "api/v2/peatio/public/ping",
                W::Nobody,
                C::None,
                Ok(None),
            ),
            row(
                "pass, own identity",
                "POST",
                "api/v2/auth/identity/sessions",
                W::Nobody,
                C::None,
                Ok(None),
            ),
            row(
                "dot segments",
                "GET",
                "api/v2/auth/identity/../resource/users/me",
                W::Nobody,
                C::None,
                Err((401, "authz.permission_denied")),
            ),
            row(
                "escaped dots",
                "GET",
                "api/v2/auth/identity/%2e%2e/resource/users/me",
                W::Member,
                C::None,
                Err((401, "authz.permission_denied")),
            ),
            row(
                "bad escape",
                "GET",
                "api/v2/auth/resource/%zz",
                W::Member,
                C::None,
                Err((401, "authz.permission_denied")),
            ),
            row(
                "typo in the path",
                "GET",
                "api/v2/admon/users/list",
                W::Admin,
                C::None,
                Err((401, "authz.invalid_permission")),
            ),
            row(
                "other role's path",
                "GET",
                "api/v2/admin/users/list",
                W::Member,
                C::None,
                Err((401, "authz.invalid_permission")),
            ),
            row(
                "RBAC GET",
                "GET",
                "api/v2/admin/users/list",
                W::Admin,
                C::None,
                Ok(Some("superadmin")),
            ),
            row(
                "RBAC POST",
                "POST",
                "api/v2/admin/users/list",
                W::Admin,
                C::Right,
                Err((401, "authz.invalid_permission")),
            ),
            row(
                "RBAC other path",
                "GET",
                "api/v2/accountant/documents",
                W::Admin,
                C::None,
                Err((401, "authz.invalid_permission")),
            ),
            row(
                "escaped path",
                "GET",
                "api/v2/auth/%72esource/users/me",
                W::Member,
                C::None,
                Ok(Some("member")),
            ),
            row(
                "sample",
                "GET",
                "api/v2/sample/whoami",
                W::Member,
                C::None,
                Ok(Some("member")),
            ),
            row(
                "CSRF mismatch",
                "DELETE",
                me,
                W::Member,
                C::Wrong,
                Err((401, "authz.csrf_token_mismatch")),
            ),
            row(
                "banned after login",
                "GET",
                me,
                W::Banned,
                C::None,
                Err((401, "authz.user_not_active")),
            ),
        ];
        for method in ["GET", "HEAD"] {
            rows.push(row(
                "read, no CSRF",
                method,
                me,
                W::Member,
                C::None,
                Ok(Some("member")),
            ));
        }
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            rows.push(row(
                "write, no CSRF",
                method,
                me,
                W::Member,
                C::None,
                Err((401, "authz.missing_csrf_token")),
            ));
            rows.push(row(
                "write with CSRF",
                method,
                me,
                W::Member,
                C::Right,
                Ok(Some("member")),
            ));
        }
        let from = |ip: [u8; 4], r: Row| Row { ip, ..r };
        // A request from another network ends the member's session.
        rows.push(from(
            [203, 0, 113, 9],
            row(
                "other network",
                "GET",
                me,
                W::Member,
                C::None,
                Err((401, "authz.client_session_mismatch")),
            ),
        ));
        rows.push(row(
            "after the mismatch",
            "GET",
            me,
            W::Member,
            C::None,
            Err((401, "authz.invalid_session")),
        ));
        run(&state, &sessions, rows).await;

        // Restrictions (§7.1), before anything else.
        restrict(
            &state,
            "blacklist",
            "ip_subnet",
            "192.168.32.0/24",
            true,
            None,
        )
        .await;
        restrict(&state, "blacklist", "ip", "10.0.0.1", false, None).await;
        restrict(&state, "blacklist", "ip", "10.0.0.2", true, Some(403)).await;
        restrict(&state, "blocklogin", "ip", "10.0.0.3", true, Some(425)).await;
        let blacklisted = [192, 168, 32, 7];
        run(
            &state,
            &sessions,
            vec![
                from(
                    blacklisted,
                    row(
                        "blacklisted subnet",
                        "GET",
                        me,
                        W::Admin,
                        C::None,
                        Err((403, "authz.restrict.blacklist")),
                    ),
                ),
                from(
                    blacklisted,
                    row(
                        "blacklisted, pass path",
                        "GET",
                        "api/v2/auth/identity/ping",
                        W::Nobody,
                        C::None,
                        Err((403, "authz.restrict.blacklist")),
                    ),
                ),
                from(
                    blacklisted,
                    row(
                        "whitelink path",
                        "POST",
                        "api/v2/auth/identity/users/access",
                        W::Nobody,
                        C::None,
                        Ok(None),
                    ),
                ),
                from(
                    [10, 0, 0, 1],
                    row(
                        "disabled restriction",
                        "GET",
                        me,
                        W::Nobody,
                        C::None,
                        Err((401, "authz.invalid_session")),
                    ),
                ),
                from(
                    [10, 0, 0, 2],
                    row(
                        "custom code",
                        "GET",
                        me,
                        W::Nobody,
                        C::None,
                        Err((403, "authz.restrict.blacklist")),
                    ),
                ),
                from(
                    [10, 0, 0, 3],
                    row(
                        "blocklogin, sign-in",
                        "POST",
                        "api/v2/auth/identity/sessions",
                        W::Nobody,
                        C::None,
                        Err((425, "authz.restrict.blocklogin")),
                    ),
                ),
                from(
                    [10, 0, 0, 3],
                    row(
                        "blocklogin, Barong's path",
                        "POST",
                        "api/v2/barong/identity/sessions",
                        W::Nobody,
                        C::None,
                        Err((425, "authz.restrict.blocklogin")),
                    ),
                ),
                from(
                    [10, 0, 0, 3],
                    row(
                        "blocklogin, other path",
                        "GET",
                        "api/v2/auth/identity/ping",
                        W::Nobody,
                        C::None,
                        Ok(None),
                    ),
                ),
            ],
        )
        .await;
        restrict(&state, "whitelist", "ip", "192.168.32.7", true, None).await;
        restrict(&state, "maintenance", "all", "all", true, None).await;
        run(
            &state,
            &sessions,
            vec![
                from(
                    blacklisted,
                    row(
                        "whitelist beats maintenance and blacklist",
                        "GET",
                        "api/v2/admin/users/list",
                        W::Nobody,
                        C::None,
                        Err((401, "authz.invalid_session")),
                    ),
                ),
                row(
                    "maintenance",
                    "GET",
                    "api/v2/admin/users/list",
                    W::Admin,
                    C::None,
                    Err((471, "authz.restrict.maintenance")),
                ),
                from(
                    [10, 0, 0, 2],
                    row(
                        "maintenance before blacklist",
                        "GET",
                        me,
                        W::Nobody,
                        C::None,
                        Err((471, "authz.restrict.maintenance")),
                    ),
                ),
            ],
        )
        .await;
    }
}
