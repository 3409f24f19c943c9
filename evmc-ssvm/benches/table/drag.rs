//! Section 5: the mul256 drag race: n dependent x = x * C + 1 (mod 2^256) steps as plain
//! Wasm (`kernels/mul256_plain.wasm`, ours and wasmi), with our bignum opcodes
//! (`mul256_bignum_run.wat`), and as a native Rust loop on `u256::U256`.

use std::time::Duration;

use crate::common::{
    bench_dir, min_times, native_drag_race, ratio, read, runner, Ours, Wasmi, DRAG_LOW_20000,
    STATISTIC,
};

/// Steps per run.
const N: i32 = 20_000;
/// Interleaved rounds.
const RUNS: usize = 21;

/// Prints the drag-race table.
pub fn print() {
    let dir = bench_dir();
    let plain_wasm = read(&dir.join("kernels/mul256_plain.wasm"));
    let bignum_wasm = wat::parse_file(dir.join("mul256_bignum_run.wat"))
        .unwrap_or_else(|e| panic!("mul256_bignum_run.wat: {e}"));
    let mut plain = Ours::new(&plain_wasm, false);
    let mut plain_wasmi = Wasmi::new(&plain_wasm, false);
    let mut bignum = Ours::new(&bignum_wasm, false);
    let expected = DRAG_LOW_20000 as i64;
    assert_eq!(native_drag_race(N), expected, "native chain");
    assert_eq!(plain.run(N), expected, "plain Wasm chain");
    assert_eq!(plain_wasmi.run(N), expected, "plain Wasm chain on wasmi");
    // The bignum module returns the low limb's big-endian bytes read as little-endian.
    assert_eq!(bignum.run(N).swap_bytes(), expected, "bignum chain");
    let mut a = runner(|n| plain.run(n), N);
    let mut b = runner(|n| plain_wasmi.run(n), N);
    let mut c = runner(|n| bignum.run(n), N);
    let mut d = runner(native_drag_race, N);
    let t = min_times(RUNS, &mut [&mut a, &mut b, &mut c, &mut d]);
    println!("\n## mul256 drag race, n = {N} (metering off)\n");
    println!(
        "Time: {STATISTIC} ({RUNS} rounds); each chain checked against the expected low limb \
         first.\n"
    );
    println!("| implementation | time | per step | / native |");
    println!("|---|--:|--:|--:|");
    let rows: [(&str, Duration); 4] = [
        ("plain Wasm, ours (`kernels/mul256_plain.wasm`)", t[0]),
        ("plain Wasm, wasmi 2.0.0", t[1]),
        ("bignum opcodes, ours (`mul256_bignum_run.wat`)", t[2]),
        ("native Rust `u256` loop", t[3]),
    ];
    for (name, time) in rows {
        println!(
            "| {name} | {time:.2?} | {:.1} ns | {:.1} |",
            time.as_nanos() as f64 / f64::from(N),
            ratio(time, t[3])
        );
    }
    println!(
        "\nplain / bignum (ours) = {:.1}x (goal >= 20x); bignum / native = {:.2}x (goal <= 1.5x)",
        ratio(t[0], t[2]),
        ratio(t[2], t[3])
    );
}
