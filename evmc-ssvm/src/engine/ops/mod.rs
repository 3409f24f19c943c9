//! Pure numeric semantics of Wasm instructions as free functions, plus the raw slot encoding.

pub mod convert;
pub mod float;
pub mod int;

/// Conversion between a typed operand and an untyped `u64` frame slot
/// (i32 zero-extended, floats as their bit patterns).
pub(crate) trait Raw: Sized {
    /// Reads the operand from a slot.
    fn from_raw(raw: u64) -> Self;
    /// Writes the operand into a slot.
    fn into_raw(self) -> u64;
}

impl Raw for i32 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as u32 as i32
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        u64::from(self as u32)
    }
}

impl Raw for u32 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as u32
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        u64::from(self)
    }
}

impl Raw for i64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as i64
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self as u64
    }
}

impl Raw for u64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self
    }
}

impl Raw for f32 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        f32::from_bits(raw as u32)
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Raw for f64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        f64::from_bits(raw)
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        self.to_bits()
    }
}

impl Raw for bool {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as u32 != 0
    }
    #[inline(always)]
    fn into_raw(self) -> u64 {
        u64::from(self)
    }
}

/// Conversion of an instruction's immediate into the operand type of its operation: i32
/// truncated (the translator only gives i32 operators i32 immediates), i64 as is.
pub(crate) trait FromImm {
    /// The operand for immediate `imm`.
    fn from_imm(imm: i64) -> Self;
}

impl FromImm for i32 {
    #[inline(always)]
    fn from_imm(imm: i64) -> Self {
        imm as i32
    }
}

impl FromImm for i64 {
    #[inline(always)]
    fn from_imm(imm: i64) -> Self {
        imm
    }
}
