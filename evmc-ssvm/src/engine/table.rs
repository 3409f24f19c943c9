//! Function tables: slots holding store function addresses (or empty), with limits.

use super::types::Limits;

/// One funcref table instance.
#[derive(Debug, Clone)]
pub struct Table {
    pub(crate) elems: Vec<Option<u32>>,
    max: Option<u32>,
}

impl Table {
    /// Allocates `limits.min` empty slots.
    pub fn new(limits: Limits) -> Self {
        Self {
            elems: vec![None; limits.min as usize],
            max: limits.max,
        }
    }

    /// Current limits (for import matching).
    pub fn limits(&self) -> Limits {
        Limits {
            min: self.elems.len() as u32,
            max: self.max,
        }
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.elems.len()
    }

    /// True if the table has no slots.
    pub fn is_empty(&self) -> bool {
        self.elems.is_empty()
    }
}
