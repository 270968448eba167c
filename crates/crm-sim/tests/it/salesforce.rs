//! Salesforce: SOQL over HTTP, nextRecordsUrl batches, describe, errors.

use chrono::{DateTime, NaiveDate, Utc};
use crm_sim::{SimConfig, SimHandle, SimProvider};
use serde_json::{json, Value};

use crate::common::{assert_same_sequence, client, enc, send, Answer, Lcg};

pub fn query_req(sim: &SimHandle, soql: &str) -> reqwest::RequestBuilder {
    client()
        .get(format!(
            "{}/services/data/v60.0/query?q={}",
            sim.base_url(),
            enc(soql)
        ))
        .bearer_auth(sim.credentials().access_token.unwrap())
}

/// Run a query and follow nextRecordsUrl to the end; returns all records.
pub async fn query_all(sim: &SimHandle, soql: &str, batch: Option<usize>) -> Vec<Value> {
    let token = sim.credentials().access_token.unwrap();
    let mut req = query_req(sim, soql);
    let mut out = Vec::new();
    let mut total = None;
    for _ in 0..10_000 {
        if let Some(b) = batch {
            req = req.header("Sforce-Query-Options", format!("batchSize={b}"));
        }
        let a = send(req).await;
        assert_eq!(a.status, 200, "{soql}: {}", a.body);
        assert!(a
            .header("sforce-limit-info")
            .is_some_and(|v| v.starts_with("api-usage=")));
        let body = a.json();
        let size = body["totalSize"].as_u64().unwrap();
        assert_eq!(*total.get_or_insert(size), size, "totalSize is stable");
        let records = body["records"].as_array().unwrap();
        if let Some(b) = batch {
            assert!(records.len() <= b.clamp(200, 2000));
        }
        out.extend(records.iter().cloned());
        if body["done"] == json!(true) {
            assert!(body.get("nextRecordsUrl").is_none());
            assert_eq!(out.len() as u64, size);
            return out;
        }
        let next = body["nextRecordsUrl"]
            .as_str()
            .expect("nextRecordsUrl when not done");
        assert!(next.starts_with("/services/data/v60.0/query/"));
        req = client()
            .get(format!("{}{next}", sim.base_url()))
            .bearer_auth(&token);
    }
    panic!("paging does not end");
}

pub fn sf_time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| {
        DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z")
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .with_timezone(&Utc)
    })
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["Id"].as_str().unwrap().to_string())
        .collect()
}

fn lower(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_lowercase)
}

#[tokio::test]
async fn batches_return_every_record_once_in_query_order() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(31, 2_345))
        .await
        .unwrap();
    let mut want: Vec<&Value> = sim.records().iter().collect();
    want.sort_by(|a, b| {
        sf_time(&a["CreatedDate"])
            .cmp(&sf_time(&b["CreatedDate"]))
            .then(a["Id"].as_str().cmp(&b["Id"].as_str()))
    });
    let want: Vec<String> = want
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_string())
        .collect();
    for batch in [
        None,
        Some(200),
        Some(333),
        Some(50),
        Some(5_000),
        Some(2_000),
    ] {
        let rows = query_all(
            &sim,
            "SELECT Id, Name, CreatedDate FROM Lead ORDER BY CreatedDate ASC, Id",
            batch,
        )
        .await;
        assert_same_sequence(&ids(&rows), &want, &format!("batch {batch:?}"));
        for r in &rows {
            let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 4, "attributes + the three selected fields: {r}");
            assert_eq!(r["attributes"]["type"], json!("Lead"));
            assert!(r["attributes"]["url"]
                .as_str()
                .unwrap()
                .ends_with(r["Id"].as_str().unwrap()));
        }
    }
    // Records are written attributes first, then the fields in SELECT order.
    let a = send(query_req(&sim, "SELECT Name, Id FROM Lead LIMIT 1")).await;
    assert!(
        a.body.contains(r#""records":[{"attributes":{"#),
        "{}",
        a.body
    );
    let name_at = a.body.find(r#""Name":"#).unwrap();
    let id_at = a.body.rfind(r#""Id":"#).unwrap();
    assert!(name_at < id_at);
}

#[tokio::test]
async fn next_records_url_resumes_from_any_offset() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(32, 1_000))
        .await
        .unwrap();
    let soql = "SELECT Id FROM Lead ORDER BY Id DESC";
    let all = ids(&query_all(&sim, soql, None).await);
    let a = send(query_req(&sim, soql).header("Sforce-Query-Options", "batchSize=200")).await;
    let body = a.json();
    let next = body["nextRecordsUrl"].as_str().unwrap();
    assert!(next.ends_with("-200"), "{next}");
    let locator = next.rsplit_once('-').unwrap().0;
    let token = sim.credentials().access_token.unwrap();
    for offset in [0usize, 1, 537, 999, 1000] {
        let a = send(
            client()
                .get(format!("{}{locator}-{offset}", sim.base_url()))
                .bearer_auth(&token)
                .header("Sforce-Query-Options", "batchSize=200"),
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        let b = a.json();
        let end = (offset + 200).min(1000);
        assert_eq!(ids(b["records"].as_array().unwrap()), all[offset..end]);
        assert_eq!(b["done"], json!(end == 1000));
        if end < 1000 {
            assert_eq!(b["nextRecordsUrl"], json!(format!("{locator}-{end}")));
        }
    }
    for bad in [
        format!("{locator}-1001"),
        format!("{locator}-x"),
        locator.to_string(),
        "/services/data/v60.0/query/0r8SIMNOPE0000000-200".to_string(),
    ] {
        let a = send(
            client()
                .get(format!("{}{bad}", sim.base_url()))
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(a.status, 400, "{bad}");
        assert_eq!(
            a.json(),
            json!([{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}])
        );
    }
}

type Keep = Box<dyn Fn(&Value) -> bool>;

#[tokio::test]
async fn where_clauses_select_exactly_the_expected_records() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(33, 1_500))
        .await
        .unwrap();
    let recs = sim.records();
    let owner = recs[0]["OwnerId"].as_str().unwrap().to_string();
    let owner2 = recs
        .iter()
        .map(|r| r["OwnerId"].as_str().unwrap())
        .find(|o| *o != owner)
        .unwrap()
        .to_string();
    let email = recs
        .iter()
        .filter_map(|r| r["Email"].as_str())
        .find(|e| e.contains('\''))
        .unwrap()
        .to_string();
    let account = recs
        .iter()
        .find_map(|r| r["ConvertedAccountId"].as_str())
        .unwrap()
        .to_string();
    let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let date = |v: &Value| {
        v.as_str()
            .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    };

    let (o1, o2, em, acc) = (
        owner.clone(),
        owner2.clone(),
        email.clone(),
        account.clone(),
    );
    let cases: Vec<(String, Keep)> = vec![
        (
            format!("OwnerId = '{owner}'"),
            Box::new(move |r| r["OwnerId"].as_str() == Some(o1.as_str())),
        ),
        (
            format!("OwnerId IN ('{owner}', '{owner2}')"),
            Box::new({
                let o1 = owner.clone();
                move |r| [o1.as_str(), o2.as_str()].contains(&r["OwnerId"].as_str().unwrap())
            }),
        ),
        (
            format!("OwnerId NOT IN ('{owner}')"),
            Box::new({
                let o1 = owner.clone();
                move |r| r["OwnerId"].as_str() != Some(o1.as_str())
            }),
        ),
        (
            format!("Email = '{}'", email.to_uppercase().replace('\'', "\\'")),
            Box::new(move |r| lower(&r["Email"]) == Some(em.to_lowercase())),
        ),
        (
            "Email = ''".into(),
            Box::new(|r| lower(&r["Email"]).is_none()),
        ),
        (
            "Email != null".into(),
            Box::new(|r| lower(&r["Email"]).is_some()),
        ),
        (
            "LastName LIKE 'o\\'b%'".into(),
            Box::new(|r| lower(&r["LastName"]).is_some_and(|n| n.starts_with("o'b"))),
        ),
        (
            "LastName LIKE '%\\\\%'".into(),
            Box::new(|r| lower(&r["LastName"]).is_some_and(|n| n.contains('\\'))),
        ),
        (
            "LastName LIKE 'percent\\%under\\_score'".into(),
            Box::new(|r| lower(&r["LastName"]).as_deref() == Some("percent%under_score")),
        ),
        (
            "LastName LIKE '%\\_%'".into(), // a literal underscore anywhere
            Box::new(|r| lower(&r["LastName"]).is_some_and(|n| n.contains('_'))),
        ),
        (
            "CreatedDate >= 2021-01-01T00:00:00Z AND CreatedDate < 2022-01-01T00:00:00+05:30"
                .into(),
            Box::new(move |r| {
                let c = sf_time(&r["CreatedDate"]).unwrap();
                c >= t("2021-01-01T00:00:00Z") && c < t("2022-01-01T00:00:00+05:30")
            }),
        ),
        (
            "LastModifiedDate > 2024-03-01T12:30:00.500Z".into(),
            Box::new(move |r| {
                sf_time(&r["LastModifiedDate"]).unwrap() > t("2024-03-01T12:30:00.500Z")
            }),
        ),
        (
            "ConvertedDate > 2022-06-01".into(),
            Box::new(move |r| date(&r["ConvertedDate"]).is_some_and(|c| c > d("2022-06-01"))),
        ),
        (
            "IsConverted = true".into(),
            Box::new(|r| r["IsConverted"] == json!(true)),
        ),
        (
            format!("ConvertedAccountId = '{account}'"),
            Box::new(move |r| r["ConvertedAccountId"].as_str() == Some(acc.as_str())),
        ),
        (
            "(Country = 'Denmark' OR State = 'ca') AND NOT LeadSource = 'Web'".into(),
            Box::new(|r| {
                (r["Country"] == json!("Denmark") || lower(&r["State"]).as_deref() == Some("ca"))
                    && r["LeadSource"] != json!("Web")
            }),
        ),
        (
            "Lead_Score__c > 50 AND Industry_Segment__c != null AND Is_Priority__c = false".into(),
            Box::new(|r| {
                r["Lead_Score__c"].as_f64().is_some_and(|s| s > 50.0)
                    && !r["Industry_Segment__c"].is_null()
                    && r["Is_Priority__c"] == json!(false)
            }),
        ),
        (
            "Legacy_Ref__c = 'C:\\\\legacy\\\\import'".into(),
            Box::new(|r| r["Legacy_Ref__c"] == json!("C:\\legacy\\import")),
        ),
        (
            "Legacy_Ref__c IN ('line1\\nline2', 'tab\\there', 'say \\\"hi\\\"')".into(),
            Box::new(|r| {
                ["line1\nline2", "tab\there", "say \"hi\""]
                    .contains(&r["Legacy_Ref__c"].as_str().unwrap_or(""))
            }),
        ),
        (
            "Name = 'Zoë Ærøskøbing' OR FirstName = 'ŁUKASZ'".into(),
            Box::new(|r| {
                lower(&r["Name"]).as_deref() == Some("zoë ærøskøbing")
                    || lower(&r["FirstName"]).as_deref() == Some("łukasz")
            }),
        ),
        (
            "NumberOfEmployees <= 5000 AND AnnualRevenue >= 100000.5".into(),
            Box::new(|r| {
                r["NumberOfEmployees"].as_i64().is_some_and(|n| n <= 5000)
                    && r["AnnualRevenue"].as_f64().is_some_and(|a| a >= 100000.5)
            }),
        ),
    ];
    for (cond, keep) in cases {
        let mut want: Vec<&Value> = recs.iter().filter(|r| keep(r)).collect();
        want.sort_by(|a, b| a["Id"].as_str().cmp(&b["Id"].as_str()));
        let want: Vec<String> = want
            .iter()
            .map(|r| r["Id"].as_str().unwrap().to_string())
            .collect();
        assert!(
            !want.is_empty(),
            "{cond}: choose a condition that matches something"
        );
        let got = ids(&query_all(
            &sim,
            &format!("SELECT Id FROM Lead WHERE {cond} ORDER BY Id"),
            Some(200),
        )
        .await);
        assert_same_sequence(&got, &want, &cond);
    }
}

#[tokio::test]
async fn order_by_limit_offset_and_nulls() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(34, 400))
        .await
        .unwrap();
    let rows = query_all(
        &sim,
        "SELECT Id, Email FROM Lead ORDER BY Email DESC NULLS LAST, Id LIMIT 300 OFFSET 10",
        None,
    )
    .await;
    let mut want: Vec<&Value> = sim.records().iter().collect();
    want.sort_by(|a, b| {
        match (lower(&a["Email"]), lower(&b["Email"])) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => y
                .cmp(&x)
                .then(b["Email"].as_str().cmp(&a["Email"].as_str())),
        }
        .then(a["Id"].as_str().cmp(&b["Id"].as_str()))
    });
    let want: Vec<String> = want[10..310]
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_string())
        .collect();
    assert_same_sequence(&ids(&rows), &want, "order by email desc nulls last");
    // Default: nulls first.
    let rows = query_all(&sim, "SELECT Id, Email FROM Lead ORDER BY Email", None).await;
    assert!(rows[0]["Email"].is_null());
}

fn assert_sf_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{}", a.body);
    let b = a.json();
    let errs = b.as_array().expect("Salesforce errors are an array");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0]["errorCode"], json!(code), "{}", a.body);
    assert!(errs[0]["message"].is_string());
    assert!(a.header("sforce-limit-info").is_some());
}

#[tokio::test]
async fn errors_match_salesforce() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(35, 20))
        .await
        .unwrap();
    for (soql, code) in [
        ("SELECT Nope FROM Lead", "INVALID_FIELD"),
        ("SELECT Id FROM Lead WHERE Nope__c = 'x'", "INVALID_FIELD"),
        ("SELECT Id FROM Lead ORDER BY Nope", "INVALID_FIELD"),
        ("SELECT Id FROM Contact", "INVALID_TYPE"),
        (
            "SELECT Id FROM Lead WHERE CreatedDate > '2024-01-01T00:00:00Z'",
            "INVALID_FIELD",
        ),
        (
            "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01",
            "INVALID_FIELD",
        ),
        (
            "SELECT Id FROM Lead WHERE ConvertedDate > 2024-01-01T00:00:00Z",
            "INVALID_FIELD",
        ),
        ("SELECT Id FROM Lead WHERE Name = 5", "INVALID_FIELD"),
        (
            "SELECT Id FROM Lead WHERE IsConverted = 'true'",
            "INVALID_FIELD",
        ),
        (
            "SELECT Id FROM Lead WHERE IsConverted > true",
            "INVALID_FIELD",
        ),
        (
            "SELECT Id FROM Lead WHERE Lead_Score__c LIKE '5%'",
            "INVALID_FIELD",
        ),
        (
            "SELECT Id FROM Lead WHERE Description = 'x'",
            "INVALID_FIELD",
        ),
        ("SELECT Id, Id FROM Lead", "MALFORMED_QUERY"),
        (
            "SELECT Id FROM Lead OFFSET 2001",
            "NUMBER_OUTSIDE_VALID_RANGE",
        ),
        ("SELECT FROM Lead", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY"),
        (
            "SELECT Id FROM Lead WHERE Name = 'a' LIMIT",
            "MALFORMED_QUERY",
        ),
        (
            "SELECT Id FROM Lead WHERE Name = 'a' garbage",
            "MALFORMED_QUERY",
        ),
        ("SELECT COUNT() FROM Lead", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE Name = :name", "MALFORMED_QUERY"),
        (
            "SELECT Id FROM Lead WHERE Name = \"double\"",
            "MALFORMED_QUERY",
        ),
        ("DELETE FROM Lead", "MALFORMED_QUERY"),
        (
            "SELECT Id FROM Lead WHERE Name = 'é\\u00e9'",
            "MALFORMED_QUERY",
        ),
        ("SELECT Id FROM Lead WHERE Name IN ()", "MALFORMED_QUERY"),
    ] {
        assert_sf_error(&send(query_req(&sim, soql)).await, 400, code);
    }
    // An unencoded `+` in an offset arrives as a space: MALFORMED_QUERY, as on the real API.
    let a = send(
        client()
            .get(format!(
                "{}/services/data/v60.0/query?q=SELECT+Id+FROM+Lead+WHERE+CreatedDate+>+2024-01-01T00:00:00+05:30",
                sim.base_url()
            ))
            .bearer_auth(sim.credentials().access_token.unwrap()),
    )
    .await;
    assert_sf_error(&a, 400, "MALFORMED_QUERY");
    // Missing q.
    let a = send(
        client()
            .get(format!("{}/services/data/v60.0/query", sim.base_url()))
            .bearer_auth(sim.credentials().access_token.unwrap()),
    )
    .await;
    assert_sf_error(&a, 400, "MALFORMED_QUERY");
    // Not a version.
    let a = send(
        client()
            .get(format!(
                "{}/services/data/60/query?q=SELECT+Id+FROM+Lead",
                sim.base_url()
            ))
            .bearer_auth(sim.credentials().access_token.unwrap()),
    )
    .await;
    assert_sf_error(&a, 404, "NOT_FOUND");
    // Auth.
    for req in [
        client().get(format!(
            "{}/services/data/v60.0/query?q=SELECT+Id+FROM+Lead",
            sim.base_url()
        )),
        client()
            .get(format!(
                "{}/services/data/v60.0/query?q=SELECT+Id+FROM+Lead",
                sim.base_url()
            ))
            .bearer_auth("00Dnope"),
    ] {
        let a = send(req).await;
        assert_eq!(a.status, 401);
        assert_eq!(
            a.json(),
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        );
        assert_eq!(a.header("www-authenticate"), Some("Token"));
    }
    // The message has Salesforce's layout.
    let a = send(query_req(
        &sim,
        "SELECT Id FROM Lead WHERE Email = 'o'brien@example.com'",
    ))
    .await;
    let msg = a.json()[0]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("ERROR at Row:1:Column:") && msg.contains("unexpected token: brien"),
        "{msg}"
    );
}

#[tokio::test]
async fn describe_lists_standard_and_custom_fields_minus_hidden_ones() {
    let config = SimConfig {
        hidden_fields: vec!["Legacy_Ref__c".into()],
        ..SimConfig::new(36, 20)
    };
    let sim = crm_sim::start(SimProvider::Salesforce, config)
        .await
        .unwrap();
    let a = send(
        client()
            .get(format!(
                "{}/services/data/v60.0/sobjects/Lead/describe",
                sim.base_url()
            ))
            .bearer_auth(sim.credentials().access_token.unwrap()),
    )
    .await;
    assert_eq!(a.status, 200);
    let d = a.json();
    let fields = d["fields"].as_array().unwrap();
    let find = |n: &str| fields.iter().find(|f| f["name"] == json!(n));
    assert_eq!(find("Email").unwrap()["custom"], json!(false));
    assert_eq!(find("Lead_Score__c").unwrap()["custom"], json!(true));
    assert_eq!(find("Lead_Score__c").unwrap()["type"], json!("double"));
    assert_eq!(find("CreatedDate").unwrap()["type"], json!("datetime"));
    assert!(find("Legacy_Ref__c").is_none());
    let customs: Vec<&str> = fields
        .iter()
        .filter(|f| f["custom"] == json!(true))
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(customs.iter().all(|n| n.ends_with("__c")) && customs.len() >= 4);
    // Every described field can be selected, the hidden one cannot.
    let all: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let a = send(query_req(
        &sim,
        &format!("SELECT {} FROM Lead", all.join(", ")),
    ))
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_sf_error(
        &send(query_req(&sim, "SELECT Id, Legacy_Ref__c FROM Lead")).await,
        400,
        "INVALID_FIELD",
    );
    let a = send(
        client()
            .get(format!(
                "{}/services/data/v60.0/sobjects/Contact/describe",
                sim.base_url()
            ))
            .bearer_auth(sim.credentials().access_token.unwrap()),
    )
    .await;
    assert_sf_error(&a, 404, "NOT_FOUND");
}

#[tokio::test]
async fn usage_header_counts_requests() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(37, 5))
        .await
        .unwrap();
    let mut last = 0;
    let mut rng = Lcg(1);
    for _ in 0..3 {
        let a = send(query_req(
            &sim,
            &format!("SELECT Id FROM Lead LIMIT {}", rng.below(5)),
        ))
        .await;
        let v = a.header("sforce-limit-info").unwrap().to_string();
        let used: u64 = v
            .trim_start_matches("api-usage=")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(v.ends_with("/15000"), "{v}");
        assert_eq!(used, last + 1);
        last = used;
    }
}
