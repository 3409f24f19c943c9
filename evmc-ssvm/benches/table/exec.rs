//! Section 1: execution time of every pure workload, ours vs wasmi 2.0, metering/fuel off
//! and on, and the metering overhead; plus the `profile` mode for callgrind.

use std::time::Duration;

use crate::common::{
    geomean, min_times, ratio, runner, workloads, Ours, Wasmi, Workload, STATISTIC,
};

/// Interleaved rounds per workload (all four engine variants in each round).
const RUNS: usize = 21;

/// The four engine variants, in column order.
const VARIANTS: [&str; 4] = ["ours-off", "wasmi-off", "ours-on", "wasmi-on"];

/// A workload instantiated on all four variants, each checked against the expected value.
struct Instances {
    ours_off: Ours,
    wasmi_off: Wasmi,
    ours_on: Ours,
    wasmi_on: Wasmi,
}

impl Instances {
    fn new(w: &Workload) -> Instances {
        let mut all = Instances {
            ours_off: Ours::new(&w.wasm, false),
            wasmi_off: Wasmi::new(&w.wasm, false),
            ours_on: Ours::new(&w.wasm, true),
            wasmi_on: Wasmi::new(&w.wasm, true),
        };
        for variant in VARIANTS {
            let got = all.run(variant, w.arg);
            assert_eq!(got, w.expected, "{} on {variant}", w.name);
        }
        all
    }

    fn run(&mut self, variant: &str, arg: i32) -> i64 {
        match variant {
            "ours-off" => self.ours_off.run(arg),
            "wasmi-off" => self.wasmi_off.run(arg),
            "ours-on" => self.ours_on.run(arg),
            "wasmi-on" => self.wasmi_on.run(arg),
            _ => panic!("unknown variant {variant}; variants: {VARIANTS:?}"),
        }
    }

    /// Minimum times in [`VARIANTS`] order.
    fn times(&mut self, arg: i32) -> Vec<Duration> {
        let mut a = runner(|n| self.ours_off.run(n), arg);
        let mut b = runner(|n| self.wasmi_off.run(n), arg);
        let mut c = runner(|n| self.ours_on.run(n), arg);
        let mut d = runner(|n| self.wasmi_on.run(n), arg);
        min_times(RUNS, &mut [&mut a, &mut b, &mut c, &mut d])
    }
}

/// Prints the execution table.
pub fn print() {
    println!("\n## Execution: ours vs wasmi 2.0.0\n");
    println!(
        "Time of one `run(n)` call: {STATISTIC} ({RUNS} rounds, each running all four \
         variants once); every result checked against its expected value first. wasmi: eager \
         compilation, fuel reset to u64::MAX per call; ours: metering on = unlimited gas.\n"
    );
    println!(
        "| workload | n | ours off | wasmi off | ours/wasmi off | ours on | wasmi fuel | \
         ours/wasmi on | ours on/off | wasmi fuel/off |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    let mut cols: [Vec<f64>; 4] = Default::default();
    for w in workloads() {
        let t = Instances::new(&w).times(w.arg);
        let r = [
            ratio(t[0], t[1]),
            ratio(t[2], t[3]),
            ratio(t[2], t[0]),
            ratio(t[3], t[1]),
        ];
        for (col, x) in cols.iter_mut().zip(r) {
            col.push(x);
        }
        println!(
            "| {} | {} | {:.2?} | {:.2?} | {:.2} | {:.2?} | {:.2?} | {:.2} | {:.3} | {:.3} |",
            w.name, w.arg, t[0], t[1], r[0], t[2], t[3], r[1], r[2], r[3]
        );
    }
    let g: Vec<f64> = cols.iter().map(|c| geomean(c)).collect();
    println!(
        "| **geomean** | | | | **{:.2}** | | | **{:.2}** | **{:.3}** | **{:.3}** |",
        g[0], g[1], g[2], g[3]
    );
}

/// `profile WORKLOAD VARIANT [CALLS]`: instantiates WORKLOAD (a name as printed in the
/// table, e.g. `count` or `kernels/sha256`) on VARIANT (`ours-off`, `wasmi-off`,
/// `ours-on`, `wasmi-on`), checks the result, then calls `run(n)` CALLS more times
/// (default 0). For `valgrind --tool=callgrind` and similar tools.
pub fn profile(args: &[String]) {
    let [name, variant, rest @ ..] = args else {
        panic!("usage: profile WORKLOAD VARIANT [CALLS]; variants: {VARIANTS:?}");
    };
    let calls: usize = rest.first().map_or(0, |c| {
        c.parse().unwrap_or_else(|e| panic!("CALLS {c}: {e}"))
    });
    let mut all = workloads();
    all.extend(crate::drag::bignum_workloads());
    let Some(w) = all.iter().find(|w| &w.name == name) else {
        let names: Vec<&str> = all.iter().map(|w| w.name.as_str()).collect();
        panic!("unknown workload {name}; workloads: {names:?}");
    };
    let (mut ours, mut wasmi) = match variant.as_str() {
        "ours-off" | "ours-on" => (Some(Ours::new(&w.wasm, variant == "ours-on")), None),
        "wasmi-off" | "wasmi-on" => (None, Some(Wasmi::new(&w.wasm, variant == "wasmi-on"))),
        _ => panic!("unknown variant {variant}; variants: {VARIANTS:?}"),
    };
    let mut run = |n| match (&mut ours, &mut wasmi) {
        (Some(o), _) => o.run(n),
        (_, Some(wi)) => wi.run(n),
        _ => unreachable!("one engine is set"),
    };
    assert_eq!(run(w.arg), w.expected, "{name} on {variant}");
    for _ in 0..calls {
        std::hint::black_box(run(w.arg));
    }
    println!(
        "{name} on {variant}: checked, then {calls} more call(s) of run({})",
        w.arg
    );
    if let Some(o) = &ours {
        // With metering on: the gas of one call = Wasm instructions executed plus one per
        // metered block entered (EWASM.md section 4), a proxy for the Wasm op count.
        println!("gas used by the last call: {}", o.gas_used());
    }
}
