//! Provider errors keep their status, message and body; rate-limit headers become figures.

use crate::support::{api_token, error_view, oauth, page, replay, request};

async fn error_of(name: &str, use_oauth: bool) -> serde_json::Value {
    let replay = replay(name).await;
    let connector = if use_oauth {
        oauth(&replay)
    } else {
        api_token(&replay)
    };
    let err = page(&connector, &request(""))
        .await
        .expect_err("the fixture answers with an error");
    replay.verify().await;
    error_view(&err)
}

#[tokio::test]
async fn unauthorized() {
    let view = error_of("error_401", false).await;
    assert_eq!(view["http_status"], 401);
    crm_testkit::assert_json_snapshot!("error_401", view);
}

#[tokio::test]
async fn forbidden() {
    let view = error_of("error_403", false).await;
    assert_eq!(view["http_status"], 403);
    crm_testkit::assert_json_snapshot!("error_403", view);
}

#[tokio::test]
async fn not_found() {
    let view = error_of("error_404", true).await;
    assert_eq!(view["http_status"], 404);
    crm_testkit::assert_json_snapshot!("error_404", view);
}

#[tokio::test]
async fn rate_limited_with_headers() {
    let view = error_of("error_429", false).await;
    assert_eq!(view["http_status"], 429);
    assert_eq!(view["retry_after_secs"], 2);
    assert_eq!(view["rate_limit"]["limit"], 80);
    assert_eq!(view["rate_limit"]["remaining"], 0);
    crm_testkit::assert_json_snapshot!("error_429", view);
}

#[tokio::test]
async fn server_error() {
    let view = error_of("error_500", false).await;
    assert_eq!(view["http_status"], 502);
    crm_testkit::assert_json_snapshot!("error_500", view);
}

#[tokio::test]
async fn html_error_page() {
    let view = error_of("error_503_html", false).await;
    assert_eq!(view["http_status"], 502);
    crm_testkit::assert_json_snapshot!("error_503_html", view);
}

#[tokio::test]
async fn non_json_success_body() {
    let view = error_of("error_non_json", false).await;
    assert_eq!(view["http_status"], 502);
    crm_testkit::assert_json_snapshot!("error_non_json", view);
}

#[tokio::test]
async fn success_false_on_a_200() {
    let view = error_of("error_success_false", false).await;
    assert_eq!(view["http_status"], 502);
    crm_testkit::assert_json_snapshot!("error_success_false", view);
}

#[tokio::test]
async fn no_error_carries_a_credential() {
    for name in ["error_401", "error_403", "error_429", "error_500"] {
        let view = error_of(name, false).await.to_string();
        assert!(!view.contains(crate::support::API_TOKEN), "{name}: {view}");
    }
    let view = error_of("error_404", true).await.to_string();
    assert!(!view.contains(crate::support::ACCESS_TOKEN), "{view}");
}
