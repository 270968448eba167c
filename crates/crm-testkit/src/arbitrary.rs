//! Generators of arbitrary JSON *text* for "never panics" property tests of record mapping.
//!
//! They write JSON text themselves, so that they can produce what `serde_json::Value` cannot:
//! integers past 64 bits, exponents, duplicate keys. A connector's test describes its provider's
//! record as a table of [`Shape`]s (the first field is the id) and draws from [`json`] (any value),
//! [`loose_record`] (the provider's keys, values of any shape) and [`lead_shaped`] (each field
//! mostly of its own type, with edge values: blank and unicode strings, huge or negative numbers,
//! out-of-range dates, so that the typed paths past the first field are reached).

use crm_core::{DynConnector, MapOptions};
use proptest::prelude::*;
use serde_json::value::RawValue;

/// The JSON type of a field of a provider's record.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Text,
    Int,
    Time,
    Bool,
    Object(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

use Shape::{Bool, Int, List, Object, Text, Time};

/// A provider's record fields and their shapes; the first is the id.
pub type Fields = &'static [(&'static str, Shape)];

/// Every key of `fields`, nested ones included.
fn keys(fields: Fields) -> Vec<&'static str> {
    fn walk(fields: Fields, out: &mut Vec<&'static str>) {
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
    walk(fields, &mut out);
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

fn key(fields: Fields) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(keys(fields)).prop_map(str::to_owned),
        1 => "[a-zA-Z_$]{1,12}",
    ]
}

/// JSON text of any shape, at most four levels deep, with object keys mostly from `fields`.
pub fn json(fields: Fields) -> BoxedStrategy<String> {
    leaf()
        .prop_recursive(4, 48, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((key(fields), inner), 0..10).prop_map(|pairs| object(&pairs)),
            ]
        })
        .boxed()
}

fn object(pairs: &[(String, String)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap_or_default()))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// A value of `shape` most of the time, else `null` or anything.
fn typed(shape: Shape, fields: Fields) -> BoxedStrategy<String> {
    let value: BoxedStrategy<String> = match shape {
        Text => text().boxed(),
        Int => prop_oneof![
            number(),
            "-?[0-9]{1,25}".prop_map(|digits| format!("\"{digits}\"")),
        ]
        .boxed(),
        Time => prop_oneof![text(), number()].boxed(),
        Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        Object(inner) => fields_object(inner, fields),
        List(inner) => prop::collection::vec(typed(*inner, fields), 0..4)
            .prop_map(|items| format!("[{}]", items.join(",")))
            .boxed(),
    };
    prop_oneof![16 => value, 2 => Just("null".to_owned()), 1 => json(fields)].boxed()
}

/// An object with some of `chosen_from`, each of its type.
fn fields_object(chosen_from: Fields, fields: Fields) -> BoxedStrategy<String> {
    prop::sample::subsequence(chosen_from.to_vec(), 0..=chosen_from.len())
        .prop_flat_map(move |chosen| {
            chosen
                .into_iter()
                .map(|(name, shape)| typed(shape, fields).prop_map(move |v| (name.to_owned(), v)))
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| object(&pairs))
        .boxed()
}

/// A lead-shaped object: the id (the first of `fields`) always, then some of the other fields.
pub fn lead_shaped(fields: Fields) -> BoxedStrategy<String> {
    let Some(((id, id_shape), rest)) = fields.split_first() else {
        return Just("{}".to_owned()).boxed();
    };
    let (id, id_shape) = (*id, *id_shape);
    (typed(id_shape, fields), fields_object(rest, fields))
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
pub fn loose_record(fields: Fields) -> BoxedStrategy<String> {
    prop::collection::vec((key(fields), json(fields)), 0..16)
        .prop_map(|pairs| object(&pairs))
        .boxed()
}

/// Maps `text` with `connector`, with and without custom fields. A lead that maps must serialize;
/// a record that does not fit must be a `MapError` naming its field. Returns whether it mapped
/// (a panic inside `map_lead` fails the calling test).
pub fn maps_or_fails_cleanly(connector: &dyn DynConnector, text: &str) -> bool {
    let raw = RawValue::from_string(text.to_owned()).expect("the generator writes valid JSON");
    let mut mapped = true;
    for include_custom_fields in [false, true] {
        match connector.map_lead(
            &raw,
            &MapOptions {
                include_custom_fields,
            },
        ) {
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

/// How many of `samples` lead-shaped records (a deterministic draw) map: the lead-shaped
/// generator must reach the typed paths past the first field to be worth its name.
pub fn lead_shaped_that_map(connector: &dyn DynConnector, fields: Fields, samples: usize) -> usize {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = lead_shaped(fields);
    (0..samples)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).expect("a value").current();
            maps_or_fails_cleanly(connector, &text)
        })
        .count()
}

/// The no-panic suite of a connector's `map_lead`, as tests in the calling module: arbitrary JSON,
/// loose objects with the provider's keys, and lead-shaped objects (256 cases each), plus a check
/// that at least 10% of lead-shaped records map.
///
/// `map_lead_never_panics!(CopperConnector::new(config).expect("connector"), FIELDS);`
#[macro_export]
macro_rules! map_lead_never_panics {
    ($connector:expr, $fields:expr) => {
        $crate::proptest::proptest! {
            #![proptest_config($crate::proptest::prelude::ProptestConfig::with_cases(256))]

            #[test]
            fn any_json_value_maps_or_fails_without_panic(text in $crate::arbitrary::json($fields)) {
                $crate::arbitrary::maps_or_fails_cleanly(&$connector, &text);
            }

            #[test]
            fn any_object_with_lead_keys_maps_or_fails_without_panic(text in $crate::arbitrary::loose_record($fields)) {
                $crate::arbitrary::maps_or_fails_cleanly(&$connector, &text);
            }

            #[test]
            fn lead_shaped_objects_map_or_fail_without_panic(text in $crate::arbitrary::lead_shaped($fields)) {
                $crate::arbitrary::maps_or_fails_cleanly(&$connector, &text);
            }
        }

        /// The lead-shaped generator is worth its name: a fair share of its records map.
        #[test]
        fn lead_shaped_objects_mostly_map() {
            let mapped = $crate::arbitrary::lead_shaped_that_map(&$connector, $fields, 200);
            assert!(mapped >= 20, "only {mapped} of 200 lead-shaped records mapped");
        }
    };
}
