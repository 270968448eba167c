//! `map_lead` on arbitrary JSON: never a panic. A record that does not fit is a `MapError` naming
//! the field (core's `map_records` then fails the page naming the record), never a silent drop.
//!
//! The generators and the suite live in `crm_testkit::arbitrary` (JSON text, so that they produce
//! what `serde_json::Value` cannot: integers past 64 bits, exponents, duplicate keys). Three properties: any JSON value; objects
//! with the provider's keys and values of any shape; and objects shaped like a Salesforce lead
//! (each field mostly of its own type, with edge values: blank and unicode strings, huge or
//! negative numbers, out-of-range dates), so that the typed paths past the first field are reached.

use crm_salesforce::{Config, SalesforceConnector};

use crm_testkit::arbitrary::{Fields, Shape::*};

const FIELDS: Fields = &[
    ("Id", Text),
    ("attributes", Object(&[("type", Text), ("url", Text)])),
    ("OwnerId", Text),
    ("LeadSource", Text),
    ("Title", Text),
    ("FirstName", Text),
    ("LastName", Text),
    ("Name", Text),
    ("Company", Text),
    ("Street", Text),
    ("City", Text),
    ("State", Text),
    ("PostalCode", Text),
    ("Country", Text),
    ("Email", Text),
    ("Phone", Text),
    ("MobilePhone", Text),
    ("Fax", Text),
    ("Status", Text),
    ("IsConverted", Bool),
    ("ConvertedDate", Time),
    ("ConvertedContactId", Text),
    ("ConvertedAccountId", Text),
    ("ConvertedOpportunityId", Text),
    ("CreatedDate", Time),
    ("LastModifiedDate", Time),
    ("SystemModstamp", Time),
    ("LastActivityDate", Time),
    ("Score__c", Int),
    ("Notes__c", Text),
];

crm_testkit::map_lead_never_panics!(
    SalesforceConnector::new(Config::new("https://acme.my.salesforce.com", "token"))
        .expect("connector"),
    FIELDS
);
