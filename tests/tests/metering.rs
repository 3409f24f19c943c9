//! In-VM gas metering (EWASM.md section 4): exact gas on hand-worked examples, out of gas
//! exactly at a block entry, and equivalence with a sentinel-style `useGas` injector on
//! generated modules (metering on == injected module with metering off).
//!
//! Rule recap used for the expected values: a metered block starts at function entry and
//! after every `block`/`loop`/`if`/`else`; it costs 1 plus 1 per instruction directly in it
//! (a nested `block`/`loop`/`if` opcode counts 1 in the enclosing block, `end`/`else` are
//! free) and is charged whole on entry; `memory.grow` adds 262144 per requested page.

use ssvm::engine::{
    Config, Extern, FuncType, Host, HostCallContext, HostFuncId, Module, Store, Trap, ValType,
};
use ssvm_tests::{inject, modgen};

const GAS: i64 = 1_000_000_000_000;

/// A host with the single import `ethereum.useGas(i64)`, charging the shared counter and
/// counting its calls.
#[derive(Default)]
struct UseGasHost {
    calls: usize,
}

impl Host for UseGasHost {
    fn call(
        &mut self,
        _: HostFuncId,
        ctx: HostCallContext<'_>,
        args: &[u64],
        _: &mut [u64],
    ) -> Result<(), Trap> {
        self.calls += 1;
        let amount = args.first().copied().unwrap_or(0) as i64;
        if amount < 0 || amount > *ctx.gas {
            *ctx.gas = 0;
            return Err(Trap::OutOfGas);
        }
        *ctx.gas -= amount;
        Ok(())
    }
}

struct Run {
    result: Result<(), Trap>,
    gas_used: i64,
    host_calls: usize,
}

/// Compiles `wasm` with metering on or off and runs `main` with `gas` (and no step limit).
fn run_wasm(wasm: &[u8], metering: bool, gas: i64) -> Run {
    run_limited(wasm, metering, gas, None)
}

/// [`run_wasm`] with a step limit.
fn run_limited(wasm: &[u8], metering: bool, gas: i64, steps: Option<u64>) -> Run {
    let config = Config {
        metering,
        step_limit: steps,
        ..Config::default()
    };
    let module = Module::compile(wasm, &config).expect("test module compiles");
    let mut store = Store::new(config);
    store.set_gas(gas);
    let use_gas = FuncType::new(&[ValType::I64], &[]);
    let imports: Vec<Extern> = module
        .imports()
        .iter()
        .map(|_| store.alloc_host_func(&use_gas, HostFuncId(0)))
        .collect();
    let mut host = UseGasHost::default();
    let instance = store
        .instantiate(&module, &imports, &mut host)
        .expect("test module instantiates");
    let result = store
        .invoke(&mut host, instance, "main", &[])
        .map(|_| ())
        .map_err(|e| match e {
            ssvm::engine::InvokeError::Trap(t) => t,
            other => panic!("invoke failed: {other}"),
        });
    Run {
        result,
        gas_used: gas - store.gas(),
        host_calls: host.calls,
    }
}

fn module(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
             (import "ethereum" "useGas" (func $useGas (param i64)))
             (memory 1 10)
             (export "memory" (memory 0))
             {body})"#
    ))
    .expect("valid WAT")
}

fn metered_gas(body: &str) -> i64 {
    let run = run_wasm(&module(body), true, GAS);
    assert_eq!(run.result, Ok(()));
    run.gas_used
}

#[test]
fn straight_line_code() {
    // const, const, add, drop: 1 + 4.
    let body = r#"(func (export "main") (drop (i32.add (i32.const 1) (i32.const 2))))"#;
    assert_eq!(metered_gas(body), 5);
}

#[test]
fn nested_blocks() {
    // entry: 1 + block + nop = 3; outer: 1 + block + nop = 3; inner: 1 + nop = 2.
    let body = r#"(func (export "main") (block (block (nop)) (nop)) (nop))"#;
    assert_eq!(metered_gas(body), 8);
}

#[test]
fn br_out_of_a_block_still_charges_the_whole_block() {
    // entry: 1 + block = 2; block: 1 + br + nop + nop = 4.
    let body = r#"(func (export "main") (block (br 0) (nop) (nop)))"#;
    assert_eq!(metered_gas(body), 6);
}

#[test]
fn loops_are_charged_per_iteration() {
    // entry: 1 + loop = 2; body: 1 + 8 instructions = 9, three iterations.
    let body = r#"(func (export "main") (local $i i32)
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 3)))))"#;
    assert_eq!(metered_gas(body), 2 + 3 * 9);
}

#[test]
fn if_else_charges_the_arm_taken() {
    // entry: 1 + const + if = 3; then: 1 + nop = 2; else: 1 + nop + nop = 3.
    let taken = r#"(func (export "main") (if (i32.const 1) (then (nop)) (else (nop) (nop))))"#;
    let not_taken = r#"(func (export "main") (if (i32.const 0) (then (nop)) (else (nop) (nop))))"#;
    assert_eq!(metered_gas(taken), 5);
    assert_eq!(metered_gas(not_taken), 6);
    // Without an else arm, a false condition charges no arm: entry 3 only.
    let no_else = r#"(func (export "main") (if (i32.const 0) (then (nop) (nop))))"#;
    assert_eq!(metered_gas(no_else), 3);
}

#[test]
fn br_table_targets() {
    // entry: 1 + block = 2; $b0: 1 + block + nop = 3; $b1: 1 + const + br_table = 3.
    for index in [0, 1, 7] {
        let body = format!(
            r#"(func (export "main")
                 (block $b0 (block $b1 (br_table $b1 $b0 (i32.const {index}))) (nop)))"#
        );
        assert_eq!(metered_gas(&body), 8, "index {index}");
    }
}

#[test]
fn a_switch_in_a_loop_charges_every_block_on_every_iteration() {
    // The shape C compilers emit for `switch` in a loop: a `block` nest opened straight
    // after the loop head. entry: 1 + const + call + loop = 4. Per iteration: loop body
    // 1 + block + 7 (get, const, add, tee, const, lt_u, br_if) = 9; $b2: 1 + block + nop
    // + nop = 4; $b1: 1 + block + nop = 3; $b0: 1 + get + br_table = 3; 19 in all.
    // $i = 0, 1, 2: three iterations.
    let wasm = module(
        r#"(func (export "main") (local $i i32)
          (call $useGas (i64.const 0))
          (loop $l
            (block $b2 (block $b1 (block $b0
                  (br_table $b0 $b1 $b2 (local.get $i)))
                (nop))
              (nop) (nop))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                (i32.const 3)))))"#,
    );
    let enough = run_wasm(&wasm, true, 4 + 3 * 19);
    assert_eq!((enough.result, enough.gas_used), (Ok(()), 4 + 3 * 19));
    let short = run_wasm(&wasm, true, 4 + 3 * 19 - 1);
    assert_eq!((short.result, short.host_calls), (Err(Trap::OutOfGas), 1));
}

#[test]
fn a_block_after_a_possible_branch_is_charged_only_when_entered() {
    // A br_if taken before the inner block: entry 1 + const + set + block = 4; $o: 1 + get
    // + br_if + block = 4; the inner block (1 + nop + nop) is never entered.
    let body = r#"(func (export "main") (local $x i32)
        (local.set $x (i32.const 1))
        (block $o (br_if $o (local.get $x)) (block (nop) (nop))))"#;
    assert_eq!(metered_gas(body), 8);
    // A child block branching out of its parent before a sibling block: entry 1 + block
    // = 2; $out: 1 + block + block = 3; $c: 1 + br = 2; $d is never entered.
    let body = r#"(func (export "main")
        (block $out (block $c (br $out)) (block $d (nop))))"#;
    assert_eq!(metered_gas(body), 7);
    // Quiet code (no branch, call or trap) before a block: it is entered whenever its
    // parent is. entry 1 + const + set + get + drop + block = 6; inner 1 + nop = 2.
    let body = r#"(func (export "main") (local $x i32)
        (local.set $x (i32.const 1)) (drop (local.get $x)) (block (nop)))"#;
    assert_eq!(metered_gas(body), 8);
}

#[test]
fn calls_charge_the_callee_entry_block() {
    // main: 1 + call + call = 3; $f: 1 + nop = 2 per call.
    let body = r#"(func $f (nop)) (func (export "main") (call $f) (call $f))"#;
    assert_eq!(metered_gas(body), 7);
    // A host import costs 1 like any instruction plus what it charges (here 100).
    let body = r#"(func (export "main") (call $useGas (i64.const 100)))"#;
    assert_eq!(metered_gas(body), 1 + 2 + 100);
}

#[test]
fn memory_grow_charges_per_requested_page() {
    // entry: 1 + const + grow + drop = 4; plus 2 pages * 262144.
    let body = r#"(func (export "main") (drop (memory.grow (i32.const 2))))"#;
    assert_eq!(metered_gas(body), 4 + 2 * 262_144);
}

#[test]
fn out_of_gas_exactly_at_block_entry() {
    // entry: 1 + block = 2; block: 1 + const + call = 3 (+ 0 charged by useGas(0)).
    let wasm = module(r#"(func (export "main") (block (call $useGas (i64.const 0))))"#);
    let enough = run_wasm(&wasm, true, 5);
    assert_eq!(
        (enough.result, enough.gas_used, enough.host_calls),
        (Ok(()), 5, 1)
    );
    let short = run_wasm(&wasm, true, 4);
    assert_eq!(short.result, Err(Trap::OutOfGas));
    assert_eq!(short.host_calls, 0, "nothing of the block may run");
}

#[test]
fn metering_off_charges_nothing() {
    let body = r#"(func (export "main") (local $i i32)
        (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
        (drop (memory.grow (i32.const 1))))"#;
    let run = run_wasm(&module(body), false, 10);
    assert_eq!((run.result, run.gas_used), (Ok(()), 0));
}

/// Gas with in-VM metering equals gas of the sentinel-injected module run unmetered, on
/// generated terminating modules with fixed seeds.
#[test]
fn metering_equals_injected_use_gas_on_generated_modules() {
    const SEEDS: u64 = 300;
    for seed in 0..SEEDS {
        let wasm = modgen::generate(seed);
        let injected = inject::inject_use_gas(&wasm).expect("generated module injects");
        let metered = run_wasm(&wasm, true, GAS);
        let sentinel = run_wasm(&injected, false, GAS);
        assert_eq!(metered.result, Ok(()), "seed {seed}");
        assert_eq!(sentinel.result, Ok(()), "seed {seed}");
        assert_eq!(metered.gas_used, sentinel.gas_used, "seed {seed}");
        assert!(metered.gas_used > 0, "seed {seed}");
    }
}

/// Runs `body` (module items after the memory of [`module`]) with metering and `gas`, and
/// a step budget of `gas` as every contract has (EWASM.md section 4.2).
fn metered_run(body: &str, gas: i64) -> Run {
    run_limited(&module(body), true, gas, Some(gas as u64))
}

/// Checks one dynamic charge (EWASM.md section 4.1): `ok` runs with exactly `block` +
/// `extra` gas and fails with one less (out of gas), `oob` traps with `oob_trap` once it
/// can pay `block` + `extra`, and runs out of gas instead (before the bounds check) when it
/// cannot.
fn check_dynamic(ok: &str, oob: &str, block: i64, extra: i64, oob_trap: Trap) {
    let total = block + extra;
    let run = metered_run(ok, GAS);
    assert_eq!((run.result, run.gas_used), (Ok(()), total), "{ok}");
    assert_eq!(metered_run(ok, total).result, Ok(()), "{ok}");
    assert_eq!(
        metered_run(ok, total - 1).result,
        Err(Trap::OutOfGas),
        "{ok}"
    );
    let run = metered_run(oob, GAS);
    assert_eq!((run.result, run.gas_used), (Err(oob_trap), total), "{oob}");
    assert_eq!(metered_run(oob, total).result, Err(oob_trap), "{oob}");
    let short = metered_run(oob, total - 1);
    assert_eq!(
        short.result,
        Err(Trap::OutOfGas),
        "{oob}: gas before bounds"
    );
}

// In each body below the entry block is 1 + its instructions: three operands and the
// operation give 5 (table.grow: ref.null, const, grow, drop give 5 too).

#[test]
fn memory_fill_charges_3_per_started_word() {
    let fill = |dst: u32, n: u32| {
        format!(
            r#"(func (export "main") (memory.fill (i32.const {dst}) (i32.const 7) (i32.const {n})))"#
        )
    };
    // 100 bytes = 4 started words = 12; 65500 + 100 is past the 1-page memory.
    check_dynamic(
        &fill(0, 100),
        &fill(65_500, 100),
        5,
        12,
        Trap::MemoryOutOfBounds,
    );
    // 32 bytes = 1 word, 33 bytes = 2 words, 0 bytes = nothing (even out of bounds at the end).
    assert_eq!(metered_gas(&fill(0, 32)), 5 + 3);
    assert_eq!(metered_gas(&fill(0, 33)), 5 + 6);
    assert_eq!(metered_gas(&fill(65_536, 0)), 5);
}

#[test]
fn memory_copy_charges_3_per_started_word() {
    let copy = |dst: u32, n: u32| {
        format!(
            r#"(func (export "main") (memory.copy (i32.const {dst}) (i32.const 0) (i32.const {n})))"#
        )
    };
    check_dynamic(
        &copy(100, 64),
        &copy(65_500, 64),
        5,
        6,
        Trap::MemoryOutOfBounds,
    );
    assert_eq!(metered_gas(&copy(0, 0)), 5);
}

#[test]
fn memory_init_charges_3_per_started_word() {
    let init = |src: u32, n: u32| {
        format!(
            r#"(data $d "0123456789abcdef0123456789abcdef0123456789")
               (func (export "main") (memory.init $d (i32.const 0) (i32.const {src}) (i32.const {n})))"#
        )
    };
    // The segment has 42 bytes: 40 from offset 0 fit (2 words = 6); 40 from offset 10 do not.
    check_dynamic(&init(0, 40), &init(10, 40), 5, 6, Trap::MemoryOutOfBounds);
    assert_eq!(metered_gas(&init(42, 0)), 5);
}

const TABLE: &str = r#"(table $t 10 20 funcref) (func $f) (elem $e func $f $f $f)"#;

#[test]
fn table_fill_charges_one_per_element() {
    let fill = |dst: u32, n: u32| {
        format!(
            r#"{TABLE} (func (export "main") (table.fill $t (i32.const {dst}) (ref.func $f) (i32.const {n})))"#
        )
    };
    check_dynamic(&fill(0, 4), &fill(8, 4), 5, 4, Trap::TableAccessOutOfBounds);
    assert_eq!(metered_gas(&fill(10, 0)), 5);
}

#[test]
fn table_copy_charges_one_per_element() {
    let copy = |dst: u32, n: u32| {
        format!(
            r#"{TABLE} (func (export "main") (table.copy $t $t (i32.const {dst}) (i32.const 0) (i32.const {n})))"#
        )
    };
    check_dynamic(&copy(5, 3), &copy(9, 3), 5, 3, Trap::TableAccessOutOfBounds);
    assert_eq!(metered_gas(&copy(0, 0)), 5);
}

#[test]
fn table_init_charges_one_per_element() {
    let init = |src: u32, n: u32| {
        format!(
            r#"{TABLE} (func (export "main") (table.init $t $e (i32.const 0) (i32.const {src}) (i32.const {n})))"#
        )
    };
    // The segment has 3 elements: 2 from offset 1 fit, 2 from offset 2 do not.
    check_dynamic(&init(1, 2), &init(2, 2), 5, 2, Trap::TableAccessOutOfBounds);
    assert_eq!(metered_gas(&init(3, 0)), 5);
}

#[test]
fn table_grow_charges_the_delta_even_when_it_fails() {
    let grow = |n: u32| {
        format!(
            r#"{TABLE} (func (export "main") (drop (table.grow $t (ref.null func) (i32.const {n}))))"#
        )
    };
    let run = metered_run(&grow(7), GAS);
    assert_eq!((run.result, run.gas_used), (Ok(()), 5 + 7));
    assert_eq!(metered_run(&grow(7), 11).result, Err(Trap::OutOfGas));
    // Past the maximum of 20: grow returns -1, and the 100 elements are charged anyway.
    let run = metered_run(&grow(100), GAS);
    assert_eq!((run.result, run.gas_used), (Ok(()), 5 + 100));
    assert_eq!(metered_gas(&grow(0)), 5);
}

#[test]
fn bulk_operations_are_free_without_metering() {
    let body = format!(
        r#"{TABLE} (func (export "main")
            (memory.fill (i32.const 0) (i32.const 1) (i32.const 60000))
            (drop (table.grow $t (ref.null func) (i32.const 5))))"#
    );
    let run = run_wasm(&module(&body), false, 10);
    assert_eq!((run.result, run.gas_used), (Ok(()), 0));
}

// ---------------------------------------------------------------------------------------
// Steps for work (EWASM.md section 4.2), in both metering modes: `ceil(n / 1024)` steps for
// `n` bytes of memory.copy/fill/init, `ceil(n / 128)` for `n` elements of
// table.copy/init/fill/grow, `16 * n` for memory.grow by `n` pages; spent before the work,
// out of bounds or not. With metering on, the step budget is the gas, and the gas charges
// of the same work are larger, so the gas decides (checked by `check_dynamic` above, whose
// runs carry that step budget).

/// Runs `body` with metering off, plenty of gas and a step budget of `steps`.
fn stepped_run(body: &str, steps: u64) -> Run {
    run_limited(&module(body), false, GAS, Some(steps))
}

/// `ok` runs with exactly `steps` steps and runs out with one less; `oob` traps with
/// `oob_trap` once it can pay, and runs out of steps instead (before the bounds check)
/// when it cannot. Nothing costs gas with metering off.
fn check_steps(ok: &str, oob: &str, steps: u64, oob_trap: Trap) {
    let run = stepped_run(ok, steps);
    assert_eq!((run.result, run.gas_used), (Ok(()), 0), "{ok}");
    let short = Err(Trap::StepLimitExceeded);
    assert_eq!(stepped_run(ok, steps - 1).result, short, "{ok}");
    assert_eq!(stepped_run(oob, steps).result, Err(oob_trap), "{oob}");
    assert_eq!(
        stepped_run(oob, steps - 1).result,
        short,
        "{oob}: steps before bounds"
    );
}

/// A 3000-byte passive data segment `$big` (3 steps of 1024 bytes).
fn big_data() -> String {
    format!(r#"(data $big "{}")"#, "x".repeat(3000))
}

#[test]
fn memory_fill_spends_a_step_per_started_kib() {
    let fill = |dst: u32, n: u32| {
        format!(
            r#"(func (export "main") (memory.fill (i32.const {dst}) (i32.const 7) (i32.const {n})))"#
        )
    };
    check_steps(
        &fill(0, 3000),
        &fill(63_000, 3000),
        3,
        Trap::MemoryOutOfBounds,
    );
    check_steps(
        &fill(0, 1024),
        &fill(65_000, 1024),
        1,
        Trap::MemoryOutOfBounds,
    );
    check_steps(
        &fill(0, 1025),
        &fill(65_000, 1025),
        2,
        Trap::MemoryOutOfBounds,
    );
    assert_eq!(stepped_run(&fill(65_536, 0), 0).result, Ok(()));
}

#[test]
fn memory_copy_spends_a_step_per_started_kib() {
    let copy = |dst: u32, n: u32| {
        format!(
            r#"(func (export "main") (memory.copy (i32.const {dst}) (i32.const 1) (i32.const {n})))"#
        )
    };
    check_steps(
        &copy(0, 3000),
        &copy(63_000, 3000),
        3,
        Trap::MemoryOutOfBounds,
    );
    assert_eq!(stepped_run(&copy(0, 0), 0).result, Ok(()));
}

#[test]
fn memory_init_spends_a_step_per_started_kib() {
    let init = |src: u32, n: u32| {
        format!(
            r#"{} (func (export "main") (memory.init $big (i32.const 0) (i32.const {src}) (i32.const {n})))"#,
            big_data()
        )
    };
    // 2100 bytes from offset 900 fit the 3000-byte segment; from offset 901 they do not.
    check_steps(
        &init(900, 2100),
        &init(901, 2100),
        3,
        Trap::MemoryOutOfBounds,
    );
    assert_eq!(stepped_run(&init(3000, 0), 0).result, Ok(()));
}

/// A 300-element table `$t` (maximum 1000) and a 200-element passive segment `$e`.
fn big_table() -> String {
    format!(
        r#"(table $t 300 1000 funcref) (func $f) (elem $e func {})"#,
        "$f ".repeat(200)
    )
}

#[test]
fn table_fill_spends_a_step_per_started_128_elements() {
    let fill = |dst: u32, n: u32| {
        format!(
            r#"{} (func (export "main") (table.fill $t (i32.const {dst}) (ref.func $f) (i32.const {n})))"#,
            big_table()
        )
    };
    check_steps(
        &fill(0, 200),
        &fill(101, 200),
        2,
        Trap::TableAccessOutOfBounds,
    );
    check_steps(
        &fill(0, 128),
        &fill(173, 128),
        1,
        Trap::TableAccessOutOfBounds,
    );
    assert_eq!(stepped_run(&fill(300, 0), 0).result, Ok(()));
}

#[test]
fn table_copy_spends_a_step_per_started_128_elements() {
    let copy = |dst: u32, n: u32| {
        format!(
            r#"{} (func (export "main") (table.copy $t $t (i32.const {dst}) (i32.const 0) (i32.const {n})))"#,
            big_table()
        )
    };
    check_steps(
        &copy(100, 200),
        &copy(101, 200),
        2,
        Trap::TableAccessOutOfBounds,
    );
}

#[test]
fn table_init_spends_a_step_per_started_128_elements() {
    let init = |src: u32, n: u32| {
        format!(
            r#"{} (func (export "main") (table.init $t $e (i32.const 0) (i32.const {src}) (i32.const {n})))"#,
            big_table()
        )
    };
    check_steps(
        &init(0, 129),
        &init(72, 129),
        2,
        Trap::TableAccessOutOfBounds,
    );
}

#[test]
fn table_grow_spends_its_steps_even_when_it_fails() {
    let grow = |n: u32| {
        format!(
            r#"{} (func (export "main") (if (i32.eq (table.grow $t (ref.null func) (i32.const {n})) (i32.const -1)) (then (unreachable))))"#,
            big_table()
        )
    };
    // 300 + 200 fits the maximum of 1000: 2 steps.
    assert_eq!(stepped_run(&grow(200), 2).result, Ok(()));
    assert_eq!(
        stepped_run(&grow(200), 1).result,
        Err(Trap::StepLimitExceeded)
    );
    // 300 + 800 does not: -1 (then `unreachable`), after paying its 7 steps.
    assert_eq!(stepped_run(&grow(800), 7).result, Err(Trap::Unreachable));
    assert_eq!(
        stepped_run(&grow(800), 6).result,
        Err(Trap::StepLimitExceeded)
    );
}

#[test]
fn memory_grow_spends_16_steps_per_page_even_when_it_fails() {
    let grow = |n: u32| {
        format!(
            r#"(func (export "main") (if (i32.eq (memory.grow (i32.const {n})) (i32.const -1)) (then (unreachable))))"#
        )
    };
    // The memory is 1 page with a maximum of 10.
    assert_eq!(stepped_run(&grow(3), 48).result, Ok(()));
    assert_eq!(
        stepped_run(&grow(3), 47).result,
        Err(Trap::StepLimitExceeded)
    );
    assert_eq!(stepped_run(&grow(20), 320).result, Err(Trap::Unreachable));
    assert_eq!(
        stepped_run(&grow(20), 319).result,
        Err(Trap::StepLimitExceeded)
    );
    assert_eq!(stepped_run(&grow(0), 0).result, Ok(()));
}

#[test]
fn steps_for_work_add_up_with_loop_steps() {
    // Three iterations: two backward branches (2 steps) and three fills of 2 KiB (6 steps).
    let body = r#"(func (export "main") (local $i i32)
        (loop $l
          (memory.fill (i32.const 0) (i32.const 1) (i32.const 2048))
          (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3)))))"#;
    assert_eq!(stepped_run(body, 8).result, Ok(()));
    assert_eq!(stepped_run(body, 7).result, Err(Trap::StepLimitExceeded));
    // Many iterations in one slice of the executor's event budget: still exact.
    let many = body.replace("(i32.const 3)", "(i32.const 40)");
    assert_eq!(stepped_run(&many, 39 + 80).result, Ok(()));
    assert_eq!(
        stepped_run(&many, 39 + 79).result,
        Err(Trap::StepLimitExceeded)
    );
}

#[test]
fn metered_memory_grow_pays_gas_and_steps() {
    // With metering on the step budget is the gas: 262144 gas per page dominates its 16
    // steps. Entry block: const, grow, drop = 1 + 3.
    let body = r#"(func (export "main") (drop (memory.grow (i32.const 2))))"#;
    let total = 4 + 2 * 262_144;
    let run = metered_run(body, total);
    assert_eq!((run.result, run.gas_used), (Ok(()), total));
    assert_eq!(metered_run(body, total - 1).result, Err(Trap::OutOfGas));
}
