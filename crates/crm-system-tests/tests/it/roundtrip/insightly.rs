//! Insightly: `InsightlyConnector` against the Insightly simulator. Declared order: whatever the
//! provider serves (the simulator serves `LEAD_ID` ascending). Filters: at most one of
//! `owner[id]`, `country`, `state`, `email_addresses[]` (one `field_name` per call), plus
//! `updated_at[gt|gte]` (`updated_after_utc`, whole seconds, at or after).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use crm_core::Lead;
use crm_insightly::{Config, InsightlyConnector};
use crm_sim::{SimConfig, SimProvider};
use proptest::prelude::*;
use serde_json::Value;

use super::support::{self, Bound, Limit, Op};

const LEADS: usize = 3_000;
const SEED: u64 = 7_005;
const CASES: u32 = 12;

/// The one search field of a case.
#[derive(Debug, Clone)]
enum Field {
    Owner(i64),
    Country(String),
    State(String),
    Email(String),
}

#[derive(Debug, Clone)]
struct Case {
    field: Option<Field>,
    updated: Vec<Bound>,
    limit: Limit,
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(v.as_str()?, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

impl Case {
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![self.limit.param()];
        match &self.field {
            None => {}
            Some(Field::Owner(o)) => p.push(("owner[id]".into(), o.to_string())),
            Some(Field::Country(c)) => p.push(("country".into(), c.clone())),
            Some(Field::State(s)) => p.push(("state".into(), s.clone())),
            Some(Field::Email(e)) => p.push(("email_addresses[]".into(), e.clone())),
        }
        p.extend(self.updated.iter().map(|b| b.param("updated_at", false)));
        p
    }

    fn matches(&self, r: &Value) -> bool {
        let text_is = |v: &Value, want: &str| v.as_str().is_some_and(|s| support::eq_ci(s, want));
        let field = match &self.field {
            None => true,
            Some(Field::Owner(o)) => r["OWNER_USER_ID"].as_i64() == Some(*o),
            Some(Field::Country(c)) => text_is(&r["ADDRESS_COUNTRY"], c),
            Some(Field::State(s)) => text_is(&r["ADDRESS_STATE"], s),
            Some(Field::Email(e)) => text_is(&r["EMAIL"], e),
        };
        field && support::within(time(&r["DATE_UPDATED_UTC"]), &self.updated)
    }
}

fn distinct<T: Ord + Clone>(records: &[Value], f: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    let mut v: Vec<T> = records.iter().filter_map(f).collect();
    v.sort();
    v.dedup();
    v
}

fn cases(records: &[Value]) -> impl Strategy<Value = Case> {
    let text = |key: &'static str| {
        distinct(records, move |r| {
            r[key].as_str().filter(|s| !s.is_empty()).map(str::to_owned)
        })
    };
    let recased = |values: Vec<String>| {
        (prop::sample::select(values), any::<u8>()).prop_map(|(v, how)| support::recase(v, how))
    };
    let field = prop_oneof![
        prop::sample::select(distinct(records, |r| r["OWNER_USER_ID"].as_i64()))
            .prop_map(Field::Owner),
        recased(text("ADDRESS_COUNTRY")).prop_map(Field::Country),
        recased(text("ADDRESS_STATE")).prop_map(Field::State),
        recased(text("EMAIL")).prop_map(Field::Email),
    ];
    let updated = distinct(records, |r| {
        time(&r["DATE_UPDATED_UTC"]).map(|t| t.timestamp())
    });
    (
        prop::option::weighted(0.6, field),
        support::bounds(updated, false, 0.4),
        support::limits(25, crm_insightly::capabilities::MAX_PAGE_SIZE),
    )
        .prop_map(|(field, updated, limit)| Case {
            field,
            // Insightly has one lower bound: keep the `gt`/`gte` bounds.
            updated: updated
                .into_iter()
                .filter(|b| matches!(b.op, Op::Gt | Op::Gte))
                .collect(),
            limit,
        })
}

fn expected(records: &[Value], case: &Case) -> Vec<String> {
    let mut hits: Vec<&Value> = records.iter().filter(|r| case.matches(r)).collect();
    hits.sort_by_key(|r| r["LEAD_ID"].as_i64());
    hits.iter().map(|r| r["LEAD_ID"].to_string()).collect()
}

fn connector(sim: &crm_sim::SimHandle) -> InsightlyConnector {
    InsightlyConnector::new(
        Config::new(sim.credentials().api_key.expect("api key")).with_base_url(sim.base_url()),
    )
    .expect("connector")
}

#[test]
fn every_page_of_filtered_leads_equals_the_simulators_set() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::Insightly,
            SimConfig::new(SEED, LEADS),
        ))
        .expect("simulator");
    let connector = connector(&sim);
    let records = sim.records().to_vec();
    let by_id: HashMap<String, &Value> = records
        .iter()
        .map(|r| (r["LEAD_ID"].to_string(), r))
        .collect();
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

    let all = Case {
        field: None,
        updated: Vec::new(),
        limit: Limit::Size(500),
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

    support::run_cases("insightly", CASES, cases(&records), |case| {
        let want = expected(&records, &case);
        rt.block_on(support::check_walks(
            &connector,
            &case.params(),
            &want,
            &check_lead,
        ))
    });
}

/// Any filter value reaches Insightly as exactly one `field_value`: the simulator's log shows the
/// same parameter names in the same order for every value, and the value itself intact.
#[test]
fn no_filter_value_changes_the_structure_of_the_request() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::Insightly,
            SimConfig::new(SEED, 20),
        ))
        .expect("simulator");
    let connector = connector(&sim);
    let hostile = "[ -~\\n\\u{e9}\\u{4e2d}\\u{1F600}'\"\\\\(),&#%=?+;]{1,40}";
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..Default::default()
    });
    runner
        .run(&(hostile, 0usize..3), |(value, which)| {
            prop_assume!(!value.trim().is_empty());
            let (key, field) = [
                ("country", "ADDRESS_COUNTRY"),
                ("state", "ADDRESS_STATE"),
                ("email_addresses[]", "EMAIL"),
            ][which];
            let params = vec![
                ("limit".to_owned(), "5".to_owned()),
                (key.to_owned(), value.clone()),
                (
                    "updated_at[gte]".to_owned(),
                    "2020-01-01T00:00:00Z".to_owned(),
                ),
            ];
            let query = support::parse(&params).map_err(TestCaseError::fail)?;
            sim.reset_stats();
            let codec = support::codec();
            let ctx = crm_core::ListContext {
                account_id: support::ACCOUNT,
                codec: &codec,
            };
            rt.block_on(crm_core::list_page(
                &connector,
                ctx,
                &query,
                crm_core::ResponseFormat::Unified,
            ))
            .map_err(|e| TestCaseError::fail(format!("{value:?}: {e}")))?;
            let log = sim.requests();
            prop_assert_eq!(log.len(), 1);
            let pairs = log[0].query_pairs();
            let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            prop_assert_eq!(log[0].path.as_str(), "/v3.1/Leads/Search");
            prop_assert_eq!(
                names,
                [
                    "skip",
                    "top",
                    "brief",
                    "field_name",
                    "field_value",
                    "updated_after_utc"
                ]
            );
            prop_assert_eq!(pairs[3].1.as_str(), field);
            prop_assert_eq!(pairs[4].1.as_str(), value.trim());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
