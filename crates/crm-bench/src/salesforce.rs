//! Salesforce: `GET /services/data/v62.0/query?q=SELECT ... FROM Lead` answers
//! `{totalSize, done, records: [...]}`; each record starts with `attributes`, ids are 18-character
//! strings, times `2024-01-01T09:30:00.000+0000`, `ConvertedDate` a date, custom fields end in `__c`.

use crate::gen::{self, huge_integer, opt, s, Obj, Rng};
use crate::naive::{self, get, object, text, text_of, Object};
use crate::Subject;
use crm_salesforce::{Config, SalesforceConnector};
use serde_json::value::RawValue;
use serde_json::Value;

pub const SUBJECT: Subject = Subject {
    name: "salesforce",
    generate,
    parse_records,
    connector,
    naive_records,
    naive_map,
};

fn parse_records(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    Ok(crm_salesforce::parse_page(body)?.records)
}

fn connector() -> Box<dyn crm_core::DynConnector> {
    let config = Config::new(
        "https://example.my.salesforce.com",
        "bench-token".to_owned(),
    );
    Box::new(SalesforceConnector::new(config).expect("a valid configuration"))
}

fn naive_records(page: &Value) -> &[Value] {
    page.get("records")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An 18-character Salesforce id with the given key prefix (`00Q` lead, `005` user, ...).
fn sf_id(prefix: &str, n: u64) -> String {
    format!(
        "{prefix}FK0000{n:06}{}",
        ["AAA", "AAQ", "AAE", "AAU"][(n % 4) as usize]
    )
}

fn time(secs: i64, millis: u64) -> String {
    format!(
        "{}.{millis:03}+0000",
        gen::utc(secs).format("%Y-%m-%dT%H:%M:%S")
    )
}

fn record(rng: &mut Rng, i: usize) -> String {
    let id = sf_id("00Q", i as u64);
    let first = rng.pick(gen::FIRST_NAMES);
    let last = rng.pick(gen::LAST_NAMES);
    let (city, state, postal, country) = gen::PLACES[rng.below(gen::PLACES.len() as u64) as usize];
    let created = rng.unix_time();
    let converted = rng.chance(15);
    let maybe_phone = |rng: &mut Rng, percent: u64| {
        if rng.chance(percent) {
            "null".to_owned()
        } else {
            s(&gen::phone(rng))
        }
    };
    let street = if rng.chance(15) {
        "null".to_owned()
    } else {
        s(&gen::street(rng, "\r\n"))
    };
    Obj::new()
        .raw(
            "attributes",
            Obj::new()
                .str("type", "Lead")
                .str("url", &format!("/services/data/v62.0/sobjects/Lead/{id}"))
                .end(),
        )
        .str("Id", &id)
        .str(
            "OwnerId",
            &sf_id(if rng.chance(10) { "00G" } else { "005" }, rng.below(40)),
        )
        .str("Name", &format!("{first} {last}"))
        .str("FirstName", first)
        .str("LastName", last)
        .raw(
            "Title",
            opt((!rng.chance(20)).then(|| rng.pick(gen::TITLES))),
        )
        .str("Company", rng.pick(gen::COMPANIES))
        .raw(
            "LeadSource",
            opt((!rng.chance(15)).then(|| rng.pick(gen::SOURCES))),
        )
        .str(
            "Status",
            if converted {
                "Closed - Converted"
            } else {
                rng.pick(&["Open - Not Contacted", "Working - Contacted"])
            },
        )
        .raw("Street", street)
        .str("City", city)
        .raw("State", opt((!state.is_empty()).then_some(state)))
        .str("PostalCode", postal)
        .str("Country", country)
        .raw(
            "Email",
            if rng.chance(10) {
                "null".to_owned()
            } else {
                s(&gen::email(rng, i))
            },
        )
        .raw("Phone", maybe_phone(rng, 15))
        .raw("MobilePhone", maybe_phone(rng, 40))
        .raw("Fax", maybe_phone(rng, 85))
        .bool("IsConverted", converted)
        .raw(
            "ConvertedDate",
            if converted {
                s(&gen::utc(created + 86_400 * 30)
                    .format("%Y-%m-%d")
                    .to_string())
            } else {
                "null".to_owned()
            },
        )
        .raw(
            "ConvertedAccountId",
            if converted {
                s(&sf_id("001", i as u64))
            } else {
                "null".to_owned()
            },
        )
        .raw(
            "ConvertedContactId",
            if converted {
                s(&sf_id("003", i as u64))
            } else {
                "null".to_owned()
            },
        )
        .raw(
            "ConvertedOpportunityId",
            if converted && rng.chance(50) {
                s(&sf_id("006", i as u64))
            } else {
                "null".to_owned()
            },
        )
        .str("CreatedDate", &time(created, rng.below(1000)))
        .str(
            "LastModifiedDate",
            &time(created + rng.below(86_400 * 60) as i64, rng.below(1000)),
        )
        .raw("Nickname__c", opt(rng.chance(30).then_some(first)))
        .num("Score__c", format!("{}.{}", rng.below(100), rng.below(10)))
        .num("External_Ref__c", huge_integer(rng))
        .bool("Vip__c", rng.chance(5))
        .raw(
            "Notes__c",
            opt(rng
                .chance(20)
                .then_some("Rückruf erbeten – bevorzugt vormittags")),
        )
        .end()
}

fn generate(records: usize, seed: u64) -> String {
    Obj::new()
        .num("totalSize", records)
        .bool("done", true)
        .raw("records", gen::records(records, seed, record))
        .end()
}

/// The street in one field, split by the same rule as the connectors (`Address::split_street`);
/// the naive pipeline reads the text from the Value tree.
fn street(value: Option<&Value>) -> (Option<String>, Option<String>) {
    crm_core::Address::split_street(value.and_then(Value::as_str))
}

fn naive_map(record: &Value) -> Object {
    let mut lead = Object::new();
    lead.insert(
        "id".into(),
        Value::String(text_of(get(record, "Id")).unwrap_or_default()),
    );
    lead.insert("owner".into(), naive::reference(get(record, "OwnerId")));
    lead.insert("lead_source".into(), text(get(record, "LeadSource")));
    lead.insert("title".into(), text(get(record, "Title")));
    lead.insert(
        "account".into(),
        naive::reference(get(record, "ConvertedAccountId")),
    );
    lead.insert("first_name".into(), text(get(record, "FirstName")));
    lead.insert("last_name".into(), text(get(record, "LastName")));
    let (street_1, street_2) = street(get(record, "Street"));
    let address = naive::address(
        street_1,
        street_2,
        text(get(record, "City")),
        text(get(record, "State")),
        text(get(record, "PostalCode")),
        text(get(record, "Country")),
    );
    let addresses = if naive::address_is_empty(&address) {
        vec![]
    } else {
        vec![address]
    };
    lead.insert("addresses".into(), Value::Array(addresses));
    let emails = text_of(get(record, "Email"))
        .map(|email| object(vec![("email", Value::String(email)), ("type", Value::Null)]))
        .into_iter()
        .collect();
    lead.insert("email_addresses".into(), Value::Array(emails));
    let mut phones = Vec::new();
    for (key, kind) in [("Phone", "work"), ("MobilePhone", "mobile"), ("Fax", "fax")] {
        if let Some(number) = text_of(get(record, key)) {
            phones.push(object(vec![
                ("number", Value::String(number)),
                ("extension", Value::Null),
                ("type", Value::String(kind.into())),
            ]));
        }
    }
    lead.insert("phone_numbers".into(), Value::Array(phones));
    lead.insert(
        "created_at".into(),
        naive::datetime(get(record, "CreatedDate")),
    );
    lead.insert(
        "updated_at".into(),
        naive::datetime(get(record, "LastModifiedDate")),
    );
    lead.insert(
        "converted_at".into(),
        naive::datetime(get(record, "ConvertedDate")),
    );
    lead.insert(
        "converted_contact".into(),
        text(get(record, "ConvertedContactId")),
    );
    lead.insert(
        "converted_account".into(),
        text(get(record, "ConvertedAccountId")),
    );
    lead
}
