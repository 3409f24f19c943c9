//! Metering charges of the translator (EWASM.md section 4): a metered block starts at
//! function entry and after every `block`, `loop`, `if` and `else`; its cost (1 plus one per
//! operator, `end` and `else` free) is summed while translating and placed in the
//! `ChargeGas` at its entry by [`Translator::close_segment`].

use wasmparser::Operator;

use super::control::FrameKind;
use super::Translator;
use crate::engine::isa::{self, Instr};

/// Whether `op` can neither branch, call, trap nor use gas. Only such operators may lie
/// between a charge and a `block` that shares it ([`Translator::open_charge`]).
pub(super) fn is_quiet(op: &Operator<'_>) -> bool {
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
        | F64ReinterpretI64
        | I64ExtendI32U => true,
        // Integer division and float-to-integer truncation trap.
        I32DivS | I32DivU | I32RemS | I32RemU | I64DivS | I64DivU | I64RemS | I64RemU
        | I32TruncF32S | I32TruncF32U | I32TruncF64S | I32TruncF64U | I64TruncF32S
        | I64TruncF32U | I64TruncF64S | I64TruncF64U => false,
        // The remaining numeric operators: arithmetic, comparisons, conversions.
        _ => isa::unary(op, 0, 0).is_some() || isa::binary(op, 0, 0, 0).is_some(),
    }
}

impl Translator<'_, '_> {
    /// Counts `op` in the current metered block and tracks whether the block is still
    /// quiet.
    pub(super) fn count_for_metering(&mut self, op: &Operator<'_>, emit: bool) {
        if !self.ctx.config.metering {
            return;
        }
        let opens_or_closes = matches!(
            op,
            Operator::Block { .. } | Operator::Loop { .. } | Operator::Else | Operator::End
        );
        if let Some(f) = self.ctrl.last_mut() {
            if !matches!(op, Operator::End | Operator::Else) {
                f.cost += 1;
            }
            if emit && !opens_or_closes && !is_quiet(op) {
                f.quiet = false;
            }
        }
    }

    /// The `ChargeGas` of a new frame of `kind` opened here (metering on): a fresh one, or
    /// its parent's when it can share it.
    pub(super) fn open_charge(&mut self, kind: FrameKind) -> Option<usize> {
        if !self.ctx.config.metering {
            return None;
        }
        self.shared_charge(kind)
            .or_else(|| Some(self.emit(Instr::ChargeGas { amount: 0 })))
    }

    /// The `ChargeGas` a new `block` can share: its parent's, when only quiet operators ran
    /// since it (no branch, call, trap or gas use). A `block` is entered only by falling
    /// into it, so that charge then runs exactly when this block is entered, and charging
    /// both at once is unobservable: the only difference is that an out-of-gas stop comes
    /// before quiet instructions whose effects (locals, globals, operands) the stop
    /// discards anyway. One charge instead of one per block, e.g. for the `block` nests of a
    /// `br_table` switch. A `loop` never shares: its back edges re-enter it without its
    /// parent; an `if` arm is entered conditionally.
    fn shared_charge(&self, kind: FrameKind) -> Option<usize> {
        let parent = self.ctrl.last()?;
        let at = parent.charge?;
        (kind == FrameKind::Block && parent.quiet).then_some(at)
    }

    /// Adds the accumulated cost of frame `idx` to its `ChargeGas` and starts a new block.
    pub(super) fn close_segment(&mut self, idx: usize) {
        let Some(frame) = self.ctrl.get_mut(idx) else {
            return;
        };
        if let Some(at) = frame.charge.take() {
            if let Some(Instr::ChargeGas { amount }) = self.code.get_mut(at) {
                let cost = u32::try_from(frame.cost).unwrap_or(u32::MAX);
                *amount = amount.saturating_add(cost);
            }
        }
        frame.cost = 1;
    }

    /// `else`: closes the true arm's block and opens the false arm's.
    pub(super) fn next_segment(&mut self, idx: usize, live: bool) {
        self.close_segment(idx);
        if live && self.ctx.config.metering {
            let at = self.emit(Instr::ChargeGas { amount: 0 });
            if let Some(frame) = self.ctrl.get_mut(idx) {
                frame.charge = Some(at);
                frame.quiet = true;
            }
        }
    }

    /// A child frame ended: it may have branched past the rest of its parent, which is no
    /// longer quiet.
    pub(super) fn child_ended(&mut self) {
        if let Some(parent) = self.ctrl.last_mut() {
            parent.quiet = false;
        }
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
