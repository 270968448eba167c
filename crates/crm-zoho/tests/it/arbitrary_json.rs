//! `map_lead` on arbitrary JSON: never a panic. A record that does not fit is a `MapError` naming
//! the field (core's `map_records` then fails the page naming the record), never a silent drop.
//!
//! The generators and the suite live in `crm_testkit::arbitrary` (JSON text, so that they produce
//! what `serde_json::Value` cannot: integers past 64 bits, exponents, duplicate keys). Three properties: any JSON value; objects
//! with the provider's keys and values of any shape; and objects shaped like a Zoho CRM lead
//! (each field mostly of its own type, with edge values: blank and unicode strings, huge or
//! negative numbers, out-of-range dates), so that the typed paths past the first field are reached.

use crm_zoho::{Config, ZohoConnector};
use secrecy::SecretString;

use crm_testkit::arbitrary::{Fields, Shape::*};

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

crm_testkit::map_lead_never_panics!(
    ZohoConnector::new(Config::new(
        "https://www.zohoapis.com",
        SecretString::from("t".to_owned())
    ))
    .expect("connector"),
    FIELDS
);
