//! Memory handlers of the interpreter: bounds-checked loads and stores between linear
//! memory and frame slots.

use super::frame::Fp;
use crate::engine::isa::Slot;
use crate::engine::memory::{load_bytes, store_bytes};
use crate::engine::trap::Trap;

/// `fp[dst] = conv(N bytes at fp[addr] + offset)`.
#[inline(always)]
pub(super) fn load<const N: usize>(
    mem: &[u8],
    fp: Fp,
    dst: Slot,
    addr: Slot,
    offset: u32,
    conv: impl FnOnce([u8; N]) -> u64,
) -> Result<(), Trap> {
    let bytes = load_bytes::<N>(mem, fp.get(addr) as u32, offset)?;
    fp.set(dst, conv(bytes));
    Ok(())
}

/// Stores `conv(fp[value])` at `fp[addr] + offset`.
#[inline(always)]
pub(super) fn store<const N: usize>(
    mem: &mut [u8],
    fp: Fp,
    addr: Slot,
    value: Slot,
    offset: u32,
    conv: impl FnOnce(u64) -> [u8; N],
) -> Result<(), Trap> {
    store_bytes(mem, fp.get(addr) as u32, offset, conv(fp.get(value)))
}

/// Little-endian u32 into a zero-extended slot.
#[inline(always)]
pub(super) fn u32_le(b: [u8; 4]) -> u64 {
    u64::from(u32::from_le_bytes(b))
}

/// Little-endian u16 into a zero-extended slot.
#[inline(always)]
pub(super) fn u16_le(b: [u8; 2]) -> u64 {
    u64::from(u16::from_le_bytes(b))
}

/// A byte into a zero-extended slot.
#[inline(always)]
pub(super) fn u8_(b: [u8; 1]) -> u64 {
    u64::from(b[0])
}

/// A signed byte into an i32 slot (zero-extended i32).
#[inline(always)]
pub(super) fn i8_to_i32(b: [u8; 1]) -> u64 {
    u64::from(b[0] as i8 as i32 as u32)
}

/// A signed little-endian i16 into an i32 slot.
#[inline(always)]
pub(super) fn i16_to_i32(b: [u8; 2]) -> u64 {
    u64::from(i16::from_le_bytes(b) as i32 as u32)
}

/// A signed byte into an i64 slot.
#[inline(always)]
pub(super) fn i8_to_i64(b: [u8; 1]) -> u64 {
    b[0] as i8 as i64 as u64
}

/// A signed little-endian i16 into an i64 slot.
#[inline(always)]
pub(super) fn i16_to_i64(b: [u8; 2]) -> u64 {
    i16::from_le_bytes(b) as i64 as u64
}

/// A signed little-endian i32 into an i64 slot.
#[inline(always)]
pub(super) fn i32_to_i64(b: [u8; 4]) -> u64 {
    i32::from_le_bytes(b) as i64 as u64
}
