//! Section 1: execution time of every pure workload and of the compiled pairing contract
//! (`shared/ewasm-bench`), ours vs wasmi 2.0, metering/fuel off and on, and the metering
//! overhead; plus the `profile` mode for callgrind.

use std::time::Duration;

use crate::common::{
    entry_runner, geomean, min_times, pairing_workload, ratio, workloads, Entry, Instance, Ours,
    Wasmi, Workload, PAIRING_NAME, STATISTIC,
};

/// Interleaved rounds per pure workload (all four engine variants in each round).
const RUNS: usize = 21;

/// Interleaved rounds for the pairing contract: one `main()` takes about 1 s on wasmi and
/// several on ours, so fewer rounds keep the table within minutes.
const PAIRING_RUNS: usize = 3;

/// The four engine variants, in column order.
const VARIANTS: [&str; 4] = ["ours-off", "wasmi-off", "ours-on", "wasmi-on"];

/// A workload instantiated on all four variants, each checked against the expected outcome.
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
            all.get(variant)
                .check(&w.entry, &format!("{} on {variant}", w.name));
        }
        all
    }

    fn get(&mut self, variant: &str) -> &mut dyn Instance {
        match variant {
            "ours-off" => &mut self.ours_off,
            "wasmi-off" => &mut self.wasmi_off,
            "ours-on" => &mut self.ours_on,
            "wasmi-on" => &mut self.wasmi_on,
            _ => panic!("unknown variant {variant}; variants: {VARIANTS:?}"),
        }
    }

    /// Minimum times of one call of `entry` over `runs` rounds, in [`VARIANTS`] order.
    fn times(&mut self, entry: &Entry, runs: usize) -> Vec<Duration> {
        let mut a = entry_runner(&mut self.ours_off, entry);
        let mut b = entry_runner(&mut self.wasmi_off, entry);
        let mut c = entry_runner(&mut self.ours_on, entry);
        let mut d = entry_runner(&mut self.wasmi_on, entry);
        min_times(runs, &mut [&mut a, &mut b, &mut c, &mut d])
    }
}

/// Prints the execution table.
pub fn print() {
    println!("\n## Execution: ours vs wasmi 2.0.0\n");
    println!(
        "Time of one `run(n)` call: {STATISTIC} ({RUNS} rounds, each running all four \
         variants once); every result checked against its expected value first. wasmi: eager \
         compilation, fuel reset to u64::MAX per call; ours: metering on = unlimited gas. \
         `{PAIRING_NAME}`: one `main()` call of the compiled bn128 pairing contract (ten point \
         pairs, no imports), {PAIRING_RUNS} rounds; checked first that `main` returns without \
         a trap and leaves linear memory with the recorded Keccak-256.\n"
    );
    println!(
        "| workload | n | ours off | wasmi off | ours/wasmi off | ours on | wasmi fuel | \
         ours/wasmi on | ours on/off | wasmi fuel/off |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    let mut rows: Vec<(Workload, usize)> = workloads().into_iter().map(|w| (w, RUNS)).collect();
    let skipped = match pairing_workload() {
        Ok(w) => {
            rows.push((w, PAIRING_RUNS));
            None
        }
        Err(why) => Some(why),
    };
    let mut cols: [Vec<f64>; 4] = Default::default();
    for (w, runs) in rows {
        let t = Instances::new(&w).times(&w.entry, runs);
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
            w.name,
            w.entry.arg_text(),
            t[0],
            t[1],
            r[0],
            t[2],
            t[3],
            r[1],
            r[2],
            r[3]
        );
    }
    let g: Vec<f64> = cols.iter().map(|c| geomean(c)).collect();
    println!(
        "| **geomean** | | | | **{:.2}** | | | **{:.2}** | **{:.3}** | **{:.3}** |",
        g[0], g[1], g[2], g[3]
    );
    if let Some(why) = skipped {
        println!("\n`{PAIRING_NAME}` skipped: cannot read the third-party module ({why})");
    }
}

/// `profile WORKLOAD VARIANT [CALLS]`: instantiates WORKLOAD (a name as printed in the
/// table, e.g. `count`, `kernels/sha256` or `ewasm-bench/pairing_ten_point_match_1`) on
/// VARIANT (`ours-off`, `wasmi-off`, `ours-on`, `wasmi-on`), checks the outcome of one call,
/// then calls it CALLS more times (default 0); with metering on it prints the gas or fuel of
/// the checked and of the last call. For `valgrind --tool=callgrind` and similar tools.
pub fn profile(args: &[String]) {
    let [name, variant, rest @ ..] = args else {
        panic!("usage: profile WORKLOAD VARIANT [CALLS]; variants: {VARIANTS:?}");
    };
    let calls: usize = rest.first().map_or(0, |c| {
        c.parse().unwrap_or_else(|e| panic!("CALLS {c}: {e}"))
    });
    let mut all = workloads();
    all.extend(crate::drag::bignum_workloads());
    match pairing_workload() {
        Ok(w) => all.push(w),
        Err(why) if name == PAIRING_NAME => panic!("{name} is not available: {why}"),
        Err(_) => {}
    }
    let Some(w) = all.iter().find(|w| &w.name == name) else {
        let names: Vec<&str> = all.iter().map(|w| w.name.as_str()).collect();
        panic!("unknown workload {name}; workloads: {names:?}");
    };
    let mut instance: Box<dyn Instance> = match variant.as_str() {
        "ours-off" | "ours-on" => Box::new(Ours::new(&w.wasm, variant == "ours-on")),
        "wasmi-off" | "wasmi-on" => Box::new(Wasmi::new(&w.wasm, variant == "wasmi-on")),
        _ => panic!("unknown variant {variant}; variants: {VARIANTS:?}"),
    };
    instance.check(&w.entry, &format!("{name} on {variant}"));
    let first_use = instance.metering_used();
    for _ in 0..calls {
        std::hint::black_box(instance.call(&w.entry));
    }
    let call = match w.entry {
        Entry::Run { arg, .. } => format!("run({arg})"),
        Entry::Main { .. } => "main()".to_string(),
    };
    println!("{name} on {variant}: checked, then {calls} more call(s) of {call}");
    if let (Some(first), Some(last)) = (first_use, instance.metering_used()) {
        // Ours with metering on: the gas of one call = Wasm instructions executed plus one
        // per metered block entered (EWASM.md section 4), a proxy for the Wasm op count.
        // wasmi with fuel on: the fuel it consumed.
        let unit = if variant.starts_with("ours") {
            "gas"
        } else {
            "fuel"
        };
        println!("{unit} used by the checked call: {first}, by the last call: {last}");
    }
}
