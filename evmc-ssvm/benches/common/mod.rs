//! Helpers the benchmark targets share: the pure workloads of `fixtures/bench` and the
//! compiled pairing contract of `shared/ewasm-bench` with their expected outcomes, one
//! [`Instance`] per engine (ours with metering off/on, wasmi 2.0 with fuel off/on), and the
//! minimum-of-interleaved-runs timer.
//!
//! Every bench target includes this module, and not every target uses every item.
#![allow(dead_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha3::{Digest, Keccak256};

use ssvm::engine::bignum::{BigOp, Intrinsic};
use ssvm::engine::{
    Config, Extern, FuncType, HostFuncId, InstanceId, Module, NoHost, Store, ValType, Value,
};

/// A workload: a module without imports (or with only `bignum` imports), its entry point
/// and the outcome every engine must produce.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Display name (`kernels/` prefix for the kernels of `fixtures/bench/kernels`,
    /// `ewasm-bench/` for the contracts of `shared/ewasm-bench`).
    pub name: String,
    /// The binary module.
    pub wasm: Vec<u8>,
    /// What one call does and what it must produce.
    pub entry: Entry,
}

/// The export a workload calls, with its expected outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `run(i32 n) -> i64`, called with `arg`; must return `expected`.
    Run {
        /// The argument `n`.
        arg: i32,
        /// The result, as the i64 the engines return.
        expected: i64,
    },
    /// `main() -> ()` (an Ewasm contract that imports nothing): must return without a trap
    /// and, called once on a fresh instance, leave linear memory with this Keccak-256 (all
    /// bytes of the exported `memory`).
    Main {
        /// Keccak-256 of the linear memory after the first call.
        memory_keccak: [u8; 32],
    },
}

impl Entry {
    /// The `n` column of the tables: the argument of `run`, or `main()`.
    pub fn arg_text(&self) -> String {
        match self {
            Entry::Run { arg, .. } => arg.to_string(),
            Entry::Main { .. } => "main()".to_string(),
        }
    }
}

/// The Keccak-256 of `bytes`.
pub fn keccak256(bytes: &[u8]) -> [u8; 32] {
    Keccak256::digest(bytes).into()
}

/// A workload module instantiated on one engine variant ([`Ours`] or [`Wasmi`], metering
/// off or on). The runners panic on traps: benchmarks have no recovery.
pub trait Instance {
    /// Calls `run(n)` and returns its result.
    fn run(&mut self, n: i32) -> i64;
    /// Calls `main()`.
    fn main(&mut self);
    /// The bytes of the exported `memory` (empty without one).
    fn memory(&self) -> &[u8];
    /// Gas (ours) or fuel (wasmi) used by the last call; `None` with metering off.
    fn metering_used(&self) -> Option<u64>;

    /// One call of `entry` (the timed unit): `run`'s result, or 0 after `main`.
    fn call(&mut self, entry: &Entry) -> i64 {
        match *entry {
            Entry::Run { arg, .. } => self.run(arg),
            Entry::Main { .. } => {
                self.main();
                0
            }
        }
    }

    /// One call of `entry`, checked against its expected outcome; panics naming `what`.
    /// For [`Entry::Main`] this must be the first call on the instance.
    fn check(&mut self, entry: &Entry, what: &str) {
        match *entry {
            Entry::Run { arg, expected } => assert_eq!(self.run(arg), expected, "{what}"),
            Entry::Main { memory_keccak } => {
                self.main();
                let got = keccak256(self.memory());
                assert!(
                    got == memory_keccak,
                    "{what}: Keccak-256 of memory after main() is 0x{}, expected 0x{}",
                    hex::encode(got),
                    hex::encode(memory_keccak)
                );
            }
        }
    }
}

/// `fixtures/bench`.
pub fn bench_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/bench"))
}

/// The bytes of `path`; panics with the path on error (benchmarks have no recovery).
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `0x`-prefixed (or bare) hexadecimal u64, as the i64 with the same bits.
pub fn parse_hex(s: &str) -> i64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|e| panic!("{s}: {e}"))
        as i64
}

/// The WAT loops listed in `expected.txt`, then every pure kernel of `kernels/expected.json`.
pub fn workloads() -> Vec<Workload> {
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
            entry: Entry::Run {
                arg: arg.parse().unwrap_or_else(|e| panic!("{line}: {e}")),
                expected: parse_hex(value),
            },
        });
    }
    for (name, k) in kernels() {
        if k["kind"] != "pure" {
            continue;
        }
        all.push(Workload {
            wasm: read(&dir.join(format!("kernels/{name}.wasm"))),
            name: format!("kernels/{name}"),
            entry: Entry::Run {
                arg: k["n"]
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .unwrap_or_else(|| panic!("{name}: n")),
                expected: parse_hex(k["checksum"].as_str().unwrap_or_default()),
            },
        });
    }
    all
}

/// The entries of `kernels/expected.json` in file order (name, description).
pub fn kernels() -> Vec<(String, serde_json::Value)> {
    let json = read(&bench_dir().join("kernels/expected.json"));
    let kernels: serde_json::Value =
        serde_json::from_slice(&json).unwrap_or_else(|e| panic!("expected.json: {e}"));
    kernels
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Binds `bignum.mul256` / `bignum.add256` to our engine's bignum instruction (as the
/// contract layer does), so `mul256_bignum_run.wat` runs without a host.
fn bignum_intrinsic(module: &str, name: &str) -> Option<Intrinsic> {
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
}

/// A workload module instantiated on our engine.
#[derive(Debug)]
pub struct Ours {
    store: Store,
    id: InstanceId,
}

impl Ours {
    /// Compiles and instantiates `wasm` with metering on or off.
    pub fn new(wasm: &[u8], metering: bool) -> Ours {
        let config = Config {
            metering,
            ..Config::default()
        };
        let module = Module::compile_with_intrinsics(wasm, &config, &bignum_intrinsic)
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
}

impl Instance for Ours {
    /// `run(arg)` with unlimited gas (`i64::MAX`, reset every call).
    fn run(&mut self, arg: i32) -> i64 {
        self.store.set_gas(i64::MAX);
        match self
            .store
            .invoke(&mut NoHost, self.id, "run", &[Value::I32(arg)])
            .as_deref()
        {
            Ok([Value::I64(v)]) => *v,
            other => panic!("ssvm run: {other:?}"),
        }
    }

    /// `main()` with unlimited gas (`i64::MAX`, reset every call).
    fn main(&mut self) {
        self.store.set_gas(i64::MAX);
        match self
            .store
            .invoke(&mut NoHost, self.id, "main", &[])
            .as_deref()
        {
            Ok([]) => {}
            other => panic!("ssvm main: {other:?}"),
        }
    }

    fn memory(&self) -> &[u8] {
        self.store
            .export(self.id, "memory")
            .and_then(|m| self.store.memory(m))
            .map_or(&[], |m| m.data())
    }

    /// Gas used by the last call: Wasm instructions executed plus one per metered block
    /// entered (gas is reset to `i64::MAX` before every call).
    fn metering_used(&self) -> Option<u64> {
        let used = i64::MAX - self.store.gas();
        self.store.config().metering.then(|| used.unsigned_abs())
    }
}

/// The wasmi 2.0 configuration of the comparison: eager compilation (validate and
/// translate every function in `Module::new`, like our `Module::compile`), fuel on or off.
pub fn wasmi_engine(fuel: bool) -> wasmi::Engine {
    let mut config = wasmi::Config::default();
    config
        .compilation_mode(wasmi::CompilationMode::Eager)
        .consume_fuel(fuel);
    wasmi::Engine::new(&config)
}

/// A workload module instantiated on wasmi 2.0.
#[derive(Debug)]
pub struct Wasmi {
    store: wasmi::Store<()>,
    /// The `run: (i32) -> i64` export, if the module has one of that type.
    run: Option<wasmi::TypedFunc<i32, i64>>,
    /// The `main: () -> ()` export, if the module has one of that type.
    main: Option<wasmi::TypedFunc<(), ()>>,
    memory: Option<wasmi::Memory>,
    fuel: bool,
}

impl Wasmi {
    /// Compiles (eagerly) and instantiates `wasm` with fuel metering on or off.
    pub fn new(wasm: &[u8], fuel: bool) -> Wasmi {
        let engine = wasmi_engine(fuel);
        let module =
            wasmi::Module::new(&engine, wasm).unwrap_or_else(|e| panic!("wasmi compile: {e}"));
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .unwrap_or_else(|e| panic!("wasmi instantiate: {e}"));
        Wasmi {
            run: instance.get_typed_func(&store, "run").ok(),
            main: instance.get_typed_func(&store, "main").ok(),
            memory: instance.get_memory(&store, "memory"),
            store,
            fuel,
        }
    }

    /// With fuel on, resets the fuel to `u64::MAX` (it never runs out).
    fn refuel(&mut self) {
        if self.fuel {
            self.store
                .set_fuel(u64::MAX)
                .unwrap_or_else(|e| panic!("wasmi set_fuel: {e}"));
        }
    }
}

impl Instance for Wasmi {
    /// `run(arg)`; with fuel on, the fuel is reset to `u64::MAX` first.
    fn run(&mut self, arg: i32) -> i64 {
        self.refuel();
        let run = self
            .run
            .unwrap_or_else(|| panic!("wasmi: no export run: (i32) -> i64"));
        run.call(&mut self.store, arg)
            .unwrap_or_else(|e| panic!("wasmi run: {e}"))
    }

    /// `main()`; with fuel on, the fuel is reset to `u64::MAX` first.
    fn main(&mut self) {
        self.refuel();
        let main = self
            .main
            .unwrap_or_else(|| panic!("wasmi: no export main: () -> ()"));
        main.call(&mut self.store, ())
            .unwrap_or_else(|e| panic!("wasmi main: {e}"));
    }

    fn memory(&self) -> &[u8] {
        self.memory.map_or(&[], |m| m.data(&self.store))
    }

    /// Fuel consumed by the last call (fuel is reset to `u64::MAX` before every call).
    fn metering_used(&self) -> Option<u64> {
        self.fuel
            .then(|| self.store.get_fuel().map_or(0, |left| u64::MAX - left))
    }
}

/// Name of the compiled pairing contract's row in the tables and in `profile`.
pub const PAIRING_NAME: &str = "ewasm-bench/pairing_ten_point_match_1";

/// The compiled pairing contract: third-party data in `shared/ewasm-bench` next to the
/// workspace, read from there and never copied into the repository (see its README).
pub const PAIRING_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/ewasm-bench/pairing_ten_point_match_1.wasm"
);

/// Keccak-256 of the pairing contract's linear memory (all 18 pages: the first call grows
/// it from 17) after the first `main()` on a fresh instance, recorded by running
/// `profile ewasm-bench/pairing_ten_point_match_1 VARIANT` on all four variants: wasmi
/// 2.0.0 (fuel off and on) and our engine (metering off and on) gave this same digest (and
/// so did wasmtime, outside the repository).
///
/// Later calls need no reset: from the second call on every call executes the same
/// instructions (equal wasmi fuel and our gas per call; `profile ... ours-on 1` and
/// `... ours-on 2` print them), and they leave the same memory except one byte: the
/// contract's allocator (dlmalloc) counts large frees down in its release-check counter
/// (the i32 at address 3604: 4095 after the first call, one less after each further call),
/// which would trigger one short walk of its segment list only after 4095 calls. The first call differs slightly (it grows memory and
/// sets up the allocator), so the check runs on a fresh instance, before timing.
const PAIRING_MEMORY_KECCAK: &str =
    "3a00163e303c11a87570bd45c37398af32857d76b034b58826f5f7f486ad9a00";

/// The pairing contract as a workload (`main()`, memory digest checked), or why it is
/// skipped: the file is absent or unreadable.
pub fn pairing_workload() -> Result<Workload, String> {
    let wasm = std::fs::read(PAIRING_PATH).map_err(|e| format!("{PAIRING_PATH}: {e}"))?;
    Ok(Workload {
        name: PAIRING_NAME.to_string(),
        wasm,
        entry: Entry::Main {
            memory_keccak: hex::decode(PAIRING_MEMORY_KECCAK)
                .ok()
                .and_then(|d| d.try_into().ok())
                .unwrap_or_else(|| panic!("PAIRING_MEMORY_KECCAK is not 32 hex bytes")),
        },
    })
}

/// CPU time consumed so far by the calling thread (`CLOCK_THREAD_CPUTIME_ID`). Unlike wall
/// time it does not count time the thread spent preempted by other processes, which on a
/// loaded 2-core machine otherwise inflates long runs more than short ones.
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `timespec`; the clock id is a libc constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Thread CPU time of one call of `f`.
pub fn time(f: &mut dyn FnMut()) -> Duration {
    let start = thread_cpu_time();
    f();
    thread_cpu_time().saturating_sub(start)
}

/// What [`min_times`] reports, for the table headers.
pub const STATISTIC: &str = "minimum thread CPU time (`CLOCK_THREAD_CPUTIME_ID`: time \
     preempted by other processes is not counted) over interleaved rounds";

/// The minimum thread CPU time of each closure over `runs` rounds, the closures interleaved
/// in every round so all of them see the same machine state (the minimum is the least
/// load-sensitive statistic on a shared machine).
pub fn min_times(runs: usize, fs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    min_times_each(&vec![runs; fs.len()], fs)
}

/// [`min_times`] with a round count per closure: round `i` runs (in order) every closure
/// `j` with `i < runs[j]`, so slow closures can take fewer rounds and still be interleaved
/// with the others.
pub fn min_times_each(runs: &[usize], fs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    assert_eq!(runs.len(), fs.len(), "one round count per closure");
    let mut best = vec![Duration::MAX; fs.len()];
    for round in 0..runs.iter().copied().max().unwrap_or(0) {
        for ((f, b), &n) in fs.iter_mut().zip(best.iter_mut()).zip(runs) {
            if round < n {
                *b = (*b).min(time(*f));
            }
        }
    }
    best
}

/// One call of `entry` on `instance` as a timing closure whose result is kept alive with
/// `black_box`.
pub fn entry_runner<'a>(instance: &'a mut impl Instance, entry: &'a Entry) -> impl FnMut() + 'a {
    move || {
        black_box(instance.call(black_box(entry)));
    }
}

/// `f(arg)` as a timing closure whose result is kept alive with `black_box`.
pub fn runner<'a>(mut f: impl FnMut(i32) -> i64 + 'a, arg: i32) -> impl FnMut() + 'a {
    move || {
        black_box(f(black_box(arg)));
    }
}

/// Geometric mean of `xs` (1.0 for none).
pub fn geomean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 1.0;
    }
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

/// `a / b` in seconds.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// X0 of the mul256 drag race (`kernels/README.md`).
pub const DRAG_X0: &str = "0x0123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// C of the mul256 drag race.
pub const DRAG_C: &str = "0x9e3779b97f4a7c15f39cc0605cedc8341082276bf3a27251f86c6a11d0c18e95";
/// Low 64 bits of x after 20,000 steps (`kernels/README.md`, derived with Python integers).
pub const DRAG_LOW_20000: u64 = 0x680c_6510_ed36_96d0;

/// The drag race as a native Rust loop on `u256::U256`: n steps of x = x * C + 1; low limb.
pub fn native_drag_race(n: i32) -> i64 {
    use u256::U256;
    let c: U256 = DRAG_C.parse().unwrap_or_else(|e| panic!("C: {e}"));
    let mut x: U256 = DRAG_X0.parse().unwrap_or_else(|e| panic!("X0: {e}"));
    for _ in 0..n {
        x = black_box(x).wrapping_mul(c).wrapping_add(U256::ONE);
    }
    x.low_u64() as i64
}
