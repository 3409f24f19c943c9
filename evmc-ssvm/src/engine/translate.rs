//! Function-body translator: drives wasmparser's `FuncValidator` operator by operator and
//! emits `Instr`s with resolved branch targets, drop/keep amounts and metering charges.

use wasmparser::{
    BlockType, FuncValidator, FunctionBody, Operator, OperatorsReader, ValidatorResources,
};

use super::bignum::{BigCall, Intrinsic, Operand};
use super::config::Config;
use super::isa::{fuse, fuse_br_if, refuse, simple_instr, DropKeep, Instr};
use super::module::{CompileError, CompiledFunc};
use super::types::FuncType;

/// Read-only inputs of a body translation.
pub(crate) struct TranslateCtx<'a> {
    pub config: &'a Config,
    pub types: &'a [FuncType],
    pub func_type: &'a FuncType,
    /// Number of imported functions (defined function `i` has index `imported + i`).
    pub imported_funcs: u32,
    /// Per imported function: the native operation it is bound to, if any.
    pub import_intrinsics: &'a [Option<Intrinsic>],
}

/// Where a body translation appends its output.
pub(crate) struct TranslateOut<'a> {
    /// The module's instructions.
    pub code: &'a mut Vec<Instr>,
    /// The module's bignum call sites.
    pub bigcalls: &'a mut Vec<BigCall>,
    /// Set when the body uses a float instruction.
    pub uses_floats: &'a mut bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Func,
    Block,
    Loop,
    If,
}

/// Stack adjustment of a branch to `frame` taken at operand `height`, carrying `keep`
/// values (a branch to the function frame returns instead: nothing to adjust).
fn branch_drop_keep(frame: &Ctrl, height: u32, keep: u32) -> DropKeep {
    if frame.kind == FrameKind::Func {
        return DropKeep { drop: 0, keep: 0 };
    }
    DropKeep {
        drop: height.saturating_sub(frame.height).saturating_sub(keep),
        keep,
    }
}

/// One control frame of the translator.
#[derive(Debug)]
struct Ctrl {
    kind: FrameKind,
    /// Whether code in this frame is emitted at all (false inside dead code).
    live: bool,
    /// Operand height at block entry (after popping params / the `if` condition).
    height: u32,
    /// Values a branch to this label carries.
    branch_arity: u32,
    /// Loop head (known backward target).
    loop_target: u32,
    /// Forward branch instructions to patch at `end`.
    pending: Vec<usize>,
    /// The `BrIfEqz` of an `if` still waiting for its else/end target.
    else_patch: Option<usize>,
    /// Index of this frame's current `ChargeGas` instruction and its accumulated cost.
    charge: Option<usize>,
    cost: u64,
    /// Every instruction since this frame's charge is quiet ([`is_quiet`]) and no child
    /// frame has ended since: a `block` opened now is entered whenever that charge runs.
    quiet: bool,
}

struct Translator<'a, 'c> {
    ctx: &'a TranslateCtx<'a>,
    code: &'c mut Vec<Instr>,
    bigcalls: &'c mut Vec<BigCall>,
    ctrl: Vec<Ctrl>,
    uses_floats: bool,
    /// Position of the most recent label: the instruction at this index must not be fused
    /// into its predecessor (a branch lands on it).
    barrier: usize,
}

/// Whether `op` can neither branch, call, trap nor use gas. Only such instructions may lie
/// between a charge and a `block` that shares it ([`Translator::shared_charge`]).
fn is_quiet(op: &Operator<'_>) -> bool {
    use Operator::*;
    match op {
        Nop
        | Drop
        | Select
        | TypedSelect { .. }
        | LocalGet { .. }
        | LocalSet { .. }
        | LocalTee { .. }
        | GlobalGet { .. }
        | GlobalSet { .. }
        | I32Const { .. }
        | I64Const { .. }
        | F32Const { .. }
        | F64Const { .. }
        | MemorySize { .. }
        | I32ReinterpretF32
        | I64ReinterpretF64
        | F32ReinterpretI32
        | F64ReinterpretI64 => true,
        // Integer division and float-to-integer truncation trap.
        I32DivS | I32DivU | I32RemS | I32RemU | I64DivS | I64DivU | I64RemS | I64RemU
        | I32TruncF32S | I32TruncF32U | I32TruncF64S | I32TruncF64U | I64TruncF32S
        | I64TruncF32U | I64TruncF64S | I64TruncF64U => false,
        // The remaining numeric operators: arithmetic, comparisons, conversions.
        _ => simple_instr(op).is_some(),
    }
}

fn to_u32(v: usize) -> Result<u32, CompileError> {
    u32::try_from(v).map_err(|_| CompileError {
        offset: 0,
        message: "function too large".into(),
    })
}

/// Translates one function body, appending to `out`; returns its descriptor.
pub(crate) fn translate_body(
    ctx: &TranslateCtx<'_>,
    fv: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    out: TranslateOut<'_>,
) -> Result<CompiledFunc, CompileError> {
    let TranslateOut {
        code,
        bigcalls,
        uses_floats,
    } = out;
    let mut reader = body.get_binary_reader();
    fv.read_locals(&mut reader)?;
    reader.set_features(*fv.features());
    let mut reader = OperatorsReader::new(reader);
    let params = to_u32(ctx.func_type.params.len())?;
    let locals = fv.len_locals().saturating_sub(params);
    let entry = to_u32(code.len())?;
    let mut t = Translator {
        ctx,
        code,
        bigcalls,
        ctrl: Vec::new(),
        uses_floats: false,
        barrier: 0,
    };
    t.barrier = t.code.len();
    t.push_frame(
        FrameKind::Func,
        true,
        0,
        to_u32(ctx.func_type.results.len())?,
    );
    let mut max_height = 0u32;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read()?;
        let reachable = fv.get_control_frame(0).is_some_and(|f| !f.unreachable);
        let height = fv.operand_stack_height();
        fv.op(offset, &op)?;
        t.translate(&op, reachable, height).map_err(|mut e| {
            e.offset = offset as usize;
            e
        })?;
        max_height = max_height.max(fv.operand_stack_height());
    }
    reader.finish()?;
    *uses_floats |= t.uses_floats;
    Ok(CompiledFunc {
        entry,
        params,
        locals,
        max_height: max_height + 1,
    })
}

impl Translator<'_, '_> {
    fn pc(&self) -> Result<u32, CompileError> {
        to_u32(self.code.len())
    }

    fn unsupported(op: &Operator<'_>) -> CompileError {
        CompileError {
            offset: 0,
            message: format!("unsupported operator {op:?}"),
        }
    }

    /// Pushes a frame and opens its metered block.
    fn push_frame(&mut self, kind: FrameKind, live: bool, height: u32, arity: u32) {
        let loop_target = self.code.len() as u32;
        self.barrier = self.code.len();
        let mut frame = Ctrl {
            kind,
            live,
            height,
            branch_arity: arity,
            loop_target,
            pending: Vec::new(),
            else_patch: None,
            charge: None,
            cost: 1,
            quiet: true,
        };
        if live && self.ctx.config.metering {
            frame.charge = self.shared_charge(kind).or_else(|| {
                self.code.push(Instr::ChargeGas(0));
                Some(loop_target as usize)
            });
        }
        self.ctrl.push(frame);
    }

    /// The `ChargeGas` a new `block` can share: its parent's, when only quiet instructions
    /// ran since it ([`is_quiet`]: no branch, call, trap or gas use). A `block` is entered only by falling into it, so that charge then runs exactly
    /// when this block is entered, and charging both at once is unobservable: the only
    /// difference is that an out-of-gas stop comes before quiet instructions whose effects
    /// (locals, globals, operands) the stop discards anyway. One dispatch instead of one per
    /// block, e.g. for the `block` nests of a `br_table` switch. A `loop` never shares: its
    /// back edges re-enter it without its parent; an `if` arm is entered conditionally.
    fn shared_charge(&self, kind: FrameKind) -> Option<usize> {
        let parent = self.ctrl.last()?;
        let at = parent.charge?;
        (kind == FrameKind::Block && parent.quiet).then_some(at)
    }

    /// Adds the accumulated cost to the frame's `ChargeGas` and starts a new block.
    fn close_segment(&mut self, idx: usize) {
        if let Some(frame) = self.ctrl.get_mut(idx) {
            if let Some(at) = frame.charge.take() {
                if let Some(Instr::ChargeGas(sum)) = self.code.get_mut(at) {
                    let cost = u32::try_from(frame.cost).unwrap_or(u32::MAX);
                    *sum = sum.saturating_add(cost);
                }
            }
            frame.cost = 1;
        }
    }

    fn block_arity(&self, ty: BlockType) -> Result<(u32, u32), CompileError> {
        Ok(match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(idx) => {
                let ft = self
                    .ctx
                    .types
                    .get(idx as usize)
                    .ok_or_else(|| Self::unsupported(&Operator::Nop))?;
                (to_u32(ft.params.len())?, to_u32(ft.results.len())?)
            }
        })
    }

    fn patch(&mut self, at: usize, target: u32) {
        use Instr::*;
        if let Some(
            Br { target: t, .. }
            | BrIf { target: t, .. }
            | BrIfEqz(t)
            | BrIfNez(t)
            | BrIfI32Eq(t)
            | BrIfI32Ne(t)
            | BrIfI32LtS(t)
            | BrIfI32LtU(t)
            | BrIfI32GtS(t)
            | BrIfI32GtU(t)
            | BrIfI32LeS(t)
            | BrIfI32LeU(t)
            | BrIfI32GeS(t)
            | BrIfI32GeU(t)
            | BrIfI32Eqz(t),
        ) = self.code.get_mut(at)
        {
            *t = target;
        }
    }

    /// Emits a (conditional) branch to relative `depth` with the operand `height` at the
    /// branch (after popping any condition/index).
    fn emit_branch(
        &mut self,
        depth: u32,
        height: u32,
        conditional: bool,
    ) -> Result<(), CompileError> {
        let idx = self
            .ctrl
            .len()
            .checked_sub(1 + depth as usize)
            .ok_or_else(|| Self::unsupported(&Operator::Nop))?;
        let frame = &self.ctrl[idx];
        let keep = frame.branch_arity;
        if frame.kind == FrameKind::Func && !conditional {
            self.code.push(Instr::Return { keep });
            return Ok(());
        }
        let dk = branch_drop_keep(frame, height, keep);
        let is_loop = frame.kind == FrameKind::Loop;
        let target = if is_loop { frame.loop_target } else { 0 };
        let at = if conditional && dk.drop == 0 {
            self.push_br_if_nez(target)
        } else {
            self.code.push(if conditional {
                Instr::BrIf { target, dk }
            } else {
                Instr::Br { target, dk }
            });
            self.code.len() - 1
        };
        if !is_loop {
            self.ctrl[idx].pending.push(at);
        }
        Ok(())
    }

    fn translate(
        &mut self,
        op: &Operator<'_>,
        reachable: bool,
        height: u32,
    ) -> Result<(), CompileError> {
        let top = self.ctrl.len().saturating_sub(1);
        let frame_live = self.ctrl.last().is_some_and(|f| f.live);
        if self.ctx.config.metering && !matches!(op, Operator::End | Operator::Else) {
            if let Some(f) = self.ctrl.last_mut() {
                f.cost += 1;
            }
        }
        let emit = frame_live && reachable;
        let opens_or_closes = matches!(
            op,
            Operator::Block { .. } | Operator::Loop { .. } | Operator::Else | Operator::End
        );
        if emit && !opens_or_closes && !is_quiet(op) {
            if let Some(f) = self.ctrl.last_mut() {
                f.quiet = false;
            }
        }
        match op {
            Operator::Block { blockty } | Operator::Loop { blockty } => {
                let (p, r) = self.block_arity(*blockty)?;
                let kind = if matches!(op, Operator::Loop { .. }) {
                    FrameKind::Loop
                } else {
                    FrameKind::Block
                };
                let arity = if kind == FrameKind::Loop { p } else { r };
                self.push_frame(kind, emit, height.saturating_sub(p), arity);
            }
            Operator::If { blockty } => {
                let (p, r) = self.block_arity(*blockty)?;
                let else_at = self.code.len();
                if emit {
                    self.code.push(Instr::BrIfEqz(0));
                }
                self.push_frame(FrameKind::If, emit, height.saturating_sub(1 + p), r);
                if emit {
                    if let Some(f) = self.ctrl.last_mut() {
                        f.else_patch = Some(else_at);
                    }
                }
            }
            Operator::Else => {
                if frame_live {
                    if reachable {
                        let at = self.code.len();
                        self.code.push(Instr::Br {
                            target: 0,
                            dk: DropKeep { drop: 0, keep: 0 },
                        });
                        self.ctrl[top].pending.push(at);
                    }
                    let pc = self.pc()?;
                    self.barrier = self.code.len();
                    if let Some(at) = self.ctrl[top].else_patch.take() {
                        self.patch(at, pc);
                    }
                }
                self.close_segment(top);
                if frame_live && self.ctx.config.metering {
                    self.ctrl[top].charge = Some(self.code.len());
                    self.ctrl[top].quiet = true;
                    self.code.push(Instr::ChargeGas(0));
                }
            }
            Operator::End => self.end_frame()?,
            _ if !emit => {
                self.note_floats(op);
            }
            _ => self.translate_plain(op, height)?,
        }
        Ok(())
    }

    fn end_frame(&mut self) -> Result<(), CompileError> {
        let top = self.ctrl.len().saturating_sub(1);
        self.close_segment(top);
        let Some(frame) = self.ctrl.pop() else {
            return Ok(());
        };
        // The child may have branched past the rest of its parent.
        if let Some(parent) = self.ctrl.last_mut() {
            parent.quiet = false;
        }
        if frame.kind == FrameKind::Func {
            let ret = self.pc()?;
            self.code.push(Instr::Return {
                keep: frame.branch_arity,
            });
            for at in frame.pending {
                self.patch(at, ret);
            }
            return Ok(());
        }
        if frame.live {
            let pc = self.pc()?;
            self.barrier = self.code.len();
            if let Some(at) = frame.else_patch {
                self.patch(at, pc);
            }
            for at in frame.pending {
                self.patch(at, pc);
            }
        }
        Ok(())
    }

    fn note_floats(&mut self, op: &Operator<'_>) {
        if simple_instr(op).is_some_and(|i| i.is_float())
            || matches!(
                op,
                Operator::F32Load { .. }
                    | Operator::F64Load { .. }
                    | Operator::F32Store { .. }
                    | Operator::F64Store { .. }
                    | Operator::F32Const { .. }
                    | Operator::F64Const { .. }
                    | Operator::I32ReinterpretF32
                    | Operator::I64ReinterpretF64
                    | Operator::F32ReinterpretI32
                    | Operator::F64ReinterpretI64
            )
        {
            self.uses_floats = true;
        }
    }

    /// Appends `instr`, fusing it with preceding instructions when no label intervenes.
    fn push(&mut self, instr: Instr) {
        self.uses_floats |= instr.is_float();
        let mut instr = instr;
        while self.code.len() != self.barrier {
            let Some(fused) = self.code.last().and_then(|prev| fuse(*prev, instr)) else {
                break;
            };
            self.code.pop();
            instr = fused;
        }
        if let Instr::I32AddImm(_) = instr {
            self.refuse_last(&mut instr);
        }
        self.code.push(instr);
    }

    /// Splits a fused pair before `instr` when `instr` fuses better with its second half
    /// ([`refuse`]). Cold: only an add-immediate that did not fuse gets here.
    #[cold]
    fn refuse_last(&mut self, instr: &mut Instr) {
        if self.code.len() == self.barrier {
            return;
        }
        if let Some(last) = self.code.last_mut() {
            if let Some((first, fused)) = refuse(*last, *instr) {
                *last = first;
                *instr = fused;
            }
        }
    }

    /// A call of a bignum operation: trailing pointer arguments pushed by constants and
    /// locals right before the call (no label in between) are folded into its [`BigCall`]
    /// and read when it executes. Nothing between those pushes and the call writes a local,
    /// so the values are the same.
    fn push_bignum(&mut self, intr: Intrinsic) -> Result<(), CompileError> {
        let mut call = BigCall::new(intr);
        while call.from_stack > 0 && self.code.len() != self.barrier {
            let Some(last) = self.code.last_mut() else {
                break;
            };
            let operand = match *last {
                Instr::I32Const(c) => Operand::Const(c as u32),
                Instr::LocalGet(index) => Operand::Local { index, offset: 0 },
                Instr::LocalGetI32AddImm(index, c) => Operand::Local {
                    index,
                    offset: c as u32,
                },
                Instr::LocalGet2(a, b) => {
                    // Fold `local.get b`; `local.get a` stays and may be folded next.
                    *last = Instr::LocalGet(a);
                    call.fold_last(Operand::Local {
                        index: b,
                        offset: 0,
                    });
                    continue;
                }
                _ => break,
            };
            self.code.pop();
            call.fold_last(operand);
        }
        let k = to_u32(self.bigcalls.len())?;
        self.bigcalls.push(call);
        self.code.push(Instr::Bignum(k));
        Ok(())
    }

    /// A `br_if` without stack adjustment: fused with a preceding i32 compare if possible.
    fn push_br_if_nez(&mut self, target: u32) -> usize {
        if self.code.len() != self.barrier {
            if let Some(fused) = self.code.last().and_then(|prev| fuse_br_if(*prev, target)) {
                self.code.pop();
                self.code.push(fused);
                return self.code.len() - 1;
            }
        }
        self.code.push(Instr::BrIfNez(target));
        self.code.len() - 1
    }

    fn translate_plain(&mut self, op: &Operator<'_>, height: u32) -> Result<(), CompileError> {
        if let Some(instr) = simple_instr(op) {
            self.push(instr);
            return Ok(());
        }
        let instr = match op {
            Operator::Nop => return Ok(()),
            Operator::I32ReinterpretF32
            | Operator::I64ReinterpretF64
            | Operator::F32ReinterpretI32
            | Operator::F64ReinterpretI64 => {
                // Raw slots already share the bit pattern: a no-op.
                self.uses_floats = true;
                return Ok(());
            }
            Operator::Unreachable => Instr::Unreachable,
            Operator::Br { relative_depth } => {
                return self.emit_branch(*relative_depth, height, false)
            }
            Operator::BrIf { relative_depth } => {
                return self.emit_branch(*relative_depth, height.saturating_sub(1), true);
            }
            Operator::BrTable { targets } => {
                let h = height.saturating_sub(1);
                self.code.push(Instr::BrTable { len: targets.len() });
                for depth in targets.targets() {
                    self.emit_table_entry(depth?, h)?;
                }
                return self.emit_table_entry(targets.default(), h);
            }
            Operator::Return => Instr::Return {
                keep: to_u32(self.ctx.func_type.results.len())?,
            },
            Operator::Call { function_index } => {
                match function_index.checked_sub(self.ctx.imported_funcs) {
                    Some(defined) => Instr::CallInternal(defined),
                    None => match self.ctx.import_intrinsics.get(*function_index as usize) {
                        Some(Some(intr)) => return self.push_bignum(*intr),
                        _ => Instr::Call(*function_index),
                    },
                }
            }
            Operator::CallIndirect { type_index, .. } => Instr::CallIndirect(*type_index),
            Operator::Drop => Instr::Drop,
            Operator::Select => Instr::Select,
            Operator::LocalGet { local_index } => Instr::LocalGet(*local_index),
            Operator::LocalSet { local_index } => Instr::LocalSet(*local_index),
            Operator::LocalTee { local_index } => Instr::LocalTee(*local_index),
            Operator::GlobalGet { global_index } => Instr::GlobalGet(*global_index),
            Operator::GlobalSet { global_index } => Instr::GlobalSet(*global_index),
            Operator::MemorySize { .. } => Instr::MemorySize,
            Operator::MemoryGrow { .. } => Instr::MemoryGrow,
            Operator::I32Const { value } => Instr::I32Const(*value),
            Operator::I64Const { value } => Instr::I64Const(*value),
            Operator::F32Const { value } => Instr::F32Const(value.bits()),
            Operator::F64Const { value } => Instr::F64Const(value.bits()),
            _ => return self.translate_memory(op),
        };
        self.push(instr);
        Ok(())
    }

    /// A `br_table` entry: always an unconditional `Br` (also for the function frame, whose
    /// label is the final `Return`).
    fn emit_table_entry(&mut self, depth: u32, height: u32) -> Result<(), CompileError> {
        let idx = self
            .ctrl
            .len()
            .checked_sub(1 + depth as usize)
            .ok_or_else(|| Self::unsupported(&Operator::Nop))?;
        let frame = &self.ctrl[idx];
        let keep = frame.branch_arity;
        let dk = branch_drop_keep(frame, height, keep);
        let is_loop = frame.kind == FrameKind::Loop;
        let target = if is_loop { frame.loop_target } else { 0 };
        let at = self.code.len();
        self.code.push(Instr::Br { target, dk });
        if !is_loop {
            self.ctrl[idx].pending.push(at);
        }
        Ok(())
    }

    fn translate_memory(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        let off = |m: &wasmparser::MemArg| to_u32(usize::try_from(m.offset).unwrap_or(usize::MAX));
        let instr = match op {
            Operator::I32Load { memarg } => Instr::I32Load(off(memarg)?),
            Operator::I64Load { memarg } => Instr::I64Load(off(memarg)?),
            Operator::F32Load { memarg } => Instr::F32Load(off(memarg)?),
            Operator::F64Load { memarg } => Instr::F64Load(off(memarg)?),
            Operator::I32Load8S { memarg } => Instr::I32Load8S(off(memarg)?),
            Operator::I32Load8U { memarg } => Instr::I32Load8U(off(memarg)?),
            Operator::I32Load16S { memarg } => Instr::I32Load16S(off(memarg)?),
            Operator::I32Load16U { memarg } => Instr::I32Load16U(off(memarg)?),
            Operator::I64Load8S { memarg } => Instr::I64Load8S(off(memarg)?),
            Operator::I64Load8U { memarg } => Instr::I64Load8U(off(memarg)?),
            Operator::I64Load16S { memarg } => Instr::I64Load16S(off(memarg)?),
            Operator::I64Load16U { memarg } => Instr::I64Load16U(off(memarg)?),
            Operator::I64Load32S { memarg } => Instr::I64Load32S(off(memarg)?),
            Operator::I64Load32U { memarg } => Instr::I64Load32U(off(memarg)?),
            Operator::I32Store { memarg } => Instr::I32Store(off(memarg)?),
            Operator::I64Store { memarg } => Instr::I64Store(off(memarg)?),
            Operator::F32Store { memarg } => Instr::F32Store(off(memarg)?),
            Operator::F64Store { memarg } => Instr::F64Store(off(memarg)?),
            Operator::I32Store8 { memarg } => Instr::I32Store8(off(memarg)?),
            Operator::I32Store16 { memarg } => Instr::I32Store16(off(memarg)?),
            Operator::I64Store8 { memarg } => Instr::I64Store8(off(memarg)?),
            Operator::I64Store16 { memarg } => Instr::I64Store16(off(memarg)?),
            Operator::I64Store32 { memarg } => Instr::I64Store32(off(memarg)?),
            other => return Err(Self::unsupported(other)),
        };
        self.push(instr);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_operators_neither_branch_call_trap_nor_use_gas() {
        use Operator::*;
        for op in [
            Nop,
            Drop,
            LocalGet { local_index: 0 },
            GlobalSet { global_index: 0 },
            I32Const { value: 1 },
            I32Add,
            I64Mul,
            I32LtU,
            F64Sqrt,
            I64ExtendI32U,
            F32ReinterpretI32,
            MemorySize { mem: 0 },
        ] {
            assert!(is_quiet(&op), "{op:?} is quiet");
        }
        for op in [
            Br { relative_depth: 0 },
            BrIf { relative_depth: 0 },
            Return,
            Call { function_index: 0 },
            Unreachable,
            I32DivU,
            I64RemS,
            I32TruncF64S,
            MemoryGrow { mem: 0 },
            If {
                blockty: wasmparser::BlockType::Empty,
            },
        ] {
            assert!(!is_quiet(&op), "{op:?} is not quiet");
        }
    }
}
