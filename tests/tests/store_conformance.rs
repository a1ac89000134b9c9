//! One conformance suite, run against both `Store` implementations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use chrono::{DateTime, Duration, Utc};
use gatehouse::model::{Organization, User};
use gatehouse::store::{SlidingWindow, Store, StoreError};
use gatehouse::token::SecretHash;
use gatehouse_tests::{
    Backend, both_stores, session_key, test_settings, unique_email, unique_username,
};
use std::sync::Arc;

async fn store(b: Backend) -> (Arc<dyn Store>, Option<tempfile::TempDir>) {
    let mut settings = test_settings();
    let (store, _mailer, dir) = gatehouse_tests::parts(b, &mut settings).await;
    (store, dir)
}

fn user(email: &str, username: &str) -> User {
    User::new(email, username, Utc::now())
}

fn org(default: bool) -> Organization {
    Organization {
        id: uuid::Uuid::new_v4(),
        name: unique_username("org"),
        display_name: "Org".into(),
        description: String::new(),
        icon: String::new(),
        is_default: default,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

async fn users_round_trip_and_lookups_ignore_case(b: Backend) {
    let (s, _d) = store(b).await;
    let email = unique_email("Mixed.Case");
    let username = unique_username("Mixed");
    let mut u = user(&email, &username);
    u.labels.push(gatehouse::model::BarongLabel {
        key: "email".into(),
        value: "verified".into(),
        scope: "private".into(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    });
    u.data = Some("{\"language\":\"en\"}".into());
    s.create_user(&u).await.unwrap();
    let by_email = s
        .user_by_email(&email.to_uppercase())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_email.id, u.id);
    assert_eq!(by_email.email, email, "stored as given");
    assert_eq!(by_email.labels, u.labels);
    assert_eq!(by_email.data, u.data);
    assert_eq!(by_email.uid, u.uid);
    assert_eq!(
        s.user_by_username(&username.to_lowercase())
            .await
            .unwrap()
            .unwrap()
            .id,
        u.id
    );
    assert_eq!(s.user_by_id(u.id).await.unwrap().unwrap().email, email);
    assert!(
        s.user_by_email("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.user_by_id(uuid::Uuid::new_v4()).await.unwrap().is_none());
}

async fn email_and_username_are_unique(b: Backend) {
    let (s, _d) = store(b).await;
    let email = unique_email("u");
    let name = unique_username("u");
    s.create_user(&user(&email, &name)).await.unwrap();
    assert!(matches!(
        s.create_user(&user(&email.to_uppercase(), &unique_username("v")))
            .await,
        Err(StoreError::EmailTaken)
    ));
    assert!(matches!(
        s.create_user(&user(&unique_email("v"), &name.to_uppercase()))
            .await,
        Err(StoreError::UsernameTaken)
    ));
}

async fn unique_email_holds_under_concurrency(b: Backend) {
    let (s, _d) = store(b).await;
    let email = unique_email("race");
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        let u = user(&email, &unique_username("race"));
        tasks.push(tokio::spawn(async move { s.create_user(&u).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::EmailTaken | StoreError::Conflict) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok, 1);
}

async fn updates_are_conditional_on_revision(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("rev"), &unique_username("rev"));
    s.create_user(&u).await.unwrap();
    let mut a = s.user_by_id(u.id).await.unwrap().unwrap();
    let mut stale = a.clone();
    a.name = "First".into();
    a.revision = s.update_user(&a).await.unwrap();
    stale.name = "Second".into();
    assert!(matches!(
        s.update_user(&stale).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(s.user_by_id(u.id).await.unwrap().unwrap().name, "First");
    let mut renamed = a.clone();
    renamed.email = unique_email("other");
    assert!(
        matches!(s.update_user(&renamed).await, Err(StoreError::Conflict)),
        "email is immutable here"
    );
}

async fn first_user_and_default_organization_once(b: Backend) {
    let (s, _d) = store(b).await;
    assert!(!s.first_user_exists().await.unwrap());
    let o = org(true);
    let u = user(&unique_email("first"), &unique_username("first"));
    s.create_first_user(&u, &o).await.unwrap();
    assert!(s.first_user_exists().await.unwrap());
    assert_eq!(s.default_organization().await.unwrap().unwrap().id, o.id);
    assert_eq!(s.organization_by_id(o.id).await.unwrap().unwrap(), o);
    let again = s
        .create_first_user(
            &user(&unique_email("second"), &unique_username("second")),
            &org(true),
        )
        .await;
    assert!(matches!(again, Err(StoreError::FirstUserExists)));
    // Nothing of the refused transaction was written.
    assert_eq!(s.default_organization().await.unwrap().unwrap().id, o.id);
}

async fn organization_and_member_in_one_transaction(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("creator"), &unique_username("creator"));
    s.create_user(&u).await.unwrap();
    let stored = s.user_by_id(u.id).await.unwrap().unwrap();
    let o = org(false);
    let mut member = stored.clone();
    member
        .memberships
        .push(gatehouse::model::OrganizationMembership::new(
            o.id,
            Utc::now(),
        ));
    let revision = s
        .create_organization_with_member(&o, &member)
        .await
        .unwrap();
    let saved = s.user_by_id(u.id).await.unwrap().unwrap();
    assert_eq!(saved.revision, revision);
    assert_eq!(saved.organization_ids(), vec![o.id]);
    assert_eq!(
        s.organization_by_name(&o.name.to_uppercase())
            .await
            .unwrap()
            .unwrap()
            .id,
        o.id
    );
    // A stale member refuses the whole transaction: no organization is left behind.
    let other = org(false);
    let mut stale = stored.clone();
    stale
        .memberships
        .push(gatehouse::model::OrganizationMembership::new(
            other.id,
            Utc::now(),
        ));
    assert!(matches!(
        s.create_organization_with_member(&other, &stale).await,
        Err(StoreError::Conflict)
    ));
    assert!(s.organization_by_id(other.id).await.unwrap().is_none());
    assert!(s.organization_by_name(&other.name).await.unwrap().is_none());
    // A taken name refuses it too, and the member is unchanged.
    let mut again = saved.clone();
    let dup = Organization {
        id: uuid::Uuid::new_v4(),
        ..o.clone()
    };
    again
        .memberships
        .push(gatehouse::model::OrganizationMembership::new(
            dup.id,
            Utc::now(),
        ));
    assert!(matches!(
        s.create_organization_with_member(&dup, &again).await,
        Err(StoreError::OrganizationNameTaken)
    ));
    assert_eq!(
        s.user_by_id(u.id).await.unwrap().unwrap().revision,
        revision
    );
}

async fn api_keys(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("k"), &unique_username("k"));
    s.create_user(&u).await.unwrap();
    let k1 = session_key(&u, Duration::hours(24));
    let k2 = session_key(&u, Duration::hours(24));
    s.insert_api_key(&k1).await.unwrap();
    s.insert_api_key(&k2).await.unwrap();
    assert!(matches!(
        s.insert_api_key(&k1).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(s.api_key(&k1.id).await.unwrap().unwrap(), k1);
    let mut ids: Vec<String> = s
        .api_keys_of_user(u.id)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    ids.sort();
    let mut expected = vec![k1.id.clone(), k2.id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    s.delete_api_key(&k1.id).await.unwrap();
    let mut touched = k1.clone();
    touched.expires_at += Duration::hours(1);
    s.touch_api_key(&touched).await.unwrap();
    assert!(
        s.api_key(&k1.id).await.unwrap().is_none(),
        "a deleted key stays deleted"
    );
    let mut touched = k2.clone();
    touched.expires_at += Duration::hours(1);
    s.touch_api_key(&touched).await.unwrap();
    assert_eq!(
        s.api_key(&k2.id).await.unwrap().unwrap().expires_at,
        touched.expires_at
    );
    s.delete_api_keys_of_user(u.id).await.unwrap();
    assert!(s.api_key(&k2.id).await.unwrap().is_none());
}

async fn counters(b: Backend) {
    let (s, _d) = store(b).await;
    let now = Utc::now();
    let expires = now + Duration::seconds(60);
    let name = unique_username("ctr");
    assert_eq!(s.counter(&name, now).await.unwrap(), 0);
    assert_eq!(
        s.increment_below(&name, 2, expires, now).await.unwrap(),
        Some(1)
    );
    assert_eq!(
        s.increment_below(&name, 2, expires, now).await.unwrap(),
        Some(2)
    );
    assert_eq!(
        s.increment_below(&name, 2, expires, now).await.unwrap(),
        None
    );
    assert_eq!(s.counter(&name, now).await.unwrap(), 2);
    let later = now + Duration::seconds(120);
    assert_eq!(
        s.counter(&name, later).await.unwrap(),
        0,
        "expired counters read as zero"
    );
    assert_eq!(
        s.increment_below(&name, 2, later + Duration::seconds(60), later)
            .await
            .unwrap(),
        Some(1),
        "and restart"
    );
}

/// The rate limits' edges: a zero ceiling, the last allowed hit, and expiry at the second
/// (DynamoDB keeps epoch seconds; the embedded store must agree to the instant).
async fn counter_boundaries(b: Backend) {
    let (s, _d) = store(b).await;
    let base = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let name = unique_username("edge");
    assert_eq!(
        s.increment_below(&name, 0, base + Duration::seconds(60), base)
            .await
            .unwrap(),
        None,
        "a zero ceiling refuses even a new counter"
    );
    assert_eq!(s.counter(&name, base).await.unwrap(), 0);
    let expires = base + Duration::milliseconds(10_500);
    for n in 1..=3 {
        assert_eq!(
            s.increment_below(&name, 3, expires, base).await.unwrap(),
            Some(n)
        );
    }
    assert_eq!(
        s.increment_below(&name, 3, expires, base).await.unwrap(),
        None
    );
    let just_before = base + Duration::milliseconds(9_999);
    assert_eq!(s.counter(&name, just_before).await.unwrap(), 3);
    assert_eq!(
        s.increment_below(&name, 3, expires, just_before)
            .await
            .unwrap(),
        None
    );
    // The expiry is whole seconds: at base+10s the counter is gone in both stores.
    let at = base + Duration::seconds(10);
    assert_eq!(s.counter(&name, at).await.unwrap(), 0);
    assert_eq!(
        s.increment_below(&name, 3, at + Duration::seconds(60), at)
            .await
            .unwrap(),
        Some(1)
    );
}

/// A sliding window: the previous minute's count, weighted, lowers the current one's ceiling;
/// an expired previous counter lowers nothing.
async fn sliding_window_carries_the_previous_minute(b: Backend) {
    let (s, _d) = store(b).await;
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let key = unique_username("win");
    let window = |previous_weight: f64| SlidingWindow {
        previous: format!("{key}#1"),
        current: format!("{key}#2"),
        expires_at: now + Duration::seconds(120),
        limit: 4,
        previous_weight,
    };
    for _ in 0..3 {
        s.increment_below(&format!("{key}#1"), 10, now + Duration::seconds(60), now)
            .await
            .unwrap();
    }
    // 4 - floor(3 * 0.5) = 3 for the current minute.
    for n in 1..=3 {
        assert_eq!(
            s.increment_in_window(&window(0.5), now).await.unwrap(),
            (3, Some(n))
        );
    }
    assert_eq!(
        s.increment_in_window(&window(0.5), now).await.unwrap(),
        (3, None)
    );
    assert_eq!(s.counter(&format!("{key}#2"), now).await.unwrap(), 3);
    // With the previous minute's counter expired, the whole limit is the current one's.
    let later = now + Duration::seconds(60);
    assert_eq!(
        s.increment_in_window(&window(0.5), later).await.unwrap(),
        (4, Some(4))
    );
    assert_eq!(
        s.increment_in_window(&window(0.5), later).await.unwrap(),
        (4, None)
    );
}

/// A sign-in's key and its record land together, and a key that exists is still refused.
async fn a_key_is_written_with_its_sign_in(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("rk"), &unique_username("rk"));
    s.create_user(&u).await.unwrap();
    let key = session_key(&u, Duration::hours(24));
    let sign_in = activity(Some(u.id), 1, "login");
    s.insert_api_key_recorded(&key, &sign_in).await.unwrap();
    assert_eq!(s.api_key(&key.id).await.unwrap().unwrap(), key);
    assert_eq!(s.activities_of_user(u.id).await.unwrap(), vec![sign_in]);
    assert!(matches!(
        s.insert_api_key_recorded(&key, &activity(Some(u.id), 2, "login"))
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(s.api_key(&key.id).await.unwrap().unwrap(), key);
}

/// Renaming claims the new username and frees the old one in one step.
async fn rename_moves_the_username(b: Backend) {
    let (s, _d) = store(b).await;
    let (old, new, taken) = (
        unique_username("a"),
        unique_username("b"),
        unique_username("c"),
    );
    let mut u = user(&unique_email("r"), &old);
    s.create_user(&u).await.unwrap();
    s.create_user(&user(&unique_email("r"), &taken))
        .await
        .unwrap();
    u.revision = 1;
    let mut renamed = u.clone();
    renamed.username = taken.to_uppercase();
    assert!(matches!(
        s.rename_user(&renamed, &old).await,
        Err(StoreError::UsernameTaken)
    ));
    renamed.username = new.clone();
    assert_eq!(s.rename_user(&renamed, &old).await.unwrap(), 2);
    assert_eq!(s.user_by_username(&new).await.unwrap().unwrap().id, u.id);
    assert!(s.user_by_username(&old).await.unwrap().is_none());
    // The old name is free for someone else; a stale revision is refused.
    s.create_user(&user(&unique_email("r"), &old))
        .await
        .unwrap();
    assert!(matches!(
        s.rename_user(&renamed, &new).await,
        Err(StoreError::Conflict)
    ));
    // A change of case only keeps the marker.
    let mut cased = s.user_by_id(u.id).await.unwrap().unwrap();
    cased.username = new.to_uppercase();
    s.rename_user(&cased, &new).await.unwrap();
    assert_eq!(
        s.user_by_username(&new).await.unwrap().unwrap().username,
        new.to_uppercase()
    );
}

/// A deleted user is not listed and its email and username can be used again.
async fn deletion_frees_email_and_username(b: Backend) {
    let (s, _d) = store(b).await;
    let (email, name) = (unique_email("d"), unique_username("d"));
    let u = user(&email, &name);
    s.create_user(&u).await.unwrap();
    let listed = |users: Vec<User>, id| users.iter().any(|x| x.id == id);
    assert!(listed(s.list_users().await.unwrap(), u.id));
    let mut gone = s.user_by_id(u.id).await.unwrap().unwrap();
    gone.deleted = true;
    assert_eq!(s.delete_user(&gone).await.unwrap(), 2);
    assert!(s.user_by_email(&email).await.unwrap().is_none());
    assert!(s.user_by_id(u.id).await.unwrap().unwrap().deleted);
    assert!(!listed(s.list_users().await.unwrap(), u.id));
    let again = user(&email, &name);
    s.create_user(&again).await.unwrap();
    assert_eq!(s.user_by_email(&email).await.unwrap().unwrap().id, again.id);
    assert!(listed(s.list_users().await.unwrap(), again.id));
    // Deleting the old record again cannot take the new user's email.
    gone.revision = 2;
    s.delete_user(&gone).await.ok();
    assert_eq!(s.user_by_email(&email).await.unwrap().unwrap().id, again.id);
}

async fn organizations_are_listed(b: Backend) {
    let (s, _d) = store(b).await;
    let (a, c) = (org(false), org(false));
    let mut member = user(&unique_email("o"), &unique_username("o"));
    s.create_user(&member).await.unwrap();
    member.revision = 1;
    s.create_organization_with_member(&a, &member)
        .await
        .unwrap();
    member.revision = 2;
    s.create_organization_with_member(&c, &member)
        .await
        .unwrap();
    let ids: Vec<_> = s
        .list_organizations()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert!(ids.contains(&a.id) && ids.contains(&c.id), "{ids:?}");
}

async fn secrets_are_created_once(b: Backend) {
    let (s, _d) = store(b).await;
    let name = unique_username("secret");
    assert_eq!(
        s.get_or_create_secret(&name, b"first").await.unwrap(),
        b"first"
    );
    assert_eq!(
        s.get_or_create_secret(&name, b"second").await.unwrap(),
        b"first"
    );
}

async fn hostile_keys_are_just_data(b: Backend) {
    let (s, _d) = store(b).await;
    for (i, email) in [
        "a\u{0}b@example.com",
        "x#USER#y@example.com",
        "\"; DROP TABLE users; --@example.com",
        "ü@例え.jp",
    ]
    .iter()
    .enumerate()
    {
        let u = user(email, &format!("{}{i}", unique_username("h")));
        s.create_user(&u).await.unwrap();
        assert_eq!(
            s.user_by_email(email).await.unwrap().unwrap().id,
            u.id,
            "{email:?}"
        );
    }
    assert!(s.user_by_email("a").await.unwrap().is_none());
}

async fn users_by_uid_and_barong_fields(b: Backend) {
    let (s, _d) = store(b).await;
    let mut referrer = user(&unique_email("ref"), &unique_username("ref"));
    referrer.set_private_label("email", "verified", Utc::now());
    referrer.username_generated = true;
    s.create_user(&referrer).await.unwrap();
    let found = s.user_by_uid(&referrer.uid).await.unwrap().unwrap();
    assert_eq!(found.id, referrer.id);
    assert!(found.username_generated);
    assert_eq!(
        (found.barong_state, found.level),
        (referrer.barong_state, 1)
    );
    assert_eq!(found.labels, referrer.labels);
    assert!(s.user_by_uid("ID0000000000").await.unwrap().is_none());
    // A uid is unique: a second user with it is refused and nothing of it is written.
    let mut twin = user(&unique_email("twin"), &unique_username("twin"));
    twin.uid = referrer.uid.clone();
    assert!(matches!(
        s.create_user(&twin).await,
        Err(StoreError::Conflict)
    ));
    assert!(s.user_by_email(&twin.email).await.unwrap().is_none());
}

async fn barong_sessions(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("bs"), &unique_username("bs"));
    s.create_user(&u).await.unwrap();
    let now = Utc::now();
    let session = gatehouse::model::BarongSession {
        id_hash: SecretHash::of("cookie-value"),
        user_id: u.id,
        user_generation: u.session_generation,
        user_ip: "127.0.0.1".to_owned(),
        user_agent: "ua".to_owned(),
        csrf_token: "0123456789abcdef0123".to_owned(),
        created_at: gatehouse::auth::session::truncate(now),
        expires_at: gatehouse::auth::session::truncate(now + Duration::minutes(30)),
    };
    s.insert_barong_session(&session).await.unwrap();
    assert!(matches!(
        s.insert_barong_session(&session).await,
        Err(StoreError::Conflict)
    ));
    let (read, owner) = s
        .barong_session_with_user(&session.id_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, session);
    assert_eq!(owner.unwrap().id, u.id);
    let mut slid = session.clone();
    slid.expires_at += Duration::minutes(10);
    s.touch_barong_session(&slid).await.unwrap();
    let (read, _) = s
        .barong_session_with_user(&session.id_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.expires_at, slid.expires_at);
    s.delete_barong_session(&session.id_hash).await.unwrap();
    assert!(
        s.barong_session_with_user(&session.id_hash)
            .await
            .unwrap()
            .is_none()
    );
    // A touch after the end does not bring it back.
    s.touch_barong_session(&slid).await.unwrap();
    assert!(
        s.barong_session_with_user(&session.id_hash)
            .await
            .unwrap()
            .is_none()
    );
    s.delete_barong_session(&session.id_hash).await.unwrap();
}

async fn restrictions(b: Backend) {
    let (s, _d) = store(b).await;
    assert!(s.restrictions().await.unwrap().is_empty());
    let now = gatehouse::auth::session::truncate(Utc::now());
    let r = gatehouse::model::Restriction {
        id: uuid::Uuid::new_v4(),
        category: "whitelist".to_owned(),
        scope: "ip".to_owned(),
        value: "203.0.113.7".to_owned(),
        code: 401,
        state: "enabled".to_owned(),
        created_at: now,
        updated_at: now,
    };
    s.add_restriction(&r).await.unwrap();
    let mut same = r.clone();
    same.id = uuid::Uuid::new_v4();
    assert!(matches!(
        s.add_restriction(&same).await,
        Err(StoreError::RestrictionTaken)
    ));
    let mut other = r.clone();
    other.id = uuid::Uuid::new_v4();
    other.category = "blacklist".to_owned();
    s.add_restriction(&other).await.unwrap();
    let mut all = s.restrictions().await.unwrap();
    all.sort_by(|a, b| a.category.cmp(&b.category));
    assert_eq!(all, vec![other, r]);
}

fn barong_key(user_id: uuid::Uuid, kid: &str) -> gatehouse::model::BarongApiKey {
    let now = gatehouse::auth::session::truncate(Utc::now());
    gatehouse::model::BarongApiKey {
        kid: kid.to_owned(),
        user_id,
        service_account_uid: None,
        algorithm: "HS256".to_owned(),
        scope: vec!["trade".to_owned()],
        state: "active".to_owned(),
        generation: 0,
        sealed_secret: "sealed".to_owned(),
        created_at: now,
        updated_at: now,
    }
}

fn kid() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_owned()
}

async fn kids_of(s: &dyn Store, user_id: uuid::Uuid) -> Vec<String> {
    let mut kids: Vec<String> = s
        .barong_api_keys_of_user(user_id)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.kid)
        .collect();
    kids.sort();
    kids
}

async fn barong_api_keys(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("bk"), &unique_username("bk"));
    s.create_user(&u).await.unwrap();
    let k = barong_key(u.id, &kid());
    s.insert_barong_api_key(&k).await.unwrap();
    let (read, owner) = s.barong_api_key_with_user(&k.kid).await.unwrap().unwrap();
    assert_eq!(read, k);
    assert_eq!(owner.unwrap().id, u.id);
    // A kid is unique, whoever asks for it; the first key is left as it was.
    let other = user(&unique_email("bk2"), &unique_username("bk2"));
    s.create_user(&other).await.unwrap();
    let mut twin = barong_key(other.id, &k.kid);
    twin.state = "disabled".to_owned();
    assert!(matches!(
        s.insert_barong_api_key(&twin).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        s.barong_api_key_with_user(&k.kid).await.unwrap().unwrap().0,
        k
    );
    assert!(kids_of(&*s, other.id).await.is_empty());

    let mut changed = k.clone();
    changed.state = "inactive".to_owned();
    changed.scope = vec!["read".to_owned(), "write".to_owned()];
    changed.generation = 3;
    changed.updated_at += Duration::seconds(5);
    s.update_barong_api_key(&changed).await.unwrap();
    assert_eq!(
        s.barong_api_key_with_user(&k.kid).await.unwrap().unwrap().0,
        changed
    );

    s.delete_barong_api_key(&k.kid).await.unwrap();
    assert!(s.barong_api_key_with_user(&k.kid).await.unwrap().is_none());
    assert!(kids_of(&*s, u.id).await.is_empty());
    // Gone: an update does not bring it back, and deleting again is nothing.
    assert!(matches!(
        s.update_barong_api_key(&changed).await,
        Err(StoreError::Conflict)
    ));
    assert!(s.barong_api_key_with_user(&k.kid).await.unwrap().is_none());
    s.delete_barong_api_key(&k.kid).await.unwrap();
    // Its kid is free again.
    s.insert_barong_api_key(&k).await.unwrap();
    assert!(matches!(
        s.update_barong_api_key(&barong_key(u.id, &kid())).await,
        Err(StoreError::Conflict)
    ));
    assert!(s.barong_api_key_with_user(&kid()).await.unwrap().is_none());
}

/// A key whose user does not exist is read without one.
async fn barong_api_key_without_its_user(b: Backend) {
    let (s, _d) = store(b).await;
    let k = barong_key(uuid::Uuid::new_v4(), &kid());
    s.insert_barong_api_key(&k).await.unwrap();
    let (read, owner) = s.barong_api_key_with_user(&k.kid).await.unwrap().unwrap();
    assert_eq!(read, k);
    assert!(owner.is_none());
}

/// Each user lists its own keys and its service accounts' (held under the owner), no one else's.
async fn barong_api_keys_are_listed_per_user(b: Backend) {
    let (s, _d) = store(b).await;
    let a = user(&unique_email("la"), &unique_username("la"));
    let c = user(&unique_email("lc"), &unique_username("lc"));
    s.create_user(&a).await.unwrap();
    s.create_user(&c).await.unwrap();
    let mut of_a = vec![kid(), kid(), kid()];
    let of_c = vec![kid()];
    for (i, k) in of_a.iter().enumerate() {
        let mut key = barong_key(a.id, k);
        if i == 2 {
            key.service_account_uid = Some("SI0123456789".to_owned());
        }
        s.insert_barong_api_key(&key).await.unwrap();
    }
    s.insert_barong_api_key(&barong_key(c.id, &of_c[0]))
        .await
        .unwrap();
    of_a.sort();
    assert_eq!(kids_of(&*s, a.id).await, of_a);
    assert_eq!(kids_of(&*s, c.id).await, of_c);
    assert!(kids_of(&*s, uuid::Uuid::new_v4()).await.is_empty());
    let held = s
        .barong_api_keys_of_user(a.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.service_account_uid.is_some())
        .count();
    assert_eq!(
        held, 1,
        "the service account's key is listed under its owner"
    );
    // An update keeps the key listed once; a deletion takes it out of its user's list only.
    let mut updated = barong_key(a.id, &of_a[0]);
    updated.state = "disabled".to_owned();
    s.update_barong_api_key(&updated).await.unwrap();
    assert_eq!(kids_of(&*s, a.id).await, of_a);
    s.delete_barong_api_key(&of_a[1]).await.unwrap();
    of_a.remove(1);
    assert_eq!(kids_of(&*s, a.id).await, of_a);
    assert_eq!(kids_of(&*s, c.id).await, of_c);
}

fn activity(user_id: Option<uuid::Uuid>, seq: i64, action: &str) -> gatehouse::model::Activity {
    gatehouse::model::Activity {
        id: uuid::Uuid::new_v4(),
        seq,
        user_id,
        surface: "barong".to_owned(),
        user_ip: "203.0.113.9".to_owned(),
        user_agent: "ua".to_owned(),
        topic: "session".to_owned(),
        action: action.to_owned(),
        result: "succeed".to_owned(),
        data: None,
        audit_action: "login".to_owned(),
        resource_type: "api_key".to_owned(),
        resource_id: None,
        resource_target: String::new(),
        status_code: 201,
        created_at: gatehouse::auth::session::truncate(Utc::now()),
    }
}

/// Newest first: by `seq`, and among equal `seq` by `id`, both descending.
fn newest_first(
    mut activities: Vec<gatehouse::model::Activity>,
) -> Vec<gatehouse::model::Activity> {
    activities.sort_by_key(|x| std::cmp::Reverse((x.seq, x.id)));
    activities
}

async fn activities_of_a_user_newest_first(b: Backend) {
    let (s, _d) = store(b).await;
    let (a, c) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let base = 1_700_000_000_000_000;
    let mut of_a = Vec::new();
    // Recorded out of order, with ties on `seq`, and `seq` far apart (zero padding, sign).
    for seq in [
        base + 5,
        base,
        base + 5,
        base + 5,
        base - 999_999,
        9,
        -1,
        i64::MAX,
        i64::MIN,
    ] {
        let x = activity(Some(a), seq, "login");
        s.record_activity(&x).await.unwrap();
        of_a.push(x);
    }
    let of_c = activity(Some(c), base + 7, "logout");
    s.record_activity(&of_c).await.unwrap();
    s.record_activity(&activity(None, base + 6, "login"))
        .await
        .unwrap();
    let of_a = newest_first(of_a);
    assert_eq!(s.activities_of_user(a).await.unwrap(), of_a);
    assert_eq!(s.activities_of_user(c).await.unwrap(), vec![of_c]);
    assert!(
        s.activities_of_user(uuid::Uuid::new_v4())
            .await
            .unwrap()
            .is_empty()
    );
    // The same activity recorded again is still one.
    s.record_activity(&of_a[0]).await.unwrap();
    assert_eq!(s.activities_of_user(a).await.unwrap(), of_a);
}

/// Everyone's newest activities, users' and those of no user alike, at most `limit`.
async fn recent_activities_of_everyone(b: Backend) {
    let (s, _d) = store(b).await;
    assert!(s.recent_activities(10).await.unwrap().is_empty());
    let (a, c) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let base = 1_700_000_000_000_000;
    let mut all = Vec::new();
    for i in 0..12 {
        let who = match i % 3 {
            0 => Some(a),
            1 => Some(c),
            _ => None,
        };
        // Pairs share a `seq`, so ties are ordered by id here too.
        let x = activity(who, base + i / 2, "login");
        s.record_activity(&x).await.unwrap();
        all.push(x);
    }
    let all = newest_first(all);
    assert_eq!(s.recent_activities(5).await.unwrap(), all[..5]);
    assert_eq!(s.recent_activities(12).await.unwrap(), all);
    assert_eq!(s.recent_activities(100).await.unwrap(), all);
    assert!(s.recent_activities(0).await.unwrap().is_empty());
    // Activities of no user are listed only here.
    let nobody: Vec<_> = all.iter().filter(|x| x.user_id.is_none()).collect();
    assert_eq!(nobody.len(), 4);
    let listed =
        s.activities_of_user(a).await.unwrap().len() + s.activities_of_user(c).await.unwrap().len();
    assert_eq!(listed, 8);
}

/// Listings longer than one DynamoDB page (1 MB) are read page after page.
async fn activity_listings_span_pages(b: Backend) {
    let (s, _d) = store(b).await;
    let a = uuid::Uuid::new_v4();
    let mut all = Vec::new();
    for i in 0..8 {
        let mut x = activity(Some(a), 1_700_000_000_000_000 + i, "login");
        x.data = Some(format!("{{\"pad\":\"{}\"}}", "x".repeat(200_000)));
        s.record_activity(&x).await.unwrap();
        all.push(x);
    }
    let all = newest_first(all);
    assert_eq!(s.activities_of_user(a).await.unwrap(), all);
    assert_eq!(s.recent_activities(8).await.unwrap(), all);
    assert_eq!(s.recent_activities(7).await.unwrap(), all[..7]);
}

async fn hostile_kids_and_activity_text_are_just_data(b: Backend) {
    let (s, _d) = store(b).await;
    let u = user(&unique_email("hk"), &unique_username("hk"));
    s.create_user(&u).await.unwrap();
    let kids = [
        "a\u{0}b",
        "ab",
        "ab#c",
        "x#USERBAPIKEYS#y",
        "\"; DROP TABLE items; --",
        "'$'",
        "ü例え",
    ];
    for k in kids {
        s.insert_barong_api_key(&barong_key(u.id, k)).await.unwrap();
    }
    for k in kids {
        let (read, owner) = s.barong_api_key_with_user(k).await.unwrap().unwrap();
        assert_eq!(read.kid, k, "{k:?}");
        assert_eq!(owner.unwrap().id, u.id);
    }
    let mut expected: Vec<String> = kids.iter().map(|k| (*k).to_owned()).collect();
    expected.sort();
    assert_eq!(kids_of(&*s, u.id).await, expected);
    assert!(s.barong_api_key_with_user("a").await.unwrap().is_none());
    // Deleting one kid leaves those it is a prefix of.
    s.delete_barong_api_key("ab").await.unwrap();
    expected.retain(|k| k != "ab");
    assert_eq!(kids_of(&*s, u.id).await, expected);

    let mut x = activity(Some(u.id), 1, "en\u{0}able \"2FA\" #1");
    x.topic = "ACTIVITIES#x".to_owned();
    x.data = Some("{\"note\":\"'; DROP TABLE items; --\\u0000\"}".to_owned());
    x.resource_target = "\u{0}#'\"".to_owned();
    s.record_activity(&x).await.unwrap();
    assert_eq!(s.activities_of_user(u.id).await.unwrap(), vec![x.clone()]);
    assert_eq!(s.recent_activities(1).await.unwrap(), vec![x]);
}

both_stores!(
    users_round_trip_and_lookups_ignore_case,
    email_and_username_are_unique,
    unique_email_holds_under_concurrency,
    updates_are_conditional_on_revision,
    first_user_and_default_organization_once,
    organization_and_member_in_one_transaction,
    api_keys,
    counters,
    counter_boundaries,
    sliding_window_carries_the_previous_minute,
    a_key_is_written_with_its_sign_in,
    rename_moves_the_username,
    deletion_frees_email_and_username,
    organizations_are_listed,
    secrets_are_created_once,
    hostile_keys_are_just_data,
    users_by_uid_and_barong_fields,
    barong_sessions,
    restrictions,
    barong_api_keys,
    barong_api_key_without_its_user,
    barong_api_keys_are_listed_per_user,
    activities_of_a_user_newest_first,
    recent_activities_of_everyone,
    activity_listings_span_pages,
    hostile_kids_and_activity_text_are_just_data,
);
