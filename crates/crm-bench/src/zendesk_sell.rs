//! Zendesk Sell: `GET /v2/leads` answers `{items: [{data: {...}, meta: {version, type}}], meta:
//! {type, count, links}}`. Ids are integers, times `2014-08-27T16:32:56Z` (UTC, no fraction), one
//! e-mail, phone/mobile/fax, one address, custom fields keyed by name (a huge account number
//! among them). The benchmark maps what the record holds; the lead source names and conversions
//! come from page enrichment, which needs HTTP and is not part of this pipeline.

use crate::gen::{self, huge_integer, opt, s, Obj, Rng};
use crate::naive::{self, get, object, text, text_of, Object};
use crate::Subject;
use crm_zendesk_sell::{Config, ZendeskSellConnector};
use serde_json::value::RawValue;
use serde_json::Value;

pub const SUBJECT: Subject = Subject {
    name: "zendesk-sell",
    generate,
    parse_records,
    connector,
    naive_records,
    naive_map,
};

fn parse_records(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    Ok(crm_zendesk_sell::parse_page(body)?.items)
}

fn connector() -> Box<dyn crm_core::DynConnector> {
    let config = Config::access_token("bench-token".to_owned().into());
    Box::new(ZendeskSellConnector::new(config).expect("a valid configuration"))
}

fn naive_records(page: &Value) -> &[Value] {
    page.get("items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn time(secs: i64) -> String {
    gen::utc(secs).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn maybe(rng: &mut Rng, percent_null: u64, value: String) -> String {
    if rng.chance(percent_null) {
        "null".to_owned()
    } else {
        s(&value)
    }
}

fn record(rng: &mut Rng, i: usize) -> String {
    let created = rng.unix_time();
    let (city, state, postal, country) = gen::PLACES[rng.below(gen::PLACES.len() as u64) as usize];
    let first = rng.pick(gen::FIRST_NAMES);
    let last = rng.pick(gen::LAST_NAMES);
    let address = if rng.chance(10) {
        "null".to_owned()
    } else {
        Obj::new()
            .str("line1", &gen::street(rng, "\n"))
            .str("city", city)
            .str("postal_code", postal)
            .opt("state", (!state.is_empty()).then_some(state))
            .str("country", country)
            .end()
    };
    let email = gen::email(rng, i);
    let phone = gen::phone(rng);
    let mobile = gen::phone(rng);
    let data = Obj::new()
        .num("id", 302_488_000 + i)
        .num("creator_id", 2_393_211 + rng.below(40))
        .raw(
            "owner_id",
            if rng.chance(10) {
                "null".to_owned()
            } else {
                (2_393_211 + rng.below(40)).to_string()
            },
        )
        .str("first_name", first)
        .str("last_name", last)
        .str("organization_name", rng.pick(gen::COMPANIES))
        .str("status", rng.pick(&["New", "Working", "Unqualified"]))
        .raw(
            "source_id",
            if rng.chance(20) {
                "null".to_owned()
            } else {
                (7_101 + rng.below(6)).to_string()
            },
        )
        .null("unqualified_reason_id")
        .raw(
            "title",
            opt((!rng.chance(20)).then(|| rng.pick(gen::TITLES))),
        )
        .raw(
            "description",
            maybe(rng, 70, format!("Met at booth {i} – „Größe“")),
        )
        .null("industry")
        .str(
            "website",
            &format!("https://www.{}", rng.pick(gen::DOMAINS)),
        )
        .raw("email", maybe(rng, 10, email))
        .raw("phone", maybe(rng, 10, phone))
        .raw("mobile", maybe(rng, 40, mobile))
        .raw("fax", maybe(rng, 80, "+1 415-555-0000".to_owned()))
        .null("twitter")
        .null("facebook")
        .null("linkedin")
        .null("skype")
        .raw("address", address)
        .raw(
            "tags",
            gen::array([s("bench"), s(rng.pick(&["vip", "größe-xl"]))]),
        )
        .raw(
            "custom_fields",
            Obj::new()
                .str("Segment", rng.pick(&["SMB", "Enterprise"]))
                .num("Account number", huge_integer(rng))
                .raw("Score", format!("{}.{:02}", rng.below(100), rng.below(100)))
                .end(),
        )
        .str("created_at", &time(created))
        .str("updated_at", &time(created + rng.below(86_400 * 90) as i64))
        .end();
    Obj::new()
        .raw("data", data)
        .raw(
            "meta",
            Obj::new()
                .num("version", 1 + rng.below(40))
                .str("type", "lead")
                .end(),
        )
        .end()
}

fn generate(records: usize, seed: u64) -> String {
    Obj::new()
        .raw("items", gen::records(records, seed, record))
        .raw(
            "meta",
            Obj::new()
                .str("type", "collection")
                .num("count", records)
                .raw(
                    "links",
                    Obj::new()
                        .str(
                            "self",
                            "https://api.getbase.com/v2/leads?page=1&per_page=100",
                        )
                        .end(),
                )
                .end(),
        )
        .end()
}

fn naive_map(item: &Value) -> Object {
    let empty = Value::Null;
    let record = item.get("data").unwrap_or(&empty);
    let mut lead = Object::new();
    lead.insert(
        "id".into(),
        Value::String(text_of(get(record, "id")).unwrap_or_default()),
    );
    lead.insert("owner".into(), naive::reference(get(record, "owner_id")));
    lead.insert("title".into(), text(get(record, "title")));
    lead.insert("first_name".into(), text(get(record, "first_name")));
    lead.insert("last_name".into(), text(get(record, "last_name")));
    let mut addresses = Vec::new();
    if let Some(a) = get(record, "address") {
        let (street_1, street_2) =
            crm_core::Address::split_street(a.get("line1").and_then(Value::as_str));
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
    let emails = text_of(get(record, "email"))
        .map(|email| {
            object(vec![
                ("email", Value::String(email)),
                ("type", Value::String("primary".into())),
            ])
        })
        .into_iter()
        .collect();
    lead.insert("email_addresses".into(), Value::Array(emails));
    let phones = [("phone", "work"), ("mobile", "mobile"), ("fax", "fax")]
        .into_iter()
        .filter_map(|(key, kind)| {
            let number = text_of(get(record, key))?;
            Some(object(vec![
                ("number", Value::String(number)),
                ("extension", Value::Null),
                ("type", Value::String(kind.into())),
            ]))
        })
        .collect();
    lead.insert("phone_numbers".into(), Value::Array(phones));
    lead.insert(
        "created_at".into(),
        naive::datetime(get(record, "created_at")),
    );
    lead.insert(
        "updated_at".into(),
        naive::datetime(get(record, "updated_at")),
    );
    lead
}
