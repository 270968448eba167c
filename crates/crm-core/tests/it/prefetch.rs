use crate::fake::Fake;
use crm_core::{stream_pages_prefetch, LeadQuery};
use futures::TryStreamExt;
use std::time::{Duration, Instant};

async fn walk(fake: &Fake, limit: u32, concurrency: usize) -> Vec<u64> {
    let query = LeadQuery {
        limit: Some(limit),
        ..LeadQuery::default()
    };
    let pages: Vec<_> = stream_pages_prefetch(fake, &query, concurrency)
        .try_collect()
        .await
        .unwrap();
    pages
        .iter()
        .flat_map(|p| p.records.iter())
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(r.get()).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn prefetched_pages_are_complete_and_ordered() {
    let fake = Fake {
        predictable: true,
        ..Fake::new(95)
    };
    assert_eq!(walk(&fake, 10, 4).await, (0..95).collect::<Vec<_>>());
    // The walk ends at the provider's "no more"; at most concurrency-1 speculative fetches beyond.
    assert!(fake.fetches() <= 10 + 3, "{}", fake.fetches());
}

#[tokio::test]
async fn wrong_predictions_are_detected_and_repaired() {
    let fake = Fake {
        predictable: true,
        short_pages: Some(7),
        ..Fake::new(50)
    };
    assert_eq!(walk(&fake, 10, 4).await, (0..50).collect::<Vec<_>>());
}

#[tokio::test]
async fn unpredictable_paging_falls_back_to_one_at_a_time() {
    let fake = Fake::new(30);
    assert_eq!(walk(&fake, 10, 8).await, (0..30).collect::<Vec<_>>());
    assert_eq!(fake.fetches(), 3);
}

#[tokio::test]
async fn prefetch_divides_wall_time_by_concurrency() {
    let latency = Duration::from_millis(40);
    let sequential = Fake {
        predictable: true,
        latency,
        ..Fake::new(200)
    };
    let started = Instant::now();
    walk(&sequential, 10, 1).await;
    let one = started.elapsed();

    let parallel = Fake {
        predictable: true,
        latency,
        ..Fake::new(200)
    };
    let started = Instant::now();
    walk(&parallel, 10, 5).await;
    let five = started.elapsed();
    assert!(one >= latency * 20, "{one:?}");
    assert!(five * 3 < one, "sequential {one:?}, prefetch x5 {five:?}");
}
