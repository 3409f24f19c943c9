//! Ring arithmetic modulo 2^256: add, sub, mul (wrapping and overflowing) and the
//! `Add`/`Sub`/`Mul` operator traits (all wrapping, as in the EVM).

use crate::limbs::{adc, mac, sbb};
use crate::U256;
use core::ops::{Add, AddAssign, Mul, MulAssign, Sub, SubAssign};

impl U256 {
    /// `self + rhs` and whether it overflowed 2^256 (the EVM `ADD` is the first part).
    #[inline]
    pub const fn overflowing_add(self, rhs: U256) -> (U256, bool) {
        let (a, b) = (self.0, rhs.0);
        let (r0, c) = adc(a[0], b[0], false);
        let (r1, c) = adc(a[1], b[1], c);
        let (r2, c) = adc(a[2], b[2], c);
        let (r3, c) = adc(a[3], b[3], c);
        (U256([r0, r1, r2, r3]), c)
    }

    /// `self - rhs` and whether it borrowed (i.e. `self < rhs`).
    #[inline]
    pub const fn overflowing_sub(self, rhs: U256) -> (U256, bool) {
        let (a, b) = (self.0, rhs.0);
        let (r0, c) = sbb(a[0], b[0], false);
        let (r1, c) = sbb(a[1], b[1], c);
        let (r2, c) = sbb(a[2], b[2], c);
        let (r3, c) = sbb(a[3], b[3], c);
        (U256([r0, r1, r2, r3]), c)
    }

    /// `self + rhs` modulo 2^256 (EVM `ADD`).
    #[inline]
    pub const fn wrapping_add(self, rhs: U256) -> U256 {
        self.overflowing_add(rhs).0
    }

    /// `self - rhs` modulo 2^256 (EVM `SUB`).
    #[inline]
    pub const fn wrapping_sub(self, rhs: U256) -> U256 {
        self.overflowing_sub(rhs).0
    }

    /// `-self` modulo 2^256 (two's complement negation).
    #[inline]
    pub const fn wrapping_neg(self) -> U256 {
        U256::ZERO.wrapping_sub(self)
    }

    /// `self * rhs` modulo 2^256 (EVM `MUL`): only the ten partial products that reach
    /// the low 256 bits are computed.
    #[inline]
    pub const fn wrapping_mul(self, rhs: U256) -> U256 {
        let (a, b) = (self.0, rhs.0);
        // Row 0: a0 * b[0..4].
        let (r0, c) = mac(0, a[0], b[0], 0);
        let (r1, c) = mac(0, a[0], b[1], c);
        let (r2, c) = mac(0, a[0], b[2], c);
        let r3 = a[0].wrapping_mul(b[3]).wrapping_add(c);
        // Row 1: a1 * b[0..3].
        let (r1, c) = mac(r1, a[1], b[0], 0);
        let (r2, c) = mac(r2, a[1], b[1], c);
        let r3 = r3.wrapping_add(a[1].wrapping_mul(b[2])).wrapping_add(c);
        // Row 2: a2 * b[0..2].
        let (r2, c) = mac(r2, a[2], b[0], 0);
        let r3 = r3.wrapping_add(a[2].wrapping_mul(b[1])).wrapping_add(c);
        // Row 3: a3 * b0.
        let r3 = r3.wrapping_add(a[3].wrapping_mul(b[0]));
        U256([r0, r1, r2, r3])
    }

    /// `self * rhs` modulo 2^64 * 2^256 split as (low 256 bits, carry limb): multiplies by
    /// a single limb and returns what overflowed.
    #[inline]
    pub(crate) const fn mul_u64_carry(self, rhs: u64) -> (U256, u64) {
        let a = self.0;
        let (r0, c) = mac(0, a[0], rhs, 0);
        let (r1, c) = mac(0, a[1], rhs, c);
        let (r2, c) = mac(0, a[2], rhs, c);
        let (r3, c) = mac(0, a[3], rhs, c);
        (U256([r0, r1, r2, r3]), c)
    }
}

impl Add for U256 {
    type Output = U256;
    /// Wrapping addition modulo 2^256.
    #[inline]
    fn add(self, rhs: U256) -> U256 {
        self.wrapping_add(rhs)
    }
}

impl Sub for U256 {
    type Output = U256;
    /// Wrapping subtraction modulo 2^256.
    #[inline]
    fn sub(self, rhs: U256) -> U256 {
        self.wrapping_sub(rhs)
    }
}

impl Mul for U256 {
    type Output = U256;
    /// Wrapping multiplication modulo 2^256.
    #[inline]
    fn mul(self, rhs: U256) -> U256 {
        self.wrapping_mul(rhs)
    }
}

impl AddAssign for U256 {
    #[inline]
    fn add_assign(&mut self, rhs: U256) {
        *self = self.wrapping_add(rhs);
    }
}

impl SubAssign for U256 {
    #[inline]
    fn sub_assign(&mut self, rhs: U256) {
        *self = self.wrapping_sub(rhs);
    }
}

impl MulAssign for U256 {
    #[inline]
    fn mul_assign(&mut self, rhs: U256) {
        *self = self.wrapping_mul(rhs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_64: U256 = U256([0, 1, 0, 0]);

    #[test]
    fn add_carries_through_every_limb() {
        assert_eq!(U256::MAX.overflowing_add(U256::ONE), (U256::ZERO, true));
        assert_eq!(
            U256([u64::MAX, u64::MAX, u64::MAX, 0]).overflowing_add(U256::ONE),
            (U256([0, 0, 0, 1]), false)
        );
        assert_eq!(U256::MAX + U256::MAX, U256::MAX - U256::ONE);
    }

    #[test]
    fn sub_borrows_through_every_limb() {
        assert_eq!(U256::ZERO.overflowing_sub(U256::ONE), (U256::MAX, true));
        assert_eq!(
            U256([0, 0, 0, 1]).overflowing_sub(U256::ONE),
            (U256([u64::MAX, u64::MAX, u64::MAX, 0]), false)
        );
        assert_eq!(U256::ONE.wrapping_neg(), U256::MAX);
        assert_eq!(U256::ZERO.wrapping_neg(), U256::ZERO);
    }

    #[test]
    fn mul_wraps_modulo_2_256() {
        // (2^64)^4 = 2^256 = 0; (2^64)^3 = 2^192.
        assert_eq!(TWO_64 * TWO_64 * TWO_64, U256([0, 0, 0, 1]));
        assert_eq!(TWO_64 * TWO_64 * TWO_64 * TWO_64, U256::ZERO);
        // (-1) * (-1) = 1; (-1) * 3 = -3.
        assert_eq!(U256::MAX * U256::MAX, U256::ONE);
        assert_eq!(
            U256::MAX * U256::from_u64(3),
            U256::ZERO - U256::from_u64(3)
        );
        // (2^128 - 1)^2 = 2^256 - 2^129 + 1.
        let m = U256::from_u128(u128::MAX);
        assert_eq!(m * m, U256([1, 0, u64::MAX - 1, u64::MAX]));
    }

    #[test]
    fn mul_u64_carry_returns_the_overflow_limb() {
        assert_eq!(U256::MAX.mul_u64_carry(2), (U256::MAX - U256::ONE, 1));
        assert_eq!(
            U256::from_u64(10).mul_u64_carry(10),
            (U256::from_u64(100), 0)
        );
    }

    #[test]
    fn assign_operators_wrap() {
        let mut x = U256::MAX;
        x += U256::from_u64(2);
        assert_eq!(x, U256::ONE);
        x -= U256::from_u64(2);
        assert_eq!(x, U256::MAX);
        x *= U256::from_u64(2);
        assert_eq!(x, U256::MAX - U256::ONE);
    }
}
