//! Frame-slot access for the interpreter: the current call frame as a raw pointer into the
//! value stack, and the one place where slots are read and written without bounds checks.
//!
//! Invariant (established by the translator and the call sequence): every slot operand of
//! a function's instructions is below its `frame_size` (parameters, locals and the
//! temporaries of the operand stack up to its maximum height), and before a function runs
//! its frame `fp[0..frame_size]` lies inside the value stack. The debug assertions check
//! the stack bound in every test build.

use crate::engine::isa::Slot;

/// The current frame: slot `s` is `*ptr.add(s)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fp {
    ptr: *mut u64,
    /// One past the value stack's last slot (checked in debug builds).
    #[cfg(debug_assertions)]
    end: *mut u64,
}

impl Fp {
    /// The frame at slot `offset` of the stack `base[0..len]`.
    #[inline(always)]
    pub fn new(base: *mut u64, len: usize, offset: usize) -> Fp {
        debug_assert!(
            offset <= len,
            "frame {offset} outside the stack of {len} slots"
        );
        let _ = len;
        Fp {
            // `wrapping_add`: computing the pointer is safe; accesses are checked below.
            ptr: base.wrapping_add(offset),
            #[cfg(debug_assertions)]
            end: base.wrapping_add(len),
        }
    }

    /// Reads slot `s`.
    #[inline(always)]
    pub fn get(self, s: Slot) -> u64 {
        let p = self.ptr.wrapping_add(s as usize);
        #[cfg(debug_assertions)]
        assert!(p < self.end, "slot {s} outside the value stack");
        // SAFETY: by the module invariant `s` is inside the current frame, which lies
        // inside the value stack's allocation; slots are plain `u64`s.
        unsafe { *p }
    }

    /// Writes slot `s`.
    #[inline(always)]
    pub fn set(self, s: Slot, value: u64) {
        let p = self.ptr.wrapping_add(s as usize);
        #[cfg(debug_assertions)]
        assert!(p < self.end, "slot {s} outside the value stack");
        // SAFETY: as in `get`.
        unsafe { *p = value }
    }

    /// The slots `s..s + n` (arguments of a host call).
    #[inline(always)]
    pub fn slice<'a>(self, s: Slot, n: usize) -> &'a [u64] {
        let p = self.ptr.wrapping_add(s as usize);
        #[cfg(debug_assertions)]
        assert!(
            p.wrapping_add(n) <= self.end,
            "slots {s}+{n} outside the value stack"
        );
        // SAFETY: a call's argument span lies inside the caller's frame (module invariant);
        // nothing writes the stack while the host function holds the slice.
        unsafe { std::slice::from_raw_parts(p, n) }
    }

    /// Copies `n` slots from `src` to `dst` (the ranges may overlap).
    #[inline(always)]
    pub fn copy(self, dst: Slot, src: Slot, n: usize) {
        let from = self.ptr.wrapping_add(src as usize);
        let to = self.ptr.wrapping_add(dst as usize);
        #[cfg(debug_assertions)]
        assert!(
            from.wrapping_add(n) <= self.end && to.wrapping_add(n) <= self.end,
            "copy of {n} slots outside the value stack"
        );
        // SAFETY: both spans lie inside the current frame (module invariant).
        unsafe { std::ptr::copy(from, to, n) }
    }

    /// Zeroes `n` slots from `s` (a callee's declared locals).
    #[inline(always)]
    pub fn zero(self, s: Slot, n: usize) {
        let p = self.ptr.wrapping_add(s as usize);
        #[cfg(debug_assertions)]
        assert!(
            p.wrapping_add(n) <= self.end,
            "locals outside the value stack"
        );
        // SAFETY: the callee's frame was checked to fit the stack before it is entered.
        unsafe { std::ptr::write_bytes(p, 0, n) }
    }
}
