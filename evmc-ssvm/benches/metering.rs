//! Metering and bignum benchmark (issue: in-VM metering and native 256-bit opcodes):
//!
//! 1. Metering overhead: every pure workload of `fixtures/bench` (the WAT loops and the
//!    `kernels/` C and WAT kernels) on our engine with metering on (unlimited gas) vs off.
//! 2. The mul256 drag race: a chain of n dependent 256-bit multiply-adds as plain Wasm
//!    (`kernels/mul256_plain.wasm`), with bignum opcodes (`mul256_bignum_run.wat`), and as
//!    a native Rust loop on `u256::U256`.
//!
//! Each result is checked once against its expected value (`fixtures/bench/expected.txt`,
//! `kernels/expected.json`) before timing. Times are the minimum of interleaved runs (the
//! least noisy statistic on a shared machine); the table prints ratios.
//!
//! Run: `cargo bench -p evmc-ssvm --bench metering`

use std::hint::black_box;
use std::time::{Duration, Instant};

use ssvm::engine::bignum::{BigOp, Intrinsic};
use ssvm::engine::{Config, FuncType, HostFuncId, InstanceId, Module, NoHost, Store, Value};
use ssvm::engine::{Extern, ValType};
use u256::U256;

const RUNS: usize = 15;

/// A pure workload: a module exporting `run(i32) -> i64`, its argument and expected result.
struct Workload {
    name: String,
    wasm: Vec<u8>,
    arg: i32,
    expected: i64,
}

fn bench_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/bench"))
}

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The WAT loops with `expected.txt`, then every pure kernel of `kernels/expected.json`.
fn workloads() -> Vec<Workload> {
    let dir = bench_dir();
    let mut all = Vec::new();
    let expected = String::from_utf8(read(&dir.join("expected.txt"))).unwrap_or_default();
    for line in expected.lines() {
        let [name, arg, value] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            continue;
        };
        let wasm = wat::parse_file(dir.join(format!("{name}.wat")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        all.push(Workload {
            name: name.to_string(),
            wasm,
            arg: arg.parse().unwrap_or_else(|e| panic!("{line}: {e}")),
            expected: parse_hex(value),
        });
    }
    let json = read(&dir.join("kernels/expected.json"));
    let kernels: serde_json::Value =
        serde_json::from_slice(&json).unwrap_or_else(|e| panic!("expected.json: {e}"));
    for (name, k) in kernels.as_object().into_iter().flatten() {
        if k["kind"] != "pure" {
            continue;
        }
        all.push(Workload {
            name: format!("kernels/{name}"),
            wasm: read(&dir.join(format!("kernels/{name}.wasm"))),
            arg: k["n"]
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or(0),
            expected: parse_hex(k["checksum"].as_str().unwrap_or_default()),
        });
    }
    all
}

fn parse_hex(s: &str) -> i64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|e| panic!("{s}: {e}"))
        as i64
}

/// An instance of a `run(i32) -> i64` module on our engine.
struct Ours {
    store: Store,
    id: InstanceId,
}

impl Ours {
    fn new(wasm: &[u8], metering: bool) -> Ours {
        let config = Config {
            metering,
            ..Config::default()
        };
        let resolve = |module: &str, name: &str| {
            let op = match (module, name) {
                ("bignum", "mul256") => BigOp::Mul,
                ("bignum", "add256") => BigOp::Add,
                _ => return None,
            };
            Some(Intrinsic {
                op,
                base_gas: 5,
                gas_per_exp_byte: 0,
            })
        };
        let module = Module::compile_with_intrinsics(wasm, &config, &resolve)
            .unwrap_or_else(|e| panic!("compile: {e}"));
        let mut store = Store::new(config);
        let pointer_op = FuncType::new(&[ValType::I32; 3], &[]);
        let imports: Vec<Extern> = module
            .imports()
            .iter()
            .map(|_| store.alloc_host_func(&pointer_op, HostFuncId(0)))
            .collect();
        let id = store
            .instantiate(&module, &imports, &mut NoHost)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        Ours { store, id }
    }

    fn run(&mut self, arg: i32) -> i64 {
        self.store.set_gas(i64::MAX);
        match self
            .store
            .invoke(&mut NoHost, self.id, "run", &[Value::I32(arg)])
            .as_deref()
        {
            Ok([Value::I64(v)]) => *v,
            other => panic!("run: {other:?}"),
        }
    }
}

/// Minimum times of interleaved runs of `a` and `b`.
fn min_times(mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut ta, mut tb) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        ta = ta.min(time(&mut a));
        tb = tb.min(time(&mut b));
    }
    (ta, tb)
}

fn metering_overhead() {
    println!("\n| workload | metering off | metering on | on/off |\n|---|---|---|---|");
    let mut log_sum = 0.0;
    let all = workloads();
    for w in &all {
        let mut off = Ours::new(&w.wasm, false);
        let mut on = Ours::new(&w.wasm, true);
        assert_eq!(off.run(w.arg), w.expected, "{} (metering off)", w.name);
        assert_eq!(on.run(w.arg), w.expected, "{} (metering on)", w.name);
        let (t_off, t_on) = min_times(
            || {
                black_box(off.run(black_box(w.arg)));
            },
            || {
                black_box(on.run(black_box(w.arg)));
            },
        );
        let ratio = t_on.as_secs_f64() / t_off.as_secs_f64();
        log_sum += ratio.ln();
        println!("| {} | {t_off:.2?} | {t_on:.2?} | {ratio:.3} |", w.name);
    }
    let geomean = (log_sum / all.len() as f64).exp();
    println!("| geomean | | | {geomean:.3} |");
}

/// X0 and C of the drag race (`kernels/mul256_plain.c`).
const X0: &str = "0x0123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f0";
const C: &str = "0x9e3779b97f4a7c15f39cc0605cedc8341082276bf3a27251f86c6a11d0c18e95";

fn native_drag_race(n: i32) -> i64 {
    let c: U256 = C.parse().unwrap_or_else(|e| panic!("C: {e}"));
    let mut x: U256 = X0.parse().unwrap_or_else(|e| panic!("X0: {e}"));
    for _ in 0..n {
        x = black_box(x).wrapping_mul(c).wrapping_add(U256::ONE);
    }
    x.low_u64() as i64
}

fn drag_race() {
    const N: i32 = 20_000;
    let dir = bench_dir();
    let plain_wasm = read(&dir.join("kernels/mul256_plain.wasm"));
    let bignum_wasm = wat::parse_file(dir.join("mul256_bignum_run.wat"))
        .unwrap_or_else(|e| panic!("mul256_bignum_run.wat: {e}"));
    let mut plain = Ours::new(&plain_wasm, false);
    let mut bignum = Ours::new(&bignum_wasm, false);
    let expected = native_drag_race(N);
    assert_eq!(expected as u64, 0x680c_6510_ed36_96d0, "native chain");
    assert_eq!(plain.run(N), expected, "plain Wasm chain");
    // The bignum module returns the low limb's big-endian bytes read as little-endian.
    assert_eq!(bignum.run(N).swap_bytes(), expected, "bignum chain");
    let (t_plain, t_bignum) = min_times(
        || {
            black_box(plain.run(black_box(N)));
        },
        || {
            black_box(bignum.run(black_box(N)));
        },
    );
    let (t_native, _) = min_times(
        || {
            black_box(native_drag_race(black_box(N)));
        },
        || {},
    );
    println!("\n| mul256 drag race, n = {N} | time | per step |\n|---|---|---|");
    for (name, t) in [
        ("plain Wasm (our engine)", t_plain),
        ("bignum opcodes (our engine)", t_bignum),
        ("native Rust u256", t_native),
    ] {
        println!(
            "| {name} | {t:.2?} | {:.1} ns |",
            t.as_nanos() as f64 / f64::from(N)
        );
    }
    println!(
        "\nplain / bignum = {:.1}x (goal >= 20x); bignum / native = {:.2}x (goal <= 1.5x)",
        t_plain.as_secs_f64() / t_bignum.as_secs_f64(),
        t_bignum.as_secs_f64() / t_native.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run either way.
    metering_overhead();
    drag_race();
}
