//! Engine benchmark: our interpreter vs wasmi 2.0.0 (fuel off) on the same WAT modules in
//! the same run (`fixtures/bench/{count,fib_rec,sha256}.wat`), plus an ours/wasmi ratio table.
//!
//! Run: `cargo bench -p evmc-ssvm --bench engine`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use ssvm::engine::{Config, InstanceId, Module, NoHost, Store, Value};

/// One workload: fixture name, argument, expected result (from fixtures/bench/expected.txt).
struct Workload {
    name: &'static str,
    wat: &'static str,
    arg: i32,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "count",
        wat: include_str!("../../fixtures/bench/count.wat"),
        arg: 1_000_000,
    },
    Workload {
        name: "fib_rec",
        wat: include_str!("../../fixtures/bench/fib_rec.wat"),
        arg: 25,
    },
    Workload {
        name: "sha256",
        wat: include_str!("../../fixtures/bench/sha256.wat"),
        arg: 1000,
    },
];

const EXPECTED: &str = include_str!("../../fixtures/bench/expected.txt");

fn expected(name: &str, arg: i32) -> i64 {
    for line in EXPECTED.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let [n, a, v] = parts.as_slice() {
            if *n == name && a.parse::<i32>().ok() == Some(arg) {
                let v = v.trim_start_matches("0x");
                return u64::from_str_radix(v, 16).unwrap_or_else(|e| panic!("{line}: {e}")) as i64;
            }
        }
    }
    panic!("no expected value for {name} {arg}");
}

/// Our engine, compiled and instantiated once.
struct Ours {
    store: Store,
    id: InstanceId,
}

impl Ours {
    fn new(bytes: &[u8]) -> Self {
        let config = Config::default();
        let module = Module::compile(bytes, &config).unwrap_or_else(|e| panic!("compile: {e}"));
        let mut store = Store::new(config);
        let id = store
            .instantiate(&module, &[], &mut NoHost)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        Self { store, id }
    }

    fn run(&mut self, arg: i32) -> i64 {
        match self
            .store
            .invoke(&mut NoHost, self.id, "run", &[Value::I32(arg)])
            .as_deref()
        {
            Ok([Value::I64(v)]) => *v,
            other => panic!("ssvm run: {other:?}"),
        }
    }
}

/// wasmi 2.0.0 with fuel metering off.
struct Wasmi {
    store: wasmi::Store<()>,
    func: wasmi::TypedFunc<i32, i64>,
}

impl Wasmi {
    fn new(bytes: &[u8]) -> Self {
        let engine = wasmi::Engine::default();
        let module =
            wasmi::Module::new(&engine, bytes).unwrap_or_else(|e| panic!("wasmi compile: {e}"));
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .unwrap_or_else(|e| panic!("wasmi: {e}"));
        let func = instance
            .get_typed_func::<i32, i64>(&store, "run")
            .unwrap_or_else(|e| panic!("wasmi: {e}"));
        Self { store, func }
    }

    fn run(&mut self, arg: i32) -> i64 {
        self.func
            .call(&mut self.store, arg)
            .unwrap_or_else(|e| panic!("wasmi run: {e}"))
    }
}

fn check(w: &Workload, bytes: &[u8]) {
    let want = expected(w.name, w.arg);
    assert_eq!(Ours::new(bytes).run(w.arg), want, "ssvm {}", w.name);
    assert_eq!(Wasmi::new(bytes).run(w.arg), want, "wasmi {}", w.name);
}

/// Minimum wall time of `runs` calls of each engine, interleaved so both see the same
/// machine load (the minimum is the least noisy statistic on a shared machine).
fn min_times(
    mut ours: impl FnMut(),
    mut theirs: impl FnMut(),
    runs: usize,
) -> (Duration, Duration) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut a, mut b) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        a = a.min(time(&mut ours));
        b = b.min(time(&mut theirs));
    }
    (a, b)
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut rows = Vec::new();
    for w in WORKLOADS {
        let bytes = wat::parse_str(w.wat).unwrap_or_else(|e| panic!("{}: {e}", w.name));
        check(w, &bytes);
        let mut ours = Ours::new(&bytes);
        let mut theirs = Wasmi::new(&bytes);
        let mut group = criterion.benchmark_group(w.name);
        group.bench_function("ssvm", |b| b.iter(|| ours.run(black_box(w.arg))));
        group.bench_function("wasmi", |b| b.iter(|| theirs.run(black_box(w.arg))));
        group.finish();
        let (t_ours, t_theirs) = min_times(
            || {
                black_box(ours.run(w.arg));
            },
            || {
                black_box(theirs.run(w.arg));
            },
            21,
        );
        rows.push((w.name, t_ours, t_theirs));
    }
    criterion.final_summary();
    println!("\n| workload | ssvm | wasmi 2.0.0 | ratio ssvm/wasmi |\n|---|---|---|---|");
    let mut log_sum = 0.0;
    for (name, a, b) in &rows {
        let ratio = a.as_secs_f64() / b.as_secs_f64();
        log_sum += ratio.ln();
        println!("| {name} | {a:.2?} | {b:.2?} | {ratio:.2} |");
    }
    println!(
        "| geomean | | | {:.2} |",
        (log_sum / rows.len() as f64).exp()
    );
}
