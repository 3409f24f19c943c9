//! Function-body translator: drives wasmparser's `FuncValidator` operator by operator and
//! emits register-form [`Instr`]s. Operands come from the provider stack
//! ([`providers`]); control frames, labels and branch values are in [`control`]; calls,
//! returns and bignum call sites in [`calls`]; metering charges in [`metering`]; bulk
//! memory, table and reference operators in [`bulk`].
//!
//! Fusion rules, each its own function here: a `local.set`/`local.tee` after an operation
//! retargets the operation's destination ([`Translator::local_set`]); an integer compare
//! followed by `br_if`/`if` becomes one compare-and-branch ([`Translator::take_compare`]);
//! a constant operand becomes an immediate ([`Translator::binary`]).

mod bulk;
mod calls;
mod control;
mod metering;
mod providers;

use wasmparser::{FuncValidator, FunctionBody, Operator, OperatorsReader, ValidatorResources};

use super::bignum::{BigCall, Intrinsic};
use super::config::Config;
use super::exec::encode::{encode_body, Layout};
use super::isa::{self, Instr, Slot, ACC};
use super::module::{CompileError, CompiledFunc};
use super::types::FuncType;
use control::Ctrl;
use providers::{Provider, Providers};

/// Read-only inputs of a body translation.
pub(crate) struct TranslateCtx<'a> {
    pub config: &'a Config,
    pub types: &'a [FuncType],
    pub func_type: &'a FuncType,
    /// Type index of every function (imported first).
    pub func_types: &'a [u32],
    /// Number of imported functions (defined function `i` has index `imported + i`).
    pub imported_funcs: u32,
    /// Per imported function: the native operation it is bound to, if any.
    pub import_intrinsics: &'a [Option<Intrinsic>],
    /// The module-wide index of the body's first bignum call site.
    pub bigcall_base: u32,
}

/// What one body translation produced.
#[derive(Debug)]
pub(crate) struct Translated {
    /// The body's executed code and frame facts.
    pub func: CompiledFunc,
    /// Its bignum call sites, in order: `Instr::Bignum` site `bigcall_base + k` is entry
    /// `k`.
    pub bigcalls: Vec<BigCall>,
    /// Whether the body uses a float instruction.
    pub uses_floats: bool,
}

/// Allocations reused from one body to the next.
#[derive(Debug, Default)]
pub(crate) struct TranslateAllocs {
    providers: Providers,
    ctrl: Vec<Ctrl>,
    body: Vec<Instr>,
    layout: Layout,
    spare: Vec<Vec<usize>>,
}

/// The most slots a call frame may have (word operands are 16-bit).
pub(crate) const MAX_FRAME_SLOTS: u32 = 1 << 16;

/// An operand taken off the provider stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// A slot (a local's or a temporary's).
    Slot(Slot),
    /// A constant (raw bits; `wide` for i64).
    Const { bits: u64, wide: bool },
}

struct Translator<'a, 'c> {
    ctx: &'a TranslateCtx<'a>,
    code: &'c mut Vec<Instr>,
    bigcalls: &'c mut Vec<BigCall>,
    providers: Providers,
    ctrl: Vec<Ctrl>,
    uses_floats: bool,
    /// The instruction that wrote the top provider (a temporary) and was emitted last, with
    /// no label after it: the candidate for retargeting and compare-and-branch fusion.
    last: Option<usize>,
    /// Position of the most recent label: no instruction before it may be removed or merged
    /// with one after it (a branch lands between them).
    barrier: usize,
    /// Emptied vectors of ended frames' forward branches, for new frames.
    spare: Vec<Vec<usize>>,
}

pub(crate) fn to_u32(v: usize) -> Result<u32, CompileError> {
    u32::try_from(v).map_err(|_| CompileError {
        offset: 0,
        message: "function too large".into(),
    })
}

/// The error of a body whose frame would exceed [`MAX_FRAME_SLOTS`].
pub(crate) fn frame_too_large() -> CompileError {
    control::error(format!(
        "function needs more than {MAX_FRAME_SLOTS} slots for its locals and operands"
    ))
}

/// Validates (with `fv`) and translates one function body.
pub(crate) fn translate_body(
    ctx: &TranslateCtx<'_>,
    fv: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    allocs: &mut TranslateAllocs,
) -> Result<Translated, CompileError> {
    let mut reader = body.get_binary_reader();
    fv.read_locals(&mut reader)?;
    reader.set_features(*fv.features());
    let mut reader = OperatorsReader::new(reader);
    let params = to_u32(ctx.func_type.params.len())?;
    let locals = fv.len_locals();
    let mut providers = std::mem::take(&mut allocs.providers);
    providers.reset(locals);
    let mut body_code = std::mem::take(&mut allocs.body);
    body_code.clear();
    let mut bigcalls = Vec::new();
    let mut t = Translator {
        ctx,
        code: &mut body_code,
        bigcalls: &mut bigcalls,
        providers,
        ctrl: std::mem::take(&mut allocs.ctrl),
        uses_floats: false,
        last: None,
        barrier: 0,
        spare: std::mem::take(&mut allocs.spare),
    };
    t.ctrl.clear();
    t.barrier = t.code.len();
    let results = to_u32(ctx.func_type.results.len())?;
    t.push_frame(control::FrameKind::Func, true, 0, 0, results);
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read()?;
        let reachable = fv.get_control_frame(0).is_some_and(|f| !f.unreachable);
        fv.op(offset, &op)?;
        t.translate(&op, reachable).map_err(|mut e| {
            e.offset = offset as usize;
            e
        })?;
    }
    reader.finish()?;
    let uses_floats = t.uses_floats;
    let frame_size = locals
        .checked_add(to_u32(t.providers.max_height())?)
        .filter(|size| *size <= MAX_FRAME_SLOTS)
        .ok_or_else(frame_too_large)?;
    allocs.providers = t.providers;
    allocs.ctrl = t.ctrl;
    allocs.spare = t.spare;
    // A call charges the entry block itself and skips its `ChargeGas` (one word, and
    // never preceded by a checkpoint).
    let (entry_gas, call_entry) = match body_code.first() {
        Some(Instr::ChargeGas { amount }) => (*amount, 1),
        _ => (0, 0),
    };
    let mut words = Vec::new();
    encode_body(&body_code, &mut words, &mut allocs.layout)?;
    let func = CompiledFunc {
        words: words.into_boxed_slice(),
        params,
        locals: locals - params,
        frame_size,
        entry_gas,
        call_entry,
        #[cfg(test)]
        ir: body_code.clone(),
    };
    allocs.body = body_code;
    Ok(Translated {
        func,
        bigcalls,
        uses_floats,
    })
}

impl Translator<'_, '_> {
    fn pc(&self) -> usize {
        self.code.len()
    }

    /// Appends `instr`; returns its position.
    fn emit(&mut self, instr: Instr) -> usize {
        self.last = None;
        self.code.push(instr);
        self.code.len() - 1
    }

    /// Appends `instr`, which writes the next positional slot, and pushes that temporary.
    fn emit_result(&mut self, instr: Instr) {
        let at = self.emit(instr);
        self.providers.push_temp();
        self.last = Some(at);
    }

    /// Pops the top value as an operand.
    fn pop(&mut self) -> Operand {
        let h = self.providers.height().saturating_sub(1);
        match self.providers.pop() {
            Some(Provider::Local { index, .. }) => Operand::Slot(index),
            Some(Provider::Const { bits, wide }) => Operand::Const { bits, wide },
            Some(Provider::Temp) | None => Operand::Slot(self.providers.slot_at(h)),
        }
    }

    /// Pops the top value as a slot, writing a constant into its positional slot first.
    fn pop_slot(&mut self) -> Slot {
        let h = self.providers.height().saturating_sub(1);
        let operand = self.pop();
        self.slot_of(operand, h)
    }

    /// The slot of `operand` that was at `height`: constants are written to it.
    fn slot_of(&mut self, operand: Operand, height: usize) -> Slot {
        match operand {
            Operand::Slot(s) => s,
            Operand::Const { bits, .. } => {
                let dst = self.providers.slot_at(height);
                self.emit(Instr::Const { dst, value: bits });
                dst
            }
        }
    }

    /// Pops `n` values into their positional slots (call arguments, multi-value spans);
    /// returns the first slot.
    fn pop_to_positional(&mut self, n: usize) -> Slot {
        for _ in 0..n {
            let h = self.providers.height() - 1;
            let dst = self.providers.slot_at(h);
            let operand = self.pop();
            self.write_operand(dst, operand);
        }
        self.providers.next_slot()
    }

    /// Emits `fp[dst] = operand` unless it is already there.
    fn write_operand(&mut self, dst: Slot, operand: Operand) {
        match operand {
            Operand::Slot(s) if s == dst => {}
            Operand::Slot(src) => {
                self.emit(Instr::Copy { dst, src });
            }
            Operand::Const { bits, .. } => {
                self.emit(Instr::Const { dst, value: bits });
            }
        }
    }

    /// The value at `height` as an operand (without popping).
    fn operand_at(&self, height: usize) -> Operand {
        let depth = self.providers.height() - 1 - height;
        match self.providers.peek(depth) {
            Some(Provider::Local { index, .. }) => Operand::Slot(index),
            Some(Provider::Const { bits, wide }) => Operand::Const { bits, wide },
            Some(Provider::Temp) | None => Operand::Slot(self.providers.slot_at(height)),
        }
    }

    /// Runs `f` with the last instruction (the fusion candidate) taken out and puts it back
    /// after what `f` emits: `f` may only emit copies into temporaries below the candidate's
    /// operands, which the candidate neither reads nor writes.
    fn before_last(&mut self, f: impl FnOnce(&mut Self)) {
        let last = self.last.and_then(|_| self.code.pop());
        f(self);
        if let Some(instr) = last {
            self.code.push(instr);
            self.last = Some(self.code.len() - 1);
        }
    }

    /// Copies the old value of local `index` to every pending reader before it is written.
    fn preserve_local(&mut self, index: Slot) {
        if !self.providers.has_reads(index) {
            return;
        }
        for dst in self.providers.take_reads(index) {
            self.emit(Instr::Copy { dst, src: index });
        }
    }

    /// `local.set` (and `local.tee` when `tee`): retargets the instruction that computed
    /// the value when it was emitted last, else copies.
    fn local_set(&mut self, index: Slot, tee: bool) {
        if self.retarget_candidate().is_some() {
            self.providers.pop();
            if self.providers.has_reads(index) {
                self.before_last(|t| t.preserve_local(index));
            }
            // The candidate is the last instruction (after any copies made before it).
            if let Some(dst) = self.code.last_mut().and_then(Instr::dst_mut) {
                *dst = index;
            }
            self.last = None;
            if tee {
                self.providers.push_local(index);
            }
            return;
        }
        let h = self.providers.height() - 1;
        let value = self.providers.peek(0);
        let operand = self.pop();
        if operand == Operand::Slot(index) && matches!(value, Some(Provider::Local { .. })) {
            // `local.get x; local.set x`: nothing changes.
            if tee {
                self.providers.push_local(index);
            }
            return;
        }
        self.preserve_local(index);
        self.write_operand(index, operand);
        if tee {
            match value {
                Some(Provider::Local { index: src, .. }) => self.providers.push_local(src),
                Some(Provider::Const { bits, wide }) => self.providers.push_const(bits, wide),
                _ => {
                    debug_assert_eq!(self.providers.height(), h);
                    self.providers.push_temp();
                }
            }
        }
    }

    /// The last instruction, if it wrote the top provider's positional slot.
    fn retarget_candidate(&self) -> Option<usize> {
        let at = self.last?;
        let top = self.providers.height().checked_sub(1)?;
        if at + 1 != self.code.len() || self.providers.peek(0) != Some(Provider::Temp) {
            return None;
        }
        let mut instr = *self.code.get(at)?;
        let dst = *instr.dst_mut()?;
        (dst == self.providers.slot_at(top)).then_some(at)
    }

    /// Fusion: the last instruction and the temporary it wrote, when it may hand that value
    /// to the next instruction in the accumulator instead (see [`Translator::hand_over`]).
    /// Take it before popping the next instruction's operands.
    fn acc_producer(&self) -> Option<(usize, Slot)> {
        let at = self.last?;
        if at + 1 != self.code.len() {
            return None;
        }
        let mut instr = *self.code.get(at)?;
        let dst = *instr.acc_dst_mut()?;
        let height = dst.checked_sub(self.providers.slot_at(0))? as usize;
        // The temporary must still be on the stack (a `drop` may have taken it, and a
        // constant may then be written to the same slot).
        let depth = self.providers.height().checked_sub(height + 1)?;
        (dst != ACC && self.providers.peek(depth) == Some(Provider::Temp)).then_some((at, dst))
    }

    /// Fusion: `instr` consumes operands right after `producer` (from
    /// [`Translator::acc_producer`]). If one of them is the temporary the producer wrote,
    /// the producer writes the accumulator instead and `instr` reads it there. A temporary
    /// is read once, by the instruction that pops it; what may come between the two
    /// (constants and copies written to slots) leaves the accumulator alone.
    fn hand_over(&mut self, producer: Option<(usize, Slot)>, instr: &mut Instr) {
        let Some((at, slot)) = producer else {
            return;
        };
        if instr.operand_to_acc(slot) {
            if let Some(dst) = self.code.get_mut(at).and_then(Instr::acc_dst_mut) {
                *dst = ACC;
            }
        }
    }

    /// Fusion: when the top provider is the result of an integer compare emitted last,
    /// pops it and removes the compare; returns it for a compare-and-branch.
    fn take_compare(&mut self) -> Option<Instr> {
        let at = self.retarget_candidate()?;
        let cmp = *self.code.get(at)?;
        isa::branch_form(cmp, 0)?;
        self.providers.pop();
        self.code.pop();
        self.last = None;
        Some(cmp)
    }

    fn translate(&mut self, op: &Operator<'_>, reachable: bool) -> Result<(), CompileError> {
        self.uses_floats |= isa::is_float_op(op);
        let frame_live = self.ctrl.last().is_some_and(|f| f.live);
        let emit = frame_live && reachable;
        self.count_for_metering(op, emit);
        match op {
            Operator::Block { blockty } => self.block(*blockty, control::FrameKind::Block, emit),
            Operator::Loop { blockty } => self.block(*blockty, control::FrameKind::Loop, emit),
            Operator::If { blockty } => self.if_(*blockty, emit),
            Operator::Else => self.else_(reachable),
            Operator::End => self.end(reachable),
            _ if !emit => Ok(()),
            _ => self.translate_plain(op),
        }
    }

    fn translate_plain(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        match op {
            // Slots hold raw bits with every i32 zero-extended (an invariant of every
            // write), so these change no bits.
            Operator::Nop
            | Operator::I32ReinterpretF32
            | Operator::I64ReinterpretF64
            | Operator::F32ReinterpretI32
            | Operator::F64ReinterpretI64 => {}
            // The bits stay, but a constant becomes an i64 one: its immediate form must
            // not sign-extend it.
            Operator::I64ExtendI32U => self.providers.widen_top_const(),
            Operator::Unreachable => {
                self.emit(Instr::Unreachable);
            }
            Operator::Br { relative_depth } => self.br(*relative_depth)?,
            Operator::BrIf { relative_depth } => self.br_if(*relative_depth)?,
            Operator::BrTable { targets } => self.br_table(targets)?,
            Operator::Return => self.return_()?,
            Operator::Call { function_index } => self.call(*function_index)?,
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(*type_index, *table_index)?,
            Operator::Drop => {
                self.providers.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => self.select(),
            Operator::LocalGet { local_index } => self.providers.push_local(*local_index),
            Operator::LocalSet { local_index } => self.local_set(*local_index, false),
            Operator::LocalTee { local_index } => self.local_set(*local_index, true),
            Operator::GlobalGet { global_index } => {
                let dst = self.providers.next_slot();
                self.emit_result(Instr::GlobalGet {
                    dst,
                    index: *global_index,
                });
            }
            Operator::GlobalSet { global_index } => {
                let src = self.pop_slot();
                self.emit(Instr::GlobalSet {
                    index: *global_index,
                    src,
                });
            }
            Operator::MemorySize { .. } => {
                let dst = self.providers.next_slot();
                self.emit_result(Instr::MemorySize { dst });
            }
            Operator::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.providers.next_slot();
                self.emit_result(Instr::MemoryGrow { dst, delta });
            }
            Operator::I32Const { value } => {
                self.providers.push_const(u64::from(*value as u32), false)
            }
            Operator::I64Const { value } => self.providers.push_const(*value as u64, true),
            Operator::F32Const { value } => {
                self.providers.push_const(u64::from(value.bits()), false)
            }
            Operator::F64Const { value } => self.providers.push_const(value.bits(), true),
            _ => self.numeric_or_memory(op)?,
        }
        Ok(())
    }

    fn numeric_or_memory(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        if isa::unary(op, 0, 0).is_some() {
            let producer = self.acc_producer();
            let src = self.pop_slot();
            let dst = self.providers.next_slot();
            if let Some(mut instr) = isa::unary(op, dst, src) {
                self.hand_over(producer, &mut instr);
                self.emit_result(instr);
            }
            return Ok(());
        }
        if isa::binary(op, 0, 0, 0).is_some() {
            self.binary(op);
            return Ok(());
        }
        if self.bulk_or_reference(op) {
            return Ok(());
        }
        self.memory(op)
    }

    /// A binary operator: a constant right operand (or a constant left operand of a
    /// commutative or mirrored compare) becomes an immediate when it fits.
    fn binary(&mut self, op: &Operator<'_>) {
        let producer = self.acc_producer();
        let rhs = self.pop();
        let lhs = self.pop();
        let h = self.providers.height();
        let dst = self.providers.slot_at(h);
        let imm_form = match (lhs, rhs) {
            (Operand::Slot(l), Operand::Const { bits, wide }) => {
                immediate_form(op, dst, l, bits, wide)
            }
            (Operand::Const { bits, wide }, Operand::Slot(r)) => {
                let swapped = if isa::commutative(op) {
                    Some(op.clone())
                } else {
                    isa::mirror(op)
                };
                swapped.and_then(|sw| immediate_form(&sw, dst, r, bits, wide))
            }
            _ => None,
        };
        let mut instr = match imm_form {
            Some(instr) => instr,
            None => {
                let l = self.slot_of(lhs, h);
                let r = self.slot_of(rhs, h + 1);
                match isa::binary(op, dst, l, r) {
                    Some(instr) => instr,
                    None => return,
                }
            }
        };
        self.hand_over(producer, &mut instr);
        self.emit_result(instr);
    }

    /// `select`: the condition, then the two values; the second value's slot follows in an
    /// [`Instr::Args`].
    fn select(&mut self) {
        let cond = self.pop_slot();
        let h = self.providers.height();
        let rhs = self.pop();
        let lhs = self.pop();
        let lhs = self.slot_of(lhs, h - 2);
        let rhs = self.slot_of(rhs, h - 1);
        let dst = self.providers.next_slot();
        self.emit(Instr::Select { dst, cond, lhs });
        // The destination is in the `Select`, not the last instruction: no retargeting.
        self.emit(Instr::Args { a: rhs, b: 0 });
        self.providers.push_temp();
    }

    fn memory(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        let offset = |m: &wasmparser::MemArg| {
            u32::try_from(m.offset).map_err(|_| control::error("memory offset out of range"))
        };
        let producer = self.acc_producer();
        macro_rules! load {
            ($variant:ident, $m:expr) => {{
                let offset = offset($m)?;
                let addr = self.pop_slot();
                let dst = self.providers.next_slot();
                let mut instr = Instr::$variant { dst, addr, offset };
                self.hand_over(producer, &mut instr);
                self.emit_result(instr);
            }};
        }
        // A constant value that fits an i16 once cut to the stored width (`$cut`) is an
        // immediate.
        macro_rules! store {
            ($variant:ident, $imm:ident, $m:expr, $cut:expr) => {{
                let offset = offset($m)?;
                let h = self.providers.height();
                let value = self.pop();
                let addr = self.pop_slot();
                let cut: fn(u64) -> i64 = $cut;
                let mut instr = match value {
                    Operand::Const { bits, .. } if i16::try_from(cut(bits)).is_ok() => {
                        let value = cut(bits) as i16;
                        Instr::$imm {
                            addr,
                            value,
                            offset,
                        }
                    }
                    _ => {
                        let value = self.slot_of(value, h - 1);
                        Instr::$variant {
                            addr,
                            value,
                            offset,
                        }
                    }
                };
                self.hand_over(producer, &mut instr);
                self.emit(instr);
            }};
        }
        match op {
            Operator::I32Load { memarg }
            | Operator::F32Load { memarg }
            | Operator::I64Load32U { memarg } => load!(I32Load, memarg),
            Operator::I64Load { memarg } | Operator::F64Load { memarg } => load!(I64Load, memarg),
            Operator::I32Load8S { memarg } => load!(I32Load8S, memarg),
            Operator::I32Load8U { memarg } | Operator::I64Load8U { memarg } => {
                load!(I32Load8U, memarg)
            }
            Operator::I32Load16S { memarg } => load!(I32Load16S, memarg),
            Operator::I32Load16U { memarg } | Operator::I64Load16U { memarg } => {
                load!(I32Load16U, memarg)
            }
            Operator::I64Load8S { memarg } => load!(I64Load8S, memarg),
            Operator::I64Load16S { memarg } => load!(I64Load16S, memarg),
            Operator::I64Load32S { memarg } => load!(I64Load32S, memarg),
            Operator::I32Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::I64Store32 { memarg } => {
                store!(I32Store, I32StoreImm, memarg, |b| i64::from(
                    b as u32 as i32
                ))
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                store!(I64Store, I64StoreImm, memarg, |b| b as i64)
            }
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                store!(I32Store8, I32Store8Imm, memarg, |b| i64::from(b as u8))
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                store!(I32Store16, I32Store16Imm, memarg, |b| i64::from(
                    b as u16 as i16
                ))
            }
            other => {
                return Err(control::error(format!("unsupported operator {other:?}")));
            }
        }
        Ok(())
    }
}

/// The immediate form of `op` with constant right operand `bits` (`wide` for an i64),
/// if `op` has one. `x - c` is `x + (-c)`.
fn immediate_form(op: &Operator<'_>, dst: Slot, lhs: Slot, bits: u64, wide: bool) -> Option<Instr> {
    let imm = if wide {
        bits as i64
    } else {
        i64::from(bits as u32 as i32)
    };
    match op {
        Operator::I32Sub => {
            let neg = i64::from((imm as i32).wrapping_neg());
            isa::binary_imm(&Operator::I32Add, dst, lhs, neg)
        }
        Operator::I64Sub => isa::binary_imm(&Operator::I64Add, dst, lhs, imm.wrapping_neg()),
        _ => isa::binary_imm(op, dst, lhs, imm),
    }
}

#[cfg(test)]
mod tests;
