//! The two pipelines of the benchmarks compute the same thing: the naive `Value`-tree pipeline and
//! ours agree on every unified field of a generated page, and ours keeps `remote_data` (big
//! integers and decimals included) byte for byte.

use crm_bench::{subjects, Subject};
use crm_core::LeadQuery;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

const RECORDS: usize = 300;

#[derive(Deserialize)]
struct Response {
    result: Vec<Item>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Item {
    remote_data: Box<RawValue>,
    #[serde(flatten)]
    unified: serde_json::Map<String, Value>,
}

fn ours(subject: &Subject, page: &[u8]) -> Response {
    let connector = subject.connector();
    let body = subject.unified(connector.as_ref(), &LeadQuery::default(), page);
    serde_json::from_slice(&body).expect("our response is JSON")
}

fn naive(subject: &Subject, page: &[u8]) -> Vec<Value> {
    let body: Value = serde_json::from_slice(&subject.naive(page)).expect("naive response is JSON");
    assert_eq!(body["next_cursor"], Value::Null);
    body["result"].as_array().expect("a result array").clone()
}

#[test]
fn naive_and_ours_agree_on_every_unified_field() {
    for subject in subjects() {
        let page = subject.page(RECORDS, 7);
        let ours = ours(&subject, &page);
        let naive = naive(&subject, &page);
        assert_eq!(ours.next_cursor, None);
        assert_eq!(ours.result.len(), RECORDS, "{}", subject.name);
        assert_eq!(naive.len(), RECORDS, "{}", subject.name);
        for (index, (ours, naive)) in ours.result.iter().zip(&naive).enumerate() {
            let mut naive = naive.as_object().expect("an object").clone();
            naive.remove("remote_data").expect("naive remote_data");
            assert_eq!(
                Value::Object(ours.unified.clone()),
                Value::Object(naive),
                "{} record #{index}",
                subject.name
            );
        }
    }
}

#[test]
fn generated_pages_exercise_every_mapped_shape() {
    // A check on the generator: the comparison above is only worth something if the page has
    // non-ASCII text, several phones, multi-line streets, nulls and dates of the provider's format.
    for subject in subjects() {
        let page = subject.page(RECORDS, 7);
        let response = ours(&subject, &page);
        let text = String::from_utf8(page.clone()).unwrap();
        assert!(text.contains('ü') || text.contains('é'), "{}", subject.name);
        let leads: Vec<&serde_json::Map<String, Value>> =
            response.result.iter().map(|i| &i.unified).collect();
        let any = |f: &dyn Fn(&serde_json::Map<String, Value>) -> bool| leads.iter().any(|l| f(l));
        assert!(any(&|l| l.values().any(Value::is_null)), "{}", subject.name);
        assert!(any(&|l| l["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))));
        if subject.name != "pipedrive" {
            assert!(any(&|l| l["phone_numbers"]
                .as_array()
                .is_some_and(|p| p.len() >= 2)));
            assert!(
                any(&|l| l["addresses"][0]["street_2"].is_string()),
                "{}",
                subject.name
            );
            assert!(any(&|l| l["addresses"][0]["city"]
                .as_str()
                .is_some_and(|c| !c.is_ascii())));
        }
        assert_eq!(
            subject.page(RECORDS, 7),
            page,
            "{} pages are deterministic",
            subject.name
        );
    }
}

/// The first JSON number of `record` with more digits than fit a `u64`.
fn huge_number(record: &str) -> String {
    let bytes = record.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let before = start.checked_sub(1).map(|p| bytes[p]);
        if i - start > 20 && before != Some(b'"') && !matches!(bytes.get(i), Some(b'"')) {
            return record[start..i].to_owned();
        }
        i += 1;
    }
    panic!("no huge number in {record}");
}

#[test]
fn remote_data_is_the_record_byte_for_byte_big_integers_included() {
    for subject in subjects() {
        let page = subject.page(RECORDS, 11);
        let records = subject.parse_records(&page);
        let ours = ours(&subject, &page);
        for (record, item) in records.iter().zip(&ours.result) {
            assert_eq!(item.remote_data.get(), record.get(), "{}", subject.name);
        }
        // The page holds whole numbers beyond u64 (custom number fields): they come out exactly,
        // where a Value tree turns them into rounded floats.
        let huge = huge_number(records[0].get());
        let unified = String::from_utf8(subject.unified(
            subject.connector().as_ref(),
            &LeadQuery::default(),
            &page,
        ))
        .unwrap();
        assert!(unified.contains(&huge), "{}: {huge}", subject.name);
        let naive = String::from_utf8(subject.naive(&page)).unwrap();
        assert!(
            !naive.contains(&huge),
            "{}: the naive pipeline rounds {huge}",
            subject.name
        );

        // The raw format is the records untouched, in page order.
        let raw: Response2 = serde_json::from_slice(&subject.raw(&page)).unwrap();
        assert_eq!(raw.result.len(), records.len());
        for (a, b) in raw.result.iter().zip(&records) {
            assert_eq!(a.get(), b.get());
        }
    }
}

#[derive(Deserialize)]
struct Response2 {
    result: Vec<Box<RawValue>>,
}
