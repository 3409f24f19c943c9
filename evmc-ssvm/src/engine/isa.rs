//! The engine's register-form instruction set: a `Copy` enum of 24 bytes whose operands are
//! frame slots (parameters, locals and stack temporaries share one slot space per call
//! frame), immediates and constants, and whose results name a destination slot.
//! Branch targets are relative instruction offsets resolved at translation.
//!
//! This is the translator's form (its fusion rules inspect and rewrite it); the executor
//! encodes each instruction one to one into a word that carries its handler
//! (`exec::encode`).
//!
//! The numeric families (unary, binary, binary with an immediate, compare-and-branch) are
//! generated from the tables at the bottom of this file, which are the single source of
//! truth for the operator mapping ([`unary`], [`binary`], [`binary_imm`]) and the fusion
//! rules ([`branch_form`], [`negate`], [`mirror`]).

use wasmparser::Operator;

use super::bignum::BigOp;

/// Index of a slot in the current call frame: parameters first, then declared locals, then
/// the temporaries of the operand stack (the value at stack height `h` lives in slot
/// `locals + h`).
pub type Slot = u32;

/// A branch offset in instructions, relative to the branching instruction.
pub type Offset = i32;

/// The accumulator: as a destination, the result stays in a register for the next
/// instruction, which names it as an operand. Only a temporary that the instruction right
/// after its producer consumes goes there (see `translate`), and no frame has this many
/// slots.
pub const ACC: Slot = Slot::MAX;

macro_rules! define_isa {
    (
        unary { $($un:ident),* $(,)? }
        binary { $($bin:ident),* $(,)? }
        arith_imm { $($aimm:ident => $abase:ident),* $(,)? }
        compare { $(
            $cmp:ident, $cmp_imm:ident, $br:ident, $br_imm:ident, not $neg:ident, mirror $mir:ident;
        )* }
    ) => {
        /// One compiled instruction (see the module documentation for the operand model).
        /// Every variant's semantics is one sentence; `fp[s]` is slot `s` of the current frame.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Instr {
            /// Trap with `Trap::Unreachable`.
            Unreachable,
            /// Charge `amount` gas (metering on) or trap with `OutOfGas`; a metered block's
            /// entry.
            ChargeGas {
                /// The block's cost.
                amount: u32,
            },
            /// Jump by `offset`.
            Br {
                /// Relative target.
                offset: Offset,
            },
            /// `fp[dst] = fp[src]`, then jump by `offset` (a branch carrying one value).
            BrCopy {
                /// The label's value slot.
                dst: Slot,
                /// The carried value.
                src: Slot,
                /// Relative target.
                offset: Offset,
            },
            /// Jump by `offset` if the i32 `fp[cond]` is not zero.
            BrIfNez {
                /// Condition.
                cond: Slot,
                /// Relative target.
                offset: Offset,
            },
            /// Jump by `offset` if the i32 `fp[cond]` is zero.
            BrIfEqz {
                /// Condition.
                cond: Slot,
                /// Relative target.
                offset: Offset,
            },
            /// Jump by `offset` if the i64 `fp[cond]` is not zero.
            BrIfI64Nez {
                /// Condition.
                cond: Slot,
                /// Relative target.
                offset: Offset,
            },
            /// Jump by `offset` if the i64 `fp[cond]` is zero.
            BrIfI64Eqz {
                /// Condition.
                cond: Slot,
                /// Relative target.
                offset: Offset,
            },
            /// Continue at the table entry `min(fp[index], len)` of the `len + 1` branch
            /// instructions that follow.
            BrTable {
                /// The i32 index.
                index: Slot,
                /// Number of non-default entries.
                len: u32,
            },
            /// Return from the function without results.
            Return,
            /// Return the one result `fp[src]` (written to `fp[0]`).
            Return1 {
                /// The result.
                src: Slot,
            },
            /// Return the `len` results `fp[src..src + len]` (moved to `fp[0..len]`).
            ReturnSpan {
                /// First result.
                src: Slot,
                /// Number of results.
                len: u32,
            },
            /// Call defined function `func` of the current instance; its frame starts at
            /// slot `base`, where the arguments are and the results will be.
            CallInternal {
                /// Module-local index of the defined function (past the imports).
                func: u32,
                /// First argument slot.
                base: Slot,
            },
            /// Call function `func` of the current instance's function index space (an
            /// import: a host function or another instance's function), frame at `base`.
            CallImport {
                /// Function index.
                func: u32,
                /// First argument slot.
                base: Slot,
            },
            /// Call through table `Args.b` at index `fp[Args.a]`, expecting module type
            /// `ty`, frame at `base`; followed by one [`Instr::Args`].
            CallIndirect {
                /// Expected module type index.
                ty: u32,
                /// First argument slot.
                base: Slot,
            },
            /// Operands of the preceding instruction (`Select`: the second value's slot;
            /// `CallIndirect`: the index slot and the table); never executed.
            Args {
                /// A slot.
                a: Slot,
                /// An index.
                b: u32,
            },
            /// `fp[dst] = fp[src]`.
            Copy {
                /// Destination.
                dst: Slot,
                /// Source.
                src: Slot,
            },
            /// `fp[dst..dst + len] = fp[src..src + len]` (memmove).
            CopySpan {
                /// First destination slot.
                dst: Slot,
                /// First source slot.
                src: Slot,
                /// Number of slots.
                len: u32,
            },
            /// `fp[dst] = value` (raw bits: i32 and f32 zero-extended).
            Const {
                /// Destination.
                dst: Slot,
                /// Raw value.
                value: u64,
            },
            /// `fp[dst] = if fp[cond] as i32 != 0 { fp[lhs] } else { fp[Args.a] }`; followed
            /// by one [`Instr::Args`].
            Select {
                /// Destination.
                dst: Slot,
                /// i32 condition.
                cond: Slot,
                /// Value if the condition is not zero.
                lhs: Slot,
            },
            /// `fp[dst] = global[index]` of the current instance.
            GlobalGet {
                /// Destination.
                dst: Slot,
                /// Global index.
                index: u32,
            },
            /// `global[index] = fp[src]`.
            GlobalSet {
                /// Global index.
                index: u32,
                /// Source.
                src: Slot,
            },
            /// `fp[dst] = u32 at fp[addr] + offset` (also `f32.load`, `i64.load32_u`).
            I32Load {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// `fp[dst] = u64 at fp[addr] + offset` (also `f64.load`).
            I64Load {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Sign-extending 8-bit load into an i32.
            I32Load8S {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Zero-extending 8-bit load (also `i64.load8_u`).
            I32Load8U {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Sign-extending 16-bit load into an i32.
            I32Load16S {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Zero-extending 16-bit load (also `i64.load16_u`).
            I32Load16U {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Sign-extending 8-bit load into an i64.
            I64Load8S {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Sign-extending 16-bit load into an i64.
            I64Load16S {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Sign-extending 32-bit load into an i64.
            I64Load32S {
                /// Destination.
                dst: Slot,
                /// i32 address.
                addr: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Store the low 32 bits of `fp[value]` (also `f32.store`, `i64.store32`).
            I32Store {
                /// i32 address.
                addr: Slot,
                /// Stored value.
                value: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Store the 64 bits of `fp[value]` (also `f64.store`).
            I64Store {
                /// i32 address.
                addr: Slot,
                /// Stored value.
                value: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Store the low 8 bits (also `i64.store8`).
            I32Store8 {
                /// i32 address.
                addr: Slot,
                /// Stored value.
                value: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Store the low 16 bits (also `i64.store16`).
            I32Store16 {
                /// i32 address.
                addr: Slot,
                /// Stored value.
                value: Slot,
                /// Static offset.
                offset: u32,
            },
            /// Store the low 32 bits of the sign-extended `value`.
            I32StoreImm {
                /// i32 address.
                addr: Slot,
                /// Stored constant.
                value: i16,
                /// Static offset.
                offset: u32,
            },
            /// Store the sign-extended `value` as 64 bits.
            I64StoreImm {
                /// i32 address.
                addr: Slot,
                /// Stored constant.
                value: i16,
                /// Static offset.
                offset: u32,
            },
            /// Store the low 8 bits of `value`.
            I32Store8Imm {
                /// i32 address.
                addr: Slot,
                /// Stored constant.
                value: i16,
                /// Static offset.
                offset: u32,
            },
            /// Store the low 16 bits of `value`.
            I32Store16Imm {
                /// i32 address.
                addr: Slot,
                /// Stored constant.
                value: i16,
                /// Static offset.
                offset: u32,
            },
            /// `fp[dst] = memory size in pages`.
            MemorySize {
                /// Destination.
                dst: Slot,
            },
            /// Grow memory by `fp[delta]` pages; `fp[dst]` = old size or -1.
            MemoryGrow {
                /// Destination.
                dst: Slot,
                /// i32 page count.
                delta: Slot,
            },
            /// `memory.copy`: copy `fp[len]` bytes from `fp[src]` to `fp[dst]` (the ranges
            /// may overlap), after the dynamic charge when metering (EWASM.md 4.1).
            MemoryCopy {
                /// i32 destination address.
                dst: Slot,
                /// i32 source address.
                src: Slot,
                /// i32 byte count.
                len: Slot,
            },
            /// `memory.fill`: write the low byte of `fp[value]` to `fp[len]` bytes at
            /// `fp[dst]`, after the dynamic charge when metering.
            MemoryFill {
                /// i32 destination address.
                dst: Slot,
                /// i32 byte value.
                value: Slot,
                /// i32 byte count.
                len: Slot,
            },
            /// `memory.init`: copy `fp[len]` bytes of data segment `seg` from `fp[src]` to
            /// `fp[dst]`, after the dynamic charge when metering.
            MemoryInit {
                /// Data segment index.
                seg: u32,
                /// i32 destination address.
                dst: Slot,
                /// i32 offset in the segment.
                src: Slot,
                /// i32 byte count.
                len: Slot,
            },
            /// `data.drop`: data segment `seg` becomes empty.
            DataDrop {
                /// Data segment index.
                seg: u32,
            },
            /// `table.get`: `fp[dst]` = element `fp[index]` of table `table`.
            TableGet {
                /// Destination.
                dst: Slot,
                /// i32 element index.
                index: Slot,
                /// Table index.
                table: u32,
            },
            /// `table.set`: element `fp[index]` of table `table` = `fp[value]`.
            TableSet {
                /// Table index.
                table: u32,
                /// i32 element index.
                index: Slot,
                /// The reference.
                value: Slot,
            },
            /// `table.size`: `fp[dst]` = the element count of table `table`.
            TableSize {
                /// Destination.
                dst: Slot,
                /// Table index.
                table: u32,
            },
            /// `table.grow`: grow table `table` by `fp[delta]` elements holding `fp[init]`;
            /// `fp[dst]` = old size or -1. Charges the delta first when metering.
            TableGrow {
                /// Destination.
                dst: Slot,
                /// The new elements' reference.
                init: Slot,
                /// i32 element count.
                delta: Slot,
                /// Table index.
                table: u32,
            },
            /// `table.fill`: `fp[len]` elements of table `table` from `fp[dst]` = `fp[value]`,
            /// after the dynamic charge when metering.
            TableFill {
                /// Table index.
                table: u32,
                /// i32 first element.
                dst: Slot,
                /// The reference.
                value: Slot,
                /// i32 element count.
                len: Slot,
            },
            /// `table.copy`: copy `fp[len]` elements from table `src_table` at `fp[src]` to
            /// table `dst_table` at `fp[dst]` (overlap allowed), after the dynamic charge.
            TableCopy {
                /// Destination table index.
                dst_table: u32,
                /// Source table index.
                src_table: u32,
                /// i32 destination element.
                dst: Slot,
                /// i32 source element.
                src: Slot,
                /// i32 element count.
                len: Slot,
            },
            /// `table.init`: copy `fp[len]` references of element segment `seg` from
            /// `fp[src]` to table `table` at `fp[dst]`, after the dynamic charge.
            TableInit {
                /// Table index.
                table: u32,
                /// Element segment index.
                seg: u32,
                /// i32 destination element.
                dst: Slot,
                /// i32 offset in the segment.
                src: Slot,
                /// i32 element count.
                len: Slot,
            },
            /// `elem.drop`: element segment `seg` becomes empty.
            ElemDrop {
                /// Element segment index.
                seg: u32,
            },
            /// `ref.func`: `fp[dst]` = a reference to function `func` of the instance.
            RefFunc {
                /// Destination.
                dst: Slot,
                /// Function index.
                func: u32,
            },
            /// Bignum call site `site` of the module (`bignum::BigCall`, pointer operands
            /// folded in); comparisons write their i32 result to `fp[dst]`.
            Bignum {
                /// Index into the module's call sites.
                site: u32,
                /// Result slot (comparisons only).
                dst: Slot,
                /// The call site's operation (selects the handler).
                op: BigOp,
                /// Whether the module is metered (selects the handler).
                metered: bool,
            },
            $(
                #[doc = concat!("`fp[dst] = ", stringify!($un), "(fp[src])`.")]
                $un {
                    /// Destination.
                    dst: Slot,
                    /// Operand.
                    src: Slot,
                },
            )*
            $(
                #[doc = concat!("`fp[dst] = ", stringify!($bin), "(fp[lhs], fp[rhs])`.")]
                $bin {
                    /// Destination.
                    dst: Slot,
                    /// Left operand.
                    lhs: Slot,
                    /// Right operand.
                    rhs: Slot,
                },
            )*
            $(
                #[doc = concat!("`fp[dst] = ", stringify!($cmp), "(fp[lhs], fp[rhs])`.")]
                $cmp {
                    /// Destination.
                    dst: Slot,
                    /// Left operand.
                    lhs: Slot,
                    /// Right operand.
                    rhs: Slot,
                },
            )*
            $(
                #[doc = concat!("`fp[dst] = ", stringify!($abase), "(fp[lhs], imm)`.")]
                $aimm {
                    /// Destination.
                    dst: Slot,
                    /// Left operand.
                    lhs: Slot,
                    /// Right operand (an i32 for i32 operators).
                    imm: i64,
                },
            )*
            $(
                #[doc = concat!("`fp[dst] = ", stringify!($cmp), "(fp[lhs], imm)`.")]
                $cmp_imm {
                    /// Destination.
                    dst: Slot,
                    /// Left operand.
                    lhs: Slot,
                    /// Right operand (an i32 for i32 operators).
                    imm: i64,
                },
            )*
            $(
                #[doc = concat!("Jump by `offset` if `", stringify!($cmp), "(fp[lhs], fp[rhs])`.")]
                $br {
                    /// Left operand.
                    lhs: Slot,
                    /// Right operand.
                    rhs: Slot,
                    /// Relative target.
                    offset: Offset,
                },
            )*
            $(
                #[doc = concat!("Jump by `offset` if `", stringify!($cmp), "(fp[lhs], imm)`.")]
                $br_imm {
                    /// Left operand.
                    lhs: Slot,
                    /// Right operand (an i32 for i32 operators).
                    imm: i64,
                    /// Relative target.
                    offset: Offset,
                },
            )*
        }

        /// The unary instruction of operator `op`, if it is one.
        pub(crate) fn unary(op: &Operator<'_>, dst: Slot, src: Slot) -> Option<Instr> {
            match op {
                $( Operator::$un => Some(Instr::$un { dst, src }), )*
                _ => None,
            }
        }

        /// The binary instruction of operator `op`, if it is one.
        pub(crate) fn binary(op: &Operator<'_>, dst: Slot, lhs: Slot, rhs: Slot) -> Option<Instr> {
            match op {
                $( Operator::$bin => Some(Instr::$bin { dst, lhs, rhs }), )*
                $( Operator::$cmp => Some(Instr::$cmp { dst, lhs, rhs }), )*
                _ => None,
            }
        }

        /// The form of binary operator `op` with an immediate right operand, if it has one.
        pub(crate) fn binary_imm(op: &Operator<'_>, dst: Slot, lhs: Slot, imm: i64) -> Option<Instr> {
            match op {
                $( Operator::$abase => Some(Instr::$aimm { dst, lhs, imm }), )*
                $( Operator::$cmp => Some(Instr::$cmp_imm { dst, lhs, imm }), )*
                _ => None,
            }
        }

        /// Fusion: the compare-and-branch form of an integer compare instruction `cmp`
        /// (its destination dropped), jumping by `offset` when the compare is true.
        pub(crate) fn branch_form(cmp: Instr, offset: Offset) -> Option<Instr> {
            match cmp {
                $( Instr::$cmp { lhs, rhs, .. } => Some(Instr::$br { lhs, rhs, offset }), )*
                $( Instr::$cmp_imm { lhs, imm, .. } => Some(Instr::$br_imm { lhs, imm, offset }), )*
                Instr::I32Eqz { src, .. } => Some(Instr::BrIfEqz { cond: src, offset }),
                Instr::I64Eqz { src, .. } => Some(Instr::BrIfI64Eqz { cond: src, offset }),
                _ => None,
            }
        }

        /// The integer compare with the opposite result (exact for integers; floats have
        /// none because of NaN), for branching to the false arm of an `if`.
        pub(crate) fn negate(cmp: Instr) -> Option<Instr> {
            match cmp {
                $( Instr::$cmp { dst, lhs, rhs } => Some(Instr::$neg { dst, lhs, rhs }), )*
                $( Instr::$cmp_imm { dst, lhs, imm } => Some(negate_imm_form(Instr::$neg { dst, lhs, rhs: 0 }, imm)), )*
                Instr::I32Eqz { dst, src } => Some(Instr::I32NeImm { dst, lhs: src, imm: 0 }),
                Instr::I64Eqz { dst, src } => Some(Instr::I64NeImm { dst, lhs: src, imm: 0 }),
                _ => None,
            }
        }

        /// The compare operator whose result is the same with the operands swapped
        /// (`a < b` is `b > a`), for a constant left operand.
        pub(crate) fn mirror<'a>(op: &Operator<'a>) -> Option<Operator<'a>> {
            match op {
                $( Operator::$cmp => Some(Operator::$mir), )*
                _ => None,
            }
        }

        fn negate_imm_form(slot_form: Instr, imm: i64) -> Instr {
            match slot_form {
                $( Instr::$cmp { dst, lhs, .. } => Instr::$cmp_imm { dst, lhs, imm }, )*
                other => other,
            }
        }

        impl Instr {
            /// The destination slot of an instruction that writes exactly one slot it names
            /// (so the translator may retarget it, e.g. to the local of a `local.set`).
            pub(crate) fn dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $( Instr::$un { dst, .. } )|*
                    | $( Instr::$bin { dst, .. } )|*
                    | $( Instr::$cmp { dst, .. } )|*
                    | $( Instr::$aimm { dst, .. } )|*
                    | $( Instr::$cmp_imm { dst, .. } )|*
                    | Instr::Copy { dst, .. }
                    | Instr::Const { dst, .. }
                    | Instr::Select { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::I32Load { dst, .. }
                    | Instr::I64Load { dst, .. }
                    | Instr::I32Load8S { dst, .. }
                    | Instr::I32Load8U { dst, .. }
                    | Instr::I32Load16S { dst, .. }
                    | Instr::I32Load16U { dst, .. }
                    | Instr::I64Load8S { dst, .. }
                    | Instr::I64Load16S { dst, .. }
                    | Instr::I64Load32S { dst, .. }
                    | Instr::MemorySize { dst }
                    | Instr::MemoryGrow { dst, .. }
                    | Instr::TableGet { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::TableGrow { dst, .. }
                    | Instr::RefFunc { dst, .. }
                    | Instr::Bignum { dst, .. } => Some(dst),
                    _ => None,
                }
            }

            /// The destination of an instruction that may write the accumulator ([`ACC`]):
            /// numeric operations and loads.
            pub(crate) fn acc_dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $( Instr::$un { dst, .. } )|*
                    | $( Instr::$bin { dst, .. } )|*
                    | $( Instr::$cmp { dst, .. } )|*
                    | $( Instr::$aimm { dst, .. } )|*
                    | $( Instr::$cmp_imm { dst, .. } )|*
                    | Instr::I32Load { dst, .. }
                    | Instr::I64Load { dst, .. }
                    | Instr::I32Load8S { dst, .. }
                    | Instr::I32Load8U { dst, .. }
                    | Instr::I32Load16S { dst, .. }
                    | Instr::I32Load16U { dst, .. }
                    | Instr::I64Load8S { dst, .. }
                    | Instr::I64Load16S { dst, .. }
                    | Instr::I64Load32S { dst, .. } => Some(dst),
                    _ => None,
                }
            }

            /// Makes the operand that reads slot `from` read the accumulator instead, if this
            /// instruction can take it there (numeric operations, loads, stores, conditional
            /// branches); returns whether it did.
            pub(crate) fn operand_to_acc(&mut self, from: Slot) -> bool {
                let field = match self {
                    $( Instr::$un { src, .. } => Some(src), )*
                    $( Instr::$bin { lhs, rhs, .. } => if *lhs == from { Some(lhs) } else { Some(rhs) }, )*
                    $( Instr::$cmp { lhs, rhs, .. } => if *lhs == from { Some(lhs) } else { Some(rhs) }, )*
                    $( Instr::$br { lhs, rhs, .. } => if *lhs == from { Some(lhs) } else { Some(rhs) }, )*
                    $( Instr::$aimm { lhs, .. } )|*
                    | $( Instr::$cmp_imm { lhs, .. } )|*
                    | $( Instr::$br_imm { lhs, .. } )|* => Some(lhs),
                    Instr::I32Load { addr, .. }
                    | Instr::I64Load { addr, .. }
                    | Instr::I32Load8S { addr, .. }
                    | Instr::I32Load8U { addr, .. }
                    | Instr::I32Load16S { addr, .. }
                    | Instr::I32Load16U { addr, .. }
                    | Instr::I64Load8S { addr, .. }
                    | Instr::I64Load16S { addr, .. }
                    | Instr::I64Load32S { addr, .. }
                    | Instr::I32StoreImm { addr, .. }
                    | Instr::I64StoreImm { addr, .. }
                    | Instr::I32Store8Imm { addr, .. }
                    | Instr::I32Store16Imm { addr, .. } => Some(addr),
                    Instr::I32Store { addr, value, .. }
                    | Instr::I64Store { addr, value, .. }
                    | Instr::I32Store8 { addr, value, .. }
                    | Instr::I32Store16 { addr, value, .. } => {
                        if *addr == from { Some(addr) } else { Some(value) }
                    }
                    Instr::BrIfNez { cond, .. }
                    | Instr::BrIfEqz { cond, .. }
                    | Instr::BrIfI64Nez { cond, .. }
                    | Instr::BrIfI64Eqz { cond, .. } => Some(cond),
                    _ => None,
                };
                match field {
                    Some(f) if *f == from => {
                        *f = ACC;
                        true
                    }
                    _ => false,
                }
            }

            /// The relative target of a branch instruction (for patching forward branches).
            pub(crate) fn offset_mut(&mut self) -> Option<&mut Offset> {
                match self {
                    $( Instr::$br { offset, .. } )|*
                    | $( Instr::$br_imm { offset, .. } )|*
                    | Instr::Br { offset }
                    | Instr::BrCopy { offset, .. }
                    | Instr::BrIfNez { offset, .. }
                    | Instr::BrIfEqz { offset, .. }
                    | Instr::BrIfI64Nez { offset, .. }
                    | Instr::BrIfI64Eqz { offset, .. } => Some(offset),
                    _ => None,
                }
            }
        }

        /// Every generated numeric variant by name: (unary, binary incl. compares, immediate
        /// forms, compare-and-branch forms), for the completeness tests.
        #[cfg(test)]
        pub(crate) const NUMERIC_NAMES: [&[&str]; 4] = [
            &[$(stringify!($un)),*],
            &[$(stringify!($bin),)* $(stringify!($cmp)),*],
            &[$(stringify!($aimm),)* $(stringify!($cmp_imm)),*],
            &[$(stringify!($br),)* $(stringify!($br_imm)),*],
        ];
    };
}

define_isa! {
    unary {
        I32Eqz, I64Eqz,
        I32Clz, I32Ctz, I32Popcnt, I64Clz, I64Ctz, I64Popcnt,
        F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
        F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
        I32WrapI64, I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
        I64ExtendI32S, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
        F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64,
        F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,
        I32Extend8S, I32Extend16S, I64Extend8S, I64Extend16S, I64Extend32S,
        I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
        I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
    }
    binary {
        I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU,
        I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
        I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU,
        I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
        F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge,
        F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge,
        F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
        F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
    }
    arith_imm {
        I32AddImm => I32Add, I32MulImm => I32Mul,
        I32AndImm => I32And, I32OrImm => I32Or, I32XorImm => I32Xor,
        I32ShlImm => I32Shl, I32ShrSImm => I32ShrS, I32ShrUImm => I32ShrU,
        I32RotlImm => I32Rotl, I32RotrImm => I32Rotr,
        I64AddImm => I64Add, I64MulImm => I64Mul,
        I64AndImm => I64And, I64OrImm => I64Or, I64XorImm => I64Xor,
        I64ShlImm => I64Shl, I64ShrSImm => I64ShrS, I64ShrUImm => I64ShrU,
        I64RotlImm => I64Rotl, I64RotrImm => I64Rotr,
    }
    compare {
        I32Eq, I32EqImm, BrIfI32Eq, BrIfI32EqImm, not I32Ne, mirror I32Eq;
        I32Ne, I32NeImm, BrIfI32Ne, BrIfI32NeImm, not I32Eq, mirror I32Ne;
        I32LtS, I32LtSImm, BrIfI32LtS, BrIfI32LtSImm, not I32GeS, mirror I32GtS;
        I32LtU, I32LtUImm, BrIfI32LtU, BrIfI32LtUImm, not I32GeU, mirror I32GtU;
        I32GtS, I32GtSImm, BrIfI32GtS, BrIfI32GtSImm, not I32LeS, mirror I32LtS;
        I32GtU, I32GtUImm, BrIfI32GtU, BrIfI32GtUImm, not I32LeU, mirror I32LtU;
        I32LeS, I32LeSImm, BrIfI32LeS, BrIfI32LeSImm, not I32GtS, mirror I32GeS;
        I32LeU, I32LeUImm, BrIfI32LeU, BrIfI32LeUImm, not I32GtU, mirror I32GeU;
        I32GeS, I32GeSImm, BrIfI32GeS, BrIfI32GeSImm, not I32LtS, mirror I32LeS;
        I32GeU, I32GeUImm, BrIfI32GeU, BrIfI32GeUImm, not I32LtU, mirror I32LeU;
        I64Eq, I64EqImm, BrIfI64Eq, BrIfI64EqImm, not I64Ne, mirror I64Eq;
        I64Ne, I64NeImm, BrIfI64Ne, BrIfI64NeImm, not I64Eq, mirror I64Ne;
        I64LtS, I64LtSImm, BrIfI64LtS, BrIfI64LtSImm, not I64GeS, mirror I64GtS;
        I64LtU, I64LtUImm, BrIfI64LtU, BrIfI64LtUImm, not I64GeU, mirror I64GtU;
        I64GtS, I64GtSImm, BrIfI64GtS, BrIfI64GtSImm, not I64LeS, mirror I64LtS;
        I64GtU, I64GtUImm, BrIfI64GtU, BrIfI64GtUImm, not I64LeU, mirror I64LtU;
        I64LeS, I64LeSImm, BrIfI64LeS, BrIfI64LeSImm, not I64GtS, mirror I64GeS;
        I64LeU, I64LeUImm, BrIfI64LeU, BrIfI64LeUImm, not I64GtU, mirror I64GeU;
        I64GeS, I64GeSImm, BrIfI64GeS, BrIfI64GeSImm, not I64LtS, mirror I64LeS;
        I64GeU, I64GeUImm, BrIfI64GeU, BrIfI64GeUImm, not I64LtU, mirror I64LeU;
    }
}

/// Whether `op` is commutative (a constant left operand may swap to the right).
pub(crate) fn commutative(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        I32Add | I32Mul | I32And | I32Or | I32Xor | I64Add | I64Mul | I64And | I64Or | I64Xor
    )
}

/// Whether `op` uses an f32/f64 type (for the code gate's option `floats=reject`; also in
/// dead code).
pub(crate) fn is_float_op(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        F32Load { .. }
            | F64Load { .. }
            | F32Store { .. }
            | F64Store { .. }
            | F32Const { .. }
            | F64Const { .. }
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
            | I32TruncSatF32S
            | I32TruncSatF32U
            | I32TruncSatF64S
            | I32TruncSatF64U
            | I64TruncSatF32S
            | I64TruncSatF32U
            | I64TruncSatF64S
            | I64TruncSatF64U
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
            | I32ReinterpretF32
            | I64ReinterpretF64
            | F32ReinterpretI32
            | F64ReinterpretI64
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 24);
    }

    #[test]
    fn numeric_tables_cover_wasm1_numeric_operators() {
        let [un, bin, imm, br] = NUMERIC_NAMES;
        // 2 eqz, 6 int bit counts, 14 float unary, 20 conversions (the translator makes
        // reinterprets and i64.extend_i32_u no-ops), 5 sign extensions, 8 saturating
        // truncations (Wasm 2.0).
        assert_eq!(un.len(), 2 + 6 + 14 + 20 + 5 + 8);
        // 15 + 15 int arithmetic, 6 + 6 float compares, 7 + 7 float arithmetic, 10 + 10 int
        // compares.
        assert_eq!(bin.len(), 30 + 12 + 14 + 20);
        // Every immediate-capable int operator except sub (an add of the negation) and
        // div/rem (they trap), and every int compare.
        assert_eq!(imm.len(), 20 + 20);
        assert_eq!(br.len(), 40);
    }

    #[test]
    fn operators_map_to_their_instructions() {
        assert_eq!(
            binary(&Operator::I64Rotr, 1, 2, 3),
            Some(Instr::I64Rotr {
                dst: 1,
                lhs: 2,
                rhs: 3
            })
        );
        assert_eq!(
            binary_imm(&Operator::I32LtU, 1, 2, -3),
            Some(Instr::I32LtUImm {
                dst: 1,
                lhs: 2,
                imm: -3
            })
        );
        assert_eq!(binary_imm(&Operator::I32Sub, 1, 2, 3), None);
        assert_eq!(binary_imm(&Operator::I32DivU, 1, 2, 3), None);
        assert_eq!(binary_imm(&Operator::F32Add, 1, 2, 3), None);
        assert_eq!(
            unary(&Operator::F64PromoteF32, 4, 5),
            Some(Instr::F64PromoteF32 { dst: 4, src: 5 })
        );
        assert_eq!(unary(&Operator::Nop, 0, 0), None);
    }

    #[test]
    fn compares_fuse_negate_and_mirror() {
        let lt = Instr::I32LtU {
            dst: 9,
            lhs: 1,
            rhs: 2,
        };
        assert_eq!(
            branch_form(lt, -4),
            Some(Instr::BrIfI32LtU {
                lhs: 1,
                rhs: 2,
                offset: -4
            })
        );
        assert_eq!(
            negate(lt),
            Some(Instr::I32GeU {
                dst: 9,
                lhs: 1,
                rhs: 2
            })
        );
        let le_imm = Instr::I64LeSImm {
            dst: 9,
            lhs: 1,
            imm: 7,
        };
        assert_eq!(
            negate(le_imm),
            Some(Instr::I64GtSImm {
                dst: 9,
                lhs: 1,
                imm: 7
            })
        );
        assert_eq!(
            branch_form(negate(le_imm).unwrap_or(Instr::Unreachable), 3),
            Some(Instr::BrIfI64GtSImm {
                lhs: 1,
                imm: 7,
                offset: 3
            })
        );
        let eqz = Instr::I32Eqz { dst: 9, src: 4 };
        assert_eq!(
            branch_form(eqz, 2),
            Some(Instr::BrIfEqz { cond: 4, offset: 2 })
        );
        assert_eq!(
            branch_form(negate(eqz).unwrap_or(Instr::Unreachable), 2),
            Some(Instr::BrIfI32NeImm {
                lhs: 4,
                imm: 0,
                offset: 2
            })
        );
        // Floats have no exact negation (NaN compares false both ways) and no fused branch.
        let flt = Instr::F64Lt {
            dst: 9,
            lhs: 1,
            rhs: 2,
        };
        assert_eq!(negate(flt), None);
        assert_eq!(branch_form(flt, 1), None);
        assert_eq!(mirror(&Operator::I32LtS), Some(Operator::I32GtS));
        assert_eq!(mirror(&Operator::I64GeU), Some(Operator::I64LeU));
        assert_eq!(mirror(&Operator::I32Sub), None);
    }

    #[test]
    fn negation_is_an_involution_on_compares() {
        let (dst, lhs, imm) = (1, 2, 3);
        for cmp in [
            Instr::I32LtS { dst, lhs, rhs: 3 },
            Instr::I64GeU { dst, lhs, rhs: 3 },
            Instr::I32NeImm { dst, lhs, imm },
            Instr::I64GtUImm { dst, lhs, imm },
        ] {
            assert_eq!(negate(cmp).and_then(negate), Some(cmp));
        }
    }
}
