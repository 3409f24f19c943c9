//! `make bench`: the one benchmark table of issue #8, printed as markdown from one run:
//! the machine, execution time ours vs wasmi 2.0 (metering/fuel off and on), compile time
//! per byte, EVMC `execute` latency (first call and cached), an ERC20 transfer through the
//! EEI, the mul256 drag race, and the BN254 pairing check of issue #23 (native references,
//! our contracts, wasmi; also written as `evmc-ssvm/bench-pairing.svg`).
//!
//! Run: `cargo bench -p evmc-ssvm --bench table` (all sections), or with section names to
//! run some: `cargo bench -p evmc-ssvm --bench table -- exec compile evmc eei drag pairing`.
//! Profiling: `... --bench table -- profile WORKLOAD VARIANT [CALLS]` checks and runs one
//! workload on one engine (see [`exec::profile`]), e.g. under `valgrind --tool=callgrind`;
//! `... -- profile-compile MODULE [ROUNDS] [lazy]` compiles one module of the compile table
//! (eager, or validation only with `lazy`; see
//! [`compile::profile`]); `... -- profile-call CASE [CALLS]` makes cached EVMC calls of one
//! case of the latency table ([`evmc::profile`]), `... -- profile-erc20 [CALLS]` transfers
//! through the EEI ([`eei::profile`]).

#[path = "../common/mod.rs"]
mod common;
mod compile;
mod drag;
mod eei;
mod evmc;
mod exec;
mod pairing;

/// The sections in output order: (argument name, printer).
const SECTIONS: [(&str, fn()); 6] = [
    ("exec", exec::print),
    ("compile", compile::print),
    ("evmc", evmc::print),
    ("eei", eei::print),
    ("drag", drag::print),
    ("pairing", pairing::print),
];

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.first().map(String::as_str) {
        Some("profile") => return exec::profile(&args[1..]),
        Some("profile-compile") => return compile::profile(&args[1..]),
        Some("profile-call") => return evmc::profile(&args[1..]),
        Some("profile-erc20") => return eei::profile(&args[1..]),
        _ => {}
    }
    let unknown: Vec<&String> = args
        .iter()
        .filter(|a| !SECTIONS.iter().any(|(name, _)| name == a))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = SECTIONS.iter().map(|(name, _)| *name).collect();
        panic!(
            "unknown section(s) {unknown:?}; sections: {names:?}, `profile`, `profile-compile`, `profile-call` or `profile-erc20`"
        );
    }
    print_machine("start");
    for (name, print) in SECTIONS {
        if args.is_empty() || args.iter().any(|a| a == name) {
            print();
        }
    }
    println!();
    print_machine("end");
}

/// The machine line: date, logical CPUs, CPU model, load average (at `when`).
fn print_machine(when: &str) {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown", |(_, m)| m.trim());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!(
        "Machine ({when}, {date}): {cpus} CPUs (nproc), {model}, load average {}",
        load.join(" ")
    );
}
