//! Expired and revoked tokens. OAuth providers (Pipedrive, Salesforce, Zoho) refresh through the
//! simulator's token endpoint: exactly once for 50 concurrent requests (single-flight), and a
//! refused refresh token is an auth error that says to reconnect. Copper authenticates with an API
//! key, which cannot be refreshed: an invalid key is an auth error at once, never retried.

use super::support::{
    class, connect, ensure, first_page, for_every_provider, has_refresh, sim, walk, Cell, Setup,
    Verdict, PAGE,
};
use crm_sim::{Faults, SimProvider};
use std::time::Duration;

/// Concurrent first-page requests sent with the expired token.
const CONCURRENT: usize = 50;

pub async fn expired_under_concurrency(provider: SimProvider) -> Verdict {
    // Every answer (token endpoint included) takes a moment, so that all 50 requests leave with
    // the expired token before the first 401 comes back: 50 concurrent 401s, not one.
    let sim = sim(
        provider,
        Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
    )
    .await;
    let client = connect(&sim, Setup::fast());
    sim.expire_access_token();
    let calls = (0..CONCURRENT).map(|_| {
        let connector = client.connector.clone();
        tokio::spawn(async move { first_page(connector.as_ref()).await })
    });
    let results: Vec<_> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|joined| joined.map_err(|e| crm_core::Error::invalid("task", e.to_string())))
        .map(|r| r.and_then(|page| page))
        .collect();
    let stats = sim.stats();
    let retries = client.stats.retries();
    ensure!(
        retries == 0,
        "{retries} retries: a 401 is not a transient failure"
    );
    if !has_refresh(provider) {
        let unauthorized = results
            .iter()
            .filter(|r| matches!(r, Err(e) if e.is_unauthorized() && e.http_status() == 401))
            .count();
        ensure!(
            unauthorized == CONCURRENT,
            "{unauthorized} of {CONCURRENT} calls reported the revoked key"
        );
        ensure!(stats.token_requests == 0, "a refresh was attempted");
        return Ok(Cell {
            injected: 1,
            retries,
            outcome: format!(
                "no refresh token (API key): {CONCURRENT}/{CONCURRENT} 401 Unauthorized, not retried"
            ),
        });
    }
    let ok = results
        .iter()
        .filter(|r| matches!(r, Ok(page) if page.records.len() == PAGE as usize))
        .count();
    let first_error = results.iter().find_map(|r| r.as_ref().err());
    ensure!(
        ok == CONCURRENT,
        "{ok} of {CONCURRENT} succeeded; first error: {first_error:?}"
    );
    let oauth = client.oauth.as_ref().ok_or("no refreshing credentials")?;
    ensure!(
        stats.refreshes == 1 && oauth.refresh_count() == 1,
        "{} refreshes (simulator), {} (client)",
        stats.refreshes,
        oauth.refresh_count()
    );
    ensure!(
        stats.token_requests == 1,
        "{} token requests",
        stats.token_requests
    );
    ensure!(
        stats.unauthorized == CONCURRENT as u64,
        "only {} requests left with the expired token",
        stats.unauthorized
    );
    Ok(Cell {
        injected: 1,
        retries,
        outcome: format!(
            "{} concurrent 401s, exactly 1 refresh, {ok}/{CONCURRENT} ok",
            stats.unauthorized
        ),
    })
}

pub async fn revoked(provider: SimProvider) -> Verdict {
    let sim = sim(
        provider,
        Faults {
            refresh_revoked: true,
            ..Faults::default()
        },
    )
    .await;
    let client = connect(&sim, Setup::fast());
    // Copper: the API key stops working (there is no refresh token to revoke).
    sim.expire_access_token();
    let err = walk(client.connector.as_ref())
        .await
        .err()
        .ok_or("an expired token with a revoked refresh token gave leads")?;
    ensure!(
        err.is_unauthorized() && err.http_status() == 401,
        "got {}: {err}",
        class(&err)
    );
    let text = err.to_string();
    let stats = sim.stats();
    if has_refresh(provider) {
        ensure!(
            text.contains("refused to refresh") && text.contains("reconnect this account"),
            "the error does not say to reconnect: {text}"
        );
        ensure!(
            stats.refresh_failures == 1,
            "{} refresh attempts",
            stats.refresh_failures
        );
    } else {
        ensure!(
            text.contains("API key"),
            "the error does not point at the key: {text}"
        );
    }
    ensure!(client.stats.retries() == 0, "an auth error was retried");
    Ok(Cell {
        injected: 1,
        retries: client.stats.retries(),
        outcome: if has_refresh(provider) {
            "401 Unauthorized: refresh refused, \"reconnect this account\"".to_owned()
        } else {
            "key revoked: 401 Unauthorized, \"check the API key\"".to_owned()
        },
    })
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_for_50_concurrent_requests() {
    for_every_provider(|p| Box::pin(expired_under_concurrency(p))).await;
}

#[tokio::test]
async fn a_revoked_refresh_token_says_reconnect() {
    for_every_provider(|p| Box::pin(revoked(p))).await;
}
