//! Leads as Insightly sends them (recorded and hand-made), through the whole pipeline.

use crate::support::{connector, page, query, rendered, start};
use crm_core::{ResponseFormat, ResponseOptions};
use serde_json::{json, Value};

#[tokio::test]
async fn converted_custom_multiline_and_big_ids() {
    let replay = start("leads_with_values").await;
    let listed = page(
        &connector(&replay.uri()),
        &query("include_custom_fields=true"),
    )
    .await
    .unwrap();
    replay.verify().await;
    let value = rendered(listed, &ResponseOptions::default());
    let leads = value["result"].as_array().unwrap();
    assert_eq!(leads[0]["converted_contact"], "312000001");
    assert_eq!(leads[0]["account"], json!({"id": "412000001"}));
    assert_eq!(leads[0]["addresses"][0]["street_2"], "Suite 5, Back door");
    assert_eq!(leads[0]["phone_numbers"].as_array().map(Vec::len), Some(3));
    assert_eq!(leads[0]["custom_fields"]["Regions__c"], "north;south");
    assert_eq!(leads[1]["owner"], Value::Null);
    assert_eq!(leads[1]["email_addresses"], json!([]));
    assert_eq!(leads[1]["addresses"], json!([]));
    assert_eq!(leads[2]["id"], "9007199254740993");
    assert!(leads.iter().all(|l| l.get("lead_source").is_none()));
    assert_eq!(leads[0]["remote_data"]["LEAD_SOURCE_ID"], 3794750);
    crm_testkit::assert_json_snapshot!("leads_with_values", value);
}

#[tokio::test]
async fn custom_fields_only_when_asked() {
    let replay = start("leads_with_values").await;
    let listed = page(&connector(&replay.uri()), &query("")).await.unwrap();
    replay.verify().await;
    let value = rendered(listed, &ResponseOptions::default());
    assert!(value["result"][0].get("custom_fields").is_none());
}

#[tokio::test]
async fn normalized_format() {
    let replay = start("leads_with_values").await;
    let listed = page(&connector(&replay.uri()), &query("")).await.unwrap();
    replay.verify().await;
    let options = ResponseOptions {
        format: ResponseFormat::Normalized,
        ignore_remote_data: true,
        ..ResponseOptions::default()
    };
    let value = rendered(listed, &options);
    assert_eq!(value["result"][0]["addresses"][0]["country"], "US");
    crm_testkit::assert_json_snapshot!("leads_with_values_normalized", value);
}

#[tokio::test]
async fn remote_data_is_the_record_byte_for_byte() {
    let replay = start("leads_with_values").await;
    let listed = page(&connector(&replay.uri()), &query("")).await.unwrap();
    replay.verify().await;
    let bytes = crm_core::render(listed, &ResponseOptions::default()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(r#""FIELD_VALUE": 1.10,"#), "{text}");
}
