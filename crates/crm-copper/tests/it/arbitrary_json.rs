//! `map_lead` on arbitrary JSON: never a panic. A record that does not fit is a `MapError` naming
//! the field (core's `map_records` then fails the page naming the record), never a silent drop.
//!
//! The generators and the suite live in `crm_testkit::arbitrary` (JSON text, so that they produce
//! what `serde_json::Value` cannot: integers past 64 bits, exponents, duplicate keys). Three properties: any JSON value; objects
//! with the provider's keys and values of any shape; and objects shaped like a Copper lead
//! (each field mostly of its own type, with edge values: blank and unicode strings, huge or
//! negative numbers, out-of-range dates), so that the typed paths past the first field are reached.

use crm_copper::{Config, CopperConnector};

use crm_testkit::arbitrary::{Fields, Shape::*};

const FIELDS: Fields = &[
    ("id", Int),
    ("name", Text),
    ("prefix", Text),
    ("first_name", Text),
    ("middle_name", Text),
    ("last_name", Text),
    ("suffix", Text),
    ("title", Text),
    (
        "address",
        Object(&[
            ("street", Text),
            ("city", Text),
            ("state", Text),
            ("postal_code", Text),
            ("country", Text),
        ]),
    ),
    ("assignee_id", Int),
    ("company_name", Text),
    ("customer_source_id", Int),
    ("details", Text),
    ("email", Object(&[("email", Text), ("category", Text)])),
    (
        "phone_numbers",
        List(&Object(&[("number", Text), ("category", Text)])),
    ),
    (
        "websites",
        List(&Object(&[("url", Text), ("category", Text)])),
    ),
    ("tags", List(&Text)),
    ("status", Text),
    ("status_id", Int),
    ("monetary_value", Int),
    ("converted_value", Text),
    ("date_created", Time),
    ("date_modified", Time),
    ("date_last_contacted", Time),
    ("converted_at", Time),
];

crm_testkit::map_lead_never_panics!(
    CopperConnector::new(Config::new("key", "owner@example.com")).expect("connector"),
    FIELDS
);
