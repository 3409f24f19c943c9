//! The memory budget of a call tree (EWASM.md section 4.2): the pages of linear memory and
//! of tables (8 bytes per element, rounded up to pages per table) that every live instance
//! sharing one [`MemoryBudget`] holds at once. Memories and tables take their pages when
//! they are allocated or grow and give them back when they are dropped, so whatever ends an
//! instance (return, trap, host exit, unwinding panic) returns its pages.
//!
//! The budget is single-threaded by design (`Rc`): a call tree runs on one thread, and
//! separate trees (other threads, later transactions) get budgets of their own.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

/// Bytes a table element counts for.
pub const TABLE_ELEM_BYTES: u64 = 8;

/// A shared page budget; clones share the same counter.
#[derive(Clone)]
pub struct MemoryBudget(Rc<Counter>);

struct Counter {
    /// Most pages the holders may have at once.
    limit: u64,
    /// Pages held now.
    used: Cell<u64>,
}

impl fmt::Debug for MemoryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MemoryBudget({}/{})",
            self.used_pages(),
            self.limit_pages()
        )
    }
}

impl Default for MemoryBudget {
    /// No limit beyond what the engine's other caps allow.
    fn default() -> Self {
        MemoryBudget::new(u64::MAX)
    }
}

impl MemoryBudget {
    /// A new budget of `limit` pages, none of them used.
    pub fn new(limit: u64) -> Self {
        MemoryBudget(Rc::new(Counter {
            limit,
            used: Cell::new(0),
        }))
    }

    /// The budget's limit in pages.
    pub fn limit_pages(&self) -> u64 {
        self.0.limit
    }

    /// Pages held by live memories and tables.
    pub fn used_pages(&self) -> u64 {
        self.0.used.get()
    }

    /// Takes `pages`; `false` (nothing taken) if that would pass the limit.
    pub(crate) fn take(&self, pages: u64) -> bool {
        let used = self.0.used.get();
        match used.checked_add(pages) {
            Some(total) if total <= self.0.limit => {
                self.0.used.set(total);
                true
            }
            _ => false,
        }
    }

    /// Gives back `pages` taken earlier.
    pub(crate) fn give(&self, pages: u64) {
        let used = self.0.used.get();
        debug_assert!(pages <= used, "giving back {pages} of {used} pages");
        self.0.used.set(used.saturating_sub(pages));
    }
}

/// The pages `elems` table elements count for.
pub fn table_pages(elems: usize) -> u64 {
    (elems as u64 * TABLE_ELEM_BYTES).div_ceil(super::memory::PAGE_SIZE as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_up_to_the_limit_and_give_back() {
        let budget = MemoryBudget::new(10);
        let shared = budget.clone();
        assert!(budget.take(6));
        assert!(!shared.take(5), "6 + 5 passes 10");
        assert_eq!(shared.used_pages(), 6, "a refused take takes nothing");
        assert!(shared.take(4));
        assert!(!budget.take(1));
        budget.give(6);
        assert_eq!(shared.used_pages(), 4);
        assert!(!budget.take(u64::MAX), "no overflow");
    }

    #[test]
    fn tables_count_eight_bytes_per_element_rounded_up() {
        assert_eq!(table_pages(0), 0);
        assert_eq!(table_pages(1), 1);
        assert_eq!(table_pages(8192), 1);
        assert_eq!(table_pages(8193), 2);
        assert_eq!(table_pages(10_000_000), 1221);
    }
}
