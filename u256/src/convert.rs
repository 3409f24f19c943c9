//! Conversions of [`U256`] to and from bytes (both byte orders), primitive integers and limbs.

use crate::U256;

impl U256 {
    /// Builds a value from four little-endian `u64` limbs (limb 0 least significant).
    #[inline]
    pub const fn from_limbs(limbs: [u64; 4]) -> U256 {
        U256(limbs)
    }

    /// The four little-endian `u64` limbs (limb 0 least significant).
    #[inline]
    pub const fn as_limbs(&self) -> &[u64; 4] {
        &self.0
    }

    /// Builds a value from a `u64`.
    #[inline]
    pub const fn from_u64(v: u64) -> U256 {
        U256([v, 0, 0, 0])
    }

    /// Builds a value from a `u128`.
    #[inline]
    pub const fn from_u128(v: u128) -> U256 {
        U256([v as u64, (v >> 64) as u64, 0, 0])
    }

    /// The low 64 bits (the value truncated to a `u64`).
    #[inline]
    pub const fn low_u64(&self) -> u64 {
        self.0[0]
    }

    /// The low 128 bits (the value truncated to a `u128`).
    #[inline]
    pub const fn low_u128(&self) -> u128 {
        ((self.0[1] as u128) << 64) | self.0[0] as u128
    }

    /// The value as a `u64`, or `None` if it is 2^64 or more.
    #[inline]
    pub const fn try_to_u64(&self) -> Option<u64> {
        if (self.0[1] | self.0[2] | self.0[3]) == 0 {
            Some(self.0[0])
        } else {
            None
        }
    }

    /// The value as a `u128`, or `None` if it is 2^128 or more.
    #[inline]
    pub const fn try_to_u128(&self) -> Option<u128> {
        if (self.0[2] | self.0[3]) == 0 {
            Some(self.low_u128())
        } else {
            None
        }
    }

    /// Reads 32 big-endian bytes (byte 0 is the most significant).
    #[inline]
    pub const fn from_be_bytes(bytes: [u8; 32]) -> U256 {
        let mut limbs = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            let mut chunk = [0u8; 8];
            let mut k = 0;
            while k < 8 {
                chunk[k] = bytes[(3 - i) * 8 + k];
                k += 1;
            }
            limbs[i] = u64::from_be_bytes(chunk);
            i += 1;
        }
        U256(limbs)
    }

    /// Writes 32 big-endian bytes (byte 0 is the most significant).
    #[inline]
    pub const fn to_be_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 4 {
            let chunk = self.0[i].to_be_bytes();
            let mut k = 0;
            while k < 8 {
                out[(3 - i) * 8 + k] = chunk[k];
                k += 1;
            }
            i += 1;
        }
        out
    }

    /// Reads 32 little-endian bytes (byte 0 is the least significant).
    #[inline]
    pub const fn from_le_bytes(bytes: [u8; 32]) -> U256 {
        let mut limbs = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            let mut chunk = [0u8; 8];
            let mut k = 0;
            while k < 8 {
                chunk[k] = bytes[i * 8 + k];
                k += 1;
            }
            limbs[i] = u64::from_le_bytes(chunk);
            i += 1;
        }
        U256(limbs)
    }

    /// Writes 32 little-endian bytes (byte 0 is the least significant).
    #[inline]
    pub const fn to_le_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 4 {
            let chunk = self.0[i].to_le_bytes();
            let mut k = 0;
            while k < 8 {
                out[i * 8 + k] = chunk[k];
                k += 1;
            }
            i += 1;
        }
        out
    }

    /// Reads at most 32 big-endian bytes, left-padded with zeros; `None` if longer.
    #[inline]
    pub fn from_be_slice(bytes: &[u8]) -> Option<U256> {
        let mut buf = [0u8; 32];
        let start = 32usize.checked_sub(bytes.len())?;
        buf.get_mut(start..)?.copy_from_slice(bytes);
        Some(U256::from_be_bytes(buf))
    }

    /// Reads at most 32 little-endian bytes, padded with zeros at the high end; `None` if
    /// longer.
    #[inline]
    pub fn from_le_slice(bytes: &[u8]) -> Option<U256> {
        let mut buf = [0u8; 32];
        buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(U256::from_le_bytes(buf))
    }
}

impl From<u64> for U256 {
    #[inline]
    fn from(v: u64) -> U256 {
        U256::from_u64(v)
    }
}

impl From<u128> for U256 {
    #[inline]
    fn from(v: u128) -> U256 {
        U256::from_u128(v)
    }
}

impl From<[u64; 4]> for U256 {
    /// Same as [`U256::from_limbs`]: little-endian limbs.
    #[inline]
    fn from(limbs: [u64; 4]) -> U256 {
        U256(limbs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0x0102...1f20 as big-endian bytes: byte k holds k + 1.
    fn counting_bytes() -> [u8; 32] {
        core::array::from_fn(|k| k as u8 + 1)
    }

    #[test]
    fn be_bytes_put_the_first_byte_at_the_top() {
        let v = U256::from_be_bytes(counting_bytes());
        assert_eq!(v.0[3], 0x0102_0304_0506_0708);
        assert_eq!(v.0[0], 0x191a_1b1c_1d1e_1f20);
        assert_eq!(v.to_be_bytes(), counting_bytes());
    }

    #[test]
    fn le_bytes_put_the_first_byte_at_the_bottom() {
        let v = U256::from_le_bytes(counting_bytes());
        assert_eq!(v.0[0], 0x0807_0605_0403_0201);
        assert_eq!(v.0[3], 0x201f_1e1d_1c1b_1a19);
        assert_eq!(v.to_le_bytes(), counting_bytes());
    }

    #[test]
    fn slices_pad_and_reject_long_input() {
        assert_eq!(U256::from_be_slice(&[1, 2]), Some(U256::from_u64(0x0102)));
        assert_eq!(U256::from_le_slice(&[1, 2]), Some(U256::from_u64(0x0201)));
        assert_eq!(U256::from_be_slice(&[]), Some(U256::ZERO));
        assert_eq!(U256::from_le_slice(&[]), Some(U256::ZERO));
        assert_eq!(
            U256::from_be_slice(&counting_bytes()),
            Some(U256::from_be_bytes(counting_bytes()))
        );
        assert_eq!(U256::from_be_slice(&[0u8; 33]), None);
        assert_eq!(U256::from_le_slice(&[0u8; 33]), None);
    }

    #[test]
    fn integer_conversions() {
        let x = 0x1122_3344_5566_7788_99aa_bbcc_ddee_ff00u128;
        let v = U256::from(x);
        assert_eq!(
            v.as_limbs(),
            &[0x99aa_bbcc_ddee_ff00, 0x1122_3344_5566_7788, 0, 0]
        );
        assert_eq!(v.low_u128(), x);
        assert_eq!(v.low_u64(), 0x99aa_bbcc_ddee_ff00);
        assert_eq!(v.try_to_u128(), Some(x));
        assert_eq!(v.try_to_u64(), None);
        assert_eq!(U256::from(7u64).try_to_u64(), Some(7));
        assert_eq!(U256::from_limbs([0, 0, 1, 0]).try_to_u128(), None);
        assert_eq!(U256::from_limbs([5, 0, 0, 1]).low_u64(), 5);
        assert_eq!(U256::from([1, 2, 3, 4]), U256::from_limbs([1, 2, 3, 4]));
    }
}
