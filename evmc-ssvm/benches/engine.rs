//! Criterion benchmark of the execution workloads (the optional, slower companion of the
//! `table` bench): every pure workload of `fixtures/bench` on ours (metering off/on) and
//! wasmi 2.0.0 (fuel off/on), each result checked once before timing.
//!
//! Run: `cargo bench -p evmc-ssvm --bench engine` (or `make bench CRITERION=1`); a
//! criterion filter selects workloads, e.g. `-- count`.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{workloads, Ours, Wasmi};
use criterion::Criterion;

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for w in workloads() {
        let mut ours_off = Ours::new(&w.wasm, false);
        let mut ours_on = Ours::new(&w.wasm, true);
        let mut wasmi_off = Wasmi::new(&w.wasm, false);
        let mut wasmi_on = Wasmi::new(&w.wasm, true);
        assert_eq!(ours_off.run(w.arg), w.expected, "{} ours off", w.name);
        assert_eq!(ours_on.run(w.arg), w.expected, "{} ours on", w.name);
        assert_eq!(wasmi_off.run(w.arg), w.expected, "{} wasmi off", w.name);
        assert_eq!(wasmi_on.run(w.arg), w.expected, "{} wasmi fuel", w.name);
        let mut group = criterion.benchmark_group(&w.name);
        group.bench_function("ours-off", |b| b.iter(|| ours_off.run(black_box(w.arg))));
        group.bench_function("wasmi-off", |b| b.iter(|| wasmi_off.run(black_box(w.arg))));
        group.bench_function("ours-on", |b| b.iter(|| ours_on.run(black_box(w.arg))));
        group.bench_function("wasmi-on", |b| b.iter(|| wasmi_on.run(black_box(w.arg))));
        group.finish();
    }
    criterion.final_summary();
}
