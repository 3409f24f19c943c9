//! Calls, returns and bignum call sites of the translator.
//!
//! A call's arguments are moved to consecutive positional slots at the top of the caller's
//! frame (temporaries already are; locals and constants are copied); the callee's frame
//! starts at the first of them, and its results come back in the same slots. A bignum call
//! reads its pointer arguments from slots or constants directly, and folds a trailing
//! `slot + c` (an `I32AddImm` emitted right before the call) into the call site.

use super::providers::Provider;
use super::{to_u32, Operand, Translator};
use crate::engine::bignum::{BigCall, Intrinsic, Operand as BigOperand};
use crate::engine::isa::{Instr, ACC};
use crate::engine::module::CompileError;

impl Translator<'_, '_> {
    /// The parameter and result counts of function `index`'s type.
    fn func_arity(&self, index: u32) -> Result<(usize, usize), CompileError> {
        let ty = self
            .ctx
            .func_types
            .get(index as usize)
            .and_then(|t| self.ctx.types.get(*t as usize))
            .ok_or_else(|| super::control::error("unknown function"))?;
        Ok((ty.params.len(), ty.results.len()))
    }

    /// `call`: a defined function, a bound bignum operation, or another import.
    pub(super) fn call(&mut self, index: u32) -> Result<(), CompileError> {
        if let Some(defined) = index.checked_sub(self.ctx.imported_funcs) {
            let (params, results) = self.func_arity(index)?;
            let base = self.pop_to_positional(params);
            self.emit(Instr::CallInternal {
                func: defined,
                base,
            });
            self.push_results(results);
            return Ok(());
        }
        if let Some(Some(intr)) = self.ctx.import_intrinsics.get(index as usize) {
            return self.bignum(*intr);
        }
        let (params, results) = self.func_arity(index)?;
        let base = self.pop_to_positional(params);
        self.emit(Instr::CallImport { func: index, base });
        self.push_results(results);
        Ok(())
    }

    /// `call_indirect`: the table index, then the arguments; the index slot and the table
    /// follow in an [`Instr::Args`].
    pub(super) fn call_indirect(&mut self, ty: u32, table: u32) -> Result<(), CompileError> {
        let index = self.pop_slot();
        let (params, results) = {
            let t = self
                .ctx
                .types
                .get(ty as usize)
                .ok_or_else(|| super::control::error("unknown type"))?;
            (t.params.len(), t.results.len())
        };
        let base = self.pop_to_positional(params);
        self.emit(Instr::CallIndirect { ty, base });
        self.emit(Instr::Args { a: index, b: table });
        self.push_results(results);
        Ok(())
    }

    fn push_results(&mut self, n: usize) {
        for _ in 0..n {
            self.providers.push_temp();
        }
    }

    /// `return` (and a function's end): the top values become the results.
    pub(super) fn return_(&mut self) -> Result<(), CompileError> {
        let n = to_u32(self.ctx.func_type.results.len())?;
        self.emit_return_of_top(n);
        Ok(())
    }

    /// Returns the top `n` values without changing the provider stack (a `br_if` to the
    /// function label continues with them on its other path).
    pub(super) fn emit_return_of_top(&mut self, n: u32) {
        let height = self.providers.height();
        match n {
            0 => {
                self.emit(Instr::Return);
            }
            1 => {
                let top = height.saturating_sub(1);
                let src = match self.operand_at(top) {
                    Operand::Slot(s) => s,
                    Operand::Const { bits, .. } => {
                        // A constant's positional slot is free.
                        let dst = self.providers.slot_at(top);
                        self.emit(Instr::Const { dst, value: bits });
                        dst
                    }
                };
                self.emit(Instr::Return1 { src });
            }
            len => {
                // The results go to the function label's slots `locals + k`: at or below
                // their own positional slots, and nothing after the return reads them.
                let src = self.providers.slot_at(0);
                let first = height.saturating_sub(len as usize);
                for k in 0..len as usize {
                    let operand = self.operand_at(first + k);
                    self.write_operand(src + k as u32, operand);
                }
                self.emit(Instr::ReturnSpan { src, len });
            }
        }
    }

    /// A call of a bignum operation: every pointer argument is a slot or a constant; the
    /// topmost temporaries computed by a trailing `I32AddImm` of a slot are folded as
    /// `slot + c` and the add removed. Nothing between such an add and the call writes a
    /// slot the add reads: the instructions after it are only the other folded adds, which
    /// write their own temporaries.
    fn bignum(&mut self, intr: Intrinsic) -> Result<(), CompileError> {
        let n = intr.op.param_count();
        let mut args = [BigOperand::Const(0); 4];
        let mut tail = self.code.len();
        let mut folding = true;
        for i in (0..n).rev() {
            let h = self.providers.height().saturating_sub(1);
            let temp_slot = self.providers.slot_at(h);
            let provider = self.providers.pop();
            args[i] = match provider {
                Some(Provider::Const { bits, .. }) => BigOperand::Const(bits as u32),
                Some(Provider::Local { index, .. }) => BigOperand::Slot {
                    slot: index,
                    offset: 0,
                },
                Some(Provider::Temp) | None => {
                    let folded = (folding && tail > self.barrier)
                        .then(|| self.code.get(tail - 1))
                        .flatten()
                        .and_then(|instr| match *instr {
                            Instr::I32AddImm { dst, lhs, imm }
                                if dst == temp_slot && lhs != ACC =>
                            {
                                Some(BigOperand::Slot {
                                    slot: lhs,
                                    offset: imm as u32,
                                })
                            }
                            _ => None,
                        });
                    match folded {
                        Some(arg) => {
                            tail -= 1;
                            arg
                        }
                        None => {
                            folding = false;
                            BigOperand::Slot {
                                slot: temp_slot,
                                offset: 0,
                            }
                        }
                    }
                }
            };
        }
        self.code.truncate(tail);
        let site = to_u32(self.bigcalls.len())?
            .checked_add(self.ctx.bigcall_base)
            .ok_or_else(|| super::control::error("too many bignum call sites"))?;
        self.bigcalls.push(BigCall::new(intr, &args[..n]));
        let dst = self.providers.next_slot();
        let instr = Instr::Bignum {
            site,
            dst,
            op: intr.op,
            metered: self.ctx.config.metering,
        };
        if intr.op.returns_i32() {
            self.emit_result(instr);
        } else {
            self.emit(instr);
        }
        Ok(())
    }
}
