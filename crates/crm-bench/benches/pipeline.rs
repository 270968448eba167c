//! Per provider, on the same page of 10,000 generated records (`cargo bench -p crm-bench`):
//!
//! - `a_value_parse`: baseline, `serde_json::from_slice::<serde_json::Value>` of the page;
//! - `b_unified`: our whole unified pipeline (envelope parse, `map_lead` of every record, render
//!   with `remote_data`);
//! - `c_raw`: the raw format (envelope parse, render the records untouched);
//! - `d_naive`: the naive pipeline (Value tree, field-by-field mapping, cloned `remote_data`).
//!
//! Every measured iteration includes dropping its result. Ratios: `cargo run -p crm-bench
//! --example ratios --release` after a run.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crm_bench::{subjects, PAGE_RECORDS};
use crm_core::LeadQuery;
use std::hint::black_box;
use std::time::Duration;

fn pipeline(c: &mut Criterion) {
    let query = LeadQuery::default();
    for subject in subjects() {
        let page = subject.page(PAGE_RECORDS, 1);
        let connector = subject.connector();
        let mut group = c.benchmark_group(subject.name);
        group.throughput(Throughput::Elements(PAGE_RECORDS as u64));
        group.bench_function("a_value_parse", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&page)).expect("JSON"))
        });
        group.bench_function("b_unified", |b| {
            b.iter(|| subject.unified(connector.as_ref(), &query, black_box(&page)))
        });
        group.bench_function("c_raw", |b| b.iter(|| subject.raw(black_box(&page))));
        group.bench_function("d_naive", |b| b.iter(|| subject.naive(black_box(&page))));
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Bounded: about 4 s per benchmark (the naive pipeline's 20 samples, one page each, take 5-12 s),
    // so the 16 benchmarks finish in about 2 minutes on 2 cores.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(800))
        .measurement_time(Duration::from_secs(3));
    targets = pipeline
}
criterion_main!(benches);
