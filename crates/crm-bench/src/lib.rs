//! Benchmark subjects for the unified leads pipeline (parse each page once; no `Value` tree on the hot path).
//!
//! For each provider this crate holds:
//!
//! - a deterministic page generator ([`Subject::page`]): `n` records in the provider's real
//!   envelope and record shape, with non-ASCII names, several phones, addresses, timestamps in the
//!   provider's own format, custom fields and exact big numbers;
//! - our pipeline, run exactly as the server runs it minus HTTP ([`Subject::unified`],
//!   [`Subject::raw`]): the connector's own envelope parser, its `map_lead` through
//!   [`crm_core::list::map_records`], and [`crm_core::render`];
//! - the naive pipeline other unified APIs use ([`Subject::naive`]): the page parsed into a
//!   `serde_json::Value` tree, each record mapped field by field into a `Value` object with the same
//!   fields as our mapping, the record cloned into `remote_data`, the response serialized.
//!
//! `benches/pipeline.rs` times them; `tests/it` checks the two pipelines agree.

mod copper;
mod gen;
mod insightly;
mod naive;
mod pipedrive;
mod salesforce;
mod zendesk_sell;
mod zoho;

use crm_core::list::{map_records, Items, ListedPage};
use crm_core::{DynConnector, Lead, LeadQuery, RateLimit, ResponseOptions};
use serde_json::value::RawValue;
use serde_json::Value;

/// The records a page holds in the benchmarks.
pub const PAGE_RECORDS: usize = 10_000;

/// One provider's page generator, envelope parser, connector and naive mapping.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    pub name: &'static str,
    generate: fn(usize, u64) -> String,
    parse_records: fn(&[u8]) -> serde_json::Result<Vec<Box<RawValue>>>,
    connector: fn() -> Box<dyn DynConnector>,
    naive_records: fn(&Value) -> &[Value],
    naive_map: fn(&Value) -> serde_json::Map<String, Value>,
}

/// Every provider with a connector in this workspace.
pub fn subjects() -> Vec<Subject> {
    vec![
        copper::SUBJECT,
        insightly::SUBJECT,
        pipedrive::SUBJECT,
        salesforce::SUBJECT,
        zoho::SUBJECT,
        zendesk_sell::SUBJECT,
    ]
}

/// The subject named `name` (`copper`, `insightly`, `pipedrive`, `zoho`, `salesforce`, `zendesk-sell`).
pub fn subject(name: &str) -> Option<Subject> {
    subjects().into_iter().find(|s| s.name == name)
}

impl Subject {
    /// A page of `records` generated records; the same `seed` gives the same bytes.
    pub fn page(&self, records: usize, seed: u64) -> Vec<u8> {
        (self.generate)(records, seed).into_bytes()
    }

    /// A connector for this provider (built once; mapping needs no HTTP).
    pub fn connector(&self) -> Box<dyn DynConnector> {
        (self.connector)()
    }

    /// The connector's own envelope parser: each record kept as raw JSON.
    pub fn parse_records(&self, body: &[u8]) -> Vec<Box<RawValue>> {
        (self.parse_records)(body).expect("a generated page parses")
    }

    /// (b) Our full unified pipeline: envelope parse, `map_lead` of every record through
    /// `map_records` (records moved into `remote_data`), `render` of the response.
    pub fn unified(&self, connector: &dyn DynConnector, query: &LeadQuery, body: &[u8]) -> Vec<u8> {
        render(Items::Leads(self.leads(connector, query, body)))
    }

    /// The first two steps of [`Subject::unified`]: envelope parse and mapping.
    pub fn leads(&self, connector: &dyn DynConnector, query: &LeadQuery, body: &[u8]) -> Vec<Lead> {
        let records = self.parse_records(body);
        map_records(connector, query, records).expect("generated records map")
    }

    /// (c) The raw format: envelope parse and `render` of the records untouched.
    pub fn raw(&self, body: &[u8]) -> Vec<u8> {
        render(Items::Raw(self.parse_records(body)))
    }

    /// (d) The naive pipeline: a `Value` tree, field-by-field mapping into `Value` objects,
    /// `remote_data` cloned from the tree, the response serialized from `Value`s.
    pub fn naive(&self, body: &[u8]) -> Vec<u8> {
        let page: Value = serde_json::from_slice(body).expect("a generated page parses");
        let result: Vec<Value> = (self.naive_records)(&page)
            .iter()
            .map(|record| {
                let mut lead = (self.naive_map)(record);
                lead.insert("remote_data".to_owned(), record.clone());
                Value::Object(lead)
            })
            .collect();
        let mut response = serde_json::Map::new();
        response.insert("result".to_owned(), Value::Array(result));
        response.insert("next_cursor".to_owned(), Value::Null);
        serde_json::to_vec(&Value::Object(response)).expect("a Value serializes")
    }
}

/// `render` of mapped leads (the last step of [`Subject::unified`]).
pub fn render_leads(leads: Vec<Lead>) -> Vec<u8> {
    render(Items::Leads(leads))
}

fn render(items: Items) -> Vec<u8> {
    let page = ListedPage {
        items,
        next_cursor: None,
        rate_limit: RateLimit::default(),
    };
    crm_core::render(page, &ResponseOptions::default()).expect("the page renders")
}
