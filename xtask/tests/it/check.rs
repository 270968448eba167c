//! Done-when #3: `fixtures check` fails on a planted secret and on a fixture without a source,
//! and passes on the repository's own fixtures.

use std::path::Path;

use xtask::check::check_dir;

fn write(dir: &Path, provider: &str, name: &str, text: &str) {
    std::fs::create_dir_all(dir.join(provider)).unwrap();
    std::fs::write(dir.join(provider).join(format!("{name}.json")), text).unwrap();
}

pub fn fixture(provider: &str, scenario: &str, source: &str, header: &str, body: &str) -> String {
    format!(
        r#"{{
  "provider": "{provider}",
  "scenario": "{scenario}",
  "source": "{source}",
  "exchanges": [
    {{
      "request": {{"method": "GET", "path": "/services/data/v62.0/query", "headers": {{"Authorization": "{header}"}}}},
      "response": {{"status": 200, "body": {body}}}
    }}
  ]
}}
"#
    )
}

const CLEAN_BODY: &str =
    r#"{"done": true, "records": [{"Id": "00Q1", "Email": "person-1a2b@example.com"}]}"#;

#[test]
fn a_planted_secret_fails_the_check_with_a_re_record_hint() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    write(
        &fixtures,
        "salesforce",
        "clean",
        &fixture(
            "salesforce",
            "clean",
            "hand-written",
            "Bearer test-access-token",
            CLEAN_BODY,
        ),
    );
    write(
        &fixtures,
        "salesforce",
        "recorded_three_pages",
        &fixture(
            "salesforce",
            "recorded_three_pages",
            "recorded by cargo xtask",
            "Bearer 00D5g000004ABCD!AQ8AQJjKsZLiveSessionToken0123456789",
            r#"{"records": [{"Id": "00Q1", "Email": "ada@gmail.com", "Token__c": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3In0.c2lnbmF0dXJlLXNpZ25h"}]}"#,
        ),
    );
    let report = check_dir(&fixtures).unwrap();
    assert_eq!(report.files, 2);
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    let hint =
        "run `cargo xtask fixtures record --provider salesforce --scenario three_pages` and commit";
    assert!(
        messages
            .iter()
            .all(|m| m.starts_with("fixtures/salesforce/recorded_three_pages.json: exchange #1: ")),
        "{messages:#?}"
    );
    assert!(messages.iter().all(|m| m.ends_with(hint)), "{messages:#?}");
    assert!(
        messages[0].contains("request header `Authorization` holds a secret-looking"),
        "{messages:#?}"
    );
    assert!(
        messages[1].contains(
            "response body at $.records[0].Email has a real-looking e-mail domain `gmail.com`"
        ),
        "{messages:#?}"
    );
    assert!(
        messages[2].contains("response body at $.records[0].Token__c holds what looks like a JWT"),
        "{messages:#?}"
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("AQ8AQJ") || m.contains("eyJhbG")),
        "a secret was echoed"
    );
}

#[test]
fn a_fixture_without_a_source_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    write(
        &fixtures,
        "zoho",
        "three_pages",
        &fixture(
            "zoho",
            "three_pages",
            " ",
            "Zoho-oauthtoken test-token",
            "{}",
        ),
    );
    // A missing `source` is a parse error of the fixture format, reported as such.
    write(
        &fixtures,
        "pipedrive",
        "no_source_field",
        r#"{"provider": "pipedrive", "scenario": "no_source_field", "exchanges": []}"#,
    );
    let report = check_dir(&fixtures).unwrap();
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0]
            .starts_with("fixtures/pipedrive/no_source_field.json: does not parse as a fixture"),
        "{messages:#?}"
    );
    assert!(
        messages[0].contains("missing field `source`"),
        "{messages:#?}"
    );
    assert!(
        messages[1].starts_with("fixtures/zoho/three_pages.json: has an empty `source`"),
        "{messages:#?}"
    );
}

#[test]
fn misplaced_and_misnamed_fixtures_fail_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    write(
        &fixtures,
        "copper",
        "renamed",
        &fixture("salesforce", "original", "x", "Bearer test", "{}"),
    );
    write(
        &fixtures,
        "hubspot",
        "leads",
        &fixture("hubspot", "leads", "x", "Bearer test", "{}"),
    );
    write(
        &fixtures,
        "zoho",
        "recorded_everything",
        &fixture("zoho", "recorded_everything", "x", "Bearer test", "{}"),
    );
    std::fs::write(fixtures.join("stray.json"), "{}").unwrap();
    let report = check_dir(&fixtures).unwrap();
    let all = report
        .problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("fixtures/copper/renamed.json: is in the `copper` directory but its \"provider\" is `salesforce`"), "{all}");
    assert!(all.contains("fixtures/copper/renamed.json: its file name `renamed` differs from its \"scenario\" `original`"), "{all}");
    assert!(
        all.contains("fixtures/hubspot/leads.json: `hubspot` is not a provider directory"),
        "{all}"
    );
    assert!(
        all.contains("recorded scenario `everything`, which xtask does not know for zoho"),
        "{all}"
    );
    assert!(
        all.contains("fixtures/stray.json: fixtures live at fixtures/<provider>/<scenario>.json"),
        "{all}"
    );
}

#[test]
fn the_repository_fixtures_pass() {
    let report = check_dir(&crm_testkit::fixtures_dir()).unwrap();
    assert!(report.files > 0);
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(messages.is_empty(), "{}", messages.join("\n"));
}
