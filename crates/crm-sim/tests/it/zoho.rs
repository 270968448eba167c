//! Zoho: fields, page/page_token paging across 2,000 records, converted, 204.

use crm_sim::{SimConfig, SimHandle, SimProvider};
use serde_json::{json, Value};

use crate::common::{assert_same_sequence, client, enc, send, Answer};

fn get(sim: &SimHandle, query: &str) -> reqwest::RequestBuilder {
    client()
        .get(format!("{}/crm/v8/Leads?{query}", sim.base_url()))
        .header(
            "Authorization",
            format!(
                "Zoho-oauthtoken {}",
                sim.credentials().access_token.unwrap()
            ),
        )
}

fn id_key(r: &Value) -> (usize, String) {
    let s = r["id"].as_str().unwrap();
    (s.len(), s.to_string())
}

/// Expected ids: filter on `$converted`, sort by id descending (Zoho's default).
fn expected(recs: &[Value], converted: Option<bool>) -> Vec<String> {
    let mut rows: Vec<&Value> = recs
        .iter()
        .filter(|r| converted.is_none_or(|c| r["$converted"] == json!(c)))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(id_key(r)));
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn assert_zoho_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.body);
    let b = a.json();
    assert_eq!(b["code"], json!(code), "{}", a.body);
    assert_eq!(b["status"], json!("error"));
    assert!(b["message"].is_string() && b["details"].is_object());
}

const FIELDS: &str = "Last_Name,Email,Created_Time,$converted";

#[tokio::test]
async fn pages_then_page_tokens_cross_2000_records() {
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(41, 2_600))
        .await
        .unwrap();
    let want = expected(sim.records(), None);
    assert!(want.len() > 2_400);
    // `page` for the first 2,000 records, then `page_token` from the last discrete page.
    let mut got = Vec::new();
    let mut token: Option<String> = None;
    for page in 1..=10 {
        let a = send(get(
            &sim,
            &format!("fields={FIELDS}&converted=both&per_page=200&page={page}"),
        ))
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        let b = a.json();
        assert_eq!(b["info"]["page"], json!(page));
        assert_eq!(b["info"]["count"], json!(200));
        assert_eq!(b["info"]["more_records"], json!(true));
        got.extend(
            b["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        token = b["info"]["next_page_token"].as_str().map(str::to_string);
    }
    let a = send(get(
        &sim,
        &format!("fields={FIELDS}&converted=both&per_page=200&page=11"),
    ))
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json(),
        json!({
            "code": "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
            "message": "You can only get the first 2000 records without using page_token param",
            "status": "error",
            "details": {"limit": 2000}
        })
    );
    for _ in 0..100 {
        let t = token.take().expect("a token while more_records");
        let a = send(get(
            &sim,
            &format!("fields={FIELDS}&per_page=200&page_token={}", enc(&t)),
        ))
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        let b = a.json();
        got.extend(
            b["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        if b["info"]["more_records"] == json!(false) {
            assert_eq!(b["info"]["next_page_token"], Value::Null);
            break;
        }
        assert!(b["info"]["page_token_expiry"].is_string());
        token = b["info"]["next_page_token"].as_str().map(str::to_string);
    }
    assert_same_sequence(&got, &want, "page then page_token");

    // page_token all the way from the first page, with an odd page size.
    let mut got = Vec::new();
    let mut query = format!("fields={FIELDS}&converted=both&per_page=173");
    for _ in 0..100 {
        let a = send(get(&sim, &query)).await;
        let b = a.json();
        got.extend(
            b["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        match b["info"]["next_page_token"].as_str() {
            Some(t) => query = format!("fields={FIELDS}&per_page=173&page_token={}", enc(t)),
            None => break,
        }
    }
    assert_same_sequence(&got, &want, "page_token only");
}

#[tokio::test]
async fn converted_filter_and_sorting() {
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(42, 500))
        .await
        .unwrap();
    for (param, converted) in [
        ("", Some(false)),
        ("&converted=false", Some(false)),
        ("&converted=true", Some(true)),
        ("&converted=both", None),
    ] {
        let a = send(get(&sim, &format!("fields=Last_Name{param}"))).await;
        let b = a.json();
        let got: Vec<String> = b["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        let want = expected(sim.records(), converted);
        assert_eq!(got, want[..want.len().min(200)], "{param}");
        assert_eq!(b["info"]["sort_by"], json!("id"));
        assert_eq!(b["info"]["sort_order"], json!("desc"));
    }
    // Created_Time ascending, ties by id.
    let a = send(get(
        &sim,
        "fields=Created_Time&converted=both&sort_by=Created_Time&sort_order=asc",
    ))
    .await;
    let rows = a.json()["data"].as_array().unwrap().clone();
    let mut all: Vec<&Value> = sim.records().iter().collect();
    let t = |r: &Value| {
        chrono::DateTime::parse_from_rfc3339(r["Created_Time"].as_str().unwrap()).unwrap()
    };
    all.sort_by(|a, b| t(a).cmp(&t(b)).then(id_key(a).cmp(&id_key(b))));
    let want: Vec<&str> = all[..200]
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let got: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn records_carry_only_the_requested_fields() {
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(43, 50))
        .await
        .unwrap();
    let a = send(get(&sim, "fields=Email,Owner,Lead_Score__c&converted=both")).await;
    for r in a.json()["data"].as_array().unwrap() {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["Email", "Lead_Score__c", "Owner", "id"]);
        let original = sim.records().iter().find(|x| x["id"] == r["id"]).unwrap();
        assert_eq!(r["Email"], original["Email"]);
        assert_eq!(r["Owner"], original["Owner"]);
    }
    // Dates carry the org's offset, no milliseconds.
    let a = send(get(&sim, "fields=Created_Time")).await;
    let t = a.json()["data"][0]["Created_Time"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(t.ends_with("+05:30") && t.len() == 25, "{t}");
}

#[tokio::test]
async fn no_records_is_204_with_an_empty_body() {
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(44, 0))
        .await
        .unwrap();
    let a = send(get(&sim, "fields=Last_Name")).await;
    assert_eq!(a.status, 204);
    assert_eq!(a.body, "");
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(44, 30))
        .await
        .unwrap();
    let a = send(get(
        &sim,
        "fields=Last_Name&page=5&per_page=10&converted=both",
    ))
    .await;
    assert_eq!(a.status, 204);
    assert_eq!(a.body, "");
}

#[tokio::test]
async fn parameter_errors() {
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(45, 30))
        .await
        .unwrap();
    let a = send(get(&sim, "per_page=10")).await;
    assert_eq!(
        a.json(),
        json!({"code": "REQUIRED_PARAM_MISSING", "status": "error", "details": {"param_name": "fields"}, "message": "required param is missing"})
    );
    assert_eq!(a.status, 400);
    let many: Vec<String> = (0..51).map(|i| format!("F{i}")).collect();
    let a = send(get(&sim, &format!("fields={}", many.join(",")))).await;
    assert_zoho_error(&a, 400, "LIMIT_EXCEEDED");
    assert_eq!(
        a.json()["details"],
        json!({"limit": 50, "param_name": "fields"})
    );
    let fifty: Vec<String> = (0..50).map(|i| format!("F{i}")).collect();
    assert_eq!(
        send(get(&sim, &format!("fields={}", fifty.join(","))))
            .await
            .status,
        200
    );
    for q in [
        "fields=Email&page=1&page_token=abc",
        "fields=Email&page_token=unknown",
        "fields=Email&page=0",
        "fields=Email&page=x",
        "fields=Email&per_page=-3",
        "fields=Email&converted=maybe",
        "fields=Email&sort_by=Last_Name",
        "fields=Email&sort_order=up",
    ] {
        assert_zoho_error(&send(get(&sim, q)).await, 400, "INVALID_DATA");
    }
    let a = send(
        client()
            .get(format!("{}/crm/v8/Contacts?fields=Email", sim.base_url()))
            .header(
                "Authorization",
                format!(
                    "Zoho-oauthtoken {}",
                    sim.credentials().access_token.unwrap()
                ),
            ),
    )
    .await;
    assert_zoho_error(&a, 400, "INVALID_MODULE");
    // v2 does not require fields and returns whole records.
    let a = send(
        client()
            .get(format!("{}/crm/v2/Leads?converted=both", sim.base_url()))
            .header(
                "Authorization",
                format!(
                    "Zoho-oauthtoken {}",
                    sim.credentials().access_token.unwrap()
                ),
            ),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(a.json()["data"][0]["Owner"]["email"].is_string());
    // per_page above 200 is capped.
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(45, 300))
        .await
        .unwrap();
    let a = send(get(&sim, "fields=Email&per_page=500&converted=both")).await;
    assert_eq!(a.json()["info"]["per_page"], json!(200));
}

#[tokio::test]
async fn auth_failures() {
    let sim = crm_sim::start(SimProvider::Zoho, SimConfig::new(46, 5))
        .await
        .unwrap();
    let url = format!("{}/crm/v8/Leads?fields=Email", sim.base_url());
    let token = sim.credentials().access_token.unwrap();
    assert_zoho_error(
        &send(client().get(&url)).await,
        401,
        "AUTHENTICATION_FAILURE",
    );
    assert_zoho_error(
        &send(client().get(&url).bearer_auth(&token)).await,
        401,
        "INVALID_TOKEN",
    );
    assert_zoho_error(
        &send(
            client()
                .get(&url)
                .header("Authorization", "Zoho-oauthtoken 1000.nope"),
        )
        .await,
        401,
        "INVALID_TOKEN",
    );
    let a = send(
        client()
            .get(&url)
            .header("Authorization", format!("Zoho-oauthtoken {token}")),
    )
    .await;
    assert_eq!(a.status, 200);
}
