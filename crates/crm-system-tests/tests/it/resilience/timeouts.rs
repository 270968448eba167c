//! A first attempt slower than the client timeout: timed out, retried, every lead delivered.

use super::support::{
    all_delivered, connect, ensure, for_every_provider, sim, until_requests, walk, Cell, Setup,
    Verdict,
};
use crm_sim::{Faults, SimProvider};
use std::time::Duration;

/// The client's per-request timeout in this scenario.
const TIMEOUT: Duration = Duration::from_millis(800);

/// The simulator's delay for the first request only.
const LATENCY: Duration = Duration::from_millis(2500);

pub async fn slow_first_attempt(provider: SimProvider) -> Verdict {
    let sim = sim(
        provider,
        Faults {
            latency: LATENCY,
            ..Faults::default()
        },
    )
    .await;
    let client = connect(
        &sim,
        Setup {
            timeout: Some(TIMEOUT),
            ..Setup::fast()
        },
    );
    let connector = client.connector.clone();
    let walking = tokio::spawn(async move { walk(connector.as_ref()).await });
    // The first request has read the latency once the simulator counted it; later ones get none.
    until_requests(&sim, 1).await?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    sim.update_faults(|f| f.latency = Duration::ZERO);
    let leads = walking
        .await
        .map_err(|e| format!("the walk panicked: {e}"))?
        .map_err(|e| format!("the walk failed: {e}"))?;
    let n = all_delivered(&sim, &leads)?;
    let retries = client.stats.retries();
    ensure!(retries == 1, "{retries} retries after one timeout");
    Ok(Cell {
        injected: 1,
        retries,
        outcome: format!(
            "timed out after {} ms, retried, all {n} leads",
            TIMEOUT.as_millis()
        ),
    })
}

#[tokio::test]
async fn a_timed_out_first_attempt_is_retried() {
    for_every_provider(|p| Box::pin(slow_first_attempt(p))).await;
}
