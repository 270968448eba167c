//! A quick timing loop for one provider and some steps, for profilers (`perf record`, valgrind)
//! and for quick comparisons on a busy machine (prints the minimum and median of the runs):
//! `cargo run -p crm-bench --release --example profile -- <provider|all> <steps> <runs>`, e.g.
//! `... -- zoho abcd 20`. Steps: `a` Value parse, `b` unified, `c` raw, `d` naive, `p` envelope
//! parse only, `m` parse and map, `R` render only (leads mapped outside the timing), `n` nothing
//! (the generator's share of a profile).

use crm_bench::{subject, subjects, PAGE_RECORDS};
use crm_core::LeadQuery;
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names: Vec<&str> = match args.first().map(String::as_str) {
        None | Some("all") => subjects().iter().map(|s| s.name).collect(),
        Some(name) => vec![name],
    };
    let steps = args.get(1).map_or("abcd", String::as_str).to_owned();
    let runs: usize = args
        .get(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15)
        .max(1);
    let query = LeadQuery::default();
    let mut out = std::io::stdout().lock();
    for name in names {
        let subject = subject(name).expect("a provider name");
        let page = subject.page(PAGE_RECORDS, 1);
        let connector = subject.connector();
        let mut medians = Vec::new();
        for step in steps.chars() {
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    if step == 'R' {
                        let leads = subject.leads(connector.as_ref(), &query, &page);
                        let start = Instant::now();
                        drop(black_box(crm_bench::render_leads(leads)));
                        return start.elapsed().as_secs_f64() * 1e3;
                    }
                    let start = Instant::now();
                    match step {
                        'a' => drop(black_box(
                            serde_json::from_slice::<serde_json::Value>(&page).expect("JSON"),
                        )),
                        'b' => drop(black_box(subject.unified(
                            connector.as_ref(),
                            &query,
                            &page,
                        ))),
                        'c' => drop(black_box(subject.raw(&page))),
                        'd' => drop(black_box(subject.naive(&page))),
                        'n' => {}
                        'p' => drop(black_box(subject.parse_records(&page))),
                        'm' => drop(black_box(subject.leads(connector.as_ref(), &query, &page))),
                        _ => panic!("steps are a, b, c, d, p, m, R and n"),
                    }
                    start.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            times.sort_by(f64::total_cmp);
            let median = times[runs / 2];
            medians.push((step, median));
            writeln!(
                out,
                "{name} {step}: min {:.2} ms, median {median:.2} ms",
                times[0]
            )?;
        }
        let m = |s| medians.iter().find(|(c, _)| *c == s).map(|(_, t)| *t);
        if let (Some(a), Some(b), Some(c), Some(d)) = (m('a'), m('b'), m('c'), m('d')) {
            writeln!(
                out,
                "{name}: (b)/(a) {:.2}  (c)/(a) {:.3}  (d)/(b) {:.1}",
                b / a,
                c / a,
                d / b
            )?;
        }
    }
    Ok(())
}
