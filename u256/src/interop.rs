//! Lossless conversions with `primitive_types::U256` (feature `primitive-types`) and
//! `ethnum::U256` (feature `ethnum`), both directions.

#[cfg(feature = "primitive-types")]
mod primitive {
    use crate::U256;

    impl From<primitive_types::U256> for U256 {
        /// Same value: both store four little-endian `u64` limbs.
        #[inline]
        fn from(v: primitive_types::U256) -> U256 {
            U256(v.0)
        }
    }

    impl From<U256> for primitive_types::U256 {
        /// Same value: both store four little-endian `u64` limbs.
        #[inline]
        fn from(v: U256) -> primitive_types::U256 {
            primitive_types::U256(v.0)
        }
    }
}

#[cfg(feature = "ethnum")]
mod ethnum_interop {
    use crate::U256;

    impl From<ethnum::U256> for U256 {
        /// Same value, from ethnum's (high, low) `u128` words.
        #[inline]
        fn from(v: ethnum::U256) -> U256 {
            let (hi, lo) = v.into_words();
            U256([lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64])
        }
    }

    impl From<U256> for ethnum::U256 {
        /// Same value, as ethnum's (high, low) `u128` words.
        #[inline]
        fn from(v: U256) -> ethnum::U256 {
            let l = v.0;
            let lo = ((l[1] as u128) << 64) | l[0] as u128;
            let hi = ((l[3] as u128) << 64) | l[2] as u128;
            ethnum::U256::from_words(hi, lo)
        }
    }
}

#[cfg(all(test, feature = "primitive-types", feature = "ethnum"))]
mod tests {
    use crate::U256;

    /// Decimal strings parsed independently by each library must convert to each other.
    const SAMPLES: [&str; 5] = [
        "0",
        "1",
        "18446744073709551616",                    // 2^64
        "340282366920938463463374607431768211457", // 2^128 + 1
        "115792089237316195423570985008687907853269984665640564039457584007913129639935",
    ];

    #[test]
    fn primitive_types_round_trip() {
        for s in SAMPLES {
            let ours: U256 = s.parse().unwrap_or_default();
            let theirs = primitive_types::U256::from_dec_str(s).unwrap_or_default();
            assert_eq!(U256::from(theirs), ours, "{s}");
            assert_eq!(primitive_types::U256::from(ours), theirs, "{s}");
        }
    }

    #[test]
    fn ethnum_round_trip() {
        for s in SAMPLES {
            let ours: U256 = s.parse().unwrap_or_default();
            let theirs = ethnum::U256::from_str_radix(s, 10).unwrap_or_default();
            assert_eq!(U256::from(theirs), ours, "{s}");
            assert_eq!(ethnum::U256::from(ours), theirs, "{s}");
        }
    }
}
