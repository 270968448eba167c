//! The OpenAPI document matches the behaviour: every parameter the query reader knows, every
//! error status the handler returns, and the providers that support each filter.

use crate::support::*;
use crm_core::params::known_parameters;
use crm_server::errors::LIST_ERROR_STATUSES;
use serde_json::Value;

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
