//! Tables: slots holding raw references (see [`ref_to_raw`](super::types::ref_to_raw): 0 is
//! null, else a store function address or host value plus one), with their type and limits.

use super::budget::{table_pages, MemoryBudget};
use super::types::{Limits, RefType, TableType, Value};

/// The most elements a table may have (wasmparser's validation limit for declared sizes):
/// `table.grow` beyond it returns -1, so no module can make the host allocate more.
pub const MAX_TABLE_ELEMS: u32 = 10_000_000;

/// One table instance. Its elements count against a [`MemoryBudget`] (8 bytes each,
/// rounded up to pages), given back when it is dropped.
#[derive(Debug)]
pub struct Table {
    pub(crate) elems: Vec<u64>,
    elem: RefType,
    max: Option<u32>,
    budget: MemoryBudget,
}

/// Why a table could not be allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableError {
    /// The initial size exceeds [`MAX_TABLE_ELEMS`].
    TooLarge,
    /// The elements would pass the call tree's memory budget.
    OverBudget,
    /// The system allocator refused the bytes.
    AllocationFailed,
}

impl Table {
    /// Allocates `ty.limits.min` slots holding `init`, counted against `budget`.
    pub fn new(ty: TableType, init: u64, budget: &MemoryBudget) -> Result<Self, TableError> {
        let len = ty.limits.min;
        if len > MAX_TABLE_ELEMS {
            return Err(TableError::TooLarge);
        }
        let pages = table_pages(len as usize);
        if !budget.take(pages) {
            return Err(TableError::OverBudget);
        }
        let mut elems = Vec::new();
        if elems.try_reserve_exact(len as usize).is_err() {
            budget.give(pages);
            return Err(TableError::AllocationFailed);
        }
        elems.resize(len as usize, init);
        Ok(Self {
            elems,
            elem: ty.elem,
            max: ty.limits.max,
            budget: budget.clone(),
        })
    }

    /// The current type (for import matching): current size as the minimum.
    pub fn ty(&self) -> TableType {
        TableType {
            elem: self.elem,
            limits: Limits {
                min: self.elems.len() as u32,
                max: self.max,
            },
        }
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.elems.len()
    }

    /// Element `i` as a value of the table's reference type, if in bounds.
    pub fn get(&self, i: usize) -> Option<Value> {
        let raw = *self.elems.get(i)?;
        Some(Value::from_raw(self.elem.val_type(), raw))
    }

    /// True if the table has no slots.
    pub fn is_empty(&self) -> bool {
        self.elems.is_empty()
    }

    /// Grows by `delta` slots holding `init`; returns the old size, or `None` past the
    /// maximum, [`MAX_TABLE_ELEMS`] or the budget, or when the allocator refuses the bytes
    /// (the table is then unchanged).
    pub fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.elems.len() as u32;
        let new = old.checked_add(delta)?;
        if new > self.max.unwrap_or(u32::MAX).min(MAX_TABLE_ELEMS) {
            return None;
        }
        let extra = table_pages(new as usize) - table_pages(old as usize);
        if !self.budget.take(extra) {
            return None;
        }
        if self.elems.try_reserve_exact(delta as usize).is_err() {
            self.budget.give(extra);
            return None;
        }
        self.elems.resize(new as usize, init);
        Some(old)
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        self.budget.give(table_pages(self.elems.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(min: u32, max: Option<u32>) -> Option<Table> {
        table_in(min, max, &MemoryBudget::default()).ok()
    }

    fn table_in(min: u32, max: Option<u32>, budget: &MemoryBudget) -> Result<Table, TableError> {
        let ty = TableType {
            elem: RefType::Func,
            limits: Limits { min, max },
        };
        Table::new(ty, 0, budget)
    }

    #[test]
    fn elements_count_against_the_budget_in_pages() {
        let budget = MemoryBudget::new(3);
        // 8193 elements are 2 pages.
        let mut t = table_in(8193, None, &budget).expect("2 of 3 pages");
        assert_eq!(budget.used_pages(), 2);
        // Up to 3 * 8192 elements fit; one more does not, and changes nothing.
        assert_eq!(t.grow(3 * 8192 - 8193, 0), Some(8193));
        assert_eq!(budget.used_pages(), 3);
        assert_eq!(t.grow(1, 0), None);
        assert_eq!(t.len(), 3 * 8192);
        assert_eq!(
            table_in(1, None, &budget).err(),
            Some(TableError::OverBudget)
        );
        drop(t);
        assert_eq!(budget.used_pages(), 0);
    }

    #[test]
    fn grow_respects_the_maximum_and_the_engine_cap() {
        let mut t = table(1, Some(3)).expect("fits");
        assert_eq!(t.grow(2, 7), Some(1));
        assert_eq!(t.elems, [0, 7, 7]);
        assert_eq!(t.grow(1, 7), None);
        assert_eq!(t.grow(0, 7), Some(3));
        let mut u = table(0, None).expect("fits");
        assert_eq!(u.grow(MAX_TABLE_ELEMS + 1, 0), None);
        assert_eq!(u.grow(u32::MAX, 0), None);
        assert!(table(MAX_TABLE_ELEMS + 1, None).is_none());
    }
}
