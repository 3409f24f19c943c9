//! Memory handlers: bounds-checked loads and stores between linear memory and frame slots,
//! `memory.size` and `memory.grow`.
//!
//! Word operands: loads `a` = destination, `b` = address slot, `c` = static offset; stores
//! `a` = address slot, `b` = value slot (an i16 immediate in the `Imm` forms), `c` = static
//! offset. Any of them may be the accumulator instead (handler instances `A`, `D`, `V`).

use super::frame::Fp;
use super::word::{acc_field as acc, instance, next, Done, Ip, Mem, Word};
use super::Exec;
use crate::engine::config::{GROW_GAS_PER_PAGE, STEPS_PER_GROWN_PAGE};
use crate::engine::isa::Instr;
use crate::engine::memory::{StoreMarks, MAX_STORE_BYTES, PAGE_SIZE};
use crate::engine::trap::Trap;

/// The `N` bytes at `addr + offset` (the effective address does not wrap), if in bounds.
#[inline(always)]
fn read<const N: usize>(mem: Mem, addr: u64, offset: u32) -> Option<[u8; N]> {
    let ea = (addr as u32 as u64) + u64::from(offset);
    if ea + N as u64 > mem.len as u64 {
        return None;
    }
    // SAFETY: `ea + N <= mem.len`, so the bytes lie inside the memory buffer `mem`
    // describes (see `Mem::bytes`); unaligned reads of bytes are always allowed.
    Some(unsafe { std::ptr::read_unaligned(mem.ptr.add(ea as usize) as *const [u8; N]) })
}

/// Writes `bytes` at `addr + offset`, marking it in `stores`; `false` if out of bounds
/// (nothing written).
#[inline(always)]
fn write<const N: usize>(
    mem: Mem,
    addr: u64,
    offset: u32,
    bytes: [u8; N],
    stores: &mut StoreMarks,
) -> bool {
    const { assert!(N <= MAX_STORE_BYTES) };
    let ea = (addr as u32 as u64) + u64::from(offset);
    if ea + N as u64 > mem.len as u64 {
        return false;
    }
    // SAFETY: as in `read`.
    unsafe { std::ptr::write_unaligned(mem.ptr.add(ea as usize) as *mut [u8; N], bytes) };
    stores.mark(ea);
    true
}

macro_rules! loads {
    ($($name:ident: $n:literal => $conv:expr),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: `a = load(b + c)`; `A`/`D`: address ")]
            #[doc = "or result in the accumulator."]
            #[allow(non_snake_case)]
            fn $name<const A: bool, const D: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let Some(bytes) = read::<$n>(mem, fp.operand::<A>(w.b, acc), w.c) else {
                    return ex.trap(Trap::MemoryOutOfBounds);
                };
                let conv: fn([u8; $n]) -> u64 = $conv;
                let acc = fp.result::<D>(w.a, acc, conv(bytes));
                next(ip, fp, mem, ex, acc)
            }
        )*
    };
}

macro_rules! stores {
    ($($name:ident: $n:literal => $conv:expr),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: `store(a + c, b)`; `A`/`V`: address or ")]
            #[doc = "value in the accumulator."]
            #[allow(non_snake_case)]
            fn $name<const A: bool, const V: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let conv: fn(u64) -> [u8; $n] = $conv;
                let value = conv(fp.operand::<V>(w.b, acc));
                if !write(mem, fp.operand::<A>(w.a, acc), w.c, value, &mut ex.stores) {
                    return ex.trap(Trap::MemoryOutOfBounds);
                }
                next(ip, fp, mem, ex, acc)
            }
        )*
    };
}

loads! {
    I32Load: 4 => |b| u64::from(u32::from_le_bytes(b)),
    I64Load: 8 => u64::from_le_bytes,
    I32Load8S: 1 => |b| u64::from(b[0] as i8 as i32 as u32),
    I32Load8U: 1 => |b| u64::from(b[0]),
    I32Load16S: 2 => |b| u64::from(i16::from_le_bytes(b) as i32 as u32),
    I32Load16U: 2 => |b| u64::from(u16::from_le_bytes(b)),
    I64Load8S: 1 => |b| b[0] as i8 as i64 as u64,
    I64Load16S: 2 => |b| i16::from_le_bytes(b) as i64 as u64,
    I64Load32S: 4 => |b| i32::from_le_bytes(b) as i64 as u64,
}

stores! {
    I32Store: 4 => |v| (v as u32).to_le_bytes(),
    I64Store: 8 => u64::to_le_bytes,
    I32Store8: 1 => |v| [v as u8],
    I32Store16: 2 => |v| (v as u16).to_le_bytes(),
}

macro_rules! store_imms {
    ($($name:ident: $n:literal => $conv:expr),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: `store(a + c, imm b)`; `A`: address in ")]
            #[doc = "the accumulator."]
            #[allow(non_snake_case)]
            fn $name<const A: bool>(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
                let w = ip.word();
                let conv: fn(i64) -> [u8; $n] = $conv;
                let value = conv(i64::from(w.b as i16));
                if !write(mem, fp.operand::<A>(w.a, acc), w.c, value, &mut ex.stores) {
                    return ex.trap(Trap::MemoryOutOfBounds);
                }
                next(ip, fp, mem, ex, acc)
            }
        )*
    };
}

store_imms! {
    I32StoreImm: 4 => |v| (v as u32).to_le_bytes(),
    I64StoreImm: 8 => i64::to_le_bytes,
    I32Store8Imm: 1 => |v| [v as u8],
    I32Store16Imm: 2 => |v| (v as u16).to_le_bytes(),
}

/// `memory.size`: `a` = size in pages.
fn memory_size(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.set(w.a, (mem.len / PAGE_SIZE) as u64);
    next(ip, fp, mem, ex, acc)
}

/// `memory.grow`: grows by `b` pages; `a` = old size or -1. Pays first, even when the grow
/// then fails: `STEPS_PER_GROWN_PAGE` steps per page (EWASM.md section 4.2) and, when
/// metering, `GROW_GAS_PER_PAGE` gas per page (section 4).
fn memory_grow(ip: Ip, fp: Fp, _mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let delta = fp.get(w.b) as u32;
    if ex.limits.metering && !ex.charge(i64::from(delta) * GROW_GAS_PER_PAGE) {
        return ex.trap(Trap::OutOfGas);
    }
    if !ex.spend_steps(u64::from(delta) * STEPS_PER_GROWN_PAGE) {
        return ex.trap(Trap::StepLimitExceeded);
    }
    let memory = &mut ex.memories[ex.inst.memory as usize];
    let old = memory.grow(delta).unwrap_or(u32::MAX);
    // The buffer may have moved.
    let mem = ex.memory();
    fp.set(w.a, u64::from(old));
    next(ip, fp, mem, ex, acc)
}

/// Appends the word of a memory instruction; `false` for any other.
pub(super) fn encode(instr: &Instr, out: &mut Vec<Word>) -> bool {
    macro_rules! load {
        ($h:ident, $dst:expr, $addr:expr, $offset:expr) => {{
            let ((d, dst), (a, addr)) = (acc($dst), acc($addr));
            Word::new(instance!($h; []; a, d), dst, addr, $offset)
        }};
    }
    macro_rules! store {
        ($h:ident, $addr:expr, $value:expr, $offset:expr) => {{
            let ((a, addr), (v, value)) = (acc($addr), acc($value));
            Word::new(instance!($h; []; a, v), addr, value, $offset)
        }};
    }
    macro_rules! store_imm {
        ($h:ident, $addr:expr, $value:expr, $offset:expr) => {{
            let (a, addr) = acc($addr);
            Word::new(instance!($h; []; a), addr, $value as u16, $offset)
        }};
    }
    let encoded = match *instr {
        Instr::I32Load { dst, addr, offset } => load!(I32Load, dst, addr, offset),
        Instr::I64Load { dst, addr, offset } => load!(I64Load, dst, addr, offset),
        Instr::I32Load8S { dst, addr, offset } => load!(I32Load8S, dst, addr, offset),
        Instr::I32Load8U { dst, addr, offset } => load!(I32Load8U, dst, addr, offset),
        Instr::I32Load16S { dst, addr, offset } => load!(I32Load16S, dst, addr, offset),
        Instr::I32Load16U { dst, addr, offset } => load!(I32Load16U, dst, addr, offset),
        Instr::I64Load8S { dst, addr, offset } => load!(I64Load8S, dst, addr, offset),
        Instr::I64Load16S { dst, addr, offset } => load!(I64Load16S, dst, addr, offset),
        Instr::I64Load32S { dst, addr, offset } => load!(I64Load32S, dst, addr, offset),
        Instr::I32Store {
            addr,
            value,
            offset,
        } => store!(I32Store, addr, value, offset),
        Instr::I64Store {
            addr,
            value,
            offset,
        } => store!(I64Store, addr, value, offset),
        Instr::I32Store8 {
            addr,
            value,
            offset,
        } => store!(I32Store8, addr, value, offset),
        Instr::I32Store16 {
            addr,
            value,
            offset,
        } => store!(I32Store16, addr, value, offset),
        Instr::I32StoreImm {
            addr,
            value,
            offset,
        } => store_imm!(I32StoreImm, addr, value, offset),
        Instr::I64StoreImm {
            addr,
            value,
            offset,
        } => store_imm!(I64StoreImm, addr, value, offset),
        Instr::I32Store8Imm {
            addr,
            value,
            offset,
        } => store_imm!(I32Store8Imm, addr, value, offset),
        Instr::I32Store16Imm {
            addr,
            value,
            offset,
        } => store_imm!(I32Store16Imm, addr, value, offset),
        Instr::MemorySize { dst } => Word::new(memory_size, dst as u16, 0, 0),
        Instr::MemoryGrow { dst, delta } => Word::new(memory_grow, dst as u16, delta as u16, 0),
        _ => return false,
    };
    out.push(encoded);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accesses_check_the_whole_range_without_wrapping() {
        let mut bytes = vec![0u8; 8];
        let mem = Mem::of(&mut bytes);
        let mut stores = StoreMarks::default();
        assert!(write(mem, 4, 0, 0x0403_0201u32.to_le_bytes(), &mut stores));
        assert_eq!(
            stores.take(),
            crate::engine::memory::Dirty(1),
            "granule 0 written"
        );
        assert_eq!(read::<4>(mem, 2, 2), Some([1, 2, 3, 4]));
        assert_eq!(read::<4>(mem, 5, 0), None);
        assert!(!write(mem, 7, 0, [0u8; 2], &mut stores));
        // The address is an i32: only its low 32 bits count, then the offset is added
        // without wrapping.
        assert_eq!(read::<1>(mem, 0xffff_ffff_0000_0004, 0), Some([1]));
        assert_eq!(read::<1>(mem, u64::from(u32::MAX), u32::MAX), None);
        assert_eq!(bytes[4..], [1, 2, 3, 4]);
    }
}
