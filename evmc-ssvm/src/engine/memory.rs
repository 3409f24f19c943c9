//! Linear memory: a byte vector bounded by its declared maximum and the configured page cap,
//! with a record of the granules written since it was zero ([`Dirty`]), so that its buffer
//! can go back to a thread's [`pool`] after only those granules are zeroed again.

use std::alloc::{alloc_zeroed, Layout};

use super::budget::MemoryBudget;
use super::pool;
use super::types::Limits;

/// Bytes per granule of the [`Dirty`] record.
pub const GRANULE: usize = 1024;

/// The most bytes one Wasm store instruction writes (`i64.store`): a store marks only the
/// granule of its first byte, and cleaning a granule also zeroes this many bytes past it.
pub const MAX_STORE_BYTES: usize = 8;

/// Which granules of a memory may hold bytes written since the memory was all zero (beyond
/// what it was created with): bit `k` stands for every granule `g` with `g % 64 == k`
/// (exact for memories up to 64 KiB, one page; a set bit of a memory of `p` pages costs
/// zeroing `p` KiB). Every writer marks what it
/// writes: the interpreter's stores (the granule of the first byte, see
/// [`MAX_STORE_BYTES`]) and bulk operations, segment initialisation, host functions (see
/// `HostCallContext`), and [`Memory::data_mut`] (everything).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dirty(pub u64);

/// The interpreter's record of its stores into the current memory: one byte per bit of
/// [`Dirty`], set by a plain byte store (no read-modify-write of a shared word, which would
/// chain consecutive stores through memory), merged into the memory's [`Dirty`] when the
/// run leaves the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreMarks([u8; 64]);

impl Default for StoreMarks {
    fn default() -> Self {
        StoreMarks([0; 64])
    }
}

impl StoreMarks {
    /// The [`Dirty`] bit of byte `addr`.
    #[inline(always)]
    fn bit(addr: u64) -> usize {
        (addr / GRANULE as u64 % 64) as usize
    }

    /// Marks the granule of byte `addr` (a store of at most [`MAX_STORE_BYTES`] bytes).
    #[inline(always)]
    pub fn mark(&mut self, addr: u64) {
        self.0[Self::bit(addr)] = 1;
    }

    /// The marks as [`Dirty`] bits, cleared here (eight words to test when none is set).
    pub fn take(&mut self) -> Dirty {
        let mut bits = 0u64;
        for (w, chunk) in self.0.chunks_exact(8).enumerate() {
            if chunk.iter().all(|&m| m == 0) {
                continue;
            }
            for (i, m) in chunk.iter().enumerate() {
                bits |= u64::from(*m != 0) << (w * 8 + i);
            }
        }
        if bits != 0 {
            self.0 = [0; 64];
        }
        Dirty(bits)
    }
}

impl Dirty {
    /// Marks every granule of `offset .. offset + len`.
    pub fn mark(&mut self, offset: usize, len: usize) {
        if len == 0 {
            return;
        }
        let first = offset / GRANULE;
        let last = offset.saturating_add(len - 1) / GRANULE;
        if last - first >= 63 {
            self.mark_all();
            return;
        }
        for g in first..=last {
            self.0 |= 1u64 << (g % 64);
        }
    }

    /// Marks the whole memory.
    pub fn mark_all(&mut self) {
        self.0 = u64::MAX;
    }

    /// Adds the marks of `other`.
    pub fn merge(&mut self, other: Dirty) {
        self.0 |= other.0;
    }

    /// Zeroes every marked granule of `data` (and the [`MAX_STORE_BYTES`] after each) and
    /// clears the marks: `data` is all zero again if it was before the marked writes.
    pub fn clean(&mut self, data: &mut [u8]) {
        if self.0 == u64::MAX {
            data.fill(0);
        } else {
            let mut bits = self.0;
            while bits != 0 {
                let k = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let mut start = k * GRANULE;
                while start < data.len() {
                    let end = (start + GRANULE + MAX_STORE_BYTES).min(data.len());
                    data[start..end].fill(0);
                    start += 64 * GRANULE;
                }
            }
        }
        self.0 = 0;
    }
}

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
    /// Granules written since `data` was all zero (see [`Dirty`]).
    pub(crate) dirty: Dirty,
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
        let Some(data) = pool::take_memory(bytes).or_else(|| zeroed(bytes)) else {
            budget.give(u64::from(limits.min));
            return Err(MemoryError::AllocationFailed);
        };
        Ok(Self {
            data,
            dirty: Dirty::default(),
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

    /// The memory's bytes, mutable (the whole memory counts as written).
    pub fn data_mut(&mut self) -> &mut [u8] {
        self.dirty.mark_all();
        &mut self.data
    }

    /// Copies `bytes` to `offset`; `false` (nothing written) if they do not fit.
    pub fn write(&mut self, offset: usize, bytes: &[u8]) -> bool {
        let Some(dst) = offset
            .checked_add(bytes.len())
            .and_then(|end| self.data.get_mut(offset..end))
        else {
            return false;
        };
        dst.copy_from_slice(bytes);
        self.dirty.mark(offset, bytes.len());
        true
    }
}

impl Drop for Memory {
    /// Gives the pages back to the budget, and the buffer, zeroed again where it was
    /// written, to the thread's pool.
    fn drop(&mut self) {
        self.budget.give(u64::from(self.pages()));
        let mut data = std::mem::take(&mut self.data);
        if pool::wants_memory(&data) {
            self.dirty.clean(&mut data);
            pool::give_memory(data);
        }
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
    fn clean_zeroes_exactly_the_marked_granules() {
        let mut data = vec![1u8; 40 * GRANULE + 100];
        let mut dirty = Dirty::default();
        dirty.mark(3 * GRANULE + 5, 2 * GRANULE);
        let mut stores = StoreMarks::default();
        stores.mark((40 * GRANULE - 1) as u64);
        dirty.merge(stores.take());
        assert_eq!(stores, StoreMarks::default(), "taken");
        assert_eq!(dirty.0, 0b111 << 3 | 1 << 39);
        dirty.clean(&mut data);
        let zeroed = |g: usize| data[g * GRANULE..(g + 1) * GRANULE].iter().all(|&b| b == 0);
        for g in [3, 4, 5, 39] {
            assert!(zeroed(g), "granule {g}");
        }
        // The store's spill into the next granule is zeroed too; granule 6 is not marked.
        assert!(data[40 * GRANULE..40 * GRANULE + MAX_STORE_BYTES]
            .iter()
            .all(|&b| b == 0));
        assert_eq!(data[40 * GRANULE + MAX_STORE_BYTES], 1);
        assert_eq!(data[6 * GRANULE + MAX_STORE_BYTES], 1);
        assert_eq!(data[7 * GRANULE], 1);
        assert_eq!(data[2 * GRANULE + 100], 1);
        assert_eq!(dirty, Dirty::default());
    }

    #[test]
    fn marks_wrap_every_64_granules() {
        let mut data = vec![1u8; 130 * GRANULE];
        let mut dirty = Dirty::default();
        let mut stores = StoreMarks::default();
        stores.mark(2 * GRANULE as u64);
        dirty.merge(stores.take());
        dirty.clean(&mut data);
        for g in 0..130 {
            let zero = data[g * GRANULE + 100] == 0;
            assert_eq!(zero, g % 64 == 2, "granule {g}");
        }
        let mut dirty = Dirty::default();
        dirty.mark(0, 64 * GRANULE);
        assert_eq!(dirty.0, u64::MAX);
    }

    #[test]
    fn a_reused_buffer_starts_all_zero() {
        let budget = MemoryBudget::default();
        let limits = Limits { min: 2, max: None };
        for round in 0..3u8 {
            let mut m = Memory::new(limits, 10, &budget).expect("fits");
            assert!(m.data().iter().all(|&b| b == 0), "round {round}");
            assert!(m.write(70_000, &[round + 1; 3000]));
            assert!(!m.write(2 * PAGE_SIZE - 1, &[9; 2]), "out of bounds");
            m.data_mut()[PAGE_SIZE - 1] = 7;
            assert_eq!(m.grow(1), Some(2));
            m.data_mut()[3 * PAGE_SIZE - 1] = 8;
        }
    }

    #[test]
    fn a_refused_allocation_is_an_error_not_an_abort() {
        // More bytes than any allocator gives (isize::MAX is the layout limit).
        assert!(zeroed(usize::MAX).is_none());
        assert!(zeroed(isize::MAX as usize).is_none());
        assert_eq!(zeroed(3), Some(vec![0; 3]));
    }
}
