//! Modular arithmetic: EVM `ADDMOD` and `MULMOD` (exact, with 257-bit and 512-bit
//! intermediates) and `EXP` (wrapping exponentiation by squaring).

use crate::div::{long_div, rem_by_limb, MAX_DIVIDEND_LIMBS};
use crate::limbs::{adc, mul_4x4, mul_wide};
use crate::U256;

impl U256 {
    /// `(self + b) mod m` computed without overflow (EVM `ADDMOD`); 0 when `m` is 0.
    #[inline]
    pub fn addmod(self, b: U256, m: U256) -> U256 {
        if m.is_zero() {
            return U256::ZERO;
        }
        let (sum, carry) = self.overflowing_add(b);
        if self < m && b < m {
            // sum < 2m: at most one subtraction.
            let (reduced, borrow) = sum.overflowing_sub(m);
            return if carry || !borrow { reduced } else { sum };
        }
        let s = sum.0;
        reduce_wide(&[s[0], s[1], s[2], s[3], carry as u64], m)
    }

    /// `(self * b) mod m` with the full 512-bit product (EVM `MULMOD`); 0 when `m` is 0.
    #[inline]
    pub fn mulmod(self, b: U256, m: U256) -> U256 {
        if m.is_zero() {
            return U256::ZERO;
        }
        if (self.0[2] | self.0[3] | b.0[2] | b.0[3]) == 0 {
            // Both factors below 2^128: the product fits 256 bits.
            return self.wrapping_mul(b).evm_rem(m);
        }
        reduce_wide(&mul_4x4(&self.0, &b.0), m)
    }

    /// `self ^ exp` modulo 2^256 (EVM `EXP`).
    ///
    /// Odd bases with long exponents use a fixed 4-bit window (one multiplication per
    /// four exponent bits); everything else uses right-to-left binary exponentiation,
    /// which stops once the running square is 0 (any even base reaches 0 after at most
    /// eight squarings).
    #[inline]
    pub fn wrapping_pow(self, exp: U256) -> U256 {
        if self.0[0] & 1 == 1 && exp.bits() > WINDOW_MIN_BITS {
            self.pow_window(exp)
        } else {
            self.pow_binary(exp)
        }
    }

    /// Right-to-left binary exponentiation with an early exit at a zero square.
    #[inline]
    fn pow_binary(self, exp: U256) -> U256 {
        let bits = exp.bits();
        let mut base = self;
        let mut acc = U256::ONE;
        for i in 0..bits {
            if exp.bit(i) {
                acc = acc.wrapping_mul(base);
            }
            if i + 1 == bits {
                break;
            }
            base = base.wrapping_sqr();
            if base.is_zero() {
                // Bit `bits - 1` is set and above `i`: it multiplies `acc` by zero.
                return U256::ZERO;
            }
        }
        acc
    }

    /// Left-to-right exponentiation with a fixed 4-bit window over `self^0..self^15`.
    fn pow_window(self, exp: U256) -> U256 {
        let mut table = [U256::ONE; 16];
        let mut prev = U256::ONE;
        for entry in table.iter_mut().skip(1) {
            prev = prev.wrapping_mul(self);
            *entry = prev;
        }
        let digits = exp.bits().div_ceil(4);
        let mut acc = U256::ONE;
        for d in (0..digits).rev() {
            if d + 1 != digits {
                acc = acc
                    .wrapping_sqr()
                    .wrapping_sqr()
                    .wrapping_sqr()
                    .wrapping_sqr();
            }
            let limb = exp.0.get((d / 16) as usize).copied().unwrap_or(0);
            let nibble = ((limb >> ((d % 16) * 4)) & 0xf) as usize;
            if let Some(&power) = table.get(nibble).filter(|_| nibble != 0) {
                acc = acc.wrapping_mul(power);
            }
        }
        acc
    }

    /// `self * self` modulo 2^256, with six partial products instead of ten.
    #[inline]
    pub(crate) const fn wrapping_sqr(self) -> U256 {
        let a = self.0;
        let (p00_lo, p00_hi) = mul_wide(a[0], a[0]);
        let (p11_lo, p11_hi) = mul_wide(a[1], a[1]);
        let (p01_lo, p01_hi) = mul_wide(a[0], a[1]);
        let (p02_lo, p02_hi) = mul_wide(a[0], a[2]);
        let p03 = a[0].wrapping_mul(a[3]);
        let p12 = a[1].wrapping_mul(a[2]);
        // Cross products (each counted twice), limbs 1..3.
        let c1 = p01_lo;
        let (c2, x) = p01_hi.overflowing_add(p02_lo);
        let c3 = p02_hi
            .wrapping_add(p03)
            .wrapping_add(p12)
            .wrapping_add(x as u64);
        let (d1, d2, d3) = (c1 << 1, (c2 << 1) | (c1 >> 63), (c3 << 1) | (c2 >> 63));
        // Plus the squares on the diagonal.
        let (r1, c) = adc(d1, p00_hi, false);
        let (r2, c) = adc(d2, p11_lo, c);
        let r3 = d3.wrapping_add(p11_hi).wrapping_add(c as u64);
        U256([p00_lo, r1, r2, r3])
    }

    /// Bit `i` of the value (bit 0 is the least significant); false for `i >= 256`.
    #[inline]
    pub(crate) const fn bit(&self, i: u32) -> bool {
        if i >= 256 {
            return false;
        }
        (self.0[(i / 64) as usize] >> (i % 64)) & 1 != 0
    }
}

/// Exponents longer than this many bits use the windowed method for odd bases: below it
/// the 14 multiplications that build the window cost more than they save.
const WINDOW_MIN_BITS: u32 = 64;

/// `num mod m` for a dividend of up to eight limbs and a non-zero modulus.
#[inline]
fn reduce_wide(num: &[u64], m: U256) -> U256 {
    if (m.0[1] | m.0[2] | m.0[3]) == 0 {
        return U256::from_u64(rem_by_limb(num, m.0[0]));
    }
    let mut q = [0u64; MAX_DIVIDEND_LIMBS];
    long_div(num, &m, &mut q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u128) -> U256 {
        U256::from_u128(v)
    }

    #[test]
    fn zero_modulus_gives_zero() {
        assert_eq!(U256::MAX.addmod(U256::MAX, U256::ZERO), U256::ZERO);
        assert_eq!(U256::MAX.mulmod(U256::MAX, U256::ZERO), U256::ZERO);
    }

    #[test]
    fn addmod_keeps_the_257th_bit() {
        // (2^256 - 1) * 2 = 2^257 - 2; mod (2^256 - 1) that is 0 ... since 2^256 = 1.
        assert_eq!(U256::MAX.addmod(U256::MAX, U256::MAX), U256::ZERO);
        // (2^256-1 + 1) mod 7: 2^256 = 2^(3*85+1) = 2 (mod 7).
        assert_eq!(U256::MAX.addmod(U256::ONE, u(7)), u(2));
        // Both operands reduced: (m-1) + (m-1) = 2m - 2 = m - 2.
        let m = U256::MAX - u(10);
        assert_eq!((m - U256::ONE).addmod(m - U256::ONE, m), m - u(2));
        assert_eq!(u(3).addmod(u(4), u(5)), u(2));
    }

    #[test]
    fn mulmod_uses_the_full_product() {
        // (2^256 - 1)^2 mod (2^256 - 1) = 0; mod (2^256 - 2) = 1 since 2^256-1 = 1.
        assert_eq!(U256::MAX.mulmod(U256::MAX, U256::MAX), U256::ZERO);
        assert_eq!(
            U256::MAX.mulmod(U256::MAX, U256::MAX - U256::ONE),
            U256::ONE
        );
        // 2^255 * 2 mod (2^256 - 1) = 2^256 mod (2^256 - 1) = 1.
        assert_eq!(U256::SIGNED_MIN.mulmod(u(2), U256::MAX), U256::ONE);
        // (2^256 - 1)^2 mod 10 = (5 - 1)^2 ... 2^256 - 1 = 5 (mod 10) since 2^256 = 6.
        assert_eq!(U256::MAX.mulmod(U256::MAX, u(10)), u(5));
        assert_eq!(u(7).mulmod(u(8), u(5)), u(1));
    }

    #[test]
    fn pow_small_and_wrapping() {
        assert_eq!(u(3).wrapping_pow(u(5)), u(243));
        assert_eq!(u(2).wrapping_pow(u(255)), U256::SIGNED_MIN);
        assert_eq!(u(2).wrapping_pow(u(256)), U256::ZERO);
        assert_eq!(u(0).wrapping_pow(u(0)), U256::ONE);
        assert_eq!(u(0).wrapping_pow(u(1)), U256::ZERO);
        assert_eq!(U256::MAX.wrapping_pow(U256::MAX), U256::MAX);
        assert_eq!(U256::MAX.wrapping_pow(u(2)), U256::ONE);
        // 6^256 = 2^256 * 3^256 = 0; 6^255 is not (2^255 * odd).
        assert_eq!(u(6).wrapping_pow(u(256)), U256::ZERO);
        assert!(!u(6).wrapping_pow(u(255)).is_zero());
    }

    #[test]
    fn square_matches_multiplication() {
        let samples = [
            U256::ZERO,
            U256::ONE,
            U256::MAX,
            U256::SIGNED_MIN,
            U256([u64::MAX, 0, 0, 0]),
            U256([u64::MAX, u64::MAX, 0, 0]),
            U256([
                0x0123_4567_89ab_cdef,
                0xfedc_ba98_7654_3210,
                0xdead_beef,
                1 << 62,
            ]),
            U256([1 << 63, 1 << 63, 1 << 63, 1 << 63]),
        ];
        for v in samples {
            assert_eq!(v.wrapping_sqr(), v.wrapping_mul(v), "{v:?}");
        }
        // (2^128 - 1)^2 = 2^256 - 2^129 + 1 exactly.
        assert_eq!(
            u(u128::MAX).wrapping_sqr(),
            U256([1, 0, u64::MAX - 1, u64::MAX])
        );
    }

    #[test]
    fn windowed_and_binary_powers_agree() {
        // Odd bases with long exponents take the window; the binary method is the check.
        let bases = [U256::MAX, u(3), U256([0x1234_5679, 7, 0, 1 << 60])];
        let exps = [
            U256::MAX,
            U256([0, 0, 0, 1]),
            U256([0xf0f0, 1 << 63, 5, 0]),
            u(1 << 70),
        ];
        for b in bases {
            for e in exps {
                assert_eq!(b.pow_window(e), b.pow_binary(e), "{b:x} ^ {e:x}");
            }
        }
        // 3 has multiplicative order 2^254 modulo 2^256, so 3^(2^254) = 1.
        assert_eq!(
            u(3).wrapping_pow(U256::ONE.wrapping_add(U256::ONE).wrapping_pow(u(254))),
            U256::ONE
        );
    }

    #[test]
    fn bit_reads_each_limb() {
        let v = U256([1, 0, 0, 1 << 63]);
        assert!(v.bit(0) && v.bit(255));
        assert!(!v.bit(1) && !v.bit(256) && !v.bit(u32::MAX));
    }
}
