//! Pipedrive: `GET /v1/leads` answers `{success, data: [...], additional_data}`. Lead ids are
//! UUIDs, owner/person/organization ids integers, times `2020-10-14T11:30:36.551Z`, custom fields
//! 40-hex-character keys (an address custom field spreads over several keys).

use crate::gen::{self, huge_integer, opt, s, Obj, Rng};
use crate::naive::{self, get, text, text_of, Object};
use crate::Subject;
use crm_pipedrive::{Config, PipedriveConnector};
use serde_json::value::RawValue;
use serde_json::Value;

pub const SUBJECT: Subject = Subject {
    name: "pipedrive",
    generate,
    parse_records,
    connector,
    naive_records,
    naive_map,
};

fn parse_records(body: &[u8]) -> serde_json::Result<Vec<Box<RawValue>>> {
    Ok(crm_pipedrive::parse_page(body)?.data.unwrap_or_default())
}

fn connector() -> Box<dyn crm_core::DynConnector> {
    let config = Config::api_token("bench-token".to_owned().into());
    Box::new(PipedriveConnector::new(config).expect("a valid configuration"))
}

fn naive_records(page: &Value) -> &[Value] {
    page.get("data")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn time(secs: i64, millis: u64) -> String {
    format!(
        "{}.{millis:03}Z",
        gen::utc(secs).format("%Y-%m-%dT%H:%M:%S")
    )
}

fn record(rng: &mut Rng, i: usize) -> String {
    let keys: Vec<String> = (0..6).map(gen::hex_key).collect();
    let added = rng.unix_time();
    let (city, _, postal, country) = gen::PLACES[rng.below(gen::PLACES.len() as u64) as usize];
    let street = gen::street(rng, ", ");
    let title = format!(
        "{} {} – {}",
        rng.pick(gen::FIRST_NAMES),
        rng.pick(gen::LAST_NAMES),
        rng.pick(gen::COMPANIES)
    );
    Obj::new()
        .str(
            "id",
            &format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                i,
                rng.below(0x10000),
                rng.below(0x1000),
                rng.below(0x1000),
                rng.below(1 << 48)
            ),
        )
        .str("title", &title)
        .num("owner_id", 10_000 + rng.below(40))
        .num("creator_id", 10_000 + rng.below(40))
        .raw(
            "label_ids",
            gen::array([s("a1b2c3d4-0000-4000-8000-0000000000b1")]),
        )
        .raw(
            "person_id",
            if rng.chance(15) {
                "null".to_owned()
            } else {
                (20_000 + rng.below(100_000)).to_string()
            },
        )
        .raw(
            "organization_id",
            if rng.chance(40) {
                "null".to_owned()
            } else {
                (30_000 + rng.below(20_000)).to_string()
            },
        )
        .raw(
            "source_name",
            opt((!rng.chance(10)).then(|| {
                rng.pick(&[
                    "API",
                    "Manually created",
                    "Web forms",
                    "Import",
                    "Leadbooster",
                ])
            })),
        )
        .str("origin", "API")
        .null("origin_id")
        .raw(
            "channel",
            if rng.chance(50) {
                "null".to_owned()
            } else {
                rng.below(60).to_string()
            },
        )
        .null("channel_id")
        .bool("is_archived", false)
        .bool("was_seen", rng.chance(50))
        .raw(
            "value",
            if rng.chance(30) {
                "null".to_owned()
            } else {
                Obj::new()
                    .num("amount", rng.below(100_000))
                    .str("currency", rng.pick(&["USD", "EUR", "GBP"]))
                    .end()
            },
        )
        .raw(
            "expected_close_date",
            if rng.chance(60) {
                "null".to_owned()
            } else {
                s(&gen::utc(added + 86_400 * 60).format("%Y-%m-%d").to_string())
            },
        )
        .raw(
            "next_activity_id",
            if rng.chance(50) {
                "null".to_owned()
            } else {
                rng.below(1_000_000).to_string()
            },
        )
        .str("add_time", &time(added, rng.below(1000)))
        .str(
            "update_time",
            &time(added + rng.below(86_400 * 90) as i64, rng.below(1000)),
        )
        .str("visible_to", "3")
        .str(
            "cc_email",
            &format!("acme+{}+lead{i}@pipedrivemail.com", rng.below(100)),
        )
        .str(&keys[0], rng.pick(gen::TITLES))
        .num(&keys[1], huge_integer(rng))
        .raw(
            &keys[2],
            format!("{}.{:02}", rng.below(10_000), rng.below(100)),
        )
        .str(&keys[3], &format!("{street}, {postal} {city}, {country}"))
        .str(&format!("{}_route", keys[3]), &street)
        .str(&format!("{}_locality", keys[3]), city)
        .str(&format!("{}_postal_code", keys[3]), postal)
        .str(&format!("{}_country", keys[3]), country)
        .str(&keys[4], &gen::phone(rng))
        .raw(
            &keys[5],
            if rng.chance(50) {
                "null".to_owned()
            } else {
                (1 + rng.below(40)).to_string()
            },
        )
        .end()
}

fn generate(records: usize, seed: u64) -> String {
    Obj::new()
        .bool("success", true)
        .raw("data", gen::records(records, seed, record))
        .raw(
            "additional_data",
            Obj::new()
                .num("start", 0)
                .num("limit", records)
                .bool("more_items_in_collection", false)
                .end(),
        )
        .end()
}

fn naive_map(record: &Value) -> Object {
    let mut lead = Object::new();
    lead.insert(
        "id".into(),
        Value::String(text_of(get(record, "id")).unwrap_or_default()),
    );
    lead.insert("owner".into(), naive::reference(get(record, "owner_id")));
    lead.insert("lead_source".into(), text(get(record, "source_name")));
    lead.insert("title".into(), text(get(record, "title")));
    lead.insert("contact".into(), naive::reference(get(record, "person_id")));
    lead.insert(
        "account".into(),
        naive::reference(get(record, "organization_id")),
    );
    lead.insert(
        "created_at".into(),
        naive::datetime(get(record, "add_time")),
    );
    lead.insert(
        "updated_at".into(),
        naive::datetime(get(record, "update_time")),
    );
    lead
}
