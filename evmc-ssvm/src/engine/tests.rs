//! Engine-level tests: resource limits, metering charges, host calls and module accessors.

use super::*;

fn compile(wat: &str, config: &Config) -> Module {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("bad wat: {e}"));
    Module::compile(&bytes, config).unwrap_or_else(|e| panic!("compile: {e}"))
}

fn instance(wat: &str, config: Config) -> (Store, InstanceId) {
    let module = compile(wat, &config);
    let mut store = Store::new(config);
    let id = store
        .instantiate(&module, &[], &mut NoHost)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    (store, id)
}

fn invoke(
    store: &mut Store,
    id: InstanceId,
    name: &str,
    args: &[Value],
) -> Result<Vec<Value>, InvokeError> {
    store.invoke(&mut NoHost, id, name, args)
}

#[test]
fn unbounded_recursion_traps_with_call_stack_exhausted() {
    let wat = r#"(module (func (export "f") (call 0)))"#;
    let config = Config {
        max_call_depth: 1000,
        ..Config::default()
    };
    let (mut store, id) = instance(wat, config);
    assert_eq!(
        invoke(&mut store, id, "f", &[]),
        Err(InvokeError::Trap(Trap::CallStackExhausted))
    );
    // The default depth (16384 frames) is reached without touching the Rust stack.
    let (mut store, id) = instance(wat, Config::default());
    assert_eq!(
        invoke(&mut store, id, "f", &[]),
        Err(InvokeError::Trap(Trap::CallStackExhausted))
    );
}

#[test]
fn deep_frames_exhaust_the_value_stack() {
    // 200 i64 locals per frame * 16384 frames > 1M slots.
    let wat = r#"(module (func (export "f") (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
        (call 0)))"#;
    let (mut store, id) = instance(wat, Config::default());
    assert_eq!(
        invoke(&mut store, id, "f", &[]),
        Err(InvokeError::Trap(Trap::ValueStackExhausted))
    );
}

#[test]
fn infinite_loop_hits_the_step_limit() {
    let wat = r#"(module (func (export "f") (loop (br 0))))"#;
    let config = Config {
        step_limit: Some(10_000),
        ..Config::default()
    };
    let (mut store, id) = instance(wat, config);
    assert_eq!(
        invoke(&mut store, id, "f", &[]),
        Err(InvokeError::Trap(Trap::StepLimitExceeded))
    );
}

#[test]
fn infinite_loop_runs_out_of_gas_under_metering() {
    let wat = r#"(module (func (export "f") (loop (br 0))))"#;
    let config = Config {
        metering: true,
        ..Config::default()
    };
    let (mut store, id) = instance(wat, config);
    store.set_gas(1000);
    assert_eq!(
        invoke(&mut store, id, "f", &[]),
        Err(InvokeError::Trap(Trap::OutOfGas))
    );
}

#[test]
fn metering_charges_per_block_entry() {
    // Loop body block: 1 + local.get + i32.const + i32.sub + local.tee + br_if = 6 per iteration.
    let wat = r#"(module (func (export "f") (param i32) (result i32)
        i32.const 7 drop
        (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        local.get 0))"#;
    let config = Config {
        metering: true,
        ..Config::default()
    };
    let (mut store, id) = instance(wat, config);
    store.set_gas(1_000);
    assert_eq!(
        invoke(&mut store, id, "f", &[Value::I32(3)]),
        Ok(vec![Value::I32(0)])
    );
    // Function block: 1 + i32.const + drop + loop + local.get = 5; loop body: 6 x 3 iterations.
    assert_eq!(1_000 - store.gas(), 5 + 6 * 3);
}

#[test]
fn memory_grow_stops_at_the_page_cap() {
    let wat = r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let config = Config {
        max_memory_pages: 4,
        ..Config::default()
    };
    let (mut store, id) = instance(wat, config);
    assert_eq!(
        invoke(&mut store, id, "grow", &[Value::I32(3)]),
        Ok(vec![Value::I32(1)])
    );
    assert_eq!(
        invoke(&mut store, id, "grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(-1)])
    );
    assert_eq!(
        invoke(&mut store, id, "grow", &[Value::I32(0)]),
        Ok(vec![Value::I32(4)])
    );
}

#[test]
fn memory_grow_is_charged_per_page_when_metered() {
    let wat =
        r#"(module (memory 0) (func (export "grow") (result i32) (memory.grow (i32.const 2))))"#;
    let config = Config {
        metering: true,
        ..Config::default()
    };
    let (mut store, id) = instance(wat, config);
    store.set_gas(1_000_000);
    assert_eq!(invoke(&mut store, id, "grow", &[]), Ok(vec![Value::I32(0)]));
    // Block cost 1 + i32.const + memory.grow = 3, plus 2 * 262144.
    assert_eq!(1_000_000 - store.gas(), 3 + 2 * 262_144);
    store.set_gas(100);
    assert_eq!(
        invoke(&mut store, id, "grow", &[]),
        Err(InvokeError::Trap(Trap::OutOfGas))
    );
}

#[test]
fn initial_memory_above_the_cap_fails_instantiation() {
    let config = Config {
        max_memory_pages: 2,
        ..Config::default()
    };
    let module = compile("(module (memory 3))", &config);
    let mut store = Store::new(config);
    assert_eq!(
        store.instantiate(&module, &[], &mut NoHost),
        Err(InstantiateError::MemoryTooLarge)
    );
}

/// A host that adds its arguments, writes the sum to memory[0..4] and charges 5 gas.
struct AddHost;

impl Host for AddHost {
    fn call(
        &mut self,
        func: HostFuncId,
        mut ctx: HostCallContext<'_>,
        args: &[u64],
        results: &mut [u64],
    ) -> Result<(), Trap> {
        if func.0 == 9 {
            return Err(Trap::Host(42));
        }
        *ctx.gas -= 5;
        let sum = (args[0] as u32).wrapping_add(args[1] as u32);
        ctx.memory_mut()
            .get_mut(0..4)
            .ok_or(Trap::MemoryOutOfBounds)?
            .copy_from_slice(&sum.to_le_bytes());
        results[0] = u64::from(sum);
        Ok(())
    }
}

#[test]
fn host_functions_see_memory_and_gas_and_can_exit() {
    let wat = r#"(module
        (import "env" "add" (func $add (param i32 i32) (result i32)))
        (import "env" "exit" (func $exit))
        (memory (export "memory") 1)
        (func (export "f") (result i32) (drop (call $add (i32.const 40) (i32.const 2))) (i32.load (i32.const 0)))
        (func (export "g") (call $exit)))"#;
    let config = Config::default();
    let module = compile(wat, &config);
    let imports = module.imports().to_vec();
    assert_eq!(imports.len(), 2);
    assert_eq!(
        imports[0].ty,
        ExternType::Func(FuncType::new(
            &[ValType::I32, ValType::I32],
            &[ValType::I32]
        ))
    );
    let mut store = Store::new(config);
    let add = store.alloc_host_func(
        &FuncType::new(&[ValType::I32, ValType::I32], &[ValType::I32]),
        HostFuncId(1),
    );
    let exit = store.alloc_host_func(&FuncType::default(), HostFuncId(9));
    let id = store
        .instantiate(&module, &[add, exit], &mut AddHost)
        .unwrap_or_else(|e| panic!("{e}"));
    store.set_gas(100);
    assert_eq!(
        store.invoke(&mut AddHost, id, "f", &[]),
        Ok(vec![Value::I32(42)])
    );
    assert_eq!(store.gas(), 95);
    assert_eq!(
        store.invoke(&mut AddHost, id, "g", &[]),
        Err(InvokeError::Trap(Trap::Host(42)))
    );
}

#[test]
fn incompatible_import_is_rejected() {
    let config = Config::default();
    let module = compile(r#"(module (import "env" "f" (func (param i64))))"#, &config);
    let mut store = Store::new(config);
    let f = store.alloc_host_func(&FuncType::new(&[ValType::I32], &[]), HostFuncId(0));
    assert!(matches!(
        store.instantiate(&module, &[f], &mut NoHost),
        Err(InstantiateError::IncompatibleImport { .. })
    ));
}

#[test]
fn module_accessors_for_the_code_gate() {
    let config = Config::default();
    let ints = compile(
        r#"(module (memory (export "memory") 1) (func (export "main")))"#,
        &config,
    );
    assert!(!ints.uses_floats());
    assert!(!ints.has_start());
    assert_eq!(ints.defined_memory_count(), 1);
    assert_eq!(ints.imported_memory_count(), 0);
    let exports = ints.exports();
    assert_eq!(exports[1].name, "main");
    assert_eq!(exports[1].ty, ExternType::Func(FuncType::default()));
    let floats = compile(
        r#"(module (func $s (drop (f32.const 1))) (start $s))"#,
        &config,
    );
    assert!(floats.uses_floats());
    assert!(floats.has_start());
    // A reinterpret alone also counts as a float instruction.
    let reinterpret = compile(
        r#"(module (func (param i32) (drop (f32.reinterpret_i32 (local.get 0)))))"#,
        &config,
    );
    assert!(reinterpret.uses_floats());
}

#[test]
fn invalid_modules_are_compile_errors() {
    let config = Config::default();
    let bytes = wat::parse_str(r#"(module (func (result i32) (i64.const 1)))"#).unwrap_or_default();
    assert!(Module::compile(&bytes, &config).is_err());
    assert!(Module::compile(b"\0asm\x02\0\0\0", &config).is_err());
}

/// The compile error of `wat` under `wasm`, if any.
fn compile_error(wat: &str, wasm: WasmVersion) -> Option<String> {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("bad wat: {e}"));
    let config = Config {
        wasm,
        ..Config::default()
    };
    Module::compile(&bytes, &config)
        .err()
        .map(|e| e.to_string())
}

#[test]
fn wasm_2_0_features_need_wasm_2_0_and_their_errors_name_them() {
    // (module, a word of wasmparser's error under `mvp`)
    let features = [
        (
            r#"(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))"#,
            "bulk memory",
        ),
        (
            r#"(module (func (result i32 i32) (i32.const 1) (i32.const 2)))"#,
            "multi-value",
        ),
        (
            r#"(module (func (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0))))"#,
            "saturating float to int",
        ),
        (
            r#"(module (func (result i32) (ref.is_null (ref.null extern))))"#,
            "reference types",
        ),
        (
            r#"(module (table 1 funcref) (table 1 funcref))"#,
            "multiple tables",
        ),
    ];
    for (wat, name) in features {
        assert_eq!(compile_error(wat, WasmVersion::V2), None, "{wat}");
        let err = compile_error(wat, WasmVersion::Mvp).unwrap_or_default();
        assert!(err.contains(name), "{wat}: {err}");
    }
}

#[test]
fn post_2_0_proposals_are_rejected_by_name_in_either_version() {
    let proposals = [
        (r#"(module (func (drop (v128.const i64x2 0 0))))"#, "SIMD"),
        (r#"(module (memory 1 1 shared))"#, "threads"),
        (r#"(module (func $f (return_call $f)))"#, "tail calls"),
        (r#"(module (tag))"#, "exceptions"),
        (r#"(module (memory i64 1))"#, "memory64"),
        (r#"(module (memory 1) (memory 1))"#, "multiple memories"),
    ];
    for (wat, name) in proposals {
        for version in [WasmVersion::V2, WasmVersion::Mvp] {
            let err = compile_error(wat, version).unwrap_or_default();
            assert!(err.contains(name), "{wat} under {version:?}: {err:?}");
        }
    }
}

#[test]
fn a_frame_holds_at_most_65536_slots() {
    // Slots = locals + the operand-stack height. wasmparser allows 50,000 locals; the body
    // pushes `height` values and drops all but one.
    let wat = |height: usize| {
        format!(
            r#"(module (func (export "f") (result i64) (local {})
                (local.set 0 (i64.const 7)) {} {}))"#,
            "i64 ".repeat(50_000),
            "(local.get 0) ".repeat(height),
            "drop ".repeat(height - 1)
        )
    };
    let (mut store, id) = instance(&wat(15_536), Config::default());
    assert_eq!(invoke(&mut store, id, "f", &[]), Ok(vec![Value::I64(7)]));
    let bytes = wat::parse_str(wat(15_537)).unwrap_or_default();
    let err = Module::compile(&bytes, &Config::default()).map(|_| ());
    let message = err.map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(message.contains("more than 65536 slots"), "{message}");
}

#[test]
fn nan_results_are_canonical_at_run_time() {
    let wat = r#"(module (func (export "f") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1))))"#;
    let (mut store, id) = instance(wat, Config::default());
    let out = invoke(&mut store, id, "f", &[Value::F32(0xffa0_0001)]);
    assert_eq!(out, Ok(vec![Value::F32(0x7fc0_0000)]));
}

#[test]
fn the_step_limit_is_exact_across_many_slices() {
    // run(n): n loop iterations, each calling $f, whose body is 300 straight-line
    // instructions (so checkpoints too). Steps: n calls + (n - 1) backward branches; the
    // returns and checkpoints are events of the budget but not steps.
    let adds = "(local.set 0 (i32.add (local.get 0) (i32.const 1)))".repeat(300);
    let wat = format!(
        r#"(module
          (func $f (param i32) (result i32) {adds} (local.get 0))
          (func (export "run") (param $n i32) (result i32) (local $acc i32)
            (loop $l
              (local.set $acc (call $f (local.get $acc)))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $acc)))"#
    );
    for (limit, expected) in [
        (199, Ok(vec![Value::I32(30_000)])),
        (198, Err(InvokeError::Trap(Trap::StepLimitExceeded))),
    ] {
        let config = Config {
            step_limit: Some(limit),
            ..Config::default()
        };
        let (mut store, id) = instance(&wat, config);
        assert_eq!(
            invoke(&mut store, id, "run", &[Value::I32(100)]),
            expected,
            "limit {limit}"
        );
    }
}

/// The native stack a run uses is bounded without tail calls too (unoptimized builds,
/// miri): a long loop, deep Wasm recursion and a long straight-line body run on a thread
/// with a 512 KiB stack.
#[test]
fn runs_use_bounded_native_stack() {
    let adds = "(local.set 0 (i32.add (local.get 0) (i32.const 1)))".repeat(5_000);
    let wat = format!(
        r#"(module
          (func $straight (param i32) (result i32) {adds} (local.get 0))
          (func $rec (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
              (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
          (func (export "run") (param $n i32) (result i32) (local $acc i32)
            (loop $l
              (local.set $acc (i32.add (local.get $acc) (call $straight (i32.const 0))))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (i32.add (local.get $acc) (call $rec (i32.const 5000)))))"#
    );
    let result = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let (mut store, id) = instance(&wat, Config::default());
            invoke(&mut store, id, "run", &[Value::I32(20)])
        })
        .unwrap_or_else(|e| panic!("spawn: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the run panicked"));
    assert_eq!(result, Ok(vec![Value::I32(20 * 5_000 + 5_000)]));
}
