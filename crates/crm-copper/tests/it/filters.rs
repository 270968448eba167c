//! Each supported filter alone and all combined. The fixtures match the JSON request bodies
//! exactly, so these tests prove the translation; the snapshots show what came back.

use crate::support::{query_from, single_page};

/// Quotes, a backslash, `,`, `&`, `#`, parentheses and non-ASCII letters.
const NAME: &str = "O'Brien \"Bob\" \\ Zoë, Ünal & Søn #1 (test)";
const EMAIL: &str = "o'brien+leads@example.com";

#[tokio::test]
async fn owner_id_becomes_assignee_ids() {
    let page = single_page("filter_owner", &query_from(&[("owner[id]", "806394")])).await;
    crm_testkit::assert_json_snapshot!("filter_owner", page);
}

#[tokio::test]
async fn name_is_sent_as_one_escaped_string() {
    let page = single_page("filter_name", &query_from(&[("name", NAME)])).await;
    assert_eq!(page["result"][0]["last_name"], NAME);
    crm_testkit::assert_json_snapshot!("filter_name", page);
}

#[tokio::test]
async fn country_names_become_two_letter_codes() {
    let page = single_page("filter_country", &query_from(&[("country", "Germany")])).await;
    crm_testkit::assert_json_snapshot!("filter_country", page);
}

#[tokio::test]
async fn created_at_bounds_are_exact_unix_seconds() {
    let q = query_from(&[
        ("created_at[gt]", "2024-01-01T00:00:00Z"),
        ("created_at[lt]", "2024-02-01T00:00:00.500Z"),
    ]);
    let page = single_page("filter_created_at", &q).await;
    crm_testkit::assert_json_snapshot!("filter_created_at", page);
}

#[tokio::test]
async fn created_at_equality_sets_both_bounds() {
    let q = query_from(&[("created_at", "2024-01-01T03:00:00Z")]);
    let page = single_page("filter_created_at_eq", &q).await;
    assert_eq!(page["result"][0]["created_at"], "2024-01-01T03:00:00.000Z");
}

#[tokio::test]
async fn updated_at_bounds_are_exact_unix_seconds() {
    let q = query_from(&[
        ("updated_at[gte]", "2024-01-01T00:59:59.250Z"),
        ("updated_at[lte]", "2024-01-01T05:01:00Z"),
    ]);
    let page = single_page("filter_updated_at", &q).await;
    crm_testkit::assert_json_snapshot!("filter_updated_at", page);
}

#[tokio::test]
async fn one_email_address_becomes_emails() {
    let page = single_page("filter_email", &query_from(&[("email_addresses[]", EMAIL)])).await;
    crm_testkit::assert_json_snapshot!("filter_email", page);
}

#[tokio::test]
async fn all_filters_combined_with_remote_query() {
    let q = query_from(&[
        ("owner[id]", "806394"),
        ("name", NAME),
        ("country", "us"),
        ("email_addresses[]", EMAIL),
        ("created_at[gte]", "2024-01-01T00:00:00Z"),
        ("created_at[lt]", "2024-02-01T00:00:00Z"),
        ("updated_at[gt]", "2024-01-01T00:00:00Z"),
        ("updated_at[lt]", "2024-03-01T00:00:00Z"),
        ("remote_query[status_ids]", "[1079553]"),
        ("remote_query[tags]", "[\"vip\"]"),
        ("limit", "50"),
    ]);
    let page = single_page("filters_combined", &q).await;
    crm_testkit::assert_json_snapshot!("filters_combined", page);
}
