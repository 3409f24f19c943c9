//! Section 3: EVMC end-to-end `execute` latency of small contracts through the C entry
//! point of `libssvm` called in-process (`evmc_create_ssvm`, `execute`, `release`,
//! `destroy`), first call (fresh VM instance: compile + execute) and cached (warm module
//! cache). The host table is null: these contracts only use the message (call data) and
//! `finish`, which need no host callback.

use std::ffi::CStr;
use std::hint::black_box;
use std::ptr;
use std::time::{Duration, Instant};

use ewasm_host::Message;
use ssvm::evmc::abi::sys;
use ssvm::evmc::convert::message_to_sys;

use crate::common::{bench_dir, read};

/// Fresh-instance samples for the first call.
const COLD_SAMPLES: usize = 30;
/// Batches of cached calls; the per-call time is the minimum batch mean.
const WARM_BATCHES: usize = 30;
/// Cached calls per batch.
const WARM_BATCH: u32 = 1000;
/// Gas of every call.
const GAS: i64 = 1_000_000;

/// One contract call: code, call data, options, and the expected output and gas used.
struct Case {
    name: &'static str,
    code: Vec<u8>,
    input: Vec<u8>,
    options: &'static [(&'static CStr, &'static CStr)],
    output: Vec<u8>,
    gas_used: i64,
}

/// The 32 bytes `finish`ed by [`FINISH32`].
const WORD: [u8; 32] = *b"0123456789abcdef0123456789ABCDEF";

/// The smallest useful contract: `finish` of the 32 bytes of [`WORD`] (in its data).
const FINISH32: &str = r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "0123456789abcdef0123456789ABCDEF")
  (func (export "main") (call $finish (i32.const 0) (i32.const 32))))"#;

/// x = X0 * C + 1 mod 2^256 (one step of the drag race), big-endian; computed with Python
/// integers: `'%064x' % ((X0 * C + 1) % 2**256)`.
const MUL256_ONE_STEP: &str = "3cb77a97ce60effbdb467163a0a9f73e78601c9983f3fc706aca11544900a0b1";

/// [`FINISH32`] grown to about `size` bytes by generated functions that are never called
/// (the compile section's), so that only what scales with the code's size differs.
fn finish32_padded(size: usize) -> Vec<u8> {
    let module = |n: usize| {
        let funcs: String = (0..n).map(crate::compile::function).collect();
        let body = FINISH32.trim_end().strip_suffix(')').unwrap_or(FINISH32);
        wat::parse_str(format!("{body}{funcs})")).unwrap_or_else(|e| panic!("padded: {e}"))
    };
    let one = module(1).len();
    let per_function = module(2).len() - one;
    module((size.saturating_sub(one) / per_function).max(1))
}

/// Every case of the table: the small contracts, then [`padded_cases`].
fn cases() -> Vec<Case> {
    let mut all = small_cases();
    all.extend(padded_cases());
    all
}

/// [`FINISH32`] padded to 24 KB and 1 MB: the cost of a cached call that grows with the
/// code's size (the cache's byte comparison, instantiation's per-function entries).
fn padded_cases() -> Vec<Case> {
    let padded = |size: usize, name: &'static str| Case {
        name,
        code: finish32_padded(size),
        input: Vec::new(),
        options: &[],
        output: WORD.to_vec(),
        gas_used: 0,
    };
    vec![
        padded(24 * 1024, "finish 32 bytes + uncalled functions (24 KB)"),
        padded(1 << 20, "finish 32 bytes + uncalled functions (1 MB)"),
    ]
}

/// The small contracts.
fn small_cases() -> Vec<Case> {
    let finish32 = wat::parse_str(FINISH32).unwrap_or_else(|e| panic!("finish32: {e}"));
    let mul256 = read(&bench_dir().join("kernels/mul256_bignum.wasm"));
    let step: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&MUL256_ONE_STEP[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect();
    vec![
        Case {
            name: "finish 32 bytes",
            code: finish32.clone(),
            input: Vec::new(),
            options: &[],
            output: WORD.to_vec(),
            gas_used: 0,
        },
        Case {
            name: "finish 32 bytes, metering=true",
            code: finish32,
            input: Vec::new(),
            options: &[(c"metering", c"true")],
            output: WORD.to_vec(),
            // One metered block (EWASM.md section 4): 1 + i32.const, i32.const, call.
            gas_used: 4,
        },
        Case {
            name: "kernels/mul256_bignum, n = 1 (callDataCopy, mul256, add256, finish)",
            code: mul256,
            input: vec![1, 0, 0, 0],
            options: &[],
            output: step,
            // getCallDataSize 2 + callDataCopy 3 + 3 * 1 word (EWASM.md section 3).
            gas_used: 8,
        },
    ]
}

/// A VM instance made by the library's own `evmc_create_ssvm`.
struct Vm(*mut sys::evmc_vm);

/// What one `execute` returned, copied out before `release`.
#[derive(Debug, PartialEq)]
struct Executed {
    status: sys::evmc_status_code,
    gas_left: i64,
    output: Vec<u8>,
}

impl Vm {
    fn new(options: &[(&CStr, &CStr)]) -> Vm {
        let vm = Vm(ssvm::evmc::evmc_create_ssvm());
        for (name, value) in options {
            // SAFETY: `vm.0` is a live instance; both strings are NUL-terminated.
            let set = unsafe { (*vm.0).set_option }.unwrap_or_else(|| panic!("no set_option"));
            // SAFETY: as above.
            let r = unsafe { set(vm.0, name.as_ptr(), value.as_ptr()) };
            assert_eq!(r, sys::evmc_set_option_result::EVMC_SET_OPTION_SUCCESS);
        }
        vm
    }

    /// One `execute` (Byzantium, null host) and `release`; `keep` copies the output.
    fn execute(&self, msg: &sys::evmc_message, code: &[u8], keep: bool) -> Executed {
        // SAFETY: `self.0` is a live instance made by `evmc_create_ssvm`.
        let execute = unsafe { (*self.0).execute }.unwrap_or_else(|| panic!("no execute"));
        // SAFETY: the EVMC execute contract: a live instance, a null host table (allowed by
        // this VM), a readable message whose input outlives the call, `code` readable.
        let result = unsafe {
            execute(
                self.0,
                ptr::null(),
                ptr::null_mut(),
                sys::evmc_revision::EVMC_BYZANTIUM,
                msg,
                code.as_ptr(),
                code.len(),
            )
        };
        let output = if keep && !result.output_data.is_null() {
            // SAFETY: the VM's result owns `output_size` readable bytes until `release`.
            unsafe { std::slice::from_raw_parts(result.output_data, result.output_size) }.to_vec()
        } else {
            Vec::new()
        };
        let copy = Executed {
            status: result.status_code,
            gas_left: result.gas_left,
            output,
        };
        if let Some(release) = result.release {
            // SAFETY: released exactly once, by its creator's function.
            unsafe { release(&result) };
        }
        copy
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        // SAFETY: `self.0` is a live instance, not used after this.
        if let Some(destroy) = unsafe { (*self.0).destroy } {
            // SAFETY: as above.
            unsafe { destroy(self.0) };
        }
    }
}

/// The message of a call to a contract with `input`.
fn message(input: &[u8]) -> Message {
    Message::call([0x22; 20], [0x11; 20], GAS, input.to_vec())
}

/// Checks `case` once on a fresh instance.
fn check(case: &Case, msg: &sys::evmc_message) {
    let got = Vm::new(case.options).execute(msg, &case.code, true);
    assert_eq!(
        got.status,
        sys::evmc_status_code::EVMC_SUCCESS,
        "{}",
        case.name
    );
    assert_eq!(got.output, case.output, "{}", case.name);
    assert_eq!(GAS - got.gas_left, case.gas_used, "{}: gas used", case.name);
}

/// (first call, cached call) minimum times of `case`.
fn times(case: &Case, msg: &sys::evmc_message) -> (Duration, Duration) {
    let mut cold = Duration::MAX;
    for _ in 0..COLD_SAMPLES {
        let vm = Vm::new(case.options);
        let start = Instant::now();
        black_box(vm.execute(msg, &case.code, false));
        cold = cold.min(start.elapsed());
    }
    let vm = Vm::new(case.options);
    black_box(vm.execute(msg, &case.code, false));
    let mut warm = Duration::MAX;
    for _ in 0..WARM_BATCHES {
        let start = Instant::now();
        for _ in 0..WARM_BATCH {
            black_box(vm.execute(black_box(msg), &case.code, false));
        }
        warm = warm.min(start.elapsed() / WARM_BATCH);
    }
    (cold, warm)
}

/// `profile-call CASE [CALLS]`: checks case number `CASE` (0-based, in table order) once,
/// then makes `CALLS` more cached calls on one VM instance, e.g. under
/// `valgrind --tool=callgrind` (the first, compiling call is part of the profile: subtract
/// a run with `CALLS` = 0).
pub fn profile(args: &[String]) {
    let small = args.first().and_then(|i| i.parse::<usize>().ok()) < Some(small_cases().len());
    // Only the small cases when one of them is profiled: generating the padded ones costs
    // far more than the calls.
    let all = if small { small_cases() } else { cases() };
    let names: Vec<&str> = all.iter().map(|c| c.name).collect();
    let [index, rest @ ..] = args else {
        panic!("usage: profile-call CASE [CALLS]; cases: {names:?}");
    };
    let case = index
        .parse::<usize>()
        .ok()
        .and_then(|i| all.get(i))
        .unwrap_or_else(|| panic!("CASE {index}: expected 0..{}; cases: {names:?}", all.len()));
    let calls: u32 = rest.first().map_or(0, |c| {
        c.parse().unwrap_or_else(|e| panic!("CALLS {c}: {e}"))
    });
    let msg = message(&case.input);
    let raw = message_to_sys(&msg, &msg.sender);
    check(case, &raw);
    let vm = Vm::new(case.options);
    black_box(vm.execute(&raw, &case.code, false));
    for _ in 0..calls {
        black_box(vm.execute(black_box(&raw), &case.code, false));
    }
    println!("{}: checked, then 1 + {calls} cached call(s)", case.name);
}

/// Prints the EVMC latency table.
pub fn print() {
    println!("\n## EVMC `execute` latency (in-process C entry point, Byzantium)\n");
    println!(
        "Wall time (`Instant`; these calls are microseconds, shorter than a scheduler \
         slice). First call: a fresh VM instance per sample (module not cached: gate, compile, \
         instantiate, execute), minimum of {COLD_SAMPLES}. Cached: one instance, minimum over \
         {WARM_BATCHES} batches of the mean of {WARM_BATCH} calls. Each call includes \
         `release` of the result; every case is checked (status, output, gas) first.\n"
    );
    println!("| contract | bytes | first call | cached | first / cached |");
    println!("|---|--:|--:|--:|--:|");
    for case in cases() {
        let msg = message(&case.input);
        let raw = message_to_sys(&msg, &msg.sender);
        check(&case, &raw);
        let (cold, warm) = times(&case, &raw);
        println!(
            "| {} | {} | {:.2?} | {:.2?} | {:.1} |",
            case.name,
            case.code.len(),
            cold,
            warm,
            cold.as_secs_f64() / warm.as_secs_f64()
        );
    }
}
