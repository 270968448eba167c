//! Both ways in: API token (`x-api-token`, `/v1/leads`) and OAuth (`Bearer`, `/api/v1/leads`).
//! The fixtures list the auth header, so a request without it does not match.

use crate::support::{api_token, oauth, replay, walk, ACCESS_TOKEN, API_TOKEN};
use crm_core::Connector;

#[tokio::test]
async fn api_token_mode() {
    let replay = replay("auth_api_token").await;
    let pages = walk(&api_token(&replay), "truto_ignore_remote_data=true")
        .await
        .unwrap();
    replay.verify().await;
    assert_eq!(pages[0]["rate_limit"]["remaining"], 79);
    crm_testkit::assert_json_snapshot!("auth_api_token", pages);
}

#[tokio::test]
async fn oauth_mode() {
    let replay = replay("auth_oauth").await;
    let pages = walk(&oauth(&replay), "").await.unwrap();
    replay.verify().await;
    crm_testkit::assert_json_snapshot!("auth_oauth", pages);
}

#[tokio::test]
async fn connector_debug_shows_no_secret() {
    let replay = replay("filter_bad_id").await;
    let printed = format!("{:?} {:?}", api_token(&replay), oauth(&replay));
    assert!(!printed.contains(API_TOKEN), "{printed}");
    assert!(!printed.contains(ACCESS_TOKEN), "{printed}");
    assert_eq!(
        api_token(&replay).capabilities().provider,
        crm_pipedrive::PROVIDER
    );
    replay.verify().await;
}

#[test]
fn bad_configs_are_refused() {
    use crm_pipedrive::{Config, PipedriveConnector};
    use secrecy::SecretString;
    let bad_url = Config::oauth("not a url", SecretString::from("t"));
    let err = PipedriveConnector::new(bad_url).unwrap_err();
    assert!(err.to_string().contains("base_url"), "{err}");
    let ftp = Config::api_token(SecretString::from("t")).with_base_url("ftp://example.com");
    assert!(PipedriveConnector::new(ftp).is_err());
    let bad_token = Config::api_token(SecretString::from("line\nbreak-SECRET"));
    let err = PipedriveConnector::new(bad_token).unwrap_err();
    assert!(!err.to_string().contains("SECRET"), "{err}");
}

#[tokio::test]
async fn transport_options_keep_auth_and_path() {
    use crm_core::transport::TransportOptions;
    use crm_pipedrive::{Config, PipedriveConnector};
    use secrecy::SecretString;
    let replay = replay("auth_oauth").await;
    let config =
        Config::oauth(replay.uri(), SecretString::from(ACCESS_TOKEN)).with_person_enrichment(false);
    let connector =
        PipedriveConnector::with_options(config, &TransportOptions::no_retry()).unwrap();
    let pages = walk(&connector, "").await.unwrap();
    replay.verify().await;
    assert_eq!(pages.len(), 1);
}
