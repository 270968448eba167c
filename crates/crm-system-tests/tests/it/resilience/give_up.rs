//! A fault that does not stop: the client gives up after `MAX_ATTEMPTS` attempts and passes the
//! last error on with its class (a 503 as a 502 bad gateway keeping the provider's 503; a 429 as
//! a 429 rate limit).

use super::support::{
    class, connect, ensure, for_every_provider, sim, walk, Cell, Setup, Verdict, MAX_ATTEMPTS,
};
use crm_core::Error;
use crm_sim::{Faults, SimProvider, Trigger};

pub async fn persistent_503(provider: SimProvider) -> Verdict {
    let sim = sim(
        provider,
        Faults {
            server_error: Trigger::Always,
            server_error_status: 503,
            ..Faults::default()
        },
    )
    .await;
    let client = connect(&sim, Setup::fast());
    let err = walk(client.connector.as_ref())
        .await
        .err()
        .ok_or("a provider that always fails gave leads")?;
    ensure!(
        matches!(err, Error::Remote { .. })
            && err.http_status() == 502
            && err.remote().is_some_and(|r| r.status == 503),
        "got {}: {err}",
        class(&err)
    );
    let attempts = sim.stats().api_requests;
    ensure!(
        attempts == u64::from(MAX_ATTEMPTS) && client.stats.requests() == attempts,
        "{attempts} attempts, {MAX_ATTEMPTS} allowed"
    );
    Ok(Cell {
        injected: sim.stats().server_errors,
        retries: client.stats.retries(),
        outcome: format!("gave up after {attempts} attempts: {}", class(&err)),
    })
}

pub async fn persistent_429(provider: SimProvider) -> Verdict {
    let sim = sim(
        provider,
        Faults {
            rate_limit: Trigger::Always,
            retry_after_secs: Some(0),
            ..Faults::default()
        },
    )
    .await;
    let client = connect(&sim, Setup::fast());
    let err = walk(client.connector.as_ref())
        .await
        .err()
        .ok_or("a provider that always throttles gave leads")?;
    ensure!(
        err.is_rate_limited() && err.http_status() == 429,
        "got {}: {err}",
        class(&err)
    );
    let attempts = sim.stats().api_requests;
    // Salesforce's rate limit is its daily 403, which retrying cannot fix: one attempt.
    let allowed = match provider {
        SimProvider::Salesforce => 1,
        _ => u64::from(MAX_ATTEMPTS),
    };
    ensure!(
        attempts == allowed && client.stats.requests() == attempts,
        "{attempts} attempts, {allowed} expected"
    );
    Ok(Cell {
        injected: sim.stats().rate_limited,
        retries: client.stats.retries(),
        outcome: if provider == SimProvider::Salesforce {
            format!("daily limit not retried (1 attempt): {}", class(&err))
        } else {
            format!("gave up after {attempts} attempts: {}", class(&err))
        },
    })
}

#[tokio::test]
async fn persistent_503s_exhaust_the_retry_budget() {
    for_every_provider(|p| Box::pin(persistent_503(p))).await;
}

#[tokio::test]
async fn persistent_429s_exhaust_the_retry_budget() {
    for_every_provider(|p| Box::pin(persistent_429(p))).await;
}
