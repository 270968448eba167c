//! The OpenAPI document matches the behaviour: every parameter the query reader knows, every
//! error status the handler returns, the providers that support each filter, and the security
//! requirement of the running mode (bearer keys, or none in sandbox mode).

use crate::support::*;
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use clap::Parser;
use crm_core::params::known_parameters;
use crm_server::cli::{self, Cli};
use crm_server::errors::LIST_ERROR_STATUSES;
use crm_server::sandbox::{sandbox_accounts, Sandbox};
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
    for known in known_parameters() {
        assert!(
            names.contains(&known),
            "parameter `{known}` is not documented"
        );
    }
    for name in &names {
        assert!(
            known_parameters().any(|k| k == *name),
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
    // The sandbox accounts are the account id's examples, on both routes.
    for path in ["/unified/crm/leads", "/unified/crm/leads/meta"] {
        let p = &doc["paths"][path]["get"]["parameters"][0];
        assert_eq!(p["name"], "integrated_account_id");
        let examples: Vec<&Value> = p["examples"]
            .as_object()
            .unwrap()
            .values()
            .map(|e| &e["value"])
            .collect();
        let ids: Vec<Value> = sandbox_accounts()
            .map(|(_, id)| json!(id.to_string()))
            .collect();
        assert_eq!(examples, ids.iter().collect::<Vec<_>>(), "{path}");
    }
    // What the document says: every route answers without a key.
    for (_, id) in sandbox_accounts() {
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

/// The list operation's parameters, by name.
fn list_parameters(doc: &Value) -> Vec<Value> {
    doc["paths"]["/unified/crm/leads"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone()
}

/// Whether a parameter schema allows the empty string: an unconstrained string, `const: ""`, or a
/// combination with such a branch (`anyOf`/`oneOf`); an object or array when its values do.
fn allows_empty(schema: &Value) -> bool {
    let types = match &schema["type"] {
        Value::Array(types) => types.clone(),
        t => vec![t.clone()],
    };
    let plain_string = types.contains(&json!("string"))
        && ["format", "pattern", "enum", "minLength"]
            .iter()
            .all(|k| schema.get(k).is_none());
    if plain_string || schema.get("const") == Some(&json!("")) {
        return true;
    }
    for k in ["anyOf", "oneOf"] {
        if let Some(branches) = schema[k].as_array() {
            return branches.iter().any(allows_empty);
        }
    }
    match schema["type"].as_str() {
        Some("array") => allows_empty(&schema["items"]),
        Some("object") => {
            let values = schema["properties"].as_object().into_iter().flatten();
            let any_property = schema["additionalProperties"].is_object();
            values.map(|(_, v)| v).all(allows_empty)
                && (!any_property || allows_empty(&schema["additionalProperties"]))
        }
        _ => false,
    }
}

/// The documented empty form of a parameter: `name=`, `name[id]=`, `name[gt]=`, `name[x]=`.
fn empty_form(p: &Value) -> String {
    let name = p["name"].as_str().unwrap();
    let schema = &p["schema"];
    let object = schema["oneOf"]
        .as_array()
        .and_then(|b| b.iter().find(|s| s["type"] == "object"))
        .unwrap_or(schema);
    if p["style"] == "deepObject" && object["type"] == "object" {
        let key = match object["properties"].as_object() {
            Some(props) => props.keys().next().unwrap().clone(),
            None => "x".to_owned(),
        };
        format!("{name}[{key}]=")
    } else {
        format!("{name}=")
    }
}

#[tokio::test]
async fn empty_values_are_documented_as_allowed_and_mean_absent() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    let params = list_parameters(&doc);
    let mut query = Vec::new();
    for p in &params {
        let name = p["name"].as_str().unwrap();
        if p["required"] == true {
            // Empty is absent, and the account id is required: 400, as documented.
            assert!(!allows_empty(&p["schema"]), "{name}");
            continue;
        }
        assert!(allows_empty(&p["schema"]), "{name}: {}", p["schema"]);
        query.push(empty_form(p));
        // Each operator of a date-time filter too.
        if p["x-operators"].is_array() {
            for op in ["eq", "gt", "gte", "lt", "lte"] {
                query.push(format!("{name}[{op}]="));
            }
        }
    }
    assert!(query.contains(&"updated_at[gt]=".to_owned()), "{query:?}");
    // Every optional parameter empty, at once: the same page as none at all (none of them is a
    // filter this account's provider refuses, because none is there).
    let empty = app.leads(&query.join("&")).await;
    let none = app.leads("").await;
    assert_eq!(
        empty.status,
        200,
        "{}",
        String::from_utf8_lossy(&empty.body)
    );
    assert_eq!(empty.json(), none.json());
    // An empty required parameter is a missing one.
    let r = app
        .get("/unified/crm/leads?integrated_account_id=", Some(ACME_KEY))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["truto_error_insight"]["missing_required_query_parameters"],
        json!(["integrated_account_id"])
    );
    // The document says so, and that an unknown name is refused even when empty.
    let description = doc["info"]["description"].as_str().unwrap();
    assert!(description.contains("A known parameter with an empty value is absent"));
    assert!(
        description.contains("Unknown parameters are refused with 400, even with an empty value")
    );
    assert_eq!(app.leads("no_such_parameter=").await.status, 400);
    assert_eq!(app.leads("no_such_parameter=1").await.status, 400);
}

#[tokio::test]
async fn flags_limit_and_account_ids_take_what_the_document_says() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    let params = list_parameters(&doc);
    let find = |name: &str| params.iter().find(|p| p["name"] == name).unwrap().clone();
    for name in [
        "truto_ignore_limit",
        "truto_ignore_remote_data",
        "include_custom_fields",
    ] {
        let branches = find(name)["schema"]["anyOf"].as_array().unwrap().clone();
        assert!(branches.contains(&json!({"type": "boolean"})), "{name}");
        assert!(
            branches.contains(&json!({"type": "integer", "enum": [0, 1]})),
            "{name}"
        );
    }
    // The flag pattern's values, and what it excludes.
    let pattern = find("truto_ignore_remote_data")["schema"]["anyOf"][2]["pattern"].clone();
    assert_eq!(
        pattern, "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|0|1)$",
        "the values below"
    );
    for v in ["true", "false", "1", "0", "TRUE", "False", "tRuE"] {
        let r = app.leads(&format!("truto_ignore_remote_data={v}")).await;
        assert_eq!(r.status, 200, "{v}");
    }
    for v in ["yes", "2", "truee", "t"] {
        let r = app.leads(&format!("truto_ignore_remote_data={v}")).await;
        assert_eq!(r.status, 400, "{v}");
    }
    // limit: 1 ..= u32::MAX.
    let limit = &find("limit")["schema"];
    assert_eq!(limit["anyOf"][0]["minimum"], 1);
    assert_eq!(limit["anyOf"][0]["maximum"], u64::from(u32::MAX));
    assert_eq!(limit["default"], 100);
    assert_eq!(app.leads("limit=4294967295").await.status, 200);
    assert_eq!(app.leads("limit=4294967296").await.status, 400);
    assert_eq!(app.leads("limit=0").await.status, 400);
    // integrated_account_id: the hyphenated uuid, and the other forms the server reads.
    let account = &find("integrated_account_id")["schema"]["anyOf"];
    assert_eq!(account[0], json!({"type": "string", "format": "uuid"}));
    let other_forms = account[1]["pattern"].as_str().unwrap();
    assert!(other_forms.contains("{32}") && other_forms.contains("[Uu][Rr][Nn]:"));
    let simple = ACME_ACCOUNT.replace('-', "");
    for id in [
        ACME_ACCOUNT.to_owned(),
        ACME_ACCOUNT.to_uppercase(),
        simple,
        format!("{{{ACME_ACCOUNT}}}"),
        format!("urn:uuid:{ACME_ACCOUNT}"),
    ] {
        let r = app
            .get(
                &format!("/unified/crm/leads?integrated_account_id={id}"),
                Some(ACME_KEY),
            )
            .await;
        assert_eq!(r.status, 200, "{id}");
    }
}

#[tokio::test]
async fn date_time_filters_take_every_documented_shape() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    let params = list_parameters(&doc);
    for name in ["created_at", "updated_at", "converted_at"] {
        let p = params.iter().find(|p| p["name"] == name).unwrap();
        let [bare, object] = p["schema"]["oneOf"].as_array().unwrap().as_slice() else {
            panic!("{name}: a bare value or an object of operators");
        };
        let ops: Vec<&String> = object["properties"].as_object().unwrap().keys().collect();
        assert_eq!(ops, ["eq", "gt", "gte", "lt", "lte"], "{name}");
        let shapes = bare["anyOf"].as_array().unwrap();
        assert!(shapes.contains(&json!({"type": "string", "format": "date-time"})));
        assert!(shapes.contains(&json!({"type": "string", "format": "date"})));
        assert!(shapes.iter().any(|s| s["pattern"].is_string()));
    }
    // The test double supports created_at with gte and lte. Every shape the document names:
    for v in [
        "2024-01-01T00:00:00Z",
        "2024-01-01t00:00:00z",
        "2024-01-01%2000:00:00%2B01:00",
        "2024-01-01T00:00:00%2B0100",
        "2024-01-01T00:00:00.5-01:30",
        "2024-01-01T00:00:00.123-0130",
        "2016-12-31T23:59:60Z",
        "2024-01-01",
    ] {
        let r = app.leads(&format!("created_at[gte]={v}")).await;
        assert_eq!(r.status, 200, "{v}: {}", String::from_utf8_lossy(&r.body));
    }
    // Outside them: no offset, an offset without a colon after `t` or a space, an impossible time.
    for v in [
        "2024-01-01T00:00:00",
        "2024-01-01t00:00:00%2B0100",
        "2024-01-01%2000:00:00%2B0100",
        "2024-01-01T24:00:00Z",
        "yesterday",
    ] {
        let r = app.leads(&format!("created_at[gte]={v}")).await;
        assert_eq!(r.status, 400, "{v}");
    }
}

#[tokio::test]
async fn remote_query_values_may_nest_as_documented() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json", None).await.json();
    let params = list_parameters(&doc);
    let p = params.iter().find(|p| p["name"] == "remote_query").unwrap();
    let types = &p["schema"]["additionalProperties"]["type"];
    assert!(types.as_array().unwrap().contains(&json!("object")));
    for q in [
        "remote_query[foo]=bar",
        "remote_query[a][b]=c",
        "remote_query[a][]=x&remote_query[a][]=y",
    ] {
        let r = app.leads(q).await;
        assert_eq!(r.status, 200, "{q}: {}", String::from_utf8_lossy(&r.body));
    }
}
