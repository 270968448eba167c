//! Insightly: skip/top paging over bare arrays, the search filters, Basic auth, plain-text errors.

use crm_sim::{Faults, SimConfig, SimHandle, SimProvider, Trigger};
use serde_json::Value;

use crate::common::{assert_same_sequence, client, enc, send, Lcg};

fn get(sim: &SimHandle, path_and_query: &str) -> reqwest::RequestBuilder {
    client()
        .get(format!("{}{path_and_query}", sim.base_url()))
        .basic_auth(sim.credentials().api_key.unwrap(), Some(""))
}

async fn start(n: usize) -> SimHandle {
    crm_sim::start(SimProvider::Insightly, SimConfig::new(23, n))
        .await
        .unwrap()
}

fn id(r: &Value) -> i64 {
    r["LEAD_ID"].as_i64().unwrap()
}

/// Walks `path?<filters>` with `top` until a short or empty page; returns the ids and the number
/// of requests.
async fn walk(sim: &SimHandle, path: &str, filters: &str, top: u64) -> (Vec<i64>, usize) {
    let mut ids = Vec::new();
    let mut requests = 0;
    loop {
        let a = send(get(
            sim,
            &format!("{path}?skip={}&top={top}&brief=false{filters}", ids.len()),
        ))
        .await;
        requests += 1;
        assert_eq!(a.status, 200, "{}", a.body);
        let rows = a.json();
        let rows = rows.as_array().expect("a bare array");
        assert!(rows.len() as u64 <= top.min(500));
        ids.extend(rows.iter().map(id));
        if (rows.len() as u64) < top.min(500) {
            return (ids, requests);
        }
        assert!(requests < 10_000, "paging does not end");
    }
}

fn expected(sim: &SimHandle, keep: impl Fn(&Value) -> bool) -> Vec<i64> {
    let mut ids: Vec<i64> = sim.records().iter().filter(|r| keep(r)).map(id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn paging_returns_every_lead_once_and_a_full_last_page_costs_one_empty_request() {
    let sim = start(613).await;
    let all = expected(&sim, |_| true);
    let mut rng = Lcg(9);
    for _ in 0..6 {
        let top = 1 + rng.below(600); // sometimes above the 500 maximum
        let (ids, _) = walk(&sim, "/v3.1/Leads", "", top).await;
        assert_same_sequence(&ids, &all, &format!("top={top}"));
    }
    // 613 = 613 * 1: a full last page is followed by one empty page.
    let (ids, requests) = walk(&sim, "/v3.1/Leads/Search", "", 613).await;
    assert_eq!(ids.len(), 500 + 113);
    assert_eq!(requests, 2, "top is capped at 500");
    let sim = start(40).await;
    let (_, requests) = walk(&sim, "/v3.1/Leads", "", 20).await;
    assert_eq!(requests, 3, "two full pages, then []");
}

#[tokio::test]
async fn search_matches_one_field_and_updated_after_inclusively() {
    let sim = start(300).await;
    let mut rng = Lcg(3);
    let records = sim.records().to_vec();
    for field in [
        "OWNER_USER_ID",
        "ADDRESS_COUNTRY",
        "ADDRESS_STATE",
        "EMAIL",
        "LAST_NAME",
    ] {
        let with_value: Vec<&Value> = records
            .iter()
            .filter(|r| !r[field].is_null() && r[field] != "")
            .collect();
        let pick = with_value[rng.below(with_value.len() as u64) as usize][field].clone();
        let text = match &pick {
            Value::String(s) => s.to_uppercase(),
            other => other.to_string(),
        };
        let want = expected(&sim, |r| match &r[field] {
            Value::String(s) => s.to_lowercase() == text.to_lowercase(),
            other => *other.to_string() == *text,
        });
        assert!(!want.is_empty());
        let filters = format!("&field_name={field}&field_value={}", enc(&text));
        let (ids, _) = walk(&sim, "/v3.1/Leads/Search", &filters, 7).await;
        assert_same_sequence(&ids, &want, field);
    }
    let updated = |r: &Value| r["DATE_UPDATED_UTC"].as_str().unwrap().to_owned();
    let boundary = updated(&records[17]);
    let want = expected(&sim, |r| updated(r) >= boundary);
    for value in [boundary.clone(), boundary.replace(' ', "T") + "Z"] {
        let filters = format!("&updated_after_utc={}", enc(&value));
        let (ids, _) = walk(&sim, "/v3.1/Leads/Search", &filters, 50).await;
        assert_same_sequence(&ids, &want, "at or after");
        assert!(ids.contains(&id(&records[17])), "inclusive");
    }
    // Hostile values are plain values: nothing matches, nothing breaks.
    let hostile = "o'brien \\ \"x\" (a,b) & #1 % \n Zoë";
    let filters = format!("&field_name=EMAIL&field_value={}", enc(hostile));
    let (ids, _) = walk(&sim, "/v3.1/Leads/Search", &filters, 10).await;
    assert!(ids.is_empty());
}

#[tokio::test]
async fn malformed_requests_are_plain_text_400s() {
    let sim = start(10).await;
    for pq in [
        "/v3.1/Leads/Search?field_name=EMAIL",
        "/v3.1/Leads/Search?field_value=x",
        "/v3.1/Leads/Search?field_name=NOPE&field_value=x",
        "/v3.1/Leads/Search?updated_after_utc=yesterday",
        "/v3.1/Leads?field_name=EMAIL&field_value=x",
        "/v3.1/Leads?updated_after_utc=2024-01-01T00:00:00Z",
        "/v3.1/Leads?skip=-1",
        "/v3.1/Leads?top=abc",
        "/v3.1/Leads?brief=maybe",
    ] {
        let a = send(get(&sim, pq)).await;
        assert_eq!(a.status, 400, "{pq}");
        assert!(
            a.header("content-type").unwrap().starts_with("text/plain"),
            "{pq}"
        );
        assert!(
            serde_json::from_str::<Value>(&a.body).is_err(),
            "{pq}: {}",
            a.body
        );
    }
}

#[tokio::test]
async fn brief_drops_custom_fields_and_tags() {
    let sim = start(10).await;
    let full = send(get(&sim, "/v3.1/Leads/Search?top=3")).await.json();
    assert!(full[0].get("CUSTOMFIELDS").is_some() && full[0].get("TAGS").is_some());
    let brief = send(get(&sim, "/v3.1/Leads/Search?top=3&brief=true"))
        .await
        .json();
    assert!(brief[0].get("CUSTOMFIELDS").is_none() && brief[0].get("TAGS").is_none());
    assert_eq!(brief[0]["LEAD_ID"], full[0]["LEAD_ID"]);
    let brief = send(get(&sim, "/v3.1/Leads?top=3&brief=true")).await.json();
    assert!(brief[0].get("LINKS").is_none() && brief[0].get("CUSTOMFIELDS").is_some());
}

#[tokio::test]
async fn basic_auth_with_the_key_and_an_empty_password_only() {
    let sim = start(5).await;
    let key = sim.credentials().api_key.unwrap();
    let url = format!("{}/v3.1/Leads", sim.base_url());
    assert_eq!(send(get(&sim, "/v3.1/Leads")).await.status, 200);
    for req in [
        client().get(&url),
        client().get(&url).basic_auth(&key, Some("x")),
        client().get(&url).basic_auth("wrong", Some("")),
        client().get(&url).bearer_auth(&key),
    ] {
        let a = send(req).await;
        assert_eq!(a.status, 401);
        assert_eq!(a.body, "Authentication failed");
    }
    sim.expire_access_token();
    assert_eq!(send(get(&sim, "/v3.1/Leads")).await.status, 401);
    sim.set_api_key_valid(true);
    assert_eq!(send(get(&sim, "/v3.1/Leads")).await.status, 200);
}

#[tokio::test]
async fn rate_limits_carry_retry_after_and_records_have_insightly_shapes() {
    let sim = crm_sim::start(
        SimProvider::Insightly,
        SimConfig::new(1, 30).with_faults(Faults {
            rate_limit: Trigger::Next(1),
            retry_after_secs: Some(2),
            ..Faults::default()
        }),
    )
    .await
    .unwrap();
    let a = send(get(&sim, "/v3.1/Leads")).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("retry-after"), Some("2"));
    assert!(a.header("content-type").unwrap().starts_with("text/plain"));
    let a = send(get(&sim, "/v3.1/Leads")).await;
    assert_eq!(a.status, 200);
    for r in a.json().as_array().unwrap() {
        let created = r["DATE_CREATED_UTC"].as_str().unwrap();
        assert_eq!(created.len(), 19);
        assert_eq!(&created[10..11], " ", "space, no zone");
        assert!(r["EMAIL"].is_string(), "\"\" rather than null");
        assert!(r["CUSTOMFIELDS"].is_array());
    }
}
