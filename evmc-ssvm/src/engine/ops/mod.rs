//! Pure numeric semantics of Wasm instructions as free functions, plus the raw slot encoding.

pub mod convert;
pub mod float;
pub mod int;

/// Conversion between a typed operand and an untyped `u64` value-stack slot
/// (i32 zero-extended, floats as their bit patterns).
pub(crate) trait Slot: Sized {
    /// Reads the operand from a slot.
    fn from_slot(raw: u64) -> Self;
    /// Writes the operand into a slot.
    fn into_slot(self) -> u64;
}

impl Slot for i32 {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        raw as u32 as i32
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self as u32)
    }
}

impl Slot for u32 {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        raw as u32
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self)
    }
}

impl Slot for i64 {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        raw as i64
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        self as u64
    }
}

impl Slot for u64 {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        raw
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        self
    }
}

impl Slot for f32 {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        f32::from_bits(raw as u32)
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Slot for f64 {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        f64::from_bits(raw)
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        self.to_bits()
    }
}

impl Slot for bool {
    #[inline(always)]
    fn from_slot(raw: u64) -> Self {
        raw as u32 != 0
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self)
    }
}
