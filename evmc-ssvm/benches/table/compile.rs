//! Section 2: compile time (validate + translate) per byte, ours vs wasmi 2.0 (eager
//! compilation), on the largest kernels and on generated modules of about 10 KB, 100 KB
//! and 1 MB, to show whether the cost is linear in module size.

use std::hint::black_box;
use std::time::Duration;

use ssvm::engine::{Config, Module};

use crate::common::{bench_dir, kernels, min_times, read, wasmi_engine, STATISTIC};

/// Sizes of the generated modules, in bytes (approximate; the exact size is printed).
const GENERATED_SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// How many of the largest pure kernels to include.
const LARGEST_KERNELS: usize = 4;

/// Bytes compiled per module and engine in total (more rounds for smaller modules).
const BYTES_PER_ENGINE: usize = 20_000_000;

/// Prints the compile-time table.
pub fn print() {
    println!("\n## Compile time per byte (validate + translate)\n");
    println!(
        "Ours: `Module::compile` (metering off, and on); wasmi 2.0.0: `Module::new` with \
         `CompilationMode::Eager` (validates and translates every function up front; its \
         default `LazyTranslation` would defer translation to the first call). Time: {STATISTIC} \
         (about {} MB compiled per engine and module). `gen N` = generated \
         module of N copies of one loop/memory/br_table/call function.\n",
        BYTES_PER_ENGINE / 1_000_000
    );
    println!(
        "| module | bytes | ours ns/byte | ours metering ns/byte | wasmi ns/byte | ours/wasmi |"
    );
    println!("|---|--:|--:|--:|--:|--:|");
    for (name, wasm) in modules() {
        let t = times(&wasm);
        let per_byte = |d: Duration| d.as_nanos() as f64 / wasm.len() as f64;
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.2} |",
            wasm.len(),
            per_byte(t[0]),
            per_byte(t[1]),
            per_byte(t[2]),
            t[0].as_secs_f64() / t[2].as_secs_f64()
        );
    }
}

/// The largest pure kernels, then the generated modules.
fn modules() -> Vec<(String, Vec<u8>)> {
    let dir = bench_dir();
    let mut list: Vec<(String, Vec<u8>)> = kernels()
        .into_iter()
        .filter(|(_, k)| k["kind"] == "pure")
        .map(|(name, _)| {
            let wasm = read(&dir.join(format!("kernels/{name}.wasm")));
            (format!("kernels/{name}"), wasm)
        })
        .collect();
    list.sort_by_key(|(_, wasm)| std::cmp::Reverse(wasm.len()));
    list.truncate(LARGEST_KERNELS);
    for size in GENERATED_SIZES {
        let wasm = generated(size);
        list.push((format!("gen {}", wasm_count(&wasm)), wasm));
    }
    list
}

/// Minimum compile times: ours metering off, ours metering on, wasmi eager.
fn times(wasm: &[u8]) -> Vec<Duration> {
    let off = Config::default();
    let on = Config {
        metering: true,
        ..Config::default()
    };
    let engine = wasmi_engine(false);
    // Check once that both engines accept the module.
    Module::compile(wasm, &off).unwrap_or_else(|e| panic!("ours: {e}"));
    wasmi::Module::new(&engine, wasm).unwrap_or_else(|e| panic!("wasmi: {e}"));
    let rounds = (BYTES_PER_ENGINE / wasm.len().max(1)).clamp(3, 500);
    let mut ours_off = || {
        black_box(Module::compile(black_box(wasm), &off).is_ok());
    };
    let mut ours_on = || {
        black_box(Module::compile(black_box(wasm), &on).is_ok());
    };
    let mut theirs = || {
        black_box(wasmi::Module::new(&engine, black_box(wasm)).is_ok());
    };
    min_times(rounds, &mut [&mut ours_off, &mut ours_on, &mut theirs])
}

/// The number of generated functions in `wasm` (its function section's count).
fn wasm_count(wasm: &[u8]) -> String {
    let mut count = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::FunctionSection(s)) = payload {
            count = s.count();
        }
    }
    format!("{count} funcs")
}

/// One generated function: a loop over memory with i64 arithmetic, an if/else, a
/// `br_table`, and a call of the previous function (`$f0` calls itself; never executed).
pub fn function(i: usize) -> String {
    let prev = i.saturating_sub(1);
    let k = 0x9e37_79b9_u64.wrapping_mul(i as u64 + 1);
    format!(
        r#"
  (func $f{i} (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $t i64)
    (local.set $acc (local.get $p))
    (block $exit
      (loop $top
        (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $t (i64.load (i32.and (i32.add (local.get $p)
          (i32.shl (local.get $i) (i32.const 3))) (i32.const 0xfff8))))
        (local.set $t (i64.xor (i64.rotl (local.get $t) (i64.const {r}))
          (i64.mul (local.get $t) (i64.const {k}))))
        (i64.store (i32.and (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))
          (i32.const 0xfff8)) (local.get $t))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $acc (i32.add (local.get $acc) (i32.wrap_i64 (local.get $t)))))
          (else (local.set $acc (i32.xor (local.get $acc)
            (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 32)))))))
        (block $b2
          (block $b1
            (block $b0
              (br_table $b0 $b1 $b2 (i32.and (local.get $acc) (i32.const 3))))
            (local.set $acc (i32.add (local.get $acc) (i32.const {i})))
            (br $b2))
          (local.set $acc (i32.rotl (local.get $acc) (i32.const 5))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.add (local.get $acc) (call $f{prev} (local.get $acc) (i32.const 0))))"#,
        r = i % 63 + 1,
    )
}

/// A module of generated functions of about `size` bytes.
fn generated(size: usize) -> Vec<u8> {
    let module = |n: usize| {
        let funcs: String = (0..n).map(function).collect();
        let text = format!("(module (memory 1){funcs}\n  (export \"run\" (func $f0)))");
        wat::parse_str(text).unwrap_or_else(|e| panic!("generated module: {e}"))
    };
    let one = module(1).len();
    let per_function = module(2).len() - one;
    module((size.saturating_sub(one) / per_function).max(1))
}

/// `profile-compile MODULE [ROUNDS]`: compiles MODULE (a name as printed in the table, e.g.
/// `kernels/sha256` or `gen 479 funcs`) ROUNDS times (default 1) with our engine, metering
/// off. For `valgrind --tool=callgrind`.
pub fn profile(args: &[String]) {
    let Some(name) = args.first() else {
        panic!("usage: profile-compile MODULE [ROUNDS]");
    };
    let rounds: usize = args.get(1).map_or(1, |r| {
        r.parse().unwrap_or_else(|e| panic!("ROUNDS {r}: {e}"))
    });
    let all = modules();
    let Some((_, wasm)) = all.iter().find(|(n, _)| n == name) else {
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        panic!("unknown module {name}; modules: {names:?}");
    };
    for _ in 0..rounds {
        let module = Module::compile(wasm, &Config::default());
        black_box(module.unwrap_or_else(|e| panic!("{name}: {e}")));
    }
    println!("{name}: compiled {rounds} time(s), {} bytes", wasm.len());
}
