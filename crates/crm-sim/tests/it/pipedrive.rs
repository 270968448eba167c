//! Pipedrive: offset paging, filters, both auth styles, the envelope.

use crm_sim::{SimConfig, SimHandle, SimProvider};
use serde_json::{json, Value};

use crate::common::{assert_same_sequence, client, send, Lcg};

fn get(sim: &SimHandle, path_and_query: &str) -> reqwest::RequestBuilder {
    client()
        .get(format!("{}{path_and_query}", sim.base_url()))
        .header("x-api-token", sim.credentials().api_key.unwrap())
}

/// Walk `/v1/leads?<filters>` following `next_start`; returns ids in served order.
async fn walk(sim: &SimHandle, filters: &str, rng: &mut Lcg) -> Vec<String> {
    let mut ids = Vec::new();
    let mut start = 0;
    let limit = 1 + rng.below(600);
    for _ in 0..10_000 {
        let a = send(get(
            sim,
            &format!("/v1/leads?start={start}&limit={limit}{filters}"),
        ))
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        let body = a.json();
        assert_eq!(body["success"], json!(true));
        let p = &body["additional_data"]["pagination"];
        assert_eq!(p["start"], json!(start));
        assert_eq!(p["limit"], json!(limit.min(500)));
        if let Some(rows) = body["data"].as_array() {
            assert!(!rows.is_empty(), "an empty page is data: null");
            ids.extend(rows.iter().map(|r| r["id"].as_str().unwrap().to_string()));
        } else {
            assert!(body["data"].is_null());
        }
        if p["more_items_in_collection"] == json!(true) {
            start = p["next_start"].as_u64().expect("next_start when more");
        } else {
            assert!(p.get("next_start").is_none());
            return ids;
        }
    }
    panic!("paging does not end");
}

type Keep = Box<dyn Fn(&Value) -> bool>;

fn expected(records: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut rows: Vec<&Value> = records
        .iter()
        .filter(|r| r["is_archived"] == json!(false) && keep(r))
        .collect();
    rows.sort_by(|a, b| {
        a["add_time"]
            .as_str()
            .cmp(&b["add_time"].as_str())
            .then(a["id"].as_str().cmp(&b["id"].as_str()))
    });
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn paging_returns_every_unarchived_lead_once_in_add_time_order() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(21, 1_234))
        .await
        .unwrap();
    let want = expected(sim.records(), |_| true);
    assert!(want.len() < sim.records().len(), "some leads are archived");
    let mut rng = Lcg(3);
    for _ in 0..6 {
        let got = walk(&sim, "", &mut rng).await;
        assert_same_sequence(&got, &want, "all leads");
    }
}

#[tokio::test]
async fn filters_select_exactly_the_expected_leads() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(22, 900))
        .await
        .unwrap();
    let recs = sim.records();
    let mut rng = Lcg(4);
    for _ in 0..12 {
        let pick = &recs[rng.below(recs.len() as u64) as usize];
        let owner = pick["owner_id"].as_i64().unwrap();
        let person = pick["person_id"].as_i64();
        let org = pick["organization_id"].as_i64();
        let mut cases: Vec<(String, Keep)> = vec![(
            format!("&owner_id={owner}"),
            Box::new(move |r: &Value| r["owner_id"].as_i64() == Some(owner)),
        )];
        if let Some(p) = person {
            cases.push((
                format!("&person_id={p}&owner_id={owner}"),
                Box::new(move |r: &Value| {
                    r["person_id"].as_i64() == Some(p) && r["owner_id"].as_i64() == Some(owner)
                }),
            ));
        }
        if let Some(o) = org {
            cases.push((
                format!("&organization_id={o}"),
                Box::new(move |r: &Value| r["organization_id"].as_i64() == Some(o)),
            ));
        }
        for (q, keep) in cases {
            let want = expected(recs, &keep);
            let got = walk(&sim, &q, &mut rng).await;
            assert_same_sequence(&got, &want, &q);
        }
    }
    // updated_since is inclusive.
    let since = recs[400]["update_time"].as_str().unwrap().to_string();
    let want = expected(recs, |r| {
        r["update_time"].as_str().unwrap() >= since.as_str()
    });
    let got = walk(
        &sim,
        &format!("&updated_since={}", crate::common::enc(&since)),
        &mut rng,
    )
    .await;
    assert_same_sequence(&got, &want, "updated_since");
}

#[tokio::test]
async fn empty_pages_have_null_data() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(23, 30))
        .await
        .unwrap();
    for q in ["/v1/leads?owner_id=999999", "/v1/leads?start=100000"] {
        let a = send(get(&sim, q)).await;
        assert_eq!(a.status, 200);
        let b = a.json();
        assert_eq!(b["data"], Value::Null, "{q}");
        assert_eq!(
            b["additional_data"]["pagination"]["more_items_in_collection"],
            json!(false)
        );
    }
}

#[tokio::test]
async fn archived_leads_come_from_their_own_list() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(24, 300))
        .await
        .unwrap();
    let a = send(get(&sim, "/v1/leads/archived?limit=500")).await;
    let body = a.json();
    let rows = body["data"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["is_archived"] == json!(true)));
    let want = sim
        .records()
        .iter()
        .filter(|r| r["is_archived"] == json!(true))
        .count();
    assert_eq!(rows.len(), want);
    assert!(want > 0);
}

#[tokio::test]
async fn both_auth_styles_and_the_401_body() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(25, 20))
        .await
        .unwrap();
    let c = sim.credentials();
    let base = sim.base_url();
    let ok = [
        client()
            .get(format!("{base}/api/v1/leads"))
            .bearer_auth(c.access_token.clone().unwrap()),
        client()
            .get(format!("{base}/v1/leads"))
            .header("x-api-token", c.api_key.clone().unwrap()),
        client().get(format!(
            "{base}/v1/leads?api_token={}",
            c.api_key.clone().unwrap()
        )),
    ];
    for req in ok {
        let a = send(req).await;
        assert_eq!(a.status, 200, "{}", a.body);
        for h in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(a.header(h).is_some(), "{h}");
        }
    }
    let bad = [
        client().get(format!("{base}/api/v1/leads")),
        client()
            .get(format!("{base}/api/v1/leads"))
            .bearer_auth("nope"),
        client()
            .get(format!("{base}/v1/leads"))
            .header("x-api-token", "nope"),
        // A valid API token does not make a wrong bearer token valid.
        client()
            .get(format!("{base}/v1/leads"))
            .bearer_auth("nope")
            .header("x-api-token", c.api_key.clone().unwrap()),
    ];
    for req in bad {
        let a = send(req).await;
        assert_eq!(a.status, 401);
        assert_eq!(
            a.json(),
            json!({"success": false, "error": "unauthorized access", "errorCode": 401})
        );
    }
}

#[tokio::test]
async fn junk_parameters_get_pipedrive_errors() {
    let sim = crm_sim::start(SimProvider::Pipedrive, SimConfig::new(26, 20))
        .await
        .unwrap();
    for q in [
        "limit=abc",
        "limit=0",
        "start=-1",
        "owner_id=x",
        "person_id=1.5",
        "updated_since=yesterday",
        "sort=nope%20ASC",
        "sort=add_time%20UP",
    ] {
        let a = send(get(&sim, &format!("/v1/leads?{q}"))).await;
        assert_eq!(a.status, 400, "{q}");
        let b = a.json();
        assert_eq!(b["success"], json!(false));
        assert!(b["error"].is_string());
    }
    // sort by update_time DESC is honoured, with id as the tie-break.
    let a = send(get(&sim, "/v1/leads?sort=update_time%20DESC&limit=500")).await;
    let rows = a.json()["data"].as_array().unwrap().clone();
    let times: Vec<&str> = rows
        .iter()
        .map(|r| r["update_time"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
}
