//! Per-thread pools of reusable buffers, so that a call does not ask the allocator (and
//! zero) what the previous call on the same thread gave back: [`MEMORIES`], linear-memory
//! buffers that are all zero (a memory zeroes what was written, `Dirty::clean`, before
//! giving its buffer back), and the interpreter's machines (value and frame stacks, whose
//! contents need no clearing: every frame zeroes its locals and validation guarantees a
//! temporary is written before it is read). Each pool is bounded in count and item size.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A bounded pool of `T` per thread.
pub struct Pool<T: 'static> {
    pub(crate) items: &'static LocalKey<RefCell<Vec<T>>>,
    pub(crate) max: usize,
}

impl<T> Pool<T> {
    /// The first pooled item for which `fits` holds, removed from the pool.
    pub fn take(&self, fits: impl Fn(&T) -> bool) -> Option<T> {
        self.items
            .try_with(|items| {
                let mut items = items.try_borrow_mut().ok()?;
                let i = items.iter().position(fits)?;
                Some(items.swap_remove(i))
            })
            .ok()
            .flatten()
    }

    /// Whether [`Pool::give`] would keep an item now (so that the caller prepares it only
    /// then).
    pub fn has_room(&self) -> bool {
        self.items
            .try_with(|items| items.try_borrow().is_ok_and(|v| v.len() < self.max))
            .unwrap_or(false)
    }

    /// Keeps `item` for a later [`Pool::take`] on this thread (drops it when full).
    pub fn give(&self, item: T) {
        let _ = self.items.try_with(|items| {
            if let Ok(mut items) = items.try_borrow_mut() {
                if items.len() < self.max {
                    items.push(item);
                }
            }
        });
    }

    /// The number of items pooled on this thread.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.items
            .try_with(|items| items.try_borrow().map_or(0, |v| v.len()))
            .unwrap_or(0)
    }
}

/// Items kept per pool and thread (one per frame of a call tree of that depth).
pub const MAX_ITEMS: usize = 8;

/// The largest memory buffer kept (16 Wasm pages); larger ones go back to the allocator.
pub const MAX_MEMORY_BYTES: usize = 16 * 65536;

thread_local! {
    static MEMORY_BUFFERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// Linear-memory buffers, each all zero over its length.
pub static MEMORIES: Pool<Vec<u8>> = Pool {
    items: &MEMORY_BUFFERS,
    max: MAX_ITEMS,
};

/// A buffer of `bytes` zero bytes from [`MEMORIES`], if it holds one at least that long
/// (its excess is cut off).
pub fn take_memory(bytes: usize) -> Option<Vec<u8>> {
    if bytes == 0 {
        return None;
    }
    let mut buf = MEMORIES.take(|b| b.len() >= bytes)?;
    buf.truncate(bytes);
    Some(buf)
}

/// Whether [`give_memory`] would keep `buf`.
pub fn wants_memory(buf: &[u8]) -> bool {
    !buf.is_empty() && buf.len() <= MAX_MEMORY_BYTES && MEMORIES.has_room()
}

/// Keeps `buf`, which must be all zero, in [`MEMORIES`].
pub fn give_memory(buf: Vec<u8>) {
    debug_assert!(
        buf.iter().all(|&b| b == 0),
        "pooled memory buffers are all zero"
    );
    MEMORIES.give(buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_reused_and_bounded() {
        std::thread::spawn(|| {
            assert_eq!(take_memory(10), None);
            for _ in 0..MAX_ITEMS + 3 {
                if wants_memory(&[0; 100]) {
                    give_memory(vec![0; 100]);
                }
            }
            assert_eq!(MEMORIES.len(), MAX_ITEMS);
            assert!(!wants_memory(&[0; 100]), "full");
            let buf = take_memory(60).expect("a pooled buffer");
            assert_eq!(buf, vec![0; 60]);
            assert_eq!(MEMORIES.len(), MAX_ITEMS - 1);
            assert_eq!(take_memory(101), None, "none is long enough");
            assert!(!wants_memory(&vec![0; MAX_MEMORY_BYTES + 1]), "too large");
        })
        .join()
        .expect("thread");
    }
}
