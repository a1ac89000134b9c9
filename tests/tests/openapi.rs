//! The OpenAPI document: generated from the routes every group registers, served by the
//! resource group, and covering every route the API serves and deploys.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use gatehouse_tests::{Backend, TestServer};
use serde_json::Value;
use std::collections::BTreeSet;

const REGENERATE: &str =
    "cargo run -p gatehouse-local --bin gatehouse-openapi > functions/resource/openapi.json";

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

/// Every `HttpApi` event of the SAM template: `(METHOD, path)`, `ANY` spelled out.
fn deployed() -> BTreeSet<(String, String)> {
    deployed_to().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// Every `HttpApi` event of the SAM template with the binary it reaches (`""` for a function
/// built otherwise): `(METHOD, path, binary)`, `ANY` spelled out, `{name+}` as `{name}`.
fn deployed_to() -> BTreeSet<(String, String, String)> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let template: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for resource in template["Resources"].as_mapping().unwrap().values() {
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue;
        };
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap_or_default();
        for event in events.values().filter(|e| e["Type"] == "HttpApi") {
            let method = event["Properties"]["Method"]
                .as_str()
                .unwrap()
                .to_uppercase();
            let path = event["Properties"]["Path"]
                .as_str()
                .unwrap()
                .replace("+}", "}");
            let methods = if method == "ANY" {
                ["GET", "POST", "PUT", "PATCH", "DELETE"]
                    .map(str::to_owned)
                    .to_vec()
            } else {
                vec![method]
            };
            for m in methods {
                out.insert((m, path.clone(), binary.to_owned()));
            }
        }
    }
    assert!(
        out.len() > 80,
        "the template's routes were not all read: {}",
        out.len()
    );
    out
}

/// `cargo lambda watch`'s router in the workspace's Cargo.toml: `(METHOD, path, binary)`, with
/// `{*name}` as `{name}`. One route a line: `"path" = [{ method = "M", function = "bin" }, ...]`.
fn watch_router() -> BTreeSet<(String, String, String)> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml")).unwrap();
    let section = text
        .split("[workspace.metadata.lambda.watch.router]")
        .nth(1)
        .expect("Cargo.toml has cargo lambda watch's router");
    let section = section.split("\n[").next().unwrap();
    let quoted = |s: &str| s.split('"').nth(1).map(str::to_owned);
    let mut out = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with('"')) {
        let (path, targets) = line.split_once(" = ").unwrap();
        let path = quoted(path).unwrap().replace("{*", "{");
        for target in targets.split('{').skip(1) {
            let (method, function) = target.split_once(',').unwrap();
            out.insert((
                quoted(method).unwrap(),
                path.clone(),
                quoted(function).unwrap(),
            ));
        }
    }
    out
}

/// `cargo lambda watch` serves every deployed route with the same binary, and nothing else.
#[test]
fn watch_router_matches_the_template() {
    let watch = watch_router();
    let deployed: BTreeSet<_> = deployed_to()
        .into_iter()
        .filter(|(_, path, _)| !path.starts_with("/api/v2/sample"))
        .collect();
    let missing: Vec<_> = deployed.difference(&watch).collect();
    assert!(
        missing.is_empty(),
        "deployed, not in the watch router: {missing:?}"
    );
    // The watch router also answers HEAD and OPTIONS where API Gateway's ANY does.
    let extra: Vec<_> = watch
        .difference(&deployed)
        .filter(|(m, _, _)| m != "HEAD" && m != "OPTIONS")
        .collect();
    assert!(
        extra.is_empty(),
        "in the watch router, not deployed: {extra:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_is_generated_from_the_routes_and_covers_them() {
    let s = TestServer::start(Backend::Embedded).await;
    let generated = gatehouse_local::openapi(s.state.clone());
    let served: Value = serde_json::from_str(gatehouse_resource::OPENAPI_JSON).unwrap();
    assert!(
        served == generated,
        "functions/resource/openapi.json is stale: {REGENERATE}"
    );

    // Every deployed route is documented, and nothing else is. (The sample function behind
    // the authorizer is not Gatehouse's API.)
    let documented = operations(&generated);
    let deployed: BTreeSet<_> = deployed()
        .into_iter()
        .filter(|(_, path)| !path.starts_with("/api/v2/sample"))
        .collect();
    let undocumented: Vec<_> = deployed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "deployed but not documented: {undocumented:?}"
    );
    let undeployed: Vec<_> = documented.difference(&deployed).collect();
    assert!(
        undeployed.is_empty(),
        "documented but not deployed: {undeployed:?}"
    );

    // Every documented operation reaches a handler: nothing answers with a surface's
    // unknown-route body.
    let unknown = |r: &gatehouse_tests::Reply| {
        r.text == r#"{"error":"Route is not found"}"#
            || (r.status == 404 && r.message() == "Route not found.")
            || r.status == 405
    };
    let probe = s.get("/api/v2/no-such-route").await;
    assert!(unknown(&probe), "{}", probe.text);
    for (method, path) in &documented {
        let concrete = path
            .split('/')
            .map(|seg| match seg {
                // An unknown section is Barong's 404 on purpose.
                "{name}" => "users",
                s if s.starts_with('{') => "x",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = gatehouse_tests::Reply::from(
            s.http
                .request(method.parse().unwrap(), s.url(&concrete))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(!unknown(&r), "{method} {concrete}: {} {}", r.status, r.text);
    }

    // Served by the resource group, whole or by tag, without credentials.
    let r = s.get("/api/v2/auth/resource/swagger_doc").await;
    assert_eq!(r.status, 200);
    assert!(r.json == generated);
    let r = s.get("/api/v2/auth/resource/swagger_doc/api_keys").await;
    assert_eq!(r.status, 200);
    let paths: Vec<&String> = r.json["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/api/v2/auth/resource/api_keys",
            "/api/v2/auth/resource/api_keys/{kid}"
        ]
    );
    let r = s.get("/api/v2/auth/resource/swagger_doc/users").await;
    assert!(
        r.json["paths"]
            .as_object()
            .unwrap()
            .contains_key("/api/v2/users/login")
    );
    let r = s.get("/api/v2/auth/resource/swagger_doc/nothing").await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (404, r#"{"error":"Route is not found"}"#)
    );
}
