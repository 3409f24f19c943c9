//! Bit-level operations: comparisons (`LT`, `GT`, `SLT`, `SGT`, `EQ`, `ISZERO`, `Ord`),
//! bitwise logic (`AND`, `OR`, `XOR`, `NOT` and their traits), shifts (`SHL`, `SHR`, `SAR`),
//! `BYTE`, `SIGNEXTEND` and bit counts.

use crate::U256;
use core::cmp::Ordering;
use core::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign, BitXor, BitXorAssign, Not};

impl U256 {
    /// Whether the value is 0 (EVM `ISZERO`).
    #[inline]
    pub const fn is_zero(&self) -> bool {
        (self.0[0] | self.0[1] | self.0[2] | self.0[3]) == 0
    }

    /// Unsigned `self < rhs` (EVM `LT`).
    #[inline]
    pub const fn lt(self, rhs: U256) -> bool {
        // Top-down: random operands almost always differ in the top limb.
        let (a, b) = (self.0, rhs.0);
        if a[3] != b[3] {
            return a[3] < b[3];
        }
        if a[2] != b[2] {
            return a[2] < b[2];
        }
        if a[1] != b[1] {
            return a[1] < b[1];
        }
        a[0] < b[0]
    }

    /// Unsigned `self > rhs` (EVM `GT`).
    #[inline]
    pub const fn gt(self, rhs: U256) -> bool {
        rhs.lt(self)
    }

    /// Signed (two's complement) `self < rhs` (EVM `SLT`).
    #[inline]
    pub const fn slt(self, rhs: U256) -> bool {
        self.flip_sign().lt(rhs.flip_sign())
    }

    /// Signed (two's complement) `self > rhs` (EVM `SGT`).
    #[inline]
    pub const fn sgt(self, rhs: U256) -> bool {
        self.flip_sign().gt(rhs.flip_sign())
    }

    /// `self == rhs` (EVM `EQ`), by value.
    #[inline]
    #[allow(clippy::should_implement_trait)] // `PartialEq` is derived; this is the EVM op.
    pub const fn eq(self, rhs: U256) -> bool {
        ((self.0[0] ^ rhs.0[0])
            | (self.0[1] ^ rhs.0[1])
            | (self.0[2] ^ rhs.0[2])
            | (self.0[3] ^ rhs.0[3]))
            == 0
    }

    /// Maps signed order to unsigned order by flipping the sign bit.
    #[inline]
    const fn flip_sign(self) -> U256 {
        U256([self.0[0], self.0[1], self.0[2], self.0[3] ^ (1 << 63)])
    }

    /// Bitwise AND (EVM `AND`).
    #[inline]
    pub const fn and(self, rhs: U256) -> U256 {
        U256([
            self.0[0] & rhs.0[0],
            self.0[1] & rhs.0[1],
            self.0[2] & rhs.0[2],
            self.0[3] & rhs.0[3],
        ])
    }

    /// Bitwise OR (EVM `OR`).
    #[inline]
    pub const fn or(self, rhs: U256) -> U256 {
        U256([
            self.0[0] | rhs.0[0],
            self.0[1] | rhs.0[1],
            self.0[2] | rhs.0[2],
            self.0[3] | rhs.0[3],
        ])
    }

    /// Bitwise XOR (EVM `XOR`).
    #[inline]
    pub const fn xor(self, rhs: U256) -> U256 {
        U256([
            self.0[0] ^ rhs.0[0],
            self.0[1] ^ rhs.0[1],
            self.0[2] ^ rhs.0[2],
            self.0[3] ^ rhs.0[3],
        ])
    }

    /// Bitwise NOT (EVM `NOT`).
    #[inline]
    #[allow(clippy::should_implement_trait)] // `Not` is implemented too, via this method.
    pub const fn not(self) -> U256 {
        U256([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }

    /// The number of leading zero bits (256 for zero).
    #[inline]
    pub const fn leading_zeros(&self) -> u32 {
        let l = &self.0;
        if l[3] != 0 {
            l[3].leading_zeros()
        } else if l[2] != 0 {
            64 + l[2].leading_zeros()
        } else if l[1] != 0 {
            128 + l[1].leading_zeros()
        } else {
            192 + l[0].leading_zeros()
        }
    }

    /// The bit length: the index of the highest set bit plus one (0 for zero).
    #[inline]
    pub const fn bits(&self) -> u32 {
        256 - self.leading_zeros()
    }

    /// The number of significant bytes (0 for zero); the EVM `EXP` gas counts these.
    #[inline]
    pub const fn byte_len(&self) -> u32 {
        self.bits().div_ceil(8)
    }

    /// The shift amount modulo 256 and whether it is 256 or more.
    #[inline(always)]
    const fn split_shift(self) -> (u32, bool) {
        let s = self.0;
        ((s[0] & 255) as u32, ((s[0] >> 8) | s[1] | s[2] | s[3]) != 0)
    }

    /// EVM `SHL`: `value << self` where `self` is the 256-bit shift amount; called as
    /// `U256::shl(shift, value)`. A shift of 256 or more gives 0.
    #[inline]
    #[allow(clippy::should_implement_trait)] // EVM operand order, not `Shl`.
    pub const fn shl(self, value: U256) -> U256 {
        let (s, too_big) = self.split_shift();
        let r = value.shl_small(s);
        if too_big {
            U256::ZERO
        } else {
            r
        }
    }

    /// EVM `SHR`: logical `value >> self`; called as `U256::shr(shift, value)`. A shift
    /// of 256 or more gives 0.
    #[inline]
    #[allow(clippy::should_implement_trait)] // EVM operand order, not `Shr`.
    pub const fn shr(self, value: U256) -> U256 {
        let (s, too_big) = self.split_shift();
        let r = value.shr_small(s);
        if too_big {
            U256::ZERO
        } else {
            r
        }
    }

    /// EVM `SAR`: arithmetic (sign-filling) `value >> self`; called as
    /// `U256::sar(shift, value)`. A shift of 256 or more gives 0 or -1 by the sign.
    #[inline]
    pub const fn sar(self, value: U256) -> U256 {
        let (s, too_big) = self.split_shift();
        let (lo, hi) = value.halves();
        let sign = ((hi as i128) >> 127) as u128; // all ones when negative
        let s7 = s & 127;
        let hi_s = ((hi as i128) >> s7) as u128;
        let lo_s = (lo >> s7) | (hi << 1 << (127 - s7));
        if too_big {
            U256::from_halves(sign, sign)
        } else if s >= 128 {
            U256::from_halves(hi_s, sign)
        } else {
            U256::from_halves(lo_s, hi_s)
        }
    }

    /// `self << s` for `s < 256`, on two `u128` halves (compiles to `shld` and `cmov`).
    #[inline]
    const fn shl_small(self, s: u32) -> U256 {
        let (lo, hi) = self.halves();
        let s7 = s & 127;
        // `>> 1 >> (127 - s7)` is `>> (128 - s7)` made 0 for `s7 == 0`.
        let lo_s = lo << s7;
        let hi_s = (hi << s7) | (lo >> 1 >> (127 - s7));
        if s >= 128 {
            U256::from_halves(0, lo_s)
        } else {
            U256::from_halves(lo_s, hi_s)
        }
    }

    /// Logical `self >> s` for `s < 256`, on two `u128` halves.
    #[inline]
    const fn shr_small(self, s: u32) -> U256 {
        let (lo, hi) = self.halves();
        let s7 = s & 127;
        let hi_s = hi >> s7;
        let lo_s = (lo >> s7) | (hi << 1 << (127 - s7));
        if s >= 128 {
            U256::from_halves(hi_s, 0)
        } else {
            U256::from_halves(lo_s, hi_s)
        }
    }

    /// The (low, high) 128-bit halves.
    #[inline(always)]
    const fn halves(self) -> (u128, u128) {
        let l = self.0;
        (
            ((l[1] as u128) << 64) | l[0] as u128,
            ((l[3] as u128) << 64) | l[2] as u128,
        )
    }

    /// Joins (low, high) 128-bit halves.
    #[inline(always)]
    const fn from_halves(lo: u128, hi: u128) -> U256 {
        U256([lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64])
    }

    /// EVM `BYTE`: byte `self` of `value` counted from the most significant (byte 0);
    /// called as `U256::byte(i, value)`. An index of 32 or more gives 0.
    #[inline]
    pub const fn byte(self, value: U256) -> U256 {
        let i = self.0;
        let in_range = ((i[1] | i[2] | i[3]) == 0) & (i[0] < 32);
        // Big-endian byte i is little-endian byte 31 - i: limb (31 - i) / 8.
        let k = (31 - (i[0] & 31)) as usize;
        let b = (value.0[k / 8] >> ((k % 8) * 8)) & 0xff;
        U256::from_u64(if in_range { b } else { 0 })
    }

    /// EVM `SIGNEXTEND`: extends the sign of the `(self + 1)`-byte two's complement number
    /// in the low bytes of `value`; called as `U256::signextend(b, value)`. For `b >= 31`
    /// the value is returned unchanged.
    #[inline]
    pub const fn signextend(self, value: U256) -> U256 {
        let b = match self.try_to_u64() {
            Some(b) if b < 31 => b as u32,
            _ => return value,
        };
        let sign_bit = b * 8 + 7;
        let limb = (sign_bit / 64) as usize;
        let bit = sign_bit % 64;
        let v = value.0;
        let negative = (v[limb] >> bit) & 1 != 0;
        let fill = if negative { u64::MAX } else { 0 };
        let mut r = v;
        // Bits above the sign bit in its limb, then every higher limb, become the fill.
        let keep = if bit == 63 {
            u64::MAX
        } else {
            (1u64 << (bit + 1)) - 1
        };
        r[limb] = (v[limb] & keep) | (fill & !keep);
        let mut i = limb + 1;
        while i < 4 {
            r[i] = fill;
            i += 1;
        }
        U256(r)
    }
}

impl Ord for U256 {
    /// Unsigned order.
    #[inline]
    fn cmp(&self, other: &U256) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        if a[3] != b[3] {
            return a[3].cmp(&b[3]);
        }
        if a[2] != b[2] {
            return a[2].cmp(&b[2]);
        }
        if a[1] != b[1] {
            return a[1].cmp(&b[1]);
        }
        a[0].cmp(&b[0])
    }
}

impl PartialOrd for U256 {
    /// Unsigned order.
    #[inline]
    fn partial_cmp(&self, other: &U256) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl BitAnd for U256 {
    type Output = U256;
    #[inline]
    fn bitand(self, rhs: U256) -> U256 {
        self.and(rhs)
    }
}

impl BitOr for U256 {
    type Output = U256;
    #[inline]
    fn bitor(self, rhs: U256) -> U256 {
        self.or(rhs)
    }
}

impl BitXor for U256 {
    type Output = U256;
    #[inline]
    fn bitxor(self, rhs: U256) -> U256 {
        self.xor(rhs)
    }
}

impl Not for U256 {
    type Output = U256;
    #[inline]
    fn not(self) -> U256 {
        U256::not(self)
    }
}

impl BitAndAssign for U256 {
    #[inline]
    fn bitand_assign(&mut self, rhs: U256) {
        *self = self.and(rhs);
    }
}

impl BitOrAssign for U256 {
    #[inline]
    fn bitor_assign(&mut self, rhs: U256) {
        *self = self.or(rhs);
    }
}

impl BitXorAssign for U256 {
    #[inline]
    fn bitxor_assign(&mut self, rhs: U256) {
        *self = self.xor(rhs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u128) -> U256 {
        U256::from_u128(v)
    }

    const TWO_255: U256 = U256::SIGNED_MIN;

    #[test]
    fn comparisons_unsigned_and_signed() {
        assert!(u(1).lt(u(2)) && !u(2).lt(u(2)) && u(3).gt(u(2)));
        assert!(U256::ZERO.lt(U256::MAX) && !U256::ZERO.slt(U256::MAX));
        // -1 < 0 and MIN < MAX_SIGNED in signed order.
        assert!(U256::MAX.slt(U256::ZERO) && U256::ZERO.sgt(U256::MAX));
        assert!(TWO_255.slt(TWO_255 - U256::ONE) && !TWO_255.sgt(U256::MAX));
        assert!(U256::MAX.eq(U256::MAX) && !U256::MAX.eq(U256::MAX - U256::ONE));
        assert!(U256::ZERO.is_zero() && !U256([0, 0, 0, 1]).is_zero());
        assert!(U256([0, 0, 0, 1]) > U256([u64::MAX, u64::MAX, u64::MAX, 0]));
        assert_eq!(U256([1, 0, 0, 0]).cmp(&U256([1, 0, 0, 0])), Ordering::Equal);
    }

    #[test]
    fn bitwise_ops_and_traits() {
        let a = U256([0b1100, 1, 0, u64::MAX]);
        let b = U256([0b1010, 3, u64::MAX, 0]);
        assert_eq!(a & b, U256([0b1000, 1, 0, 0]));
        assert_eq!(a | b, U256([0b1110, 3, u64::MAX, u64::MAX]));
        assert_eq!(a ^ b, U256([0b0110, 2, u64::MAX, u64::MAX]));
        assert_eq!(!U256::ZERO, U256::MAX);
        assert_eq!(a.not(), U256([!0b1100, !1, u64::MAX, 0]));
        let mut c = a;
        c &= b;
        c |= U256::ONE;
        c ^= U256::ONE;
        assert_eq!(c, a & b);
    }

    #[test]
    fn bit_counts() {
        assert_eq!(U256::ZERO.leading_zeros(), 256);
        assert_eq!(U256::ZERO.bits(), 0);
        assert_eq!(U256::ZERO.byte_len(), 0);
        assert_eq!(U256::ONE.bits(), 1);
        assert_eq!(u(255).byte_len(), 1);
        assert_eq!(u(256).byte_len(), 2);
        assert_eq!(U256::MAX.byte_len(), 32);
        assert_eq!(U256([0, 1, 0, 0]).leading_zeros(), 191);
        assert_eq!(TWO_255.leading_zeros(), 0);
    }

    #[test]
    fn shifts_at_the_boundaries() {
        let shl = U256::shl;
        let shr = U256::shr;
        assert_eq!(shl(u(0), U256::MAX), U256::MAX);
        assert_eq!(shl(u(255), U256::ONE), TWO_255);
        assert_eq!(shl(u(256), U256::ONE), U256::ZERO);
        assert_eq!(shl(TWO_255, U256::ONE), U256::ZERO);
        assert_eq!(shl(U256([0, 1, 0, 0]), U256::ONE), U256::ZERO);
        assert_eq!(shl(u(64), u(3)), U256([0, 3, 0, 0]));
        assert_eq!(shl(u(65), U256([1 << 63, 0, 0, 0])), U256([0, 0, 1, 0]));
        assert_eq!(shr(u(255), U256::MAX), U256::ONE);
        assert_eq!(shr(u(256), U256::MAX), U256::ZERO);
        assert_eq!(shr(TWO_255, U256::MAX), U256::ZERO);
        assert_eq!(shr(u(1), U256([0, 1, 0, 0])), U256([1 << 63, 0, 0, 0]));
        assert_eq!(shr(u(0), u(7)), u(7));
    }

    #[test]
    fn arithmetic_shift_fills_the_sign() {
        let sar = U256::sar;
        assert_eq!(sar(u(255), TWO_255), U256::MAX);
        assert_eq!(sar(u(256), TWO_255), U256::MAX);
        assert_eq!(sar(TWO_255, U256::MAX), U256::MAX);
        assert_eq!(sar(u(256), TWO_255 - U256::ONE), U256::ZERO);
        assert_eq!(sar(u(1), U256::MAX - U256::ONE), U256::MAX); // -2 >> 1 = -1
        assert_eq!(sar(u(4), u(0xff)), u(0x0f));
        assert_eq!(sar(u(0), TWO_255), TWO_255);
        // -16 >> 2 = -4
        assert_eq!(sar(u(2), u(16).wrapping_neg()), u(4).wrapping_neg());
    }

    #[test]
    fn byte_indexes_from_the_top() {
        let v = U256::from_be_bytes(core::array::from_fn(|k| k as u8 + 1));
        assert_eq!(U256::byte(u(0), v), u(1));
        assert_eq!(U256::byte(u(31), v), u(32));
        assert_eq!(U256::byte(u(8), v), u(9));
        assert_eq!(U256::byte(u(32), v), U256::ZERO);
        assert_eq!(U256::byte(U256::MAX, v), U256::ZERO);
        assert_eq!(U256::byte(U256([0, 1, 0, 0]), v), U256::ZERO);
    }

    #[test]
    fn signextend_rules() {
        let se = U256::signextend;
        assert_eq!(se(u(0), u(0xff)), U256::MAX);
        assert_eq!(se(u(0), u(0x7f)), u(0x7f));
        assert_eq!(se(u(0), u(0x1_80)), U256::MAX - u(0x7f)); // 0x80 -> -128
        assert_eq!(se(u(1), u(0xff_ff_7f_ff)), u(0x7f_ff));
        assert_eq!(
            se(u(7), u(0x80 << 56)),
            U256([0x80 << 56, u64::MAX, u64::MAX, u64::MAX])
        );
        assert_eq!(
            se(u(30), U256([0, 0, 0, 0x0080 << 48])),
            U256([0, 0, 0, 0xff80 << 48])
        );
        assert_eq!(se(u(31), TWO_255 - U256::ONE), TWO_255 - U256::ONE);
        assert_eq!(se(u(32), u(0xff)), u(0xff));
        assert_eq!(se(U256::MAX, u(0xff)), u(0xff));
        assert_eq!(se(U256([0, 1, 0, 0]), u(0x80)), u(0x80));
    }
}
