//! Provider errors keep their status, code, words and logref.

use crate::support::{error_view, leads_only, oauth_account, page, replay, request, ACCESS_TOKEN};

async fn error_of(name: &str) -> serde_json::Value {
    let replay = replay(name).await;
    let err = page(&leads_only(&replay), &request(""))
        .await
        .expect_err("the fixture answers with an error");
    replay.verify().await;
    let view = error_view(&err);
    assert!(!view.to_string().contains(ACCESS_TOKEN), "{view}");
    view
}

#[tokio::test]
async fn each_error_class() {
    for (name, status) in [
        ("error_401", 401),
        ("error_403", 403),
        ("error_404", 404),
        ("error_429", 429),
        ("error_500", 502),
        ("error_503_html", 502),
        ("error_non_json", 502),
    ] {
        let view = error_of(name).await;
        assert_eq!(view["http_status"], status, "{name}: {view}");
        crm_testkit::assert_json_snapshot!(name, view);
    }
}

#[tokio::test]
async fn logref_and_retry_after_are_kept() {
    let view = error_of("error_429").await;
    assert_eq!(view["retry_after_secs"], 30);
    let message = view["message"].as_str().unwrap();
    assert!(message.contains("rate_limit_exceeded"), "{message}");
    assert!(
        message.contains("[logref 00000000-5e11-4000-8000-0000000000e1]"),
        "{message}"
    );
    let view = error_of("error_401").await;
    assert_eq!(view["remote"]["code"], "unauthorized");
}

#[tokio::test]
async fn a_revoked_refresh_token_asks_to_reconnect() {
    let replay = replay("error_401_refresh_revoked").await;
    let err = page(oauth_account(&replay).as_ref(), &request(""))
        .await
        .unwrap_err();
    replay.verify().await;
    assert_eq!(err.http_status(), 401);
    let view = error_view(&err);
    assert!(!view.to_string().contains("test-refresh-token"), "{view}");
    crm_testkit::assert_json_snapshot!("error_401_refresh_revoked", view);
}
