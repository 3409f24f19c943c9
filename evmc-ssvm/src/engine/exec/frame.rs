//! Frame-slot access for the interpreter: the current call frame as a raw pointer into the
//! value stack, and the one place where slots are read and written without bounds checks.
//!
//! Invariant (established by the translator and the call sequence): every slot operand of
//! a function's code is below its `frame_size` (parameters, locals and the temporaries of
//! the operand stack up to its maximum height), and before a function runs its frame
//! `fp[0..frame_size]` lies inside the value stack. Debug builds check the stack bound at
//! every access.

/// The current frame: slot `s` is `*ptr.add(s)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fp {
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

    /// The frame's offset in slots from `base` (the start of the value stack).
    #[inline(always)]
    pub fn offset_from(self, base: *mut u64) -> usize {
        (self.ptr as usize - base as usize) / std::mem::size_of::<u64>()
    }

    #[inline(always)]
    fn at(self, s: u16) -> *mut u64 {
        let p = self.ptr.wrapping_add(usize::from(s));
        #[cfg(debug_assertions)]
        assert!(p < self.end, "slot {s} outside the value stack");
        p
    }

    /// Operand `s`: the accumulator `acc` when `A`, else slot `s`.
    #[inline(always)]
    pub fn operand<const A: bool>(self, s: u16, acc: u64) -> u64 {
        if A {
            acc
        } else {
            self.get(s)
        }
    }

    /// Puts result `v` in the accumulator when `A` (returning it), else in slot `s`
    /// (returning the accumulator unchanged).
    #[inline(always)]
    pub fn result<const A: bool>(self, s: u16, acc: u64, v: u64) -> u64 {
        if A {
            v
        } else {
            self.set(s, v);
            acc
        }
    }

    /// Reads slot `s`.
    #[inline(always)]
    pub fn get(self, s: u16) -> u64 {
        // SAFETY: by the module invariant `s` is inside the current frame, which lies
        // inside the value stack's allocation; slots are plain `u64`s.
        unsafe { *self.at(s) }
    }

    /// Writes slot `s`.
    #[inline(always)]
    pub fn set(self, s: u16, value: u64) {
        // SAFETY: as in `get`.
        unsafe { *self.at(s) = value }
    }

    /// The slots `s..s + n` (the arguments of a host call).
    #[inline(always)]
    pub fn slice<'a>(self, s: u16, n: usize) -> &'a [u64] {
        let p = self.ptr.wrapping_add(usize::from(s));
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
    pub fn copy(self, dst: u16, src: u16, n: usize) {
        let from = self.ptr.wrapping_add(usize::from(src));
        let to = self.ptr.wrapping_add(usize::from(dst));
        #[cfg(debug_assertions)]
        assert!(
            from.wrapping_add(n) <= self.end && to.wrapping_add(n) <= self.end,
            "copy of {n} slots outside the value stack"
        );
        // SAFETY: both spans lie inside the current frame (module invariant).
        unsafe { std::ptr::copy(from, to, n) }
    }

    /// The frame `base` slots further (a callee's frame at the caller's argument slots).
    #[inline(always)]
    pub fn add(self, base: u16) -> Fp {
        Fp {
            ptr: self.ptr.wrapping_add(usize::from(base)),
            #[cfg(debug_assertions)]
            end: self.end,
        }
    }

    /// Zeroes `n` slots from `s` (a callee's declared locals).
    #[inline(always)]
    pub fn zero(self, s: u32, n: usize) {
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
