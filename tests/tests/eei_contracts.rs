//! The EEI end to end inside the engine: small .wat contracts compiled through the code gate
//! and run against the recording mock host. Expected gas is worked out by hand from the
//! Byzantium table of EWASM.md section 3 (and section 4 for metering).

use ewasm_host::mock::{MockHost, Recorded};
use ewasm_host::{EeiOptions, Message, Revision, StatusCode};
use ssvm::contract::{CompileOptions, Contract, ContractError};
use ssvm::engine::MemoryBudget;
use ssvm::vm::Outcome;

const GAS: i64 = 1_000_000;
const ME: [u8; 20] = [0xaa; 20];
const CALLER: [u8; 20] = [0xbb; 20];

fn options() -> CompileOptions {
    ssvm_tests::contracts::compile_options()
}

fn message(input: &[u8]) -> Message {
    Message::call(CALLER, ME, GAS, input.to_vec())
}

fn compile(wat: &str, opts: &CompileOptions) -> Result<(Contract, Vec<u8>), ContractError> {
    let code = wat::parse_str(wat).expect("test contract is valid WAT");
    Contract::compile(&code, opts).map(|c| (c, code))
}

fn run_with(wat: &str, opts: &CompileOptions, msg: &Message, host: &mut MockHost) -> Outcome {
    let (contract, code) = compile(wat, opts).expect("contract passes the gate");
    contract.execute(
        msg,
        &code,
        host,
        Revision::Byzantium,
        EeiOptions::default(),
        &MemoryBudget::default(),
    )
}

fn run(wat: &str, input: &[u8], host: &mut MockHost) -> Outcome {
    run_with(wat, &options(), &message(input), host)
}

/// Wraps a `main` body with the imports every test may use.
fn contract(body: &str) -> String {
    format!(
        r#"(module
  (import "ethereum" "storageStore" (func $sstore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $sload (param i32 i32)))
  (import "ethereum" "getCallDataSize" (func $size (result i32)))
  (import "ethereum" "callDataCopy" (func $cdcopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "ethereum" "useGas" (func $useGas (param i64)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (memory 1)
  (data (i32.const 0) "\01\02\03\04")
  (data (i32.const 64) "\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main {body}))"#
    )
}

#[test]
fn storage_store_then_load_returns_the_value_with_exact_gas() {
    // key = 32 zero bytes at 128, value = 0x11.. at 64; load into 256, return it.
    let wat = contract(
        "(call $sstore (i32.const 128) (i32.const 64))
         (call $sload (i32.const 128) (i32.const 256))
         (call $finish (i32.const 256) (i32.const 32))",
    );
    let mut host = MockHost::new();
    let out = run(&wat, &[], &mut host);
    assert_eq!(out.status, StatusCode::Success);
    // storageStore zero -> non-zero: 5000 + 15000; storageLoad: 200; finish: 0.
    assert_eq!(GAS - out.gas_left, 20_200);
    assert_eq!(out.output, vec![0x11; 32]);
    assert_eq!(host.storage_at(&ME, &[0; 32]), [0x11; 32]);
}

#[test]
fn call_data_is_echoed_with_copy_gas_per_word() {
    let wat = contract(
        "(call $cdcopy (i32.const 512) (i32.const 0) (call $size))
         (call $finish (i32.const 512) (call $size))",
    );
    let input: Vec<u8> = (0u8..40).collect();
    let out = run(&wat, &input, &mut MockHost::new());
    assert_eq!(out.status, StatusCode::Success);
    // getCallDataSize 2 (twice) + callDataCopy 3 + 3 * ceil(40 / 32) = 9.
    assert_eq!(GAS - out.gas_left, 2 + 2 + 9);
    assert_eq!(out.output, input);
}

#[test]
fn revert_keeps_gas_and_returns_its_data() {
    let wat = contract("(call $revert (i32.const 0) (i32.const 4))");
    let out = run(&wat, &[], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::Revert);
    assert_eq!(out.gas_left, GAS);
    assert_eq!(out.output, vec![1, 2, 3, 4]);
}

#[test]
fn returning_from_main_succeeds_with_empty_output() {
    let out = run(&contract("(nop)"), &[], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::Success);
    assert_eq!(out.gas_left, GAS);
    assert!(out.output.is_empty());
}

#[test]
fn a_wasm_trap_is_failure_with_no_gas_left() {
    let out = run(&contract("(unreachable)"), &[], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::Failure);
    assert_eq!(out.gas_left, 0);
    let div = contract("(drop (i32.div_u (i32.const 1) (i32.const 0)))");
    assert_eq!(
        run(&div, &[], &mut MockHost::new()).status,
        StatusCode::Failure
    );
}

#[test]
fn eei_range_outside_memory_is_invalid_memory_access() {
    // One page is 65536 bytes: a 32-byte copy at 65530 runs past the end.
    let wat = contract("(call $cdcopy (i32.const 65530) (i32.const 0) (i32.const 32))");
    let out = run(&wat, &[7; 32], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::InvalidMemoryAccess);
    assert_eq!(out.gas_left, 0);
    // Copying past the end of call data: no zero padding.
    let wat = contract("(call $cdcopy (i32.const 0) (i32.const 16) (i32.const 32))");
    let out = run(&wat, &[7; 32], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::InvalidMemoryAccess);
}

#[test]
fn use_gas_beyond_the_limit_is_out_of_gas() {
    let wat = contract(&format!("(call $useGas (i64.const {}))", GAS + 1));
    let out = run(&wat, &[], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::OutOfGas);
    assert_eq!(out.gas_left, 0);
    let wat = contract("(call $useGas (i64.const -1))");
    let out = run(&wat, &[], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::ArgumentOutOfRange);
}

#[test]
fn storage_store_in_static_mode_is_a_violation() {
    let wat = contract("(call $sstore (i32.const 128) (i32.const 64))");
    let mut msg = message(&[]);
    msg.is_static = true;
    let mut host = MockHost::new();
    let out = run_with(&wat, &options(), &msg, &mut host);
    assert_eq!(out.status, StatusCode::StaticModeViolation);
    assert_eq!(host.storage_at(&ME, &[0; 32]), [0; 32]);
}

#[test]
fn log_records_data_and_topics_with_exact_gas() {
    // 3 data bytes at 0 (0x01 0x02 0x03), two topics: 0x11.. at 64 and zeros at 128.
    let wat = contract(
        "(call $log (i32.const 0) (i32.const 3) (i32.const 2)
                    (i32.const 64) (i32.const 128) (i32.const 0) (i32.const 0))",
    );
    let mut host = MockHost::new();
    let out = run(&wat, &[], &mut host);
    assert_eq!(out.status, StatusCode::Success);
    // 375 + 375 * 2 topics + 8 * 3 bytes.
    assert_eq!(GAS - out.gas_left, 375 + 750 + 24);
    assert!(host.recorded.contains(&Recorded::EmitLog(
        ME,
        vec![1, 2, 3],
        vec![[0x11; 32], [0; 32]]
    )));
    // Five topics: gas is charged first, then the count is a validation failure.
    let wat = contract(
        "(call $log (i32.const 0) (i32.const 0) (i32.const 5)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
    );
    let out = run(&wat, &[], &mut MockHost::new());
    assert_eq!(out.status, StatusCode::ContractValidationFailure);
}

#[test]
fn metering_charges_the_function_entry_block() {
    // Metering on: the entry block costs 1 + 3 instructions (two nops and the finish call:
    // its i32.const arguments count too, so 1 + nop + nop + const + const + call = 6).
    let wat = contract("(nop) (nop) (call $finish (i32.const 0) (i32.const 0))");
    let opts = CompileOptions {
        metering: true,
        ..options()
    };
    let out = run_with(&wat, &opts, &message(&[]), &mut MockHost::new());
    assert_eq!(out.status, StatusCode::Success);
    assert_eq!(GAS - out.gas_left, 6);
    // Exactly enough gas succeeds; one less fails before anything runs.
    let mut msg = message(&[]);
    msg.gas = 6;
    let out = run_with(&wat, &opts, &msg, &mut MockHost::new());
    assert_eq!((out.status, out.gas_left), (StatusCode::Success, 0));
    msg.gas = 5;
    let out = run_with(&wat, &opts, &msg, &mut MockHost::new());
    assert_eq!(out.status, StatusCode::OutOfGas);
}

#[test]
fn gate_errors_name_the_offending_import_or_export() {
    let bad_namespace = r#"(module (import "env" "foo" (func))
        (memory 1) (export "memory" (memory 0)) (export "main" (func 1)) (func))"#;
    let err = compile(bad_namespace, &options()).expect_err("env is not an Ewasm namespace");
    assert!(matches!(err, ContractError::Interface(_)));
    assert!(err.to_string().contains("env"), "{err}");
    let bad_signature = r#"(module (import "ethereum" "getCaller" (func (param i32 i32)))
        (memory 1) (export "memory" (memory 0)) (export "main" (func 1)) (func))"#;
    let err = compile(bad_signature, &options()).expect_err("wrong signature");
    assert!(err.to_string().contains("getCaller"), "{err}");
    let no_main = r#"(module (memory 1) (export "memory" (memory 0)))"#;
    let err = compile(no_main, &options()).expect_err("no main");
    assert!(err.to_string().contains("main"), "{err}");
}

#[test]
fn floats_reject_turns_float_code_into_a_validation_error() {
    let wat = contract("(drop (f32.add (f32.const 1) (f32.const 2)))");
    let opts = CompileOptions {
        reject_floats: true,
        ..options()
    };
    assert_eq!(
        compile(&wat, &opts).err(),
        Some(ContractError::FloatsRejected)
    );
    assert!(compile(&wat, &options()).is_ok());
}
