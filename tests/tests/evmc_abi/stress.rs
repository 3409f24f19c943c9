// Concurrency stress for the ABI suite (issue #9), `include!`d at the end of `suite.rs` and
// so compiled once per ABI with that suite's `sys`, `Vm`, `TestHost` and contracts.
// Not a module of its own: no `//!`.

/// Stress threads.
const STRESS_THREADS: usize = 8;
/// Top-level executes per stress thread.
const STRESS_EXECUTES: usize = 10_000;

/// The middle contract's address.
const MID: [u8; 20] = [0xb1; 20];
/// The leaf contracts' addresses, indexed by the selector byte the middle contract reads.
const LEAVES: [[u8; 20]; 3] = [[0xc1; 20], [0xc2; 20], [0xc3; 20]];

/// Top of the nested chain: copies its 33-byte input, calls [`MID`] with 200000 gas and that
/// input, then returns `[call result] ++ MID's return data`.
/// Gas: callDataCopy(33) 3 + 3·2 = 9; call 700 + what MID uses; getReturnDataSize 2;
/// returnDataCopy(n) 3 + 3·⌈n/32⌉.
const TOP_WAT: &str = r#"(module
  (import "ethereum" "callDataCopy" (func $cdc (param i32 i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "getReturnDataSize" (func $rds (result i32)))
  (import "ethereum" "returnDataCopy" (func $rdc (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1\b1")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (local $n i32)
    (call $cdc (i32.const 64) (i32.const 0) (i32.const 33))
    (i32.store8 (i32.const 128)
      (call $call (i64.const 200000) (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 33)))
    (local.set $n (call $rds))
    (call $rdc (i32.const 129) (i32.const 0) (local.get $n))
    (call $finish (i32.const 128) (i32.add (local.get $n) (i32.const 1)))))"#;

/// Middle of the chain: input byte 0 selects a leaf of [`LEAVES`] (0, 1, 2), bytes 1..33
/// are passed to it; calls it with 50000 gas and returns `[call result] ++ its return data`.
/// Gas: callDataCopy(33) 9; call 700 + what the leaf uses; 2; 3 + 3·⌈n/32⌉.
const MID_WAT: &str = r#"(module
  (import "ethereum" "callDataCopy" (func $cdc (param i32 i32 i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "getReturnDataSize" (func $rds (result i32)))
  (import "ethereum" "returnDataCopy" (func $rdc (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1\c1")
  (data (i32.const 20) "\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2\c2")
  (data (i32.const 40) "\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3\c3")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (local $n i32)
    (call $cdc (i32.const 96) (i32.const 0) (i32.const 33))
    (i32.store8 (i32.const 160)
      (call $call (i64.const 50000)
        (i32.mul (i32.load8_u (i32.const 96)) (i32.const 20))
        (i32.const 64) (i32.const 97) (i32.const 32)))
    (local.set $n (call $rds))
    (call $rdc (i32.const 161) (i32.const 0) (local.get $n))
    (call $finish (i32.const 160) (i32.add (local.get $n) (i32.const 1)))))"#;

/// Leaf 0: stores its 32-byte input at key 0x01.., logs it with topic 0x5e.. and returns it.
/// Gas: callDataCopy(32) 3 + 3 = 6; storageStore 5000 (+15000 zero to non-zero);
/// log 375 + 375·1 + 8·32 = 1006. Shorter input: INVALID_MEMORY_ACCESS (no zero padding).
const LEAF_STORE_WAT: &str = r#"(module
  (import "ethereum" "callDataCopy" (func $cdc (param i32 i32 i32)))
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\01")
  (data (i32.const 64) "\5e")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main
    (call $cdc (i32.const 32) (i32.const 0) (i32.const 32))
    (call $store (i32.const 0) (i32.const 32))
    (call $log (i32.const 32) (i32.const 32) (i32.const 1)
               (i32.const 64) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $finish (i32.const 32) (i32.const 32))))"#;

/// Leaf 2: traps (FAILURE, all its gas used).
const LEAF_TRAP_WAT: &str = r#"(module
  (memory 1)
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main unreachable))"#;

/// Top-level gas limits of the nested jobs: plenty, enough for one 20000 store, too little
/// for a store at the leaf, too little for the middle contract.
const STRESS_GAS: [i64; 4] = [1_000_000, 30_000, 5_000, 2_000];

/// The codes a job runs at the top level, by index: 0 [`TOP_WAT`], 1 [`STORAGE_WAT`],
/// 2 [`LOG_WAT`], 3 [`REVERT_WAT`], 4 [`LEAF_STORE_WAT`], 5 [`FINISH_WAT`].
const STRESS_TOP_CODES: [&str; 6] = [
    TOP_WAT,
    STORAGE_WAT,
    LOG_WAT,
    REVERT_WAT,
    LEAF_STORE_WAT,
    FINISH_WAT,
];

/// One top-level execute: an index into [`STRESS_TOP_CODES`], gas and input.
struct Job {
    code: usize,
    gas: i64,
    input: Vec<u8>,
}

/// The `i`th job of thread `t`: half nested chains over the three leaves (with zero and
/// non-zero values, so stores add, modify, delete or keep), half single contracts.
fn stress_job(t: usize, i: usize) -> Job {
    let k = (i + t) % 8;
    let value = [((i * 7 + t + 3) % 4) as u8; 32];
    match k {
        0..=3 => {
            let mut input = vec![[0u8, 0, 1, 2][k]];
            input.extend_from_slice(&value);
            Job {
                code: 0,
                gas: STRESS_GAS[(i / 8) % 4],
                input,
            }
        }
        4 => Job {
            code: 1,
            gas: 100_000,
            input: Vec::new(),
        },
        // LOG_WAT needs 774: every other time it runs out of gas.
        5 => Job {
            code: 2,
            gas: if i.is_multiple_of(2) { 10_000 } else { 700 },
            input: Vec::new(),
        },
        // REVERT_WAT and FINISH_WAT in turn.
        6 => Job {
            code: 3 + 2 * (i % 2),
            gas: 50_000,
            input: Vec::new(),
        },
        // Direct leaf: every other time with a 31-byte input (INVALID_MEMORY_ACCESS).
        _ => Job {
            code: 4,
            gas: 100_000,
            input: value[..32 - i % 2].to_vec(),
        },
    }
}

/// What one top-level execute returned and did to the host.
#[derive(Debug, PartialEq)]
struct Effects {
    res: Res,
    /// Nested calls the host received during this execute.
    calls: Vec<Received>,
    /// Logs emitted during this execute.
    logs: Vec<LogRecord>,
    /// The whole storage after it, sorted.
    storage: Vec<(SlotKey, [u8; 32])>,
}

/// A host whose nested calls re-enter `vm`, with [`MID`] and [`LEAVES`] deployed.
fn stress_host(vm: &Vm, codes: &[Vec<u8>; 3]) -> TestHost {
    let [mid, leaf_store, leaf_trap] = codes.clone();
    let mut h = TestHost {
        vm: Some(vm.0),
        ..TestHost::default()
    };
    h.codes.insert(MID, mid);
    h.codes.insert(LEAVES[0], leaf_store);
    h.codes.insert(LEAVES[1], wasm(REVERT_WAT));
    h.codes.insert(LEAVES[2], leaf_trap);
    h
}

/// Runs `job` on `vm` with `h` and collects its effects (draining the per-call records).
fn run_job(vm: &Vm, h: &TestHost, tops: &[Vec<u8>], job: &Job) -> Effects {
    let msg = message(sys::evmc_call_kind::EVMC_CALL, job.gas, &job.input);
    let res = vm.execute(Some(h), BYZANTIUM, &msg, &tops[job.code]);
    let mut storage: Vec<_> = h.storage.borrow().iter().map(|(k, v)| (*k, *v)).collect();
    storage.sort_unstable();
    Effects {
        res,
        calls: h.calls.take(),
        logs: h.logs.take(),
        storage,
    }
}

/// The effects of thread `t`'s whole sequence, run on `vm` with a fresh host.
fn stress_sequence(vm: &Vm, t: usize, tops: &[Vec<u8>], leaves: &[Vec<u8>; 3]) -> Vec<Effects> {
    let h = stress_host(vm, leaves);
    (0..STRESS_EXECUTES)
        .map(|i| run_job(vm, &h, tops, &stress_job(t, i)))
        .collect()
}

/// The first nested job on a fresh host, derived by hand from EWASM.md section 3:
/// TOP (1,000,000 gas) -> MID (200,000) -> leaf 0 (50,000) storing 32 bytes of 0x03.
///   leaf: callDataCopy(32) 6 + storageStore zero to non-zero 20000 + log 1006 = 21012
///   MID:  callDataCopy(33) 9 + call 700 + 21012 + getReturnDataSize 2
///         + returnDataCopy(32) 6 = 21729, output 33 bytes
///   TOP:  9 + 700 + 21729 + 2 + returnDataCopy(33) 3 + 3·2 = 9 → 22449 used
/// so gas_left = 1,000,000 − 22,449 = 977,551.
fn check_hand_derived_first_job(first: &Effects) {
    let value = [3u8; 32];
    let mut expected_output = vec![0, 0];
    expected_output.extend_from_slice(&value);
    assert_eq!(
        first.res,
        Res {
            status: status::SUCCESS,
            gas_left: 977_551,
            output: expected_output,
            create_address: [0; 20],
        }
    );
    let received = |gas, destination, sender, depth| Received {
        kind: 0,
        depth,
        gas,
        destination,
        sender,
        flags: 0,
    };
    assert_eq!(
        first.calls,
        vec![
            received(200_000, MID, [0xaa; 20], 1),
            received(50_000, LEAVES[0], MID, 2),
        ]
    );
    let mut key = [0u8; 32];
    key[0] = 1;
    let mut topic = [0u8; 32];
    topic[0] = 0x5e;
    assert_eq!(first.storage, vec![((LEAVES[0], key), value)]);
    assert_eq!(first.logs, vec![(LEAVES[0], value.to_vec(), vec![topic])]);
}

#[test]
fn stress_8_threads_x_10000_nested_executes() {
    let vm = Vm::new();
    let tops: Vec<Vec<u8>> = STRESS_TOP_CODES.iter().map(|src| wasm(src)).collect();
    let leaves = [wasm(MID_WAT), wasm(LEAF_STORE_WAT), wasm(LEAF_TRAP_WAT)];
    let start = std::time::Instant::now();
    let reference: Vec<Vec<Effects>> = (0..STRESS_THREADS)
        .map(|t| stress_sequence(&vm, t, &tops, &leaves))
        .collect();
    let reference_secs = start.elapsed().as_secs_f64();
    // Thread 0's job 0 is TOP -> MID -> leaf 0 with 1,000,000 gas and value 3.
    check_hand_derived_first_job(&reference[0][0]);
    let nested: usize = reference.iter().flatten().map(|e| e.calls.len()).sum();
    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        for (t, expected) in reference.iter().enumerate() {
            let (vm, tops, leaves) = (&vm, &tops, &leaves);
            s.spawn(move || {
                let h = stress_host(vm, leaves);
                for (i, expected) in expected.iter().enumerate() {
                    let got = run_job(vm, &h, tops, &stress_job(t, i));
                    assert_eq!(&got, expected, "thread {t}, execute {i}");
                }
            });
        }
    });
    let threaded_secs = start.elapsed().as_secs_f64();
    let statuses: std::collections::BTreeSet<i32> =
        reference.iter().flatten().map(|e| e.res.status).collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        vec![status::SUCCESS, status::REVERT, 3, 9],
        "the mix covers success, revert, out of gas and invalid memory access"
    );
    eprintln!(
        "stress ABI {ABI}: {STRESS_THREADS} threads x {STRESS_EXECUTES} executes \
         (+{nested} nested) in {threaded_secs:.2} s; single-threaded reference {reference_secs:.2} s"
    );
}
