//! Insightly: `GET /v3.1/Leads` answers a bare JSON array of leads with upper-case keys; ids are
//! JSON integers (int64), times `YYYY-MM-DD HH:MM:SS` in UTC without a zone, `EMAIL` is `""` when
//! empty, one address in flat `ADDRESS_*` fields, custom fields as `CUSTOMFIELDS[]`.

use crate::gen::{self, array, huge_integer, s, Obj, Rng};
use crate::naive::{self, get, text, text_of, Object};
use crate::Subject;
use crm_insightly::{Config, InsightlyConnector};
use serde_json::Value;

pub const SUBJECT: Subject = Subject {
    name: "insightly",
    generate,
    parse_records: crm_insightly::records::parse_page,
    connector,
    naive_records,
    naive_map,
};

fn connector() -> Box<dyn crm_core::DynConnector> {
    Box::new(InsightlyConnector::new(Config::new("bench-key")).expect("a valid configuration"))
}

fn naive_records(page: &Value) -> &[Value] {
    page.as_array().map_or(&[], Vec::as_slice)
}

fn time(secs: i64) -> String {
    s(&gen::utc(secs).format("%Y-%m-%d %H:%M:%S").to_string())
}

fn id_or_null(rng: &mut Rng, null_percent: u64, base: u64) -> String {
    if rng.chance(null_percent) {
        "null".to_owned()
    } else {
        (base + rng.below(1_000)).to_string()
    }
}

fn record(rng: &mut Rng, i: usize) -> String {
    let first = rng.pick(gen::FIRST_NAMES);
    let last = rng.pick(gen::LAST_NAMES);
    let (city, state, postal, country) = gen::PLACES[rng.below(gen::PLACES.len() as u64) as usize];
    let created = rng.unix_time();
    let converted = rng.chance(15);
    let phone = |rng: &mut Rng, percent: u64| {
        if rng.chance(percent) {
            s(&gen::phone(rng))
        } else {
            "null".to_owned()
        }
    };
    let custom_fields = array([
        Obj::new()
            .str("FIELD_NAME", "Lead_Score__c")
            .raw("FIELD_VALUE", huge_integer(rng))
            .str("CUSTOM_FIELD_ID", "Lead_Score__c")
            .end(),
        Obj::new()
            .str("FIELD_NAME", "Regions__c")
            .str("FIELD_VALUE", "north;süd;east")
            .str("CUSTOM_FIELD_ID", "Regions__c")
            .end(),
        Obj::new()
            .str("FIELD_NAME", "Budget__c")
            .raw(
                "FIELD_VALUE",
                format!("{}.{:02}", rng.below(100_000), rng.below(100)),
            )
            .str("CUSTOM_FIELD_ID", "Budget__c")
            .end(),
    ]);
    let mut o = Obj::new()
        .num("LEAD_ID", 9_000_000_000_000_000_000u64 + i as u64)
        .str("SALUTATION", rng.pick(&["Ms", "Mr", "Dr", "Mx"]))
        .str("FIRST_NAME", first)
        .str("LAST_NAME", last)
        .raw("LEAD_SOURCE_ID", id_or_null(rng, 30, 3_794_750))
        .num("LEAD_STATUS_ID", 3_724_795 + rng.below(4))
        .raw(
            "TITLE",
            if rng.chance(20) {
                "null".to_owned()
            } else {
                s(rng.pick(gen::TITLES))
            },
        )
        .bool("CONVERTED", converted);
    o = if converted {
        o.num("CONVERTED_CONTACT_ID", 312_000_000 + rng.below(1000))
            .raw("CONVERTED_DATE_UTC", time(created + 86_400))
            .num("CONVERTED_OPPORTUNITY_ID", 512_000_000 + rng.below(1000))
            .num("CONVERTED_ORGANISATION_ID", 412_000_000 + rng.below(1000))
    } else {
        o.null("CONVERTED_CONTACT_ID")
            .null("CONVERTED_DATE_UTC")
            .null("CONVERTED_OPPORTUNITY_ID")
            .null("CONVERTED_ORGANISATION_ID")
    };
    o.raw("DATE_CREATED_UTC", time(created))
        .raw(
            "DATE_UPDATED_UTC",
            time(created + rng.below(86_400 * 90) as i64),
        )
        .str(
            "EMAIL",
            &if rng.chance(10) {
                String::new()
            } else {
                gen::email(rng, i)
            },
        )
        .num("EMPLOYEE_COUNT", rng.below(500))
        .raw("FAX", phone(rng, 10))
        .null("INDUSTRY")
        .str(
            "LEAD_DESCRIPTION",
            "Met at the fair; wants a demo in Q3 — follow up.",
        )
        .null("LEAD_RATING")
        .raw("MOBILE", phone(rng, 50))
        .raw("OWNER_USER_ID", id_or_null(rng, 10, 2_240_727))
        .raw("PHONE", phone(rng, 80))
        .num("RESPONSIBLE_USER_ID", 2_240_727 + rng.below(20))
        .str(
            "WEBSITE",
            &format!("https://www.{}", rng.pick(gen::DOMAINS)),
        )
        .str("ADDRESS_STREET", &gen::street(rng, "\n"))
        .str("ADDRESS_CITY", city)
        .opt("ADDRESS_STATE", (!state.is_empty()).then_some(state))
        .str("ADDRESS_POSTCODE", postal)
        .str("ADDRESS_COUNTRY", country)
        .raw(
            "LAST_ACTIVITY_DATE_UTC",
            if rng.chance(50) {
                "null".to_owned()
            } else {
                time(created + 3_600)
            },
        )
        .null("NEXT_ACTIVITY_DATE_UTC")
        .str("VISIBLE_TO", "EVERYONE")
        .null("VISIBLE_TEAM_ID")
        .str("ORGANISATION_NAME", rng.pick(gen::COMPANIES))
        .num("CREATED_USER_ID", 2_240_727)
        .null("IMAGE_URL")
        .bool("EMAIL_OPTED_OUT", false)
        .raw("CUSTOMFIELDS", custom_fields)
        .raw(
            "TAGS",
            array([
                Obj::new().str("TAG_NAME", "bench").end(),
                Obj::new()
                    .str("TAG_NAME", rng.pick(&["vip", "größe-xl", "trade-show"]))
                    .end(),
            ]),
        )
        .raw("LINKS", "[]")
        .str(
            "LINKED_EMAIL_ADDRESS",
            &format!("lead-{i}@mailbox.example.com"),
        )
        .end()
}

fn generate(records: usize, seed: u64) -> String {
    gen::records(records, seed, record)
}

fn phone(record: &Value, key: &str, kind: &str) -> Option<Value> {
    let number = text_of(get(record, key))?;
    Some(naive::object(vec![
        ("number", Value::String(number)),
        ("extension", Value::Null),
        ("type", Value::String(kind.to_owned())),
    ]))
}

fn naive_map(record: &Value) -> Object {
    let mut lead = Object::new();
    lead.insert(
        "id".into(),
        Value::String(text_of(get(record, "LEAD_ID")).unwrap_or_default()),
    );
    lead.insert(
        "owner".into(),
        naive::reference(get(record, "OWNER_USER_ID")),
    );
    lead.insert("title".into(), text(get(record, "TITLE")));
    let contact = get(record, "CONVERTED_CONTACT_ID");
    let organisation = get(record, "CONVERTED_ORGANISATION_ID");
    lead.insert("contact".into(), naive::reference(contact));
    lead.insert("account".into(), naive::reference(organisation));
    lead.insert("first_name".into(), text(get(record, "FIRST_NAME")));
    lead.insert("last_name".into(), text(get(record, "LAST_NAME")));
    let (street_1, street_2) =
        crm_core::Address::split_street(get(record, "ADDRESS_STREET").and_then(Value::as_str));
    let address = naive::address(
        street_1,
        street_2,
        text(get(record, "ADDRESS_CITY")),
        text(get(record, "ADDRESS_STATE")),
        text(get(record, "ADDRESS_POSTCODE")),
        text(get(record, "ADDRESS_COUNTRY")),
    );
    let addresses = if naive::address_is_empty(&address) {
        Vec::new()
    } else {
        vec![address]
    };
    lead.insert("addresses".into(), Value::Array(addresses));
    let emails = text_of(get(record, "EMAIL"))
        .map(|email| {
            naive::object(vec![
                ("email", Value::String(email)),
                ("type", Value::String("primary".into())),
            ])
        })
        .into_iter()
        .collect();
    lead.insert("email_addresses".into(), Value::Array(emails));
    let phones = [("PHONE", "work"), ("MOBILE", "mobile"), ("FAX", "fax")]
        .into_iter()
        .filter_map(|(key, kind)| phone(record, key, kind))
        .collect();
    lead.insert("phone_numbers".into(), Value::Array(phones));
    lead.insert(
        "last_activity_at".into(),
        naive::datetime(get(record, "LAST_ACTIVITY_DATE_UTC")),
    );
    lead.insert(
        "created_at".into(),
        naive::datetime(get(record, "DATE_CREATED_UTC")),
    );
    lead.insert(
        "updated_at".into(),
        naive::datetime(get(record, "DATE_UPDATED_UTC")),
    );
    lead.insert(
        "converted_at".into(),
        naive::datetime(get(record, "CONVERTED_DATE_UTC")),
    );
    lead.insert("converted_contact".into(), text(contact));
    lead.insert("converted_account".into(), text(organisation));
    lead
}
