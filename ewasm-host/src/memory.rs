//! Bounds-checked ranges over the contract's linear memory and over host buffers (call
//! data, code, return data): u32 offsets and lengths, no wrapping, no zero padding.

use std::ops::Range;

use crate::outcome::HostExit;

/// The byte range `offset .. offset + len` of a buffer of `size` bytes: `offset + len` must
/// not wrap in u32 and must be at most `size` (so a zero length still needs
/// `offset <= size`). Otherwise `InvalidMemoryAccess`.
pub fn checked_range(size: usize, offset: u32, len: u32) -> Result<Range<usize>, HostExit> {
    let end = offset
        .checked_add(len)
        .ok_or(HostExit::InvalidMemoryAccess)?;
    let (start, end) = (to_usize(offset)?, to_usize(end)?);
    if end > size {
        return Err(HostExit::InvalidMemoryAccess);
    }
    Ok(start..end)
}

fn to_usize(v: u32) -> Result<usize, HostExit> {
    usize::try_from(v).map_err(|_| HostExit::InvalidMemoryAccess)
}

/// The `len` bytes at `offset` of `buf` (memory or a host buffer), wholly inside it.
pub fn slice(buf: &[u8], offset: u32, len: u32) -> Result<&[u8], HostExit> {
    let range = checked_range(buf.len(), offset, len)?;
    buf.get(range).ok_or(HostExit::InvalidMemoryAccess)
}

/// The `len` bytes at `offset` of `buf`, mutable, wholly inside it.
pub fn slice_mut(buf: &mut [u8], offset: u32, len: u32) -> Result<&mut [u8], HostExit> {
    let range = checked_range(buf.len(), offset, len)?;
    buf.get_mut(range).ok_or(HostExit::InvalidMemoryAccess)
}

/// Reads `N` bytes at `offset`.
pub fn read_array<const N: usize>(mem: &[u8], offset: u32) -> Result<[u8; N], HostExit> {
    let len = u32::try_from(N).map_err(|_| HostExit::InvalidMemoryAccess)?;
    let mut out = [0u8; N];
    out.copy_from_slice(slice(mem, offset, len)?);
    Ok(out)
}

/// Writes all of `data` at `offset`.
pub fn write(mem: &mut [u8], offset: u32, data: &[u8]) -> Result<(), HostExit> {
    let len = u32::try_from(data.len()).map_err(|_| HostExit::InvalidMemoryAccess)?;
    slice_mut(mem, offset, len)?.copy_from_slice(data);
    Ok(())
}

/// Copies `len` bytes from `src_offset` of host buffer `src` to `dst_offset` of memory;
/// both ranges must be valid (the source is checked first), else nothing is written.
pub fn copy_from_buffer(
    mem: &mut [u8],
    dst_offset: u32,
    src: &[u8],
    src_offset: u32,
    len: u32,
) -> Result<(), HostExit> {
    let from = slice(src, src_offset, len)?;
    slice_mut(mem, dst_offset, len)?.copy_from_slice(from);
    Ok(())
}

/// Gas for copying `len` bytes: `per_word` for each started 32-byte word.
pub fn copy_gas(len: u32, per_word: u64) -> u64 {
    u64::from(len).div_ceil(32) * per_word
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMA: HostExit = HostExit::InvalidMemoryAccess;

    #[test]
    fn ranges_inside_and_at_the_end_are_valid() {
        assert_eq!(checked_range(100, 0, 100), Ok(0..100));
        assert_eq!(checked_range(100, 99, 1), Ok(99..100));
        assert_eq!(checked_range(100, 100, 0), Ok(100..100));
    }

    #[test]
    fn partially_and_fully_outside_ranges_fail() {
        assert_eq!(checked_range(100, 99, 2), Err(IMA));
        assert_eq!(checked_range(100, 200, 1), Err(IMA));
        assert_eq!(checked_range(100, 101, 0), Err(IMA));
        assert_eq!(checked_range(0, 0, 1), Err(IMA));
    }

    #[test]
    fn wrapping_ranges_fail_even_when_the_buffer_is_huge() {
        assert_eq!(checked_range(usize::MAX, u32::MAX, 1), Err(IMA));
        assert_eq!(checked_range(usize::MAX, 1, u32::MAX), Err(IMA));
        assert_eq!(
            checked_range(usize::MAX, u32::MAX, 0),
            Ok(4294967295..4294967295)
        );
    }

    #[test]
    fn read_write_and_copy_move_exact_bytes() {
        let mut mem = [0u8; 8];
        write(&mut mem, 2, &[1, 2, 3]).unwrap();
        assert_eq!(mem, [0, 0, 1, 2, 3, 0, 0, 0]);
        assert_eq!(read_array::<2>(&mem, 3), Ok([2, 3]));
        assert_eq!(read_array::<2>(&mem, 7), Err(IMA));
        assert_eq!(write(&mut mem, 6, &[9, 9, 9]), Err(IMA));
        assert_eq!(
            mem,
            [0, 0, 1, 2, 3, 0, 0, 0],
            "failed write leaves memory alone"
        );
        copy_from_buffer(&mut mem, 0, &[7, 8, 9], 1, 2).unwrap();
        assert_eq!(mem[..3], [8, 9, 1]);
        assert_eq!(copy_from_buffer(&mut mem, 0, &[7, 8, 9], 2, 2), Err(IMA));
        assert_eq!(copy_from_buffer(&mut mem, 7, &[7, 8, 9], 0, 2), Err(IMA));
    }

    #[test]
    fn copy_gas_rounds_words_up() {
        assert_eq!(copy_gas(0, 3), 0);
        assert_eq!(copy_gas(1, 3), 3);
        assert_eq!(copy_gas(32, 3), 3);
        assert_eq!(copy_gas(33, 3), 6);
        assert_eq!(copy_gas(u32::MAX, 3), 134_217_728 * 3);
    }
}
