//! Linear memory: a byte vector bounded by its declared maximum and the configured page cap,
//! and the bounds-checked little-endian access helpers used by the interpreter.

use super::trap::Trap;
use super::types::Limits;

/// Bytes per Wasm page.
pub const PAGE_SIZE: usize = 65536;

/// One linear memory instance.
#[derive(Debug, Clone)]
pub struct Memory {
    pub(crate) data: Vec<u8>,
    /// Declared maximum (pages), if any.
    max: Option<u32>,
    /// Engine page cap (`Config::page_cap`).
    cap: u32,
}

impl Memory {
    /// Allocates `limits.min` zeroed pages; `None` if that exceeds `cap`.
    pub fn new(limits: Limits, cap: u32) -> Option<Self> {
        if limits.min > cap {
            return None;
        }
        let bytes = (limits.min as usize).checked_mul(PAGE_SIZE)?;
        Some(Self {
            data: vec![0; bytes],
            max: limits.max,
            cap,
        })
    }

    /// Current size in pages.
    pub fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
    }

    /// Current limits (for import matching).
    pub fn limits(&self) -> Limits {
        Limits {
            min: self.pages(),
            max: self.max,
        }
    }

    /// Grows by `delta` pages; returns the old size, or `None` past the maximum or cap.
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let limit = self.max.unwrap_or(u32::MAX).min(self.cap);
        if new > limit {
            return None;
        }
        self.data.resize(new as usize * PAGE_SIZE, 0);
        Some(old)
    }

    /// The memory's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The memory's bytes, mutable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }
}

/// Reads `N` bytes at `addr + offset` (effective address computed without wrapping).
#[inline(always)]
pub(crate) fn load_bytes<const N: usize>(
    mem: &[u8],
    addr: u32,
    offset: u32,
) -> Result<[u8; N], Trap> {
    let start = addr as usize + offset as usize;
    match mem.get(start..start + N) {
        Some(slice) => {
            let mut out = [0u8; N];
            out.copy_from_slice(slice);
            Ok(out)
        }
        None => Err(Trap::MemoryOutOfBounds),
    }
}

/// Writes `bytes` at `addr + offset`.
#[inline(always)]
pub(crate) fn store_bytes<const N: usize>(
    mem: &mut [u8],
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), Trap> {
    let start = addr as usize + offset as usize;
    match mem.get_mut(start..start + N) {
        Some(slice) => {
            slice.copy_from_slice(&bytes);
            Ok(())
        }
        None => Err(Trap::MemoryOutOfBounds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_respects_max_and_cap() {
        let mut m = Memory::new(
            Limits {
                min: 1,
                max: Some(3),
            },
            2,
        )
        .unwrap_or_else(|| unreachable!());
        assert_eq!(m.grow(1), Some(1));
        assert_eq!(m.grow(1), None, "cap of 2 pages");
        assert_eq!(m.pages(), 2);
        assert!(Memory::new(Limits { min: 3, max: None }, 2).is_none());
    }

    #[test]
    fn access_checks_the_whole_range() {
        let mut mem = vec![0u8; 8];
        assert_eq!(
            store_bytes(&mut mem, 4, 0, 0x0403_0201u32.to_le_bytes()),
            Ok(())
        );
        assert_eq!(load_bytes::<4>(&mem, 2, 2), Ok([1, 2, 3, 4]));
        assert_eq!(load_bytes::<4>(&mem, 5, 0), Err(Trap::MemoryOutOfBounds));
        assert_eq!(
            load_bytes::<1>(&mem, u32::MAX, u32::MAX),
            Err(Trap::MemoryOutOfBounds)
        );
    }
}
