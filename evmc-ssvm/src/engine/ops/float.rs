//! Float instruction semantics with deterministic NaNs: every arithmetic NaN result is the
//! positive canonical NaN; `abs`/`neg`/`copysign` are bit operations that keep payloads.

/// The positive canonical f32 NaN bit pattern.
pub const F32_CANONICAL_NAN: u32 = 0x7fc0_0000;
/// The positive canonical f64 NaN bit pattern.
pub const F64_CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

/// Replaces any NaN by the positive canonical f32 NaN.
///
/// The test is on the integer bits, not `is_nan`: LLVM treats the NaN a float operation
/// returns as unspecified, so it may fold `if x.is_nan() { NAN } else { x }` to `x` (the
/// release build did so after `sqrt`, leaving the CPU's negative NaN). Integer bits are
/// exact, so neither the test nor the select can be folded away.
#[inline(always)]
pub fn canon_f32(x: f32) -> f32 {
    f32::from_bits(canon_f32_bits(x.to_bits()))
}

/// Replaces any NaN by the positive canonical f64 NaN (on the integer bits, as
/// [`canon_f32`]).
#[inline(always)]
pub fn canon_f64(x: f64) -> f64 {
    f64::from_bits(canon_f64_bits(x.to_bits()))
}

/// [`canon_f32`] on raw bits: a NaN has all exponent bits set and a non-zero fraction.
#[inline(always)]
fn canon_f32_bits(bits: u32) -> u32 {
    if bits & !F32_SIGN > F32_INF {
        F32_CANONICAL_NAN
    } else {
        bits
    }
}

/// [`canon_f64`] on raw bits.
#[inline(always)]
fn canon_f64_bits(bits: u64) -> u64 {
    if bits & !F64_SIGN > F64_INF {
        F64_CANONICAL_NAN
    } else {
        bits
    }
}

const F32_SIGN: u32 = 0x8000_0000;
const F32_INF: u32 = 0x7f80_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;
const F64_INF: u64 = 0x7ff0_0000_0000_0000;

macro_rules! float_family {
    ($t:ty, $bits:ty, $canon:ident, $sign:expr,
     $add:ident, $sub:ident, $mul:ident, $div:ident, $min:ident, $max:ident, $sqrt:ident,
     $ceil:ident, $floor:ident, $trunc:ident, $nearest:ident, $abs:ident, $neg:ident, $copysign:ident,
     $eq:ident, $ne:ident, $lt:ident, $gt:ident, $le:ident, $ge:ident) => {
        /// Addition (canonical NaN).
        #[inline(always)]
        pub fn $add(a: $t, b: $t) -> $t {
            $canon(a + b)
        }
        /// Subtraction (canonical NaN).
        #[inline(always)]
        pub fn $sub(a: $t, b: $t) -> $t {
            $canon(a - b)
        }
        /// Multiplication (canonical NaN).
        #[inline(always)]
        pub fn $mul(a: $t, b: $t) -> $t {
            $canon(a * b)
        }
        /// Division (canonical NaN).
        #[inline(always)]
        pub fn $div(a: $t, b: $t) -> $t {
            $canon(a / b)
        }
        /// Wasm `min`: NaN if either is NaN, `-0 < +0`.
        #[inline(always)]
        pub fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                $canon(a + b)
            } else if a == b {
                <$t>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }
        /// Wasm `max`: NaN if either is NaN, `+0 > -0`.
        #[inline(always)]
        pub fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                $canon(a + b)
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
        /// Square root (canonical NaN).
        #[inline(always)]
        pub fn $sqrt(a: $t) -> $t {
            $canon(a.sqrt())
        }
        /// Round toward +inf (canonical NaN).
        #[inline(always)]
        pub fn $ceil(a: $t) -> $t {
            $canon(a.ceil())
        }
        /// Round toward -inf (canonical NaN).
        #[inline(always)]
        pub fn $floor(a: $t) -> $t {
            $canon(a.floor())
        }
        /// Round toward zero (canonical NaN).
        #[inline(always)]
        pub fn $trunc(a: $t) -> $t {
            $canon(a.trunc())
        }
        /// Round to nearest, ties to even (canonical NaN).
        #[inline(always)]
        pub fn $nearest(a: $t) -> $t {
            $canon(a.round_ties_even())
        }
        /// Clear the sign bit (bit-exact).
        #[inline(always)]
        pub fn $abs(a: $bits) -> $bits {
            a & !$sign
        }
        /// Flip the sign bit (bit-exact).
        #[inline(always)]
        pub fn $neg(a: $bits) -> $bits {
            a ^ $sign
        }
        /// Magnitude of `a` with the sign of `b` (bit-exact).
        #[inline(always)]
        pub fn $copysign(a: $bits, b: $bits) -> $bits {
            (a & !$sign) | (b & $sign)
        }
        /// IEEE equality.
        #[inline(always)]
        pub fn $eq(a: $t, b: $t) -> bool {
            a == b
        }
        /// IEEE inequality.
        #[inline(always)]
        pub fn $ne(a: $t, b: $t) -> bool {
            a != b
        }
        /// IEEE less than.
        #[inline(always)]
        pub fn $lt(a: $t, b: $t) -> bool {
            a < b
        }
        /// IEEE greater than.
        #[inline(always)]
        pub fn $gt(a: $t, b: $t) -> bool {
            a > b
        }
        /// IEEE less or equal.
        #[inline(always)]
        pub fn $le(a: $t, b: $t) -> bool {
            a <= b
        }
        /// IEEE greater or equal.
        #[inline(always)]
        pub fn $ge(a: $t, b: $t) -> bool {
            a >= b
        }
    };
}

float_family!(
    f32,
    u32,
    canon_f32,
    F32_SIGN,
    f32_add,
    f32_sub,
    f32_mul,
    f32_div,
    f32_min,
    f32_max,
    f32_sqrt,
    f32_ceil,
    f32_floor,
    f32_trunc,
    f32_nearest,
    f32_abs,
    f32_neg,
    f32_copysign,
    f32_eq,
    f32_ne,
    f32_lt,
    f32_gt,
    f32_le,
    f32_ge
);

float_family!(
    f64,
    u64,
    canon_f64,
    F64_SIGN,
    f64_add,
    f64_sub,
    f64_mul,
    f64_div,
    f64_min,
    f64_max,
    f64_sqrt,
    f64_ceil,
    f64_floor,
    f64_trunc,
    f64_nearest,
    f64_abs,
    f64_neg,
    f64_copysign,
    f64_eq,
    f64_ne,
    f64_lt,
    f64_gt,
    f64_le,
    f64_ge
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_results_are_canonical() {
        let snan = f32::from_bits(0xff80_0001);
        assert_eq!(f32_add(snan, 1.0).to_bits(), 0x7fc0_0000);
        assert_eq!(f64_sqrt(-1.0).to_bits(), 0x7ff8_0000_0000_0000);
        assert_eq!(f32_min(1.0, f32::NAN).to_bits(), 0x7fc0_0000);
        assert_eq!(
            f64_nearest(f64::from_bits(0xfff0_0000_0000_0001)).to_bits(),
            F64_CANONICAL_NAN
        );
    }

    #[test]
    fn signed_zero_min_max_and_bit_ops() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), 0x8000_0000);
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0);
        assert_eq!(f32_neg(0x7fc0_0001), 0xffc0_0001);
        assert_eq!(f64_abs(0xfff0_0000_0000_0001), 0x7ff0_0000_0000_0001);
        assert_eq!(f32_copysign(0x3f80_0000, 0x8000_0000), 0xbf80_0000);
        assert_eq!(f64_nearest(2.5), 2.0);
        assert_eq!(f64_nearest(-3.5), -4.0);
    }
}
