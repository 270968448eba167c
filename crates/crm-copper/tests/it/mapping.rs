//! Leads with empty parts, as Copper sends them, through the whole pipeline.

use crate::support::{connector, page, query, rendered, start};
use crm_core::{ResponseFormat, ResponseOptions};

#[tokio::test]
async fn leads_with_null_address_email_and_several_phones() {
    let replay = start("leads_with_nulls").await;
    let listed = page(&connector(&replay.uri()), &query("")).await.unwrap();
    replay.verify().await;
    let value = rendered(listed, &ResponseOptions::default());

    let leads = value["result"].as_array().unwrap();
    assert_eq!(leads[0]["owner"], serde_json::Value::Null);
    assert_eq!(leads[0]["addresses"], serde_json::json!([]));
    assert_eq!(leads[0]["email_addresses"], serde_json::json!([]));
    assert_eq!(leads[0]["phone_numbers"].as_array().map(Vec::len), Some(4));
    assert!(leads.iter().all(|l| l.get("lead_source").is_none()));
    assert_eq!(
        leads[0]["remote_data"]["customer_source_id"],
        serde_json::Value::Null
    );
    crm_testkit::assert_json_snapshot!("leads_with_nulls", value);
}

#[tokio::test]
async fn normalized_format_drops_empty_values() {
    let replay = start("leads_with_nulls").await;
    let listed = page(&connector(&replay.uri()), &query("")).await.unwrap();
    replay.verify().await;
    let options = ResponseOptions {
        format: ResponseFormat::Normalized,
        ignore_remote_data: true,
        ..ResponseOptions::default()
    };
    let value = rendered(listed, &options);
    crm_testkit::assert_json_snapshot!("leads_with_nulls_normalized", value);
}
