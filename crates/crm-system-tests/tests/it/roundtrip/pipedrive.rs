//! Pipedrive: `PipedriveConnector` (API token on `/v1/leads` and OAuth on `/api/v1/leads`) against
//! the Pipedrive simulator. Declared order: `add_time` ascending (the simulator breaks ties by
//! `id`); archived leads are not listed. Filters: `owner[id]`, `contact[id]`, `organization[id]`
//! (or `organization=`).

use std::collections::HashMap;

use crm_core::{DynConnector, Lead};
use crm_pipedrive::{Config, PipedriveConnector};
use crm_sim::{SimConfig, SimProvider};
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::Value;

use super::support::{self, Limit};

const LEADS: usize = 3_000;
const SEED: u64 = 7_002;
const CASES: u32 = 12;

#[derive(Debug, Clone)]
struct Case {
    owner: Option<i64>,
    person: Option<i64>,
    /// The id, and whether it is sent as `organization=` rather than `organization[id]=`.
    organization: Option<(i64, bool)>,
    oauth: bool,
    limit: Limit,
}

impl Case {
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![self.limit.param()];
        if let Some(o) = self.owner {
            p.push(("owner[id]".into(), o.to_string()));
        }
        if let Some(c) = self.person {
            p.push(("contact[id]".into(), c.to_string()));
        }
        if let Some((o, bare)) = self.organization {
            let key = if bare {
                "organization"
            } else {
                "organization[id]"
            };
            p.push((key.into(), o.to_string()));
        }
        p
    }

    fn matches(&self, r: &Value) -> bool {
        r["is_archived"] != Value::Bool(true)
            && self.owner.is_none_or(|o| r["owner_id"].as_i64() == Some(o))
            && self
                .person
                .is_none_or(|p| r["person_id"].as_i64() == Some(p))
            && self
                .organization
                .is_none_or(|(o, _)| r["organization_id"].as_i64() == Some(o))
    }
}

fn distinct(records: &[Value], key: &str) -> Vec<i64> {
    let mut v: Vec<i64> = records.iter().filter_map(|r| r[key].as_i64()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn cases(records: &[Value]) -> impl Strategy<Value = Case> {
    (
        prop::option::weighted(0.4, prop::sample::select(distinct(records, "owner_id"))),
        prop::option::weighted(0.25, prop::sample::select(distinct(records, "person_id"))),
        prop::option::weighted(
            0.3,
            (
                prop::sample::select(distinct(records, "organization_id")),
                any::<bool>(),
            ),
        ),
        any::<bool>(),
        support::limits(25, crm_pipedrive::CAPABILITIES.max_page_size),
    )
        .prop_map(|(owner, person, organization, oauth, limit)| Case {
            owner,
            person,
            organization,
            oauth,
            limit,
        })
}

/// Declared order: `add_time` ascending (same width everywhere, so text order is time order),
/// ties by `id`.
fn expected(records: &[Value], case: &Case) -> Vec<String> {
    let mut hits: Vec<&Value> = records.iter().filter(|r| case.matches(r)).collect();
    hits.sort_by_key(|r| (r["add_time"].as_str(), r["id"].as_str()));
    hits.iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn every_page_of_filtered_leads_equals_the_simulators_set() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::Pipedrive,
            SimConfig::new(SEED, LEADS),
        ))
        .expect("simulator");
    let creds = sim.credentials();
    let by_token = PipedriveConnector::new(
        Config::api_token(SecretString::from(creds.api_key.expect("api token")))
            .with_base_url(sim.base_url()),
    )
    .expect("connector");
    let by_oauth = PipedriveConnector::new(Config::oauth(
        sim.base_url(),
        SecretString::from(creds.access_token.expect("access token")),
    ))
    .expect("connector");
    let records = sim.records().to_vec();
    let archived = records.iter().filter(|r| r["is_archived"] == true).count();
    assert!(archived > 0, "the dataset should hold archived leads");
    let by_id: HashMap<&str, &Value> = records
        .iter()
        .map(|r| (r["id"].as_str().unwrap_or_default(), r))
        .collect();
    let check_lead = |lead: &Lead| -> Result<(), String> {
        let record = by_id
            .get(lead.id.as_str())
            .ok_or_else(|| format!("lead {} is not in the simulator", lead.id))?;
        if support::remote(lead)? != **record {
            return Err(format!(
                "remote_data of {} differs from the record",
                lead.id
            ));
        }
        Ok(())
    };

    let all = Case {
        owner: None,
        person: None,
        organization: None,
        oauth: false,
        limit: Limit::Size(500),
    };
    let want = expected(&records, &all);
    assert_eq!(want.len(), LEADS - archived);
    rt.block_on(support::check_walks(
        &by_token,
        &all.params(),
        &want,
        &check_lead,
    ))
    .unwrap_or_else(|e| panic!("unfiltered walk: {e}"));

    support::run_cases("pipedrive", CASES, cases(&records), |case| {
        let connector: &dyn DynConnector = if case.oauth { &by_oauth } else { &by_token };
        let want = expected(&records, &case);
        rt.block_on(support::check_walks(
            connector,
            &case.params(),
            &want,
            &check_lead,
        ))
    });
}
