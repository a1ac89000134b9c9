//! Evaluating 10 authcheck-style checks for a user with 3 roles in 2 organizations (pure
//! evaluation, as the handler does after loading the session).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use gatehouse::model::{OrganizationMembership, User};
use gatehouse::rbac::{Object, authorize, subject_for};

fn ten_checks(c: &mut Criterion) {
    let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let mut user = User::new("bench@example.com", "bench", chrono::DateTime::UNIX_EPOCH);
    user.roles = vec!["template-admin".to_owned()];
    user.memberships = vec![
        OrganizationMembership {
            roles: vec!["organization-admin".to_owned()],
            ..OrganizationMembership::new(a, chrono::DateTime::UNIX_EPOCH)
        },
        OrganizationMembership {
            roles: vec!["organization-auditor".to_owned()],
            ..OrganizationMembership::new(b, chrono::DateTime::UNIX_EPOCH)
        },
    ];
    let me = user.id.to_string();
    let checks: Vec<(Object, &str)> = vec![
        (Object::any("user"), "read"),
        (Object::user(user.id), "read"),
        (
            Object {
                owner: me.clone(),
                ..Object::any("workspace")
            },
            "read",
        ),
        (Object::in_org("workspace", a), "read"),
        (Object::in_org("template", b), "update"),
        (
            Object {
                any_org: true,
                ..Object::any("template")
            },
            "create",
        ),
        (Object::in_org("audit_log", b), "read"),
        (
            Object {
                owner: me.clone(),
                ..Object::in_org("workspace", a)
            },
            "ssh",
        ),
        (Object::in_org("group", a), "delete"),
        (Object::owned_by("api_key", user.id), "create"),
    ];
    c.bench_function("authcheck_10_checks_3_roles_2_orgs", |bench| {
        bench.iter(|| {
            // The subject is built per request with the session; include it.
            let subject = subject_for(black_box(&user), &["coder:all".to_owned()]).unwrap();
            let mut allowed = 0;
            for (object, action) in &checks {
                allowed += usize::from(authorize(&subject, action, object));
            }
            black_box(allowed)
        })
    });
}

criterion_group!(benches, ten_checks);
criterion_main!(benches);
