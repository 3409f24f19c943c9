//! Text: parsing ([`FromStr`](core::str::FromStr) for decimal or `0x` hex, and
//! `from_str_radix`) and formatting (`Display` decimal, `LowerHex`, `Debug`).

use crate::U256;
use core::fmt;
use core::str::FromStr;

/// Why a string is not a valid [`U256`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseU256Error {
    /// The string has no digits.
    Empty,
    /// A character is not a digit of the radix.
    InvalidDigit,
    /// The number is 2^256 or more.
    Overflow,
    /// The radix is not 10 or 16.
    UnsupportedRadix,
}

impl fmt::Display for ParseU256Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseU256Error::Empty => "cannot parse a 256-bit integer from an empty string",
            ParseU256Error::InvalidDigit => "invalid digit in a 256-bit integer",
            ParseU256Error::Overflow => "number too large for 256 bits",
            ParseU256Error::UnsupportedRadix => "only radix 10 and 16 are supported",
        })
    }
}

impl std::error::Error for ParseU256Error {}

/// 10^19: the largest power of ten in a `u64`, the chunk size of decimal conversions.
const TEN_POW_19: u64 = 10_000_000_000_000_000_000;

impl U256 {
    /// Parses digits in radix 10 or 16 (no sign; for 16 an optional `0x` prefix and either
    /// letter case).
    pub fn from_str_radix(s: &str, radix: u32) -> Result<U256, ParseU256Error> {
        match radix {
            10 => parse_dec(s.as_bytes()),
            16 => parse_hex(strip_hex_prefix(s).unwrap_or(s).as_bytes()),
            _ => Err(ParseU256Error::UnsupportedRadix),
        }
    }
}

impl FromStr for U256 {
    type Err = ParseU256Error;

    /// Decimal, or hexadecimal with a `0x`/`0X` prefix.
    fn from_str(s: &str) -> Result<U256, ParseU256Error> {
        match strip_hex_prefix(s) {
            Some(hex) => parse_hex(hex.as_bytes()),
            None => parse_dec(s.as_bytes()),
        }
    }
}

fn strip_hex_prefix(s: &str) -> Option<&str> {
    s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))
}

/// Decimal digits, 19 at a time: `acc = acc * 10^k + chunk` with overflow checks.
fn parse_dec(digits: &[u8]) -> Result<U256, ParseU256Error> {
    if digits.is_empty() {
        return Err(ParseU256Error::Empty);
    }
    let mut acc = U256::ZERO;
    for chunk in digits.chunks(19) {
        let mut value = 0u64;
        for &c in chunk {
            let digit = c.wrapping_sub(b'0');
            if digit > 9 {
                return Err(ParseU256Error::InvalidDigit);
            }
            value = value * 10 + u64::from(digit);
        }
        let scale = POW10.get(chunk.len()).copied().unwrap_or(TEN_POW_19);
        let (shifted, carry) = acc.mul_u64_carry(scale);
        let (sum, overflow) = shifted.overflowing_add(U256::from_u64(value));
        if carry != 0 || overflow {
            return Err(ParseU256Error::Overflow);
        }
        acc = sum;
    }
    Ok(acc)
}

/// `POW10[k] = 10^k` for `k <= 19`.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut k = 1;
    while k < 20 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// Hex digits, either case; leading zeros do not count toward the 64-digit limit.
fn parse_hex(digits: &[u8]) -> Result<U256, ParseU256Error> {
    if digits.is_empty() {
        return Err(ParseU256Error::Empty);
    }
    let first_nonzero = digits
        .iter()
        .position(|&c| c != b'0')
        .unwrap_or(digits.len());
    let significant = digits.get(first_nonzero..).unwrap_or_default();
    let mut limbs = [0u64; 4];
    for (k, &c) in significant.iter().rev().enumerate() {
        let nibble = u64::from(hex_value(c).ok_or(ParseU256Error::InvalidDigit)?);
        let limb = limbs.get_mut(k / 16).ok_or(ParseU256Error::Overflow)?;
        *limb |= nibble << ((k % 16) * 4);
    }
    Ok(U256(limbs))
}

/// The value of one hex digit, either case.
fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for U256 {
    /// Decimal, honouring width, fill and `+` like the primitive integers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // 78 digits are enough for 2^256 - 1.
        let mut buf = [0u8; 80];
        let mut pos = buf.len();
        let mut rest = *self;
        loop {
            let (q, r) = rest.div_rem(U256::from_u64(TEN_POW_19));
            let mut chunk = r.low_u64();
            let last = q.is_zero();
            // Write all 19 digits of inner chunks, only the significant ones of the top.
            let mut written = 0;
            while let Some(slot) = pos.checked_sub(1).and_then(|p| buf.get_mut(p)) {
                if (last && chunk == 0 && written > 0) || written == 19 {
                    break;
                }
                *slot = b'0' + (chunk % 10) as u8;
                chunk /= 10;
                pos -= 1;
                written += 1;
            }
            if last {
                break;
            }
            rest = q;
        }
        let digits = buf.get(pos..).unwrap_or_default();
        f.pad_integral(true, "", core::str::from_utf8(digits).unwrap_or_default())
    }
}

impl fmt::LowerHex for U256 {
    /// Lowercase hex without leading zeros (`0` for zero); `{:#x}` adds `0x`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 64];
        for (k, slot) in buf.iter_mut().enumerate() {
            let nibble_index = 63 - k;
            let limb = self.0.get(nibble_index / 16).copied().unwrap_or(0);
            let nibble = (limb >> ((nibble_index % 16) * 4)) & 0xf;
            *slot = b"0123456789abcdef"
                .get(nibble as usize)
                .copied()
                .unwrap_or(b'0');
        }
        let start = buf.iter().position(|&c| c != b'0').unwrap_or(63);
        let digits = buf.get(start..).unwrap_or_default();
        f.pad_integral(true, "0x", core::str::from_utf8(digits).unwrap_or_default())
    }
}

impl fmt::Debug for U256 {
    /// Decimal, like the primitive integers' `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_DEC: &str =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    const MAX_HEX: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    #[test]
    fn display_decimal() {
        assert_eq!(U256::ZERO.to_string(), "0");
        assert_eq!(U256::from_u64(10).to_string(), "10");
        assert_eq!(
            U256::from_u64(TEN_POW_19).to_string(),
            "10000000000000000000"
        );
        assert_eq!(U256::MAX.to_string(), MAX_DEC);
        assert_eq!(format!("{:>5}", U256::from_u64(42)), "   42");
        assert_eq!(format!("{:05}", U256::from_u64(42)), "00042");
        assert_eq!(format!("{:?}", U256::from_u64(42)), "42");
    }

    #[test]
    fn lower_hex() {
        assert_eq!(format!("{:x}", U256::ZERO), "0");
        assert_eq!(format!("{:#x}", U256::from_u64(255)), "0xff");
        assert_eq!(format!("{:x}", U256::MAX), MAX_HEX);
        assert_eq!(format!("{:x}", U256([0, 1, 0, 0])), "10000000000000000");
    }

    #[test]
    fn parse_decimal_and_hex() {
        assert_eq!(MAX_DEC.parse::<U256>(), Ok(U256::MAX));
        assert_eq!(format!("0x{MAX_HEX}").parse::<U256>(), Ok(U256::MAX));
        assert_eq!("0X00ff".parse::<U256>(), Ok(U256::from_u64(255)));
        assert_eq!("0".parse::<U256>(), Ok(U256::ZERO));
        assert_eq!(
            "000000000000000000000000000042".parse::<U256>(),
            Ok(U256::from_u64(42))
        );
        let zeros_then_max = format!("{}{MAX_HEX}", "0".repeat(70));
        assert_eq!(U256::from_str_radix(&zeros_then_max, 16), Ok(U256::MAX));
        assert_eq!(U256::from_str_radix("0xAbC", 16), Ok(U256::from_u64(0xabc)));
        assert_eq!(U256::from_str_radix("123", 10), Ok(U256::from_u64(123)));
    }

    #[test]
    fn pow10_table_is_complete() {
        assert_eq!(POW10[0], 1);
        assert_eq!(POW10[19], TEN_POW_19);
        assert!(POW10.windows(2).all(|w| w[1] == w[0] * 10));
    }

    #[test]
    fn parse_errors() {
        // 2^256 in decimal: MAX + 1.
        let two_256 =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert_eq!(two_256.parse::<U256>(), Err(ParseU256Error::Overflow));
        assert_eq!(
            format!("{MAX_DEC}0").parse::<U256>(),
            Err(ParseU256Error::Overflow)
        );
        assert_eq!(
            format!("0x1{MAX_HEX}").parse::<U256>(),
            Err(ParseU256Error::Overflow)
        );
        assert_eq!("".parse::<U256>(), Err(ParseU256Error::Empty));
        assert_eq!("0x".parse::<U256>(), Err(ParseU256Error::Empty));
        assert_eq!("12a".parse::<U256>(), Err(ParseU256Error::InvalidDigit));
        assert_eq!("-1".parse::<U256>(), Err(ParseU256Error::InvalidDigit));
        assert_eq!("0xfg".parse::<U256>(), Err(ParseU256Error::InvalidDigit));
        assert_eq!(" 1".parse::<U256>(), Err(ParseU256Error::InvalidDigit));
        assert_eq!(
            U256::from_str_radix("1", 8),
            Err(ParseU256Error::UnsupportedRadix)
        );
        assert!(!ParseU256Error::Overflow.to_string().is_empty());
    }
}
