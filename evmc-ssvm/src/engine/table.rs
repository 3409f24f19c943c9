//! Tables: slots holding raw references (see [`ref_to_raw`](super::types::ref_to_raw): 0 is
//! null, else a store function address or host value plus one), with their type and limits.

use super::types::{Limits, RefType, TableType, Value};

/// The most elements a table may have (wasmparser's validation limit for declared sizes):
/// `table.grow` beyond it returns -1, so no module can make the host allocate more.
pub const MAX_TABLE_ELEMS: u32 = 10_000_000;

/// One table instance.
#[derive(Debug, Clone)]
pub struct Table {
    pub(crate) elems: Vec<u64>,
    elem: RefType,
    max: Option<u32>,
}

impl Table {
    /// Allocates `ty.limits.min` slots holding `init`; `None` above [`MAX_TABLE_ELEMS`].
    pub fn new(ty: TableType, init: u64) -> Option<Self> {
        if ty.limits.min > MAX_TABLE_ELEMS {
            return None;
        }
        Some(Self {
            elems: vec![init; ty.limits.min as usize],
            elem: ty.elem,
            max: ty.limits.max,
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
    /// maximum or [`MAX_TABLE_ELEMS`].
    pub fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.elems.len() as u32;
        let new = old.checked_add(delta)?;
        if new > self.max.unwrap_or(u32::MAX).min(MAX_TABLE_ELEMS) {
            return None;
        }
        self.elems.resize(new as usize, init);
        Some(old)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(min: u32, max: Option<u32>) -> Option<Table> {
        Table::new(
            TableType {
                elem: RefType::Func,
                limits: Limits { min, max },
            },
            0,
        )
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
