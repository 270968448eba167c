//! Every filter alone and all together: the fixture's request holds the exact expected SOQL, so a
//! replayed exchange proves the translation and the escaping.

use crate::support::*;
use crm_core::time::parse_datetime;
use crm_core::{LeadFilters, LeadQuery};
use std::collections::BTreeMap;

fn at(s: &str) -> Option<crm_core::Timestamp> {
    Some(parse_datetime(s).unwrap_or_else(|e| panic!("{e}")))
}

async fn run(scenario: &str, filters: LeadFilters) {
    let replay = start(scenario).await;
    let query = LeadQuery {
        filters,
        ..LeadQuery::default()
    };
    let pages = walk(&connector(&replay), &query)
        .await
        .unwrap_or_else(|e| panic!("{scenario}: {e}"));
    replay.verify().await;
    crm_testkit::assert_json_snapshot!(scenario, pages);
}

fn name() -> String {
    "Zoë O'Brien \"Z\" \\ Jr".into()
}
fn country() -> String {
    "Côte d'Ivoire".into()
}
fn state() -> String {
    "Île-de-France\nParis".into()
}
fn lead_source() -> String {
    "Partner_Referral 100%".into()
}
fn emails() -> Vec<String> {
    vec![
        "o'brien@example.com".into(),
        "zoë.test@example.com".into(),
        "back\\slash\"quote@example.com".into(),
    ]
}
fn custom() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("nickname__c".into(), "50%_off 'deal'\nZoë".into()),
        ("Score__c".into(), "-3.5".into()),
        ("Vip__c".into(), "true".into()),
        ("Met_On__c".into(), "2024-05-06".into()),
    ])
}

fn time_filters(f: &mut LeadFilters) {
    f.created_at.gte = at("2024-01-01T00:00:00Z");
    f.created_at.lt = at("2024-02-01T00:00:00.500+01:00");
    f.updated_at.gt = at("2024-03-01T10:00:00.999Z");
    f.updated_at.lte = at("2024-03-31");
    f.converted_at.gte = at("2024-02-01T00:00:00Z");
    f.converted_at.lt = at("2024-03-01T12:00:00Z");
}

#[tokio::test]
async fn owner_id() {
    run(
        "filter_owner_id",
        LeadFilters {
            owner_id: Some("005FK00000Us0001AA".into()),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn account_id() {
    run(
        "filter_account_id",
        LeadFilters {
            account_id: Some("001FK00000Ac0001AA".into()),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn name_with_quotes_backslash_and_non_ascii() {
    run(
        "filter_name",
        LeadFilters {
            name: Some(name()),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn country_with_quote() {
    run(
        "filter_country",
        LeadFilters {
            country: Some(country()),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn state_with_newline() {
    run(
        "filter_state",
        LeadFilters {
            state: Some(state()),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn lead_source_with_wildcard_characters() {
    run(
        "filter_lead_source",
        LeadFilters {
            lead_source: Some(lead_source()),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn created_at_range() {
    let mut f = LeadFilters::default();
    f.created_at.gte = at("2024-01-01T00:00:00Z");
    f.created_at.lt = at("2024-02-01T00:00:00.500+01:00");
    run("filter_created_at", f).await;
}

#[tokio::test]
async fn updated_at_range() {
    let mut f = LeadFilters::default();
    f.updated_at.gt = at("2024-03-01T10:00:00.999Z");
    f.updated_at.lte = at("2024-03-31");
    run("filter_updated_at", f).await;
}

#[tokio::test]
async fn converted_at_range_on_a_date_field() {
    let mut f = LeadFilters::default();
    f.converted_at.gte = at("2024-02-01T00:00:00Z");
    f.converted_at.lt = at("2024-03-01T12:00:00Z");
    run("filter_converted_at", f).await;
}

#[tokio::test]
async fn email_addresses_any_of() {
    run(
        "filter_email_addresses",
        LeadFilters {
            email_addresses: emails(),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn custom_fields_typed_by_describe() {
    run(
        "filter_custom_fields",
        LeadFilters {
            custom_fields: custom(),
            ..Default::default()
        },
    )
    .await;
}

#[tokio::test]
async fn every_filter_combined() {
    let mut f = LeadFilters {
        owner_id: Some("005FK00000Us0001AA".into()),
        account_id: Some("001FK00000Ac0001AA".into()),
        name: Some(name()),
        country: Some(country()),
        state: Some(state()),
        lead_source: Some(lead_source()),
        email_addresses: emails(),
        include_custom_fields: true,
        custom_fields: custom(),
        ..Default::default()
    };
    time_filters(&mut f);
    run("filters_combined", f).await;
}

#[tokio::test]
async fn malformed_ids_are_refused_before_any_request() {
    let replay = no_requests().await;
    let connector = connector(&replay);
    for (filters, parameter) in [
        (
            LeadFilters {
                owner_id: Some("42".into()),
                ..Default::default()
            },
            "owner[id]",
        ),
        (
            LeadFilters {
                account_id: Some("001' OR Id != '".into()),
                ..Default::default()
            },
            "account[id]",
        ),
    ] {
        let query = LeadQuery {
            filters,
            ..LeadQuery::default()
        };
        let err = page(&connector, &query).await.unwrap_err();
        assert_eq!(err.http_status(), 400);
        assert!(err.to_string().contains(parameter), "{err}");
    }
    replay.verify().await;
}
