//! Zoho CRM: `ZohoConnector` against the Zoho simulator, over more than 2,000 leads so every walk
//! crosses the switch from `page` to `page_token`. Declared order: `id` ascending (numerically);
//! converted leads included (`converted=both`). The connector declares no filter: every filter is
//! refused before any request.

use std::collections::HashMap;

use crm_core::{list_page, Error, Lead, ListContext, ResponseFormat};
use crm_sim::{SimConfig, SimProvider};
use crm_zoho::{Config, ZohoConnector};
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::Value;

use super::support::{self, Limit};

const LEADS: usize = 2_500;
const SEED: u64 = 7_004;
const CASES: u32 = 8;

#[derive(Debug, Clone)]
struct Case {
    limit: Limit,
}

/// Declared order: `id` ascending as a number (ids are digit strings; shorter is smaller).
fn expected(records: &[Value]) -> Vec<String> {
    let mut ids: Vec<&str> = records
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default())
        .collect();
    ids.sort_by_key(|id| (id.len(), *id));
    ids.into_iter().map(str::to_owned).collect()
}

#[test]
fn every_page_past_two_thousand_leads_equals_the_simulators_set() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::Zoho,
            SimConfig::new(SEED, LEADS),
        ))
        .expect("simulator");
    let token = sim.credentials().access_token.expect("access token");
    let connector = ZohoConnector::new(Config::new(sim.base_url(), SecretString::from(token)))
        .expect("connector");
    let records = sim.records().to_vec();
    assert!(
        records.iter().any(|r| r["$converted"] == true),
        "the dataset should hold converted leads (Zoho hides them unless asked)"
    );
    let by_id: HashMap<&str, &Value> = records
        .iter()
        .map(|r| (r["id"].as_str().unwrap_or_default(), r))
        .collect();
    let check_lead = |lead: &Lead| -> Result<(), String> {
        let record = by_id
            .get(lead.id.as_str())
            .ok_or_else(|| format!("lead {} is not in the simulator", lead.id))?;
        support::fields_match(&lead.id, &support::remote(lead)?, record, &[])
    };
    let want = expected(&records);
    assert_eq!(want.len(), LEADS);

    // Pages of 200 end exactly at record 2,000; pages of 150 straddle it (the 14th would end at 2,100).
    for limit in [200, 150] {
        rt.block_on(support::check_walks(
            &connector,
            &[Limit::Size(limit).param()],
            &want,
            &check_lead,
        ))
        .unwrap_or_else(|e| panic!("walk with limit {limit}: {e}"));
    }

    let strategy =
        support::limits(50, crm_zoho::capabilities::MAX_PAGE_SIZE).prop_map(|limit| Case { limit });
    support::run_cases("zoho", CASES, strategy, |case| {
        rt.block_on(support::check_walks(
            &connector,
            &[case.limit.param()],
            &want,
            &check_lead,
        ))
    });
}

#[test]
fn every_filter_is_refused_before_any_request() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(SimProvider::Zoho, SimConfig::new(SEED, 10)))
        .expect("simulator");
    let token = sim.credentials().access_token.expect("access token");
    let connector = ZohoConnector::new(Config::new(sim.base_url(), SecretString::from(token)))
        .expect("connector");
    let codec = support::codec();
    let ctx = ListContext {
        account_id: support::ACCOUNT,
        codec: &codec,
    };
    for (key, value) in [
        ("owner[id]", "4150868000000225013"),
        ("contact[id]", "1"),
        ("organization[id]", "1"),
        ("account[id]", "1"),
        ("name", "Zoë"),
        ("country", "Germany"),
        ("state", "CA"),
        ("lead_source", "Web"),
        ("created_at[gte]", "2024-01-01T00:00:00Z"),
        ("updated_at", "2024-01-01T00:00:00Z"),
        ("converted_at[lt]", "2024-01-01"),
        ("email_addresses[]", "a@example.com"),
        ("include_custom_fields", "true"),
        ("custom_fields[Lead_Score__c]", "1"),
    ] {
        let query = support::parse(&[(key.to_owned(), value.to_owned())]).expect("query");
        let err = rt
            .block_on(list_page(&connector, ctx, &query, ResponseFormat::Unified))
            .expect_err(key);
        assert!(
            matches!(err, Error::UnsupportedFilter { .. }),
            "{key}: {err}"
        );
    }
    assert_eq!(sim.stats().requests, 0, "no request may reach Zoho");
}
