//! Each error class, as a caller sees it.

use crate::support::*;
use crm_core::{Error, LeadQuery};

async fn fails(scenario: &str) -> Error {
    let replay = start(scenario).await;
    let err = walk(&connector(&replay), &LeadQuery::default())
        .await
        .expect_err(scenario);
    replay.verify().await;
    crm_testkit::assert_json_snapshot!(scenario, error_json(&err));
    err
}

#[tokio::test]
async fn invalid_session_is_unauthorized() {
    let err = fails("error_401_invalid_session").await;
    assert!(err.is_unauthorized());
}

#[tokio::test]
async fn request_limit_exceeded_is_a_rate_limit() {
    let err = fails("error_403_request_limit").await;
    let Error::RateLimited { limits, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((limits.limit, limits.remaining), (Some(15000), Some(0)));
    assert_eq!(err.http_status(), 429);
}

#[tokio::test]
async fn malformed_query_carries_the_message() {
    let err = fails("error_400_malformed_query").await;
    assert_eq!(err.http_status(), 400);
    assert!(err.to_string().contains("must be of type date"), "{err}");
}

#[tokio::test]
async fn invalid_field_carries_the_message() {
    let err = fails("error_400_invalid_field").await;
    assert!(err.to_string().contains("No such column 'foo'"), "{err}");
}

#[tokio::test]
async fn not_found() {
    let err = fails("error_404_not_found").await;
    assert!(matches!(err, Error::NotFound { .. }));
}

#[tokio::test]
async fn server_error_is_a_bad_gateway() {
    let err = fails("error_500_unknown_exception").await;
    assert_eq!(err.http_status(), 502);
    assert!(err.to_string().contains("UNKNOWN_EXCEPTION"), "{err}");
}

#[tokio::test]
async fn html_error_body_is_still_explained() {
    let err = fails("error_503_html").await;
    assert!(err.to_string().contains("Service Unavailable"), "{err}");
    assert_eq!(err.http_status(), 502);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn truncated_success_body_is_an_invalid_response() {
    let err = fails("error_200_truncated_json").await;
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err}");
}

#[tokio::test]
async fn done_false_without_next_records_url_is_an_invalid_response() {
    let err = fails("error_done_false_without_next").await;
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err}");
}

#[tokio::test]
async fn a_record_of_the_wrong_shape_fails_the_page() {
    let err = fails("error_bad_record").await;
    assert!(err.to_string().contains("Phone"), "{err}");
}

#[tokio::test]
async fn expired_locator_asks_to_start_over() {
    let replay = start("error_expired_locator").await;
    let err = walk(&connector(&replay), &LeadQuery::default())
        .await
        .unwrap_err();
    replay.verify().await;
    assert!(matches!(err, Error::InvalidCursor(_)), "{err}");
    crm_testkit::assert_json_snapshot!("error_expired_locator", error_json(&err));
}

#[tokio::test]
async fn errors_and_debug_output_never_carry_the_token() {
    let replay = start("error_401_invalid_session").await;
    let connector = connector(&replay);
    let err = walk(&connector, &LeadQuery::default()).await.unwrap_err();
    replay.verify().await;
    for text in [
        format!("{err}"),
        format!("{err:?}"),
        format!("{connector:?}"),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}
