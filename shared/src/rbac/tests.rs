//! Table-driven tests of the evaluator against the built-in roles, and property tests.

use super::*;
use crate::model::{OrganizationMembership, User};
use uuid::Uuid;

fn user(site: &[&str], orgs: &[(Uuid, &[&str])]) -> User {
    let mut u = User::new("u@example.com", "u", chrono::DateTime::UNIX_EPOCH);
    u.roles = site.iter().map(|s| (*s).to_owned()).collect();
    u.memberships = orgs
        .iter()
        .map(|(id, roles)| OrganizationMembership {
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ..OrganizationMembership::new(*id, chrono::DateTime::UNIX_EPOCH)
        })
        .collect();
    u
}

fn subject(u: &User) -> Subject {
    subject_for(u, &[]).unwrap()
}

fn obj(resource_type: &str, owner: &str, org: &str, any_org: bool) -> Object {
    Object {
        resource_type: resource_type.to_owned(),
        owner: owner.to_owned(),
        org_owner: org.to_owned(),
        any_org,
        ..Object::default()
    }
}

/// authorize_test.go's five checks (§8.5), with this snapshot's expectations.
#[test]
fn authorize_test_matrix() {
    let org = Uuid::new_v4();
    let o = org.to_string();
    let template_in_org = |_: &Subject| obj("template", "", &o, false);
    let cases: [(&str, User, [bool; 5]); 3] = [
        (
            "owner",
            user(&["owner"], &[(org, &[])]),
            [true, true, true, true, true],
        ),
        (
            "org-admin",
            user(&[], &[(org, &["organization-admin"])]),
            [true, true, false, true, true],
        ),
        (
            "member",
            user(&[], &[(org, &[])]),
            [false, true, false, false, false],
        ),
    ];
    for (name, u, expected) in cases {
        let s = subject(&u);
        let me = s.id.clone();
        let checks = [
            ("read-all-users", obj("user", "", "", false), "read"),
            ("read-myself", obj("user", &me, "", false), "read"),
            (
                "read-own-workspaces",
                obj("workspace", &me, "", false),
                "read",
            ),
            (
                "read-org-workspaces",
                obj("workspace", "", &o, false),
                "read",
            ),
            ("update-specific-template", template_in_org(&s), "update"),
        ];
        for ((key, object, action), want) in checks.iter().zip(expected) {
            assert_eq!(authorize(&s, action, object), want, "{name} {key}");
        }
    }
}

#[test]
fn any_org_template_create() {
    let org = Uuid::new_v4();
    let any = obj("template", "", "", true);
    assert!(authorize(
        &subject(&user(&[], &[(org, &["organization-admin"])])),
        "create",
        &any
    ));
    assert!(authorize(
        &subject(&user(&["template-admin"], &[(org, &[])])),
        "create",
        &any
    ));
    assert!(authorize(
        &subject(&user(&[], &[(org, &["organization-template-admin"])])),
        "create",
        &any
    ));
    assert!(!authorize(
        &subject(&user(&[], &[(org, &[])])),
        "create",
        &any
    ));
    assert!(
        !authorize(&subject(&user(&[], &[])), "create", &any),
        "no organization at all"
    );
    // any_org with an organization is refused outright, even for the owner.
    let both = obj("template", "", &org.to_string(), true);
    assert!(!authorize(
        &subject(&user(&["owner"], &[(org, &[])])),
        "create",
        &both
    ));
}

#[test]
fn negation_at_org_level_vetoes_member_level_but_not_site() {
    let org = Uuid::new_v4();
    let banned = subject(&user(
        &[],
        &[(org, &["organization-workspace-creation-ban"])],
    ));
    let me = banned.id.clone();
    let own_ws = obj("workspace", &me, &org.to_string(), false);
    assert!(
        authorize(&banned, "read", &own_ws),
        "members read their own workspaces in the org"
    );
    assert!(
        !authorize(&banned, "create", &own_ws),
        "the ban vetoes the member-level grant"
    );
    assert!(!authorize(&banned, "delete", &own_ws));
    let unbanned = subject(&user(&[], &[(org, &[])]));
    let own = obj("workspace", &unbanned.id, &org.to_string(), false);
    assert!(authorize(&unbanned, "create", &own));
    // A site grant wins over an organization denial.
    let owner_banned = subject(&user(
        &["owner"],
        &[(org, &["organization-workspace-creation-ban"])],
    ));
    let own = obj("workspace", &owner_banned.id, &org.to_string(), false);
    assert!(authorize(&owner_banned, "create", &own));
}

#[test]
fn organization_levels_need_membership() {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let admin_of_a = subject(&user(&[], &[(a, &["organization-admin"])]));
    assert!(authorize(
        &admin_of_a,
        "read",
        &obj("group", "", &a.to_string(), false)
    ));
    assert!(!authorize(
        &admin_of_a,
        "read",
        &obj("group", "", &b.to_string(), false)
    ));
    // An organization role record for an org the user left grants nothing there.
    let member_elsewhere = subject(&user(&[], &[(b, &[])]));
    assert!(!authorize(
        &member_elsewhere,
        "read",
        &obj("organization", "", &a.to_string(), false)
    ));
    assert!(authorize(
        &member_elsewhere,
        "read",
        &obj("organization", "", &b.to_string(), false)
    ));
}

#[test]
fn user_level_only_without_organization() {
    let org = Uuid::new_v4();
    let s = subject(&user(&[], &[(org, &[])]));
    assert!(
        authorize(&s, "read", &obj("api_key", &s.id, "", false)),
        "own api keys"
    );
    assert!(!authorize(
        &s,
        "read",
        &obj("api_key", "someone-else", "", false)
    ));
    assert!(
        authorize(&s, "read", &obj("user", &s.id, "", false)),
        "itself, at the user level"
    );
    assert!(
        !authorize(&s, "read", &obj("user", &s.id, "", true)),
        "any_org disables the user level"
    );
}

#[test]
fn built_in_role_matrix() {
    // (role, site?, resource, action, owned by self, in org, expected)
    let org = Uuid::new_v4();
    let o = org.to_string();
    let rows: &[(&str, &str, &str, bool, bool, bool)] = &[
        ("auditor", "audit_log", "read", false, false, true),
        ("auditor", "audit_log", "create", false, false, false),
        ("auditor", "user", "update", false, false, false),
        ("template-admin", "template", "delete", false, true, true),
        ("template-admin", "workspace", "update", false, true, false),
        ("user-admin", "user", "create", false, false, true),
        ("user-admin", "assign_role", "assign", false, false, true),
        (
            "user-admin",
            "organization_member",
            "delete",
            false,
            true,
            true,
        ),
        ("user-admin", "template", "read", false, true, false),
        ("member", "user", "read", false, false, false),
        ("member", "user", "update_personal", true, false, true),
        ("member", "user", "update", true, false, false),
        ("member", "workspace_proxy", "read", false, false, true),
        ("member", "organization", "read", false, true, true),
        ("member", "organization", "update", false, true, false),
        ("member", "template", "read", true, true, true),
        ("owner", "user_secret", "read", false, false, false),
        ("owner", "workspace", "ssh", false, true, true),
        ("owner", "workspace_dormant", "ssh", false, true, false),
        (
            "organization-auditor",
            "audit_log",
            "read",
            false,
            true,
            true,
        ),
        (
            "organization-auditor",
            "template",
            "update",
            false,
            true,
            false,
        ),
        (
            "organization-user-admin",
            "group",
            "delete",
            false,
            true,
            true,
        ),
        (
            "organization-user-admin",
            "user",
            "read",
            false,
            false,
            true,
        ),
        (
            "organization-template-admin",
            "provisioner_jobs",
            "create",
            false,
            true,
            true,
        ),
        (
            "organization-template-admin",
            "workspace",
            "delete",
            false,
            true,
            false,
        ),
        ("organization-admin", "workspace", "ssh", false, true, false),
        ("organization-admin", "workspace", "stop", false, true, true),
        (
            "organization-admin",
            "assign_role",
            "assign",
            false,
            true,
            false,
        ),
    ];
    for (role, rt, action, owned, in_org, want) in rows {
        let u = if is_org_role(role) {
            user(&[], &[(org, &[role])])
        } else {
            user(&[role], &[(org, &[])])
        };
        let s = subject(&u);
        let owner = if *owned { s.id.clone() } else { String::new() };
        let object = obj(rt, &owner, if *in_org { &o } else { "" }, false);
        assert_eq!(
            authorize(&s, action, &object),
            *want,
            "{role} {action} {rt} owned={owned} in_org={in_org}"
        );
    }
}

#[test]
fn scopes_gate_what_roles_allow() {
    let org = Uuid::new_v4();
    let u = user(&["owner"], &[(org, &[])]);
    let read_only = subject_for(&u, &["user:read_personal".to_owned()]).unwrap();
    assert!(authorize(
        &read_only,
        "read_personal",
        &obj("user", &read_only.id, "", false)
    ));
    assert!(
        !authorize(&read_only, "read", &obj("user", "", "", false)),
        "owner's power is capped by the scope"
    );
    let connect = subject_for(&u, &["application_connect".to_owned()]).unwrap();
    assert!(authorize(
        &connect,
        "application_connect",
        &obj("workspace", "", &org.to_string(), false)
    ));
    assert!(!authorize(
        &connect,
        "read",
        &obj("workspace", "", &org.to_string(), false)
    ));
    let composite = subject_for(&u, &["coder:workspaces.create".to_owned()]).unwrap();
    assert!(authorize(
        &composite,
        "use",
        &obj("template", "", &org.to_string(), false)
    ));
    assert!(!authorize(
        &composite,
        "delete",
        &obj("workspace", "", &org.to_string(), false)
    ));
    // A scope never adds what roles lack.
    let member = user(&[], &[(org, &[])]);
    let s = subject_for(&member, &["coder:all".to_owned()]).unwrap();
    assert!(!authorize(&s, "read", &obj("user", "", "", false)));
    assert!(subject_for(&member, &["workspace:fly".to_owned()]).is_err());
    assert!(subject_for(&member, &["nope".to_owned()]).is_err());
    assert!(subject_for(&member, &["workspace:*".to_owned()]).is_ok());
}

#[test]
fn allow_list_limits_objects() {
    let u = user(&["owner"], &[]);
    let mut s = subject(&u);
    s.scope.allow_list = vec![("workspace".to_owned(), "w1".to_owned())];
    let mut w1 = obj("workspace", "", "", false);
    w1.id = "w1".to_owned();
    let mut w2 = w1.clone();
    w2.id = "w2".to_owned();
    assert!(authorize(&s, "read", &w1));
    assert!(!authorize(&s, "read", &w2));
    assert!(!authorize(&s, "read", &obj("template", "", "", false)));
}

#[test]
fn acl_lists_grant_access() {
    let org = Uuid::new_v4();
    let s = subject(&user(&[], &[(org, &[])]));
    let mut ws = obj("template", "", &org.to_string(), false);
    assert!(!authorize(&s, "update", &ws));
    ws.acl_user_list = vec![(s.id.clone(), vec!["update".to_owned()])];
    assert!(authorize(&s, "update", &ws));
    let mut by_group = obj("template", "", &org.to_string(), false);
    by_group.acl_group_list = vec![(org.to_string(), vec!["*".to_owned()])];
    assert!(authorize(&s, "delete", &by_group), "the Everyone group");
    let outsider = subject(&user(&[], &[]));
    assert!(!authorize(&outsider, "delete", &by_group));
}

#[test]
fn unknown_types_and_actions_are_denied() {
    let s = subject(&user(&[], &[]));
    assert!(!authorize(&s, "read", &obj("spaceship", &s.id, "", false)));
    assert!(!authorize(&s, "fly", &obj("user", &s.id, "", false)));
}

/// What the snapshot's owner role deliberately withholds, site-wide, even with scope coder:all.
/// Owned objects outside organizations are reachable through the implied `member` role's user
/// level, which covers `user_secret` and `usage_event` but not dormant workspaces.
const OWNER_WITHHELD: &[(&str, &str)] = &[
    ("workspace_dormant", "start"),
    ("workspace_dormant", "ssh"),
    ("workspace_dormant", "application_connect"),
    ("workspace_dormant", "share"),
    ("user_secret", "*"),
    ("usage_event", "*"),
];

fn withheld(rt: &str, action: &str) -> bool {
    OWNER_WITHHELD
        .iter()
        .any(|(t, a)| *t == rt && (*a == "*" || *a == action))
}

#[test]
fn owner_with_coder_all_allows_every_known_pair_but_the_withheld() {
    let s = subject_for(&user(&["owner"], &[]), &["coder:all".to_owned()]).unwrap();
    for (rt, actions) in RESOURCES {
        for action in *actions {
            let allowed = authorize(&s, action, &obj(rt, "", "", false));
            let expected = !withheld(rt, action);
            assert_eq!(allowed, expected, "{rt}:{action}");
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn known_pair() -> impl Strategy<Value = (&'static str, &'static str)> {
        (0..RESOURCES.len()).prop_flat_map(|i| {
            let (rt, actions) = RESOURCES[i];
            (Just(rt), 0..actions.len()).prop_map(move |(rt, j)| (rt, actions[j]))
        })
    }

    fn any_role() -> impl Strategy<Value = &'static str> {
        let names: Vec<&'static str> = BUILT_IN_SITE_ROLES
            .iter()
            .chain(BUILT_IN_ORG_ROLES.iter())
            .map(|r| r.name)
            .collect();
        proptest::sample::select(names)
    }

    proptest! {
        #[test]
        fn evaluation_never_panics(
            rt in ".{0,20}", action in ".{0,20}", owner in ".{0,40}", org in ".{0,40}", any_org: bool,
            roles in proptest::collection::vec(any_role(), 0..6), scopes in proptest::collection::vec(".{0,30}", 0..3),
        ) {
            let org_id = Uuid::new_v4();
            let (site, orgr): (Vec<&str>, Vec<&str>) = roles.iter().partition(|r| is_site_role(r));
            let u = user(&site, &[(org_id, &orgr)]);
            if let Ok(s) = subject_for(&u, &scopes) {
                let _ = authorize(&s, &action, &obj(&rt, &owner, &org, any_org));
                let _ = authorize(&s, &action, &obj(&rt, &s.id, &org_id.to_string(), any_org));
            }
        }

        #[test]
        fn owner_with_coder_all_allows_known_pairs((rt, action) in known_pair(), owned: bool, in_org: bool) {
            let org_id = Uuid::new_v4();
            let s = subject_for(&user(&["owner"], &[(org_id, &[])]), &["coder:all".to_owned()]).unwrap();
            let owner = if owned { s.id.clone() } else { String::new() };
            let org = if in_org { org_id.to_string() } else { String::new() };
            let allowed = authorize(&s, action, &obj(rt, &owner, &org, false));
            let via_member = owned && (rt != "workspace_dormant");
            prop_assert_eq!(allowed, !withheld(rt, action) || via_member, "{}:{} owned={} in_org={}", rt, action, owned, in_org);
        }

        #[test]
        fn a_narrower_scope_never_allows_more((rt, action) in known_pair(), role in any_role(), scope in proptest::sample::select(EXTERNAL_SCOPES.to_vec())) {
            let org_id = Uuid::new_v4();
            let u = if is_org_role(role) { user(&[], &[(org_id, &[role])]) } else { user(&[role], &[(org_id, &[])]) };
            let full = subject_for(&u, &["coder:all".to_owned()]).unwrap();
            let narrow = subject_for(&u, &[scope.to_owned()]).unwrap();
            let object = obj(rt, &full.id, &org_id.to_string(), false);
            prop_assert!(!authorize(&narrow, action, &object) || authorize(&full, action, &object));
        }
    }
}
