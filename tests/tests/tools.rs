//! The CLI binaries `ssvm` and `ssvm-statetest` run as processes: usage, errors, and (when
//! the built library exists) real executions with expected results derived from the gas
//! table of EWASM.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ssvm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssvm"))
        .args(args)
        .output()
        .unwrap()
}

fn statetest(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssvm-statetest"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The default library, or `None` (with a skip message) when it has not been built.
fn library() -> Option<PathBuf> {
    let path = ssvm_tests::evmc_loader::default_library_path();
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIP: {} not built (cargo build --release -p evmc-ssvm)",
            path.display()
        );
        None
    }
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ssvm-tools-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn help_and_usage_errors() {
    let help = ssvm(&["run", "--help"]);
    assert!(help.status.success());
    assert!(stdout(&help).contains("usage: ssvm run"));
    let no_command = ssvm(&[]);
    assert_eq!(no_command.status.code(), Some(2));
    let bad_flag = ssvm(&["run", "--frobnicate", "00"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    assert!(stdout(&bad_flag).contains("unknown flag --frobnicate"));
    let no_paths = statetest(&[]);
    assert_eq!(no_paths.status.code(), Some(2));
    assert!(stdout(&no_paths).contains("no test PATH given"));
    assert!(statetest(&["--help"]).status.success());
}

#[test]
fn missing_library_names_path_and_build_command() {
    for output in [
        ssvm(&["run", "--vm", "/nonexistent/libssvm.so", "0x00"]),
        statetest(&["--vm", "/nonexistent/libssvm.so", "x.json"]),
    ] {
        assert_eq!(output.status.code(), Some(2));
        let text = stdout(&output);
        assert!(text.contains("/nonexistent/libssvm.so"), "{text}");
        assert!(
            text.contains("cargo build --release -p evmc-ssvm"),
            "{text}"
        );
    }
}

/// Stores 1 in slot 0 (zero to non-zero: 5000 + 15000 gas) and finishes with 01020304.
const STORE_AND_FINISH: &str = r#"(module
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\01\02\03\04")
  (data (i32.const 63) "\01")
  (func (export "main")
    (call $store (i32.const 64) (i32.const 32))
    (call $finish (i32.const 0) (i32.const 4))))"#;

#[test]
fn run_names_a_missing_file_and_reads_hex_as_hex() {
    // Arguments that look like paths (a `/`, or a .wasm/.wat/.hex ending) and do not exist.
    for missing in [
        "/no/such/file.wasm",
        "no/such/contract",
        "missing-contract.wat",
        "missing-contract.hex",
    ] {
        let output = ssvm(&["run", missing]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(
            text.contains(&format!("error: no such file: {missing}")),
            "{text}"
        );
        assert!(!text.contains("not valid hex"), "{text}");
    }
    // Anything else is hex: bad hex is named as such, good hex gets as far as the library.
    let odd = ssvm(&["run", "0x006"]);
    let text = stdout(&odd);
    assert_eq!(odd.status.code(), Some(2), "{text}");
    assert!(
        text.contains("CODE is not a file and not valid hex: Odd number of digits"),
        "{text}"
    );
    let hex_code = ssvm(&["run", "--vm", "/nonexistent/libssvm.so", "0x0061736d"]);
    let text = stdout(&hex_code);
    assert_eq!(hex_code.status.code(), Some(2), "{text}");
    assert!(text.contains("/nonexistent/libssvm.so"), "{text}");
    assert!(!text.contains("no such file: 0x"), "{text}");
}

#[test]
fn run_executes_a_wat_contract_and_the_same_code_as_hex() {
    let Some(lib) = library() else { return };
    let wat = temp_file("store.wat", STORE_AND_FINISH);
    let hex_code = format!(
        "0x{}",
        hex::encode(wat::parse_str(STORE_AND_FINISH).unwrap())
    );
    let outputs = [wat.to_str().unwrap(), hex_code.as_str()]
        .map(|code| ssvm(&["run", "--vm", lib.to_str().unwrap(), code]));
    let _ = std::fs::remove_file(&wat);
    for output in outputs {
        let text = stdout(&output);
        assert!(output.status.success(), "{text}");
        assert!(
            text.contains("Executing on Byzantium with 1000000 gas limit"),
            "{text}"
        );
        assert!(text.contains("Result:   EVMC_SUCCESS"), "{text}");
        assert!(text.contains("Gas used: 20000"), "{text}");
        assert!(text.contains("Output:   01020304"), "{text}");
    }
}

#[test]
fn run_create_deposits_then_calls() {
    let Some(lib) = library() else { return };
    let runtime = wat::parse_str(STORE_AND_FINISH).unwrap();
    let escaped: String = runtime.iter().map(|b| format!("\\{b:02x}")).collect();
    let init = format!(
        r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{escaped}")
  (func (export "main") (call $finish (i32.const 0) (i32.const {len}))))"#,
        len = runtime.len()
    );
    let wat = temp_file("init.wat", &init);
    let output = ssvm(&[
        "run",
        "--create",
        "--vm",
        lib.to_str().unwrap(),
        wat.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&wat);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    // Creation costs only the code deposit: 200 gas per byte of runtime code.
    assert!(
        text.contains(&format!("(gas used {})", 200 * runtime.len())),
        "{text}"
    );
    assert!(text.contains("Gas used: 20000"), "{text}");
    assert!(text.contains("Output:   01020304"), "{text}");
}

#[test]
fn run_reports_out_of_gas() {
    let Some(lib) = library() else { return };
    let wat = temp_file("oog.wat", STORE_AND_FINISH);
    let output = ssvm(&[
        "run",
        "--gas",
        "19999",
        "--vm",
        lib.to_str().unwrap(),
        wat.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&wat);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Result:   EVMC_OUT_OF_GAS"), "{text}");
    assert!(text.contains("Gas used: 19999"), "{text}");
}

#[test]
fn statetest_runs_one_suite_file() {
    let Some(lib) = library() else { return };
    let suite = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ewasm-tests/GeneralStateTests"
    ));
    if !suite.is_dir() {
        eprintln!("SKIP: {} not found", suite.display());
        return;
    }
    let output = statetest(&[
        "--vm",
        lib.to_str().unwrap(),
        "--filter",
        "^wasmUnreachable$",
        suite.to_str().unwrap(),
    ]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("PASS wasmUnreachable Byzantium[0] d0 g0 v0"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("1 passed, 0 failed"), "{text}");
}

/// Byzantium EEI gas of EWASM.md section 3, for the expected gas of the clang 22 contracts.
mod eei_gas {
    pub const GET_CALL_DATA_SIZE: u64 = 2;
    pub const GET_CALLER: u64 = 2;
    pub const STORAGE_LOAD: u64 = 200;
    /// storageStore when the current value is non-zero or the new value is zero.
    pub const STORAGE_RESET: u64 = 5000;
    /// storageStore from zero to non-zero.
    pub const STORAGE_SET: u64 = 20000;
    /// callDataCopy of `len` bytes.
    pub fn copy(len: u64) -> u64 {
        3 + 3 * len.div_ceil(32)
    }
    /// log with `topics` topics and `len` data bytes.
    pub fn log(topics: u64, len: u64) -> u64 {
        375 + 375 * topics + 8 * len
    }
}

/// `fixtures/clang22/<name>`.
fn clang22(name: &str) -> String {
    format!("{}/../fixtures/clang22/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `ssvm run` of a clang 22 fixture with call data `input` and extra arguments: the exit
/// code and stdout.
fn run_clang22(lib: &Path, wasm: &str, input: &str, extra: &[&str]) -> (i32, String) {
    let code = clang22(wasm);
    let mut args = vec!["run", "--vm", lib.to_str().unwrap(), "--input", input];
    args.extend_from_slice(extra);
    args.push(&code);
    let output = ssvm(&args);
    (output.status.code().unwrap(), stdout(&output))
}

/// Asserts the status line, gas and output of an `ssvm run`.
fn assert_run(run: &(i32, String), status: &str, gas: u64, output: &str) {
    let (code, text) = run;
    assert_eq!(*code, i32::from(status != "EVMC_SUCCESS"), "{text}");
    assert!(text.contains(&format!("Result:   {status}\n")), "{text}");
    assert!(text.contains(&format!("Gas used: {gas}\n")), "{text}");
    assert!(text.contains(&format!("Output:   {output}\n")), "{text}");
}

/// A 32-byte big-endian word as hex.
fn word(value: u128) -> String {
    format!("{value:064x}")
}

/// A 4-byte big-endian revert code as hex.
fn error_code(code: u32) -> String {
    format!("{code:08x}")
}

#[test]
fn clang22_ledger_runs_each_operation() {
    use eei_gas::*;
    let Some(lib) = library() else { return };
    // `ssvm run` calls with empty storage: every balance is 0.
    let to = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
    let head = GET_CALL_DATA_SIZE + copy(1);

    // balanceOf(to) = 0: one storage load, the stored word (absent = zero) returned.
    let run = run_clang22(&lib, "ledger.wasm", &format!("01{to}"), &[]);
    assert_run(
        &run,
        "EVMC_SUCCESS",
        head + copy(21) + STORAGE_LOAD,
        &word(0),
    );

    // transfer(to, 0): both balances rewritten as zero (5000 each), log with 3 topics and
    // the 32-byte amount; output = the sender's new balance 0.
    let run = run_clang22(&lib, "ledger.wasm", &format!("00{to}{:016x}", 0), &[]);
    let gas = head + copy(29) + GET_CALLER + 2 * (STORAGE_LOAD + STORAGE_RESET) + log(3, 32);
    assert_run(&run, "EVMC_SUCCESS", gas, &word(0));

    // burn(0): the sender's balance rewritten, log with 2 topics.
    let run = run_clang22(&lib, "ledger.wasm", &format!("02{:016x}", 0), &[]);
    let gas = head + copy(9) + GET_CALLER + STORAGE_LOAD + STORAGE_RESET + log(2, 32);
    assert_run(&run, "EVMC_SUCCESS", gas, &word(0));

    // transfer(to, 1) from a zero balance: revert 4 after loading the sender's balance.
    let run = run_clang22(&lib, "ledger.wasm", &format!("00{to}{:016x}", 1), &[]);
    let gas = head + copy(29) + GET_CALLER + STORAGE_LOAD;
    assert_run(&run, "EVMC_REVERT", gas, &error_code(4));

    // Unknown operation 3: revert 1; balanceOf with 20 bytes of arguments: revert 2.
    let run = run_clang22(&lib, "ledger.wasm", "03", &[]);
    assert_run(&run, "EVMC_REVERT", head, &error_code(1));
    let run = run_clang22(&lib, "ledger.wasm", &format!("01{}", &to[2..]), &[]);
    assert_run(&run, "EVMC_REVERT", head, &error_code(2));
}

#[test]
fn clang22_orders_sums_128_bit_products() {
    use eei_gas::*;
    let Some(lib) = library() else { return };
    let max = u64::MAX;
    // (2^64 - 1)^2 + 10 * 7; stored volume was 0, so V' = T.
    let total = u128::from(max) * u128::from(max) + 70;
    let input = format!("{max:016x}{max:016x}{:016x}{:016x}", 10, 7);
    let run = run_clang22(&lib, "orders.wasm", &input, &[]);
    let gas = GET_CALL_DATA_SIZE + copy(32) + STORAGE_LOAD + STORAGE_SET + log(1, 32);
    assert_run(
        &run,
        "EVMC_SUCCESS",
        gas,
        &format!("{}{}", word(total), word(total)),
    );

    // Two orders (32 bytes) of (2^64 - 1)^2 sum to more than 2^128: revert 3.
    let input = format!("{max:016x}").repeat(4);
    let run = run_clang22(&lib, "orders.wasm", &input, &[]);
    let gas = GET_CALL_DATA_SIZE + copy(32);
    assert_run(&run, "EVMC_REVERT", gas, &error_code(3));

    // 17 bytes is not a whole number of orders: revert 2 before any copy.
    let run = run_clang22(&lib, "orders.wasm", &"01".repeat(17), &[]);
    assert_run(&run, "EVMC_REVERT", GET_CALL_DATA_SIZE, &error_code(2));
}

#[test]
fn clang22_contracts_are_rejected_under_wasm_mvp() {
    let Some(lib) = library() else { return };
    // ledger's first 2.0 encoding is call_indirect's table index (reference types: 5 bytes,
    // where 1.0 wants one zero byte), orders' its (i64, i64) -> (i64, i64) function type:
    // under `wasm=mvp` the code gate fails (CVF, all gas used, no output) naming that
    // feature; the same calls succeed under `wasm=2.0`.
    for (wasm, input, reason) in [
        (
            "ledger.wasm",
            format!("01{}", "b0".repeat(20)),
            "zero byte expected",
        ),
        (
            "orders.wasm",
            format!("{:016x}{:016x}", 10, 7),
            "multi-value feature is not enabled",
        ),
    ] {
        let code = clang22(wasm);
        let lib = lib.to_str().unwrap();
        let output = ssvm(&[
            "run",
            "--vm",
            lib,
            "--input",
            &input,
            "--option",
            "wasm=mvp",
            "--option",
            "trace=true",
            &code,
        ]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{wasm}: {text}");
        assert!(
            text.contains("Result:   EVMC_CONTRACT_VALIDATION_FAILURE\n"),
            "{wasm}: {text}"
        );
        assert!(text.contains("Gas used: 1000000\n"), "{wasm}: {text}");
        assert!(!text.contains("Output:"), "{wasm}: {text}");
        let trace = String::from_utf8_lossy(&output.stderr);
        assert!(trace.contains(reason), "{wasm}: {trace}");
        let (code, text) = run_clang22(Path::new(lib), wasm, &input, &["--option", "wasm=2.0"]);
        assert_eq!(code, 0, "{wasm}: {text}");
    }
}

/// The ABI 12 library (`make abi12`), or `None` (with a skip message) when not built.
fn library12() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/abi12/release/libssvm.so");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("SKIP: {} not built (make abi12)", path.display());
        None
    }
}

/// Cancun's EEI through the ABI 12 library and `ssvm run`: tstore 100 + tload 100 +
/// getBlobHash 3 + getBlobBaseFee 2 = 205 gas; the output is the loaded value 0x2a..., the
/// blob hash of index 0 (the test host has no blobs: 32 zeros) and the zero blob base fee.
const CANCUN_WAT: &str = r#"(module
  (import "ethereum" "transientStorageStore" (func $ts (param i32 i32)))
  (import "ethereum" "transientStorageLoad" (func $tl (param i32 i32)))
  (import "ethereum" "getBlobHash" (func $bh (param i32 i32)))
  (import "ethereum" "getBlobBaseFee" (func $bf (param i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\01")
  (data (i32.const 32) "\2a")
  (data (i32.const 96) "\ff")
  (data (i32.const 128) "\ff")
  (func (export "main")
    (call $ts (i32.const 0) (i32.const 32))
    (call $tl (i32.const 0) (i32.const 64))
    (call $bh (i32.const 0) (i32.const 96))
    (call $bf (i32.const 128))
    (call $finish (i32.const 64) (i32.const 96))))"#;

#[test]
fn ssvm_run_on_the_abi12_library_at_cancun_and_before() {
    let Some(lib) = library12() else { return };
    let lib = lib.to_str().unwrap().to_string();
    let wat = temp_file("cancun.wat", CANCUN_WAT);
    let wat = wat.to_str().unwrap();
    for rev in ["Cancun", "12", "Prague", "osaka"] {
        let out = ssvm(&["run", "--vm", &lib, "--rev", rev, wat]);
        let text = stdout(&out);
        assert!(out.status.success(), "{rev}: {text}");
        assert!(text.contains("Result:   EVMC_SUCCESS"), "{rev}: {text}");
        assert!(text.contains("Gas used: 205"), "{rev}: {text}");
        let expected = format!("Output:   2a{}", "00".repeat(95));
        assert!(text.contains(&expected), "{rev}: {text}");
    }
    assert!(
        stdout(&ssvm(&["run", "--vm", &lib, "--rev", "Cancun", wat]))
            .contains("Executing on Cancun")
    );
    // Shanghai (11 under ABI 12) predates the imports: contract validation failure.
    let out = ssvm(&["run", "--vm", &lib, "--rev", "Shanghai", wat]);
    assert!(
        stdout(&out).contains("Result:   EVMC_CONTRACT_VALIDATION_FAILURE"),
        "{}",
        stdout(&out)
    );
    // Above Osaka: not a revision of ABI 12 for `ssvm run`.
    let out = ssvm(&["run", "--vm", &lib, "--rev", "15", wat]);
    assert!(!out.status.success());
}

#[test]
fn ssvm_statetest_runs_our_state_tests_on_the_abi12_library() {
    let Some(lib) = library12() else { return };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/state");
    let out = statetest(&[
        "--vm",
        lib.to_str().unwrap(),
        root.join("GeneralStateTests").to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(" passed, 0 failed"), "{text}");
}

// ---------------------------------------------------------------------------------------
// The three libraries through `ssvm run`: the demo's gas per revision, option errors, EVM
// bytecode, and a loader refusing a library of another ABI.

/// Every built library with its ABI, the path as text.
fn built_libraries() -> Vec<(i32, String)> {
    ssvm_tests::evmc_loader::built_libraries()
        .into_iter()
        .map(|(abi, path)| (abi, path.to_string_lossy().into_owned()))
        .collect()
}

/// The demo's call data: a = 2^128 + 3, b = 2^128 + 5 (the Makefile's DEMO_A DEMO_B).
const DEMO_INPUT: &str = concat!(
    "0000000000000000000000000000000100000000000000000000000000000003",
    "0000000000000000000000000000000100000000000000000000000000000005"
);

/// The demo call's EEI gas (EWASM.md section 3): getCallDataSize 2, callDataCopy of 64 bytes
/// 3 + 3 * 2, storageStore of a new non-zero value 20000, log of 32 bytes with no topic
/// 375 + 8 * 32.
const DEMO_EEI_GAS: u64 = 2 + (3 + 3 * 2) + 20_000 + (375 + 8 * 32);
/// From Berlin (EIP-2929) the first store to the slot also pays the cold access, 2100.
const COLD_SLOT: u64 = 2_100;
/// `metering=true` on top (EWASM.md section 4): `main`'s entry block, 1 + its 31 direct
/// instructions (the untaken `if` arms are not entered), and `mul256`'s 5.
const DEMO_METERED_EXTRA: u64 = 1 + 31 + 5;

/// `Executing on`, `Result:`, `Gas used:` and `Output:` of an `ssvm run` report.
#[derive(Debug, PartialEq, Eq)]
struct Report {
    revision: String,
    status: String,
    gas_used: u64,
    output: Option<String>,
}

fn report(text: &str) -> Report {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    Report {
        revision: text
            .lines()
            .find_map(|l| l.strip_prefix("Executing on "))
            .and_then(|rest| rest.split_once(" with "))
            .map(|(rev, _)| rev.to_string())
            .unwrap_or_else(|| panic!("no revision in {text}")),
        status: field("Result:").unwrap_or_else(|| panic!("no Result in {text}")),
        gas_used: field("Gas used:")
            .and_then(|g| g.parse().ok())
            .unwrap_or_else(|| panic!("no Gas used in {text}")),
        output: field("Output:"),
    }
}

/// The `Output:` line of the demo as README.md documents it.
fn readme_demo_output() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md readable");
    let after = readme
        .split_once("The demo prints:")
        .expect("README documents the demo")
        .1;
    after
        .lines()
        .find_map(|l| l.strip_prefix("Output:"))
        .expect("README's demo shows its output")
        .trim()
        .to_string()
}

fn run_demo(vm_spec: &str, rev: &str) -> Report {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo.wat");
    let out = ssvm(&[
        "run",
        "--vm",
        vm_spec,
        "--rev",
        rev,
        "--create",
        "--input",
        DEMO_INPUT,
        demo.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{vm_spec} {rev}: {text}");
    report(&text)
}

#[test]
fn demo_gas_on_each_library_and_revision() {
    let documented = readme_demo_output();
    for (abi, lib) in built_libraries() {
        // ABI 7 stops at Berlin; London is 9 under ABI 9 and 12; Cancun exists under ABI 12.
        let revisions: &[(&str, u64)] = match abi {
            7 => &[("Istanbul", 0)],
            9 => &[("Istanbul", 0), ("London", COLD_SLOT)],
            _ => &[
                ("Istanbul", 0),
                ("London", COLD_SLOT),
                ("Cancun", COLD_SLOT),
            ],
        };
        for &(rev, access) in revisions {
            for (option, extra) in [("", 0), (",metering=true", DEMO_METERED_EXTRA)] {
                let got = run_demo(&format!("{lib}{option}"), rev);
                let expected = Report {
                    revision: rev.to_string(),
                    status: "EVMC_SUCCESS".to_string(),
                    gas_used: DEMO_EEI_GAS + access + extra,
                    output: Some(documented.clone()),
                };
                assert_eq!(got, expected, "ABI {abi} {rev}{option}");
                eprintln!("ABI {abi} {rev}{option}: gas used {}", got.gas_used);
            }
        }
    }
}

#[test]
fn bad_options_are_refused_on_each_library() {
    for (abi, lib) in built_libraries() {
        for (option, message) in [
            (
                "metering=maybe",
                "invalid value `maybe` for VM option `metering`",
            ),
            ("no_such_option=1", "unknown VM option `no_such_option`"),
        ] {
            let out = ssvm(&["run", "--vm", &format!("{lib},{option}"), "0x00"]);
            let text = stdout(&out);
            assert_eq!(out.status.code(), Some(2), "ABI {abi} {option}: {text}");
            assert!(text.contains(message), "ABI {abi} {option}: {text}");
        }
    }
}

#[test]
fn evm_bytecode_fails_or_is_rejected_on_each_library() {
    // PUSH1 0 PUSH1 0 SSTORE: EVM1 code, not Wasm (EWASM.md section 1 step 3).
    const EVM_CODE: &str = "6000600055";
    for (abi, lib) in built_libraries() {
        for (option, status) in [
            ("", "EVMC_FAILURE"),
            (",evm1mode=fallback", "EVMC_REJECTED"),
        ] {
            let out = ssvm(&["run", "--vm", &format!("{lib}{option}"), EVM_CODE]);
            let text = stdout(&out);
            assert_eq!(out.status.code(), Some(1), "ABI {abi}{option}: {text}");
            let got = report(&text);
            assert_eq!(got.status, status, "ABI {abi}{option}");
            // Neither success nor revert: all gas is gone and there is no output.
            assert_eq!(got.gas_used, 1_000_000, "ABI {abi}{option}");
            assert_eq!(got.output, None, "ABI {abi}{option}");
        }
    }
}

#[test]
fn a_library_of_another_abi_is_refused() {
    let libraries = built_libraries();
    for (abi, lib) in &libraries {
        // The right ABI loads and runs.
        let out = ssvm(&["run", "--abi", &abi.to_string(), "--vm", lib, "0x00"]);
        assert_eq!(report(&stdout(&out)).status, "EVMC_FAILURE", "ABI {abi}");
        for (expected, _) in libraries.iter().filter(|(other, _)| other != abi) {
            let out = ssvm(&["run", "--abi", &expected.to_string(), "--vm", lib, "0x00"]);
            let text = stdout(&out);
            assert_eq!(out.status.code(), Some(2), "{text}");
            let message = format!(
                "EVMC ABI version {abi} of {lib} mismatches the expected version {expected}"
            );
            assert!(text.contains(&message), "{text}");
            assert!(!text.contains("Executing on"), "{text}");
        }
    }
    let out = ssvm(&["run", "--abi", "8", "0x00"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("--abi: `8` is not an EVMC ABI version"));
}
