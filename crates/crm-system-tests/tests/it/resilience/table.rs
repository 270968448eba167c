//! Every fault against every provider, printed as a table and asserted cell by cell:
//! `cargo test -p crm-system-tests -- --nocapture resilience`.

use super::support::{name, Scenario, Verdict};
use super::{bodies, give_up, rate_limits, refresh, server_errors, timeouts};
use crm_sim::SimProvider;

/// The faults, in table order.
const FAULTS: [(&str, Scenario); 9] = [
    ("rate-limit burst", |p| Box::pin(rate_limits::burst(p))),
    ("503 burst", |p| Box::pin(server_errors::burst(p))),
    ("timeout, 1st attempt", |p| {
        Box::pin(timeouts::slow_first_attempt(p))
    }),
    ("expired token x50", |p| {
        Box::pin(refresh::expired_under_concurrency(p))
    }),
    ("revoked refresh token", |p| Box::pin(refresh::revoked(p))),
    ("truncated body", |p| Box::pin(bodies::truncated(p))),
    ("HTML body", |p| Box::pin(bodies::html(p))),
    ("503 forever", |p| Box::pin(give_up::persistent_503(p))),
    ("429 forever", |p| Box::pin(give_up::persistent_429(p))),
];

#[allow(clippy::print_stdout)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_table() {
    // Providers side by side, each provider's faults one after the other.
    let rows = SimProvider::ALL.map(|p| async move {
        let mut cells = Vec::new();
        for (fault, scenario) in FAULTS {
            cells.push((p, fault, scenario(p).await));
        }
        cells
    });
    let rows: Vec<(SimProvider, &str, Verdict)> = futures::future::join_all(rows)
        .await
        .into_iter()
        .flatten()
        .collect();

    println!();
    println!(
        "| {:<10} | {:<21} | {:>8} | {:>7} | outcome",
        "provider", "fault", "injected", "retries"
    );
    println!(
        "|{:-<12}|{:-<23}|{:->10}|{:->9}|{:-<60}",
        "", "", "", "", ""
    );
    for (p, fault, verdict) in &rows {
        match verdict {
            Ok(cell) => println!(
                "| {:<10} | {:<21} | {:>8} | {:>7} | {}",
                name(*p),
                fault,
                cell.injected,
                cell.retries,
                cell.outcome
            ),
            Err(why) => println!(
                "| {:<10} | {:<21} | {:>8} | {:>7} | FAILED: {why}",
                name(*p),
                fault,
                "?",
                "?"
            ),
        }
    }
    println!();

    let failed: Vec<String> = rows
        .iter()
        .filter_map(|(p, fault, v)| {
            v.as_ref()
                .err()
                .map(|e| format!("{} / {fault}: {e}", name(*p)))
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(rows.len(), SimProvider::ALL.len() * FAULTS.len());
}
