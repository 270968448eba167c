//! Prefetching pages against a slow provider.
//!
//! Each simulator answers every data request after 100 ms ([`LATENCY`]) and holds 20 pages of 100
//! leads. For each provider whose paging is predictable (Copper page numbers, Pipedrive offsets,
//! Zoho pages within the first 2,000 records) the same walk runs four ways, each with a fresh
//! connector (so that no run inherits another's limiter budget):
//!
//! | run | how | expected wall time |
//! |---|---|---|
//! | sequential | `stream_leads`, no limiter | `pages x latency` (2.0 s) |
//! | prefetch x4 | `stream_pages_prefetch`, 4 in flight, no limiter | `ceil(pages / 4) x latency` (0.5 s) |
//! | sequential, default limiter | `stream_leads`, the provider's `default_limiter()` | the larger of latency and the limiter's pace |
//! | prefetch x4, default limiter | 4 in flight, `default_limiter()` | the larger of latency / 4 and the limiter's pace |
//!
//! The default limiters decide how much of the speed-up survives: Zoho's is a cap of 5 calls in
//! flight, above 4, so prefetching keeps its full speed-up; Copper's allows a burst of 10 and then
//! one request every 355 ms (at most 180 in any rolling minute) and Pipedrive's a burst of 5 and
//! then one every 143 ms (at most 20 in any 2 s), so after the burst both pace the walk slower
//! than 4 pages per 100 ms, and the limiter, not the latency, sets the wall time. For those the
//! test asserts the limiter was respected (never faster than its pace allows) and that the walk
//! finishes close to that pace. Measured there, prefetching is even a little slower than one page
//! at a time (0.8-0.9x): the guesses in flight past the last page spend limiter slots too.
//!
//! Every run must return every lead exactly once, in the declared order. Each measured time must be
//! at least its lower bound (what latency and limiter allow: `ceil(requests / in flight) x
//! latency`, and under a rate `(requests - burst) x interval + latency`, counting the requests the
//! sequential walk needed) and at most twice that plus 0.6 s, generous for a debug build on two
//! cores shared with other tests. Where nothing caps the concurrency below 4, prefetching must at
//! least halve the sequential time (ideal: a quarter).

use std::time::{Duration, Instant};

use crm_core::transport::RequestLimiter;
use crm_core::{stream_leads, stream_pages_prefetch, DynConnector, Lead, LeadQuery};
use crm_sim::{Faults, SimHandle, SimProvider};
use futures::TryStreamExt;

use super::support;

const LATENCY: Duration = Duration::from_millis(100);
const PAGES: usize = 20;
const PAGE: usize = 100;
const CONCURRENCY: usize = 4;
const SEED: u64 = 11_020;
/// Added to twice the lower bound for the ceiling: CPU time of parsing and mapping 100 leads a
/// page in a debug build, on two cores shared with the other tests.
const SLACK: Duration = Duration::from_millis(600);

// Zoho's limiter is only a cap on calls in flight: it must leave room for the prefetch.
const _: () = assert!(crm_zoho::limits::MAX_CONCURRENT >= CONCURRENCY);

/// The pace of a provider's default limiter: requests that may start at once, then one per interval.
#[derive(Debug, Clone, Copy)]
struct Pace {
    burst: u32,
    interval: Duration,
}

/// The default limiter's rate, from the constants its crate documents (`None`: no rate, only a
/// concurrency cap of at least [`CONCURRENCY`]).
fn pace(provider: SimProvider) -> Option<Pace> {
    match provider {
        SimProvider::Copper => Some(Pace {
            burst: crm_copper::limits::BURST,
            interval: Duration::from_secs(60)
                / (crm_copper::REQUESTS_PER_MINUTE - crm_copper::limits::BURST - 1),
        }),
        SimProvider::Pipedrive => Some(Pace {
            burst: crm_pipedrive::limits::BURST,
            interval: crm_pipedrive::limits::BURST_WINDOW
                / (crm_pipedrive::limits::BURST_REQUESTS - crm_pipedrive::limits::BURST - 1),
        }),
        SimProvider::Insightly => Some(Pace {
            burst: crm_insightly::limits::BURST,
            interval: crm_insightly::limits::INTERVAL,
        }),
        SimProvider::Zoho => None,
        SimProvider::Salesforce => None,
        SimProvider::ZendeskSell => Some(Pace {
            burst: crm_zendesk_sell::limits::BURST,
            interval: crm_zendesk_sell::limits::interval(),
        }),
    }
}

/// The earliest a walk of `requests` requests, `in_flight` at a time, can end: each round of
/// requests waits for the latency, and under a rate limiter the last request cannot start before
/// `(requests - burst) x interval`.
fn lower_bound(requests: usize, in_flight: usize, pace: Option<Pace>) -> Duration {
    let rounds = requests.div_ceil(in_flight) as u32;
    let by_latency = LATENCY * rounds;
    let by_rate = pace
        .map(|p| p.interval * (requests as u32).saturating_sub(p.burst) + LATENCY)
        .unwrap_or_default();
    by_latency.max(by_rate)
}

#[derive(Debug)]
struct Run {
    label: &'static str,
    elapsed: Duration,
    requests: u64,
}

async fn timed(
    label: &'static str,
    sim: &SimHandle,
    limiter: Option<RequestLimiter>,
    concurrency: usize,
    expected: &[String],
) -> Run {
    let connector = support::connector(sim, limiter);
    let connector: &dyn DynConnector = connector.as_ref();
    let query = LeadQuery {
        limit: Some(PAGE as u32),
        ..LeadQuery::default()
    };
    sim.reset_stats();
    let started = Instant::now();
    let leads: Vec<Lead> = if concurrency == 1 {
        stream_leads(connector, &query)
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"))
    } else {
        let pages: Vec<_> = stream_pages_prefetch(connector, &query, concurrency)
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let mut leads = Vec::with_capacity(expected.len());
        for page in pages {
            leads.extend(
                crm_core::list::map_records(connector, &query, page.records)
                    .unwrap_or_else(|e| panic!("{label}: a page does not map: {e}")),
            );
        }
        leads
    };
    let elapsed = started.elapsed();
    let ids: Vec<&str> = leads.iter().map(|l| l.id.as_str()).collect();
    let want: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert!(
        ids == want,
        "{label}: got {} leads, want {}; the walk lost, repeated or reordered leads",
        ids.len(),
        want.len()
    );
    Run {
        label,
        elapsed,
        requests: sim.stats().api_requests,
    }
}

fn check(provider: SimProvider) {
    let rt = support::runtime();
    rt.block_on(async {
        let faults = Faults {
            latency: LATENCY,
            ..Faults::default()
        };
        let sim = support::start(provider, SEED, PAGES * PAGE, faults).await;
        let expected = support::expected_ids(provider, sim.records());
        assert_eq!(expected.len(), PAGES * PAGE);
        let pace = pace(provider);
        let limiter = || support::default_limiter(provider);

        let sequential = timed("sequential", &sim, None, 1, &expected).await;
        // The requests a walk needs: Copper answers a bare array, so a full last page is followed
        // by one empty page; the others say "no more" on the last page.
        let needed = usize::try_from(sequential.requests).expect("count");
        let runs = [
            sequential,
            timed("prefetch x4", &sim, None, CONCURRENCY, &expected).await,
            timed("sequential, default limiter", &sim, limiter(), 1, &expected).await,
            timed(
                "prefetch x4, default limiter",
                &sim,
                limiter(),
                CONCURRENCY,
                &expected,
            )
            .await,
        ];
        let bounds = [
            lower_bound(needed, 1, None),
            lower_bound(needed, CONCURRENCY, None),
            lower_bound(needed, 1, pace),
            lower_bound(needed, CONCURRENCY, pace),
        ];

        let secs = |d: Duration| d.as_secs_f64();
        println!(
            "{provider}: {PAGES} pages x {PAGE} leads, {} ms latency per page, prefetch concurrency {CONCURRENCY}; limiter pace: {}",
            LATENCY.as_millis(),
            match pace {
                Some(p) => format!("burst {} then 1 per {} ms", p.burst, p.interval.as_millis()),
                None => format!("concurrency cap {}", crm_zoho::limits::MAX_CONCURRENT),
            }
        );
        for (run, bound) in runs.iter().zip(bounds) {
            println!(
                "  {:<30} {:>6.3} s  (lower bound {:.3} s; {} provider requests)",
                run.label,
                secs(run.elapsed),
                secs(bound),
                run.requests
            );
        }
        println!(
            "  speed-up: {:.2}x without limiter, {:.2}x with the default limiter",
            secs(runs[0].elapsed) / secs(runs[1].elapsed),
            secs(runs[2].elapsed) / secs(runs[3].elapsed)
        );

        for (run, bound) in runs.iter().zip(bounds) {
            // A little slack below the bound for timer granularity.
            assert!(
                run.elapsed + Duration::from_millis(20) >= bound,
                "{provider} {}: {:.3} s is faster than latency and limiter allow ({:.3} s)",
                run.label,
                secs(run.elapsed),
                secs(bound)
            );
            let ceiling = bound * 2 + SLACK;
            assert!(
                run.elapsed <= ceiling,
                "{provider} {}: {:.3} s, expected about {:.3} s (at most {:.3} s)",
                run.label,
                secs(run.elapsed),
                secs(bound),
                secs(ceiling)
            );
        }
        // Without a limiter, 4 in flight must at least halve the sequential time (ideal: 4x).
        assert!(
            runs[1].elapsed * 2 <= runs[0].elapsed,
            "{provider}: prefetching took {:.3} s against {:.3} s sequentially",
            secs(runs[1].elapsed),
            secs(runs[0].elapsed)
        );
        // With a limiter that leaves room for 4 in flight (Zoho), the same holds.
        if pace.is_none() {
            assert!(
                runs[3].elapsed * 2 <= runs[2].elapsed,
                "{provider}: prefetching under the default limiter took {:.3} s against {:.3} s sequentially",
                secs(runs[3].elapsed),
                secs(runs[2].elapsed)
            );
        }
    });
}

#[test]
fn copper_prefetch_approaches_latency_over_concurrency_within_its_pacing() {
    check(SimProvider::Copper);
}

#[test]
fn pipedrive_prefetch_approaches_latency_over_concurrency_within_its_pacing() {
    check(SimProvider::Pipedrive);
}

#[test]
fn zoho_prefetch_approaches_latency_over_concurrency_within_its_concurrency_cap() {
    check(SimProvider::Zoho);
}
