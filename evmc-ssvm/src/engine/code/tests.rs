//! Lazy translation: what compile checks, what runs translate, and first calls from many
//! threads at once.

use std::sync::Arc;

use crate::engine::{Config, InvokeError, Module, NoHost, Store, Translation, Trap, Value};

fn config(translation: Translation, metering: bool) -> Config {
    Config {
        translation,
        metering,
        ..Config::default()
    }
}

fn compile(wat: &str, config: &Config) -> Result<Module, String> {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("bad wat: {e}"));
    Module::compile(&bytes, config).map_err(|e| e.to_string())
}

fn call(
    module: &Module,
    config: Config,
    name: &str,
    args: &[Value],
) -> Result<Vec<Value>, InvokeError> {
    let mut store = Store::new(config);
    let id = store
        .instantiate(module, &[], &mut NoHost)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    store.invoke(&mut NoHost, id, name, args)
}

/// `$a` calls `$b`; `$c` calls `$d` through a table; `$e` is never called.
const FIVE: &str = r#"(module
  (table funcref (elem $d))
  (type $t (func (param i32) (result i32)))
  (func $a (export "a") (param i32) (result i32) (call $b (local.get 0)))
  (func $b (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $c (export "c") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func $d (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $e (export "e") (result f32) (f32.const 1)))"#;

#[test]
fn functions_never_called_are_never_translated() {
    let lazy = config(Translation::Lazy, false);
    let module = compile(FIVE, &lazy).expect("compiles");
    assert_eq!(module.defined_func_count(), 5);
    assert_eq!(module.translated_count(), 0);
    assert_eq!(module.code_len(), 0);
    // Float use is known without translating.
    assert!(module.uses_floats());
    assert_eq!(
        call(&module, lazy, "a", &[Value::I32(4)]),
        Ok(vec![Value::I32(5)])
    );
    assert_eq!(module.translated_count(), 2);
    assert_eq!(
        call(&module, lazy, "a", &[Value::I32(6)]),
        Ok(vec![Value::I32(7)])
    );
    assert_eq!(module.translated_count(), 2, "translated once");
    assert_eq!(
        call(&module, lazy, "c", &[Value::I32(5)]),
        Ok(vec![Value::I32(15)])
    );
    assert_eq!(
        module.translated_count(),
        4,
        "call_indirect translates its callee"
    );
}

#[test]
fn eager_mode_translates_every_body_at_compile() {
    let eager = config(Translation::Eager, false);
    let module = compile(FIVE, &eager).expect("compiles");
    assert_eq!(module.translated_count(), 5);
    assert!(module.code_len() > 0);
    assert_eq!(
        call(&module, eager, "c", &[Value::I32(5)]),
        Ok(vec![Value::I32(15)])
    );
    assert_eq!(module.translated_count(), 5);
}

#[test]
fn the_start_function_is_translated_by_instantiation() {
    let wat = r#"(module (global $g (mut i32) (i32.const 0))
      (func $s (global.set $g (i32.const 9)))
      (func (export "g") (result i32) (global.get $g))
      (func (export "unused") (nop))
      (start $s))"#;
    let lazy = config(Translation::Lazy, true);
    let module = compile(wat, &lazy).expect("compiles");
    assert_eq!(call(&module, lazy, "g", &[]), Ok(vec![Value::I32(9)]));
    assert_eq!(module.translated_count(), 2);
}

#[test]
fn an_invalid_body_never_called_fails_compile_in_both_modes() {
    let wat = r#"(module (func (export "ok") (result i32) (i32.const 1))
      (func $never (result i32) (i32.add (i32.const 1))))"#;
    let lazy = compile(wat, &config(Translation::Lazy, false)).map(|_| ());
    let eager = compile(wat, &config(Translation::Eager, false)).map(|_| ());
    assert!(lazy.is_err(), "{lazy:?}");
    assert_eq!(lazy, eager);
}

#[test]
fn a_translation_limit_fails_compile_in_lazy_mode_with_the_eager_message() {
    // 50,000 locals and an operand stack of `height`: the frame holds 65,536 slots at
    // most. The function is never called.
    let wat = |height: usize| {
        format!(
            r#"(module (func (export "ok")) (func (result i64) (local {})
                (local.set 0 (i64.const 7)) {} {}))"#,
            "i64 ".repeat(50_000),
            "(local.get 0) ".repeat(height),
            "drop ".repeat(height - 1)
        )
    };
    for metering in [false, true] {
        let lazy = config(Translation::Lazy, metering);
        let eager = config(Translation::Eager, metering);
        let fits = compile(&wat(15_536), &lazy).map(|_| ());
        assert_eq!(fits, Ok(()));
        let over_lazy = compile(&wat(15_537), &lazy).map(|_| ());
        let over_eager = compile(&wat(15_537), &eager).map(|_| ());
        let message = over_lazy.clone().err().unwrap_or_default();
        assert!(message.contains("more than 65536 slots"), "{message}");
        assert_eq!(over_lazy, over_eager);
    }
}

#[test]
fn a_translation_that_fails_anyway_traps_cleanly() {
    let lazy = config(Translation::Lazy, false);
    let mut module = compile(FIVE, &lazy).expect("compiles");
    // Without its source no deferred body can be translated.
    let inner = Arc::get_mut(&mut module.inner).expect("unshared");
    inner.lazy = None;
    assert_eq!(
        call(&module, lazy, "a", &[Value::I32(1)]),
        Err(InvokeError::Trap(Trap::TranslationFailed))
    );
    assert_eq!(
        call(&module, lazy, "a", &[Value::I32(1)]),
        Err(InvokeError::Trap(Trap::TranslationFailed))
    );
    assert_eq!(module.translated_count(), 1, "a failure is not retried");
}

/// `n` exported functions `f<i>(x) = (x + 2) * (i + 1) + i` (the `+ 2` in a loop of two
/// iterations).
fn many_functions(n: usize) -> String {
    let funcs: String = (0..n)
        .map(|i| {
            format!(
                r#"(func (export "f{i}") (param i32) (result i32) (local i32)
                  (local.set 1 (i32.const 2))
                  (loop $l
                    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                    (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
                  (i32.add (i32.mul (local.get 0) (i32.const {k})) (i32.const {i})))"#,
                k = i + 1
            )
        })
        .collect();
    format!("(module {funcs})")
}

#[test]
fn concurrent_first_calls_translate_each_function_once() {
    const N: usize = 64;
    const THREADS: usize = 8;
    for metering in [false, true] {
        let lazy = config(Translation::Lazy, metering);
        let module = compile(&many_functions(N), &lazy).expect("compiles");
        assert_eq!(module.translated_count(), 0);
        let barrier = std::sync::Barrier::new(THREADS);
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let (module, barrier) = (&module, &barrier);
                s.spawn(move || {
                    let mut store = Store::new(Config {
                        step_limit: None,
                        ..lazy
                    });
                    store.set_gas(i64::MAX);
                    let id = store
                        .instantiate(module, &[], &mut NoHost)
                        .expect("instantiates");
                    barrier.wait();
                    for k in 0..N {
                        // Threads start at different functions and meet on every one.
                        let i = (k + t * 7) % N;
                        let x = (t * 1000 + i) as i32;
                        let out = store.invoke(&mut NoHost, id, &format!("f{i}"), &[Value::I32(x)]);
                        let want = (x + 2) * (i as i32 + 1) + i as i32;
                        assert_eq!(out, Ok(vec![Value::I32(want)]), "f{i} thread {t}");
                    }
                });
            }
        });
        assert_eq!(module.translated_count(), N, "metering {metering}");
    }
}

/// A body whose dead code grows the translator's operand stack past the validator's: each
/// dead `block` leaves its result on the translator's stack (the `drop`s after it are not
/// translated). Both modes agree on its frame, and on the error when it is too large.
#[test]
fn dead_code_frames_are_computed_at_validation() {
    let wat = |blocks: usize| {
        format!(
            r#"(module (func (export "ok")) (func (export "f") (result i32) (local {})
                (i32.const 5) (return) {}))"#,
            "i64 ".repeat(50_000),
            "(block (result i32) (unreachable)) (drop) ".repeat(blocks)
        )
    };
    let lazy = config(Translation::Lazy, false);
    let eager = config(Translation::Eager, false);
    let module = compile(&wat(100), &lazy).expect("compiles");
    let frame = module.inner.translate_on_call(1).frame_size;
    let eager_module = compile(&wat(100), &eager).expect("compiles");
    assert_eq!(frame, eager_module.inner.translate_on_call(1).frame_size);
    assert_eq!(frame, 50_000 + 101);
    assert_eq!(call(&module, lazy, "f", &[]), Ok(vec![Value::I32(5)]));
    let over = 65_536 - 50_000;
    let lazy_err = compile(&wat(over), &lazy).map(|_| ());
    assert!(
        lazy_err
            .clone()
            .is_err_and(|e| e.contains("more than 65536 slots")),
        "{lazy_err:?}"
    );
    assert_eq!(lazy_err, compile(&wat(over), &eager).map(|_| ()));
}
