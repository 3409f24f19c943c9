//! Every call sees exactly its module's initial memory, although memory buffers are reused
//! between calls on a thread after zeroing only what was written (`engine::Dirty`,
//! `engine::pool`): each writer contract writes non-zero bytes through one path (Wasm
//! stores, bulk operations, segments, EEI functions, bignum results, grown pages) and ends
//! in one way (finish, revert, trap, out of gas); then, on the same thread, a reader
//! contract grows its memory to four pages and checks every byte is zero.

use ewasm_host::mock::MockHost;
use ewasm_host::{EeiOptions, Message, Revision, StatusCode};
use ssvm::contract::{CompileOptions, Contract};
use ssvm::engine::MemoryBudget;
use ssvm::vm::Outcome;

const GAS: i64 = 10_000_000;
const ME: [u8; 20] = [0xaa; 20];

fn options() -> CompileOptions {
    ssvm_tests::contracts::compile_options()
}

fn run(wat: &str, input: &[u8], host: &mut MockHost) -> Outcome {
    let code = wat::parse_str(wat).unwrap_or_else(|e| panic!("{e}\n{wat}"));
    let contract = Contract::compile(&code, &options()).expect("contract passes the gate");
    let msg = Message::call([0xbb; 20], ME, GAS, input.to_vec());
    contract.execute(
        &msg,
        &code,
        host,
        Revision::Byzantium,
        EeiOptions::default(),
        &MemoryBudget::default(),
    )
}

/// A contract of two pages (at most four) whose `main` runs `body` and then `ending`.
fn writer(extra: &str, body: &str, ending: &str) -> String {
    format!(
        r#"(module
  (import "ethereum" "callDataCopy" (func $cdcopy (param i32 i32 i32)))
  (import "ethereum" "storageLoad" (func $sload (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "bignum" "mul256" (func $mul256 (param i32 i32 i32)))
  (memory 2 4)
  {extra}
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (local $a i32)
    {body}
    {ending}))"#
    )
}

/// Grows to four pages and finishes with the OR of every 8-byte word (8 bytes) and the
/// page count (4 bytes).
const READER: &str = r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 2 4)
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (local $a i32) (local $or i64)
    (drop (memory.grow (i32.const 2)))
    (loop $l
      (local.set $or (i64.or (local.get $or) (i64.load (local.get $a))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 262144))))
    (i64.store (i32.const 0) (local.get $or))
    (i32.store (i32.const 8) (memory.size))
    (call $finish (i32.const 0) (i32.const 12))))"#;

/// Each write path: (name, module fields, `main` body). Addresses cover the first and
/// last bytes, granule edges (1 KiB granules) and a store straddling one.
const PATHS: [(&str, &str, &str); 12] = [
    (
        "i64.store at every address",
        "",
        "(loop $l
           (i64.store (local.get $a) (i64.const -1))
           (local.set $a (i32.add (local.get $a) (i32.const 1)))
           (br_if $l (i32.le_u (local.get $a) (i32.const 131064))))",
    ),
    (
        "stores straddling granules",
        "",
        "(i64.store (i32.const 1021) (i64.const -1))
         (i32.store (i32.const 65534) (i32.const -1))
         (i32.store16 offset=2047 (i32.const 0) (i32.const -1))
         (i32.store8 (i32.const 131071) (i32.const 255))
         (i64.store32 (i32.const 70000) (i64.const -1))",
    ),
    (
        "memory.fill",
        "",
        "(memory.fill (i32.const 3) (i32.const 0x5a) (i32.const 131069))",
    ),
    (
        "memory.copy",
        "(data (i32.const 0) \"\\01\\02\\03\\04\\05\\06\\07\\08\")",
        "(memory.copy (i32.const 100000) (i32.const 0) (i32.const 8))
         (memory.copy (i32.const 9) (i32.const 0) (i32.const 131000))",
    ),
    (
        "memory.init",
        "(data $p \"\\de\\ad\\be\\ef\")",
        "(memory.init $p (i32.const 131068) (i32.const 0) (i32.const 4))
         (memory.init $p (i32.const 40000) (i32.const 1) (i32.const 3))",
    ),
    (
        "active data segments",
        "(data (i32.const 0) \"\\ff\") (data (i32.const 1023) \"\\ff\\ff\")
         (data (i32.const 131040) \"\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\")",
        "",
    ),
    (
        "callDataCopy",
        "",
        "(call $cdcopy (i32.const 1020) (i32.const 0) (i32.const 40))
         (call $cdcopy (i32.const 131032) (i32.const 0) (i32.const 40))",
    ),
    (
        "storageLoad",
        "",
        "(call $sload (i32.const 0) (i32.const 70000))
         (call $sload (i32.const 0) (i32.const 131040))",
    ),
    (
        "bignum result",
        "(data (i32.const 0) \"\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\")",
        "(call $mul256 (i32.const 0) (i32.const 0) (i32.const 66000))
         (call $mul256 (i32.const 0) (i32.const 0) (i32.const 131040))",
    ),
    (
        "grown pages",
        "",
        "(drop (memory.grow (i32.const 2)))
         (i64.store (i32.const 140000) (i64.const -1))
         (memory.fill (i32.const 200000) (i32.const 7) (i32.const 62144))",
    ),
    (
        "a large memory.fill after a grow",
        "",
        "(drop (memory.grow (i32.const 1)))
         (memory.fill (i32.const 0) (i32.const 1) (i32.const 196608))",
    ),
    ("nothing", "", ""),
];

/// Each way a call ends: (name, code after the body, expected status).
const ENDINGS: [(&str, &str, StatusCode); 4] = [
    (
        "finish",
        "(call $finish (i32.const 0) (i32.const 0))",
        StatusCode::Success,
    ),
    (
        "revert",
        "(call $revert (i32.const 0) (i32.const 0))",
        StatusCode::Revert,
    ),
    ("trap", "(unreachable)", StatusCode::Failure),
    (
        "out of gas",
        "(loop $forever (br $forever))",
        StatusCode::OutOfGas,
    ),
];

fn host() -> MockHost {
    let mut host = MockHost::new();
    host.account(ME).storage.insert([0; 32], [0xee; 32]);
    host
}

#[test]
fn every_call_sees_its_initial_memory_whatever_the_last_one_wrote() {
    let mut host = host();
    let fresh = run(READER, &[], &mut host);
    assert_eq!(fresh.status, StatusCode::Success);
    let clean = fresh.output;
    assert_eq!(clean, [0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0]);
    let input = [0x77u8; 40];
    for (path, extra, body) in PATHS {
        for (ending, code, status) in ENDINGS {
            let out = run(&writer(extra, body, code), &input, &mut host);
            assert_eq!(out.status, status, "{path}, {ending}: writer status");
            let read = run(READER, &[], &mut host);
            assert_eq!(read.status, StatusCode::Success, "{path}, {ending}");
            assert_eq!(
                read.output, clean,
                "{path}, {ending}: reader saw written bytes"
            );
        }
    }
}

#[test]
fn a_writer_sees_its_own_data_segments_after_another_writer() {
    // The same contract twice: its data segment is there, the rest of what the first call
    // wrote is gone.
    let wat = writer(
        "(data (i32.const 16) \"\\2a\")",
        "(i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
         (i64.store (i32.const 8) (i64.load (i32.const 16)))",
        "(call $finish (i32.const 0) (i32.const 16))",
    );
    let mut host = host();
    for _ in 0..3 {
        let out = run(&wat, &[], &mut host);
        assert_eq!(out.status, StatusCode::Success);
        assert_eq!(
            out.output,
            [1, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0]
        );
    }
}
