//! Copper: `CopperConnector` against the Copper simulator. Declared order: `date_created`
//! ascending (the simulator breaks ties by `id`). Filters: `owner[id]`, `name`, `country` (code or
//! name), `email_addresses[]` (one), `created_at` and `updated_at` with every operator.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crm_copper::{Config, CopperConnector};
use crm_core::Lead;
use crm_sim::{SimConfig, SimProvider};
use proptest::prelude::*;
use serde_json::Value;

use super::support::{self, Bound, Limit};

const LEADS: usize = 3_000;
const SEED: u64 = 7_001;
const CASES: u32 = 12;

/// Countries as a caller may name them, with the code Copper stores.
const COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("PL", "Poland"),
    ("DK", "Denmark"),
    ("FR", "France"),
    ("IN", "India"),
    ("JP", "Japan"),
    ("ES", "Spain"),
    ("IE", "Ireland"),
];

#[derive(Debug, Clone)]
struct Case {
    owner: Option<i64>,
    name: Option<String>,
    /// (what is sent, the code it means)
    country: Option<(String, String)>,
    email: Option<String>,
    created: Vec<Bound>,
    updated: Vec<Bound>,
    bare_eq: bool,
    limit: Limit,
}

impl Case {
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![self.limit.param()];
        if let Some(o) = self.owner {
            p.push(("owner[id]".into(), o.to_string()));
        }
        if let Some(n) = &self.name {
            p.push(("name".into(), n.clone()));
        }
        if let Some((sent, _)) = &self.country {
            p.push(("country".into(), sent.clone()));
        }
        if let Some(e) = &self.email {
            p.push(("email_addresses[]".into(), e.clone()));
        }
        p.extend(
            self.created
                .iter()
                .map(|b| b.param("created_at", self.bare_eq)),
        );
        p.extend(
            self.updated
                .iter()
                .map(|b| b.param("updated_at", self.bare_eq)),
        );
        p
    }

    /// The filters' meaning, computed from the record alone.
    fn matches(&self, r: &Value) -> bool {
        let secs = |k: &str| {
            r[k].as_i64()
                .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        };
        let text_is = |v: &Value, want: &str| v.as_str().is_some_and(|s| support::eq_ci(s, want));
        self.owner
            .is_none_or(|o| r["assignee_id"].as_i64() == Some(o))
            && self.name.as_deref().is_none_or(|n| text_is(&r["name"], n))
            && self
                .country
                .as_ref()
                .is_none_or(|(_, code)| text_is(&r["address"]["country"], code))
            && self
                .email
                .as_deref()
                .is_none_or(|e| text_is(&r["email"]["email"], e))
            && support::within(secs("date_created"), &self.created)
            && support::within(secs("date_modified"), &self.updated)
    }
}

/// Distinct non-null values of `f(record)`.
fn distinct<T: Ord + Clone>(records: &[Value], f: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    let mut v: Vec<T> = records.iter().filter_map(f).collect();
    v.sort();
    v.dedup();
    v
}

fn cases(records: &[Value]) -> impl Strategy<Value = Case> {
    let owners = distinct(records, |r| r["assignee_id"].as_i64());
    let names = distinct(records, |r| r["name"].as_str().map(str::to_owned));
    let emails = distinct(records, |r| r["email"]["email"].as_str().map(str::to_owned));
    let created = distinct(records, |r| r["date_created"].as_i64());
    let modified = distinct(records, |r| r["date_modified"].as_i64());
    let country = (prop::sample::select(COUNTRIES), 0u8..4).prop_map(|((code, name), how)| {
        let sent = match how {
            0 => code.to_owned(),
            1 => code.to_lowercase(),
            2 => name.to_owned(),
            _ => name.to_uppercase(),
        };
        (sent, code.to_owned())
    });
    let recased = |values: Vec<String>| {
        (prop::sample::select(values), any::<u8>()).prop_map(|(v, how)| support::recase(v, how))
    };
    (
        (
            prop::option::weighted(0.3, prop::sample::select(owners)),
            prop::option::weighted(0.1, recased(names)),
            prop::option::weighted(0.3, country),
            prop::option::weighted(0.1, recased(emails)),
        ),
        (
            support::bounds(created, false, 0.35),
            support::bounds(modified, false, 0.25),
            any::<bool>(),
            support::limits(25, crm_copper::capabilities::MAX_PAGE_SIZE),
        ),
    )
        .prop_map(
            |((owner, name, country, email), (created, updated, bare_eq, limit))| Case {
                owner,
                name,
                country,
                email,
                created,
                updated,
                bare_eq,
                limit,
            },
        )
}

/// Declared order: `date_created` ascending, ties by `id`.
fn expected(records: &[Value], case: &Case) -> Vec<String> {
    let mut hits: Vec<&Value> = records.iter().filter(|r| case.matches(r)).collect();
    hits.sort_by_key(|r| (r["date_created"].as_i64(), r["id"].as_i64()));
    hits.iter().map(|r| r["id"].to_string()).collect()
}

#[test]
fn every_page_of_filtered_leads_equals_the_simulators_set() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::Copper,
            SimConfig::new(SEED, LEADS),
        ))
        .expect("simulator");
    let creds = sim.credentials();
    let connector = CopperConnector::new(
        Config::new(
            creds.api_key.expect("api key"),
            creds.user_email.expect("user email"),
        )
        .with_base_url(sim.base_url()),
    )
    .expect("connector");
    let records = sim.records().to_vec();
    let by_id: HashMap<String, &Value> = records.iter().map(|r| (r["id"].to_string(), r)).collect();
    let check_lead = |lead: &Lead| -> Result<(), String> {
        let record = by_id
            .get(&lead.id)
            .ok_or_else(|| format!("lead {} is not in the simulator", lead.id))?;
        if support::remote(lead)? != **record {
            return Err(format!(
                "remote_data of {} differs from the record",
                lead.id
            ));
        }
        Ok(())
    };

    // The whole dataset once, at the largest page.
    let all = Case {
        owner: None,
        name: None,
        country: None,
        email: None,
        created: Vec::new(),
        updated: Vec::new(),
        bare_eq: false,
        limit: Limit::Size(200),
    };
    let want = expected(&records, &all);
    assert_eq!(want.len(), LEADS);
    rt.block_on(support::check_walks(
        &connector,
        &all.params(),
        &want,
        &check_lead,
    ))
    .unwrap_or_else(|e| panic!("unfiltered walk: {e}"));

    support::run_cases("copper", CASES, cases(&records), |case| {
        let want = expected(&records, &case);
        rt.block_on(support::check_walks(
            &connector,
            &case.params(),
            &want,
            &check_lead,
        ))
    });
}
