//! `map_lead` on arbitrary JSON: never a panic. A record that does not fit is a `MapError` naming
//! the field (core's `map_records` then fails the page naming the record), never a silent drop.
//!
//! The generators (`crm_testkit::arbitrary`) write JSON text themselves, so that it can produce what `serde_json::Value` cannot:
//! integers past 64 bits, exponents, duplicate keys. Three properties: any JSON value; objects
//! with the provider's keys and values of any shape; and objects shaped like a Zoho CRM lead
//! (each field mostly of its own type, with edge values: blank and unicode strings, huge or
//! negative numbers, out-of-range dates), so that the typed paths past the first field are reached.

use crm_core::{Connector, MapOptions};
use crm_zoho::{Config, ZohoConnector};
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::value::RawValue;

use crm_testkit::arbitrary::{json, lead_shaped, loose_record, Fields, Shape::*};

const FIELDS: Fields = &[
    ("id", Int),
    (
        "Owner",
        Object(&[("name", Text), ("id", Int), ("email", Text)]),
    ),
    ("Lead_Source", Text),
    ("Designation", Text),
    ("First_Name", Text),
    ("Last_Name", Text),
    ("Full_Name", Text),
    ("Company", Text),
    ("Email", Text),
    ("Secondary_Email", Text),
    ("Phone", Text),
    ("Mobile", Text),
    ("Fax", Text),
    ("Street", Text),
    ("City", Text),
    ("State", Text),
    ("Zip_Code", Text),
    ("Country", Text),
    ("Created_Time", Time),
    ("Modified_Time", Time),
    ("Last_Activity_Time", Time),
    ("$converted", Bool),
    ("Converted_Contact", Object(&[("name", Text), ("id", Int)])),
];

fn check(text: &str) -> bool {
    let raw = RawValue::from_string(text.to_owned()).expect("the generator writes valid JSON");
    let connector = ZohoConnector::new(Config::new(
        "https://www.zohoapis.com",
        SecretString::from("t".to_owned()),
    ))
    .expect("connector");
    let mut mapped = true;
    for options in [MapOptions::default()] {
        match connector.map_lead(&raw, &options) {
            Ok(lead) => {
                serde_json::to_string(&lead).expect("a mapped lead serializes");
            }
            Err(e) => {
                assert!(!e.field.is_empty(), "an error names its field: {e}");
                mapped = false;
            }
        }
    }
    mapped
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_json_value_maps_or_fails_without_panic(text in json(FIELDS)) {
        check(&text);
    }

    #[test]
    fn any_object_with_lead_keys_maps_or_fails_without_panic(text in loose_record(FIELDS)) {
        check(&text);
    }

    #[test]
    fn lead_shaped_objects_map_or_fail_without_panic(text in lead_shaped(FIELDS)) {
        check(&text);
    }
}

/// The lead-shaped generator is worth its name: a fair share of its records map.
#[test]
fn lead_shaped_objects_mostly_map() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = lead_shaped(FIELDS);
    let mut mapped = 0;
    for _ in 0..200 {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        mapped += usize::from(check(&text));
    }
    assert!(
        mapped >= 20,
        "only {mapped} of 200 lead-shaped records mapped"
    );
}
