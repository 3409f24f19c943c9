//! Resource limits with hostile contracts: each scenario runs through the code gate and
//! the engine in a child process of this test binary, so its status is checked and its
//! peak resident memory (VmHWM) is measured alone and must stay bounded.
//!
//! The scenarios of EWASM.md section 4.2 (bounded work and memory with metering off) run
//! through the built libraries (`make build`: ABI 9, 7 and 12) and the test host, which
//! answers a contract's `call` by executing the callee on the same VM: bulk-operation
//! storms, a contract that grows its memory and calls itself, and allocations the system
//! refuses.

use std::process::Command;

use ewasm_host::mock::MockHost;
use ewasm_host::{EeiOptions, Message, Revision, StatusCode};
use ssvm::contract::{CompileOptions, Contract};
use ssvm::engine::MemoryBudget;

/// Set in the child process: run the scenario and report instead of spawning.
const CHILD_ENV: &str = "SSVM_LIMITS_CHILD";
/// In the child process: which case of a test with several to run.
const CHILD_CASE_ENV: &str = "SSVM_LIMITS_CASE";
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
        translation: ssvm::options::Translation::Lazy,
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
        &MemoryBudget::default(),
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
    isolated_case(name, "", scenario)
}

/// [`isolated`] for one `case` of test `name`: a test that runs several scenarios gives
/// each its own child, which runs only the scenario of its case.
fn isolated_case(name: &str, case: &str, scenario: impl FnOnce() -> String) -> (String, u64) {
    if std::env::var_os(CHILD_ENV).is_some() {
        if std::env::var(CHILD_CASE_ENV).unwrap_or_default() != case {
            return (String::new(), 0);
        }
        let status = scenario();
        println!("LIMITS-REPORT {status} {}", peak_rss());
        return (status, peak_rss());
    }
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .env(CHILD_CASE_ENV, case)
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
        // Each grow spends 16 steps per page (EWASM.md section 4.2): 65 grows of 64 pages
        // (the last one fails) and their loop branches take 66,624 steps of the budget.
        status_of(execute(&contract("(memory 0 65536)", body), false, 66_624))
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
    // With metering on, the step budget is the gas too; the gas charges reach it first.
    assert_eq!(status_of(execute(&wat, true, 1_000_000)), "Success");
}

// ---------------------------------------------------------------------------------------
// EWASM.md section 4.2 through the built libraries.

use ssvm_tests::evmc_loader::Vm;
use ssvm_tests::host::{Host, Message as HostMessage, TxEnv};
use ssvm_tests::state::{Account, WorldState};
use std::path::PathBuf;
use std::time::Instant;

/// Every built library as (label, path).
fn libraries() -> Vec<(String, PathBuf)> {
    ssvm_tests::evmc_loader::built_libraries()
        .into_iter()
        .map(|(abi, path)| (format!("abi{abi}"), path))
        .collect()
}

const CONTRACT: [u8; 20] = [0xc0; 20];
const SENDER: [u8; 20] = [0x5e; 20];
const BYZANTIUM: u32 = 4;

/// What one top-level call through a library gave.
struct LibRun {
    status: String,
    output: String,
    millis: u128,
}

impl LibRun {
    /// `STATUS OUTPUT MILLIS` (output `-` when empty), the child's report.
    fn report(&self) -> String {
        let output = if self.output.is_empty() {
            "-"
        } else {
            &self.output
        };
        format!("{} {output} {}", self.status, self.millis)
    }
}

/// Loads `lib` with `options` and calls `wat` (at [`CONTRACT`]) once with `gas`.
fn run_on_library(lib: &std::path::Path, options: &[(&str, &str)], wat: &str, gas: i64) -> LibRun {
    let vm = Vm::load(lib).unwrap_or_else(|e| panic!("{e}"));
    for (name, value) in options {
        vm.set_option(name, value).unwrap_or_else(|e| panic!("{e}"));
    }
    call_on_vm(&vm, wat, gas)
}

/// One top-level call of `wat` on a loaded VM.
fn call_on_vm(vm: &Vm, wat: &str, gas: i64) -> LibRun {
    let code = wat::parse_str(wat).expect("valid WAT");
    let mut state = WorldState::new();
    state.insert_account(
        CONTRACT,
        Account {
            code: code.into(),
            ..Account::default()
        },
    );
    let host = Host::new_raw(vm, BYZANTIUM, TxEnv::default(), state);
    let msg = HostMessage {
        kind: evmc_sys::evmc_call_kind::EVMC_CALL,
        is_static: false,
        depth: 0,
        gas,
        destination: CONTRACT,
        sender: SENDER,
        input: Vec::new(),
        value: ethnum::U256::ZERO,
    };
    let start = Instant::now();
    let result = host.call(&msg);
    LibRun {
        status: format!("{:?}", result.status),
        output: hex::encode(&result.output),
        millis: start.elapsed().as_millis(),
    }
}

/// Splits a child's `STATUS OUTPUT MILLIS` report.
fn parse_report(report: &str) -> (String, String, u128) {
    let mut parts = report.split(' ');
    let (Some(status), Some(output), Some(millis)) = (parts.next(), parts.next(), parts.next())
    else {
        panic!("bad report {report:?}");
    };
    let output = if output == "-" { "" } else { output };
    (
        status.to_string(),
        output.to_string(),
        millis.parse().expect("millis"),
    )
}

/// A 256 MiB memory (4096 pages, the default `max_memory_pages`) and a `main` that runs
/// `body` in an endless loop.
fn storm(extra: &str, body: &str) -> String {
    format!(
        r#"(module (memory 4096) {extra}
  (export "memory" (memory 0)) (export "main" (func $main))
  (func $main (loop $l {body} (br $l))))"#
    )
}

/// The three storms of issue #22: each iteration does at most 256 MiB or 10M elements of
/// work, which spends `ceil(n / 1024)` or `ceil(n / 128)` steps; 1,000,000 gas buys
/// 1,000,000 steps, so a few iterations end the call.
fn storms() -> [(&'static str, String); 3] {
    [
        (
            "memory.fill",
            storm(
                "",
                "(memory.fill (i32.const 0) (i32.const 7) (i32.const 268435456))",
            ),
        ),
        (
            "memory.copy",
            storm(
                "",
                "(memory.copy (i32.const 1) (i32.const 0) (i32.const 268435455))",
            ),
        ),
        (
            "table.fill",
            storm(
                "(table $t 10000000 funcref)",
                "(table.fill $t (i32.const 0) (ref.null func) (i32.const 10000000))",
            ),
        ),
    ]
}

#[test]
fn bulk_storms_without_metering_end_out_of_gas_at_once() {
    let name = "bulk_storms_without_metering_end_out_of_gas_at_once";
    for (label, lib) in libraries() {
        for (storm_name, wat) in storms() {
            let case = format!("{label} {storm_name}");
            let (report, rss) = isolated_case(name, &case, || {
                run_on_library(&lib, &[], &wat, 1_000_000).report()
            });
            if report.is_empty() {
                continue; // another case's child
            }
            let (status, output, millis) = parse_report(&report);
            eprintln!(
                "{case}: {status} in {millis} ms, peak RSS {} MiB",
                rss / MIB
            );
            assert_eq!(status, "EVMC_OUT_OF_GAS", "{case}");
            assert_eq!(output, "", "{case}");
            assert!(millis < 2000, "{case}: {millis} ms");
            assert!(rss < 256 * MIB + 200 * MIB, "{case}: peak RSS {rss}");
        }
    }
}

/// A contract that grows its memory from 1 page to `pages`, touches every 4 KiB of it (a
/// store per 4 KiB in the Wasm 1.0 form, one `memory.fill` in the 2.0 form), calls itself
/// with all its gas, and finishes with the call's result byte (0 success, 1 failure)
/// followed by the callee's output. A top-level output `00 00 00 01` means: frames 1-3
/// saw their callee succeed, frame 4 saw its callee (frame 5) fail.
fn self_caller(pages: u32, bulk: bool) -> String {
    let bytes = u64::from(pages) * 65536;
    let touch = if bulk {
        format!("(memory.fill (i32.const 0) (i32.const 1) (i32.const {bytes}))")
    } else {
        format!(
            "(loop $touch
               (i32.store8 (local.get $p) (i32.const 1))
               (br_if $touch (i32.lt_u
                 (local.tee $p (i32.add (local.get $p) (i32.const 4096)))
                 (i32.const {bytes}))))"
        )
    };
    format!(
        r#"(module
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "getReturnDataSize" (func $returnDataSize (result i32)))
  (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (export "memory" (memory 0)) (export "main" (func $main))
  (func $main (local $p i32) (local $r i32) (local $n i32)
    (if (i32.eq (memory.grow (i32.const {grow})) (i32.const -1)) (then (unreachable)))
    {touch}
    (call $getAddress (i32.const 0))
    (i64.store (i32.const 32) (i64.const 0))
    (i64.store (i32.const 40) (i64.const 0))
    (local.set $r (call $call (call $getGasLeft) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 0)))
    (i32.store8 (i32.const 64) (local.get $r))
    (local.set $n (call $returnDataSize))
    (call $returnDataCopy (i32.const 65) (i32.const 0) (local.get $n))
    (call $finish (i32.const 64) (i32.add (local.get $n) (i32.const 1)))))"#,
        grow = pages - 1
    )
}

/// 1e12 gas: with metering on, each frame's grow costs 4095 * 262144 gas.
const TREE_GAS: i64 = 1_000_000_000_000;

#[test]
fn a_self_calling_memory_grower_is_bounded_by_the_tree_budget() {
    let name = "a_self_calling_memory_grower_is_bounded_by_the_tree_budget";
    for (label, lib) in libraries() {
        for bulk in [false, true] {
            for metering in ["false", "true"] {
                let form = if bulk { "2.0" } else { "1.0" };
                let case = format!("{label} wasm {form} metering={metering}");
                let wat = self_caller(4096, bulk);
                let (report, rss) = isolated_case(name, &case, || {
                    run_on_library(&lib, &[("metering", metering)], &wat, TREE_GAS).report()
                });
                if report.is_empty() {
                    continue;
                }
                let (status, output, millis) = parse_report(&report);
                eprintln!(
                    "{case}: {status} {output} in {millis} ms, peak RSS {} MiB",
                    rss / MIB
                );
                // 4 frames of 4096 pages fill the 16384-page budget; the fifth fails.
                assert_eq!(
                    (status.as_str(), output.as_str()),
                    ("EVMC_SUCCESS", "00000001"),
                    "{case}"
                );
                assert!(rss < 1400 * MIB, "{case}: peak RSS {rss}");
            }
        }
    }
}

#[test]
fn a_lower_tree_budget_stops_the_nesting_sooner_and_each_tree_starts_afresh() {
    let name = "a_lower_tree_budget_stops_the_nesting_sooner_and_each_tree_starts_afresh";
    for (label, lib) in libraries() {
        let wat = self_caller(4096, true);
        let (report, rss) = isolated_case(name, &label, || {
            let vm = Vm::load(&lib).unwrap_or_else(|e| panic!("{e}"));
            vm.set_option("max_tree_memory_pages", "8192")
                .unwrap_or_else(|e| panic!("{e}"));
            // Two frames fit 8192 pages; the third fails. Three trees in a row on the same
            // VM: each gets the whole budget again.
            let runs: Vec<String> = (0..3)
                .map(|_| call_on_vm(&vm, &wat, TREE_GAS))
                .map(|r| format!("{}:{}", r.status, r.output))
                .collect();
            runs.join(",")
        });
        if report.is_empty() {
            continue;
        }
        eprintln!("{label}: {report}, peak RSS {} MiB", rss / MIB);
        let expected = ["EVMC_SUCCESS:0001"; 3].join(",");
        assert_eq!(report, expected, "{label}");
        assert!(rss < 512 * MIB + 300 * MIB, "{label}: peak RSS {rss}");
    }
}

#[test]
fn trees_on_eight_threads_are_independent() {
    let name = "trees_on_eight_threads_are_independent";
    for (label, lib) in libraries() {
        let (report, rss) = isolated_case(name, &label, || {
            // 256-page frames, a 1024-page tree: four frames each, whatever the others do.
            let vm = Vm::load(&lib).unwrap_or_else(|e| panic!("{e}"));
            vm.set_option("max_memory_pages", "256")
                .unwrap_or_else(|e| panic!("{e}"));
            vm.set_option("max_tree_memory_pages", "1024")
                .unwrap_or_else(|e| panic!("{e}"));
            let wat = self_caller(256, false);
            let shared = SharedVm(&vm);
            let shared = &shared;
            let wat = &wat;
            let outputs: Vec<String> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        std::thread::Builder::new()
                            .stack_size(64 << 20)
                            .spawn_scoped(scope, move || {
                                (0..3)
                                    .map(|_| call_on_vm(shared.vm(), wat, TREE_GAS).output)
                                    .collect::<Vec<_>>()
                                    .join(",")
                            })
                            .expect("spawn")
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("thread"))
                    .collect()
            });
            outputs.join(" ")
        });
        if report.is_empty() {
            continue;
        }
        eprintln!("{label}: peak RSS {} MiB", rss / MIB);
        let one = ["00000001"; 3].join(",");
        assert_eq!(report, vec![one; 8].join(" "), "{label}");
        assert!(rss < 8 * 64 * MIB + 300 * MIB, "{label}: peak RSS {rss}");
    }
}

#[test]
fn growing_past_the_tree_budget_returns_minus_one() {
    let name = "growing_past_the_tree_budget_returns_minus_one";
    // With 100 pages for the tree: 1 + 100 fails (-1, size unchanged), 1 + 99 succeeds.
    let wat = r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (export "memory" (memory 0)) (export "main" (func $main))
  (func $main
    (i32.store (i32.const 0) (memory.grow (i32.const 100)))
    (i32.store (i32.const 4) (memory.grow (i32.const 99)))
    (i32.store (i32.const 8) (memory.size))
    (call $finish (i32.const 0) (i32.const 12))))"#;
    for (label, lib) in libraries() {
        let (report, _) = isolated_case(name, &label, || {
            run_on_library(&lib, &[("max_tree_memory_pages", "100")], wat, 1_000_000).report()
        });
        if report.is_empty() {
            continue;
        }
        let (status, output, _) = parse_report(&report);
        assert_eq!(status, "EVMC_SUCCESS", "{label}");
        // -1, then old size 1, then 100 pages (little-endian i32s).
        assert_eq!(output, "ffffffff0100000064000000", "{label}");
    }
}

#[test]
fn refused_allocations_fail_the_contract_not_the_host() {
    let name = "refused_allocations_fail_the_contract_not_the_host";
    // 40000 pages (2.6 GB) under a 2 GiB address-space limit: the allocator refuses them.
    let grow = r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (export "memory" (memory 0)) (export "main" (func $main))
  (func $main
    (i32.store (i32.const 0) (memory.grow (i32.const 40000)))
    (call $finish (i32.const 0) (i32.const 4))))"#;
    let instantiate = contract("(memory 40000)", "(nop)");
    let options = [
        ("max_memory_pages", "65536"),
        ("max_tree_memory_pages", "65536"),
    ];
    for (label, lib) in libraries() {
        let (report, _) = isolated_case(name, &label, || {
            limit_address_space(2 << 30);
            let grown = run_on_library(&lib, &options, grow, 1_000_000);
            let instantiated = run_on_library(&lib, &options, &instantiate, 1_000_000);
            format!("{}:{} {}", grown.status, grown.output, instantiated.status)
        });
        if report.is_empty() {
            continue;
        }
        assert_eq!(report, "EVMC_SUCCESS:ffffffff EVMC_FAILURE", "{label}");
    }
}

/// A VM the threads of one test share: an EVMC instance may be executed from several
/// threads at once (EWASM.md section 7), which `Vm` does not claim for itself.
struct SharedVm<'a>(&'a Vm);

// SAFETY: the library's `execute` is thread-safe (EWASM.md section 7, tested by
// `evmc_abi`'s stress run); the threads only call `execute` through it.
unsafe impl Sync for SharedVm<'_> {}

impl SharedVm<'_> {
    fn vm(&self) -> &Vm {
        self.0
    }
}

/// Caps this process's address space (`RLIMIT_AS`) at `bytes`.
fn limit_address_space(bytes: u64) {
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: `setrlimit` reads the struct we pass; lowering a limit is always allowed.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    assert_eq!(rc, 0, "setrlimit");
}
