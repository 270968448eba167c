//! Prints the ratio table of the last `cargo bench -p crm-bench` run, read from criterion's
//! `estimates.json` files: `cargo run -p crm-bench --release --example ratios`.
//! Looks in `$CARGO_TARGET_DIR/criterion` (default `target/criterion`).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Mean and median in milliseconds, or `None` when the benchmark has not run.
fn estimate(dir: &Path, group: &str, bench: &str) -> Option<(f64, f64)> {
    let path = dir
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let ms = |key: &str| json[key]["point_estimate"].as_f64().map(|ns| ns / 1e6);
    Some((ms("mean")?, ms("median")?))
}

fn main() -> std::io::Result<()> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = target.join("criterion");
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "median times (ms) of one 10,000-record page; {}",
        dir.display()
    )?;
    writeln!(
        out,
        "| provider | (a) Value parse | (b) unified | (c) raw | (d) naive | (b)/(a) | (c)/(a) | (d)/(b) |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|")?;
    for subject in crm_bench::subjects() {
        let group = subject.name;
        let get = |bench| estimate(&dir, group, bench).map(|(_, median)| median);
        let (Some(a), Some(b), Some(c), Some(d)) = (
            get("a_value_parse"),
            get("b_unified"),
            get("c_raw"),
            get("d_naive"),
        ) else {
            continue;
        };
        writeln!(
            out,
            "| {group} | {a:.1} | {b:.1} | {c:.1} | {d:.1} | {:.2} | {:.3} | {:.1} |",
            b / a,
            c / a,
            d / b
        )?;
    }
    Ok(())
}
