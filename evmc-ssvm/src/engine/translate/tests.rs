//! Translator tests: the instructions chosen for small bodies (each fusion rule, and the
//! cases where it must not fire), checked by running them where the shape alone does not
//! show correctness.

use crate::engine::isa::{Instr, ACC};
use crate::engine::{Config, Module, NoHost, Store, Value};

fn module(wat: &str) -> Module {
    let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("bad wat: {e}"));
    Module::compile(&bytes, &Config::default()).unwrap_or_else(|e| panic!("compile: {e}"))
}

/// The instructions of defined function `index`.
fn body(m: &Module, index: usize) -> Vec<Instr> {
    m.inner.translate_on_call(index).ir.clone()
}

fn run(wat: &str, name: &str, args: &[Value]) -> Vec<Value> {
    let m = module(wat);
    let mut store = Store::new(Config::default());
    let id = store
        .instantiate(&m, &[], &mut NoHost)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    store
        .invoke(&mut NoHost, id, name, args)
        .unwrap_or_else(|e| panic!("invoke: {e}"))
}

#[test]
fn counting_loop_is_three_instructions_per_iteration() {
    // Slots: n = 0, i = 1, sum = 2, temporaries from 3.
    let m = module(
        r#"(module (func (param $n i32) (result i64) (local $i i32) (local $sum i64)
          (block $done
            (br_if $done (i32.eqz (local.get $n)))
            (loop $next
              (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))
          (local.get $sum)))"#,
    );
    assert_eq!(
        body(&m, 0),
        [
            Instr::BrIfEqz { cond: 0, offset: 4 },
            // i64.extend_i32_u is free: i32 slots are zero-extended.
            Instr::I64Add {
                dst: 2,
                lhs: 2,
                rhs: 1
            },
            Instr::I32AddImm {
                dst: 1,
                lhs: 1,
                imm: 1
            },
            Instr::BrIfI32LtU {
                lhs: 1,
                rhs: 0,
                offset: -2
            },
            Instr::Return1 { src: 2 },
        ]
    );
}

#[test]
fn local_set_retargets_only_the_instruction_that_computed_the_value() {
    // `local.tee` keeps the value: the add writes the local, the use reads the local.
    let m = module(
        r#"(module (func (param i32 i32) (result i32)
          (i32.mul (local.tee 1 (i32.add (local.get 0) (local.get 0))) (local.get 1))))"#,
    );
    assert_eq!(
        body(&m, 0),
        [
            Instr::I32Add {
                dst: 1,
                lhs: 0,
                rhs: 0
            },
            Instr::I32Mul {
                dst: 2,
                lhs: 1,
                rhs: 1
            },
            Instr::Return1 { src: 2 },
        ]
    );
    // A value that came through a block result is copied: the label lies between.
    let m = module(
        r#"(module (func (param i32) (result i32) (local i32)
          (local.set 1 (block (result i32) (i32.add (local.get 0) (i32.const 2))))
          (local.get 1)))"#,
    );
    assert_eq!(
        body(&m, 0),
        [
            Instr::I32AddImm {
                dst: 2,
                lhs: 0,
                imm: 2
            },
            Instr::Copy { dst: 1, src: 2 },
            Instr::Return1 { src: 1 },
        ]
    );
}

#[test]
fn an_overwritten_local_is_copied_out_for_its_pending_reads() {
    // local 0 is read, then overwritten while that read is still on the stack.
    let wat = r#"(module (func (export "f") (param i32) (result i32)
          (local.get 0)
          (local.set 0 (i32.add (local.get 0) (i32.const 10)))
          (i32.sub (local.get 0))))"#;
    let m = module(wat);
    assert_eq!(
        body(&m, 0),
        [
            Instr::Copy { dst: 1, src: 0 },
            Instr::I32AddImm {
                dst: 0,
                lhs: 0,
                imm: 10
            },
            Instr::I32Sub {
                dst: 1,
                lhs: 1,
                rhs: 0
            },
            Instr::Return1 { src: 1 },
        ]
    );
    // old - new = -10 whatever the argument.
    assert_eq!(run(wat, "f", &[Value::I32(5)]), [Value::I32(-10)]);
}

#[test]
fn a_pending_read_is_copied_out_before_a_block_that_may_overwrite_it() {
    // If the copy were made at the `local.set` inside the block, the `br_if` path that
    // skips it would leave the read's slot unwritten.
    let wat = r#"(module (func (export "f") (param i32 i32) (result i32)
          (local.get 0)
          (block (br_if 0 (local.get 1)) (local.set 0 (i32.const 99)))
          (local.get 0)
          (i32.add)))"#;
    assert_eq!(
        run(wat, "f", &[Value::I32(1), Value::I32(1)]),
        [Value::I32(2)]
    );
    assert_eq!(
        run(wat, "f", &[Value::I32(1), Value::I32(0)]),
        [Value::I32(100)]
    );
    let m = module(wat);
    assert_eq!(body(&m, 0)[0], Instr::Copy { dst: 2, src: 0 });
}

#[test]
fn compare_and_branch_fuse_for_integers_only() {
    let m = module(
        r#"(module (func (param i64 f64) (result i32)
          (block (br_if 0 (i64.ge_s (local.get 0) (i64.const -7))))
          (block (br_if 0 (f64.lt (local.get 1) (local.get 1))))
          (i32.const 0)))"#,
    );
    assert_eq!(
        body(&m, 0),
        [
            Instr::BrIfI64GeSImm {
                lhs: 0,
                imm: -7,
                offset: 1
            },
            // The float compare's result goes to the branch in the accumulator.
            Instr::F64Lt {
                dst: ACC,
                lhs: 1,
                rhs: 1
            },
            Instr::BrIfNez {
                cond: ACC,
                offset: 1
            },
            Instr::Const { dst: 2, value: 0 },
            Instr::Return1 { src: 2 },
        ]
    );
}

#[test]
fn if_branches_on_the_negated_compare() {
    let wat = r#"(module (func (export "f") (param i32 i32) (result i32)
          (if (result i32) (i32.lt_u (local.get 0) (local.get 1))
            (then (i32.const 1)) (else (i32.const 2)))))"#;
    let m = module(wat);
    assert_eq!(
        body(&m, 0)[0],
        Instr::BrIfI32GeU {
            lhs: 0,
            rhs: 1,
            offset: 3
        }
    );
    assert_eq!(
        run(wat, "f", &[Value::I32(1), Value::I32(2)]),
        [Value::I32(1)]
    );
    assert_eq!(
        run(wat, "f", &[Value::I32(-1), Value::I32(2)]),
        [Value::I32(2)]
    );
}

#[test]
fn constants_become_immediates_when_they_fit() {
    let m = module(
        r#"(module (func (param i64 i32) (result i64)
          (drop (i32.sub (local.get 1) (i32.const 5)))
          (drop (i32.lt_s (i32.const 3) (local.get 1)))
          (drop (i32.sub (i32.const 3) (local.get 1)))
          (i64.add (local.get 0) (i64.const 0x100000000))))"#,
    );
    assert_eq!(
        body(&m, 0),
        [
            // x - 5 is x + (-5).
            Instr::I32AddImm {
                dst: 2,
                lhs: 1,
                imm: -5
            },
            // 3 < x is x > 3.
            Instr::I32GtSImm {
                dst: 2,
                lhs: 1,
                imm: 3
            },
            // 3 - x has no immediate form: the constant goes to its slot.
            Instr::Const { dst: 2, value: 3 },
            Instr::I32Sub {
                dst: 2,
                lhs: 2,
                rhs: 1
            },
            // Any i64 constant is an immediate (one that fits no i32 takes a data word).
            Instr::I64AddImm {
                dst: 2,
                lhs: 0,
                imm: 0x1_0000_0000
            },
            Instr::Return1 { src: 2 },
        ]
    );
}

#[test]
fn call_arguments_are_the_callee_frame() {
    let wat = r#"(module
          (func $add3 (param i32 i32 i32) (result i32)
            (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
          (func (export "f") (param i32) (result i32) (local i32)
            (local.set 1 (i32.const 100))
            (call $add3 (i32.mul (local.get 0) (i32.const 3)) (local.get 1) (i32.const 7))))"#;
    let m = module(wat);
    assert_eq!(
        body(&m, 1),
        [
            Instr::Const { dst: 1, value: 100 },
            Instr::I32MulImm {
                dst: 2,
                lhs: 0,
                imm: 3
            },
            Instr::Const { dst: 4, value: 7 },
            Instr::Copy { dst: 3, src: 1 },
            Instr::CallInternal { func: 0, base: 2 },
            Instr::Return1 { src: 2 },
        ]
    );
    assert_eq!(run(wat, "f", &[Value::I32(5)]), [Value::I32(122)]);
}

#[test]
fn branch_values_move_to_the_label_slot() {
    let wat = r#"(module (func (export "f") (param i32) (result i32)
          (i32.add (i32.const 1)
            (block (result i32)
              (drop (br_if 0 (i32.const 10) (local.get 0)))
              (br 0 (local.get 0))))))"#;
    assert_eq!(run(wat, "f", &[Value::I32(1)]), [Value::I32(11)]);
    assert_eq!(run(wat, "f", &[Value::I32(0)]), [Value::I32(1)]);
}

#[test]
fn small_stored_constants_are_immediates_cut_to_the_stored_width() {
    let wat = r#"(module (memory (export "memory") 1)
          (func (export "f") (param i32) (result i64)
            (i64.store (local.get 0) (i64.const -2))
            (i32.store8 offset=8 (local.get 0) (i32.const 0x1ff))
            (i64.store16 offset=9 (local.get 0) (i64.const 0x12345))
            (i32.store offset=12 (local.get 0) (i32.const 70000))
            (i64.load (local.get 0))))"#;
    let m = module(wat);
    assert_eq!(
        body(&m, 0)[..5],
        [
            Instr::I64StoreImm {
                addr: 0,
                value: -2,
                offset: 0
            },
            // 0x1ff as a byte is 0xff.
            Instr::I32Store8Imm {
                addr: 0,
                value: 0xff,
                offset: 8
            },
            // 0x12345 as 16 bits is 0x2345.
            Instr::I32Store16Imm {
                addr: 0,
                value: 0x2345,
                offset: 9
            },
            // 70000 does not fit an i16: it goes to its slot (height 1).
            Instr::Const {
                dst: 2,
                value: 70000
            },
            Instr::I32Store {
                addr: 0,
                value: 2,
                offset: 12
            },
        ]
    );
    assert_eq!(run(wat, "f", &[Value::I32(16)]), [Value::I64(-2)]);
    let mut store = Store::new(Config::default());
    let id = store
        .instantiate(&m, &[], &mut NoHost)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    store
        .invoke(&mut NoHost, id, "f", &[Value::I32(16)])
        .unwrap_or_else(|e| panic!("invoke: {e}"));
    let memory = store
        .export(id, "memory")
        .and_then(|m| store.memory(m))
        .map(|m| m.data()[16..32].to_vec())
        .unwrap_or_default();
    assert_eq!(
        memory,
        [
            0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x45, 0x23, 0, 0x70, 0x11, 0x01,
            0
        ]
    );
}

#[test]
fn a_value_consumed_by_the_next_instruction_goes_through_the_accumulator() {
    let wat = r#"(module (memory 1) (func (export "f") (param i32 i32) (result i32)
          (i32.load (i32.add (i32.shl (local.get 0) (i32.const 2)) (local.get 1)))))"#;
    assert_eq!(
        body(&module(wat), 0),
        [
            Instr::I32ShlImm {
                dst: ACC,
                lhs: 0,
                imm: 2
            },
            Instr::I32Add {
                dst: ACC,
                lhs: ACC,
                rhs: 1
            },
            Instr::I32Load {
                dst: 2,
                addr: ACC,
                offset: 0
            },
            Instr::Return1 { src: 2 },
        ]
    );
    assert_eq!(
        run(wat, "f", &[Value::I32(1), Value::I32(0)]),
        [Value::I32(0)]
    );
}

#[test]
fn the_accumulator_is_not_used_when_another_value_comes_between() {
    // The first product is consumed after the second one was computed: only the second
    // goes through the accumulator.
    let wat = r#"(module (func (export "f") (param i32 i32 i32 i32) (result i32)
          (i32.sub (i32.mul (local.get 0) (local.get 1)) (i32.mul (local.get 2) (local.get 3)))))"#;
    assert_eq!(
        body(&module(wat), 0)[..3],
        [
            Instr::I32Mul {
                dst: 4,
                lhs: 0,
                rhs: 1
            },
            Instr::I32Mul {
                dst: ACC,
                lhs: 2,
                rhs: 3
            },
            Instr::I32Sub {
                dst: 4,
                lhs: 4,
                rhs: ACC
            },
        ]
    );
    let args = [Value::I32(7), Value::I32(6), Value::I32(5), Value::I32(4)];
    assert_eq!(run(wat, "f", &args), [Value::I32(22)]);
    // A dropped result whose slot then receives a constant, and a result behind a label,
    // are read from slots.
    let wat = r#"(module (func (export "f") (param i32) (result i32)
          (drop (i32.add (local.get 0) (i32.const 1)))
          (i32.eqz (i32.sub (i32.const 3) (local.get 0)))
          (i32.add (block (result i32) (i32.mul (local.get 0) (local.get 0))))))"#;
    let code = body(&module(wat), 0);
    assert_eq!(
        code[1..3],
        [
            Instr::Const { dst: 1, value: 3 },
            Instr::I32Sub {
                dst: ACC,
                lhs: 1,
                rhs: 0
            },
        ]
    );
    assert_eq!(
        code[0],
        Instr::I32AddImm {
            dst: 1,
            lhs: 0,
            imm: 1
        }
    );
    assert!(code.contains(&Instr::I32Add {
        dst: 1,
        lhs: 1,
        rhs: 2
    }));
    // (3 == 3) + 9 = 10.
    assert_eq!(run(wat, "f", &[Value::I32(3)]), [Value::I32(10)]);
}

#[test]
fn dead_code_leaves_the_values_below_its_block_alone() {
    // After `br 0` the rest of the block is dead, and `if`s there take their condition
    // from the (polymorphic) stack: they must not take the 7 below the block.
    let wat = r#"(module (func (export "f") (result i32)
          (i32.const 7)
          (block (result i32)
            (i32.const 1)
            (br 0)
            (if (then)) (if (then)) (if (then)))
          (i32.add)))"#;
    assert_eq!(run(wat, "f", &[]), [Value::I32(8)]);
}

#[test]
fn an_extended_i32_constant_stays_zero_extended_as_an_immediate() {
    // Found by diff_wasmi: `i64.extend_i32_u` of a negative i32 constant used as the
    // immediate of an i64 operation, on either side, must not be sign-extended.
    let wat = r#"(module
          (func (export "xor") (param i64) (result i64)
            (i64.xor (local.get 0) (i64.extend_i32_u (i32.const -222089728))))
          (func (export "xor_left") (param i64) (result i64)
            (i64.xor (i64.extend_i32_u (i32.const -1)) (local.get 0)))
          (func (export "lt") (param i64) (result i32)
            (i64.lt_u (i64.extend_i32_u (i32.const -1)) (local.get 0))))"#;
    assert_eq!(run(wat, "xor", &[Value::I64(2)]), [Value::I64(0xF2C3_2E02)]);
    assert_eq!(
        run(wat, "xor_left", &[Value::I64(0)]),
        [Value::I64(0xFFFF_FFFF)]
    );
    // 0xffff_ffff < 0x1_0000_0000 unsigned; sign-extended it would be u64::MAX.
    assert_eq!(
        run(wat, "lt", &[Value::I64(0x1_0000_0000)]),
        [Value::I32(1)]
    );
}
