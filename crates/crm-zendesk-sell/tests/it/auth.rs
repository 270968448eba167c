//! Bearer auth with a personal access token, and OAuth with one refresh after a 401.

use crate::support::{ids, leads_only, oauth_account, replay, walk, ACCESS_TOKEN};
use crm_core::Connector;

#[tokio::test]
async fn an_expired_oauth_token_is_refreshed_once() {
    let replay = replay("error_401_refreshed").await;
    let pages = walk(oauth_account(&replay).as_ref(), "").await.unwrap();
    replay.verify().await;
    assert_eq!(ids(&pages), ["302488001"]);
}

#[tokio::test]
async fn connector_debug_shows_no_secret() {
    let replay = replay("no_request").await;
    let connector = leads_only(&replay);
    let printed = format!("{connector:?} {:?}", oauth_account(&replay));
    assert!(!printed.contains(ACCESS_TOKEN), "{printed}");
    assert_eq!(
        connector.capabilities().provider,
        crm_zendesk_sell::PROVIDER
    );
}
