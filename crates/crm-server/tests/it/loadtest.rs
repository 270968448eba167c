//! A tiny run of the load generator behind `examples/loadtest.rs` (sandbox simulators, gateway and
//! clients in this process, loopback only): a few requests per phase, so that a change that breaks
//! the harness (the sandbox, the recorded-request replay, the cursor walk) fails here and not only
//! when somebody runs the real load test. No timing is asserted.

#[allow(dead_code)]
#[path = "../../examples/loadtest/harness.rs"]
mod harness;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_generator_measures_every_provider_both_ways() {
    let settings = harness::Settings {
        clients: 2,
        // More than one walk (3 pages of 100 out of 250 leads), so cursors wrap around.
        requests: 12,
        time_limit: Duration::from_secs(20),
        page_size: 100,
        leads: 250,
        ..harness::Settings::default()
    };
    let report = tokio::time::timeout(Duration::from_secs(120), harness::run(&settings))
        .await
        .expect("the load test is bounded")
        .expect("the load test runs");
    assert_eq!(report.providers.len(), 4);
    for p in &report.providers {
        for (label, stats) in [("direct", &p.direct), ("gateway", &p.gateway)] {
            assert_eq!(
                stats.errors, 0,
                "{} {label}: {:?}",
                p.provider, stats.first_error
            );
            assert_eq!(stats.ok, settings.requests, "{} {label}", p.provider);
            assert!(
                stats.quantile(0.5) > Duration::ZERO,
                "{} {label}",
                p.provider
            );
            assert!(stats.quantile(0.99) >= stats.quantile(0.5));
            assert!(stats.throughput() > 0.0);
            assert!(stats.mean_bytes() > 0);
        }
        assert!(p.walk_pages >= 3, "{}: {} pages", p.provider, p.walk_pages);
        assert!(p.p50_ratio().is_finite());
    }
    let table = harness::render(&report);
    for provider in ["copper", "pipedrive", "salesforce", "zoho"] {
        assert!(
            table.contains(&format!("| {provider} | gateway |")),
            "{table}"
        );
    }
}
