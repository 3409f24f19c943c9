//! Section 6: the EIP-197 BN254 pairing check (issue #23) on the vectors `two_point_match_2`
//! and `ten_point_match_1` of go-ethereum's `bn256Pairing.json` (`shared/ewasm-bench`):
//! native `substrate-bn` (the reference of the ratios), the native build of
//! `fixtures/bn254/pairing.c`, its two contract builds on our engine (`pairing_bignum.wasm`
//! with the `bignum` imports, metering off and on; `pairing_plain.wasm`) and on wasmi 2.0
//! (`pairing_plain.wasm`, through a four-function `ethereum` shim), and the Ewasm team's
//! compiled Rust pairing contract for context. Prints a markdown table and the issue's
//! targets, and writes the same times as an SVG bar chart (`evmc-ssvm/bench-pairing.svg`).

use std::ffi::{c_int, c_ulong};
use std::hint::black_box;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ewasm_host::mock::MockHost;
use ewasm_host::{Message, Revision, StatusCode};
use ssvm::options::Options;
use ssvm::vm::{self, ContractCache, Outcome};
use wasmi::Caller;

use crate::common::{
    min_times_each, pairing_workload, ratio, read, time, wasmi_engine, Instance, Ours, STATISTIC,
};

/// The vectors timed, in column order.
const VECTORS: [&str; 2] = ["two_point_match_2", "ten_point_match_1"];

/// go-ethereum's EIP-197 vectors: third-party data next to the workspace (see the README in
/// `shared/ewasm-bench`), read at run time and never copied into the repository.
const VECTORS_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/ewasm-bench/bn256Pairing.json"
);

/// `fixtures/bn254`: `pairing.c` and its two contract builds.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/bn254");

/// Where the chart is written: next to `BENCH.md`.
const CHART_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bench-pairing.svg");

/// Rounds are fitted to this much time per variant and vector (estimated from the checked
/// call), within [`MIN_RUNS`, `MAX_RUNS`]: the section takes about 20 s on the 2-core VM,
/// most of it the Ewasm team's contract (three rounds of about 2 s).
const BUDGET: Duration = Duration::from_secs(1);
/// Fewest interleaved rounds of any variant.
const MIN_RUNS: usize = 3;
/// Most interleaved rounds of any variant.
const MAX_RUNS: usize = 21;

/// Gas of every contract call: ample (the metered ten-pair check uses far less).
const GAS: i64 = 1 << 50;

/// The targets of issue #23.
const TARGET_BIGNUM_VS_NATIVE: f64 = 3.0;
const STRETCH_BIGNUM_VS_NATIVE: f64 = 2.0;
const TARGET_PLAIN_VS_BIGNUM: f64 = 30.0;
const TARGET_METERING: f64 = 0.05;

/// One EIP-197 vector: k × 192 bytes of input and the expected 32-byte output.
#[derive(Debug)]
struct Vector {
    name: &'static str,
    input: Vec<u8>,
    expected: [u8; 32],
}

/// The [`VECTORS`] from [`VECTORS_PATH`], or why they are unavailable.
fn vectors() -> Result<Vec<Vector>, String> {
    let json = std::fs::read(VECTORS_PATH).map_err(|e| format!("{VECTORS_PATH}: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_slice(&json).map_err(|e| format!("{VECTORS_PATH}: {e}"))?;
    let all = json["vectors"].as_array().cloned().unwrap_or_default();
    let hex_field = |v: &serde_json::Value, field: &str| {
        let s = v[field].as_str().unwrap_or_default();
        hex::decode(s).unwrap_or_else(|e| panic!("{VECTORS_PATH}: {field} {s}: {e}"))
    };
    VECTORS
        .iter()
        .map(|&name| {
            let v = all
                .iter()
                .find(|v| v["Name"] == name)
                .ok_or_else(|| format!("{VECTORS_PATH}: no vector {name}"))?;
            let expected = hex_field(v, "Expected");
            Ok(Vector {
                name,
                input: hex_field(v, "Input"),
                expected: expected
                    .try_into()
                    .unwrap_or_else(|e: Vec<u8>| panic!("{name}: {} output bytes", e.len())),
            })
        })
        .collect()
}

/// The rows of the table and the bars of each group of the chart, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    SubstrateBn,
    NativeC,
    BignumOff,
    BignumOn,
    PlainOurs,
    PlainWasmi,
    EwasmRust,
}

const VARIANTS: [Variant; 7] = [
    Variant::SubstrateBn,
    Variant::NativeC,
    Variant::BignumOff,
    Variant::BignumOn,
    Variant::PlainOurs,
    Variant::PlainWasmi,
    Variant::EwasmRust,
];

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::SubstrateBn => "native substrate-bn 0.6.0 (pairing_batch)",
            Variant::NativeC => "native pairing.c (cc -O2)",
            Variant::BignumOff => "pairing_bignum.wasm, ours, metering off",
            Variant::BignumOn => "pairing_bignum.wasm, ours, metering on",
            Variant::PlainOurs => "pairing_plain.wasm, ours, metering off",
            Variant::PlainWasmi => "pairing_plain.wasm, wasmi 2.0.0, fuel off",
            Variant::EwasmRust => "Ewasm team's Rust contract, ours, metering off",
        }
    }

    /// Whether the variant checks `vector`: the Ewasm team's contract embeds the ten pairs
    /// of `ten_point_match_1` and takes no call data.
    fn runs_on(self, vector: &str) -> bool {
        self != Variant::EwasmRust || vector == "ten_point_match_1"
    }

    /// The bar colour in the chart.
    fn color(self) -> plotters::style::RGBColor {
        use plotters::style::RGBColor;
        match self {
            Variant::SubstrateBn => RGBColor(55, 126, 184),
            Variant::NativeC => RGBColor(152, 78, 163),
            Variant::BignumOff => RGBColor(51, 140, 48),
            Variant::BignumOn => RGBColor(150, 205, 90),
            Variant::PlainOurs => RGBColor(255, 127, 0),
            Variant::PlainWasmi => RGBColor(215, 40, 40),
            Variant::EwasmRust => RGBColor(150, 150, 150),
        }
    }
}

/// The EIP-197 check on substrate-bn as the precompile does it (go-ethereum, Parity): per
/// pair decode G1 (x, y) and G2 (x, y) with Fq2 (real, imag) from the input's (imag, real)
/// order, all-zero coordinates as infinity, validating every point (on the curve, G2 also
/// in the subgroup); then `pairing_batch == Gt::one()`. `None` for invalid input.
fn substrate_bn_check(input: &[u8]) -> Option<[u8; 32]> {
    use substrate_bn::{pairing_batch, AffineG1, AffineG2, Fq, Fq2, Group, Gt, G1, G2};
    if !input.len().is_multiple_of(192) {
        return None;
    }
    let mut pairs = Vec::with_capacity(input.len() / 192);
    for pair in input.chunks_exact(192) {
        let fq = |i: usize| Fq::from_slice(&pair[32 * i..32 * (i + 1)]).ok();
        let (x, y) = (fq(0)?, fq(1)?);
        let g1 = if x.is_zero() && y.is_zero() {
            G1::zero()
        } else {
            AffineG1::new(x, y).ok()?.into()
        };
        let (x, y) = (Fq2::new(fq(3)?, fq(2)?), Fq2::new(fq(5)?, fq(4)?));
        let g2 = if x.is_zero() && y.is_zero() {
            G2::zero()
        } else {
            AffineG2::new(x, y).ok()?.into()
        };
        pairs.push((g1, g2));
    }
    let mut out = [0; 32];
    out[31] = u8::from(pairing_batch(&pairs) == Gt::one());
    Some(out)
}

/// `int bn254_pairing_check(const unsigned char *input, unsigned long len,
/// unsigned char out[32])` of `pairing.c`: 0 with `out` filled, 1 for invalid input.
type PairingCheckFn = unsafe extern "C" fn(*const u8, c_ulong, *mut u8) -> c_int;

/// The native build of `pairing.c`, loaded.
#[derive(Debug)]
struct NativeC {
    check: PairingCheckFn,
    /// Keeps `check` loaded.
    _library: libloading::Library,
}

impl NativeC {
    /// Builds `pairing.c` with the system `cc` when the library is missing or older than
    /// the source (see [`native_library`]) and loads it; `Err` says why the row is skipped
    /// (no `cc`). A failing compilation panics: the fixture is broken.
    fn load() -> Result<NativeC, String> {
        let path = native_library()?;
        // SAFETY: loading runs the library's initialisers; pairing.c has none (plain C, no
        // constructors).
        let library = unsafe { libloading::Library::new(&path) }
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // SAFETY: `bn254_pairing_check` has exactly the signature `PairingCheckFn`
        // (fixtures/bn254/pairing.c).
        let check = unsafe { library.get::<PairingCheckFn>(b"bn254_pairing_check\0") }
            .map(|sym| *sym)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Ok(NativeC {
            check,
            _library: library,
        })
    }

    /// The check of `input`: its 32-byte output, `None` for invalid input.
    fn run(&self, input: &[u8]) -> Option<[u8; 32]> {
        let mut out = [0; 32];
        let len = c_ulong::try_from(input.len()).unwrap_or_else(|e| panic!("{e}"));
        // SAFETY: `input` is readable for `len` bytes and `out` writable for 32, as the
        // function requires; it keeps static state, and the benchmark is single-threaded.
        let rc = unsafe { (self.check)(input.as_ptr(), len, out.as_mut_ptr()) };
        (rc == 0).then_some(out)
    }
}

/// `target/tmp/bn254/libpairing_native.so` (cargo's temporary directory for benchmarks),
/// compiled by `cc -O2 -shared -fPIC` (the command of `fixtures/bn254/build.sh`) unless it
/// is newer than `pairing.c` and `bn254_consts.h`; `Err` when there is no `cc`.
fn native_library() -> Result<PathBuf, String> {
    let dir = Path::new(FIXTURES);
    let source = dir.join("pairing.c");
    let lib = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bn254/libpairing_native.so");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let newest_source = [source.clone(), dir.join("bn254_consts.h")]
        .iter()
        .filter_map(|p| modified(p))
        .max();
    if let (Some(built), Some(newest)) = (modified(&lib), newest_source) {
        if built >= newest {
            return Ok(lib);
        }
    }
    let parent = lib.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
    // Built under a temporary name and renamed, so a concurrent run never loads half a file.
    let partial = lib.with_extension(format!("so.{}", std::process::id()));
    let flags = ["-O2", "-shared", "-fPIC", "-o"];
    let output = match Command::new("cc")
        .args(flags)
        .arg(&partial)
        .arg(&source)
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("no `cc` on the PATH".to_string())
        }
        Err(e) => panic!("cc: {e}"),
    };
    assert!(
        output.status.success(),
        "cc {} {} {}: {}\n{}",
        flags.join(" "),
        partial.display(),
        source.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::rename(&partial, &lib).unwrap_or_else(|e| panic!("{}: {e}", lib.display()));
    Ok(lib)
}

/// One contract call through `ssvm::vm::execute` (gate, module cache, instantiation, EEI)
/// against an empty mock host, with `input` as call data.
fn ours_execute(opts: &Options, cache: &ContractCache, code: &[u8], msg: &Message) -> Outcome {
    let mut host = MockHost::new();
    vm::execute(opts, cache, Revision::Byzantium, msg, code, &mut host)
}

/// What the `ethereum` shim of [`WasmiContract`] reads and records.
#[derive(Debug, Default)]
struct Shim {
    call_data: Arc<[u8]>,
    output: Vec<u8>,
}

/// Exit status of `ethereum.finish` in the shim ([`wasmi::Error::i32_exit`]).
const FINISH: i32 = 0;
/// Exit status of `ethereum.revert` in the shim.
const REVERT: i32 = 1;

/// An Ewasm contract on wasmi 2.0 (eager compilation, fuel off) with the four `ethereum`
/// imports of `pairing_plain.wasm` provided by a tiny shim: `getCallDataSize`,
/// `callDataCopy`, and `finish` / `revert`, which record the output and halt (an
/// `i32_exit` with [`FINISH`] or [`REVERT`]). Each call gets a fresh store and instance, as
/// a contract call does on our engine.
#[derive(Debug)]
struct WasmiContract {
    engine: wasmi::Engine,
    module: wasmi::Module,
    linker: wasmi::Linker<Shim>,
}

/// `bytes[start..start + len]`, or an error naming `what`.
fn span(bytes: &[u8], start: u32, len: u32, what: &str) -> Result<Range<usize>, wasmi::Error> {
    let (start, len) = (start as usize, len as usize);
    (start.checked_add(len).is_some_and(|end| end <= bytes.len()))
        .then_some(start..start + len)
        .ok_or_else(|| wasmi::Error::new(format!("{what} out of bounds")))
}

/// The calling instance's exported memory and the shim's state.
fn shim_memory<'a>(
    caller: &'a mut Caller<'_, Shim>,
) -> Result<(&'a mut [u8], &'a mut Shim), wasmi::Error> {
    let memory = (caller.get_export("memory"))
        .and_then(wasmi::Extern::into_memory)
        .ok_or_else(|| wasmi::Error::new("no exported memory"))?;
    Ok(memory.data_and_store_mut(caller))
}

/// `ethereum.getCallDataSize() -> i32`.
fn shim_get_call_data_size(caller: Caller<'_, Shim>) -> u32 {
    u32::try_from(caller.data().call_data.len()).unwrap_or(u32::MAX)
}

/// `ethereum.callDataCopy(resultOffset, dataOffset, length)`.
fn shim_call_data_copy(
    mut caller: Caller<'_, Shim>,
    to: u32,
    from: u32,
    len: u32,
) -> Result<(), wasmi::Error> {
    let (data, shim) = shim_memory(&mut caller)?;
    let src = span(&shim.call_data, from, len, "call data")?;
    let dst = span(data, to, len, "memory")?;
    data[dst].copy_from_slice(&shim.call_data[src]);
    Ok(())
}

/// `ethereum.finish` / `ethereum.revert(dataOffset, length)`: records the output and halts
/// with `status`.
fn shim_halt(
    mut caller: Caller<'_, Shim>,
    ptr: u32,
    len: u32,
    status: i32,
) -> Result<(), wasmi::Error> {
    let (data, shim) = shim_memory(&mut caller)?;
    shim.output = data[span(data, ptr, len, "output")?].to_vec();
    Err(wasmi::Error::i32_exit(status))
}

impl WasmiContract {
    fn new(wasm: &[u8]) -> WasmiContract {
        let engine = wasmi_engine(false);
        let module =
            wasmi::Module::new(&engine, wasm).unwrap_or_else(|e| panic!("wasmi compile: {e}"));
        let mut linker = wasmi::Linker::<Shim>::new(&engine);
        let mut link = || -> Result<(), wasmi::Error> {
            linker.func_wrap("ethereum", "getCallDataSize", shim_get_call_data_size)?;
            linker.func_wrap("ethereum", "callDataCopy", shim_call_data_copy)?;
            linker.func_wrap("ethereum", "finish", |c: Caller<'_, Shim>, p, l| {
                shim_halt(c, p, l, FINISH)
            })?;
            linker.func_wrap("ethereum", "revert", |c: Caller<'_, Shim>, p, l| {
                shim_halt(c, p, l, REVERT)
            })?;
            Ok(())
        };
        link().unwrap_or_else(|e| panic!("wasmi linker: {e}"));
        WasmiContract {
            engine,
            module,
            linker,
        }
    }

    /// One call: a fresh store and instance, `main()` with `call_data`; the exit status
    /// ([`FINISH`] or [`REVERT`]) and the output. Panics on a trap or a return without
    /// `finish` (the contracts here always finish or revert).
    fn call(&self, call_data: &Arc<[u8]>) -> (i32, Vec<u8>) {
        let shim = Shim {
            call_data: Arc::clone(call_data),
            output: Vec::new(),
        };
        let mut store = wasmi::Store::new(&self.engine, shim);
        let instance = self
            .linker
            .instantiate_and_start(&mut store, &self.module)
            .unwrap_or_else(|e| panic!("wasmi instantiate: {e}"));
        let main = instance
            .get_typed_func::<(), ()>(&store, "main")
            .unwrap_or_else(|e| panic!("wasmi: main: {e}"));
        let status = match main.call(&mut store, ()) {
            Ok(()) => panic!("wasmi: main returned without finish or revert"),
            Err(e) => e
                .i32_exit_status()
                .unwrap_or_else(|| panic!("wasmi main: {e}")),
        };
        (status, store.into_data().output)
    }
}

/// One variant made ready for one vector: its result checked, the check's time (to fit
/// the rounds) and the timed call.
type Ready<'a> = (Duration, Box<dyn FnMut() + 'a>);

/// What every variant runs, loaded once.
struct Subjects {
    bignum: Vec<u8>,
    plain: Vec<u8>,
    cache: ContractCache,
    native: Result<NativeC, String>,
    wasmi_plain: WasmiContract,
}

impl Subjects {
    fn load() -> Subjects {
        let plain = read(&Path::new(FIXTURES).join("pairing_plain.wasm"));
        Subjects {
            bignum: read(&Path::new(FIXTURES).join("pairing_bignum.wasm")),
            wasmi_plain: WasmiContract::new(&plain),
            plain,
            cache: ContractCache::new(4),
            native: NativeC::load(),
        }
    }

    /// `variant` ready for `v` (checked once), or why it is skipped. `gas` receives the gas
    /// used with metering on.
    fn prepare<'a>(
        &'a self,
        variant: Variant,
        v: &'a Vector,
        gas: &mut Option<i64>,
    ) -> Result<Ready<'a>, String> {
        let what = format!("{} on {}", variant.label(), v.name);
        let checked = |got: Option<[u8; 32]>| {
            assert!(
                got == Some(v.expected),
                "{what}: output {:?}, expected {}",
                got.map(hex::encode),
                hex::encode(v.expected)
            );
        };
        let mut contract = |code: &'a [u8], metering: bool| -> Ready<'a> {
            let opts = Options {
                metering,
                ..Options::default()
            };
            let msg = Message::call([0x0c; 20], [0x70; 20], GAS, v.input.clone());
            let mut out = None;
            let t = time(&mut || out = Some(ours_execute(&opts, &self.cache, code, &msg)));
            let out = out.unwrap_or_else(|| panic!("{what}: not run"));
            assert_eq!(out.status, StatusCode::Success, "{what}: status");
            assert_eq!(out.output, v.expected, "{what}: output");
            if metering {
                *gas = Some(GAS - out.gas_left);
            }
            let run = move || {
                black_box(ours_execute(&opts, &self.cache, code, black_box(&msg)));
            };
            (t, Box::new(run))
        };
        Ok(match variant {
            Variant::SubstrateBn => {
                let t = time(&mut || checked(substrate_bn_check(&v.input)));
                let run = move || {
                    black_box(substrate_bn_check(black_box(&v.input)));
                };
                (t, Box::new(run))
            }
            Variant::NativeC => {
                let native = self.native.as_ref().map_err(String::clone)?;
                let t = time(&mut || checked(native.run(&v.input)));
                let run = move || {
                    black_box(native.run(black_box(&v.input)));
                };
                (t, Box::new(run))
            }
            Variant::BignumOff => contract(&self.bignum, false),
            Variant::BignumOn => contract(&self.bignum, true),
            Variant::PlainOurs => contract(&self.plain, false),
            Variant::PlainWasmi => {
                let call_data: Arc<[u8]> = v.input.as_slice().into();
                let mut result = (REVERT, Vec::new());
                let t = time(&mut || result = self.wasmi_plain.call(&call_data));
                assert_eq!(result, (FINISH, v.expected.to_vec()), "{what}");
                let run = move || {
                    black_box(self.wasmi_plain.call(black_box(&call_data)));
                };
                (t, Box::new(run))
            }
            Variant::EwasmRust => {
                let w = pairing_workload()?;
                let mut ours = Ours::new(&w.wasm, false);
                // The first call on the fresh instance, as `Instance::check` requires.
                let t = time(&mut || ours.check(&w.entry, &what));
                let run = move || ours.main();
                (t, Box::new(run))
            }
        })
    }
}

/// Rounds for a variant whose checked call took `t`: [`BUDGET`] / `t` within
/// [[`MIN_RUNS`], [`MAX_RUNS`]].
fn rounds(t: Duration) -> usize {
    let fit = BUDGET.as_secs_f64() / t.as_secs_f64().max(1e-9);
    (fit as usize).clamp(MIN_RUNS, MAX_RUNS)
}

/// One row: the time per vector (`None`: not run there) and why the variant is skipped.
#[derive(Debug)]
struct Row {
    variant: Variant,
    times: Vec<Option<Duration>>,
    skipped: Option<String>,
}

/// A checked variant in a vector's rounds.
struct Timed<'a> {
    /// Index into the rows.
    row: usize,
    /// Its rounds ([`rounds`]).
    runs: usize,
    run: Box<dyn FnMut() + 'a>,
}

/// Prints the pairing table and the targets, and writes the chart.
pub fn print() {
    println!("\n## BN254 pairing check (EIP-197, issue #23)\n");
    let vectors = match vectors() {
        Ok(vectors) => vectors,
        Err(why) => {
            println!("Section skipped: cannot read the third-party vectors ({why}).");
            return;
        }
    };
    let subjects = Subjects::load();
    let mut rows: Vec<Row> = VARIANTS
        .iter()
        .map(|&variant| Row {
            variant,
            times: vec![None; vectors.len()],
            skipped: None,
        })
        .collect();
    let mut gas = vec![None; vectors.len()];
    let mut most_runs = 0;
    for (k, v) in vectors.iter().enumerate() {
        let mut ready: Vec<Timed<'_>> = Vec::new();
        for (i, row) in rows.iter_mut().enumerate() {
            if !row.variant.runs_on(v.name) {
                continue;
            }
            match subjects.prepare(row.variant, v, &mut gas[k]) {
                Ok((t, run)) => ready.push(Timed {
                    row: i,
                    runs: rounds(t),
                    run,
                }),
                Err(why) => row.skipped = Some(why),
            }
        }
        let runs: Vec<usize> = ready.iter().map(|t| t.runs).collect();
        most_runs = most_runs.max(runs.iter().copied().max().unwrap_or(0));
        let mut fs: Vec<&mut dyn FnMut()> = (ready.iter_mut())
            .map(|t| t.run.as_mut() as &mut dyn FnMut())
            .collect();
        let times = min_times_each(&runs, &mut fs);
        for (timed, t) in ready.iter().zip(times) {
            rows[timed.row].times[k] = Some(t);
        }
    }
    println!(
        "Time of one pairing check of the EIP-197 vectors (go-ethereum's `bn256Pairing.json`): \
         {STATISTIC} ({MIN_RUNS} to {most_runs} rounds: about {BUDGET:?} per variant and \
         vector, estimated from the checked call); every variant's output checked against the \
         vector's expected 32 bytes first. substrate-bn: points decoded and validated as the \
         precompile does (`AffineG1::new`, `AffineG2::new` with Fq2 (real, imag) from the \
         input's (imag, real)), then `pairing_batch(..) == Gt::one()`. pairing.c native: \
         `cc -O2 -shared -fPIC` (built into cargo's `target/tmp`), `bn254_pairing_check`. \
         Contracts on ours: one `ssvm::vm::execute` per check (gate, warm module cache, \
         instantiation, `main`, EEI) against the mock host \
         with the vector's input as call data, status SUCCESS; metering on = ample gas. \
         wasmi: eager compilation, fuel off, a fresh store and instance per check, the four \
         `ethereum` imports from a shim in the bench. The Ewasm team's Rust contract \
         (`shared/ewasm-bench/pairing_ten_point_match_1.wasm`) embeds its ten pairs and takes \
         no call data: one `main()` on a reused instance, as in the execution table.\n"
    );
    print_table(&vectors, &rows);
    print_targets(&vectors, &rows, &gas);
    match write_chart(Path::new(CHART_PATH), &rows) {
        Ok(()) => {
            let path = Path::new(CHART_PATH);
            let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            println!("\nChart: {}", path.display());
        }
        Err(e) => panic!("{CHART_PATH}: {e}"),
    }
}

fn print_table(vectors: &[Vector], rows: &[Row]) {
    let mut header = String::from("| variant |");
    let mut align = String::from("|---|");
    for v in vectors {
        header.push_str(&format!(" {} | / substrate-bn |", v.name));
        align.push_str("--:|--:|");
    }
    println!("{header}\n{align}");
    let reference = &rows[0].times;
    for row in rows {
        let mut line = format!("| {} |", row.variant.label());
        for (t, r) in row.times.iter().zip(reference) {
            match (t, r) {
                (Some(t), Some(r)) => line.push_str(&format!(" {t:.2?} | {:.2} |", ratio(*t, *r))),
                (Some(t), None) => line.push_str(&format!(" {t:.2?} | |")),
                (None, _) if row.skipped.is_some() => line.push_str(" SKIP | |"),
                (None, _) => line.push_str(" — | |"),
            }
        }
        println!("{line}");
    }
    println!();
    for row in rows {
        if let Some(why) = &row.skipped {
            println!("SKIP {}: {why}", row.variant.label());
        }
    }
}

/// `a / b` per vector, where both variants have a time.
fn ratios(rows: &[Row], a: Variant, b: Variant) -> Vec<Option<f64>> {
    let times = |v: Variant| &rows[VARIANTS.iter().position(|&x| x == v).unwrap_or(0)].times;
    times(a)
        .iter()
        .zip(times(b))
        .map(|(a, b)| Some(ratio((*a)?, (*b)?)))
        .collect()
}

/// "x / y (name / name)" of per-vector values, `—` for a missing one.
fn per_vector(vectors: &[Vector], xs: &[Option<f64>], f: impl Fn(f64) -> String) -> String {
    let values: Vec<String> = xs.iter().map(|x| x.map_or("—".into(), &f)).collect();
    let names: Vec<&str> = vectors.iter().map(|v| v.name).collect();
    format!("{} ({})", values.join(" / "), names.join(" / "))
}

/// "met" when every value passes `ok`, "not met" when one fails, "unknown" without values.
fn verdict(xs: &[Option<f64>], ok: impl Fn(f64) -> bool) -> &'static str {
    match xs.iter().copied().collect::<Option<Vec<f64>>>() {
        Some(v) if v.iter().all(|&x| ok(x)) => "met",
        Some(_) => "not met",
        None => "unknown",
    }
}

fn print_targets(vectors: &[Vector], rows: &[Row], gas: &[Option<i64>]) {
    let vs_native = ratios(rows, Variant::BignumOff, Variant::SubstrateBn);
    let plain = ratios(rows, Variant::PlainOurs, Variant::BignumOff);
    let metering = ratios(rows, Variant::BignumOn, Variant::BignumOff);
    let times = |x: f64| format!("{x:.2}x");
    println!(
        "bignum (ours, metering off) vs substrate-bn: {}; target ≤ {TARGET_BIGNUM_VS_NATIVE}x: \
         {} (stretch ≤ {STRETCH_BIGNUM_VS_NATIVE}x: {})",
        per_vector(vectors, &vs_native, times),
        verdict(&vs_native, |x| x <= TARGET_BIGNUM_VS_NATIVE),
        verdict(&vs_native, |x| x <= STRETCH_BIGNUM_VS_NATIVE),
    );
    println!(
        "bignum vs plain on ours (plain time / bignum time): {}; target ≥ \
         {TARGET_PLAIN_VS_BIGNUM}x: {}",
        per_vector(vectors, &plain, |x| format!("{x:.1}x")),
        verdict(&plain, |x| x >= TARGET_PLAIN_VS_BIGNUM),
    );
    let gas: Vec<String> = gas
        .iter()
        .map(|g| g.map_or("—".into(), |g| g.to_string()))
        .collect();
    println!(
        "metering on vs off (bignum, ours): {}; target ≤ +{:.0}%: {} (gas used with metering \
         on: {})",
        per_vector(vectors, &metering, |x| format!(
            "{:+.1}%",
            (x - 1.0) * 100.0
        )),
        TARGET_METERING * 100.0,
        verdict(&metering, |x| x - 1.0 <= TARGET_METERING),
        gas.join(" / ")
    );
}

/// A time in microseconds as a short label: "850 µs", "1.2 ms", "12.3 ms", "1.05 s".
fn short_time(us: f64) -> String {
    let (value, unit) = if us >= 1e6 {
        (us / 1e6, "s")
    } else if us >= 1e3 {
        (us / 1e3, "ms")
    } else {
        (us, "µs")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    format!("{text} {unit}")
}

/// The rows as a bar chart: one group per vector, a bar per variant (time per check on a
/// log scale, labelled), a line at the target (3x substrate-bn) per group, and a
/// legend below.
fn write_chart(path: &Path, rows: &[Row]) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    let micros = |t: Duration| t.as_secs_f64() * 1e6;
    let all: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.times.iter().flatten().map(|&t| micros(t)))
        .collect();
    let (min, max) = all
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    if all.is_empty() {
        return Ok(());
    }
    let lo = 10f64.powf((min / 3.0).log10().floor());
    let hi = 10f64.powf((max * 3.0).log10().ceil());
    let groups = VECTORS.len();

    let root = SVGBackend::new(path, (1100, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, legend) = root.split_vertically(520);
    let mut chart = ChartBuilder::on(&top)
        .caption(
            "BN254 pairing check (EIP-197): time per check, log scale",
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(72)
        .build_cartesian_2d(0f64..groups as f64, (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_label_formatter(&|y| short_time(*y))
        .y_desc("time per pairing check")
        .label_style(("sans-serif", 15))
        .draw()?;

    let width = 0.84 / rows.len() as f64;
    let label =
        TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, row) in rows.iter().enumerate() {
        let color = row.variant.color();
        let bars: Vec<(f64, f64)> = (row.times.iter().enumerate())
            .filter_map(|(g, t)| t.map(|t| (g as f64 + 0.08 + i as f64 * width, micros(t))))
            .collect();
        chart.draw_series(
            (bars.iter())
                .map(|&(x, y)| Rectangle::new([(x, lo), (x + 0.9 * width, y)], color.filled())),
        )?;
        chart.draw_series(bars.iter().map(|&(x, y)| {
            Text::new(short_time(y), (x + 0.45 * width, y * 1.06), label.clone())
        }))?;
    }
    // The group names under the axis, centred on their groups.
    let name =
        TextStyle::from(("sans-serif", 16).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (g, vector) in VECTORS.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(g as f64 + 0.5, lo));
        top.draw(&Text::new(*vector, (x, y + 8), name.clone()))?;
    }
    let target = TARGET_BIGNUM_VS_NATIVE;
    let native = rows.first().map(|r| &r.times[..]).unwrap_or_default();
    chart.draw_series(native.iter().enumerate().filter_map(|(g, t)| {
        let y = micros((*t)?) * target;
        let x = g as f64;
        Some(PathElement::new(
            vec![(x + 0.04, y), (x + 0.96, y)],
            BLACK.stroke_width(2),
        ))
    }))?;

    let font = ("sans-serif", 15);
    let entries = rows
        .iter()
        .map(|r| (r.variant.label().to_string(), Some(r.variant.color())));
    let entries = entries.chain([(format!("target: bignum ≤ {target}x substrate-bn"), None)]);
    for (n, (text, color)) in entries.enumerate() {
        let (x, y) = (90 + 500 * (n as i32 % 2), 10 + 26 * (n as i32 / 2));
        match color {
            Some(c) => legend.draw(&Rectangle::new([(x, y), (x + 16, y + 16)], c.filled()))?,
            None => legend.draw(&PathElement::new(
                vec![(x - 4, y + 8), (x + 20, y + 8)],
                BLACK.stroke_width(2),
            ))?,
        }
        legend.draw(&Text::new(text, (x + 26, y), font))?;
    }
    root.present()?;
    Ok(())
}
