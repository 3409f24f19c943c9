//! The engine's compact instruction form: a `Copy` enum of at most 16 bytes with branch
//! targets, stack drop/keep amounts, local slots and memory offsets resolved at translation.

use wasmparser::Operator;

/// Stack adjustment of a taken branch: remove `drop` slots below the top `keep` slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropKeep {
    /// Slots removed below the kept values.
    pub drop: u32,
    /// Values carried to the label (0 or 1 in Wasm 1.0).
    pub keep: u32,
}

macro_rules! define_isa {
    ( $( $simple:ident ),* $(,)? ) => {
        /// One compiled instruction. Numeric variants without immediates share the names
        /// of the wasmparser operators they come from.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[repr(align(16))]
        pub enum Instr {
            /// Trap with `Trap::Unreachable`.
            Unreachable,
            /// Jump to `target` after adjusting the stack.
            Br {
                /// Absolute instruction index in the module's code.
                target: u32,
                /// Stack adjustment.
                dk: DropKeep,
            },
            /// Pop an i32; if non-zero, behave like `Br`.
            BrIf {
                /// Absolute instruction index.
                target: u32,
                /// Stack adjustment.
                dk: DropKeep,
            },
            /// Pop an i32; if zero, jump to `target` (the false arm of `if`).
            BrIfEqz(u32),
            /// Pop an index `i`; continue at the `Br` at `pc + 1 + min(i, len)`.
            BrTable {
                /// Number of non-default targets (the `len + 1` `Br`s follow).
                len: u32,
            },
            /// Return from the function, keeping the top `keep` values.
            Return {
                /// Number of results.
                keep: u32,
            },
            /// Call function `index` of the current instance's function index space.
            Call(u32),
            /// Call through table 0 with the expected module type index.
            CallIndirect(u32),
            /// Drop the top value.
            Drop,
            /// Wasm `select`.
            Select,
            /// Push local slot `n` (frame-relative).
            LocalGet(u32),
            /// Pop into local slot `n`.
            LocalSet(u32),
            /// Copy the top into local slot `n`.
            LocalTee(u32),
            /// Push global `n` of the current instance.
            GlobalGet(u32),
            /// Pop into global `n` of the current instance.
            GlobalSet(u32),
            /// Loads; the immediate is the static offset.
            I32Load(u32),
            /// i64 load.
            I64Load(u32),
            /// f32 load (bit-exact).
            F32Load(u32),
            /// f64 load (bit-exact).
            F64Load(u32),
            /// Sign-extending 8-bit load into i32.
            I32Load8S(u32),
            /// Zero-extending 8-bit load into i32.
            I32Load8U(u32),
            /// Sign-extending 16-bit load into i32.
            I32Load16S(u32),
            /// Zero-extending 16-bit load into i32.
            I32Load16U(u32),
            /// Sign-extending 8-bit load into i64.
            I64Load8S(u32),
            /// Zero-extending 8-bit load into i64.
            I64Load8U(u32),
            /// Sign-extending 16-bit load into i64.
            I64Load16S(u32),
            /// Zero-extending 16-bit load into i64.
            I64Load16U(u32),
            /// Sign-extending 32-bit load into i64.
            I64Load32S(u32),
            /// Zero-extending 32-bit load into i64.
            I64Load32U(u32),
            /// 32-bit store.
            I32Store(u32),
            /// 64-bit store.
            I64Store(u32),
            /// f32 store (bit-exact).
            F32Store(u32),
            /// f64 store (bit-exact).
            F64Store(u32),
            /// Low 8 bits of an i32.
            I32Store8(u32),
            /// Low 16 bits of an i32.
            I32Store16(u32),
            /// Low 8 bits of an i64.
            I64Store8(u32),
            /// Low 16 bits of an i64.
            I64Store16(u32),
            /// Low 32 bits of an i64.
            I64Store32(u32),
            /// Push the memory size in pages.
            MemorySize,
            /// Grow memory; push the old size or -1.
            MemoryGrow,
            /// Push an i32 constant.
            I32Const(i32),
            /// Push an i64 constant.
            I64Const(i64),
            /// Push f32 bits.
            F32Const(u32),
            /// Push f64 bits.
            F64Const(u64),
            /// Charge `n` gas (metering on) or trap with `OutOfGas`.
            ChargeGas(u32),
            /// A call to an import bound to a native 256-bit operation: call site `n` of the
            /// module (`bignum::BigCall`); pops the pointer arguments not folded into the call
            /// site, may push an i32.
            Bignum(u32),
            /// Fused: pop an i32; if non-zero jump to the target (no stack adjustment).
            BrIfNez(u32),
            /// Fused `i32.eq` + `br_if` without stack adjustment.
            BrIfI32Eq(u32),
            /// Fused `i32.ne` + `br_if`.
            BrIfI32Ne(u32),
            /// Fused `i32.lt_s` + `br_if`.
            BrIfI32LtS(u32),
            /// Fused `i32.lt_u` + `br_if`.
            BrIfI32LtU(u32),
            /// Fused `i32.gt_s` + `br_if`.
            BrIfI32GtS(u32),
            /// Fused `i32.gt_u` + `br_if`.
            BrIfI32GtU(u32),
            /// Fused `i32.le_s` + `br_if`.
            BrIfI32LeS(u32),
            /// Fused `i32.le_u` + `br_if`.
            BrIfI32LeU(u32),
            /// Fused `i32.ge_s` + `br_if`.
            BrIfI32GeS(u32),
            /// Fused `i32.ge_u` + `br_if`.
            BrIfI32GeU(u32),
            /// Fused `i32.eqz` + `br_if` (jump if the operand is zero).
            BrIfI32Eqz(u32),
            /// Fused `local.get a` + `local.get b`.
            LocalGet2(u32, u32),
            /// Fused `i32.const c` + `i32.add`.
            I32AddImm(i32),
            /// Fused `local.get n` + `i32.const c` + `i32.add`: push `local[n] + c`.
            LocalGetI32AddImm(u32, i32),
            /// Call defined function `n` (module-local index, past the imports) of the current instance.
            CallInternal(u32),
            $(
                #[doc = concat!("Numeric operator `", stringify!($simple), "`.")]
                $simple,
            )*
        }

        /// Every immediate-free numeric operator, by wasmparser name (the single source of
        /// truth for `simple_instr` and the completeness test).
        pub const SIMPLE_OP_NAMES: &[&str] = &[$(stringify!($simple)),*];

        /// Maps an immediate-free numeric operator to its instruction.
        pub(crate) fn simple_instr(op: &Operator<'_>) -> Option<Instr> {
            match op {
                $( Operator::$simple => Some(Instr::$simple), )*
                _ => None,
            }
        }
    };
}

define_isa! {
    I32Eqz, I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU,
    I64Eqz, I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU,
    F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge,
    F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge,
    I32Clz, I32Ctz, I32Popcnt, I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU,
    I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
    I64Clz, I64Ctz, I64Popcnt, I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU,
    I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
    F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
    F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
    F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
    F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
    I32WrapI64, I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
    I64ExtendI32S, I64ExtendI32U, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
    F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64,
    F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,
    I32Extend8S, I32Extend16S, I64Extend8S, I64Extend16S, I64Extend32S,
}

impl Instr {
    /// True if this instruction operates on f32/f64 values (for `uses_floats`).
    pub fn is_float(&self) -> bool {
        use Instr::*;
        matches!(
            self,
            F32Load(_)
                | F64Load(_)
                | F32Store(_)
                | F64Store(_)
                | F32Const(_)
                | F64Const(_)
                | F32Eq
                | F32Ne
                | F32Lt
                | F32Gt
                | F32Le
                | F32Ge
                | F64Eq
                | F64Ne
                | F64Lt
                | F64Gt
                | F64Le
                | F64Ge
                | F32Abs
                | F32Neg
                | F32Ceil
                | F32Floor
                | F32Trunc
                | F32Nearest
                | F32Sqrt
                | F32Add
                | F32Sub
                | F32Mul
                | F32Div
                | F32Min
                | F32Max
                | F32Copysign
                | F64Abs
                | F64Neg
                | F64Ceil
                | F64Floor
                | F64Trunc
                | F64Nearest
                | F64Sqrt
                | F64Add
                | F64Sub
                | F64Mul
                | F64Div
                | F64Min
                | F64Max
                | F64Copysign
                | I32TruncF32S
                | I32TruncF32U
                | I32TruncF64S
                | I32TruncF64U
                | I64TruncF32S
                | I64TruncF32U
                | I64TruncF64S
                | I64TruncF64U
                | F32ConvertI32S
                | F32ConvertI32U
                | F32ConvertI64S
                | F32ConvertI64U
                | F32DemoteF64
                | F64ConvertI32S
                | F64ConvertI32U
                | F64ConvertI64S
                | F64ConvertI64U
                | F64PromoteF32
        )
    }
}

/// Peephole fusion of the last emitted instruction `prev` with the next one `next`;
/// `None` if the pair does not fuse. Only called when no label lies between them.
pub(crate) fn fuse(prev: Instr, next: Instr) -> Option<Instr> {
    use Instr::*;
    Some(match (prev, next) {
        (LocalGet(a), LocalGet(b)) => LocalGet2(a, b),
        (I32Const(c), I32Add) => I32AddImm(c),
        // x - c = x + (-c) (mod 2^32), also for c = i32::MIN.
        (I32Const(c), I32Sub) => I32AddImm(c.wrapping_neg()),
        (LocalGet(n), I32AddImm(c)) => LocalGetI32AddImm(n, c),
        (LocalSet(a), LocalGet(b)) if a == b => LocalTee(a),
        _ => return None,
    })
}

/// Re-fuses a fused pair `prev` with `next` when `next` fuses better with the pair's second
/// half: the pair splits into the two returned instructions (the count stays the same).
/// `local.get a; local.get b; i32.const c; i32.add` fuses the gets before the add arrives;
/// this makes it `local.get a` and `local.get b + c`, the shape of a frame-pointer address.
pub(crate) fn refuse(prev: Instr, next: Instr) -> Option<(Instr, Instr)> {
    use Instr::*;
    match (prev, next) {
        (LocalGet2(a, b), I32AddImm(c)) => Some((LocalGet(a), LocalGetI32AddImm(b, c))),
        _ => None,
    }
}

/// Fuses a compare `prev` with a following `br_if` (no stack adjustment) to `target`.
pub(crate) fn fuse_br_if(prev: Instr, target: u32) -> Option<Instr> {
    use Instr::*;
    Some(match prev {
        I32Eq => BrIfI32Eq(target),
        I32Ne => BrIfI32Ne(target),
        I32LtS => BrIfI32LtS(target),
        I32LtU => BrIfI32LtU(target),
        I32GtS => BrIfI32GtS(target),
        I32GtU => BrIfI32GtU(target),
        I32LeS => BrIfI32LeS(target),
        I32LeU => BrIfI32LeU(target),
        I32GeS => BrIfI32GeS(target),
        I32GeU => BrIfI32GeU(target),
        I32Eqz => BrIfI32Eqz(target),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_pairs() {
        use Instr::*;
        assert_eq!(fuse(LocalGet(1), LocalGet(2)), Some(LocalGet2(1, 2)));
        assert_eq!(fuse(I32Const(-3), I32Add), Some(I32AddImm(-3)));
        assert_eq!(fuse(I32Const(5), I32Sub), Some(I32AddImm(-5)));
        assert_eq!(fuse(I32Const(i32::MIN), I32Sub), Some(I32AddImm(i32::MIN)));
        assert_eq!(
            fuse(LocalGet(4), I32AddImm(7)),
            Some(LocalGetI32AddImm(4, 7))
        );
        assert_eq!(fuse(LocalSet(5), LocalGet(5)), Some(LocalTee(5)));
        assert_eq!(fuse(LocalSet(5), LocalGet(6)), None);
        assert_eq!(
            refuse(LocalGet2(1, 2), I32AddImm(32)),
            Some((LocalGet(1), LocalGetI32AddImm(2, 32)))
        );
        assert_eq!(refuse(LocalGet2(1, 2), LocalGet(3)), None);
        assert_eq!(fuse(I64Const(1), I64Add), None);
        assert_eq!(fuse_br_if(I32LtU, 9), Some(BrIfI32LtU(9)));
        assert_eq!(fuse_br_if(I64LtU, 9), None);
    }

    #[test]
    fn instr_is_compact() {
        assert!(std::mem::size_of::<Instr>() <= 16);
    }

    #[test]
    fn simple_table_is_complete_for_wasm1_numeric_ops() {
        // 11+11 int compares, 6+6 float compares, 18+18 int arith, 14+14 float arith,
        // 25 conversions (incl. 4 reinterprets handled as no-ops elsewhere, so 21 here), 5 sign-ext.
        assert_eq!(SIMPLE_OP_NAMES.len(), 22 + 12 + 36 + 28 + 21 + 5);
        assert_eq!(simple_instr(&Operator::I64Rotr), Some(Instr::I64Rotr));
        assert_eq!(simple_instr(&Operator::Nop), None);
    }
}
