//! Linear memory: a byte vector bounded by its declared maximum and the configured page cap,
//! and the bounds-checked little-endian access helpers used by the interpreter.

use std::alloc::{alloc_zeroed, Layout};

use super::budget::MemoryBudget;
use super::types::Limits;

/// Bytes per Wasm page.
pub const PAGE_SIZE: usize = 65536;

/// Why a memory could not be allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryError {
    /// The initial size exceeds the engine's page cap.
    TooLarge,
    /// The pages would pass the call tree's memory budget.
    OverBudget,
    /// The system allocator refused the bytes.
    AllocationFailed,
}

/// One linear memory instance. Its pages are taken from a [`MemoryBudget`] and given back
/// when it is dropped.
#[derive(Debug)]
pub struct Memory {
    pub(crate) data: Vec<u8>,
    /// Declared maximum (pages), if any.
    max: Option<u32>,
    /// Engine page cap (`Config::page_cap`).
    cap: u32,
    /// Where the pages come from.
    budget: MemoryBudget,
}

/// `bytes` zero bytes, or `None` if the allocator refuses them (never aborts). Large
/// blocks come zeroed from the OS (`alloc_zeroed`), so untouched pages cost no memory.
fn zeroed(bytes: usize) -> Option<Vec<u8>> {
    if bytes == 0 {
        return Some(Vec::new());
    }
    let layout = Layout::array::<u8>(bytes).ok()?;
    // SAFETY: `layout` has a non-zero size (checked above).
    let ptr = unsafe { alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout of `bytes` u8s
    // (size `bytes`, alignment 1), and all `bytes` of it are initialised (zeroed).
    Some(unsafe { Vec::from_raw_parts(ptr, bytes, bytes) })
}

impl Memory {
    /// Allocates `limits.min` zeroed pages taken from `budget`.
    pub fn new(limits: Limits, cap: u32, budget: &MemoryBudget) -> Result<Self, MemoryError> {
        if limits.min > cap {
            return Err(MemoryError::TooLarge);
        }
        let bytes = (limits.min as usize)
            .checked_mul(PAGE_SIZE)
            .ok_or(MemoryError::TooLarge)?;
        if !budget.take(u64::from(limits.min)) {
            return Err(MemoryError::OverBudget);
        }
        let Some(data) = zeroed(bytes) else {
            budget.give(u64::from(limits.min));
            return Err(MemoryError::AllocationFailed);
        };
        Ok(Self {
            data,
            max: limits.max,
            cap,
            budget: budget.clone(),
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

    /// Grows by `delta` pages; returns the old size, or `None` past the maximum, the cap or
    /// the budget, or when the allocator refuses the bytes (the memory is then unchanged).
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let limit = self.max.unwrap_or(u32::MAX).min(self.cap);
        if new > limit || !self.budget.take(u64::from(delta)) {
            return None;
        }
        let extra = delta as usize * PAGE_SIZE;
        if self.data.try_reserve_exact(extra).is_err() {
            self.budget.give(u64::from(delta));
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

impl Drop for Memory {
    fn drop(&mut self) {
        self.budget.give(u64::from(self.pages()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_respects_max_and_cap() {
        let budget = MemoryBudget::default();
        let limits = Limits {
            min: 1,
            max: Some(3),
        };
        let mut m = Memory::new(limits, 2, &budget).expect("fits");
        assert_eq!(m.grow(1), Some(1));
        assert_eq!(m.grow(1), None, "cap of 2 pages");
        assert_eq!(m.pages(), 2);
        let too_large = Memory::new(Limits { min: 3, max: None }, 2, &budget);
        assert_eq!(too_large.err(), Some(MemoryError::TooLarge));
    }

    #[test]
    fn pages_come_from_the_budget_and_go_back_on_drop() {
        let budget = MemoryBudget::new(5);
        let limits = |min| Limits { min, max: None };
        let mut a = Memory::new(limits(2), 100, &budget).expect("2 of 5");
        let b = Memory::new(limits(3), 100, &budget).expect("5 of 5");
        assert_eq!(budget.used_pages(), 5);
        assert_eq!(a.grow(1), None, "the budget is used up");
        assert_eq!(a.pages(), 2, "a failed grow changes nothing");
        let over = Memory::new(limits(1), 100, &budget);
        assert_eq!(over.err(), Some(MemoryError::OverBudget));
        drop(b);
        assert_eq!(budget.used_pages(), 2);
        assert_eq!(a.grow(3), Some(2));
        assert_eq!(a.data().len(), 5 * PAGE_SIZE);
        assert!(a.data().iter().all(|&b| b == 0), "new pages are zero");
        drop(a);
        assert_eq!(budget.used_pages(), 0);
    }

    #[test]
    fn a_refused_allocation_is_an_error_not_an_abort() {
        // More bytes than any allocator gives (isize::MAX is the layout limit).
        assert!(zeroed(usize::MAX).is_none());
        assert!(zeroed(isize::MAX as usize).is_none());
        assert_eq!(zeroed(3), Some(vec![0; 3]));
    }
}
