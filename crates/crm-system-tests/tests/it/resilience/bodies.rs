//! Broken 2xx bodies (cut in half, or a proxy's HTML page): a provider error of the 502 class
//! naming the problem, not retried (the answer was a success), never an empty page.

use super::support::{class, connect, ensure, for_every_provider, sim, walk, Cell, Setup, Verdict};
use crm_core::Error;
use crm_sim::{Faults, SimProvider, Trigger};

async fn broken(provider: SimProvider, faults: Faults, what: &str) -> Verdict {
    let sim = sim(provider, faults).await;
    let client = connect(&sim, Setup::fast());
    let err = walk(client.connector.as_ref())
        .await
        .err()
        .ok_or_else(|| format!("a {what} body went unnoticed"))?;
    ensure!(
        matches!(err, Error::InvalidResponse { .. }) && err.http_status() == 502,
        "got {}: {err}",
        class(&err)
    );
    ensure!(
        err.to_string().contains("could not read"),
        "unclear message: {err}"
    );
    let injected = sim.stats().mangled_bodies;
    ensure!(injected == 1, "{injected} bodies mangled");
    ensure!(
        client.stats.requests() == 1,
        "{} requests",
        client.stats.requests()
    );
    Ok(Cell {
        injected,
        retries: client.stats.retries(),
        outcome: format!("{}, named as unreadable", class(&err)),
    })
}

pub async fn truncated(provider: SimProvider) -> Verdict {
    let faults = Faults {
        truncated_body: Trigger::Next(1),
        ..Faults::default()
    };
    broken(provider, faults, "truncated").await
}

pub async fn html(provider: SimProvider) -> Verdict {
    let faults = Faults {
        non_json_body: Trigger::Next(1),
        ..Faults::default()
    };
    broken(provider, faults, "HTML").await
}

#[tokio::test]
async fn a_truncated_body_is_a_provider_error() {
    for_every_provider(|p| Box::pin(truncated(p))).await;
}

#[tokio::test]
async fn an_html_body_is_a_provider_error() {
    for_every_provider(|p| Box::pin(html(p))).await;
}
