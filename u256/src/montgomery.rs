//! Modular arithmetic for cryptography (EWASM.md section 5.1): `submod` and the Montgomery
//! product `mulmodmont`, exact for every 256-bit operand, with a fast path for operands
//! already reduced below the modulus (what well-written field code always passes).

use crate::limbs::{adc, mac, sbb};
use crate::U256;

/// `-m^-1 mod 2^64` for an odd `m0` (the low limb of the modulus): Newton's iteration
/// doubles the correct low bits each step, from 5 bits (`m0 * 3 ^ 2` is right mod 2^5 for
/// odd `m0`) to 64 in four steps.
#[inline]
pub fn mont_inv64(m0: u64) -> u64 {
    let mut inv = m0.wrapping_mul(3) ^ 2;
    for _ in 0..4 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

impl U256 {
    /// `(self - b) mod m` over the integers, in `[0, m)`; 0 when `m` is 0.
    #[inline]
    pub fn submod(self, b: U256, m: U256) -> U256 {
        if m.is_zero() {
            return U256::ZERO;
        }
        let (a, b) = if self < m && b < m {
            (self, b)
        } else {
            (self.evm_rem(m), b.evm_rem(m))
        };
        let (diff, borrow) = a.overflowing_sub(b);
        if borrow {
            diff.wrapping_add(m)
        } else {
            diff
        }
    }

    /// The Montgomery product `self * b * 2^-256 mod m` over the integers, in `[0, m)`;
    /// 0 when `m` is even (0 included), as no inverse of 2^256 exists then.
    #[inline]
    pub fn mulmodmont(self, b: U256, m: U256) -> U256 {
        if m.0[0] & 1 == 0 {
            return U256::ZERO;
        }
        self.mulmodmont_with(b, m, mont_inv64(m.0[0]))
    }

    /// [`U256::mulmodmont`] for an odd `m` whose [`mont_inv64`] the caller has at hand
    /// (`inv` must be `mont_inv64(m.0[0])`).
    #[inline]
    pub fn mulmodmont_with(self, b: U256, m: U256, inv: u64) -> U256 {
        debug_assert!(m.0[0] & 1 == 1, "even modulus {m:?}");
        let (a, b) = if self < m && b < m {
            (self, b)
        } else {
            (self.evm_rem(m), b.evm_rem(m))
        };
        mont_mul(&a.0, &b.0, &m.0, inv)
    }
}

/// Montgomery multiplication of reduced `a, b < m` (m odd), by coarsely integrated operand
/// scanning: for each limb of `a`, add `a_i * b`, then add the multiple of `m` that clears
/// the lowest limb and shift down by one limb. The running value stays below `2m`, so one
/// conditional subtraction at the end reduces it (a fifth limb carries `2m >= 2^256`).
#[inline]
fn mont_mul(a: &[u64; 4], b: &[u64; 4], m: &[u64; 4], inv: u64) -> U256 {
    let mut t = [0u64; 4];
    let mut t4 = 0u64;
    for &ai in a {
        // t += ai * b
        let (t0, c) = mac(t[0], ai, b[0], 0);
        let (t1, c) = mac(t[1], ai, b[1], c);
        let (t2, c) = mac(t[2], ai, b[2], c);
        let (t3, c) = mac(t[3], ai, b[3], c);
        let (t4a, t5) = {
            let s = u128::from(t4) + u128::from(c);
            (s as u64, (s >> 64) as u64)
        };
        // t += q * m with q making the low limb zero, then t >>= 64.
        let q = t0.wrapping_mul(inv);
        let (_, c) = mac(t0, q, m[0], 0);
        let (r0, c) = mac(t1, q, m[1], c);
        let (r1, c) = mac(t2, q, m[2], c);
        let (r2, c) = mac(t3, q, m[3], c);
        let (r3, carry) = adc(t4a, c, false);
        t = [r0, r1, r2, r3];
        t4 = t5 + u64::from(carry);
    }
    // t < 2m: subtract m once if t >= m.
    let (d0, bw) = sbb(t[0], m[0], false);
    let (d1, bw) = sbb(t[1], m[1], bw);
    let (d2, bw) = sbb(t[2], m[2], bw);
    let (d3, bw) = sbb(t[3], m[3], bw);
    let (_, bw) = sbb(t4, 0, bw);
    if bw {
        U256(t)
    } else {
        U256([d0, d1, d2, d3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u128) -> U256 {
        U256::from_u128(v)
    }

    #[test]
    fn the_inverse_is_minus_m_inverse_mod_two_to_the_64() {
        for m0 in [
            1u64,
            3,
            5,
            0xffff_ffff_ffff_ffff,
            0x3c20_8c16_d87c_fd47,
            12_345_679,
        ] {
            assert_eq!(m0.wrapping_mul(mont_inv64(m0)), u64::MAX, "{m0:#x}");
        }
    }

    #[test]
    fn submod_edge_cases() {
        assert_eq!(u(3).submod(u(5), U256::ZERO), U256::ZERO);
        assert_eq!(u(3).submod(u(5), u(7)), u(5));
        assert_eq!(u(5).submod(u(3), u(7)), u(2));
        assert_eq!(u(7).submod(U256::ZERO, u(7)), U256::ZERO, "a = m");
        // Unreduced: (2^256 - 1) - 1 mod 10 = 5 - 1.
        assert_eq!(U256::MAX.submod(U256::ONE, u(10)), u(4));
        assert_eq!(U256::ZERO.submod(U256::MAX, U256::MAX), U256::ZERO);
        assert_eq!(
            U256::ZERO.submod(U256::ONE, U256::MAX),
            U256::MAX - U256::ONE
        );
        assert_eq!(u(9).submod(u(4), U256::ONE), U256::ZERO);
    }

    #[test]
    fn mulmodmont_small_modulus() {
        // m = 7: 2^256 = 2 (mod 7) since 2^3 = 1 and 256 = 3 * 85 + 1, so 2^-256 = 4.
        for a in 0..20u128 {
            for b in 0..20u128 {
                let expected = (a * b * 4) % 7;
                assert_eq!(u(a).mulmodmont(u(b), u(7)), u(expected), "{a} {b}");
            }
        }
        assert_eq!(u(5).mulmodmont(u(6), u(8)), U256::ZERO, "even modulus");
        assert_eq!(u(5).mulmodmont(u(6), U256::ZERO), U256::ZERO);
        assert_eq!(u(5).mulmodmont(u(6), U256::ONE), U256::ZERO);
    }

    #[test]
    fn into_and_out_of_montgomery_form() {
        // With R2 = 2^512 mod m: mont(x, R2) = x * 2^256 and mont(that, 1) = x.
        let m = U256::MAX; // odd
        let r = U256::ONE; // 2^256 mod (2^256 - 1)
        let r2 = r.mulmod(r, m);
        let x = U256([0x1234, 0x5678, 0x9abc, 0xdef0]);
        let xm = x.mulmodmont(r2, m);
        assert_eq!(xm, x.mulmod(r, m));
        assert_eq!(xm.mulmodmont(U256::ONE, m), x);
        // A modulus at the top of the range exercises the fifth limb.
        let m = U256::MAX - U256::from_u64(188); // odd, above 2^255
        let y = m - U256::ONE;
        let ym = y.mulmodmont(y, m);
        // (m - 1)^2 = 1 (mod m), times 2^-256.
        assert_eq!(ym, U256::ONE.mulmodmont(U256::ONE, m));
    }
}
