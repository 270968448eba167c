//! The SOQL parser as an independent check of a client's escaping: every correctly escaped value
//! round-trips and matches exactly the records holding it; unescaped hostile values are
//! MALFORMED_QUERY, never a different result set.

use crm_sim::salesforce::soql::{parse, Condition, Literal, PatternPart};
use crm_sim::{SimConfig, SimProvider};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::send;
use crate::salesforce::query_req;

/// A correct SOQL string-literal escaper, written from the documentation.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
    out
}

/// The same, plus the LIKE wildcards.
fn escape_like(s: &str) -> String {
    escape(s).replace('%', "\\%").replace('_', "\\_")
}

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\\\'\"%_\\n\\r\\t\\x08\\x0c ()a-zA-Zéß王]{0,16}",
        Just("o'brien".to_string()),
        Just("\\".to_string()),
        Just("' OR Name != '".to_string()),
    ]
}

/// A dataset with one extra lead whose `Legacy_Ref__c` is `value`.
fn dataset_with(value: &str) -> (Vec<Value>, String) {
    let mut recs = crm_sim::data::generate(SimProvider::Salesforce, 77, 40);
    let mut extra = recs[0].clone();
    let id = "00Q5g00000ZZZZZAAA".to_string();
    extra["Id"] = json!(id);
    extra["Legacy_Ref__c"] = json!(value);
    recs.push(extra);
    (recs, id)
}

/// Expected matches of `Legacy_Ref__c = value`: case-insensitive, empty text is null.
fn expected_eq(recs: &[Value], value: &str) -> Vec<String> {
    let want = value.to_lowercase();
    recs.iter()
        .filter(|r| {
            let v = r["Legacy_Ref__c"].as_str().unwrap_or("");
            v.to_lowercase() == want
        })
        .map(|r| r["Id"].as_str().unwrap().to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn escaped_literals_round_trip_and_match_exactly(value in hostile_string()) {
        let soql = format!("SELECT Id FROM Lead WHERE Legacy_Ref__c = '{}'", escape(&value));
        let q = parse(&soql).unwrap_or_else(|e| panic!("{soql:?}: {e:?}"));
        match q.filter {
            Some(Condition::Compare { value: Literal::String(got), .. }) => prop_assert_eq!(&got, &value),
            other => prop_assert!(false, "{other:?}"),
        }
        let (recs, id) = dataset_with(&value);
        let got: Vec<String> = crm_sim::salesforce::execute(&soql, &recs)
            .unwrap()
            .iter()
            .map(|r| r["Id"].as_str().unwrap().to_string())
            .collect();
        let want = expected_eq(&recs, &value);
        prop_assert_eq!(&got, &want);
        if !value.is_empty() {
            prop_assert!(got.contains(&id));
        }
    }

    #[test]
    fn escaped_like_patterns_match_literally(value in hostile_string()) {
        let soql = format!("SELECT Id FROM Lead WHERE Legacy_Ref__c LIKE '%{}%'", escape_like(&value));
        let q = parse(&soql).unwrap_or_else(|e| panic!("{soql:?}: {e:?}"));
        let Some(Condition::Like { pattern, .. }) = q.filter else { panic!("not a LIKE") };
        let mut want_pattern = vec![PatternPart::AnySequence];
        want_pattern.extend(value.chars().map(PatternPart::Char));
        want_pattern.push(PatternPart::AnySequence);
        prop_assert_eq!(pattern, want_pattern);
        let (recs, id) = dataset_with(&value);
        let got: Vec<&str> = crm_sim::salesforce::execute(&soql, &recs)
            .unwrap()
            .iter()
            .map(|r| r["Id"].as_str().unwrap())
            .collect();
        let needle = value.to_lowercase();
        let want: Vec<&str> = recs
            .iter()
            .filter(|r| r["Legacy_Ref__c"].as_str().is_some_and(|v| !v.is_empty() && v.to_lowercase().contains(&needle)))
            .map(|r| r["Id"].as_str().unwrap())
            .collect();
        prop_assert_eq!(&got, &want);
        if !value.is_empty() {
            prop_assert!(got.contains(&id.as_str()));
        }
    }

    /// Arbitrary text never panics the parser; it is either a query or a Salesforce error code.
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        if let Err(e) = parse(&text) {
            prop_assert!(["MALFORMED_QUERY"].contains(&e.code));
        }
        let _ = crm_sim::salesforce::execute(&text, &[]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The same over HTTP: a simulator holding the value answers the escaped query with exactly
    /// the matching records.
    #[test]
    fn escaped_values_over_http(value in hostile_string()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (recs, id) = dataset_with(&value);
        let want = expected_eq(&recs, &value);
        let got = rt.block_on(async {
            let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::default().with_records(recs)).await.unwrap();
            let soql = format!("SELECT Id FROM Lead WHERE Legacy_Ref__c = '{}'", escape(&value));
            let a = send(query_req(&sim, &soql)).await;
            assert_eq!(a.status, 200, "{}", a.body);
            a.json()["records"].as_array().unwrap().iter().map(|r| r["Id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        });
        prop_assert_eq!(&got, &want);
        if !value.is_empty() {
            prop_assert!(got.contains(&id));
        }
    }
}

#[tokio::test]
async fn hostile_unescaped_values_are_malformed_not_a_different_result() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(78, 300))
        .await
        .unwrap();
    let hostile = [
        "o'brien@example.com",
        "\\",
        "' OR Name != '",
        "x' OR Name LIKE '%",
        "a\\q",
        "100\\%",
        "it's",
    ];
    for v in hostile {
        for template in [
            "SELECT Id FROM Lead WHERE IsConverted = false AND Email = '{}' ORDER BY Id",
            "SELECT Id FROM Lead WHERE Email IN ('{}') ORDER BY Id",
            "SELECT Id FROM Lead WHERE Email = '{}' AND IsConverted = false LIMIT 10",
        ] {
            let naive = template.replace("{}", v);
            let a = send(query_req(&sim, &naive)).await;
            assert_eq!(a.status, 400, "{naive}: {}", a.body);
            assert_eq!(
                a.json()[0]["errorCode"],
                json!("MALFORMED_QUERY"),
                "{naive}"
            );
            // The escaped form is accepted and matches exactly the records with that email.
            let safe = template.replace("{}", &escape(v));
            let a = send(query_req(&sim, &safe)).await;
            assert_eq!(a.status, 200, "{safe}: {}", a.body);
            let got = a.json()["totalSize"].as_u64().unwrap();
            let want = sim
                .records()
                .iter()
                .filter(|r| {
                    r["Email"]
                        .as_str()
                        .is_some_and(|e| e.to_lowercase() == v.to_lowercase())
                })
                .count() as u64;
            assert_eq!(
                got,
                want.min(if safe.contains("LIMIT 10") {
                    10
                } else {
                    u64::MAX
                }),
                "{safe}"
            );
        }
    }
}

/// Some crafted values are valid SOQL once pasted in (as they would be on Salesforce): the
/// simulator cannot flag those, but it answers with a different result set, which a paging test
/// that compares against the expected set catches.
#[tokio::test]
async fn a_crafted_value_can_be_valid_soql_and_changes_the_result() {
    let sim = crm_sim::start(SimProvider::Salesforce, SimConfig::new(79, 50))
        .await
        .unwrap();
    let naive = "SELECT Id FROM Lead WHERE (Email = '' OR Name != '') AND IsConverted = false";
    let a = send(query_req(&sim, naive)).await;
    assert_eq!(a.status, 200);
    let unconverted = sim
        .records()
        .iter()
        .filter(|r| r["IsConverted"] == json!(false))
        .count();
    assert_eq!(a.json()["totalSize"], json!(unconverted));
    let safe = format!(
        "SELECT Id FROM Lead WHERE (Email = '{}') AND IsConverted = false",
        escape("' OR Name != '")
    );
    let a = send(query_req(&sim, &safe)).await;
    assert_eq!(a.json()["totalSize"], json!(0));
}

#[test]
fn parser_accepts_what_a_builder_emits() {
    for q in [
        "SELECT Id, Name FROM Lead",
        "select id from lead where name = 'x' order by createddate desc nulls last, id asc limit 5",
        "SELECT Id FROM Lead WHERE (OwnerId = '005' OR OwnerId = '006') AND NOT (Email = null)",
        "SELECT Id FROM Lead WHERE CreatedDate >= 2024-01-01T00:00:00Z AND CreatedDate <= 2024-12-31T23:59:59-08:00",
        "SELECT Id FROM Lead WHERE ConvertedDate = 2024-01-01 AND IsConverted = TRUE",
        "SELECT Id FROM Lead WHERE Lead_Score__c IN (1, 2.5, -3) AND Name <> 'a'",
        "SELECT Id\nFROM Lead\nWHERE Email LIKE '%@example.com'\nORDER BY Id",
    ] {
        parse(q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
        crm_sim::salesforce::execute(q, &[]).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    }
}
