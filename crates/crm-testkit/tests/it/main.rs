//! Integration tests for crm-testkit: fixture format, replay matching, the
//! loud catch-all, and the snapshot helper. Only loopback HTTP is used.

use std::path::PathBuf;

use crm_testkit::{
    fixture_path, fixtures_dir, replay, Replay, Scenario, TestkitError, UNEXPECTED_STATUS,
};
use reqwest::{Client, Method, Response};
use tokio::task::JoinError;

/// A client that never goes through a proxy configured in the environment.
fn client() -> Client {
    Client::builder()
        .no_proxy()
        .build()
        .expect("build reqwest client")
}

fn sample() -> Scenario {
    Scenario::load(fixture_path("testkit", "sample_two_pages")).expect("load sample fixture")
}

/// Wraps an `exchanges` JSON array into an inline scenario.
fn inline(exchanges: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"provider": "testkit", "scenario": "inline", "source": "inline test scenario", "exchanges": {exchanges}}}"#
    ))
    .expect("inline scenario parses")
}

fn panic_text(error: JoinError) -> String {
    assert!(
        error.is_panic(),
        "task was cancelled, not panicked: {error}"
    );
    let payload = error.into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// Runs `verify` on its own task and returns the panic message it must produce.
async fn verify_panic(replay: Replay) -> String {
    let result = tokio::spawn(async move { replay.verify().await }).await;
    panic_text(result.expect_err("verify should have panicked"))
}

async fn get(replay: &Replay, path: &str, query: &[(&str, &str)]) -> Response {
    client()
        .get(format!("{}{path}", replay.uri()))
        .query(query)
        .header("authorization", "Bearer test-access-token")
        .send()
        .await
        .expect("request to mock server")
}

async fn send(replay: &Replay, method: Method, path: &str, body: &str) -> Response {
    client()
        .request(method, format!("{}{path}", replay.uri()))
        .body(body.to_owned())
        .send()
        .await
        .expect("request to mock server")
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ascii header").to_owned())
}

const PAGE_ONE: &str = r#"{"next_cursor": "c2", "data": [{"id": 12345678901234567890, "score": 1.10,  "name": "Ada"}, {"id": 2, "score": 0.5e1, "name": "Grace"}]}"#;
const PAGE_TWO: &str = r#"{
          "next_cursor": null,
          "data": [{"id": 3, "score": 2.50, "name": "Linus"}]
        }"#;
const FILTER: &str = "status = 'open' & source+web";

#[tokio::test]
async fn sample_two_pages_replays_in_order_byte_exact() {
    let file_text =
        std::fs::read_to_string(fixture_path("testkit", "sample_two_pages")).expect("read sample");
    assert!(file_text.contains(PAGE_ONE) && file_text.contains(PAGE_TWO));
    let replay = replay(&sample()).await;

    // Query order differs from the file: matching is order-insensitive.
    let first = get(
        &replay,
        "/api/v1/leads",
        &[("filter", FILTER), ("limit", "2")],
    )
    .await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-page").as_deref(), Some("1"));
    assert_eq!(
        header(&first, "content-type").as_deref(),
        Some("application/json"),
        "JSON body without a recorded content-type is served as application/json"
    );
    assert_eq!(first.text().await.unwrap(), PAGE_ONE);

    let second = get(
        &replay,
        "/api/v1/leads",
        &[("limit", "2"), ("cursor", "c2")],
    )
    .await;
    assert_eq!(second.status(), 200);
    assert_eq!(
        header(&second, "content-type").as_deref(),
        Some("application/vnd.example+json; charset=utf-8"),
        "a recorded content-type wins"
    );
    assert_eq!(second.text().await.unwrap(), PAGE_TWO);

    assert!(replay.failure_report().is_none());
    replay.verify().await;
}

#[tokio::test]
async fn identical_requests_are_answered_in_recorded_order_once_each() {
    let replay = replay(&inline(
        r#"[
            {"request": {"method": "GET", "path": "/retry"}, "response": {"status": 503, "body_text": "busy"}},
            {"request": {"method": "GET", "path": "/retry"}, "response": {"status": 200, "body": {"ok": true}}}
        ]"#,
    ))
    .await;
    let first = get(&replay, "/retry", &[]).await;
    assert_eq!(first.status(), 503);
    assert_eq!(first.text().await.unwrap(), "busy");
    let second = get(&replay, "/retry", &[]).await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.text().await.unwrap(), r#"{"ok": true}"#);

    let third = get(&replay, "/retry", &[]).await;
    assert_eq!(third.status(), UNEXPECTED_STATUS);
    assert!(third.text().await.unwrap().contains("already used"));

    let message = verify_panic(replay).await;
    assert!(message.contains("1 unexpected request(s)"), "{message}");
    assert!(!message.contains("never requested"), "{message}");
}

#[tokio::test]
async fn unexpected_request_gets_599_and_verify_panics() {
    let replay = replay(&sample()).await;
    let wrong = get(
        &replay,
        "/api/v1/leads",
        &[("limit", "3"), ("filter", FILTER)],
    )
    .await;
    assert_eq!(wrong.status(), UNEXPECTED_STATUS);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("GET /api/v1/leads"), "{body}");
    assert!(body.contains(r#"("limit", "3")"#), "{body}");
    assert!(body.contains("query differs"), "{body}");

    // The recorded requests still work; only the stray one is at fault.
    let first = get(
        &replay,
        "/api/v1/leads",
        &[("limit", "2"), ("filter", FILTER)],
    )
    .await;
    assert_eq!(first.status(), 200);
    let second = get(
        &replay,
        "/api/v1/leads",
        &[("limit", "2"), ("cursor", "c2")],
    )
    .await;
    assert_eq!(second.status(), 200);
    assert!(replay.unused_exchanges().is_empty());
    assert_eq!(replay.unexpected_requests().len(), 1);

    let message = verify_panic(replay).await;
    assert!(message.contains("testkit/sample_two_pages"), "{message}");
    assert!(message.contains("unexpected request #1"), "{message}");
    assert!(message.contains(r#"("limit", "3")"#), "{message}");
}

#[tokio::test]
async fn unused_exchange_makes_verify_panic() {
    let replay = replay(&sample()).await;
    let first = get(
        &replay,
        "/api/v1/leads",
        &[("limit", "2"), ("filter", FILTER)],
    )
    .await;
    assert_eq!(first.status(), 200);
    assert_eq!(replay.unused_exchanges().len(), 1);

    let message = verify_panic(replay).await;
    assert!(
        message.contains("1 recorded exchange(s) never requested"),
        "{message}"
    );
    assert!(message.contains("#2 GET /api/v1/leads"), "{message}");
    assert!(!message.contains("unexpected request"), "{message}");
}

#[tokio::test]
async fn dropping_without_verify_still_fails() {
    let result = tokio::spawn(async {
        let replay = replay(&sample()).await;
        let wrong = get(&replay, "/nowhere", &[]).await;
        assert_eq!(wrong.status(), UNEXPECTED_STATUS);
        drop(replay);
    })
    .await;
    let message = panic_text(result.expect_err("drop should have panicked"));
    assert!(message.contains("GET /nowhere"), "{message}");
    assert!(message.contains("never requested"), "{message}");
    assert!(message.contains("dropped"), "{message}");
}

#[tokio::test]
async fn no_second_panic_while_already_panicking() {
    // An unused exchange plus a failing assertion: only the original panic
    // surfaces (a double panic would abort the whole test binary).
    let result = tokio::spawn(async {
        let _replay = replay(&sample()).await;
        panic!("original failure");
    })
    .await;
    assert_eq!(panic_text(result.unwrap_err()), "original failure");
}

#[tokio::test]
async fn query_matching_is_an_exact_multiset() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "GET", "path": "/q", "query": [["a", "1"], ["b", "x y"], ["a", "1"]]},
             "response": {"status": 200, "body_text": "matched"}}]"#,
    ))
    .await;
    let missing_duplicate = get(&replay, "/q", &[("a", "1"), ("b", "x y")]).await;
    assert_eq!(missing_duplicate.status(), UNEXPECTED_STATUS);
    let extra = get(
        &replay,
        "/q",
        &[("a", "1"), ("a", "1"), ("b", "x y"), ("c", "3")],
    )
    .await;
    assert_eq!(extra.status(), UNEXPECTED_STATUS);
    let exact = get(&replay, "/q", &[("b", "x y"), ("a", "1"), ("a", "1")]).await;
    assert_eq!(exact.status(), 200);
    assert_eq!(exact.text().await.unwrap(), "matched");
    assert_eq!(replay.unexpected_requests().len(), 2);
    verify_panic(replay).await;
}

#[tokio::test]
async fn query_matching_rejects_parameters_when_none_recorded() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "GET", "path": "/plain"}, "response": {"status": 200}}]"#,
    ))
    .await;
    assert_eq!(
        get(&replay, "/plain", &[("x", "1")]).await.status(),
        UNEXPECTED_STATUS
    );
    assert_eq!(get(&replay, "/plain", &[]).await.status(), 200);
    verify_panic(replay).await;
}

#[tokio::test]
async fn header_names_are_case_insensitive_and_values_exact() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "GET", "path": "/h", "headers": {"X-Api-Key": "Secret1"}},
             "response": {"status": 200}}]"#,
    ))
    .await;
    let wrong_value = client()
        .get(format!("{}/h", replay.uri()))
        .header("x-api-key", "secret1")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_value.status(), UNEXPECTED_STATUS);
    assert!(wrong_value
        .text()
        .await
        .unwrap()
        .contains(r#"header "X-Api-Key" differs"#));

    let right = client()
        .get(format!("{}/h", replay.uri()))
        .header("X-API-KEY", "Secret1")
        .header("x-unlisted", "ignored")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert_eq!(replay.unexpected_requests().len(), 1);
    verify_panic(replay).await;
}

#[tokio::test]
async fn json_request_body_is_compared_semantically() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "POST", "path": "/search", "body": {"a": 1, "b": [1, 2], "c": {"d": null}}},
             "response": {"status": 201, "body": {"id": 7}}}]"#,
    ))
    .await;
    let different = send(
        &replay,
        Method::POST,
        "/search",
        r#"{"a": 2, "b": [1, 2], "c": {"d": null}}"#,
    )
    .await;
    assert_eq!(different.status(), UNEXPECTED_STATUS);
    assert!(different
        .text()
        .await
        .unwrap()
        .contains("JSON body differs"));
    let not_json = send(&replay, Method::POST, "/search", "a=1").await;
    assert_eq!(not_json.status(), UNEXPECTED_STATUS);
    assert!(not_json.text().await.unwrap().contains("body is not JSON"));
    let empty = send(&replay, Method::POST, "/search", "").await;
    assert_eq!(empty.status(), UNEXPECTED_STATUS);

    let reordered = send(
        &replay,
        Method::POST,
        "/search",
        "{ \"c\":{\"d\":null},\n  \"b\":[1,2], \"a\":1 }",
    )
    .await;
    assert_eq!(reordered.status(), 201);
    assert_eq!(reordered.text().await.unwrap(), r#"{"id": 7}"#);
    assert_eq!(replay.unexpected_requests().len(), 3);
    verify_panic(replay).await;
}

#[tokio::test]
async fn absent_request_body_means_empty_body() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "POST", "path": "/ping", "body": null}, "response": {"status": 200}}]"#,
    ))
    .await;
    let with_body = send(&replay, Method::POST, "/ping", "{}").await;
    assert_eq!(with_body.status(), UNEXPECTED_STATUS);
    assert!(with_body.text().await.unwrap().contains("expected empty"));
    assert_eq!(send(&replay, Method::POST, "/ping", "").await.status(), 200);
    verify_panic(replay).await;
}

#[tokio::test]
async fn request_body_text_is_compared_exactly() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "POST", "path": "/token", "body_text": "grant_type=refresh&x=1"},
             "response": {"status": 200, "body": {"access_token": "t"}}}]"#,
    ))
    .await;
    let reordered = send(&replay, Method::POST, "/token", "x=1&grant_type=refresh").await;
    assert_eq!(reordered.status(), UNEXPECTED_STATUS);
    let exact = send(&replay, Method::POST, "/token", "grant_type=refresh&x=1").await;
    assert_eq!(exact.status(), 200);
    verify_panic(replay).await;
}

#[tokio::test]
async fn method_and_percent_decoded_path_must_match() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "DELETE", "path": "/files/a b"}, "response": {"status": 204}}]"#,
    ))
    .await;
    let wrong_method = send(&replay, Method::GET, "/files/a%20b", "").await;
    assert_eq!(wrong_method.status(), UNEXPECTED_STATUS);
    assert!(wrong_method
        .text()
        .await
        .unwrap()
        .contains("method differs"));
    let right = send(&replay, Method::DELETE, "/files/a%20b", "").await;
    assert_eq!(right.status(), 204);
    verify_panic(replay).await;
}

#[tokio::test]
async fn response_body_text_is_served_verbatim() {
    let html = "<html><body>502 Bad Gateway</body></html>\n";
    let truncated = r#"{"data": [{"id": 1, "na"#;
    let scenario = inline(&format!(
        r#"[
            {{"request": {{"method": "GET", "path": "/html"}},
              "response": {{"status": 502, "headers": {{"Content-Type": "text/html"}}, "body_text": {html:?}}}}},
            {{"request": {{"method": "GET", "path": "/cut"}},
              "response": {{"status": 200, "body_text": {truncated:?}}}}}
        ]"#,
        html = html,
        truncated = truncated
    ));
    let replay = replay(&scenario).await;
    let page = get(&replay, "/html", &[]).await;
    assert_eq!(page.status(), 502);
    assert_eq!(header(&page, "content-type").as_deref(), Some("text/html"));
    assert_eq!(page.text().await.unwrap(), html);
    let cut = get(&replay, "/cut", &[]).await;
    assert_eq!(cut.status(), 200);
    assert_eq!(
        header(&cut, "content-type"),
        None,
        "body_text gets no implicit content-type"
    );
    assert_eq!(cut.text().await.unwrap(), truncated);
    replay.verify().await;
}

#[tokio::test]
async fn no_content_response_has_empty_body() {
    let replay = replay(&inline(
        r#"[{"request": {"method": "DELETE", "path": "/leads/1"}, "response": {"status": 204}}]"#,
    ))
    .await;
    let response = send(&replay, Method::DELETE, "/leads/1", "").await;
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "content-type"), None);
    assert!(response.bytes().await.unwrap().is_empty());
    replay.verify().await;
}

#[test]
fn unknown_fields_are_rejected() {
    let cases = [
        r#"{"provider": "p", "scenario": "s", "source": "x", "exchanges": [], "descripton": "typo"}"#,
        r#"{"provider": "p", "scenario": "s", "source": "x", "exchanges": [
            {"request": {"method": "GET", "path": "/", "heders": {}}, "response": {"status": 200}}]}"#,
        r#"{"provider": "p", "scenario": "s", "source": "x", "exchanges": [
            {"request": {"method": "GET", "path": "/"}, "response": {"status": 200, "bdy": {}}}]}"#,
        r#"{"provider": "p", "scenario": "s", "source": "x", "exchanges": [
            {"request": {"method": "GET", "path": "/"}, "response": {"status": 200}, "note": ""}]}"#,
    ];
    for case in cases {
        let error = Scenario::from_json(case).expect_err(case);
        assert!(matches!(error, TestkitError::Parse { .. }), "{error}");
        assert!(error.to_string().contains("unknown field"), "{error}");
    }
}

#[test]
fn unusable_values_are_rejected() {
    let cases = [
        (
            r#"{"method": "GET", "path": "/", "body": {}, "body_text": ""}"#,
            r#"{"status": 200}"#,
            "both",
        ),
        (
            r#"{"method": "get", "path": "/"}"#,
            r#"{"status": 200}"#,
            "method",
        ),
        (
            r#"{"method": "GET", "path": "/a?b=c"}"#,
            r#"{"status": 200}"#,
            "query",
        ),
        (
            r#"{"method": "GET", "path": "/", "headers": {"bad name": "x"}}"#,
            r#"{"status": 200}"#,
            "header name",
        ),
        (
            r#"{"method": "GET", "path": "/", "headers": {"A": "1", "a": "1"}}"#,
            r#"{"status": 200}"#,
            "twice",
        ),
        (
            r#"{"method": "GET", "path": "/"}"#,
            r#"{"status": 42}"#,
            "status",
        ),
        (
            r#"{"method": "GET", "path": "/"}"#,
            r#"{"status": 200, "body": {}, "body_text": ""}"#,
            "both",
        ),
    ];
    for (request, response, needle) in cases {
        let json = format!(
            r#"{{"provider": "p", "scenario": "s", "source": "x", "exchanges": [{{"request": {request}, "response": {response}}}]}}"#
        );
        let error = Scenario::from_json(&json).expect_err(&json);
        assert!(matches!(error, TestkitError::Invalid { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("exchange #1") && message.contains(needle),
            "{message}"
        );
    }
}

fn temp_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("crm-testkit-it")
        .join(name)
}

#[test]
fn load_errors_name_the_file() {
    let path = temp_path("malformed.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, r#"{"provider": "p", "scenario": "#).unwrap();
    let error = Scenario::load(&path).expect_err("malformed JSON must not load");
    assert!(matches!(error, TestkitError::Parse { .. }), "{error}");
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );

    let missing = temp_path("does_not_exist.json");
    let error = Scenario::load(&missing).expect_err("missing file must not load");
    assert!(matches!(error, TestkitError::Read { .. }), "{error}");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
}

#[test]
fn save_round_trips_raw_response_bodies() {
    let original = sample();
    let path = temp_path("saved/testkit/sample_two_pages.json");
    let _ = std::fs::remove_dir_all(temp_path("saved"));
    original
        .save(&path)
        .expect("save creates directories and writes");

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
    assert!(
        text.contains(PAGE_ONE),
        "raw response body is embedded verbatim"
    );

    let reloaded = Scenario::load(&path).expect("saved fixture loads");
    assert_eq!(reloaded.exchanges.len(), original.exchanges.len());
    for (before, after) in original.exchanges.iter().zip(&reloaded.exchanges) {
        assert_eq!(
            before.response.body.as_ref().map(|raw| raw.get()),
            after.response.body.as_ref().map(|raw| raw.get())
        );
        assert_eq!(before.request.query, after.request.query);
    }
    assert_eq!(
        reloaded.to_json_pretty().unwrap(),
        text,
        "saving is idempotent"
    );
}

#[test]
fn fixture_paths_point_into_the_workspace() {
    let dir = fixtures_dir();
    let workspace_manifest = dir.parent().unwrap().join("Cargo.toml");
    let manifest = std::fs::read_to_string(workspace_manifest).unwrap();
    assert!(manifest.contains("[workspace]"));
    let path = fixture_path("testkit", "sample_two_pages");
    assert_eq!(path, dir.join("testkit").join("sample_two_pages.json"));
    assert!(path.is_file());
}

#[test]
fn snapshot_helper_uses_shared_settings_and_caller_redactions() {
    let settings = crm_testkit::settings();
    assert!(!settings.sort_maps());
    assert!(!settings.prepend_module_to_snapshot());

    let scenario = sample();
    let value = serde_json::json!({
        "fetched_at": "2026-11-28T10:00:00Z",
        "first_page": scenario.exchanges[0].response.body,
        "exchanges": scenario.exchanges.len(),
    });
    let mut settings = crm_testkit::settings();
    settings.add_redaction(".fetched_at", "[timestamp]");
    settings.bind(|| crm_testkit::assert_json_snapshot!("testkit_sample_snapshot", value));
}
