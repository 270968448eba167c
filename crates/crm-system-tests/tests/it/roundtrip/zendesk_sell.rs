//! Zendesk Sell: `ZendeskSellConnector` against the Zendesk Sell simulator, with its lead source
//! names and conversions (one conversions call per page). Declared order: `id` ascending.
//! Filters: `owner[id]`, `lead_source` (by name), `name` (first and last name), `country`,
//! `custom_fields[Segment]`.

use std::collections::HashMap;

use crm_core::{DynConnector, Field, Lead};
use crm_sim::{SimConfig, SimProvider};
use crm_zendesk_sell::{Config, ZendeskSellConnector};
use futures::StreamExt;
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::Value;

use super::support::{self, Limit};

const LEADS: usize = 1_500;
const SEED: u64 = 7_005;
const CASES: u32 = 12;

#[derive(Debug, Clone)]
struct Case {
    owner: Option<i64>,
    source: Option<(i64, String)>,
    /// (first name, last name) of a lead.
    name: Option<(String, String)>,
    country: Option<String>,
    segment: Option<String>,
    limit: Limit,
}

impl Case {
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![self.limit.param()];
        if let Some(o) = self.owner {
            p.push(("owner[id]".into(), o.to_string()));
        }
        if let Some((_, name)) = &self.source {
            p.push(("lead_source".into(), name.clone()));
        }
        if let Some((first, last)) = &self.name {
            p.push(("name".into(), format!("{first} {last}")));
        }
        if let Some(c) = &self.country {
            p.push(("country".into(), c.clone()));
        }
        if let Some(s) = &self.segment {
            p.push(("custom_fields[Segment]".into(), s.clone()));
        }
        p
    }

    fn matches(&self, item: &Value) -> bool {
        let r = &item["data"];
        self.owner.is_none_or(|o| r["owner_id"].as_i64() == Some(o))
            && self
                .source
                .as_ref()
                .is_none_or(|(id, _)| r["source_id"].as_i64() == Some(*id))
            && self.name.as_ref().is_none_or(|(f, l)| {
                r["first_name"].as_str() == Some(f) && r["last_name"].as_str() == Some(l)
            })
            && self
                .country
                .as_ref()
                .is_none_or(|c| r["address"]["country"].as_str() == Some(c))
            && self
                .segment
                .as_ref()
                .is_none_or(|s| r["custom_fields"]["Segment"].as_str() == Some(s))
    }
}

fn distinct<T: Ord + Clone>(records: &[Value], get: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    let mut v: Vec<T> = records.iter().filter_map(|r| get(&r["data"])).collect();
    v.sort();
    v.dedup();
    v
}

fn cases(records: &[Value], sources: Vec<(i64, String)>) -> impl Strategy<Value = Case> {
    let names = distinct(records, |r| {
        let last = r["last_name"].as_str()?;
        (!last.contains(char::is_whitespace))
            .then(|| Some((r["first_name"].as_str()?.to_owned(), last.to_owned())))
            .flatten()
    });
    (
        prop::option::weighted(
            0.4,
            prop::sample::select(distinct(records, |r| r["owner_id"].as_i64())),
        ),
        prop::option::weighted(0.3, prop::sample::select(sources)),
        prop::option::weighted(0.15, prop::sample::select(names)),
        prop::option::weighted(
            0.3,
            prop::sample::select(distinct(records, |r| {
                r["address"]["country"].as_str().map(str::to_owned)
            })),
        ),
        prop::option::weighted(
            0.3,
            prop::sample::select(vec!["SMB".to_owned(), "Enterprise".to_owned()]),
        ),
        support::limits(10, crm_zendesk_sell::CAPABILITIES.max_page_size),
    )
        .prop_map(|(owner, source, name, country, segment, limit)| Case {
            owner,
            source,
            name,
            country,
            segment,
            limit,
        })
}

fn expected(records: &[Value], case: &Case) -> Vec<String> {
    let mut hits: Vec<&Value> = records.iter().filter(|r| case.matches(r)).collect();
    hits.sort_by_key(|r| r["data"]["id"].as_i64());
    hits.iter().map(|r| r["data"]["id"].to_string()).collect()
}

#[test]
fn every_page_of_filtered_leads_equals_the_simulators_set() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::ZendeskSell,
            SimConfig::new(SEED, LEADS),
        ))
        .expect("simulator");
    let creds = sim.credentials();
    let connector = ZendeskSellConnector::new(
        Config::oauth(SecretString::from(
            creds.access_token.expect("access token"),
        ))
        .with_base_url(sim.base_url()),
    )
    .expect("connector");
    let records = sim.records().to_vec();
    // The account's sources, by id, read from the simulator (not through the connector).
    let sources: Vec<(i64, String)> = rt.block_on(async {
        let body: Value = reqwest_free_get(sim.base_url(), &creds_token(&sim)).await;
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["data"]["id"].as_i64().unwrap(),
                    s["data"]["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    });
    let source_names: HashMap<i64, String> = sources.iter().cloned().collect();
    let by_id: HashMap<String, &Value> = records
        .iter()
        .map(|r| (r["data"]["id"].to_string(), r))
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
        let want = record["data"]["source_id"]
            .as_i64()
            .and_then(|id| source_names.get(&id).cloned());
        if lead.lead_source != Field::from_option(want.clone()) {
            return Err(format!(
                "lead {}: lead_source {:?}, want {want:?}",
                lead.id, lead.lead_source
            ));
        }
        if lead.converted_at.is_unsupported() {
            return Err(format!("lead {}: conversions were not looked up", lead.id));
        }
        Ok(())
    };

    let all = Case {
        owner: None,
        source: None,
        name: None,
        country: None,
        segment: None,
        limit: Limit::Size(100),
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
    // One more walk, counted: conversions cost one call per page that has leads, and the lead
    // sources were read once, for the connector's whole life (before this walk).
    sim.reset_stats();
    let walk = rt
        .block_on(support::walk_list_page(&connector, &all.params(), 100))
        .unwrap();
    let log = sim.requests();
    let count = |path: &str| log.iter().filter(|r| r.path == path).count();
    let pages_with_leads = LEADS.div_ceil(100);
    assert_eq!(count("/v2/leads"), walk.pages);
    assert_eq!(count("/v2/lead_conversions"), pages_with_leads);
    assert_eq!(count("/v2/lead_sources"), 0);
    let converted = walk
        .leads
        .iter()
        .filter(|l| !matches!(l.converted_at, Field::Null))
        .count();
    assert!(converted > 0, "some leads are converted");

    support::run_cases("zendesk-sell", CASES, cases(&records, sources), |case| {
        let want = expected(&records, &case);
        rt.block_on(support::check_walks(
            &connector as &dyn DynConnector,
            &case.params(),
            &want,
            &check_lead,
        ))
    });
}

fn creds_token(sim: &crm_sim::SimHandle) -> String {
    sim.credentials().access_token.expect("access token")
}

/// One GET of the simulator's lead sources over plain TCP (this crate has no HTTP client of its
/// own besides the connector's).
async fn reqwest_free_get(base: &str, token: &str) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET /v2/lead_sources?page=1&per_page=100 HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: system-tests\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let text = String::from_utf8_lossy(&response);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    serde_json::from_str(body).expect("lead sources JSON")
}

/// No filter value changes the structure of the request the simulator receives: whatever the
/// name, country and custom field value (quotes, backslashes, brackets, `&`, `#`, `%`, `=`, line
/// breaks, non-ASCII), the leads request has the same parameter names, and each value arrives
/// exactly as given.
#[test]
fn no_filter_value_changes_the_request_structure() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::ZendeskSell,
            SimConfig::new(SEED, 20),
        ))
        .expect("simulator");
    let connector = ZendeskSellConnector::new(
        Config::oauth(SecretString::from(creds_token(&sim)))
            .with_base_url(sim.base_url())
            .with_conversions(false)
            .with_sources(false),
    )
    .expect("connector");
    let value = "[a-zA-Z0-9'\"\\\\()\\[\\],&#%=+;:/?@ \n\r\tÆøüé漢字🙂-]{1,24}";
    let strategy = (value, value, value, "[a-z ]{0,6}[a-z]");
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    });
    runner
        .run(&strategy, |(first, country, custom, last)| {
            let first = first.trim().replace(char::is_whitespace, "_");
            let country = country.trim().to_owned();
            let custom = custom.trim().to_owned();
            prop_assume!(!first.is_empty() && !country.is_empty() && !custom.is_empty());
            let last = last.split_whitespace().last().unwrap_or("x").to_owned();
            sim.reset_stats();
            let params = vec![
                ("limit".to_owned(), "5".to_owned()),
                ("owner[id]".to_owned(), "7".to_owned()),
                ("name".to_owned(), format!("{first} {last}")),
                ("country".to_owned(), country.clone()),
                ("custom_fields[Segment]".to_owned(), custom.clone()),
            ];
            let query = support::parse(&params).map_err(TestCaseError::fail)?;
            rt.block_on(crm_core::stream_leads(&connector, &query).collect::<Vec<_>>());
            let log = sim.requests();
            prop_assert_eq!(log.len(), 1);
            let pairs: Vec<(String, String)> =
                form_urlencoded::parse(log[0].query.as_deref().unwrap_or("").as_bytes())
                    .into_owned()
                    .collect();
            let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            prop_assert_eq!(
                keys,
                vec![
                    "page",
                    "per_page",
                    "sort_by",
                    "owner_id",
                    "first_name",
                    "last_name",
                    "address[country]",
                    "custom_fields[Segment]"
                ]
            );
            let get = |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
            };
            prop_assert_eq!(get("first_name"), Some(first));
            prop_assert_eq!(get("last_name"), Some(last));
            prop_assert_eq!(get("address[country]"), Some(country));
            prop_assert_eq!(get("custom_fields[Segment]"), Some(custom));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
