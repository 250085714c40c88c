//! The OpenAPI document and the router agree: every documented operation is routed, and every
//! route of the API is documented.

use std::collections::BTreeSet;

use crate::client::{get, post};
use crate::world::world;

/// `(METHOD, /api/v1/path)` of every operation the document lists.
fn documented(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// `(METHOD, /api/v1/path)` of every route the API's router declares, read from its source:
/// each `.route("…", get(…).post(…))` of `router` in crates/server/src/lib.rs.
fn routed() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/lib.rs");
    let start = source.find("let api = Router::new()").unwrap();
    let end = start + source[start..].find(".fallback(").unwrap();
    let mut out = BTreeSet::new();
    for call in source[start..end].split(".route(").skip(1) {
        let path = call.split('"').nth(1).unwrap();
        for method in ["get", "post", "put", "patch", "delete"] {
            if call.contains(&format!("{method}(")) {
                out.insert((method.to_uppercase(), format!("/api/v1{path}")));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let w = world().await;
    let doc = get(w.addr, "/api/v1/openapi.json").send().await.json();
    let documented = documented(&doc);
    let mut routed = routed();
    // The document itself is served, not documented.
    routed.remove(&("GET".into(), "/api/v1/openapi.json".into()));
    assert!(routed.len() >= 25, "{routed:?}");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
    // And the server really answers each documented operation: without a token, 401 (or 200
    // for the open ones), never the router's 404 or 405.
    for (method, path) in &documented {
        let concrete = path
            .replace("{key}", "914403001922038216")
            .replace("{track}", "industrial")
            .replace("{id}", "00000000")
            .replace("{year}", "2026")
            .replace("{date}", "2026-12-01")
            .replace("{team}", "team");
        let r = match method.as_str() {
            "GET" => get(w.addr, &concrete).send().await,
            "POST" => {
                post(w.addr, &concrete)
                    .json(serde_json::json!({}))
                    .send()
                    .await
            }
            _ => {
                let method = if method == "PATCH" { "PATCH" } else { "DELETE" };
                crate::client::request(w.addr, method, &concrete)
                    .json(serde_json::json!({}))
                    .send()
                    .await
            }
        };
        assert!(
            r.status == 401 || (r.status == 200 && path.ends_with("/health")),
            "{method} {concrete}: {} {}",
            r.status,
            r.body
        );
    }
}
