//! Control frames of the translator: `block`, `loop`, `if`/`else`, `end`, labels, forward
//! branch fix-ups, and the values a branch carries into its label's slots.
//!
//! A label's values live in the positional slots of the frame's base height; a branch
//! copies them there (`BrCopy` fuses a one-value copy with the jump). At frame entry every
//! pending local read is copied out (see `providers`), and block parameters are written to
//! their positional slots, so that every path into and out of the frame agrees on where
//! each value is.

use wasmparser::{BlockType, BrTable};

use super::providers::Provider;
use super::{to_u32, Operand, Translator};
use crate::engine::isa::{self, Instr, Offset, Slot};
use crate::engine::module::CompileError;

/// What kind of construct a control frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Func,
    Block,
    Loop,
    If,
}

/// One control frame of the translator.
#[derive(Debug)]
pub(crate) struct Ctrl {
    pub kind: FrameKind,
    /// Whether code in this frame is emitted at all (false inside dead code).
    pub live: bool,
    /// Operand height at entry, below the parameters.
    pub base: usize,
    /// Parameter and result counts.
    pub params: u32,
    pub results: u32,
    /// Loop head: where branches to a loop go.
    pub head: usize,
    /// Forward branches to patch at `end`.
    pub pending: Vec<usize>,
    /// The branch of an `if` to its false arm, waiting for the else/end position.
    pub else_patch: Option<usize>,
    /// The parameters of an `if`, restored for its `else` arm.
    pub if_params: Vec<Provider>,
    /// This frame's current `ChargeGas` instruction and its accumulated cost.
    pub charge: Option<usize>,
    pub cost: u64,
    /// Every operator since this frame's charge is quiet (see `metering`).
    pub quiet: bool,
}

impl Ctrl {
    /// Values a branch to this frame's label carries.
    fn arity(&self) -> u32 {
        if self.kind == FrameKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

/// A translation error without a position (the driver adds it).
pub(crate) fn error(message: impl Into<String>) -> CompileError {
    CompileError {
        offset: 0,
        message: message.into(),
    }
}

/// The offset from `from` to `to`.
fn offset(from: usize, to: usize) -> Result<Offset, CompileError> {
    let d = to as i64 - from as i64;
    Offset::try_from(d).map_err(|_| error("function too large"))
}

impl Translator<'_, '_> {
    /// Pushes a frame and opens its metered block.
    pub(super) fn push_frame(
        &mut self,
        kind: FrameKind,
        live: bool,
        base: usize,
        params: u32,
        results: u32,
    ) {
        self.place_label();
        let mut frame = Ctrl {
            kind,
            live,
            base,
            params,
            results,
            head: self.pc(),
            pending: self.spare.pop().unwrap_or_default(),
            else_patch: None,
            if_params: Vec::new(),
            charge: None,
            cost: 1,
            quiet: true,
        };
        if live {
            frame.charge = self.open_charge(kind);
        }
        self.ctrl.push(frame);
    }

    /// Marks the current position as a label: nothing may be fused across it.
    fn place_label(&mut self) {
        self.barrier = self.pc();
        self.last = None;
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
                    .ok_or_else(|| error("unknown block type"))?;
                (to_u32(ft.params.len())?, to_u32(ft.results.len())?)
            }
        })
    }

    /// Prepares the operand stack for entering a frame with `params` parameters: pending
    /// local reads are copied out and the parameters written to their positional slots.
    fn enter_frame(&mut self, params: u32) {
        for (dst, src) in self.providers.take_all_reads() {
            self.emit(Instr::Copy { dst, src });
        }
        self.materialize_top(params as usize);
    }

    /// Writes the top `n` values to their positional slots, leaving them on the stack.
    fn materialize_top(&mut self, n: usize) {
        let height = self.providers.height();
        for h in height.saturating_sub(n)..height {
            let operand = self.operand_at(h);
            let dst = self.providers.slot_at(h);
            self.write_operand(dst, operand);
            self.providers.set_temp(h);
        }
    }

    /// `block` and `loop`.
    pub(super) fn block(
        &mut self,
        ty: BlockType,
        kind: FrameKind,
        emit: bool,
    ) -> Result<(), CompileError> {
        let (params, results) = self.block_arity(ty)?;
        if emit {
            self.enter_frame(params);
        }
        let base = self.providers.height().saturating_sub(params as usize);
        self.push_frame(kind, emit, base, params, results);
        Ok(())
    }

    /// `if`: a branch to the false arm on the negated condition (fused with an integer
    /// compare when it was emitted last).
    pub(super) fn if_(&mut self, ty: BlockType, emit: bool) -> Result<(), CompileError> {
        let (params, results) = self.block_arity(ty)?;
        let mut else_patch = None;
        if emit {
            let branch = match self.take_compare() {
                Some(cmp) => {
                    // The condition's operands lie above the parameters: the copies below
                    // do not touch them.
                    self.enter_frame(params);
                    isa::negate(cmp).and_then(|neg| isa::branch_form(neg, 0))
                }
                None => None,
            };
            let branch = match branch {
                Some(b) => b,
                None => {
                    let producer = self.acc_producer();
                    let cond = self.pop_slot();
                    self.enter_frame(params);
                    let mut branch = Instr::BrIfEqz { cond, offset: 0 };
                    self.hand_over(producer, &mut branch);
                    branch
                }
            };
            else_patch = Some(self.emit(branch));
        }
        // In dead code the provider stack is not kept (the operand stack is polymorphic
        // there): nothing is popped, so nothing below the enclosing block is lost.
        let base = self.providers.height().saturating_sub(params as usize);
        let saved: Vec<Provider> = (0..params as usize)
            .filter_map(|k| self.providers.peek(params as usize - 1 - k))
            .collect();
        self.push_frame(FrameKind::If, emit, base, params, results);
        if let Some(frame) = self.ctrl.last_mut() {
            frame.else_patch = else_patch;
            frame.if_params = saved;
        }
        Ok(())
    }

    /// `else`: the true arm jumps to the end; the false arm starts with the parameters.
    pub(super) fn else_(&mut self, reachable: bool) -> Result<(), CompileError> {
        let top = self.ctrl.len().saturating_sub(1);
        let Some(frame) = self.ctrl.get(top) else {
            return Ok(());
        };
        let (live, base, results) = (frame.live, frame.base, frame.results);
        if live {
            if reachable {
                self.materialize_top(results as usize);
                let at = self.emit(Instr::Br { offset: 0 });
                self.ctrl[top].pending.push(at);
            }
            self.place_label();
            if let Some(at) = self.ctrl[top].else_patch.take() {
                self.patch(at, self.pc())?;
            }
        }
        self.providers.truncate(base);
        let params = std::mem::take(&mut self.ctrl[top].if_params);
        for p in &params {
            match *p {
                Provider::Const { bits, wide } => self.providers.push_const(bits, wide),
                _ => self.providers.push_temp(),
            }
        }
        self.ctrl[top].if_params = params;
        self.next_segment(top, live);
        Ok(())
    }

    /// `end`: the frame's results are in their positional slots; forward branches land
    /// here. The function frame returns.
    pub(super) fn end(&mut self, reachable: bool) -> Result<(), CompileError> {
        let top = self.ctrl.len().saturating_sub(1);
        self.close_segment(top);
        let Some(frame) = self.ctrl.pop() else {
            return Ok(());
        };
        self.child_ended();
        if frame.kind == FrameKind::Func {
            return self.end_function(frame, reachable);
        }
        if frame.live {
            if reachable {
                self.materialize_top(frame.results as usize);
            }
            self.place_label();
            let pc = self.pc();
            if let Some(at) = frame.else_patch {
                self.patch(at, pc)?;
            }
            for at in &frame.pending {
                self.patch(*at, pc)?;
            }
        }
        self.providers.truncate(frame.base);
        for _ in 0..frame.results {
            self.providers.push_temp();
        }
        self.recycle(frame);
        Ok(())
    }

    /// Keeps an ended frame's branch vector for a new frame.
    fn recycle(&mut self, frame: Ctrl) {
        let mut pending = frame.pending;
        if pending.capacity() > 0 {
            pending.clear();
            self.spare.push(pending);
        }
    }

    fn end_function(&mut self, frame: Ctrl, reachable: bool) -> Result<(), CompileError> {
        if reachable {
            self.emit_return_of_top(frame.results);
        }
        if !frame.pending.is_empty() {
            // Branches to the function's label carry the results in slots `locals + k`.
            self.place_label();
            let pc = self.pc();
            for at in &frame.pending {
                self.patch(*at, pc)?;
            }
            let src = self.providers.slot_at(0);
            self.emit(match frame.results {
                0 => Instr::Return,
                1 => Instr::Return1 { src },
                len => Instr::ReturnSpan { src, len },
            });
        }
        self.recycle(frame);
        Ok(())
    }

    /// Points the branch at `at` to `target`.
    pub(super) fn patch(&mut self, at: usize, target: usize) -> Result<(), CompileError> {
        let off = offset(at, target)?;
        if let Some(o) = self.code.get_mut(at).and_then(Instr::offset_mut) {
            *o = off;
        }
        Ok(())
    }

    /// The frame `depth` levels up.
    fn frame_index(&self, depth: u32) -> Result<usize, CompileError> {
        self.ctrl
            .len()
            .checked_sub(1 + depth as usize)
            .ok_or_else(|| error("unknown label"))
    }

    /// Emits `branch` (an instruction with an offset) to the label of frame `idx`: a loop
    /// head is known, other labels are patched at their `end`.
    fn emit_branch_to(&mut self, idx: usize, branch: Instr) -> Result<(), CompileError> {
        let at = self.emit(branch);
        let frame = &self.ctrl[idx];
        if frame.kind == FrameKind::Loop {
            let head = frame.head;
            self.patch(at, head)
        } else {
            self.ctrl[idx].pending.push(at);
            Ok(())
        }
    }

    /// The label slots of frame `idx` and whether the top `arity` values are already there.
    fn label_slots(&self, idx: usize) -> (Slot, u32, bool) {
        let frame = &self.ctrl[idx];
        let n = frame.arity();
        let dst = self.providers.slot_at(frame.base);
        let first = self.providers.height().saturating_sub(n as usize);
        let in_place =
            (0..n as usize).all(|k| self.operand_at(first + k) == Operand::Slot(dst + k as Slot));
        (dst, n, in_place)
    }

    /// Copies the top `n` values to the label slots starting at `dst` (in increasing order:
    /// a label's slots lie at or below the values' positional slots).
    fn copy_to_label(&mut self, dst: Slot, n: u32) {
        let first = self.providers.height() - n as usize;
        for k in 0..n as usize {
            let operand = self.operand_at(first + k);
            self.write_operand(dst + k as Slot, operand);
        }
    }

    /// `br`: the values to the label, then the jump (one `BrCopy` for a single value).
    pub(super) fn br(&mut self, depth: u32) -> Result<(), CompileError> {
        let idx = self.frame_index(depth)?;
        if self.ctrl[idx].kind == FrameKind::Func {
            self.emit_return_of_top(self.ctrl[idx].results);
            return Ok(());
        }
        let (dst, n, in_place) = self.label_slots(idx);
        if !in_place && n == 1 {
            if let Operand::Slot(src) = self.operand_at(self.providers.height() - 1) {
                return self.emit_branch_to(
                    idx,
                    Instr::BrCopy {
                        dst,
                        src,
                        offset: 0,
                    },
                );
            }
        }
        if !in_place {
            self.copy_to_label(dst, n);
        }
        self.emit_branch_to(idx, Instr::Br { offset: 0 })
    }

    /// `br_if`: fused with an integer compare emitted last; values that must move to the
    /// label are copied on the taken path only (a branch around the copies).
    pub(super) fn br_if(&mut self, depth: u32) -> Result<(), CompileError> {
        let idx = self.frame_index(depth)?;
        let cmp = self.take_compare();
        let producer = self.acc_producer();
        let cond = match cmp {
            Some(_) => None,
            None => Some(self.pop_slot()),
        };
        let branch = |negated: bool| match (cmp, cond) {
            (Some(cmp), _) if negated => isa::negate(cmp).and_then(|neg| isa::branch_form(neg, 0)),
            (Some(cmp), _) => isa::branch_form(cmp, 0),
            (None, Some(cond)) if negated => Some(Instr::BrIfEqz { cond, offset: 0 }),
            (None, Some(cond)) => Some(Instr::BrIfNez { cond, offset: 0 }),
            (None, None) => None,
        };
        let (dst, n, in_place) = self.label_slots(idx);
        if in_place {
            let mut taken = branch(false).ok_or_else(|| error("br_if without a condition"))?;
            self.hand_over(producer, &mut taken);
            return self.emit_branch_to(idx, taken);
        }
        let mut skip = branch(true).ok_or_else(|| error("br_if without a condition"))?;
        self.hand_over(producer, &mut skip);
        let skip_at = self.emit(skip);
        if self.ctrl[idx].kind == FrameKind::Func {
            self.emit_return_of_top(n);
        } else {
            self.copy_to_label(dst, n);
            self.emit_branch_to(idx, Instr::Br { offset: 0 })?;
        }
        self.place_label();
        self.patch(skip_at, self.pc())
    }

    /// `br_table`: `BrTable` then one branch per entry; entries whose label needs the
    /// carried values elsewhere copy them (`BrCopy`) or jump to a copy stub after the table.
    pub(super) fn br_table(&mut self, targets: &BrTable<'_>) -> Result<(), CompileError> {
        let index = self.pop_slot();
        let default_idx = self.frame_index(targets.default())?;
        let n = self.ctrl[default_idx].arity();
        // The carried values in their positional slots: every entry copies from there.
        let height = self.providers.height();
        self.materialize_top(n as usize);
        let src = self.providers.slot_at(height - n as usize);
        self.emit(Instr::BrTable {
            index,
            len: targets.len(),
        });
        let mut stubs = Vec::new();
        for depth in targets
            .targets()
            .chain(std::iter::once(Ok(targets.default())))
        {
            let depth = depth?;
            let idx = self.frame_index(depth)?;
            let dst = self.providers.slot_at(self.ctrl[idx].base);
            if n > 1 && dst != src {
                let at = self.emit(Instr::Br { offset: 0 });
                stubs.push((at, idx, dst));
            } else if n == 1 && dst != src {
                self.emit_branch_to(
                    idx,
                    Instr::BrCopy {
                        dst,
                        src,
                        offset: 0,
                    },
                )?;
            } else {
                self.emit_branch_to(idx, Instr::Br { offset: 0 })?;
            }
        }
        for (at, idx, dst) in stubs {
            self.patch(at, self.pc())?;
            self.emit(Instr::CopySpan { dst, src, len: n });
            self.emit_branch_to(idx, Instr::Br { offset: 0 })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_relative_and_bounded() {
        assert_eq!(offset(10, 4), Ok(-6));
        assert_eq!(offset(4, 10), Ok(6));
        assert!(offset(0, usize::MAX / 2).is_err());
    }
}
