//! Translation of the WebAssembly 2.0 operators that are neither numeric nor plain memory
//! access: bulk memory, tables and references. Their operands are popped into slots (none
//! takes the accumulator) and a result, if any, goes to the next positional slot.

use wasmparser::Operator;

use super::Translator;
use crate::engine::isa::Instr;

impl Translator<'_, '_> {
    /// Translates `op` if it is a bulk memory, table or reference operator; returns whether
    /// it was one.
    pub(super) fn bulk_or_reference(&mut self, op: &Operator<'_>) -> bool {
        match *op {
            // Null is 0 (see `types::ref_to_raw`), so `ref.is_null` is an `i64.eqz`.
            Operator::RefNull { .. } => self.providers.push_const(0, true),
            Operator::RefIsNull => {
                let src = self.pop_slot();
                let dst = self.providers.next_slot();
                self.emit_result(Instr::I64Eqz { dst, src });
            }
            Operator::RefFunc { function_index } => {
                let dst = self.providers.next_slot();
                self.emit_result(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
            }
            Operator::MemoryCopy { .. } => {
                let [dst, src, len] = self.pop_slots();
                self.emit(Instr::MemoryCopy { dst, src, len });
            }
            Operator::MemoryFill { .. } => {
                let [dst, value, len] = self.pop_slots();
                self.emit(Instr::MemoryFill { dst, value, len });
            }
            Operator::MemoryInit { data_index, .. } => {
                let [dst, src, len] = self.pop_slots();
                self.emit(Instr::MemoryInit {
                    seg: data_index,
                    dst,
                    src,
                    len,
                });
            }
            Operator::DataDrop { data_index } => {
                self.emit(Instr::DataDrop { seg: data_index });
            }
            Operator::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.providers.next_slot();
                self.emit_result(Instr::TableGet { dst, index, table });
            }
            Operator::TableSet { table } => {
                let [index, value] = self.pop_slots();
                self.emit(Instr::TableSet {
                    table,
                    index,
                    value,
                });
            }
            Operator::TableSize { table } => {
                let dst = self.providers.next_slot();
                self.emit_result(Instr::TableSize { dst, table });
            }
            Operator::TableGrow { table } => {
                let [init, delta] = self.pop_slots();
                let dst = self.providers.next_slot();
                self.emit_result(Instr::TableGrow {
                    dst,
                    init,
                    delta,
                    table,
                });
            }
            Operator::TableFill { table } => {
                let [dst, value, len] = self.pop_slots();
                self.emit(Instr::TableFill {
                    table,
                    dst,
                    value,
                    len,
                });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let [dst, src, len] = self.pop_slots();
                self.emit(Instr::TableCopy {
                    dst_table,
                    src_table,
                    dst,
                    src,
                    len,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let [dst, src, len] = self.pop_slots();
                self.emit(Instr::TableInit {
                    table,
                    seg: elem_index,
                    dst,
                    src,
                    len,
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop { seg: elem_index });
            }
            _ => return false,
        }
        true
    }

    /// Pops the top `N` values into slots, returned in stack order (deepest first).
    fn pop_slots<const N: usize>(&mut self) -> [crate::engine::isa::Slot; N] {
        let mut slots = [0; N];
        for slot in slots.iter_mut().rev() {
            *slot = self.pop_slot();
        }
        slots
    }
}
