//! Byte-order conversions between EVMC's big-endian 32-byte integers and the encodings
//! contracts see in memory: u128 as 16 bytes little-endian, u256 as 32 bytes little-endian.

use crate::host::Bytes32;
use crate::outcome::HostExit;

/// The u128 little-endian encoding of big-endian `value_be`, or `ArgumentOutOfRange` when
/// the value is 2^128 or more.
pub fn u128_le_from_be32(value_be: &Bytes32) -> Result<[u8; 16], HostExit> {
    u128_from_be32(value_be).map(u128::to_le_bytes)
}

/// The value of big-endian `value_be` as a `u128`, or `ArgumentOutOfRange` when it is
/// 2^128 or more.
pub fn u128_from_be32(value_be: &Bytes32) -> Result<u128, HostExit> {
    let (high, low) = value_be.split_at(16);
    if high.iter().any(|&b| b != 0) {
        return Err(HostExit::ArgumentOutOfRange);
    }
    let mut low_be = [0u8; 16];
    low_be.copy_from_slice(low);
    Ok(u128::from_be_bytes(low_be))
}

/// The big-endian 32-byte form of `value`.
pub fn be32_from_u128(value: u128) -> Bytes32 {
    let mut out = [0u8; 32];
    out[16..].copy_from_slice(&value.to_be_bytes());
    out
}

/// The u256 little-endian encoding of big-endian `value_be` (a byte reversal).
pub fn u256_le_from_be32(value_be: &Bytes32) -> [u8; 32] {
    let mut out = *value_be;
    out.reverse();
    out
}

/// Whether every byte is zero.
pub fn is_zero(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_value_becomes_little_endian_u128() {
        let mut be = [0u8; 32];
        be[30] = 0x12;
        be[31] = 0x34;
        let mut expected = [0u8; 16];
        expected[0] = 0x34;
        expected[1] = 0x12;
        assert_eq!(u128_le_from_be32(&be), Ok(expected));
    }

    #[test]
    fn largest_u128_is_accepted_and_2_pow_128_is_not() {
        let mut be = [0u8; 32];
        be[16..].fill(0xff);
        assert_eq!(u128_le_from_be32(&be), Ok([0xff; 16]));
        let mut too_big = [0u8; 32];
        too_big[15] = 1;
        assert_eq!(
            u128_le_from_be32(&too_big),
            Err(HostExit::ArgumentOutOfRange)
        );
        assert_eq!(
            u128_from_be32(&[0xff; 32]),
            Err(HostExit::ArgumentOutOfRange)
        );
    }

    #[test]
    fn u128_round_trips_through_be32() {
        let v = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128;
        let be = be32_from_u128(v);
        assert_eq!(be[16], 0x01);
        assert_eq!(be[31], 0x10);
        assert!(is_zero(&be[..16]));
        assert_eq!(u128_from_be32(&be), Ok(v));
    }

    #[test]
    fn u256_le_is_the_reversal() {
        let mut be = [0u8; 32];
        be[0] = 0xaa;
        be[31] = 0x01;
        let le = u256_le_from_be32(&be);
        assert_eq!(le[0], 0x01);
        assert_eq!(le[31], 0xaa);
        assert!(is_zero(&le[1..31]));
    }
}
