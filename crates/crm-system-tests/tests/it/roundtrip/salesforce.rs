//! Salesforce: `SalesforceConnector` against the Salesforce simulator, whose SOQL evaluator runs
//! the queries the connector builds. Declared order: `Id` ascending. Filters: `owner[id]`,
//! `account[id]`, `name`, `country`, `state`, `lead_source`, `created_at`, `updated_at`,
//! `converted_at` (every operator), `email_addresses[]` (any of), `include_custom_fields`, and
//! `custom_fields[...]` of every custom field type (text, picklist, number, checkbox, date).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use crm_core::Lead;
use crm_salesforce::{Config, SalesforceConnector};
use crm_sim::{SimConfig, SimProvider};
use proptest::prelude::*;
use serde_json::Value;

use super::support::{self, Bound, Limit};

const LEADS: usize = 2_500;
const SEED: u64 = 7_003;
const CASES: u32 = 12;

/// Custom fields the simulated org defines, with how a filter value compares.
const CUSTOM: &[(&str, Kind)] = &[
    ("Industry_Segment__c", Kind::Text),
    ("Preferred_Language__c", Kind::Text),
    ("Legacy_Ref__c", Kind::Text),
    ("Lead_Score__c", Kind::Number),
    ("Is_Priority__c", Kind::Boolean),
    ("Renewal_Date__c", Kind::Date),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Boolean,
    Date,
}

#[derive(Debug, Clone, Default)]
struct Text {
    owner: Option<String>,
    account: Option<String>,
    name: Option<String>,
    country: Option<String>,
    state: Option<String>,
    lead_source: Option<String>,
    emails: Vec<String>,
}

#[derive(Debug, Clone)]
struct Case {
    text: Text,
    created: Vec<Bound>,
    updated: Vec<Bound>,
    converted: Vec<Bound>,
    include_custom: bool,
    /// (field, kind, value sent)
    custom: Option<(&'static str, Kind, String)>,
    bare_eq: bool,
    limit: Limit,
}

impl Case {
    fn params(&self) -> Vec<(String, String)> {
        let t = &self.text;
        let mut p = vec![self.limit.param()];
        for (key, value) in [
            ("owner[id]", &t.owner),
            ("account[id]", &t.account),
            ("name", &t.name),
            ("country", &t.country),
            ("state", &t.state),
            ("lead_source", &t.lead_source),
        ] {
            if let Some(v) = value {
                p.push((key.into(), v.clone()));
            }
        }
        for (i, e) in t.emails.iter().enumerate() {
            p.push((format!("email_addresses[{i}]"), e.clone()));
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
        p.extend(
            self.converted
                .iter()
                .map(|b| b.param("converted_at", self.bare_eq)),
        );
        if self.include_custom {
            p.push(("include_custom_fields".into(), "true".into()));
        }
        if let Some((field, _, value)) = &self.custom {
            p.push((format!("custom_fields[{field}]"), value.clone()));
        }
        p
    }

    /// SOQL's meaning of the filters, from the record alone: text compares case-insensitively,
    /// `ConvertedDate` is midnight UTC of its date, a null never satisfies a comparison.
    fn matches(&self, r: &Value) -> bool {
        let t = &self.text;
        let text_is = |k: &str, want: &Option<String>| {
            want.as_deref()
                .is_none_or(|w| r[k].as_str().is_some_and(|v| support::eq_ci(v, w)))
        };
        let id_is = |k: &str, want: &Option<String>| {
            want.as_deref().is_none_or(|w| r[k].as_str() == Some(w))
        };
        text_is("Name", &t.name)
            && id_is("OwnerId", &t.owner)
            && id_is("ConvertedAccountId", &t.account)
            && text_is("Country", &t.country)
            && text_is("State", &t.state)
            && text_is("LeadSource", &t.lead_source)
            && (t.emails.is_empty()
                || r["Email"]
                    .as_str()
                    .is_some_and(|v| t.emails.iter().any(|e| support::eq_ci(v, e))))
            && support::within(sf_time(&r["CreatedDate"]), &self.created)
            && support::within(sf_time(&r["LastModifiedDate"]), &self.updated)
            && support::within(midnight(&r["ConvertedDate"]), &self.converted)
            && self
                .custom
                .as_ref()
                .is_none_or(|(field, kind, value)| custom_matches(&r[*field], *kind, value))
    }
}

fn custom_matches(v: &Value, kind: Kind, want: &str) -> bool {
    match kind {
        Kind::Text => v.as_str().is_some_and(|s| support::eq_ci(s, want)),
        Kind::Number => v.as_f64() == want.parse::<f64>().ok(),
        Kind::Boolean => v.as_bool() == Some(want.eq_ignore_ascii_case("true")),
        Kind::Date => v.as_str() == Some(want),
    }
}

/// `2024-01-01T00:00:00.000+0000`.
fn sf_time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z").ok())
        .map(|d| d.with_timezone(&Utc))
}

/// A date field as the API reports it: midnight UTC.
fn midnight(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

fn distinct(records: &[Value], key: &str) -> Vec<String> {
    let mut v: Vec<String> = records
        .iter()
        .filter_map(|r| match &r[key] {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => n.as_f64().map(|f| format!("{f}")),
            _ => None,
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

fn seconds(records: &[Value], f: impl Fn(&Value) -> Option<DateTime<Utc>>) -> Vec<i64> {
    let mut v: Vec<i64> = records
        .iter()
        .filter_map(|r| f(r).map(|t| t.timestamp()))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn cases(records: &[Value]) -> impl Strategy<Value = Case> {
    let pick =
        |key: &str, p: f64| prop::option::weighted(p, prop::sample::select(distinct(records, key)));
    let recased = |key: &str, p: f64| {
        prop::option::weighted(
            p,
            (prop::sample::select(distinct(records, key)), any::<u8>())
                .prop_map(|(v, how)| support::recase(v, how)),
        )
    };
    let emails = prop_oneof![
        4 => Just(Vec::new()),
        1 => prop::collection::vec(
            (prop::sample::select(distinct(records, "Email")), any::<u8>())
                .prop_map(|(v, how)| support::recase(v, how)),
            1..=3,
        ),
    ];
    let text = (
        pick("OwnerId", 0.25),
        pick("ConvertedAccountId", 0.1),
        recased("Name", 0.05),
        recased("Country", 0.2),
        recased("State", 0.1),
        recased("LeadSource", 0.15),
        emails,
    )
        .prop_map(
            |(owner, account, name, country, state, lead_source, emails)| Text {
                owner,
                account,
                name,
                country,
                state,
                lead_source,
                emails,
            },
        );
    let custom_values: Vec<(&'static str, Kind, String)> = CUSTOM
        .iter()
        .flat_map(|(field, kind)| {
            distinct(records, field)
                .into_iter()
                .map(move |v| (*field, *kind, v))
        })
        .collect();
    let custom = prop::option::weighted(0.2, prop::sample::select(custom_values));
    (
        text,
        support::bounds(seconds(records, |r| sf_time(&r["CreatedDate"])), true, 0.3),
        support::bounds(
            seconds(records, |r| sf_time(&r["LastModifiedDate"])),
            true,
            0.2,
        ),
        support::bounds(
            seconds(records, |r| midnight(&r["ConvertedDate"])),
            true,
            0.15,
        ),
        (
            any::<bool>(),
            custom,
            any::<bool>(),
            support::limits(5, crm_salesforce::CAPABILITIES.max_page_size),
        ),
    )
        .prop_map(
            |(text, created, updated, converted, (include_custom, custom, bare_eq, limit))| Case {
                text,
                created,
                updated,
                converted,
                include_custom,
                custom,
                bare_eq,
                limit,
            },
        )
}

/// Declared order: `Id` ascending.
fn expected(records: &[Value], case: &Case) -> Vec<String> {
    let mut ids: Vec<String> = records
        .iter()
        .filter(|r| case.matches(r))
        .map(|r| r["Id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids
}

pub(super) fn connector(sim: &crm_sim::SimHandle) -> SalesforceConnector {
    let token = sim.credentials().access_token.expect("access token");
    SalesforceConnector::new(Config::new(sim.base_url(), token)).expect("connector")
}

#[test]
fn every_page_of_filtered_leads_equals_the_simulators_set() {
    let rt = support::runtime();
    let sim = rt
        .block_on(crm_sim::start(
            SimProvider::Salesforce,
            SimConfig::new(SEED, LEADS),
        ))
        .expect("simulator");
    let connector = connector(&sim);
    let records = sim.records().to_vec();
    let by_id: HashMap<&str, &Value> = records
        .iter()
        .map(|r| (r["Id"].as_str().unwrap_or_default(), r))
        .collect();
    let check_lead = |lead: &Lead| -> Result<(), String> {
        let record = by_id
            .get(lead.id.as_str())
            .ok_or_else(|| format!("lead {} is not in the simulator", lead.id))?;
        let sent = support::remote(lead)?;
        if sent.get("Id").and_then(Value::as_str) != Some(lead.id.as_str()) {
            return Err(format!("remote_data of {} has another Id", lead.id));
        }
        support::fields_match(&lead.id, &sent, record, &["attributes"])
    };

    let all = Case {
        text: Text::default(),
        created: Vec::new(),
        updated: Vec::new(),
        converted: Vec::new(),
        include_custom: true,
        custom: None,
        bare_eq: false,
        limit: Limit::Size(2_000),
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

    support::run_cases("salesforce", CASES, cases(&records), |case| {
        let want = expected(&records, &case);
        rt.block_on(support::check_walks(
            &connector,
            &case.params(),
            &want,
            &check_lead,
        ))
    });
}
