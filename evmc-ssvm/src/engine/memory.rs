//! Linear memory: a byte vector bounded by its declared maximum and the configured page cap,
//! and the bounds-checked little-endian access helpers used by the interpreter.

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
}
