//! Zendesk Sell: page-number paging with both end conditions, filters, bearer auth with a
//! User-Agent, lead sources and conversions, the error envelope.

use crm_sim::{SimConfig, SimHandle, SimProvider};
use serde_json::{json, Value};

use crate::common::{assert_same_sequence, client, enc, send, Lcg};

fn get(sim: &SimHandle, path_and_query: &str) -> reqwest::RequestBuilder {
    client()
        .get(format!("{}{path_and_query}", sim.base_url()))
        .header("user-agent", "crm-sim-tests")
        .bearer_auth(sim.credentials().access_token.unwrap())
}

async fn start(leads: usize) -> SimHandle {
    crm_sim::start(SimProvider::ZendeskSell, SimConfig::new(77, leads))
        .await
        .unwrap()
}

/// Walks `/v2/leads?<filters>` by page number until a page has no items or no `next_page`.
async fn walk(sim: &SimHandle, filters: &str, per_page: u64) -> (Vec<String>, &'static str) {
    let mut ids = Vec::new();
    for page in 1..10_000 {
        let a = send(get(
            sim,
            &format!("/v2/leads?page={page}&per_page={per_page}&sort_by=id:asc{filters}"),
        ))
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        let body = a.json();
        assert_eq!(body["meta"]["type"], json!("collection"));
        let items = body["items"].as_array().unwrap();
        assert_eq!(body["meta"]["count"], json!(items.len()));
        for item in items {
            assert_eq!(item["meta"]["type"], json!("lead"));
            ids.push(item["data"]["id"].to_string());
        }
        if items.is_empty() {
            return (ids, "empty items");
        }
        if body["meta"]["links"].get("next_page").is_none() {
            return (ids, "no next_page");
        }
    }
    panic!("paging does not end");
}

type Keep = Box<dyn Fn(&Value) -> bool>;

fn expected(records: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut rows: Vec<&Value> = records
        .iter()
        .map(|r| &r["data"])
        .filter(|r| keep(r))
        .collect();
    rows.sort_by_key(|r| r["id"].as_i64());
    rows.iter().map(|r| r["id"].to_string()).collect()
}

#[tokio::test]
async fn paging_is_complete_with_both_end_conditions() {
    let sim = start(60).await;
    let all = expected(sim.records(), |_| true);
    let mut ends = std::collections::HashSet::new();
    let mut rng = Lcg(5);
    for per_page in [1, 7, 10, 20, 60, 100, 1 + rng.below(100)] {
        let (ids, end) = walk(&sim, "", per_page).await;
        assert_same_sequence(&ids, &all, &format!("per_page={per_page}"));
        ends.insert(end);
    }
    assert_eq!(ends.len(), 2, "both end conditions occur: {ends:?}");
}

#[tokio::test]
async fn filters_match_the_records() {
    let sim = start(200).await;
    let records = sim.records().to_vec();
    let first = records
        .iter()
        .map(|r| &r["data"])
        .find(|r| {
            r["first_name"].is_string()
                && r["address"]["country"].is_string()
                && r["source_id"].is_i64()
        })
        .unwrap()
        .clone();
    let cases: Vec<(String, Keep)> = vec![
        (
            format!("&owner_id={}", first["owner_id"]),
            Box::new({
                let v = first["owner_id"].clone();
                move |r| r["owner_id"] == v
            }),
        ),
        (
            format!("&source_id={}", first["source_id"]),
            Box::new({
                let v = first["source_id"].clone();
                move |r| r["source_id"] == v
            }),
        ),
        (
            format!("&last_name={}", enc(first["last_name"].as_str().unwrap())),
            Box::new({
                let v = first["last_name"].clone();
                move |r| r["last_name"] == v
            }),
        ),
        (
            format!(
                "&first_name={}&last_name={}",
                enc(first["first_name"].as_str().unwrap()),
                enc(first["last_name"].as_str().unwrap())
            ),
            Box::new({
                let (f, l) = (first["first_name"].clone(), first["last_name"].clone());
                move |r| r["first_name"] == f && r["last_name"] == l
            }),
        ),
        (
            format!(
                "&{}={}",
                enc("address[country]"),
                enc(first["address"]["country"].as_str().unwrap())
            ),
            Box::new({
                let v = first["address"]["country"].clone();
                move |r| r["address"]["country"] == v
            }),
        ),
        (
            format!("&{}=SMB", enc("custom_fields[Segment]")),
            Box::new(|r: &Value| r["custom_fields"]["Segment"] == json!("SMB")),
        ),
        (
            format!("&last_name={}", enc("no such name 'x' & #1")),
            Box::new(|_: &Value| false),
        ),
    ];
    for (filter, keep) in cases {
        let (ids, _) = walk(&sim, &filter, 13).await;
        let want = expected(&records, keep);
        assert_same_sequence(&ids, &want, &filter);
    }
}

#[tokio::test]
async fn auth_user_agent_and_errors() {
    let sim = start(5).await;
    let a = send(
        client()
            .get(format!("{}/v2/leads", sim.base_url()))
            .header("user-agent", "crm-sim-tests")
            .bearer_auth("wrong"),
    )
    .await;
    assert_eq!(a.status, 401);
    let b = a.json();
    assert_eq!(b["errors"][0]["error"]["code"], json!("unauthorized"));
    assert_eq!(b["meta"]["logref"].as_str(), a.header("x-request-id"));
    let a = send(get(&sim, "/v2/leads?per_page=101")).await;
    assert_eq!(a.status, 422);
    assert_eq!(
        a.json()["errors"][0]["error"]["code"],
        json!("invalid_param")
    );
    let a = send(get(&sim, "/v2/nowhere")).await;
    assert_eq!(a.status, 404);
    let no_agent = reqwest::Client::builder().build().unwrap();
    let a = send(
        no_agent
            .get(format!("{}/v2/leads", sim.base_url()))
            .header("user-agent", "")
            .bearer_auth(sim.credentials().access_token.unwrap()),
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(
        a.json()["errors"][0]["error"]["code"],
        json!("invalid_header")
    );
}

#[tokio::test]
async fn sources_and_conversions() {
    let sim = start(300).await;
    let a = send(get(&sim, "/v2/lead_sources?page=1&per_page=100")).await;
    assert_eq!(a.status, 200);
    let sources = a.json();
    let ids: Vec<i64> = sources["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["data"]["id"].as_i64().unwrap())
        .collect();
    for r in sim.records() {
        if let Some(id) = r["data"]["source_id"].as_i64() {
            assert!(ids.contains(&id), "{id}");
        }
    }
    let a = send(get(&sim, "/v2/lead_conversions?per_page=100")).await;
    let all = a.json();
    let conversions = all["items"].as_array().unwrap();
    assert!(!conversions.is_empty());
    let lead = conversions[0]["data"]["lead_id"].clone();
    let a = send(get(
        &sim,
        &format!("/v2/lead_conversions?lead_id={lead},1&per_page=100"),
    ))
    .await;
    let some = a.json();
    let items = some["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["data"]["lead_id"], lead);
    assert!(items[0]["data"]["individual_id"].is_i64());
    assert!(items[0]["data"]["created_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
}
