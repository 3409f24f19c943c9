//! Limb primitives: add/sub with carry, multiply-accumulate and the 128-by-64 division step.
//!
//! Everything here works on `u64` limbs with `u128` widening and compiles to straight-line
//! code (`adc`/`sbb`/`mul` on x86-64). The rest of the crate builds on these helpers only.

/// `a + b + carry`, returning the low limb and the carry out.
#[inline(always)]
pub(crate) const fn adc(a: u64, b: u64, carry: bool) -> (u64, bool) {
    let (s1, c1) = a.overflowing_add(b);
    let (s2, c2) = s1.overflowing_add(carry as u64);
    (s2, c1 | c2)
}

/// `a - b - borrow`, returning the low limb and the borrow out.
#[inline(always)]
pub(crate) const fn sbb(a: u64, b: u64, borrow: bool) -> (u64, bool) {
    let (d1, b1) = a.overflowing_sub(b);
    let (d2, b2) = d1.overflowing_sub(borrow as u64);
    (d2, b1 | b2)
}

/// `acc + a * b + carry` as a (low, high) pair; never overflows 128 bits.
#[inline(always)]
pub(crate) const fn mac(acc: u64, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) * (b as u128) + (acc as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a * b` as a (low, high) pair.
#[inline(always)]
pub(crate) const fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    let t = (a as u128) * (b as u128);
    (t as u64, (t >> 64) as u64)
}

/// Divides the 128-bit value `hi:lo` by `d`, returning (quotient, remainder).
///
/// Callers guarantee `hi < d` (so the quotient fits a limb). If that does not hold the
/// result is the quotient truncated to 64 bits (and `(0, 0)` for `d == 0`): never a fault.
#[inline(always)]
pub(crate) fn div_2by1(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    if hi >= d {
        return div_2by1_slow(hi, lo, d);
    }
    div_2by1_fast(hi, lo, d)
}

/// Out-of-contract path of [`div_2by1`]: plain `u128` arithmetic, zero for `d == 0`.
#[cold]
#[inline(never)]
fn div_2by1_slow(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    if d == 0 {
        return (0, 0);
    }
    let n = ((hi as u128) << 64) | lo as u128;
    ((n / d as u128) as u64, (n % d as u128) as u64)
}

/// The `div` instruction: one hardware 128-by-64 division.
///
/// Not under miri, which cannot interpret inline assembly: there the portable version runs.
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[inline(always)]
fn div_2by1_fast(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    let q: u64;
    let r: u64;
    // SAFETY: the only caller checked `hi < d`, so `d != 0` and the quotient of `hi:lo / d`
    // is below 2^64: `div` cannot raise #DE. The instruction reads and writes only the
    // registers named here and touches neither memory nor the stack.
    unsafe {
        core::arch::asm!(
            "div {d}",
            d = in(reg) d,
            inout("rax") lo => q,
            inout("rdx") hi => r,
            options(pure, nomem, nostack)
        );
    }
    (q, r)
}

/// Portable 128-by-64 division for targets without a native instruction (and for miri).
#[cfg(any(miri, not(target_arch = "x86_64")))]
#[inline(always)]
fn div_2by1_fast(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    let n = ((hi as u128) << 64) | lo as u128;
    ((n / d as u128) as u64, (n % d as u128) as u64)
}

/// Full 4x4-limb product: 512 bits as eight little-endian limbs.
#[inline(always)]
pub(crate) const fn mul_4x4(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    let mut r = [0u64; 8];
    let mut i = 0;
    while i < 4 {
        let mut carry = 0u64;
        let mut j = 0;
        while j < 4 {
            let (lo, hi) = mac(r[i + j], a[i], b[j], carry);
            r[i + j] = lo;
            carry = hi;
            j += 1;
        }
        r[i + 4] = carry;
        i += 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adc_sbb_carry_out() {
        assert_eq!(adc(u64::MAX, 1, false), (0, true));
        assert_eq!(adc(u64::MAX, u64::MAX, true), (u64::MAX, true));
        assert_eq!(adc(1, 2, true), (4, false));
        assert_eq!(sbb(0, 1, false), (u64::MAX, true));
        assert_eq!(sbb(0, u64::MAX, true), (0, true));
        assert_eq!(sbb(5, 2, true), (2, false));
    }

    #[test]
    fn mac_maximum_fits() {
        // (2^64-1)^2 + 2*(2^64-1) = 2^128 - 1.
        assert_eq!(
            mac(u64::MAX, u64::MAX, u64::MAX, u64::MAX),
            (u64::MAX, u64::MAX)
        );
        assert_eq!(mul_wide(1 << 63, 4), (0, 2));
    }

    #[test]
    fn div_2by1_in_and_out_of_contract() {
        assert_eq!(div_2by1(0, 100, 7), (14, 2));
        assert_eq!(div_2by1(6, u64::MAX, 7), (u64::MAX, 6));
        // Out of contract: no fault, zero divisor gives zero.
        assert_eq!(div_2by1(5, 0, 0), (0, 0));
        assert_eq!(div_2by1(7, 0, 7), (0, 0));
    }

    #[test]
    fn mul_4x4_of_max_is_max_squared() {
        // (2^256-1)^2 = 2^512 - 2^257 + 1: limbs 1,0,0,0,MAX-1,MAX,MAX,MAX.
        let m = [u64::MAX; 4];
        assert_eq!(
            mul_4x4(&m, &m),
            [1, 0, 0, 0, u64::MAX - 1, u64::MAX, u64::MAX, u64::MAX]
        );
    }
}
