//! `map_lead` on arbitrary JSON: never a panic. A record that does not fit is a `MapError` naming
//! the field (core's `map_records` then fails the page naming the record), never a silent drop.
//!
//! The generator writes JSON text itself, so that it can produce what `serde_json::Value` cannot:
//! integers past 64 bits, exponents, duplicate keys. Three properties: any JSON value; objects
//! with the provider's keys and values of any shape; and objects shaped like a Pipedrive lead
//! (each field mostly of its own type, with edge values: blank and unicode strings, huge or
//! negative numbers, out-of-range dates), so that the typed paths past the first field are reached.

use crm_core::{Connector, MapOptions};
use crm_pipedrive::{Config, PipedriveConnector};
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::value::RawValue;

/// The JSON type a field of a Pipedrive lead has.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // the same shapes for every provider; not every lead has each
enum Shape {
    Text,
    Int,
    Time,
    Bool,
    Object(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

use Shape::{Bool, Int, List, Object, Text, Time};

/// The fields of a Pipedrive lead and their types; the first is the id.
const FIELDS: &[(&str, Shape)] = &[
    ("id", Text),
    ("title", Text),
    ("owner_id", Int),
    ("creator_id", Int),
    ("label_ids", List(&Text)),
    ("person_id", Int),
    ("organization_id", Int),
    ("source_name", Text),
    ("origin", Text),
    ("channel", Int),
    ("value", Object(&[("amount", Int), ("currency", Text)])),
    ("expected_close_date", Time),
    ("is_archived", Bool),
    ("was_seen", Bool),
    ("next_activity_id", Int),
    ("add_time", Time),
    ("update_time", Time),
    ("visible_to", Text),
    ("cc_email", Text),
];

/// Every key of `FIELDS`, nested ones included.
fn keys() -> Vec<&'static str> {
    fn walk(fields: &'static [(&'static str, Shape)], out: &mut Vec<&'static str>) {
        for (name, shape) in fields {
            out.push(name);
            match shape {
                Object(inner) => walk(inner, out),
                List(Object(inner)) => walk(inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(FIELDS, &mut out);
    out
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}:?[0-9]{2})?",
        "[0-9 .:TZ+-]{0,30}",
        "[0-9a-zA-Z]{15,18}",
        "[ \t\r\n]*",
        "[a-z]{1,8}( [a-z]{1,8}){0,3}",
    ]
    .prop_map(|s| serde_json::to_string(&s).unwrap_or_else(|_| "\"\"".to_owned()))
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,29})(\\.[0-9]{1,8})?([eE][+-]?[0-9]{1,2})?",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
    ]
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        number(),
        text(),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(keys()).prop_map(str::to_owned),
        1 => "[a-zA-Z_$]{1,12}",
    ]
}

/// JSON text of any shape, at most four levels deep.
fn json() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key(), inner), 0..10).prop_map(|pairs| object(&pairs)),
        ]
    })
}

fn object(pairs: &[(String, String)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap_or_default()))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// A value of `shape` most of the time, else `null` or anything.
fn typed(shape: Shape) -> BoxedStrategy<String> {
    let value: BoxedStrategy<String> = match shape {
        Text => text().boxed(),
        Int => prop_oneof![
            number(),
            "-?[0-9]{1,25}".prop_map(|digits| format!("\"{digits}\"")),
        ]
        .boxed(),
        Time => prop_oneof![text(), number()].boxed(),
        Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        Object(fields) => fields_object(fields),
        List(inner) => prop::collection::vec(typed(*inner), 0..4)
            .prop_map(|items| format!("[{}]", items.join(",")))
            .boxed(),
    };
    prop_oneof![16 => value, 2 => Just("null".to_owned()), 1 => json()].boxed()
}

/// An object with some of `fields`, each of its type.
fn fields_object(fields: &'static [(&'static str, Shape)]) -> BoxedStrategy<String> {
    prop::sample::subsequence(fields.to_vec(), 0..=fields.len())
        .prop_flat_map(|chosen| {
            chosen
                .into_iter()
                .map(|(name, shape)| typed(shape).prop_map(move |v| (name.to_owned(), v)))
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| object(&pairs))
        .boxed()
}

/// A lead-shaped object: the id (the first field) always, then some of the other fields.
fn lead_shaped() -> BoxedStrategy<String> {
    let (id, id_shape) = FIELDS[0];
    (typed(id_shape), fields_object(&FIELDS[1..]))
        .prop_map(move |(id_value, rest)| {
            let id = serde_json::to_string(id).unwrap_or_default();
            if rest == "{}" {
                format!("{{{id}:{id_value}}}")
            } else {
                format!("{{{id}:{id_value},{}", &rest[1..])
            }
        })
        .boxed()
}

/// A lead-like object: mostly the provider's own keys, values of any shape.
fn loose_record() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), json()), 0..16).prop_map(|pairs| object(&pairs))
}

fn check(text: &str) -> bool {
    let raw = RawValue::from_string(text.to_owned()).expect("the generator writes valid JSON");
    let connector = PipedriveConnector::new(Config::api_token(SecretString::from("t".to_owned())))
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
    fn any_json_value_maps_or_fails_without_panic(text in json()) {
        check(&text);
    }

    #[test]
    fn any_object_with_lead_keys_maps_or_fails_without_panic(text in loose_record()) {
        check(&text);
    }

    #[test]
    fn lead_shaped_objects_map_or_fail_without_panic(text in lead_shaped()) {
        check(&text);
    }
}

/// The lead-shaped generator is worth its name: a fair share of its records map.
#[test]
fn lead_shaped_objects_mostly_map() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = lead_shaped();
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
