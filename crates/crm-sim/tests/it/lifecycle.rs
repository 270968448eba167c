//! Library API: determinism and variety of the data, start/stop, the request log.

use std::collections::HashSet;

use crm_sim::{data, SimConfig, SimProvider};
use serde_json::{json, Value};

use crate::common::{client, send};

#[test]
fn same_seed_same_data_different_seed_different_data() {
    for p in SimProvider::ALL {
        assert_eq!(data::generate(p, 7, 300), data::generate(p, 7, 300), "{p}");
        assert_ne!(data::generate(p, 7, 300), data::generate(p, 8, 300), "{p}");
    }
}

fn strings(records: &[Value], key: &str) -> Vec<String> {
    records
        .iter()
        .filter_map(|r| r[key].as_str().map(str::to_string))
        .collect()
}

#[test]
fn data_has_the_hard_cases() {
    let sf = data::generate(SimProvider::Salesforce, 1, 600);
    let names = strings(&sf, "Name");
    for needle in ["Zoë", "Ærøskøbing", "Łukasz", "José", "O'Brien", "\\", "\""] {
        assert!(names.iter().any(|n| n.contains(needle)), "{needle}");
    }
    assert!(sf.iter().any(|r| r["Email"].is_null()));
    assert!(sf.iter().any(|r| r["IsConverted"] == json!(true)
        && r["ConvertedDate"].is_string()
        && r["ConvertedContactId"].is_string()
        && r["ConvertedAccountId"].is_string()));
    assert!(sf
        .iter()
        .any(|r| r["Phone"].is_string() && r["MobilePhone"].is_string() && r["Fax"].is_string()));
    assert!(sf
        .iter()
        .all(|r| r["CreatedDate"].as_str().unwrap().ends_with(".000+0000")));
    assert!(sf
        .iter()
        .all(|r| r["Id"].as_str().unwrap().len() == 18
            && r["Id"].as_str().unwrap().starts_with("00Q")));
    assert!(
        sf.iter()
            .any(|r| r["OwnerId"].as_str().unwrap().starts_with("00G")),
        "a queue owns some leads"
    );
    let owners: HashSet<&str> = sf.iter().map(|r| r["OwnerId"].as_str().unwrap()).collect();
    assert!(owners.len() <= 6, "owners come from a small set");
    let created: Vec<&str> = sf
        .iter()
        .map(|r| r["CreatedDate"].as_str().unwrap())
        .collect();
    assert!(
        created.len() > created.iter().collect::<HashSet<_>>().len(),
        "some creation times tie"
    );
    assert!(created.first() < created.last());

    let zoho = data::generate(SimProvider::Zoho, 1, 300);
    assert!(zoho
        .iter()
        .all(|r| r["Modified_Time"].as_str().unwrap().ends_with("+05:30")));
    assert!(zoho
        .iter()
        .any(|r| r["$converted"] == json!(true) && r["Converted_Contact"].is_object()));
    assert!(zoho.iter().all(|r| r["id"].as_str().unwrap().len() == 19));
    assert!(zoho.iter().any(|r| r["Lead_Score__c"].is_number()));

    let pd = data::generate(SimProvider::Pipedrive, 1, 300);
    let t = pd[0]["add_time"].as_str().unwrap();
    assert!(t.ends_with('Z') && t.len() == 24, "{t}");
    let custom = |r: &Value| {
        r.as_object()
            .unwrap()
            .keys()
            .any(|k| k.len() == 40 && k.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    assert!(
        pd.iter().any(custom) && !pd.iter().all(custom),
        "custom fields only when set"
    );
    assert!(
        pd.iter().any(|r| r["organization_id"].is_null())
            && pd.iter().any(|r| r["person_id"].is_null())
    );

    let cu = data::generate(SimProvider::Copper, 1, 300);
    assert!(cu.iter().any(|r| r["address"].is_null()));
    assert!(cu
        .iter()
        .any(|r| r["phone_numbers"].as_array().unwrap().len() >= 2));
    assert!(cu.iter().any(|r| r["assignee_id"].is_null()));
    assert!(cu.iter().all(|r| r["date_created"].is_i64()));
    assert!(cu.iter().all(|r| r["email"].is_null()
        || r["email"]["email"]
            .as_str()
            .unwrap()
            .ends_with("@example.com")
        || r["email"]["email"]
            .as_str()
            .unwrap()
            .ends_with("@EXAMPLE.COM")));
}

#[tokio::test]
async fn start_all_and_shutdown() {
    let cluster = crm_sim::start_all(SimConfig::new(3, 25)).await.unwrap();
    let urls: HashSet<&str> = cluster.iter().map(|s| s.base_url()).collect();
    assert_eq!(urls.len(), SimProvider::ALL.len());
    for s in cluster.iter() {
        assert!(s.base_url().starts_with("http://127.0.0.1:"));
        assert!(s.addr().ip().is_loopback());
        assert_eq!(s.records().len(), 25);
        assert_eq!(cluster.get(s.provider()).base_url(), s.base_url());
        assert_eq!(s.records(), data::generate(s.provider(), 3, 25).as_slice());
    }
    let c = cluster.salesforce.credentials();
    assert!(c.token_url.unwrap().ends_with("/services/oauth2/token"));
    assert!(c.api_key.is_none());
    let cu = cluster.copper.credentials();
    assert!(cu.api_key.is_some() && cu.user_email.is_some() && cu.token_url.is_none());

    let url = format!("{}/crm/v8/Leads", cluster.zoho.base_url());
    let zoho = cluster.zoho;
    zoho.shutdown().await;
    assert!(client().get(&url).send().await.is_err(), "stopped");
    let url = format!("{}/v1/leads", cluster.pipedrive.base_url());
    drop(cluster.pipedrive);
    let mut stopped = false;
    for _ in 0..50 {
        if reqwest::Client::new().get(&url).send().await.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(stopped, "dropping the handle stops the server");
}

#[tokio::test]
async fn the_request_log_and_stats() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(4, 10))
        .await
        .unwrap();
    let token = sim.credentials().api_key.unwrap();
    send(
        client()
            .get(format!("{}/v1/leads?limit=3&start=0", sim.base_url()))
            .header("x-api-token", &token),
    )
    .await;
    let log = sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/v1/leads");
    assert_eq!(
        log[0].query_pairs(),
        [
            ("limit".to_string(), "3".to_string()),
            ("start".to_string(), "0".to_string())
        ]
    );
    assert_eq!(log[0].header("X-API-TOKEN"), Some(token.as_str()));
    assert_eq!(sim.stats().api_requests, 1);
    sim.reset_stats();
    assert_eq!(sim.stats(), Default::default());
    assert!(sim.requests().is_empty());
}
