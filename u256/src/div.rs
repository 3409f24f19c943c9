//! Division: Knuth's algorithm D on 64-bit limbs (up to 8-limb dividends, for the 512-bit
//! `MULMOD` intermediate) and the EVM `DIV`, `MOD`, `SDIV`, `SMOD` rules built on it.

use crate::limbs::{adc, div_2by1, mac, mul_wide, sbb};
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
#[inline]
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
    // One copy of the algorithm per divisor length, so its inner loops unroll.
    match n {
        2 => div_by_two_limbs(&num[..len], den.0[0], den.0[1], q),
        3 => knuth::<3>(&num[..len], &den.0, q),
        _ => knuth::<4>(&num[..len], &den.0, q),
    }
}

/// Algorithm D for a divisor of exactly `N` significant limbs and a dividend of at least
/// `N` limbs (at most [`MAX_DIVIDEND_LIMBS`]).
#[inline(always)]
fn knuth<const N: usize>(num: &[u64], den: &[u64; 4], q: &mut [u64; MAX_DIVIDEND_LIMBS]) -> U256 {
    let len = num.len();
    // D1: normalise so the divisor's top limb has its top bit set.
    let mut v = [0u64; N];
    v.copy_from_slice(&den[..N]);
    let shift = v[N - 1].leading_zeros();
    let vn = shl_limbs::<N>(&v, shift);
    let mut un = [0u64; MAX_DIVIDEND_LIMBS + 1];
    let mut carry = 0u64;
    for (dst, &src) in un.iter_mut().zip(num) {
        *dst = (src << shift) | carry;
        carry = if shift == 0 { 0 } else { src >> (64 - shift) };
    }
    un[len] = carry;
    // D2..D7: one quotient limb per step, from the top. The top step is skipped when
    // its quotient limb is obviously zero (e.g. a product of reduced operands).
    let recip = reciprocal_3by2(vn[N - 1], vn[N - 2]);
    let mut first = len - N;
    if first > 0 && un[len] == 0 && (un[len - 1], un[len - 2]) < (vn[N - 1], vn[N - 2]) {
        q[first] = 0;
        first -= 1;
    }
    for j in (0..=first).rev() {
        let (low, high) = un[j..].split_at_mut(N);
        let low: &mut [u64; N] = match low.try_into() {
            Ok(l) => l,
            Err(_) => return U256::ZERO, // unreachable: `split_at_mut(N)`
        };
        let Some(top) = high.first_mut() else {
            return U256::ZERO; // unreachable: j + N <= len < un.len()
        };
        q[j] = quotient_step::<N>(low, top, &vn, recip);
    }
    // D8: un[0..N] is the remainder, still shifted.
    let mut r = [0u64; 4];
    for i in 0..N {
        let hi = if shift == 0 || i + 1 >= N {
            0
        } else {
            un[i + 1] << (64 - shift)
        };
        r[i] = (un[i] >> shift) | hi;
    }
    U256(r)
}

/// Long division by a two-limb divisor `d1:d0` (`d1 != 0`): the running remainder stays
/// in a `u128` and each quotient limb is one 3-by-2 reciprocal division.
#[inline(always)]
fn div_by_two_limbs(num: &[u64], d0: u64, d1: u64, q: &mut [u64; MAX_DIVIDEND_LIMBS]) -> U256 {
    let shift = d1.leading_zeros();
    let d = (((d1 as u128) << 64) | d0 as u128) << shift;
    let (d1n, d0n) = ((d >> 64) as u64, d as u64);
    let recip = reciprocal_3by2(d1n, d0n);
    // Limb `i` of the dividend shifted left by `shift` (the limb below feeds the top bits).
    let shifted = |i: usize| {
        let cur = num.get(i).copied().unwrap_or(0);
        match i.checked_sub(1).and_then(|k| num.get(k)) {
            Some(&below) if shift != 0 => (cur << shift) | (below >> (64 - shift)),
            _ => cur << shift,
        }
    };
    let len = num.len();
    // The first remainder is the top two shifted limbs, below `d` (the top one holds
    // fewer than `shift` bits, or is zero).
    let top = match num.last() {
        Some(&t) if shift != 0 => t >> (64 - shift),
        _ => 0,
    };
    let mut r = ((top as u128) << 64) | shifted(len - 1) as u128;
    for j in (0..len - 1).rev() {
        let (qj, rj) = div_3by2((r >> 64) as u64, r as u64, shifted(j), d1n, d0n, recip);
        q[j] = qj;
        r = rj;
    }
    U256::from_u128(r >> shift)
}

/// One step of algorithm D: `low` and `top` hold the N+1 limbs of the running remainder
/// (below `v` shifted up one limb) and `v` the normalised divisor (N >= 2) whose top two
/// limbs have the 3-by-2 reciprocal `recip`. Replaces the remainder by itself minus `q * v`
/// (leaving `top` zero) and returns the quotient limb `q`.
///
/// The top three remainder limbs are divided by the top two divisor limbs with the
/// reciprocal (Möller and Granlund, "Improved division by invariant integers", 2011), so
/// no hardware division runs per step and the estimate is at most one too large.
#[inline(always)]
fn quotient_step<const N: usize>(
    low: &mut [u64; N],
    top: &mut u64,
    v: &[u64; N],
    recip: u64,
) -> u64 {
    let (u2, u1, u0) = (*top, low[N - 1], low[N - 2]);
    let (d1, d0) = (v[N - 1], v[N - 2]);
    *top = 0;
    if u2 == d1 && u1 == d0 {
        // The quotient limb is exactly 2^64 - 1 (the 3-by-2 division would overflow).
        let qhat = u64::MAX;
        let mut carry = 0u64;
        let mut borrow = false;
        for (ui, &vi) in low.iter_mut().zip(v) {
            let (p_lo, p_hi) = mac(0, qhat, vi, carry);
            carry = p_hi;
            (*ui, borrow) = sbb(*ui, p_lo, borrow);
        }
        return qhat;
    }
    let (mut qhat, rhat) = div_3by2(u2, u1, u0, d1, d0, recip);
    // Subtract qhat times the lower N-2 divisor limbs; the top two are in `rhat`.
    let mut carry = 0u64;
    for (ui, &vi) in low.iter_mut().zip(v).take(N - 2) {
        let (p_lo, p_hi) = mac(0, qhat, vi, carry);
        let (diff, b) = ui.overflowing_sub(p_lo);
        *ui = diff;
        carry = p_hi + b as u64;
    }
    let (r0, b) = (rhat as u64).overflowing_sub(carry);
    let (r1, negative) = ((rhat >> 64) as u64).overflowing_sub(b as u64);
    low[N - 2] = r0;
    low[N - 1] = r1;
    if negative {
        // The estimate was one too large (rare): add the divisor back.
        qhat = qhat.wrapping_sub(1);
        let mut c = false;
        for (ui, &vi) in low.iter_mut().zip(v) {
            (*ui, c) = adc(*ui, vi, c);
        }
    }
    qhat
}

/// The 2-by-1 reciprocal of a normalised limb `d` (top bit set): `(B^2 - 1) / d - B`
/// with `B = 2^64`.
#[inline(always)]
fn reciprocal_2by1(d: u64) -> u64 {
    // (B^2 - 1 - B*d) / d; `!d < d` because d is normalised, so the quotient fits.
    div_2by1(!d, u64::MAX, d).0
}

/// The 3-by-2 reciprocal of the normalised two-limb divisor `d1:d0`:
/// `(B^3 - 1) / (d1:d0) - B` (MG10 algorithm 6).
#[inline(always)]
fn reciprocal_3by2(d1: u64, d0: u64) -> u64 {
    let mut v = reciprocal_2by1(d1);
    let mut p = d1.wrapping_mul(v).wrapping_add(d0);
    if p < d0 {
        v = v.wrapping_sub(1);
        if p >= d1 {
            v = v.wrapping_sub(1);
            p = p.wrapping_sub(d1);
        }
        p = p.wrapping_sub(d1);
    }
    let (t0, t1) = mul_wide(v, d0);
    p = p.wrapping_add(t1);
    if p < t1 {
        v = v.wrapping_sub(1);
        if p > d1 || (p == d1 && t0 >= d0) {
            v = v.wrapping_sub(1);
        }
    }
    v
}

/// Divides `u2:u1:u0` by the normalised `d1:d0` given its reciprocal, assuming
/// `u2:u1 < d1:d0`: returns (quotient limb, 128-bit remainder) (MG10 algorithm 5).
#[inline(always)]
fn div_3by2(u2: u64, u1: u64, u0: u64, d1: u64, d0: u64, recip: u64) -> (u64, u128) {
    let d = ((d1 as u128) << 64) | d0 as u128;
    let q = (recip as u128 * u2 as u128).wrapping_add(((u2 as u128) << 64) | u1 as u128);
    let (mut q1, q0) = ((q >> 64) as u64, q as u64);
    let r1 = u1.wrapping_sub(q1.wrapping_mul(d1));
    let t = d0 as u128 * q1 as u128;
    let mut r = (((r1 as u128) << 64) | u0 as u128)
        .wrapping_sub(t)
        .wrapping_sub(d);
    q1 = q1.wrapping_add(1);
    if (r >> 64) as u64 >= q0 {
        q1 = q1.wrapping_sub(1);
        r = r.wrapping_add(d);
    }
    if r >= d {
        q1 = q1.wrapping_add(1);
        r -= d;
    }
    (q1, r)
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
    fn quotient_limb_of_all_ones() {
        // D = 2^63 B^3 + 2B + 7 and v = 2^63 B^2 + 5 (B = 2^64): the remainder's top two
        // limbs equal the divisor's, q = B - 1 and r = D - (B - 1) v = 2^63 B^2 - 3B + 12.
        let num = U256([7, 2, 0, 1 << 63]);
        let den = U256([5, 0, 1 << 63, 0]);
        let r = U256([12, u64::MAX - 2, (1 << 63) - 1, 0]);
        assert_eq!(num.div_rem(den), (U256([u64::MAX, 0, 0, 0]), r));
    }

    #[test]
    fn reciprocals_match_their_definition() {
        // v = floor((B^2 - 1) / d) - B and floor((B^3 - 1) / (d1:d0)) - B, computed with
        // num-bigint as an independent oracle.
        use num_bigint::BigUint;
        let b = BigUint::from(1u8) << 64u32;
        for d in [
            1u64 << 63,
            u64::MAX,
            0x8000_0000_0000_0001,
            0xc000_0000_1234_5678,
        ] {
            let expected = (&b * &b - 1u8) / BigUint::from(d) - &b;
            assert_eq!(BigUint::from(reciprocal_2by1(d)), expected, "{d:#x}");
        }
        let pairs = [
            (1u64 << 63, 0u64),
            (u64::MAX, u64::MAX),
            (1 << 63, 5),
            (0xdead_beef_0000_0001 | 1 << 63, 77),
            (1 << 63, u64::MAX),
        ];
        for (d1, d0) in pairs {
            let d = BigUint::from(d1) * &b + BigUint::from(d0);
            let expected = (&b * &b * &b - 1u8) / d - &b;
            assert_eq!(
                BigUint::from(reciprocal_3by2(d1, d0)),
                expected,
                "{d1:#x}:{d0:#x}"
            );
        }
    }

    #[test]
    fn div_3by2_matches_wide_division() {
        // Precondition: u2:u1 < d1:d0 with d1 normalised.
        use num_bigint::BigUint;
        let b = BigUint::from(1u8) << 64u32;
        let cases = [
            ((1u64 << 63) - 1, u64::MAX, 0u64, 1u64 << 63, 0u64),
            (5, u64::MAX, 7, 1 << 63, 5),
            (u64::MAX - 1, u64::MAX, u64::MAX, u64::MAX, u64::MAX),
            (0x8000_0000_0000_0000, 1, 2, 0x8000_0000_0000_0001, 0),
        ];
        for (u2, u1, u0, d1, d0) in cases {
            let num = (BigUint::from(u2) * &b + BigUint::from(u1)) * &b + BigUint::from(u0);
            let den = BigUint::from(d1) * &b + BigUint::from(d0);
            let (q, r) = div_3by2(u2, u1, u0, d1, d0, reciprocal_3by2(d1, d0));
            assert_eq!(BigUint::from(q), &num / &den);
            assert_eq!(BigUint::from(r), &num % &den);
        }
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
