//! The provider stack: what each value of the Wasm operand stack is while a body is
//! translated, so that `local.get` and constants cost no instruction. A value is a
//! temporary (already in its positional slot `locals + height`), a local not yet read, or a
//! constant.
//!
//! Pending local reads stay right when the local is overwritten: every `Local` provider is
//! linked to the next lower provider of the same local, so [`Providers::take_reads`] finds
//! exactly the readers of a local in time linear in their number, and the translator
//! copies the old value into their positional slots before the write. At the entry of a
//! control frame every `Local` provider is copied out ([`Providers::take_all_reads`]), so a
//! write inside the frame never has to reach a reader outside it (the copy would not run on
//! every path). A watermark makes that linear too: nothing below it is a `Local`.

use crate::engine::isa::Slot;

/// No provider (end of a local's reader list).
const NONE: u32 = u32::MAX;

/// One value of the operand stack during translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    /// In its positional slot `locals + height`.
    Temp,
    /// The current value of local `index`; `prev` is the height of the next lower provider
    /// reading the same local, or `NONE`.
    Local {
        /// The local's slot.
        index: Slot,
        /// Link to the next lower reader of the same local.
        prev: u32,
    },
    /// A constant's raw slot bits; `wide` for i64 constants (whose immediate form must fit
    /// an i32 after sign extension).
    Const {
        /// Raw bits (i32 and f32 zero-extended).
        bits: u64,
        /// An i64 constant.
        wide: bool,
    },
}

/// The provider stack of one function body, reusable across bodies.
#[derive(Debug, Default)]
pub(crate) struct Providers {
    stack: Vec<Provider>,
    /// Per local: the height of its topmost reader, or `NONE`.
    heads: Vec<u32>,
    /// Locals whose `heads` entry may be set (reset at the next body).
    touched: Vec<Slot>,
    /// No provider below this height is a `Local`.
    watermark: usize,
    /// Number of parameters and locals: the first temporary slot.
    locals: Slot,
    /// The greatest height reached.
    max_height: usize,
}

impl Providers {
    /// Starts a body with `locals` parameter and local slots.
    pub fn reset(&mut self, locals: Slot) {
        for l in self.touched.drain(..) {
            if let Some(h) = self.heads.get_mut(l as usize) {
                *h = NONE;
            }
        }
        if self.heads.len() < locals as usize {
            self.heads.resize(locals as usize, NONE);
        }
        self.stack.clear();
        self.watermark = 0;
        self.locals = locals;
        self.max_height = 0;
    }

    /// The number of values on the stack.
    pub fn height(&self) -> usize {
        self.stack.len()
    }

    /// The greatest height reached since [`Providers::reset`].
    pub fn max_height(&self) -> usize {
        self.max_height
    }

    /// The positional slot of the value at `height`.
    pub fn slot_at(&self, height: usize) -> Slot {
        self.locals + height as Slot
    }

    /// The slot the next pushed value would occupy.
    pub fn next_slot(&self) -> Slot {
        self.slot_at(self.stack.len())
    }

    /// The provider `depth` values below the top (0 = top).
    pub fn peek(&self, depth: usize) -> Option<Provider> {
        let i = self.stack.len().checked_sub(1 + depth)?;
        self.stack.get(i).copied()
    }

    fn push(&mut self, p: Provider) {
        self.stack.push(p);
        self.max_height = self.max_height.max(self.stack.len());
    }

    /// Pushes a value in its positional slot.
    pub fn push_temp(&mut self) {
        self.push(Provider::Temp);
    }

    /// Pushes a constant.
    pub fn push_const(&mut self, bits: u64, wide: bool) {
        self.push(Provider::Const { bits, wide });
    }

    /// Marks a constant on top as an i64 (after `i64.extend_i32_u`, which keeps its
    /// zero-extended bits); any other provider is left as it is.
    pub fn widen_top_const(&mut self) {
        if let Some(Provider::Const { wide, .. }) = self.stack.last_mut() {
            *wide = true;
        }
    }

    /// Pushes a read of local `index`.
    pub fn push_local(&mut self, index: Slot) {
        let height = self.stack.len() as u32;
        let prev = match self.heads.get_mut(index as usize) {
            Some(head) => std::mem::replace(head, height),
            None => NONE,
        };
        if prev == NONE {
            self.touched.push(index);
        }
        self.push(Provider::Local { index, prev });
    }

    /// Pops the top value (none on an empty stack, which validation rules out).
    pub fn pop(&mut self) -> Option<Provider> {
        let p = self.stack.pop()?;
        if let Provider::Local { index, prev } = p {
            // The topmost reader of a local is its list head.
            if let Some(head) = self.heads.get_mut(index as usize) {
                *head = prev;
            }
        }
        self.watermark = self.watermark.min(self.stack.len());
        Some(p)
    }

    /// Pops down to `height` values.
    pub fn truncate(&mut self, height: usize) {
        while self.stack.len() > height {
            self.pop();
        }
    }

    /// Whether a provider reads local `index`.
    pub fn has_reads(&self, index: Slot) -> bool {
        self.heads.get(index as usize).is_some_and(|h| *h != NONE)
    }

    /// Turns every reader of local `index` into a temporary and returns their slots: the
    /// caller copies the local there before overwriting it.
    pub fn take_reads(&mut self, index: Slot) -> Vec<Slot> {
        let mut slots = Vec::new();
        let Some(head) = self.heads.get_mut(index as usize) else {
            return slots;
        };
        let mut at = std::mem::replace(head, NONE);
        while at != NONE {
            let h = at as usize;
            let Some(Provider::Local { prev, .. }) = self.stack.get(h).copied() else {
                break;
            };
            self.stack[h] = Provider::Temp;
            slots.push(self.slot_at(h));
            at = prev;
        }
        slots
    }

    /// Turns every `Local` provider into a temporary and returns (slot, local) pairs: the
    /// caller copies each local into its slot (at the entry of a control frame).
    pub fn take_all_reads(&mut self) -> Vec<(Slot, Slot)> {
        let mut copies = Vec::new();
        for h in (self.watermark..self.stack.len()).rev() {
            if let Provider::Local { index, prev } = self.stack[h] {
                // Walking down, each local's readers come head first.
                if let Some(head) = self.heads.get_mut(index as usize) {
                    *head = prev;
                }
                self.stack[h] = Provider::Temp;
                copies.push((self.slot_at(h), index));
            }
        }
        self.watermark = self.stack.len();
        copies
    }

    /// Replaces the provider at `height` by a temporary (after the caller materialized it).
    pub fn set_temp(&mut self, height: usize) {
        if let Some(Provider::Local { index, prev }) = self.stack.get(height).copied() {
            self.unlink(index, height as u32, prev);
        }
        if let Some(p) = self.stack.get_mut(height) {
            *p = Provider::Temp;
        }
    }

    /// Removes the reader at `height` from local `index`'s list.
    fn unlink(&mut self, index: Slot, height: u32, prev: u32) {
        let Some(head) = self.heads.get(index as usize).copied() else {
            return;
        };
        if head == height {
            self.heads[index as usize] = prev;
            return;
        }
        // Not the head: find the reader above it in the list.
        let mut at = head;
        while at != NONE {
            let Some(Provider::Local { prev: p, .. }) = self.stack.get(at as usize).copied() else {
                return;
            };
            if p == height {
                if let Some(Provider::Local { prev: link, .. }) = self.stack.get_mut(at as usize) {
                    *link = prev;
                }
                return;
            }
            at = p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(locals: Slot) -> Providers {
        let mut p = Providers::default();
        p.reset(locals);
        p
    }

    #[test]
    fn readers_of_a_local_are_found_and_converted() {
        let mut p = stack(3);
        p.push_local(1); // height 0, slot 3
        p.push_const(5, false);
        p.push_local(2);
        p.push_local(1); // height 3, slot 6
        assert!(p.has_reads(1));
        assert_eq!(p.take_reads(1), vec![6, 3]);
        assert!(!p.has_reads(1));
        assert_eq!(p.peek(0), Some(Provider::Temp));
        assert_eq!(p.peek(3), Some(Provider::Temp));
        assert!(p.has_reads(2), "other locals keep their readers");
        assert_eq!(p.take_reads(2), vec![5]);
    }

    #[test]
    fn popping_a_reader_unlinks_it() {
        let mut p = stack(2);
        p.push_local(0);
        p.push_local(0);
        p.pop();
        assert_eq!(p.take_reads(0), vec![2]);
        p.push_local(1);
        p.pop();
        assert!(!p.has_reads(1));
        assert!(p.take_reads(1).is_empty());
    }

    #[test]
    fn frame_entry_copies_out_every_reader_once() {
        let mut p = stack(4);
        p.push_local(3);
        p.push_temp();
        p.push_local(0);
        p.push_local(3);
        assert_eq!(p.take_all_reads(), vec![(7, 3), (6, 0), (4, 3)]);
        assert!(!p.has_reads(3) && !p.has_reads(0));
        // Below the watermark nothing is scanned again; new readers above it are.
        p.push_local(2);
        assert_eq!(p.take_all_reads(), vec![(8, 2)]);
        assert!(p.take_all_reads().is_empty());
        // Popping below the watermark lowers it.
        p.truncate(1);
        p.push_local(1);
        assert_eq!(p.take_all_reads(), vec![(5, 1)]);
    }

    #[test]
    fn materializing_one_reader_keeps_the_others_linked() {
        let mut p = stack(1);
        p.push_local(0); // h0
        p.push_local(0); // h1
        p.push_local(0); // h2
        p.set_temp(1);
        assert_eq!(p.take_reads(0), vec![3, 1]);
        p.push_local(0);
        p.set_temp(p.height() - 1);
        assert!(!p.has_reads(0));
    }

    #[test]
    fn reset_clears_reader_lists_and_heights() {
        let mut p = stack(2);
        p.push_local(1);
        p.push_temp();
        assert_eq!(p.max_height(), 2);
        p.reset(2);
        assert!(!p.has_reads(1));
        assert_eq!(p.height(), 0);
        assert_eq!(p.max_height(), 0);
        assert_eq!(p.next_slot(), 2);
    }
}
