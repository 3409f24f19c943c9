//! Section 5: the mul256 drag race: n dependent x = x * C + 1 (mod 2^256) steps as plain
//! Wasm (`kernels/mul256_plain.wasm`, ours and wasmi), with our bignum opcodes
//! (`mul256_bignum_run.wat`), and as native Rust loops on `u256::U256`: in registers, and
//! on 32-byte big-endian words in a byte buffer like the bignum opcodes (EWASM.md section
//! 5) without any interpretation, the floor for any engine that keeps that memory ABI.

use std::hint::black_box;
use std::time::Duration;

use u256::U256;

use crate::common::{
    bench_dir, min_times, native_drag_race, ratio, read, runner, Entry, Instance, Ours, Wasmi,
    Workload, DRAG_C, DRAG_LOW_20000, DRAG_X0, STATISTIC,
};

/// Steps per run.
const N: i32 = 20_000;
/// Interleaved rounds.
const RUNS: usize = 21;

/// The drag race as native Rust on big-endian words in a byte buffer, with the same
/// operations per step as `mul256_bignum_run.wat` (load two operands, multiply, store; load
/// two, add, store) and bounds-checked accesses; the pointers pass through `black_box` so
/// that `x` cannot stay in registers. Returns the low limb of x.
fn native_memory_drag_race(n: i32) -> i64 {
    fn load(mem: &[u8], ptr: usize) -> U256 {
        let word = mem.get(ptr..).and_then(<[u8]>::first_chunk::<32>);
        U256::from_be_bytes(*word.unwrap_or_else(|| panic!("load at {ptr}")))
    }
    fn store(mem: &mut [u8], ptr: usize, value: U256) {
        let word = mem.get_mut(ptr..).and_then(<[u8]>::first_chunk_mut::<32>);
        *word.unwrap_or_else(|| panic!("store at {ptr}")) = value.to_be_bytes();
    }
    let mut mem = [0u8; 96];
    let parse = |s: &str| s.parse::<U256>().unwrap_or_else(|e| panic!("{s}: {e}"));
    store(&mut mem, 0, parse(DRAG_X0));
    store(&mut mem, 32, parse(DRAG_C));
    store(&mut mem, 64, U256::ONE);
    for _ in 0..n {
        let (x, c, one) = black_box((0, 32, 64));
        let product = load(&mem, x).wrapping_mul(load(&mem, c));
        store(&mut mem, x, product);
        let sum = load(&mem, x).wrapping_add(load(&mem, one));
        store(&mut mem, x, sum);
    }
    load(&mem, 0).low_u64() as i64
}

/// The bignum chains: constant pointers, and pointers from a frame-pointer local as
/// compiled code passes them.
const BIGNUM_MODULES: [&str; 2] = ["mul256_bignum_run", "mul256_bignum_locals"];

/// A bignum chain (`BIGNUM_MODULES`) as a workload, also for `profile`: its result is the
/// low limb's big-endian bytes read as a little-endian i64.
pub fn bignum_workload(name: &str) -> Workload {
    let wasm = wat::parse_file(bench_dir().join(format!("{name}.wat")))
        .unwrap_or_else(|e| panic!("{name}.wat: {e}"));
    Workload {
        name: name.to_string(),
        wasm,
        entry: Entry::Run {
            arg: N,
            expected: (DRAG_LOW_20000 as i64).swap_bytes(),
        },
    }
}

/// The bignum chains as workloads, for `profile`.
pub fn bignum_workloads() -> Vec<Workload> {
    BIGNUM_MODULES.map(bignum_workload).into()
}

/// Prints the drag-race table.
pub fn print() {
    let dir = bench_dir();
    let plain_wasm = read(&dir.join("kernels/mul256_plain.wasm"));
    let [bignum_wasm, locals_wasm] = BIGNUM_MODULES.map(|name| bignum_workload(name).wasm);
    let mut plain = Ours::new(&plain_wasm, false);
    let mut plain_wasmi = Wasmi::new(&plain_wasm, false);
    let mut bignum = Ours::new(&bignum_wasm, false);
    let mut locals = Ours::new(&locals_wasm, false);
    let expected = DRAG_LOW_20000 as i64;
    assert_eq!(native_drag_race(N), expected, "native chain");
    assert_eq!(
        native_memory_drag_race(N),
        expected,
        "native chain in memory"
    );
    assert_eq!(plain.run(N), expected, "plain Wasm chain");
    assert_eq!(plain_wasmi.run(N), expected, "plain Wasm chain on wasmi");
    // The bignum module returns the low limb's big-endian bytes read as little-endian.
    assert_eq!(bignum.run(N).swap_bytes(), expected, "bignum chain");
    assert_eq!(locals.run(N).swap_bytes(), expected, "bignum chain, locals");
    let mut a = runner(|n| plain.run(n), N);
    let mut b = runner(|n| plain_wasmi.run(n), N);
    let mut c = runner(|n| bignum.run(n), N);
    let mut d = runner(native_drag_race, N);
    let mut e = runner(native_memory_drag_race, N);
    let mut f = runner(|n| locals.run(n), N);
    let t = min_times(RUNS, &mut [&mut a, &mut b, &mut c, &mut d, &mut e, &mut f]);
    println!("\n## mul256 drag race, n = {N} (metering off)\n");
    println!(
        "Time: {STATISTIC} ({RUNS} rounds); each chain checked against the expected low limb \
         first.\n"
    );
    println!("| implementation | time | per step | / native |");
    println!("|---|--:|--:|--:|");
    let rows: [(&str, Duration); 6] = [
        ("plain Wasm, ours (`kernels/mul256_plain.wasm`)", t[0]),
        ("plain Wasm, wasmi 2.0.0", t[1]),
        ("bignum opcodes, ours (`mul256_bignum_run.wat`)", t[2]),
        (
            "bignum opcodes, pointers from a local, ours (`mul256_bignum_locals.wat`)",
            t[5],
        ),
        ("native Rust `u256` loop", t[3]),
        (
            "native Rust on big-endian memory words (the bignum ABI, no interpreter)",
            t[4],
        ),
    ];
    for (name, time) in rows {
        println!(
            "| {name} | {time:.2?} | {:.1} ns | {:.1} |",
            time.as_nanos() as f64 / f64::from(N),
            ratio(time, t[3])
        );
    }
    println!(
        "\nplain / bignum (ours) = {:.1}x (goal >= 20x); bignum / native on memory words = \
         {:.2}x (goal <= 1.5x, the bignum ABI floor); bignum / native in registers = {:.2}x",
        ratio(t[0], t[2]),
        ratio(t[2], t[4]),
        ratio(t[2], t[3])
    );
}
