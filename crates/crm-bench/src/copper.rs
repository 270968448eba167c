//! Copper: `POST /developer_api/v1/leads/search` answers a bare JSON array of leads; ids and times
//! are JSON integers (Unix seconds).

use crate::gen::{self, array, huge_integer, s, Obj, Rng};
use crate::naive::{self, get, object, text, text_of, Object};
use crate::Subject;
use crm_copper::{Config, CopperConnector};
use serde_json::Value;

pub const SUBJECT: Subject = Subject {
    name: "copper",
    generate,
    parse_records: crm_copper::records::parse_page,
    connector,
    naive_records,
    naive_map,
};

fn connector() -> Box<dyn crm_core::DynConnector> {
    let config = Config::new("bench-key", "bench@example.com");
    Box::new(CopperConnector::new(config).expect("a valid configuration"))
}

fn naive_records(page: &Value) -> &[Value] {
    page.as_array().map_or(&[], Vec::as_slice)
}

fn record(rng: &mut Rng, i: usize) -> String {
    let first = rng.pick(gen::FIRST_NAMES);
    let last = rng.pick(gen::LAST_NAMES);
    let (city, state, postal, country) = gen::PLACES[rng.below(gen::PLACES.len() as u64) as usize];
    let created = rng.unix_time();
    let address = if rng.chance(15) {
        "null".to_owned()
    } else {
        Obj::new()
            .str("street", &gen::street(rng, "\n"))
            .str("city", city)
            .opt("state", (!state.is_empty()).then_some(state))
            .str("postal_code", postal)
            .str("country", country)
            .end()
    };
    let email = if rng.chance(10) {
        "null".to_owned()
    } else {
        Obj::new()
            .str("email", &gen::email(rng, i))
            .str("category", rng.pick(&["work", "personal", "other"]))
            .end()
    };
    let phones = array((0..rng.below(4)).map(|_| {
        Obj::new()
            .str("number", &gen::phone(rng))
            .str("category", rng.pick(&["mobile", "work", "home", "other"]))
            .end()
    }));
    let custom_fields = array([
        Obj::new()
            .num("custom_field_definition_id", 100_764)
            .num("value", huge_integer(rng))
            .end(),
        Obj::new()
            .num("custom_field_definition_id", 100_765)
            .str("value", rng.pick(gen::SOURCES))
            .end(),
        Obj::new()
            .num("custom_field_definition_id", 100_766)
            .raw(
                "value",
                format!("{}.{:02}", rng.below(100_000), rng.below(100)),
            )
            .end(),
        Obj::new()
            .num("custom_field_definition_id", 100_767)
            .raw("value", if rng.chance(50) { "true" } else { "false" })
            .end(),
    ]);
    Obj::new()
        .num("id", 9_000_000_000_000_000_000u64 + i as u64)
        .str("name", &format!("{first} {last}"))
        .null("prefix")
        .str("first_name", first)
        .str("last_name", last)
        .null("middle_name")
        .null("suffix")
        .raw("address", address)
        .raw(
            "assignee_id",
            if rng.chance(20) {
                "null".to_owned()
            } else {
                (1_000_000 + rng.below(50)).to_string()
            },
        )
        .str("company_name", rng.pick(gen::COMPANIES))
        .raw(
            "customer_source_id",
            if rng.chance(50) {
                "null".to_owned()
            } else {
                (330_000 + rng.below(10)).to_string()
            },
        )
        .raw(
            "details",
            if rng.chance(60) {
                "null".to_owned()
            } else {
                s("Met at the fair; wants a demo in Q3 — follow up.")
            },
        )
        .raw("email", email)
        .num("interaction_count", rng.below(40))
        .str("monetary_unit", "USD")
        .num("monetary_value", rng.below(100_000))
        .null("converted_unit")
        .raw(
            "converted_value",
            if rng.chance(80) {
                "null".to_owned()
            } else {
                s(&rng.below(10_000).to_string())
            },
        )
        .raw(
            "socials",
            array([Obj::new()
                .str("url", &format!("https://social.example/{i}"))
                .str("category", "linkedin")
                .end()]),
        )
        .str(
            "status",
            rng.pick(&["New", "Unqualified", "Contacted", "Qualified"]),
        )
        .num("status_id", 1_079_553 + rng.below(4))
        .raw(
            "tags",
            array([
                "\"bench\"".to_owned(),
                s(rng.pick(&["vip", "größe-xl", "trade-show"])),
            ]),
        )
        .raw(
            "title",
            if rng.chance(20) {
                "null".to_owned()
            } else {
                s(rng.pick(gen::TITLES))
            },
        )
        .raw(
            "websites",
            array([Obj::new()
                .str("url", &format!("https://www.{}", rng.pick(gen::DOMAINS)))
                .str("category", "work")
                .end()]),
        )
        .raw("phone_numbers", phones)
        .raw("custom_fields", custom_fields)
        .num("date_created", created)
        .num("date_modified", created + rng.below(86_400 * 90) as i64)
        .raw(
            "date_last_contacted",
            if rng.chance(50) {
                "null".to_owned()
            } else {
                (created + 3_600).to_string()
            },
        )
        .end()
}

fn generate(records: usize, seed: u64) -> String {
    gen::records(records, seed, record)
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
        Value::String(text_of(get(record, "id")).unwrap_or_default()),
    );
    lead.insert("owner".into(), naive::reference(get(record, "assignee_id")));
    lead.insert("title".into(), text(get(record, "title")));
    lead.insert("first_name".into(), text(get(record, "first_name")));
    lead.insert("last_name".into(), text(get(record, "last_name")));
    let mut addresses = Vec::new();
    if let Some(a) = get(record, "address") {
        let (street_1, street_2) = street(a.get("street"));
        let address = naive::address(
            street_1,
            street_2,
            text(a.get("city")),
            text(a.get("state")),
            text(a.get("postal_code")),
            text(a.get("country")),
        );
        if !naive::address_is_empty(&address) {
            addresses.push(address);
        }
    }
    lead.insert("addresses".into(), Value::Array(addresses));
    let mut emails = Vec::new();
    if let Some(e) = get(record, "email") {
        if let Some(email) = text_of(e.get("email")) {
            emails.push(object(vec![
                ("email", Value::String(email)),
                ("type", text(e.get("category"))),
            ]));
        }
    }
    lead.insert("email_addresses".into(), Value::Array(emails));
    let phones = get(record, "phone_numbers")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    let number = text_of(p.get("number"))?;
                    Some(object(vec![
                        ("number", Value::String(number)),
                        ("extension", Value::Null),
                        ("type", text(p.get("category"))),
                    ]))
                })
                .collect()
        })
        .unwrap_or_default();
    lead.insert("phone_numbers".into(), Value::Array(phones));
    lead.insert(
        "created_at".into(),
        naive::unix(get(record, "date_created")),
    );
    lead.insert(
        "updated_at".into(),
        naive::unix(get(record, "date_modified")),
    );
    lead
}
