//! WebAssembly 2.0 handlers: bulk memory (`memory.copy/fill/init`, `data.drop`), tables
//! (`table.get/set/size/grow/fill/copy/init`, `elem.drop`) and `ref.func`.
//!
//! An operation whose work grows with an operand pays for it first: when metering is on,
//! `3 * ceil(n / 32)` gas for `n` bytes and `n` for `n` elements (EWASM.md section 4.1);
//! in both modes, `ceil(n / 1024)` steps for `n` bytes and `ceil(n / 128)` for `n`
//! elements (section 4.2). Both are taken before the bounds check (so an out-of-bounds
//! operation that can pay traps, one that cannot runs out of gas).
//!
//! Word operands: the slots in `a`, `b` and `c` as each encoder below says; a table or
//! segment index that does not fit goes in the data word after the instruction.

use std::cell::Cell;

use super::frame::Fp;
use super::word::{next, Done, Ip, Mem, Word};
use super::Exec;
use crate::engine::isa::Instr;
use crate::engine::table::Table;
use crate::engine::trap::Trap;
use crate::engine::types::ref_to_raw;

/// The dynamic charge of a bulk memory operation on `n` bytes: the EVM's copy cost, 3 gas
/// per 32-byte word rounded up.
pub(crate) fn memory_gas(n: u32) -> i64 {
    3 * i64::from(n.div_ceil(32))
}

/// The dynamic charge of a table operation on `n` elements.
pub(crate) fn table_gas(n: u32) -> i64 {
    i64::from(n)
}

/// Bytes of a bulk memory operation per step (EWASM.md section 4.2).
pub(crate) const BYTES_PER_STEP: u32 = 1024;
/// Elements of a table operation per step (EWASM.md section 4.2).
pub(crate) const ELEMS_PER_STEP: u32 = 128;

/// The steps of a bulk memory operation on `n` bytes.
pub(crate) fn memory_steps(n: u32) -> u64 {
    u64::from(n.div_ceil(BYTES_PER_STEP))
}

/// The steps of a table operation on `n` elements.
pub(crate) fn table_steps(n: u32) -> u64 {
    u64::from(n.div_ceil(ELEMS_PER_STEP))
}

/// Pays for work before doing it: `steps` from the step budget and, when metering, `gas`.
/// The trap that ends the run if either is short.
#[inline(always)]
fn pay(ex: &mut Exec<'_>, gas: i64, steps: u64) -> Result<(), Trap> {
    if ex.limits.metering && gas != 0 && !ex.charge(gas) {
        return Err(Trap::OutOfGas);
    }
    if steps != 0 && !ex.spend_steps(steps) {
        return Err(Trap::StepLimitExceeded);
    }
    Ok(())
}

/// `start..start + n` if it lies within `len`.
#[inline(always)]
fn range(start: u32, n: u32, len: usize) -> Option<std::ops::Range<usize>> {
    let end = u64::from(start) + u64::from(n);
    (end <= len as u64).then_some(start as usize..end as usize)
}

/// The store address of table `index` of the current instance.
#[inline(always)]
fn table_addr(ex: &Exec<'_>, index: u32) -> usize {
    ex.inst.tables.get(index as usize).copied().unwrap_or(0) as usize
}

/// Table `index` of the current instance.
#[inline(always)]
fn table<'t>(ex: &'t mut Exec<'_>, index: u32) -> &'t mut Table {
    let addr = table_addr(ex, index);
    &mut ex.tables[addr]
}

/// `memory.copy`: `a` = destination, `b` = source, `c` = length slots.
fn memory_copy(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let (dst, src, n) = (
        fp.get(w.a) as u32,
        fp.get(w.b) as u32,
        fp.get(w.c as u16) as u32,
    );
    if let Err(trap) = pay(ex, memory_gas(n), memory_steps(n)) {
        return ex.trap(trap);
    }
    let bytes = mem.bytes();
    match (range(src, n, bytes.len()), range(dst, n, bytes.len())) {
        (Some(from), Some(to)) => {
            ex.dirty.mark(to.start, to.len());
            bytes.copy_within(from, to.start);
        }
        _ => return ex.trap(Trap::MemoryOutOfBounds),
    }
    next(ip, fp, mem, ex, acc)
}

/// `memory.fill`: `a` = destination, `b` = value, `c` = length slots.
fn memory_fill(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let (dst, value, n) = (
        fp.get(w.a) as u32,
        fp.get(w.b) as u8,
        fp.get(w.c as u16) as u32,
    );
    if let Err(trap) = pay(ex, memory_gas(n), memory_steps(n)) {
        return ex.trap(trap);
    }
    let bytes = mem.bytes();
    let Some(to) = range(dst, n, bytes.len()) else {
        return ex.trap(Trap::MemoryOutOfBounds);
    };
    ex.dirty.mark(to.start, to.len());
    bytes[to].fill(value);
    next(ip, fp, mem, ex, acc)
}

/// `memory.init`: `a` = destination, `b` = segment offset, `c` = length slots; the data
/// word holds the segment index.
fn memory_init(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let seg = ip.next().word().value() as u32;
    let (dst, src, n) = (
        fp.get(w.a) as u32,
        fp.get(w.b) as u32,
        fp.get(w.c as u16) as u32,
    );
    if let Err(trap) = pay(ex, memory_gas(n), memory_steps(n)) {
        return ex.trap(trap);
    }
    let data = ex.inst.data(seg);
    let bytes = mem.bytes();
    match (range(src, n, data.len()), range(dst, n, bytes.len())) {
        (Some(from), Some(to)) => {
            ex.dirty.mark(to.start, to.len());
            bytes[to].copy_from_slice(&data[from]);
        }
        _ => return ex.trap(Trap::MemoryOutOfBounds),
    }
    next(ip.next(), fp, mem, ex, acc)
}

/// Marks segment `seg` of a drop-flag list dropped.
fn drop_segment(dropped: &[Cell<bool>], seg: u32) {
    if let Some(flag) = dropped.get(seg as usize) {
        flag.set(true);
    }
}

/// `data.drop`: `c` = segment index.
fn data_drop(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    drop_segment(&ex.inst.data_dropped, ip.word().c);
    next(ip, fp, mem, ex, acc)
}

/// `table.get`: `a` = destination, `b` = index slot, `c` = table.
fn table_get(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let i = fp.get(w.b) as u32 as usize;
    let Some(value) = table(ex, w.c).elems.get(i).copied() else {
        return ex.trap(Trap::TableAccessOutOfBounds);
    };
    fp.set(w.a, value);
    next(ip, fp, mem, ex, acc)
}

/// `table.set`: `a` = index slot, `b` = value slot, `c` = table.
fn table_set(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let (i, value) = (fp.get(w.a) as u32 as usize, fp.get(w.b));
    let Some(slot) = table(ex, w.c).elems.get_mut(i) else {
        return ex.trap(Trap::TableAccessOutOfBounds);
    };
    *slot = value;
    next(ip, fp, mem, ex, acc)
}

/// `table.size`: `a` = destination, `c` = table.
fn table_size(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let len = table(ex, w.c).len() as u32;
    fp.set(w.a, u64::from(len));
    next(ip, fp, mem, ex, acc)
}

/// `table.grow`: `a` = destination, `b` = init slot, `c` = delta slot; the data word holds
/// the table. The delta is charged even when the grow then fails.
fn table_grow(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let index = ip.next().word().value() as u32;
    let (init, delta) = (fp.get(w.b), fp.get(w.c as u16) as u32);
    if let Err(trap) = pay(ex, table_gas(delta), table_steps(delta)) {
        return ex.trap(trap);
    }
    let old = table(ex, index).grow(delta, init).unwrap_or(u32::MAX);
    fp.set(w.a, u64::from(old));
    next(ip.next(), fp, mem, ex, acc)
}

/// `table.fill`: `a` = first element, `b` = value, `c` = length slots; the data word holds
/// the table.
fn table_fill(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let index = ip.next().word().value() as u32;
    let (dst, value, n) = (fp.get(w.a) as u32, fp.get(w.b), fp.get(w.c as u16) as u32);
    if let Err(trap) = pay(ex, table_gas(n), table_steps(n)) {
        return ex.trap(trap);
    }
    let t = table(ex, index);
    let Some(to) = range(dst, n, t.len()) else {
        return ex.trap(Trap::TableAccessOutOfBounds);
    };
    t.elems[to].fill(value);
    next(ip.next(), fp, mem, ex, acc)
}

/// `table.copy`: `a` = destination, `b` = source, `c` = length slots; the data word holds
/// the destination table (low half) and the source table (high half).
fn table_copy(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let tables = ip.next().word().value();
    let (dst_t, src_t) = (
        table_addr(ex, tables as u32),
        table_addr(ex, (tables >> 32) as u32),
    );
    let (dst, src, n) = (
        fp.get(w.a) as u32,
        fp.get(w.b) as u32,
        fp.get(w.c as u16) as u32,
    );
    if let Err(trap) = pay(ex, table_gas(n), table_steps(n)) {
        return ex.trap(trap);
    }
    let (src_len, dst_len) = (ex.tables[src_t].len(), ex.tables[dst_t].len());
    let (Some(from), Some(to)) = (range(src, n, src_len), range(dst, n, dst_len)) else {
        return ex.trap(Trap::TableAccessOutOfBounds);
    };
    if dst_t == src_t {
        ex.tables[dst_t].elems.copy_within(from, to.start);
    } else {
        let values = ex.tables[src_t].elems[from].to_vec();
        ex.tables[dst_t].elems[to].copy_from_slice(&values);
    }
    next(ip.next(), fp, mem, ex, acc)
}

/// `table.init`: `a` = destination, `b` = segment offset, `c` = length slots; the data word
/// holds the table (low half) and the segment (high half).
fn table_init(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let operands = ip.next().word().value();
    let (index, seg) = (operands as u32, (operands >> 32) as u32);
    let (dst, src, n) = (
        fp.get(w.a) as u32,
        fp.get(w.b) as u32,
        fp.get(w.c as u16) as u32,
    );
    if let Err(trap) = pay(ex, table_gas(n), table_steps(n)) {
        return ex.trap(trap);
    }
    let inst = ex.inst;
    let items = inst.elem(seg);
    let t = table(ex, index);
    let (Some(from), Some(to)) = (range(src, n, items.len()), range(dst, n, t.len())) else {
        return ex.trap(Trap::TableAccessOutOfBounds);
    };
    t.elems[to].copy_from_slice(&items[from]);
    next(ip.next(), fp, mem, ex, acc)
}

/// `elem.drop`: `c` = segment index.
fn elem_drop(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    drop_segment(&ex.inst.elem_dropped, ip.word().c);
    next(ip, fp, mem, ex, acc)
}

/// `ref.func`: `a` = destination, `c` = function index.
fn ref_func(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let addr = ex.inst.funcs.get(w.c as usize).copied();
    fp.set(w.a, ref_to_raw(addr));
    next(ip, fp, mem, ex, acc)
}

/// Two 32-bit indices in one data word.
fn pair(low: u32, high: u32) -> Word {
    Word::data(u64::from(low) | u64::from(high) << 32)
}

/// Appends the words of a bulk memory, table or reference instruction; `false` for any
/// other. Slots fit 16 bits (the translator bounds the frame size), and none of these
/// instructions reads or writes the accumulator.
pub(super) fn encode(instr: &Instr, out: &mut Vec<Word>) -> bool {
    let s = |slot: u32| slot as u16;
    match *instr {
        Instr::MemoryCopy { dst, src, len } => {
            out.push(Word::new(memory_copy, s(dst), s(src), len))
        }
        Instr::MemoryFill { dst, value, len } => {
            out.push(Word::new(memory_fill, s(dst), s(value), len))
        }
        Instr::MemoryInit { seg, dst, src, len } => {
            out.push(Word::new(memory_init, s(dst), s(src), len));
            out.push(Word::data(u64::from(seg)));
        }
        Instr::DataDrop { seg } => out.push(Word::new(data_drop, 0, 0, seg)),
        Instr::TableGet { dst, index, table } => {
            out.push(Word::new(table_get, s(dst), s(index), table))
        }
        Instr::TableSet {
            table,
            index,
            value,
        } => out.push(Word::new(table_set, s(index), s(value), table)),
        Instr::TableSize { dst, table } => out.push(Word::new(table_size, s(dst), 0, table)),
        Instr::TableGrow {
            dst,
            init,
            delta,
            table,
        } => {
            out.push(Word::new(table_grow, s(dst), s(init), delta));
            out.push(Word::data(u64::from(table)));
        }
        Instr::TableFill {
            table,
            dst,
            value,
            len,
        } => {
            out.push(Word::new(table_fill, s(dst), s(value), len));
            out.push(Word::data(u64::from(table)));
        }
        Instr::TableCopy {
            dst_table,
            src_table,
            dst,
            src,
            len,
        } => {
            out.push(Word::new(table_copy, s(dst), s(src), len));
            out.push(pair(dst_table, src_table));
        }
        Instr::TableInit {
            table,
            seg,
            dst,
            src,
            len,
        } => {
            out.push(Word::new(table_init, s(dst), s(src), len));
            out.push(pair(table, seg));
        }
        Instr::ElemDrop { seg } => out.push(Word::new(elem_drop, 0, 0, seg)),
        Instr::RefFunc { dst, func } => out.push(Word::new(ref_func, s(dst), 0, func)),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_charges_follow_ewasm_md_4_1() {
        // 3 gas per started 32-byte word; one per element; nothing for zero.
        assert_eq!(memory_gas(0), 0);
        assert_eq!(memory_gas(1), 3);
        assert_eq!(memory_gas(32), 3);
        assert_eq!(memory_gas(33), 6);
        assert_eq!(memory_gas(u32::MAX), 3 * 134_217_728);
        assert_eq!(table_gas(0), 0);
        assert_eq!(table_gas(7), 7);
    }

    #[test]
    fn steps_follow_ewasm_md_4_2() {
        // One step per started KiB; one per started 128 elements; nothing for zero.
        assert_eq!(memory_steps(0), 0);
        assert_eq!(memory_steps(1), 1);
        assert_eq!(memory_steps(1024), 1);
        assert_eq!(memory_steps(1025), 2);
        assert_eq!(memory_steps(u32::MAX), 4_194_304);
        assert_eq!(table_steps(0), 0);
        assert_eq!(table_steps(128), 1);
        assert_eq!(table_steps(129), 2);
    }

    #[test]
    fn ranges_do_not_wrap() {
        assert_eq!(range(0, 0, 0), Some(0..0));
        assert_eq!(range(10, 0, 10), Some(10..10));
        assert_eq!(range(11, 0, 10), None);
        assert_eq!(
            range(u32::MAX, 2, usize::MAX),
            Some(u32::MAX as usize..(1usize << 32) + 1)
        );
        assert_eq!(range(u32::MAX, 1, 10), None);
    }
}
