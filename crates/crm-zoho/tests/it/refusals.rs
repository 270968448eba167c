//! Requests refused before any HTTP call: filters Zoho does not support, remote_query keys that
//! would override the connector, and cursors that were forged or altered.

use crate::support::*;
use crm_core::{Error, FilterKey, LeadQuery};
use serde_json::json;

#[tokio::test]
async fn owner_filter_is_unsupported_and_nothing_is_sent() {
    let replay = start_empty().await;
    let zoho = connector(config(&replay.uri()));
    let mut query = LeadQuery::default();
    query.filters.owner_id = Some("9990000000000001001".into());
    let err = list(&zoho, &query).await.expect_err("refused");
    replay.verify().await;
    assert!(
        matches!(
            err,
            Error::UnsupportedFilter {
                filter: FilterKey::OwnerId,
                provider: crm_zoho::PROVIDER,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.http_status(), 400);
}

#[tokio::test]
async fn every_filter_is_refused_without_a_request() {
    let replay = start_empty().await;
    let zoho = connector(config(&replay.uri()));
    let time = crm_core::time::parse_datetime("2024-01-01T00:00:00Z").unwrap();
    let mut queries = Vec::new();
    let mut q = LeadQuery::default();
    q.filters.name = Some("O'Brien (test), \\ & #".into());
    queries.push(q);
    let mut q = LeadQuery::default();
    q.filters.created_at.gte = Some(time);
    queries.push(q);
    let mut q = LeadQuery::default();
    q.filters.email_addresses = vec!["a@example.com".into()];
    queries.push(q);
    let mut q = LeadQuery::default();
    q.filters.include_custom_fields = true;
    queries.push(q);
    for query in queries {
        let err = list(&zoho, &query).await.expect_err("refused");
        assert!(matches!(err, Error::UnsupportedFilter { .. }), "{err:?}");
    }
    replay.verify().await;
}

#[tokio::test]
async fn remote_query_cannot_override_paging_fields_or_sort() {
    let replay = start_empty().await;
    let zoho = connector(config(&replay.uri()));
    for key in [
        "page",
        "page_token",
        "per_page",
        "fields",
        "converted",
        "sort_by",
        "sort_order",
    ] {
        let query = LeadQuery {
            remote_query: vec![(key.into(), "1".into())],
            ..LeadQuery::default()
        };
        let err = list(&zoho, &query).await.expect_err("refused");
        assert!(
            matches!(err, Error::InvalidParameter { .. }),
            "{key}: {err:?}"
        );
        assert!(
            err.to_string().contains(&format!("remote_query[{key}]")),
            "{err}"
        );
    }
    replay.verify().await;
}

#[tokio::test]
async fn forged_or_altered_cursors_are_refused_without_a_request() {
    let replay = start_empty().await;
    let zoho = connector(config(&replay.uri()));
    let base = LeadQuery {
        limit: Some(200),
        ..LeadQuery::default()
    };
    // Correctly signed, but holding states our paging never produces.
    let forged = [
        json!({"page": 11, "per_page": 200}),
        json!({"page": 2, "page_token": "abc", "per_page": 200}),
        json!({"page_token": "abc&page=20"}),
        json!({"page": 2, "per_page": 500}),
        json!({"offset": 0}),
    ];
    let codec = codec();
    for state in forged {
        let query = LeadQuery {
            cursor: Some(codec.encode(&binding(&base), &state)),
            ..base.clone()
        };
        let err = list(&zoho, &query).await.expect_err("refused");
        assert!(matches!(err, Error::InvalidCursor(_)), "{state}: {err:?}");
    }
    // Altered, or issued for other filters.
    let good = codec.encode(&binding(&base), &json!({"page": 2, "per_page": 200}));
    let mut altered = good.clone();
    altered.insert(5, 'x');
    let mut other_filters = base.clone();
    other_filters.remote_query = vec![("cvid".into(), "1".into())];
    for (cursor, query) in [(altered, base.clone()), (good, other_filters)] {
        let query = LeadQuery {
            cursor: Some(cursor),
            ..query
        };
        let err = list(&zoho, &query).await.expect_err("refused");
        assert!(matches!(err, Error::InvalidCursor(_)), "{err:?}");
    }
    replay.verify().await;
}

#[tokio::test]
async fn bad_configuration_is_refused_and_debug_hides_the_token() {
    let uri = "http://127.0.0.1:9";
    for (config, parameter) in [
        (config(uri).with_api_version("v1"), "api_version"),
        (
            config(uri).with_discrete_paging_limit(5000),
            "discrete_paging_limit",
        ),
        (
            crm_zoho::Config::new(uri, secrecy::SecretString::from(" ")),
            "access_token",
        ),
        (
            crm_zoho::Config::new(uri, secrecy::SecretString::from("bad\ntoken")),
            "credentials",
        ),
        (config("not a url"), "base_url"),
    ] {
        match crm_zoho::ZohoConnector::new(config) {
            Err(Error::InvalidParameter { parameter: p, .. }) => assert_eq!(p, parameter),
            other => panic!("{parameter}: {other:?}"),
        }
    }
    let zoho = connector(config(uri));
    let text = format!("{zoho:?} {:?}", config(uri));
    assert!(!text.contains(TOKEN), "{text}");
}
