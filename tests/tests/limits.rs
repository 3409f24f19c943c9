//! Resource limits with hostile contracts: each scenario runs through the code gate and
//! the engine in a child process of this test binary, so its status is checked and its
//! peak resident memory (VmHWM) is measured alone and must stay bounded.

use std::process::Command;

use ewasm_host::mock::MockHost;
use ewasm_host::{EeiOptions, Message, Revision, StatusCode};
use ssvm::contract::{CompileOptions, Contract};

/// Set in the child process: run the scenario and report instead of spawning.
const CHILD_ENV: &str = "SSVM_LIMITS_CHILD";
/// The memory cap used by every scenario (the library default).
const PAGES: u32 = 4096;
const MIB: u64 = 1024 * 1024;

fn options(metering: bool) -> CompileOptions {
    CompileOptions {
        metering,
        bignum: true,
        debug: false,
        reject_floats: false,
        max_memory_pages: PAGES,
        revision: Revision::Byzantium,
        wasm: ssvm::options::WasmVersion::V2,
    }
}

/// Compiles and runs `wat`; `Err` is a gate failure (validation).
fn execute(wat: &str, metering: bool, gas: i64) -> Result<StatusCode, String> {
    let code = wat::parse_str(wat).map_err(|e| e.to_string())?;
    let contract = Contract::compile(&code, &options(metering)).map_err(|e| e.to_string())?;
    let msg = Message::call([2; 20], [1; 20], gas, Vec::new());
    let out = contract.execute(
        &msg,
        &code,
        &mut MockHost::new(),
        Revision::Byzantium,
        EeiOptions::default(),
    );
    Ok(out.status)
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Runs test `name` alone in a child process; returns the child's report line
/// (`<status> <peak rss bytes>`). In the child, runs `scenario` and prints that line.
fn isolated(name: &str, scenario: impl FnOnce() -> String) -> (String, u64) {
    if std::env::var_os(CHILD_ENV).is_some() {
        let status = scenario();
        println!("LIMITS-REPORT {status} {}", peak_rss());
        return (status, peak_rss());
    }
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .expect("spawn child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("LIMITS-REPORT ").map(|(_, r)| r))
        .unwrap_or_else(|| {
            panic!(
                "child for {name} reported nothing (exit {:?}):\n{stdout}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let (status, rss) = line.rsplit_once(' ').expect("report has two fields");
    (status.to_string(), rss.parse().expect("rss is a number"))
}

fn status_of(r: Result<StatusCode, String>) -> String {
    match r {
        Ok(s) => format!("{s:?}"),
        Err(_) => "GateFailure".to_string(),
    }
}

/// A contract whose `main` is `body`, with `extra` module fields.
fn contract(extra: &str, body: &str) -> String {
    format!(
        r#"(module {extra}
  (export "memory" (memory 0)) (export "main" (func $main))
  (func $main {body}))"#
    )
}

#[test]
fn declaring_the_maximum_memory_is_refused_without_allocating_it() {
    // 65536 initial pages (4 GiB) exceed the 4096-page cap: instantiation fails.
    let (status, rss) = isolated(
        "declaring_the_maximum_memory_is_refused_without_allocating_it",
        || {
            status_of(execute(
                &contract("(memory 65536 65536)", "(nop)"),
                false,
                1000,
            ))
        },
    );
    assert_eq!(status, "Failure");
    assert!(rss < 200 * MIB, "peak RSS {rss}");
}

#[test]
fn growing_to_the_page_cap_stops_at_the_cap() {
    // From 0 pages, grow by 64 until memory.grow returns -1: the size must be the cap.
    let body = r#"(block $done (loop $grow
        (br_if $done (i32.eq (memory.grow (i32.const 64)) (i32.const -1)))
        (br $grow)))
      (if (i32.ne (memory.size) (i32.const 4096)) (then (unreachable)))
      (i32.store (i32.const 268435452) (i32.const 1))"#;
    let (status, rss) = isolated("growing_to_the_page_cap_stops_at_the_cap", || {
        status_of(execute(&contract("(memory 0 65536)", body), false, 1000))
    });
    assert_eq!(status, "Success");
    // 256 MiB of memory at most (pages untouched except the last may not even be resident).
    assert!(rss < 256 * MIB + 200 * MIB, "peak RSS {rss}");
}

#[test]
fn unbounded_recursion_fails_with_bounded_memory() {
    let (status, rss) = isolated("unbounded_recursion_fails_with_bounded_memory", || {
        status_of(execute(
            &contract("(memory 1)", "(call $main)"),
            false,
            // Enough steps (one per call) to reach the call-depth limit first.
            1_000_000_000,
        ))
    });
    assert_eq!(status, "Failure");
    assert!(rss < 300 * MIB, "peak RSS {rss}");
}

#[test]
fn a_hundred_thousand_entry_br_table_runs() {
    let targets = "0 ".repeat(100_000);
    let body = format!("(block (br_table {targets} 0 (i32.const 99999)))");
    let (status, rss) = isolated("a_hundred_thousand_entry_br_table_runs", || {
        status_of(execute(&contract("(memory 1)", &body), false, 1000))
    });
    assert_eq!(status, "Success");
    assert!(rss < 300 * MIB, "peak RSS {rss}");
}

#[test]
fn functions_with_fifty_thousand_locals_run() {
    // A helper with 50k i64 locals, called 100 times (each call zeroes its locals).
    let extra = r#"(memory 1)
      (func $big (local $first i64) (local i64 i64) LOCALS
        (if (i64.ne (local.get $first) (i64.const 0)) (then (unreachable)))
        (local.set $first (i64.const 7)))"#
        .replace("LOCALS", &"(local i64) ".repeat(49_997));
    let body = "(local $i i32) (loop $l (call $big)
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))";
    let (status, rss) = isolated("functions_with_fifty_thousand_locals_run", || {
        status_of(execute(&contract(&extra, body), false, 1000))
    });
    assert_eq!(status, "Success");
    assert!(rss < 300 * MIB, "peak RSS {rss}");
}

#[test]
fn ten_thousand_functions_compile_and_run() {
    // $f0 calls $f1 ... calls $f9999, each adding one to a global-free counter in memory.
    let mut extra = String::from("(memory 1)");
    for i in 0..10_000 {
        let next = if i + 1 < 10_000 {
            format!("(call $f{})", i + 1)
        } else {
            String::new()
        };
        extra.push_str(&format!(
            "(func $f{i} (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))) {next})"
        ));
    }
    let body =
        "(call $f0) (if (i32.ne (i32.load (i32.const 0)) (i32.const 10000)) (then (unreachable)))";
    let (status, rss) = isolated("ten_thousand_functions_compile_and_run", || {
        // 10,000 calls: with metering off each is one step of the gas-sized step budget.
        status_of(execute(&contract(&extra, body), false, 100_000))
    });
    assert_eq!(status, "Success");
    assert!(rss < 300 * MIB, "peak RSS {rss}");
}

#[test]
fn a_huge_data_segment_is_applied() {
    // 16 MiB of data at offset 1 in a 512-page memory; main checks its last byte.
    let data = "\\2a".repeat(16 * 1024 * 1024);
    let extra = format!(r#"(memory 512) (data (i32.const 1) "{data}")"#);
    let body =
        "(if (i32.ne (i32.load8_u (i32.const 16777216)) (i32.const 42)) (then (unreachable)))";
    let (status, rss) = isolated("a_huge_data_segment_is_applied", || {
        status_of(execute(&contract(&extra, body), false, 1000))
    });
    assert_eq!(status, "Success");
    assert!(rss < 32 * MIB + 400 * MIB, "peak RSS {rss}");
}

#[test]
fn an_infinite_loop_with_metering_runs_out_of_gas() {
    let (status, rss) = isolated("an_infinite_loop_with_metering_runs_out_of_gas", || {
        status_of(execute(
            &contract("(memory 1)", "(loop $l (br $l))"),
            true,
            10_000_000,
        ))
    });
    assert_eq!(status, "OutOfGas");
    assert!(rss < 200 * MIB, "peak RSS {rss}");
}

#[test]
fn an_infinite_loop_without_metering_stops_with_out_of_gas() {
    // Wasm is free with metering off, but every loop iteration is a step and the step
    // budget is the message's gas: 10M iterations, then OUT_OF_GAS.
    let (status, rss) = isolated(
        "an_infinite_loop_without_metering_stops_with_out_of_gas",
        || {
            status_of(execute(
                &contract("(memory 1)", "(loop $l (br $l))"),
                false,
                10_000_000,
            ))
        },
    );
    assert_eq!(status, "OutOfGas");
    assert!(rss < 200 * MIB, "peak RSS {rss}");
}

#[test]
fn an_infinite_call_loop_without_metering_stops_with_out_of_gas() {
    // Each iteration calls a function and loops back: two steps per iteration.
    let (status, rss) = isolated(
        "an_infinite_call_loop_without_metering_stops_with_out_of_gas",
        || {
            status_of(execute(
                &contract("(memory 1) (func $f)", "(loop $l (call $f) (br $l))"),
                false,
                10_000_000,
            ))
        },
    );
    assert_eq!(status, "OutOfGas");
    assert!(rss < 200 * MIB, "peak RSS {rss}");
}

#[test]
fn the_unmetered_step_budget_is_the_message_gas() {
    // $i counts 1..=100; the branch back to $l is taken for i = 1..99: 99 backward
    // branches, plus one call of $f per iteration: 199 steps in all. Gas 199 is enough,
    // 198 is not. Nothing charges gas, so all of it is left on success.
    let body = "(local $i i32) (loop $l (call $f)
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))";
    let wat = contract("(memory 1) (func $f)", body);
    assert_eq!(status_of(execute(&wat, false, 199)), "Success");
    assert_eq!(status_of(execute(&wat, false, 198)), "OutOfGas");
    // With metering on, the step budget does not apply: gas alone bounds the run.
    assert_eq!(status_of(execute(&wat, true, 1_000_000)), "Success");
}
