//! `map_lead` on arbitrary JSON: never a panic. A record that does not fit is a `MapError` naming
//! the field (core's `map_records` then fails the page naming the record), never a silent drop.
//!
//! The generators and the suite live in `crm_testkit::arbitrary` (JSON text, so that they produce
//! what `serde_json::Value` cannot: integers past 64 bits, exponents, duplicate keys). Three properties: any JSON value; objects
//! with the provider's keys and values of any shape; and objects shaped like a Pipedrive lead
//! (each field mostly of its own type, with edge values: blank and unicode strings, huge or
//! negative numbers, out-of-range dates), so that the typed paths past the first field are reached.

use crm_pipedrive::{Config, PipedriveConnector};
use secrecy::SecretString;

use crm_testkit::arbitrary::{Fields, Shape::*};

const FIELDS: Fields = &[
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

crm_testkit::map_lead_never_panics!(
    PipedriveConnector::new(Config::api_token(SecretString::from("t".to_owned())))
        .expect("connector"),
    FIELDS
);
