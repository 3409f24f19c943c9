//! Criterion benchmark of the execution workloads (the optional, slower companion of the
//! `table` bench): every pure workload of `fixtures/bench` on ours (metering off/on) and
//! wasmi 2.0.0 (fuel off/on), each result checked once before timing. (The compiled
//! pairing contract, about a second per call, is only in the `table` bench.)
//!
//! Run: `cargo bench -p evmc-ssvm --bench engine` (or `make bench CRITERION=1`); a
//! criterion filter selects workloads, e.g. `-- count`.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{workloads, Instance, Ours, Wasmi};
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
        ours_off.check(&w.entry, &format!("{} ours off", w.name));
        ours_on.check(&w.entry, &format!("{} ours on", w.name));
        wasmi_off.check(&w.entry, &format!("{} wasmi off", w.name));
        wasmi_on.check(&w.entry, &format!("{} wasmi fuel", w.name));
        let entry = &w.entry;
        let mut group = criterion.benchmark_group(&w.name);
        group.bench_function("ours-off", |b| b.iter(|| ours_off.call(black_box(entry))));
        group.bench_function("wasmi-off", |b| b.iter(|| wasmi_off.call(black_box(entry))));
        group.bench_function("ours-on", |b| b.iter(|| ours_on.call(black_box(entry))));
        group.bench_function("wasmi-on", |b| b.iter(|| wasmi_on.call(black_box(entry))));
        group.finish();
    }
    criterion.final_summary();
}
