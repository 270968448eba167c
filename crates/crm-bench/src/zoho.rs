//! Zoho CRM: `GET /crm/v8/Leads` answers `{data: [...], info: {...}}`. Ids are 19-digit numbers
//! sent as strings, `Owner` a lookup object, times carry the org's offset
//! (`2024-03-10T01:30:00+03:00`), custom fields sit next to standard ones.

use crate::gen::{self, huge_integer, opt, s, Obj, Rng};
use crate::naive::{self, get, object, text, text_of, Object};
use crate::Subject;
use crm_zoho::{Config, ZohoConnector};
use serde_json::value::RawValue;
use serde_json::Value;

pub const SUBJECT: Subject = Subject {
    name: "zoho",
    generate,
    parse_records,
    connector,
    naive_records,
    naive_map,
};

fn parse_records(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    Ok(crm_zoho::records::parse_page(body)?
        .data
        .unwrap_or_default())
}

fn connector() -> Box<dyn crm_core::DynConnector> {
    let config = Config::new("https://www.zohoapis.eu", "bench-token".to_owned().into());
    Box::new(ZohoConnector::new(config).expect("a valid configuration"))
}

fn naive_records(page: &Value) -> &[Value] {
    page.get("data")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

const OFFSETS: &[(i32, &str)] = &[
    (3 * 3600, "+03:00"),
    (-(5 * 3600 + 1800), "-05:30"),
    (0, "+00:00"),
    (5 * 3600 + 1800, "+05:30"),
    (-(8 * 3600), "-08:00"),
];

/// The org's local time with its offset, as Zoho writes it.
fn time(secs: i64, offset: (i32, &str)) -> String {
    format!(
        "{}{}",
        gen::utc(secs + i64::from(offset.0)).format("%Y-%m-%dT%H:%M:%S"),
        offset.1
    )
}

const ZOHO_ID_BASE: u64 = 4_150_868_000_000_000_000;

fn record(rng: &mut Rng, i: usize) -> String {
    let offset = OFFSETS[rng.below(OFFSETS.len() as u64) as usize];
    let created = rng.unix_time();
    let owner = rng.below(20);
    let (city, state, postal, country) = gen::PLACES[rng.below(gen::PLACES.len() as u64) as usize];
    let maybe = |rng: &mut Rng, percent: u64, value: &dyn Fn(&mut Rng) -> String| {
        if rng.chance(percent) {
            "null".to_owned()
        } else {
            s(&value(rng))
        }
    };
    Obj::new()
        .raw(
            "Owner",
            Obj::new()
                .str(
                    "name",
                    &format!(
                        "{} {}",
                        rng.pick(gen::FIRST_NAMES),
                        rng.pick(gen::LAST_NAMES)
                    ),
                )
                .str("id", &(ZOHO_ID_BASE + 225_000 + owner).to_string())
                .str("email", &format!("owner.{owner}@example.com"))
                .end(),
        )
        .raw("Email", maybe(rng, 10, &|r| gen::email(r, i)))
        .raw(
            "Secondary_Email",
            maybe(rng, 70, &|_| format!("alt.{i}@example.org")),
        )
        .raw("Phone", maybe(rng, 15, &gen::phone))
        .raw("Mobile", maybe(rng, 40, &gen::phone))
        .raw("Fax", maybe(rng, 85, &gen::phone))
        .raw(
            "Lead_Source",
            opt((!rng.chance(15)).then(|| rng.pick(gen::SOURCES))),
        )
        .raw(
            "Designation",
            opt((!rng.chance(25)).then(|| rng.pick(gen::TITLES))),
        )
        .str("First_Name", rng.pick(gen::FIRST_NAMES))
        .str("Last_Name", rng.pick(gen::LAST_NAMES))
        .raw("Street", maybe(rng, 20, &|r| gen::street(r, "\n")))
        .str("City", city)
        .raw("State", opt((!state.is_empty()).then_some(state)))
        .str("Zip_Code", postal)
        .str("Country", country)
        .raw(
            "Last_Activity_Time",
            maybe(rng, 30, &|_| time(created + 86_400, offset)),
        )
        .str("Created_Time", &time(created, offset))
        .str(
            "Modified_Time",
            &time(created + rng.below(86_400 * 30) as i64, offset),
        )
        .str("Company", rng.pick(gen::COMPANIES))
        .str(
            "Lead_Status",
            rng.pick(&[
                "Not Contacted",
                "Attempted to Contact",
                "Contact in Future",
                "Pre-Qualified",
            ]),
        )
        .raw(
            "Annual_Revenue",
            if rng.chance(30) {
                "null".to_owned()
            } else {
                format!("{}.{:02}", rng.below(10_000_000), rng.below(100))
            },
        )
        .num("No_of_Employees", rng.below(5000))
        .raw(
            "Preferred_Language__c",
            opt(Some(rng.pick(&[
                "Deutsch",
                "Français",
                "Español",
                "日本語",
                "English",
            ]))),
        )
        .num("External_Ref__c", huge_integer(rng))
        .bool("Email_Opt_Out", rng.chance(10))
        .str("$currency_symbol", "€")
        .bool("$approved", true)
        .str("id", &(ZOHO_ID_BASE + 2_175 + i as u64).to_string())
        .end()
}

fn generate(records: usize, seed: u64) -> String {
    Obj::new()
        .raw("data", gen::records(records, seed, record))
        .raw(
            "info",
            Obj::new()
                .num("per_page", records)
                .null("next_page_token")
                .num("count", records)
                .str("sort_by", "id")
                .num("page", 1)
                .null("previous_page_token")
                .null("page_token_expiry")
                .str("sort_order", "desc")
                .bool("more_records", false)
                .end(),
        )
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
        Value::String(text_of(get(record, "id")).unwrap_or_default()),
    );
    lead.insert(
        "owner".into(),
        naive::reference(get(record, "Owner").and_then(|o| o.get("id"))),
    );
    lead.insert("lead_source".into(), text(get(record, "Lead_Source")));
    lead.insert("title".into(), text(get(record, "Designation")));
    lead.insert("first_name".into(), text(get(record, "First_Name")));
    lead.insert("last_name".into(), text(get(record, "Last_Name")));
    let (street_1, street_2) = street(get(record, "Street"));
    let address = naive::address(
        street_1,
        street_2,
        text(get(record, "City")),
        text(get(record, "State")),
        text(get(record, "Zip_Code")),
        text(get(record, "Country")),
    );
    let addresses = if naive::address_is_empty(&address) {
        vec![]
    } else {
        vec![address]
    };
    lead.insert("addresses".into(), Value::Array(addresses));
    let mut emails = Vec::new();
    for (key, kind) in [("Email", "primary"), ("Secondary_Email", "secondary")] {
        if let Some(email) = text_of(get(record, key)) {
            emails.push(object(vec![
                ("email", Value::String(email)),
                ("type", Value::String(kind.into())),
            ]));
        }
    }
    lead.insert("email_addresses".into(), Value::Array(emails));
    let mut phones = Vec::new();
    for (key, kind) in [("Phone", "work"), ("Mobile", "mobile"), ("Fax", "fax")] {
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
        "last_activity_at".into(),
        naive::datetime(get(record, "Last_Activity_Time")),
    );
    lead.insert(
        "created_at".into(),
        naive::datetime(get(record, "Created_Time")),
    );
    lead.insert(
        "updated_at".into(),
        naive::datetime(get(record, "Modified_Time")),
    );
    lead
}
