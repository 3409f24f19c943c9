//! Integer instruction semantics (i32/i64 arithmetic, bit ops, comparisons, sign extension).

use crate::engine::Trap;

macro_rules! int_family {
    ($t:ty, $u:ty, $bits:expr,
     $add:ident, $sub:ident, $mul:ident, $div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident,
     $and:ident, $or:ident, $xor:ident, $shl:ident, $shr_s:ident, $shr_u:ident, $rotl:ident, $rotr:ident,
     $clz:ident, $ctz:ident, $popcnt:ident, $eqz:ident, $eq:ident, $ne:ident,
     $lt_s:ident, $lt_u:ident, $gt_s:ident, $gt_u:ident, $le_s:ident, $le_u:ident, $ge_s:ident, $ge_u:ident) => {
        /// Wrapping addition.
        #[inline(always)]
        pub fn $add(a: $t, b: $t) -> $t {
            a.wrapping_add(b)
        }
        /// Wrapping subtraction.
        #[inline(always)]
        pub fn $sub(a: $t, b: $t) -> $t {
            a.wrapping_sub(b)
        }
        /// Wrapping multiplication.
        #[inline(always)]
        pub fn $mul(a: $t, b: $t) -> $t {
            a.wrapping_mul(b)
        }
        /// Signed division; traps on zero divisor and on `MIN / -1`.
        #[inline(always)]
        pub fn $div_s(a: $t, b: $t) -> Result<$t, Trap> {
            if b == 0 {
                return Err(Trap::IntegerDivideByZero);
            }
            a.checked_div(b).ok_or(Trap::IntegerOverflow)
        }
        /// Unsigned division; traps on zero divisor.
        #[inline(always)]
        pub fn $div_u(a: $t, b: $t) -> Result<$t, Trap> {
            (a as $u)
                .checked_div(b as $u)
                .map(|r| r as $t)
                .ok_or(Trap::IntegerDivideByZero)
        }
        /// Signed remainder (sign of the dividend); traps on zero divisor, `MIN % -1 == 0`.
        #[inline(always)]
        pub fn $rem_s(a: $t, b: $t) -> Result<$t, Trap> {
            if b == 0 {
                return Err(Trap::IntegerDivideByZero);
            }
            Ok(a.wrapping_rem(b))
        }
        /// Unsigned remainder; traps on zero divisor.
        #[inline(always)]
        pub fn $rem_u(a: $t, b: $t) -> Result<$t, Trap> {
            (a as $u)
                .checked_rem(b as $u)
                .map(|r| r as $t)
                .ok_or(Trap::IntegerDivideByZero)
        }
        /// Bitwise and.
        #[inline(always)]
        pub fn $and(a: $t, b: $t) -> $t {
            a & b
        }
        /// Bitwise or.
        #[inline(always)]
        pub fn $or(a: $t, b: $t) -> $t {
            a | b
        }
        /// Bitwise xor.
        #[inline(always)]
        pub fn $xor(a: $t, b: $t) -> $t {
            a ^ b
        }
        /// Shift left by `b mod bits`.
        #[inline(always)]
        pub fn $shl(a: $t, b: $t) -> $t {
            a.wrapping_shl(b as u32)
        }
        /// Arithmetic shift right by `b mod bits`.
        #[inline(always)]
        pub fn $shr_s(a: $t, b: $t) -> $t {
            a.wrapping_shr(b as u32)
        }
        /// Logical shift right by `b mod bits`.
        #[inline(always)]
        pub fn $shr_u(a: $t, b: $t) -> $t {
            (a as $u).wrapping_shr(b as u32) as $t
        }
        /// Rotate left by `b mod bits`.
        #[inline(always)]
        pub fn $rotl(a: $t, b: $t) -> $t {
            (a as $u).rotate_left((b as u32) % $bits) as $t
        }
        /// Rotate right by `b mod bits`.
        #[inline(always)]
        pub fn $rotr(a: $t, b: $t) -> $t {
            (a as $u).rotate_right((b as u32) % $bits) as $t
        }
        /// Count leading zero bits.
        #[inline(always)]
        pub fn $clz(a: $t) -> $t {
            a.leading_zeros() as $t
        }
        /// Count trailing zero bits.
        #[inline(always)]
        pub fn $ctz(a: $t) -> $t {
            a.trailing_zeros() as $t
        }
        /// Count one bits.
        #[inline(always)]
        pub fn $popcnt(a: $t) -> $t {
            a.count_ones() as $t
        }
        /// Equal to zero.
        #[inline(always)]
        pub fn $eqz(a: $t) -> bool {
            a == 0
        }
        /// Equal.
        #[inline(always)]
        pub fn $eq(a: $t, b: $t) -> bool {
            a == b
        }
        /// Not equal.
        #[inline(always)]
        pub fn $ne(a: $t, b: $t) -> bool {
            a != b
        }
        /// Signed less than.
        #[inline(always)]
        pub fn $lt_s(a: $t, b: $t) -> bool {
            a < b
        }
        /// Unsigned less than.
        #[inline(always)]
        pub fn $lt_u(a: $t, b: $t) -> bool {
            (a as $u) < (b as $u)
        }
        /// Signed greater than.
        #[inline(always)]
        pub fn $gt_s(a: $t, b: $t) -> bool {
            a > b
        }
        /// Unsigned greater than.
        #[inline(always)]
        pub fn $gt_u(a: $t, b: $t) -> bool {
            (a as $u) > (b as $u)
        }
        /// Signed less or equal.
        #[inline(always)]
        pub fn $le_s(a: $t, b: $t) -> bool {
            a <= b
        }
        /// Unsigned less or equal.
        #[inline(always)]
        pub fn $le_u(a: $t, b: $t) -> bool {
            (a as $u) <= (b as $u)
        }
        /// Signed greater or equal.
        #[inline(always)]
        pub fn $ge_s(a: $t, b: $t) -> bool {
            a >= b
        }
        /// Unsigned greater or equal.
        #[inline(always)]
        pub fn $ge_u(a: $t, b: $t) -> bool {
            (a as $u) >= (b as $u)
        }
    };
}

int_family!(
    i32, u32, 32, i32_add, i32_sub, i32_mul, i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, i32_and,
    i32_or, i32_xor, i32_shl, i32_shr_s, i32_shr_u, i32_rotl, i32_rotr, i32_clz, i32_ctz,
    i32_popcnt, i32_eqz, i32_eq, i32_ne, i32_lt_s, i32_lt_u, i32_gt_s, i32_gt_u, i32_le_s,
    i32_le_u, i32_ge_s, i32_ge_u
);

int_family!(
    i64, u64, 64, i64_add, i64_sub, i64_mul, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, i64_and,
    i64_or, i64_xor, i64_shl, i64_shr_s, i64_shr_u, i64_rotl, i64_rotr, i64_clz, i64_ctz,
    i64_popcnt, i64_eqz, i64_eq, i64_ne, i64_lt_s, i64_lt_u, i64_gt_s, i64_gt_u, i64_le_s,
    i64_le_u, i64_ge_s, i64_ge_u
);

/// Sign-extend the low 8 bits.
#[inline(always)]
pub fn i32_extend8_s(a: i32) -> i32 {
    a as i8 as i32
}
/// Sign-extend the low 16 bits.
#[inline(always)]
pub fn i32_extend16_s(a: i32) -> i32 {
    a as i16 as i32
}
/// Sign-extend the low 8 bits.
#[inline(always)]
pub fn i64_extend8_s(a: i64) -> i64 {
    a as i8 as i64
}
/// Sign-extend the low 16 bits.
#[inline(always)]
pub fn i64_extend16_s(a: i64) -> i64 {
    a as i16 as i64
}
/// Sign-extend the low 32 bits.
#[inline(always)]
pub fn i64_extend32_s(a: i64) -> i64 {
    a as i32 as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(7, 0), Err(Trap::IntegerDivideByZero));
        assert_eq!(i32_div_s(i32::MIN, -1), Err(Trap::IntegerOverflow));
        assert_eq!(i32_div_s(-7, 2), Ok(-3));
        assert_eq!(i32_div_u(-1, 2), Ok(0x7fff_ffff));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i32_rem_s(-7, 2), Ok(-1));
        assert_eq!(i64_rem_u(-1, 10), Ok(5)); // 18446744073709551615 % 10
        assert_eq!(i64_div_u(5, 0), Err(Trap::IntegerDivideByZero));
    }

    #[test]
    fn shifts_and_rotates_mask_the_count() {
        assert_eq!(i32_shl(1, 33), 2);
        assert_eq!(i32_shr_s(-8, 1), -4);
        assert_eq!(i32_shr_u(-8, 1), 0x7fff_fffc);
        assert_eq!(i32_rotl(0x8000_0001u32 as i32, 1), 3);
        assert_eq!(i64_rotr(1, 65), i64::MIN);
    }

    #[test]
    fn bit_counts_and_compares() {
        assert_eq!(i32_clz(1), 31);
        assert_eq!(i32_ctz(0), 32);
        assert_eq!(i64_popcnt(-1), 64);
        assert!(i32_lt_u(1, -1));
        assert!(!i32_lt_s(1, -1));
        assert_eq!(i32_extend8_s(0x80), -128);
        assert_eq!(i64_extend32_s(0xffff_ffff), -1);
    }
}
