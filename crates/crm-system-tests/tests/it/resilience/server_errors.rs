//! 5xx bursts (503, retried like 502 and 504): absorbed, every lead delivered.

use super::support::{
    all_delivered, connect, ensure, for_every_provider, sim, walk, Cell, Setup, Verdict,
};
use crm_sim::{Faults, SimProvider, Trigger};

const BURST: u32 = 3;

pub async fn burst(provider: SimProvider) -> Verdict {
    let sim = sim(
        provider,
        Faults {
            server_error: Trigger::Next(BURST),
            server_error_status: 503,
            ..Faults::default()
        },
    )
    .await;
    let client = connect(&sim, Setup::fast());
    let leads = walk(client.connector.as_ref())
        .await
        .map_err(|e| format!("the walk failed: {e}"))?;
    let n = all_delivered(&sim, &leads)?;
    let injected = sim.stats().server_errors;
    let retries = client.stats.retries();
    ensure!(injected == u64::from(BURST), "{injected} 503s injected");
    ensure!(retries == injected, "{retries} retries for {injected} 503s");
    Ok(Cell {
        injected,
        retries,
        outcome: format!("absorbed, all {n} leads"),
    })
}

#[tokio::test]
async fn a_burst_of_503s_is_absorbed() {
    for_every_provider(|p| Box::pin(burst(p))).await;
}
