//! The OpenAPI document matches the behaviour: every parameter the query reader knows, every
//! error status the handler returns, the providers that support each filter, and the security
//! requirement of the running mode (bearer keys, or none in sandbox mode).

use crate::support::*;
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use clap::Parser;
use crm_core::params::KNOWN_PARAMETERS;
use crm_server::cli::{self, Cli};
use crm_server::errors::LIST_ERROR_STATUSES;
use crm_server::sandbox::{Sandbox, SANDBOX_ACCOUNTS};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The router of `crm-server --sandbox` (simulators in-process on loopback, no API key), called
/// in-process; stop the simulators with `Sandbox::shutdown`.
async fn sandbox_app() -> (Router, Sandbox) {
    let cli = Cli::try_parse_from(["crm-server", "--sandbox", "--listen", "127.0.0.1:0"]).unwrap();
    let server = cli::prepare(&cli.serve, &cli.database).await.unwrap();
    let sandbox = server.sandbox.expect("sandbox mode starts the simulators");
    (crm_server::router(server.state), sandbox)
}

/// GET `uri` without any Authorization header: status and JSON body.
async fn get_without_key(router: &Router, uri: &str) -> (u16, Value) {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

/// Every operation of the document: (path, operation object).
fn operations(doc: &Value) -> Vec<(&str, &Value)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| (path.as_str(), &item["get"]))
        .collect()
}

/// The security requirements that apply to an operation: its own, else the document's.
fn effective_security<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    op.get("security").or_else(|| doc.get("security"))
}

#[tokio::test]
async fn documents_every_parameter_and_error_status() {
    let app = TestApp::new().await;
    let r = app.get("/openapi.json", None).await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let op = &doc["paths"]["/unified/crm/leads"]["get"];
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for known in KNOWN_PARAMETERS {
        assert!(
            names.contains(known),
            "parameter `{known}` is not documented"
        );
    }
    for name in &names {
        assert!(
            KNOWN_PARAMETERS.contains(name),
            "`{name}` is documented but not accepted"
        );
    }
    let required: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["required"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(required, ["integrated_account_id"]);
    let responses = op["responses"].as_object().unwrap();
    for status in LIST_ERROR_STATUSES {
        let r = &responses[&status.to_string()];
        assert_eq!(
            r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
            "{status}"
        );
    }
    assert!(responses.contains_key("200") && responses.contains_key("4XX"));
    let h429 = responses["429"]["headers"].as_object().unwrap();
    for h in [
        "Retry-After",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
    ] {
        assert!(h429.contains_key(h), "{h}");
    }
    // Every $ref resolves.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "$ref" {
                        out.push(v.as_str().unwrap());
                    } else {
                        refs(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(doc["components"]["schemas"].get(name).is_some(), "{r}");
    }
}

#[tokio::test]
async fn filter_support_comes_from_the_capabilities() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    let params = doc["paths"]["/unified/crm/leads"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let find = |name: &str| params.iter().find(|p| p["name"] == name).unwrap().clone();
    assert_eq!(
        find("owner")["x-supported-by"],
        serde_json::json!(["Pipedrive", "Salesforce"])
    );
    assert_eq!(
        find("state")["x-supported-by"],
        serde_json::json!(["Salesforce"])
    );
    assert_eq!(
        find("created_at")["x-operators"],
        serde_json::json!(["gte", "lte"])
    );
    assert_eq!(find("account")["x-supported-by"], serde_json::json!([]));
}

#[tokio::test]
async fn with_api_keys_the_api_routes_require_bearer_auth() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for (path, op) in operations(&doc) {
        let security = effective_security(&doc, op).unwrap();
        let open = matches!(path, "/healthz" | "/openapi.json");
        assert_eq!(security.as_array().unwrap().is_empty(), open, "{path}");
    }
    // What the document says: no key, 401; a key, not 401.
    let r = app
        .get(
            &format!("/unified/crm/leads?integrated_account_id={ACME_ACCOUNT}"),
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(app.get("/openapi.json", None).await.status, 200);
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[tokio::test]
async fn the_sandbox_document_requires_no_security() {
    let (router, sandbox) = sandbox_app().await;
    let (status, doc) = get_without_key(&router, "/openapi.json").await;
    assert_eq!(status, 200);
    for (path, op) in operations(&doc) {
        // No requirement at all, or only the empty (optional) one.
        if let Some(security) = effective_security(&doc, op) {
            assert!(
                security
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r.as_object().unwrap().is_empty())
                    || security.as_array().unwrap().is_empty(),
                "{path} requires {security}"
            );
        }
    }
    // What the document says: every route answers without a key.
    for (_, id) in SANDBOX_ACCOUNTS {
        let (status, body) = get_without_key(
            &router,
            &format!("/unified/crm/leads?integrated_account_id={id}&limit=1"),
        )
        .await;
        assert_eq!(status, 200, "{id}: {body}");
        let (status, body) = get_without_key(
            &router,
            &format!("/unified/crm/leads/meta?integrated_account_id={id}"),
        )
        .await;
        assert_eq!(status, 200, "{id}: {body}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn raw_results_are_documented_as_provider_records() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    let schemas = &doc["components"]["schemas"];
    let result = &schemas["ListLeadsResponse"]["properties"]["result"];
    // A raw page is the provider's records: not leads (here `id` is a number, a Lead's is a
    // string), so the result schema must also allow any object, as an array or keyed.
    let raw = app.leads("truto_response_format=raw").await;
    assert_eq!(raw.status, 200);
    assert!(raw.json()["result"][0]["id"].is_number());
    assert_eq!(schemas["Lead"]["properties"]["id"]["type"], "string");
    let branches = result["anyOf"].as_array().unwrap();
    let raw_record = json!({"$ref": "#/components/schemas/RawRecord"});
    assert!(branches.contains(&json!({"type": "array", "items": raw_record})));
    assert!(branches.contains(&json!({"type": "object", "additionalProperties": raw_record})));
    assert_eq!(schemas["RawRecord"]["type"], "object");
    assert!(schemas["RawRecord"].get("properties").is_none());
    assert!(schemas["RawRecord"].get("required").is_none());
    // Leads keep their own schema, array or keyed.
    let lead = json!({"$ref": "#/components/schemas/Lead"});
    assert!(branches.contains(&json!({"type": "array", "items": lead})));
    assert!(branches.contains(&json!({"type": "object", "additionalProperties": lead})));
}
