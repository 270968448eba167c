//! Salesforce filter values against the simulator's SOQL parser, which is strict where Salesforce
//! is strict: a value the connector failed to escape would come back as `MALFORMED_QUERY` (or as a
//! different result set), never silently.
//!
//! - For arbitrary values (any Unicode, and mixes of `'` `\` `"` `%` `_`, control characters,
//!   `) OR (` and other SOQL fragments), planted into records of the simulated org, the query the
//!   connector builds is accepted and selects exactly the records holding the value (compared as
//!   SOQL compares text: case-insensitively), for `name`, `country`, `state`, `lead_source`,
//!   `email_addresses[]` and a text `custom_fields[...]`.
//! - The same kind of values pasted into the same query without escaping are rejected with
//!   `MALFORMED_QUERY`: the simulator is an independent check of the escaping, not an echo of it.

use crm_core::{stream_leads, Lead, LeadQuery};
use crm_sim::{SimConfig, SimProvider};
use futures::TryStreamExt;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use serde_json::Value;

use super::support;

/// SOQL syntax, escapes and look-alikes that a naive builder gets wrong.
const FRAGMENTS: &[&str] = &[
    "'",
    "\\",
    "\\\\",
    "\\'",
    "\"",
    "%",
    "_",
    "\n",
    "\r",
    "\t",
    "\u{8}",
    "\u{c}",
    "\u{0}",
    ") OR (",
    "' OR Name != '",
    "' AND Id != '",
    "%'",
    "\\%",
    "\\_",
    "\\n",
    "\\u0027",
    " ",
    "O'Brien",
    "o'brien@example.com",
    "Zoë",
    "王",
    "İ",
    "ß",
    "🙂",
    "\u{2028}",
    "LIKE",
    "null",
    "2024-01-01T00:00:00Z",
];

/// A filter value: SOQL fragments glued together, arbitrary Unicode, or both.
fn value() -> impl Strategy<Value = String> {
    let fragments =
        prop::collection::vec(prop::sample::select(FRAGMENTS), 1..6).prop_map(|v| v.concat());
    let unicode = prop::collection::vec(any::<char>(), 1..24).prop_map(String::from_iter);
    prop_oneof![
        2 => fragments.clone(),
        1 => unicode.clone(),
        1 => (fragments, unicode).prop_map(|(a, b)| format!("{a}{b}")),
    ]
}

/// Which filter carries the value, and the record field it is compared with.
#[derive(Debug, Clone, Copy)]
enum Target {
    Name,
    Country,
    State,
    LeadSource,
    Email,
    LegacyRef,
}

impl Target {
    const ALL: [Target; 6] = [
        Target::Name,
        Target::Country,
        Target::State,
        Target::LeadSource,
        Target::Email,
        Target::LegacyRef,
    ];

    fn field(self) -> &'static str {
        match self {
            Target::Name => "Name",
            Target::Country => "Country",
            Target::State => "State",
            Target::LeadSource => "LeadSource",
            Target::Email => "Email",
            Target::LegacyRef => "Legacy_Ref__c",
        }
    }

    /// The query with this filter set to `values` (only `Email` takes several).
    fn query(self, values: &[String]) -> LeadQuery {
        let mut q = LeadQuery::default();
        let f = &mut q.filters;
        let one = Some(values[0].clone());
        match self {
            Target::Name => f.name = one,
            Target::Country => f.country = one,
            Target::State => f.state = one,
            Target::LeadSource => f.lead_source = one,
            Target::Email => f.email_addresses = values.to_vec(),
            Target::LegacyRef => {
                f.custom_fields
                    .insert("Legacy_Ref__c".into(), values[0].clone());
            }
        }
        q
    }
}

#[derive(Debug, Clone)]
struct Case {
    target: Target,
    values: Vec<String>,
    /// Which records get the values (indices modulo the dataset size).
    plant: Vec<usize>,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(Target::ALL.to_vec()),
        prop::collection::vec(value(), 1..=3),
        prop::collection::vec(any::<usize>(), 1..=3),
    )
        .prop_map(|(target, mut values, plant)| {
            if !matches!(target, Target::Email) {
                values.truncate(1);
            }
            Case {
                target,
                values,
                plant,
            }
        })
}

const DATASET: usize = 40;

fn ids(leads: &[Lead]) -> Vec<String> {
    leads.iter().map(|l| l.id.clone()).collect()
}

/// Plants the case's values, runs the connector's query against a simulator serving those
/// records, and compares with the records that hold a value.
async fn check(case: &Case, seed: u64) -> Result<(), String> {
    let mut records = crm_sim::data::generate(SimProvider::Salesforce, seed, DATASET);
    let field = case.target.field();
    for (k, at) in case.plant.iter().enumerate() {
        let v = &case.values[k % case.values.len()];
        records[at % DATASET][field] = Value::String(v.clone());
    }
    let want: Vec<String> = {
        let mut hits: Vec<String> = records
            .iter()
            .filter(|r| {
                r[field].as_str().is_some_and(|have| {
                    !have.is_empty() && case.values.iter().any(|v| support::eq_ci(have, v))
                })
            })
            .map(|r| r["Id"].as_str().unwrap_or_default().to_owned())
            .collect();
        hits.sort();
        hits
    };
    if want.is_empty() {
        return Err("no record holds the planted value".into());
    }
    let sim = crm_sim::start(
        SimProvider::Salesforce,
        SimConfig::new(seed, DATASET).with_records(records),
    )
    .await
    .map_err(|e| format!("simulator: {e}"))?;
    let connector = super::salesforce::connector(&sim);
    let query = case.target.query(&case.values);
    let leads: Vec<Lead> = stream_leads(&connector, &query)
        .try_collect()
        .await
        .map_err(|e| format!("the simulator refused the connector's query: {e}"))?;
    support::same_sequence("escaped filter", &ids(&leads), &want)
}

#[test]
fn any_value_is_escaped_into_a_query_that_selects_exactly_its_records() {
    let rt = support::runtime();
    let cases_run = std::env::var("ROUNDTRIP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96);
    let mut runner = TestRunner::new(RunnerConfig {
        cases: cases_run,
        max_shrink_iters: 256,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let result = runner.run(&(cases(), 0u64..1_000), |(case, seed)| {
        rt.block_on(check(&case, seed)).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The connector's query shape with `value` pasted between the quotes, unescaped.
fn naive(value: &str) -> String {
    format!("SELECT Id, Name FROM Lead WHERE Name = '{value}' ORDER BY Id ASC")
}

fn assert_malformed(value: &str, records: &[Value]) -> Result<(), TestCaseError> {
    match crm_sim::salesforce::execute(&naive(value), records) {
        Err(e) if e.code == "MALFORMED_QUERY" => Ok(()),
        Err(e) => Err(TestCaseError::fail(format!(
            "{value:?} pasted unescaped: {} instead of MALFORMED_QUERY ({})",
            e.code, e.message
        ))),
        Ok(rows) => Err(TestCaseError::fail(format!(
            "{value:?} pasted unescaped was accepted ({} rows)",
            rows.len()
        ))),
    }
}

/// Text without quotes or backslashes.
fn plain() -> impl Strategy<Value = String> {
    prop::collection::vec(
        any::<char>().prop_filter("no quote or backslash", |c| !matches!(c, '\'' | '\\')),
        0..12,
    )
    .prop_map(String::from_iter)
}

#[test]
fn unescaped_hostile_values_are_malformed() {
    let records = crm_sim::data::generate(SimProvider::Salesforce, 5, 30);
    for value in [
        "O'Brien",
        "o'brien@example.com",
        "it's",
        "Back\\slash Corp",
        "C:\\legacy\\import",
        "trailing\\",
        "50\\% off",
        "x') OR (Name = 'y",
    ] {
        assert_malformed(value, &records).unwrap_or_else(|e| panic!("{e}"));
    }

    let mut runner = TestRunner::new(RunnerConfig {
        cases: 256,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    // An odd number of quotes: the literal never closes where the builder meant it to.
    let odd_quotes = prop::collection::vec(plain(), 2..=6).prop_map(|parts| {
        let parts = if parts.len() % 2 == 0 {
            parts
        } else {
            parts[1..].to_vec()
        };
        parts.join("'")
    });
    // A backslash before a character SOQL cannot escape.
    let bad_escape = (plain(), any::<char>(), plain())
        .prop_filter("not a SOQL escape", |(_, c, _)| {
            !matches!(c, '\\' | '\'' | '"' | 'n' | 'r' | 't' | 'b' | 'f')
        })
        .prop_map(|(a, c, b)| format!("{a}\\{c}{b}"));
    // An odd run of trailing backslashes: the closing quote is escaped away.
    let trailing = (plain(), 0usize..3).prop_map(|(a, n)| format!("{a}{}", "\\".repeat(2 * n + 1)));
    let hostile = prop_oneof![odd_quotes, bad_escape, trailing];
    let result = runner.run(&hostile, |value| assert_malformed(&value, &records));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The same hostile values through the connector: accepted, and each selects the record that holds
/// it, on a simulator whose records carry them (ties the two tests above together).
#[test]
fn hostile_values_through_the_connector_select_their_record() {
    let rt = support::runtime();
    let values = [
        "O'Brien",
        "o'brien@example.com",
        "Back\\slash Corp",
        "C:\\legacy\\import",
        "trailing\\",
        "50\\% off",
        "x') OR (Name = 'y",
        "' OR Name != '",
    ];
    for (i, v) in values.iter().enumerate() {
        for target in Target::ALL {
            let case = Case {
                target,
                values: vec![(*v).to_owned()],
                plant: vec![i * 3 + 1],
            };
            rt.block_on(check(&case, 11))
                .unwrap_or_else(|e| panic!("{target:?} = {v:?}: {e}"));
        }
    }
}
