//! Division: Knuth's algorithm D on 64-bit limbs (up to 8-limb dividends, for the 512-bit
//! `MULMOD` intermediate) and the EVM `DIV`, `MOD`, `SDIV`, `SMOD` rules built on it.

use crate::limbs::{adc, div_2by1, mac, sbb};
use crate::U256;

/// The longest dividend the long division accepts, in limbs (a 512-bit product).
pub(crate) const MAX_DIVIDEND_LIMBS: usize = 8;

impl U256 {
    /// Unsigned quotient and remainder; both are 0 when `rhs` is 0.
    #[inline]
    pub fn div_rem(self, rhs: U256) -> (U256, U256) {
        let (a, b) = (self.0, rhs.0);
        if (b[1] | b[2] | b[3]) == 0 {
            let d = b[0];
            if d == 0 {
                return (U256::ZERO, U256::ZERO);
            }
            if (a[1] | a[2] | a[3]) == 0 {
                return (U256::from_u64(a[0] / d), U256::from_u64(a[0] % d));
            }
            let (q, r) = div_rem_by_limb(&a, d);
            return (U256(q), U256::from_u64(r));
        }
        if self < rhs {
            return (U256::ZERO, self);
        }
        let mut q = [0u64; MAX_DIVIDEND_LIMBS];
        let r = long_div(&a, &rhs, &mut q);
        (U256([q[0], q[1], q[2], q[3]]), r)
    }

    /// Unsigned division `self / rhs` with `x / 0 = 0` (EVM `DIV`).
    #[inline]
    pub fn evm_div(self, rhs: U256) -> U256 {
        self.div_rem(rhs).0
    }

    /// Unsigned remainder `self % rhs` with `x % 0 = 0` (EVM `MOD`).
    #[inline]
    pub fn evm_rem(self, rhs: U256) -> U256 {
        self.div_rem(rhs).1
    }

    /// Signed division (EVM `SDIV`): two's complement operands, quotient rounded toward
    /// zero, `x / 0 = 0`, and `MIN / -1 = MIN` (the overflow wraps).
    #[inline]
    pub fn evm_sdiv(self, rhs: U256) -> U256 {
        let (neg_a, neg_b) = (self.is_negative(), rhs.is_negative());
        let q = self.abs_unsigned().evm_div(rhs.abs_unsigned());
        if neg_a != neg_b {
            q.wrapping_neg()
        } else {
            q
        }
    }

    /// Signed remainder (EVM `SMOD`): the sign follows the dividend, `x % 0 = 0`.
    #[inline]
    pub fn evm_smod(self, rhs: U256) -> U256 {
        let r = self.abs_unsigned().evm_rem(rhs.abs_unsigned());
        if self.is_negative() {
            r.wrapping_neg()
        } else {
            r
        }
    }

    /// Whether the top bit (the two's complement sign) is set.
    #[inline]
    pub(crate) const fn is_negative(&self) -> bool {
        (self.0[3] >> 63) != 0
    }

    /// The magnitude of the signed value, as an unsigned number (`MIN` maps to 2^255).
    #[inline]
    pub(crate) const fn abs_unsigned(self) -> U256 {
        if self.is_negative() {
            self.wrapping_neg()
        } else {
            self
        }
    }
}

/// Short division of a 4-limb value by one non-zero limb: (quotient, remainder).
#[inline]
fn div_rem_by_limb(a: &[u64; 4], d: u64) -> ([u64; 4], u64) {
    let mut q = [0u64; 4];
    let mut r = 0u64;
    for i in (0..4).rev() {
        // r < d holds on entry to each step, as `div_2by1` requires.
        (q[i], r) = div_2by1(r, a[i], d);
    }
    (q, r)
}

/// Remainder of a dividend of up to eight limbs by a non-zero one-limb divisor.
#[inline]
pub(crate) fn rem_by_limb(num: &[u64], d: u64) -> u64 {
    let mut r = 0u64;
    for &limb in num.iter().rev() {
        r = div_2by1(r, limb, d).1;
    }
    r
}

/// The number of significant limbs of `v` (0 for zero).
#[inline]
pub(crate) fn limb_len(v: &[u64]) -> usize {
    v.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1)
}

/// Knuth's algorithm D: divides `num` (at most [`MAX_DIVIDEND_LIMBS`] limbs) by `den`
/// (at least two significant limbs), writes the quotient's limbs into `q` and returns the
/// remainder. Input outside that contract gives a zero remainder, never a panic.
pub(crate) fn long_div(num: &[u64], den: &U256, q: &mut [u64; MAX_DIVIDEND_LIMBS]) -> U256 {
    let n = limb_len(&den.0);
    let len = limb_len(num);
    if n < 2 || len > MAX_DIVIDEND_LIMBS {
        return U256::ZERO;
    }
    if len < n {
        let mut r = [0u64; 4];
        r[..len].copy_from_slice(&num[..len]);
        return U256(r);
    }
    // D1: normalise so the divisor's top limb has its top bit set.
    let shift = den.0[n - 1].leading_zeros();
    let vn = shl_limbs::<4>(&den.0, shift);
    let mut un = [0u64; MAX_DIVIDEND_LIMBS + 1];
    let mut carry = 0u64;
    for (dst, &src) in un.iter_mut().zip(&num[..len]) {
        *dst = (src << shift) | carry;
        carry = if shift == 0 { 0 } else { src >> (64 - shift) };
    }
    un[len] = carry;
    // D2..D7: one quotient limb per step, from the top.
    for j in (0..=len - n).rev() {
        q[j] = quotient_step(&mut un[j..=j + n], &vn[..n]);
    }
    // D8: un[0..n] is the remainder, still shifted.
    let mut r = [0u64; 4];
    for i in 0..n {
        let hi = if shift == 0 || i + 1 >= n {
            0
        } else {
            un[i + 1] << (64 - shift)
        };
        r[i] = (un[i] >> shift) | hi;
    }
    U256(r)
}

/// One step of algorithm D: `u` holds n+1 limbs of the running remainder and `v` the n
/// normalised divisor limbs (n >= 2, `u[n..]` below `v` as a number). Replaces `u` by
/// `u - q * v` and returns the quotient limb `q`.
#[inline(always)]
fn quotient_step(u: &mut [u64], v: &[u64]) -> u64 {
    let n = v.len();
    let (u_top, u_next, u_next2) = (u[n], u[n - 1], u[n - 2]);
    let (v_top, v_next) = (v[n - 1], v[n - 2]);
    let mut qhat = estimate_quotient(u_top, u_next, u_next2, v_top, v_next);
    // D4: multiply and subtract.
    let mut mul_carry = 0u64;
    let mut borrow = false;
    for (ui, &vi) in u.iter_mut().zip(v) {
        let (p_lo, p_hi) = mac(0, qhat, vi, mul_carry);
        mul_carry = p_hi;
        (*ui, borrow) = sbb(*ui, p_lo, borrow);
    }
    let (top, neg) = sbb(u[n], mul_carry, borrow);
    u[n] = top;
    // D5/D6: the estimate was one too large (rare): add the divisor back.
    if neg {
        qhat = qhat.wrapping_sub(1);
        let mut c = false;
        for (ui, &vi) in u.iter_mut().zip(v) {
            (*ui, c) = adc(*ui, vi, c);
        }
        u[n] = u[n].wrapping_add(c as u64);
    }
    qhat
}

/// D3: estimates the quotient limb from the top three remainder limbs and the top two
/// divisor limbs; the result is exact or one too large.
#[inline(always)]
fn estimate_quotient(u_top: u64, u_next: u64, u_next2: u64, v_top: u64, v_next: u64) -> u64 {
    let (mut qhat, mut rhat) = if u_top >= v_top {
        // The true quotient limb is at most 2^64 - 1; rhat = u_top:u_next - qhat * v_top.
        let (r, overflow) = u_next.overflowing_add(v_top);
        if overflow {
            return u64::MAX;
        }
        (u64::MAX, r)
    } else {
        div_2by1(u_top, u_next, v_top)
    };
    // At most two corrections: qhat * v_next > rhat:u_next2 means qhat is too large.
    while (qhat as u128) * (v_next as u128) > (((rhat as u128) << 64) | u_next2 as u128) {
        qhat -= 1;
        let (r, overflow) = rhat.overflowing_add(v_top);
        if overflow {
            break;
        }
        rhat = r;
    }
    qhat
}

/// Shifts `N` limbs left by `shift` bits (`shift < 64`), dropping what leaves the top.
#[inline(always)]
fn shl_limbs<const N: usize>(v: &[u64; N], shift: u32) -> [u64; N] {
    if shift == 0 {
        return *v;
    }
    let mut out = [0u64; N];
    let mut prev = 0u64;
    for (dst, &src) in out.iter_mut().zip(v) {
        *dst = (src << shift) | (prev >> (64 - shift));
        prev = src;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u128) -> U256 {
        U256::from_u128(v)
    }

    const TWO_255: U256 = U256::SIGNED_MIN;

    #[test]
    fn division_by_zero_is_zero() {
        assert_eq!(U256::MAX.evm_div(U256::ZERO), U256::ZERO);
        assert_eq!(U256::MAX.evm_rem(U256::ZERO), U256::ZERO);
        assert_eq!(U256::MAX.evm_sdiv(U256::ZERO), U256::ZERO);
        assert_eq!(U256::MAX.evm_smod(U256::ZERO), U256::ZERO);
        assert_eq!(U256::ZERO.evm_div(U256::ZERO), U256::ZERO);
    }

    #[test]
    fn small_and_single_limb_divisors() {
        assert_eq!(u(100).div_rem(u(7)), (u(14), u(2)));
        // (2^256 - 1) / 3 = 0x5555...5, remainder 0.
        assert_eq!(
            U256::MAX.div_rem(u(3)),
            (U256([0x5555_5555_5555_5555; 4]), U256::ZERO)
        );
        // (2^256 - 1) mod (2^64 - 1) = 0 because 2^64 = 1 (mod 2^64 - 1) and 4 * (2^64-1).
        assert_eq!(U256::MAX.evm_rem(u(u64::MAX as u128)), U256::ZERO);
        assert_eq!(U256::MAX.evm_div(U256::ONE), U256::MAX);
    }

    #[test]
    fn multi_limb_divisors() {
        // 2^255 / 2^128 = 2^127.
        assert_eq!(
            TWO_255.div_rem(u(1 << 127) * u(2)),
            (u(1 << 127), U256::ZERO)
        );
        // (2^256 - 1) / (2^128 + 1) = 2^128 - 1, remainder 0 ((x^2-1) = (x-1)(x+1)).
        let d = U256([1, 0, 1, 0]);
        assert_eq!(U256::MAX.div_rem(d), (u(u128::MAX), U256::ZERO));
        // (2^256 - 1) / (2^192) = 2^64 - 1, remainder 2^192 - 1.
        assert_eq!(
            U256::MAX.div_rem(U256([0, 0, 0, 1])),
            (u(u64::MAX as u128), U256([u64::MAX, u64::MAX, u64::MAX, 0]))
        );
        // Dividend smaller than divisor.
        assert_eq!(u(5).div_rem(U256::MAX), (U256::ZERO, u(5)));
        assert_eq!(U256::MAX.div_rem(U256::MAX), (U256::ONE, U256::ZERO));
    }

    #[test]
    fn top_heavy_quotient_limb() {
        // num = 2^255 - 2^191 = x * (2^64 - 1) and den = x + 1 with x = 2^191, so
        // q = 2^64 - 2 and r = x - 2^64 + 2.
        let num = U256([0, 0, 1 << 63, (1 << 63) - 1]);
        let den = U256([1, 0, 1 << 63, 0]);
        let r = U256([2, u64::MAX, (1 << 63) - 1, 0]);
        assert_eq!(num.div_rem(den), (U256([u64::MAX - 1, 0, 0, 0]), r));
    }

    #[test]
    fn add_back_step() {
        // Hacker's Delight "add back required" case scaled to 64-bit limbs:
        // u = 2^63 B^2 + 3, v = 2^61 B^2 + 1: the estimate is 4, the quotient 3 and the
        // remainder u - 3v = 2^61 B^2.
        let num = U256([3, 0, 1 << 63, 0]);
        let den = U256([1, 0, 1 << 61, 0]);
        assert_eq!(num.div_rem(den), (u(3), U256([0, 0, 1 << 61, 0])));
    }

    #[test]
    fn signed_division_rules() {
        let neg = |x: u128| u(x).wrapping_neg();
        assert_eq!(neg(7).evm_sdiv(u(2)), neg(3));
        assert_eq!(u(7).evm_sdiv(neg(2)), neg(3));
        assert_eq!(neg(7).evm_sdiv(neg(2)), u(3));
        // MIN / -1 overflows back to MIN.
        assert_eq!(TWO_255.evm_sdiv(U256::MAX), TWO_255);
        assert_eq!(TWO_255.evm_sdiv(U256::ONE), TWO_255);
        assert_eq!(TWO_255.evm_sdiv(TWO_255), U256::ONE);
    }

    #[test]
    fn signed_remainder_follows_dividend() {
        let neg = |x: u128| u(x).wrapping_neg();
        assert_eq!(neg(7).evm_smod(u(3)), neg(1));
        assert_eq!(u(7).evm_smod(neg(3)), u(1));
        assert_eq!(neg(7).evm_smod(neg(3)), neg(1));
        assert_eq!(TWO_255.evm_smod(U256::MAX), U256::ZERO);
        assert_eq!(TWO_255.evm_smod(u(3)), neg(2));
    }

    #[test]
    fn long_div_contract_violations_give_zero() {
        let mut q = [0u64; MAX_DIVIDEND_LIMBS];
        assert_eq!(long_div(&[1, 2], &U256::ONE, &mut q), U256::ZERO);
        assert_eq!(long_div(&[1; 9], &U256([0, 1, 0, 0]), &mut q), U256::ZERO);
        assert_eq!(long_div(&[3], &U256([0, 1, 0, 0]), &mut q), u(3));
    }

    #[test]
    fn rem_by_limb_of_wide_values() {
        // 2^448 mod 7: 2^3 = 1 (mod 7), 448 = 3 * 149 + 1 so 2^448 = 2 (mod 7).
        assert_eq!(rem_by_limb(&[0, 0, 0, 0, 0, 0, 0, 1], 7), 2);
        assert_eq!(limb_len(&[0, 5, 0, 0]), 2);
        assert_eq!(limb_len(&[0, 0]), 0);
    }
}
