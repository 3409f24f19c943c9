//! Section 2: compile time (validate + translate) per byte, ours vs wasmi 2.0 (eager
//! compilation), on the largest kernels and on generated modules of about 10 KB, 100 KB
//! and 1 MB, to show whether the cost is linear in module size; then the first call of the
//! 1 MB module (validate, the translation that call needs, instantiate, run one function)
//! with lazy translation, ours vs wasmi's eager and lazy compilation modes.

use std::hint::black_box;
use std::time::Duration;

use ssvm::engine::{Config, Module, NoHost, Store, Translation, Value};

use crate::common::{bench_dir, kernels, min_times, read, wasmi_engine, STATISTIC};

/// Sizes of the generated modules, in bytes (approximate; the exact size is printed).
const GENERATED_SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// How many of the largest pure kernels to include.
const LARGEST_KERNELS: usize = 4;

/// Bytes compiled per module and engine in total (more rounds for smaller modules).
const BYTES_PER_ENGINE: usize = 20_000_000;

/// Prints the compile-time table and the first-call table.
pub fn print() {
    print_compile();
    print_first_call();
}

/// Prints the compile-time table.
fn print_compile() {
    println!("\n## Compile time per byte (validate + translate)\n");
    println!(
        "Ours: `Module::compile` with `Translation::Eager` (metering off, and on); wasmi 2.0.0: `Module::new` with \
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

/// Our configuration with eager translation, metering on or off.
fn eager(metering: bool) -> Config {
    Config {
        metering,
        translation: Translation::Eager,
        ..Config::default()
    }
}

/// Minimum compile times: ours metering off, ours metering on, wasmi eager.
fn times(wasm: &[u8]) -> Vec<Duration> {
    let (off, on) = (eager(false), eager(true));
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
    generated_with(size, "")
}

/// [`generated`] with the functions of `extra` (text) appended.
fn generated_with(size: usize, extra: &str) -> Vec<u8> {
    let module = |n: usize| {
        let funcs: String = (0..n).map(function).collect();
        let text = format!("(module (memory 1){funcs}{extra}\n  (export \"run\" (func $f0)))");
        wat::parse_str(text).unwrap_or_else(|e| panic!("generated module: {e}"))
    };
    let one = module(1).len();
    let per_function = module(2).len() - one;
    module((size.saturating_sub(one) / per_function).max(1))
}

/// `profile-compile MODULE [ROUNDS]`: compiles MODULE (a name as printed in the table, e.g.
/// `kernels/sha256` or `gen 479 funcs`) ROUNDS times (default 1) with our engine, metering
/// off, eager translation. For `valgrind --tool=callgrind`.
pub fn profile(args: &[String]) {
    let Some(name) = args.first() else {
        panic!("usage: profile-compile MODULE [ROUNDS] [lazy]");
    };
    let rounds: usize = args.get(1).map_or(1, |r| {
        r.parse().unwrap_or_else(|e| panic!("ROUNDS {r}: {e}"))
    });
    let all = modules();
    let Some((_, wasm)) = all.iter().find(|(n, _)| n == name) else {
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        panic!("unknown module {name}; modules: {names:?}");
    };
    let lazy = args.get(2).is_some_and(|m| m == "lazy");
    let config = Config {
        translation: if lazy {
            Translation::Lazy
        } else {
            Translation::Eager
        },
        ..eager(false)
    };
    for _ in 0..rounds {
        let module = Module::compile(wasm, &config);
        black_box(module.unwrap_or_else(|e| panic!("{name}: {e}")));
    }
    let mode = if lazy { "lazy" } else { "eager" };
    println!(
        "{name}: compiled {rounds} time(s) ({mode}), {} bytes",
        wasm.len()
    );
}

/// Size of the first-call module, in bytes (approximate).
const FIRST_CALL_SIZE: usize = 1_000_000;

/// Rounds of the first-call table.
const FIRST_CALL_ROUNDS: usize = 15;

/// `main` of the first-call module: one call of `$leaf`, a generated function whose tail
/// call is cut, with a loop of 8 iterations; returns its result.
fn first_call_functions() -> String {
    let leaf = function(0).replace("(func $f0 ", "(func $leaf ").replace(
        "(i32.add (local.get $acc) (call $f0 (local.get $acc) (i32.const 0)))",
        "(local.get $acc)",
    );
    format!(
        "{leaf}\n  (func (export \"main\") (result i32) (call $leaf (i32.const 64) (i32.const 8)))"
    )
}

/// What `main` returns (checked on every engine before timing).
fn first_call_result(wasm: &[u8]) -> i32 {
    let config = eager(false);
    let module = Module::compile(wasm, &config).unwrap_or_else(|e| panic!("ours: {e}"));
    match first_call(&module, config).as_slice() {
        [Value::I32(v)] => *v,
        other => panic!("main returned {other:?}"),
    }
}

/// Instantiates `module` and calls `main`.
fn first_call(module: &Module, config: Config) -> Vec<Value> {
    let mut store = Store::new(config);
    let id = store
        .instantiate(module, &[], &mut NoHost)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    store
        .invoke(&mut NoHost, id, "main", &[])
        .unwrap_or_else(|e| panic!("main: {e}"))
}

/// wasmi: compile with `mode`, instantiate and call `main`.
fn wasmi_first_call(wasm: &[u8], mode: wasmi::CompilationMode) -> i32 {
    let mut config = wasmi::Config::default();
    config.compilation_mode(mode);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wasm).unwrap_or_else(|e| panic!("wasmi: {e}"));
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .unwrap_or_else(|e| panic!("wasmi instantiate: {e}"));
    let main = instance
        .get_typed_func::<(), i32>(&store, "main")
        .unwrap_or_else(|e| panic!("wasmi main: {e}"));
    main.call(&mut store, ())
        .unwrap_or_else(|e| panic!("wasmi call: {e}"))
}

/// Prints the first-call table.
fn print_first_call() {
    let wasm = generated_with(FIRST_CALL_SIZE, &first_call_functions());
    let expected = first_call_result(&wasm);
    let lazy = Config::default();
    let module = Module::compile(&wasm, &lazy).unwrap_or_else(|e| panic!("ours: {e}"));
    assert_eq!(first_call(&module, lazy), [Value::I32(expected)]);
    assert_eq!(module.translated_count(), 2, "main and $leaf only");
    for mode in [
        wasmi::CompilationMode::Eager,
        wasmi::CompilationMode::LazyTranslation,
    ] {
        assert_eq!(wasmi_first_call(&wasm, mode), expected, "wasmi {mode:?}");
    }
    let mut ours_lazy = || {
        let module = Module::compile(black_box(&wasm), &lazy).unwrap_or_else(|e| panic!("{e}"));
        black_box(first_call(&module, lazy));
    };
    let mut ours_eager = || {
        let config = eager(false);
        let module = Module::compile(black_box(&wasm), &config).unwrap_or_else(|e| panic!("{e}"));
        black_box(first_call(&module, config));
    };
    let mut wasmi_eager = || {
        black_box(wasmi_first_call(
            black_box(&wasm),
            wasmi::CompilationMode::Eager,
        ));
    };
    let mut wasmi_lazy = || {
        black_box(wasmi_first_call(
            black_box(&wasm),
            wasmi::CompilationMode::LazyTranslation,
        ));
    };
    let t = min_times(
        FIRST_CALL_ROUNDS,
        &mut [
            &mut ours_lazy,
            &mut ours_eager,
            &mut wasmi_eager,
            &mut wasmi_lazy,
        ],
    );
    println!(
        "\n## First call of a 1 MB module (validate + translate what runs + instantiate + run)\n"
    );
    println!(
        "The generated module of {} ({} bytes) plus `main`, which calls one generated function \
         (a loop of 8 iterations): compile, instantiate, call `main` once, metering/fuel off. \
         Ours: `Translation::Lazy` (validates every body, translates `main` and its callee) \
         and `Translation::Eager`; wasmi 2.0.0: `CompilationMode::Eager` and \
         `CompilationMode::LazyTranslation` (validates every body, translates on first call). \
         Time: {STATISTIC} ({FIRST_CALL_ROUNDS} rounds).\n",
        wasm_count(&wasm),
        wasm.len()
    );
    println!("| variant | time | ns/byte | ours lazy / variant |");
    println!("|---|--:|--:|--:|");
    let names = [
        "ours lazy",
        "ours eager",
        "wasmi eager",
        "wasmi lazy translation",
    ];
    for (name, d) in names.iter().zip(&t) {
        println!(
            "| {name} | {:.2}ms | {:.1} | {:.2} |",
            d.as_secs_f64() * 1e3,
            d.as_nanos() as f64 / wasm.len() as f64,
            t[0].as_secs_f64() / d.as_secs_f64()
        );
    }
}
