//! Unit tests of the injector: hand-worked gas on WAT examples, run under wasmi.
use super::*;

/// Parses WAT, injects, validates the result and returns it.
fn injected(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).unwrap();
    let out = inject_use_gas(&wasm).unwrap();
    wasmparser::validate(&out).unwrap();
    out
}

/// Gas used by the injected form of `wat`.
fn gas(wat: &str) -> u64 {
    run_wasmi(&injected(wat)).unwrap().gas
}

fn costs(wat: &str) -> Vec<Vec<u64>> {
    metered_block_costs(&wat::parse_str(wat).unwrap()).unwrap()
}

/// Wraps function definitions in a module without imports (so `useGas` gets added).
fn module(funcs: &str) -> String {
    format!("(module (memory (export \"memory\") 1 4) {funcs}\n)")
}

#[test]
fn empty_function_costs_one() {
    let wat = module(r#"(func (export "main"))"#);
    assert_eq!(costs(&wat), vec![vec![1]]);
    assert_eq!(gas(&wat), 1);
}

#[test]
fn straight_line() {
    let wat = module(
        r#"(func (export "main")
            i32.const 1   ;; 1
            i32.const 2   ;; 2
            i32.add       ;; 3
            drop)         ;; 4 ; end free -> 1 + 4 = 5"#,
    );
    assert_eq!(costs(&wat), vec![vec![5]]);
    assert_eq!(gas(&wat), 5);
}

#[test]
fn nested_blocks() {
    let wat = module(
        r#"(func (export "main")
            nop            ;; F +1
            block          ;; F +1, B1 starts
              nop          ;; B1 +1
              block        ;; B1 +1, B2 starts
                nop        ;; B2 +1
                nop        ;; B2 +1
              end
              nop          ;; B1 +1 (continuation after B2 belongs to B1)
            end
            nop)           ;; F +1
            ;; F = 1+3 = 4, B1 = 1+3 = 4, B2 = 1+2 = 3; all run once -> 11"#,
    );
    assert_eq!(costs(&wat), vec![vec![4, 4, 3]]);
    assert_eq!(gas(&wat), 11);
}

#[test]
fn br_out_of_block_still_pays_whole_block() {
    let wat = module(
        r#"(func (export "main")
            block          ;; F +1, B starts
              nop          ;; B +1
              br 0         ;; B +1
              nop          ;; B +1 (never runs, charged at entry)
              nop          ;; B +1
            end
            nop)           ;; F +1
            ;; F = 1+2 = 3, B = 1+4 = 5 -> 8"#,
    );
    assert_eq!(costs(&wat), vec![vec![3, 5]]);
    assert_eq!(gas(&wat), 8);
}

#[test]
fn loop_runs_three_times() {
    let wat = module(
        r#"(func (export "main") (local $i i32)
            i32.const 0        ;; F +1
            local.set $i       ;; F +1
            loop               ;; F +1, L starts
              local.get $i     ;; L +1
              i32.const 1      ;; L +1
              i32.add          ;; L +1
              local.tee $i     ;; L +1
              i32.const 3      ;; L +1
              i32.lt_u         ;; L +1
              br_if 0          ;; L +1
            end)
            ;; F = 4, L = 8, L entered for i = 1, 2, 3 -> 4 + 3*8 = 28"#,
    );
    assert_eq!(costs(&wat), vec![vec![4, 8]]);
    assert_eq!(gas(&wat), 28);
}

#[test]
fn if_else_both_ways() {
    let wat = |cond: i32| {
        module(&format!(
            r#"(func (export "main")
                i32.const {cond}   ;; F +1
                if                 ;; F +1, T starts
                  nop              ;; T +1
                  nop              ;; T +1
                else               ;; free, E starts
                  nop              ;; E +1
                end
                nop)               ;; F +1
                ;; F = 4, T = 3, E = 2"#
        ))
    };
    assert_eq!(costs(&wat(1)), vec![vec![4, 3, 2]]);
    assert_eq!(gas(&wat(1)), 4 + 3);
    assert_eq!(gas(&wat(0)), 4 + 2);
}

#[test]
fn if_without_else_not_taken_charges_only_enclosing_block() {
    let wat = module(
        r#"(func (export "main")
            i32.const 0   ;; F +1
            if            ;; F +1, T starts
              nop         ;; T +1
            end
            nop)          ;; F +1 -> F = 4, T = 2 (not entered) -> 4"#,
    );
    assert_eq!(costs(&wat), vec![vec![4, 2]]);
    assert_eq!(gas(&wat), 4);
}

#[test]
fn br_table_targets() {
    let wat = |index: i32| {
        module(&format!(
            r#"(func (export "main")
                block $a             ;; F +1, A starts
                  block $b           ;; A +1, B starts
                    i32.const {index} ;; B +1
                    br_table $b $a   ;; B +1 (0 -> $b, default -> $a)
                  end
                  block $c           ;; A +1, C starts
                    nop              ;; C +1
                  end
                end
                nop)                 ;; F +1
                ;; F = 3, A = 3, B = 3, C = 2"#
        ))
    };
    assert_eq!(costs(&wat(0)), vec![vec![3, 3, 3, 2]]);
    // index 0 leaves $b and enters $c; index 1 (default) leaves $a, skipping $c.
    assert_eq!(gas(&wat(0)), 3 + 3 + 3 + 2);
    assert_eq!(gas(&wat(1)), 3 + 3 + 3);
}

#[test]
fn calls_and_existing_use_gas_import() {
    let wat = r#"(module
        (import "ethereum" "useGas" (func $useGas (param i64)))
        (memory (export "memory") 1)
        (func $sq (param i32) (result i32)
          local.get 0        ;; +1
          local.get 0        ;; +1
          i32.mul)           ;; +1 -> 4
        (func (export "main")
          i32.const 3        ;; +1
          call $sq           ;; +1
          drop               ;; +1
          i64.const 100      ;; +1
          call $useGas       ;; +1 (import call costs 1, the host charges 100 more)
          i32.const 4        ;; +1
          call $sq           ;; +1
          drop))             ;; +1 -> 9
        ;; main 9 + useGas 100 + two calls of $sq 2*4 = 117"#;
    assert_eq!(costs(wat), vec![vec![4], vec![9]]);
    let out = injected(wat);
    assert_eq!(run_wasmi(&out).unwrap().gas, 117);
    // The existing import is reused: still exactly one import.
    assert_eq!(counts(&out).1, 1);
}

#[test]
fn added_import_renumbers_calls_table_exports_and_start() {
    let wat = r#"(module
        (type $t (func (param i32) (result i32)))
        (memory (export "memory") 1)
        (global $g (mut i32) (i32.const 0))
        (table 1 funcref)
        (elem (i32.const 0) $sq)
        (func $sq (type $t)
          local.get 0 local.get 0 i32.mul)   ;; 1+3 = 4
        (func $init
          i32.const 5 global.set $g)         ;; 1+2 = 3
        (start $init)
        (func (export "main")
          global.get $g            ;; +1
          i32.const 0              ;; +1
          call_indirect (type $t)  ;; +1  (5*5 = 25)
          call $sq                 ;; +1  (25*25 = 625)
          i32.const 625            ;; +1
          i32.ne                   ;; +1
          if                       ;; +1 -> main = 8
            unreachable            ;; not entered when the indices are right
          end)
        (func (export "sq") (type $t) local.get 0)
        (func (result funcref) ref.func $sq))
        ;; start 3 + main 8 + $sq twice 2*4 = 19"#;
    let out = injected(wat);
    assert_eq!(counts(&out).1, 1);
    // Without the ECI exports check wasmi still runs it: the start function counts too.
    assert_eq!(run_wasmi(&out).unwrap().gas, 19);
    let names = function_names(&out);
    assert!(names.contains(&(1, "sq".to_string())), "{names:?}");
    assert!(names.contains(&(2, "init".to_string())), "{names:?}");
}

#[test]
fn memory_grow_charges_per_requested_page() {
    let wat = module(
        r#"(func (export "main")
            i32.const 2      ;; +1, +2*262144
            memory.grow      ;; +1
            drop             ;; +1
            i32.const 0      ;; +1, +0
            memory.grow      ;; +1
            drop             ;; +1
            i32.const 5      ;; +1, +5*262144 (charged although the grow fails: max 4)
            memory.grow      ;; +1
            drop)            ;; +1 -> 1 + 9 = 10
            ;; 10 + 7*262144 = 1835018"#,
    );
    assert_eq!(costs(&wat), vec![vec![10]]);
    assert_eq!(gas(&wat), 1_835_018);
}

#[test]
fn memory_grow_result_is_preserved() {
    // memory.grow returns the old size: 1, then 3 (4 pages max). Stores both at 0.
    let wat = module(
        r#"(func (export "main") (local $a i32)
            i32.const 2 memory.grow local.set $a
            i32.const 0
            local.get $a
            i32.const 1 memory.grow
            i32.const 8 i32.mul i32.add
            i64.extend_i32_u
            i64.store)"#,
    );
    let run = run_wasmi(&injected(&wat)).unwrap();
    assert_eq!(run.word0, Some(1 + 3 * 8));
    // 1 + 12 instructions, plus 3 pages requested.
    assert_eq!(run.gas, 13 + 3 * GROW_GAS_PER_PAGE);
}

#[test]
fn wrong_use_gas_signature_is_rejected() {
    let wasm = wat::parse_str(
        r#"(module (import "ethereum" "useGas" (func (param i32))) (func (export "main")))"#,
    )
    .unwrap();
    assert!(matches!(
        inject_use_gas(&wasm),
        Err(InjectError::UseGasSignature)
    ));
}

#[test]
fn exception_handling_is_rejected() {
    let wasm = wat::parse_str(
        r#"(module (func (export "main") (block $h (try_table (catch_all $h) nop))))"#,
    )
    .unwrap();
    assert!(matches!(
        inject_use_gas(&wasm),
        Err(InjectError::Unsupported(_))
    ));
}

#[test]
fn invalid_input_is_rejected() {
    assert!(matches!(
        inject_use_gas(b"\0asm\x01\0\0\0\x01"),
        Err(InjectError::Invalid(_))
    ));
}

#[test]
fn type_section_reused_when_present() {
    let wat = r#"(module (type (func (param i64))) (func (export "main") nop))"#;
    let out = injected(wat);
    assert_eq!(counts(&out).0, 2); // (i64) -> () reused, main's () -> () kept
    assert_eq!(run_wasmi(&out).unwrap().gas, 2);
}

/// (number of types, number of imported functions), read by the injector's own scanner.
fn counts(wasm: &[u8]) -> (usize, u32) {
    let info = ModuleInfo::scan(wasm).unwrap();
    (info.type_params.len(), info.func_imports)
}

fn function_names(wasm: &[u8]) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CustomSection(c) = payload.unwrap() {
            if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                for name in names {
                    if let wasmparser::Name::Function(map) = name.unwrap() {
                        for naming in map {
                            let naming = naming.unwrap();
                            out.push((naming.index, naming.name.to_string()));
                        }
                    }
                }
            }
        }
    }
    out
}
