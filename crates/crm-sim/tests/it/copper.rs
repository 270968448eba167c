//! Copper: body paging, filters, auth.

use crm_sim::{SimConfig, SimHandle, SimProvider};
use serde_json::{json, Value};

use crate::common::{assert_same_sequence, client, send, Answer, Lcg};

const PATH: &str = "/developer_api/v1/leads/search";

fn search(sim: &SimHandle, body: &Value) -> reqwest::RequestBuilder {
    let c = sim.credentials();
    client()
        .post(format!("{}{PATH}", sim.base_url()))
        .header("X-PW-AccessToken", c.api_key.unwrap())
        .header("X-PW-Application", "developer_api")
        .header("X-PW-UserEmail", c.user_email.unwrap())
        .header("Content-Type", "application/json")
        .body(body.to_string())
}

/// Walk every page of `filters` with random page sizes; returns the ids in the order served.
async fn walk(sim: &SimHandle, filters: &Value, rng: &mut Lcg) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut page = 1;
    let page_size = 1 + rng.below(260); // sometimes above the 200 maximum
    loop {
        let mut body = filters.clone();
        body["page_number"] = json!(page);
        body["page_size"] = json!(page_size);
        let a = send(search(sim, &body)).await;
        assert_eq!(a.status, 200, "{}", a.body);
        let rows = a.json();
        let rows = rows.as_array().expect("bare array");
        assert!(rows.len() as u64 <= page_size.min(200));
        if rows.is_empty() {
            break;
        }
        ids.extend(rows.iter().map(|r| r["id"].as_i64().unwrap()));
        page += 1;
        assert!(page < 10_000, "paging does not end");
    }
    ids
}

fn lower(v: &Value) -> Option<String> {
    v.as_str().map(str::to_lowercase)
}

/// The expected ids: filter and sort computed here from the raw records.
fn expected(
    records: &[Value],
    keep: impl Fn(&Value) -> bool,
    sort_by: &str,
    desc: bool,
) -> Vec<i64> {
    let mut rows: Vec<&Value> = records.iter().filter(|r| keep(r)).collect();
    rows.sort_by(|a, b| {
        let o = match sort_by {
            "date_created" | "date_modified" => a[sort_by].as_i64().cmp(&b[sort_by].as_i64()),
            _ => lower(&a[sort_by]).cmp(&lower(&b[sort_by])),
        };
        let o = if desc { o.reverse() } else { o };
        o.then(a["id"].as_i64().cmp(&b["id"].as_i64()))
    });
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn paging_returns_every_record_once_in_stable_order() {
    let sim = crm_sim::start(SimProvider::Copper, SimConfig::new(11, 613))
        .await
        .unwrap();
    let mut rng = Lcg(5);
    for (sort_by, dir) in [
        (None, "asc"),
        (Some("date_created"), "asc"),
        (Some("date_created"), "desc"),
        (Some("date_modified"), "asc"),
        (Some("name"), "desc"),
    ] {
        let mut body = json!({"sort_direction": dir});
        if let Some(s) = sort_by {
            body["sort_by"] = json!(s);
        }
        let got = walk(&sim, &body, &mut rng).await;
        let want = expected(
            sim.records(),
            |_| true,
            sort_by.unwrap_or("name"),
            dir == "desc",
        );
        assert_same_sequence(&got, &want, &format!("sort {sort_by:?} {dir}"));
        let again = walk(&sim, &body, &mut rng).await;
        assert_eq!(got, again, "order must be stable across walks");
    }
}

#[tokio::test]
async fn filters_select_exactly_the_expected_records() {
    let sim = crm_sim::start(SimProvider::Copper, SimConfig::new(12, 700))
        .await
        .unwrap();
    let recs = sim.records();
    let mut rng = Lcg(9);
    // Pick values that occur several times.
    let assignee = recs.iter().find_map(|r| r["assignee_id"].as_i64()).unwrap();
    let name = recs
        .iter()
        .filter_map(|r| r["name"].as_str())
        .find(|n| {
            recs.iter()
                .filter(|r| r["name"].as_str() == Some(n))
                .count()
                > 1
        })
        .unwrap()
        .to_string();
    let email = recs
        .iter()
        .filter_map(|r| r["email"]["email"].as_str())
        .find(|e| e.contains('\''))
        .unwrap_or_else(|| {
            recs.iter()
                .find_map(|r| r["email"]["email"].as_str())
                .unwrap()
        })
        .to_string();
    let created: Vec<i64> = recs
        .iter()
        .map(|r| r["date_created"].as_i64().unwrap())
        .collect();
    let (lo, hi) = (created[100], created[400]);
    let modified = recs[250]["date_modified"].as_i64().unwrap();

    type Keep = Box<dyn Fn(&Value) -> bool>;
    let name2 = name.clone();
    let email2 = email.clone();
    let cases: Vec<(Value, Keep)> = vec![
        (
            json!({"assignee_ids": [assignee]}),
            Box::new(move |r: &Value| r["assignee_id"].as_i64() == Some(assignee)),
        ),
        (
            json!({"assignee_ids": [-2, assignee]}),
            Box::new(move |r: &Value| {
                r["assignee_id"].is_null() || r["assignee_id"].as_i64() == Some(assignee)
            }),
        ),
        (
            json!({"name": name.to_uppercase()}),
            Box::new(move |r: &Value| lower(&r["name"]) == Some(name2.to_lowercase())),
        ),
        (
            json!({"emails": email.to_uppercase()}),
            Box::new(move |r: &Value| lower(&r["email"]["email"]) == Some(email2.to_lowercase())),
        ),
        (
            json!({"country": "DK"}),
            Box::new(|r: &Value| r["address"]["country"].as_str() == Some("DK")),
        ),
        (
            json!({"minimum_created_date": lo, "maximum_created_date": hi}),
            Box::new(move |r: &Value| (lo..=hi).contains(&r["date_created"].as_i64().unwrap())),
        ),
        (
            json!({"minimum_modified_date": modified, "country": "US", "assignee_ids": [assignee]}),
            Box::new(move |r: &Value| {
                r["date_modified"].as_i64().unwrap() >= modified
                    && r["address"]["country"].as_str() == Some("US")
                    && r["assignee_id"].as_i64() == Some(assignee)
            }),
        ),
        (
            json!({"maximum_modified_date": modified, "include_converted_leads": false}),
            Box::new(move |r: &Value| {
                r["date_modified"].as_i64().unwrap() <= modified && r["converted_at"].is_null()
            }),
        ),
    ];
    for (filters, keep) in cases {
        let want = expected(recs, &keep, "name", false);
        assert!(
            !want.is_empty(),
            "{filters}: pick a filter that matches something"
        );
        let got = walk(&sim, &filters, &mut rng).await;
        assert_same_sequence(&got, &want, &filters.to_string());
        // X-PW-TOTAL is the filtered count.
        let a = send(search(&sim, &filters)).await;
        assert_eq!(
            a.header("x-pw-total"),
            Some(want.len().to_string().as_str())
        );
    }
}

#[tokio::test]
async fn paging_in_the_query_string_is_ignored() {
    let sim = crm_sim::start(SimProvider::Copper, SimConfig::new(13, 90))
        .await
        .unwrap();
    let c = sim.credentials();
    let a = send(
        client()
            .post(format!(
                "{}{PATH}?page_number=2&page_size=5",
                sim.base_url()
            ))
            .header("X-PW-AccessToken", c.api_key.unwrap())
            .header("X-PW-Application", "developer_api")
            .header("X-PW-UserEmail", c.user_email.unwrap()),
    )
    .await;
    assert_eq!(a.status, 200);
    let first = expected(sim.records(), |_| true, "name", false);
    let got: Vec<i64> = a
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, first[..20], "the default first page, every time");
    assert_eq!(
        sim.requests().last().unwrap().query.as_deref(),
        Some("page_number=2&page_size=5")
    );
}

fn assert_copper_error(a: &Answer, status: u16) {
    assert_eq!(a.status, status, "{}", a.body);
    let b = a.json();
    assert_eq!(b["success"], json!(false));
    assert_eq!(b["status"], json!(status));
    assert!(b["message"].is_string());
}

#[tokio::test]
async fn auth_headers_are_all_required() {
    let sim = crm_sim::start(SimProvider::Copper, SimConfig::new(14, 10))
        .await
        .unwrap();
    let c = sim.credentials();
    let key = c.api_key.unwrap();
    let email = c.user_email.unwrap();
    let url = format!("{}{PATH}", sim.base_url());
    let cases: [(Option<&str>, Option<&str>, Option<&str>); 5] = [
        (None, Some("developer_api"), Some(&email)),
        (Some(&key), None, Some(&email)),
        (Some(&key), Some("developer_api"), None),
        (Some("wrong"), Some("developer_api"), Some(&email)),
        (Some(&key), Some("other_app"), Some(&email)),
    ];
    for (k, app, user) in cases {
        let mut req = client().post(&url).body("{}");
        if let Some(k) = k {
            req = req.header("X-PW-AccessToken", k);
        }
        if let Some(app) = app {
            req = req.header("X-PW-Application", app);
        }
        if let Some(u) = user {
            req = req.header("X-PW-UserEmail", u);
        }
        assert_copper_error(&send(req).await, 401);
    }
    // The email is not case-sensitive; everything right is a 200.
    let a = send(
        client()
            .post(&url)
            .header("X-PW-AccessToken", &key)
            .header("X-PW-Application", "developer_api")
            .header("X-PW-UserEmail", email.to_uppercase())
            .body("{}"),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(sim.stats().unauthorized, 5);
}

#[tokio::test]
async fn junk_bodies_get_copper_errors_not_panics() {
    let sim = crm_sim::start(SimProvider::Copper, SimConfig::new(15, 10))
        .await
        .unwrap();
    for (body, status) in [
        ("{not json", 400),
        ("[1,2]", 400),
        ("\"text\"", 400),
        (r#"{"page_size":"abc"}"#, 422),
        (r#"{"page_number":0}"#, 422),
        (r#"{"page_size":-1}"#, 422),
        (r#"{"sort_by":"nope"}"#, 422),
        (r#"{"sort_direction":"sideways"}"#, 422),
        (r#"{"assignee_ids":"1"}"#, 422),
        (r#"{"assignee_ids":[1.5]}"#, 422),
        (r#"{"emails":["a@example.com"]}"#, 422),
        (r#"{"minimum_created_date":"2024-01-01"}"#, 422),
    ] {
        let a = send(search(&sim, &json!(null)).body(body)).await;
        assert_copper_error(&a, status);
    }
    // Huge page numbers are just empty pages.
    let a = send(search(
        &sim,
        &json!({"page_number": i64::MAX, "page_size": 200}),
    ))
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), json!([]));
}
